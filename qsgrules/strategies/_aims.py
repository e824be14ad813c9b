"""What evidence would make a rule fire: a ruleset's conditions read as aims for a generator.

For a rule's condition, ``aims`` draws one way of satisfying it (every part of an ``all``,
one part of an ``any``, nothing for a ``not``) as requirements on one provider's evidence:
breaches of given indicators by given tests and strengths, soft weight, organisations and
corroboration in given domains, a provider type. The generator then builds data that meets
them, so that generated workspaces reach every rule of the ruleset, not only the common ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from hypothesis import strategies as st

from ..indicators import BY_ID
from ..model import Model
from ..model.vocabulary import Domain, ProviderType, Strength, Test
from ..ruleset import CompiledRuleset
from ..ruleset.conditions import (
    Breach,
    Corroborated,
    HardAndSoft,
    Organisations,
    ProviderTypeIs,
    Soft,
    leaf_of,
)
from ..ruleset.conditions.kinds import AllCondition, AnyCondition, NotCondition


@dataclass
class SoftAim:
    weight: float = 0.0
    organisations: int = 0
    corroborated: bool = False
    category: str | None = None  # the items' category, when a condition names one


@dataclass
class Aims:
    """Requirements on one provider's evidence."""

    hard: dict[tuple[str, Test], Strength] = field(default_factory=dict)
    soft: dict[Domain, SoftAim] = field(default_factory=dict)
    types: set[ProviderType] | None = None

    def breach(self, indicator: str, test: Test, strength: Strength) -> None:
        key = (indicator, test)
        self.hard[key] = max(self.hard.get(key, Strength.NOTABLE), strength)

    def soft_in(self, domain: Domain) -> SoftAim:
        return self.soft.setdefault(domain, SoftAim())


def tests_of(ruleset: CompiledRuleset, indicator: str) -> list[Test]:
    settings = ruleset.spec.indicators.get(indicator)
    if settings is None:
        return []
    return [t for t in Test if getattr(settings, t.value) is not None]


def _candidates(ruleset: CompiledRuleset, leaf: Breach) -> list[tuple[str, Test]]:
    found = []
    for ind in sorted(ruleset.spec.indicators):
        if leaf.indicator not in (None, ind):
            continue
        if leaf.domain is not None and BY_ID[ind].domain != leaf.domain:
            continue
        for test in tests_of(ruleset, ind):
            if leaf.test in ("any", test):
                found.append((ind, test))
    return found


def _wanted(leaf: Breach | Soft | Organisations, default: float) -> float | None:
    """The amount a bounded leaf asks for, or None when its bounds cannot be met together."""
    low = leaf.min if leaf.min is not None else default
    if leaf.max is not None and leaf.max < low:
        return None
    return low


def aim(draw: st.DrawFn, ruleset: CompiledRuleset, condition: Model, aims: Aims) -> None:
    """Add to ``aims`` one way of satisfying ``condition``."""
    if isinstance(condition, AllCondition):
        for part in condition.all:
            aim(draw, ruleset, part, aims)
        return
    if isinstance(condition, AnyCondition):
        aim(draw, ruleset, draw(st.sampled_from(condition.any)), aims)
        return
    if isinstance(condition, NotCondition):
        return  # absence is the usual state of evidence
    leaf = leaf_of(condition)
    if isinstance(leaf, Breach):
        wanted = _wanted(leaf, 1.0)
        options = _candidates(ruleset, leaf)
        if wanted is None or not options:
            return
        n = min(len(options), max(1, math.ceil(wanted)))
        chosen = draw(st.permutations(options))[:n]
        for ind, test in chosen:
            aims.breach(ind, test, leaf.strength)
    elif isinstance(leaf, HardAndSoft):
        domains = [leaf.domain] if leaf.domain else list(Domain)
        domain = draw(st.sampled_from(domains))
        options = _candidates(ruleset, Breach(domain=domain))
        if options:
            ind, test = draw(st.sampled_from(options))
            aims.breach(ind, test, Strength.NOTABLE)
            aims.soft_in(domain).weight = max(aims.soft_in(domain).weight, 0.5)
    elif isinstance(leaf, Soft | Organisations | Corroborated):
        domain = leaf.domain or draw(st.sampled_from(list(Domain)))
        target = aims.soft_in(domain)
        if leaf.category is not None:
            target.category = leaf.category
        if isinstance(leaf, Soft):
            wanted = _wanted(leaf, 0.5)
            if wanted is not None:
                target.weight = max(target.weight, wanted)
        elif isinstance(leaf, Organisations):
            wanted = _wanted(leaf, 1.0)
            if wanted is not None:
                target.organisations = max(target.organisations, math.ceil(wanted))
        else:
            target.corroborated = True
    elif isinstance(leaf, ProviderTypeIs):
        allowed = set(leaf.types)
        aims.types = allowed if aims.types is None else (aims.types & allowed) or aims.types
