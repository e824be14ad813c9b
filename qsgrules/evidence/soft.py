"""Soft findings: each item's weight from the ruleset's factors, and a provider's totals.

weight = severity points × source reliability × information assessment × recency decay ×
domain weight [× corroboration weight]. Scores only ever add: nothing hard can lower them
(guidance, chapter 8), no factor is negative, and the corroboration weight is at least 1.
An item counts unless it is a duplicate of another (counted once, through that one), closed
by the as-of date, or expired by then; uncounted items stay in the record and are shown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model.evidence import SoftFactor, SoftFinding
from ..model.months import month_end
from ..model.numbers import trimmed
from ..model.vocabulary import DOMAINS
from ..ruleset.schema import SoftSettings
from ..workspace import SoftItem


def weigh(
    item: SoftItem, settings: SoftSettings, as_of: dt.date, corroborated_by: tuple[str, ...] = ()
) -> SoftFinding:
    """One item's weight with every factor that made it."""
    age = max(0, (as_of - item.received).days)
    points = settings.severity_points[item.severity]
    rel = settings.source_reliability[item.reliability]  # type: ignore[index]
    info = settings.information_assessment[item.assessment]
    decay = 0.5 ** (age / settings.half_life_days)
    dom = settings.domain_weights.get(item.domain, 1.0)
    corr = settings.corroboration_weight if corroborated_by else 1.0
    weight = points * rel * info * decay * dom * corr
    factors = [
        SoftFactor(name="severity", value=points, why=f"{item.severity} severity"),
        SoftFactor(name="source_reliability", value=rel, why=f"source graded {item.reliability}"),
        SoftFactor(
            name="information_assessment", value=info, why=f"information graded {item.assessment}"
        ),
        SoftFactor(
            name="recency",
            value=round(decay, 6),
            why=f"{age} days old, half-life {trimmed(settings.half_life_days)} days",
        ),
        SoftFactor(name="domain", value=dom, why=f"{item.domain} domain weight"),
    ]
    parts = [trimmed(points), trimmed(rel), trimmed(info), f"{decay:.2f} ({age} days old)"]
    if dom != 1.0:
        parts.append(f"{trimmed(dom)} ({item.domain} weight)")
    if corroborated_by:
        factors.append(
            SoftFactor(
                name="corroboration",
                value=corr,
                why="corroborated by " + ", ".join(corroborated_by),
            )
        )
        if corr != 1.0:
            parts.append(f"{trimmed(corr)} (corroborated)")
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
        factors=tuple(factors),
        formula=formula,
        corroborated_by=corroborated_by,
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
    corroborated: set[str] = field(default_factory=set)  # domains


def _not_counted(item: SoftItem, as_of: dt.date) -> str:
    if item.duplicate_of is not None:
        return f"duplicate of {item.duplicate_of}: counted once"
    if item.status == "closed" and item.closed_on is not None and item.closed_on <= as_of:
        return f"closed on {item.closed_on.isoformat()}: {item.closed_reason}"
    if item.expires is not None and item.expires <= as_of:
        return f"expired on {item.expires.isoformat()}"
    return ""


def _corroborators(counted: list[SoftItem], settings: SoftSettings) -> dict[str, tuple[str, ...]]:
    """item id -> ids of items from other organisations raising the same concern."""
    window = settings.corroboration_window_days
    by_id = {i.id: i for i in counted}
    by_provider: dict[str, list[SoftItem]] = defaultdict(list)
    for i in counted:
        by_provider[i.provider].append(i)
    out: dict[str, set[str]] = defaultdict(set)
    pairs = ((a, b) for group in by_provider.values() for a in group for b in group)
    for a, b in pairs:
        if a.source == b.source:
            continue
        linked = a.corroborates == b.id or b.corroborates == a.id
        close = a.domain == b.domain and abs((a.received - b.received).days) <= window
        if linked or close:
            out[a.id].add(b.id)
    return {k: tuple(sorted(v, key=lambda i: (by_id[i].received, i))) for k, v in out.items()}


def summarise(
    items: Iterable[SoftItem], settings: SoftSettings, as_of_month: int
) -> dict[str, SoftSummary]:
    """Per provider: every item known by the end of ``as_of_month``, weighed and totalled.

    Items are taken in id order so that totals do not depend on file order.
    """
    as_of = month_end(as_of_month)
    known = sorted((i for i in items if i.received <= as_of), key=lambda i: (i.provider, i.id))
    reasons = {i.id: _not_counted(i, as_of) for i in known}
    counted = [i for i in known if not reasons[i.id]]
    # an item that weighs nothing (say, information graded 5) corroborates nothing
    weighty = [i for i in counted if weigh(i, settings, as_of).weight > 0]
    corroborators = _corroborators(weighty, settings)
    sources = {i.id: i.source for i in known}
    out: dict[str, SoftSummary] = defaultdict(SoftSummary)
    for item in known:
        summary = out[item.provider]
        if reasons[item.id]:
            finding = weigh(item, settings, as_of).model_copy(
                update={"counted": False, "note": reasons[item.id]}
            )
            summary.findings.append(finding)
            continue
        by = tuple(f"{sources[j]} ({j})" for j in corroborators.get(item.id, ()))
        finding = weigh(item, settings, as_of, by)
        summary.findings.append(finding)
        summary.total += finding.weight
        summary.by_domain[item.domain] += finding.weight
        if finding.weight > 0:
            summary.organisations.add(item.source)
            summary.organisations_by_domain[item.domain].add(item.source)
            if by:
                summary.corroborated.add(item.domain)
    return dict(out)
