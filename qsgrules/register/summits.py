"""Risk summits as records: convened (the date, the organisations invited, the provider by
its code among them) and then held (who was present, the outcome, the level of
surveillance agreed after it), or withdrawn when a decision lowers the level first.

A decision of risk summit opens one action to convene it (never a second while one is
open or a summit is pending); convening closes that action; actions agreed at the summit
are actions with ``--summit``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from ..model.ladder import DEFAULT_LADDER
from . import checks
from .decisions import open_convene_actions, pending_summits
from .kinds.actions import ActionClosed
from .kinds.summits import SummitConvened, SummitHeld
from .lookup import _check_actor
from .state import State, Summit
from .store import NewRecord, Register


def next_summit_id(state: State) -> str:
    numbers = [int(s.split("-")[1]) for s in state.summits if s.split("-")[-1].isdigit()]
    return f"S-{max(numbers, default=0) + 1:03d}"


def _summit(state: State, summit_id: str, argument: str = "summit_id") -> Summit:
    found = state.summits.get(summit_id)
    if found is None:
        hint = "see `qsg summit list`" if state.summits else "no summit is recorded yet"
        checks.one_of(
            argument, summit_id, sorted(state.summits), "summit", checks.UNKNOWN_SUMMIT, hint
        )
        raise AssertionError  # pragma: no cover
    return found


def held_summit(state: State, summit_id: str, *, argument: str = "summit_id") -> Summit:
    """A summit that was held (actions are agreed at a summit held)."""
    s = _summit(state, summit_id, argument)
    if s.held is None:
        raise checks.refuse(
            argument,
            f"summit {s.id} is {s.status}, not held: record it held first "
            f"(qsg summit held {s.id} ...)",
            checks.SUMMIT_STATE,
        )
    return s


def _known_provider(state: State, provider: str) -> str:
    known = state.known_providers()
    return checks.one_of(
        "provider",
        provider,
        sorted(known),
        "provider",
        checks.UNKNOWN_PROVIDER,
        "no meeting in this register froze a triage with it",
    )


def _organisations(
    state: State, argument: str, names: Iterable[str], provider: str
) -> tuple[str, ...]:
    """Member organisations (of any meeting) or the provider's own code; each once, in the
    order given; at least one."""
    known = sorted(state.known_organisations() | {provider})
    out: list[str] = []
    for name in names:
        text = str(checks.name(argument, name))
        checks.one_of(
            argument,
            text,
            known,
            "organisation",
            checks.UNKNOWN_ORGANISATION,
            f"a member organisation, or the provider by its code ({provider})",
        )
        if text not in out:
            out.append(text)
    if not out:
        raise checks.refuse(argument, "name at least one organisation", checks.TEXT_REQUIRED)
    return tuple(out)


def convene_summit(
    reg: Register, provider: str, *, date: str | dt.date, invited: Sequence[str]
) -> Summit:
    """Record a risk summit convened for ``provider`` on ``date`` with the organisations
    invited (member organisations; the provider by its code). It closes the provider's open
    action to convene one. Refused: a summit already pending for the provider; a date
    before the meeting that decided the summit."""
    day = checks.date("date", date)
    _check_actor(reg)

    def build(state: State) -> list[NewRecord]:
        code = _known_provider(state, provider)
        pending = pending_summits(state, code)
        if pending:
            s = pending[0]
            raise checks.refuse(
                "provider",
                f"a risk summit for {code} is already convened ({s.id}, for "
                f"{s.date.isoformat()}): record it held (qsg summit held {s.id} ...)",
                checks.SUMMIT_PENDING,
            )
        orgs = _organisations(state, "invite", invited, code)
        actions = open_convene_actions(state, code)
        summit_id = next_summit_id(state)
        for a in actions:
            if a.since is not None:
                checks.not_before(
                    "date", day, a.since, f"the decision that called for it ({a.meeting})"
                )
        body = SummitConvened(date=day, invited=orgs, action=actions[0].id if actions else None)
        today = reg.today()
        out = [body.record(provider=code, subject=summit_id)]
        out += [
            ActionClosed(
                note=f"convened as {summit_id} for {day.isoformat()}",
                # convened by the summit's day at the latest, never before it was agreed
                on=max(a.since or today, min(today, day)),
            ).record(meeting=a.meeting, provider=a.provider, subject=a.id, corrects=a.seq)
            for a in actions
        ]
        return out

    stored = reg.write(build)
    return reg.state().summits[str(stored[0].subject)]


def hold_summit(
    reg: Register,
    summit_id: str,
    *,
    present: Sequence[str],
    outcome: str,
    level_after: str,
    date: str | dt.date | None = None,
) -> Summit:
    """Record a convened summit as held: on ``date`` (default the date it was convened
    for; never after today), who was present (the provider by its code among them), the
    outcome and the level of surveillance agreed after it. The level after is the
    summit's; the provider's standing level stays the QSG's last decision, and the next
    agenda asks the QSG to consider it."""
    what = checks.text("outcome", outcome, required=True)
    assert what is not None
    after = checks.level("level_after", level_after)
    given = checks.date("date", date) if date is not None else None
    _check_actor(reg)

    def build(state: State) -> list[NewRecord]:
        s = _summit(state, summit_id)
        if s.held is not None:
            raise checks.refuse(
                "summit_id",
                f"summit {s.id} was recorded held on {s.held.date.isoformat()}",
                checks.SUMMIT_STATE,
            )
        if s.withdrawn is not None:
            raise checks.refuse(
                "summit_id",
                f"summit {s.id} was withdrawn: {s.withdrawn['reason']}",
                checks.SUMMIT_STATE,
            )
        day = given or s.date
        checks.not_after_today("date", day, reg.today(), "a summit")
        since = state.actions.get(s.action or "")
        if since is not None and since.since is not None:
            checks.not_before(
                "date", day, since.since, f"the decision that called for it ({since.meeting})"
            )
        orgs = _organisations(state, "present", present, s.provider)
        # the summit's level is on the ladder of the latest meeting (the QSG's ladder)
        latest = max(state.meetings.values(), key=lambda m: (m.date, m.seq), default=None)
        ladder = latest.ladder if latest is not None else DEFAULT_LADDER
        placed = checks.on_ladder("level_after", after, ladder)
        body = SummitHeld(date=day, present=orgs, outcome=what, level_after=placed)
        return [body.record(provider=s.provider, subject=s.id, corrects=s.seq)]

    reg.write(build)
    return reg.state().summits[summit_id]


def summits_of(state: State, code: str) -> list[Summit]:
    """A provider's summits, oldest first."""
    return sorted((s for s in state.summits.values() if s.provider == code), key=lambda s: s.seq)


def list_summits(reg: Register, *, provider: str | None = None) -> list[Summit]:
    """Every summit (one provider's), in the order convened."""
    state = reg.state()
    if provider is not None:
        _known_provider(state, provider)
    return sorted(
        (s for s in state.summits.values() if provider in (None, s.provider)), key=lambda s: s.seq
    )
