"""The code's own standards that are tests: the layering contracts break on a forbidden import,
citations resolve, no Any in evidence/ and engine/ signatures. The linters themselves (ruff,
mypy, import-linter on the code, deptry) are CI steps of their own: `.ci/checks`."""

from __future__ import annotations

import ast
import itertools
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
        ("api/__init__.py", "from ..cli import main"),
        ("privacy.py", "from .cli import main"),
        ("stats/spc.py", "from ..model import Model"),
        ("reports/render.py", "from ..engine import triage"),
        ("evidence/soft.py", "import durable"),
        ("web/app.py", "from ..engine import triage"),
        ("web/forms.py", "from ..evidence import soft"),
        ("reports/pack.py", "from ..web import app"),
        ("api/proposals.py", "from ..web import serve"),
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


def _layers() -> list[list[str]]:
    """The layers contract's layers, top first, each a list of its modules."""
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in contracts["contracts"] if c["type"] == "layers"]
    return [[m.strip() for m in layer.split("|")] for layer in layers]


def _top_level_modules() -> set[str]:
    return {
        f"qsgrules.{p.stem if p.is_file() else p.name}"
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" and p.name != "__init__.py") or (p / "__init__.py").is_file()
    }


def test_every_top_level_module_is_in_one_layer() -> None:
    """A new module is placed in the layers (or this fails): no module is outside them."""
    placed = [m for layer in _layers() for m in layer]
    assert sorted(placed) == sorted(set(placed))  # none twice
    assert set(placed) == _top_level_modules()


def test_a_forbidden_import_from_any_module_breaks_the_layers(tmp_path: Path) -> None:
    """In one copy of the package every module (every Python file, not only the top-level
    ones) below the command line imports the first module of the layer above its own, and
    every module of a layer with siblings imports a sibling; the layers contract, alone in
    the copy's configuration, reports each of those imports as its own chain."""
    import tomllib

    shutil.copytree(PACKAGE, tmp_path / "qsgrules", ignore=shutil.ignore_patterns("__pycache__"))
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = _layers()
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    (tmp_path / ".importlinter").write_text(
        "[importlinter]\nroot_package = qsgrules\n\n[importlinter:contract:layers]\n"
        "name = layers\ntype = layers\nlayers =\n"
        + "".join(f"    {layer}\n" for layer in contract["layers"])
    )
    forbidden: dict[str, list[str]] = {}  # a top-level module: what its modules may not import
    for above, layer in itertools.pairwise(layers):
        for top in layer:
            siblings = [m for m in layer if m != top]
            forbidden[top] = [above[0], *siblings[:1]]
    expected = []
    for file in sorted((tmp_path / "qsgrules").rglob("*.py")):
        parts = file.relative_to(tmp_path).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        for target in forbidden.get(".".join(parts[:2]), []):
            with file.open("a") as f:
                f.write(f"\nimport {target}  # noqa\n")
            expected.append(f"- {module} -> {target} (l.")
    result = subprocess.run(
        [*_tool("lint-imports"), "--no-cache", str(tmp_path / ".importlinter")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert result.returncode == 1, result.stdout + result.stderr
    missed = [line for line in expected if line not in result.stdout]
    assert missed == [], result.stdout
    # every module but the command line's and the package's own __init__ (in no layer)
    below_the_top = [
        p
        for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] not in ("cli", "__init__.py")
    ]
    assert len({line.split(" -> ")[0] for line in expected}) == len(below_the_top)


def test_every_citation_of_the_methods_points_at_the_file_in_the_repository() -> None:
    import re

    methods = ROOT / "docs" / "methods.md"
    sections = set(re.findall(r"^## (\d+)\.", methods.read_text(), re.M))
    cited = []
    docs = [p for p in (ROOT / "docs").rglob("*.md") if p != methods]
    for path in [
        *PACKAGE.rglob("*.py"),
        *(ROOT / "tests").rglob("*.py"),
        ROOT / "README.md",
        *docs,
    ]:
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
