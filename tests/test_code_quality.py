"""The code's own standards that are tests: the layering contracts break on a forbidden import,
citations resolve, no Any in evidence/ and engine/ signatures. The linters themselves (ruff,
mypy, import-linter on the code, deptry) are CI steps of their own: `.ci/checks`."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "qsgrules"


def _tool(name: str) -> list[str]:
    exe = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if exe is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return [exe]


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("api.py", "from .cli import main"),
        ("privacy.py", "from .cli import main"),
        ("stats/spc.py", "from ..model import Model"),
        ("reports/render.py", "from ..engine import triage"),
        ("evidence/soft.py", "import durable"),
        ("web/app.py", "from ..engine import triage"),
        ("web/forms.py", "from ..evidence import soft"),
        ("reports/pack.py", "from ..web import app"),
        ("api.py", "from .web import serve"),
        ("cli/common.py", "import flask"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tmp_path: Path, module: str, line: str) -> None:
    shutil.copytree(PACKAGE, tmp_path / "qsgrules", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with (tmp_path / "qsgrules" / module).open("a") as f:
        f.write(f"\n{line}  # noqa\n")
    result = subprocess.run(
        [*_tool("lint-imports"), "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert result.returncode == 1, result.stdout
    assert "BROKEN" in result.stdout


def test_every_citation_of_the_methods_points_at_the_file_in_the_repository() -> None:
    import re

    methods = ROOT / "docs" / "methods.md"
    sections = set(re.findall(r"^## (\d+)\.", methods.read_text(), re.M))
    cited = []
    for path in [*PACKAGE.rglob("*.py"), *(ROOT / "tests").rglob("*.py"), ROOT / "README.md"]:
        text = path.read_text()
        if path == Path(__file__):
            continue
        assert "METHODS.md" not in text, f"{path} cites a METHODS.md the repository lacks"
        cited += re.findall(r"docs/methods\.md section (\d+)", text)
    assert cited and set(cited) <= sections


def _any_in_signatures(source: str) -> list[int]:
    """Lines of functions whose parameters or return are annotated with ``Any``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            a = node.args
            params = [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]
            notes = [x.annotation for x in params if x is not None] + [node.returns]
            text = " ".join(ast.unparse(n) for n in notes if n is not None)
            if "Any" in text.replace("[", " ").replace("]", " ").replace(",", " ").split():
                found.append(node.lineno)
    return found


def test_no_any_in_the_signatures_of_evidence_and_engine() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for folder in ("evidence", "engine")
        for path in sorted((PACKAGE / folder).rglob("*.py"))
        for line in _any_in_signatures(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    # the check finds one
    assert _any_in_signatures("def f(x: dict[str, Any]) -> None: ...") == [1]
