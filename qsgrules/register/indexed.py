"""The register's state read from its materialised tables (``materialised``): the small
collections (actions, summits, planned and cancelled meetings) whole, every meeting's
header, and a meeting in full only when it is asked for; standing levels, when providers
were last discussed and earlier decisions by indexed queries. What it answers is what the
fold of every record answers (a property test): only the cost differs, which does not
grow with the number of meetings.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Collection, Iterator, MutableMapping
from dataclasses import replace
from typing import Any

from ..model.ladder import Ladder
from .materialised import (
    AMENDMENTS,
    ATTENDANCES,
    DECISION,
    DECISIONS,
    HEAD,
    ITEMS,
    POSITION,
    POSITIONS,
    load_detail,
)
from .state import Decision, Meeting, MeetingHeader, Position, State


class Meetings(MutableMapping[str, Meeting]):
    """The meetings open or agreed, by id: each read in full from the tables the first time
    it is asked for. Its keys and headers are known without reading any meeting."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        heads: dict[str, MeetingHeader],
        actions_of: Callable[[str], list[str]],
    ) -> None:
        self._conn = conn
        self.heads = heads
        self._actions_of = actions_of
        self._full: dict[str, Meeting] = {}
        self._gone: list[str] = []
        #: the stored text of each meeting read (what ``materialised.save`` compares)
        self.baseline: dict[str, dict[str, Any]] = {}

    def __getitem__(self, meeting: str) -> Meeting:
        found = self._full.get(meeting)
        if found is None:
            if meeting not in self.heads:
                raise KeyError(meeting)
            found, self.baseline[meeting] = self._read(meeting)
            self._full[meeting] = found
        return found

    def __setitem__(self, meeting: str, value: Meeting) -> None:
        self._full[meeting] = value
        self.heads[meeting] = value

    def __delitem__(self, meeting: str) -> None:
        del self.heads[meeting]
        self._full.pop(meeting, None)
        self.baseline.pop(meeting, None)
        self._gone.append(meeting)

    def __contains__(self, meeting: object) -> bool:
        return meeting in self.heads

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.heads))

    def __len__(self) -> int:
        return len(self.heads)

    def loaded(self) -> list[Meeting]:
        """The meetings read in full (or made) so far."""
        return list(self._full.values())

    def gone(self) -> list[str]:
        """The meetings removed (cancelled) since read."""
        return list(self._gone)

    def forget_gone(self) -> None:
        self._gone.clear()

    def _read(self, meeting: str) -> tuple[Meeting, dict[str, Any]]:
        """The meeting in full, and the stored text of it and its parts as read (what
        ``materialised.save`` compares: nothing is serialised again to know it)."""
        conn = self._conn
        head, detail = conn.execute(
            "SELECT head, detail FROM state_meetings WHERE id = ?", (meeting,)
        ).fetchone()
        header = HEAD.load(head)
        m = Meeting(**vars(header), **load_detail(detail))
        if m.levels:  # a declared ladder's names are read unplaced: place them on it
            m.proposed = {code: m.ladder.place(lv) for code, lv in m.proposed.items()}
            m.proposed_domains = {
                code: {d: m.ladder.place(lv) for d, lv in levels.items()}
                for code, levels in m.proposed_domains.items()
            }
        rows: dict[str, Any] = {"head": head, "detail": detail, "objects": {}}
        attendance = _texts(conn, "SELECT member, data FROM state_attendance", meeting)
        for a in ATTENDANCES.load(_array(attendance)):
            m.attendance[a.member] = a
        positions = _texts(conn, "SELECT provider, member, data FROM state_positions", meeting)
        for key, p in zip(positions, POSITIONS.load(_array(positions)), strict=True):
            if not p.level.placed:  # compared as placed, as it will be written
                p = replace(p, level=m.ladder.place(p.level))
                positions[key] = POSITION.dump(p)
            m.positions.setdefault(key[0], {})[p.member] = p
        decisions = _texts(conn, "SELECT provider, data FROM state_decisions", meeting)
        for read in DECISIONS.load(_array(decisions)):
            d = placed(read, m.ladder)
            if d is not read:
                decisions[d.provider] = DECISION.dump(d)
            m.decisions[d.provider] = d
        amendments = _texts(conn, "SELECT seq, data FROM state_amendments", meeting)
        m.amendments = AMENDMENTS.load(_array(amendments))
        m.actions = self._actions_of(meeting)
        rows["attendance"] = attendance
        rows["positions"] = positions
        rows["decisions"] = decisions
        rows["amendments"] = amendments
        # the parts that never change in place: the very object read is unchanged
        rows["objects"] = {
            "attendance": dict(m.attendance),
            "positions": {
                (code, who): p for code, held in m.positions.items() for who, p in held.items()
            },
        }
        return m, rows


def with_positions(conn: sqlite3.Connection, m: Meeting, providers: Collection[str]) -> Meeting:
    """A copy of meeting ``m`` with the positions on ``providers`` read again from the
    stored state (``m`` itself is not changed: a page may be showing it)."""
    codes = sorted(set(providers))
    marks = ", ".join("?" * len(codes))
    fresh: dict[str, dict[str, Position]] = {code: {} for code in codes}
    rows = conn.execute(
        f"SELECT provider, data FROM state_positions WHERE meeting = ? AND provider IN ({marks})"
        " ORDER BY seq",
        (m.id, *codes),
    )
    for code, text in rows:
        p = POSITION.load(text)
        if not p.level.placed:
            p = replace(p, level=m.ladder.place(p.level))
        fresh[code][p.member] = p
    positions = {code: held for code, held in m.positions.items() if code not in fresh}
    positions.update({code: held for code, held in fresh.items() if held})
    return replace(m, positions=positions)


def _texts(conn: sqlite3.Connection, select: str, meeting: str) -> dict[Any, str]:
    """The stored text of a meeting's part, by its key (the columns before ``data``), in
    the order recorded."""
    out: dict[Any, str] = {}
    for *key, text in conn.execute(f"{select} WHERE meeting = ? ORDER BY seq", (meeting,)):
        out[key[0] if len(key) == 1 else tuple(key)] = text
    return out


def _array(texts: dict[Any, str]) -> str:
    """Stored texts as one JSON array: read in one call, not one call a row."""
    return "[" + ",".join(texts.values()) + "]"


def placed(d: Decision, ladder: Ladder) -> Decision:
    """``d`` with its levels as rungs of ``ladder`` (its meeting's)."""
    if d.level.placed and d.proposed.placed:
        return d
    return replace(
        d,
        level=ladder.place(d.level),
        proposed=ladder.place(d.proposed),
        domains={k: ladder.place(v) for k, v in d.domains.items()},
    )


class Tracked(dict[str, Any]):
    """A collection of items that notes which items were handed out or replaced since it
    was read or saved (``touched``; None: any may have been, as after iterating over it),
    so that a save serialises those alone. Membership and size hand out no item."""

    touched: set[str] | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.touched = set()

    def _mark(self, key: Any) -> None:
        if self.touched is not None:
            self.touched.add(key)

    def _all(self) -> None:
        self.touched = None

    def __getitem__(self, key: str) -> Any:
        self._mark(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._mark(key)
        return super().get(key, default)

    def __setitem__(self, key: str, value: Any) -> None:
        self._mark(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self._mark(key)
        super().__delitem__(key)

    def pop(self, key: str, *default: Any) -> Any:
        self._mark(key)
        return super().pop(key, *default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        self._mark(key)
        return super().setdefault(key, default)

    def __iter__(self) -> Iterator[str]:
        self._all()
        return super().__iter__()

    def values(self) -> Any:
        self._all()
        return super().values()

    def items(self) -> Any:
        self._all()
        return super().items()

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._all()
        super().update(*args, **kwargs)

    def popitem(self) -> tuple[str, Any]:
        self._all()
        return super().popitem()

    def clear(self) -> None:
        self._all()
        super().clear()


class IndexedState(State):
    """``State`` read from the materialised tables of an open register connection (see the
    module's docstring). Meetings are read on first use through that connection."""

    meetings: Meetings

    def __init__(self, conn: sqlite3.Connection) -> None:
        items: dict[str, dict[str, Any]] = {name: {} for name in ITEMS}
        self.baseline: dict[str, dict[str, str]] = {name: {} for name in ITEMS}
        for collection, key, text in conn.execute(
            "SELECT collection, key, data FROM state_items ORDER BY seq"
        ):
            items[collection][key] = ITEMS[collection].load(text)
            self.baseline[collection][key] = text
        heads = {
            mid: HEAD.load(text)
            for mid, text in conn.execute("SELECT id, head FROM state_meetings ORDER BY seq")
        }
        tracked = {name: Tracked(found) for name, found in items.items()}
        super().__init__(meetings=Meetings(conn, heads, self._actions_of), **tracked)
        self._conn = conn

    def rebind(self, conn: sqlite3.Connection) -> None:
        """Read what is not read yet through ``conn`` (another connection to the same
        register, which holds what this state holds)."""
        self._conn = conn
        self.meetings._conn = conn

    def _placed(self, d: Decision) -> Decision:
        """The decision with its levels on its meeting's ladder (read only for a meeting
        whose ladder is not the 2013 one: those names are read placed)."""
        if d.level.placed and d.proposed.placed:
            return d
        return placed(d, self.meetings[d.meeting].ladder)

    def _actions_of(self, meeting: str) -> list[str]:
        """The actions agreed at a meeting, in order (what the fold lists in the meeting)."""
        # read, not handed out: a save need not serialise every action again
        mine = [a for a in dict.values(self.actions) if a.meeting == meeting]
        return [a.id for a in sorted(mine, key=lambda a: a.seq)]

    @property
    def meeting_baseline(self) -> dict[str, dict[str, Any]]:
        return self.meetings.baseline

    def remember(
        self, items: dict[str, dict[str, str]], meetings: dict[str, dict[str, Any]]
    ) -> None:
        """What is stored now (after ``materialised.save``): the text of every item, and of
        every meeting read."""
        self.baseline = items
        self.meetings.baseline.update(meetings)
        self.meetings.forget_gone()
        for name in ITEMS:
            collection = getattr(self, name)
            if isinstance(collection, Tracked):
                collection.touched = set()

    # ---- what the fold answers, by indexed queries ------------------------------------

    def header(self, meeting: str) -> MeetingHeader | None:
        return self.meetings.heads.get(meeting)

    def headers(self) -> list[MeetingHeader]:
        return list(self.meetings.heads.values())

    def standings(
        self, *, before: MeetingHeader | None = None, on: dt.date | None = None
    ) -> dict[str, Decision]:
        where, args = _before("x.meeting_date", "x.meeting_seq", before)
        if on is not None:
            where, args = f"{where} AND x.decided_on <= ?", (*args, on.isoformat())
        rows = self._conn.execute(
            "SELECT (SELECT x.data FROM state_decisions x WHERE x.provider = p.code"
            f"{where} ORDER BY x.decided_on DESC, x.seq DESC LIMIT 1) FROM state_providers p",
            args,
        )
        out: dict[str, Decision] = {}
        for (text,) in rows:
            if text is not None:
                d = self._placed(DECISION.load(text))
                out[d.provider] = d
        return out

    def last_discussed(self, *, before: MeetingHeader | None = None) -> dict[str, dt.date]:
        where, args = _before("x.date", "x.meeting_seq", before)
        rows = self._conn.execute(
            "SELECT p.code, (SELECT x.date FROM state_discussed x WHERE x.provider = p.code"
            f"{where} ORDER BY x.date DESC LIMIT 1) FROM state_providers p",
            args,
        )
        return {code: dt.date.fromisoformat(day) for code, day in rows if day is not None}

    def decided_after(self, code: str, m: MeetingHeader) -> bool:
        day = m.date.isoformat()
        row = self._conn.execute(
            "SELECT 1 FROM state_decisions WHERE provider = ? AND (meeting_date > ? OR "
            "(meeting_date = ? AND meeting_seq > ?)) LIMIT 1",
            (code, day, day, m.seq),
        ).fetchone()
        return row is not None

    def history(
        self,
        *,
        before: MeetingHeader | None = None,
        providers: Collection[str] | None = None,
        after: dt.date | None = None,
        until: dt.date | None = None,
    ) -> list[Decision]:
        where, args = _before("meeting_date", "meeting_seq", before)
        if after is not None:
            where, args = f"{where} AND meeting_date > ?", (*args, after.isoformat())
        if until is not None:
            where, args = f"{where} AND meeting_date <= ?", (*args, until.isoformat())
        if providers is not None:
            marks = ", ".join("?" * len(providers))
            where += f" AND provider IN ({marks})"
            args = (*args, *providers)
        rows = self._conn.execute(
            f"SELECT data FROM state_decisions WHERE 1{where} "
            "ORDER BY meeting_date DESC, meeting_seq DESC, provider",
            args,
        )
        return [self._placed(DECISION.load(text)) for (text,) in rows]

    def known_providers(self) -> set[str]:
        return self._names("provider")

    def known_organisations(self) -> set[str]:
        return self._names("organisation")

    def _names(self, what: str) -> set[str]:
        rows = self._conn.execute(
            "SELECT DISTINCT name FROM state_meeting_names WHERE what = ?", (what,)
        )
        return {name for (name,) in rows}

    def tallies(self) -> dict[str, tuple[int, int]]:
        rows = self._conn.execute(
            "SELECT m.id, (SELECT count(*) FROM state_attendance a WHERE a.meeting = m.id), "
            "(SELECT count(*) FROM state_decisions d WHERE d.meeting = m.id) "
            "FROM state_meetings m ORDER BY m.seq"
        )
        return {mid: (attending, decided) for mid, attending, decided in rows}


def _before(date: str, seq: str, m: MeetingHeader | None) -> tuple[str, tuple[str | int, ...]]:
    """An SQL condition (`` AND ...``) for rows of meetings held before ``m``, and its
    arguments; none when ``m`` is None."""
    if m is None:
        return "", ()
    day = m.date.isoformat()
    return f" AND ({date} < ? OR ({date} = ? AND {seq} < ?))", (day, day, m.seq)
