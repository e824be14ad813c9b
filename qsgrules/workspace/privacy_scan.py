"""`qsg privacy scan`: every possible identifier in every text file of a workspace folder."""

from __future__ import annotations

from pathlib import Path

from .. import privacy
from ..codes import Code
from ..errors import Problem
from ..files import read_text

SCANNED = (".csv", ".yaml", ".yml", ".txt", ".md")
CODE_FOUND = Code.PRIVACY_FOUND


def scan_workspace(folder: str | Path) -> list[Problem]:
    """Every possible identifier in every text file of a workspace, as file:line:col problems.

    The message names the kind of identifier, never the identifier itself. A file that
    cannot be read as text is reported as not scanned.
    """
    root = Path(folder)
    found: list[Problem] = []
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() not in SCANNED or path.is_dir():
            continue
        name = str(path.relative_to(root))
        text = read_text(path, name, "csv")
        if isinstance(text, Problem):
            found.append(
                Problem(
                    text.file, text.line, text.col, f"not scanned: {text.message}", code=text.code
                )
            )
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            for f in privacy.scan(line):
                certainty = "" if f.certain else " (checksum-valid, no context word)"
                found.append(
                    Problem(
                        name,
                        number,
                        f.start + 1,
                        f"{privacy.describe(f.kind)} [{f.kind}]{certainty}",
                        code=CODE_FOUND,
                    )
                )
    return found
