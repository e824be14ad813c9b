"""What the page does for the room: the board's search and filters, the order a meeting
moves through its providers, and the display mode (large type for a projector).

All of it is read from the request's query string or a cookie and applied on the server:
every function works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from ..model.ladder import DEFAULT_LADDER
from ..model.proposal import Proposal

#: The cookie that keeps the display mode ("projector" or absent).
DISPLAY_COOKIE = "qsg_display"
_LONGEST = 200  # characters of a search taken (a code or a name)


@dataclass(frozen=True)
class BoardQuery:
    """The board's search (a code or part of a name) and filters, as the form sent them."""

    text: str = ""
    level: str = ""
    qsg: str = ""
    agenda: bool = False

    @classmethod
    def from_args(
        cls, args: Mapping[str, str], levels: Collection[str] = DEFAULT_LADDER.ids
    ) -> BoardQuery:
        level = args.get("level", "")
        return cls(
            text=" ".join(args.get("q", "")[:_LONGEST].split()),
            # a level of the page's ladder (its triage's), or none: an unknown one filters
            # nothing out
            level=level if level in levels else "",
            qsg=args.get("qsg", "")[:_LONGEST],
            agenda=args.get("agenda", "") == "1",
        )

    @property
    def active(self) -> bool:
        return bool(self.text or self.level or self.qsg or self.agenda)

    def exact(self, proposals: Sequence[Proposal]) -> str | None:
        """The provider whose code the search is, exactly (case aside), when there is one."""
        wanted = self.text.casefold()
        found = [p.provider for p in proposals if p.provider.casefold() == wanted]
        return found[0] if len(found) == 1 else None

    def matches(
        self,
        proposals: Sequence[Proposal],
        qsg_of: Mapping[str, str],
        on_agenda: Sequence[str],
    ) -> frozenset[str]:
        """The codes of the providers the board shows."""
        wanted = self.text.casefold()
        agenda = set(on_agenda)
        return frozenset(
            p.provider
            for p in proposals
            if (not wanted or wanted in p.provider.casefold() or wanted in p.name.casefold())
            and (not self.level or p.level.value == self.level)
            and (not self.qsg or qsg_of.get(p.provider, "") == self.qsg)
            and (not self.agenda or p.provider in agenda)
        )


def neighbours(order: Sequence[str], code: str) -> tuple[str | None, str | None]:
    """The providers before and after ``code`` in the meeting's order."""
    if code not in order:
        return None, None
    here = order.index(code)
    return (
        order[here - 1] if here > 0 else None,
        order[here + 1] if here < len(order) - 1 else None,
    )


def safe_next(path: str) -> str:
    """A path on this page to go back to after changing the display ("/" unless it is one):
    never another site's address."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path or len(path) > 500:
        return "/"
    return path
