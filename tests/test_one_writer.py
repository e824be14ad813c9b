"""Every file qsgrules writes for the user is written by one writer (``qsgrules.writing``):
whole or not at all, flushed to disk, never through a link, never over what was there
unchecked. A second helper (one without fsync) had grown beside it once; this test finds
any write outside it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "qsgrules"

#: Writes that are not the user's files, each with why it is safe.
ALLOWED = {
    # files of a new folder, written inside writing.new_folder's temporary folder, which
    # flushes every file and renames the folder whole
    "synth/__init__.py",
    # an inline scenario's workspace, in a temporary folder removed after it is read
    "scenarios/load.py",
}
WRITERS = {"write_text", "write_bytes", "replace", "rename", "fsync"}


def _writes(source: str) -> list[int]:
    """Lines calling ``.write_text``/``.write_bytes``, ``os.replace``/``rename``/``fsync``,
    or ``open`` with a mode that writes."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Attribute) and f.attr in WRITERS:
            if f.attr in ("write_text", "write_bytes") or (
                isinstance(f.value, ast.Name) and f.value.id == "os"
            ):
                found.append(node.lineno)
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        if name == "open":
            modes = [a for a in node.args[1:2]] + [
                k.value for k in node.keywords if k.arg == "mode"
            ]
            if any(
                isinstance(m, ast.Constant)
                and isinstance(m.value, str)
                and set(m.value) & set("wax+")
                for m in modes
            ):
                found.append(node.lineno)
    return found


def test_nothing_but_the_one_writer_writes_a_file() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).as_posix() not in {"writing.py", *ALLOWED}
        for line in _writes(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "write through qsgrules.writing (write_file, new_folder)"


def test_the_check_finds_each_kind_of_write() -> None:
    source = (
        "p.write_text('x')\nos.replace(a, b)\nopen(p, 'w')\nPath(p).open(mode='ab')\n"
        "os.fsync(fd)\nopen(p)\n"
    )
    assert _writes(source) == [1, 2, 3, 4, 5]
