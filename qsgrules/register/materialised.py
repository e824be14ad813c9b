"""The register's state kept beside its records: what the fold of every record gives
(``qsgrules.register.state``), stored entity by entity in the ``state_*`` tables (schema
step 4) and brought up to date in the same transaction as each record, by the same fold.

A write reads the state it needs (``indexed.load``), applies its new records to it with
the fold (``state.apply``: what each kind of record changes is said once, by its body),
and ``save`` writes back what changed: nothing here says what a record means. The state
is rebuilt from the records by ``rebuild`` when the step is applied, when the fold's
shape or meaning changed (``FOLD``), or when a record was changed or removed outside
qsgrules (a trigger marks it stale); until then readers fold the records themselves.
"""

from __future__ import annotations

import functools
import hashlib
import sqlite3
import typing
from collections.abc import Iterable
from dataclasses import fields
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, TypeAdapter, create_model

from .state import (
    Action,
    Amendment,
    Attendance,
    BusinessPlan,
    Cancelled,
    Decision,
    Feedback,
    Meeting,
    MeetingHeader,
    Planned,
    Position,
    State,
    Summit,
    fold,
)

if TYPE_CHECKING:
    from .indexed import IndexedState
    from .store import Record

T = TypeVar("T")

#: Bumped whenever what the fold gives changes in meaning without changing shape (the shape
#: of every entity is in the fingerprint already): registers are then rebuilt.
FOLD = 1


class Codec(Generic[T]):
    """An entity as the JSON text stored in the state tables, and back."""

    def __init__(self, kind: Any) -> None:
        self._adapter: TypeAdapter[T] = TypeAdapter(kind)

    def dump(self, value: T) -> str:
        return self._adapter.dump_json(value).decode("utf-8")

    def load(self, text: str | bytes) -> T:
        return self._adapter.validate_json(text)


HEAD: Codec[MeetingHeader] = Codec(MeetingHeader)
ATTENDANCE: Codec[Attendance] = Codec(Attendance)
POSITION: Codec[Position] = Codec(Position)
DECISION: Codec[Decision] = Codec(Decision)
AMENDMENT: Codec[Amendment] = Codec(Amendment)
#: A meeting's part read in one call (its rows' texts joined into one JSON array).
ATTENDANCES: Codec[list[Attendance]] = Codec(list[Attendance])
POSITIONS: Codec[list[Position]] = Codec(list[Position])
DECISIONS: Codec[list[Decision]] = Codec(list[Decision])
AMENDMENTS: Codec[list[Amendment]] = Codec(list[Amendment])
#: The parts of a meeting stored in their own tables (``actions``: the actions' own).
PARTS = ("attendance", "positions", "decisions", "actions", "amendments")
#: A meeting's own fields beyond its header (what it froze), stored as one JSON object.
DETAIL = tuple(
    f.name
    for f in fields(Meeting)
    if f.name not in {g.name for g in fields(MeetingHeader)} and f.name not in PARTS
)
_DETAIL: type[BaseModel] = create_model(  # what a meeting froze, as pydantic reads and writes it
    "MeetingDetail",
    **{name: (typing.get_type_hints(Meeting, include_extras=True)[name], ...) for name in DETAIL},  # type: ignore[call-overload]
)
#: The state's collections of small entities, each in ``state_items`` by its key.
ITEMS: dict[str, Codec[Any]] = {
    "actions": Codec(Action),
    "withdrawn": Codec(Action),
    "summits": Codec(Summit),
    "planned": Codec(Planned),
    "cancelled": Codec(Cancelled),
    "feedback": Codec(Feedback),
    "plans": Codec(BusinessPlan),
}


@functools.cache  # the code's own: it does not change while a process runs
def fingerprint() -> str:
    """What the stored state's shape and meaning are: ``FOLD`` and every entity's fields.
    A register whose state was made under another fingerprint is rebuilt."""
    shapes = [
        f"{t.__name__}({','.join(f'{f.name}:{f.type}' for f in fields(t))})"
        for t in (
            MeetingHeader,
            Meeting,
            Attendance,
            Position,
            Decision,
            Amendment,
            Action,
            Summit,
            Planned,
            Cancelled,
            Feedback,
            BusinessPlan,
            State,
        )
    ]
    from .kinds import KINDS

    digest = hashlib.sha256(";".join([*shapes, *sorted(KINDS)]).encode()).hexdigest()
    return f"{FOLD}:{digest[:16]}"


def detail(m: Meeting) -> str:
    """What a meeting froze (its fields beyond the header and the parts), as stored."""
    return _DETAIL.model_construct(**{n: getattr(m, n) for n in DETAIL}).model_dump_json()


def load_detail(text: str) -> dict[str, Any]:
    return dict(_DETAIL.model_validate_json(text))


# ---- freshness -----------------------------------------------------------------------------


def stale(conn: sqlite3.Connection) -> str | None:
    """Why the stored state cannot be read as the records' (None when it can): no state
    tables, records changed or removed outside qsgrules, records it has not folded, or a
    state made by another fold."""
    try:
        meta = dict(conn.execute("SELECT name, value FROM state_meta").fetchall())
    except sqlite3.OperationalError:  # no state tables: an older schema, read only
        return "the register has no stored state"
    if "stale" in meta:
        return str(meta["stale"])
    if meta.get("fold") != fingerprint():
        return "the stored state was made by another version"
    last = conn.execute("SELECT max(seq) FROM records").fetchone()[0] or 0
    if int(meta.get("seq", -1)) != last:
        return "records were added that the stored state does not hold"
    return None


def _mark(conn: sqlite3.Connection) -> None:
    last = conn.execute("SELECT max(seq) FROM records").fetchone()[0] or 0
    conn.executemany(
        "INSERT OR REPLACE INTO state_meta VALUES (?, ?)",
        [("seq", str(last)), ("fold", fingerprint())],
    )


# ---- writing back --------------------------------------------------------------------------


def rebuild(conn: sqlite3.Connection, records: list[Record]) -> None:
    """Replace the stored state by the fold of ``records`` (every record but frozen
    triages, in order), inside the caller's transaction."""
    for table in (
        "state_meetings",
        "state_meeting_names",
        "state_attendance",
        "state_positions",
        "state_decisions",
        "state_amendments",
        "state_discussed",
        "state_providers",
        "state_items",
        "state_meta",
    ):
        conn.execute(f"DELETE FROM {table}")
    state = fold(records)
    _save_items(conn, state, {})
    for m in state.meetings.values():
        _save_meeting(conn, m, None, state)
    _mark(conn)


def save(conn: sqlite3.Connection, state: IndexedState) -> None:
    """Write back what changed in ``state`` since it was read (or last saved), inside the
    caller's transaction, and note the records it now holds."""
    items = _save_items(conn, state, state.baseline)
    meetings = state.meetings
    for mid in meetings.gone():  # cancelled: its records stay, its state no longer counts
        for table, column in _BY_MEETING:
            conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (mid,))
    if meetings.gone():
        conn.execute(
            "DELETE FROM state_providers WHERE code NOT IN (SELECT provider FROM state_discussed)"
        )
    saved = {
        m.id: _save_meeting(conn, m, meetings.baseline.get(m.id), state) for m in meetings.loaded()
    }
    _mark(conn)
    state.remember(items, saved)


#: The tables holding a meeting's state, and the column naming the meeting.
_BY_MEETING = (
    ("state_meetings", "id"),
    ("state_meeting_names", "meeting"),
    ("state_attendance", "meeting"),
    ("state_positions", "meeting"),
    ("state_decisions", "meeting"),
    ("state_amendments", "meeting"),
    ("state_discussed", "meeting"),
)


def _save_items(
    conn: sqlite3.Connection, state: State, baseline: dict[str, dict[str, str]]
) -> dict[str, dict[str, str]]:
    """Write the items that changed; return the stored text of every item. Of a collection
    that notes the items handed out since it was read (``indexed.Tracked``), only those
    are serialised again: no other can have changed."""
    stored: dict[str, dict[str, str]] = {}
    for name, codec in ITEMS.items():
        collection: dict[str, Any] = getattr(state, name)
        before = baseline.get(name, {})
        touched: set[str] | None = getattr(collection, "touched", None)
        if touched is None:
            now = stored[name] = {}
            keys: Iterable[str] = list(dict.keys(collection))
        else:  # the others as they were read: their text is the one stored
            now = stored[name] = {k: v for k, v in before.items() if k in collection}
            keys = [k for k in touched if k in collection]
        rows = []
        for key in keys:
            entity = dict.__getitem__(collection, key)
            text = now[key] = codec.dump(entity)
            if before.get(key) != text:
                rows.append((name, key, entity.seq, text))
        conn.executemany("INSERT OR REPLACE INTO state_items VALUES (?, ?, ?, ?)", rows)
        conn.executemany(
            "DELETE FROM state_items WHERE collection = ? AND key = ?",
            [(name, key) for key in before if key not in collection],
        )
    return stored


def _upsert(
    conn: sqlite3.Connection,
    table: str,
    rows: Iterable[tuple[tuple[Any, ...], tuple[Any, ...], str]],
    before: dict[Any, str] | None,
) -> None:
    """Rows (key, other columns, stored text) of ``table`` whose text differs from what
    was read (every row of a meeting not read before)."""
    changed = [
        (*key, *other, text)
        for key, other, text in rows
        if before is None or before.get(key) != text
    ]
    if changed:
        marks = ", ".join("?" * len(changed[0]))
        conn.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({marks})", changed)


def meeting_rows(m: Meeting, before: dict[str, Any] | None = None) -> dict[str, Any]:
    """The stored text of a meeting and of each part of it, by key (what ``save`` compares
    to know what changed), and the entities of its parts that never change in place
    (``objects``: attendance and positions, frozen and of immutable fields): an entity that
    is the very object ``before`` holds keeps the text ``before`` gives, unserialised."""
    known: dict[str, dict[Any, Any]] = (before or {}).get("objects", {})

    def text(part: str, key: Any, entity: Any, codec: Codec[Any]) -> str:
        if before is not None and known.get(part, {}).get(key) is entity:
            return str(before[part][key])
        return codec.dump(entity)

    positions = {(code, who): p for code, held in m.positions.items() for who, p in held.items()}
    return {
        "head": HEAD.dump(m.header()),
        "detail": detail(m),
        "attendance": {
            who: text("attendance", who, a, ATTENDANCE) for who, a in m.attendance.items()
        },
        "positions": {key: text("positions", key, p, POSITION) for key, p in positions.items()},
        "decisions": {code: DECISION.dump(d) for code, d in m.decisions.items()},
        "amendments": {a.seq: AMENDMENT.dump(a) for a in m.amendments},
        "objects": {"attendance": dict(m.attendance), "positions": positions},
    }


def _save_meeting(
    conn: sqlite3.Connection, m: Meeting, before: dict[str, Any] | None, state: State
) -> dict[str, Any]:
    """Write what changed in a meeting; return the stored text of it and its parts."""
    now = meeting_rows(m, before)
    if before is None or (before["head"], before["detail"]) != (now["head"], now["detail"]):
        conn.execute(
            "INSERT OR REPLACE INTO state_meetings VALUES (?, ?, ?, ?, ?)",
            (m.id, m.date.isoformat(), m.seq, now["head"], now["detail"]),
        )
    if before is None:
        conn.executemany(
            "INSERT OR IGNORE INTO state_meeting_names VALUES (?, ?, ?)",
            [("provider", code, m.id) for code in m.proposed]
            + [("organisation", org, m.id) for org in m.members],
        )
    part = (lambda name: before[name]) if before is not None else (lambda name: None)
    _upsert(
        conn,
        "state_attendance",
        (((m.id, who), (a.seq,), now["attendance"][who]) for who, a in m.attendance.items()),
        _keyed(part("attendance"), m.id),
    )
    _upsert(
        conn,
        "state_positions",
        (
            ((m.id, code, who), (p.seq,), now["positions"][(code, who)])
            for code, held in m.positions.items()
            for who, p in held.items()
        ),
        _keyed(part("positions"), m.id),
    )
    _upsert(
        conn,
        "state_decisions",
        (
            (
                (m.id, code),
                (m.date.isoformat(), m.seq, d.decided_on.isoformat(), d.seq),
                now["decisions"][code],
            )
            for code, d in m.decisions.items()
        ),
        _keyed(part("decisions"), m.id),
    )
    _upsert(
        conn,
        "state_amendments",
        (((m.id, a.seq), (), now["amendments"][a.seq]) for a in m.amendments),
        _keyed(part("amendments"), m.id),
    )
    discussed = m.discussed() | {
        a.provider for a in dict.values(state.actions) if a.meeting == m.id and a.provider
    }
    conn.executemany(
        "INSERT OR IGNORE INTO state_discussed VALUES (?, ?, ?, ?)",
        [(code, m.id, m.date.isoformat(), m.seq) for code in discussed],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO state_providers VALUES (?)", [(code,) for code in discussed]
    )
    return now


def _keyed(before: dict[Any, str] | None, meeting: str) -> dict[Any, str] | None:
    """A meeting's part as read, keyed as its rows are (the meeting's id first)."""
    if before is None:
        return None
    return {(meeting, *(k if isinstance(k, tuple) else (k,))): v for k, v in before.items()}


def difference(stored: IndexedState, folded: State) -> str | None:
    """The first thing the stored state says otherwise than the fold of the records (every
    meeting read), or None."""
    for name in ITEMS:
        mine, theirs = getattr(stored, name), getattr(folded, name)
        for key in sorted(set(mine) | set(theirs)):
            if mine.get(key) != theirs.get(key):
                return f"{name} {key}"
    if set(stored.meetings) != set(folded.meetings):
        return f"meetings {', '.join(sorted(set(stored.meetings) ^ set(folded.meetings)))}"
    for mid in folded.meetings:
        if stored.meetings[mid] != folded.meetings[mid]:
            return f"meeting {mid}"
    if stored.standings() != folded.standings():
        return "standing levels"
    if stored.last_discussed() != folded.last_discussed():
        return "when providers were last discussed"
    return None
