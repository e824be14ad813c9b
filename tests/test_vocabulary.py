"""The shared words are defined once (qsgrules/model/vocabulary.py) and ordered by meaning."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from qsgrules.model.vocabulary import (
    Direction,
    Domain,
    Handling,
    HardTest,
    ItemStatus,
    Level,
    ProviderType,
    Reliability,
    Severity,
    Strength,
)

PACKAGE = Path(__file__).resolve().parents[1] / "qsgrules"
HOME = PACKAGE / "model" / "vocabulary.py"
VOCABULARIES = [Domain, Severity, Level, HardTest, Strength, Direction, ProviderType, Handling]


def _literal_lists(path: Path) -> list[tuple[int, set[str]]]:
    """Every list, tuple, set or Literal[...] written out of string constants in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        elements: list[ast.expr] = []
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            elements = list(node.elts)
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Tuple):
            elements = list(node.slice.elts)
        strings = {
            e.value for e in elements if isinstance(e, ast.Constant) and isinstance(e.value, str)
        }
        if len(strings) >= 2:
            found.append((getattr(node, "lineno", 0), strings))
    return found


def test_no_module_writes_out_a_vocabulary_of_its_own() -> None:
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == HOME:
            continue
        for line, strings in _literal_lists(path):
            for vocabulary in VOCABULARIES:
                shared = strings & set(vocabulary.values())
                if len(shared) >= 2:
                    offences.append(
                        f"{path.relative_to(PACKAGE)}:{line}: "
                        f"{vocabulary.__name__} {sorted(shared)}"
                    )
    assert offences == []


def test_the_check_finds_a_literal_list(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text('DOMAINS = ("safety", "effectiveness")\nT = Literal["low", "high"]\n')
    assert {frozenset(s) for _, s in _literal_lists(sample)} == {
        frozenset({"effectiveness", "safety"}),
        frozenset({"high", "low"}),
    }


def test_levels_are_ordered_by_severity_not_alphabetically() -> None:
    assert Level.NO_CONCERNS < Level.FURTHER_INFORMATION < Level.REGULAR_REVIEW < Level.RISK_SUMMIT
    assert max(Level.FURTHER_INFORMATION, Level.NO_CONCERNS) is Level.FURTHER_INFORMATION
    assert sorted([Level.RISK_SUMMIT, Level.NO_CONCERNS]) == [Level.NO_CONCERNS, Level.RISK_SUMMIT]
    assert Severity.LOW < Severity.CRITICAL and Strength.NOTABLE < Strength.STRONG
    assert Reliability.A < Reliability.E


def test_levels_of_different_vocabularies_do_not_compare() -> None:
    with pytest.raises(TypeError):
        assert Level.RISK_SUMMIT < Severity.LOW


def test_values_are_the_wire_format() -> None:
    assert Level.values() == ["no_concerns", "further_information", "regular_review", "risk_summit"]
    assert f"{Domain.WELL_LED}" == "well_led" and str(ItemStatus.CLOSED) == "closed"
    by_word: dict[str, int] = {Domain.SAFETY: 1}
    assert by_word["safety"] == 1  # a dict keyed by the word takes the string
