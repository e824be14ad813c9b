"""Soft findings: each item's weight from the ruleset's factors, and a provider's totals.

weight = severity points × source reliability × information assessment × recency decay ×
domain weight [× corroboration weight]. Scores only ever add: nothing hard can lower them
(guidance, chapter 8), no factor is negative, and the corroboration weight is at least 1.
An item counts unless it is a duplicate of another known by the date (counted once, through
that one), closed by the date, or expired by then; uncounted items stay in the record and
are shown. Only what was known on the date counts: a link to an item received later is not
followed, and a closure dated later has not happened yet.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from .. import collector
from ..model.evidence import SoftFactor, SoftFinding
from ..model.months import month_end
from ..model.numbers import plain
from ..model.vocabulary import DOMAINS, Domain
from ..model.workspace import Member
from ..ruleset.schema import SoftSettings
from ..workspace import SoftItem
from ..workspace.members import lineage


@dataclass(frozen=True)
class Source:
    """Who an item's source is: its independent organisation, its kind, its weight factor."""

    organisation: str
    kind: str
    weight: float = 1.0
    weighed_as: str = ""  # the source_weights key that gave the weight


def sources_of(
    items: Iterable[SoftItem], settings: SoftSettings, members: Mapping[str, Member] | None
) -> dict[str, Source]:
    """Each source's organisation (its top-level parent), kind and source weight."""
    out: dict[str, Source] = {}
    for item in items:
        if item.source in out:
            continue
        chain = lineage(item.source, members) if members else (item.source,)
        member = members.get(item.source) if members else None
        kind = member.kind if member is not None else ""
        weight, key = 1.0, ""
        for name in (*chain, kind):
            if name and name in settings.source_weights:
                weight, key = settings.source_weights[name], name
                break
        out[item.source] = Source(chain[-1], kind, weight, key)
    return out


FactorCache = dict[tuple[str, float, str], SoftFactor]


def _factor(name: str, value: float, why: str, cache: FactorCache | None) -> SoftFactor:
    # factors repeat across items (one per severity, grading, domain, age): frozen models
    # can be shared, so 50,000 items build hundreds of factors, not 300,000
    if cache is None:
        return SoftFactor(name=name, value=value, why=why)
    key = (name, value, why)
    found = cache.get(key)
    if found is None:
        found = cache[key] = SoftFactor(name=name, value=value, why=why)
    return found


# What a part of the weight contributes: its factor, its value and its words in the formula
# ("" when the formula leaves it out)
_Part = tuple[SoftFactor | None, float, str]
_DomainPart = tuple[SoftFactor, float, str]


class _Weigher:
    """Items weighed as of one day under one ruleset's settings.

    The factors of 50,000 items take a few hundred values (severities, gradings, domains,
    ages), so each value's factor, number and words are worked out once and shared; every
    weight is still the same product, multiplied in the same order, as :func:`weigh` says.
    """

    def __init__(
        self, settings: SoftSettings, as_of: dt.date, cache: FactorCache | None = None
    ) -> None:
        self.settings = settings
        self.as_of = as_of
        self.cache: FactorCache = {} if cache is None else cache
        self._grades: dict[tuple[str, str], tuple[float, list[SoftFactor], list[str]]] = {}
        self._ages: dict[int, tuple[float, SoftFactor, str]] = {}
        self._domains: dict[Domain, _DomainPart] = {}
        self._sources: dict[tuple[float, str], _Part] = {}
        self._categories: dict[str | None, _Part] = {}

    def _grade(self, item: SoftItem) -> tuple[float, list[SoftFactor], list[str]]:
        key = (item.severity, item.grading)
        found = self._grades.get(key)
        if found is None:
            s = self.settings
            points = s.severity_points[item.severity]
            rel = s.source_reliability[item.reliability]  # type: ignore[index]
            info = s.information_assessment[item.assessment]
            factors = [
                _factor("severity", points, f"{item.severity} severity", self.cache),
                _factor("source_reliability", rel, f"source graded {item.reliability}", self.cache),
                _factor(
                    "information_assessment",
                    info,
                    f"information graded {item.assessment}",
                    self.cache,
                ),
            ]
            found = (points * rel * info, factors, [plain(points), plain(rel), plain(info)])
            self._grades[key] = found
        return found

    def _age(self, age: int) -> tuple[float, SoftFactor, str]:
        found = self._ages.get(age)
        if found is None:
            half_life = self.settings.half_life_days
            decay = 0.5 ** (age / half_life)
            factor = _factor(
                "recency",
                round(decay, 6),
                f"{age} days old, half-life {plain(half_life)} days",
                self.cache,
            )
            found = self._ages[age] = (decay, factor, f"{decay:.2f} ({age} days old)")
        return found

    def _domain(self, domain: Domain) -> _DomainPart:
        found = self._domains.get(domain)
        if found is None:
            dom = self.settings.domain_weights.get(domain, 1.0)
            factor = _factor("domain", dom, f"{domain} domain weight", self.cache)
            words = f"{plain(dom)} ({domain} weight)" if dom != 1.0 else ""
            found = self._domains[domain] = (factor, dom, words)
        return found

    def _source(self, source: Source) -> _Part:
        key = (source.weight, source.weighed_as)
        found = self._sources.get(key)
        if found is None:
            if source.weight != 1.0:
                why = f"{source.weighed_as} source weight"
                factor = _factor("source", source.weight, why, self.cache)
                words = f"{plain(source.weight)} ({source.weighed_as} weight)"
                found = (factor, source.weight, words)
            else:
                found = (None, source.weight, "")
            self._sources[key] = found
        return found

    def _category(self, category: str | None) -> _Part:
        found = self._categories.get(category)
        if found is None:
            cat = self.settings.category_weights.get(category, 1.0) if category else 1.0
            if cat != 1.0:
                factor = _factor("category", cat, f"{category} category weight", self.cache)
                found = (factor, cat, f"{plain(cat)} ({category} weight)")
            else:
                found = (None, cat, "")
            self._categories[category] = found
        return found

    def weight(self, item: SoftItem, source: Source) -> float:
        """An uncorroborated item's weight, rounded as its finding's, without the finding."""
        age = max(0, (self.as_of - item.received).days)
        weight = (
            self._grade(item)[0]
            * self._age(age)[0]
            * self._domain(item.domain)[1]
            * source.weight
            * self._category(item.category)[1]
        )
        return round(float(weight), 6)

    def finding(
        self,
        item: SoftItem,
        corroborated_by: tuple[str, ...],
        source: Source,
        note: str = "",
    ) -> SoftFinding:
        """``weigh``'s finding; with a ``note``, the item is shown but not counted."""
        age = max(0, (self.as_of - item.received).days)
        product, grade_factors, parts = self._grade(item)
        decay, recency, decay_words = self._age(age)
        dom_factor, dom, dom_words = self._domain(item.domain)
        src_factor, _, src_words = self._source(source)
        cat_factor, cat, cat_words = self._category(item.category)
        corr = self.settings.corroboration_weight if corroborated_by else 1.0
        weight = product * decay * dom * source.weight * cat * corr
        factors: list[SoftFactor] = [*grade_factors, recency, dom_factor]
        words = [*parts, decay_words]
        if dom_words:
            words.append(dom_words)
        if src_factor is not None:
            factors.append(src_factor)
            words.append(src_words)
        if cat_factor is not None:
            factors.append(cat_factor)
            words.append(cat_words)
        if corroborated_by:
            by = "corroborated by " + ", ".join(corroborated_by)
            factors.append(_factor("corroboration", corr, by, None))
            if corr != 1.0:
                words.append(f"{plain(corr)} (corroborated)")
        formula = (
            f"{item.source}, {item.domain}, {item.severity} ({item.grading}): "
            f"{' × '.join(words)} = {weight:.2f}"
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
            counted=not note,
            weight=round(weight, 6),
            factors=tuple(factors),
            formula=formula,
            corroborated_by=corroborated_by,
            note=note,
            organisation=source.organisation,
            source_kind=source.kind,
            category=item.category,
        )


def weigh(
    item: SoftItem,
    settings: SoftSettings,
    as_of: dt.date,
    corroborated_by: tuple[str, ...] = (),
    cache: FactorCache | None = None,
    source: Source | None = None,
) -> SoftFinding:
    """One item's weight with every factor that made it (``cache`` shares equal factors
    between the items of one summary; ``source`` says who the source is, by default an
    organisation of its own with no source weight).

    weight = severity points × source reliability × information assessment × recency
    decay × domain weight × source weight × category weight × corroboration weight,
    multiplied in that order."""
    weigher = _Weigher(settings, as_of, cache)
    return weigher.finding(item, corroborated_by, source or Source(item.source, ""))


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
    # organisation -> the sources its counted items came from (HEE -> {HEE London})
    sources: dict[str, set[str]] = field(default_factory=dict)

    def named(self, organisations: Iterable[str]) -> str:
        """Organisations as a reader knows them: "HEE (HEE London)" when an item came from
        a part of the organisation, the name alone otherwise; "none" when there are none."""
        out = []
        for org in sorted(organisations):
            parts = sorted(self.sources.get(org, {org}) - {org})
            out.append(f"{org} ({', '.join(parts)})" if parts else org)
        return ", ".join(out) or "none"


def _not_counted(item: SoftItem, as_of: dt.date, known: Collection[str]) -> str:
    # a link to an item received after the date could not have been made then: only what
    # was known on the date counts (a backtest never looks ahead)
    if item.duplicate_of is not None and item.duplicate_of in known:
        return f"duplicate of {item.duplicate_of}: counted once"
    if item.status == "closed" and item.closed_on is not None and item.closed_on <= as_of:
        return f"closed on {item.closed_on.isoformat()}: {item.closed_reason}"
    if item.expires is not None and item.expires <= as_of:
        return f"expired on {item.expires.isoformat()}"
    return ""


def _corroborators(
    counted: list[SoftItem], settings: SoftSettings, who: Mapping[str, Source]
) -> dict[str, tuple[str, ...]]:
    """item id -> ids of items from other organisations raising the same concern.

    Other organisations: independent ones (HEE London and HEE are one organisation).

    Grouped, never pairwise over all items: the same provider and domain within the
    window (found by bisecting each group's dates), or linked by ``corroborates``.
    """
    window = dt.timedelta(days=settings.corroboration_window_days)
    by_id = {i.id: i for i in counted}
    groups: dict[tuple[str, str], list[SoftItem]] = defaultdict(list)
    for i in counted:
        groups[(i.provider, i.domain)].append(i)
    out: dict[str, set[str]] = defaultdict(set)
    for group in groups.values():
        group.sort(key=lambda i: i.received)
        dates = [i.received for i in group]
        orgs = [who[i.source].organisation for i in group]
        for a, org in zip(group, orgs, strict=True):
            lo = bisect.bisect_left(dates, a.received - window)
            hi = bisect.bisect_right(dates, a.received + window)
            others = [group[k].id for k in range(lo, hi) if orgs[k] != org]
            if others:
                out[a.id].update(others)
    for a in counted:
        linked = by_id.get(a.corroborates) if a.corroborates is not None else None
        if (
            linked is not None
            and linked.provider == a.provider
            and who[linked.source].organisation != who[a.source].organisation
        ):
            out[a.id].add(linked.id)
            out[linked.id].add(a.id)
    return {k: tuple(sorted(v, key=lambda i: (by_id[i].received, i))) for k, v in out.items()}


def summarise(
    items: Iterable[SoftItem],
    settings: SoftSettings,
    on: dt.date | int,
    members: Mapping[str, Member] | None = None,
    *,
    only: Collection[str] | None = None,
) -> dict[str, SoftSummary]:
    """Per provider: every item known on the date ``on`` (a month number: its last day),
    weighed as of that day and totalled.

    Items are taken in id order so that totals do not depend on file order. With
    ``members``, a source counts as its independent organisation (its top-level parent) and
    may carry a source weight. With ``only``, the summaries of those providers alone; an
    item is still a duplicate of any item known on the date, whoever it is about.
    """
    day = month_end(on) if isinstance(on, int) else on
    with collector.paused():
        return _summarise(items, settings, day, members, only)


def _summarise(
    items: Iterable[SoftItem],
    settings: SoftSettings,
    as_of: dt.date,
    members: Mapping[str, Member] | None,
    only: Collection[str] | None = None,
) -> dict[str, SoftSummary]:
    on_date = [i for i in items if i.received <= as_of]
    ids = {i.id for i in on_date}
    if only is not None:
        wanted = only if isinstance(only, (set, frozenset)) else set(only)
        on_date = [i for i in on_date if i.provider in wanted]
    known = sorted(on_date, key=lambda i: (i.provider, i.id))
    who = sources_of(known, settings, members)
    weigher = _Weigher(settings, as_of)
    # most items are open, unlinked and never expire: only the others need a look
    reasons = {
        i.id: _not_counted(i, as_of, ids)
        if i.duplicate_of is not None or i.status == "closed" or i.expires is not None
        else ""
        for i in known
    }
    counted = [i for i in known if not reasons[i.id]]
    # an item that weighs nothing (say, information graded 5) corroborates nothing
    weighty = [i for i in counted if weigher.weight(i, who[i.source]) > 0]
    corroborators = _corroborators(weighty, settings, who)
    sources = {i.id: i.source for i in known}
    out: dict[str, SoftSummary] = defaultdict(SoftSummary)
    for item in known:
        summary = out[item.provider]
        if reasons[item.id]:
            finding = weigher.finding(item, (), who[item.source], reasons[item.id])
            summary.findings.append(finding)
            continue
        by = tuple(f"{sources[j]} ({j})" for j in corroborators.get(item.id, ()))
        finding = weigher.finding(item, by, who[item.source])
        summary.findings.append(finding)
        summary.total += finding.weight
        summary.by_domain[item.domain] += finding.weight
        if finding.weight > 0:
            summary.organisations.add(finding.organisation)
            summary.organisations_by_domain[item.domain].add(finding.organisation)
            summary.sources.setdefault(finding.organisation, set()).add(item.source)
            if by:
                summary.corroborated.add(item.domain)
    return dict(out)
