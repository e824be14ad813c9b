"""Every problem a user can meet carries a stable code (QSG and three digits), never the
placeholder QSG000: tools match on codes (sqlfluff-style), so each kind of problem has one."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from test_input_cases import MAKER

from qsgrules.errors import InputError, Problem
from qsgrules.ruleset import load_ruleset
from qsgrules.workspace import load_workspace

CASES = Path(__file__).parent / "cases"


def _problems(path: Path) -> list[Problem]:
    try:
        if path.suffix == ".yaml":
            load_ruleset(path)
        else:
            load_workspace(path)
    except InputError as exc:
        return list(exc.problems)
    return []


FOLDERS = sorted(
    [
        *(CASES / "rulesets").glob("*.yaml"),
        *(p for p in (CASES / "workspaces").iterdir() if p.is_dir()),
    ]
)


@pytest.mark.parametrize("case", FOLDERS, ids=lambda p: p.name)
def test_every_problem_in_the_corpora_has_a_stable_code(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QSG_TODAY", "2019-06-30")
    monkeypatch.chdir(case if case.is_dir() else case.parent)
    _all_coded(_problems(case))


# the workspace cases of the input corpus (tests/cases/inputs), built from their deltas
INPUTS = [n for n, case in MAKER.CASES.items() if "providers.csv" in case["files"]]


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_every_problem_in_the_input_corpus_has_a_stable_code(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = MAKER.build_case(name, tmp_path)
    monkeypatch.setenv("QSG_TODAY", "2019-06-30")
    monkeypatch.chdir(folder)
    _all_coded(_problems(folder))


def _all_coded(problems: list[Problem]) -> None:
    for p in problems:
        assert re.fullmatch(r"QSG\d{3}", p.code) and p.code != "QSG000", (p.code, str(p))


def test_problems_serialise_to_plain_data() -> None:
    p = Problem("r.yaml", 3, 5, "unknown key", "QSG211")
    assert p.to_dict() == {
        "code": "QSG211",
        "severity": "error",
        "file": "r.yaml",
        "line": 3,
        "col": 5,
        "message": "unknown key",
    }
    arg = Problem.for_argument("as_of", "bad month", "QSG501")
    assert arg.to_dict()["argument"] == "as_of" and arg.render() == "--as-of: bad month"
    assert arg.render({"as_of": "AS_OF"}) == "AS_OF: bad month"
    assert os.sep not in arg.where
