"""Each provider's CUSUM of an indicator: has its rate run above (or below) what is expected,
and stayed there? (docs/methods.md section 7)

The CUSUM runs over a provider's last ``horizon_months`` months with data up to the as-of
month (months without a row are not invented, as in the XmR charts). With counts, it is the
log-likelihood CUSUM of observed against expected events (Poisson for ratios and rates,
binomial for proportions); without them, the standardised CUSUM of the values against the
mean and sigma of its first ``baseline_months`` months. Thresholds are the ruleset's ``h``
or set by simulation at the provider's own volume (``qsgrules.stats.cusum``). Providers are
computed together, one vectorised pass per series length; ``cusum_findings`` turns alerts
into findings and charts.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..indicators import BY_ID, DataKind
from ..model.observations import BoolArray, FloatArray, IntArray, TextArray
from ..model.rebase import RebaseMonths
from ..ruleset.schema import CusumTest
from ..stats.cusum import (
    Side,
    Threshold,
    binomial_threshold,
    binomial_weights,
    cusum_batch,
    normal_threshold,
    normal_weights,
    poisson_threshold,
    poisson_weights,
)
from ..stats.spc import xmr_batch
from ..workspace.loader import Observations, Provider
from .hard import concern_direction, grouped, unit_suffix
from .rebase import before_rebase

__all__ = ["CusumRun", "Method", "alerting_stretch", "cusum_runs", "round_volume"]

Method = Literal["poisson", "binomial", "normal"]
# sigma of an individual value from the mean moving range (the XmR charts' 2.66 is 3 / d2)
_D2 = 1.128
_COUNTED = (DataKind.PROPORTION, DataKind.RATIO, DataKind.RATE)
#: Significant figures of the volume a threshold is simulated for: providers within a few
#: per cent of each other's volume share one simulation.
VOLUME_FIGURES = 2


def round_volume(x: float, figures: int = VOLUME_FIGURES) -> float:
    """``x`` to ``figures`` significant figures (0 and non-finite values as they are)."""
    if x <= 0 or not math.isfinite(x):
        return float(x)
    return float(round(x, figures - 1 - math.floor(math.log10(x))))


@dataclass(frozen=True, eq=False)
class CusumRun:
    """One provider's CUSUM of one indicator, as the test computed it.

    ``rows`` index the test's rows (``cusum_runs``' first result) in time order. ``level``
    is the in-control value each month in the indicator's units (the expected rate, the
    target, or the baseline mean); ``expected`` the expected events a month (counts) or the
    baseline mean (normal). ``threshold`` is None when the ruleset gives ``h``.
    """

    provider: str
    rows: IntArray
    method: Method
    side: Side
    observed: FloatArray  # events a month (counts) or the values (normal)
    expected: FloatArray
    level: FloatArray
    statistic: FloatArray
    alerts: BoolArray
    h: float
    threshold: Threshold | None
    volume: float | None  # counts: the expected events a month the threshold was set for
    basis: str  # where the expected level comes from, in words
    reset: bool
    mean: float | None = None  # normal: the baseline's mean and sigma
    sigma: float | None = None
    baseline_points: int = 0


def alerting_stretch(run: CusumRun, last: int) -> int:
    """The first month (index) of the sustained rise that ends in the alert at ``last``: back
    to where the CUSUM last stood at zero. An alert it restarted after does not end the rise
    (its statistic is the value it reached, above zero)."""
    start = last
    while start > 0 and run.statistic[start - 1] > 0:
        start -= 1
    return start


def cusum_runs(
    obs: Observations,
    ind_id: str,
    test: CusumTest,
    as_of: int,
    providers: dict[str, Provider],
    *,
    wanted: Collection[str] | None = None,
    alerting_only: bool = False,
    rebases: RebaseMonths | None = None,
) -> tuple[Observations, list[CusumRun]]:
    """Every provider's CUSUM of ``ind_id`` as of a month (or only the ``wanted`` ones;
    peers are still everyone), providers it cannot test left out, and the rows they index.
    With ``alerting_only``, only the runs that alerted (a sum that never rose above zero
    cannot alert whatever its threshold, and its threshold is not simulated). A provider
    with a recorded rebase is summed from its month on (its earlier rows still count for
    its peers' pooled rate, which leaves it out anyway)."""
    sub = obs.select(obs.indicator_mask(ind_id) & (obs.period <= as_of))
    if not len(sub):
        return sub, []
    ind = BY_ID[ind_id]
    side: Side = "upper" if concern_direction(ind_id, test.direction) == "above" else "lower"
    names, inverse, order, bounds = grouped(sub)
    counted = ~np.isnan(sub.numerator) & ~np.isnan(sub.denominator) & (sub.denominator > 0)
    if ind.kind is DataKind.PROPORTION:
        counted &= sub.numerator <= sub.denominator
    by_counts = test.method != "normal" and ind.kind in _COUNTED
    peer_rate = None
    if by_counts and test.target is None and ind.kind is not DataKind.RATIO:
        peer_rate = _peer_rates(sub, counted, names, inverse, providers, test)
    earlier = np.zeros(names.size, dtype=np.int64)
    if rebases:
        old = before_rebase(sub, ind_id, as_of, rebases)
        earlier = np.bincount(inverse[old], minlength=names.size).astype(np.int64)
    lengths = np.minimum(np.diff(bounds) - earlier, test.horizon_months)
    keep = lengths >= test.min_points
    if wanted is not None:
        keep &= np.isin(names, np.array(sorted(wanted), dtype=np.str_))
    runs: list[CusumRun] = []
    for length in sorted(set(lengths[keep].tolist())):
        which = np.flatnonzero(keep & (lengths == length))
        rows = order[bounds[which + 1][:, None] - length + np.arange(length)]
        counts = np.zeros(which.size, dtype=np.bool_)
        if by_counts:
            counts = counted[rows].all(axis=1)
            if peer_rate is not None:
                counts &= ~np.isnan(peer_rate[rows]).any(axis=1)
        if counts.any():
            runs += _counts_runs(
                sub,
                names[which[counts]],
                rows[counts],
                ind_id,
                test,
                side,
                peer_rate,
                alerting_only,
            )
        if test.method != "counts" and not counts.all():
            runs += _normal_runs(sub, names[which[~counts]], rows[~counts], test, side)
    if alerting_only:
        runs = [r for r in runs if r.alerts.any()]
    return sub, sorted(runs, key=lambda r: r.provider)


def _peer_rates(
    sub: Observations,
    counted: BoolArray,
    names: TextArray,
    inverse: IntArray,
    providers: dict[str, Provider],
    test: CusumTest,
) -> FloatArray:
    """Each row's expected rate: the pooled rate of the provider's peers (its type, or all)
    that month with the provider itself left out, so that its own events never move what it
    is judged against; NaN where fewer than ``min_peers`` peers have counts that month."""
    if test.peers == "provider_type":
        kinds = [str(providers[str(n)].type) for n in names.tolist()]
        index = {k: i for i, k in enumerate(sorted(set(kinds)))}
        group = np.array([index[k] for k in kinds], dtype=np.int64)
    else:
        group = np.zeros(names.size, dtype=np.int64)
    first = int(np.min(sub.period))
    span = int(np.max(sub.period)) - first + 1
    cell = group[inverse] * span + (sub.period - first)
    size = (int(np.max(group)) + 1) * span
    num = np.where(counted, sub.numerator, 0.0)
    den = np.where(counted, sub.denominator, 0.0)
    ones = counted.astype(np.float64)
    others_num = np.bincount(cell, weights=num, minlength=size)[cell] - num
    others_den = np.bincount(cell, weights=den, minlength=size)[cell] - den
    others = np.bincount(cell, weights=ones, minlength=size)[cell] - ones
    usable = counted & (others >= test.min_peers) & (others_den > 0)
    rate = np.full(len(sub), np.nan)
    np.divide(np.maximum(others_num, 0.0), others_den, out=rate, where=usable)
    return rate


def _peaks(weights: FloatArray) -> FloatArray:
    """The largest value each row's CUSUM reaches, without resets."""
    s = np.zeros(weights.shape[0])
    peak = np.zeros(weights.shape[0])
    for t in range(weights.shape[1]):
        s = np.maximum(0.0, s + weights[:, t])
        np.maximum(peak, s, out=peak)
    return peak


def _counts_runs(
    sub: Observations,
    names: TextArray,
    rows: IntArray,
    ind_id: str,
    test: CusumTest,
    side: Side,
    peer_rate: FloatArray | None,
    alerting_only: bool,
) -> list[CusumRun]:
    ind = BY_ID[ind_id]
    observed = sub.numerator[rows]
    trials = sub.denominator[rows]
    if test.target is not None:
        rate = np.full(rows.shape, test.target / ind.scale)
        basis = f"at the target of {test.target:g}{unit_suffix(ind_id)}"
    elif peer_rate is None:  # a ratio (observed / expected): the denominator is the expectation
        rate = np.ones(rows.shape)
        basis = "as the data give it"
    else:
        rate = peer_rate[rows]
        basis = "at the pooled rate of its peers each month"
    expected = trials * rate
    r = test.relative_risk
    binomial = ind.kind is DataKind.PROPORTION
    method: Method = "binomial" if binomial else "poisson"
    if binomial:
        weights = binomial_weights(observed, trials, np.clip(rate, 1e-12, 1 - 1e-12), r, side)
        sizes = trials.mean(axis=1).tolist()
        rates = (expected.sum(axis=1) / trials.sum(axis=1)).tolist()
    else:
        weights = poisson_weights(observed, expected, r, side)
        sizes = expected.mean(axis=1).tolist()
        rates = [1.0] * len(sizes)
    # a sum that never rises above zero alerts whatever its threshold: none is simulated
    testable = _peaks(weights) > 0 if alerting_only else np.ones(len(sizes), dtype=np.bool_)
    thresholds: list[Threshold | None] = []
    volumes: list[float] = []
    for k, (size, mean_rate) in enumerate(zip(sizes, rates, strict=True)):
        n, p = max(1, int(round_volume(size))), round_volume(mean_rate)
        volume = n * p if binomial else round_volume(size)
        volumes.append(volume)
        if not (0 < p < 1 if binomial else volume > 0):
            testable[k] = False  # nothing expected of it: nothing to test
        if test.h is not None or not testable[k]:
            thresholds.append(None)
        elif binomial:
            thresholds.append(
                binomial_threshold(n, p, r, test.false_alarm, test.horizon_months, side)
            )
        else:
            thresholds.append(
                poisson_threshold(volume, r, test.false_alarm, test.horizon_months, side)
            )
    return _paths(
        test,
        names,
        rows,
        weights,
        testable,
        thresholds,
        side,
        method,
        observed,
        expected,
        rate * ind.scale,
        volumes,
        basis,
    )


def _paths(
    test: CusumTest,
    names: TextArray,
    rows: IntArray,
    weights: FloatArray,
    testable: BoolArray,
    thresholds: list[Threshold | None],
    side: Side,
    method: Method,
    observed: FloatArray,
    expected: FloatArray,
    level: FloatArray,
    volumes: list[float] | None,
    basis: str,
    means: FloatArray | None = None,
    sigmas: FloatArray | None = None,
) -> list[CusumRun]:
    """The runs of the ``testable`` providers of a group: their sums and alerts, in one pass
    for all of them, against the ruleset's ``h`` or each one's simulated threshold."""
    if not testable.any():
        return []
    h = np.array(
        [test.h if test.h is not None else (t.h if t is not None else 1.0) for t in thresholds]
    )
    statistic, alerts = cusum_batch(weights[testable], h[testable], reset=test.reset)
    out = []
    for j, k in enumerate(np.flatnonzero(testable).tolist()):
        out.append(
            CusumRun(
                provider=str(names[k]),
                rows=rows[k],
                method=method,
                side=side,
                observed=observed[k],
                expected=expected[k],
                level=level[k],
                statistic=statistic[j],
                alerts=alerts[j],
                h=float(h[k]),
                threshold=thresholds[k],
                volume=None if volumes is None else volumes[k],
                basis=basis,
                reset=test.reset,
                mean=None if means is None else float(means[k]),
                sigma=None if sigmas is None else float(sigmas[k]),
                baseline_points=0 if means is None else test.baseline_months,
            )
        )
    return out


def _normal_runs(
    sub: Observations, names: TextArray, rows: IntArray, test: CusumTest, side: Side
) -> list[CusumRun]:
    base = test.baseline_months
    if rows.shape[1] < base + test.months:
        return []  # the months judged must come after the baseline, never inside it
    values = sub.value[rows]
    chart = xmr_batch(values, fix_after=base)
    sigma = chart.mr_bar / _D2
    flat = ~(sigma > 0)  # no spread to standardise by: not tested
    z = np.zeros_like(values)
    np.divide(values - chart.mean[:, None], sigma[:, None], out=z, where=~flat[:, None])
    threshold = (
        None
        if test.h is not None
        else normal_threshold(test.k, test.false_alarm, test.horizon_months)
    )
    mean_rows = np.repeat(chart.mean[:, None], values.shape[1], axis=1)
    return _paths(
        test,
        names,
        rows,
        normal_weights(z, test.k, side),
        ~flat,
        [threshold] * len(names),
        side,
        "normal",
        values,
        mean_rows,
        mean_rows,
        None,
        f"at its own mean over its first {base} months",
        chart.mean,
        sigma,
    )
