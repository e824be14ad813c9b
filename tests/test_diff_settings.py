"""`qsg diff` names the settings that moved each provider, over one month or a range."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules.bundled import default_ruleset, demo_workspace
from qsgrules.cli.main import cli
from qsgrules.diff import diff_rulesets
from qsgrules.engine.triage import triage
from qsgrules.errors import InputError
from qsgrules.ruleset import load_ruleset, parse_ruleset
from qsgrules.settings_diff import differing, raw
from qsgrules.workspace import load_workspace

DEFAULT = default_ruleset().read_text(encoding="utf-8")
WORKSPACE = load_workspace(demo_workspace())
A = load_ruleset(default_ruleset())
FOUR_HOUR = "      limit: 5\n      strong_limit: 20"
# three settings: a four-hour limit, a source weight, a rule's threshold; and words
EDITED = (
    DEFAULT.replace("name: qsgrules-default", "name: qsgrules-edited")
    .replace(FOUR_HOUR, "      limit: 5\n      strong_limit: 15")
    .replace("source_weights: {}", "source_weights: {healthwatch: 1.5}")
    .replace("    when:\n      soft: {min: 8}", "    when:\n      soft: {min: 5}")
    .replace("NHS Constitution four-hour standard (95%).", "Reworded.")
)
SETTINGS = [
    "indicators.ae_4hr_type1.standard.strong_limit",
    "soft.source_weights.healthwatch",
    "rules.weighty-soft-intelligence.when",
]


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def edited(tmp_path: Path) -> Path:
    path = tmp_path / "edited.yaml"
    path.write_text(EDITED, encoding="utf-8")
    return path


def test_the_settings_that_differ_are_named_and_words_are_not() -> None:
    found = differing(raw(A), raw(parse_ruleset(EDITED)))
    assert [s.name for s in found] == SETTINGS
    assert [s.text() for s in found] == [
        "indicators.ae_4hr_type1.standard.strong_limit 20 -> 15",
        "soft.source_weights.healthwatch added: 1.5",
        'rules.weighty-soft-intelligence.when {"soft": {"min": 8}} -> {"soft": {"min": 5}}',
    ]
    assert differing(raw(A), raw(A)) == ()


def _alone(setting: str, value: object, month: str, code: str) -> str:
    """The provider's level under the default ruleset with one setting changed."""
    from qsgrules.settings_diff import Setting, with_setting

    one = parse_ruleset(
        __import__("yaml").safe_dump(
            with_setting(raw(A), Setting(tuple(setting.split(".")), None, value), value)
        )
    )
    return triage(WORKSPACE, one, as_of=month, providers=[code]).proposals[0].level.value


def test_each_provider_names_the_setting_that_alone_moves_it() -> None:
    d = diff_rulesets(WORKSPACE, A, parse_ruleset(EDITED), start="2018-10", end="2019-03")
    moved = {(c.provider, c.first): [m.name for m in c.moved_by] for c in d.changes}
    # RAL: the four-hour limit in 2019, a Healthwatch item weighed more in 2018-10
    assert moved[("RAL", "2019-01")] == [SETTINGS[0]]
    assert moved[("RAL", "2018-10")] == [SETTINGS[1]]
    assert moved[("RJ6", "2019-02")] == [SETTINGS[2]]
    assert not any(c.together for c in d.changes)
    # and each named setting does move it alone, as the default ruleset with only it changed
    assert _alone("soft.source_weights", {"healthwatch": 1.5}, "2018-10", "RAL") != "no_concerns"
    assert _alone("soft.source_weights", {}, "2018-10", "RAL") == "no_concerns"


def test_consecutive_months_of_the_same_change_are_one_span() -> None:
    d = diff_rulesets(WORKSPACE, A, parse_ruleset(EDITED), start="2018-10", end="2019-03")
    ral = [(c.first, c.last) for c in d.changes if c.provider == "RAL"]
    assert sorted(ral) == [("2018-10", "2018-10"), ("2019-01", "2019-03")]
    for month in d.months:  # every span is what that month's triages say, and no more
        a = {p.provider: p.level for p in triage(WORKSPACE, A, as_of=month).proposals}
        b = {
            p.provider: p.level
            for p in triage(WORKSPACE, parse_ruleset(EDITED), as_of=month).proposals
        }
        spans = {c.provider for c in d.changes if c.first <= month <= c.last}
        assert spans == {code for code in a if a[code] != b[code]}, month


def _two_of_three(limit: float) -> str:
    """A ruleset of one rule, two breaches of three standards, each at ``limit``."""
    soft = DEFAULT[DEFAULT.index("soft:\n") : DEFAULT.index("rules:\n")]
    standards = "".join(
        f"  {i}:\n    standard: {{limit: {limit}, strong_limit: 99.9, months: 3, min_months: 1}}\n"
        for i in ("bed_occupancy", "cancer_2wk", "sickness_absence")
    )
    return (
        'name: two-of-three\nversion: "1"\nindicators:\n' + standards + soft + "rules:\n"
        "  - id: two-breaches\n    level: regular_review\n    description: x\n"
        "    because: y\n    when: {breach: {test: standard, min: 2}}\n"
    )


def test_settings_that_change_a_level_only_together_are_said_so() -> None:
    # three limits lowered so far that every provider breaches all three: none alone makes
    # two breaches, and none alone taken back leaves fewer than two
    a, b = parse_ruleset(_two_of_three(99.9)), parse_ruleset(_two_of_three(0.01))
    d = diff_rulesets(WORKSPACE, a, b)
    assert len(d.changes) == 18
    for c in d.changes:
        assert c.together, c
        assert [m.name for m in c.moved_by] == [
            f"indicators.{i}.standard.limit"
            for i in ("bed_occupancy", "cancer_2wk", "sickness_absence")
        ]
        assert c.settings_text().startswith(
            "moved only together by indicators.bed_occupancy.standard.limit 99.9 -> 0.01"
        )


def test_the_table_names_settings_and_the_summary_is_on_stdout(edited: Path) -> None:
    code, out, err = _run("diff", str(default_ruleset()), str(edited), "--as-of", "2019-03")
    assert code == 1  # providers change level: a finding
    assert "Settings that differ (3):" in out
    assert "moved by indicators.ae_4hr_type1.standard.strong_limit 20 -> 15" in out
    assert "2 of 18 providers change level: 2 up, 0 down" in out.splitlines()[-1]
    assert "change level" not in err


def test_a_range_in_json_gives_each_change_its_months(edited: Path) -> None:
    code, out, _ = _run(
        "diff",
        str(default_ruleset()),
        str(edited),
        "--from",
        "2018-10",
        "--to",
        "2019-03",
        "--format",
        "json",
    )
    assert code == 1
    data = json.loads(out)
    assert (data["from"], data["to"], data["as_of"]) == ("2018-10", "2019-03", "2019-03")
    assert [s["setting"] for s in data["settings"]] == SETTINGS
    rj6 = next(c for c in data["changes"] if c["provider"] == "RJ6")
    assert rj6["first_month"] == rj6["last_month"] == "2019-02"
    assert rj6["moved_by"] == [SETTINGS[2]] and rj6["moved_only_together"] is False


def test_no_change_exits_0_and_says_no_setting_differs() -> None:
    code, out, _ = _run("diff", str(default_ruleset()), str(default_ruleset()))
    assert code == 0
    assert "No setting differs" in out and "No provider changes level (18 providers)." in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--as-of", "2019-01", "--from", "2018-10", "--to", "2019-03"],
            "--as-of: give --as-of or",
        ),
        (["--from", "2018-10"], "--to: --from and --to go together"),
        (["--to", "2018-10"], "--from: --from and --to go together"),
        (["--from", "2018-13", "--to", "2019-01"], "--from: bad month '2018-13'"),
        (["--from", "2019-03", "--to", "2019-01"], "--to: 2019-01 is before 2019-03"),
    ],
)
def test_bad_months_are_bad_input_naming_the_option(args: list[str], message: str) -> None:
    code, _, err = _run("diff", str(default_ruleset()), str(default_ruleset()), *args)
    assert code == 2 and message in err and "Traceback" not in err


def test_the_api_refuses_both_as_of_and_a_range() -> None:
    with pytest.raises(InputError):
        diff_rulesets(WORKSPACE, A, A, as_of="2019-01", start="2018-10", end="2019-03")
