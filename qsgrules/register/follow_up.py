"""What follows a decision up, in words shared by the agenda, the note, the pack and the
regional report: review dates and exit criteria kept from an earlier meeting, risk
summits to convene, convened and held, and information asked for and whether it came."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..model.vocabulary import ItemStatus
from .state import Action, ActionKind, Decision, Meeting, State, Summit


def kept_line(d: Decision) -> str | None:
    """ "kept from M-…: review by …; exit criteria: …" when the decision kept them."""
    review, criteria = d.review_by_from, d.exit_criteria_from
    if review is None and criteria is None:
        return None
    if review is not None and review == criteria:
        return f"kept from {review}: review by {d.review_by}; exit criteria: {d.exit_criteria}"
    parts = []
    if review is not None:
        parts.append(f"review by {d.review_by} kept from {review}")
    if criteria is not None:
        parts.append(f"exit criteria kept from {criteria}: {d.exit_criteria}")
    return "; ".join(parts)


def organisations(names: tuple[str, ...], provider: str) -> str:
    """Organisations in words, the provider (given by its code) named as such."""
    return ", ".join(f"{n} (the provider)" if n == provider else n for n in names)


def summit_words(s: Summit, on: dt.date | None = None) -> str:
    """A summit in one line, as it stood on ``on`` (default: as recorded now)."""
    held = s.held if s.held is not None and (on is None or s.held.date <= on) else None
    if held is not None:
        absent = "" if s.provider in held.present else "; the provider not present"
        agreed = f"; actions agreed: {', '.join(s.actions)}" if s.actions else ""
        return (
            f"risk summit {s.id} held {held.date.isoformat()}: present "
            f"{organisations(held.present, s.provider)}{absent}; outcome: {held.outcome}; "
            f"level after: {held.level_after.label}{agreed}"
        )
    if s.withdrawn is not None and on is None:
        return (
            f"risk summit {s.id} (convened for {s.date.isoformat()}) withdrawn: "
            f"{s.withdrawn['reason']}"
        )
    return (
        f"risk summit {s.id} convened for {s.date.isoformat()}; invited: "
        f"{organisations(s.invited, s.provider)}"
    )


def _withdrawn_by(state: State, s: Summit, on: dt.date) -> bool:
    if s.withdrawn is None:
        return False
    m = state.header(s.withdrawn["meeting"])
    return m is None or m.date <= on


def convene_line(a: Action, on: dt.date) -> str:
    late = ", overdue" if a.due < on else ""
    return f"risk summit to convene: action {a.id} ({a.owner}), due {a.due.isoformat()}{late}"


def by_provider(state: State) -> dict[str, list[Action]]:
    """Every action by the provider it is about, each provider's in the order agreed (read
    once by what goes through every provider, rather than every action once per provider)."""
    out: dict[str, list[Action]] = {}
    for a in sorted(state.actions.values(), key=lambda a: a.seq):
        if a.provider is not None:
            out.setdefault(a.provider, []).append(a)
    return out


def _about(state: State, code: str, actions: Sequence[Action] | None) -> Sequence[Action]:
    if actions is not None:
        return actions
    return by_provider(state).get(code, [])


def summit_lines(
    state: State,
    code: str,
    on: dt.date,
    held: Decision | None,
    *,
    actions: Sequence[Action] | None = None,
) -> list[str]:
    """A provider's risk summits as a meeting on ``on`` sees them: to convene (an open
    convene action), convened and not yet held, and held since the QSG last decided (with
    what its level after asks of the QSG). ``actions``: the provider's actions in order
    (``by_provider``), when the caller has them."""
    lines = [
        convene_line(a, on)
        for a in _about(state, code, actions)
        if a.kind == ActionKind.CONVENE_SUMMIT and a.open_on(on)
    ]
    for s in sorted(state.summits.values(), key=lambda s: s.seq):
        if s.provider != code or _withdrawn_by(state, s, on):
            continue
        if s.held is None or s.held.date > on:
            lines.append(summit_words(s, on))
            continue
        since = held.decided_on if held is not None else dt.date.min
        if s.held.date < since:
            continue  # the QSG has decided since the summit: its decision stands
        lines.append(summit_words(s, on))
        standing = held.level if held is not None else None
        if standing != s.held.level_after:
            now = f"standing {standing.label}" if standing is not None else "no standing level"
            lines.append(
                f"the summit's level after ({s.held.level_after.label}) is not the QSG's "
                f"({now}): the QSG decides"
            )
    return lines


def request_line(a: Action, on: dt.date) -> str:
    """An information request as a meeting on ``on`` sees it: what was asked, of whom,
    and whether it arrived."""
    where = f" at {a.meeting}" if a.meeting else f" at summit {a.summit}" if a.summit else ""
    asked = f"asked {a.owner}{where}: {a.text} ({a.id}"
    closed = a.closed if a.status == ItemStatus.CLOSED and a.closed else None
    if closed is not None and closed["on"] <= on.isoformat():
        if a.response is not None:
            return f"{asked}): arrived {closed['on']}: {a.response}"
        return f"{asked}): closed {closed['on']} without a response: {closed['note']}"
    late = ", overdue" if a.due < on else ""
    return f"{asked}, due {a.due.isoformat()}): not arrived{late}"


def information_lines(
    state: State,
    code: str,
    m: Meeting,
    held: Decision | None,
    previous: dt.date | None,
    *,
    actions: Sequence[Action] | None = None,
) -> list[str]:
    """The information asked about a provider at meetings before ``m``: every request
    open on its date or answered since the previous meeting, and, when the provider stands
    at further information required, a word when nothing was recorded as asked.
    ``actions``: the provider's actions in order (``by_provider``), when the caller has
    them."""
    requests = [
        a
        for a in _about(state, code, actions)
        if a.kind == ActionKind.INFORMATION
        and a.meeting != m.id
        and a.since is not None
        and a.since <= m.date
    ]

    def relevant(a: Action) -> bool:
        if a.open_on(m.date):
            return True
        if held is not None and a.meeting == held.meeting:
            return True
        closed_on = (a.closed or {}).get("on", "")
        return previous is not None and closed_on > previous.isoformat()

    lines = [request_line(a, m.date) for a in requests if relevant(a)]
    if held is not None and not held.level.lowest and not held.level.escalation and not lines:
        lines.append(
            f"nothing was recorded as asked at {held.meeting}: record what is asked and of whom "
            f"(qsg action add {code} --meeting {m.id} --kind information_request --owner ORG "
            "--due YYYY-MM-DD --text WHAT)"
        )
    return lines
