"""Checks on what a user asks the register to record: every refusal is a located problem
with a stable code, raised before anything is written."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from .. import text_guard
from ..codes import Code
from ..errors import InputError, Problem, did_you_mean
from ..model.ladder import DEFAULT_LADDER, LEVEL_ID, AnyRung, Ladder, Rung
from ..model.months import known_month, month_end
from ..model.vocabulary import Level

# Problem codes of the register (QSG600-QSG699)
NOT_A_REGISTER = Code.NOT_A_REGISTER
NO_REGISTER_PLACE = Code.NO_REGISTER_PLACE
UNKNOWN_MEETING = Code.UNKNOWN_MEETING
UNKNOWN_PROVIDER = Code.REGISTER_UNKNOWN_PROVIDER
NOT_ATTENDING = Code.NOT_ATTENDING
UNKNOWN_ORGANISATION = Code.UNKNOWN_ORGANISATION
BAD_LEVEL = Code.BAD_LEVEL
BAD_DATE = Code.BAD_DATE
MEETING_LOCKED = Code.MEETING_LOCKED
NO_CONSENSUS = Code.NO_CONSENSUS
NO_POSITIONS = Code.NO_POSITIONS
IDENTIFIER_IN_TEXT = Code.IDENTIFIER_IN_TEXT
TEXT_REQUIRED = Code.TEXT_REQUIRED
UNKNOWN_ACTION = Code.UNKNOWN_ACTION
BAD_TIME = Code.BAD_TIME
UNKNOWN_QSG = Code.UNKNOWN_QSG
NOT_AGREED = Code.NOT_AGREED
NOTHING_TO_AMEND = Code.NOTHING_TO_AMEND
ACTION_CLOSED = Code.ACTION_CLOSED
LOOK_ALIKE = Code.LOOK_ALIKE
# dates that cannot be true together, and the records that withdraw or follow things up
# (from 640: the numbers between are left for the register's other work)
FUTURE_DATE = Code.FUTURE_DATE
BEFORE_DATA = Code.BEFORE_DATA
BEFORE_MEETING = Code.BEFORE_MEETING
BEFORE_IT_EXISTED = Code.BEFORE_IT_EXISTED
MEETING_CANCELLED = Code.MEETING_CANCELLED
MEETING_PLANNED = Code.MEETING_PLANNED
CANNOT_CANCEL = Code.CANNOT_CANCEL
CONFLICTING_OPTIONS = Code.CONFLICTING_OPTIONS
UNKNOWN_SUMMIT = Code.UNKNOWN_SUMMIT
SUMMIT_PENDING = Code.SUMMIT_PENDING
SUMMIT_STATE = Code.SUMMIT_STATE
NOT_A_REQUEST = Code.NOT_A_REQUEST
NOT_IN_FUTURE = Code.NOT_IN_FUTURE

#: A meeting more than this many days after the end of its data month is warned about.
STALE_MEETING_DAYS = 365
BAD_ANCHOR = Code.BAD_ANCHOR

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


def level(argument: str, value: str) -> AnyRung:
    """A level given as an argument: one of the 2013 ladder's, or a name that the
    meeting's ladder must know (``on_ladder``, once the meeting is read)."""
    if value in Level.values():
        return Level(value)
    if isinstance(value, str) and re.fullmatch(LEVEL_ID, value) and len(value) <= 60:
        return Rung(value)  # placed on the meeting's ladder by on_ladder
    return on_ladder(argument, value, DEFAULT_LADDER)


def on_ladder(argument: str, value: str, ladder: Ladder) -> AnyRung:
    """``value`` as a rung of ``ladder`` (a meeting's); refused naming the ladder's levels."""
    name = str.__str__(value)
    found = ladder.place(name)
    if found.placed:
        return found
    raise refuse(
        argument,
        f"unknown level {name!r}{did_you_mean(name, ladder.names())}; use one of "
        f"{', '.join(ladder.names())}",
        BAD_LEVEL,
    )


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
        codes: dict[str, str] = {text_guard.CODE_IDENTIFIER: IDENTIFIER_IN_TEXT}
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
