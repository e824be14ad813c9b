"""`qsg check`'s static analysis: each kind of unsound rule found, located, with its code."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from qsgrules.api import check_ruleset
from qsgrules.bundled import default_ruleset
from qsgrules.cli.main import cli

BASE = yaml.safe_load(default_ruleset().read_text())


def _write(tmp_path: Path, rules: list[dict[str, object]], **top: object) -> Path:
    data = {**BASE, **top, "rules": rules}
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _rule(rule_id: str, when: object, level: str = "regular_review") -> dict[str, object]:
    return {"id": rule_id, "level": level, "description": "d", "because": "b", "when": when}


KEEP = _rule("keep", {"all": [{"breach": {}}, {"soft": {"min": 1}}, {"hard_and_soft": {}}]})


def _codes(path: Path) -> list[tuple[str, str]]:
    return [(p.code, p.message) for p in check_ruleset(path).findings]


@pytest.mark.parametrize(
    ("when", "code", "words"),
    [
        ({"breach": {"indicator": "infections_rate", "test": "trend"}}, "QSG101", "a trend test"),
        ({"breach": {"indicator": "unexpected_deaths_rate"}}, "QSG101", "unexpected_deaths_rate"),
        ({"breach": {"min": 30}}, "QSG102", "min 30 is above the most this can count (11)"),
        (
            {"all": [{"soft": {"min": 8}}, {"soft": {"max": 3}}]},
            "QSG103",
            "contradict each other",
        ),
        ({"not": {"soft": {"min": 2}}}, "QSG104", "`not` over soft evidence"),
        ({"soft": {"min": 0}}, "QSG105", "always holds"),
        ({"breach": {"indicator": "harm_free_care", "test": "peer"}}, "QSG101", "peer test"),
    ],
)
def test_each_unsound_rule_is_found_with_its_code(
    tmp_path: Path, when: object, code: str, words: str
) -> None:
    path = _write(tmp_path, [KEEP, _rule("odd", when)])
    found = check_ruleset(path).findings
    mine = [p for p in found if p.code == code]
    assert mine and words in mine[0].message, found
    assert mine[0].line > BASE_LINES(path)  # located in the rule, not at the top
    assert mine[0].severity == "warning"


def BASE_LINES(path: Path) -> int:
    return (
        next(n for n, line in enumerate(path.read_text().splitlines(), 1) if "id: odd" in line) - 1
    )


def test_the_check_command_prints_locations_and_codes_and_strict_fails(tmp_path: Path) -> None:
    path = _write(tmp_path, [KEEP, _rule("odd", {"breach": {"min": 30}})])
    runner = CliRunner()
    result = runner.invoke(cli, ["check", str(path)])
    assert result.exit_code == 0
    (line,) = [x for x in result.stdout.splitlines() if "QSG102" in x]
    assert line.startswith(f"{path}:") and ": warning QSG102: never holds" in line
    strict = runner.invoke(cli, ["check", str(path), "--strict"])
    assert strict.exit_code == 1 and ": error QSG102:" in strict.stdout
    github = runner.invoke(cli, ["check", str(path), "--format", "github"])
    assert f"::warning file={path},line=" in github.stdout and "title=QSG102::" in github.stdout


def test_json_output_for_an_invalid_ruleset(tmp_path: Path) -> None:
    path = _write(tmp_path, [_rule("odd", {"sof": {"min": 1}})])
    result = CliRunner().invoke(cli, ["check", str(path), "--format", "json"])
    assert result.exit_code == 2
    import json

    data = json.loads(result.stdout)
    assert data["valid"] is False and data["problems"][0]["code"] == "QSG210"


def test_unused_indicator_settings_and_soft_settings(tmp_path: Path) -> None:
    path = _write(tmp_path, [_rule("only", {"breach": {"indicator": "ae_4hr_type1"}})])
    found = _codes(path)
    unused = [m for c, m in found if c == "QSG106"]
    assert any("never_events_rate" in m for m in unused)
    assert not any("ae_4hr_type1" in m for m in unused)
    assert any("soft intelligence" in m for m in unused)


def test_duplicates_and_shadowed_rules(tmp_path: Path) -> None:
    low = _rule("low", {"breach": {"indicator": "never_events_rate"}}, "further_information")
    high = _rule("high", {"breach": {"indicator": "never_events_rate"}}, "risk_summit")
    again = _rule("again", {"breach": {"indicator": "never_events_rate"}}, "risk_summit")
    found = _codes(_write(tmp_path, [KEEP, low, high, again]))
    assert any(c == "QSG107" and "rule again" in m and "rule high" in m for c, m in found)
    assert any(c == "QSG108" and "rule low" in m for c, m in found)


def test_a_narrower_rule_above_a_broader_one_does_not_shadow_it(tmp_path: Path) -> None:
    broad = _rule("broad", {"soft": {"min": 1}}, "further_information")
    narrow = _rule("narrow", {"soft": {"min": 8}}, "regular_review")
    found = _codes(_write(tmp_path, [KEEP, broad, narrow]))
    assert not any(c == "QSG108" for c, _ in found)


def test_the_default_ruleset_has_no_finding() -> None:
    assert check_ruleset(default_ruleset()).findings == ()


def test_the_conditions_command_prints_the_generated_reference() -> None:
    # (the documentation's reference is made from the same function: tests/test_docs.py)
    from qsgrules.ruleset.conditions import LEAVES
    from qsgrules.ruleset.conditions.reference import reference_markdown

    out = CliRunner().invoke(cli, ["conditions", "--format", "markdown"]).stdout
    assert out == reference_markdown()
    text = CliRunner().invoke(cli, ["conditions"]).stdout
    for kind in LEAVES:
        assert f"\n{kind}\n" in f"\n{text}"


def test_a_contradictory_rule_is_not_also_called_shadowed(tmp_path: Path) -> None:
    odd = _rule("both-ways", {"all": [{"soft": {"min": 8}}, {"soft": {"max": 3}}]})
    high = _rule("high", {"soft": {"min": 1}}, "risk_summit")
    found = _codes(_write(tmp_path, [KEEP, odd, high]))
    assert any(c == "QSG103" for c, _ in found)
    assert not any(c == "QSG108" and "both-ways" in m for c, m in found)
