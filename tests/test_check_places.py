"""`qsg check` catches the mistakes an analyst makes and places each exactly: a limit outside
the indicator's range, a version read as a number, a placeholder typo inside a folded or
literal block, min_months beyond months, a level typo, a citation across scopes; a problem
of a scenario file is said once."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules.bundled import default_ruleset
from qsgrules.cli.main import cli
from qsgrules.codes import Code

DEFAULT = default_ruleset().read_text(encoding="utf-8")


def _at(text: str, needle: str, after: str = "") -> str:
    """``line:col`` (1-based) of ``needle`` in ``text``, the first after ``after``."""
    at = text.index(needle, text.index(after) + len(after) if after else 0)
    line = text.count("\n", 0, at) + 1
    return f"{line}:{at - (text.rfind(chr(10), 0, at) + 1) + 1}"


def _check(tmp_path: Path, text: str) -> tuple[int, list[str]]:
    path = tmp_path / "edited.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(path)])
    lines = [line.replace(str(path), "edited.yaml") for line in result.output.splitlines()]
    return result.exit_code, lines


def _edited(old: str, new: str) -> str:
    assert DEFAULT.count(old) == 1, old
    return DEFAULT.replace(old, new)


def test_a_limit_outside_the_indicators_range_is_a_warning_at_the_limit(tmp_path: Path) -> None:
    text = _edited(
        "      limit: 5\n      strong_limit: 20\n", "      limit: 105\n      strong_limit: 110\n"
    )
    code, lines = _check(tmp_path, text)
    assert code == 0  # a warning: `check --strict` makes it an error
    found = [line for line in lines if Code.THRESHOLD_OUT_OF_RANGE in line]
    assert [line.split(": warning")[0] for line in found] == [
        f"edited.yaml:{_at(text, '105')}",
        f"edited.yaml:{_at(text, '110')}",
    ]
    assert "limit 105 is outside what ae_4hr_type1 can take (0 to 100" in found[0]
    assert "never breaches" in found[0]


def test_a_version_read_as_a_number_is_quoted_as_written(tmp_path: Path) -> None:
    text = _edited('version: "1.0"', "version: 2019.10")
    code, lines = _check(tmp_path, text)
    assert code == 2
    assert lines[0].startswith(f"edited.yaml:{_at(text, '2019.10')}: version:")
    assert lines[0].endswith('quote it: "2019.10"')


@pytest.mark.parametrize("style", [">", "|", ">-"])
def test_a_placeholder_typo_in_a_block_is_placed_where_it_is_written(
    tmp_path: Path, style: str
) -> None:
    old = (
        "    because: >\n"
        "      Strong safety breach ({breached}) corroborated by soft safety intelligence "
        "weighing\n"
        "      {soft.safety} from {sources.safety}.\n"
    )
    new = old.replace("because: >", f"because: {style}").replace("{sources.", "{sourcez.")
    text = _edited(old, new)
    code, lines = _check(tmp_path, text)
    assert code == 2
    assert lines[0].startswith(f"edited.yaml:{_at(text, '{sourcez.safety}')}: because:"), lines


def test_a_placeholder_typo_on_one_line_is_placed_too(tmp_path: Path) -> None:
    text = _edited(
        'because: "Standards breached: {breached}."', 'because: "Standards breached: {breachd}."'
    )
    code, lines = _check(tmp_path, text)
    assert code == 2
    assert lines[0].startswith(f"edited.yaml:{_at(text, '{breachd}')}: because:"), lines
    assert 'did you mean "breached"' in lines[0]


def test_min_months_beyond_months_is_placed_at_min_months(tmp_path: Path) -> None:
    old = "      limit: 0.5\n      strong_limit: 1.0\n      months: 3\n      min_months: 2\n"
    text = _edited(old, old.replace("min_months: 2", "min_months: 4"))
    code, lines = _check(tmp_path, text)
    assert code == 2
    assert lines[0].startswith(f"edited.yaml:{_at(text, '4', after='min_months: ')}: "), lines
    assert "standard.min_months: cannot exceed months (4 > 3)" in lines[0]


def test_a_level_typo_says_which_level_was_meant(tmp_path: Path) -> None:
    text = _edited(
        "  - id: never-event\n    level: regular_review",
        "  - id: never-event\n    level: regular_reveiw",
    )
    code, lines = _check(tmp_path, text)
    assert code == 2
    assert lines[0].startswith(f"edited.yaml:{_at(text, 'regular_reveiw')}: ")
    assert "unknown level 'regular_reveiw' (did you mean \"regular_review\"?)" in lines[0]


def test_a_citation_across_soft_scopes_is_a_warning(tmp_path: Path) -> None:
    old = (
        "    when:\n      soft: {category: never_event}\n    because: >\n"
        "      A never event reported by {cited_sources}, weighing {cited_soft}.\n"
    )
    new = (
        "    when:\n      all:\n        - soft: {category: never_event}\n"
        "        - soft: {domain: safety, min: 1}\n    because: >\n"
        "      A never event and safety concerns in the same domain, weighing {cited_soft}.\n"
    )
    text = _edited(old, new)
    code, lines = _check(tmp_path, text)
    assert code == 0
    (found,) = [line for line in lines if Code.CITED_ACROSS_SCOPES in line]
    assert found.startswith(f"edited.yaml:{_at(text, '>', after=new.split('because:')[0])}: "), (
        found
    )
    assert "category never_event; domain safety" in found
    # one scope cited by name is not warned of
    assert not [line for line in _check(tmp_path, DEFAULT)[1] if Code.CITED_ACROSS_SCOPES in line]


SHARED = """\
as_of: 2019-13
scenarios:
  - name: one
    workspace:
      providers: [{code: RXA, type: acute}]
    expect:
      RXA: {level: no_concerns}
  - name: two
    workspace:
      providers: [{code: RXB, type: acute}]
    expect:
      RXB: {level: no_concerns}
  - name: three
    workspace:
      providers: [{code: RXC, type: acute}]
    expect:
      RXC: {level: no_concerns}
"""


@pytest.mark.parametrize(
    "text", [SHARED, SHARED.replace("as_of: 2019-13", "ruleset: ../outside.yaml\nas_of: 2019-03")]
)
def test_a_problem_of_a_whole_scenario_file_is_said_once(tmp_path: Path, text: str) -> None:
    (tmp_path / "work").mkdir()
    path = tmp_path / "work" / "scenario_shared.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["test", str(path)])
    assert result.exit_code == 2
    problems = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    assert len(problems) == 1, result.stderr
    assert "1 problem found" in result.stderr
