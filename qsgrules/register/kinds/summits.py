"""Records of risk summits: convened about a provider, then held (who was present, the
outcome, the level after) or withdrawn when a decision lowered the level first."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from ...model.ladder import LevelName
from ..state import Held, Summit
from . import Body

if TYPE_CHECKING:
    from ..state import State
    from ..store import Record


class SummitConvened(Body):
    """A risk summit convened about a provider (the record's provider; its id the record's
    subject): when it is to be held, who is invited (the provider by its code among them),
    and the convene action it answers, if any."""

    kind: ClassVar[str] = "summit_convened"
    date: dt.date
    invited: tuple[str, ...]
    action: str | None = None

    def apply(self, state: State, r: Record) -> None:
        assert r.subject is not None and r.provider is not None
        state.summits[r.subject] = Summit(
            r.subject,
            r.provider,
            self.date,
            self.invited,
            self.action,
            r.seq,
            r.recorded_at,
            r.recorded_by,
        )


class SummitHeld(Body):
    """A risk summit as held: the day, who was present (the provider by its code among
    them), the outcome and the level of surveillance the summit agreed after it."""

    kind: ClassVar[str] = "summit_held"
    date: dt.date
    present: tuple[str, ...]
    outcome: str
    level_after: LevelName

    def apply(self, state: State, r: Record) -> None:
        state.summits[str(r.subject)].held = Held(
            self.date,
            self.present,
            self.outcome,
            self.level_after,
            r.seq,
            r.recorded_at,
            r.recorded_by,
        )


class SummitWithdrawn(Body):
    """A summit convened and no longer required: a decision lowered the level below risk
    summit (``meeting``) before it was held."""

    kind: ClassVar[str] = "summit_withdrawn"
    reason: str
    meeting: str

    def apply(self, state: State, r: Record) -> None:
        state.summits[str(r.subject)].withdrawn = {
            "reason": self.reason,
            "meeting": self.meeting,
            "at": r.recorded_at,
            "by": r.recorded_by,
        }
