"""MkDocs hooks: the references generated from the code when the site is built.

A page holds ``<!-- generated: NAME -->`` on a line of its own where the reference NAME
goes: the condition kinds, the problem codes, the indicator catalogue and the
strategies' signatures are made from their models here, so a new kind, code, indicator or
strategy argument is one change in the code and never a second edit of the documentation
(the command reference is made by mkdocs-click).
"""

from __future__ import annotations

import re
from collections.abc import Callable

MARK = re.compile(r"^<!-- generated: ([a-z_]+) -->$", re.M)


def conditions() -> str:
    """Every kind of condition, with its keys (``qsg conditions --format markdown``)."""
    from qsgrules.ruleset.conditions.reference import reference_markdown

    return reference_markdown()


def codes() -> str:
    """Every problem code, by area."""
    from qsgrules.codes import reference_markdown

    return reference_markdown()


def indicators() -> str:
    """The indicator catalogue as a table."""
    from qsgrules.indicators import CATALOGUE

    def bound(value: float | None) -> str:
        return "" if value is None else f"{value:g}"

    rows = [
        "| id | indicator | unit | polarity | domain | data | values |",
        "|---|---|---|---|---|---|---|",
    ]
    for i in CATALOGUE:
        values = f"{bound(i.low)} – {bound(i.high)}".strip()
        rows.append(
            f"| `{i.id}` | {i.title} | {i.unit} | {i.polarity.value} | {i.domain.value} "
            f"| {i.kind.value} | {values if values != '–' else 'any'} |"
        )
    return "\n".join(rows) + f"\n\n{len(CATALOGUE)} indicators.\n"


def strategies() -> str:
    """Every public strategy and helper of ``qsgrules.strategies``, from its signature."""
    from qsgrules.strategies.reference import reference_markdown

    return reference_markdown()


GENERATED: dict[str, Callable[[], str]] = {
    "conditions": conditions,
    "codes": codes,
    "indicators": indicators,
    "strategies": strategies,
}


def render(markdown: str) -> str:
    """``markdown`` with every generated reference in place; an unknown name is an error
    (the build fails rather than publish a page with a hole in it)."""

    def one(found: re.Match[str]) -> str:
        name = found.group(1)
        if name not in GENERATED:
            raise ValueError(f"no generated reference is called {name!r}: {sorted(GENERATED)}")
        return GENERATED[name]().rstrip("\n")

    return MARK.sub(one, markdown)


def on_page_markdown(markdown: str, **_: object) -> str:
    """MkDocs' hook: each page's Markdown before it is rendered."""
    return render(markdown)
