"""scripts/mutation_check.py: its list follows the code, and a mutant is applied and killed.

The whole check runs outside the suite: python scripts/mutation_check.py (docs/trust.md,
"Mutation check")."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "mutation_check", ROOT / "scripts/mutation_check.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutation_check"] = module
    spec.loader.exec_module(module)
    return module


def test_every_mutant_still_matches_the_code_once() -> None:
    script = _script()
    assert script.stale() == []
    assert len({m.name for m in script.MUTANTS}) == len(script.MUTANTS) >= 40


def test_every_mutant_names_tests_that_exist() -> None:
    # a renamed test file would make a mutant "survive" on a collection error, or be
    # reported as killed by one: every file a mutant names must be there
    script = _script()
    named = {t.split("::")[0] for m in script.MUTANTS for t in m.tests}
    assert named and all((ROOT / t).is_file() for t in named)


@pytest.mark.slow
def test_a_mutant_is_applied_in_a_copy_and_killed(tmp_path: Path) -> None:
    script = _script()
    mutant = next(m for m in script.MUTANTS if m.name == "closed-on-the-as-of-date-still-counts")
    script._copy(tmp_path)
    killed, by = script.check(mutant, tmp_path)
    assert (killed, by) == (True, "the scenario suite")
    # the copy is restored, and the project itself was never touched
    assert (tmp_path / mutant.file).read_text() == (ROOT / mutant.file).read_text()
    assert mutant.old in (ROOT / mutant.file).read_text()
