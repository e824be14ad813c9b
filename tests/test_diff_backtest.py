"""qsg diff and qsg backtest on the demo."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules.backtest import agreement, backtest, months_between
from qsgrules.bundled import default_ruleset, demo_workspace
from qsgrules.cli.main import cli
from qsgrules.engine.triage import triage
from qsgrules.errors import InputError
from qsgrules.model.vocabulary import Level
from qsgrules.ruleset import load_ruleset, parse_ruleset
from qsgrules.workspace import load_workspace

DEFAULT = default_ruleset().read_text(encoding="utf-8")
# stricter: a strong four-hour breach from 15% (not 20%), weighty soft intelligence from 5
STRICTER = (
    DEFAULT.replace("name: qsgrules-default", "name: qsgrules-stricter")
    .replace("      limit: 5\n      strong_limit: 20", "      limit: 5\n      strong_limit: 15")
    .replace("    when:\n      soft: {min: 8}", "    when:\n      soft: {min: 5}")
)
WORKSPACE = load_workspace(demo_workspace())
RULESET = load_ruleset(default_ruleset())


@pytest.fixture
def stricter(tmp_path: Path) -> Path:
    assert STRICTER.count("strong_limit: 15") == DEFAULT.count("strong_limit: 15") + 1
    assert "soft: {min: 5}" in STRICTER
    path = tmp_path / "stricter.yaml"
    path.write_text(STRICTER, encoding="utf-8")
    return path


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_diff_lists_the_demo_providers_that_change_with_the_rules_responsible(
    stricter: Path,
) -> None:
    code, text = _run("diff", str(default_ruleset()), str(stricter), "--format", "json")
    assert code == 1, text  # a provider changes level: a finding, as diff(1) exits
    data = json.loads(text)
    a = {p.provider: p for p in triage(WORKSPACE, RULESET).proposals}
    b = {p.provider: p for p in triage(WORKSPACE, load_ruleset(stricter)).proposals}
    changed = sorted(c for c in a if a[c].level != b[c].level)
    assert (
        changed
        and [c["provider"] for c in sorted(data["changes"], key=lambda c: c["provider"])] == changed
    )
    for change in data["changes"]:
        p, q = a[change["provider"]], b[change["provider"]]
        assert (change["from"], change["to"]) == (p.level.value, q.level.value)
        assert change["fired_only_in_b"] == [
            r.id for r in q.rules if r.id not in {x.id for x in p.rules}
        ]
        assert change["fired_only_in_a"] == [
            r.id for r in p.rules if r.id not in {x.id for x in q.rules}
        ]
    code, table = _run("diff", str(default_ruleset()), str(stricter))
    assert code == 1
    assert f"{len(changed)} of 18 providers change level" in table
    assert "+four-hour-waits (fired in B only)" in table


def test_diff_of_a_ruleset_with_itself_changes_nothing() -> None:
    code, text = _run("diff", str(default_ruleset()), str(default_ruleset()))
    assert code == 0 and "No provider changes level (18 providers)." in text


def test_diff_reports_problems_in_both_rulesets(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [\n", encoding="utf-8")
    code, text = _run("diff", str(bad), str(tmp_path / "missing.yaml"))
    assert code == 2
    assert "bad.yaml:" in text and "missing.yaml:1: cannot read" in text


@pytest.mark.slow
def test_backtest_replays_the_demo_over_24_months(stricter: Path) -> None:
    # (how long it takes is measured by bench/guards.py, not here)
    code, text = _run(
        "backtest", "--from", "2017-04", "--to", "2019-03", "--format", "json",
        "--compare", str(stricter),
    )  # fmt: skip
    assert code == 0, text
    data = json.loads(text)
    assert len(data["months"]) == 24 and len(data["providers"]) == 18
    for p in data["providers"]:
        for side in (p, p["compare"]):
            assert len(side["levels"]) == 24
            for level, month in side["first"].items():
                i = data["months"].index(month)
                assert side["levels"][i] == level and level not in side["levels"][:i]


def test_each_backtest_month_is_the_triage_as_of_that_month() -> None:
    result = backtest(WORKSPACE, RULESET, start="2018-01", end="2018-03")
    for month in result.months:
        expected = {p.provider: p.level for p in triage(WORKSPACE, RULESET, as_of=month).proposals}
        assert {p.provider: result.level(p.provider, month) for p in result.providers} == expected


def test_backtest_knows_only_what_was_known_each_month() -> None:
    # RJ6's soft items arrive in 2019; a month before any of them, none can count
    result = backtest(WORKSPACE, RULESET, start="2016-06", end="2019-03")
    months = list(result.months)
    early = result.level("RJ6", "2016-06")
    late = result.level("RJ6", "2019-03")
    assert early < late == Level.RISK_SUMMIT
    assert months[0] == "2016-06"


def test_backtest_table_and_csv() -> None:
    code, table = _run("backtest", "--from", "2018-10", "--to", "2019-03")
    assert code == 0
    assert "Backtest 2018-10 to 2019-03 (6 months), ruleset qsgrules-default 1.0" in table
    row = next(line for line in table.splitlines() if line.startswith("RJ6"))
    assert row.endswith("S")  # a risk summit proposed in March 2019
    code, text = _run("backtest", "--from", "2019-02", "--to", "2019-03", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 36 and {"provider", "month", "level"} == set(rows[0])


def test_the_backtest_summary_ends_the_table_on_stdout() -> None:
    result = CliRunner().invoke(cli, ["backtest", "--from", "2019-02", "--to", "2019-03"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1].startswith("18 providers x 2 months in ")
    assert "providers x" not in result.stderr


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2019-13", "2019-03", "--from: bad month '2019-13'"),
        ("2019-03", "2018-01", "--to: 2018-01 is before 2019-03"),
        ("1950-01", "2099-01", "--to: at most 600 months"),
    ],
)
def test_bad_months_are_bad_input(start: str, end: str, message: str) -> None:
    code, text = _run("backtest", "--from", start, "--to", end)
    assert code == 2 and message in text


def test_agreement_with_decided_levels_is_a_tested_hook() -> None:
    result = backtest(WORKSPACE, RULESET, start="2019-02", end="2019-03")
    proposed = result.level("RJ6", "2019-03")
    earlier = result.level("RJ6", "2019-02")
    other = Level.NO_CONCERNS if earlier != Level.NO_CONCERNS else Level.RISK_SUMMIT
    decisions: dict[tuple[str, str], Level | str] = {
        ("RJ6", "2019-03"): proposed.value,
        ("RJ6", "2019-02"): other,
        ("RJ6", "2015-01"): "no_concerns",  # outside the backtest: ignored
        ("NOPE", "2019-03"): "no_concerns",  # not a provider: ignored
    }
    found = agreement(result, decisions)
    assert (found.compared, found.matched) == (2, 1)
    assert found.rate == 0.5
    assert [m[:2] for m in found.mismatches] == [("RJ6", "2019-02")]
    assert agreement(result, {}).rate is None


def test_months_between_names_the_argument() -> None:
    with pytest.raises(InputError) as raised:
        months_between("2019-03", "nope")
    assert raised.value.problems[0].argument == "end"
    assert parse_ruleset(DEFAULT).name == "qsgrules-default"
