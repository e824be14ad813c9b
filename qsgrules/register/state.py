"""The register's records folded into what they say now: meetings, standings, actions.

Records are never changed; a later record corrects an earlier one. Folding them in order
gives the current view; every earlier version stays in the register (and in the note).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..errors import InputError, Problem
from ..model.standing import Standing
from ..model.vocabulary import ItemStatus, Level, Stance
from . import bodies
from .bodies import ActionKind
from .store import CANCELLED, Record


class Kind(StrEnum):
    """What a record records."""

    MEETING_OPENED = "meeting_opened"
    TRIAGE_FROZEN = "triage_frozen"
    ATTENDANCE = "attendance"
    POSITION = "position"
    DECISION = "decision"
    MEETING_AGREED = "meeting_agreed"
    AMENDMENT = "amendment"
    ACTION_ADDED = "action_added"
    ACTION_CLOSED = "action_closed"
    ACTION_MOVED = "action_moved"
    MEETING_PLANNED = "meeting_planned"
    MEETING_CANCELLED = CANCELLED
    INFORMATION_RECEIVED = "information_received"
    SUMMIT_CONVENED = "summit_convened"
    SUMMIT_HELD = "summit_held"
    SUMMIT_WITHDRAWN = "summit_withdrawn"
    REBASE = "rebase"


@dataclass(frozen=True)
class Attendance:
    member: str
    organisation: str
    start: str | None  # HH:MM
    end: str | None
    seq: int

    @property
    def minutes(self) -> int | None:
        if self.start is None or self.end is None:
            return None
        (h1, m1), (h2, m2) = (map(int, t.split(":")) for t in (self.start, self.end))
        return (h2 * 60 + m2) - (h1 * 60 + m1)


@dataclass(frozen=True)
class Position:
    member: str
    organisation: str
    stance: Stance
    level: Level
    reason: str | None
    seq: int
    recorded_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "member": self.member,
            "organisation": self.organisation,
            "position": self.stance.value,
            "level": self.level.value,
            "reason": self.reason,
        }


@dataclass
class Decision:
    provider: str
    meeting: str
    decided_on: dt.date
    level: Level
    proposed: Level
    rationale: str
    review_by: str | None
    exit_criteria: str | None
    positions: list[dict[str, Any]]
    dissent: list[dict[str, Any]]
    seq: int
    recorded_at: str
    recorded_by: str
    amendments: list[int] = field(default_factory=list)
    #: the meeting the review date / exit criteria were set at, when this decision kept
    #: them (the level unchanged and the chair neither changed nor cleared them)
    review_by_from: str | None = None
    exit_criteria_from: str | None = None

    def standing(self) -> Standing:
        return Standing(
            level=self.level,
            decided_on=self.decided_on.isoformat(),
            meeting=self.meeting,
            review_by=self.review_by,
            exit_criteria=self.exit_criteria,
        )


@dataclass(frozen=True)
class Amendment:
    meeting: str
    provider: str | None
    reason: str
    text: str | None
    changes: dict[str, Any]
    seq: int
    recorded_at: str
    recorded_by: str


@dataclass
class Meeting:
    id: str
    date: dt.date
    chair: str
    qsg: str | None
    as_of: str
    ruleset: dict[str, str]
    providers: dict[str, dict[str, str]]
    proposed: dict[str, Level]
    members: dict[str, str]
    settings: dict[str, Any]
    seq: int
    recorded_at: str
    recorded_by: str
    attendance: dict[str, Attendance] = field(default_factory=dict)
    positions: dict[str, dict[str, Position]] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)
    agreed: tuple[str, str] | None = None  # (when, by)
    amendments: list[Amendment] = field(default_factory=list)

    @property
    def locked(self) -> bool:
        return self.agreed is not None

    def discussed(self) -> set[str]:
        """Providers with a position, a decision or an action at this meeting."""
        return set(self.positions) | set(self.decisions)


@dataclass
class Action:
    id: str
    provider: str | None
    meeting: str | None
    owner: str
    text: str
    due: dt.date
    seq: int
    recorded_at: str
    recorded_by: str
    status: ItemStatus = ItemStatus.OPEN
    moves: list[dict[str, str]] = field(default_factory=list)  # {from, to, reason, at, by}
    closed: dict[str, str] | None = None  # {note, on, at, by}
    kind: ActionKind = ActionKind.ACTION
    #: the day it was agreed: its meeting's date, or the date of the summit that agreed it
    since: dt.date | None = None
    summit: str | None = None  # agreed at this risk summit (then ``meeting`` is None)
    response: str | None = None  # an information request's response, when it arrived
    superseded_by: str | None = None  # closed by this meeting's decision

    def overdue(self, on: dt.date) -> bool:
        return self.status == ItemStatus.OPEN and self.due < on

    def open_on(self, day: dt.date) -> bool:
        """Whether it was open on ``day`` (one closed later counts as open then)."""
        if self.since is not None and self.since > day:
            return False
        if self.status == ItemStatus.OPEN:
            return True
        return self.closed is not None and self.closed.get("on", "") >= day.isoformat()


@dataclass(frozen=True)
class Planned:
    """A meeting in the schedule, not yet opened (no triage frozen)."""

    id: str
    date: dt.date
    chair: str
    qsg: str | None
    seq: int
    recorded_at: str
    recorded_by: str


@dataclass(frozen=True)
class Cancelled:
    """A meeting withdrawn by a record: the draft (``meeting``) or the plan it was."""

    id: str
    date: dt.date
    was: str  # "draft" or "planned"
    reason: str
    seq: int
    recorded_at: str
    recorded_by: str
    meeting: Meeting | None = None


@dataclass(frozen=True)
class Held:
    date: dt.date
    present: tuple[str, ...]
    outcome: str
    level_after: Level
    seq: int
    recorded_at: str
    recorded_by: str


@dataclass
class Summit:
    """A risk summit about a provider: convened (date, invited), then held (who was
    present, outcome, level after) or withdrawn (a decision lowered the level first)."""

    id: str
    provider: str
    date: dt.date
    invited: tuple[str, ...]
    action: str | None
    seq: int
    recorded_at: str
    recorded_by: str
    held: Held | None = None
    withdrawn: dict[str, str] | None = None  # {reason, meeting, at, by}
    actions: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """ "held", "withdrawn" or "convened" (pending)."""
        if self.held is not None:
            return "held"
        return "withdrawn" if self.withdrawn is not None else "convened"


@dataclass
class State:
    meetings: dict[str, Meeting] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)
    records: int = 0
    planned: dict[str, Planned] = field(default_factory=dict)
    cancelled: dict[str, Cancelled] = field(default_factory=dict)
    #: actions of cancelled meetings: they no longer count (their ids are never reused)
    withdrawn: dict[str, Action] = field(default_factory=dict)
    summits: dict[str, Summit] = field(default_factory=dict)

    def ids(self) -> set[str]:
        """Every meeting id ever given: open, agreed, planned or cancelled."""
        return set(self.meetings) | set(self.planned) | set(self.cancelled)

    def earlier(self, than: Meeting | None) -> list[Meeting]:
        """Meetings held before ``than`` (by date, then order of opening); all when None."""
        if than is None:
            return list(self.meetings.values())
        return [m for m in self.meetings.values() if (m.date, m.seq) < (than.date, than.seq)]

    def standings(self, *, before: Meeting | None = None) -> dict[str, Decision]:
        """Each provider's last decision (by meeting date, then record order), from meetings
        before ``before`` when given."""
        out: dict[str, Decision] = {}
        for m in self.earlier(before):
            for code, d in m.decisions.items():
                held = out.get(code)
                if held is None or (d.decided_on, d.seq) > (held.decided_on, held.seq):
                    out[code] = d
        return out

    def last_discussed(self, *, before: Meeting | None = None) -> dict[str, dt.date]:
        """The date each provider was last discussed (a position, decision or action)."""
        out: dict[str, dt.date] = {}
        for m in self.earlier(before):
            codes = m.discussed() | {
                a.provider for a in self.actions.values() if a.meeting == m.id and a.provider
            }
            for code in codes:
                if code not in out or out[code] < m.date:
                    out[code] = m.date
        return out


def fold(records: list[Record]) -> State:
    """The current view of a register's records (frozen triages are not needed). A record
    of a kind this version does not know, or whose body it cannot read (a level it does not
    know, a field missing, a meeting it names not opened), is refused naming the record:
    the register was changed outside qsgrules, and a view without it would be wrong."""
    state = State(records=len(records))
    for r in records:
        try:
            kind = Kind(r.kind)
        except ValueError:
            raise _unreadable(r, f"its kind {r.kind!r} is not one qsgrules knows") from None
        try:
            _FOLD.get(kind, _ignore)(state, r)
        except (KeyError, ValueError, TypeError, AttributeError, AssertionError) as exc:
            what = f"field {exc}" if isinstance(exc, KeyError) else str(exc)
            raise _unreadable(r, f"it cannot be read ({what})") from None
    return state


def _unreadable(r: Record, why: str) -> InputError:
    return InputError(
        [
            Problem.for_argument(
                "register",
                f"{r.label()}: {why}: the register was changed outside qsgrules or by a "
                "newer version; run `qsg audit verify`, upgrade qsgrules or restore a backup",
                code="QSG624",
            )
        ]
    )


def _ignore(state: State, r: Record) -> None:
    return None


def _opened(state: State, r: Record) -> None:
    b = r.body
    assert r.meeting is not None
    state.planned.pop(r.meeting, None)  # the meeting planned under this id is held
    state.meetings[r.meeting] = Meeting(
        id=r.meeting,
        date=dt.date.fromisoformat(b["date"]),
        chair=b["chair"],
        qsg=b.get("qsg"),
        as_of=b["as_of"],
        ruleset=b["ruleset"],
        providers=b["providers"],
        proposed={code: Level(v) for code, v in b["proposed"].items()},
        members=b["members"],
        settings=b["settings"],
        seq=r.seq,
        recorded_at=r.recorded_at,
        recorded_by=r.recorded_by,
    )


def _attended(state: State, r: Record) -> None:
    b = r.body
    m = state.meetings[str(r.meeting)]
    m.attendance[b["member"]] = Attendance(
        b["member"], b["organisation"], b.get("from"), b.get("to"), r.seq
    )


def _position(state: State, r: Record) -> None:
    b = r.body
    m = state.meetings[str(r.meeting)]
    m.positions.setdefault(str(r.provider), {})[b["member"]] = Position(
        b["member"],
        b["organisation"],
        Stance(b["position"]),
        Level(b["level"]),
        b.get("reason"),
        r.seq,
        r.recorded_at,
    )


def _decision(state: State, r: Record) -> None:
    b = r.body
    m = state.meetings[str(r.meeting)]
    m.decisions[str(r.provider)] = Decision(
        provider=str(r.provider),
        meeting=m.id,
        decided_on=dt.date.fromisoformat(b["decided_on"]),
        level=Level(b["level"]),
        proposed=Level(b["proposed"]),
        rationale=b["rationale"],
        review_by=b.get("review_by"),
        exit_criteria=b.get("exit_criteria"),
        positions=b["positions"],
        dissent=b["dissent"],
        seq=r.seq,
        recorded_at=r.recorded_at,
        recorded_by=r.recorded_by,
        review_by_from=b.get("review_by_from"),
        exit_criteria_from=b.get("exit_criteria_from"),
    )


def _agreed(state: State, r: Record) -> None:
    state.meetings[str(r.meeting)].agreed = (r.recorded_at, r.recorded_by)


def _amended(state: State, r: Record) -> None:
    b = r.body
    m = state.meetings[str(r.meeting)]
    changes: dict[str, Any] = b.get("changes", {})
    m.amendments.append(
        Amendment(
            m.id,
            r.provider,
            b["reason"],
            b.get("text"),
            changes,
            r.seq,
            r.recorded_at,
            r.recorded_by,
        )
    )
    if r.provider is not None and r.provider in m.decisions:
        d = m.decisions[r.provider]
        if "level" in changes:
            d.level = Level(changes["level"])
            # the dissent is against the level concluded, as amended
            d.dissent = [p for p in d.positions if p["level"] != d.level.value]
        for name in ("rationale", "review_by", "exit_criteria"):
            if name in changes:
                setattr(d, name, changes[name])
                if name != "rationale":  # set (or cleared) here: no longer kept from before
                    setattr(d, f"{name}_from", None)
        d.amendments.append(r.seq)


#: How the convene action was worded before actions had a kind (registers written then).
_LEGACY_CONVENE = "Convene a risk summit for "


def _action_added(state: State, r: Record) -> None:
    b = r.body
    assert r.subject is not None
    kind = b.get("kind")
    if kind is None:
        legacy = str(b["text"]).startswith(_LEGACY_CONVENE)
        kind = ActionKind.CONVENE_SUMMIT if legacy else ActionKind.ACTION
    summit = state.summits.get(b.get("summit") or "")
    since = None
    if r.meeting in state.meetings:
        since = state.meetings[r.meeting].date
    elif summit is not None and summit.held is not None:
        since = summit.held.date
    state.actions[r.subject] = Action(
        id=r.subject,
        provider=r.provider,
        meeting=r.meeting,
        owner=b["owner"],
        text=b["text"],
        due=dt.date.fromisoformat(b["due"]),
        seq=r.seq,
        recorded_at=r.recorded_at,
        recorded_by=r.recorded_by,
        kind=ActionKind(kind),
        since=since,
        summit=summit.id if summit is not None else None,
    )
    if r.meeting in state.meetings:
        state.meetings[r.meeting].actions.append(r.subject)
    if summit is not None:
        summit.actions.append(r.subject)


def _action_closed(state: State, r: Record) -> None:
    a = state.actions[str(r.subject)]
    a.status = ItemStatus.CLOSED
    a.closed = {
        "note": r.body["note"],
        "on": r.body["on"],
        "at": r.recorded_at,
        "by": r.recorded_by,
    }
    a.superseded_by = r.body.get("superseded_by")


def _information_received(state: State, r: Record) -> None:
    b = bodies.load(bodies.InformationReceived, r.body)
    a = state.actions[str(r.subject)]
    a.status = ItemStatus.CLOSED
    a.response = b.response
    a.closed = {
        "note": b.response,
        "on": b.on.isoformat(),
        "at": r.recorded_at,
        "by": r.recorded_by,
    }


def _planned(state: State, r: Record) -> None:
    b = bodies.load(bodies.MeetingPlanned, r.body)
    assert r.meeting is not None
    state.planned[r.meeting] = Planned(
        r.meeting, b.date, b.chair, b.qsg, r.seq, r.recorded_at, r.recorded_by
    )


def _cancelled(state: State, r: Record) -> None:
    b = bodies.load(bodies.MeetingCancelled, r.body)
    mid = str(r.meeting)
    m = state.meetings.pop(mid, None)
    plan = state.planned.pop(mid, None)
    day = m.date if m is not None else plan.date if plan is not None else dt.date.min
    state.cancelled[mid] = Cancelled(
        mid, day, b.was, b.reason, r.seq, r.recorded_at, r.recorded_by, m
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


def _summit_convened(state: State, r: Record) -> None:
    b = bodies.load(bodies.SummitConvened, r.body)
    assert r.subject is not None and r.provider is not None
    state.summits[r.subject] = Summit(
        r.subject,
        r.provider,
        b.date,
        b.invited,
        b.action,
        r.seq,
        r.recorded_at,
        r.recorded_by,
    )


def _summit_held(state: State, r: Record) -> None:
    b = bodies.load(bodies.SummitHeld, r.body)
    state.summits[str(r.subject)].held = Held(
        b.date, b.present, b.outcome, b.level_after, r.seq, r.recorded_at, r.recorded_by
    )


def _summit_withdrawn(state: State, r: Record) -> None:
    b = bodies.load(bodies.SummitWithdrawn, r.body)
    state.summits[str(r.subject)].withdrawn = {
        "reason": b.reason,
        "meeting": b.meeting,
        "at": r.recorded_at,
        "by": r.recorded_by,
    }


def _action_moved(state: State, r: Record) -> None:
    a = state.actions[str(r.subject)]
    a.moves.append(
        {
            "from": a.due.isoformat(),
            "to": r.body["due"],
            "reason": r.body["reason"],
            "at": r.recorded_at,
            "by": r.recorded_by,
        }
    )
    a.due = dt.date.fromisoformat(r.body["due"])


_FOLD: dict[Kind, Callable[[State, Record], None]] = {
    Kind.MEETING_OPENED: _opened,
    Kind.ATTENDANCE: _attended,
    Kind.POSITION: _position,
    Kind.DECISION: _decision,
    Kind.MEETING_AGREED: _agreed,
    Kind.AMENDMENT: _amended,
    Kind.ACTION_ADDED: _action_added,
    Kind.ACTION_CLOSED: _action_closed,
    Kind.ACTION_MOVED: _action_moved,
    Kind.MEETING_PLANNED: _planned,
    Kind.MEETING_CANCELLED: _cancelled,
    Kind.INFORMATION_RECEIVED: _information_received,
    Kind.SUMMIT_CONVENED: _summit_convened,
    Kind.SUMMIT_HELD: _summit_held,
    Kind.SUMMIT_WITHDRAWN: _summit_withdrawn,
}


def standings(rows: list[tuple[Any, ...]]) -> dict[str, Standing]:
    """Each provider's standing from ``Register.decisions_by_provider`` rows: the last
    decision by meeting date, then record order, with its amendments applied."""
    decided: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, meeting, provider, seq, level, decided_on, review_by, exit_criteria, changes in rows:
        key = (meeting, provider)
        if kind == Kind.DECISION:
            decided[key] = {
                "level": level,
                "decided_on": decided_on,
                "review_by": review_by,
                "exit_criteria": exit_criteria,
                "seq": seq,
            }
        elif key in decided and changes:
            decided[key].update(json.loads(changes))
    latest: dict[str, tuple[str, dict[str, Any]]] = {}
    for (meeting, provider), d in decided.items():
        held = latest.get(provider)
        if held is None or (held[1]["decided_on"], held[1]["seq"]) < (d["decided_on"], d["seq"]):
            latest[provider] = (meeting, d)
    levels = {lv.value: lv for lv in Level}
    return {
        provider: Standing.model_construct(  # the register's own values, checked when written
            level=levels[d["level"]],
            decided_on=d["decided_on"],
            meeting=meeting,
            review_by=d["review_by"],
            exit_criteria=d["exit_criteria"],
        )
        for provider, (meeting, d) in latest.items()
    }
