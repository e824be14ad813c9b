"""Months as the project counts them: ``year × 12 + month − 1``, written ``YYYY-MM``.

The one place that does month arithmetic: parsing and writing months, the month of a day,
the last day of a month, the same day some months earlier."""

from __future__ import annotations

import datetime as dt
import re

PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
#: The first and last months qsgrules reasons about (the NHS's founding; calendar arithmetic
#: on dates beyond 2100 is not needed and overflows at year 9999).
FIRST_MONTH = 1948 * 12
LAST_MONTH = 2100 * 12 + 11


def month_number(text: str) -> int | None:
    """``2019-03`` -> its month number; None when not a month from 1948-01 to 2100-12."""
    m = PERIOD.match(text)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        return None
    number = year * 12 + month - 1
    return number if FIRST_MONTH <= number <= LAST_MONTH else None


def known_month(text: str) -> int:
    """The number of a ``YYYY-MM`` month already checked; ValueError when it is not one."""
    number = month_number(text)
    if number is None:
        raise ValueError(f"not a month: {text!r}")
    return number


def month_text(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def month_of(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (clamped to the month's end)."""
    year, month = divmod(month_of(day) - months, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def month_end(month: int) -> dt.date:
    """The last day of a month number."""
    year, m = divmod(month, 12)
    first_next = dt.date(year + (m + 1) // 12, (m + 1) % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)
