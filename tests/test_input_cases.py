"""The corpus of invalid, hostile and unusual inputs (tests/cases/inputs): each case gives
exactly its expected exit code and stderr, never a traceback."""

from __future__ import annotations

import filecmp
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

CASES = Path(__file__).parent / "cases" / "inputs"


def _maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_cases", CASES / "make_cases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_cases"] = module
    spec.loader.exec_module(module)
    return module


MAKER = _maker()
NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir() and not p.name.startswith("_"))


def test_the_corpus_is_large_and_every_case_is_different() -> None:
    assert len(NAMES) >= 150
    assert sorted(MAKER.CASES) == NAMES
    expected = [(CASES / n / "expected.txt").read_text() for n in NAMES]
    failing = [e for e in expected if e]
    assert len(failing) >= 150


@pytest.mark.parametrize("name", NAMES)
def test_case_gives_its_exit_code_and_exact_message(name: str, tmp_path: Path) -> None:
    code, stderr, error = MAKER.run_case(CASES / name, tmp_path)
    assert error is None, f"{name}: {error!r}"
    assert code == int((CASES / name / "exit_code").read_text())
    assert stderr == (CASES / name / "expected.txt").read_text()
    assert "Traceback" not in stderr


def test_the_committed_cases_are_what_the_script_builds(tmp_path: Path) -> None:
    MAKER.build(tmp_path)
    for name in NAMES:
        built, kept = tmp_path / name, CASES / name
        files = sorted(p.name for p in built.iterdir())
        assert (
            sorted(p.name for p in kept.iterdir() if p.name not in ("expected.txt", "exit_code"))
            == files
        )
        for f in files:
            if (built / f).is_dir():
                assert not filecmp.dircmp(built / f, kept / f).diff_files
            else:
                assert (built / f).read_bytes() == (kept / f).read_bytes(), (name, f)
