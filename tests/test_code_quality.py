"""The code's own standards, checked in the test suite: lint, types, layering."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "qsgrules"

# What each layer may import from qsgrules (imports flow one way:
# stats -> evidence -> engine -> reports -> cli).
FORBIDDEN = {
    "stats": {"evidence", "engine", "reports", "cli", "api", "ruleset", "workspace", "model"},
    "evidence": {"engine", "reports", "cli", "api"},
    "ruleset": {"engine", "reports", "cli", "api", "evidence"},
    "workspace": {"engine", "reports", "cli", "api", "evidence", "ruleset"},
    "model": {"engine", "reports", "cli", "api", "evidence", "ruleset", "workspace"},
    "engine": {"reports", "cli", "api"},
    "reports": {"cli", "api"},
}


def _imports(path: Path) -> list[str]:
    """Absolute module names imported by a file of the package."""
    tree = ast.parse(path.read_text(), str(path))
    parts = path.relative_to(ROOT).with_suffix("").parts
    package = parts[:-1]
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.append(module)
            names.extend(f"{module}.{alias.name}" for alias in node.names)
    return names


def _files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_only_the_engine_adapter_imports_durable() -> None:
    importers = {
        str(f.relative_to(ROOT))
        for f in _files()
        if any(n == "durable" or n.startswith("durable.") for n in _imports(f))
    }
    assert importers == {"qsgrules/engine/durable_adapter.py"}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_imports_flow_one_way(layer: str) -> None:
    offenders = []
    for f in (PACKAGE / layer).rglob("*.py") if (PACKAGE / layer).is_dir() else []:
        for name in _imports(f):
            parts = name.split(".")
            if parts[0] == "qsgrules" and len(parts) > 1 and parts[1] in FORBIDDEN[layer]:
                offenders.append(f"{f.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_stats_is_pure_numeric_code() -> None:
    for f in (PACKAGE / "stats").rglob("*.py"):
        for name in _imports(f):
            assert name.split(".")[0] not in {"pydantic", "yaml", "click", "qsgrules"}, (f, name)


def _tool(name: str) -> list[str]:
    exe = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if exe is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return [exe]


def test_ruff_lint_is_clean() -> None:
    result = subprocess.run(
        [*_tool("ruff"), "check", "qsgrules", "tests", "scripts", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
