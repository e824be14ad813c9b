"""A provider's profile: the compact numbers the engine's rules compare."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..model.evidence import HardFinding
from ..model.vocabulary import DOMAINS
from ..ruleset.conditions import Subject
from .soft import SoftSummary


def matching_breaches(subject: Subject, hard: Sequence[HardFinding]) -> list[HardFinding]:
    """The hard findings a breach condition counts."""
    return [
        f
        for f in hard
        if (subject.indicator is None or f.indicator == subject.indicator)
        and (subject.domain is None or f.domain == subject.domain)
        and (subject.test == "any" or f.test == subject.test)
        and (subject.strength == "notable" or f.strength == "strong")
    ]


def _hard_and_soft_domains(hard: Sequence[HardFinding], soft: SoftSummary) -> list[str]:
    breached = {f.domain for f in hard}
    return [d for d in DOMAINS if d in breached and soft.by_domain[d] > 0]


def value_of(
    subject: Subject, provider_type: str, hard: Sequence[HardFinding], soft: SoftSummary
) -> float | str:
    if subject.kind == "provider_type":
        return provider_type
    if subject.kind == "breach":
        # a count of indicators breached: two tests of one indicator are one breach
        return float(len({f.indicator for f in matching_breaches(subject, hard)}))
    if subject.kind == "soft":
        return round(soft.by_domain[subject.domain] if subject.domain else soft.total, 6)
    if subject.kind == "organisations":
        orgs = (
            soft.organisations_by_domain[subject.domain] if subject.domain else soft.organisations
        )
        return float(len(orgs))
    if subject.kind == "corroborated":
        if subject.domain:
            return float(subject.domain in soft.corroborated)
        return float(len(soft.corroborated))
    domains = _hard_and_soft_domains(hard, soft)
    if subject.domain:
        return float(subject.domain in domains)
    return float(len(domains))


def build_profile(
    subjects: Iterable[tuple[str, Subject]],
    provider_type: str,
    hard: Sequence[HardFinding],
    soft: SoftSummary,
) -> dict[str, float | str]:
    """attr -> value for every (attr, subject) the ruleset compares."""
    return {attr: value_of(s, provider_type, hard, soft) for attr, s in subjects}
