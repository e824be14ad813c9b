"""Triage: workspace + ruleset -> one explained proposal per provider.

Numbers first (numpy, before inference), then one durable_rules session per provider over a
compact profile of what each rule's conditions measure, then the explanation from the same
compiled conditions (``explain.py``).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from ..codes import Code
from ..errors import InputError, Problem, did_you_mean
from ..forked import Tell, streams
from ..model.evidence import HardFinding
from ..model.ladder import RungSpec
from ..model.months import month_end, month_number, month_text
from ..model.observations import Observations
from ..model.proposal import RulesetRef, Triage
from ..model.rebase import Rebase, rebase_months
from ..model.standing import Standing
from ..progress import Progress
from ..ruleset import CompiledRuleset
from ..ruleset.conditions import Measured, atoms
from ..ruleset.template import PLACEHOLDER
from ..workspace import Workspace
from .explain import Latest
from .levels import Held, engine_rules
from .shares import Assessed, Plan, assess, split
from .when import TriageDate, resolve_as_of, resolve_date

if TYPE_CHECKING:
    from .durable_adapter import RuleEngine


def engine_for(ruleset: CompiledRuleset) -> RuleEngine:
    """The durable_rules engine of a compiled ruleset, built once and kept with it."""
    from .durable_adapter import RuleEngine  # deferred: only a triage needs the engine

    engine = ruleset.cache.get("engine")
    if not isinstance(engine, RuleEngine):
        engine = RuleEngine(engine_rules(ruleset))
        ruleset.cache["engine"] = engine
    return engine


def _quoted_indicators(ruleset: CompiledRuleset) -> set[str]:
    """The indicators whose latest value or month some rule's ``because`` quotes."""
    return {
        m.group(2)
        for rule in ruleset.rules
        for m in PLACEHOLDER.finditer(rule.rule.because)
        if m.group(1) in ("value", "period") and m.group(2)
    }


def latest_values(
    obs: Observations, as_of: int, indicators: Collection[str] | None = None
) -> dict[tuple[str, str], tuple[str, float]]:
    """(provider, indicator) -> (month, value) of the latest row up to ``as_of``, for every
    indicator or only ``indicators`` (those a template quotes: the rest would go unread)."""
    wanted = obs.period <= as_of
    if indicators is not None:
        quoted = np.zeros(len(obs), dtype=np.bool_)
        for indicator in sorted(indicators):
            quoted |= obs.indicator_mask(indicator)
        wanted &= quoted
    rows = np.flatnonzero(wanted)
    if rows.size == 0:
        return {}
    # sorting and comparing integer codes, never strings, is what makes this fast
    p_codes, i_codes = obs.codes[0][rows], obs.codes[1][rows]
    order = np.lexsort((obs.period[rows], i_codes, p_codes))
    p_sorted, i_sorted = p_codes[order], i_codes[order]
    last = rows[
        order[np.r_[(p_sorted[1:] != p_sorted[:-1]) | (i_sorted[1:] != i_sorted[:-1]), True]]
    ]
    providers, indicators = obs.provider[last].tolist(), obs.indicator[last].tolist()
    periods, values = obs.period[last].tolist(), obs.value[last].tolist()
    return {
        (p, i): (month_text(t), v)
        for p, i, t, v in zip(providers, indicators, periods, values, strict=True)
    }


T = TypeVar("T")


@dataclass(frozen=True)
class TriageRun:
    """A triage ready to run: its heading (ruleset, dates, notes) is known before any
    provider is assessed; ``proposals`` makes them, split over ``jobs`` processes."""

    plan: Plan
    ruleset: RulesetRef
    as_of: str
    on: str
    notes: tuple[str, ...]
    ladder: tuple[RungSpec, ...] | None = None  # the ruleset's, when it declares one

    def proposals(
        self,
        emit: Callable[[Assessed], T],
        *,
        jobs: int = 1,
        progress: Progress | None = None,
    ) -> Iterator[T]:
        """``emit(a)`` of every provider's assessment, in the triage's order (highest level
        first, then by code). With ``jobs`` above 1 the providers are split into runs of
        consecutive codes, each assessed and emitted in a process of its own (forked: the
        workspace is shared, not copied); ``emit``'s results come back through a pipe, so
        they must pickle. Whatever the split, the results are the same, in the same order.
        """
        plan = self.plan
        shares = split(plan.codes, plan.observations, jobs)
        tell = _every_percent(progress, "providers", len(plan.codes))

        def work(k: int, told: Tell) -> Iterator[tuple[tuple[int, str], T]]:
            reporting = None if progress is None else _share_progress(told)
            for a in assess(plan, shares[k], reporting):
                yield a.key, emit(a)

        tell(0)
        engine_for(plan.ruleset)  # compiled once, before any fork: every share has it
        with streams(work, len(shares), lambda done, total: tell(done)) as parts:
            for _, item in heapq.merge(*parts, key=lambda pair: pair[0]):
                yield item
        tell(len(plan.codes))

    def triage(self, *, jobs: int = 1, progress: Progress | None = None) -> Triage:
        """The whole triage, every proposal explained."""
        return Triage(
            ruleset=self.ruleset,
            as_of=self.as_of,
            on=self.on,
            proposals=tuple(self.proposals(Assessed.proposal, jobs=jobs, progress=progress)),
            notes=self.notes,
            ladder=self.ladder,
        )


def _share_progress(told: Tell) -> Progress:
    def progress(stage: str, done: int, total: int) -> None:
        del stage
        told(done, total)

    return progress


def _every_percent(progress: Progress | None, stage: str, total: int) -> Callable[[int], None]:
    """A counter that tells ``progress`` at the start, every 1% and at the end."""
    step = max(1, total // 100)

    def tell(done: int) -> None:
        if progress is not None and (done % step == 0 or done == total):
            progress(stage, done, total)

    return tell


def prepare(
    workspace: Workspace,
    ruleset: CompiledRuleset,
    *,
    as_of: str | None = None,
    on: str | dt.date | None = None,
    providers: Sequence[str] | None = None,
    rebases: Sequence[Rebase] = (),
    standings: Mapping[str, Standing] | None = None,
    standing: Mapping[str, Held] | None = None,
) -> TriageRun:
    """Check the inputs of a triage and settle what every provider's assessment shares
    (``triage`` says what the arguments mean). ``standings``: each provider's standing
    level from the register, carried in its proposal; ``standing``: where each stands on
    the ladder, for exit criteria (``engine.levels``)."""
    when = resolve_date(workspace, as_of, on)
    month = when.month
    _check_categories(workspace, ruleset)
    codes = sorted(workspace.providers)
    if providers:
        unknown = [c for c in providers if c not in workspace.providers]
        if unknown:
            raise InputError(
                Problem.for_argument(
                    "providers",
                    f"unknown provider code {c!r}{did_you_mean(c, codes)}; see providers.csv",
                    Code.UNKNOWN_PROVIDER,
                )
                for c in unknown
            )
        codes = sorted(set(providers))
    starts = rebase_months(r for r in rebases if (month_number(r.starts) or month + 1) <= month)
    measures: dict[str, Measured] = {}
    agreed = [node for h in (standing or {}).values() for node in h.criteria.values()]
    for node in [n for _, n in engine_rules(ruleset)] + agreed:
        # exit criteria agreed at a decision are evaluated on the same profile
        for atom in atoms(node):
            measures.setdefault(atom.attr, atom.leaf)
    ordered = workspace.observations.by_provider()
    if ordered is not workspace.observations:
        workspace = replace(workspace, observations=ordered)
    plan = Plan(
        workspace=workspace,
        ruleset=ruleset,
        when=when,
        codes=tuple(codes),
        rebases=tuple(rebases),
        starts=starts,
        standings=standings or {},
        held=standing or {},
        measures=measures,
        quoted=frozenset(_quoted_indicators(ruleset)),
    )
    return TriageRun(
        plan=plan,
        ruleset=RulesetRef(name=ruleset.name, version=ruleset.version, sha256=ruleset.sha256),
        as_of=month_text(month),
        on=when.on.isoformat(),
        notes=_notes(workspace, when, set(codes)) + _unmatched_sources(workspace, ruleset),
        ladder=None if ruleset.ladder.default else ruleset.ladder.specs,
    )


def triage(
    workspace: Workspace,
    ruleset: CompiledRuleset,
    *,
    as_of: str | None = None,
    on: str | dt.date | None = None,
    providers: Sequence[str] | None = None,
    progress: Progress | None = None,
    rebases: Sequence[Rebase] = (),
    standings: Mapping[str, Standing] | None = None,
    standing: Mapping[str, Held] | None = None,
    jobs: int = 1,
) -> Triage:
    """Propose a level for every provider (or those named), each with its explanation.

    Made on the date ``on`` (soft intelligence up to that day) with the data up to the
    month ``as_of`` (default: the date's month); ``as_of`` alone is its month's last day,
    neither the latest month with data (``engine.when``). Each hard-data test judges the
    provider's last months with data; each proposal says how far they lag behind the date,
    and why its level is lower than on the last day of its data when it is (decay).
    ``progress`` (optional) is told how many providers are done (``qsgrules.progress``).
    ``rebases`` are those the QSG recorded (the register's): each trend test and CUSUM
    starts a rebased series again at its month. ``standings`` (the register's standing
    levels, by provider) are carried in the proposals. ``standing`` (optional) is where
    each provider stands, from the register: a level whose rules declare exit criteria is
    held until they are met (``engine.levels``). ``jobs`` processes share the work
    (``TriageRun.proposals``); the triage is the same whatever their number.
    """
    run = prepare(
        workspace,
        ruleset,
        as_of=as_of,
        on=on,
        providers=providers,
        rebases=rebases,
        standings=standings,
        standing=standing,
    )
    return run.triage(jobs=jobs, progress=progress)


def _check_categories(workspace: Workspace, ruleset: CompiledRuleset) -> None:
    """Every item's category is one the ruleset knows: an unknown one would weigh and count
    as nothing the rules look for, silently."""
    known = ruleset.spec.soft.categories
    problems = [
        Problem.for_argument(
            "ruleset",
            f"item {i.id} has category {i.category!r}, which is not one of the ruleset's "
            f"categories{did_you_mean(i.category, known)}: {', '.join(known)}; add it to "
            "soft.categories or correct the item",
            Code.UNKNOWN_ITEM_CATEGORY,
        )
        for i in workspace.intelligence
        if i.category is not None and i.category not in known
    ]
    if problems:
        raise InputError(problems)


def _unmatched_sources(workspace: Workspace, ruleset: CompiledRuleset) -> tuple[str, ...]:
    """Source names in the ruleset (source_weights, `source:` in conditions) that name no
    member, parent or kind of member in this workspace: they select nothing here."""
    known = set(workspace.members) | {m.kind for m in workspace.members.values()}
    named = set(ruleset.spec.soft.source_weights)
    for rule in ruleset.rules:
        for atom in atoms(rule.condition):
            named |= set(getattr(atom.leaf, "source", None) or ())
    return tuple(
        f"the ruleset names {name!r} as a source, which is no member, parent or kind of "
        f"member in this workspace{did_you_mean(name, known)}: it selects nothing here"
        for name in sorted(named - known)
    )


def _notes(workspace: Workspace, when: TriageDate, codes: set[str]) -> tuple[str, ...]:
    """What the triage could not use, in a line each (nothing is dropped without a word)."""
    later = [i for i in workspace.intelligence if i.received > when.on and i.provider in codes]
    if not later:
        return ()
    first = min(i.received for i in later).isoformat()
    if when.on == month_end(when.month):
        return (
            f"{len(later)} soft item(s) received after {month_text(when.month)} (from {first}) "
            f"are not counted as of {month_text(when.month)}; give --on YYYY-MM-DD (a date "
            "on or after them) to count them",
        )
    return (
        f"{len(later)} soft item(s) received after {when.on.isoformat()} (from {first}) are "
        f"not counted on {when.on.isoformat()}",
    )


__all__ = [
    "Assessed",
    "HardFinding",
    "Latest",
    "TriageDate",
    "TriageRun",
    "engine_for",
    "latest_values",
    "prepare",
    "resolve_as_of",
    "resolve_date",
    "triage",
]
