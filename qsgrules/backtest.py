"""``qsg backtest``: a ruleset replayed month by month over a loaded workspace.

Each month is triaged as ``qsg triage --as-of`` would: only what was known by then counts
(observations up to that month, soft items received by its last day, items closed or
expired by then not counted). The workspace is loaded once; each month is computed from
it, and only the levels are made (no explanation is built: a backtest shows none). The
grid of rulesets x months is computed here, month after month (``serial``: each month split
over ``jobs`` processes), or on a Dask cluster (``qsgrules.cluster``), with the same result.
For each provider: the level each month and the first month each level was reached, and,
with a second ruleset, both side by side. ``agreement`` compares the proposals with the
levels a QSG decided (the register's decisions, given as a mapping of provider and as-of
month: ``qsgrules.api.decided_levels`` reads them from a register).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass

from .codes import Code
from .engine.triage import Assessed, engine_for, prepare
from .forked import Tell, streams
from .model.ladder import AnyRung, Ladder
from .model.month_range import MAX_MONTHS as MAX_MONTHS  # where it was, for callers
from .model.month_range import month_range
from .model.vocabulary import Level
from .ruleset import CompiledRuleset
from .workspace import Workspace

# stable codes of the problems this module reports
BAD_MONTH = Code.BACKTEST_MONTH
BAD_RANGE = Code.BACKTEST_RANGE


@dataclass(frozen=True)
class History:
    """One provider's proposed level in each month of a backtest, under one ruleset."""

    levels: tuple[AnyRung, ...]

    def first(self, months: Sequence[str]) -> dict[str, str]:
        """level -> the first month it was proposed (levels never proposed are absent)."""
        out: dict[str, str] = {}
        for month, level in zip(months, self.levels, strict=True):
            out.setdefault(level.value, month)
        return out


@dataclass(frozen=True)
class ProviderHistory:
    provider: str
    name: str
    a: History
    b: History | None = None


@dataclass(frozen=True)
class Backtest:
    ruleset: CompiledRuleset
    compare: CompiledRuleset | None
    months: tuple[str, ...]
    providers: tuple[ProviderHistory, ...]

    def level(self, provider: str, month: str) -> AnyRung:
        i = self.months.index(month)
        return next(p.a.levels[i] for p in self.providers if p.provider == provider)


def months_between(start: str, end: str) -> tuple[str, ...]:
    """Every month from ``start`` to ``end`` inclusive; InputError naming the argument."""
    return month_range(start, end, what="one backtest")


#: Each ruleset's level of each provider in each month (``[ruleset][month][provider]``).
Levels = list[list[dict[str, AnyRung]]]
#: ``grid(workspace, rulesets, months)``: the levels of a backtest, however computed.
Grid = Callable[[Workspace, Sequence[CompiledRuleset], Sequence[str]], Levels]


def month_levels(
    workspace: Workspace,
    ruleset: CompiledRuleset,
    month: str,
    providers: Collection[str] | None = None,
    jobs: int = 1,
) -> dict[str, AnyRung]:
    """Each provider's level (of ``providers`` only, when given: their peers are still
    everyone) as ``qsg triage --as-of month`` proposes it, made by ``jobs`` processes; no
    explanation is built."""
    run = prepare(
        workspace, ruleset, as_of=month, providers=None if providers is None else sorted(providers)
    )
    return dict(run.proposals(_level, jobs=jobs))


def _level(a: Assessed) -> tuple[str, AnyRung]:
    return a.code, a.level


def serial(jobs: int = 1, progress: Callable[[str], None] | None = None) -> Grid:
    """The grid computed on this machine by ``jobs`` processes (``qsgrules.forked``): each
    forked once, computing every ``jobs``-th cell (ruleset, month) with all its providers,
    so that what a process works out once (the CUSUMs' simulated thresholds, the compiled
    rules) serves all its months. With fewer cells than processes, each month's providers
    are split over them instead."""

    def grid(
        workspace: Workspace, rulesets: Sequence[CompiledRuleset], months: Sequence[str]
    ) -> Levels:
        cells = [(k, m) for m in range(len(months)) for k in range(len(rulesets))]
        out: Levels = [[{} for _ in months] for _ in rulesets]
        if jobs <= 1 or len(cells) < jobs:
            for k, m in cells:
                if progress is not None and k == 0:
                    progress(months[m])
                out[k][m] = month_levels(workspace, rulesets[k], months[m], jobs=jobs)
            return out
        for ruleset in rulesets:
            engine_for(ruleset)  # compiled once, before the fork: every process has it

        def work(part: int, tell: Tell) -> Iterator[tuple[int, int, dict[str, AnyRung]]]:
            for i in range(part, len(cells), jobs):
                k, m = cells[i]
                tell(i, len(cells))
                yield k, m, month_levels(workspace, rulesets[k], months[m])

        with streams(work, jobs) as parts:
            for part in parts:  # the children's results wait, read as they come
                for k, m, levels in part:
                    if progress is not None and k == 0:
                        progress(months[m])
                    out[k][m] = levels
        return out

    return grid


def backtest(
    workspace: Workspace,
    ruleset: CompiledRuleset,
    *,
    start: str,
    end: str,
    compare: CompiledRuleset | None = None,
    progress: Callable[[str], None] | None = None,
    jobs: int = 1,
    grid: Grid | None = None,
) -> Backtest:
    """Triage ``workspace`` as of every month from ``start`` to ``end`` with ``ruleset`` (and
    ``compare``); the workspace is not reloaded. ``grid`` computes the levels (default:
    ``serial(jobs, progress)``; ``qsgrules.cluster.on_dask`` on a Dask cluster): the
    backtest is the same whichever computes it."""
    months = months_between(start, end)
    rulesets = [ruleset] if compare is None else [ruleset, compare]
    levels = (grid or serial(jobs, progress))(workspace, rulesets, months)
    providers = tuple(
        ProviderHistory(
            code,
            workspace.providers[code].name,
            History(tuple(month[code] for month in levels[0])),
            History(tuple(month[code] for month in levels[1])) if compare is not None else None,
        )
        for code in sorted(workspace.providers)
    )
    return Backtest(ruleset, compare, months, providers)


@dataclass(frozen=True)
class Agreement:
    """How often the proposal matched the level the QSG decided."""

    compared: int
    matched: int
    mismatches: tuple[tuple[str, str, str, str], ...]  # provider, month, proposed, decided
    ignored: int = 0  # decisions outside the backtest's months or providers

    @property
    def rate(self) -> float | None:
        return self.matched / self.compared if self.compared else None

    def to_dict(self) -> dict[str, object]:
        return {
            "compared": self.compared,
            "matched": self.matched,
            "rate": None if self.rate is None else round(self.rate, 6),
            "mismatches": [
                {"provider": c, "month": m, "proposed": p, "decided": d}
                for c, m, p, d in self.mismatches
            ],
            "ignored": self.ignored,
        }


def agreement(result: Backtest, decisions: Mapping[tuple[str, str], str]) -> Agreement:
    """Compare the backtest's proposals with decided levels, keyed by (provider, month).

    This is the hook for the decision register: give it the chair's conclusions as a mapping
    of (provider code, ``YYYY-MM``) to the level decided. Decisions outside the backtest's
    months or providers are ignored.
    """
    index = {m: i for i, m in enumerate(result.months)}
    by_code = {p.provider: p for p in result.providers}
    matched, compared, ignored, mismatches = 0, 0, 0, []
    for (code, month), decided in sorted(decisions.items()):
        if month not in index or code not in by_code:
            ignored += 1
            continue
        proposed = by_code[code].a.levels[index[month]]
        level = result.ruleset.ladder.place(decided)
        compared += 1
        if proposed == level:
            matched += 1
        else:
            mismatches.append((code, month, proposed.value, level.value))
    return Agreement(compared, matched, tuple(mismatches), ignored)


# ------------------------------------------------------------------ rendering

_MARK = {
    Level.NO_CONCERNS: ".",
    Level.FURTHER_INFORMATION: "f",
    Level.REGULAR_REVIEW: "r",
    Level.RISK_SUMMIT: "S",
}


def _mark(level: AnyRung) -> str:
    """One character a month: the 2013 ladder's letters, else the rung's place."""
    return _MARK[level] if isinstance(level, Level) else str(level.rank)


def _raised(ladder: Ladder) -> list[AnyRung]:
    return [lv for lv in ladder if not lv.lowest]


def render_table(bt: Backtest) -> str:
    head = (
        f"Backtest {bt.months[0]} to {bt.months[-1]} ({len(bt.months)} months), "
        f"ruleset {bt.ruleset.name} {bt.ruleset.version}"
    )
    if bt.compare is not None:
        head += f" (A), compared with {bt.compare.name} {bt.compare.version} (B)"
    ladder = bt.ruleset.ladder
    legend = ", ".join(f"{_mark(lv)} {lv.label}" for lv in ladder)
    lines = [head, f"Each month: {legend}", ""]
    firsts = "  ".join(f"{_short(lv):<8}" for lv in _raised(ladder))
    lines.append(f"{'CODE':<6}{'':<3}FIRST: {firsts}  MONTHS")
    for p in bt.providers:
        rows = [("A" if bt.compare else "", p.a)] + ([("B", p.b)] if p.b is not None else [])
        for label, history in rows:
            first = history.first(bt.months)
            cells = "  ".join(f"{first.get(lv.value, '-'):<8}" for lv in _raised(ladder))
            marks = "".join(_mark(lv) for lv in history.levels)
            lines.append(
                f"{p.provider if label != 'B' else '':<6}{label:<3}       {cells}  {marks}"
            )
    return "\n".join(lines) + "\n"


def render_agreement(found: Agreement, bt: Backtest, source: str) -> str:
    """The agreement of the proposals with the QSG's decisions, as lines of text."""
    span = f"{bt.months[0]} to {bt.months[-1]}"
    if found.compared == 0:
        head = (
            f"Agreement with the QSG's decisions ({source}): no decision falls in {span} "
            "for these providers"
        )
    else:
        rate = found.rate or 0.0
        head = (
            f"Agreement with the QSG's decisions ({source}): {found.matched} of "
            f"{found.compared} decision(s) as proposed ({rate:.0%})"
        )
    lines = [head]
    ladder = bt.ruleset.ladder
    for code, month, proposed, decided in found.mismatches:
        lines.append(
            f"  {code} as of {month}: proposed {ladder.place(proposed).label}, "
            f"decided {ladder.place(decided).label}"
        )
    if found.ignored:
        lines.append(
            f"  {found.ignored} decision(s) outside {span} or on providers not in this "
            "workspace, not compared"
        )
    return "\n".join(lines) + "\n"


def _short(level: AnyRung) -> str:
    return {"further_information": "fur.info", "regular_review": "reg.rev"}.get(
        level.value, level.value.replace("_", " ")[:8]
    )


def to_dict(bt: Backtest, agreement: Agreement | None = None) -> dict[str, object]:
    def side(h: History) -> dict[str, object]:
        return {"levels": [lv.value for lv in h.levels], "first": h.first(bt.months)}

    return {
        "ruleset": {"name": bt.ruleset.name, "version": bt.ruleset.version},
        "compare": None
        if bt.compare is None
        else {"name": bt.compare.name, "version": bt.compare.version},
        "months": list(bt.months),
        "providers": [
            {
                "provider": p.provider,
                "name": p.name,
                **side(p.a),
                "compare": None if p.b is None else side(p.b),
            }
            for p in bt.providers
        ],
        # how often the proposal was the level decided: null without a register's decisions
        "agreement": None if agreement is None else agreement.to_dict(),
    }


def render_json(bt: Backtest, agreement: Agreement | None = None) -> str:
    return json.dumps(to_dict(bt, agreement), indent=2) + "\n"


def render_csv(bt: Backtest) -> str:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["provider", "month", "level"] + (["compare_level"] if bt.compare else []))
    for p in bt.providers:
        for i, month in enumerate(bt.months):
            row = [p.provider, month, p.a.levels[i].value]
            if p.b is not None:
                row.append(p.b.levels[i].value)
            out.writerow(row)
    return buf.getvalue()
