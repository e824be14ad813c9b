"""When meetings are: a meeting's date checked against today and the data it freezes, a
future meeting planned (no triage frozen), and a draft or planned meeting cancelled by a
record, never a delete."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from . import checks
from .kinds.schedule import MeetingCancelled, MeetingPlanned
from .lookup import _check_actor, meeting_of
from .state import Cancelled, Meeting, Planned, State
from .store import NewRecord, Register


def data_month(triage: Mapping[str, Any]) -> str:
    """The last month of data a triage holds (``YYYY-MM``): its as-of month."""
    return str(triage["as_of"])


def check_meeting_date(date: str | dt.date, data_to: str | None, *, today: dt.date) -> dt.date:
    """A meeting's date, refused when after ``today`` (``--planned`` records a future
    meeting) or when the month of data ``data_to`` was not over on it."""
    day = checks.date("date", date)
    if day > today:
        raise checks.refuse(
            "date",
            f"{day.isoformat()} is after today ({today.isoformat()}): a meeting is opened on "
            "the day it is held; to put a future meeting in the schedule, add --planned",
            checks.FUTURE_DATE,
        )
    if data_to is not None:
        checks.meeting_date_against_data(day, data_to)
    return day


def check_planned_date(date: str | dt.date, *, today: dt.date) -> dt.date:
    """A planned meeting's date: refused unless after ``today``."""
    day = checks.date("date", date)
    if day <= today:
        raise checks.refuse(
            "date",
            f"{day.isoformat()} is not after today ({today.isoformat()}): a meeting held today "
            "or before is opened (qsg meeting open without --planned), not planned",
            checks.NOT_IN_FUTURE,
        )
    return day


def opening_warnings(m: Meeting) -> list[str]:
    """What is legal but suspicious in a meeting just opened (said on stderr)."""
    stale = checks.stale_meeting_warning(m.date, m.as_of)
    return [stale] if stale else []


def _new_id(state: State, day: dt.date) -> str:
    """``M-YYYY-MM-DD``, or ``-2``, ``-3``... when taken (ids are never reused, not even
    a cancelled meeting's)."""
    taken = state.ids()
    meeting_id, n = f"M-{day.isoformat()}", 1
    while meeting_id in taken:
        n += 1
        meeting_id = f"M-{day.isoformat()}-{n}"
    return meeting_id


def plan_meeting(
    reg: Register,
    *,
    date: str | dt.date,
    chair: str,
    qsg: str | None,
    venue: str | None = None,
    time: str | None = None,
) -> Planned:
    """Put a future meeting in the schedule: its id, date, chair and local QSG; no triage is
    frozen and nothing can be recorded at it until it is opened on the day."""
    day = check_planned_date(date, today=reg.today())
    chair_name = str(checks.name("chair", chair))
    where = checks.text("venue", venue)
    when = checks.clock_time("time", time)
    _check_actor(reg)

    def build(state: State) -> list[NewRecord]:
        body = MeetingPlanned(date=day, chair=chair_name, qsg=qsg, venue=where, time=when)
        return [body.record(meeting=_new_id(state, day))]

    stored = reg.write(build)
    return reg.state().planned[str(stored[0].meeting)]


def cancel_meeting(reg: Register, meeting: str, *, reason: str) -> Cancelled:
    """Withdraw a draft (not agreed) or planned meeting by a record, never a delete: its
    positions, decisions and actions stop counting (standing levels, agenda, coverage, the
    live page), and what its decisions closed or withdrew counts again. An agreed meeting
    is corrected by amendments instead."""
    why = checks.text("reason", reason, required=True)
    assert why is not None
    _check_actor(reg)

    def build(state: State) -> list[NewRecord]:
        plan = state.planned.get(meeting)
        if plan is not None:
            body = MeetingCancelled(reason=why, was="planned")
            return [body.record(meeting=plan.id, corrects=plan.seq)]
        m = meeting_of(state, meeting)
        if m.locked:
            assert m.agreed is not None
            raise checks.refuse(
                "meeting",
                f"meeting {m.id} was agreed on {m.agreed[0][:10]}: an agreed meeting is not "
                f"cancelled; correct it by amendments (qsg meeting amend {m.id} --reason TEXT)",
                checks.CANNOT_CANCEL,
            )
        body = MeetingCancelled(reason=why, was="draft")
        return [body.record(meeting=m.id, corrects=m.seq)]

    reg.write(build)
    return reg.state().cancelled[meeting]
