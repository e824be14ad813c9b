"""XmR (individuals) charts in the NHS "Making Data Count" style.

Reproduces NHSRplotthedots (NHS-R Community): process limits mean +/- 2.66 x MRbar,
near limits mean +/- (2/3) x 2.66 x MRbar, optional screening of moving ranges
>= 3.267 x MRbar, and the four special-cause rules with precedence
outside limits > trend > two-in-three > run. See docs/methods.md section 1.

``xmr`` is the readable reference for one series (with fixed limits and rebasing);
``xmr_batch`` is the vectorised twin for many equal-length series. Both share the
baseline arithmetic (so their numbers agree bit for bit) but implement the rules
independently, which is what lets the test suite check one against the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Final, Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "POINT_TYPES",
    "SPECIAL_CAUSES",
    "Assurance",
    "Improvement",
    "PointType",
    "SpecialCause",
    "XmrBatchResult",
    "XmrPoint",
    "XmrResult",
    "XmrSegment",
    "assurance",
    "baseline_limits",
    "xmr",
    "xmr_batch",
]

Improvement = Literal["increase", "decrease", "neutral"]
SpecialCause = Literal[
    "common_cause",
    "above_upper_limit",
    "below_lower_limit",
    "trend_increasing",
    "trend_decreasing",
    "two_in_three_above",
    "two_in_three_below",
    "run_above",
    "run_below",
]
PointType = Literal[
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
]
Assurance = Literal["consistent_pass", "consistent_fail", "inconsistent"]

#: Code table of ``XmrBatchResult.special_cause``: the code is the index.
SPECIAL_CAUSES: Final[tuple[SpecialCause, ...]] = (
    "common_cause",  # 0
    "above_upper_limit",  # 1
    "below_lower_limit",  # 2
    "trend_increasing",  # 3
    "trend_decreasing",  # 4
    "two_in_three_above",  # 5
    "two_in_three_below",  # 6
    "run_above",  # 7
    "run_below",  # 8
)
#: Code table of ``XmrBatchResult.point_type``: the code is the index.
POINT_TYPES: Final[tuple[PointType, ...]] = (
    "common_cause",  # 0
    "special_cause_improvement",  # 1
    "special_cause_concern",  # 2
    "special_cause_neutral_high",  # 3: a special cause upwards, no improvement direction
    "special_cause_neutral_low",  # 4: a special cause downwards, no improvement direction
)

# Constants exactly as NHSRplotthedots writes them (limitclose <- 2 * (limit / 3)).
_LIMIT: Final = 2.66
_LIMIT_CLOSE: Final = 2 * (_LIMIT / 3)
_SCREEN: Final = 3.267
_MIN_BASELINE: Final = 12
_DIRECTION: Final[dict[str, int]] = {"increase": 1, "decrease": -1, "neutral": 0}
# +1 for labels that point up, -1 for labels that point down (index = special-cause code).
_LABEL_SIGN: Final = np.array([0, 1, -1, 1, -1, 1, -1, 1, -1], dtype=np.int8)

FloatArray = NDArray[np.float64]


class XmrPoint(NamedTuple):
    """One plotted value with its rule label and its improvement-oriented type."""

    value: float
    special_cause: SpecialCause
    point_type: PointType


class XmrSegment(NamedTuple):
    """Limits of one rebase segment; ``end`` is exclusive (``values[start:end]``)."""

    start: int
    end: int
    mean: float
    mr_bar: float
    lpl: float
    upl: float
    near_lpl: float
    near_upl: float


@dataclass(frozen=True)
class XmrResult:
    """An XmR chart. Mean and limits are those of the last segment."""

    mean: float
    mr_bar: float
    lpl: float
    upl: float
    near_lpl: float
    near_upl: float
    trial_limits: bool
    points: tuple[XmrPoint, ...]
    variation: PointType
    assurance: Assurance | None
    segments: tuple[XmrSegment, ...]


@dataclass(frozen=True, eq=False)
class XmrBatchResult:
    """XmR charts of many series: arrays of shape (n,) and codes of shape (n, T).

    ``special_cause`` codes index :data:`SPECIAL_CAUSES`, ``point_type`` codes index
    :data:`POINT_TYPES`. ``trial_limits`` is True when the baseline has fewer than 12 points.
    """

    mean: FloatArray
    mr_bar: FloatArray
    lpl: FloatArray
    upl: FloatArray
    near_lpl: FloatArray
    near_upl: FloatArray
    special_cause: NDArray[np.int8]
    point_type: NDArray[np.int8]
    trial_limits: bool


# --------------------------------------------------------------------------- shared arithmetic


def _sequential_sum(columns: FloatArray) -> FloatArray:
    """Sum over axis 0 strictly in order, so any number of series gives identical floats."""
    total: FloatArray = columns[0].copy()
    for row in columns[1:]:
        total += row
    return total


def _baseline_stats(base: FloatArray, screen: bool) -> tuple[FloatArray, FloatArray]:
    """Mean and MRbar of each column of ``base`` (time-major: shape (k, n), k >= 1).

    Sums run strictly in time order (see ``_sequential_sum``) so one series alone and
    the same series inside a large matrix give identical floats. A constant baseline
    gets its value as the mean exactly (a summed mean can be off by an ulp and would
    then put every point "outside" limits that have collapsed onto the mean).
    """
    k, n = base.shape
    first = base[0]
    flat = np.all(base == first, axis=0)
    mean = np.where(flat, first, _sequential_sum(base) / k)
    if k < 2:
        return mean, np.zeros(n)
    mr = np.subtract(base[1:], base[:-1])
    np.abs(mr, out=mr)  # in place: fresh large temporaries dominate the batch's run time
    mr_bar = _sequential_sum(mr) / (k - 1)
    if screen:
        # NHSRplotthedots keeps mr < 3.267 * MRbar; with MRbar == 0 nothing is an outlier
        # (R would drop every range and return NaN limits).
        keep = (mr < _SCREEN * mr_bar) | (mr_bar == 0)
        np.multiply(mr, keep, out=mr)  # dropped ranges add exactly 0.0
        mr_bar = _sequential_sum(mr) / np.count_nonzero(keep, axis=0)
    return mean, mr_bar


def _limits(
    mean: FloatArray, mr_bar: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    return (
        mean - _LIMIT * mr_bar,
        mean + _LIMIT * mr_bar,
        mean - _LIMIT_CLOSE * mr_bar,
        mean + _LIMIT_CLOSE * mr_bar,
    )


def _validate_common(run_length: int, trend_length: int, improvement: str) -> int:
    for name, length in (("run_length", run_length), ("trend_length", trend_length)):
        if isinstance(length, bool) or not isinstance(length, int | np.integer) or length < 2:
            raise ValueError(f"{name} must be an integer >= 2, got {length!r}")
    if improvement not in _DIRECTION:
        raise ValueError(
            f"improvement must be 'increase', 'decrease' or 'neutral', got {improvement!r}"
        )
    return _DIRECTION[improvement]


def _point_type_code(sign: int, direction: int) -> int:
    if sign == 0:
        return 0
    if direction == 0:
        return 3 if sign > 0 else 4
    return 1 if sign * direction > 0 else 2


# --------------------------------------------------------------------------- reference rules


def _part_of(ends: list[int], length: int) -> list[bool]:
    """ptd_part_of_seven_trend: a point belongs if a rule completes here or within length-1."""
    n = len(ends)
    return [any(ends[j] != 0 for j in range(i, min(n, i + length))) for i in range(n)]


def _run_ends(rtm: list[int], length: int) -> list[int]:
    """ptd_seven_point_one_side_mean: this point and the previous length-1 share a side."""
    return [
        int(i >= length - 1 and rtm[i] != 0 and all(rtm[i - j] == rtm[i] for j in range(length)))
        for i in range(len(rtm))
    ]


def _trend_ends(y: list[float], length: int) -> list[int]:
    """ptd_seven_point_trend: +1/-1 where the last length points strictly rise/fall."""
    ends = [0] * len(y)
    for i in range(length - 1, len(y)):
        steps = [y[i - j] - y[i - j - 1] for j in range(length - 1)]
        if all(d > 0 for d in steps):
            ends[i] = 1
        elif all(d < 0 for d in steps):
            ends[i] = -1
    return ends


def _two_in_three(close: list[bool], rtm: list[int]) -> list[bool]:
    """ptd_two_in_three: points in a window of 3 with >= 2 near-limit points, all one side.

    Only the near-limit points of such a window are flagged (ptd_part_of_two_in_three).
    """
    n = len(close)
    covered = [False] * n
    for s in range(n - 2):
        if sum(close[s : s + 3]) >= 2 and abs(sum(rtm[s : s + 3])) == 3:
            covered[s : s + 3] = [True, True, True]
    return covered


def _segment_codes(
    y: FloatArray,
    mean: float,
    lpl: float,
    upl: float,
    nlpl: float,
    nupl: float,
    run_length: int,
    trend_length: int,
) -> list[int]:
    values = [float(v) for v in y]
    rtm = [int(np.sign(v - mean)) for v in values]
    outside = [v > upl or v < lpl for v in values]
    close = [not o and (v < nlpl or v > nupl) for v, o in zip(values, outside, strict=True)]
    trend = _part_of(_trend_ends(values, trend_length), trend_length)
    two = _two_in_three(close, rtm)
    run = _part_of(_run_ends(rtm, run_length), run_length)
    n = len(values)
    codes = []
    for i in range(n):
        if outside[i]:
            codes.append(1 if rtm[i] == 1 else 2)
        elif trend[i]:
            # NHSRplotthedots: a point in two adjacent trends takes the right-hand step.
            # Deviation: a tied right-hand step (which R reads as "decreasing") falls back
            # to the left-hand step, the direction of the trend the point really ends.
            right = values[i + 1] - values[i] if i + 1 < n and trend[i + 1] else 0.0
            step = right if right != 0 else (values[i] - values[i - 1] if i > 0 else 0.0)
            codes.append(3 if step > 0 else 4)
        elif two[i] and close[i]:
            codes.append(5 if rtm[i] > 0 else 6)
        elif run[i]:
            codes.append(7 if rtm[i] > 0 else 8)
        else:
            codes.append(0)
    return codes


def xmr(
    values: ArrayLike,
    *,
    screen_outliers: bool = True,
    fix_after: int | None = None,
    run_length: int = 7,
    trend_length: int = 7,
    improvement: Improvement = "neutral",
    target: float | None = None,
    rebase_at: Sequence[int] | None = None,
) -> XmrResult:
    """XmR chart of one series, as NHSRplotthedots draws it.

    ``values`` must be finite (NaN raises: drop missing months first) and non-empty.
    ``fix_after=k`` takes the mean and MRbar from the first k points of each segment.
    ``rebase_at`` lists indices where a new segment starts; each segment has its own
    limits and rules (moving ranges and runs never cross a rebase) and the result's
    mean/limits/trial_limits are those of the last segment.

    Degenerate cases: a single point has MRbar 0. When MRbar is 0 (a flat baseline)
    the limits collapse onto the mean, taken exactly as the repeated value; points equal
    to it sit on the mean, so they are common cause and break runs. Only a point that
    differs from a flat fixed baseline is then flagged (outside the limits).

    Point types follow the label's direction (above/increasing vs below/decreasing)
    and ``improvement``. ``assurance`` compares ``target`` with the last segment's
    limits; it is None without a target or for a neutral direction.
    """
    y = np.asarray(values, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {y.shape}")
    if y.size == 0:
        raise ValueError("values is empty: an XmR chart needs at least one point")
    if not np.all(np.isfinite(y)):
        bad = np.flatnonzero(~np.isfinite(y)).tolist()
        raise ValueError(f"values must be finite (remove missing months); bad indices {bad}")
    direction = _validate_common(run_length, trend_length, improvement)
    if fix_after is not None and (
        isinstance(fix_after, bool) or not isinstance(fix_after, int | np.integer) or fix_after < 1
    ):
        raise ValueError(f"fix_after must be a positive integer or None, got {fix_after!r}")
    if target is not None and not np.isfinite(target):
        raise ValueError(f"target must be finite, got {target!r}")
    n = y.size
    starts = {0}
    for idx in rebase_at or ():
        if isinstance(idx, bool) or not isinstance(idx, int | np.integer) or not 0 <= idx < n:
            raise ValueError(f"rebase_at index {idx!r} is outside 0..{n - 1}")
        starts.add(int(idx))
    bounds = [*sorted(starts), n]

    segments: list[XmrSegment] = []
    codes: list[int] = []
    baseline_size = 0
    for start, end in pairwise(bounds):
        seg = y[start:end]
        baseline_size = seg.size if fix_after is None else min(fix_after, seg.size)
        mean_a, mr_bar_a = _baseline_stats(seg[:baseline_size, None], screen_outliers)
        lpl, upl, nlpl, nupl = (float(a[0]) for a in _limits(mean_a, mr_bar_a))
        mean, mr_bar = float(mean_a[0]), float(mr_bar_a[0])
        segments.append(XmrSegment(start, end, mean, mr_bar, lpl, upl, nlpl, nupl))
        codes.extend(_segment_codes(seg, mean, lpl, upl, nlpl, nupl, run_length, trend_length))

    points = tuple(
        XmrPoint(
            float(v),
            SPECIAL_CAUSES[c],
            POINT_TYPES[_point_type_code(int(_LABEL_SIGN[c]), direction)],
        )
        for v, c in zip(y, codes, strict=True)
    )
    last = segments[-1]
    return XmrResult(
        mean=last.mean,
        mr_bar=last.mr_bar,
        lpl=last.lpl,
        upl=last.upl,
        near_lpl=last.near_lpl,
        near_upl=last.near_upl,
        trial_limits=baseline_size < _MIN_BASELINE,
        points=points,
        variation=points[-1].point_type,
        assurance=assurance(target, last.lpl, last.upl, improvement),
        segments=tuple(segments),
    )


def assurance(
    target: float | None, lpl: float, upl: float, improvement: Improvement
) -> Assurance | None:
    """Making Data Count assurance of a target against process limits: a target beyond the
    limits is met (or missed) by every expected point; None without a target or direction."""
    direction = _DIRECTION[improvement]
    if target is None or direction == 0:
        return None
    if target > upl:
        return "consistent_fail" if direction > 0 else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if direction > 0 else "consistent_fail"
    return "inconsistent"


# --------------------------------------------------------------------------- vectorised twin


def _in_long_stretch(
    valid: NDArray[np.bool_], cont: NDArray[np.bool_], length: int
) -> NDArray[np.bool_]:
    """Cells of ``valid`` (time-major) lying in a stretch of >= ``length`` cells.

    ``cont[t]`` (t >= 1) says cell t continues the stretch of cell t-1 (it implies
    ``valid`` at both); row 0 of ``cont`` is ignored. As in NHSRplotthedots, a cell
    belongs when a stretch reaches ``length`` at it or within the next length-1 cells.
    """
    m = valid.shape[0]
    count: np.ndarray[Any, np.dtype[np.signedinteger[Any]]] = np.zeros(
        valid.shape, dtype=np.int16 if m < 30_000 else np.int32
    )
    count[0] = valid[0]
    for t in range(1, m):  # stretch length so far; arithmetic beats masked copies here
        np.add(count[t - 1], 1, out=count[t])
        np.multiply(count[t], cont[t], out=count[t])
        np.maximum(count[t], valid[t], out=count[t])
    complete: np.ndarray[Any, np.dtype[np.bool_]] = count >= length
    member = complete.copy()
    for k in range(1, min(length, m)):
        member[:-k] |= complete[k:]
    return member


def baseline_limits(
    matrix: ArrayLike, *, screen_outliers: bool = True
) -> tuple[FloatArray, FloatArray]:
    """The lower and upper process limits that each row of ``matrix`` (shape (n, k), k >= 1,
    finite) gives as a baseline: exactly those ``xmr_batch`` draws from it."""
    rows = np.asarray(matrix, dtype=np.float64)
    if rows.ndim != 2 or rows.shape[1] == 0:
        raise ValueError(f"matrix must be 2-D with at least one column, got shape {rows.shape}")
    mean, mr_bar = _baseline_stats(np.ascontiguousarray(rows.T), screen_outliers)
    lpl, upl, _, _ = _limits(mean, mr_bar)
    return lpl, upl


def xmr_batch(
    matrix: ArrayLike,
    *,
    screen_outliers: bool = True,
    run_length: int = 7,
    trend_length: int = 7,
    improvement: Improvement = "neutral",
    fix_after: int | None = None,
) -> XmrBatchResult:
    """XmR charts of every row of ``matrix`` (shape (n, T), finite), without Python row loops.

    Agrees exactly with :func:`xmr` on each row (no fixing, no rebasing). Codes:
    ``special_cause`` indexes :data:`SPECIAL_CAUSES` (0 common_cause, 1 above_upper_limit,
    2 below_lower_limit, 3 trend_increasing, 4 trend_decreasing, 5 two_in_three_above,
    6 two_in_three_below, 7 run_above, 8 run_below); ``point_type`` indexes
    :data:`POINT_TYPES` (0 common_cause, 1 special_cause_improvement,
    2 special_cause_concern, 3 special_cause_neutral_high, 4 special_cause_neutral_low).

    ``fix_after=k`` takes the mean and MRbar from the first k points of every row (limits
    fixed on a baseline and extended), as :func:`xmr` does.
    """
    rows = np.asarray(matrix, dtype=np.float64)
    if rows.ndim != 2 or rows.shape[1] == 0:
        raise ValueError(f"matrix must be 2-D with at least one column, got shape {rows.shape}")
    if not np.all(np.isfinite(rows)):
        raise ValueError("matrix must be finite (no NaN or infinity)")
    direction = _validate_common(run_length, trend_length, improvement)
    n, t_len = rows.shape
    y = np.ascontiguousarray(rows.T)  # time-major: each time step is one contiguous row

    if fix_after is not None and (
        isinstance(fix_after, bool) or not isinstance(fix_after, int | np.integer) or fix_after < 1
    ):
        raise ValueError(f"fix_after must be a positive integer or None, got {fix_after!r}")
    baseline = t_len if fix_after is None else min(int(fix_after), t_len)
    mean, mr_bar = _baseline_stats(y[:baseline], screen_outliers)
    lpl, upl, nlpl, nupl = _limits(mean, mr_bar)
    above = y > mean
    below = y < mean
    rtm = above.view(np.int8) - below.view(np.int8)  # sign(y - mean) without a float temporary
    outside = (y > upl) | (y < lpl)
    close = ~outside & ((y < nlpl) | (y > nupl))

    # Runs: consecutive points on the same (non-zero) side of the mean.
    on_side = rtm != 0
    same_side = np.zeros((t_len, n), dtype=np.bool_)
    same_side[1:] = (rtm[1:] == rtm[:-1]) & on_side[1:]
    run = _in_long_stretch(on_side, same_side, run_length)

    # Trends: stretches of strictly rising (falling) steps; m steps cover m + 1 points,
    # and a peak or trough belongs to both the rise and the fall.
    rising = y[1:] > y[:-1]
    falling = y[1:] < y[:-1]
    step = rising.view(np.int8) - falling.view(np.int8)
    trend = np.zeros((t_len, n), dtype=np.bool_)
    if t_len >= 2:
        for moving in (rising, falling):
            steady = np.zeros_like(moving)
            steady[1:] = moving[1:] & moving[:-1]
            member = _in_long_stretch(moving, steady, trend_length - 1)
            trend[:-1] |= member
            trend[1:] |= member
    # NHSRplotthedots takes the right-hand step inside adjacent trends; a tied right-hand
    # step falls back to the left-hand one (see _segment_codes).
    trend_sign = np.zeros((t_len, n), dtype=np.int8)
    trend_sign[1:] = step
    use_right = trend[:-1] & trend[1:] & (step != 0)
    np.copyto(trend_sign[:-1], step, where=use_right)

    # Two in three: any full window of 3 around the point qualifies, point itself near.
    two = np.zeros((t_len, n), dtype=np.bool_)
    if t_len >= 3:
        c = close.view(np.int8)
        window_close = c[:-2] + c[1:-1] + c[2:]
        window_side = rtm[:-2] + rtm[1:-1] + rtm[2:]  # |sum| <= 3 fits int8
        ok = (window_close >= 2) & (np.abs(window_side) == 3)
        for offset in range(3):
            two[offset : t_len - 2 + offset] |= ok
        two &= close

    i8 = np.int8
    code = np.zeros((t_len, n), dtype=np.int8)
    np.copyto(code, np.where(above, i8(7), i8(8)), where=run)
    np.copyto(code, np.where(above, i8(5), i8(6)), where=two)
    np.copyto(code, np.where(trend_sign > 0, i8(3), i8(4)), where=trend)
    np.copyto(code, np.where(above, i8(1), i8(2)), where=outside)

    oriented = _LABEL_SIGN[code]
    if direction == 0:
        ptype = np.where(oriented > 0, i8(3), np.where(oriented < 0, i8(4), i8(0)))
    else:
        oriented *= i8(direction)
        ptype = np.where(oriented > 0, i8(1), np.where(oriented < 0, i8(2), i8(0)))
    codes = np.ascontiguousarray(code.T)
    ptypes = np.ascontiguousarray(ptype.T)
    for a in (mean, mr_bar, lpl, upl, nlpl, nupl, codes, ptypes):
        a.flags.writeable = False
    return XmrBatchResult(
        mean=mean,
        mr_bar=mr_bar,
        lpl=lpl,
        upl=upl,
        near_lpl=nlpl,
        near_upl=nupl,
        special_cause=codes,
        point_type=ptypes,
        trial_limits=baseline < _MIN_BASELINE,
    )
