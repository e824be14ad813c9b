"""What a meeting note says, assembled from the register (the renderers in
``qsgrules.reports.note`` only lay it out): header, attendance and quorum, each provider
discussed with its concerns, proposal, positions, conclusion, dissent and actions, and
the amendments made after the note was agreed."""

from __future__ import annotations

from dataclasses import dataclass

from ..model.proposal import Proposal, Triage
from .meetings import meeting_of
from .state import Action, Amendment, Attendance, Decision, Meeting, Position, fold
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


@dataclass(frozen=True)
class MeetingNote:
    meeting: Meeting
    triage: Triage
    attendance: tuple[Attendance, ...]
    quorum: Quorum
    providers: tuple[ProviderNote, ...]
    amendments: tuple[Amendment, ...]

    @property
    def draft(self) -> bool:
        return not self.meeting.locked


def quorum(m: Meeting) -> Quorum:
    """Whether the organisations present make the meeting quorate (settings.yaml)."""
    present = sorted({a.organisation for a in m.attendance.values()})
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


def meeting_note(reg: Register, meeting: str) -> MeetingNote:
    """Everything the note of a meeting shows, from the register alone."""
    state = fold(reg.records())
    m = meeting_of(state, meeting)
    triage = Triage.model_validate_json(reg.frozen_triage(m.id))
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
        )
        for code in sorted(codes, key=order)
    )
    attendance = tuple(sorted(m.attendance.values(), key=lambda a: (a.start or "", a.seq)))
    return MeetingNote(m, triage, attendance, quorum(m), providers, tuple(m.amendments))
