"""How numbers are written for people: one formatter for every explanation and table."""

from __future__ import annotations


def plain(v: float | str) -> str:
    """A threshold or count as written in a rule: ``5``, ``2.5``, ``0.25`` (at most 2 places)."""
    if isinstance(v, str):
        return v
    return f"{v:g}" if float(v).is_integer() else f"{v:.2f}".rstrip("0")


def short(v: float) -> str:
    """A measured value in a sentence: one decimal place, or 3 significant digits when small."""
    return f"{v:.1f}" if abs(v) >= 0.1 or v == 0 else f"{v:.3g}"


def trimmed(v: float, places: int = 2) -> str:
    """``v`` to ``places`` decimals without trailing zeros (``1.25``, ``0.8``, ``5``)."""
    if v == int(v):
        return f"{int(v)}"
    return f"{v:.{places}f}".rstrip("0").rstrip(".")


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
