"""The register's current view: meetings with their attendance, positions, decisions and
amendments, actions, risk summits, planned and cancelled meetings, and the standing
levels they give.

Records are never changed; a later record corrects an earlier one. Folding them in order
(``fold``) gives this view; every earlier version stays in the register (and in the note).
What each kind of record changes is said by its body (``qsgrules.register.kinds``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, MutableMapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ..codes import Code
from ..errors import InputError, Problem
from ..model.ladder import DEFAULT_LADDER, Ladder, LevelName, RungSpec, ladder_of_specs
from ..model.standing import Standing
from ..model.vocabulary import ItemStatus, Stance

#: Records whose body is large (a whole frozen triage); read only when asked for.
FROZEN = "triage_frozen"

if TYPE_CHECKING:
    from .store import Record


class ActionKind(StrEnum):
    """What an action is for (``action_added`` records; absent in older ones: an action)."""

    ACTION = "action"
    #: information asked of an organisation (the owner), answered by a response
    INFORMATION = "information_request"
    #: convene the risk summit a decision called for: at most one open per provider
    CONVENE_SUMMIT = "convene_summit"


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
    level: LevelName
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
    level: LevelName
    proposed: LevelName
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
    # the level concluded per domain (empty for a ruleset without domain-scoped rules)
    domains: dict[str, LevelName] = field(default_factory=dict)
    at: str | None = None  # HH:MM in the meeting, when recorded
    # exit criteria agreed as conditions (scope -> condition mapping; ``ruleset.criteria``)
    exit_when: dict[str, Any] = field(default_factory=dict)
    #: the meeting the conditions were agreed at, when this decision kept them
    exit_when_from: str | None = None

    def standing(self) -> Standing:
        return Standing(
            level=self.level,
            decided_on=self.decided_on.isoformat(),
            meeting=self.meeting,
            review_by=self.review_by,
            exit_criteria=self.exit_criteria,
            domains=dict(self.domains),
            exit_when=dict(self.exit_when),
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


@dataclass(kw_only=True)
class MeetingHeader:
    """What a meeting is, apart from what was recorded at it: its id, date, chair, local
    QSG, the month of data it froze, when it was opened and whether it was agreed."""

    id: str
    date: dt.date
    chair: str
    qsg: str | None
    as_of: str
    seq: int
    recorded_at: str
    recorded_by: str
    agreed: tuple[str, str] | None = None  # (when, by)

    @property
    def locked(self) -> bool:
        return self.agreed is not None

    def header(self) -> MeetingHeader:
        """This meeting's header alone."""
        return MeetingHeader(**{f.name: getattr(self, f.name) for f in fields(MeetingHeader)})

    def before(self, other: MeetingHeader) -> bool:
        """Whether it was held before ``other`` (by date, then order of opening)."""
        return (self.date, self.seq) < (other.date, other.seq)


@dataclass(kw_only=True)
class Meeting(MeetingHeader):
    """A meeting with what it froze (ruleset, providers and their proposed levels, member
    organisations, settings) and what was recorded at it."""

    ruleset: dict[str, str]
    providers: dict[str, dict[str, str]]
    proposed: dict[str, LevelName]
    members: dict[str, str]
    settings: dict[str, Any]
    # the ladder its triage's ruleset declares (None: the 2013 ladder, as before ladders)
    levels: tuple[RungSpec, ...] | None = None
    # each provider's proposed level per domain (ruleset with domain-scoped rules only)
    proposed_domains: dict[str, dict[str, LevelName]] = field(default_factory=dict)
    # the soft items its frozen triage counts, by provider: {id, received, source, domain,
    # severity} (empty for meetings opened before it was recorded)
    intelligence: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    # how far each provider's data reach in its frozen triage: {latest, lag_months, stale}
    data: dict[str, dict[str, Any]] = field(default_factory=dict)
    attendance: dict[str, Attendance] = field(default_factory=dict)
    positions: dict[str, dict[str, Position]] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)
    venue: str | None = None
    time: str | None = None  # HH:MM it starts
    #: business that is not one provider (regional feedback, reports, themes, AOB, review)
    business: list[Business] = field(default_factory=list)
    #: positions and conclusions on its thematic items (by theme id, ``T-1``), kept apart
    #: from the providers' so that no standing level, coverage or report counts a theme
    theme_positions: dict[str, dict[str, Position]] = field(default_factory=dict)
    theme_decisions: dict[str, Decision] = field(default_factory=dict)

    @property
    def ladder(self) -> Ladder:
        return ladder_of_specs(self.levels) if self.levels else DEFAULT_LADDER

    def theme(self, theme_id: str) -> Business | None:
        """The thematic item recorded at this meeting under ``theme_id`` (None: none)."""
        return next((b for b in self.business if b.id == theme_id and b.item == "theme"), None)

    def discussed(self) -> set[str]:
        """Providers with a position or a decision at this meeting."""
        return set(self.positions) | set(self.decisions)


@dataclass(frozen=True)
class Business:
    """An item of a meeting's business that is not one provider (``kinds.business``)."""

    item: str
    title: str
    text: str | None
    providers: tuple[str, ...]
    outcome: str | None
    author: str | None
    confidential: bool
    seq: int
    recorded_by: str
    #: a thematic item's id at its meeting (``T-1``): its positions, conclusion and
    #: actions name it; None for other business and themes recorded before ids
    id: str | None = None
    #: a theme's concerns, and the level proposed for it (given, or the highest frozen
    #: proposal among its providers; None: nothing to confirm, the chair gives the level)
    concerns: tuple[str, ...] = ()
    proposed: LevelName | None = None
    #: a member's written report given as a file: the copy kept beside the register
    file: ReportFile | None = None


@dataclass(frozen=True)
class ReportFile:
    """A report's file as kept beside the register: its name, where (relative to the
    register's folder), its size and its SHA-256 (what was circulated, fixed)."""

    name: str
    kept: str
    size: int
    sha256: str


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
    theme: str | None = None  # about this thematic item of its meeting (``provider`` None)

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
class Feedback:
    """The regional QSG's feedback, received between meetings (``kinds.feedback``): for one
    local QSG (``qsg``) or every one (None), carried to its next meeting."""

    id: str
    source: str
    received: dt.date
    title: str
    text: str | None
    qsg: str | None
    held_on: dt.date | None
    confidential: bool
    seq: int
    recorded_at: str
    recorded_by: str


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
    venue: str | None = None
    time: str | None = None


@dataclass(frozen=True)
class BusinessPlan:
    """What the business plan brings to a meeting of the schedule (planned or open): its
    providers and its themes (guidance, chapters 5 and 7: "all providers are considered
    at some point"). A later plan for the same meeting replaces it (``corrects``)."""

    meeting: str
    providers: tuple[str, ...]
    themes: tuple[str, ...]
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
    meeting: MeetingHeader | None = None  # the draft withdrawn (None: a plan)


@dataclass(frozen=True)
class Held:
    date: dt.date
    present: tuple[str, ...]
    outcome: str
    level_after: LevelName
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
    """The register's current view. Folded from every record (``fold``), it holds every
    meeting in full; read from the register's materialised view (``Register.state``) its
    meetings are read when asked for, and the questions below are answered by indexed
    queries: both give the same answers (a property test)."""

    meetings: MutableMapping[str, Meeting] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)
    planned: dict[str, Planned] = field(default_factory=dict)
    cancelled: dict[str, Cancelled] = field(default_factory=dict)
    #: actions of cancelled meetings: they no longer count (their ids are never reused)
    withdrawn: dict[str, Action] = field(default_factory=dict)
    summits: dict[str, Summit] = field(default_factory=dict)
    #: the regional QSG's feedback, by id (``F-001``)
    feedback: dict[str, Feedback] = field(default_factory=dict)
    #: the business plan: what each meeting of the schedule is to take, by meeting id
    plans: dict[str, BusinessPlan] = field(default_factory=dict)

    def ids(self) -> set[str]:
        """Every meeting id ever given: open, agreed, planned or cancelled."""
        return set(self.meetings) | set(self.planned) | set(self.cancelled)

    def header(self, meeting: str) -> MeetingHeader | None:
        """The meeting's header (None when no such meeting is open or agreed)."""
        return self.meetings.get(meeting)

    def headers(self) -> list[MeetingHeader]:
        """Every meeting open or agreed, in the order opened."""
        return list(self.meetings.values())

    def earlier(self, than: MeetingHeader | None) -> list[MeetingHeader]:
        """Meetings held before ``than`` (by date, then order of opening); all when None."""
        return [m for m in self.headers() if than is None or m.before(than)]

    def _full(self, before: MeetingHeader | None) -> list[Meeting]:
        return [m for m in self.meetings.values() if before is None or m.before(before)]

    def standings(
        self, *, before: MeetingHeader | None = None, on: dt.date | None = None
    ) -> dict[str, Decision]:
        """Each provider's last decision (by meeting date, then record order), from meetings
        before ``before`` when given, taken on or before ``on`` when given."""
        out: dict[str, Decision] = {}
        for m in self._full(before):
            for code, d in m.decisions.items():
                if on is not None and d.decided_on > on:
                    continue
                held = out.get(code)
                if held is None or (d.decided_on, d.seq) > (held.decided_on, held.seq):
                    out[code] = d
        return out

    def last_discussed(self, *, before: MeetingHeader | None = None) -> dict[str, dt.date]:
        """The date each provider was last discussed (a position, decision or action)."""
        out: dict[str, dt.date] = {}
        for m in self._full(before):
            codes = m.discussed() | {
                a.provider for a in self.actions.values() if a.meeting == m.id and a.provider
            }
            for code in codes:
                if code not in out or out[code] < m.date:
                    out[code] = m.date
        return out

    def decided_after(self, code: str, m: MeetingHeader) -> bool:
        """Whether a meeting held after ``m`` decided on ``code``."""
        return any(code in x.decisions and m.before(x) for x in self.meetings.values())

    def history(
        self,
        *,
        before: MeetingHeader | None = None,
        providers: Collection[str] | None = None,
        after: dt.date | None = None,
        until: dt.date | None = None,
    ) -> list[Decision]:
        """The decisions of meetings before ``before`` (all when None) about ``providers``
        (all when None), of meetings held after ``after`` and on or before ``until`` (when
        given): the latest meeting first, each meeting's by provider code."""
        out: list[Decision] = []
        held = [
            m
            for m in self._full(before)
            if (after is None or m.date > after) and (until is None or m.date <= until)
        ]
        for m in sorted(held, key=lambda e: (e.date, e.seq), reverse=True):
            out += [
                d
                for code, d in sorted(m.decisions.items())
                if providers is None or code in providers
            ]
        return out

    def known_providers(self) -> set[str]:
        """Every provider a meeting's frozen triage holds."""
        return {code for m in self.meetings.values() for code in m.proposed}

    def known_organisations(self) -> set[str]:
        """Every member organisation of a meeting."""
        return {org for m in self.meetings.values() for org in m.members}

    def tallies(self) -> dict[str, tuple[int, int]]:
        """Each meeting's number of members attending and of providers decided."""
        return {m.id: (len(m.attendance), len(m.decisions)) for m in self.meetings.values()}


def fold(records: list[Record]) -> State:
    """The current view of a register's records (frozen triages are not needed). A record
    of a kind this version does not know, or whose body it cannot read (a level it does not
    know, a field missing, a meeting it names not opened), is refused naming the record:
    the register was changed outside qsgrules, and a view without it would be wrong."""
    state = State()
    for r in records:
        apply(state, r)
    return state


def apply(state: State, r: Record) -> None:
    """Change ``state`` as record ``r`` says (see ``fold``)."""
    from pydantic import ValidationError

    from . import kinds

    if r.kind == FROZEN:  # the triage a meeting froze: read only when asked for
        return
    try:
        body = kinds.read(r)
    except KeyError:
        raise _unreadable(r, f"its kind {r.kind!r} is not one qsgrules knows") from None
    except ValidationError as exc:
        raise _unreadable(r, f"it cannot be read ({kinds.why(exc)})") from None
    try:
        body.apply(state, r)
    except (KeyError, ValueError, TypeError, AttributeError, AssertionError) as exc:
        what = f"field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise _unreadable(r, f"it cannot be read ({what})") from None


def _unreadable(r: Record, why: str) -> InputError:
    return InputError(
        [
            Problem.for_argument(
                "register",
                f"{r.label()}: {why}: the register was changed outside qsgrules or by a "
                "newer version; run `qsg audit verify`, upgrade qsgrules or restore a backup",
                code=Code.REGISTER_DAMAGED,
            )
        ]
    )
