"""Peer findings: funnel-plot outliers of one month's cross-section, over-dispersion allowed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

import numpy as np

from ..indicators import BY_ID, DataKind
from ..model.evidence import FunnelNumbers, HardFinding, MonthValue
from ..model.months import month_text
from ..model.numbers import apart, short
from ..model.observations import BoolArray, IntArray
from ..model.vocabulary import HardTest, Strength
from ..ruleset.schema import PeerTest, Ruleset
from ..stats.funnel import FunnelResult, funnel
from ..workspace.loader import Observations, Provider
from .hard import concern_direction, indicator_finding, unit_suffix
from .window import latest_months


def peer_breaches(
    obs: Observations,
    spec: Ruleset,
    as_of: int,
    providers: dict[str, Provider],
    wanted: Collection[str] | None = None,
) -> dict[str, list[HardFinding]]:
    """Providers outside their peers' funnel limits, on the side of concern, each in its
    latest month with data up to ``as_of`` (``peer_months``), among every provider with
    data in that month (the findings of the ``wanted`` providers only, when given: their
    peers are still everyone).

    Only rows with a numerator and a denominator take part; a peer group smaller than
    ``min_peers`` is not tested.
    """
    found: dict[str, list[HardFinding]] = defaultdict(list)
    for ind_id, settings in sorted(spec.indicators.items()):
        test = settings.peer
        if test is None:
            continue
        rows = obs.indicator_mask(ind_id)  # computed once for both
        for month, judged in peer_months(obs, ind_id, as_of, rows).items():
            mine = judged if wanted is None else judged.intersection(wanted)
            if not mine:
                continue
            for key, sub, idx in peer_groups(obs, ind_id, test, month, providers, rows):
                for code, finding in _group(ind_id, test, sub, idx, key, month, mine):
                    found[code].append(finding)
    return found


def peer_months(
    obs: Observations, ind_id: str, as_of: int, mask: BoolArray | None = None
) -> dict[int, set[str]]:
    """month -> the providers whose latest month with data for ``ind_id`` (up to ``as_of``)
    it is: the month each is judged in against its peers. Usually one month for everyone;
    a provider whose data stop earlier is judged in its own latest month, never in a month
    it has no row for (which would unmake its finding by absence). ``mask``: the
    indicator's rows, when already computed."""
    mine = obs.indicator_mask(ind_id) if mask is None else mask
    rows = np.flatnonzero(mine & (obs.period <= as_of))
    if rows.size == 0:
        return {}
    latest = latest_months(obs, rows)
    names = obs.provider_names
    return {
        int(m): {str(c) for c in names[latest == m]}
        for m in np.unique(latest[latest >= 0]).tolist()
    }


def peer_groups(
    obs: Observations,
    ind_id: str,
    test: PeerTest,
    month: int,
    providers: dict[str, Provider],
    mask: BoolArray | None = None,
) -> list[tuple[str, Observations, IntArray]]:
    """The peer groups a peer test compares in ``month``: (group name, rows of that month
    with counts, indices of the group's rows in provider order), groups too small to test
    left out. The SHMI method compares log(O/E), which no provider with no observed events
    has: those are left out of its funnel (docs/methods.md section 6). ``mask``: the
    indicator's rows, when already computed."""
    mask = (
        (obs.indicator_mask(ind_id) if mask is None else mask)
        & (obs.period == month)
        & ~np.isnan(obs.numerator)
        & ~np.isnan(obs.denominator)
    )
    if BY_ID[ind_id].kind is not DataKind.PROPORTION and test.ratio_method == "shmi":
        mask &= obs.numerator > 0
    if not mask.any():
        return []
    sub = obs.select(mask)
    order = np.argsort(sub.provider, kind="stable")
    codes = [str(c) for c in sub.provider[order]]
    groups: dict[str, list[int]] = defaultdict(list)
    for i, code in enumerate(codes):
        key: str = providers[code].type if test.peers == "provider_type" else "all"
        groups[key].append(int(order[i]))
    return [
        (key, sub, np.array(rows, dtype=np.int64))
        for key, rows in sorted(groups.items())
        if len(rows) >= test.min_peers
    ]


def peer_funnel(ind_id: str, test: PeerTest, sub: Observations, idx: IntArray) -> FunnelResult:
    """The funnel plot of one peer group exactly as the peer test draws it (proportions on
    the 0-1 scale); shared with the meeting pack's charts."""
    ind = BY_ID[ind_id]
    if ind.kind is DataKind.PROPORTION:
        kind = "proportion"
    else:
        kind = "ratio_shmi" if test.ratio_method == "shmi" else "ratio_cqc"
    target = None if test.target is None else test.target / ind.scale
    return funnel(
        sub.numerator[idx],
        sub.denominator[idx],
        kind=kind,  # type: ignore[arg-type]
        target=target,
        overdispersion=test.overdispersion,
    )


#: What providers of each type are called in a sentence ("19 trusts in 20").
_NOUNS = {
    "acute": "trusts",
    "mental_health": "trusts",
    "community": "trusts",
    "ambulance": "trusts",
    "gp_practice": "practices",
    "dental": "practices",
}
#: How a funnel level reads in words.
_CHANCE = {0.95: "19 {n} in 20", 0.998: "998 {n} in 1,000"}


def plain_words(
    ind_id: str,
    value: float,
    limit: float,
    typical: float,
    numbers: FunnelNumbers,
    side: int,
    period: str,
) -> str:
    """A peer finding in words a chair can read first, with the statistics after."""
    ind = BY_ID[ind_id]
    unit = unit_suffix(ind_id)
    noun = _NOUNS.get(numbers.peer_group, "providers")
    shown, limit_shown = apart(value, limit)
    group = "" if numbers.peer_group == "all" else f" {numbers.peer_group.replace('_', ' ')}"
    chance = _CHANCE.get(numbers.level, f"{numbers.level:.1%} of {{n}}").format(n=noun)
    allowing = (
        f", after allowing for the usual variation between {noun}" if numbers.adjusted else ""
    )
    words = (
        f"{ind.title}: {shown}{unit} in {period}. Among {numbers.peers}{group} peers the "
        f"typical figure is {short(typical)}{unit}, and {shown}{unit} is "
        f"{'above' if side == 1 else 'below'} the range in which {chance} would fall by "
        f"chance{allowing}"
    )
    stats = f"{numbers.level * 100:g}% funnel limit {limit_shown}{unit}; z {numbers.z:.2f}" + (
        f"; over-dispersion phi {numbers.phi:.1f}, adjusted z {numbers.z_adjusted:.2f}"
        if numbers.adjusted
        else ""
    )
    return f"{words} ({stats})"


def _group(
    ind_id: str,
    test: PeerTest,
    sub: Observations,
    idx: IntArray,
    key: str,
    as_of: int,
    judged: Collection[str],
) -> list[tuple[str, HardFinding]]:
    """The findings of the group's outliers among the providers ``judged`` in ``as_of``."""
    ind = BY_ID[ind_id]
    direction = concern_direction(ind_id, test.direction)
    chart = peer_funnel(ind_id, test, sub, idx)
    side = 1 if direction == "above" else -1
    notable = chart.outliers(test.level) == side
    strong = chart.outliers(test.strong_level) == side
    out: list[tuple[str, HardFinding]] = []
    for j in np.flatnonzero(notable | strong):
        r = idx[j]
        if str(sub.provider[r]) not in judged:
            continue
        level = test.strong_level if strong[j] else test.level
        lower, upper = chart.limits(float(chart.denominators[j]), level)
        value = float(sub.value[r])
        limit = (upper if side == 1 else lower) * ind.scale
        numbers = FunnelNumbers(
            target=round(chart.target, 9),
            phi=round(chart.phi, 6),
            tau2=round(chart.tau2, 9),
            adjusted=chart.adjusted,
            z=round(float(chart.z[j]), 6),
            z_adjusted=round(float(chart.z_adjusted[j]), 6),
            numerator=float(sub.numerator[r]),
            denominator=float(sub.denominator[r]),
            level=level,
            lower=round(lower, 9),
            upper=round(upper, 9),
            peers=len(idx),
            peer_group=key,
        )
        detail = plain_words(
            ind_id, value, limit, chart.target * ind.scale, numbers, side, month_text(as_of)
        )
        month = MonthValue(
            period=month_text(as_of),
            value=round(value, 6),
            numerator=numbers.numerator,
            denominator=numbers.denominator,
            breached=True,
        )
        out.append(
            (
                str(sub.provider[r]),
                indicator_finding(
                    ind_id,
                    test=HardTest.PEER,
                    strength=Strength.STRONG if strong[j] else Strength.NOTABLE,
                    period=month_text(as_of),
                    value=round(value, 6),
                    limit=round(limit, 6),
                    direction=direction,
                    months=(month,),
                    detail=detail,
                    funnel=numbers,
                ),
            )
        )
    return out
