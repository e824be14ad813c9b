"""Pages kept between requests: the live page's HTML is made again only when a record that
can change it was added since it was made.

What changed is read from the register itself at each request (the records appended
since the page was made: their kind, meeting and provider), so a write from another
process, or from the command line, is seen exactly as one from this server. A position
stated on one provider at the page's meeting changes that provider's page and the pages
of every provider (the board, the summary), not another provider's page; any other
record changes every page. The chain head, which every record changes, is not kept in the
page: a mark stands in its place and the head of the moment is put in when it is sent.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

#: The kinds of record that change only the page of the provider they are about (and the
#: pages of every provider), when recorded at the page's meeting.
PROVIDER_ONLY = frozenset({"position"})
#: Pages kept per server (a provider's page is some hundreds of kB).
KEPT = 400

#: One change: a record's kind, meeting and provider (``Register.changes_since``).
Change = tuple[str, "str | None", "str | None"]


@dataclass(frozen=True)
class Kept:
    """A page as made: the last record read when it was made, its meeting, its HTML with
    ``Pages.mark`` where the chain head goes."""

    seq: int
    meeting: str | None
    html: str


def still_holds(kept: Kept, provider: str | None, changes: Sequence[Change] | None) -> bool:
    """Whether a page of ``provider`` (None: a page of every provider) made as ``kept``
    says what it would say after ``changes`` (None: they cannot be known)."""
    if changes is None:
        return False
    return all(
        kind in PROVIDER_ONLY
        and meeting is not None
        and meeting == kept.meeting
        and about is not None
        and provider is not None
        and about != provider
        for kind, meeting, about in changes
    )


class Pages:
    """The pages kept, newest used last (thread-safe); at most ``size``."""

    def __init__(self, size: int = KEPT) -> None:
        #: what stands for the chain head in a kept page: no page text can be it
        self.mark = f"qsg-chain-head-{secrets.token_hex(16)}"
        self._size = size
        self._kept: OrderedDict[Hashable, Kept] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Kept | None:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def put(self, key: Hashable, kept: Kept) -> None:
        with self._lock:
            self._kept[key] = kept
            self._kept.move_to_end(key)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)

    def drop(self, key: Hashable) -> None:
        with self._lock:
            self._kept.pop(key, None)

    def sent(self, kept: Kept, head: str) -> str:
        """The page as sent: the chain head of the moment in its place."""
        return kept.html.replace(self.mark, head)
