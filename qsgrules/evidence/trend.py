"""Trend findings: special causes of concern on a provider's own XmR chart.

The rows present are treated as consecutive, as the reference tools do: a missing month is
not invented, and the chart says which month it starts from. Series are grouped by length
and charted in one vectorised call per length (``xmr_batch``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from ..indicators import BY_ID
from ..model.evidence import HardFinding, SpcNumbers, SpcSignal
from ..ruleset.schema import Ruleset, Signal, TrendTest
from ..stats.spc import POINT_TYPES, SPECIAL_CAUSES, XmrBatchResult, xmr_batch
from ..workspace.loader import Observations, month_text
from .hard import concern_direction, fmt, grouped, indicator_finding, month_value, unit_suffix

_SIGNAL_OF: dict[str, Signal] = {
    "above_upper_limit": "outside_limits",
    "below_lower_limit": "outside_limits",
    "trend_increasing": "trend",
    "trend_decreasing": "trend",
    "two_in_three_above": "two_in_three",
    "two_in_three_below": "two_in_three",
    "run_above": "run",
    "run_below": "run",
}
_CONCERN = POINT_TYPES.index("special_cause_concern")
_WORDS = {
    "above_upper_limit": "above the upper process limit",
    "below_lower_limit": "below the lower process limit",
    "trend_increasing": "part of an increasing trend",
    "trend_decreasing": "part of a decreasing trend",
    "two_in_three_above": "two of three beyond the upper near limit",
    "two_in_three_below": "two of three beyond the lower near limit",
    "run_above": "part of a run above the mean",
    "run_below": "part of a run below the mean",
}


def trend_history(obs: Observations, ind_id: str, as_of: int) -> Observations:
    """The rows a trend test charts: every month of one indicator up to ``as_of``."""
    return obs.select(obs.indicator_mask(ind_id) & (obs.period <= as_of))


def trend_charts(
    sub: Observations, rows: Any, ind_id: str, test: TrendTest, as_of: int
) -> XmrBatchResult:
    """The XmR charts of equal-length series (``rows`` of ``sub``, shape (n, T), each in
    period order) exactly as the trend test draws them; shared with the meeting pack's charts.
    """
    direction = concern_direction(ind_id, test.direction)
    return xmr_batch(
        sub.value[rows],
        screen_outliers=test.screen_outliers,
        run_length=test.run_length,
        trend_length=test.trend_length,
        improvement="decrease" if direction == "above" else "increase",
    )


def judged_window(test: TrendTest, as_of: int) -> tuple[int, int]:
    """The first and last month the trend test judges: the last ``months`` to as-of."""
    return as_of - test.months + 1, as_of


def judged(periods: Any, test: TrendTest, as_of: int) -> Any:
    """Which of ``periods`` fall in the judged window."""
    first, last = judged_window(test, as_of)
    return (periods >= first) & (periods <= last)


def trend_breaches(obs: Observations, spec: Ruleset, as_of: int) -> dict[str, list[HardFinding]]:
    found: dict[str, list[HardFinding]] = defaultdict(list)
    for ind_id, settings in sorted(spec.indicators.items()):
        test = settings.trend
        if test is None:
            continue
        direction = concern_direction(ind_id, test.direction)
        sub = trend_history(obs, ind_id, as_of)
        if not len(sub):
            continue
        names, _, order, bounds = grouped(sub)
        lengths = np.diff(bounds)
        for length in np.unique(lengths):
            if length < test.min_points:
                continue
            which = np.flatnonzero(lengths == length)
            rows = np.stack([order[bounds[i] : bounds[i + 1]] for i in which])
            chart = trend_charts(sub, rows, ind_id, test, as_of)
            concern = (chart.point_type == _CONCERN) & judged(sub.period[rows], test, as_of)
            for k in np.flatnonzero(concern.any(axis=1)):
                finding = _finding(ind_id, test, direction, sub, rows[k], chart, int(k), concern[k])
                if finding is not None:
                    found[str(names[which[k]])].append(finding)
    return found


def _finding(
    ind_id: str,
    test: TrendTest,
    direction: str,
    sub: Observations,
    rows: Any,
    chart: Any,
    k: int,
    concern: Any,
) -> HardFinding | None:
    causes = [SPECIAL_CAUSES[c] for c in chart.special_cause[k]]
    flagged = [i for i in np.flatnonzero(concern) if _SIGNAL_OF.get(causes[i]) in test.signals]
    if not flagged:
        return None
    strong = any(_SIGNAL_OF[causes[i]] in test.strong for i in flagged)
    signals = tuple(
        SpcSignal(
            period=month_text(int(sub.period[rows[i]])),
            value=round(float(sub.value[rows[i]]), 6),
            special_cause=causes[i],
        )
        for i in flagged
    )
    window = [
        i for i in range(len(rows)) if sub.period[rows[i]] > sub.period[rows[-1]] - test.months
    ]
    months = tuple(month_value(sub, rows[i], i in flagged) for i in window)
    numbers = SpcNumbers(
        mean=round(float(chart.mean[k]), 6),
        mr_bar=round(float(chart.mr_bar[k]), 6),
        lpl=round(float(chart.lpl[k]), 6),
        upl=round(float(chart.upl[k]), 6),
        near_lpl=round(float(chart.near_lpl[k]), 6),
        near_upl=round(float(chart.near_upl[k]), 6),
        points=len(rows),
        first_period=month_text(int(sub.period[rows[0]])),
        trial_limits=bool(chart.trial_limits),
        screened=test.screen_outliers,
        signals=signals,
    )
    strong_signals = [s for s in signals if _SIGNAL_OF[s.special_cause] in test.strong]
    last = (strong_signals or list(signals))[-1]
    unit = unit_suffix(ind_id)
    limit = numbers.upl if direction == "above" else numbers.lpl
    ind = BY_ID[ind_id]
    detail = (
        f"{ind.title}: {fmt(last.value)}{unit} in {last.period} is {_WORDS[last.special_cause]} "
        f"(XmR over {numbers.points} months from {numbers.first_period}: mean "
        f"{fmt(numbers.mean)}{unit}, limits {fmt(numbers.lpl)} to {fmt(numbers.upl)}); "
        f"{len(signals)} point(s) of concern in the last {test.months} months"
    )
    return indicator_finding(
        ind_id,
        test="trend",
        strength="strong" if strong else "notable",
        period=last.period,
        value=last.value,
        limit=limit,
        strong_limit=None,
        direction=direction,
        months=months,
        detail=detail,
        spc=numbers,
    )
