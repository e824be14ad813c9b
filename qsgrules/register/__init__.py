"""The decision register: meetings, positions, decisions, actions, risk summits, in an
append-only SQLite file with a hash-chained audit trail. Everything ``qsg meeting``,
``confirm``, ``override``, ``decide``, ``action``, ``summit``, ``agenda``, ``coverage``,
``note`` and ``audit`` do is here; the commands are thin."""

from . import agenda as agenda_module
from .actions import add_action, close_action, list_actions, move_action, respond
from .agenda import AgendaProvider, Uncovered, agenda, agenda_of, coverage
from .meetings import (
    Decided,
    agree,
    amend,
    attend,
    cancel_meeting,
    confirm,
    decide,
    open_meeting,
    opening_warnings,
    override,
    plan_meeting,
)
from .note import MeetingNote, meeting_note
from .pack_context import pack_context
from .regional import Regional, combine
from .schema import SCHEMA_VERSION
from .state import (
    Action,
    ActionKind,
    Cancelled,
    Decision,
    Meeting,
    Planned,
    State,
    Summit,
    fold,
)
from .store import Kept, Record, Register, Verification, present
from .summits import convene_summit, hold_summit, list_summits

__all__ = [
    "SCHEMA_VERSION",
    "Action",
    "ActionKind",
    "AgendaProvider",
    "Cancelled",
    "Decided",
    "Decision",
    "Kept",
    "Meeting",
    "MeetingNote",
    "Planned",
    "Record",
    "Regional",
    "Register",
    "State",
    "Summit",
    "Uncovered",
    "Verification",
    "add_action",
    "agenda",
    "agenda_module",
    "agenda_of",
    "agree",
    "amend",
    "attend",
    "cancel_meeting",
    "close_action",
    "combine",
    "confirm",
    "convene_summit",
    "coverage",
    "decide",
    "fold",
    "hold_summit",
    "list_actions",
    "list_summits",
    "meeting_note",
    "move_action",
    "open_meeting",
    "opening_warnings",
    "override",
    "pack_context",
    "plan_meeting",
    "present",
    "respond",
]
