"""Records of the regional QSG's feedback to local QSGs (guidance, chapter 7: "any
relevant recommendations or feedback from the Regional QSG" circulated before a meeting;
Annex D, item 3), received between meetings and carried to the next one."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from ..state import Feedback
from . import Body

if TYPE_CHECKING:
    from ..state import State
    from ..store import Record


class FeedbackReceived(Body):
    """Feedback from the regional QSG, its id the record's subject (``F-001``): where it
    came from and the day of that regional meeting, the day it was received, for which
    local QSG (None: every one), its title, text and handling."""

    kind: ClassVar[str] = "regional_feedback"
    source: str
    received: dt.date
    title: str
    text: str | None = None
    qsg: str | None = None
    held_on: dt.date | None = None
    confidential: bool = False

    def apply(self, state: State, r: Record) -> None:
        assert r.subject is not None
        state.feedback[r.subject] = Feedback(
            id=r.subject,
            source=self.source,
            received=self.received,
            title=self.title,
            text=self.text,
            qsg=self.qsg,
            held_on=self.held_on,
            confidential=self.confidential,
            seq=r.seq,
            recorded_at=r.recorded_at,
            recorded_by=r.recorded_by,
        )
