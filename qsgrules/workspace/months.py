"""Months as integers (year × 12 + month − 1) and back to ``YYYY-MM``."""

from __future__ import annotations

import datetime as dt
import re

PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
#: The first month a period may name (the NHS began in July 1948).
FIRST_YEAR = 1948


def month_number(text: str) -> int | None:
    """``YYYY-MM`` as a month number, or None when it is not a month from 1948 on."""
    m = PERIOD.match(text)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12 or year < FIRST_YEAR:
        return None
    return year * 12 + month - 1


def month_text(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def month_of(day: dt.date) -> int:
    return day.year * 12 + day.month - 1
