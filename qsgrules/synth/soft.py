"""Synthetic soft intelligence: local members for every QSG area, and items from them and
from the national members, with realistic gradings, domains and severities.

Items cluster on a minority of providers (more where a series drifts towards concern),
arrive more often recently, and some are duplicates of, or corroborate, an earlier item on
the same provider. Summaries are built from fixed phrases: no names, numbers or dates, so
nothing in them can look like a patient or staff identifier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model.vocabulary import Domain, Handling, ItemStatus, Severity
from .profiles import ASSESSMENT_SHARES, RELIABILITY_SHARES

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]

DOMAIN_SHARES = {
    Domain.SAFETY: 0.35,
    Domain.EFFECTIVENESS: 0.15,
    Domain.EXPERIENCE: 0.3,
    Domain.WELL_LED: 0.2,
}
SEVERITY_SHARES = {
    Severity.LOW: 0.35,
    Severity.MODERATE: 0.4,
    Severity.HIGH: 0.2,
    Severity.CRITICAL: 0.05,
}
NATIONAL_SHARES = {
    "CQC": 0.4,
    "NHS England": 0.15,
    "Monitor": 0.1,
    "TDA": 0.1,
    "PHE": 0.08,
    "HEE": 0.07,
    "GMC": 0.04,
    "NMC": 0.04,
    "Ombudsman": 0.01,
    "Healthwatch England": 0.01,
}
LOCAL_SHARE = 0.6  # of items come from the provider's own area's members
CONFIDENTIAL_SHARE = 0.1
CLOSED_SHARE = 0.08
EXPIRING_SHARE = 0.05
DUPLICATE_SHARE = 0.03  # of items that follow another item on the same provider
CORROBORATING_SHARE = 0.05
HISTORY_DAYS = 1095
SMALLEST_SHARE = 0.05  # of an acute trust's activity, for the share of items
MEAN_AGE_DAYS = 300.0

#: The local members of an area: (name pattern, kind).
LOCAL_MEMBERS = (
    ("NHS {} CCG", "commissioner"),
    ("Healthwatch {}", "healthwatch"),
    ("{} Council", "local_authority"),
)
OPENERS = (
    "Members report",
    "Feedback gathered at an engagement event describes",
    "A routine visit found",
    "Complaints received this quarter describe",
    "Staff survey comments indicate",
    "A quality assurance meeting noted",
)
CONCERNS = {
    Domain.SAFETY: (
        "delays in escalating deteriorating patients",
        "gaps in medicines reconciliation on admission",
        "incomplete falls risk assessments",
        "staffing below planned levels on night shifts",
        "equipment safety checks not recorded",
    ),
    Domain.EFFECTIVENESS: (
        "discharge summaries reaching practices late",
        "care plans not reviewed when due",
        "slow adoption of national audit recommendations",
        "inconsistent follow-up of abnormal test results",
    ),
    Domain.EXPERIENCE: (
        "long waits for routine appointments",
        "difficulty getting through by telephone",
        "complaints answered after the agreed time",
        "poor information about what happens after discharge",
    ),
    Domain.WELL_LED: (
        "that board oversight of mandatory training needs strengthening",
        "high turnover in the senior nursing team",
        "governance meetings that were not quorate",
        "whistleblowing concerns that were not followed up",
    ),
}
PLACES_OF_CARE = (
    "in the emergency department",
    "in maternity services",
    "in outpatient clinics",
    "on the surgical wards",
    "in community teams",
    "at the practice",
    "across the organisation",
)
CLOSING = (
    "assurance received from the provider",
    "action plan completed and verified",
    "concern resolved at a follow-up visit",
)
COLUMNS = (
    "id",
    "provider",
    "source",
    "received",
    "domain",
    "severity",
    "grading",
    "summary",
    "handling",
    "status",
    "closed_on",
    "closed_reason",
    "expires",
    "duplicate_of",
    "corroborates",
)


def members(areas: list[str]) -> list[tuple[str, str]]:
    """(name, kind) of every local member: a CCG, a Healthwatch and a council per area."""
    return [(pattern.format(area), kind) for area in areas for pattern, kind in LOCAL_MEMBERS]


def _pick(rng: np.random.Generator, shares: dict[Any, float], n: int) -> IntArray:
    p = np.array(list(shares.values()), dtype=np.float64)
    picked: IntArray = rng.choice(len(p), size=n, p=p / p.sum())
    return picked


@dataclass(frozen=True)
class Items:
    rows: list[list[str]]  # COLUMNS, as text, in id order


def items(
    k: int,
    provider_codes: list[str],
    provider_area: IntArray,
    area_names: list[str],
    concern: FloatArray,
    size: FloatArray,
    end: dt.date,
    rng: np.random.Generator,
) -> Items:
    """``k`` items about the providers: more about larger providers and those with more
    ``concern`` (at 10,000 providers and 50,000 items: a median of 3, at most ~200)."""
    n = len(provider_codes)
    weight = (
        rng.lognormal(0.0, 1.0, size=n)
        * (1.0 + 4.0 * concern)
        * np.sqrt(np.maximum(size, SMALLEST_SHARE))
    )
    about = rng.choice(n, size=k, p=weight / weight.sum())
    age = np.minimum(rng.exponential(MEAN_AGE_DAYS, size=k), HISTORY_DAYS).astype(np.int64)
    domain = _pick(rng, DOMAIN_SHARES, k)
    severity = _pick(rng, SEVERITY_SHARES, k)
    reliability = _pick(rng, RELIABILITY_SHARES, k)
    assessment = _pick(rng, ASSESSMENT_SHARES, k)
    national = list(NATIONAL_SHARES)
    local = rng.random(k) < LOCAL_SHARE
    source_national = _pick(rng, NATIONAL_SHARES, k)
    source_local = rng.integers(0, len(LOCAL_MEMBERS), size=k)
    confidential = rng.random(k) < CONFIDENTIAL_SHARE
    closed = rng.random(k) < CLOSED_SHARE
    closed_after = rng.integers(7, 121, size=k)
    expiring = rng.random(k) < EXPIRING_SHARE
    phrase = rng.integers(0, 1 << 30, size=(k, 4))
    link = rng.random(k)
    # ids follow the order of receipt, as a log would; references point at earlier items
    order = np.lexsort((np.arange(k), -age))
    ids = np.empty(k, dtype=np.int64)
    ids[order] = np.arange(1, k + 1)
    by_provider = np.lexsort((ids, about))
    refs: dict[int, tuple[str, int]] = {}
    for j in range(1, k):
        here, before = int(by_provider[j]), int(by_provider[j - 1])
        if about[here] != about[before]:
            continue
        if link[here] < DUPLICATE_SHARE:
            refs[here] = ("duplicate_of", before)
        elif link[here] < DUPLICATE_SHARE + CORROBORATING_SHARE:
            refs[here] = ("corroborates", before)
    domains, severities = list(DOMAIN_SHARES), list(SEVERITY_SHARES)
    reliabilities, assessments = list(RELIABILITY_SHARES), list(ASSESSMENT_SHARES)
    sources: list[str] = []
    for i in range(k):
        if local[i]:
            pattern = LOCAL_MEMBERS[int(source_local[i])][0]
            sources.append(pattern.format(area_names[int(provider_area[about[i]])]))
        else:
            sources.append(national[int(source_national[i])])
    for i, (_, before) in refs.items():
        domain[i] = domain[before]  # the same concern
        if sources[i] == sources[before]:  # raised again, by another organisation
            sources[i] = "CQC" if sources[before] != "CQC" else "NHS England"
    rows: list[list[str]] = []
    for i in order.tolist():
        received = end - dt.timedelta(days=int(age[i]))
        d = domains[int(domain[i])]
        sev = severities[int(severity[i])]
        concern_text = CONCERNS[d][int(phrase[i, 1]) % len(CONCERNS[d])]
        summary = (
            f"{OPENERS[int(phrase[i, 0]) % len(OPENERS)]} {concern_text} "
            f"{PLACES_OF_CARE[int(phrase[i, 2]) % len(PLACES_OF_CARE)]}."
        )
        if sev is Severity.CRITICAL:
            summary = "Urgent: " + summary[0].lower() + summary[1:]
        closed_on = received + dt.timedelta(days=int(closed_after[i]))
        is_closed = bool(closed[i]) and closed_on <= end
        ref_field, ref = refs.get(i, ("", -1))
        rows.append(
            [
                f"SI-{ids[i]:06d}",
                provider_codes[int(about[i])],
                sources[i],
                received.isoformat(),
                d.value,
                sev.value,
                f"{reliabilities[int(reliability[i])]}{assessments[int(assessment[i])]}",
                summary,
                (Handling.CONFIDENTIAL if confidential[i] else Handling.OPEN).value,
                (ItemStatus.CLOSED if is_closed else ItemStatus.OPEN).value,
                closed_on.isoformat() if is_closed else "",
                CLOSING[int(phrase[i, 3]) % len(CLOSING)] if is_closed else "",
                (received + dt.timedelta(days=365)).isoformat() if expiring[i] else "",
                f"SI-{ids[ref]:06d}" if ref_field == "duplicate_of" else "",
                f"SI-{ids[ref]:06d}" if ref_field == "corroborates" else "",
            ]
        )
    return Items(rows)
