"""The meeting pack: what it is made from (a triage, new or frozen at a meeting, and the
series behind its findings), what the register adds to it, and the HTML document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..codes import Code
from ..errors import InputError, Problem, did_you_mean
from ..indicators import BY_ID
from ..model.months import month_number
from ..model.proposal import Triage, read_triage
from ..model.rebase import rebase_months
from ..register import Register, fold, present
from ..register.rebases import rebase_records, rebases_by_provider
from ..reports.public import publishable
from ..ruleset import CompiledRuleset
from ..workspace import Workspace
from ..writing import check_target, write_file
from .inputs import open_inputs, register_file
from .proposals import _dated, prepare_triage

if TYPE_CHECKING:
    from ..model.pack import MeetingContext
    from ..model.series import FunnelSection, IndicatorCharts, XmrSeries
    from ..register import State
    from ..reports.summary import SummaryTable

__all__ = ["PackSource", "meeting_pack", "neighbours", "pack_context", "pack_source"]


@dataclass(frozen=True)
class PackSource:
    """What a meeting pack (and the live page) is made from: the triage, new or the one
    frozen when ``meeting`` was opened; the whole series behind its findings, to chart; the
    local QSG(s) of its providers; the register to read the record from; for the summary
    icon table, the ruleset's indicators with every provider's XmR series of each (computed
    from the workspace's data as of the triage's month); and, to look at each indicator
    with a peer test across providers, one funnel per peer group, no provider highlighted."""

    triage: Triage
    charts: Mapping[tuple[str, str], IndicatorCharts]
    qsgs: tuple[str, ...]
    register: Path
    meeting: str | None = None
    indicators: tuple[str, ...] = ()
    summary: Mapping[tuple[str, str], XmrSeries] = field(default_factory=dict)
    #: providers of other local QSGs left out of a local QSG's meeting (issue 21)
    other_qsgs: tuple[str, ...] = ()
    across: tuple[FunnelSection, ...] = ()

    def summary_table(self) -> SummaryTable:
        """The summary icon table of the triage's providers × the ruleset's indicators."""
        from ..reports.summary import summary_table

        return summary_table(
            self.triage.proposals, self.indicators, self.summary, self.triage.as_of
        )


def pack_source(
    workspace: str | Path | Workspace | None = None,
    ruleset: str | Path | CompiledRuleset | None = None,
    *,
    as_of: str | None = None,
    on: str | dt.date | None = None,
    providers: Sequence[str] | None = None,
    register: str | Path | None = None,
    meeting: str | None = None,
    scope: bool = False,
) -> PackSource:
    """Triage (or, for a ``meeting``, take the triage frozen when it was opened: what was
    seen at the time) and compute the series of every indicator with a finding, as the
    findings were computed (peers are always the whole workspace; ``providers`` only
    chooses whose). A meeting's charts are drawn from the workspace and ruleset given; where
    they would show other numbers than the frozen findings cite (the data or the ruleset
    changed since), they are left out with a note saying so. With ``scope``, a meeting of a
    local QSG is cut to its own providers and those on its agenda: the others are left out
    (``other_qsgs``) unless ``providers`` names them."""
    # imported here: `qsg triage` starts without the pack's models and charts
    from ..evidence.series import charts_agree, group_funnels, provider_charts, xmr_series
    from ..model.series import IndicatorCharts

    if meeting is not None and (as_of is not None or on is not None):
        raise InputError(
            [
                Problem.for_argument(
                    "as_of" if as_of is not None else "on",
                    f"give --meeting or {'--as-of' if as_of is not None else '--on'}, not both: "
                    "a meeting's pack shows the triage frozen when the meeting was opened, on "
                    "the meeting's date",
                    Code.MEETING_WITH_DATE,
                )
            ]
        )
    ws, rs = open_inputs(workspace, ruleset)
    path = register_file(ws.root, register)
    left_out: tuple[str, ...] = ()
    if meeting is None:
        # as `qsg triage` does: the register's rebases, standing levels and the levels they
        # hold until their exit criteria are met
        run = prepare_triage(ws, rs, as_of=as_of, on=on, providers=providers, register=register)
        result = run.triage()
    else:
        result = _frozen(path, meeting, providers)
        if scope and not providers:
            result, left_out = _own(path, meeting, result)
    month = month_number(result.as_of)
    assert month is not None  # the triage's own as-of month
    wanted = [(p.provider, h.indicator) for p in result.proposals for h in p.evidence.hard]
    # charts start a series again where the triage's tests did (for a meeting: its frozen
    # triage's rebases, whatever was recorded since)
    applied = rebase_months(r for p in result.proposals for r in p.rebases)
    charts = provider_charts(ws, rs.spec, month, [w for w in wanted if w[1] in BY_ID], applied)
    if meeting is not None:
        note = (
            f"Chart not drawn: the workspace's data and ruleset now give other numbers than "
            f"the findings above, which are as the meeting {meeting} saw them (the data or the "
            "ruleset changed after it was opened)."
        )
        for p in result.proposals:
            for indicator in {h.indicator for h in p.evidence.hard}:
                empty = IndicatorCharts(provider=p.provider, indicator=indicator)
                found = charts.get((p.provider, indicator), empty)
                mine = [h for h in p.evidence.hard if h.indicator == indicator]
                if not charts_agree(mine, found):
                    charts[(p.provider, indicator)] = empty.model_copy(update={"note": note})
    names = {p.provider for p in result.proposals}
    qsgs = tuple(sorted({ws.providers[c].qsg for c in names if c in ws.providers} - {""}))
    indicators = tuple(i for i in rs.spec.indicators if i in BY_ID)
    pairs = [(c, i) for c in sorted(names) for i in indicators]
    summary = xmr_series(ws, rs.spec, month, pairs, applied)
    across = tuple(f for i in indicators for f in group_funnels(ws, rs.spec, month, i, names))
    return PackSource(
        result, charts, qsgs, path, meeting, indicators, summary, left_out, across=across
    )


def _frozen(path: Path, meeting: str, providers: Sequence[str] | None) -> Triage:
    """The triage frozen when ``meeting`` was opened, of some providers when given."""
    from ..register.meetings import meeting_of

    with Register(path, readonly=True) as reg:
        meeting_of(reg.state([meeting]), meeting)  # an unknown meeting: QSG602, did you mean
        result = read_triage(reg.frozen_triage(meeting))
    if not providers:
        return result
    codes = [p.provider for p in result.proposals]
    unknown = [c for c in dict.fromkeys(providers) if c not in codes]
    if unknown:
        raise InputError(
            Problem.for_argument(
                "providers",
                f"unknown provider code {c!r}{did_you_mean(c, codes)}; it is not in the "
                f"triage frozen when meeting {meeting} was opened",
                Code.NOT_IN_FROZEN_TRIAGE,
            )
            for c in unknown
        )
    chosen = set(providers)
    return result.model_copy(
        update={"proposals": tuple(p for p in result.proposals if p.provider in chosen)}
    )


def _own(path: Path, meeting: str, result: Triage) -> tuple[Triage, tuple[str, ...]]:
    """The frozen triage of a local QSG's meeting cut to its own providers and those on its
    agenda, and the codes of the others (none for a meeting of every local QSG)."""
    from ..register.agenda import agenda_of
    from ..register.scope import own

    with Register(path, readonly=True) as reg:
        state = reg.state([meeting])
        m = state.meetings[meeting]
        if m.qsg is None:
            return result, ()
        # another QSG's provider this QSG has a record on is on its agenda: in its pack too
        listed = {x.provider for x in agenda_of(state, m)}
    mine = {p.provider for p in result.proposals if own(m, p.provider) or p.provider in listed}
    kept = tuple(p for p in result.proposals if p.provider in mine)
    others = tuple(p.provider for p in result.proposals if p.provider not in mine)
    return result.model_copy(update={"proposals": kept}), others


def pack_context(
    source: PackSource,
    *,
    on: dt.date | None = None,
    liaison: Sequence[str | Path] = (),
) -> MeetingContext:
    """What the register says now for a pack: for the source's meeting, the meeting, its
    agenda (the guidance's example local agenda with what `qsg agenda` lists), standing
    levels, previous decisions and actions open on its date; without a meeting, the record
    as it is ``on`` that day (default today). Empty when there is no register file.
    ``liaison`` names other local QSGs' registers whose conclusions on this QSG's providers
    since its last meeting are listed (liaison before the fact), with this register's."""
    from ..model.pack import MeetingContext
    from ..register.pack_context import pack_context as from_register

    if not present(source.register):
        return MeetingContext()
    with Register(source.register, readonly=True) as reg:
        state = reg.state([source.meeting] if source.meeting is not None else [])
        m = state.meetings.get(source.meeting) if source.meeting is not None else None
        context = from_register(state, m, on=on or dt.date.today(), neighbours=neighbours(liaison))
        rebased = rebases_by_provider(rebase_records(reg))
        head = reg.head()
    context = context.model_copy(update={"other_qsgs": source.other_qsgs})
    if context.meeting is not None and head is not None:
        # the meeting's pack prints the chain head: the chain is anchored outside the file
        info = context.meeting.model_copy(
            update={"chain_head": f"record {head[0]}, sha256 {head[1]}"}
        )
        context = context.model_copy(update={"meeting": info})
    return context.model_copy(update={"rebases": rebased})


def meeting_pack(
    workspace: str | Path | Workspace | None = None,
    ruleset: str | Path | CompiledRuleset | None = None,
    *,
    as_of: str | None = None,
    on: str | dt.date | None = None,
    providers: Sequence[str] | None = None,
    public: bool = False,
    context: MeetingContext | None = None,
    out: str | Path | None = None,
    register: str | Path | None = None,
    meeting: str | None = None,
    all_qsgs: bool = False,
    liaison: Sequence[str | Path] = (),
    jobs: int = 1,
) -> str:
    """The meeting pack as one self-contained HTML document (and written to ``out``).

    Triage, then the whole XmR chart of every indicator with a finding and the funnel of
    every peer finding, computed as the findings were (peers are always the whole workspace;
    ``providers`` only chooses the sections; ``as_of`` and ``on`` as for ``run_triage``).
    ``meeting`` (not with ``as_of`` or ``on``) makes the
    pack of a meeting in the register: its frozen triage, its agenda, the record before it.
    A local QSG's meeting shows its own providers (``all_qsgs``: every one) and lists the
    conclusions other local QSGs reached on them since its last meeting (in its register
    and the registers named in ``liaison``).
    Without it the register (when there is one) still gives standing levels, previous
    decisions and open actions. ``public`` withholds confidential summaries. ``context``
    replaces what the register would add. Stale-data marks come from each proposal's
    coverage. ``out`` is checked before anything is computed and written whole or not at
    all. ``jobs`` processes draw the charts at once (forked; the same document for any
    number).
    """
    # imported here: `qsg triage` starts without the pack's templates
    from ..reports.pack import render_pack

    target = check_target(out, "out") if out is not None else None
    source = pack_source(
        workspace,
        ruleset,
        as_of=as_of,
        on=on,
        providers=providers,
        register=register,
        meeting=meeting,
        scope=not all_qsgs,
    )
    result = source.triage
    dated = _dated(result, as_of, on)
    text = render_pack(
        publishable(result) if public else result,
        source.charts,
        qsgs=source.qsgs,
        public=public,
        context=context if context is not None else pack_context(source, on=dated, liaison=liaison),
        summary=source.summary_table(),
        jobs=jobs,
        across=source.across,
    )
    if target is not None:
        write_file(target, text, argument="out", checked=True)
    return text


def neighbours(paths: Sequence[str | Path]) -> list[State]:
    """The folded records of other local QSGs' registers (each must be a register)."""
    found: list[State] = []
    for path in paths:
        if not present(path):
            raise InputError(
                [
                    Problem.for_argument(
                        "liaison",
                        f"no register at {path}: name another local QSG's register.sqlite",
                        Code.NOT_A_REGISTER,
                    )
                ]
            )
        with Register(path, readonly=True) as reg:
            # folded whole: it is read after its register is closed
            found.append(fold(reg.records()))
    return found
