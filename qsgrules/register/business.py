"""A meeting's business beyond its providers (issue 21, item 4): items recorded at it
(``kinds.business``), and the matters arising carried from the QSG's last meeting."""

from __future__ import annotations

from collections.abc import Sequence
from typing import get_args

from . import checks
from .agenda import last_meeting
from .kinds.business import BusinessKind, BusinessRecorded
from .lookup import _check_actor, _open_for_changes, _provider, meeting_of
from .state import Business, Meeting, MeetingHeader, State
from .store import NewRecord, Register

__all__ = ["KINDS", "TITLES", "add_business", "matters_arising"]

KINDS: tuple[str, ...] = get_args(BusinessKind)

#: How each kind is headed in the note and the agenda.
TITLES = {
    "regional_feedback": "Update from the regional QSG",
    "report": "Members' reports",
    "theme": "Thematic items",
    "aob": "Any other business",
    "review": "Review of the meeting's effectiveness",
}


def add_business(
    reg: Register,
    meeting: str,
    *,
    kind: str,
    title: str,
    text: str | None = None,
    providers: Sequence[str] = (),
    outcome: str | None = None,
    author: str | None = None,
    confidential: bool = False,
    concerns: Sequence[str] = (),
    level: str | None = None,
) -> Business:
    """Record an item of ``meeting``'s business: the regional QSG's feedback, a member's
    written report (``author``: a member organisation; ``confidential`` withholds its text
    when published), a thematic item over ``providers`` (a group or a pathway) with its
    ``outcome``, any other business, or the review of the meeting's effectiveness.

    A theme gets an id at its meeting (``T-1``, ``T-2`` …) that ``confirm``, ``override``,
    ``decide`` and ``add_action`` take in place of a provider's code; its ``concerns`` are
    what the members raised, and its proposed level is ``level`` or else the highest
    proposal frozen for its providers (none for a pathway named by no provider)."""
    checks.one_of(
        "kind", kind, KINDS, "kind of business", checks.TEXT_REQUIRED, "one of " + ", ".join(KINDS)
    )
    heading = checks.text("title", title, required=True)
    body_text = checks.text("text", text)
    result = checks.text("outcome", outcome)
    raised = tuple(checks.text("concern", c, required=True) or "" for c in concerns)
    chosen = checks.level("level", level) if level is not None else None
    if kind != "theme" and (raised or chosen is not None):
        raise checks.refuse(
            "concern" if raised else "level",
            f"only a thematic item has concerns and a proposed level, not {kind}: give "
            "--kind theme",
            checks.CONFLICTING_OPTIONS,
        )
    if kind == "report" and not author:
        raise checks.refuse(
            "author", "a member's report names its author organisation", checks.TEXT_REQUIRED
        )
    _check_actor(reg)

    def build(state: State) -> list[NewRecord]:
        m = meeting_of(state, meeting)
        _open_for_changes(m)
        codes = tuple(_provider(m, c) for c in providers)
        if author is not None:
            checks.one_of(
                "author",
                author,
                m.members,
                "organisation",
                checks.UNKNOWN_ORGANISATION,
                "a report's author is a member organisation",
            )
        subject = None
        proposal = None
        if kind == "theme":
            taken = [int(b.id[2:]) for b in m.business if b.id and b.id[2:].isdigit()]
            subject = f"T-{max(taken, default=0) + 1}"
            if chosen is not None:
                proposal = checks.on_ladder("level", chosen, m.ladder).value
            elif codes:
                proposal = m.ladder.highest(m.proposed[c] for c in codes).value
        fields = {
            "item": kind,
            "concerns": raised,
            "level": proposal,
            "title": heading,
            "text": body_text,
            "providers": codes,
            "outcome": result,
            "author": author,
            "confidential": confidential,
        }
        body = BusinessRecorded.model_validate(
            {k: v for k, v in fields.items() if v not in (None, (), False)}
        )
        return [body.record(meeting=m.id, subject=subject)]

    reg.write(build)
    return meeting_of(reg.state([meeting]), meeting).business[-1]


def matters_arising(state: State, m: Meeting) -> tuple[MeetingHeader | None, list[str]]:
    """What the QSG's last meeting before ``m`` decided and agreed to do, as it stands on
    ``m``'s date: each decision, and each action with whether it is done, open or overdue
    (the last meeting is read in full: one meeting more than ``m``)."""
    last = last_meeting(state, m)
    if last is None:
        return None, []
    # the last meeting read in full (by its key: one meeting more, never every record)
    decided = list(state.meetings[last.id].decisions.values())
    lines = [
        f"{d.provider} {m.providers.get(d.provider, {}).get('name', d.provider)}: concluded "
        f"{d.level.label}" + (f", review by {d.review_by}" if d.review_by else "")
        for d in sorted(decided, key=lambda d: (-d.level.rank, d.provider))
    ]
    for b in state.meetings[last.id].business:  # its thematic items' conclusions
        t = state.meetings[last.id].theme_decisions.get(b.id or "")
        if b.item == "theme" and t is not None:
            lines.append(f"theme {b.id} {b.title}: concluded {t.level.label}")
    for a in sorted(state.actions.values(), key=lambda a: a.seq):
        if a.meeting != last.id:
            continue
        if a.closed is not None:
            status = f"done: {a.closed.get('note') or 'closed'}"
        elif a.due < m.date:
            status = f"overdue since {a.due.isoformat()}"
        else:
            status = f"open, due {a.due.isoformat()}"
        about = a.provider or (f"theme {a.theme}" if a.theme else "no provider")
        lines.append(f"{a.id} ({about}, {a.owner}): {a.text}: {status}")
    return last, lines
