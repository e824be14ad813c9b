"""Rebasing as the QSG's decision (issue 20, item 3): recorded in the register, applied by
every trend test, CUSUM and chart, suggested (never applied) after a sustained shift."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from stats import rtools_reference as r

from qsgrules import api_register
from qsgrules import register as R
from qsgrules.api import meeting_pack, run_triage
from qsgrules.bundled import default_ruleset, demo_workspace
from qsgrules.cli.main import cli
from qsgrules.errors import InputError
from qsgrules.evidence.cusum import cusum_runs
from qsgrules.evidence.series import indicator_charts
from qsgrules.evidence.trend import trend_breaches
from qsgrules.model.months import month_number
from qsgrules.model.rebase import Rebase, rebase_months
from qsgrules.register.kinds.rebases import RebaseBody
from qsgrules.register.rebases import rebases, record_rebase
from qsgrules.reports.charts import chart_data
from qsgrules.ruleset import load_ruleset
from qsgrules.ruleset.schema import CusumTest, Ruleset
from qsgrules.stats.spc import xmr
from qsgrules.workspace import load_workspace

MEETING = "M-2019-04-10"
AS_OF = month_number("2019-03") or 0
RULESET = load_ruleset(default_ruleset())
DEMO = load_workspace(demo_workspace())
REASON = "Waiting list validated and a new theatre schedule from July 2018"


@pytest.fixture(scope="module")
def _opened(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rebase") / "ws"
    shutil.copytree(demo_workspace(), root)
    api_register.open_meeting(
        date="2019-04-10", chair="Dr Jo Chair", qsg="South London", workspace=root, by="clerk"
    )
    return root


@pytest.fixture
def ws(tmp_path: Path, _opened: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(_opened, target)
    return target


def _record(ws: Path, provider: str, indicator: str, starts: str, reason: str = REASON) -> Rebase:
    with api_register.open_register(ws, write=True, by="Dr Jo Chair") as reg:
        return record_rebase(
            reg, provider, indicator, starts=starts, reason=reason, meeting=MEETING
        )


def _rebase(provider: str, indicator: str, starts: str) -> Rebase:
    return Rebase(
        provider=provider,
        indicator=indicator,
        starts=starts,
        reason="r",
        meeting=MEETING,
        recorded_by="x",
        recorded_at="2019-04-10T10:00:00+00:00",
    )


# --------------------------------------------------------------------------- the record


def test_a_rebase_is_one_typed_record_of_the_meeting(ws: Path) -> None:
    r_ = _record(ws, "RJZ", "rtt_18wk_admitted", "2018-07")
    assert (r_.provider, r_.indicator, r_.starts, r_.meeting) == (
        "RJZ",
        "rtt_18wk_admitted",
        "2018-07",
        MEETING,
    )
    assert r_.recorded_by == "Dr Jo Chair" and r_.reason == REASON
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        stored = [x for x in reg.records() if x.kind == "rebase"]
        assert len(stored) == 1
        s = stored[0]
        assert (s.meeting, s.provider, s.subject) == (MEETING, "RJZ", "rtt_18wk_admitted")
        assert RebaseBody.model_validate(s.body).starts == "2018-07"
        assert rebases(reg.records()) == [r_]
        assert reg.verify().ok
        R.fold(reg.records())  # the folded state reads it without complaint


@pytest.mark.parametrize(
    ("provider", "indicator", "starts", "reason", "code", "words"),
    [
        ("RJZ", "rtt_18wk", "2018-07", REASON, "QSG661", 'did you mean "rtt_18wk_admitted"'),
        ("RJZ", "rtt_18wk_admitted", "2018-13", REASON, "QSG607", "is not a month"),
        ("RJZ", "rtt_18wk_admitted", "2019-04", REASON, "QSG660", "after the data"),
        ("RXX", "rtt_18wk_admitted", "2018-07", REASON, "QSG603", "unknown provider"),
        ("RJZ", "rtt_18wk_admitted", "2018-07", "", "QSG612", "must be given"),
        ("RJZ", "rtt_18wk_admitted", "2018-07", "new\x1b[2Kname", "QSG401", "control"),
        ("RJZ", "rtt_18wk_admitted", "2018-07", "ok\u202eevil", "QSG401", "U+202E"),
    ],
)
def test_a_rebase_that_cannot_be_true_is_refused_and_nothing_written(
    ws: Path, provider: str, indicator: str, starts: str, reason: str, code: str, words: str
) -> None:
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        before = len(reg.records(frozen=True))
    with pytest.raises(InputError) as caught:
        _record(ws, provider, indicator, starts, reason)
    assert [p.code for p in caught.value.problems] == [code]
    assert words in str(caught.value)
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        assert len(reg.records(frozen=True)) == before


def test_the_same_rebase_twice_and_a_locked_meeting_are_refused(ws: Path) -> None:
    _record(ws, "RJZ", "rtt_18wk_admitted", "2018-07")
    with pytest.raises(InputError, match="already rebased from 2018-07"):
        _record(ws, "RJZ", "rtt_18wk_admitted", "2018-07")
    with api_register.open_register(ws, write=True, by="Dr Jo Chair") as reg:
        R.agree(reg, MEETING)
    with pytest.raises(InputError, match="is locked"):
        _record(ws, "RJZ", "ae_4hr_type1", "2018-01")


# --------------------------------------------------------------------------- applied


def _rtt_chart(ws: Path) -> dict[str, object]:
    pack = meeting_pack(ws, providers=["RJZ"])
    charts = [chart_data(s) for s in re.findall(r"<svg id=.*?</svg>", pack, re.S)]
    (found,) = [c for c in charts if c["chart"] == "xmr" and c["indicator"] == "rtt_18wk_admitted"]
    return found


def test_a_rebase_at_2018_07_moves_rjzs_18_week_limits_to_the_new_level_in_the_pack(
    ws: Path,
) -> None:
    before = _rtt_chart(ws)
    assert round(float(str(before["mean"])), 1) == 9.0
    assert (round(float(str(before["lpl"])), 1), round(float(str(before["upl"])), 1)) == (6.7, 11.2)
    assert before["rebased_from"] is None
    _record(ws, "RJZ", "rtt_18wk_admitted", "2018-07")
    after = _rtt_chart(ws)
    assert after["rebased_from"] == "2018-07"
    assert after["periods"][0] == "2018-07"  # type: ignore[index]
    assert after["baseline_start"] == "2018-07"
    assert round(float(str(after["mean"])), 1) == 18.2  # the new level: 14.6 .. 22.1
    assert float(str(after["lpl"])) > 11.2  # no limit drawn where no point lies
    assert after["earlier_periods"][-1] == "2018-06"  # type: ignore[index]
    assert after["assurance"] == "consistent_fail"  # the 10% standard: failed every month
    pack = meeting_pack(ws, providers=["RJZ"])
    assert "Rebased by the QSG from July 2018: the limits are the new process&#39;s" in pack
    assert f"rtt_18wk_admitted is tested and charted from July 2018 ({MEETING}" in pack


def _with_rtt_trend() -> Ruleset:
    data = RULESET.spec.model_dump()
    data["indicators"]["rtt_18wk_admitted"]["trend"] = {"months": 3, "min_points": 6}
    return Ruleset.model_validate(data)


def test_the_trend_test_uses_the_rebase() -> None:
    spec = _with_rtt_trend()
    (before,) = [
        f
        for f in trend_breaches(DEMO.observations, spec, AS_OF)["RJZ"]
        if f.indicator == "rtt_18wk_admitted"
    ]
    assert before.spc is not None and before.spc.baseline_from == "2017-01"
    assert round(before.spc.mean, 1) == 9.0
    months = rebase_months([_rebase("RJZ", "rtt_18wk_admitted", "2018-07")])
    (after,) = [
        f
        for f in trend_breaches(DEMO.observations, spec, AS_OF, months)["RJZ"]
        if f.indicator == "rtt_18wk_admitted"
    ]
    assert after.spc is not None
    assert (after.spc.baseline_from, after.spc.baseline_to) == ("2018-07", "2018-12")
    assert round(after.spc.mean, 1) == 18.2
    assert "limits from the 6 months 2018-07 to 2018-12" in after.detail
    # other providers are untouched
    others = trend_breaches(DEMO.observations, spec, AS_OF)
    again = trend_breaches(DEMO.observations, spec, AS_OF, months)
    assert {k: v for k, v in others.items() if k != "RJZ"} == {
        k: v for k, v in again.items() if k != "RJZ"
    }


def test_a_rebased_trend_test_is_exact_to_nhsrplotthedots_rebase() -> None:
    # RJ6's A&E series rebased at 2017-06: the trend test's chart is the last group of
    # NHSRplotthedots' rebase, its limits fixed on the 19 points before the judged window
    months = rebase_months([_rebase("RJ6", "ae_4hr_type1", "2017-06")])
    charts = indicator_charts(DEMO, RULESET.spec, AS_OF, "RJ6", "ae_4hr_type1", months)
    series = charts.xmr
    assert series is not None and series.periods[0] == "2017-06"
    rows = [
        (int(p), float(v))
        for c, i, p, v in zip(
            DEMO.observations.provider.tolist(),
            DEMO.observations.indicator.tolist(),
            DEMO.observations.period.tolist(),
            DEMO.observations.value.tolist(),
            strict=True,
        )
        if c == "RJ6" and i == "ae_4hr_type1"
    ]
    values = [v for _, v in sorted(rows)]
    periods = [p for p, _ in sorted(rows)]
    cut = periods.index(month_number("2017-06") or 0)
    base = sum(1 for p in series.periods if p < series.window_start)
    assert base == 19
    ours = xmr(values, rebase_at=[cut], fix_after=base, improvement="decrease")
    ref = r.ptd_spc_rebased(
        values, [cut], fix_after_n_points=base, improvement_direction="decrease"
    )
    last, r_last = ours.segments[-1], ref[-1]
    for a, b, c in (
        (series.mean, last.mean, r_last.standard.mean_col),
        (series.lpl, last.lpl, r_last.standard.lpl),
        (series.upl, last.upl, r_last.standard.upl),
    ):
        assert abs(a - b) <= 1e-9 and abs(a - c) <= 1e-6
    assert list(series.special_causes) == [p.special_cause for p in ours.points[cut:]]
    r_labels = {
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
    assert list(series.special_causes) == [r_labels[x] for x in r_last.special_cause_type]


def test_the_cusum_starts_again_at_the_rebase() -> None:
    months = rebase_months([_rebase("RJZ", "amenable_deaths", "2018-04")])
    test = CusumTest(min_points=6)
    sub, before = cusum_runs(DEMO.observations, "amenable_deaths", test, AS_OF, DEMO.providers)
    _, after = cusum_runs(
        DEMO.observations, "amenable_deaths", test, AS_OF, DEMO.providers, rebases=months
    )
    rjz_before = next(x for x in before if x.provider == "RJZ")
    rjz_after = next(x for x in after if x.provider == "RJZ")
    assert int(sub.period[rjz_before.rows[0]]) == month_number("2016-04")
    assert int(sub.period[rjz_after.rows[0]]) == month_number("2018-04")
    assert rjz_after.rows.size == 12
    # the others' expected counts and sums do not move
    assert all(
        (x.statistic == y.statistic).all()
        for x, y in zip(before, after, strict=True)
        if x.provider != "RJZ"
    )


# --------------------------------------------------------------------------- suggested


def test_a_sustained_shift_is_suggested_and_never_applied(ws: Path) -> None:
    result = run_triage(ws, providers=["RJ6"])
    (p,) = result.proposals
    (s,) = p.rebase_suggestions
    assert (s.indicator, s.starts, s.points, s.side) == ("ae_4hr_type1", "2018-01", 15, "above")
    assert (
        s.command == 'qsg rebase RJ6 ae_4hr_type1 --from 2018-01 --reason "..." --meeting MEETING'
    )
    assert p.rebases == ()
    trend = next(h for h in p.evidence.hard if h.test == "trend")
    assert trend.spc is not None and trend.spc.baseline_from == "2017-01"  # not applied
    # recorded, it applies and is no longer suggested
    _record(ws, "RJ6", "ae_4hr_type1", "2018-01", "A new front door model from January 2018")
    (p,) = run_triage(ws, providers=["RJ6"]).proposals
    assert p.rebase_suggestions == ()
    assert [x.starts for x in p.rebases] == ["2018-01"]
    text = CliRunner().invoke(cli, ["explain", "RJ6", "-w", str(ws)]).stdout
    assert "Rebased by the QSG (1): tested from the month given:" in text
    assert "ae_4hr_type1 from 2018-01 (M-2019-04-10, Dr Jo Chair): A new front door" in text


def test_the_suggestion_is_in_explain_the_agenda_and_the_pack(ws: Path) -> None:
    runner = CliRunner()
    text = runner.invoke(cli, ["explain", "RJ6", "-w", str(ws)]).stdout
    assert "Rebase suggested (1), never applied without a record:" in text
    assert "the last 15\n  months, from 2018-01, have all been above the mean of 27.0%" in text
    agenda = runner.invoke(cli, ["agenda", MEETING, "-w", str(ws)]).stdout
    assert "-- rebases to consider (never applied without a record)" in agenda
    assert (
        f'qsg rebase RJ6 ae_4hr_type1 --from 2018-01 --reason "..." --meeting {MEETING}' in agenda
    )
    pack = meeting_pack(ws, meeting=MEETING)
    assert "Rebases to consider" in pack
    assert "Rebase suggested, never applied without a record:" in pack
    assert f"--meeting {MEETING}</code>" in pack


def test_qsg_rebase_records_and_refuses(ws: Path) -> None:
    runner = CliRunner()
    args = ["rebase", "RJZ", "rtt_18wk_admitted", "--meeting", MEETING, "-w", str(ws)]
    done = runner.invoke(
        cli, [*args, "--from", "2018-07", "--reason", REASON, "--by", "Dr Jo Chair"]
    )
    assert done.exit_code == 0, done.stderr
    assert "recorded: RJZ's rtt_18wk_admitted is a new process from 2018-07" in done.stderr
    bad = runner.invoke(
        cli, [*args, "--from", "2019-05", "--reason", REASON, "--by", "Dr Jo Chair"]
    )
    assert bad.exit_code == 2
    assert "--from: 2019-05 is after the data meeting M-2019-04-10 froze (to 2019-03)" in bad.stderr
    assert "Traceback" not in bad.stderr
