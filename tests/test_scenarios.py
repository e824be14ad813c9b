"""Scenario tests: the default ruleset's suite, `qsg test`, the pytest plugin, located errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules.bundled import default_ruleset
from qsgrules.cli.main import cli
from qsgrules.errors import InputError
from qsgrules.ruleset import load_ruleset
from qsgrules.scenarios import load_scenarios, run_scenario, scenario_files

SUITE = default_ruleset().parent / "scenarios"
FILES = scenario_files([SUITE])
SCENARIOS = [s for f in FILES for s in load_scenarios(f)]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_the_default_suite_passes(scenario: object) -> None:
    result = run_scenario(scenario)  # type: ignore[arg-type]
    assert result.ok, "\n".join(result.differences)


def test_the_default_suite_covers_every_rule_and_the_cases_that_matter() -> None:
    rules = {r.id for r in load_ruleset(default_ruleset()).rules}
    default = [s for s in SCENARIOS if s.ruleset.name == "qsgrules-default"]
    expected_to_fire = {r for s in default for e in s.spec.expect.values() for r in e.rules or []}
    assert expected_to_fire == rules
    cited = {r for s in SCENARIOS for e in s.spec.expect.values() for r in e.cites}
    because = {r for s in SCENARIOS for e in s.spec.expect.values() for r in e.because}
    assert len(cited) >= 7 and len(because) >= 8
    names = " | ".join(s.name for s in SCENARIOS)
    for case in (
        "citing only safety items",  # cited min evidence (organisations/soft minimums)
        "the notable one not named",  # {breached} lists only the rule's own breaches
        "cite only that domain",  # hard_and_soft citations
        "within the last three months",  # the trend window's length
        "notable, outside 99.8% strong",  # peer levels
        "closed or expired on the as-of date",
        "weighs nothing corroborates nothing",
    ):
        assert case in names


WRONG = """
name: a wrong expectation
workspace:
  providers: [{code: RXA, type: acute}]
  indicators:
    - {provider: RXA, indicator: never_events_rate, period: 2019-03, value: 0.05}
expect:
  RXA:
    level: LEVEL
    rules: [never-event, any-other-breach]
    cites:
      never-event: {hard: ["never_events_rate:standard"]}
"""


def _scenario(tmp_path: Path, level: str, name: str = "scenario_wrong.yaml") -> Path:
    path = tmp_path / name
    path.write_text(WRONG.replace("LEVEL", level), encoding="utf-8")
    return path


def test_qsg_test_passes_a_right_expectation_and_fails_a_wrong_one(tmp_path: Path) -> None:
    right = CliRunner().invoke(cli, ["test", str(_scenario(tmp_path, "regular_review"))])
    assert right.exit_code == 0, right.output
    assert "ok    " in right.output
    wrong = CliRunner().invoke(cli, ["test", str(_scenario(tmp_path, "risk_summit"))])
    assert wrong.exit_code == 1
    assert "FAIL" in wrong.output
    assert "RXA: level: expected risk_summit, got regular_review" in wrong.output


def test_pytest_collects_scenarios_and_reports_what_differed(
    tmp_path: Path, pytester: pytest.Pytester
) -> None:
    _scenario(pytester.path, "regular_review", "scenario_right.yaml")
    _scenario(pytester.path, "risk_summit", "wrong.scenario.yaml")
    (pytester.path / "other.yaml").write_text("not: a scenario\n")
    result = pytester.runpytest_inprocess("-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*scenario_right.yaml::a wrong expectation PASSED*",
            "*wrong.scenario.yaml::a wrong expectation FAILED*",
            "*RXA: level: expected risk_summit, got regular_review*",
        ]
    )


def test_pytest_runs_the_default_suite(pytester: pytest.Pytester) -> None:
    target = pytester.path / "scenarios"
    shutil.copytree(SUITE, target)
    shutil.copy(default_ruleset(), pytester.path / "default.yaml")
    shutil.copy(default_ruleset().parent / "wales-ladder.yaml", pytester.path)
    result = pytester.runpytest_inprocess(str(target))
    result.assert_outcomes(passed=len(SCENARIOS))


BAD = {
    "unknown key": (
        "workspace:\n  providers: [{code: RXA, type: acute}]\n"
        "expect:\n  RXA: {levl: no_concerns}\n",
        [
            r':4:9: unknown key "levl" \(did you mean "level"\?\); allowed: because, cites, '
            r"domains, exits, level,"
        ],
    ),
    # as found: a nested unknown key listed the file's top-level keys as the allowed ones
    "unknown key in a member": (
        "workspace:\n  providers: [{code: RXA, type: acute}]\n  members:\n"
        "    - {name: Local Healthwatch X, knd: healthwatch}\n"
        "expect:\n  RXA: {level: no_concerns}\n",
        [
            r':4:35: unknown key "knd" \(did you mean "kind"\?\); '
            r"allowed: aliases, kind, name, parent, title$"
        ],
    ),
    "loader problem mapped back": (
        "workspace:\n  providers: [{code: RXA, type: acute}]\n  indicators:\n"
        "    - {provider: RXB, indicator: never_events_rate, period: 2019-03, value: 1}\n"
        "expect:\n  RXA: {level: no_concerns}\n",
        [r":4:7: indicators.csv: unknown provider code 'RXB'"],
    ),
    "series value mapped back": (
        "workspace:\n  providers: [{code: RXA, type: acute}]\n  indicators:\n"
        "    - {provider: RXA, indicator: cancer_2wk, from: 2019-01, values: [1, x, 3]}\n"
        "expect:\n  RXA: {level: no_concerns}\n",
        [r":4:73: indicators.csv: value 'x' is not a number"],
    ),
    "soft item field mapped back": (
        "workspace:\n  providers: [{code: RXA, type: acute}]\n  intelligence:\n"
        "    - {id: SI-1, provider: RXA, source: Nobody, received: 2019-03-01,\n"
        "       domain: safety, severity: low, grading: A1, summary: A concern.}\n"
        "expect:\n  RXA: {level: no_concerns}\n",
        [r":4:41: intelligence.yaml: unknown source 'Nobody'"],
    ),
    "unknown rule, level, item and test in expect": (
        "workspace:\n  providers: [{code: RXA, type: acute}]\n"
        "expect:\n  RXA:\n    level: summit\n    rules: [never-events]\n"
        "    cites:\n      never-event: {hard: [never_events_rate:trends], soft: [SI-9]}\n",
        [
            r":5:12: unknown level 'summit'",
            r':6:13: no rule \'never-events\' in qsgrules-default \(did you mean "never-event"\?\)',
            r":8:28: 'never_events_rate:trends': unknown test",
            r":8:62: no item 'SI-9'",
        ],
    ),
    "missing ruleset": (
        "ruleset: nowhere.yaml\nworkspace:\n  providers: [{code: RXA, type: acute}]\n"
        "expect:\n  RXA: {level: no_concerns}\n",
        [r":1:10: the ruleset nowhere.yaml does not load", r"nowhere.yaml:1: cannot read"],
    ),
    "yaml syntax": ("expect: [\n", [r":2:1: invalid YAML"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_scenario_mistakes_are_located_problems_exit_2(tmp_path: Path, case: str) -> None:
    text, expected = BAD[case]
    path = tmp_path / "scenario_bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_scenarios(path)
    rendered = [str(p) for p in raised.value.problems]
    for pattern in expected:
        assert any(re.search(pattern, line) for line in rendered), (pattern, rendered)
    result = CliRunner().invoke(cli, ["test", str(path)])
    assert result.exit_code == 2
    assert "nothing was done" in result.output
