"""What a meeting note says, assembled from the register (the renderers in
``qsgrules.reports.note`` only lay it out): header, attendance and quorum, each provider
discussed with its concerns, proposal, positions, conclusion, dissent and actions, and
the amendments made after the note was agreed."""

from __future__ import annotations

from dataclasses import dataclass

from ..model.proposal import Proposal, Triage, read_triage
from .business import matters_arising
from .feedback import feedback_for
from .follow_up import by_provider, summit_lines
from .meetings import meeting_of
from .pack_context import next_meeting
from .state import (
    Action,
    Amendment,
    Attendance,
    Business,
    Decision,
    Feedback,
    Meeting,
    Position,
    State,
)
from .store import Register


@dataclass(frozen=True)
class Quorum:
    rule: str | None  # what the settings ask, in words; None when no quorum is set
    met: bool | None
    detail: str


@dataclass(frozen=True)
class ProviderNote:
    provider: str
    name: str
    local_qsg: str | None
    proposal: Proposal
    positions: tuple[Position, ...]
    decision: Decision | None
    actions: tuple[Action, ...]
    #: quorum at the time of the decision, when its time is recorded and the answer or its
    #: reason differs from the meeting's as a whole (issue 21)
    quorum_then: Quorum | None = None


@dataclass(frozen=True)
class ThemeNote:
    """A thematic item as the note gives it: the theme (its providers or pathway, its
    concerns, the level proposed), the positions on it, the conclusion and its actions."""

    theme: Business
    positions: tuple[Position, ...]
    decision: Decision | None
    actions: tuple[Action, ...]
    quorum_then: Quorum | None = None


@dataclass(frozen=True)
class MeetingNote:
    meeting: Meeting
    triage: Triage
    attendance: tuple[Attendance, ...]
    quorum: Quorum
    providers: tuple[ProviderNote, ...]
    amendments: tuple[Amendment, ...]
    #: provider -> its risk summits as the meeting saw them (to convene, convened, held
    #: since the QSG last decided), and what this meeting's decisions closed or withdrew
    summits: dict[str, tuple[str, ...]]
    # the audit chain's head, printed so that the chain is anchored outside the file: when
    # the meeting was agreed (its agreement record), or now for a draft
    chain: tuple[int, str] | None = None
    #: what the QSG's last meeting decided and agreed to do, as it stands (issue 21)
    arising: tuple[str, ...] = ()
    arising_from: str | None = None
    #: business that is not one provider, in the order recorded
    business: tuple[Business, ...] = ()
    next_meeting: str = ""
    #: the thematic items with their positions, conclusions and actions (by theme id)
    themes: dict[str, ThemeNote] | None = None
    #: the regional QSG's feedback received since the QSG's last meeting
    feedback: tuple[Feedback, ...] = ()

    @property
    def draft(self) -> bool:
        return not self.meeting.locked


def present_at(a: Attendance, at: str) -> bool:
    """Whether attendee ``a`` was in the room at ``at`` (HH:MM): arrived by then (or when
    is not known) and not yet left (one who left at ``at`` was not there)."""
    return (a.start is None or a.start <= at) and (a.end is None or at < a.end)


def quorum(m: Meeting, at: str | None = None) -> Quorum:
    """Whether the organisations present make the meeting quorate (settings.yaml): over the
    meeting, or at ``at`` (HH:MM) from the attendance times."""
    present = sorted(
        {a.organisation for a in m.attendance.values() if at is None or present_at(a, at)}
    )
    rule = m.settings.get("quorum")
    if rule is None:
        return Quorum(None, None, "no quorum is set: settings.yaml `quorum`")
    if isinstance(rule, int):
        return Quorum(
            f"{rule} organisations",
            len(present) >= rule,
            f"{len(present)} organisation(s) present, {rule} required",
        )
    missing = [org for org in rule if org not in present]
    return Quorum(
        f"present: {', '.join(rule)}",
        not missing,
        "every required organisation present" if not missing else f"absent: {', '.join(missing)}",
    )


def _quorum_then(m: Meeting, d: Decision | None) -> Quorum | None:
    if d is None or d.at is None:
        return None
    then = quorum(m, d.at)
    whole = quorum(m)
    return then if (then.met, then.detail) != (whole.met, whole.detail) else None


def meeting_note(reg: Register, meeting: str) -> MeetingNote:
    """Everything the note of a meeting shows, from the register alone."""
    state = reg.state([meeting])
    m = meeting_of(state, meeting)
    triage = read_triage(reg.frozen_triage(m.id))
    by_code = {p.provider: p for p in triage.proposals}
    actions = [state.actions[a] for a in m.actions]
    codes = m.discussed() | {a.provider for a in actions if a.provider}

    def order(code: str) -> tuple[int, str]:
        d = m.decisions.get(code)
        level = d.level if d else m.proposed[code]
        return (-level.rank, code)

    providers = tuple(
        ProviderNote(
            code,
            by_code[code].name,
            m.providers.get(code, {}).get("qsg"),
            by_code[code],
            tuple(sorted(m.positions.get(code, {}).values(), key=lambda p: p.seq)),
            m.decisions.get(code),
            tuple(a for a in actions if a.provider == code),
            _quorum_then(m, m.decisions.get(code)),
        )
        for code in sorted(codes, key=order)
    )
    attendance = tuple(sorted(m.attendance.values(), key=lambda a: (a.start or "", a.seq)))
    chain = reg.agreed_head(m.id) if m.locked else reg.head()
    last, arising = matters_arising(state, m)
    return MeetingNote(
        m,
        triage,
        attendance,
        quorum(m),
        providers,
        tuple(m.amendments),
        _summits(state, m),
        chain,
        tuple(arising),
        last.id if last is not None else None,
        tuple(m.business),
        next_meeting(state, m),
        themes(m, actions),
        tuple(feedback_for(state, m)),
    )


def themes(m: Meeting, actions: list[Action]) -> dict[str, ThemeNote]:
    """Each thematic item of ``m`` with an id, with the positions on it, the chair's
    conclusion (and quorum then, where it differs) and the actions agreed on it."""
    out: dict[str, ThemeNote] = {}
    for b in m.business:
        if b.item != "theme" or b.id is None:
            continue
        d = m.theme_decisions.get(b.id)
        out[b.id] = ThemeNote(
            b,
            tuple(sorted(m.theme_positions.get(b.id, {}).values(), key=lambda p: p.seq)),
            d,
            tuple(a for a in actions if a.theme == b.id),
            _quorum_then(m, d),
        )
    return out


def _summits(state: State, m: Meeting) -> dict[str, tuple[str, ...]]:
    held = state.standings(before=m)
    about = by_provider(state)
    codes = {s.provider for s in state.summits.values()} | set(about)
    out: dict[str, tuple[str, ...]] = {}
    for code in sorted(codes):
        mine = about.get(code, [])
        lines = summit_lines(state, code, m.date, held.get(code), actions=mine)
        lines += [
            f"action {a.id} ({a.text}) closed: {(a.closed or {}).get('note')}"
            for a in mine
            if a.superseded_by == m.id
        ]
        lines += [
            f"risk summit {s.id} withdrawn: {s.withdrawn['reason']}"
            for s in state.summits.values()
            if s.provider == code and s.withdrawn is not None and s.withdrawn["meeting"] == m.id
        ]
        if lines:
            out[code] = tuple(lines)
    return out
