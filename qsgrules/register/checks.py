"""Checks on what a user asks the register to record: every refusal is a located problem
with a stable code, raised before anything is written."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from .. import text_guard
from ..errors import InputError, Problem, did_you_mean
from ..model.months import known_month, month_end
from ..model.vocabulary import Level

# Problem codes of the register (QSG600-QSG699)
NOT_A_REGISTER = "QSG600"
NO_REGISTER_PLACE = "QSG601"
UNKNOWN_MEETING = "QSG602"
UNKNOWN_PROVIDER = "QSG603"
NOT_ATTENDING = "QSG604"
UNKNOWN_ORGANISATION = "QSG605"
BAD_LEVEL = "QSG606"
BAD_DATE = "QSG607"
MEETING_LOCKED = "QSG608"
NO_CONSENSUS = "QSG609"
NO_POSITIONS = "QSG610"
IDENTIFIER_IN_TEXT = "QSG611"
TEXT_REQUIRED = "QSG612"
UNKNOWN_ACTION = "QSG613"
BAD_TIME = "QSG615"
UNKNOWN_QSG = "QSG616"
NOT_AGREED = "QSG617"
NOTHING_TO_AMEND = "QSG619"
ACTION_CLOSED = "QSG620"
LOOK_ALIKE = "QSG621"
# dates that cannot be true together, and the records that withdraw or follow things up
# (from 640: the numbers between are left for the register's other work)
FUTURE_DATE = "QSG640"
BEFORE_DATA = "QSG641"
BEFORE_MEETING = "QSG642"
BEFORE_IT_EXISTED = "QSG643"
MEETING_CANCELLED = "QSG644"
MEETING_PLANNED = "QSG645"
CANNOT_CANCEL = "QSG646"
CONFLICTING_OPTIONS = "QSG647"
UNKNOWN_SUMMIT = "QSG648"
SUMMIT_PENDING = "QSG649"
SUMMIT_STATE = "QSG650"
NOT_A_REQUEST = "QSG651"
NOT_IN_FUTURE = "QSG652"

#: A meeting more than this many days after the end of its data month is warned about.
STALE_MEETING_DAYS = 365
BAD_ANCHOR = "QSG627"

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def refuse(argument: str, message: str, code: str) -> InputError:
    return InputError([Problem.for_argument(argument, message, code=code)])


def date(argument: str, value: str | dt.date) -> dt.date:
    """A calendar date written YYYY-MM-DD."""
    if isinstance(value, dt.date):
        return value
    try:
        if not _DATE.match(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise refuse(
            argument, f"{value!r} is not a date; write YYYY-MM-DD, e.g. 2019-04-10", BAD_DATE
        ) from None


def not_after_today(argument: str, day: dt.date, today: dt.date, what: str) -> dt.date:
    """``day`` unless it is after ``today``: nothing is recorded as done in the future."""
    if day > today:
        raise refuse(
            argument,
            f"{day.isoformat()} is after today ({today.isoformat()}): {what} cannot be "
            "recorded before it happens",
            FUTURE_DATE,
        )
    return day


def not_before(
    argument: str, day: dt.date, earliest: dt.date, what: str, code: str = BEFORE_MEETING
) -> dt.date:
    """``day`` unless it is before ``earliest`` (``what`` says why that is the earliest)."""
    if day < earliest:
        raise refuse(argument, f"{day.isoformat()} is before {what}", code)
    return day


def meeting_date_against_data(day: dt.date, data_month: str) -> None:
    """A meeting cannot discuss data of a month that was not over on its date."""
    end = month_end(known_month(data_month))
    if day <= end:
        raise refuse(
            "date",
            f"a meeting on {day.isoformat()} cannot discuss data to {data_month}: that month "
            f"was not over until {end.isoformat()}. Give the meeting's real date, or an "
            "earlier --as-of month",
            BEFORE_DATA,
        )


def stale_meeting_warning(day: dt.date, data_month: str) -> str | None:
    """A warning when a meeting is more than a year after the data it freezes."""
    end = month_end(known_month(data_month))
    if (day - end).days <= STALE_MEETING_DAYS:
        return None
    return (
        f"warning: the meeting on {day.isoformat()} is {(day - end).days} days after the end "
        f"of the data it freezes ({data_month}): check the date and the data"
    )


def clock_time(argument: str, value: str | None) -> str | None:
    """A time of day written HH:MM (24-hour), or None."""
    if value is None:
        return None
    if not _TIME.match(value):
        raise refuse(argument, f"{value!r} is not a time; write HH:MM, e.g. 09:30", BAD_TIME)
    return value


def level(argument: str, value: str | Level) -> Level:
    try:
        return Level(value)
    except ValueError:
        raise refuse(
            argument,
            f"unknown level {value!r}{did_you_mean(str(value), Level.values())}; use one of "
            f"{', '.join(Level.values())}",
            BAD_LEVEL,
        ) from None


def text(
    argument: str, value: str | None, *, required: bool = False, name: bool = False
) -> str | None:
    """Free text the register stores, through the workspace's guard (``text_guard``): never
    empty when required; no control, bidirectional or invisible character (a ``name`` is
    one line, long text may hold line breaks and tabs); not too long; never an identifier.
    Returned in NFC, a name with its spaces collapsed."""
    if value is None or not value.strip():
        if required:
            raise refuse(argument, "must be given and not empty", TEXT_REQUIRED)
        return None
    value = text_guard.normalised(value)
    found = text_guard.guard(argument, value, long_text=not name)
    if found:
        codes = {text_guard.CODE_IDENTIFIER: IDENTIFIER_IN_TEXT}
        raise InputError(
            Problem.for_argument(
                argument,
                # the option is said before the message: "--by: contains ..."
                message.removeprefix(f"{argument} ").replace(
                    "remove it: no patient- or staff-identifiable data",
                    "remove it: the register keeps no patient- or staff-identifiable data",
                ),
                code=codes.get(code, code),
            )
            for code, message in found
        )
    if name or "\n" not in value:
        return " ".join(value.split())
    return value.strip()


def name(argument: str, value: str | None, *, required: bool = True) -> str | None:
    """A person's name (chair, member, owner, who records): one line of text."""
    return text(argument, value, required=required, name=True)


def same_looking(new: str, known: Iterable[str]) -> str | None:
    """A name of ``known`` that looks like ``new`` but is not it (compared by visible form:
    case, spacing, full-width letters, other scripts' look-alike letters), else None."""
    key = text_guard.visible_form(new)
    for other in known:
        if other != new and text_guard.visible_form(other) == key:
            return other
    return None


def one_of(argument: str, value: str, known: Iterable[str], what: str, code: str, hint: str) -> str:
    known = list(known)
    if value not in known:
        raise refuse(
            argument, f"unknown {what} {value!r}{did_you_mean(value, known)}; {hint}", code
        )
    return value
