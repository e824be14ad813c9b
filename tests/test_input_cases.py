"""The corpus of invalid, hostile and unusual inputs (tests/cases/inputs): each case, built
in a temporary folder from its delta, gives exactly its expected exit code and stderr, never
a traceback. The format is described in tests/cases/inputs/make_cases.py."""

from __future__ import annotations

import hashlib
import importlib.util
import os
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
NAMES = sorted(MAKER.CASES)


def _fingerprint(folder: Path) -> str:
    """What a built case is: every path with its bytes, link target or folder mark."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        if path.is_symlink():
            digest.update(b"link:" + os.readlink(path).encode())
        elif path.is_dir():
            digest.update(b"dir")
        else:
            digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def test_every_case_has_an_expectation_and_every_expectation_a_case() -> None:
    kept = sorted(p.stem for p in (CASES / "expected").glob("*.txt"))
    assert kept == NAMES
    assert len(NAMES) >= 150
    failing = [n for n in NAMES if MAKER.expected(n)[0] != 0]
    assert len(failing) >= 150


def test_no_two_cases_are_the_same_input(tmp_path: Path) -> None:
    seen: dict[tuple[str, str], str] = {}
    for name in NAMES:
        key = (str(MAKER.CASES[name]["command"]), _fingerprint(MAKER.build_case(name, tmp_path)))
        assert key not in seen, f"{name} is the same input as {seen[key]}"
        seen[key] = name


@pytest.mark.parametrize("name", NAMES)
def test_case_gives_its_exit_code_and_exact_message(name: str, tmp_path: Path) -> None:
    code, stderr, error = MAKER.run_case(name, tmp_path)
    assert error is None, f"{name}: {error!r}"
    assert (code, stderr) == MAKER.expected(name)
    assert "Traceback" not in stderr
