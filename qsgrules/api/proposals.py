"""Triage: a proposal for every provider, with the standing levels the register holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from .. import collector
from ..engine.levels import Held
from ..engine.triage import resolve_date, triage
from ..model.proposal import Triage
from ..model.rebase import Rebase
from ..progress import Progress
from ..register import Register, present
from ..register.rebases import rebase_records, rebases
from ..ruleset import CompiledRuleset
from ..workspace import Workspace
from .inputs import open_inputs, register_file

__all__ = ["recorded_rebases", "run_triage", "with_standing"]


def run_triage(
    workspace: str | Path | Workspace | None = None,
    ruleset: str | Path | CompiledRuleset | None = None,
    *,
    as_of: str | None = None,
    on: str | dt.date | None = None,
    providers: Sequence[str] | None = None,
    register: str | Path | None = None,
    standing: bool = True,
    progress: Progress | None = None,
) -> Triage:
    """Triage a workspace (default: the bundled demo) with a ruleset (default: the default).

    Made on the date ``on`` (YYYY-MM-DD: soft intelligence up to that day, each provider's
    data as far as they reach, its lag shown) with the data up to the month ``as_of``; see
    ``qsgrules.engine.when``. Each proposal carries the provider's standing level from the
    register (``register``, by default ``register.sqlite`` in the workspace folder; none
    when there is no such file, or when ``standing`` is False): with a date or month given,
    the last decision taken on or before the date. The rebases recorded there apply to its
    trend tests, CUSUMs and charts. ``progress`` (optional) is called as
    ``progress(stage, done, total)`` on long runs. Raises ``qsgrules.errors.InputError``
    listing every problem in the inputs.
    """
    with collector.paused():  # see qsgrules.collector: a third of the CPU at scale
        if progress is not None:
            progress("loading", 0, 1)  # a stage of its own: the loader reports no steps
        ws, rs = open_inputs(workspace, ruleset)
        if progress is not None:
            progress("loading", 1, 1)
        path = register_file(ws.root, register) if standing else None
        recorded = recorded_rebases(path, _given(ws, as_of, on)) if path is not None else ()
        result = triage(
            ws,
            rs,
            as_of=as_of,
            on=on,
            providers=providers,
            progress=progress,
            rebases=recorded,
            standing=_held(path, rs, _given(ws, as_of, on)) if path is not None else None,
        )
    if path is None:
        return result
    return with_standing(result, path, on=_dated(result, as_of, on))


def _held(register: Path, ruleset: CompiledRuleset, on: dt.date | None) -> dict[str, Held]:
    """Where each provider stands (its last decision, on or before ``on``), on the
    ruleset's ladder, for the levels whose rules declare exit criteria (engine.levels);
    nothing to read when no rule declares any."""
    if not any(r.exit is not None for r in ruleset.rules) or not present(register):
        return {}
    with Register(register, readonly=True) as reg:
        held = reg.standing_levels(on=on)
    ladder = ruleset.ladder
    return {
        code: Held(
            level=ladder.place(s.level),
            domains={d: ladder.place(lv) for d, lv in s.domains.items()},
            since=s.decided_on,
        )
        for code, s in held.items()
    }


def _dated(result: Triage, as_of: str | None, on: str | dt.date | None) -> dt.date | None:
    """The triage's date when one was given (the record is then read as it was on it)."""
    if (as_of is None and on is None) or result.on is None:
        return None
    return dt.date.fromisoformat(result.on)


def recorded_rebases(register: str | Path, on: dt.date | None = None) -> tuple[Rebase, ...]:
    """The rebases the QSG recorded in the register (none without a register file); with
    ``on``, only those decided at a meeting held on or before that day (what was known)."""
    if not present(register):
        return ()
    with Register(register, readonly=True) as reg:
        found = rebases(rebase_records(reg))
        if on is not None:
            held = {m.id: m.date for m in reg.state().headers()}
            found = [r for r in found if held.get(r.meeting, on) <= on]
    return tuple(found)


def _given(workspace: Workspace, as_of: str | None, on: str | dt.date | None) -> dt.date | None:
    """The date of a triage when one was given (``as_of`` or ``on``), else None."""
    return None if as_of is None and on is None else resolve_date(workspace, as_of, on).on


def with_standing(result: Triage, register: str | Path, *, on: dt.date | None = None) -> Triage:
    """The triage with each provider's standing level (its last decision, taken on or
    before ``on`` when given: only what was known then) from the register, read by indexed
    queries; unchanged when there is no register file."""
    if not present(register):
        return result
    with Register(register, readonly=True) as reg:
        held = reg.standing_levels(on=on)
    if not held:
        return result
    return result.model_copy(
        update={
            "proposals": tuple(
                p.model_copy(update={"standing": held.get(p.provider)}) for p in result.proposals
            )
        }
    )
