"""The business plan (issue 21, item 4): which providers and themes come to which meeting
of the schedule, so that every provider is considered within the business cycle. The
agenda lists a meeting's planned providers and themes; coverage says, for each provider
not discussed within the cycle, the meeting it is planned for, or that it is in none (and
a plan that passed without the provider being discussed is said as such, never read as
"covered")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import checks
from .kinds.plan import BusinessPlanned
from .lookup import _check_actor, _open_for_changes, meeting_of
from .state import BusinessPlan, State
from .store import NewRecord, Register

__all__ = ["Scheduled", "plan_mark", "plan_of", "schedule", "set_plan"]


@dataclass(frozen=True)
class Scheduled:
    """A meeting of the schedule (planned, open or held; not cancelled) with its plan."""

    id: str
    date: dt.date
    qsg: str | None
    status: str  # "planned", "draft" or "agreed"
    providers: tuple[str, ...]
    themes: tuple[str, ...]


def set_plan(
    reg: Register,
    meeting: str,
    *,
    providers: Sequence[str],
    themes: Sequence[str],
    known: Mapping[str, str],
) -> BusinessPlan:
    """Make ``providers`` (codes of ``known``, the workspace's providers) and ``themes``
    the business plan of ``meeting``, a planned or open meeting (an agreed one is history:
    refused, as is a cancelled or unknown one). Replaces its earlier plan; both are kept."""
    codes: list[str] = []
    for code in providers:
        checks.one_of(
            "providers",
            code,
            sorted(known),
            "provider",
            checks.UNKNOWN_PROVIDER,
            "a provider of the workspace's providers.csv",
        )
        if code not in codes:
            codes.append(code)
    topics: list[str] = []
    for theme in themes:
        said = checks.text("themes", theme, required=True)
        assert said is not None
        if said not in topics:
            topics.append(said)
    _check_actor(reg)

    def build(state: State) -> list[NewRecord]:
        if meeting not in state.planned:
            _open_for_changes(meeting_of(state, meeting))
        earlier = state.plans.get(meeting)
        body = BusinessPlanned(providers=tuple(codes), themes=tuple(topics))
        return [body.record(meeting=meeting, corrects=earlier.seq if earlier else None)]

    reg.write(build)
    return reg.state().plans[meeting]


def plan_of(state: State, meeting: str) -> BusinessPlan | None:
    """The business plan of ``meeting`` (None when it has none, or was cancelled)."""
    if meeting in state.cancelled:
        return None
    return state.plans.get(meeting)


def schedule(state: State, *, qsg: str | None = None) -> list[Scheduled]:
    """Every meeting of the schedule (of local QSG ``qsg`` when given), by date: planned,
    open and agreed, with what its business plan brings to it."""
    out: list[Scheduled] = []
    for p in state.planned.values():
        plan = state.plans.get(p.id)
        out.append(
            Scheduled(
                p.id,
                p.date,
                p.qsg,
                "planned",
                *((plan.providers, plan.themes) if plan else ((), ())),
            )
        )
    for m in state.headers():
        plan = state.plans.get(m.id)
        status = "agreed" if m.agreed else "draft"
        out.append(
            Scheduled(
                m.id, m.date, m.qsg, status, *((plan.providers, plan.themes) if plan else ((), ()))
            )
        )
    chosen = [s for s in out if qsg is None or s.qsg in (None, qsg)]
    return sorted(chosen, key=lambda s: (s.date, s.id))


def plan_mark(state: State, code: str, *, on: dt.date, discussed: Mapping[str, dt.date]) -> str:
    """What the business plan says of provider ``code``, not discussed within the cycle,
    as at ``on``: the next meeting it is planned for, a planned meeting that passed without
    it being discussed, or that no meeting of the schedule takes it."""
    planned = [s for s in schedule(state) if code in s.providers]
    last = discussed.get(code)
    # held: before ``on``, or agreed; a meeting of ``on`` still open may yet discuss it
    held = [s for s in planned if s.status != "planned" and (s.date < on or s.status == "agreed")]
    missed = [s for s in held if last is None or last < s.date]
    ahead = [s for s in planned if s not in held and s.date >= on]
    words: list[str] = []
    if ahead:
        words.append(f"planned for {ahead[0].id} ({ahead[0].date.isoformat()})")
    if missed:
        words.append(f"planned for {missed[-1].id} but not discussed there")
    return "; ".join(words) or "in no meeting of the business plan"
