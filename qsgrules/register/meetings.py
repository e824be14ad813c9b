"""Meetings: open (freezing the triage), attendance, positions, the chair's decision,
agreement of the note, and amendments after it. Each call is one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import text_guard
from ..errors import InputError, Problem
from ..model.vocabulary import Level, Stance
from . import checks
from .state import Decision, Kind, Meeting, State, fold
from .store import FROZEN, NewRecord, Record, Register

#: A risk summit is convened within this many days unless a review date is set.
SUMMIT_WITHIN_DAYS = 28


def meeting_of(state: State, meeting: str, *, argument: str = "meeting") -> Meeting:
    """The meeting with this id, or a refusal with a "did you mean"."""
    found = state.meetings.get(meeting)
    if found is None:
        known = sorted(state.meetings)
        hint = "see `qsg meeting list`" if known else "no meeting is recorded yet"
        checks.one_of(argument, meeting, known, "meeting", checks.UNKNOWN_MEETING, hint)
        raise AssertionError  # pragma: no cover - one_of raised
    return found


def _open_for_changes(m: Meeting, argument: str = "meeting") -> None:
    if m.locked:
        raise checks.refuse(
            argument,
            f"meeting {m.id} was agreed on {m.agreed[0][:10] if m.agreed else ''} and is locked; "
            f"record a change as an amendment: qsg meeting amend {m.id} --reason TEXT",
            checks.MEETING_LOCKED,
        )


def _provider(m: Meeting, code: str, argument: str = "provider") -> str:
    return checks.one_of(
        argument,
        code,
        m.proposed,
        "provider",
        checks.UNKNOWN_PROVIDER,
        f"it is not in the triage frozen when meeting {m.id} was opened",
    )


def _attendee(m: Meeting, member: str) -> str:
    member = " ".join(text_guard.normalised(member).split())
    if member not in m.attendance:
        known = sorted(m.attendance)
        hint = (
            f"record attendance first: qsg meeting attend {m.id} --member NAME --organisation ORG"
        )
        checks.one_of("member", member, known, f"attendee of {m.id}", checks.NOT_ATTENDING, hint)
    return member


def _check_actor(reg: Register) -> None:
    """Who records: a name like any other (``--by ''`` is refused, never read as the
    operating-system user), stored in its normal form."""
    reg.actor = str(checks.name("by", reg.actor))


def open_meeting(
    reg: Register,
    *,
    date: str | dt.date,
    chair: str,
    qsg: str | None,
    triage: Mapping[str, Any],
    providers: Mapping[str, Mapping[str, str]],
    members: Mapping[str, str],
    settings: Mapping[str, Any],
) -> Meeting:
    """Open a meeting, freezing the triage it discusses (the JSON contract, every proposal
    with its evidence), the providers with their local QSG, the member organisations and
    the workspace's settings. Returns the meeting (its id ``M-YYYY-MM-DD``)."""
    day = checks.date("date", date)
    chair_name = checks.name("chair", chair)
    _check_actor(reg)
    proposed = {p["provider"]: p["level"] for p in triage["proposals"]}

    def build(records: list[Record]) -> list[NewRecord]:
        state = fold(records)
        meeting_id, n = f"M-{day.isoformat()}", 1
        while meeting_id in state.meetings:
            n += 1
            meeting_id = f"M-{day.isoformat()}-{n}"
        body = {
            "date": day.isoformat(),
            "chair": chair_name,
            "qsg": qsg,
            "as_of": triage["as_of"],
            "ruleset": triage["ruleset"],
            "providers": {k: dict(v) for k, v in providers.items()},
            "proposed": proposed,
            "members": dict(members),
            "settings": dict(settings),
        }
        return [
            NewRecord(Kind.MEETING_OPENED, body, meeting=meeting_id),
            NewRecord(FROZEN, dict(triage), meeting=meeting_id),
        ]

    stored = reg.write(build)
    return fold(stored).meetings[str(stored[0].meeting)]


def attend(
    reg: Register,
    meeting: str,
    *,
    member: str,
    organisation: str,
    start: str | None = None,
    end: str | None = None,
) -> Meeting:
    """Record that a member attended for an organisation (from..to, HH:MM). Recording the
    same member again corrects the earlier record (both are kept)."""
    name = str(checks.name("member", member))
    t0, t1 = checks.clock_time("start", start), checks.clock_time("end", end)
    if t0 is not None and t1 is not None and t1 <= t0:
        raise checks.refuse("end", f"{t1} is not after {t0}", checks.BAD_TIME)
    _check_actor(reg)

    organisation = text_guard.normalised(organisation)

    def build(records: list[Record]) -> list[NewRecord]:
        m = meeting_of(fold(records), meeting)
        _open_for_changes(m)
        checks.one_of(
            "organisation",
            organisation,
            m.members,
            "organisation",
            checks.UNKNOWN_ORGANISATION,
            "an attendee represents a member organisation: the national members or those in "
            "members.csv when the meeting was opened",
        )
        twin = checks.same_looking(name, m.attendance)
        if twin is not None:
            raise checks.refuse(
                "member",
                f"{name!r} looks the same as {twin!r}, who is already attending "
                f"({m.attendance[twin].organisation}): record {twin!r} again to correct their "
                "attendance, or write the name so that a reader can tell the two apart",
                checks.LOOK_ALIKE,
            )
        earlier = m.attendance.get(name)
        body = {"member": name, "organisation": organisation, "from": t0, "to": t1}
        return [
            NewRecord(
                Kind.ATTENDANCE, body, meeting=m.id, corrects=earlier.seq if earlier else None
            )
        ]

    reg.write(build)
    return meeting_of(fold(reg.records()), meeting)


def _position(
    reg: Register,
    provider: str,
    meeting: str,
    member: str,
    stance: Stance,
    level: Level | None,
    reason: str | None,
) -> Record:
    _check_actor(reg)

    def build(records: list[Record]) -> list[NewRecord]:
        m = meeting_of(fold(records), meeting)
        _open_for_changes(m)
        code = _provider(m, provider)
        who = _attendee(m, member)
        proposed = m.proposed[code]
        earlier = m.positions.get(code, {}).get(who)
        body = {
            "member": who,
            "organisation": m.attendance[who].organisation,
            "position": stance.value,
            "level": (level or proposed).value,
            "proposed": proposed.value,
            "reason": reason,
        }
        return [
            NewRecord(
                Kind.POSITION,
                body,
                meeting=m.id,
                provider=code,
                corrects=earlier.seq if earlier else None,
            )
        ]

    return reg.write(build)[0]


def confirm(reg: Register, provider: str, *, meeting: str, member: str) -> Record:
    """An attending member confirms the proposal frozen for ``provider``."""
    return _position(reg, provider, meeting, member, Stance.CONFIRM, None, None)


def override(
    reg: Register, provider: str, *, meeting: str, member: str, level: str, reason: str
) -> Record:
    """An attending member holds a different level than proposed, with a reason."""
    lv = checks.level("level", level)
    why = checks.text("reason", reason, required=True)
    return _position(reg, provider, meeting, member, Stance.OVERRIDE, lv, why)


@dataclass(frozen=True)
class Decided:
    decision: Decision
    summit_action: str | None  # the action opened to convene a risk summit


def decide(
    reg: Register,
    provider: str,
    *,
    meeting: str,
    rationale: str,
    level: str | None = None,
    review_by: str | dt.date | None = None,
    exit_criteria: str | None = None,
) -> Decided:
    """The chair's conclusion. Without ``level`` it takes the proposal when every recorded
    position confirmed it, and otherwise refuses naming who disagreed and with which level
    (and refuses when no position is recorded). The decision keeps the positions and the
    dissent; a risk summit opens an action to convene it."""
    from .actions import next_action_id

    why = checks.text("rationale", rationale, required=True)
    chosen = checks.level("level", level) if level is not None else None
    review = checks.date("review_by", review_by).isoformat() if review_by is not None else None
    exit_text = checks.text("exit_criteria", exit_criteria)
    _check_actor(reg)

    def build(records: list[Record]) -> list[NewRecord]:
        state = fold(records)
        m = meeting_of(state, meeting)
        _open_for_changes(m)
        code = _provider(m, provider)
        proposed = m.proposed[code]
        positions = sorted(m.positions.get(code, {}).values(), key=lambda p: p.seq)
        final = chosen
        if final is None:
            if not positions:
                raise checks.refuse(
                    "level",
                    f"no member has taken a position on {code} at {m.id}: record positions "
                    f"(qsg confirm / qsg override) or give the level the QSG concluded",
                    checks.NO_POSITIONS,
                )
            against = [p for p in positions if p.level != proposed]
            if against:
                raise InputError(
                    [
                        Problem.for_argument(
                            "level",
                            f"the proposal for {code} ({proposed.value}) was not confirmed by "
                            "every member: "
                            + "; ".join(
                                f"{p.member} ({p.organisation}) holds {p.level.value}"
                                + (f": {p.reason}" if p.reason else "")
                                for p in against
                            )
                            + ". Give the level the QSG concluded (the dissent is recorded)",
                            code=checks.NO_CONSENSUS,
                        )
                    ]
                )
            final = proposed
        earlier = m.decisions.get(code)
        body = {
            "level": final.value,
            "proposed": proposed.value,
            "decided_on": m.date.isoformat(),
            "rationale": why,
            "review_by": review,
            "exit_criteria": exit_text,
            "positions": [p.to_dict() for p in positions],
            "dissent": [p.to_dict() for p in positions if p.level != final],
        }
        out = [
            NewRecord(
                Kind.DECISION,
                body,
                meeting=m.id,
                provider=code,
                corrects=earlier.seq if earlier else None,
            )
        ]
        summit_open = any(
            a.provider == code
            and a.meeting == m.id
            and a.status == "open"
            and "risk summit" in a.text
            for a in state.actions.values()
        )
        if final == Level.RISK_SUMMIT and not summit_open:
            due = (
                dt.date.fromisoformat(review)
                if review
                else m.date + dt.timedelta(days=SUMMIT_WITHIN_DAYS)
            )
            name = m.providers.get(code, {}).get("name", code)
            out.append(
                NewRecord(
                    Kind.ACTION_ADDED,
                    {
                        "owner": m.chair,
                        "due": due.isoformat(),
                        "text": f"Convene a risk summit for {code} {name}",
                    },
                    meeting=m.id,
                    provider=code,
                    subject=next_action_id(state),
                )
            )
        return out

    stored = reg.write(build)
    state = fold(reg.records())
    decision = state.meetings[meeting].decisions[provider]
    return Decided(decision, stored[1].subject if len(stored) > 1 else None)


def agree(reg: Register, meeting: str) -> Meeting:
    """The QSG agrees the note: the meeting is locked; later changes are amendments."""
    _check_actor(reg)

    def build(records: list[Record]) -> list[NewRecord]:
        m = meeting_of(fold(records), meeting)
        _open_for_changes(m)
        return [NewRecord(Kind.MEETING_AGREED, {}, meeting=m.id)]

    reg.write(build)
    return meeting_of(fold(reg.records()), meeting)


def amend(
    reg: Register,
    meeting: str,
    *,
    reason: str,
    provider: str | None = None,
    level: str | None = None,
    rationale: str | None = None,
    review_by: str | dt.date | None = None,
    exit_criteria: str | None = None,
    text: str | None = None,
) -> Record:
    """An amendment to an agreed meeting, with who, when and why: a change to one
    provider's decision (level, rationale, review date, exit criteria) and/or a text."""
    why = checks.text("reason", reason, required=True)
    changes: dict[str, Any] = {}
    if level is not None:
        changes["level"] = checks.level("level", level).value
    if rationale is not None:
        changes["rationale"] = checks.text("rationale", rationale, required=True)
    if review_by is not None:
        changes["review_by"] = checks.date("review_by", review_by).isoformat()
    if exit_criteria is not None:
        changes["exit_criteria"] = checks.text("exit_criteria", exit_criteria, required=True)
    note = checks.text("text", text)
    if changes and provider is None:
        raise checks.refuse(
            "provider", "say which provider's decision the change is to", checks.NOTHING_TO_AMEND
        )
    if not changes and note is None:
        raise checks.refuse(
            "text",
            "an amendment changes a decision (--provider with --level, --rationale, "
            "--review-by or --exit-criteria) or adds a text",
            checks.NOTHING_TO_AMEND,
        )
    _check_actor(reg)

    def build(records: list[Record]) -> list[NewRecord]:
        m = meeting_of(fold(records), meeting)
        if not m.locked:
            raise checks.refuse(
                "meeting",
                f"meeting {m.id} is not agreed yet: record the change directly (a new position "
                "or decision replaces the earlier one, both kept)",
                checks.NOT_AGREED,
            )
        corrects = None
        if provider is not None:
            code = _provider(m, provider)
            if code not in m.decisions and changes:
                raise checks.refuse(
                    "provider",
                    f"meeting {m.id} made no decision on {code} to amend",
                    checks.NOTHING_TO_AMEND,
                )
            corrects = m.decisions[code].seq if code in m.decisions else None
        return [
            NewRecord(
                Kind.AMENDMENT,
                {"reason": why, "text": note, "changes": changes},
                meeting=m.id,
                provider=provider,
                corrects=corrects,
            )
        ]

    return reg.write(build)[0]
