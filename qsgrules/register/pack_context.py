"""What the register adds to a meeting pack and to the live page: the meeting, its agenda
(the guidance's example local agenda filled in with what ``qsg agenda`` lists), each
provider's standing level, previous decisions and open actions, as a ``MeetingContext``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from ..model.ladder import DEFAULT_LADDER
from ..model.pack import (
    DISCUSSED,
    EXAMPLE_LOCAL_AGENDA,
    AgendaItem,
    MeetingContext,
    MeetingInfo,
    MemberReport,
    OpenAction,
    PastDecision,
    StandingLevel,
)
from .agenda import (
    CHANGED,
    CYCLE,
    EVERY_MEETING,
    FURTHER_INFORMATION,
    NEW_INTELLIGENCE,
    OVERDUE,
    PLANNED,
    SECTIONS,
    SUMMIT,
    AgendaProvider,
    agenda_of,
)
from .business import matters_arising
from .feedback import feedback_for, feedback_line
from .follow_up import by_provider, summit_lines
from .reports import reports_of
from .scope import liaison
from .state import ActionKind, Business, Decision, Meeting, State

#: How each kind of action is named in the pack.
_KINDS = {
    ActionKind.ACTION: "action",
    ActionKind.INFORMATION: "information request",
    ActionKind.CONVENE_SUMMIT: "convene a risk summit",
}

#: Annex D's items under which the business recorded at the meeting is listed.
_BUSINESS = {
    "3": ("regional_feedback",),
    "5": ("aob",),
    "6": ("theme",),
    "8": ("review",),
}


def _business_line(b: Business) -> str:
    """An item of business as the pack's agenda lists it (members' reports are listed
    apart, each as its handling allows: ``reports``)."""
    extra = f" [{', '.join(b.providers)}]" if b.providers else ""
    text = f": {b.text}" if b.text and not b.confidential else ""
    if b.item == "theme" and b.id is not None:
        # a theme's concerns are withheld with its text when it is confidential
        concerns = "; ".join(b.concerns) if not b.confidential else ""
        proposed = b.proposed.label if b.proposed is not None else "no level proposed"
        return (
            f"{b.id} {b.title}{extra}{text}."
            + (f" Concerns: {concerns}." if concerns else "")
            + f" Proposed: {proposed}."
        )
    return f"{b.title}{extra}{text}."


#: Annex D's items led by the area team director, led by the meeting's chair instead.
_CHAIRED = ("1", "2", "3")


def _section_titles(m: Meeting) -> dict[str, str]:
    cycle = int(m.settings.get("business_cycle_months", 12))
    return {
        EVERY_MEETING: "At every meeting: standing level risk summit or regular review",
        SUMMIT: "Risk summits: to convene, convened, or held since the QSG last decided",
        FURTHER_INFORMATION: "Further information requested: what was asked, of whom, and "
        "whether it arrived",
        CHANGED: "The proposal differs from the standing level",
        NEW_INTELLIGENCE: "New soft intelligence since the last meeting",
        OVERDUE: "A review date or an action overdue",
        PLANNED: "In the business plan for this meeting",
        CYCLE: f"Not discussed within the business cycle ({cycle} months)",
    }


def filled_agenda(state: State, m: Meeting) -> tuple[AgendaItem, ...]:
    """Annex D with the chair leading, the previous meeting under matters arising, and under
    "Agree principal risks or concerns" the providers ``qsg agenda`` lists, in its order and
    sections, each with every reason it gives."""
    listed = agenda_of(state, m)
    earlier = sorted(state.earlier(m), key=lambda e: (e.date, e.seq))
    titles = _section_titles(m)
    items: list[AgendaItem] = []
    for item in EXAMPLE_LOCAL_AGENDA:
        update: dict[str, object] = {}
        if item.number in _CHAIRED:
            update["lead"] = m.chair
        if item.number == "2" and earlier:
            last = earlier[-1]
            state_of = f"agreed {last.agreed[0][:10]}" if last.agreed else "not yet agreed"
            update["detail"] = f"The note of {last.id} ({last.date.isoformat()}, {state_of})."
            _, arising = matters_arising(state, m)
            if arising:
                update["detail"] = (
                    f"{update['detail']} Matters arising: " + "; ".join(arising) + "."
                )
        if item.number in _BUSINESS:
            said = [_business_line(b) for b in m.business if b.item in _BUSINESS[item.number]]
            if item.number == "3":  # the regional QSG's feedback received since the last
                said = [feedback_line(f, withhold=True) + "." for f in feedback_for(state, m)]
                said += [_business_line(b) for b in m.business if b.item == "regional_feedback"]
            if said:
                first = str(update.get("detail", item.detail))
                update["detail"] = " ".join(x for x in [first, *said] if x)
        plan = state.plans.get(m.id)
        if item.number == "6" and plan is not None and plan.themes:
            first = str(update.get("detail", item.detail))
            planned = "; ".join(plan.themes)
            update["detail"] = " ".join(
                x for x in [first, f"In the business plan for this meeting: {planned}."] if x
            )
        if item.number == "4" and reports_of(m.business):
            n = len(reports_of(m.business))
            update["detail"] = (
                f"{item.detail}. {n} written report(s) attached: see Members' written "
                "reports, below the agenda."
            )
        if item.number == "9":
            update["detail"] = next_meeting(state, m)
        if item.title != DISCUSSED:
            items.append(item.model_copy(update=update))
            continue
        update["detail"] = (
            f"The providers the register puts on the agenda of {m.id} (qsg agenda {m.id}), "
            "in order, each with why."
            if listed
            else f"No provider is on the register's agenda of {m.id}; every provider is on "
            "the triage board."
        )
        items.append(item.model_copy(update=update))
        sub = 0
        for section in SECTIONS:
            chosen: list[AgendaProvider] = [x for x in listed if x.section == section]
            if not chosen:
                continue
            sub += 1
            items.append(
                AgendaItem(
                    number=f"{item.number}.{sub}",
                    title=titles[section],
                    lead=item.lead,
                    providers=tuple(x.provider for x in chosen),
                    why={x.provider: "; ".join(x.reasons) for x in chosen},
                )
            )
    return tuple(items)


def _report(b: Business) -> MemberReport:
    """A member's report for the members' pack, whole (``MeetingContext.published`` cuts
    it for publication)."""
    f = b.file
    return MemberReport(
        title=b.title,
        author=b.author or "",
        confidential=b.confidential,
        text=b.text or "",  # shown only when open (the template): a pack travels
        file=f.kept if f else "",
        size=f.size if f else 0,
        sha256=f.sha256 if f else "",
    )


def next_meeting(state: State, m: Meeting) -> str:
    """The QSG's next meeting in the schedule after ``m``, in words (date, time, venue)."""
    later = [
        p
        for p in state.planned.values()
        if p.date > m.date and (m.qsg is None or p.qsg in (None, m.qsg))
    ]
    if not later:
        return "None in the schedule yet: plan it (qsg meeting open --planned --date ...)."
    p = min(later, key=lambda p: (p.date, p.seq))
    when = p.date.isoformat() + (f", {p.time}" if p.time else "")
    return f"{p.id}: {when}" + (f", {p.venue}" if p.venue else "") + f" (chair {p.chair})."


def _dissent(d: Decision) -> str:
    return "; ".join(
        f"{x['member']} ({x['organisation']}) held {DEFAULT_LADDER.place(x['level']).label}"
        + (f": {x['reason']}" if x.get("reason") else "")
        for x in d.dissent
    )


def pack_context(
    state: State,
    meeting: Meeting | None,
    *,
    on: dt.date,
    history: Collection[str] | None = None,
    neighbours: Sequence[State] = (),
) -> MeetingContext:
    """The register's part of a pack for ``meeting`` (the record before it: standing levels,
    decisions, actions open on its date, and for a local QSG's meeting the conclusions other
    local QSGs reached on its providers since its last meeting, in this register and in
    ``neighbours``), or, with no meeting, the record as it is ``on`` that day (no meeting,
    no agenda of its own). Previous decisions are listed for the providers in ``history``
    (every provider when None: a page showing one provider's section needs only that
    provider's)."""
    day = meeting.date if meeting is not None else on
    held = state.standings(before=meeting)
    decisions: dict[str, list[PastDecision]] = {}
    for d in state.history(before=meeting, providers=history):
        decisions.setdefault(d.provider, []).append(
            PastDecision(
                meeting=d.meeting,
                decided_on=d.decided_on.isoformat(),
                level=d.level,
                rationale=d.rationale,
                dissent=_dissent(d),
            )
        )
    before = {m.id for m in state.earlier(meeting)}
    actions: dict[str, list[OpenAction]] = {}
    for a in sorted(state.actions.values(), key=lambda a: a.seq):
        agreed_before = a.meeting in before or (a.summit is not None and a.meeting is None)
        if a.provider is None or not agreed_before or not a.open_on(day):
            continue
        actions.setdefault(a.provider, []).append(
            OpenAction(
                id=a.id,
                text=a.text,
                owner=a.owner,
                due=a.due.isoformat(),
                overdue=a.due < day,
                kind=_KINDS[a.kind],
            )
        )
    about = by_provider(state)
    summits = {
        code: tuple(lines)
        for code in sorted({s.provider for s in state.summits.values()} | set(actions))
        if (lines := summit_lines(state, code, day, held.get(code), actions=about.get(code, [])))
    }
    return MeetingContext(
        meeting=(
            MeetingInfo(
                id=meeting.id,
                date=meeting.date.isoformat(),
                qsg=meeting.qsg or "",
                chair=meeting.chair,
                time=meeting.time or "",
                venue=meeting.venue or "",
            )
            if meeting is not None
            else None
        ),
        agenda=filled_agenda(state, meeting) if meeting is not None else None,
        standing={
            code: StandingLevel(
                level=d.level,
                decided_on=d.decided_on.isoformat(),
                meeting=d.meeting,
                review_by=d.review_by or "",
                exit_criteria=d.exit_criteria or "",
            )
            for code, d in sorted(held.items())
        },
        decisions={code: tuple(ds) for code, ds in decisions.items()},
        actions={code: tuple(xs) for code, xs in actions.items()},
        summits=summits,
        reports=tuple(_report(b) for b in reports_of(meeting.business))
        if meeting is not None
        else (),
        liaison=tuple(
            f"{x.provider} {x.name}: {x.line()}"
            for x in (liaison(meeting, [state, *neighbours]) if meeting is not None else ())
        ),
    )
