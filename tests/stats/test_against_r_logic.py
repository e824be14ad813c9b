"""qsgrules.stats against independent transcriptions of NHSRplotthedots and FunnelPlotR.

R is not available here, so ``rtools_reference`` transcribes the R functions (cited there,
with commits) in plain loops; these tests check the transcription against the R packages'
own test vectors and then compare qsgrules with it on every type-1 provider and every
month of ``data/nhs/ae_attendances.csv``.

Known deviations of qsgrules from the R code (tied step inside adjacent trends, MRbar = 0
with screening, clipped proportion limits, adjustment only when phi > 1) do not arise in
this data set; ``test_known_deviation_conditions_do_not_arise_in_the_data`` checks that,
so the exact comparisons below are not hiding one.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict

import pytest

from qsgrules.stats.funnel import funnel
from qsgrules.stats.spc import xmr

from . import rtools_reference as r
from .ae_data import AE_CSV

DATA = AE_CSV

SPC_ABS_TOL = 1e-6
FUNNEL_REL_TOL = 1e-9

# R's special_cause_type strings (R/ptd_calculate_point_type.R) -> qsgrules labels.
R_LABEL = {
    "Above UCL": "above_upper_limit",
    "Below LCL": "below_lower_limit",
    "7 Point Trend (Increasing)": "trend_increasing",
    "7 Point Trend (Decreasing)": "trend_decreasing",
    "2 in 3 Above CL": "two_in_three_above",
    "2 in 3 Below CL": "two_in_three_below",
    "7 Points Above CL": "run_above",
    "7 Points Below CL": "run_below",
    "Common Cause": "common_cause",
}


def _type1_rows() -> list[dict[str, str]]:
    with DATA.open(newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["type"] == "1"]


def provider_series() -> dict[str, list[float]]:
    """% not seen within 4 hours per provider, in period order (gaps closed, as R does)."""
    by_org: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for row in _type1_rows():
        pct = 100 * int(row["breaches"]) / int(row["attendances"])
        by_org[row["org_code"]].append((row["period"], pct))
    return {org: [v for _, v in sorted(pairs)] for org, pairs in sorted(by_org.items())}


def month_cross_sections() -> dict[str, tuple[list[int], list[int]]]:
    """(breaches, attendances) of every type-1 provider, per month."""
    by_month: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for row in _type1_rows():
        breaches, attendances = by_month[row["period"]]
        breaches.append(int(row["breaches"]))
        attendances.append(int(row["attendances"]))
    return dict(sorted(by_month.items()))


SERIES = provider_series()
MONTHS = month_cross_sections()


def _rel(a: float, b: float) -> float:
    return abs(a - b) / abs(b) if b != 0 else abs(a)


# --------------------------------------------------------------------------- the transcription


def test_transcription_reproduces_nhsrplotthedots_unit_tests() -> None:
    """Vectors from NHSRplotthedots tests/testthat/test-ptd_calculate_point_type.R."""
    assert r.ptd_seven_point_one_side_mean([1] * 6) == [0] * 6
    assert r.ptd_seven_point_one_side_mean([*[1] * 6, -1]) == [0] * 7
    assert r.ptd_seven_point_one_side_mean([*[1] * 8, -1]) == [0] * 6 + [1, 1, 0]
    assert r.ptd_seven_point_one_side_mean([*[-1] * 8, 1]) == [0] * 6 + [1, 1, 0]
    assert r.ptd_part_of_seven_trend([*[0] * 6, 1, 0]) == [1] * 7 + [0]
    assert r.ptd_part_of_seven_trend([*[0] * 7, -1, 0]) == [0] + [1] * 7 + [0]
    assert r.ptd_seven_point_trend([1, 2, 3, 4, 5, 6]) == [0] * 6
    assert r.ptd_seven_point_trend([1, 2, 3, 3, 4, 5, 6]) == [0] * 7
    assert r.ptd_seven_point_trend([1, 2, 3, 4, 5, 6, 7]) == [0] * 6 + [1]
    assert r.ptd_seven_point_trend([2, 1, 2, 3, 4, 5, 6, 7, 3]) == [0] * 7 + [1, 0]
    assert r.ptd_seven_point_trend([7, 6, 5, 4, 3, 2, 1]) == [0] * 6 + [-1]
    assert r.ptd_seven_point_trend([2, 7, 6, 5, 4, 3, 2, 1, 3]) == [0] * 7 + [-1, 0]
    for v in ([1, 0, 1], [0, 1, 1], [1, 1, 0]):
        assert r.ptd_two_in_three(v, [1, 1, 1]) == [1, 1, 1]
        assert r.ptd_two_in_three(v, [1, -1, 1]) == [0, 0, 0]
    assert r.ptd_two_in_three([0, 0, 1, 0, 1, 0, 0], [1] * 7) == [0, 0, 1, 1, 1, 0, 0]
    assert r.ptd_two_in_three([0, 0, 1, 1, 0, 0, 0], [1] * 7) == [0, 1, 1, 1, 1, 0, 0]
    assert r.ptd_two_in_three([0, 0, 1, 0, 1, 0, 0], [1, -1] * 3 + [1]) == [0] * 7
    hv = [1, 0, 0, 1]
    assert r.ptd_part_of_two_in_three(r.ptd_two_in_three(hv, [1] * 4), hv) == [0] * 4
    iv = [1, 0, 0, 1, 1]
    assert r.ptd_part_of_two_in_three(r.ptd_two_in_three(iv, [1] * 5), iv) == [0, 0, 0, 1, 1]


def test_transcription_reproduces_published_limits() -> None:
    """docs/methods.md section 1 vectors (NHSRplotthedots' documentation and tests)."""
    eighteen = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    plain = r.ptd_spc(eighteen, screen_outliers=False)
    assert plain.standard.mean_col == pytest.approx(1.944444, abs=1e-6)
    assert plain.standard.lpl == pytest.approx(-3.062614, abs=1e-6)
    assert plain.standard.upl == pytest.approx(6.951503, abs=1e-6)
    assert plain.special_cause_type[4] == "Above UCL"
    screened = r.ptd_spc(eighteen)
    assert screened.standard.lpl == pytest.approx(-0.715556, abs=1e-6)
    assert screened.standard.upl == pytest.approx(4.604444, abs=1e-6)
    rnorm = [
        -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499,
        0.46091621, -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383,
        0.40077145, 0.11068272, -0.55584113, 1.78691314, 0.49785048, -1.96661716,
        0.70135590, -0.47279141,
    ]  # fmt: skip
    result = r.ptd_spc(rnorm)
    assert result.standard.mean_col == pytest.approx(0.1416238, abs=1e-7)
    assert result.standard.lpl == pytest.approx(-3.01138, abs=1e-5)
    assert result.standard.upl == pytest.approx(3.294627, abs=1e-6)
    assert set(result.special_cause_type) == {"Common Cause"}


def test_transcription_quantile_is_r_type_7() -> None:
    # R: quantile(c(3, 1, 4, 1, 5, 9, 2, 6), c(0.1, 0.9)) -> 1.0, 6.9
    x = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]
    assert r.r_quantile7(x, 0.1) == pytest.approx(1.0)
    assert r.r_quantile7(x, 0.9) == pytest.approx(6.9)
    assert r.r_quantile7(x, 0.5) == pytest.approx(3.5)


# --------------------------------------------------------------------------- XmR on A&E


def test_ae_data_shape() -> None:
    assert len(SERIES) == 140
    assert sum(len(v) for v in SERIES.values()) == 4932
    assert min(len(v) for v in SERIES.values()) >= 12
    assert len(MONTHS) == 36


@pytest.mark.parametrize("screen", [True, False], ids=["screened", "unscreened"])
def test_xmr_matches_nhsrplotthedots_on_every_provider(screen: bool) -> None:
    target = 5.0  # the four-hour standard, for the assurance icon
    worst = 0.0
    mismatches: list[str] = []
    seen: set[str] = set()
    for org, y in SERIES.items():
        ours = xmr(y, screen_outliers=screen, improvement="decrease", target=target)
        ref = r.ptd_spc(y, screen_outliers=screen, improvement_direction="decrease")
        std = ref.standard
        for name, a, b in (
            ("mean", ours.mean, std.mean_col),
            ("mr_bar", ours.mr_bar, std.amr),
            ("lpl", ours.lpl, std.lpl),
            ("upl", ours.upl, std.upl),
            ("near_lpl", ours.near_lpl, std.nlpl),
            ("near_upl", ours.near_upl, std.nupl),
        ):
            worst = max(worst, abs(a - b))
            if not abs(a - b) <= SPC_ABS_TOL:
                mismatches.append(f"{org} {name}: qsgrules {a!r} R {b!r}")
        for i, (point, label, ptype) in enumerate(
            zip(ours.points, ref.special_cause_type, ref.point_type, strict=True)
        ):
            seen.add(label)
            if point.special_cause != R_LABEL[label] or point.point_type != ptype:
                mismatches.append(
                    f"{org}[{i}] y={point.value!r}: qsgrules {point.special_cause}/"
                    f"{point.point_type}, R {label}/{ptype}"
                )
        if ours.trial_limits != ref.short_group_warning:
            mismatches.append(f"{org} trial limits {ours.trial_limits} vs R")
        if ours.variation != ref.point_type[-1]:
            mismatches.append(f"{org} variation {ours.variation} vs R {ref.point_type[-1]}")
        r_assurance = r.ptd_calculate_assurance_type(ref, target, "decrease")
        if ours.assurance != r_assurance:
            mismatches.append(f"{org} assurance {ours.assurance} vs R {r_assurance}")
    assert mismatches == []
    assert worst <= SPC_ABS_TOL
    # the comparison exercised every rule in both directions
    assert seen == set(R_LABEL)


def test_xmr_fixed_limits_match_nhsrplotthedots() -> None:
    """fix_after_n_points = 12 (R's minimum) on the providers with 36 months."""
    mismatches: list[str] = []
    for org, y in SERIES.items():
        if len(y) < 24:
            continue
        ours = xmr(y, fix_after=12, improvement="decrease")
        ref = r.ptd_spc(y, fix_after_n_points=12, improvement_direction="decrease")
        for name, a, b in (
            ("mean", ours.mean, ref.standard.mean_col),
            ("lpl", ours.lpl, ref.standard.lpl),
            ("upl", ours.upl, ref.standard.upl),
        ):
            if not abs(a - b) <= SPC_ABS_TOL:
                mismatches.append(f"{org} {name}: qsgrules {a!r} R {b!r}")
        got = [(p.special_cause, p.point_type) for p in ours.points]
        want = [
            (R_LABEL[lab], t) for lab, t in zip(ref.special_cause_type, ref.point_type, strict=True)
        ]
        if got != want:
            mismatches.append(f"{org}: labels differ")
    assert mismatches == []


@pytest.mark.parametrize(
    ("rebase_at", "fix_after"),
    [([18], None), ([12, 24], None), ([12], 12), ([6, 20], None)],
)
def test_xmr_rebased_matches_nhsrplotthedots_rebase(
    rebase_at: list[int], fix_after: int | None
) -> None:
    """NHSRplotthedots' ``rebase``: each group has its own mean, limits and rules (and its own
    fix_after_n_points); every provider with 36 months, several break points."""
    mismatches: list[str] = []
    checked = 0
    for org, y in SERIES.items():
        if len(y) < 36:
            continue
        ours = xmr(y, rebase_at=rebase_at, fix_after=fix_after, improvement="decrease")
        groups = r.ptd_spc_rebased(
            y, rebase_at, fix_after_n_points=fix_after, improvement_direction="decrease"
        )
        assert len(ours.segments) == len(groups)
        for seg, ref in zip(ours.segments, groups, strict=True):
            for name, a, b in (
                ("mean", seg.mean, ref.standard.mean_col),
                ("lpl", seg.lpl, ref.standard.lpl),
                ("upl", seg.upl, ref.standard.upl),
            ):
                if not abs(a - b) <= SPC_ABS_TOL:
                    mismatches.append(f"{org} {seg.start} {name}: qsgrules {a!r} R {b!r}")
            got = [(p.special_cause, p.point_type) for p in ours.points[seg.start : seg.end]]
            want = [
                (R_LABEL[lab], t)
                for lab, t in zip(ref.special_cause_type, ref.point_type, strict=True)
            ]
            if got != want:
                mismatches.append(f"{org} segment from {seg.start}: labels differ")
            checked += 1
    assert mismatches == []
    assert checked > 100


# --------------------------------------------------------------------------- funnel on A&E


def test_funnel_matches_funnelplotr_every_month() -> None:
    mismatches: list[str] = []
    worst: dict[str, float] = defaultdict(float)

    def check(month: str, name: str, a: float, b: float) -> None:
        worst[name] = max(worst[name], _rel(a, b))
        if not math.isclose(a, b, rel_tol=FUNNEL_REL_TOL):
            mismatches.append(f"{month} {name}: qsgrules {a!r} R {b!r}")

    for month, (breaches, attendances) in MONTHS.items():
        ours = funnel(breaches, attendances, kind="proportion")
        ref = r.fpr_funnel_plot_pr(breaches, attendances)
        check(month, "target", ours.target, ref.target)
        check(month, "y0", ours.y0, ref.target_transformed)
        check(month, "phi", ours.phi, ref.phi)
        check(month, "tau2", ours.tau2, ref.tau2)
        if ours.adjusted != ref.draw_adjusted:
            mismatches.append(f"{month} adjusted {ours.adjusted} vs R {ref.draw_adjusted}")
        for i, (a, b) in enumerate(zip(ours.z.tolist(), ref.uzscore, strict=True)):
            check(month, f"z[{i}]", a, b)
        for level, key, r_flags in (
            (0.95, "95", ref.outlier95),
            (0.998, "99.8", ref.outlier998),
        ):
            lower, upper = ours.limits(ours.denominators, level)
            r_lower, r_upper = ref.limits[key]
            for i in range(len(attendances)):
                check(month, f"lower{key}", float(lower[i]), r_lower[i])
                check(month, f"upper{key}", float(upper[i]), r_upper[i])
            flags = [int(v != 0) for v in ours.outliers(level).tolist()]
            if flags != r_flags:
                mismatches.append(f"{month} outliers at {key}% differ")
    assert mismatches == []
    assert max(worst.values()) <= FUNNEL_REL_TOL


# --------------------------------------------------------------------------- guards


def test_known_deviation_conditions_do_not_arise_in_the_data() -> None:
    """qsgrules departs from the R code only in cases this data set does not contain.

    * NHSRplotthedots labels a point "Decreasing" when it is in a trend and the step to
      the next (also trend) point is a tie (``ifelse(sdy == 1, "In", "De")``);
    * with screening and MRbar = 0, R's amr is NaN (every range screened out);
    * FunnelPlotR draws adjusted limits whenever tau2 > 0 (phi > (n - 1) / n), qsgrules
      only when phi > 1;
    * FunnelPlotR's PR lower limit is sin(y0 - spread)^2 unclipped, qsgrules clips at 0.
    """
    for org, y in SERIES.items():
        part = r.ptd_part_of_seven_trend(r.ptd_seven_point_trend(y))
        for i in range(len(y) - 1):
            assert not (part[i] and part[i + 1] and y[i + 1] == y[i]), org
        assert r.ptd_spc_standard(y).amr > 0, org
    for month, (breaches, attendances) in MONTHS.items():
        ref = r.fpr_funnel_plot_pr(breaches, attendances)
        assert ref.phi > 1, month
        spread = r.FPR_Z998 * math.sqrt(1 / (4 * min(attendances)) + ref.tau2)
        assert ref.target_transformed - spread > 0, month
