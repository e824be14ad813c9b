"""Arguments that cannot be true are refused where they are given (issue 17, "Why" 9):
never a traceback, never a file that another command then refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules.cli.main import cli


def test_synth_refuses_more_items_than_it_can_hold(tmp_path: Path) -> None:
    # as found: `synth --items 10^12` ran out of memory with a traceback
    result = CliRunner().invoke(
        cli, ["synth", "--providers", "3", "--items", str(10**12), "--out", str(tmp_path / "w")]
    )
    assert result.exit_code == 2, result.output
    assert "--items: 1000000000000 items: give 0 to 1,000,000" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_synth_refuses_an_end_month_after_this_month(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # as found: `synth --end 2099-12` wrote a workspace that `qsg triage` refuses
    monkeypatch.setenv("QSG_TODAY", "2019-03-10")
    refused = CliRunner().invoke(
        cli, ["synth", "--providers", "3", "--end", "2019-04", "--out", str(tmp_path / "w")]
    )
    assert refused.exit_code == 2, refused.output
    assert "--end: 2019-04 is after this month (2019-03)" in refused.stderr
    assert list(tmp_path.iterdir()) == []
    # this month is fine, and its items are never received after today
    made = CliRunner().invoke(
        cli,
        ["synth", "--providers", "4", "--months", "3", "--items", "40", "--end", "2019-03",
         "--out", str(tmp_path / "w")],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    triaged = CliRunner().invoke(cli, ["triage", "--workspace", str(tmp_path / "w")])
    assert triaged.exit_code == 0, triaged.output


def test_verify_refuses_nan_seconds() -> None:
    # as found: `verify --shrink-seconds nan` was accepted (nan is inside no range)
    result = CliRunner().invoke(cli, ["verify", "x.yaml", "--shrink-seconds", "nan"])
    assert result.exit_code == 2
    assert "nan is not a number of seconds" in result.output


def test_a_ruleset_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    # as found: a 10 MB ruleset made `check` and `triage` run past 30 s
    big = tmp_path / "big.yaml"
    big.write_text("name: big\nversion: '1'\nrules: []\n# " + "x" * 300_000 + "\n")
    for args in (["check", str(big)], ["triage", "--ruleset", str(big)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert "above the limit of 262,144 bytes" in result.stderr, result.stderr


def test_a_scenario_series_longer_than_the_calendar_is_refused(tmp_path: Path) -> None:
    # as found: a scenario with a 1,000,000-value series ran past 90 s
    path = tmp_path / "scenario_long.yaml"
    values = ",".join(["1"] * 2_000)
    path.write_text(
        "as_of: 2019-03\nworkspace:\n  providers: [{code: RXA, type: acute}]\n  indicators:\n"
        f"    - {{provider: RXA, indicator: ae_4hr_type1, from: 1948-01, values: [{values}]}}\n"
        "expect:\n  RXA: {level: no_concerns}\n"
    )
    result = CliRunner().invoke(cli, ["test", str(path)])
    assert result.exit_code == 2
    assert "List should have at most 1836 items" in result.stderr
    big = tmp_path / "scenario_big.yaml"
    big.write_text(path.read_text() + "# " + "x" * 200_000 + "\n")
    result = CliRunner().invoke(cli, ["test", str(big)])
    assert result.exit_code == 2
    assert "above the limit of 131,072 bytes" in result.stderr


def test_at_most_a_hundred_problems_are_said(tmp_path: Path) -> None:
    # as found: 50,000 unknown providers in a scenario's expect printed 6.4 MB
    path = tmp_path / "scenario_many.yaml"
    expect = "".join(f"  R{i}: {{level: no_concerns}}\n" for i in range(3_000))
    path.write_text(
        "as_of: 2019-03\nworkspace:\n  providers: [{code: RXA, type: acute}]\nexpect:\n" + expect
    )
    result = CliRunner().invoke(cli, ["test", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 102, lines[-3:]
    assert lines[-2] == "... and 2,900 more problems not shown"
    assert lines[-1] == "3000 problems found; nothing was done."


def test_diff_warns_of_stale_data_as_triage_does() -> None:
    # as found: `diff --as-of 2099-01` compared stale data without the warning triage gives
    ruleset = str(Path(__file__).parents[1] / "rulesets" / "default.yaml")
    result = CliRunner().invoke(cli, ["diff", ruleset, ruleset, "--as-of", "2025-01"])
    assert result.exit_code == 0, result.output
    assert "warning: the data of 18 of 18 provider(s) stop before 2025-01" in result.stderr
