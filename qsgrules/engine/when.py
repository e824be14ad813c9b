"""When a triage is made: two clocks, named apart.

A triage is made **on a date** (a day: ``--on``, a meeting's date) with **the data it has**
(for each provider and indicator, its latest month with data, never after the date's
month). Soft intelligence counts up to the date; hard-data tests are judged over the months
that have data. The triage's ``on`` is the date and its ``as_of`` the data month: with
``--on`` alone, the latest month with data up to the date's month. ``--as-of YYYY-MM`` keeps
its contract: the data up to that month, on the last day of that month (``--as-of M`` is
``--on`` the last day of M, with ``as_of`` M). Given both, ``--as-of`` caps the data and
``--on`` is the date. Given neither, the triage is as of the latest month with data (on its
last day), as before.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

from ..codes import Code
from ..errors import InputError, Problem
from ..model.months import FIRST_MONTH, LAST_MONTH, month_end, month_number, month_of, month_text
from ..workspace import Workspace

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BAD_MONTH = Code.BAD_AS_OF
NO_DATA = Code.NO_DATA_NO_AS_OF
BAD_DATE = Code.BAD_ON
DATA_AFTER_DATE = Code.DATA_AFTER_DATE


@dataclass(frozen=True)
class TriageDate:
    """The date a triage is made on, and the last month of data it may use.

    ``given`` is False for the default (the latest month with data): the record (standing
    levels) is then read as it is now rather than as it was on the date.
    """

    on: dt.date
    month: int
    given: bool = True

    @property
    def on_month(self) -> int:
        """The month of the date: how far behind it the data are is counted from here."""
        return month_of(self.on)


def _month(as_of: str) -> int:
    month = month_number(as_of)
    if month is None:
        raise InputError(
            [
                Problem.for_argument(
                    "as_of",
                    f"bad month {as_of!r}; write YYYY-MM, from 1948-01 to {month_text(LAST_MONTH)}",
                    BAD_MONTH,
                )
            ]
        )
    return month


def _day(on: str | dt.date) -> dt.date:
    day: dt.date | None
    if isinstance(on, dt.date):
        day = on
    else:
        try:
            day = dt.date.fromisoformat(on) if _DATE.match(on) else None
        except ValueError:
            day = None
    if day is None or not FIRST_MONTH <= month_of(day) <= LAST_MONTH:
        raise InputError(
            [
                Problem.for_argument(
                    "on",
                    f"bad date {str(on)!r}; write YYYY-MM-DD, from 1948-01-01 to "
                    f"{month_end(LAST_MONTH).isoformat()}",
                    BAD_DATE,
                )
            ]
        )
    return day


def latest_month(workspace: Workspace) -> int:
    """The latest month in the data (of an item received, when there are no rows)."""
    if len(workspace.observations):
        return int(np.max(workspace.observations.period))
    if workspace.intelligence:
        return month_of(max(i.received for i in workspace.intelligence))
    raise InputError(
        [Problem("indicators.csv", 1, None, "no data: give --as-of YYYY-MM or --on", NO_DATA)]
    )


def data_month(workspace: Workspace, month: int) -> int:
    """The latest month with data up to ``month`` (``month`` itself when there is none): the
    triage's ``as_of``, named for the data clock. Capping the tests there or at ``month`` is
    the same, as no row lies between."""
    periods = workspace.observations.period
    found = int(np.max(periods, where=periods <= month, initial=-1)) if periods.size else -1
    return month if found < 0 else found


def resolve_date(
    workspace: Workspace, as_of: str | None = None, on: str | dt.date | None = None
) -> TriageDate:
    """The date and the data month of a triage from ``--as-of`` and ``--on`` (see above).

    Refused (InputError): a bad month or date, and an ``as_of`` month after the date's:
    data are never later than the date a triage is made on."""
    if on is None:
        if as_of is not None:
            month = _month(as_of)
            return TriageDate(month_end(month), month)
        month = latest_month(workspace)
        return TriageDate(month_end(month), month, given=False)
    day = _day(on)
    if as_of is None:
        return TriageDate(day, data_month(workspace, month_of(day)))
    month = _month(as_of)
    if month > month_of(day):
        raise InputError(
            [
                Problem.for_argument(
                    "as_of",
                    f"{as_of} is after the month of the triage's date {day.isoformat()}: a "
                    "triage cannot use data later than the date it is made on; give an "
                    "earlier --as-of or a later date",
                    DATA_AFTER_DATE,
                )
            ]
        )
    return TriageDate(day, month)


def resolve_as_of(workspace: Workspace, as_of: str | None) -> int:
    """The month to triage as of: the one given, else the latest month in the data."""
    return resolve_date(workspace, as_of).month


__all__ = ["TriageDate", "data_month", "latest_month", "resolve_as_of", "resolve_date"]
