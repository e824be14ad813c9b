"""Trend findings: special causes of concern on a provider's own XmR chart.

The rows present are treated as consecutive, as the reference tools do: a missing month is
not invented, and the chart says which month it starts from. Series are grouped by length
and charted in one vectorised call per length (``xmr_batch``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from ..indicators import BY_ID
from ..model.evidence import HardFinding, SpcNumbers, SpcSignal
from ..model.months import month_text
from ..model.numbers import apart, short
from ..model.observations import BoolArray, IntArray
from ..model.rebase import RebaseMonths
from ..model.vocabulary import Direction, HardTest, Strength
from ..ruleset.schema import Ruleset, Signal, TrendTest
from ..stats.spc import POINT_TYPES, SPECIAL_CAUSES, XmrBatchResult, xmr_batch
from ..workspace.loader import Observations
from .hard import (
    concern_direction,
    indicator_finding,
    month_value,
    possible_limits,
    unit_suffix,
)
from .rebase import before_rebase
from .window import consecutive, grouped, months_said

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


@dataclass(frozen=True)
class SeriesGroup:
    """Providers whose charts have the same shape: ``base`` baseline points, then ``judged``.

    ``rows[k]`` indexes, in time order, the observations of provider ``names[k]`` that its
    chart uses; the limits come from the first ``base`` of them (all of them when the test's
    baseline is the whole series, ``fixed`` False).
    """

    names: list[str]
    rows: IntArray
    base: int
    judged: int
    fixed: bool
    tested: bool = True  # False: drawn for reading only (too short a baseline, or no window)


def trend_history(
    obs: Observations, ind_id: str, as_of: int, rebases: RebaseMonths | None = None
) -> Observations:
    """The rows a trend test charts: every month of one indicator up to ``as_of``, each
    provider's from the start of its current process (its latest rebase, when the QSG
    recorded one: limits and runs never cross it)."""
    mask = obs.indicator_mask(ind_id) & (obs.period <= as_of)
    if rebases:
        mask &= ~before_rebase(obs, ind_id, as_of, rebases)
    return obs.select(mask)


def reading_test(spec: Ruleset, indicator: str) -> tuple[TrendTest, bool]:
    """The trend test an indicator's chart is drawn with, and whether the ruleset has one
    (without one: the defaults, judging the standard's window)."""
    settings = spec.indicators.get(indicator)
    test = settings.trend if settings is not None else None
    if test is not None:
        return test, True
    standard = settings.standard if settings is not None else None
    return TrendTest(months=standard.months if standard is not None else 1), False


def trend_charts(
    sub: Observations, group: SeriesGroup, ind_id: str, test: TrendTest
) -> XmrBatchResult:
    """The XmR charts of one group of series exactly as the trend test draws them; shared
    with the meeting pack's charts."""
    direction = concern_direction(ind_id, test.direction)
    return xmr_batch(
        sub.value[group.rows],
        screen_outliers=test.screen_outliers,
        run_length=test.run_length,
        trend_length=test.trend_length,
        improvement="decrease" if direction == "above" else "increase",
        fix_after=group.base if group.fixed else None,
    )


def series_groups(
    sub: Observations, test: TrendTest, *, untested: bool = False
) -> list[SeriesGroup]:
    """Each provider's chart for a trend test, grouped by shape.

    The judged window is the provider's last ``months`` months with data (``sub`` holds the
    rows up to the triage's date): a month with no row is not a point of the chart, so it
    neither makes nor unmakes a signal, and a later date with no new rows judges the same
    points. By default (``baseline: before_window``) the limits come from up to
    ``baseline_months`` points before that window, fixed and extended over it, as Making
    Data Count advises: a worse judged month cannot widen the limits it is judged against.
    ``whole_series`` takes the limits from every point, window included. A chart whose
    baseline has fewer than ``min_points`` points is not tested; with ``untested`` it is
    returned all the same (marked), for reading, when it has at least two points.
    """
    names, _, order, bounds = grouped(sub)
    lengths = np.diff(bounds)
    judged = np.minimum(lengths, test.months)
    before = lengths - judged
    fixed = test.baseline == "before_window"
    base = np.minimum(before, test.baseline_months) if fixed else lengths
    start = bounds[:-1] + (before - base if fixed else 0)
    out: list[SeriesGroup] = []
    shapes = sorted({(int(b), int(j)) for b, j in zip(base, judged, strict=True)})
    for b, j in shapes:
        tested = j > 0 and b >= test.min_points
        width = b + j if fixed else b
        if not tested and not (untested and width >= 2 and b >= 1):
            continue
        which = np.flatnonzero((base == b) & (judged == j))
        rows = order[start[which][:, None] + np.arange(width)]
        out.append(SeriesGroup([str(names[k]) for k in which], rows, b, j, fixed, tested))
    return out


def trend_breaches(
    obs: Observations, spec: Ruleset, as_of: int, rebases: RebaseMonths | None = None
) -> dict[str, list[HardFinding]]:
    """Every provider's special causes of concern in the judged window of its XmR chart: its
    last ``months`` months with data up to ``as_of`` (of its current process, when the QSG
    recorded a rebase)."""
    found: dict[str, list[HardFinding]] = defaultdict(list)
    for ind_id, settings in sorted(spec.indicators.items()):
        test = settings.trend
        if test is None:
            continue
        direction = concern_direction(ind_id, test.direction)
        sub = trend_history(obs, ind_id, as_of, rebases)
        if not len(sub):
            continue
        for group in series_groups(sub, test):
            chart = trend_charts(sub, group, ind_id, test)
            in_window = np.zeros(group.rows.shape, dtype=np.bool_)
            in_window[:, group.rows.shape[1] - group.judged :] = True
            concern = (chart.point_type == _CONCERN) & in_window
            for k in np.flatnonzero(concern.any(axis=1)):
                finding = _finding(ind_id, test, direction, sub, group, chart, int(k), concern[k])
                if finding is not None:
                    found[group.names[k]].append(finding)
    return found


def _compared(cause: str, numbers: SpcNumbers) -> float | None:
    """The number a special cause compares its point with (None for a trend)."""
    return {
        "above_upper_limit": numbers.upl,
        "below_lower_limit": numbers.lpl,
        "two_in_three_above": numbers.near_upl,
        "two_in_three_below": numbers.near_lpl,
        "run_above": numbers.mean,
        "run_below": numbers.mean,
    }.get(cause)


def _finding(
    ind_id: str,
    test: TrendTest,
    direction: Direction,
    sub: Observations,
    group: SeriesGroup,
    chart: XmrBatchResult,
    k: int,
    concern: BoolArray,
) -> HardFinding | None:
    rows = group.rows[k]
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
    window = list(range(len(rows) - group.judged, len(rows)))
    months = tuple(month_value(sub, rows[i], i in flagged) for i in window)
    base = group.base if group.fixed else len(rows)
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
        baseline_points=base,
        baseline_from=month_text(int(sub.period[rows[0]])),
        baseline_to=month_text(int(sub.period[rows[base - 1]])),
    )
    strong_signals = [s for s in signals if _SIGNAL_OF[s.special_cause] in test.strong]
    last = (strong_signals or list(signals))[-1]
    unit = unit_suffix(ind_id)
    limit = numbers.upl if direction == "above" else numbers.lpl
    ind = BY_ID[ind_id]
    against = _compared(last.special_cause, numbers)
    if against is None:
        said = f"{short(last.value)}{unit} in {last.period} is {_WORDS[last.special_cause]}"
    else:
        value_text, against_text = apart(last.value, against)
        said = (
            f"{value_text}{unit} in {last.period} is {_WORDS[last.special_cause]} "
            f"{against_text}{unit}"
        )
    shown_lpl, shown_upl, beyond = possible_limits(ind_id, numbers.lpl, numbers.upl)
    lpl, upl = apart(shown_lpl, shown_upl)
    if group.fixed:
        chart_text = (
            f"limits from the {base} months {numbers.baseline_from} to {numbers.baseline_to}, "
            f"fixed over the months judged: mean {short(numbers.mean)}{unit}, process limits "
            f"{lpl} to {upl}"
        )
    else:
        chart_text = (
            f"XmR over {numbers.points} months from {numbers.first_period}: mean "
            f"{short(numbers.mean)}{unit}, limits {lpl} to {upl}"
        )
    if beyond:
        chart_text += f"; {beyond}"
    judged = sub.period[rows[len(rows) - group.judged :]]
    periods = [month_text(int(t)) for t in judged]
    if consecutive(judged):
        where = f"the {len(periods)} months to {periods[-1]}"
    else:  # months without data in between: the window reaches back over them, and says so
        where = f"the last {len(periods)} months with data ({months_said(periods)})"
    detail = f"{ind.title}: {said} ({chart_text}); {len(signals)} point(s) of concern in {where}"
    return indicator_finding(
        ind_id,
        test=HardTest.TREND,
        strength=Strength.STRONG if strong else Strength.NOTABLE,
        period=last.period,
        value=last.value,
        limit=limit,
        strong_limit=None,
        direction=direction,
        months=months,
        detail=detail,
        spc=numbers,
    )
