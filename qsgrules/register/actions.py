"""Actions agreed at meetings: an owner, a due date (moves logged, never overwritten), a
status; carried to every meeting until closed."""

from __future__ import annotations

import datetime as dt

from ..model.vocabulary import ItemStatus
from . import checks
from .meetings import _check_actor, _open_for_changes, _provider, meeting_of
from .state import Action, Kind, State, fold
from .store import NewRecord, Record, Register


def next_action_id(state: State) -> str:
    numbers = [int(a.split("-")[1]) for a in state.actions if a.split("-")[-1].isdigit()]
    return f"A-{max(numbers, default=0) + 1:03d}"


def _action(state: State, action_id: str) -> Action:
    found = state.actions.get(action_id)
    if found is None:
        checks.one_of(
            "action_id",
            action_id,
            sorted(state.actions),
            "action",
            checks.UNKNOWN_ACTION,
            "see `qsg action list`",
        )
        raise AssertionError  # pragma: no cover
    return found


def add_action(
    reg: Register, provider: str, *, meeting: str, owner: str, due: str | dt.date, text: str
) -> Action:
    """An action agreed at a meeting about a provider; returns it with its new id."""
    who = checks.name("owner", owner)
    day = checks.date("due", due)
    what = checks.text("text", text, required=True)
    _check_actor(reg)

    def build(records: list[Record]) -> list[NewRecord]:
        state = fold(records)
        m = meeting_of(state, meeting)
        _open_for_changes(m)
        code = _provider(m, provider)
        return [
            NewRecord(
                Kind.ACTION_ADDED,
                {"owner": who, "due": day.isoformat(), "text": what},
                meeting=m.id,
                provider=code,
                subject=next_action_id(state),
            )
        ]

    stored = reg.write(build)
    return fold(reg.records()).actions[str(stored[0].subject)]


def close_action(
    reg: Register, action_id: str, *, note: str, on: str | dt.date | None = None
) -> Action:
    """Close an open action with a note (on a date, default today)."""
    what = checks.text("note", note, required=True)
    day = checks.date("on", on) if on is not None else reg.clock().date()
    _check_actor(reg)

    def build(records: list[Record]) -> list[NewRecord]:
        a = _action(fold(records), action_id)
        if a.status == ItemStatus.CLOSED:
            closed = a.closed or {}
            raise checks.refuse(
                "action_id",
                f"action {a.id} was closed on {closed.get('on')}: {closed.get('note')}",
                checks.ACTION_CLOSED,
            )
        return [
            NewRecord(
                Kind.ACTION_CLOSED,
                {"note": what, "on": day.isoformat()},
                meeting=a.meeting,
                provider=a.provider,
                subject=a.id,
                corrects=a.seq,
            )
        ]

    reg.write(build)
    return fold(reg.records()).actions[action_id]


def move_action(reg: Register, action_id: str, *, due: str | dt.date, reason: str) -> Action:
    """Move an open action's due date, with a reason; the old date is kept."""
    day = checks.date("due", due)
    why = checks.text("reason", reason, required=True)
    _check_actor(reg)

    def build(records: list[Record]) -> list[NewRecord]:
        a = _action(fold(records), action_id)
        if a.status == ItemStatus.CLOSED:
            raise checks.refuse(
                "action_id", f"action {a.id} is closed: it cannot move", checks.ACTION_CLOSED
            )
        return [
            NewRecord(
                Kind.ACTION_MOVED,
                {"due": day.isoformat(), "previous_due": a.due.isoformat(), "reason": why},
                meeting=a.meeting,
                provider=a.provider,
                subject=a.id,
                corrects=a.seq,
            )
        ]

    reg.write(build)
    return fold(reg.records()).actions[action_id]


def list_actions(
    reg: Register,
    *,
    open_only: bool = False,
    overdue_on: dt.date | None = None,
    provider: str | None = None,
) -> list[Action]:
    """Actions in id order: only open ones, only those overdue on a date, one provider's."""
    state = fold(reg.records())
    if provider is not None:
        known = {code for m in state.meetings.values() for code in m.proposed}
        checks.one_of(
            "provider",
            provider,
            sorted(known),
            "provider",
            checks.UNKNOWN_PROVIDER,
            "no meeting in this register discussed it",
        )
    out = []
    for a in state.actions.values():
        if open_only and a.status != ItemStatus.OPEN:
            continue
        if overdue_on is not None and not a.overdue(overdue_on):
            continue
        if provider is not None and a.provider != provider:
            continue
        out.append(a)
    return sorted(out, key=lambda a: a.seq)
