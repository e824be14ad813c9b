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
    from qsgrules.codes import Code

    catalogue = {c.value: c for c in Code}
    for p in problems:
        assert re.fullmatch(r"QSG\d{3}", p.code) and p.code != "QSG000", (p.code, str(p))
        assert p.code in catalogue, p.code


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


# ---------------------------------------------------------------- the catalogue

PACKAGE = Path(__file__).resolve().parents[1] / "qsgrules"


def _code_literals(source: str) -> list[int]:
    """Lines where a string constant is a problem code (``"QSG000"`` is the placeholder)."""
    import ast

    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.fullmatch(r"QSG\d{3}", node.value)
        and node.value != "QSG000"
    ]


def test_every_code_is_defined_once_in_the_catalogue() -> None:
    # QSG381 was once defined three times (the loader, the intake, the API)
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != PACKAGE / "codes.py"
        for line in _code_literals(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "name a qsgrules.codes.Code member instead"
    assert _code_literals('x = "QSG381"') == [1]  # the check finds one


def test_codes_are_never_reused() -> None:
    from qsgrules.codes import RETIRED, Code

    values = [c.value for c in Code]
    assert len(values) == len(set(values))  # (@unique refuses two members with one code)
    assert not set(values) & RETIRED
    assert all(re.fullmatch(r"QSG[1-8]\d{2}", v) for v in values)
    assert all(c.summary.strip() for c in Code)


def test_the_list_of_codes_is_the_catalogue_by_area() -> None:
    # (the documentation's list is this one, made when the site is built: tests/test_docs.py)
    from qsgrules.codes import AREAS, Code, reference_markdown

    listed = reference_markdown()
    assert re.findall(r"^\| (QSG\d{3}) \|", listed, re.M) == sorted(c.value for c in Code)
    areas = re.findall(r"^\| \*\*(\d)xx\*\* \|", listed, re.M)
    assert areas == sorted({c.value[3] for c in Code}) and set(areas) <= set(AREAS)


def test_months_to_look_back_have_their_own_code_not_a_bad_date_s(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # QSG607 (a date that is not a date) was reused for `qsg coverage --months 0`
    from qsgrules.api import coverage

    monkeypatch.setenv("QSG_TODAY", "2019-06-30")
    with pytest.raises(InputError) as exc:
        coverage(months=0)
    assert [p.code for p in exc.value.problems] == ["QSG653"]
