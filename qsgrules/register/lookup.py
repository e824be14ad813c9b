"""Finding what a command names in the register's folded records, and the checks every
write shares: the meeting (open, not cancelled, not merely planned), the provider in its
frozen triage, an attending member, who records."""

from __future__ import annotations

import re

from .. import text_guard
from . import checks
from .state import Business, Meeting, State
from .store import Register


def meeting_of(state: State, meeting: str, *, argument: str = "meeting") -> Meeting:
    """The meeting with this id, or a refusal with a "did you mean"."""
    found = state.meetings.get(meeting)
    if found is None:
        gone = state.cancelled.get(meeting)
        if gone is not None:
            raise checks.refuse(
                argument,
                f"meeting {meeting} was cancelled on {gone.recorded_at[:10]} by "
                f"{gone.recorded_by}: {gone.reason}",
                checks.MEETING_CANCELLED,
            )
        plan = state.planned.get(meeting)
        if plan is not None:
            raise checks.refuse(
                argument,
                f"meeting {meeting} is planned for {plan.date.isoformat()} and not open: nothing "
                f"is recorded at it until it is opened on the day (qsg meeting open --date "
                f"{plan.date.isoformat()})",
                checks.MEETING_PLANNED,
            )
        known = sorted(state.meetings)
        hint = "see `qsg meeting list`" if known else "no meeting is recorded yet"
        checks.one_of(argument, meeting, known, "meeting", checks.UNKNOWN_MEETING, hint)
        raise AssertionError  # pragma: no cover - one_of raised
    return found


def open_for_changes(state: State, meeting: str, *, argument: str = "meeting") -> Meeting:
    """The meeting with this id when it may still be recorded into (not agreed, not
    cancelled, not planned), else the refusal the commands give."""
    m = meeting_of(state, meeting, argument=argument)
    _open_for_changes(m, argument)
    return m


def _open_for_changes(m: Meeting, argument: str = "meeting") -> None:
    if m.locked:
        raise checks.refuse(
            argument,
            f"meeting {m.id} was agreed on {m.agreed[0][:10] if m.agreed else ''} and is locked; "
            f"record a change as an amendment: qsg meeting amend {m.id} --reason TEXT",
            checks.MEETING_LOCKED,
        )


def _provider(m: Meeting, code: str, argument: str = "provider") -> str:
    return checks.one_of(
        argument,
        code,
        m.proposed,
        "provider",
        checks.UNKNOWN_PROVIDER,
        f"it is not in the triage frozen when meeting {m.id} was opened",
    )


#: A thematic item's id at its meeting: never an ODS code (they have no hyphen).
THEME_ID = re.compile(r"T-[0-9]+")


def _theme(m: Meeting, code: str, argument: str = "provider") -> Business | None:
    """The thematic item ``code`` (``T-1``) of meeting ``m``, which positions, decisions
    and actions name as they name a provider; None when ``code`` is not a theme's id (a
    provider's code), refused when it is one the meeting has not recorded."""
    if not THEME_ID.fullmatch(code):
        return None
    found = m.theme(code)
    if found is None:
        themes = [b.id for b in m.business if b.item == "theme" and b.id]
        raise checks.refuse(
            argument,
            f"meeting {m.id} has no thematic item {code}"
            + (f" (its themes: {', '.join(themes)})" if themes else " (none is recorded)")
            + ": record one with qsg meeting item --kind theme",
            checks.UNKNOWN_PROVIDER,
        )
    return found


def _attendee(m: Meeting, member: str) -> str:
    member = " ".join(text_guard.normalised(member).split())
    if member not in m.attendance:
        known = sorted(m.attendance)
        hint = (
            f"record attendance first: qsg meeting attend {m.id} --member NAME --organisation ORG"
        )
        checks.one_of("member", member, known, f"attendee of {m.id}", checks.NOT_ATTENDING, hint)
    return member


def _check_actor(reg: Register) -> None:
    """Who records: a name like any other (``--by ''`` is refused, never read as the
    operating-system user), stored in its normal form."""
    reg.actor = str(checks.name("by", reg.actor))
