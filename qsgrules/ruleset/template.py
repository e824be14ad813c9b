"""``because`` sentences: placeholders that quote the evidence's numbers.

``{soft.safety}`` the soft safety score, ``{organisations.safety}`` how many independent
organisations raised safety concerns, ``{sources.safety}`` which, ``{breaches.ae_4hr_type1}``
how many breaches of an indicator (or a domain), ``{value.ae_4hr_type1}``,
``{limit.ae_4hr_type1}`` and ``{period.ae_4hr_type1}`` the latest value, its standard and its
month, ``{breached}`` the indicators behind the rule's breaches, and ``{provider}``,
``{name}``, ``{type}``; ``{cited_soft}`` and ``{cited_sources}`` the weight and sources of
the soft items the rule itself cites (for example those in the domain it matched).
``{tests}`` the tests behind the rule's breaches with their strength ("trend (strong)");
``{alerts}`` the CUSUM alerts the rule cites, each in words with its threshold and the
false-alarm probability it was set for.
A format spec may follow a colon: ``{value.ae_4hr_type1:.1f}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..errors import did_you_mean
from ..indicators import BY_ID
from ..model.vocabulary import Domain

PLACEHOLDER = re.compile(r"\{([a-z_]+)(?:\.([a-z0-9_]+))?(?::([^{}]*))?\}")
_DOMAINS = {d.value for d in Domain}
_PLAIN = {
    "provider",
    "name",
    "type",
    "soft",
    "organisations",
    "sources",
    "breaches",
    "breached",
    "cited_soft",
    "cited_sources",
    "tests",
    "alerts",
}
_BY_DOMAIN = {"soft", "organisations", "sources"}
_BY_INDICATOR = {"value", "limit", "period"}


def check(template: str) -> list[tuple[int, str]]:
    """Problems in a template as (offset, message); empty when every placeholder is known."""
    problems: list[tuple[int, str]] = []
    for match in PLACEHOLDER.finditer(template):
        head, tail, spec = match.group(1), match.group(2), match.group(3)
        if tail is None and head not in _PLAIN:
            known = sorted(_PLAIN | _BY_INDICATOR)
            problems.append(
                (match.start(), f"unknown placeholder {{{head}}}{did_you_mean(head, known)}")
            )
        elif tail is not None:
            if head in _BY_DOMAIN and tail not in _DOMAINS:
                problems.append((match.start(), f"{{{head}.{tail}}}: {tail!r} is not a domain"))
            elif head in _BY_INDICATOR and tail not in BY_ID:
                problems.append(
                    (
                        match.start(),
                        f"{{{head}.{tail}}}: unknown indicator{did_you_mean(tail, BY_ID)}",
                    )
                )
            elif head == "breaches" and tail not in BY_ID and tail not in _DOMAINS:
                problems.append((match.start(), f"{{breaches.{tail}}}: not an indicator or domain"))
            elif head not in _BY_DOMAIN | _BY_INDICATOR | {"breaches"}:
                problems.append((match.start(), f"{{{head}.{tail}}}: {head} takes no qualifier"))
        if spec:
            try:
                format(1.5, spec)
            except ValueError:
                problems.append((match.start(), f"bad format spec {spec!r}"))
    return problems


def render(template: str, values: Mapping[str, object]) -> str:
    """Fill placeholders from ``values`` (keys like ``soft.safety``); unknowns stay as written."""

    def sub(match: re.Match[str]) -> str:
        key = match.group(1) + (f".{match.group(2)}" if match.group(2) else "")
        if key not in values:
            return "n/a"
        value = values[key]
        spec = match.group(3)
        if spec and isinstance(value, int | float):
            return format(value, spec)
        if isinstance(value, float):
            return f"{value:.1f}"
        return str(value)

    return PLACEHOLDER.sub(sub, template)
