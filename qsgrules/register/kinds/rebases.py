"""Records of rebases: from a month on, a provider's indicator is a new process
(``qsgrules.register.rebases`` records them; every triage made with the register reads
them, by kind, and starts the series again there)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from . import Body

if TYPE_CHECKING:
    from ..state import State
    from ..store import Record


class RebaseBody(Body):
    """A rebase the QSG decided at a meeting: from ``starts`` (YYYY-MM) the provider's
    ``indicator`` is a new process. Its provider, meeting and who recorded it are the
    record's own columns."""

    kind: ClassVar[str] = "rebase"
    indicator: str
    starts: str
    reason: str

    def apply(self, state: State, r: Record) -> None:
        """Nothing in the meetings, actions or summits: the triage reads rebases by kind."""
