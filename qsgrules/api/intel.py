"""Soft intelligence: list the items with their weights; log and close items (the
workspace's intake, ``qsgrules.workspace.intake``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..codes import Code
from ..engine.triage import resolve_date
from ..errors import InputError, Problem, did_you_mean
from ..evidence.soft import summarise
from ..model.evidence import SoftFinding
from ..ruleset import CompiledRuleset
from ..workspace import SoftItem, Workspace
from ..workspace.intake import add_item, close_item, shared_at
from .inputs import open_inputs

__all__ = [
    "Intelligence",
    "add_item",
    "close_item",
    "intelligence",
    "list_intelligence",
    "shared_at",
]


@dataclass(frozen=True)
class Intelligence:
    """What ``qsg intel list`` shows: every item known on the date with its weight there
    (counted or not, and why), and the items received after the date (not counted)."""

    rows: list[tuple[str, SoftFinding]]
    on: dt.date
    later: tuple[SoftItem, ...]


def list_intelligence(
    workspace: str | Path | Workspace | None = None,
    ruleset: str | Path | CompiledRuleset | None = None,
    *,
    as_of: str | None = None,
    on: str | dt.date | None = None,
    provider: str | None = None,
) -> list[tuple[str, SoftFinding]]:
    """Every soft item known on the triage's date (``as_of`` and ``on`` as for
    ``run_triage``), with its weight on that date, by provider."""
    return intelligence(workspace, ruleset, as_of=as_of, on=on, provider=provider).rows


def intelligence(
    workspace: str | Path | Workspace | None = None,
    ruleset: str | Path | CompiledRuleset | None = None,
    *,
    as_of: str | None = None,
    on: str | dt.date | None = None,
    provider: str | None = None,
) -> Intelligence:
    """``list_intelligence`` with the date it was made on and the items received after it."""
    ws, rs = open_inputs(workspace, ruleset)
    if provider is not None and provider not in ws.providers:
        raise InputError(
            [
                Problem.for_argument(
                    "provider",
                    f"unknown provider code {provider!r}{did_you_mean(provider, ws.providers)}",
                    Code.UNKNOWN_PROVIDER,
                )
            ]
        )
    day = resolve_date(ws, as_of, on).on
    summaries = summarise(ws.intelligence, rs.spec.soft, day, ws.members)
    rows = [
        (code, finding)
        for code in sorted(summaries)
        if provider in (None, code)
        for finding in summaries[code].findings
    ]
    later = tuple(
        sorted(
            (i for i in ws.intelligence if i.received > day and provider in (None, i.provider)),
            key=lambda i: (i.received, i.id),
        )
    )
    return Intelligence(rows, day, later)
