"""Strategies for the parts of a workspace: providers, members, gradings, soft items, series."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Sequence

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..evidence.hard import concern_direction
from ..indicators import BY_ID, CATALOGUE, DataKind
from ..model.months import month_end
from ..model.vocabulary import (
    ASSESSMENTS,
    Domain,
    Handling,
    ItemStatus,
    ProviderType,
    Reliability,
    Severity,
)
from ..workspace import Member, Provider, SoftItem
from ..workspace.members import MEMBER_KINDS, NATIONAL_MEMBERS
from ..workspace.members import national_members as _national
from ._build import Row, counted_value, value_range
from ._checks import check_int, check_month, check_size, steer

#: Place names for generated local members and provider names (fictional).
PLACES = ("Northshire", "Southshire", "Eastshire", "Westshire", "Midshire", "Fenshire")
LOCAL_KINDS = tuple(k for k in MEMBER_KINDS if k != "other")
#: Summaries that carry no identifier (the privacy guard refuses items that do).
SUMMARIES = {
    Domain.SAFETY: "Staff report delays in escalating deteriorating patients.",
    Domain.EFFECTIVENESS: "Audit shows care pathways not followed consistently.",
    Domain.EXPERIENCE: "Several complaints about waits and communication.",
    Domain.WELL_LED: "Concerns about governance and board oversight.",
}


def national_members() -> dict[str, Member]:
    """The member organisations every workspace knows."""
    return _national()


def _local_name(kind: str, place: str) -> str:
    return {
        "commissioner": f"NHS {place} CCG",
        "healthwatch": f"Healthwatch {place}",
        "local_authority": f"{place} County Council",
        "public_health": f"{place} Public Health",
        "education": f"{place} Deanery",
        "regulator": f"{place} Regulator",
        "professional_regulator": f"{place} Professional Council",
        "ombudsman": f"{place} Ombudsman",
    }.get(kind, f"{place} Forum")


def members(*, min_size: int = 0, max_size: int = 3) -> st.SearchStrategy[list[Member]]:
    """Local member organisations (a CCG, a Healthwatch, a council...) with distinct names.

    They exist only in the workspace that lists them (members.csv); the national members
    (``national_members()``) are always there.
    """
    check_size("size", min_size, max_size, low=0, high=len(PLACES) * len(LOCAL_KINDS))
    pairs = st.tuples(st.sampled_from(LOCAL_KINDS), st.sampled_from(PLACES))
    return st.lists(pairs, min_size=min_size, max_size=max_size, unique_by=_pair_name).map(
        lambda ps: [Member(_local_name(k, p), k, _local_name(k, p)) for k, p in ps]
    )


def _pair_name(pair: tuple[str, str]) -> str:
    return _local_name(*pair)


def provider_codes(*, min_size: int = 1, max_size: int = 6) -> st.SearchStrategy[list[str]]:
    """Distinct ODS-like provider codes (``RAA``, ``RAB``, ...), in order."""
    check_size("size", min_size, max_size, low=1, high=26 * 26)
    return st.integers(min_size, max_size).map(
        lambda n: [f"R{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(n)]
    )


def providers(
    *,
    codes: Sequence[str],
    types: ProviderType | str | Collection[ProviderType | str] | None = None,
) -> st.SearchStrategy[list[Provider]]:
    """One provider per code, of any of the eight provider types (or those given)."""
    if isinstance(codes, str) or not codes or not all(isinstance(c, str) and c for c in codes):
        raise InvalidArgument(f"codes={codes!r} must be a non-empty list of provider codes")
    if len(set(codes)) != len(codes):
        raise InvalidArgument(f"codes={codes!r} has a code twice")
    type_of = steer("types", types, list(ProviderType), convert=ProviderType)
    return st.lists(type_of, min_size=len(codes), max_size=len(codes)).map(
        lambda ts: [
            Provider(code=c, name=f"{c} Test Provider", type=t, qsg="Test QSG")
            for c, t in zip(codes, ts, strict=True)
        ]
    )


def gradings(
    *,
    reliability: Reliability | str | Collection[Reliability | str] | None = None,
    assessment: int | Collection[int] | None = None,
) -> st.SearchStrategy[str]:
    """5x5x5 gradings such as ``B2``: source reliability A-E, information assessment 1-5."""
    rel = steer("reliability", reliability, list(Reliability), convert=Reliability)
    info = steer("assessment", assessment, list(ASSESSMENTS), convert=int)
    return st.tuples(rel, info).map(lambda p: f"{p[0]}{p[1]}")


def _as_of_date(name: str, value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return month_end(check_month(name, value))


def soft_items(
    *,
    provider_codes: Sequence[str] = ("RAA",),
    as_of: dt.date | str = "2019-03",
    sources: Collection[str] | st.SearchStrategy[str] | str | None = None,
    domain: Domain | str | Collection[Domain | str] | st.SearchStrategy[Domain] | None = None,
    severity: Severity
    | str
    | Collection[Severity | str]
    | st.SearchStrategy[Severity]
    | None = None,
    grading: str | st.SearchStrategy[str] | None = None,
    max_age_days: int = 365,
    status: ItemStatus | str | None = ItemStatus.OPEN,
    id_prefix: str = "SI",
    categories: Collection[str] | None = None,
) -> st.SearchStrategy[SoftItem]:
    """A valid soft-intelligence item received up to ``max_age_days`` before ``as_of`` (a date,
    or a month: its last day), about one of ``provider_codes``, from a member organisation.

    ``sources`` defaults to the national members (pass your workspace's member names to
    draw local ones too); ``domain``, ``severity`` and ``grading`` take one value, several,
    or a strategy. ``status=None`` also draws items closed (on or before ``as_of``, or
    after it) and items that expire. ``categories`` (a ruleset's ``soft.categories``)
    draws items with one of them, or none.
    """
    if isinstance(provider_codes, str) or not provider_codes:
        raise InvalidArgument(f"provider_codes={provider_codes!r}: give a list of codes")
    day = _as_of_date("as_of", as_of)
    check_int("max_age_days", max_age_days, low=0, high=36500)
    if sources is None:
        source_of: st.SearchStrategy[str] = st.sampled_from(sorted(NATIONAL_MEMBERS))
    elif isinstance(sources, st.SearchStrategy):
        source_of = sources
    elif isinstance(sources, str):
        source_of = st.just(sources)
    elif not sources:
        raise InvalidArgument("sources=[]: give at least one member organisation")
    else:
        source_of = st.sampled_from(sorted(sources))
    if grading is not None and not isinstance(grading, st.SearchStrategy):
        if not isinstance(grading, str) or len(grading) != 2 or not grading[1].isdigit():
            raise InvalidArgument(f"grading={grading!r} must be a grading such as B2")
        grading_of = gradings(reliability=grading[0], assessment=int(grading[1]))
    else:
        grading_of = grading if grading is not None else gradings()
    if status is not None and status not in ItemStatus.values():
        raise InvalidArgument(f"status={status!r} must be open, closed or None (either)")
    if categories is not None and (isinstance(categories, str) or not categories):
        raise InvalidArgument(f"categories={categories!r}: give a list of category names")
    category_of: st.SearchStrategy[str | None] = (
        st.none() if categories is None else st.none() | st.sampled_from(sorted(categories))
    )
    return _soft_items(
        list(provider_codes),
        day,
        source_of,
        steer("domain", domain, list(Domain), convert=Domain),
        steer("severity", severity, list(Severity), convert=Severity),
        grading_of,
        max_age_days,
        None if status is None else ItemStatus(status),
        id_prefix,
        category_of,
    )


@st.composite
def _soft_items(
    draw: st.DrawFn,
    provider_codes: list[str],
    day: dt.date,
    source_of: st.SearchStrategy[str],
    domain_of: st.SearchStrategy[Domain],
    severity_of: st.SearchStrategy[Severity],
    grading_of: st.SearchStrategy[str],
    max_age_days: int,
    status: ItemStatus | None,
    id_prefix: str,
    category_of: st.SearchStrategy[str | None],
) -> SoftItem:
    dom = draw(domain_of)
    received = day - dt.timedelta(days=draw(st.integers(0, max_age_days)))
    extra: dict[str, object] = {}
    if status == ItemStatus.CLOSED or (status is None and draw(st.integers(0, 4)) == 0):
        closed = received + dt.timedelta(days=draw(st.integers(0, max_age_days + 60)))
        extra = {"status": "closed", "closed_on": closed, "closed_reason": "Assured by review."}
    elif status is None and draw(st.integers(0, 4)) == 0:
        extra = {"expires": received + dt.timedelta(days=draw(st.integers(1, max_age_days + 60)))}
    category = draw(category_of)
    if category is not None:
        extra["category"] = category
    return SoftItem.model_validate(
        {
            "id": f"{id_prefix}-{draw(st.integers(0, 10**6)):07d}",
            "provider": draw(st.sampled_from(provider_codes)),
            "source": draw(source_of),
            "received": received,
            "domain": dom,
            "severity": draw(severity_of),
            "grading": draw(grading_of),
            "summary": SUMMARIES[Domain(dom)],
            "handling": draw(st.sampled_from(list(Handling))),
            **extra,
        },
        strict=False,
    )


# ------------------------------------------------------------------ indicator series


def series_rows(
    *,
    provider: str,
    indicator: str,
    as_of: int,
    length: int,
    base: float,
    noise: float,
    seed: int,
    tail: Sequence[float] = (),
    denominator: float | None = None,
    tail_sign: int = 0,
) -> list[Row]:
    """``length`` monthly rows up to ``as_of``: ``base`` plus bounded noise, the last values
    replaced by ``tail``; with a ``denominator``, whole-number counts and the value they make.
    Every value is clipped into the indicator's range; a tail value's count is rounded
    towards ``tail_sign`` (up for +1) so that a value meant to be beyond a limit stays so."""
    ind = BY_ID[indicator]
    lo, hi = value_range(ind)
    rng = np.random.default_rng(seed)
    values = base + noise * rng.uniform(-1.0, 1.0, size=length)
    if tail:
        values[length - len(tail) :] = tail[-length:]
    values = np.clip(values, lo, hi)
    if ind.kind in (DataKind.RATING, DataKind.COUNT):
        values = np.clip(np.round(values), lo, hi)
    rows = []
    for k, v in enumerate(values.tolist()):
        period = as_of - length + 1 + k
        if denominator is None:
            rows.append(Row(provider, indicator, period, round(float(v), 6)))
            continue
        den = float(denominator + (seed + 37 * k) % 97)
        exact = v * den / ind.scale
        towards = tail_sign if k >= length - len(tail) else 0
        num = float(
            max(
                0,
                math.ceil(exact)
                if towards > 0
                else (math.floor(exact) if towards < 0 else round(exact)),
            )
        )
        if ind.kind is DataKind.PROPORTION:
            num = min(num, den)
        rows.append(Row(provider, indicator, period, counted_value(indicator, num, den), num, den))
    return rows


def concern_sign(indicator: str, override: str | None = None) -> int:
    """+1 when higher values are the concern, -1 when lower are."""
    return 1 if concern_direction(indicator, override) == "above" else -1


def indicator_series(
    *,
    provider: str = "RAA",
    indicator: str | None = None,
    as_of: str = "2019-03",
    min_months: int = 1,
    max_months: int = 24,
    counts: bool | None = None,
) -> st.SearchStrategy[list[Row]]:
    """One provider's monthly rows of one catalogue indicator (any when None), ending in
    ``as_of``, within the indicator's range; ``counts`` draws numerators and denominators
    (proportions, rates and ratios only; None: sometimes)."""
    month = check_month("as_of", as_of)
    check_size("months", min_months, max_months, low=1, high=120)
    if indicator is not None:
        if indicator not in BY_ID:
            raise InvalidArgument(f"indicator={indicator!r} is not in the catalogue")
        kind = BY_ID[indicator].kind
        if counts and kind not in (DataKind.PROPORTION, DataKind.RATE, DataKind.RATIO):
            raise InvalidArgument(f"counts=True: {indicator} is a {kind.value}, not counted")
    which = st.sampled_from([i.id for i in CATALOGUE]) if indicator is None else st.just(indicator)
    return _indicator_series(provider, which, month, min_months, max_months, counts)


@st.composite
def _indicator_series(
    draw: st.DrawFn,
    provider: str,
    which: st.SearchStrategy[str],
    month: int,
    min_months: int,
    max_months: int,
    counts: bool | None,
) -> list[Row]:
    ind = BY_ID[draw(which)]
    countable = ind.kind in (DataKind.PROPORTION, DataKind.RATE, DataKind.RATIO)
    with_counts = countable and (draw(st.booleans()) if counts is None else counts)
    lo, hi = value_range(ind)
    top = min(hi, lo + 100.0)
    base = draw(st.floats(lo, top, allow_nan=False, allow_infinity=False))
    noise = draw(st.sampled_from([0.0, 0.02, 0.1])) * (top - lo)
    return series_rows(
        provider=provider,
        indicator=ind.id,
        as_of=month,
        length=draw(st.integers(min_months, max_months)),
        base=base,
        noise=noise,
        seed=draw(st.integers(0, 2**16)),
        denominator=float(draw(st.sampled_from([2000, 10000, 40000]))) if with_counts else None,
    )


__all__ = [
    "PLACES",
    "concern_sign",
    "gradings",
    "indicator_series",
    "members",
    "national_members",
    "provider_codes",
    "providers",
    "series_rows",
    "soft_items",
]
