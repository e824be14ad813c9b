"""The Python API behind the command line: everything `qsg` does can be done from here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import collector
from .bundled import default_ruleset, demo_workspace
from .engine.triage import resolve_date, triage
from .errors import InputError, Problem, did_you_mean
from .evidence.soft import summarise
from .indicators import BY_ID
from .model.evidence import SoftFinding
from .model.months import month_number
from .model.proposal import Triage
from .model.rebase import Rebase, rebase_months
from .progress import Progress
from .register import Register, fold, present, standings
from .register.rebases import rebases, rebases_by_provider
from .reports.public import publishable
from .ruleset import CompiledRuleset, load_ruleset
from .workspace import SoftItem, Workspace, load_workspace
from .workspace.intake import add_item, close_item
from .workspace.privacy_scan import scan_workspace
from .writing import check_target, write_file

if TYPE_CHECKING:
    from .model.pack import MeetingContext
    from .model.series import IndicatorCharts

__all__ = [
    "Intelligence",
    "PackSource",
    "RulesetCheck",
    "add_item",
    "check_ruleset",
    "close_item",
    "intelligence",
    "list_intelligence",
    "load_ruleset",
    "load_workspace",
    "meeting_pack",
    "open_workspace",
    "pack_context",
    "pack_source",
    "publishable",
    "recorded_rebases",
    "register_file",
    "ruleset_warnings",
    "run_triage",
    "scan_workspace",
    "triage",
    "with_standing",
]

#: The register's file name in a workspace folder.
REGISTER_FILE = "register.sqlite"


def open_workspace(workspace: str | Path | Workspace | None = None) -> Workspace:
    """A workspace by path (the bundled demo when None); its ``warnings`` say what is legal
    but suspicious in it. Raises ``qsgrules.errors.InputError`` listing every problem."""
    if isinstance(workspace, Workspace):
        return workspace
    if workspace is not None and not Path(workspace).is_dir():
        raise InputError(
            [
                Problem.for_argument(
                    "workspace",
                    f"no such workspace folder {str(workspace)!r}",
                    code="QSG381",
                )
            ]
        )
    return load_workspace(workspace or demo_workspace())


def _inputs(
    workspace: str | Path | Workspace | None, ruleset: str | Path | CompiledRuleset | None
) -> tuple[Workspace, CompiledRuleset]:
    """Load what was given by path; the bundled demo and default ruleset when nothing was."""
    ws = open_workspace(workspace)
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
        ws, rs = _inputs(workspace, ruleset)
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
        )
    if path is None:
        return result
    return with_standing(result, path, on=_dated(result, as_of, on))


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
        records = reg.records()
    found = rebases(records)
    if on is not None:
        held = {m.id: m.date for m in fold(records).meetings.values()}
        found = [r for r in found if held.get(r.meeting, on) <= on]
    return tuple(found)


def _given(workspace: Workspace, as_of: str | None, on: str | dt.date | None) -> dt.date | None:
    """The date of a triage when one was given (``as_of`` or ``on``), else None."""
    return None if as_of is None and on is None else resolve_date(workspace, as_of, on).on


def register_file(workspace: str | Path | None, register: str | Path | None = None) -> Path:
    """Where the register to read is: ``register`` when given (it must exist), else
    ``register.sqlite`` in the workspace folder (the bundled demo's when no workspace is
    given), which may not exist yet."""
    if register is not None:
        # a register named must be there: a mistyped path is never read as "no register"
        # (every provider "never discussed", no standing level, without a word)
        if not present(register):
            raise InputError(
                [
                    Problem.for_argument(
                        "register",
                        f"no register at {register}; `qsg meeting open` starts one",
                        code="QSG600",
                    )
                ]
            )
        return Path(register)
    return Path(workspace or demo_workspace()) / REGISTER_FILE


def with_standing(result: Triage, register: str | Path, *, on: dt.date | None = None) -> Triage:
    """The triage with each provider's standing level (its last decision, taken on or
    before ``on`` when given: only what was known then) from the register, read in one
    query; unchanged when there is no register file."""
    if not present(register):
        return result
    with Register(register, readonly=True) as reg:
        rows = reg.decisions_by_provider()
    day = None if on is None else on.isoformat()
    held = standings([r for r in rows if day is None or r[5] is None or str(r[5]) <= day])
    if not held:
        return result
    return result.model_copy(
        update={
            "proposals": tuple(
                p.model_copy(update={"standing": held.get(p.provider)}) for p in result.proposals
            )
        }
    )


@dataclass(frozen=True)
class RulesetCheck:
    """What `qsg check` reports: the ruleset, its analysis findings, and a summary line."""

    path: str
    ruleset: CompiledRuleset
    findings: tuple[Problem, ...]

    @property
    def summary(self) -> str:
        rs = self.ruleset
        levels: dict[str, int] = {}
        for rule in rs.rules:
            levels[rule.level.value] = levels.get(rule.level.value, 0) + 1
        by_level = ", ".join(f"{n} {lv}" for lv, n in sorted(levels.items()))
        return (
            f"ruleset {rs.name} {rs.version}, {len(rs.rules)} rules ({by_level}), "
            f"{len(rs.spec.indicators)} indicator settings"
        )


def check_ruleset(path: str | Path, *, strict: bool = False) -> RulesetCheck:
    """Validate a ruleset (InputError with every problem) and analyse it.

    The analysis findings are warnings, or errors when ``strict``.
    """
    from .ruleset.analysis import analyse

    compiled = load_ruleset(path)
    assert compiled.positions is not None
    found = analyse(compiled, compiled.positions)
    if strict:
        found = [
            Problem(p.file, p.line, p.col, p.message, p.code, "error", p.argument) for p in found
        ]
    return RulesetCheck(str(path), compiled, tuple(found))


def ruleset_warnings(compiled: CompiledRuleset) -> tuple[Problem, ...]:
    """What `qsg check` warns of in a loaded ruleset (rules that can never fire,
    contradictions...), for the commands that use it: a triage by a ruleset with a rule that
    can never hold says so, as `check` would."""
    from .ruleset.analysis import analyse

    if compiled.positions is None:
        return ()
    return tuple(analyse(compiled, compiled.positions))


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
    ws, rs = _inputs(workspace, ruleset)
    if provider is not None and provider not in ws.providers:
        raise InputError(
            [
                Problem.for_argument(
                    "provider",
                    f"unknown provider code {provider!r}{did_you_mean(provider, ws.providers)}",
                    "QSG502",
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


@dataclass(frozen=True)
class PackSource:
    """What a meeting pack (and the live page) is made from: the triage, new or the one
    frozen when ``meeting`` was opened; the whole series behind its findings, to chart; the
    local QSG(s) of its providers; and the register to read the record from."""

    triage: Triage
    charts: Mapping[tuple[str, str], IndicatorCharts]
    qsgs: tuple[str, ...]
    register: Path
    meeting: str | None = None


def pack_source(
    workspace: str | Path | Workspace | None = None,
    ruleset: str | Path | CompiledRuleset | None = None,
    *,
    as_of: str | None = None,
    on: str | dt.date | None = None,
    providers: Sequence[str] | None = None,
    register: str | Path | None = None,
    meeting: str | None = None,
) -> PackSource:
    """Triage (or, for a ``meeting``, take the triage frozen when it was opened: what was
    seen at the time) and compute the series of every indicator with a finding, as the
    findings were computed (peers are always the whole workspace; ``providers`` only
    chooses whose). A meeting's charts are drawn from the workspace and ruleset given; where
    they would show other numbers than the frozen findings cite (the data or the ruleset
    changed since), they are left out with a note saying so."""
    # imported here: `qsg triage` starts without the pack's models and charts
    from .evidence.series import charts_agree, provider_charts
    from .model.series import IndicatorCharts

    if meeting is not None and (as_of is not None or on is not None):
        raise InputError(
            [
                Problem.for_argument(
                    "as_of" if as_of is not None else "on",
                    f"give --meeting or {'--as-of' if as_of is not None else '--on'}, not both: "
                    "a meeting's pack shows the triage frozen when the meeting was opened, on "
                    "the meeting's date",
                    "QSG850",
                )
            ]
        )
    ws, rs = _inputs(workspace, ruleset)
    path = register_file(ws.root, register)
    if meeting is None:
        recorded = recorded_rebases(path, _given(ws, as_of, on))
        result = triage(ws, rs, as_of=as_of, on=on, providers=providers, rebases=recorded)
        result = with_standing(result, path, on=_dated(result, as_of, on))
    else:
        result = _frozen(path, meeting, providers)
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
    return PackSource(result, charts, qsgs, path, meeting)


def _frozen(path: Path, meeting: str, providers: Sequence[str] | None) -> Triage:
    """The triage frozen when ``meeting`` was opened, of some providers when given."""
    from .register.meetings import meeting_of

    with Register(path, readonly=True) as reg:
        meeting_of(fold(reg.records()), meeting)  # an unknown meeting: QSG602, did you mean
        result = Triage.model_validate_json(reg.frozen_triage(meeting))
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
                "QSG851",
            )
            for c in unknown
        )
    chosen = set(providers)
    return result.model_copy(
        update={"proposals": tuple(p for p in result.proposals if p.provider in chosen)}
    )


def pack_context(source: PackSource, *, on: dt.date | None = None) -> MeetingContext:
    """What the register says now for a pack: for the source's meeting, the meeting, its
    agenda (the guidance's example local agenda with what `qsg agenda` lists), standing
    levels, previous decisions and actions open on its date; without a meeting, the record
    as it is ``on`` that day (default today). Empty when there is no register file."""
    from .model.pack import MeetingContext
    from .register.pack_context import pack_context as from_register

    if not present(source.register):
        return MeetingContext()
    with Register(source.register, readonly=True) as reg:
        records = reg.records()
        head = reg.head()
    state = fold(records)
    m = state.meetings.get(source.meeting) if source.meeting is not None else None
    context = from_register(state, m, on=on or dt.date.today())
    if context.meeting is not None and head is not None:
        # the meeting's pack prints the chain head: the chain is anchored outside the file
        info = context.meeting.model_copy(
            update={"chain_head": f"record {head[0]}, sha256 {head[1]}"}
        )
        context = context.model_copy(update={"meeting": info})
    return context.model_copy(update={"rebases": rebases_by_provider(records)})


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
) -> str:
    """The meeting pack as one self-contained HTML document (and written to ``out``).

    Triage, then the whole XmR chart of every indicator with a finding and the funnel of
    every peer finding, computed as the findings were (peers are always the whole workspace;
    ``providers`` only chooses the sections; ``as_of`` and ``on`` as for ``run_triage``).
    ``meeting`` (not with ``as_of`` or ``on``) makes the
    pack of a meeting in the register: its frozen triage, its agenda, the record before it.
    Without it the register (when there is one) still gives standing levels, previous
    decisions and open actions. ``public`` withholds confidential summaries. ``context``
    replaces what the register would add. Stale-data marks come from each proposal's
    coverage. ``out`` is checked before anything is computed and written whole or not at
    all.
    """
    # imported here: `qsg triage` starts without the pack's templates
    from .reports.pack import render_pack

    target = check_target(out, "out") if out is not None else None
    source = pack_source(
        workspace,
        ruleset,
        as_of=as_of,
        on=on,
        providers=providers,
        register=register,
        meeting=meeting,
    )
    result = source.triage
    dated = _dated(result, as_of, on)
    text = render_pack(
        publishable(result) if public else result,
        source.charts,
        qsgs=source.qsgs,
        public=public,
        context=context if context is not None else pack_context(source, on=dated),
    )
    if target is not None:
        write_file(target, text, argument="out", checked=True)
    return text
