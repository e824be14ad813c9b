"""Records of a meeting: opened (with what it froze), attendance, positions, the chair's
decisions, agreement of the note and amendments after it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from ...model import Model
from ...model.ladder import DEFAULT_LADDER, AnyRung, LevelName, RungSpec, ladder_of_specs, on_ladder
from ...model.vocabulary import Stance
from ..state import Amendment, Attendance, Decision, Meeting, Position
from . import Body

if TYPE_CHECKING:
    from ..state import State
    from ..store import Record


def _meeting(state: State, r: Record) -> Meeting:
    return state.meetings[str(r.meeting)]


def _placed(levels: dict[str, AnyRung], info: ValidationInfo) -> dict[str, AnyRung]:
    """Levels on the ladder the record declares (``ladder``, read before them), else the
    2013 ladder; a name it does not know is refused as the record's error."""
    specs = info.data.get("ladder")
    ladder = ladder_of_specs(tuple(specs)) if specs else DEFAULT_LADDER
    out = {}
    for key, level in levels.items():
        try:
            out[key] = on_ladder(ladder, level)
        except ValueError as exc:
            raise PydanticCustomError("level", str(exc)) from None
    return out


def _level(m: Meeting, level: str) -> AnyRung:
    """A record's level as a rung of its meeting's ladder (ValueError for one it lacks)."""
    return on_ladder(m.ladder, level)


class MeetingOpened(Body):
    """A meeting opened on its day: the triage it discusses is frozen beside it (its own
    record); here what the meeting needs of it: the as-of month, the ruleset, each
    provider's proposed level and local QSG, the member organisations and the settings."""

    kind: ClassVar[str] = "meeting_opened"
    date: dt.date
    chair: str
    qsg: str | None = None
    as_of: str
    ruleset: dict[str, str]
    providers: dict[str, dict[str, str]]
    # the ladder of the ruleset the triage used, when it declares one (absent: the 2013
    # ladder, as in every register before ladders): each level of the meeting is on it
    ladder: list[RungSpec] | None = None
    proposed: dict[str, LevelName]
    # each provider's proposed level per domain, for a ruleset with domain-scoped rules
    # (absent otherwise, as in every register before domains)
    proposed_domains: dict[str, dict[str, LevelName]] = Field(default_factory=dict)
    members: dict[str, str]
    settings: dict[str, Any]
    # the soft items the frozen triage counts, by provider ({id, received, source, domain,
    # severity}), and how far each provider's data reach in it ({latest, lag_months,
    # stale}): what the agenda lists and says (issue 16); absent in registers before them
    intelligence: dict[str, list[dict[str, str]]] = Field(default_factory=dict)
    data: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # where and when it starts (issue 21); absent in registers before them
    venue: str | None = None
    time: str | None = None

    @field_validator("proposed")
    @classmethod
    def _on_ladder(cls, v: dict[str, AnyRung], info: ValidationInfo) -> dict[str, AnyRung]:
        return _placed(v, info)

    @field_validator("proposed_domains")
    @classmethod
    def _domains_on_ladder(
        cls, v: dict[str, dict[str, AnyRung]], info: ValidationInfo
    ) -> dict[str, dict[str, AnyRung]]:
        return {code: _placed(levels, info) for code, levels in v.items()}

    def apply(self, state: State, r: Record) -> None:
        assert r.meeting is not None
        state.planned.pop(r.meeting, None)  # the meeting planned under this id is held
        state.meetings[r.meeting] = Meeting(
            id=r.meeting,
            date=self.date,
            chair=self.chair,
            qsg=self.qsg,
            as_of=self.as_of,
            ruleset=dict(self.ruleset),
            providers={code: dict(p) for code, p in self.providers.items()},
            proposed=dict(self.proposed),
            proposed_domains={code: dict(d) for code, d in self.proposed_domains.items()},
            levels=tuple(self.ladder) if self.ladder else None,
            members=dict(self.members),
            settings=dict(self.settings),
            seq=r.seq,
            recorded_at=r.recorded_at,
            recorded_by=r.recorded_by,
            intelligence={
                code: [dict(i) for i in items] for code, items in self.intelligence.items()
            },
            data={code: dict(d) for code, d in self.data.items()},
            venue=self.venue,
            time=self.time,
        )


class Attended(Body):
    """A member attended for an organisation, from..to (HH:MM, either may be unknown)."""

    kind: ClassVar[str] = "attendance"
    model_config = ConfigDict(populate_by_name=True)
    member: str
    organisation: str
    start: str | None = Field(alias="from")
    end: str | None = Field(alias="to")

    def apply(self, state: State, r: Record) -> None:
        _meeting(state, r).attendance[self.member] = Attendance(
            self.member, self.organisation, self.start, self.end, r.seq
        )


class PositionTaken(Body):
    """An attending member confirms the proposal (``level`` is the proposed one) or holds
    another level, with a reason."""

    kind: ClassVar[str] = "position"
    member: str
    organisation: str
    position: Stance
    level: LevelName
    proposed: LevelName
    reason: str | None = None

    def apply(self, state: State, r: Record) -> None:
        m = _meeting(state, r)
        # about a provider, or (no provider) about the meeting's thematic item ``subject``
        held = m.positions if r.provider is not None else m.theme_positions
        held.setdefault(str(r.provider or r.subject), {})[self.member] = Position(
            self.member,
            self.organisation,
            self.position,
            _level(m, self.level),
            self.reason,
            r.seq,
            r.recorded_at,
        )


class Stated(Model):
    """A position as a decision keeps it (who, for which organisation, what, why)."""

    member: str
    organisation: str
    position: Stance
    level: LevelName
    reason: str | None


class Decided(Body):
    """The chair's conclusion for a provider, with the positions it weighed, the dissent,
    and the review date and exit criteria (kept from an earlier meeting when ``*_from``
    says which)."""

    kind: ClassVar[str] = "decision"
    level: LevelName
    proposed: LevelName
    decided_on: dt.date
    rationale: str
    review_by: str | None = None
    exit_criteria: str | None = None
    positions: tuple[Stated, ...]
    dissent: tuple[Stated, ...]
    review_by_from: str | None = None
    exit_criteria_from: str | None = None
    # the level concluded for each domain (the provider's domains above the lowest rung),
    # for a ruleset with domain-scoped rules; absent otherwise
    domains: dict[str, LevelName] = Field(default_factory=dict)
    # when in the meeting (HH:MM): quorum is judged then (issue 21); absent before it
    at: str | None = None
    # exit criteria agreed as conditions of the ruleset's language, by scope ("provider" or
    # a domain), checked at every later triage (issue 19); absent when none
    exit_when: dict[str, Any] = Field(default_factory=dict)
    exit_when_from: str | None = None

    def apply(self, state: State, r: Record) -> None:
        m = _meeting(state, r)
        # about a provider, or (no provider) about the meeting's thematic item ``subject``
        about = str(r.provider or r.subject)
        held = m.decisions if r.provider is not None else m.theme_decisions
        held[about] = Decision(
            provider=about,
            meeting=m.id,
            decided_on=self.decided_on,
            level=_level(m, self.level),
            proposed=_level(m, self.proposed),
            rationale=self.rationale,
            review_by=self.review_by,
            exit_criteria=self.exit_criteria,
            positions=[p.model_dump(mode="json") for p in self.positions],
            dissent=[p.model_dump(mode="json") for p in self.dissent],
            seq=r.seq,
            recorded_at=r.recorded_at,
            recorded_by=r.recorded_by,
            review_by_from=self.review_by_from,
            exit_criteria_from=self.exit_criteria_from,
            domains={d: _level(m, lv) for d, lv in self.domains.items()},
            at=self.at,
            exit_when=dict(self.exit_when),
            exit_when_from=self.exit_when_from,
        )


class MeetingAgreed(Body):
    """The QSG agreed the note: the meeting is locked; later changes are amendments."""

    kind: ClassVar[str] = "meeting_agreed"

    def apply(self, state: State, r: Record) -> None:
        _meeting(state, r).agreed = (r.recorded_at, r.recorded_by)


class Changes(Model):
    """What an amendment changes in a decision: only the fields given (None clears the
    review date or the exit criteria; the domains and exit conditions given replace them
    whole, an empty mapping clears them)."""

    level: LevelName | None = None
    rationale: str | None = None
    review_by: str | None = None
    exit_criteria: str | None = None
    domains: dict[str, LevelName] | None = None
    exit_when: dict[str, Any] | None = None


class Amended(Body):
    """A change to an agreed meeting, with why: to one provider's decision and/or a text."""

    kind: ClassVar[str] = "amendment"
    reason: str
    text: str | None = None
    changes: Changes = Changes()

    def apply(self, state: State, r: Record) -> None:
        m = _meeting(state, r)
        changes = self.changes.model_dump(mode="json", exclude_unset=True)
        m.amendments.append(
            Amendment(
                m.id,
                r.provider,
                self.reason,
                self.text,
                changes,
                r.seq,
                r.recorded_at,
                r.recorded_by,
            )
        )
        if r.provider is None or r.provider not in m.decisions:
            return
        d = m.decisions[r.provider]
        if self.changes.level is not None:
            d.level = _level(m, self.changes.level)
            # the dissent is against the level concluded, as amended
            d.dissent = [p for p in d.positions if p["level"] != d.level.value]
        for name in ("rationale", "review_by", "exit_criteria"):
            if name in changes:
                setattr(d, name, changes[name])
                if name != "rationale":  # set (or cleared) here: no longer kept from before
                    setattr(d, f"{name}_from", None)
        if self.changes.domains is not None:
            d.domains = {k: _level(m, lv) for k, lv in self.changes.domains.items()}
        if "exit_when" in changes:
            d.exit_when = dict(self.changes.exit_when or {})
            d.exit_when_from = None
        d.amendments.append(r.seq)
