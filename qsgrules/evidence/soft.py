"""Soft findings: each item's weight from the ruleset's factors, and a provider's totals.

weight = severity points × source reliability × information assessment × recency decay ×
domain weight. Scores only ever add: nothing hard can lower them (guidance, chapter 8).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model.evidence import SoftFactor, SoftFinding
from ..ruleset.schema import SoftSettings
from ..workspace.loader import SoftItem

DOMAINS = ("safety", "effectiveness", "experience", "well_led")


def month_end(month: int) -> dt.date:
    year, m = divmod(month, 12)
    first_next = dt.date(year + (m + 1) // 12, (m + 1) % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _n(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v)}"


def weigh(item: SoftItem, settings: SoftSettings, as_of: dt.date) -> SoftFinding:
    """One item's weight with every factor that made it."""
    age = max(0, (as_of - item.received).days)
    points = settings.severity_points[item.severity]
    rel = settings.source_reliability[item.reliability]  # type: ignore[index]
    info = settings.information_assessment[item.assessment]
    decay = 0.5 ** (age / settings.half_life_days)
    dom = settings.domain_weights.get(item.domain, 1.0)
    weight = points * rel * info * decay * dom
    factors = (
        SoftFactor(name="severity", value=points, why=f"{item.severity} severity"),
        SoftFactor(name="source_reliability", value=rel, why=f"source graded {item.reliability}"),
        SoftFactor(
            name="information_assessment", value=info, why=f"information graded {item.assessment}"
        ),
        SoftFactor(
            name="recency",
            value=round(decay, 6),
            why=f"{age} days old, half-life {_n(settings.half_life_days)} days",
        ),
        SoftFactor(name="domain", value=dom, why=f"{item.domain} domain weight"),
    )
    parts = [_n(points), _n(rel), _n(info), f"{decay:.2f} ({age} days old)"]
    if dom != 1.0:
        parts.append(f"{_n(dom)} ({item.domain} weight)")
    formula = (
        f"{item.source}, {item.domain}, {item.severity} ({item.grading}): "
        f"{' × '.join(parts)} = {weight:.2f}"
    )
    return SoftFinding(
        id=item.id,
        source=item.source,
        received=item.received.isoformat(),
        domain=item.domain,
        severity=item.severity,
        grading=item.grading,
        age_days=age,
        summary=item.summary,
        handling=item.handling,
        counted=True,
        weight=round(weight, 6),
        factors=factors,
        formula=formula,
    )


@dataclass
class SoftSummary:
    """A provider's soft intelligence, ready for the engine: totals only ever add."""

    findings: list[SoftFinding] = field(default_factory=list)
    total: float = 0.0
    by_domain: dict[str, float] = field(default_factory=lambda: dict.fromkeys(DOMAINS, 0.0))
    organisations: set[str] = field(default_factory=set)
    organisations_by_domain: dict[str, set[str]] = field(
        default_factory=lambda: {d: set() for d in DOMAINS}
    )


def summarise(
    items: Iterable[SoftItem], settings: SoftSettings, as_of_month: int
) -> dict[str, SoftSummary]:
    """Per provider: every item known by the end of ``as_of_month``, weighed and totalled.

    Items are taken in id order so that totals do not depend on file order. An item marked
    ``duplicate_of`` another is shown but counts once (through the item it duplicates).
    """
    as_of = month_end(as_of_month)
    out: dict[str, SoftSummary] = defaultdict(SoftSummary)
    for item in sorted(items, key=lambda i: (i.provider, i.id)):
        if item.received > as_of:
            continue
        finding = weigh(item, settings, as_of)
        summary = out[item.provider]
        if item.duplicate_of is not None:
            finding = finding.model_copy(
                update={"counted": False, "note": f"duplicate of {item.duplicate_of}: counted once"}
            )
        summary.findings.append(finding)
        if not finding.counted:
            continue
        summary.total += finding.weight
        summary.by_domain[item.domain] += finding.weight
        if finding.weight > 0:
            summary.organisations.add(item.source)
            summary.organisations_by_domain[item.domain].add(item.source)
    return dict(out)
