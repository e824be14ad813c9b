"""The chair's decision: the level concluded (from the positions, or given), the review
date and exit criteria kept when the level is, and what follows a risk summit up (one
convene action at most; closed or withdrawn, with the decision as reason, when the level
goes below summit)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, Problem
from ..model.ladder import AnyRung
from ..model.vocabulary import ItemStatus
from . import checks
from .kinds.actions import ActionAdded, ActionClosed
from .kinds.meetings import Decided as DecisionBody
from .kinds.meetings import Stated
from .kinds.summits import SummitWithdrawn
from .lookup import _check_actor, _open_for_changes, _provider, _theme, meeting_of
from .state import Action, ActionKind, Decision, Meeting, Position, State, Summit
from .store import NewRecord, Register

#: The scope of exit conditions for the level overall (a domain's name otherwise).
PROVIDER = "provider"
#: A risk summit is convened within this many days unless a review date is set.
SUMMIT_WITHIN_DAYS = 28


@dataclass(frozen=True)
class Decided:
    decision: Decision
    summit_action: str | None  # the action opened to convene a risk summit
    #: what already follows a risk summit up (an open convene action, a summit convened),
    #: when no second convene action was opened
    summit_pending: str | None = None
    #: convene actions closed and summits withdrawn because the level went below summit
    superseded: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def open_convene_actions(state: State, code: str) -> list[Action]:
    """The provider's open actions to convene a risk summit, oldest first."""
    return sorted(
        (
            a
            for a in state.actions.values()
            if a.provider == code
            and a.kind == ActionKind.CONVENE_SUMMIT
            and a.status == ItemStatus.OPEN
        ),
        key=lambda a: a.seq,
    )


def pending_summits(state: State, code: str) -> list[Summit]:
    """The provider's summits convened and neither held nor withdrawn."""
    return [s for s in state.summits.values() if s.provider == code and s.status == "convened"]


def _kept(
    given: str | None, clear: bool, held: Decision | None, name: str, final: AnyRung
) -> tuple[str | None, str | None]:
    """(value, the meeting it is kept from): given, cleared, or carried from the standing
    decision when the level is unchanged."""
    if given is not None or clear:
        return given, None
    if held is None or held.level != final:
        return None, None
    value = getattr(held, name)
    if value is None:
        return None, None
    return value, getattr(held, f"{name}_from") or held.meeting


def decide(
    reg: Register,
    provider: str,
    *,
    meeting: str,
    rationale: str,
    level: str | None = None,
    review_by: str | dt.date | None = None,
    exit_criteria: str | None = None,
    clear_review_by: bool = False,
    clear_exit_criteria: bool = False,
    domains: Mapping[str, str] | None = None,
    at: str | None = None,
    exit_when: Mapping[str, Any] | None = None,
) -> Decided:
    """The chair's conclusion. Without ``level`` it takes the proposal when every recorded
    position confirmed it, and otherwise refuses naming who disagreed and with which level
    (and refuses when no position is recorded). The decision keeps the positions and the
    dissent. A decision that keeps the standing level keeps its review date and exit
    criteria unless they are given again or cleared (``clear_review_by``,
    ``clear_exit_criteria``). A risk summit opens an action to convene it, unless one is
    open or a summit is convened already; a level below risk summit closes the open
    convene action and withdraws a summit convened and not held, saying why. ``at``
    (HH:MM) is when in the meeting it was decided: the note judges quorum then.
    ``exit_when`` (scope -> condition, checked by the caller: ``ruleset.criteria``) are
    exit criteria agreed as conditions, for the level overall ("provider") or a domain the
    decision places above the lowest rung; every later triage checks them and holds the
    level until they hold. Kept, like the exit criteria, for each scope whose level the
    decision keeps, unless given again or cleared (``clear_exit_criteria`` clears both)."""
    from .actions import next_action_id

    when = checks.clock_time("at", at)

    why = checks.text("rationale", rationale, required=True)
    assert why is not None
    chosen = checks.level("level", level) if level is not None else None
    review_day = checks.date("review_by", review_by) if review_by is not None else None
    exit_text = checks.text("exit_criteria", exit_criteria)
    for name, given, clear, cleared in (
        ("review_by", review_by, clear_review_by, "review_by"),
        ("exit_criteria", exit_criteria, clear_exit_criteria, "exit_criteria"),
        ("exit_when", exit_when or None, clear_exit_criteria, "exit_criteria"),
    ):
        if given is not None and clear:
            raise checks.refuse(
                name,
                f"given and cleared at once: give --{name.replace('_', '-')} or "
                f"--clear-{cleared.replace('_', '-')}, not both",
                checks.CONFLICTING_OPTIONS,
            )
    _check_actor(reg)

    def build(state: State) -> list[NewRecord]:
        m = meeting_of(state, meeting)
        _open_for_changes(m)
        theme = _theme(m, provider)
        code = theme.id if theme is not None and theme.id else _provider(m, provider)
        if review_day is not None:
            checks.not_before(
                "review_by", review_day, m.date, f"the meeting that sets it ({m.id}, {m.date})"
            )
        final = checks.on_ladder("level", chosen, m.ladder) if chosen is not None else None
        if theme is None:
            proposed = m.proposed[code]
        elif theme.proposed is not None:
            proposed = theme.proposed
        elif final is not None:
            proposed = final  # nothing was proposed: the record keeps the level concluded
        else:
            raise checks.refuse(
                "level",
                f"no level was proposed for {code} ({theme.title}): give the level the QSG "
                "concluded with --level",
                checks.NO_POSITIONS,
            )
        held_by = m.positions if theme is None else m.theme_positions
        positions = sorted(held_by.get(code, {}).values(), key=lambda p: p.seq)
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
        # a theme has no standing level to keep from (nor domains, nor a risk summit)
        held = state.standings(before=m).get(code) if theme is None else None
        review, review_from = _kept(
            review_day.isoformat() if review_day else None,
            clear_review_by,
            held,
            "review_by",
            final,
        )
        exit_kept, exit_from = _kept(exit_text, clear_exit_criteria, held, "exit_criteria", final)
        earlier = (m.decisions if theme is None else m.theme_decisions).get(code)
        kept: dict[str, Any] = {}
        if review_from is not None:
            kept["review_by_from"] = review_from
        if exit_from is not None:
            kept["exit_criteria_from"] = exit_from
        by_domain = domain_levels(m, code, final, proposed, domains) if theme is None else {}
        if by_domain:  # absent otherwise: a record as before domains
            kept["domains"] = by_domain
        if theme is not None and exit_when:
            raise checks.refuse(
                "exit_when",
                f"{code} is a theme: it has no standing level to leave; agree exit criteria "
                "at a provider's decision",
                checks.BAD_LEVEL,
            )
        agreed = checked_scopes(final, by_domain, exit_when) if exit_when else {}
        if not agreed and not clear_exit_criteria and held is not None:
            carried = {
                scope: condition
                for scope, condition in held.exit_when.items()
                if _same_level(held, scope, final, by_domain)
            }
            if carried:
                agreed = carried
                kept["exit_when_from"] = held.exit_when_from or held.meeting
        if agreed:  # absent otherwise: a record as before conditions
            kept["exit_when"] = agreed
        if when is not None:  # absent otherwise: a record as before times (issue 21)
            kept["at"] = when
        body = DecisionBody(
            level=final,
            proposed=proposed,
            decided_on=m.date,
            rationale=why,
            review_by=review,
            exit_criteria=exit_kept,
            positions=tuple(_stated(p) for p in positions),
            dissent=tuple(_stated(p) for p in positions if p.level != final),
            **kept,
        )
        if theme is not None:
            # a conclusion on a theme: no standing level, and a risk summit is about one
            # provider (its actions are the chair's: qsg action add T-1)
            return [
                body.record(meeting=m.id, subject=code, corrects=earlier.seq if earlier else None)
            ]
        out = [body.record(meeting=m.id, provider=code, corrects=earlier.seq if earlier else None)]
        if state.decided_after(code, m):  # not the standing level: a later meeting's is
            return out
        if final.top:  # the ladder's top rung: a risk summit, or its like
            if not open_convene_actions(state, code) and not pending_summits(state, code):
                out.append(_convene(m, code, review, next_action_id(state)))
        else:
            out += _supersede(state, m, code, final, why)
        return out

    stored = reg.write(build)
    state = reg.state()
    if provider not in state.meetings[meeting].decisions:  # a thematic item's conclusion
        return Decided(state.meetings[meeting].theme_decisions[provider], None)
    decision = state.meetings[meeting].decisions[provider]
    opened = [r.subject for r in stored if r.kind == ActionAdded.kind]
    pending = None
    if decision.level.top and not opened:
        summits = pending_summits(state, provider)
        actions = open_convene_actions(state, provider)
        if summits:
            s = summits[0]
            pending = f"risk summit {s.id} convened for {s.date.isoformat()}"
        elif actions:
            pending = f"action {actions[0].id} to convene the risk summit is open"
    superseded = tuple(str(r.subject) for r in stored[1:] if r.kind != ActionAdded.kind)
    warnings: list[str] = []
    if (
        decision.review_by_from
        and decision.review_by
        and decision.review_by < decision.decided_on.isoformat()
    ):
        warnings.append(
            f"warning: the review date {decision.review_by} kept from "
            f"{decision.review_by_from} is before this meeting: give a new one with "
            "--review-by, or --clear-review-by"
        )
    return Decided(decision, opened[0] if opened else None, pending, superseded, tuple(warnings))


def _same_level(
    held: Decision, scope: str, final: AnyRung, by_domain: Mapping[str, AnyRung]
) -> bool:
    """Whether the decision keeps the standing level of ``scope``."""
    if scope == PROVIDER:
        return held.level == final
    return scope in by_domain and held.domains.get(scope) == by_domain[scope]


def checked_scopes(
    final: AnyRung, by_domain: Mapping[str, AnyRung], exit_when: Mapping[str, Any]
) -> dict[str, Any]:
    """``exit_when`` when each scope is one the decision places above the lowest rung: exit
    criteria of a level the provider is not at would never be read."""
    for scope in exit_when:
        level = final if scope == PROVIDER else by_domain.get(scope)
        if level is None or level.lowest:
            at = (
                f"the level concluded is {final.label}"
                if scope == PROVIDER
                else f"the decision places no level on {scope}"
                + (f" (domains: {', '.join(by_domain)})" if by_domain else "")
            )
            raise checks.refuse(
                "exit_when",
                f"exit criteria for {scope} leave nothing to leave: {at}; agree them for a "
                "scope the decision places above the lowest level",
                checks.BAD_LEVEL,
            )
    return dict(exit_when)


def _convene(m: Meeting, code: str, review: str | None, action_id: str) -> NewRecord:
    """The action to convene a risk summit: owned by the chair, due by the review date or
    within ``SUMMIT_WITHIN_DAYS``."""
    due = (
        dt.date.fromisoformat(review) if review else m.date + dt.timedelta(days=SUMMIT_WITHIN_DAYS)
    )
    name = m.providers.get(code, {}).get("name", code)
    body = ActionAdded(
        owner=m.chair,
        due=due,
        text=f"Convene a risk summit for {code} {name}",
        purpose=ActionKind.CONVENE_SUMMIT,
    )
    return body.record(meeting=m.id, provider=code, subject=action_id)


def domain_levels(
    m: Meeting,
    code: str,
    final: AnyRung,
    proposed: AnyRung,
    given: Mapping[str, str] | None,
) -> dict[str, AnyRung]:
    """The level concluded per domain: as given (``domain=level``), else the proposal's
    when the QSG concluded the proposed level, else none (the chair gives them)."""
    if given is None:
        return dict(m.proposed_domains.get(code, {})) if final == proposed else {}
    out: dict[str, AnyRung] = {}
    for domain, level in given.items():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", domain):
            raise checks.refuse(
                "domain", f"{domain!r} is not a domain (a word such as safety)", checks.BAD_LEVEL
            )
        rung = checks.on_ladder("domain", level, m.ladder)
        if rung > final:
            raise checks.refuse(
                "domain",
                f"{domain} at {rung.value} is above the level concluded ({final.value}): the "
                "provider's level is the highest of its domains",
                checks.BAD_LEVEL,
            )
        if not rung.lowest:
            out[domain] = rung
    return out


def _supersede(state: State, m: Meeting, code: str, final: AnyRung, why: str) -> list[NewRecord]:
    """A level below risk summit: the open convene action is closed and a summit convened
    and not held is withdrawn, each with the decision as its reason."""
    reason = f"superseded: {m.id} decided {final.label}: {why}"
    closed = ActionClosed(note=reason, on=m.date, superseded_by=m.id)
    out = [
        closed.record(meeting=a.meeting, provider=a.provider, subject=a.id, corrects=a.seq)
        for a in open_convene_actions(state, code)
        if a.since is None or a.since <= m.date
    ]
    withdrawn = SummitWithdrawn(reason=reason, meeting=m.id)
    out += [
        withdrawn.record(provider=code, subject=s.id, corrects=s.seq)
        for s in pending_summits(state, code)
    ]
    return out


def _stated(p: Position) -> Stated:
    return Stated(
        member=p.member,
        organisation=p.organisation,
        position=p.stance,
        level=p.level,
        reason=p.reason,
    )
