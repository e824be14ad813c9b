"""Peer findings: funnel-plot outliers of one month's cross-section, over-dispersion allowed."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from ..indicators import BY_ID, DataKind
from ..model.evidence import FunnelNumbers, HardFinding, MonthValue
from ..model.months import month_text
from ..model.numbers import short
from ..ruleset.schema import PeerTest, Ruleset
from ..stats.funnel import FunnelResult, funnel
from ..workspace.loader import Observations, Provider
from .hard import concern_direction, indicator_finding, unit_suffix

PEER_KINDS = (DataKind.PROPORTION, DataKind.RATIO)


def peer_breaches(
    obs: Observations, spec: Ruleset, as_of: int, providers: dict[str, Provider]
) -> dict[str, list[HardFinding]]:
    """Providers outside their peers' funnel limits, on the side of concern, in ``as_of``.

    Only rows with a numerator and a denominator take part; a peer group smaller than
    ``min_peers`` is not tested.
    """
    found: dict[str, list[HardFinding]] = defaultdict(list)
    for ind_id, settings in sorted(spec.indicators.items()):
        test = settings.peer
        if test is None:
            continue
        for key, sub, idx in peer_groups(obs, ind_id, test, as_of, providers):
            for code, finding in _group(ind_id, test, sub, idx, key, as_of):
                found[code].append(finding)
    return found


def peer_groups(
    obs: Observations, ind_id: str, test: PeerTest, as_of: int, providers: dict[str, Provider]
) -> list[tuple[str, Observations, np.ndarray]]:
    """The peer groups a peer test compares in ``as_of``: (group name, rows of the as-of
    month with counts, indices of the group's rows in provider order), groups too small to
    test left out."""
    mask = (
        obs.indicator_mask(ind_id)
        & (obs.period == as_of)
        & ~np.isnan(obs.numerator)
        & ~np.isnan(obs.denominator)
    )
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


def peer_funnel(ind_id: str, test: PeerTest, sub: Observations, idx: np.ndarray) -> FunnelResult:
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


def _group(
    ind_id: str,
    test: PeerTest,
    sub: Observations,
    idx: np.ndarray[Any, np.dtype[np.int64]],
    key: str,
    as_of: int,
) -> list[tuple[str, HardFinding]]:
    ind = BY_ID[ind_id]
    direction = concern_direction(ind_id, test.direction)
    chart = peer_funnel(ind_id, test, sub, idx)
    side = 1 if direction == "above" else -1
    notable = chart.outliers(test.level) == side
    strong = chart.outliers(test.strong_level) == side
    out: list[tuple[str, HardFinding]] = []
    for j in np.flatnonzero(notable | strong):
        level = test.strong_level if strong[j] else test.level
        lower, upper = chart.limits(float(chart.denominators[j]), level)
        r = idx[j]
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
        unit = unit_suffix(ind_id)
        detail = (
            f"{ind.title}: {short(value)}{unit} in {month_text(as_of)} is "
            f"{'above' if side == 1 else 'below'} the {level * 100:g}% funnel limit "
            f"{short(limit)}{unit} of {len(idx)} {key} peers "
            f"(target {short(chart.target * ind.scale)}{unit}, z {numbers.z:.2f}"
            + (
                f", adjusted for over-dispersion: phi {numbers.phi:.1f}, "
                f"z {numbers.z_adjusted:.2f})"
                if chart.adjusted
                else ")"
            )
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
                    test="peer",
                    strength="strong" if strong[j] else "notable",
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
