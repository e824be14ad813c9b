"""Records of a meeting's business that is not one provider (guidance, chapter 7 and
Annex D): the regional QSG's feedback, thematic items over a group of providers or a
pathway, members' written reports, any other business, and the end-of-meeting review of
effectiveness."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from ...model.ladder import LevelName, on_ladder
from ..state import Business, ReportFile
from . import Body

if TYPE_CHECKING:
    from ..state import State
    from ..store import Record

#: The kinds of business, in the order a note and an agenda give them.
BusinessKind = Literal["regional_feedback", "report", "theme", "aob", "review"]


class BusinessRecorded(Body):
    """One item of business at a meeting: its kind, title and text; a theme's providers,
    concerns, proposed level and outcome (its id the record's subject: its positions,
    conclusion and actions name it); a report's author organisation, handling
    (confidential or open) and file."""

    kind: ClassVar[str] = "business"
    item: BusinessKind
    title: str
    text: str | None = None
    providers: tuple[str, ...] = ()
    outcome: str | None = None
    author: str | None = None
    confidential: bool = False
    # a theme's concerns and proposed level (issue 21); absent in registers before them
    concerns: tuple[str, ...] = ()
    level: LevelName | None = None
    file: ReportFile | None = None

    def apply(self, state: State, r: Record) -> None:
        m = state.meetings[str(r.meeting)]
        m.business.append(
            Business(
                self.item,
                self.title,
                self.text,
                self.providers,
                self.outcome,
                self.author,
                self.confidential,
                r.seq,
                r.recorded_by,
                r.subject,
                self.concerns,
                on_ladder(m.ladder, self.level) if self.level is not None else None,
                self.file,
            )
        )
