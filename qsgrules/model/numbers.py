"""How numbers are written for people: one formatter for every explanation and table."""

from __future__ import annotations

#: The decimal places rules compare numbers to (``qsgrules.ruleset.conditions.DECIMALS``):
#: a threshold never has more, so ``plain`` writes every one exactly.
DECIMALS = 6


def plain(v: float | str, places: int = DECIMALS) -> str:
    """A number as a rule writes it: ``5``, ``2.5``, ``0.125``: at most ``places`` decimals
    (every place a rule may use, by default), no trailing zeros, never ``-0``, and a value
    that is not zero never written as ``0`` (``0.004``, not ``0.``)."""
    if isinstance(v, str):
        return v
    x = float(v)
    if x.is_integer():
        return f"{x:g}"
    text = _fixed(x, places)
    text = text.rstrip("0").rstrip(".") if "." in text else text
    if float(text) == 0:
        return f"{x:.3g}"
    return text


def against(value: float, limit: float, *, start: int = 2) -> str:
    """A measured ``value`` beside the ``limit`` it is compared with: the fewest decimals
    (from ``start``) at which it compares with the limit as the value itself does, so that
    2.4999 is never written 2.5 beside a threshold of 2.5."""
    for places in range(start, DECIMALS + 1):
        text = plain(value, places)
        shown = float(text)
        if (shown < limit) == (value < limit) and (shown > limit) == (value > limit):
            return text
    return plain(value)


def short(v: float) -> str:
    """A measured value in a sentence: one decimal place, or 3 significant digits when small."""
    return f"{v:.1f}" if abs(v) >= 0.1 or v == 0 else f"{v:.3g}"


def _fixed(v: float, places: int) -> str:
    text = f"{v:.{places}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text  # no "-0.0"


def apart(value: float, limit: float, *, start: int = 1, most: int = 6) -> tuple[str, str]:
    """``value`` and ``limit`` with just enough decimals that their order is visible.

    ``10.08`` above ``10.06``, never ``10.1`` above ``10.1``: the fewest places (from
    ``start``) at which the two printed numbers compare as the numbers themselves do.
    """
    for places in range(start, most + 1):
        a, b = _fixed(value, places), _fixed(limit, places)
        x, y = float(a), float(b)
        if (value < limit) == (x < y) and (value > limit) == (x > y):
            return a, b
    return _fixed(value, most), _fixed(limit, most)
