"""A triage split by provider: what one share of the providers computes on its own.

Everything a proposal says depends on its provider's own rows and items, except the peer
tests and the CUSUM's expected rates, which compare a provider with every peer: those read
the whole workspace and keep the findings of the share's providers only. So a share of a
triage is the triage of its providers, whatever the other shares hold, and the proposals of
any split, merged in the triage's order, are those of one run (``tests/test_jobs.py``).

``assess`` finds each provider's level (numbers, the engine); ``Assessed.proposal`` builds
its explanation only when an output asks for it.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..evidence.baseline import baseline_notes
from ..evidence.coverage import coverage
from ..evidence.cusum_findings import cusum_breaches
from ..evidence.hard import standard_breaches
from ..evidence.peer import peer_breaches
from ..evidence.shifts import rebase_suggestions
from ..evidence.soft import SoftSummary, summarise
from ..evidence.trend import trend_breaches
from ..model.evidence import BaselineNote, HardFinding
from ..model.facts import ProviderFacts
from ..model.ladder import AnyRung
from ..model.months import month_number
from ..model.observations import Observations
from ..model.proposal import Coverage, Evidence, Proposal
from ..model.rebase import Rebase, RebaseMonths, RebaseSuggestion
from ..model.standing import Standing
from ..model.vocabulary import HardTest
from ..model.workspace import Provider
from ..progress import Progress
from ..ruleset import CompiledRule, CompiledRuleset
from ..ruleset.conditions import Measured
from ..workspace import Workspace
from .decay import Earlier
from .explain import Latest, fired_rule, nearest, template_values
from .levels import Held, Levels, resolve
from .when import TriageDate

Profile = dict[str, float | str]


@dataclass(frozen=True)
class Plan:
    """What every share of one triage reads: the workspace (its rows in provider order),
    the ruleset, the date, the providers triaged (sorted) and what the register says."""

    workspace: Workspace
    ruleset: CompiledRuleset
    when: TriageDate
    codes: tuple[str, ...]
    rebases: tuple[Rebase, ...]
    starts: RebaseMonths
    standings: Mapping[str, Standing]
    held: Mapping[str, Held]
    measures: Mapping[str, Measured]
    quoted: frozenset[str]

    @property
    def observations(self) -> Observations:
        return self.workspace.observations


@dataclass
class Assessed:
    """One provider's level and what it rests on; its explained proposal on demand."""

    plan: Plan
    provider: Provider
    facts: ProviderFacts
    profile: Profile
    fired: list[CompiledRule]  # highest level first, then in the ruleset's order
    levels: Levels
    level_then: AnyRung
    then: ProviderFacts | None
    soft: SoftSummary
    coverage: Coverage
    suggestions: tuple[RebaseSuggestion, ...]
    latest: Latest
    earlier: Earlier
    # where each trend test's baseline kept it from judging, or hid a signal, by provider:
    # worked out for all the providers assessed together, once, when a proposal is built
    # (a backtest, which needs levels only, never asks)
    noted: Callable[[], Mapping[str, list[BaselineNote]]] = dict
    _proposal: Proposal | None = field(default=None, repr=False)

    @property
    def level(self) -> AnyRung:
        return self.levels.level

    @property
    def code(self) -> str:
        return self.facts.code

    @property
    def key(self) -> tuple[int, str]:
        """Where it goes in the triage: highest level first, then by provider code."""
        return (-self.level.rank, self.facts.code)

    @property
    def standing(self) -> Standing | None:
        return self.plan.standings.get(self.facts.code)

    @property
    def soft_total(self) -> float:
        """The weight of its counted soft items, as the table adds it."""
        return sum(s.weight for s in self.facts.soft if s.counted)

    def proposal(self) -> Proposal:
        """The proposal with its explanation: every rule that fired with the evidence it
        cites, and the nearest rule above (built once, when asked)."""
        if self._proposal is not None:
            return self._proposal
        plan, facts, provider = self.plan, self.facts, self.provider
        month = plan.when.month
        base = template_values(facts, provider.name, self.soft, self.latest) if self.fired else {}
        self._proposal = Proposal(
            provider=facts.code,
            name=provider.name,
            type=provider.type,
            level=self.level,
            rules=tuple(fired_rule(r, self.profile, facts, base) for r in self.fired),
            evidence=Evidence(hard=facts.hard, soft=facts.soft),
            nearest=None
            if self.level.top
            else nearest(self.level, plan.ruleset, self.profile, facts),
            coverage=self.coverage,
            standing=self.standing,
            rebases=tuple(
                r
                for r in plan.rebases
                if r.provider == facts.code and (month_number(r.starts) or month + 1) <= month
            ),
            rebase_suggestions=self.suggestions,
            baseline=tuple(self.noted().get(facts.code, ())),
            lowered=self.earlier.lowered(facts, self.then, self.level_then)
            if self.level_then > self.level
            else None,
            domains=self.levels.domains,
            exits=self.levels.exits,
            limits=self.levels.limits,
        )
        return self._proposal


def hard_findings(
    plan: Plan, obs: Observations, wanted: Collection[str]
) -> dict[str, list[HardFinding]]:
    """The hard findings of the ``wanted`` providers (``obs``: their rows). Peer tests and
    CUSUMs read every provider's rows: a provider is compared with all its peers."""
    spec, month, starts = plan.ruleset.spec, plan.when.month, plan.starts
    everyone, providers = plan.observations, plan.workspace.providers
    hard = standard_breaches(obs, spec, month)
    for more in (
        trend_breaches(obs, spec, month, starts),
        peer_breaches(everyone, spec, month, providers, wanted),
        cusum_breaches(everyone, spec, month, providers, starts, wanted),
    ):
        for code, findings in more.items():
            hard.setdefault(code, []).extend(findings)
    return hard


def assess(plan: Plan, codes: Sequence[str], progress: Progress | None = None) -> list[Assessed]:
    """The level of each provider of ``codes`` (sorted), in the triage's order."""
    from .triage import engine_for, latest_values

    ws, spec, when = plan.workspace, plan.ruleset.spec, plan.when
    month = when.month
    wanted = frozenset(codes)
    obs = plan.observations.of_providers(codes)
    hard = hard_findings(plan, obs, wanted)
    shifts = rebase_suggestions(obs, spec, month, plan.starts)
    fired_trends = {
        (code, f.indicator): f.strength
        for code, fs in hard.items()
        for f in fs
        if f.test is HardTest.TREND
    }

    @functools.cache
    def noted() -> Mapping[str, list[BaselineNote]]:
        return baseline_notes(obs, spec, month, plan.starts, fired_trends)

    soft = summarise(ws.intelligence, spec.soft, when.on, ws.members, only=wanted)
    latest = latest_values(obs, month, plan.quoted)
    covered = coverage(obs, spec, month, codes, when.on_month)
    earlier = Earlier(ws, spec.soft, when, covered)
    engine = engine_for(plan.ruleset)
    rules = plan.ruleset.rules
    out: list[Assessed] = []
    step = max(1, len(codes) // 100)
    for n, code in enumerate(codes):
        if progress is not None and n % step == 0:
            progress("providers", n, len(codes))
        provider = ws.providers[code]
        p_soft = soft.get(code, SoftSummary())
        facts = ProviderFacts(
            code=code,
            type=provider.type,
            hard=tuple(sorted(hard.get(code, []), key=lambda f: (f.indicator, f.test))),
            soft=tuple(p_soft.findings),
        )
        profile = _profile(plan.measures, facts)
        then = earlier.facts(facts)  # the same provider on the last day of its data
        profiles = [profile] if then is None else [profile, _profile(plan.measures, then)]
        firings = engine.run(code, profiles)
        fired_ids = {f.rule for f in firings if f.fact == 0}
        fired = [r for r in rules if r.id in fired_ids]
        held_at = plan.held.get(code)
        levels = resolve(plan.ruleset, fired, fired_ids, profile, held_at)
        level_then = levels.level
        if then is not None:
            then_ids = {f.rule for f in firings if f.fact == 1}
            then_fired = [r for r in rules if r.id in then_ids]
            level_then = resolve(plan.ruleset, then_fired, then_ids, profiles[1], held_at).level
        out.append(
            Assessed(
                plan=plan,
                provider=provider,
                facts=facts,
                profile=profile,
                fired=sorted(fired, key=lambda r: (-r.level.rank, r.index)),
                levels=levels,
                level_then=level_then,
                then=then,
                soft=p_soft,
                coverage=covered[code],
                suggestions=tuple(shifts.get(code, ())),
                latest=latest,
                earlier=earlier,
                noted=noted,
            )
        )
    if progress is not None:
        progress("providers", len(codes), len(codes))
    out.sort(key=lambda a: a.key)
    return out


def _profile(measures: Mapping[str, Measured], facts: ProviderFacts) -> Profile:
    return {attr: leaf.measure(facts) for attr, leaf in measures.items()}


def split(codes: Sequence[str], obs: Observations, parts: int) -> list[list[str]]:
    """``codes`` (sorted) in at most ``parts`` runs of consecutive providers with about as
    much work each: a provider's work grows with its rows, and its proposal and engine
    session count as much as a quarter of an average provider's rows."""
    if parts <= 1 or len(codes) < 2:
        return [list(codes)]
    names = obs.provider_names
    weight = np.zeros(len(codes))
    if names.size:
        wanted = np.asarray(codes, dtype=np.str_)
        at = np.minimum(np.searchsorted(names, wanted), names.size - 1)
        rows = np.bincount(obs.provider.codes, minlength=names.size)
        weight = np.where(names[at] == wanted, rows[at], 0).astype(np.float64)
    weight += max(1.0, float(weight.mean())) / 4
    cumulative = np.cumsum(weight)
    cuts = np.searchsorted(cumulative, cumulative[-1] * np.arange(1, parts) / parts)
    bounds = [0, *sorted({int(c) + 1 for c in cuts if 0 < int(c) + 1 < len(codes)}), len(codes)]
    return [list(codes[a:b]) for a, b in itertools.pairwise(bounds)]


__all__ = ["Assessed", "Plan", "assess", "hard_findings", "split"]
