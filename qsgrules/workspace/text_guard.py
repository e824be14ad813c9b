"""The guard on every free-text field a workspace stores or prints.

Control characters (a BEL, an escape sequence, a newline in a name that would split a table
row) and possible patient- or staff-identifiers are refused, by field, with the kind of
identifier named and the identifier itself never repeated. The identifier search is the
one `qsg privacy scan` runs (``qsgrules.privacy.scan``).
"""

from __future__ import annotations

import re

from .. import privacy

CODE_CONTROL = "QSG401"
CODE_IDENTIFIER = "QSG402"

# C0 and C1 controls and DEL, and the bidirectional overrides that reorder what a
# terminal shows; tab and newline are allowed only in long text (summaries, reasons)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_IN_LONG_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def control_problem(field: str, text: str, *, long_text: bool = False) -> str | None:
    """A message when ``text`` holds a control character, else None."""
    m = (_CONTROL_IN_LONG_TEXT if long_text else _CONTROL).search(text)
    if m is None:
        return None
    what = {"\n": "a line break", "\r": "a carriage return", "\t": "a tab"}.get(
        m.group(), f"a control character (U+{ord(m.group()):04X})"
    )
    return f"{field} contains {what} at character {m.start() + 1}; remove it"


def identifier_problems(field: str, text: str) -> list[str]:
    """One message per kind of possible identifier in ``text``, highest risk first."""
    kinds = sorted({f.kind for f in privacy.scan(text)}, key=privacy.KINDS.index)
    return [
        f"{field} contains {privacy.describe(kind)}; "
        "remove it: no patient- or staff-identifiable data"
        for kind in kinds
    ]


def guard(
    field: str, text: str, *, long_text: bool = False, scan: bool = True
) -> list[tuple[str, str]]:
    """(code, message) for each problem of one free-text value."""
    out: list[tuple[str, str]] = []
    control = control_problem(field, text, long_text=long_text)
    if control is not None:
        out.append((CODE_CONTROL, control))
    if scan:
        out.extend((CODE_IDENTIFIER, m) for m in identifier_problems(field, text))
    return out
