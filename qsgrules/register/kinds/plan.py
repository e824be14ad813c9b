"""Records of the business plan: what a meeting of the schedule is to take (guidance,
chapter 5: "a business cycle / plan ... that the QSG considers all providers over a
particular period", and chapter 7: thematic discussions)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from ..state import BusinessPlan
from . import Body

if TYPE_CHECKING:
    from ..state import State
    from ..store import Record


class BusinessPlanned(Body):
    """The providers and themes the business plan brings to one meeting (planned or
    open); the meeting's whole plan: a later one replaces it, an empty one clears it."""

    kind: ClassVar[str] = "business_planned"
    providers: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()

    def apply(self, state: State, r: Record) -> None:
        mid = str(r.meeting)
        if mid not in state.meetings and mid not in state.planned:
            raise ValueError(f"meeting {mid} is neither planned nor open")
        state.plans[mid] = BusinessPlan(
            mid, self.providers, self.themes, r.seq, r.recorded_at, r.recorded_by
        )
