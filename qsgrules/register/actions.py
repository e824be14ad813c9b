"""Actions agreed at meetings (or at risk summits): an owner, a due date (moves logged,
never overwritten), a status; carried to every meeting until closed. An information
request is an action whose owner is the organisation asked, closed by its response."""

from __future__ import annotations

import datetime as dt

from ..model.vocabulary import ItemStatus
from . import checks
from .kinds.actions import ActionAdded, ActionClosed, ActionMoved, InformationReceived
from .lookup import _check_actor, _open_for_changes, _provider, _theme, meeting_of
from .state import Action, ActionKind, State
from .store import NewRecord, Register


def next_action_id(state: State) -> str:
    ids = [*state.actions, *state.withdrawn]  # a withdrawn action's id is never reused
    numbers = [int(a.split("-")[1]) for a in ids if a.split("-")[-1].isdigit()]
    return f"A-{max(numbers, default=0) + 1:03d}"


def _action(state: State, action_id: str) -> Action:
    found = state.actions.get(action_id)
    if found is None:
        gone = state.withdrawn.get(action_id)
        if gone is not None:
            c = state.cancelled.get(str(gone.meeting))
            raise checks.refuse(
                "action_id",
                f"action {action_id} was withdrawn with its meeting {gone.meeting}, cancelled"
                + (f": {c.reason}" if c is not None else ""),
                checks.MEETING_CANCELLED,
            )
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


def _kind(value: str | ActionKind) -> ActionKind:
    try:
        return ActionKind(value)
    except ValueError:
        kinds = [k.value for k in ActionKind if k != ActionKind.CONVENE_SUMMIT]
        raise checks.refuse(
            "kind",
            f"unknown kind of action {value!r}; use one of {', '.join(kinds)} (the action to "
            "convene a risk summit is opened by the decision)",
            checks.NOT_A_REQUEST,
        ) from None


def add_action(
    reg: Register,
    provider: str,
    *,
    meeting: str | None = None,
    owner: str,
    due: str | dt.date,
    text: str,
    kind: str | ActionKind = ActionKind.ACTION,
    summit: str | None = None,
) -> Action:
    """An action agreed at a meeting (or, with ``summit``, at a risk summit held) about a
    provider, or about a thematic item of the meeting (``provider`` its id, ``T-1``);
    returns it with its new id. ``kind`` ``information_request``: ``owner`` is the
    organisation asked and ``text`` what was asked; its response closes it. Refused: a
    due date before the meeting (or summit) that agreed it."""
    who = checks.name("owner", owner)
    day = checks.date("due", due)
    what = checks.text("text", text, required=True)
    what_kind = _kind(kind)
    if what_kind == ActionKind.CONVENE_SUMMIT:
        raise checks.refuse(
            "kind",
            "the action to convene a risk summit is opened by a decision of risk_summit",
            checks.NOT_A_REQUEST,
        )
    if (meeting is None) == (summit is None):
        raise checks.refuse(
            "meeting",
            "say where the action was agreed: --meeting ID or --summit ID (one of them)",
            checks.CONFLICTING_OPTIONS,
        )
    _check_actor(reg)

    def build(state: State) -> list[NewRecord]:
        assert what is not None
        at_summit: str | None = None
        if meeting is not None:
            m = meeting_of(state, meeting)
            _open_for_changes(m)
            theme = _theme(m, provider)
            if theme is not None and theme.id:  # a thematic item's: no provider named
                checks.not_before("due", day, m.date, f"the meeting that agreed it ({m.id})")
                body = ActionAdded(owner=str(who), due=day, text=what, purpose=what_kind)
                body = body.model_copy(update={"theme": theme.id})
                return [body.record(meeting=m.id, subject=next_action_id(state))]
            code = _provider(m, provider)
            checks.not_before("due", day, m.date, f"the meeting that agreed it ({m.id})")
            where: dict[str, str] = {"meeting": m.id}
        else:
            from .summits import held_summit

            s = held_summit(state, str(summit), argument="summit")
            code = checks.one_of(
                "provider",
                provider,
                [s.provider],
                "provider",
                checks.UNKNOWN_PROVIDER,
                f"summit {s.id} was about {s.provider}",
            )
            assert s.held is not None
            checks.not_before("due", day, s.held.date, f"the summit that agreed it ({s.id})")
            at_summit = s.id
            where = {}
        body = ActionAdded(owner=str(who), due=day, text=what, purpose=what_kind)
        if at_summit is not None:
            body = ActionAdded(
                owner=str(who), due=day, text=what, purpose=what_kind, summit=at_summit
            )
        return [
            body.record(meeting=where.get("meeting"), provider=code, subject=next_action_id(state))
        ]

    stored = reg.write(build)
    return reg.state().actions[str(stored[0].subject)]


def _closing_day(reg: Register, a: Action, on: str | dt.date | None) -> dt.date:
    """The day an action is closed (default today): never after today, never before it
    was agreed."""
    today = reg.today()
    day = checks.date("on", on) if on is not None else today
    checks.not_after_today("on", day, today, "a closing")
    if a.since is not None:
        where = a.meeting or a.summit
        checks.not_before(
            "on",
            day,
            a.since,
            f"action {a.id} existed ({where}, {a.since})",
            checks.BEFORE_IT_EXISTED,
        )
    return day


def _still_open(a: Action) -> None:
    if a.status == ItemStatus.CLOSED:
        closed = a.closed or {}
        raise checks.refuse(
            "action_id",
            f"action {a.id} was closed on {closed.get('on')}: {closed.get('note')}",
            checks.ACTION_CLOSED,
        )


def close_action(
    reg: Register, action_id: str, *, note: str, on: str | dt.date | None = None
) -> Action:
    """Close an open action with a note (on a date, default today; never after today nor
    before the action was agreed)."""
    what = checks.text("note", note, required=True)
    if on is not None:
        checks.date("on", on)
    _check_actor(reg)

    def build(state: State) -> list[NewRecord]:
        a = _action(state, action_id)
        _still_open(a)
        day = _closing_day(reg, a, on)
        assert what is not None
        body = ActionClosed(note=what, on=day)
        return [body.record(meeting=a.meeting, provider=a.provider, subject=a.id, corrects=a.seq)]

    reg.write(build)
    return reg.state().actions[action_id]


def respond(
    reg: Register, action_id: str, *, response: str, on: str | dt.date | None = None
) -> Action:
    """The information asked for arrived: its response (what it said, where it is) and the
    day (default today; never after today nor before the request). Closes the request."""
    what = checks.text("response", response, required=True)
    assert what is not None
    if on is not None:
        checks.date("on", on)
    _check_actor(reg)

    def build(state: State) -> list[NewRecord]:
        a = _action(state, action_id)
        if a.kind != ActionKind.INFORMATION:
            raise checks.refuse(
                "action_id",
                f"action {a.id} is not an information request (it is {a.kind.value}): close it "
                f"with a note (qsg action close {a.id} --note TEXT)",
                checks.NOT_A_REQUEST,
            )
        _still_open(a)
        day = _closing_day(reg, a, on)
        body = InformationReceived(response=what, on=day)
        return [body.record(meeting=a.meeting, provider=a.provider, subject=a.id, corrects=a.seq)]

    reg.write(build)
    return reg.state().actions[action_id]


def move_action(reg: Register, action_id: str, *, due: str | dt.date, reason: str) -> Action:
    """Move an open action's due date, with a reason; the old date is kept. Never before
    the day it was agreed."""
    day = checks.date("due", due)
    why = checks.text("reason", reason, required=True)
    _check_actor(reg)

    def build(state: State) -> list[NewRecord]:
        a = _action(state, action_id)
        if a.status == ItemStatus.CLOSED:
            raise checks.refuse(
                "action_id", f"action {a.id} is closed: it cannot move", checks.ACTION_CLOSED
            )
        if a.since is not None:
            where = a.meeting or a.summit
            checks.not_before("due", day, a.since, f"the day action {a.id} was agreed ({where})")
        assert why is not None
        body = ActionMoved(due=day, previous_due=a.due, reason=why)
        return [body.record(meeting=a.meeting, provider=a.provider, subject=a.id, corrects=a.seq)]

    reg.write(build)
    return reg.state().actions[action_id]


def list_actions(
    reg: Register,
    *,
    open_only: bool = False,
    overdue_on: dt.date | None = None,
    provider: str | None = None,
) -> list[Action]:
    """Actions in id order: only open ones, only those overdue on a date, one provider's.
    Actions of cancelled meetings are withdrawn: not listed."""
    state = reg.state()
    if provider is not None:
        known = state.known_providers()
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
