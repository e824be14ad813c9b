"""``workspaces(ruleset=...)``: small loadable workspaces whose evidence reaches every rule."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..bundled import default_ruleset
from ..errors import InputError
from ..indicators import BY_ID, CATALOGUE, DataKind
from ..model import Model
from ..model.months import month_end
from ..model.vocabulary import Domain, HardTest, ProviderType, Reliability, Severity, Strength
from ..ruleset import CompiledRuleset, load_ruleset
from ..workspace import Member, Provider, SoftItem, Workspace
from ._aims import Aims, SoftAim, aim, tests_of
from ._build import Row, value_range, workspace
from ._checks import check_int, check_month, check_size
from .basic import concern_sign, members, national_members, series_rows, soft_items

COUNTED = (DataKind.PROPORTION, DataKind.RATE, DataKind.RATIO)


@cache
def _default() -> CompiledRuleset:
    return load_ruleset(default_ruleset())


def resolve_ruleset(ruleset: CompiledRuleset | str | Path | None) -> CompiledRuleset:
    """The ruleset a strategy shapes its data for (the bundled default when None)."""
    if ruleset is None:
        return _default()
    if isinstance(ruleset, CompiledRuleset):
        return ruleset
    if isinstance(ruleset, str | Path):
        try:
            return load_ruleset(ruleset)
        except InputError as exc:
            raise InvalidArgument(f"ruleset={str(ruleset)!r} does not load:\n{exc}") from None
    raise InvalidArgument(f"ruleset={ruleset!r} must be a CompiledRuleset, a path or None")


@dataclass(frozen=True)
class Shape:
    """What a ruleset needs of a series: how long, and what its limits are."""

    short: int  # enough months for every standard's window
    long: int  # enough for every trend test too
    min_peers: int


def _shape(rs: CompiledRuleset) -> Shape:
    short, long, peers = 1, 1, 0
    for s in rs.spec.indicators.values():
        if s.standard is not None:
            short = max(short, s.standard.months)
        if s.trend is not None:
            # limits fixed on a baseline before the judged window need min_points of their own
            fixed = s.trend.baseline == "before_window"
            needed = s.trend.min_points + s.trend.months if fixed else s.trend.min_points + 1
            long = max(long, needed, s.trend.months + 1)
        if s.peer is not None:
            peers = max(peers, s.peer.min_peers)
        if s.cusum is not None:
            # the normal CUSUM judges only months after its baseline
            needed = max(s.cusum.min_points, s.cusum.baseline_months + s.cusum.months)
            long = max(long, needed)
    return Shape(short, max(short, long), peers)


def _span(indicator: str) -> tuple[float, float, float]:
    ind = BY_ID[indicator]
    lo, hi = value_range(ind)
    hi = min(hi, lo + 100.0)
    if ind.kind is DataKind.RATIO:
        hi = min(hi, lo + 2.0 * ind.scale)  # observed / expected: about 1, seldom past 2
    return lo, hi, hi - lo


def good_middle(rs: CompiledRuleset, indicator: str) -> float:
    """The middle of the values on the good side of the indicator's standard."""
    lo, hi = _good_interval(rs, indicator)
    return round((lo + hi) / 2, 3)


def _good_base(draw: st.DrawFn, rs: CompiledRuleset, indicator: str) -> float:
    """A value on the good side of the indicator's standard (anywhere without one)."""
    inner_lo, inner_hi = _good_interval(rs, indicator)
    return round(draw(st.floats(inner_lo, inner_hi, allow_nan=False)), 3)


def _good_interval(rs: CompiledRuleset, indicator: str) -> tuple[float, float]:
    """Where an ordinary value of the indicator lies (one value when it is fixed)."""
    lo, hi, _ = _span(indicator)
    settings = rs.spec.indicators.get(indicator)
    cusum = settings.cusum if settings else None
    if cusum is not None and cusum.method != "normal" and BY_ID[indicator].kind is DataKind.RATIO:
        # in control: a CUSUM of counts expects a ratio's observed to be its expected count
        fixed = cusum.target if cusum.target is not None else BY_ID[indicator].scale
        return fixed, fixed
    std = settings.standard if settings else None
    if std is not None:
        sign = concern_sign(indicator, std.direction)
        lo, hi = (lo, min(hi, std.limit)) if sign > 0 else (max(lo, std.limit), hi)
        if lo > hi:
            lo = hi
    # middling values leave room for a trend or peer signal either way
    return lo + 0.25 * (hi - lo), hi - 0.25 * (hi - lo)


def _beyond(indicator: str, limit: float, sign: int, margin: float) -> float | None:
    """A value strictly beyond ``limit`` on the side of concern, inside the range."""
    lo, hi = value_range(BY_ID[indicator])
    v = limit + sign * margin
    v = min(max(v, lo), hi)
    return v if (v - limit) * sign > 0 else None


def _tail(
    rs: CompiledRuleset, indicator: str, wants: dict[HardTest, Strength], base: float, noise: float
) -> tuple[list[float], int]:
    """The last values of a series that give the wanted breaches, and the concern sign."""
    settings = rs.spec.indicators[indicator]
    _, _, span = _span(indicator)
    sign = concern_sign(indicator)
    tail: list[float] = []

    def worst(values: list[float]) -> None:
        """Merge ``values`` into the tail (aligned at the end), keeping the worse of two."""
        nonlocal tail
        longer, shorter = (tail, values) if len(tail) >= len(values) else (values, tail)
        merged = list(longer)
        for k in range(1, len(shorter) + 1):
            a, b = merged[-k], shorter[-k]
            merged[-k] = max(a, b) if sign > 0 else min(a, b)
        tail = merged

    std = settings.standard
    if HardTest.STANDARD in wants and std is not None:
        sign = concern_sign(indicator, std.direction)
        strong = wants[HardTest.STANDARD] is Strength.STRONG and std.strong_limit is not None
        limit = std.strong_limit if strong and std.strong_limit is not None else std.limit
        v = _beyond(indicator, limit, sign, max(0.05 * span, 1e-3))
        if v is not None and not strong and std.strong_limit is not None:
            middle = (std.limit + std.strong_limit) / 2  # notable, not strong, if there is room
            if (v - std.strong_limit) * sign >= 0 and (middle - std.limit) * sign > 0:
                v = middle
        if v is not None:
            worst([v] * std.months)
    if HardTest.TREND in wants and settings.trend is not None:
        s = concern_sign(indicator, settings.trend.direction)
        v = _beyond(indicator, base, s, max(12 * noise, 0.3 * span))
        if v is not None:
            worst([v])
    if HardTest.CUSUM in wants and settings.cusum is not None:
        # a sustained shift over the months judged, beyond a doubling of a ratio's expected
        s = concern_sign(indicator, settings.cusum.direction)
        v = _beyond(indicator, base, s, max(12 * noise, 0.3 * span, 0.8 * abs(base)))
        if v is not None:
            worst([v] * settings.cusum.months)
    if HardTest.PEER in wants and settings.peer is not None:
        s = concern_sign(indicator, settings.peer.direction)
        v = _beyond(indicator, base, s, 0.3 * span)
        if v is not None:
            worst([v])
    return tail, sign


def _soft_for(
    rs: CompiledRuleset,
    code: str,
    domain: Domain,
    want: SoftAim,
    sources: list[str],
    day: dt.date,
    start: int,
    light: bool = False,
) -> list[SoftItem]:
    """Items from distinct organisations, received just before ``day``, that together weigh
    at least ``want.weight`` with ``want.organisations`` organisations (corroborating when
    asked). Heavy: each item as heavy as the ruleset's settings allow; light: the fewest
    items, each as light as still reaches the weight (so a rule that asks for little is
    reached without a heavier rule firing beside it)."""
    grades = _gradings(rs, domain)
    if not grades:
        return []
    fewest = max(want.organisations, 2 if want.corroborated else 1)
    if light:  # the fewest items, each the lightest that does it
        enough = [g for g in grades if g[0] * fewest >= want.weight] or [
            g for g in grades if math.ceil(want.weight / g[0]) <= 12
        ]
        each, severity, rel, info = enough[0] if enough else grades[-1]
    else:
        each, severity, rel, info = grades[-1]
    n = min(max(fewest, math.ceil(want.weight / each)), 12)
    return [
        SoftItem.model_validate(
            {
                "id": f"AIM-{start + k:03d}",
                "provider": code,
                "source": sources[k % len(sources)],
                "received": day - dt.timedelta(days=k % 10),
                "domain": domain,
                "severity": severity,
                "grading": f"{rel}{info}",
                "summary": "Concern raised with the QSG for a generated test.",
                "category": want.category,
            },
            strict=False,
        )
        for k in range(n)
    ]


#: (weight, severity, source reliability, information assessment) of one way to grade an item
Grading = tuple[float, Severity, Reliability, int]


def _gradings(rs: CompiledRuleset, domain: Domain) -> list[Grading]:
    """(weight, severity, reliability, assessment) of every grading whose item counts,
    lightest first; the weight as an item at most ten days old has at any half-life the
    ruleset may set (a tenth off)."""
    soft = rs.spec.soft
    found = sorted(
        (
            soft.severity_points[sev]
            * soft.source_reliability[rel]
            * soft.information_assessment[info]
            * soft.domain_weights.get(domain, 1.0)
            * 0.9,
            sev,
            rel,
            info,
        )
        for sev in Severity
        for rel in soft.source_reliability
        for info in soft.information_assessment
    )
    return [g for g in found if g[0] > 0]


class _Ruleset:
    """A ruleset as a strategy's argument, shown by its name (Hypothesis prints arguments)."""

    def __init__(self, ruleset: CompiledRuleset) -> None:
        self.ruleset = ruleset

    def __repr__(self) -> str:
        return f"<ruleset {self.ruleset.name} {self.ruleset.version}>"


def workspaces(
    *,
    ruleset: CompiledRuleset | str | Path | None = None,
    as_of: str = "2019-03",
    min_providers: int = 1,
    max_providers: int = 6,
    max_items: int = 6,
    max_aims: int = 2,
    rules: Collection[str] | None = None,
    evidence: Literal["any", "light", "heavy"] = "any",
) -> st.SearchStrategy[Workspace]:
    """A small workspace that loads (``write_workspace`` then ``load_workspace``) and whose
    evidence reaches every rule of ``ruleset`` (the bundled default when None).

    For each provider the generator picks up to ``max_aims`` rules to aim at and builds data
    that meets one way of satisfying each (breaches by the tests the ruleset configures,
    series long enough for its trend tests, peers of the same type with counts for its peer
    tests, soft items heavy and corroborated enough), around ordinary data for every other
    indicator the ruleset configures and a few random soft items, some closed, expired,
    duplicated or linked. Data ends in ``as_of``; items are received by its last day.
    ``rules`` (ids) aims at those rules only; declared properties are aimed at too.
    ``evidence`` says how heavy the aimed soft items are: ``"heavy"`` (the heaviest grading),
    ``"light"`` (the lightest that reaches what a rule asks for, so that a heavier rule does
    not fire beside it) or ``"any"`` (either, drawn for each provider).
    """
    rs = resolve_ruleset(ruleset)
    check_month("as_of", as_of)
    check_size("providers", min_providers, max_providers, low=1, high=60)
    check_int("max_items", max_items, low=0, high=200)
    check_int("max_aims", max_aims, low=0, high=10)
    ids = [r.id for r in rs.rules]
    if rules is not None:
        if isinstance(rules, str) or not rules:
            raise InvalidArgument(f"rules={rules!r}: give a list of rule ids")
        unknown = [r for r in rules if r not in ids]
        if unknown:
            raise InvalidArgument(f"rules: {', '.join(map(repr, unknown))} not in {rs.name}")
    if evidence not in ("any", "light", "heavy"):
        raise InvalidArgument(f"evidence={evidence!r}: give 'any', 'light' or 'heavy'")
    focus = tuple(ids if rules is None else [i for i in ids if i in set(rules)])
    return _workspaces(
        _Ruleset(rs), as_of, min_providers, max_providers, max_items, max_aims, focus, evidence
    )


@st.composite
def _workspaces(
    draw: st.DrawFn,
    ruleset: _Ruleset,
    as_of: str,
    min_providers: int,
    max_providers: int,
    max_items: int,
    max_aims: int,
    focus: tuple[str, ...],
    evidence: str,
) -> Workspace:
    rs = ruleset.ruleset
    month = check_month("as_of", as_of)
    shape = _shape(rs)
    day = month_end(month)
    # a peer group big enough to be tested: providers of one type, each with counts
    possible = bool(shape.min_peers) and max_providers >= shape.min_peers
    peer_group: bool = possible and draw(st.booleans())
    smallest = max(min_providers, shape.min_peers) if peer_group else min_providers
    n = draw(st.integers(smallest, max_providers))
    codes = [f"R{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(n)]
    local = draw(members(max_size=2))
    member_map = {**national_members(), **{m.name: m for m in local}}
    sources = draw(st.permutations(sorted(member_map)))
    shared = draw(st.sampled_from(list(ProviderType)))
    same_type = peer_group or draw(st.booleans())
    length = draw(st.sampled_from(sorted({shape.short, shape.long})))
    counted = {
        ind: draw(st.booleans()) or (s.peer is not None)
        for ind, s in rs.spec.indicators.items()
        if BY_ID[ind].kind in COUNTED
    }
    bases = {ind: _good_base(draw, rs, ind) for ind in sorted(rs.spec.indicators)}
    providers: list[Provider] = []
    rows: list[Row] = []
    items: list[SoftItem] = []
    # every rule's condition, and every declared property's
    targets: list[Model] = [r.rule.when for r in rs.rules if r.id in focus]
    for prop in rs.spec.properties if len(focus) == len(rs.rules) else ():
        targets.extend(e.when for e in (prop.at_least, prop.at_most, prop.never) if e)
    for code in codes:
        aims = Aims()
        for target in draw(st.lists(st.sampled_from(targets), max_size=max_aims)):
            aim(draw, rs, target, aims)
        types = sorted(aims.types) if aims.types else None
        ptype = (
            draw(st.sampled_from(types))
            if types
            else (shared if same_type else draw(st.sampled_from(list(ProviderType))))
        )
        providers.append(Provider(code=code, name=f"{code} Test Provider", type=ptype, qsg="QSG"))
        rows.extend(_series(draw, rs, code, aims, bases, counted, month, length, peer_group))
        light = evidence == "light" or (evidence == "any" and draw(st.booleans()))
        for domain, want in sorted(aims.soft.items()):
            items.extend(_soft_for(rs, code, domain, want, sources, day, len(items), light))
    noise = draw(
        st.lists(
            soft_items(provider_codes=codes, as_of=day, sources=sorted(member_map), status=None),
            max_size=max_items,
        )
    )
    items.extend(_linked(draw, noise, len(items)))
    return workspace(providers, rows, _numbered(items), member_map)


def _series(
    draw: st.DrawFn,
    rs: CompiledRuleset,
    code: str,
    aims: Aims,
    bases: dict[str, float],
    counted: dict[str, bool],
    month: int,
    length: int,
    peer_group: bool,
) -> list[Row]:
    rows: list[Row] = []
    wanted: dict[str, dict[HardTest, Strength]] = {}
    for (ind, test), strength in aims.hard.items():
        wanted.setdefault(ind, {})[test] = strength
    configured = sorted(rs.spec.indicators)
    extra = draw(st.sampled_from([None, *[i.id for i in CATALOGUE]]))
    for ind in [*configured, *([extra] if extra and extra not in configured else [])]:
        peered = peer_group and HardTest.PEER in tests_of(rs, ind)
        if ind not in wanted and not peered and not draw(st.booleans()):
            continue
        lo, hi, span = _span(ind)
        tests = tests_of(rs, ind)
        base = bases.get(ind, (lo + hi) / 2)
        noise = draw(st.sampled_from([0.0, 0.01, 0.03])) * span
        aimed = wanted.get(ind, {})
        if (
            HardTest.TREND in tests and (noise == 0 or HardTest.TREND in aimed)
        ) or HardTest.CUSUM in aimed:
            noise = 0.01 * span  # a flat series has no process limits (nor sigma) to pass
        std = rs.spec.indicators[ind].standard if ind in rs.spec.indicators else None
        if std is not None:  # ordinary months stay on the good side of the standard
            noise = min(noise, 0.9 * abs(std.limit - base))
        tail, sign = _tail(rs, ind, wanted.get(ind, {}), base, noise) if ind in wanted else ([], 0)
        rows.extend(
            series_rows(
                provider=code,
                indicator=ind,
                as_of=month,
                length=length,
                base=base,
                noise=noise,
                seed=draw(st.integers(0, 255)),
                tail=tail,
                denominator=40000.0 if counted.get(ind) else None,
                tail_sign=sign,
            )
        )
    return rows


def _linked(draw: st.DrawFn, noise: list[SoftItem], start: int) -> list[SoftItem]:
    """Random items, some marked duplicates of, or corroborating, an earlier one."""
    out: list[SoftItem] = []
    for k, item in enumerate(noise):
        data = item.model_dump()
        data["id"] = f"SI-{start + k:03d}"
        earlier = [o for o in out if o.provider == item.provider]
        if earlier and draw(st.integers(0, 3)) == 0:
            other = draw(st.sampled_from(earlier))
            key = "duplicate_of" if draw(st.booleans()) else "corroborates"
            if key == "duplicate_of" or other.source != item.source:
                data[key] = other.id
        out.append(SoftItem.model_validate(data))
    return out


def _numbered(items: list[SoftItem]) -> list[SoftItem]:
    """Ids ``SI-001``... in order (links renamed with them)."""
    names = {item.id: f"SI-{k + 1:03d}" for k, item in enumerate(items)}
    out = []
    for item in items:
        data = item.model_dump()
        data["id"] = names[item.id]
        for key in ("duplicate_of", "corroborates"):
            if data[key] is not None:
                data[key] = names[data[key]]
        out.append(SoftItem.model_validate(data))
    return out


__all__ = ["Member", "resolve_ruleset", "workspaces"]
