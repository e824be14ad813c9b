"""Triage: workspace + ruleset -> one explained proposal per provider.

Numbers first (numpy, before inference), then one durable_rules session per provider over a
compact profile of what each rule's conditions measure, then the explanation from the same
compiled conditions (``explain.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..codes import Code
from ..errors import InputError, Problem, did_you_mean
from ..evidence.coverage import coverage
from ..evidence.cusum_findings import cusum_breaches
from ..evidence.hard import standard_breaches
from ..evidence.peer import peer_breaches
from ..evidence.shifts import rebase_suggestions
from ..evidence.soft import SoftSummary, summarise
from ..evidence.trend import trend_breaches
from ..model.evidence import HardFinding
from ..model.facts import ProviderFacts
from ..model.months import month_end, month_number, month_text
from ..model.proposal import Evidence, Proposal, RulesetRef, Triage
from ..model.rebase import Rebase, rebase_months
from ..progress import Progress
from ..ruleset import CompiledRuleset
from ..ruleset.conditions import Measured, atoms
from ..ruleset.template import PLACEHOLDER
from ..workspace import Workspace
from .decay import Earlier
from .explain import Latest, fired_rule, nearest, template_values
from .levels import Held, engine_rules, resolve
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


def _latest_values(
    workspace: Workspace, as_of: int, indicators: Collection[str] | None = None
) -> dict[tuple[str, str], tuple[str, float]]:
    """(provider, indicator) -> (month, value) of the latest row up to ``as_of``, for every
    indicator or only ``indicators`` (those a template quotes: the rest would go unread)."""
    obs = workspace.observations
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


def _every_percent(progress: Progress | None, stage: str, total: int) -> Callable[[int], None]:
    """A counter that tells ``progress`` at the start, every 1% and at the end."""
    step = max(1, total // 100)

    def tell(done: int) -> None:
        if progress is not None and (done % step == 0 or done == total):
            progress(stage, done, total)

    return tell


def triage(
    workspace: Workspace,
    ruleset: CompiledRuleset,
    *,
    as_of: str | None = None,
    on: str | dt.date | None = None,
    providers: Sequence[str] | None = None,
    progress: Progress | None = None,
    rebases: Sequence[Rebase] = (),
    standing: Mapping[str, Held] | None = None,
) -> Triage:
    """Propose a level for every provider (or those named), each with its explanation.

    Made on the date ``on`` (soft intelligence up to that day) with the data up to the
    month ``as_of`` (default: the date's month); ``as_of`` alone is its month's last day,
    neither the latest month with data (``engine.when``). Each hard-data test judges the
    provider's last months with data; each proposal says how far they lag behind the date,
    and why its level is lower than on the last day of its data when it is (decay).
    ``progress`` (optional) is told how many providers are done (``qsgrules.progress``).
    ``rebases`` are those the QSG recorded (the register's): each trend test and CUSUM
    starts a rebased series again at its month. ``standing`` (optional) is where each
    provider stands, from the register: a level whose rules declare exit criteria is held
    until they are met (``engine.levels``).
    """
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
    obs = workspace.observations
    hard = standard_breaches(obs, ruleset.spec, month)
    for more in (
        trend_breaches(obs, ruleset.spec, month, starts),
        peer_breaches(obs, ruleset.spec, month, workspace.providers),
        cusum_breaches(obs, ruleset.spec, month, workspace.providers, starts),
    ):
        for code, findings in more.items():
            hard.setdefault(code, []).extend(findings)
    shifts = rebase_suggestions(obs, ruleset.spec, month, starts)
    soft = summarise(workspace.intelligence, ruleset.spec.soft, when.on, workspace.members)
    latest = _latest_values(workspace, month, _quoted_indicators(ruleset))
    covered = coverage(workspace.observations, ruleset.spec, month, codes, when.on_month)
    earlier = Earlier(workspace, ruleset.spec.soft, when, covered)
    measures: dict[str, Measured] = {}
    for _, node in engine_rules(ruleset):
        for atom in atoms(node):
            measures.setdefault(atom.attr, atom.leaf)
    engine = engine_for(ruleset)
    proposals: list[Proposal] = []
    tell = _every_percent(progress, "providers", len(codes))
    for code in codes:
        tell(len(proposals))
        provider = workspace.providers[code]
        p_soft = soft.get(code, SoftSummary())
        facts = ProviderFacts(
            code=code,
            type=provider.type,
            hard=tuple(sorted(hard.get(code, []), key=lambda f: (f.indicator, f.test))),
            soft=tuple(p_soft.findings),
        )
        profile = _profile(measures, facts)
        then = earlier.facts(facts)  # the same provider on the last day of its data
        profiles = [profile] if then is None else [profile, _profile(measures, then)]
        firings = engine.run(code, profiles)
        fired_ids = {f.rule for f in firings if f.fact == 0}
        fired = [r for r in ruleset.rules if r.id in fired_ids]
        held_at = standing.get(code) if standing else None
        levels = resolve(ruleset, fired, fired_ids, profile, held_at)
        level = levels.level
        level_then = level
        if then is not None:
            then_ids = {f.rule for f in firings if f.fact == 1}
            then_fired = [r for r in ruleset.rules if r.id in then_ids]
            level_then = resolve(ruleset, then_fired, then_ids, profiles[1], held_at).level
        ordered = sorted(fired, key=lambda r: (-r.level.rank, r.index))
        base = template_values(facts, provider.name, p_soft, latest) if ordered else {}
        proposals.append(
            Proposal(
                provider=code,
                name=provider.name,
                type=provider.type,
                level=level,
                rules=tuple(fired_rule(r, profile, facts, base) for r in ordered),
                evidence=Evidence(hard=facts.hard, soft=facts.soft),
                nearest=None if level.top else nearest(level, ruleset, profile, facts),
                coverage=covered[code],
                rebases=tuple(
                    r
                    for r in rebases
                    if r.provider == code and (month_number(r.starts) or month + 1) <= month
                ),
                rebase_suggestions=tuple(shifts.get(code, ())),
                lowered=earlier.lowered(facts, then, level_then) if level_then > level else None,
                domains=levels.domains,
                exits=levels.exits,
                limits=levels.limits,
            )
        )
    tell(len(proposals))
    proposals.sort(key=lambda p: (-p.level.rank, p.provider))
    return Triage(
        ruleset=RulesetRef(name=ruleset.name, version=ruleset.version, sha256=ruleset.sha256),
        as_of=month_text(month),
        on=when.on.isoformat(),
        proposals=tuple(proposals),
        notes=_notes(workspace, when, set(codes)) + _unmatched_sources(workspace, ruleset),
        ladder=None if ruleset.ladder.default else ruleset.ladder.specs,
    )


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


def _profile(measures: dict[str, Measured], facts: ProviderFacts) -> dict[str, float | str]:
    return {attr: leaf.measure(facts) for attr, leaf in measures.items()}


__all__ = [
    "HardFinding",
    "Latest",
    "TriageDate",
    "engine_for",
    "resolve_as_of",
    "resolve_date",
    "triage",
]
