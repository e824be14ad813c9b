"""Trend limits come from a baseline before the judged window: a worse past month, or a worse
judged month, cannot argue a signal away; numbers are printed so comparisons read true."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from qsgrules.api import run_triage
from qsgrules.bundled import default_ruleset, demo_workspace
from qsgrules.evidence.trend import trend_breaches
from qsgrules.model.numbers import apart
from qsgrules.model.vocabulary import HardTest, Strength
from qsgrules.ruleset import parse_ruleset
from qsgrules.workspace import Observations

MONTH0 = 2017 * 12  # 2017-01


def _worsen(ws: Path, code: str, period: str, by: float) -> None:
    path = ws / "indicators.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    out = [lines[0]]
    for line in lines[1:]:
        row = dict(zip(header, next(csv.reader([line])), strict=True))
        if (row["provider"], row["indicator"], row["period"]) == (code, "ae_4hr_type1", period):
            den = float(row["denominator"])
            num = round(float(row["numerator"]) + den * by / 100)
            row.update(numerator=str(num), value=str(100 * num / den))
            buf = io.StringIO()
            csv.writer(buf, lineterminator="").writerow([row[h] for h in header])
            line = buf.getvalue()
        out.append(line)
    path.write_text("\n".join(out) + "\n")


def _trend(ws: Path | None, ruleset: object = None) -> list[tuple[HardTest, Strength]]:
    result = run_triage(ws, ruleset, as_of="2018-10", providers=["RVR"])  # type: ignore[arg-type]
    return [(h.test, h.strength) for h in result.proposals[0].evidence.hard if h.test == "trend"]


def test_a_worse_judged_month_keeps_rvrs_signal(tmp_path: Path) -> None:
    # As filed: RVR as of 2018-10 lost its signal when 2018-09 was one point worse, because
    # the limits were computed over the months being judged.
    ws = tmp_path / "ws"
    shutil.copytree(demo_workspace(), ws)
    assert _trend(ws) == [(HardTest.TREND, Strength.STRONG)]
    _worsen(ws, "RVR", "2018-09", 1.0)
    assert _trend(ws) == [(HardTest.TREND, Strength.STRONG)]


def test_whole_series_limits_are_kept_as_an_option_and_show_the_old_behaviour(
    tmp_path: Path,
) -> None:
    text = (
        default_ruleset()
        .read_text()
        .replace(
            "      months: 3\n      signals:",
            "      months: 3\n      baseline: whole_series\n      signals:",
        )
    )
    ruleset = parse_ruleset(text, "whole.yaml")
    ws = tmp_path / "ws"
    shutil.copytree(demo_workspace(), ws)
    before = _trend(ws, ruleset)
    _worsen(ws, "RVR", "2018-09", 1.0)
    assert before and _trend(ws, ruleset) == []  # the filed problem, still there on request


def test_the_explanation_shows_the_baseline_and_a_visibly_true_comparison() -> None:
    result = run_triage(as_of="2018-10", providers=["RVR"])
    trend = next(h for h in result.proposals[0].evidence.hard if h.test == "trend")
    assert trend.spc is not None
    assert (trend.spc.baseline_points, trend.spc.baseline_from, trend.spc.baseline_to) == (
        24,
        "2016-08",
        "2018-07",
    )
    assert "limits from the 24 months 2016-08 to 2018-07" in trend.detail
    assert "10.1% in 2018-10 is above the upper process limit 10.0%" in trend.detail


@given(a=st.floats(-1e6, 1e6), b=st.floats(-1e6, 1e6))
def test_printed_numbers_keep_their_order(a: float, b: float) -> None:
    x, y = apart(a, b)
    if a < b:
        assert float(x) < float(y) or abs(a - b) < 1e-6
    elif a == b:
        assert x == y


def _observations(series: list[float]) -> Observations:
    n = len(series)
    return Observations.from_columns(
        np.array(["P"] * n, dtype=np.str_),
        np.array(["ae_4hr_type1"] * n, dtype=np.str_),
        np.arange(MONTH0, MONTH0 + n, dtype=np.int64),
        np.array(series, dtype=np.float64),
        np.full(n, np.nan),
        np.full(n, np.nan),
    )


MONOTONE = parse_ruleset(
    default_ruleset()
    .read_text()
    .replace(
        "signals: [outside_limits, trend, two_in_three, run]",
        "signals: [outside_limits, two_in_three, run]",
    ),
    "monotone.yaml",
)
BASE = 24


@given(
    series=st.lists(st.floats(5, 40, allow_nan=False), min_size=BASE + 3, max_size=BASE + 3),
    judged=st.integers(BASE, BASE + 2),
    worse=st.floats(0.01, 20),
)
def test_with_the_baseline_fixed_a_worse_judged_month_never_removes_a_signal(
    series: list[float], judged: int, worse: float
) -> None:
    """outside_limits, two_in_three and run signals of concern are monotone in a judged month.

    (A `trend` signal is not: a steeper middle point can break a run of rises. And a point
    pushed beyond the process limit stops counting towards two-in-three, but is then outside
    the limits itself, a strong signal: the finding stays and its strength never falls.)
    """
    as_of = MONTH0 + BASE + 2
    before = trend_breaches(_observations(series), MONOTONE.spec, as_of).get("P", [])
    worsened = list(series)
    worsened[judged] += worse
    after = trend_breaches(_observations(worsened), MONOTONE.spec, as_of).get("P", [])
    if before:
        assert after, (series, judged, worse)
        assert after[0].strength >= before[0].strength


def test_a_baseline_of_exactly_min_points_is_tested_and_one_fewer_is_not() -> None:
    # steady months, then a last month far above them: beyond the upper process limit
    steady = [10.0, 11.0, 10.0, 12.0, 11.0, 10.0, 11.0, 12.0, 10.0, 11.0, 10.0, 11.0, 10.0]
    spec = parse_ruleset(default_ruleset().read_text(), "default.yaml").spec
    test = spec.indicators["ae_4hr_type1"].trend
    assert test is not None and test.min_points == 12 and test.months == 3
    judged = [11.0, 10.0, 40.0]
    # exactly min_points months before the judged window: the chart is tested
    at = _observations(steady[1:] + judged)
    found = trend_breaches(at, spec, MONTH0 + 12 + 2).get("P", [])
    assert [(h.test, h.strength) for h in found] == [(HardTest.TREND, Strength.STRONG)]
    assert found[0].spc is not None and found[0].spc.baseline_points == 12
    # one month fewer: too short a baseline to test, so no finding
    short = _observations(steady[2:] + judged)
    assert trend_breaches(short, spec, MONTH0 + 11 + 2).get("P", []) == []
