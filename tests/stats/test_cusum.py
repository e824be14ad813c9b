"""CUSUM charts against their published test vectors (docs/methods.md section 7)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from qsgrules.stats.cusum import (
    bernoulli_threshold,
    bernoulli_weights,
    binomial_threshold,
    binomial_weights,
    cusum_batch,
    cusum_path,
    normal_threshold,
    normal_weights,
    poisson_threshold,
    poisson_weights,
    simulated_threshold,
)
from qsgrules.stats.cusum_arl import arl, false_alarm_probability, two_sided_arl

# --------------------------------------------------------------------------- METHODS vectors


def test_steiner_bernoulli_weights_for_p_005_and_a_doubling_of_the_odds() -> None:
    death, survival = bernoulli_weights([1, 0], [0.05, 0.05], odds_ratio=2.0)
    assert round(float(death), 4) == 0.6444
    assert round(float(survival), 4) == -0.0488
    # the lower CUSUM tests a halving of the odds: a survival now adds, a death subtracts
    low_death, low_survival = bernoulli_weights([1, 0], [0.05, 0.05], 2.0, side="lower")
    assert low_death == pytest.approx(math.log(0.5) - math.log(0.975))
    assert low_survival == pytest.approx(-math.log(0.975))


@pytest.mark.parametrize(
    ("h", "two_sided", "one_sided", "shifted"),
    [(4.0, 168.0, 336.0, 8.38), (5.0, 465.0, 931.0, 10.4)],
)
def test_normal_cusum_run_lengths_match_the_classical_tables(
    h: float, two_sided: float, one_sided: float, shifted: float
) -> None:
    # Montgomery, Table 9.3 (k = 0.5): the in-control 168 and 465 are two-sided; each side
    # alone runs twice as long. A 1-sigma shift is caught by its own side almost always, so
    # its run length is the same one- or two-sided (8.38, 10.4).
    assert two_sided_arl(0.5, h) == pytest.approx(two_sided, rel=0.02)
    assert arl(0.5, h) == pytest.approx(one_sided, rel=0.02)
    assert arl(0.5, h, 1.0) == pytest.approx(shifted, rel=0.02)
    assert two_sided_arl(0.5, h, 1.0) == pytest.approx(shifted, rel=0.02)
    # the lower side sees a downward shift as the upper side sees an upward one
    assert arl(0.5, h, -1.0) > 1000


def _brook_evans(k: float, h: float, shift: float, states: int) -> float:
    """An independent method: Brook and Evans' Markov chain on ``states`` cells of [0, h)."""
    width = h / (states - 0.5)  # cell 0 is [0, width/2), its centre taken as 0
    centre = np.arange(states) * width
    upper = (np.arange(states) + 0.5) * width
    lower = np.concatenate(([-np.inf], upper[:-1]))
    # from cell i to cell j: S' = max(0, c_i + z - k) lands in [lower_j, upper_j)
    a = stats.norm.cdf(upper[None, :] - centre[:, None] + k - shift)
    b = stats.norm.cdf(lower[None, :] - centre[:, None] + k - shift)
    step = a - b
    lengths = np.linalg.solve(np.eye(states) - step, np.ones(states))
    return float(lengths[0])


@pytest.mark.parametrize(("h", "shift"), [(4.0, 0.0), (5.0, 0.0), (4.0, 1.0), (5.0, 1.0)])
def test_integral_equation_agrees_with_the_markov_chain(h: float, shift: float) -> None:
    assert arl(0.5, h, shift) == pytest.approx(_brook_evans(0.5, h, shift, 800), rel=0.005)


def test_integral_equation_has_converged() -> None:
    assert arl(0.5, 4.0, nodes=32) == pytest.approx(arl(0.5, 4.0, nodes=64), rel=1e-9)
    assert arl(1.0, 2.0, 0.5, nodes=24) == pytest.approx(arl(1.0, 2.0, 0.5), rel=1e-9)


def test_false_alarm_probability_is_the_run_length_distribution() -> None:
    # over a horizon much longer than the run length nearly every series signals
    assert false_alarm_probability(0.5, 4.0, 3000) > 0.999
    # in one step: S_1 = max(0, z - k) >= h exactly when z >= h + k
    assert false_alarm_probability(0.5, 4.0, 1) == pytest.approx(stats.norm.sf(4.5), rel=1e-6)
    # increasing in the horizon
    probs = [false_alarm_probability(0.5, 4.0, t) for t in (6, 12, 36)]
    assert probs == sorted(probs)


def test_simulated_normal_threshold_meets_its_false_alarm_probability_exactly_checked() -> None:
    threshold = normal_threshold(0.5, 0.05, 36)
    exact = false_alarm_probability(0.5, threshold.h, 36)
    # the threshold is set in simulations; its true false-alarm probability, computed
    # exactly, is the one asked for within the Monte Carlo error (3 standard errors)
    assert abs(exact - 0.05) <= 3 * threshold.standard_error
    assert threshold.achieved <= 0.05
    assert threshold.achieved == pytest.approx(0.05, abs=3 * threshold.standard_error)


def _rate_in_fresh_simulations(
    draw: npt.NDArray[np.floating[Any]], h: float
) -> tuple[float, float]:  # (rate, standard error)
    s = np.zeros(draw.shape[0])
    peak = np.zeros(draw.shape[0])
    for t in range(draw.shape[1]):
        s = np.maximum(0.0, s + draw[:, t])
        peak = np.maximum(peak, s)
    rate = float(np.mean(peak >= h))
    return rate, math.sqrt(max(rate * (1 - rate), 1e-4) / draw.shape[0])


def test_poisson_threshold_holds_in_independent_simulations() -> None:
    expected = 8.0
    threshold = poisson_threshold(expected, 2.0, 0.05, 36)
    assert threshold.achieved <= 0.05
    rng = np.random.default_rng(7)
    counts = rng.poisson(expected, size=(20000, 36))
    rate, se = _rate_in_fresh_simulations(counts * math.log(2.0) - expected, threshold.h)
    tolerance = 3 * math.hypot(se, threshold.standard_error)
    assert abs(rate - threshold.achieved) <= tolerance
    assert rate <= 0.05 + tolerance


def test_binomial_threshold_holds_in_independent_simulations() -> None:
    threshold = binomial_threshold(3000, 0.003, 2.0, 0.05, 36)
    assert threshold.achieved <= 0.05
    rng = np.random.default_rng(11)
    counts = rng.binomial(3000, 0.003, size=(20000, 36))
    weights = counts * math.log(2.0) - 3000 * math.log1p(0.003)
    rate, se = _rate_in_fresh_simulations(weights, threshold.h)
    assert abs(rate - threshold.achieved) <= 3 * math.hypot(se, threshold.standard_error)


def test_bernoulli_threshold_for_a_case_mix() -> None:
    risks = np.linspace(0.01, 0.2, 400)
    threshold = bernoulli_threshold(risks, 2.0, 0.05)
    assert threshold.horizon == 400 and threshold.achieved <= 0.05
    rng = np.random.default_rng(3)
    deaths = rng.random(size=(20000, 400)) < risks
    weights = bernoulli_weights(np.zeros(400), risks)[None, :] + deaths * math.log(2.0)
    rate, se = _rate_in_fresh_simulations(weights, threshold.h)
    assert abs(rate - threshold.achieved) <= 3 * math.hypot(se, threshold.standard_error)


@pytest.mark.parametrize(
    "threshold",
    [
        lambda: binomial_threshold.__wrapped__(4150, 0.00167),
        lambda: binomial_threshold.__wrapped__(3470, 0.0019),
        lambda: poisson_threshold.__wrapped__(6.93),
    ],
)
def test_the_achieved_false_alarm_probability_is_never_above_the_one_asked_for(
    threshold: object,
) -> None:
    # count data give maxima that are equal but for rounding (the same counts summed in
    # another order): h must not fall between two of them
    assert callable(threshold)
    found = threshold()
    assert found.achieved <= found.false_alarm


def test_thresholds_are_deterministic_and_follow_the_seed() -> None:
    first = poisson_threshold.__wrapped__(5.0, 2.0, 0.05, 36)
    again = poisson_threshold.__wrapped__(5.0, 2.0, 0.05, 36)
    assert first == again
    other = poisson_threshold.__wrapped__(5.0, 2.0, 0.05, 36, seed=1)
    assert other.h != first.h or other.achieved != first.achieved


def test_a_smaller_false_alarm_probability_needs_a_higher_threshold() -> None:
    assert normal_threshold(0.5, 0.01, 36).h > normal_threshold(0.5, 0.05, 36).h
    assert poisson_threshold(5.0, 2.0, 0.01).h > poisson_threshold(5.0, 2.0, 0.05).h
    # and a longer horizon, for the same probability
    assert normal_threshold(0.5, 0.05, 60).h > normal_threshold(0.5, 0.05, 12).h


def test_a_volume_too_large_to_false_alarm_gets_the_smallest_threshold_and_says_so() -> None:
    # 80 expected deaths a month: an in-control month almost never adds to the CUSUM of a
    # doubling, so no threshold reaches 5%; the smallest one is taken and its rate reported
    threshold = poisson_threshold(80.0, 2.0, 0.05, 36)
    assert threshold.achieved < 0.01
    assert 0 < threshold.h < 1


# --------------------------------------------------------------------------- weights and paths


def test_binomial_weights_are_the_bernoulli_weights_summed() -> None:
    risks = np.full(50, 0.04)
    outcomes = np.zeros(50)
    outcomes[[3, 17, 40]] = 1
    summed = float(np.sum(bernoulli_weights(outcomes, risks, 2.0)))
    assert binomial_weights([3], [50], 0.04, 2.0)[0] == pytest.approx(summed)
    lower = float(np.sum(bernoulli_weights(outcomes, risks, 2.0, "lower")))
    assert binomial_weights([3], [50], 0.04, 2.0, "lower")[0] == pytest.approx(lower)


def test_poisson_weights_are_the_log_likelihood_ratio() -> None:
    o, e = 12.0, 7.5
    upper = poisson_weights([o], [e], 2.0)[0]
    assert upper == pytest.approx(stats.poisson.logpmf(o, 2 * e) - stats.poisson.logpmf(o, e))
    lower = poisson_weights([o], [e], 2.0, "lower")[0]
    assert lower == pytest.approx(stats.poisson.logpmf(o, e / 2) - stats.poisson.logpmf(o, e))


def test_normal_weights() -> None:
    assert list(normal_weights([1.0, -2.0], 0.5)) == [0.5, -2.5]
    assert list(normal_weights([1.0, -2.0], 0.5, "lower")) == [-1.5, 1.5]


def test_a_path_resets_after_each_alert() -> None:
    path = cusum_path([1.0, 1.0, 1.5, -0.5, 2.0, 1.0, -4.0, 3.0], h=3.0)
    assert path.statistic == (1.0, 2.0, 3.5, 0.0, 2.0, 3.0, 0.0, 3.0)
    assert path.alerts == (2, 5, 7)
    kept = cusum_path([1.0, 1.0, 1.5, -0.5, 2.0], h=3.0, reset=False)
    assert kept.statistic == (1.0, 2.0, 3.5, 3.0, 5.0)
    assert kept.alerts == (2, 3, 4)


def test_a_sustained_doubling_alerts_and_its_in_control_twin_does_not() -> None:
    expected = np.full(24, 6.0)
    twin = np.array([6, 5, 7, 6, 4, 8, 6, 5, 7, 6, 6, 5, 7, 6, 5, 6, 7, 6, 5, 6, 6, 7, 5, 6])
    doubled = np.concatenate([twin[:12], 2 * twin[12:]])
    h = poisson_threshold(6.0, 2.0, 0.05, 36).h
    assert not cusum_path(poisson_weights(twin, expected), h).alerts
    alerts = cusum_path(poisson_weights(doubled, expected), h).alerts
    assert alerts and alerts[0] >= 12


weights_lists = st.lists(st.floats(-5, 5, allow_nan=False), min_size=1, max_size=40)


@given(weights=weights_lists, h=st.floats(0.1, 10), reset=st.booleans())
def test_path_properties(weights: list[float], h: float, reset: bool) -> None:
    path = cusum_path(weights, h, reset=reset)
    s = np.array(path.statistic)
    assert np.all(s >= 0)
    assert path.alerts == tuple(int(i) for i in np.flatnonzero(s >= h))
    for t in range(1, len(weights)):
        before = 0.0 if (reset and (t - 1) in path.alerts) else s[t - 1]
        assert s[t] == pytest.approx(max(0.0, before + weights[t]))


@given(rows=st.lists(weights_lists.map(lambda w: (w * 10)[:10]), min_size=1, max_size=6))
def test_batch_agrees_with_one_path_at_a_time(rows: list[list[float]]) -> None:
    width = min(len(r) for r in rows)
    matrix = np.array([r[:width] for r in rows])
    h = np.linspace(1.0, 3.0, len(rows))
    stat, alert = cusum_batch(matrix, h)
    for i, row in enumerate(matrix):
        path = cusum_path(row, float(h[i]))
        assert tuple(stat[i]) == path.statistic
        assert tuple(np.flatnonzero(alert[i])) == path.alerts


@given(weights=weights_lists, bump=st.floats(0, 3), at=st.integers(0, 39))
def test_more_evidence_never_lowers_the_statistic(
    weights: list[float], bump: float, at: int
) -> None:
    more = list(weights)
    more[at % len(more)] += bump
    before = cusum_path(weights, 1e9, reset=False).statistic
    after = cusum_path(more, 1e9, reset=False).statistic
    assert all(b <= a for a, b in zip(after, before, strict=True))


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: poisson_weights([1.0], [1.0, 2.0]), "as long"),
        (lambda: poisson_weights([-1.0], [1.0]), "negative"),
        (lambda: poisson_weights([1.0], [1.0], 1.0), "not 1"),
        (lambda: poisson_weights([1.0], [1.0], 0.5), "above 1"),
        (lambda: binomial_weights([3.0], [2.0], 0.1), "between 0 and the number"),
        (lambda: binomial_weights([1.0], [2.0], 1.0), "strictly between"),
        (lambda: bernoulli_weights([2.0], [0.1]), r"0 \(survived\) or 1"),
        (lambda: normal_weights([1.0], -1.0), "at least 0"),
        (lambda: normal_weights([math.nan]), "finite"),
        (lambda: cusum_path([1.0], 0.0), "above zero"),
        (lambda: cusum_batch(np.ones((2, 3)), np.ones(3)), "one threshold per series"),
        (lambda: normal_threshold.__wrapped__(0.5, 1.5, 36), "between 0 and 1"),
        (lambda: normal_threshold.__wrapped__(0.5, 0.05, 0), "positive integer"),
        (lambda: normal_threshold.__wrapped__(0.5, 0.0001, 36), "at least 10000"),
        (lambda: poisson_threshold.__wrapped__(0.0), "positive"),
        (lambda: binomial_threshold.__wrapped__(0, 0.1), "positive integer"),
        (lambda: bernoulli_threshold([0.0, 0.1]), "strictly in"),
        (lambda: arl(0.5, 0.0), "h must be"),
        (lambda: false_alarm_probability(0.5, 4.0, 0), "positive integer"),
    ],
)
def test_bad_arguments_are_refused_with_the_reason(call: object, message: str) -> None:
    assert callable(call)
    with pytest.raises(ValueError, match=message):
        call()


def test_simulated_threshold_takes_any_sampler() -> None:
    # weights that are always 1: every series reaches the horizon's sum, so no threshold
    # at or below it keeps false alarms under 5%; h is placed just above it
    threshold = simulated_threshold(lambda rng, n, t: np.ones((n, t)), 0.05, 10)
    assert threshold.h > 10 and threshold.achieved == 0.0
