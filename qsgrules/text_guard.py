"""The guard on every free-text field qsgrules stores or prints: the workspace's files and
everything a person types into the register (commands and the live page's forms).

Control characters (a BEL, an escape sequence, a newline in a name that would split a table
row), bidirectional overrides and marks, and invisible (zero-width) characters are refused,
by field; so are possible patient- or staff-identifiers, with the kind of identifier named
and the identifier itself never repeated. The identifier search is the one `qsg privacy
scan` runs (``qsgrules.privacy.scan``).

Names are compared by their visible form (:func:`visible_form`): two names a reader cannot
tell apart are the same name, so one body cannot be counted twice under look-alike names.
"""

from __future__ import annotations

import re
import unicodedata

from . import privacy
from .codes import Code

CODE_CONTROL = Code.TEXT_CONTROL
CODE_IDENTIFIER = Code.TEXT_IDENTIFIER
CODE_TOO_LONG = Code.TEXT_TOO_LONG
#: The longest text a field takes, in characters: a summary or a reason is a paragraph or
#: two (the details stay in the source organisation's records); a name or label is a line.
LONG_TEXT_LIMIT = 4_000
SHORT_TEXT_LIMIT = 500

# C0 and C1 controls and DEL; the bidirectional overrides, isolates and marks that reorder
# what a terminal shows; the invisible characters that make two names look alike (zero-width
# space, joiners, word joiner, invisible operators, byte-order mark, soft hyphen, Mongolian
# vowel separator, Hangul fillers) and the line and paragraph separators. Tab and newline
# are allowed only in long text (summaries, reasons)
# (the joiners and variation selectors that emoji and some scripts need are allowed in long
# text; in a name they are refused like the others).
_INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b\u200e\u200f"
    "\u2028-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb"
)
_JOINERS = "\u200c\u200d\ufe00-\ufe0f"
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}{_JOINERS}]")
_CONTROL_IN_LONG_TEXT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")
_NAMES = {"\n": "a line break", "\r": "a carriage return", "\t": "a tab"}
# what the guard refused before invisible characters were added: named as it named them
_CONTROL_NAMED = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def control_problem(field: str, text: str, *, long_text: bool = False) -> str | None:
    """A message when ``text`` holds a control character, else None."""
    m = (_CONTROL_IN_LONG_TEXT if long_text else _CONTROL).search(text)
    if m is None:
        return None
    ch = m.group()
    if ch in _NAMES:
        what = _NAMES[ch]
    elif _CONTROL_NAMED.match(ch):
        what = f"a control character (U+{ord(ch):04X})"
    else:
        what = f"an invisible or direction-changing character (U+{ord(ch):04X})"
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
    """(code, message) for each problem of one free-text value: too long (then nothing else
    is looked for), control or invisible characters, possible identifiers."""
    limit = LONG_TEXT_LIMIT if long_text else SHORT_TEXT_LIMIT
    if len(text) > limit:
        return [
            (
                CODE_TOO_LONG,
                f"{field} is {len(text):,} characters long, above the limit of {limit:,}; "
                "shorten it (the details belong in the organisation's own records)",
            )
        ]
    out: list[tuple[str, str]] = []
    control = control_problem(field, text, long_text=long_text)
    if control is not None:
        out.append((CODE_CONTROL, control))
    if scan:
        out.extend((CODE_IDENTIFIER, m) for m in identifier_problems(field, text))
    return out


def passed(texts: list[str]) -> list[bool]:
    """For each text, True when :func:`guard` finds nothing in it, whatever the field (a
    name or long text); False when it may find something. The texts are searched together
    (``privacy.may_hold``): 50,000 items' fields are not guarded one by one."""
    joined, starts = privacy.join(texts)
    flagged = privacy.touched(_CONTROL, joined, starts) | privacy.may_hold(joined, starts)
    return [
        k not in flagged and len(text) <= min(SHORT_TEXT_LIMIT, LONG_TEXT_LIMIT)
        for k, text in enumerate(texts)
    ]


# Letters of other scripts drawn exactly like a Latin letter in common fonts, and the Latin
# letter they are read as (Cyrillic and Greek; lower case: the key is case-folded first).
_LOOK_ALIKE = str.maketrans(
    {
        # Cyrillic
        "\u0430": "a", "\u0432": "b", "\u0435": "e", "\u043a": "k", "\u043c": "m",
        "\u043d": "h", "\u043e": "o", "\u0440": "p", "\u0441": "c", "\u0442": "t",
        "\u0443": "y", "\u0445": "x", "\u0455": "s", "\u0456": "i", "\u0458": "j",
        "\u04bb": "h", "\u0501": "d", "\u051b": "q", "\u051d": "w", "\u0457": "i",
        "\u04cf": "l",
        # Greek
        "\u03b1": "a", "\u03b2": "b", "\u03b5": "e", "\u03b7": "h", "\u03b9": "i",
        "\u03ba": "k", "\u03bc": "m", "\u03bd": "n", "\u03bf": "o", "\u03c1": "p",
        "\u03c4": "t", "\u03c5": "y", "\u03c7": "x", "\u03b6": "z",
        # Latin letters read as others
        "\u0131": "i", "\u0269": "i", "\u026a": "i", "\u1d0f": "o",
    }
)  # fmt: skip


def visible_form(name: str) -> str:
    """The key two names share when a reader cannot tell them apart: compatibility-
    normalised (NFKC: full-width letters, ligatures), case-folded, spaces collapsed,
    invisible characters dropped and letters of other scripts drawn like Latin ones read as
    those. "Ann Lee", "ann  lee", "Ａｎｎ Ｌｅｅ" and "Аnn Lee" (a Cyrillic А) share one."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _CONTROL.sub("", text).translate(_LOOK_ALIKE)
    return " ".join(text.split())


def normalised(text: str) -> str:
    """``text`` in NFC, the form it is stored and compared in (an é typed as e and a
    combining accent is the same é)."""
    return unicodedata.normalize("NFC", text)
