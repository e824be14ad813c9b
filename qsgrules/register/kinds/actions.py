"""Records of actions: agreed (at a meeting or a risk summit), closed, moved, and an
information request answered."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from pydantic import ConfigDict, Field

from ...model.vocabulary import ItemStatus
from ..state import Action, ActionKind
from . import Body

if TYPE_CHECKING:
    from ..state import State
    from ..store import Record

#: How the convene action was worded before actions had a kind (registers written then).
LEGACY_CONVENE = "Convene a risk summit for "


def _action(state: State, r: Record) -> Action:
    return state.actions[str(r.subject)]


class ActionAdded(Body):
    """An action agreed about a provider, its id the record's subject: an owner, a due date,
    what is to be done, and what it is for (absent in registers written before kinds: the
    convene action is then known by its words). Agreed at the record's meeting, or at a
    risk summit held (``summit``)."""

    kind: ClassVar[str] = "action_added"
    owner: str
    due: dt.date
    text: str
    #: what the action is for (stored as ``kind``; absent in registers written before kinds)
    purpose: ActionKind | None = Field(default=None, alias="kind")
    summit: str | None = None
    #: the thematic item of its meeting it is about (the record names no provider);
    #: absent before themes (issue 21)
    theme: str | None = None

    model_config = ConfigDict(populate_by_name=True)

    def apply(self, state: State, r: Record) -> None:
        assert r.subject is not None
        what = self.purpose
        if what is None:
            legacy = self.text.startswith(LEGACY_CONVENE)
            what = ActionKind.CONVENE_SUMMIT if legacy else ActionKind.ACTION
        summit = state.summits.get(self.summit or "")
        since = None
        at = state.header(r.meeting) if r.meeting is not None else None
        if at is not None:
            since = at.date
        elif summit is not None and summit.held is not None:
            since = summit.held.date
        state.actions[r.subject] = Action(
            id=r.subject,
            provider=r.provider,
            meeting=r.meeting,
            owner=self.owner,
            text=self.text,
            due=self.due,
            seq=r.seq,
            recorded_at=r.recorded_at,
            recorded_by=r.recorded_by,
            kind=what,
            since=since,
            summit=summit.id if summit is not None else None,
            theme=self.theme,
        )
        if at is not None:
            state.meetings[at.id].actions.append(r.subject)
        if summit is not None:
            summit.actions.append(r.subject)


class ActionClosed(Body):
    """An action closed on a day with a note; by a decision (``superseded_by``, the meeting
    whose decision lowered the level below risk summit) or by hand."""

    kind: ClassVar[str] = "action_closed"
    note: str
    on: dt.date
    superseded_by: str | None = None

    def apply(self, state: State, r: Record) -> None:
        a = _action(state, r)
        a.status = ItemStatus.CLOSED
        a.closed = {
            "note": self.note,
            "on": self.on.isoformat(),
            "at": r.recorded_at,
            "by": r.recorded_by,
        }
        a.superseded_by = self.superseded_by


class ActionMoved(Body):
    """An open action's due date moved, with why (the date before is kept)."""

    kind: ClassVar[str] = "action_moved"
    due: dt.date
    previous_due: dt.date
    reason: str

    def apply(self, state: State, r: Record) -> None:
        a = _action(state, r)
        a.moves.append(
            {
                "from": a.due.isoformat(),
                "to": self.due.isoformat(),
                "reason": self.reason,
                "at": r.recorded_at,
                "by": r.recorded_by,
            }
        )
        a.due = self.due


class InformationReceived(Body):
    """The response to an information request, and the day it arrived (closes it)."""

    kind: ClassVar[str] = "information_received"
    response: str
    on: dt.date

    def apply(self, state: State, r: Record) -> None:
        a = _action(state, r)
        a.status = ItemStatus.CLOSED
        a.response = self.response
        a.closed = {
            "note": self.response,
            "on": self.on.isoformat(),
            "at": r.recorded_at,
            "by": r.recorded_by,
        }
