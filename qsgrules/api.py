"""The Python API behind the command line: everything `qsg` does can be done from here."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from . import collector
from .bundled import default_ruleset, demo_workspace
from .engine.triage import resolve_as_of, triage
from .errors import InputError, Problem, did_you_mean
from .evidence.soft import summarise
from .model.evidence import SoftFinding
from .model.proposal import Triage
from .progress import Progress
from .reports.public import publishable
from .ruleset import CompiledRuleset, load_ruleset
from .workspace import Workspace, load_workspace
from .workspace.intake import add_item
from .workspace.intelligence import scan_workspace

__all__ = [
    "add_item",
    "list_intelligence",
    "load_ruleset",
    "load_workspace",
    "publishable",
    "run_triage",
    "scan_workspace",
    "triage",
]


def _inputs(
    workspace: str | Path | Workspace | None, ruleset: str | Path | CompiledRuleset | None
) -> tuple[Workspace, CompiledRuleset]:
    """Load what was given by path; the bundled demo and default ruleset when nothing was."""
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
    return ws, rs


def run_triage(
    workspace: str | Path | Workspace | None = None,
    ruleset: str | Path | CompiledRuleset | None = None,
    *,
    as_of: str | None = None,
    providers: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> Triage:
    """Triage a workspace (default: the bundled demo) with a ruleset (default: the default).

    ``progress`` (optional) is called as ``progress(stage, done, total)`` on long runs.
    Raises ``qsgrules.errors.InputError`` listing every problem in the inputs.
    """
    with collector.paused():  # see qsgrules.collector: a third of the CPU at scale
        if progress is not None:
            progress("loading", 0, 1)  # a stage of its own: the loader reports no steps
        ws, rs = _inputs(workspace, ruleset)
        if progress is not None:
            progress("loading", 1, 1)
        return triage(ws, rs, as_of=as_of, providers=providers, progress=progress)


def list_intelligence(
    workspace: str | Path | Workspace | None = None,
    ruleset: str | Path | CompiledRuleset | None = None,
    *,
    as_of: str | None = None,
    provider: str | None = None,
) -> list[tuple[str, SoftFinding]]:
    """Every soft item known at the as-of month, with its current weight, by provider."""
    ws, rs = _inputs(workspace, ruleset)
    if provider is not None and provider not in ws.providers:
        raise InputError(
            [
                Problem.for_argument(
                    "provider",
                    f"unknown provider code {provider!r}{did_you_mean(provider, ws.providers)}",
                )
            ]
        )
    month = resolve_as_of(ws, as_of)
    summaries = summarise(ws.intelligence, rs.spec.soft, month)
    return [
        (code, finding)
        for code in sorted(summaries)
        if provider in (None, code)
        for finding in summaries[code].findings
    ]
