"""What a meeting must discuss (the agenda) and who has gone undiscussed (coverage)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..model.ladder import AnyRung
from ..model.months import month_end, month_number, months_before
from .follow_up import by_provider, information_lines, kept_line, summit_lines
from .meetings import meeting_of
from .scope import own
from .state import ActionKind, Decision, Meeting, MeetingHeader, State
from .store import Register

EVERY_MEETING = "every meeting"
SUMMIT = "risk summit"
FURTHER_INFORMATION = "further information requested"
CHANGED = "proposal differs from standing"
NEW_INTELLIGENCE = "new intelligence"
OVERDUE = "overdue"
PLANNED = "business plan"
CYCLE = "business cycle"
#: The agenda's sections, in order (guidance, chapters 7, 8 and 9).
SECTIONS = (
    EVERY_MEETING,
    SUMMIT,
    FURTHER_INFORMATION,
    CHANGED,
    NEW_INTELLIGENCE,
    OVERDUE,
    PLANNED,
    CYCLE,
)


@dataclass(frozen=True)
class AgendaProvider:
    """A provider on a meeting's agenda, in its section, with why it is there (the pack's
    numbered items of the guidance's agenda are ``qsgrules.model.pack.AgendaItem``)."""

    provider: str
    name: str
    section: str
    proposed: AnyRung
    standing: Decision | None
    reasons: tuple[str, ...] = field(default=())


def _asked(level: AnyRung) -> bool:
    """A level above no concerns that is not an escalation: more information is asked for
    (the 2013 ladder's further information required)."""
    return not level.lowest and not level.escalation


def _mark(proposed: AnyRung, standing: AnyRung) -> str:
    return "↑" if proposed > standing else "↓"


def agenda(reg: Register, meeting: str) -> list[AgendaProvider]:
    """The providers a meeting must discuss, in order: those at risk summit or regular
    review (every meeting), those with a risk summit to convene, convened or held since
    the QSG last decided, those at further information required or with information asked
    (what, of whom, and whether it arrived), those whose new proposal differs from their
    standing level, those with soft intelligence received since the last meeting (each item
    named), those with an overdue review date or overdue open actions, those the business
    plan brings to this meeting, then those not discussed within the business cycle. Each
    appears once, with every reason that applies, and how far its data lag behind the
    meeting."""
    state = reg.state([meeting])
    return agenda_of(state, meeting_of(state, meeting))


def agenda_of(state: State, m: Meeting) -> list[AgendaProvider]:
    """The agenda of meeting ``m`` from the register's folded records (see ``agenda``)."""
    standings = state.standings(before=m)
    discussed = state.last_discussed(before=m)
    cycle = int(m.settings.get("business_cycle_months", 12))
    cutoff = months_before(m.date, cycle)
    about = by_provider(state)
    open_about = {code: [a for a in xs if a.status == "open"] for code, xs in about.items()}
    summits = {x.provider for x in state.summits.values()}
    earlier = state.earlier(m)
    previous = max((e.date for e in earlier), default=None)
    since = last_meeting(state, m)
    # a local QSG's own providers; another's only where this QSG itself has a record on it
    # (decided on it, or agreed an action on it), or a risk summit is under way (issue 21)
    ours = {e.id for e in earlier if m.qsg is None or e.qsg == m.qsg}
    plan = state.plans.get(m.id)
    planned = set(plan.providers) if plan is not None else set()
    codes = [
        code
        for code in m.proposed
        if own(m, code)
        or code in planned
        or (code in standings and standings[code].meeting in ours)
        or any(a.meeting in ours for a in open_about.get(code, []))
        or code in summits
    ]
    items: list[AgendaProvider] = []
    for code in codes:
        proposed, held = m.proposed[code], standings.get(code)
        found: dict[str, list[str]] = {s: [] for s in SECTIONS}
        if held is not None and held.level.escalation:
            found[EVERY_MEETING].append(
                f"standing {held.level.label} since {held.decided_on} ({held.meeting}): "
                "considered at every meeting until the concerns are addressed"
            )
        if held is not None and _asked(held.level):
            found[FURTHER_INFORMATION].append(
                f"standing {held.level.label} since {held.decided_on} ({held.meeting}): "
                "the information asked for comes back to the next meeting"
            )
        mine = about.get(code, [])
        found[SUMMIT] += summit_lines(state, code, m.date, held, actions=mine)
        found[FURTHER_INFORMATION] += information_lines(
            state, code, m, held, previous, actions=mine
        )
        if held is not None and proposed != held.level:
            found[CHANGED].append(
                f"{_mark(proposed, held.level)} proposed {proposed.label}, standing "
                f"{held.level.label}"
            )
        elif held is None and not proposed.lowest:
            found[CHANGED].append(f"proposed {proposed.label}; no standing level recorded")
        news = new_intelligence(m, code, since)
        if news:
            found[NEW_INTELLIGENCE].append(news)
        if held is not None and held.review_by and held.review_by < m.date.isoformat():
            kept_from = f" (kept from {held.review_by_from})" if held.review_by_from else ""
            found[OVERDUE].append(f"review was due by {held.review_by}{kept_from}")
        for a in open_about.get(code, []):
            # requests and convene actions are said, overdue or not, in their own sections
            if a.due < m.date and a.kind == ActionKind.ACTION:
                found[OVERDUE].append(f"action {a.id} ({a.owner}) was due {a.due.isoformat()}")
        if code in planned:
            assert plan is not None
            found[PLANNED].append(
                f"in the business plan for {m.id} (recorded by {plan.recorded_by})"
            )
        last = discussed.get(code)
        if last is None:
            found[CYCLE].append("never discussed")
        elif last < cutoff:
            found[CYCLE].append(f"last discussed {last.isoformat()}, over {cycle} months before")
        sections = [s for s in SECTIONS if found[s]]
        if not sections:
            continue
        kept = kept_line(held) if held is not None else None
        if held is not None and kept is not None:
            # after the standing level's line, or first when that line is not said
            home = EVERY_MEETING if held.level.escalation else FURTHER_INFORMATION
            if found[home] and not held.level.lowest:
                found[home].insert(1, kept)
            else:
                found[sections[0]].insert(0, kept)
        reasons = tuple(r for s in sections for r in found[s]) + data_lag(m, code)
        name = m.providers.get(code, {}).get("name", code)
        items.append(AgendaProvider(code, name, sections[0], proposed, held, reasons))
    order = {s: i for i, s in enumerate(SECTIONS)}

    def key(item: AgendaProvider) -> tuple[int, int, int, str]:
        standing_rank = -item.standing.level.rank if item.standing else 0
        return (order[item.section], standing_rank, -item.proposed.rank, item.provider)

    return sorted(items, key=key)


def last_meeting(state: State, m: Meeting) -> MeetingHeader | None:
    """The meeting before ``m`` of the same local QSG (of any, for a meeting of all)."""
    earlier = [e for e in state.earlier(m) if m.qsg is None or e.qsg is None or e.qsg == m.qsg]
    return max(earlier, key=lambda e: (e.date, e.seq)) if earlier else None


def data_lag(m: Meeting, code: str) -> tuple[str, ...]:
    """How far the provider's data lag behind the meeting's date in its frozen triage
    ("data to 2019-03, 2 months behind the meeting"; stale: "no data since 2019-03"), from
    the first missing month; nothing when they reach the meeting's month."""
    d = m.data.get(code)
    if d is None:
        return ()
    if d.get("stale"):
        latest = d.get("latest")
        return (f"no data since {latest}" if latest else "no data",)
    lag = d.get("lag_months")
    if not lag:
        return ()
    return (f"data to {d['latest']}, {lag} month{'s' if lag != 1 else ''} behind the meeting",)


def new_intelligence(m: Meeting, code: str, since: MeetingHeader | None) -> str:
    """The soft items counted in ``m``'s frozen triage that were received after the last
    meeting (at a QSG's first meeting, after the month of data it freezes: what the hard
    data cannot yet show), as the agenda names them; "" if none. The guidance asks for time
    at every meeting to share intelligence (chapter 8)."""
    month = month_number(m.as_of)
    if since is not None:
        after = since.date.isoformat()
    elif month is not None:
        after = month_end(month).isoformat()
    else:
        return ""
    items = [i for i in m.intelligence.get(code, ()) if i["received"] > after]
    if not items:
        return ""
    named = "; ".join(
        f"{i['id']} {i['source']}, {i['domain'].replace('_', ' ')}, {i['severity']} "
        f"(received {i['received']})"
        for i in sorted(items, key=lambda i: (i["received"], i["id"]))
    )
    if since is None:
        return f"new intelligence since the data month {m.as_of} (no earlier meeting): {named}"
    return f"new intelligence since {since.id}: {named}"


@dataclass(frozen=True)
class Uncovered:
    provider: str
    name: str
    last_discussed: dt.date | None
    #: what the business plan says of it ("" when the register holds no business plan)
    plan: str = ""


def coverage(
    state: State, providers: Mapping[str, str], *, months: int, on: dt.date
) -> list[Uncovered]:
    """Providers (code -> name) not discussed in the ``months`` before ``on``: never
    discussed first, then the longest ago; with what the business plan says of each when
    the register holds one (the meeting it is planned for, or none)."""
    from .plan import plan_mark

    cutoff = months_before(on, months)
    last = state.last_discussed()
    planning = any(p.meeting not in state.cancelled for p in state.plans.values())
    out = [
        Uncovered(
            code,
            name,
            last.get(code),
            plan_mark(state, code, on=on, discussed=last) if planning else "",
        )
        for code, name in providers.items()
        if last.get(code) is None or last[code] < cutoff
    ]
    return sorted(
        out, key=lambda u: (u.last_discussed is not None, u.last_discussed or on, u.provider)
    )
