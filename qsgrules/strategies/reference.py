"""The strategies' reference, made from their signatures and docstrings (the docs' table of
``qsgrules.strategies``: a new argument or helper is documented by writing it)."""

from __future__ import annotations

import inspect


def _summary(obj: object) -> str:
    doc = inspect.getdoc(obj) or ""
    first = doc.split("\n\n")[0].replace("\n", " ").strip()
    return first.replace("|", "\\|")


def _signature(obj: object) -> str:
    """``(*, ruleset: CompiledRuleset | None = None, ...) -> Workspace``: annotations as
    written (they are strings here), defaults as Python writes them."""
    sig = inspect.signature(obj)  # type: ignore[arg-type]
    parts: list[str] = []
    star = False
    for p in sig.parameters.values():
        if p.kind is p.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        text = ("*" if p.kind is p.VAR_POSITIONAL else "") + p.name
        if p.kind is p.VAR_POSITIONAL:
            star = True
        if p.annotation is not p.empty:
            text += f": {p.annotation}"
        if p.default is not p.empty:
            text += f" = {p.default!r}"
        parts.append(text)
    returns = "" if sig.return_annotation is sig.empty else f" -> {sig.return_annotation}"
    return f"({', '.join(parts)}){returns}"


def reference_markdown() -> str:
    """A table: every public name of ``qsgrules.strategies`` with its signature and the
    first paragraph of its docstring."""
    from .. import strategies

    rows = ["| call | what it gives |", "|---|---|"]
    for name in sorted(strategies.__all__, key=str.lower):
        obj = getattr(strategies, name)
        if inspect.isclass(obj):
            shown = f"`{name}`"
        else:
            signature = _signature(obj).replace("|", "\\|")
            shown = f"`{name}{signature}`"
        rows.append(f"| {shown} | {_summary(obj)} |")
    return "\n".join(rows) + "\n"


__all__ = ["reference_markdown"]
