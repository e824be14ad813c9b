"""XmR charts against the public NHSRplotthedots vectors (docs/methods.md section 1)."""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qsgrules.stats import spc
from qsgrules.stats.spc import (
    POINT_TYPES,
    SPECIAL_CAUSES,
    Improvement,
    XmrResult,
    xmr,
    xmr_batch,
)

from .ae_data import AE_CSV

TOL = 1e-6
EIGHTEEN = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
RNORM_20 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621,
    -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272,
    -0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip
# A fixed baseline of 13 points, mean 20 and MRbar 38.33 (limits 20 +/- 101.97, near
# limits 20 +/- 67.98), alternating sides and ending on the mean, so a pattern appended
# after it is judged against wide limits without runs or trends spilling out of it.
BASELINE = [40.0, 0.0] * 6 + [20.0]
NB = len(BASELINE)
DATA = AE_CSV  # vendored with the repository: its absence is a failure


def labels(result: XmrResult) -> list[str]:
    return [p.special_cause for p in result.points]


def types(result: XmrResult) -> list[str]:
    return [p.point_type for p in result.points]


def pattern_labels(pattern: Sequence[float], **kwargs: Any) -> list[str]:
    result = xmr([*BASELINE, *pattern], fix_after=NB, **kwargs)
    assert result.mean == 20 and result.mr_bar == pytest.approx(460 / 12)
    assert set(labels(result)[:NB]) == {"common_cause"}
    return labels(result)[NB:]


# --------------------------------------------------------------------------- METHODS vectors


def test_eighteen_points_without_screening() -> None:
    result = xmr(EIGHTEEN, screen_outliers=False)
    assert result.mean == pytest.approx(1.944444, abs=TOL)
    assert result.lpl == pytest.approx(-3.062614, abs=TOL)
    assert result.upl == pytest.approx(6.951503, abs=TOL)
    assert labels(result) == ["common_cause"] * 4 + ["above_upper_limit"] + ["common_cause"] * 13


def test_eighteen_points_with_screening() -> None:
    result = xmr(EIGHTEEN)
    assert result.mean == pytest.approx(1.944444, abs=TOL)
    assert result.lpl == pytest.approx(-0.715556, abs=TOL)
    assert result.upl == pytest.approx(4.604444, abs=TOL)
    # screening drops the two ranges around the 10 (|10-2| and |1-10|) of MRbar 2.117647
    assert result.mr_bar == pytest.approx(1.0, abs=TOL)
    assert labels(result) == ["common_cause"] * 4 + ["above_upper_limit"] + ["common_cause"] * 13
    assert result.near_lpl == pytest.approx(1.944444 - 2 * 2.66 / 3, abs=TOL)
    assert result.near_upl == pytest.approx(1.944444 + 2 * 2.66 / 3, abs=TOL)


def test_rnorm_twenty_all_common_cause() -> None:
    result = xmr(RNORM_20)
    assert result.mean == pytest.approx(0.1416238, abs=TOL)
    assert result.lpl == pytest.approx(-3.01138, abs=TOL)
    assert result.upl == pytest.approx(3.294627, abs=TOL)
    assert set(labels(result)) == {"common_cause"}
    assert result.variation == "common_cause"


@pytest.mark.parametrize(
    ("y", "expected"),
    [
        (list(range(1, 7)), [0] * 6),
        ([1, 2, 3, 3, 4, 5, 6], [0] * 7),
        (list(range(1, 8)), [0] * 6 + [1]),
        ([2, *range(1, 8), 3], [0] * 7 + [1, 0]),
        (list(range(7, 0, -1)), [0] * 6 + [-1]),
        ([2, *range(7, 0, -1), 3], [0] * 7 + [-1, 0]),
    ],
)
def test_trend_completion_vectors(y: list[float], expected: list[int]) -> None:
    assert spc._trend_ends([float(v) for v in y], 7) == expected


@pytest.mark.parametrize(
    ("rtm", "expected"),
    [
        ([1] * 6, [0] * 6),
        ([1] * 6 + [-1], [0] * 7),
        ([1] * 8 + [-1], [0] * 6 + [1, 1, 0]),
        ([-1] * 8 + [1], [0] * 6 + [1, 1, 0]),
        ([-1, *[1] * 8, -1], [0] * 7 + [1, 1, 0]),
    ],
)
def test_run_completion_vectors(rtm: list[int], expected: list[int]) -> None:
    assert spc._run_ends(rtm, 7) == expected


def test_two_in_three_window_vectors() -> None:
    near = [False, False, True, True, False, False, False]
    assert spc._two_in_three(near, [1] * 7) == [False, True, True, True, True, False, False]
    near = [False, False, True, False, True, False, False]
    assert spc._two_in_three(near, [1] * 7) == [False, False, True, True, True, False, False]
    # near-limit points on opposite sides of the mean: no signal
    assert spc._two_in_three(near, [1, 1, 1, -1, -1, -1, -1]) == [False] * 7
    assert spc._two_in_three([True, False, False, True], [1] * 4) == [False] * 4


def test_trend_of_seven_flags_every_point() -> None:
    assert pattern_labels([17, 18, 19, 20, 21, 22, 23]) == ["trend_increasing"] * 7
    assert pattern_labels([23, 22, 21, 20, 19, 18, 17]) == ["trend_decreasing"] * 7


def test_tie_or_six_points_make_no_trend() -> None:
    assert pattern_labels([17, 18, 19, 19, 20, 21, 22]) == ["common_cause"] * 7
    assert pattern_labels([17, 18, 19, 21, 22, 23]) == ["common_cause"] * 6


def test_run_of_seven_flags_every_point() -> None:
    assert pattern_labels([21] * 6 + [19]) == ["common_cause"] * 7
    assert pattern_labels([21] * 8 + [19]) == ["run_above"] * 8 + ["common_cause"]
    assert pattern_labels([19] * 7) == ["run_below"] * 7


def test_point_on_the_mean_breaks_a_run() -> None:
    assert pattern_labels([21, 21, 21, 20, 21, 21, 21, 21]) == ["common_cause"] * 8


def test_two_in_three_flags_only_near_limit_points() -> None:
    assert pattern_labels([21, 100, 100, 19]) == [
        "common_cause",
        "two_in_three_above",
        "two_in_three_above",
        "common_cause",
    ]
    assert pattern_labels([19, -60, 21, -60, 21]) == ["common_cause"] * 5  # never 3 one side
    assert pattern_labels([100, -60, 21]) == ["common_cause"] * 3


def test_points_beyond_the_process_limit_do_not_count_for_two_in_three() -> None:
    assert pattern_labels([21, 100, 200, 19]) == [
        "common_cause",
        "common_cause",
        "above_upper_limit",
        "common_cause",
    ]


def test_label_precedence() -> None:
    # METHODS two-in-three vector inside a run of seven above: near points win over the run
    got = pattern_labels([25, 25, 100, 100, 25, 25, 25])
    assert got == ["run_above"] * 2 + ["two_in_three_above"] * 2 + ["run_above"] * 3
    # a trend that ends beyond the limit: outside wins
    assert pattern_labels([19, 60, 70, 80, 90, 100, 130]) == ["trend_increasing"] * 6 + [
        "above_upper_limit"
    ]


def test_point_in_rise_and_fall_takes_the_fall_as_nhsrplotthedots() -> None:
    rise_fall = [14, 15, 16, 17, 18, 19, 20, 19, 18, 17, 16, 15, 14]
    assert pattern_labels(rise_fall) == ["trend_increasing"] * 6 + ["trend_decreasing"] * 7


def test_tied_step_between_two_trends_keeps_each_trend_direction() -> None:
    # Deviation from NHSRplotthedots, which reads the tied step as "decreasing".
    got = pattern_labels([14, 15, 16, 17, 18, 19, 26, 26, 19, 18, 17, 16, 15, 14])
    assert got == ["trend_increasing"] * 7 + ["trend_decreasing"] * 7


# --------------------------------------------------------------------------- behaviour


@pytest.mark.parametrize(
    ("improvement", "above", "below"),
    [
        ("increase", "special_cause_improvement", "special_cause_concern"),
        ("decrease", "special_cause_concern", "special_cause_improvement"),
        # as NHSRplotthedots labels them: no improvement direction, but a side
        ("neutral", "special_cause_neutral_high", "special_cause_neutral_low"),
    ],
)
def test_point_type_follows_improvement(improvement: Improvement, above: str, below: str) -> None:
    result = xmr(EIGHTEEN, improvement=improvement)
    assert types(result)[4] == above
    assert result.variation == "common_cause"
    low = xmr([-v for v in EIGHTEEN], improvement=improvement)
    assert types(low)[4] == below
    # trends take their own direction, even for points on the other side of the mean
    rising = xmr([*BASELINE, *range(17, 24)], fix_after=NB, improvement=improvement)
    assert set(types(rising)[NB:]) == {above}
    assert rising.variation == above


def test_assurance() -> None:
    base = RNORM_20  # limits -3.01 / 3.29
    assert xmr(base, target=5, improvement="increase").assurance == "consistent_fail"
    assert xmr(base, target=5, improvement="decrease").assurance == "consistent_pass"
    assert xmr(base, target=-5, improvement="increase").assurance == "consistent_pass"
    assert xmr(base, target=-5, improvement="decrease").assurance == "consistent_fail"
    assert xmr(base, target=0, improvement="decrease").assurance == "inconsistent"
    assert xmr(base, target=5).assurance is None
    assert xmr(base, improvement="increase").assurance is None


def test_trial_limits_below_twelve_baseline_points() -> None:
    assert xmr(RNORM_20[:11]).trial_limits
    assert not xmr(RNORM_20[:12]).trial_limits
    assert xmr(RNORM_20, fix_after=11).trial_limits
    assert not xmr(RNORM_20, fix_after=12).trial_limits


def test_fix_after_takes_limits_from_the_first_points() -> None:
    fixed = xmr([*RNORM_20[:12], 10.0, 10.0], fix_after=12)
    assert fixed.mean == pytest.approx(float(np.mean(RNORM_20[:12])), abs=1e-12)
    assert fixed.mean == xmr(RNORM_20[:12]).mean
    assert fixed.upl == xmr(RNORM_20[:12]).upl
    assert labels(fixed)[12:] == ["above_upper_limit"] * 2
    assert xmr(RNORM_20, fix_after=100).mean == xmr(RNORM_20).mean


def test_rebase_computes_each_segment_and_runs_never_cross() -> None:
    values = [*RNORM_20, *(v + 50 for v in RNORM_20)]
    whole = xmr(values)
    assert set(labels(whole)) == {"above_upper_limit", "below_lower_limit"}
    rebased = xmr(values, rebase_at=[20])
    assert set(labels(rebased)) == {"common_cause"}
    first, second = rebased.segments
    assert (first.start, first.end, second.start, second.end) == (0, 20, 20, 40)
    assert first.mean == xmr(RNORM_20).mean and first.upl == xmr(RNORM_20).upl
    assert second.mean == pytest.approx(0.1416238 + 50, abs=TOL)
    assert (rebased.mean, rebased.lpl, rebased.upl) == (second.mean, second.lpl, second.upl)
    # a run that would span the rebase is cut in two short ones
    run = [*BASELINE, *[21.0] * 7]
    assert labels(xmr(run, fix_after=NB))[NB:] == ["run_above"] * 7
    assert set(labels(xmr(run, fix_after=NB, rebase_at=[NB + 3]))) == {"common_cause"}
    assert xmr(values, rebase_at=[0, 20, 20]).segments == rebased.segments


def test_flat_series_flags_nothing() -> None:
    for value in (0.1, 3.0, -7.25, 1e9 + 0.1):
        result = xmr([value] * 30, improvement="increase", target=value)
        assert (result.mean, result.mr_bar, result.lpl, result.upl) == (value, 0, value, value)
        assert set(labels(result)) == {"common_cause"}
        assert result.assurance == "inconsistent"
        batch = xmr_batch(np.full((2, 30), value))
        assert not batch.special_cause.any()
    # a change from a perfectly flat fixed baseline is outside its collapsed limits
    moved = xmr([5.0] * 12 + [6.0], fix_after=12)
    assert labels(moved)[-1] == "above_upper_limit"


def test_single_point() -> None:
    result = xmr([4.2])
    assert (result.mean, result.mr_bar, result.lpl, result.upl) == (4.2, 0.0, 4.2, 4.2)
    assert result.trial_limits and labels(result) == ["common_cause"]
    batch = xmr_batch([[4.2], [1.0]])
    assert batch.mr_bar.tolist() == [0.0, 0.0] and batch.trial_limits


@pytest.mark.parametrize(
    ("values", "kwargs", "message"),
    [
        ([], {}, "empty"),
        ([1.0, math.nan, 2.0], {}, "finite"),
        ([1.0, math.inf], {}, "finite"),
        ([[1.0, 2.0]], {}, "one-dimensional"),
        ([1.0, 2.0], {"improvement": "up"}, "improvement"),
        ([1.0, 2.0], {"run_length": 1}, "run_length"),
        ([1.0, 2.0], {"trend_length": 0}, "trend_length"),
        ([1.0, 2.0], {"fix_after": 0}, "fix_after"),
        ([1.0, 2.0], {"rebase_at": [2]}, "rebase_at"),
        ([1.0, 2.0], {"rebase_at": [-1]}, "rebase_at"),
        ([1.0, 2.0], {"rebase_at": [1.5]}, "rebase_at"),
        ([1.0, 2.0], {"fix_after": 1.5}, "fix_after"),
        ([1.0, 2.0], {"target": math.nan}, "target"),
    ],
)
def test_invalid_input_raises(values: Any, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        xmr(values, **kwargs)


def test_batch_invalid_input_raises() -> None:
    with pytest.raises(ValueError, match="finite"):
        xmr_batch([[1.0, math.nan]])
    with pytest.raises(ValueError, match="2-D"):
        xmr_batch([1.0, 2.0])
    with pytest.raises(ValueError, match="2-D"):
        xmr_batch(np.zeros((3, 0)))


def test_batch_code_tables() -> None:
    assert SPECIAL_CAUSES[0] == POINT_TYPES[0] == "common_cause"
    assert SPECIAL_CAUSES.index("run_below") == 8
    assert POINT_TYPES.index("special_cause_neutral_high") == 3
    assert POINT_TYPES.index("special_cause_neutral_low") == 4
    batch = xmr_batch([EIGHTEEN, [-v for v in EIGHTEEN]], improvement="increase")
    assert batch.special_cause[:, 4].tolist() == [1, 2]
    assert batch.point_type[:, 4].tolist() == [1, 2]
    assert batch.special_cause.shape == (2, 18) and batch.mean.shape == (2,)


# --------------------------------------------------------------------------- properties

series = st.lists(st.integers(-50, 50), min_size=1, max_size=40)
IMPROVEMENTS: list[Improvement] = ["increase", "decrease", "neutral"]
improvements = st.sampled_from(IMPROVEMENTS)


def clear_of_boundaries(values: list[float], screen: bool) -> bool:
    """No point (or moving range) sits within rounding distance of a decision boundary."""
    result = xmr(values, screen_outliers=screen)
    y = np.asarray(values, dtype=float)
    eps = 1e-7 * (1.0 + float(np.max(np.abs(y))))
    bounds = [result.lpl, result.upl, result.near_lpl, result.near_upl]
    far = all(np.min(np.abs(y - b)) > eps for b in bounds)
    on_mean = np.abs(y - result.mean) <= eps
    far = far and bool(np.all((y == result.mean) | ~on_mean))
    if y.size > 1:
        mr = np.abs(np.diff(y))
        far = far and bool(np.min(np.abs(mr - 3.267 * mr.mean())) > eps)
    return far


@settings(deadline=None, max_examples=100)
@given(
    values=series,
    shift=st.one_of(st.integers(-(10**6), 10**6), st.integers(-400, 400).map(lambda k: k / 4)),
    screen=st.booleans(),
    improvement=improvements,
)
def test_shift_moves_limits_and_keeps_labels(
    values: list[int], shift: float, screen: bool, improvement: Improvement
) -> None:
    y = [float(v) for v in values]
    assume(clear_of_boundaries(y, screen))
    a = xmr(y, screen_outliers=screen, improvement=improvement)
    b = xmr([v + shift for v in y], screen_outliers=screen, improvement=improvement)
    for name in ("mean", "lpl", "upl", "near_lpl", "near_upl"):
        assert getattr(b, name) == pytest.approx(getattr(a, name) + shift, abs=1e-6)
    assert b.mr_bar == pytest.approx(a.mr_bar, abs=1e-9)
    assert labels(b) == labels(a) and types(b) == types(a)


@settings(deadline=None, max_examples=100)
@given(
    values=series,
    factor=st.one_of(
        st.sampled_from([0.25, 0.5, 2.0, 3.0, 10.0, 1000.0]),
        st.floats(0.01, 100.0, allow_nan=False),
    ),
    screen=st.booleans(),
    improvement=improvements,
)
def test_positive_scale_scales_limits_and_keeps_labels(
    values: list[int], factor: float, screen: bool, improvement: Improvement
) -> None:
    y = [float(v) for v in values]
    assume(clear_of_boundaries(y, screen))
    scaled = [v * factor for v in y]
    mean = xmr(y, screen_outliers=screen).mean
    # a mean exactly on a point must stay exactly on it after rounding the products
    assume(all((v == mean) == (s == xmr(scaled).mean) for v, s in zip(y, scaled, strict=True)))
    a = xmr(y, screen_outliers=screen, improvement=improvement)
    b = xmr(scaled, screen_outliers=screen, improvement=improvement)
    for name in ("mean", "mr_bar", "lpl", "upl", "near_lpl", "near_upl"):
        assert getattr(b, name) == pytest.approx(getattr(a, name) * factor, rel=1e-9, abs=1e-9)
    assert labels(b) == labels(a) and types(b) == types(a)


SWAP = {
    "special_cause_improvement": "special_cause_concern",
    "special_cause_concern": "special_cause_improvement",
    "common_cause": "common_cause",
}
ASSURANCE_SWAP = {
    "consistent_pass": "consistent_fail",
    "consistent_fail": "consistent_pass",
    "inconsistent": "inconsistent",
}


@settings(deadline=None, max_examples=100)
@given(values=series, screen=st.booleans(), target=st.integers(-60, 60))
def test_reversing_improvement_swaps_concern_and_improvement(
    values: list[int], screen: bool, target: int
) -> None:
    up = xmr(values, screen_outliers=screen, improvement="increase", target=target)
    down = xmr(values, screen_outliers=screen, improvement="decrease", target=target)
    assert labels(up) == labels(down)
    assert [SWAP[t] for t in types(up)] == types(down)
    assert up.assurance is not None and down.assurance == ASSURANCE_SWAP[up.assurance]
    neutral = xmr(values, screen_outliers=screen)
    flagged = [t != "common_cause" for t in types(up)]
    assert [t != "common_cause" for t in types(neutral)] == flagged


@st.composite
def matrices(draw: st.DrawFn) -> npt.NDArray[np.float64]:
    rows = draw(st.integers(1, 4))
    cols = draw(st.integers(1, 40))
    cells = st.integers(-8, 8) if draw(st.booleans()) else st.floats(-1e3, 1e3)
    flat = draw(st.lists(cells, min_size=rows * cols, max_size=rows * cols))
    return np.asarray(flat, dtype=float).reshape(rows, cols)


@settings(deadline=None, max_examples=150)
@given(
    matrix=matrices(),
    screen=st.booleans(),
    run_length=st.integers(2, 9),
    trend_length=st.integers(2, 9),
    improvement=improvements,
    fix_after=st.none() | st.integers(1, 40),
)
def test_batch_agrees_exactly_with_xmr(
    matrix: npt.NDArray[np.float64],
    screen: bool,
    run_length: int,
    trend_length: int,
    improvement: Improvement,
    fix_after: int | None,
) -> None:
    options: dict[str, Any] = {
        "screen_outliers": screen,
        "run_length": run_length,
        "trend_length": trend_length,
        "improvement": improvement,
        "fix_after": fix_after,
    }
    batch = xmr_batch(matrix, **options)
    for i, row in enumerate(matrix):
        one = xmr(row, **options)
        assert batch.mean[i] == one.mean and batch.mr_bar[i] == one.mr_bar
        assert (batch.lpl[i], batch.upl[i]) == (one.lpl, one.upl)
        assert (batch.near_lpl[i], batch.near_upl[i]) == (one.near_lpl, one.near_upl)
        assert [SPECIAL_CAUSES[c] for c in batch.special_cause[i]] == labels(one)
        assert [POINT_TYPES[c] for c in batch.point_type[i]] == types(one)
        assert batch.trial_limits == one.trial_limits


# --------------------------------------------------------------------------- real data


def load_type1_breach_percentages() -> dict[str, list[tuple[str, float]]]:
    series: dict[str, list[tuple[str, float]]] = defaultdict(list)
    with DATA.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["type"] == "1" and int(row["attendances"]) > 0:
                pct = 100 * int(row["breaches"]) / int(row["attendances"])
                series[row["org_code"]].append((row["period"], pct))
    return {org: sorted(points) for org, points in series.items()}


def test_real_trust_chart_matches_hand_calculation() -> None:
    series = load_type1_breach_percentages()
    y = [pct for _, pct in series["RF4"]]
    assert len(y) == 36
    mean = sum(y) / len(y)
    ranges = [abs(b - a) for a, b in pairwise(y)]
    mr_bar = sum(ranges) / len(ranges)
    kept = [r for r in ranges if r < 3.267 * mr_bar]
    mr_bar = sum(kept) / len(kept)
    result = xmr(y, improvement="decrease", target=5.0)
    assert result.mean == pytest.approx(mean, rel=1e-12)
    assert result.mr_bar == pytest.approx(mr_bar, rel=1e-12)
    assert result.lpl == pytest.approx(mean - 2.66 * mr_bar, rel=1e-12)
    assert result.upl == pytest.approx(mean + 2.66 * mr_bar, rel=1e-12)
    for value, point in zip(y, result.points, strict=True):
        if value > mean + 2.66 * mr_bar:
            assert point.special_cause == "above_upper_limit"
            assert point.point_type == "special_cause_concern"
    assert result.assurance in {"consistent_fail", "inconsistent"}

    complete = [org for org, points in series.items() if len(points) == 36]
    matrix = np.array([[pct for _, pct in series[org]] for org in complete])
    batch = xmr_batch(matrix, improvement="decrease")
    for i, org in enumerate(complete):
        one = xmr(matrix[i], improvement="decrease")
        assert batch.upl[i] == one.upl, org
        assert [SPECIAL_CAUSES[c] for c in batch.special_cause[i]] == labels(one), org
