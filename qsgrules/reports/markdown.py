"""Values placed in Markdown, escaped so that no text a person typed can change the
document's structure (the note and the regional report are read as Markdown: GitHub,
SharePoint, pandoc).

Every character Markdown gives a meaning to is escaped with a backslash (CommonMark lets any
ASCII punctuation be escaped, and the escape is never shown), so emphasis, links, images,
code, raw HTML (``<script>``, ``<img onerror>``, ``<base href>``) and entities are text. A
line break inside a value stays inside its item: a hard break (a backslash at the end of
the line) with the next line indented to the item's depth, blank lines dropped, so a
reason with blank lines cannot end its paragraph and write a "**Conclusion:**" or a
"## Amendments" of its own. In a table cell a line break is a space and ``|`` is escaped.
"""

from __future__ import annotations

import re

# the characters that mean something anywhere in a line: escapes, code, emphasis, links
# and images (``!`` and ``(`` mean nothing without ``[``), raw HTML and autolinks, table
# cells, strikethrough; ``_`` only beside a non-alphanumeric character (between two letters
# it can neither open nor close emphasis: ``ae_4hr_type1`` is left as it is), ``&`` only
# where it would begin an entity (``A&E`` is left as it is)
_SPECIAL = re.compile(r"([\\`*\[\]<>|~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|&(?=#?[A-Za-z0-9]+;))")
# what means something at the start of a line: headings, block quotes, list items,
# thematic breaks and setext underlines (``-``, ``=``), ordered list items (``1.``, ``1)``)
_LINE_START = re.compile(r"^([#>+=-])|^(\d+)([.)])")
_BREAKS = re.compile(r"\s*(?:\r\n|\r|\n)\s*")


def _escape(line: str) -> str:
    out = _SPECIAL.sub(r"\\\1", line)
    m = _LINE_START.match(out)
    if m is None:
        return out
    if m.group(1):  # "# x" -> "\# x"
        return "\\" + out
    return f"{m.group(2)}\\{out[m.end(2) :]}"  # "1. x" -> "1\. x"


def inline(value: object, *, indent: int = 0) -> str:
    """``value`` as Markdown text that renders as itself inside a paragraph or a list item
    ``indent`` spaces deep: every special character escaped, each line break a hard break
    within the same item, blank lines and leading spaces dropped."""
    text = str(value).strip()
    lines = [_escape(line) for line in _BREAKS.split(text) if line]
    return ("\\\n" + " " * indent).join(lines)


def cell(value: object) -> str:
    """``value`` as the text of one table cell: one line, every special character (``|``
    too) escaped."""
    return _escape(" ".join(str(value).split()))


def code(value: object) -> str:
    """``value`` as a code span: shown as typed (no escape is read inside a code span),
    fenced with more backticks than it holds, on one line."""
    text = " ".join(str(value).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
