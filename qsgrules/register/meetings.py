"""Meetings: open (freezing the triage), attendance, positions, agreement of the note, and
amendments after it; the chair's decision is in ``decisions``, plans and cancellations in
``schedule`` (all re-exported here). Each call is one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .. import text_guard
from ..model.ladder import DEFAULT_LADDER, AnyRung, RungSpec, ladder_of_specs, on_ladder
from ..model.vocabulary import Stance
from . import checks
from .decisions import SUMMIT_WITHIN_DAYS, Decided, checked_scopes, decide, domain_levels
from .kinds.meetings import Amended, Attended, Changes, MeetingAgreed, MeetingOpened, PositionTaken
from .lookup import _attendee, _check_actor, _open_for_changes, _provider, _theme, meeting_of
from .schedule import (
    _new_id,
    cancel_meeting,
    check_meeting_date,
    data_month,
    opening_warnings,
    plan_meeting,
)
from .state import FROZEN, Meeting, State, fold
from .store import NewRecord, Record, Register

__all__ = [
    "SUMMIT_WITHIN_DAYS",
    "Decided",
    "agree",
    "amend",
    "attend",
    "cancel_meeting",
    "confirm",
    "decide",
    "meeting_of",
    "open_meeting",
    "opening_warnings",
    "override",
    "plan_meeting",
]


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
    venue: str | None = None,
    time: str | None = None,
) -> Meeting:
    """Open a meeting, freezing the triage it discusses (the JSON contract, every proposal
    with its evidence), the providers with their local QSG, the member organisations and
    the workspace's settings. Returns the meeting (its id ``M-YYYY-MM-DD``, or the id of
    the meeting planned for that day). Refused: a date after today (plan it instead), or
    on or before the end of the last month of data the triage holds."""
    day = check_meeting_date(date, data_month(triage), today=reg.today())
    chair_name = str(checks.name("chair", chair))
    where = checks.text("venue", venue)
    when = checks.clock_time("time", time)
    _check_actor(reg)
    declared = triage.get("ladder")
    specs = [RungSpec.model_validate(r) for r in declared] if declared else None
    ladder = ladder_of_specs(tuple(specs)) if specs else DEFAULT_LADDER
    proposed = {p["provider"]: ladder.rung(p["level"]) for p in triage["proposals"]}
    by_domain = {
        p["provider"]: {d: ladder.rung(lv) for d, lv in p["domains"].items()}
        for p in triage["proposals"]
        if p.get("domains")
    }

    # absent for the 2013 ladder and without domains: records as before ladders
    extra: dict[str, Any] = {}
    if specs:
        extra["ladder"] = specs
    if by_domain:
        extra["proposed_domains"] = by_domain

    def build(state: State) -> list[NewRecord]:
        plans = sorted((p for p in state.planned.values() if p.date == day), key=lambda p: p.seq)
        meeting_id = plans[0].id if plans else _new_id(state, day)
        # a planned meeting's venue and time stand unless given again
        place = where if where is not None else (plans[0].venue if plans else None)
        start = when if when is not None else (plans[0].time if plans else None)
        where_when: dict[str, Any] = {
            k: v for k, v in (("venue", place), ("time", start)) if v is not None
        }
        body = MeetingOpened(
            date=day,
            chair=chair_name,
            qsg=qsg,
            as_of=triage["as_of"],
            ruleset=triage["ruleset"],
            providers={k: dict(v) for k, v in providers.items()},
            proposed=proposed,
            **extra,
            members=dict(members),
            settings=dict(settings),
            intelligence=_intelligence(triage),
            data=_data(triage),
            **where_when,
        )
        return [
            body.record(meeting=meeting_id),
            NewRecord(FROZEN, dict(triage), meeting=meeting_id),
        ]

    stored = reg.write(build)
    return fold(stored).meetings[str(stored[0].meeting)]


def _intelligence(triage: Mapping[str, Any]) -> dict[str, list[dict[str, str]]]:
    """The soft items the frozen triage counts, by provider, as the agenda names them."""
    out: dict[str, list[dict[str, str]]] = {}
    for p in triage.get("proposals", ()):
        items = [
            {k: str(s[k]) for k in ("id", "received", "source", "domain", "severity")}
            for s in p.get("evidence", {}).get("soft", ())
            if s.get("counted")
        ]
        if items:
            out[p["provider"]] = items
    return out


def _data(triage: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """How far each provider's data reach in the frozen triage, by provider: its latest
    month with data, how many months that is behind the meeting's date, and whether that
    is stale (providers without a coverage record are left out)."""
    out: dict[str, dict[str, Any]] = {}
    for p in triage.get("proposals", ()):
        cov = p.get("coverage")
        if cov is not None:
            out[p["provider"]] = {
                "latest": cov.get("latest"),
                "lag_months": cov.get("lag_months"),
                "stale": bool(cov.get("stale")),
            }
    return out


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

    def build(state: State) -> list[NewRecord]:
        m = meeting_of(state, meeting)
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
        body = Attended(member=name, organisation=organisation, start=t0, end=t1)
        return [body.record(meeting=m.id, corrects=earlier.seq if earlier else None)]

    reg.write(build)
    return meeting_of(reg.state(), meeting)


def _position(
    reg: Register,
    provider: str,
    meeting: str,
    member: str,
    stance: Stance,
    level: AnyRung | None,
    reason: str | None,
) -> Record:
    _check_actor(reg)

    def build(state: State) -> list[NewRecord]:
        m = meeting_of(state, meeting)
        _open_for_changes(m)
        theme = _theme(m, provider)
        code = theme.id if theme is not None and theme.id else _provider(m, provider)
        who = _attendee(m, member)
        if theme is None:
            proposed = m.proposed[code]
        elif theme.proposed is None:
            raise checks.refuse(
                "provider",
                f"no level was proposed for {code} ({theme.title}): it names no provider and "
                "was recorded without --level, so there is nothing to be for or against; "
                "record the theme with --level LEVEL, or the chair's conclusion with "
                f"qsg decide {code} --level LEVEL",
                checks.NO_POSITIONS,
            )
        else:
            proposed = theme.proposed
        held_by = m.positions if theme is None else m.theme_positions
        earlier = held_by.get(code, {}).get(who)
        held = checks.on_ladder("level", level, m.ladder) if level is not None else None
        body = PositionTaken(
            member=who,
            organisation=m.attendance[who].organisation,
            position=stance,
            level=held or proposed,
            proposed=proposed,
            reason=reason,
        )
        return [
            body.record(
                meeting=m.id,
                provider=code if theme is None else None,
                subject=code if theme is not None else None,
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


def agree(reg: Register, meeting: str) -> Meeting:
    """The QSG agrees the note: the meeting is locked; later changes are amendments."""
    _check_actor(reg)

    def build(state: State) -> list[NewRecord]:
        m = meeting_of(state, meeting)
        _open_for_changes(m)
        return [MeetingAgreed().record(meeting=m.id)]

    reg.write(build)
    return meeting_of(reg.state(), meeting)


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
    clear_review_by: bool = False,
    clear_exit_criteria: bool = False,
    domains: Mapping[str, str] | None = None,
    exit_when: Mapping[str, Any] | None = None,
) -> Record:
    """An amendment to an agreed meeting, with who, when and why: a change to one
    provider's decision (level, rationale, review date, exit criteria, or clearing the
    review date or exit criteria; its levels per domain, ``domains``, which replace the
    decision's whole; its exit conditions, ``exit_when``, likewise, checked by the caller:
    ``ruleset.criteria``) and/or a text. A level amended below a domain's level the
    decision recorded is refused unless the domains are amended with it."""
    why = checks.text("reason", reason, required=True)
    changes: dict[str, Any] = {}
    if level is not None:
        changes["level"] = checks.level("level", level).value
    if rationale is not None:
        changes["rationale"] = checks.text("rationale", rationale, required=True)
    review_day = checks.date("review_by", review_by) if review_by is not None else None
    if review_day is not None:
        changes["review_by"] = review_day.isoformat()
    if exit_criteria is not None:
        changes["exit_criteria"] = checks.text("exit_criteria", exit_criteria, required=True)
    for name, clear in (("review_by", clear_review_by), ("exit_criteria", clear_exit_criteria)):
        if clear and name in changes:
            raise checks.refuse(
                name,
                f"given and cleared at once: give --{name.replace('_', '-')} or "
                f"--clear-{name.replace('_', '-')}, not both",
                checks.CONFLICTING_OPTIONS,
            )
        if clear:
            changes[name] = None
    if exit_when and clear_exit_criteria:
        raise checks.refuse(
            "exit_when",
            "given and cleared at once: give --exit-when or --clear-exit-criteria, not both",
            checks.CONFLICTING_OPTIONS,
        )
    if exit_when:
        changes["exit_when"] = dict(exit_when)
    note = checks.text("text", text)
    if (changes or domains is not None) and provider is None:
        raise checks.refuse(
            "provider", "say which provider's decision the change is to", checks.NOTHING_TO_AMEND
        )
    if not changes and domains is None and note is None:
        raise checks.refuse(
            "text",
            "an amendment changes a decision (--provider with --level, --domain, --rationale, "
            "--review-by, --exit-criteria, --exit-when or --clear-...) or adds a text",
            checks.NOTHING_TO_AMEND,
        )
    _check_actor(reg)

    def build(state: State) -> list[NewRecord]:
        m = meeting_of(state, meeting)
        if "level" in changes:
            changes["level"] = checks.on_ladder("level", changes["level"], m.ladder).value
        if not m.locked:
            raise checks.refuse(
                "meeting",
                f"meeting {m.id} is not agreed yet: record the change directly (a new position "
                "or decision replaces the earlier one, both kept)",
                checks.NOT_AGREED,
            )
        if review_day is not None:
            checks.not_before(
                "review_by", review_day, m.date, f"the meeting it is for ({m.id}, {m.date})"
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
            if code in m.decisions:
                _amended_scopes(m, code, changes, domains, clear_exit_criteria)
            elif domains is not None:
                raise checks.refuse(
                    "provider",
                    f"meeting {m.id} made no decision on {code} to amend",
                    checks.NOTHING_TO_AMEND,
                )
        assert why is not None
        body = Amended(reason=why, text=note, changes=Changes.model_validate(changes, strict=False))
        return [body.record(meeting=m.id, provider=provider, corrects=corrects)]

    return reg.write(build)[0]


def _amended_scopes(
    m: Meeting,
    code: str,
    changes: dict[str, Any],
    domains: Mapping[str, str] | None,
    clear: bool,
) -> None:
    """Into ``changes``: the decision's levels per domain as amended (checked against the
    level as amended), and its exit conditions checked against both; refuse a level
    amended below a domain it leaves standing."""
    d = m.decisions[code]
    final = on_ladder(m.ladder, changes["level"]) if "level" in changes else d.level
    if domains is not None:
        by_domain = domain_levels(m, code, final, final, domains)
        changes["domains"] = {k: v.value for k, v in by_domain.items()}
    else:
        by_domain = dict(d.domains)
        above = [f"{k} ({v.value})" for k, v in by_domain.items() if v > final]
        if above:
            raise checks.refuse(
                "level",
                f"{code}'s decision places {', '.join(above)} above {final.value}: amend the "
                "domains with it (--domain DOMAIN=LEVEL, repeated)",
                checks.BAD_LEVEL,
            )
    if changes.get("exit_when"):
        checked_scopes(final, by_domain, changes["exit_when"])
    elif clear and d.exit_when:
        changes["exit_when"] = None
    elif d.exit_when and "exit_when" not in changes:
        # a scope the amendment takes to the lowest rung has nothing left to leave
        kept = {
            scope: c
            for scope, c in d.exit_when.items()
            if (not final.lowest if scope == "provider" else scope in by_domain)
        }
        if kept != d.exit_when:
            changes["exit_when"] = kept or None
