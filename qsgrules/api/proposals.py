"""Triage: a proposal for every provider, with the standing levels the register holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from .. import collector
from ..engine.levels import Held
from ..engine.triage import Assessed, TriageRun, prepare, resolve_date
from ..model.proposal import Proposal, Triage
from ..model.rebase import Rebase
from ..model.standing import Standing
from ..progress import Progress
from ..register import Register, present
from ..register.rebases import rebase_records, rebases
from ..reports.public import public_proposal
from ..reports.render import TableRow
from ..ruleset import CompiledRuleset
from ..ruleset.criteria import checked_condition, condition_text
from ..workspace import Workspace
from .inputs import open_inputs, register_file

__all__ = [
    "prepare_triage",
    "recorded_rebases",
    "run_triage",
    "standing_levels",
    "with_standing",
    "write_triage_csv",
    "write_triage_json",
    "write_triage_table",
]


def prepare_triage(
    workspace: str | Path | Workspace | None = None,
    ruleset: str | Path | CompiledRuleset | None = None,
    *,
    as_of: str | None = None,
    on: str | dt.date | None = None,
    providers: Sequence[str] | None = None,
    register: str | Path | None = None,
    standing: bool = True,
) -> TriageRun:
    """A triage ready to run (``run_triage`` says what the arguments mean): its heading
    known, the register read; ``TriageRun.proposals(emit, jobs=N)`` then makes the proposals
    in order, split over N processes, for an output that writes them as they come."""
    with collector.paused():  # see qsgrules.collector: a third of the CPU at scale
        ws, rs = open_inputs(workspace, ruleset)
        path = register_file(ws.root, register) if standing else None
        given = _given(ws, as_of, on) if path is not None else None
        recorded = recorded_rebases(path, given) if path is not None else ()
        held = standing_levels(path, on=given) if path is not None else {}
        return prepare(
            ws,
            rs,
            as_of=as_of,
            on=on,
            providers=providers,
            rebases=recorded,
            standings=held,
            standing=_held(held, rs),
        )


def _held(held: Mapping[str, Standing], ruleset: CompiledRuleset) -> dict[str, Held]:
    """Where each provider stands (its last decision), on the ruleset's ladder, for the
    levels whose rules declare exit criteria and those whose decision agreed exit criteria
    as a condition (engine.levels); none when neither is there."""
    ruled = any(r.exit is not None for r in ruleset.rules)
    ladder = ruleset.ladder
    return {
        code: Held(
            level=ladder.place(s.level),
            domains={d: ladder.place(lv) for d, lv in s.domains.items()},
            since=s.decided_on,
            criteria={
                scope: checked_condition(c, "register", scope) for scope, c in s.exit_when.items()
            },
            agreed={scope: condition_text(c) for scope, c in s.exit_when.items()},
        )
        for code, s in held.items()
        if ruled or s.exit_when
    }


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
    jobs: int = 1,
) -> Triage:
    """Triage a workspace (default: the bundled demo) with a ruleset (default: the default).

    Made on the date ``on`` (YYYY-MM-DD: soft intelligence up to that day, each provider's
    data as far as they reach, its lag shown) with the data up to the month ``as_of``; see
    ``qsgrules.engine.when``. Each proposal carries the provider's standing level from the
    register (``register``, by default ``register.sqlite`` in the workspace folder; none
    when there is no such file, or when ``standing`` is False): with a date or month given,
    the last decision taken on or before the date. The rebases recorded there apply to its
    trend tests, CUSUMs and charts. ``progress`` (optional) is called as
    ``progress(stage, done, total)`` on long runs. ``jobs`` processes share the work
    (forked: the loaded workspace is shared, not copied; ``qsgrules.forked``): the result
    is the same for any number (``qsgrules.forked.cores()`` is this machine's). Raises
    ``qsgrules.errors.InputError`` listing every problem in the inputs.
    """
    with collector.paused():  # see qsgrules.collector: a third of the CPU at scale
        if progress is not None:
            progress("loading", 0, 1)  # a stage of its own: the loader reports no steps
        ws, rs = open_inputs(workspace, ruleset)
        if progress is not None:
            progress("loading", 1, 1)
        run = prepare_triage(
            ws, rs, as_of=as_of, on=on, providers=providers, register=register, standing=standing
        )
        return run.triage(jobs=jobs, progress=progress)


def _heading(run: TriageRun) -> Triage:
    """The triage without its proposals: what the outputs say before and after them."""
    return Triage(
        ruleset=run.ruleset,
        as_of=run.as_of,
        on=run.on,
        proposals=(),
        notes=run.notes,
        ladder=run.ladder,
    )


def _explained(a: Assessed, public: bool) -> Proposal:
    return public_proposal(a.proposal()) if public else a.proposal()


def _table_row(a: Assessed) -> TableRow:
    """A provider's line of the table, from its assessment: no explanation is built."""
    return TableRow(
        a.code,
        a.provider.name,
        a.level,
        a.coverage,
        a.standing,
        len(a.facts.hard),
        a.soft_total,
        a.levels.domains,
    )


Written = tuple[Triage, list[TableRow]]


def write_triage_table(
    run: TriageRun,
    out: BinaryIO,
    *,
    public: bool = False,
    jobs: int = 1,
    progress: Progress | None = None,
) -> Written:
    """Write the triage ``run`` to ``out`` as ``render.table`` writes it, made by ``jobs``
    processes, building no explanation (the table shows none). Returns the triage's heading
    and its rows (what ``render.data_warnings`` and ``render.lag_notes`` read). ``public``
    changes nothing: the table quotes no item."""
    from ..reports import render

    del public
    head = _heading(run)
    rows = list(run.proposals(_table_row, jobs=jobs, progress=progress))
    out.write(render.table(head, rows).encode("utf-8"))
    out.flush()
    return head, rows


def write_triage_csv(
    run: TriageRun,
    out: BinaryIO,
    *,
    public: bool = False,
    jobs: int = 1,
    progress: Progress | None = None,
) -> Written:
    """Write the triage ``run`` to ``out`` exactly as ``render.to_csv`` writes it whole
    (``write_triage_table`` says what the rest means); ``public`` withholds confidential
    items' text."""
    from ..reports import render

    head = _heading(run)
    lines: list[str] = []
    rows: list[TableRow] = []
    for line, row in run.proposals(
        lambda a: (render.csv_row(_explained(a, public)), _table_row(a)),
        jobs=jobs,
        progress=progress,
    ):
        lines.append(line)
        rows.append(row)
    out.write((render.csv_head() + "".join(lines)).encode("utf-8"))
    out.flush()
    return head, rows


def write_triage_json(
    run: TriageRun,
    out: BinaryIO,
    *,
    public: bool = False,
    jobs: int = 1,
    progress: Progress | None = None,
) -> Written:
    """Write the triage ``run`` to ``out`` exactly as ``render.to_json`` writes it whole,
    proposal by proposal as they come (never held whole); ``write_triage_csv`` says what the
    rest means."""
    from ..reports import render

    head = _heading(run)
    before, after = render.json_around(head)
    rows: list[TableRow] = []
    made = run.proposals(
        lambda a: (render.json_proposal(_explained(a, public)), _table_row(a)),
        jobs=jobs,
        progress=progress,
    )
    # every provider's level is known before the first proposal comes (the shares assess
    # all theirs first): an engine failure is raised before anything is written
    for chunk, row in made:
        if not rows:
            out.write(before)
        out.write(render.json_between(not rows))
        out.write(chunk)
        rows.append(row)
    if not rows:
        out.write(before)
    out.write(render.json_end(bool(rows)) + after)
    out.flush()
    return head, rows


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


def standing_levels(register: str | Path, *, on: dt.date | None = None) -> dict[str, Standing]:
    """Each provider's standing level (its last decision, taken on or before ``on`` when
    given: only what was known then) from the register, read by indexed queries; none when
    there is no register file."""
    if not present(register):
        return {}
    with Register(register, readonly=True) as reg:
        return reg.standing_levels(on=on)


def with_standing(result: Triage, register: str | Path, *, on: dt.date | None = None) -> Triage:
    """The triage with each provider's standing level (``standing_levels``); unchanged
    when there is no register file."""
    held = standing_levels(register, on=on)
    if not held:
        return result
    return result.model_copy(
        update={
            "proposals": tuple(
                p.model_copy(update={"standing": held.get(p.provider)}) for p in result.proposals
            )
        }
    )
