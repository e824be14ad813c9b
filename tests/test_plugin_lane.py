"""The pytest plugin stays in its lane: it collects only files that declare themselves
qsgrules scenario files, or those its ini option names; `--qsg-ruleset` (and
`qsg test --ruleset`) run shipped scenarios against an edited ruleset; `-p no:qsgrules`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules.bundled import default_ruleset
from qsgrules.cli.main import cli

# a CI step list that happens to be named like a scenario file
DEPLOY = """\
steps:
  - name: build
    run: make
  - name: deploy
    run: ./deploy.sh production
"""
NEVER_EVENT = """\
name: a never event is reviewed
workspace:
  providers: [{code: RXA, type: acute}]
  indicators:
    - {provider: RXA, indicator: never_events_rate, period: 2019-03, value: 0.05}
expect:
  RXA: {level: regular_review}
"""
SEVERAL = """\
# scenarios sharing the bundled default ruleset
as_of: 2019-03
scenarios:
  - name: nothing known is no concerns
    workspace:
      providers: [{code: RXB, type: acute}]
    expect:
      RXB: {level: no_concerns}
"""
EDITED = (
    default_ruleset()
    .read_text(encoding="utf-8")
    .replace(
        "  - id: never-event\n    level: regular_review",
        "  - id: never-event\n    level: further_information",
    )
)


def test_an_unrelated_scenario_file_leaves_the_session_unbroken(pytester: pytest.Pytester) -> None:
    (pytester.path / "scenario_deploy.yaml").write_text(DEPLOY, encoding="utf-8")
    (pytester.path / "ci").mkdir()
    (pytester.path / "ci" / "smoke.scenario.yaml").write_text("- just a list\n")
    pytester.makepyfile(test_unit="def test_one():\n    assert 1 + 1 == 2\n")
    result = pytester.runpytest_inprocess("-v")
    result.assert_outcomes(passed=1)
    assert result.ret == 0
    assert "scenario_deploy" not in result.stdout.str()


def test_files_that_declare_themselves_are_collected_beside_them(
    pytester: pytest.Pytester,
) -> None:
    (pytester.path / "scenario_deploy.yaml").write_text(DEPLOY, encoding="utf-8")
    (pytester.path / "scenario_never.yaml").write_text(NEVER_EVENT, encoding="utf-8")
    (pytester.path / "quiet.scenario.yaml").write_text(SEVERAL, encoding="utf-8")
    result = pytester.runpytest_inprocess("-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*scenario_never.yaml::a never event is reviewed PASSED*"])


def test_the_ini_option_names_exactly_the_files_collected(pytester: pytest.Pytester) -> None:
    (pytester.path / "checks").mkdir()
    (pytester.path / "checks" / "never.yaml").write_text(NEVER_EVENT, encoding="utf-8")
    (pytester.path / "scenario_never.yaml").write_text(NEVER_EVENT, encoding="utf-8")
    pytester.makeini("[pytest]\nqsg_scenarios = checks/*.yaml\n")
    result = pytester.runpytest_inprocess("-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*checks/never.yaml::a never event is reviewed PASSED*"])
    assert "scenario_never.yaml" not in result.stdout.str()


def test_an_edited_ruleset_runs_the_shipped_scenarios(pytester: pytest.Pytester) -> None:
    (pytester.path / "scenario_never.yaml").write_text(NEVER_EVENT, encoding="utf-8")
    edited = pytester.path / "edited.yaml"
    edited.write_text(EDITED, encoding="utf-8")
    assert EDITED != default_ruleset().read_text(encoding="utf-8")
    result = pytester.runpytest_inprocess("--qsg-ruleset", str(edited))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*RXA: level: expected regular_review, got further_information*"])
    # and without it, the scenario's own (the bundled default) passes
    pytester.runpytest_inprocess().assert_outcomes(passed=1)


def test_the_plugin_can_be_turned_off(pytester: pytest.Pytester) -> None:
    (pytester.path / "scenario_never.yaml").write_text(NEVER_EVENT, encoding="utf-8")
    result = pytester.runpytest_inprocess("-p", "no:qsgrules")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_qsg_test_takes_a_ruleset_and_skips_unrelated_files_in_folders(tmp_path: Path) -> None:
    (tmp_path / "scenario_deploy.yaml").write_text(DEPLOY, encoding="utf-8")
    (tmp_path / "scenario_never.yaml").write_text(NEVER_EVENT, encoding="utf-8")
    ok = CliRunner().invoke(cli, ["test", str(tmp_path)])
    assert ok.exit_code == 0, ok.output
    assert "1 passed, 0 failed (1 file(s))" in ok.stdout  # a result: on stdout
    edited = tmp_path / "edited.yaml"
    edited.write_text(EDITED, encoding="utf-8")
    failed = CliRunner().invoke(cli, ["test", str(tmp_path), "--ruleset", str(edited)])
    assert failed.exit_code == 1, failed.output
    assert "RXA: level: expected regular_review, got further_information" in failed.output
