"""Argument checks for the strategy factories: a wrong argument is ``InvalidArgument`` at once.

As in ``hypothesis.extra.numpy``: a factory refuses what it cannot build from, naming the
argument and what it got, rather than building values the loader would reject.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..model.months import month_number

T = TypeVar("T")


def check_int(name: str, value: object, *, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"{name}={value!r} must be a whole number")
    if value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise InvalidArgument(f"{name}={value!r} must be {bound}")
    return value


def check_size(prefix: str, min_size: object, max_size: object, *, low: int, high: int) -> None:
    lo = check_int(f"min_{prefix}", min_size, low=low, high=high)
    hi = check_int(f"max_{prefix}", max_size, low=low, high=high)
    if lo > hi:
        raise InvalidArgument(f"min_{prefix}={lo} is above max_{prefix}={hi}")


def check_month(name: str, value: object) -> int:
    if not isinstance(value, str) or month_number(value) is None:
        raise InvalidArgument(f"{name}={value!r} must be a month written YYYY-MM (1948-01..)")
    month = month_number(value)
    assert month is not None
    return month


def steer(
    name: str,
    value: Any,
    allowed: Iterable[T],
    *,
    convert: Callable[[Any], T] | None = None,
) -> st.SearchStrategy[T]:
    """A strategy from a steering argument: None (any allowed value), one value, several
    values (a list, tuple or set: one of them), or a strategy (used as given)."""
    choices = list(allowed)
    if value is None:
        return st.sampled_from(choices)
    if isinstance(value, st.SearchStrategy):
        return value
    many = list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
    if not many:
        raise InvalidArgument(f"{name}={value!r}: give at least one value")
    out: list[T] = []
    for v in many:
        try:
            converted = convert(v) if convert is not None else v
        except (ValueError, KeyError, TypeError):
            converted = None
        if converted is None or converted not in choices:
            shown = ", ".join(str(c) for c in choices[:12]) + (", ..." if len(choices) > 12 else "")
            raise InvalidArgument(f"{name}: {v!r} is not one of {shown}")
        out.append(converted)
    return st.sampled_from(out) if len(out) > 1 else st.just(out[0])
