"""The Python API behind the command line: everything `qsg` does can be done from here."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .bundled import default_ruleset, demo_workspace
from .engine.triage import triage
from .model.proposal import Triage
from .ruleset import CompiledRuleset, load_ruleset
from .workspace import Workspace, load_workspace

__all__ = ["load_ruleset", "load_workspace", "run_triage", "triage"]


def run_triage(
    workspace: str | Path | Workspace | None = None,
    ruleset: str | Path | CompiledRuleset | None = None,
    *,
    as_of: str | None = None,
    providers: Sequence[str] | None = None,
) -> Triage:
    """Triage a workspace (default: the bundled demo) with a ruleset (default: the default).

    Raises ``qsgrules.errors.InputError`` listing every problem in the inputs.
    """
    ws = (
        workspace
        if isinstance(workspace, Workspace)
        else load_workspace(workspace or demo_workspace())
    )
    rs = (
        ruleset
        if isinstance(ruleset, CompiledRuleset)
        else load_ruleset(ruleset or default_ruleset())
    )
    return triage(ws, rs, as_of=as_of, providers=providers)
