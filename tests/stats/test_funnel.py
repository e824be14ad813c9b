"""Funnel plots against hand calculation and FunnelPlotR's rules (docs/methods.md section 2)."""

from __future__ import annotations

import csv
import math
from random import Random
from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qsgrules.stats.funnel import Z_95, Z_998, FunnelKind, funnel

from .ae_data import AE_CSV

TOL = 1e-6
DATA = AE_CSV  # vendored with the repository: its absence is a failure


# --------------------------------------------------------------------------- hand reference


def quantile_type7(values: list[float], p: float) -> float:
    """R's default quantile: linear interpolation between order statistics."""
    x = sorted(values)
    h = (len(x) - 1) * p
    lo = math.floor(h)
    hi = min(lo + 1, len(x) - 1)
    return x[lo] + (h - lo) * (x[hi] - x[lo])


class HandFunnel(NamedTuple):
    theta: float
    y0: float
    z: list[float]
    phi: float
    tau2: float

    def limits(self, k: int, z_a: float) -> tuple[float, float]:
        spread = z_a * math.sqrt(1 / (4 * k) + (self.tau2 if self.phi > 1 else 0.0))
        return (
            math.sin(max(0.0, self.y0 - spread)) ** 2,
            math.sin(min(math.pi / 2, self.y0 + spread)) ** 2,
        )


def hand_proportion_funnel(o: list[int], n: list[int], trim: float = 0.1) -> HandFunnel:
    """Spiegelhalter's proportion funnel written out longhand, one provider at a time."""
    theta = sum(o) / sum(n)
    y0 = math.asin(math.sqrt(theta))
    s = [1 / (2 * math.sqrt(k)) for k in n]
    z = [(math.asin(math.sqrt(a / k)) - y0) / se for a, k, se in zip(o, n, s, strict=True)]
    low, high = quantile_type7(z, trim), quantile_type7(z, 1 - trim)
    winsorised = [min(max(v, low), high) for v in z]
    count = len(z)
    phi = sum(v * v for v in winsorised) / count
    w = [1 / se**2 for se in s]
    tau2 = max(0.0, (count * phi - (count - 1)) / (sum(w) - sum(v * v for v in w) / sum(w)))
    return HandFunnel(theta, y0, z, phi, tau2)


# --------------------------------------------------------------------------- METHODS vectors


@pytest.mark.parametrize("kind", ["ratio_shmi", "ratio_cqc"])
def test_exact_poisson_limits(kind: FunnelKind) -> None:
    expected = {
        15: (0.5596924, 1.649348),
        20: (0.6108260, 1.544419),
        30: (0.6746958, 1.427562),
    }
    on_target = funnel([15, 20, 30], [15, 20, 30], kind=kind)
    assert on_target.phi == 0 and not on_target.adjusted
    for e, (lower, upper) in expected.items():
        got = on_target.limits(float(e), 0.95)
        assert got == pytest.approx((lower, upper), abs=TOL)
    lowers, uppers = on_target.limits(np.array([15.0, 20.0, 30.0]), 0.95)
    assert lowers == pytest.approx([v[0] for v in expected.values()], abs=TOL)
    assert uppers == pytest.approx([v[1] for v in expected.values()], abs=TOL)
    wide = on_target.limits(20.0, 0.998)
    assert wide[0] < expected[20][0] and wide[1] > expected[20][1]


def test_constants_are_funnelplotr_s() -> None:
    assert (Z_95, Z_998) == (1.959964, 3.090232)


# --------------------------------------------------------------------------- proportions

O_SMALL = [10, 20, 30, 5, 50, 3, 90, 41, 12, 70]
N_SMALL = [100, 150, 200, 80, 300, 90, 400, 160, 110, 240]


def test_proportion_matches_hand_calculation() -> None:
    hand = hand_proportion_funnel(O_SMALL, N_SMALL)
    result = funnel(O_SMALL, N_SMALL)
    assert result.target == pytest.approx(hand.theta, rel=1e-12)
    assert result.z == pytest.approx(hand.z, rel=1e-12)
    assert result.phi == pytest.approx(hand.phi, rel=1e-12)
    assert result.tau2 == pytest.approx(hand.tau2, rel=1e-12)
    assert result.phi > 1 and result.adjusted
    for level, z_a in ((0.95, Z_95), (0.998, Z_998)):
        for k in N_SMALL:
            assert result.limits(float(k), level) == pytest.approx(hand.limits(k, z_a), rel=1e-12)
    adjusted = (result.y - result.y0) / np.sqrt(result.s**2 + result.tau2)
    assert result.z_adjusted == pytest.approx(adjusted, rel=1e-12)
    # an outlier is outside its own limits, and |z_adjusted| says the same thing
    for level, z_a in ((0.95, Z_95), (0.998, Z_998)):
        by_z = np.where(np.abs(result.z_adjusted) > z_a, np.sign(result.z_adjusted), 0)
        assert result.outliers(level).tolist() == by_z.tolist()


def test_no_overdispersion_gives_unadjusted_limits() -> None:
    result = funnel([10, 20, 30], [100, 200, 300])  # every provider exactly on target
    assert result.phi == 0 and result.tau2 == 0 and not result.adjusted
    assert np.array_equal(result.z_adjusted, result.z)
    y0, spread = math.asin(math.sqrt(0.1)), Z_95 / (2 * math.sqrt(200))
    expected = (math.sin(y0 - spread) ** 2, math.sin(y0 + spread) ** 2)
    assert result.limits(200.0, 0.95) == pytest.approx(expected, rel=1e-12)


def test_overdispersion_off_keeps_estimates_but_not_the_adjustment() -> None:
    on = funnel(O_SMALL, N_SMALL)
    off = funnel(O_SMALL, N_SMALL, overdispersion=False)
    assert (off.phi, off.tau2) == (on.phi, on.tau2) and not off.adjusted
    assert np.array_equal(off.z_adjusted, off.z)
    assert off.limits(100.0, 0.95)[1] < on.limits(100.0, 0.95)[1]


def test_proportion_lower_limit_does_not_fold_back() -> None:
    result = funnel([0, 1, 0], [5, 10, 20], target=0.02)
    lower, upper = result.limits(np.array([1.0, 5.0, 1e6]), 0.998)
    assert lower[0] == 0.0 and lower[1] == 0.0 and 0 < lower[2] < 0.02 < upper[2]
    assert result.outliers(0.998).tolist() == [0, 0, 0]


def test_target_defaults() -> None:
    assert funnel([1, 3], [10, 10]).target == pytest.approx(0.2)
    assert funnel([1, 3], [10, 10], kind="ratio_cqc").target == 1.0
    assert funnel([1, 3], [10, 10], kind="ratio_shmi", target=0.5).y0 == math.log(0.5)


# --------------------------------------------------------------------------- ratios


def test_shmi_truncates_by_funnelplotr_rank_rule() -> None:
    expected = np.linspace(20, 200, 20)
    observed = np.round(expected * np.linspace(0.6, 1.5, 20)) + 1
    result = funnel(observed, expected, kind="ratio_shmi")
    ranks = np.argsort(np.argsort(result.z)) + 1
    assert result.included.tolist() == [r not in (1, 2, 19, 20) for r in ranks]
    z = np.sqrt(expected) * np.log(observed / expected)
    assert result.z == pytest.approx(z, rel=1e-12)
    kept = z[result.included]
    phi = float(np.mean(kept**2))
    w = expected[result.included]  # 1 / s^2 = E
    tau2 = (kept.size * phi - (kept.size - 1)) / (w.sum() - (w**2).sum() / w.sum())
    assert result.phi == pytest.approx(phi, rel=1e-12)
    assert result.tau2 == pytest.approx(max(0.0, tau2), rel=1e-12)
    assert result.adjusted
    spread = Z_95 * math.sqrt(1 / 50 + result.tau2)
    assert result.limits(50.0, 0.95) == pytest.approx((math.exp(-spread), math.exp(spread)))


def test_cqc_winsorises_and_squares_back() -> None:
    expected = np.linspace(20, 200, 20)
    observed = np.round(expected * np.linspace(0.5, 1.6, 20))
    result = funnel(observed, expected, kind="ratio_cqc")
    z = (np.sqrt(observed / expected) - 1) * 2 * np.sqrt(expected)
    assert result.z == pytest.approx(z, rel=1e-12)
    low, high = quantile_type7(z.tolist(), 0.1), quantile_type7(z.tolist(), 0.9)
    assert result.phi == pytest.approx(float(np.mean(np.clip(z, low, high) ** 2)), rel=1e-12)
    assert result.included.all() and result.adjusted
    spread = Z_998 * math.sqrt(1 / (4 * 80) + result.tau2)
    assert result.limits(80.0, 0.998) == pytest.approx(((1 - spread) ** 2, (1 + spread) ** 2))


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("o", "n", "kwargs", "message"),
    [
        ([1, 2], [10, 0], {}, "zero at indices \\[1\\]"),
        ([1, 2], [10, 0], {"kind": "ratio_cqc"}, "zero"),
        ([11, 2], [10, 5], {}, "exceeds its denominator"),
        ([0, 2], [10, 5], {"kind": "ratio_shmi"}, "zero numerator"),
        ([-1, 2], [10, 5], {}, "numerators must be >= 0"),
        ([1, 2], [10, -5], {}, "negative"),
        ([1, 2, 3], [10, 5], {}, "differ in length"),
        ([], [], {}, "non-empty"),
        ([1, math.nan], [10, 5], {}, "finite"),
        ([1, 2], [10, 5], {"kind": "odds"}, "kind"),
        ([1, 2], [10, 5], {"trim": 0.5}, "trim"),
        ([1, 2], [10, 5], {"target": 1.5}, "target"),
        ([1, 2], [10, 5], {"kind": "ratio_cqc", "target": 0}, "target"),
    ],
)
def test_invalid_input_raises(
    o: list[float], n: list[float], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        funnel(o, n, **kwargs)  # type: ignore[arg-type]


def test_invalid_level_and_denominator_raise() -> None:
    result = funnel(O_SMALL, N_SMALL)
    with pytest.raises(ValueError, match="level"):
        result.limits(100.0, 0.99)
    with pytest.raises(ValueError, match="level"):
        result.outliers(95)
    with pytest.raises(ValueError, match="denominator"):
        result.limits(0.0, 0.95)


def test_result_arrays_are_frozen_copies() -> None:
    o = np.array(O_SMALL, dtype=float)
    result = funnel(o, N_SMALL)
    assert o.flags.writeable
    with pytest.raises(ValueError):
        result.z[0] = 0.0


# --------------------------------------------------------------------------- properties


@st.composite
def providers(draw: st.DrawFn) -> tuple[FunnelKind, list[float], list[float]]:
    kinds: list[FunnelKind] = ["proportion", "ratio_shmi", "ratio_cqc"]
    kind = draw(st.sampled_from(kinds))
    size = draw(st.integers(1, 40))
    if kind == "proportion":
        n = draw(st.lists(st.integers(1, 100_000), min_size=size, max_size=size))
        return kind, [float(draw(st.integers(0, k))) for k in n], [float(k) for k in n]
    e = draw(st.lists(st.floats(0.5, 5_000), min_size=size, max_size=size))
    lowest = 1 if kind == "ratio_shmi" else 0
    return kind, [float(draw(st.integers(lowest, max(lowest, int(3 * v))))) for v in e], e


@settings(deadline=None, max_examples=100)
@given(data=providers(), rng=st.randoms(use_true_random=False), overdispersion=st.booleans())
def test_permuting_providers_permutes_z_only(
    data: tuple[FunnelKind, list[float], list[float]], rng: Random, overdispersion: bool
) -> None:
    kind, o, n = data
    order = list(range(len(o)))
    rng.shuffle(order)
    a = funnel(o, n, kind=kind, overdispersion=overdispersion)
    b = funnel(
        [o[i] for i in order], [n[i] for i in order], kind=kind, overdispersion=overdispersion
    )
    assert np.array_equal(b.z, a.z[order])
    assert np.array_equal(b.included, a.included[order])
    assert b.phi == pytest.approx(a.phi, rel=1e-12, abs=1e-300)
    assert b.tau2 == pytest.approx(a.tau2, rel=1e-9, abs=1e-300)
    assert b.target == pytest.approx(a.target, rel=1e-12)


@settings(deadline=None, max_examples=100)
@given(data=providers(), overdispersion=st.booleans())
def test_wide_limit_outliers_are_narrow_limit_outliers(
    data: tuple[FunnelKind, list[float], list[float]], overdispersion: bool
) -> None:
    kind, o, n = data
    result = funnel(o, n, kind=kind, overdispersion=overdispersion)
    wide, narrow = result.outliers(0.998), result.outliers(0.95)
    flagged = wide != 0
    assert np.array_equal(narrow[flagged], wide[flagged])
    low95, up95 = result.limits(result.denominators, 0.95)
    low998, up998 = result.limits(result.denominators, 0.998)
    assert np.all(low998 <= low95) and np.all(up95 <= up998) and np.all(low95 <= up95)


# --------------------------------------------------------------------------- real data


def load_month(period: str) -> tuple[list[str], list[int], list[int]]:
    orgs, breaches, attendances = [], [], []
    with DATA.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["type"] == "1" and row["period"] == period and int(row["attendances"]) > 0:
                orgs.append(row["org_code"])
                breaches.append(int(row["breaches"]))
                attendances.append(int(row["attendances"]))
    return orgs, breaches, attendances


def test_real_ae_cross_section_matches_hand_calculation() -> None:
    orgs, breaches, attendances = load_month("2019-03-01")
    assert len(orgs) > 100 and "RF4" in orgs
    hand = hand_proportion_funnel(breaches, attendances)
    result = funnel(breaches, attendances)
    assert result.target == pytest.approx(hand.theta, rel=1e-12)
    assert result.z == pytest.approx(hand.z, rel=1e-9)
    assert result.phi == pytest.approx(hand.phi, rel=1e-9)
    assert result.tau2 == pytest.approx(hand.tau2, rel=1e-9)
    assert result.phi > 1 and result.adjusted  # NHS-sized denominators are over-dispersed

    rf4 = orgs.index("RF4")
    pct = breaches[rf4] / attendances[rf4]
    for level, z_a in ((0.95, Z_95), (0.998, Z_998)):
        lower, upper = hand.limits(attendances[rf4], z_a)
        assert result.limits(float(attendances[rf4]), level) == pytest.approx(
            (lower, upper), rel=1e-9
        )
        expected = -1 if pct < lower else (1 if pct > upper else 0)
        assert result.outliers(level)[rf4] == expected

    # the adjustment is what keeps the funnel from flagging almost everyone
    unadjusted = funnel(breaches, attendances, overdispersion=False)
    assert np.count_nonzero(unadjusted.outliers(0.998)) > 2 * np.count_nonzero(
        result.outliers(0.998)
    )


@pytest.mark.slow
@given(
    st.lists(
        st.sampled_from([-2.0, -1.0, 0.0, 0.5, 1.0, 3.0]) | st.floats(-5, 5, allow_nan=False),
        min_size=1,
        max_size=40,
    )
)
def test_average_ranks_equal_scipys_rankdata(values: list[float]) -> None:
    from scipy import stats

    from qsgrules.stats.funnel import _average_ranks

    z = np.array(values)
    assert np.array_equal(_average_ranks(z), stats.rankdata(z, method="average"))
