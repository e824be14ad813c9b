"""Attendance "as last time": the members who attended the QSG's previous meeting,
recorded again at this one (without their times, which are this meeting's own)."""

from __future__ import annotations

from collections.abc import Mapping

from .kinds.meetings import Attended
from .lookup import _check_actor, _open_for_changes, meeting_of
from .state import Meeting, State
from .store import NewRecord, Register

__all__ = ["attend_as_last_time", "previous_meeting"]


def previous_meeting(state: State, m: Meeting) -> Meeting | None:
    """The QSG's last meeting before ``m`` (by date; cancelled ones are gone): of the same
    local QSG when ``m`` names one."""
    earlier = [
        o
        for o in state.meetings.values()
        if (o.date, o.seq) < (m.date, m.seq) and (m.qsg is None or o.qsg == m.qsg)
    ]
    return max(earlier, key=lambda o: (o.date, o.seq)) if earlier else None


def attend_as_last_time(
    reg: Register, meeting: str, *, stood_down: Mapping[str, str] | None = None
) -> tuple[Meeting, Meeting | None, list[str], list[str]]:
    """Record as attending ``meeting`` everyone who attended the previous meeting, for the
    same organisation, except those attending already, those whose organisation is no
    longer a member (not among the meeting's members) and ``stood_down`` (name -> why).
    Returns the meeting, the previous one, who was recorded and who was left out (why)."""
    _check_actor(reg)
    gone = dict(stood_down or {})
    out: dict[str, list[str]] = {"added": [], "left": []}
    found: dict[str, Meeting | None] = {"before": None}

    def build(state: State) -> list[NewRecord]:
        m = meeting_of(state, meeting)
        _open_for_changes(m)
        before = previous_meeting(state, m)
        found["before"] = before
        out["added"], out["left"] = [], []
        new: list[NewRecord] = []
        for a in sorted(before.attendance.values(), key=lambda a: a.seq) if before else ():
            if a.member in m.attendance:
                continue
            if a.organisation not in m.members:
                out["left"].append(f"{a.member} ({a.organisation} is no longer a member)")
            elif a.member in gone:
                out["left"].append(f"{a.member} ({gone[a.member]})")
            else:
                body = Attended(member=a.member, organisation=a.organisation, start=None, end=None)
                new.append(body.record(meeting=m.id))
                out["added"].append(f"{a.member} ({a.organisation})")
        return new

    reg.write(build)
    return meeting_of(reg.state(), meeting), found["before"], out["added"], out["left"]
