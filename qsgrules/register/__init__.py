"""The decision register: meetings, positions, decisions, actions, in an append-only
SQLite file with a hash-chained audit trail. Everything ``qsg meeting``, ``confirm``,
``override``, ``decide``, ``action``, ``agenda``, ``coverage``, ``note`` and ``audit``
do is here; the commands are thin."""

from . import agenda as agenda_module
from .actions import add_action, close_action, list_actions, move_action
from .agenda import AgendaItem, Uncovered, agenda, agenda_of, coverage
from .meetings import Decided, agree, amend, attend, confirm, decide, open_meeting, override
from .note import MeetingNote, meeting_note
from .pack_context import pack_context
from .regional import Regional, combine
from .schema import SCHEMA_VERSION
from .state import Action, Decision, Meeting, State, fold, standings
from .store import Record, Register, Verification, present

__all__ = [
    "SCHEMA_VERSION",
    "Action",
    "AgendaItem",
    "Decided",
    "Decision",
    "Meeting",
    "MeetingNote",
    "Record",
    "Regional",
    "Register",
    "State",
    "Uncovered",
    "Verification",
    "add_action",
    "agenda",
    "agenda_module",
    "agenda_of",
    "agree",
    "amend",
    "attend",
    "close_action",
    "combine",
    "confirm",
    "coverage",
    "decide",
    "fold",
    "list_actions",
    "meeting_note",
    "move_action",
    "open_meeting",
    "override",
    "pack_context",
    "present",
    "standings",
]
