"""The condition reference, made from the condition models themselves.

`qsg conditions` prints it, and the documentation's conditions reference is made from it
when the site is built (docs/hooks.py), so the documentation cannot drift from what the
loader accepts.
"""

from __future__ import annotations

from .base import Kind, Leaf
from .union import COMBINERS, LEAVES

#: What each key of a leaf means, for the reference.
KEYS: dict[str, str] = {
    "indicator": "one catalogue indicator (`qsg indicators`)",
    "domain": "one quality domain: safety, effectiveness, experience, well_led",
    "test": "standard, trend, peer, cusum, or any (the default)",
    "strength": "notable (the default: any finding) or strong",
    "min": "holds when the measure is at least this",
    "max": "holds when the measure is at most this (a ceiling: see QSG104)",
    "category": "one of the ruleset's item categories (soft.categories), e.g. never_event",
    "source": "a member, the organisation it is part of, or a kind of member; or a list",
    "soft_min": "the soft weight a domain's own items must reach (hard_and_soft)",
}


def _keys(model: type[Kind]) -> list[str]:
    if not issubclass(model, Leaf):
        return []  # written bare (a provider type, or a list of them): see its example
    fields = [f for f in model.model_fields if f not in ("min", "max")]
    bounds = ["min", "max"] if model.BOUNDED else ["min"]
    return [*fields, *bounds]


def reference_markdown() -> str:
    """The reference as Markdown (the documentation's conditions reference)."""
    lines = [
        "| condition | holds when | measures | keys | example |",
        "|---|---|---|---|---|",
    ]
    for name, model in LEAVES.items():
        keys = ", ".join(f"`{k}`" for k in _keys(model)) or "a type or a list of types"
        lines.append(
            f"| `{name}` | {model.SUMMARY} | {model.MEASURES} | {keys} | `{model.EXAMPLE}` |"
        )
    for name, meaning in COMBINERS.items():
        body = "a condition" if name == "not" else "a list of conditions"
        lines.append(f"| `{name}` | {meaning} | | {body} | |")
    lines.append("")
    lines.append("Keys:")
    lines.append("")
    lines.extend(f"- `{key}`: {meaning}" for key, meaning in KEYS.items())
    lines.append("")
    lines.append(
        "A leaf with neither `min` nor `max` holds when its measure is above zero. Numbers are "
        "compared to six decimal places."
    )
    return "\n".join(lines) + "\n"


def reference_text(width: int = 80) -> str:
    """The reference for a terminal (`qsg conditions`)."""
    import textwrap

    out: list[str] = []
    for name, model in LEAVES.items():
        out.append(name)
        out.extend(textwrap.wrap(model.SUMMARY, width, initial_indent="  ", subsequent_indent="  "))
        out.extend(
            textwrap.wrap(
                f"measures: {model.MEASURES}", width, initial_indent="  ", subsequent_indent="    "
            )
        )
        keys = ", ".join(_keys(model)) or "a provider type, or a list of them"
        out.append(f"  keys: {keys}")
        out.append(f"  e.g.  {model.EXAMPLE}")
        out.append("")
    for name, meaning in COMBINERS.items():
        out.append(f"{name}: {meaning}")
    out.append("")
    out.extend(f"{key}: {meaning}" for key, meaning in KEYS.items())
    return "\n".join(out) + "\n"
