"""Golden tests: each invalid ruleset in tests/cases/rulesets gives exactly its .expected errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules.bundled import default_ruleset
from qsgrules.cli.main import cli
from qsgrules.errors import InputError
from qsgrules.ruleset import load_ruleset

CASES = Path(__file__).parent / "cases" / "rulesets"


@pytest.mark.parametrize("case", sorted(p.stem for p in CASES.glob("*.yaml")))
def test_invalid_ruleset_reports_exactly_these_problems(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CASES)
    result = CliRunner().invoke(cli, ["check", f"{case}.yaml"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (CASES / f"{case}.expected").read_text()
    assert "Traceback" not in result.output


def test_every_case_is_invalid_in_its_own_way() -> None:
    expected = [p.read_text() for p in CASES.glob("*.expected")]
    assert len(expected) == len(list(CASES.glob("*.yaml"))) >= 7
    assert len(set(expected)) == len(expected)


def test_default_ruleset_checks_clean() -> None:
    result = CliRunner().invoke(cli, ["check", str(default_ruleset())])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1
    assert ": ok: ruleset qsgrules-default" in result.stdout


def test_misspelt_key_points_at_the_key() -> None:
    text = (CASES / "misspelt_key.yaml").read_text().splitlines()
    line = next(i for i, t in enumerate(text, 1) if "levle" in t)
    col = text[line - 1].index("levle") + 1
    with pytest.raises(InputError) as info:
        load_ruleset(CASES / "misspelt_key.yaml")
    assert any(
        p.line == line and p.col == col and "levle" in p.message for p in info.value.problems
    )


def test_unreadable_ruleset_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2
    assert "missing.yaml:1: cannot read ruleset" in result.stderr
