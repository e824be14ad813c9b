"""What a generated provider's evidence must hold for a condition to hold: breaches of
given indicators by given tests and strengths, soft weight, organisations and corroboration
in given domains, a provider type. Each kind of condition adds its own (``Kind.aim``);
``qsgrules.strategies`` builds data that meets them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...model.vocabulary import Domain, HardTest, ProviderType, Strength

if TYPE_CHECKING:
    from ..loader import CompiledRuleset


@dataclass
class SoftAim:
    weight: float = 0.0
    organisations: int = 0
    corroborated: bool = False
    category: str | None = None  # the items' category, when a condition names one


@dataclass
class Aims:
    """Requirements on one provider's evidence."""

    hard: dict[tuple[str, HardTest], Strength] = field(default_factory=dict)
    soft: dict[Domain, SoftAim] = field(default_factory=dict)
    types: set[ProviderType] | None = None

    def breach(self, indicator: str, test: HardTest, strength: Strength) -> None:
        key = (indicator, test)
        self.hard[key] = max(self.hard.get(key, Strength.NOTABLE), strength)

    def soft_in(self, domain: Domain) -> SoftAim:
        return self.soft.setdefault(domain, SoftAim())


def tests_of(ruleset: CompiledRuleset, indicator: str) -> list[HardTest]:
    """The tests ``ruleset`` configures for ``indicator`` (none when it has no settings)."""
    settings = ruleset.spec.indicators.get(indicator)
    if settings is None:
        return []
    return [t for t in HardTest if getattr(settings, t.value) is not None]
