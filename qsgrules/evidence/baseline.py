"""Where a trend test's baseline hides a concern, said rather than read as reassurance.

A trend test judges a provider's last months against limits drawn from the months before
them. When one of those baseline months is itself a special cause (beyond the limits the
other baseline months give), it widens the limits, and a later month that would be a
signal is not. Making Data Count advises investigating such a baseline. For every chart
whose test did not fire, each baseline month is left out in turn: where that month is
beyond the limits computed without it *and* the chart drawn without it finds a special
cause of concern in the judged months, the baseline hid a signal, and the note names the
month. (With ``baseline: whole_series`` the judged months are in the baseline too: a
judged month beyond the limits computed without it is a signal its own inclusion hid.)

A chart with months to judge but fewer baseline months than the test's ``min_points`` is
not judged at all; that is said too (``too_short``), never left as silence.

Cheap first: the limits without each month come from the baseline alone (one vectorised
pass over every provider and month); only the months beyond them are charted again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from typing import NamedTuple

import numpy as np

from ..indicators import BY_ID
from ..model.evidence import BaselineNote
from ..model.months import month_text
from ..model.numbers import short
from ..model.observations import BoolArray, FloatArray, IntArray
from ..model.rebase import RebaseMonths
from ..model.vocabulary import Direction, Strength
from ..ruleset.schema import Ruleset, TrendTest
from ..stats.spc import (
    POINT_TYPES,
    SPECIAL_CAUSES,
    Improvement,
    XmrBatchResult,
    baseline_limits,
    xmr_batch,
)
from ..workspace.loader import Observations
from .hard import concern_direction, unit_suffix
from .trend import _SIGNAL_OF, _WORDS, SeriesGroup, series_groups, trend_history

__all__ = ["baseline_notes", "chart_notes", "group_notes"]

_CONCERN = POINT_TYPES.index("special_cause_concern")
_CHUNK = 2048  # charts whose leave-one-out baselines are computed at once (memory bound)


def baseline_notes(
    obs: Observations,
    spec: Ruleset,
    as_of: int,
    rebases: RebaseMonths | None = None,
    fired: Mapping[tuple[str, str], Strength] | None = None,
) -> dict[str, list[BaselineNote]]:
    """Every provider's charts whose trend test did not judge, or did not fire (or fired
    only notably) because of its baseline; ``fired`` holds the strength of each (provider,
    indicator) pair whose test fired (a strong one is not examined: nothing was hidden)."""
    fired = fired or {}
    found: dict[str, list[BaselineNote]] = defaultdict(list)
    for ind_id, settings in sorted(spec.indicators.items()):
        test = settings.trend
        if test is None:
            continue
        sub = trend_history(obs, ind_id, as_of, rebases)
        if not len(sub):
            continue
        for group in series_groups(sub, test, untested=True):
            was = [fired.get((name, ind_id)) for name in group.names]
            ks = [k for k, strength in enumerate(was) if strength is not Strength.STRONG]
            notable = [k for k, strength in enumerate(was) if strength is Strength.NOTABLE]
            for k, note in group_notes(sub, group, ind_id, test, ks, notable).items():
                found[group.names[k]].append(note)
    return found


def chart_notes(
    sub: Observations,
    group: SeriesGroup,
    ind_id: str,
    test: TrendTest,
    chart: XmrBatchResult,
    ks: list[int],
) -> dict[int, BaselineNote]:
    """The notes of the charts ``ks`` of ``group`` (drawn as ``chart``) whose test did not
    fire strongly: what the charts say, as the triage does."""
    judged = group.judged
    if judged < 1:
        return {}
    if not group.tested:
        return group_notes(sub, group, ind_id, test, ks)
    window = chart.special_cause[:, -judged:]
    concern = chart.point_type[:, -judged:] == _CONCERN
    fired = (concern & _counted(test.signals)[window]).any(axis=1)
    strong = (concern & _counted(test.strong)[window]).any(axis=1)
    quiet = [k for k in ks if not strong[k]]
    return group_notes(sub, group, ind_id, test, quiet, [k for k in quiet if fired[k]])


def _counted(kinds: Collection[str]) -> BoolArray:
    """Whether each special cause (by code) is of one of ``kinds`` (outside_limits...)."""
    return np.array([_SIGNAL_OF.get(c) in kinds for c in SPECIAL_CAUSES])


def group_notes(
    sub: Observations,
    group: SeriesGroup,
    ind_id: str,
    test: TrendTest,
    ks: list[int],
    notable: Collection[int] = (),
) -> dict[int, BaselineNote]:
    """The notes of the charts ``ks`` (indexes into ``group``) of one shape, whose test did
    not fire, or fired only notably (``notable``: for them, only a hidden strong signal is
    said); shared with the charts, which say the same."""
    if not ks or group.judged < 1:
        return {}
    title = BY_ID[ind_id].title
    if not group.tested:
        text = (
            f"{title}: not judged by its trend test: {group.base} month(s) before the months "
            f"judged to draw limits from, fewer than the {test.min_points} it needs; no "
            "signal is not the same as no concern"
        )
        note = BaselineNote(
            indicator=ind_id,
            title=title,
            kind="too_short",
            points=group.base,
            needed=test.min_points,
            text=text,
        )
        return dict.fromkeys(ks, note)
    return _hidden(sub, group, ind_id, test, ks, notable)


def _hidden(
    sub: Observations,
    group: SeriesGroup,
    ind_id: str,
    test: TrendTest,
    ks: list[int],
    notable: Collection[int],
) -> dict[int, BaselineNote]:
    rows = group.rows[ks]
    y: FloatArray = sub.value[rows]
    m, width = y.shape
    base = group.base if group.fixed else width
    judged = group.judged
    if base - 1 < max(2, test.min_points if group.fixed else 2):
        return {}  # without one month the test could not judge: nothing to say it hid
    direction = concern_direction(ind_id, test.direction)
    sign = 1.0 if direction is Direction.ABOVE else -1.0
    # the limits of each baseline without each of its months, a few thousand charts at a
    # time (each chart gives base baselines of base - 1 months)
    keep = ~np.eye(base, dtype=np.bool_)
    limit = np.empty((m, base))
    for a in range(0, m, _CHUNK):
        part = y[a : a + _CHUNK, :base]
        n = len(part)
        without = np.broadcast_to(part[:, None, :], (n, base, base))[:, keep].reshape(n * base, -1)
        lpl, upl = baseline_limits(without, screen_outliers=test.screen_outliers)
        limit[a : a + n] = (upl if sign > 0 else lpl).reshape(n, base)
    beyond = sign * (y[:, :base] - limit) > 0
    only_strong = np.isin(np.asarray(ks), np.asarray(list(notable), dtype=np.int64))
    shape = Shape(base, judged, group.fixed)
    found = _signals_without(y, np.nonzero(beyond), shape, test, direction, only_strong)
    hits: dict[int, list[tuple[float, int, int, str]]] = defaultdict(list)
    for r, i, at, cause in found:
        hits[r].append((sign * float(y[r, i] - limit[r, i]), i, at, cause))
    out: dict[int, BaselineNote] = {}
    for r, each in hits.items():
        # one note per chart, naming the month furthest beyond its limit (the others too)
        _, i, at, cause = max(each, key=lambda h: (h[0], -h[1]))
        others = tuple(
            month_text(int(sub.period[rows[r][h[1]]]))
            for h in sorted(each, key=lambda h: h[1])
            if h[1] != i
        )
        out[ks[r]] = _note(
            sub,
            rows[r],
            ind_id,
            direction,
            (i, at),
            cause,
            limit[r, i],
            bool(only_strong[r]),
            others,
        )
    return out


class Shape(NamedTuple):
    """A group's charts: baseline points, judged points, limits fixed before the window."""

    base: int
    judged: int
    fixed: bool


def _signals_without(
    y: FloatArray,
    where: tuple[IntArray, ...],
    shape: Shape,
    test: TrendTest,
    direction: Direction,
    only_strong: BoolArray,
) -> list[tuple[int, int, int, str]]:
    """For each (chart r, baseline month i) in ``where``: the judged point (an index into
    the chart's series) and special cause found with month ``i`` left out, where there is
    one the test counts (only a strong one for the charts ``only_strong``); all charted at
    once. In (r, i) order."""
    base, judged, fixed = shape
    rs, months = where[0].astype(np.int64), where[1].astype(np.int64)
    width = y.shape[1]
    out: list[tuple[int, int, int, str]] = []
    judged_here = months >= width - judged  # whole series: a judged month, judged without it
    if judged_here.any() and "outside_limits" in test.signals:
        cause = "above_upper_limit" if direction is Direction.ABOVE else "below_lower_limit"
        out += [
            (int(r), int(i), int(i), cause)
            for r, i in zip(rs[judged_here], months[judged_here], strict=True)
            if "outside_limits" in test.strong or not only_strong[r]
        ]
    rs, months = rs[~judged_here], months[~judged_here]
    if len(rs):
        # each candidate's series without its month: the columns before it, then after it
        cols = np.arange(width - 1)[None, :]
        take = cols + (cols >= months[:, None])
        improvement: Improvement = "decrease" if direction is Direction.ABOVE else "increase"
        chart = xmr_batch(
            y[rs[:, None], take],
            screen_outliers=test.screen_outliers,
            run_length=test.run_length,
            trend_length=test.trend_length,
            improvement=improvement,
            fix_after=base - 1 if fixed else None,
        )
        window = chart.special_cause[:, -judged:]
        counted = np.where(
            only_strong[rs][:, None], _counted(test.strong)[window], _counted(test.signals)[window]
        )
        concern = (chart.point_type[:, -judged:] == _CONCERN) & counted
        for c in np.flatnonzero(concern.any(axis=1)):
            at = int(np.flatnonzero(concern[c])[-1])  # the latest point of concern
            code = int(window[c, at])
            # back to the index in the series with the month: one further on
            out.append((int(rs[c]), int(months[c]), width - judged + at, SPECIAL_CAUSES[code]))
    out.sort()
    return out


def _note(
    sub: Observations,
    rows: IntArray,
    ind_id: str,
    direction: Direction,
    where: tuple[int, int],
    cause: str,
    limit: float,
    only_strong: bool,
    others: tuple[str, ...] = (),
) -> BaselineNote:
    i, at = where
    title, unit = BY_ID[ind_id].title, unit_suffix(ind_id)
    month = month_text(int(sub.period[rows[i]]))
    value = float(sub.value[rows[i]])
    period = month_text(int(sub.period[rows[at]]))
    side = "upper" if direction is Direction.ABOVE else "lower"
    beyond = (
        f"{short(value)}{unit} in {month} is beyond the {side} limit the other months give "
        f"({short(limit)}{unit})"
    )
    strong = " (a strong signal)" if only_strong else ""
    if at == i:  # a judged month in a whole-series baseline widened its own limits
        said = f"{beyond}, but is in the baseline its limits come from{strong}"
    else:
        said = (
            f"its baseline holds {month}: {beyond}; without it, {period} would be "
            f"{_WORDS[cause]}{strong}"
        )
    did = "found only a notable signal" if only_strong else "did not fire"
    also = f" ({', '.join(others)} also did so alone)" if others else ""
    text = (
        f"{title}: the trend test {did} because {said}{also}. Investigate {month} (Making "
        "Data Count): limits widened by a special cause are no reassurance"
    )
    return BaselineNote(
        indicator=ind_id,
        title=title,
        kind="hides_signal",
        month=month,
        value=round(value, 6),
        limit=round(limit, 6),
        period=period,
        special_cause=cause,
        text=text,
    )
