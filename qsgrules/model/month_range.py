"""A range of months given as two arguments (``--from``/``--to``), checked as one."""

from __future__ import annotations

from ..codes import Code
from ..errors import InputError, Problem
from .months import LAST_MONTH, month_number, month_text

#: The most months one command replays or compares (50 years).
MAX_MONTHS = 600


def month_range(start: str, end: str, *, what: str) -> tuple[str, ...]:
    """Every month from ``start`` to ``end`` inclusive; InputError naming the argument
    (``start`` or ``end``) for a month that is not one, an end before the start, or more
    than ``MAX_MONTHS`` months in ``what`` ("one backtest")."""
    problems = []
    numbers = {}
    for name, text in (("start", start), ("end", end)):
        n = month_number(text)
        if n is None:
            problems.append(
                Problem.for_argument(
                    name,
                    f"bad month {text!r}; write YYYY-MM, from 1948-01 to {month_text(LAST_MONTH)}",
                    code=Code.BACKTEST_MONTH,
                )
            )
        numbers[name] = n
    if problems:
        raise InputError(problems)
    first, last = numbers["start"], numbers["end"]
    assert first is not None and last is not None
    if last < first:
        raise InputError(
            [Problem.for_argument("end", f"{end} is before {start}", code=Code.BACKTEST_RANGE)]
        )
    if last - first + 1 > MAX_MONTHS:
        raise InputError(
            [
                Problem.for_argument(
                    "end", f"at most {MAX_MONTHS} months in {what}", code=Code.BACKTEST_RANGE
                )
            ]
        )
    return tuple(month_text(m) for m in range(first, last + 1))
