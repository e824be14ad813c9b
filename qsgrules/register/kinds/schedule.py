"""Records of the schedule: a future meeting planned, and a draft or planned meeting
cancelled (by a record, never a delete)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from ...model.vocabulary import ItemStatus
from ..state import Cancelled, Planned
from . import Body

if TYPE_CHECKING:
    from ..state import State
    from ..store import Record


class MeetingPlanned(Body):
    """A meeting in the schedule (``--planned``): no triage is frozen until it is opened."""

    kind: ClassVar[str] = "meeting_planned"
    date: dt.date
    chair: str
    qsg: str | None = None
    venue: str | None = None
    time: str | None = None

    def apply(self, state: State, r: Record) -> None:
        assert r.meeting is not None
        state.planned[r.meeting] = Planned(
            r.meeting,
            self.date,
            self.chair,
            self.qsg,
            r.seq,
            r.recorded_at,
            r.recorded_by,
            self.venue,
            self.time,
        )


class MeetingCancelled(Body):
    """A draft or planned meeting withdrawn: its positions, decisions and actions stop
    counting; every record of it stays in the register."""

    kind: ClassVar[str] = "meeting_cancelled"
    reason: str
    was: str  # "draft" or "planned"

    def apply(self, state: State, r: Record) -> None:
        mid = str(r.meeting)
        m = state.meetings.pop(mid, None)
        plan = state.planned.pop(mid, None)
        day = m.date if m is not None else plan.date if plan is not None else dt.date.min
        state.cancelled[mid] = Cancelled(
            mid,
            day,
            self.was,
            self.reason,
            r.seq,
            r.recorded_at,
            r.recorded_by,
            m.header() if m is not None else None,
        )
        if m is None:
            return
        for action_id in m.actions:
            state.withdrawn[action_id] = state.actions.pop(action_id)
        # what its decisions closed or withdrew counts again, as if they were never made
        for a in state.actions.values():
            if a.superseded_by == mid:
                a.status, a.closed, a.superseded_by = ItemStatus.OPEN, None, None
        for s in state.summits.values():
            if s.withdrawn is not None and s.withdrawn["meeting"] == mid:
                s.withdrawn = None
