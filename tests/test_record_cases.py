"""The record's corpus (tests/cases/record, issue 17): each case, built in a temporary
folder from its delta, its setup run and its register tampered with as declared, gives
exactly its expected exit code and stderr, never a traceback; its standard output holds
the words it must show and none it must hide. The format is described in
tests/cases/record/make_record_cases.py."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

CASES = Path(__file__).parent / "cases" / "record"


def _maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("record_cases", CASES / "make_record_cases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["record_cases"] = module
    spec.loader.exec_module(module)
    return module


MAKER = _maker()
NAMES = sorted(MAKER.CASES)


def test_every_case_has_an_expectation_and_every_expectation_a_case() -> None:
    kept = sorted(p.stem for p in (CASES / "expected").glob("*.txt"))
    assert kept == NAMES
    assert len(NAMES) >= 150


@pytest.mark.parametrize("name", NAMES)
def test_record_case(name: str, tmp_path: Path) -> None:
    code, stdout, stderr, error = MAKER.run_case(name, tmp_path)
    assert error is None, f"{name}: {error!r}"
    assert (code, stderr) == MAKER.expected(name)
    assert "Traceback" not in stderr + stdout
    case = MAKER.CASES[name]
    for word in case.shows:
        assert word in stdout, (name, word)
    for word in case.hides:
        assert word not in stdout, (name, word)
