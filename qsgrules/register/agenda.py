"""What a meeting must discuss (the agenda) and who has gone undiscussed (coverage)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..model.vocabulary import Level
from .follow_up import information_lines, kept_line, summit_lines
from .meetings import meeting_of
from .state import ActionKind, Decision, Meeting, State, fold
from .store import Register

EVERY_MEETING = "every meeting"
SUMMIT = "risk summit"
FURTHER_INFORMATION = "further information requested"
CHANGED = "proposal differs from standing"
OVERDUE = "overdue"
CYCLE = "business cycle"
#: The agenda's sections, in order (guidance, chapters 7 and 9).
SECTIONS = (EVERY_MEETING, SUMMIT, FURTHER_INFORMATION, CHANGED, OVERDUE, CYCLE)


@dataclass(frozen=True)
class AgendaItem:
    provider: str
    name: str
    section: str
    proposed: Level
    standing: Decision | None
    reasons: tuple[str, ...] = field(default=())


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (clamped to the month's end)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def _mark(proposed: Level, standing: Level) -> str:
    return "↑" if proposed > standing else "↓"


def agenda(reg: Register, meeting: str) -> list[AgendaItem]:
    """The providers a meeting must discuss, in order: those at risk summit or regular
    review (every meeting), those with a risk summit to convene, convened or held since
    the QSG last decided, those at further information required or with information asked
    (what, of whom, and whether it arrived), those whose new proposal differs from their
    standing level, those with an overdue review date or overdue open actions, then those
    not discussed within the business cycle. Each appears once, with every reason that
    applies."""
    state = fold(reg.records())
    return agenda_of(state, meeting_of(state, meeting))


def agenda_of(state: State, m: Meeting) -> list[AgendaItem]:
    """The agenda of meeting ``m`` from the register's folded records (see ``agenda``)."""
    standings = state.standings(before=m)
    discussed = state.last_discussed(before=m)
    cycle = int(m.settings.get("business_cycle_months", 12))
    cutoff = months_before(m.date, cycle)
    open_actions = [a for a in state.actions.values() if a.status == "open"]
    earlier = state.earlier(m)
    previous = max((e.date for e in earlier), default=None)
    codes = [
        code
        for code in m.proposed
        if m.qsg is None
        or m.providers.get(code, {}).get("qsg") == m.qsg
        or code in standings
        or any(a.provider == code for a in open_actions)
        or any(x.provider == code for x in state.summits.values())
    ]
    items: list[AgendaItem] = []
    for code in codes:
        proposed, held = m.proposed[code], standings.get(code)
        found: dict[str, list[str]] = {s: [] for s in SECTIONS}
        if held is not None and held.level >= Level.REGULAR_REVIEW:
            found[EVERY_MEETING].append(
                f"standing {held.level.label} since {held.decided_on} ({held.meeting}): "
                "considered at every meeting until the concerns are addressed"
            )
        if held is not None and held.level == Level.FURTHER_INFORMATION:
            found[FURTHER_INFORMATION].append(
                f"standing {held.level.label} since {held.decided_on} ({held.meeting}): "
                "the information asked for comes back to the next meeting"
            )
        found[SUMMIT] += summit_lines(state, code, m.date, held)
        found[FURTHER_INFORMATION] += information_lines(state, code, m, held, previous)
        if held is not None and proposed != held.level:
            found[CHANGED].append(
                f"{_mark(proposed, held.level)} proposed {proposed.label}, standing "
                f"{held.level.label}"
            )
        elif held is None and proposed > Level.NO_CONCERNS:
            found[CHANGED].append(f"proposed {proposed.label}; no standing level recorded")
        if held is not None and held.review_by and held.review_by < m.date.isoformat():
            kept_from = f" (kept from {held.review_by_from})" if held.review_by_from else ""
            found[OVERDUE].append(f"review was due by {held.review_by}{kept_from}")
        for a in open_actions:
            # requests and convene actions are said, overdue or not, in their own sections
            if a.provider == code and a.due < m.date and a.kind == ActionKind.ACTION:
                found[OVERDUE].append(f"action {a.id} ({a.owner}) was due {a.due.isoformat()}")
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
            home = EVERY_MEETING if held.level >= Level.REGULAR_REVIEW else FURTHER_INFORMATION
            if found[home] and held.level >= Level.FURTHER_INFORMATION:
                found[home].insert(1, kept)
            else:
                found[sections[0]].insert(0, kept)
        reasons = tuple(r for s in sections for r in found[s])
        name = m.providers.get(code, {}).get("name", code)
        items.append(AgendaItem(code, name, sections[0], proposed, held, reasons))
    order = {s: i for i, s in enumerate(SECTIONS)}

    def key(item: AgendaItem) -> tuple[int, int, int, str]:
        standing_rank = -item.standing.level.rank if item.standing else 0
        return (order[item.section], standing_rank, -item.proposed.rank, item.provider)

    return sorted(items, key=key)


@dataclass(frozen=True)
class Uncovered:
    provider: str
    name: str
    last_discussed: dt.date | None


def coverage(
    state: State, providers: Mapping[str, str], *, months: int, on: dt.date
) -> list[Uncovered]:
    """Providers (code -> name) not discussed in the ``months`` before ``on``: never
    discussed first, then the longest ago."""
    cutoff = months_before(on, months)
    last = state.last_discussed()
    out = [
        Uncovered(code, name, last.get(code))
        for code, name in providers.items()
        if last.get(code) is None or last[code] < cutoff
    ]
    return sorted(
        out, key=lambda u: (u.last_discussed is not None, u.last_discussed or on, u.provider)
    )
