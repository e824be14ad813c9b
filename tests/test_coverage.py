"""Missing data never read as reassurance: coverage, stale marks, warnings, notes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from qsgrules.api import run_triage
from qsgrules.bundled import default_ruleset, demo_workspace
from qsgrules.cli.main import cli
from qsgrules.model.vocabulary import Level
from qsgrules.ruleset import parse_ruleset
from qsgrules.workspace import load_workspace

DEMO = load_workspace(demo_workspace())


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_demo_as_of_its_last_month_is_covered() -> None:
    result = run_triage(DEMO)
    for p in result.proposals:
        assert p.coverage is not None and not p.coverage.stale
        assert p.coverage.latest == "2019-03" and p.coverage.missing_months == 0
    assert result.notes == ()


def test_four_months_past_the_data_every_provider_is_marked_and_a_warning_is_given() -> None:
    code, out, err = run("triage", "--as-of", "2019-07")
    assert code == 0
    assert err.startswith("warning: the data of 18 of 18 provider(s) stop before 2019-07 ")
    assert "latest month with data: 2019-03" in err
    rows = [
        line for line in out.splitlines() if line.startswith(("risk", "regular", "further", "no "))
    ]
    assert len(rows) == 18 and all(", no data since 2019-03 " in row for row in rows)
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "18 with stale data (marked)" in " ".join(out.split())


def test_strict_data_makes_stale_data_a_failure() -> None:
    code, out, err = run("triage", "--as-of", "2019-07", "--strict-data")
    assert code == 1 and "warning:" in err and out  # the triage is still shown
    assert run("triage", "--strict-data")[0] == 0


def test_json_carries_coverage_per_proposal_and_the_explanation_says_it() -> None:
    code, out, _ = run("triage", "--as-of", "2025-01", "--format", "json", "-p", "RF4")
    assert code == 0
    cov = json.loads(out)["proposals"][0]["coverage"]
    assert cov["stale"] is True and cov["latest"] == "2019-03"
    ae = next(i for i in cov["indicators"] if i["indicator"] == "ae_4hr_type1")
    assert ae == {
        "indicator": "ae_4hr_type1",
        "latest": "2019-03",
        "window_months": 3,
        "missing_months": 3,
        # issue 16: how far behind the date, and the months with data the tests judge
        "lag_months": 70,
        "judged_from": "2019-01",
    }
    assert cov["lag_months"] == 70
    explained = run("explain", "RF4", "--as-of", "2025-01")[1]
    assert "Data: no data since 2019-03 (as of 2025-01)" in explained


def test_a_gap_shorter_than_stale_after_is_counted_but_not_marked() -> None:
    result = run_triage(DEMO, as_of="2019-04", providers=["RJ6"])
    cov = result.proposals[0].coverage
    assert cov is not None and not cov.stale
    ae = next(i for i in cov.indicators if i.indicator == "ae_4hr_type1")
    assert ae.missing_months == 1 and ae.latest == "2019-03"


def test_a_provider_with_no_data_at_all_is_marked_no_data(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(demo_workspace(), ws)
    with (ws / "providers.csv").open("a", encoding="utf-8") as f:
        f.write("RZZ,A Provider With No Data,acute,London\n")
    result = run_triage(ws, providers=["RZZ"])
    p = result.proposals[0]
    assert p.level is Level.NO_CONCERNS
    assert p.coverage is not None and p.coverage.stale and p.coverage.mark == "no data"
    _, out, err = run("triage", "--workspace", str(ws), "-p", "RZZ")
    assert "no concerns, no data" in out
    assert "1 of 1 provider(s) have no data for the ruleset's tested indicators" in err


def test_items_received_after_the_as_of_month_are_counted_in_a_note() -> None:
    result = run_triage(DEMO, as_of="2018-12")
    later = [i for i in DEMO.intelligence if i.received.isoformat() > "2018-12-31"]
    assert later
    (note,) = result.notes
    assert note.startswith(f"{len(later)} soft item(s) received after 2018-12")
    assert f"Note: {len(later)} soft item(s)" in run("triage", "--as-of", "2018-12")[1]
    assert "note: " in run("triage", "--as-of", "2018-12", "--format", "json")[2]


@pytest.mark.parametrize("stale_after", [1, 3, 12])
def test_stale_after_months_is_the_ruleset_setting(stale_after: int, tmp_path: Path) -> None:
    from qsgrules.bundled import default_ruleset

    text = (
        default_ruleset()
        .read_text()
        .replace('version: "1.0"\n', f'version: "1.0"\nstale_after_months: {stale_after}\n')
    )
    path = tmp_path / "r.yaml"
    path.write_text(text)
    result = run_triage(DEMO, path, as_of="2019-06", providers=["RJ6"])
    cov = result.proposals[0].coverage
    assert cov is not None and cov.stale == (3 >= stale_after)


@pytest.mark.slow
@given(months_after=st.integers(3, 60))
def test_every_proposal_past_the_data_is_marked_whatever_its_level(months_after: int) -> None:
    year, month = divmod(2019 * 12 + 2 + months_after, 12)
    result = run_triage(DEMO, as_of=f"{year:04d}-{month + 1:02d}")
    assert all(p.coverage is not None and p.coverage.stale for p in result.proposals)


def test_a_month_missing_from_a_longer_trend_window_is_counted(tmp_path: Path) -> None:
    # the trend test of ae_4hr_type1 looks at 6 months, its standard at 3: a month missing
    # 5 months back is outside the standard's window but inside the trend's, and counted
    old = "    trend:\n      months: 3\n      signals: [outside_limits, trend, two_in_three, run]"
    text = default_ruleset().read_text()
    assert text.count(old) == 3  # ae_4hr_type1's is the first
    ruleset = parse_ruleset(text.replace(old, old.replace("months: 3", "months: 6"), 1), "r.yaml")
    trend = ruleset.spec.indicators["ae_4hr_type1"].trend
    assert trend is not None and trend.months == 6
    ws = tmp_path / "ws"
    shutil.copytree(demo_workspace(), ws)
    path = ws / "indicators.csv"
    lines = path.read_text().splitlines(keepends=True)
    gone = [ln for ln in lines if ln.startswith("RJ6,ae_4hr_type1,2018-11,")]
    assert len(gone) == 1
    path.write_text("".join(ln for ln in lines if ln not in gone))
    result = run_triage(ws, ruleset, as_of="2019-03", providers=["RJ6"])
    cov = result.proposals[0].coverage
    assert cov is not None
    ae = next(i for i in cov.indicators if i.indicator == "ae_4hr_type1")
    assert (ae.window_months, ae.missing_months) == (6, 1)
    assert cov.missing_months == 1
