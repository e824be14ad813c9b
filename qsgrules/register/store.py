"""The register file: SQLite in WAL mode, append-only records in a SHA-256 hash chain.

Every write is one ``BEGIN IMMEDIATE`` transaction that reads what it must check, checks it,
and appends its records, so that two processes never interleave and a refusal writes
nothing. A record is never updated or deleted: a correction is a new record whose
``corrects`` names the record it corrects.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import hashlib
import hmac
import json
import os
import re
import sqlite3
import stat
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..codes import Code
from ..errors import InputError, Problem
from ..model.standing import Standing
from ..workspace.clock import today as system_today
from ..writing import check_target
from . import materialised
from .indexed import IndexedState, with_positions
from .kinds import KINDS
from .schema import MIGRATIONS, SCHEMA_VERSION, STATE_SINCE
from .state import FROZEN, Meeting, State, apply, fold

GENESIS = "0" * 64
Clock = Callable[[], dt.datetime]
#: What the register takes as today's date (dates after it are in the future).
Today = Callable[[], dt.date]
_COLUMNS = "seq, kind, meeting, provider, subject, corrects, recorded_at, recorded_by, body"


@dataclass(frozen=True)
class NewRecord:
    """A record to append: its kind, what it is about, and its body (plain JSON data)."""

    kind: str
    body: dict[str, Any]
    meeting: str | None = None
    provider: str | None = None
    subject: str | None = None
    corrects: int | None = None


@dataclass(frozen=True)
class Record:
    """A record as stored, with who recorded it and when (UTC, ISO 8601)."""

    seq: int
    kind: str
    meeting: str | None
    provider: str | None
    subject: str | None
    corrects: int | None
    recorded_at: str
    recorded_by: str
    body: dict[str, Any]

    def label(self) -> str:
        about = ", ".join(x for x in (self.kind, self.meeting, self.subject, self.provider) if x)
        return f"record {self.seq} ({about})"


@dataclass(frozen=True)
class Verification:
    """What ``audit verify`` found: records checked, and the first that does not match."""

    checked: int
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


NOT_A_REGISTER = Code.NOT_A_REGISTER


def _problem(message: str, code: str = NOT_A_REGISTER) -> InputError:
    return InputError([Problem.for_argument("register", message, code=code)])


def present(path: str | Path) -> bool:
    """Whether there is a register at ``path`` to read: False when nothing is there; an
    InputError when something that is not a file is (a folder is never read as "no
    register", which would show no standing levels without a word), or when the path is a
    broken symbolic link or a loop of links."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        if p.is_symlink():
            raise _problem(
                f"{p} is a broken symbolic link; point it at the register or remove it"
            ) from None
        return False
    except OSError as exc:  # a loop of symbolic links, a folder that cannot be searched
        raise _problem(f"cannot open {p}: {exc.strerror or exc}") from None
    if stat.S_ISREG(st.st_mode):
        return True
    raise _problem(f"{p} is not a register file (it is a folder or a device); move it away")


def canonical(data: Any) -> str:
    """JSON with sorted keys and no spaces: the form bodies are stored and hashed in."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record_hash(row: Sequence[Any], prev_hash: str) -> str:
    """SHA-256 of a record's stored columns (``_COLUMNS`` order) and its predecessor's hash."""
    return hashlib.sha256(canonical([*row, prev_hash]).encode("utf-8")).hexdigest()


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def default_actor() -> str:
    """Who records, when not said: the operating-system user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name (a container without a passwd entry)
        return "unknown"


class Kept:
    """A register's state carried from one ``Register`` to the next in one process (a
    server's writes, each through a register opened for it): a write starts from it, not
    from reading the stored state again, when the register's last record is still the one
    it was kept at (nothing was recorded since, by anyone). One register at a time holds
    it: what a write returns (a meeting read from the state) must not be used once the
    register is closed while another may be writing."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: IndexedState | None = None
        self._head: tuple[int, str] | None = None

    def take(self, head: tuple[int, str] | None) -> IndexedState | None:
        """The state kept at ``head`` (the last record's number and hash), or None; it is
        no longer kept."""
        with self._lock:
            found, at = self._state, self._head
            self._state = self._head = None
        return found if found is not None and at is not None and at == head else None

    def give(self, state: IndexedState, head: tuple[int, str] | None) -> None:
        with self._lock:
            self._state, self._head = state, head


class Register:
    """One register file. ``create`` makes it (and migrates it) when it does not exist;
    otherwise it must exist. ``readonly`` never writes, not even a migration.
    """

    #: where the state a write leaves is kept for the next register opened with it
    kept: Kept | None = None
    _state: State | None = None

    def __init__(
        self,
        path: str | Path,
        *,
        create: bool = False,
        readonly: bool = False,
        clock: Clock | None = None,
        actor: str | None = None,
        today: Today | None = None,
        kept: Kept | None = None,
    ) -> None:
        self.path = Path(path)
        self.kept = kept
        self.clock = clock or _utc_now
        #: today's date for the checks of what is recorded (default: ``QSG_TODAY`` or the
        #: system's date), apart from ``clock``, which stamps when each record was written
        self.today: Today = today or system_today
        self.actor = actor if actor is not None else default_actor()
        self.readonly = readonly
        #: the state this object last wrote, and the last record it holds (``state``)
        self._state: State | None = None
        self._state_seq: int | None = None
        if not present(self.path):
            if not create or readonly:
                raise _problem(f"no register at {self.path}; `qsg meeting open` starts one")
            if not self.path.parent.is_dir():
                raise _problem(f"cannot create {self.path}: no folder {self.path.parent}")
            check_target(self.path, "register")  # never created through a link
        writable = not readonly and (not self.path.exists() or os.access(self.path, os.W_OK))
        mode = "rwc" if create and writable else ("rw" if writable else "ro")
        empty = not self.path.exists() or self.path.stat().st_size == 0
        uri = self.path.resolve().as_uri()
        try:
            # nothing is written before the file is known to be a register (or new): a
            # foreign database is never switched to WAL mode before it is refused
            self._conn = _connect(f"{uri}?mode={mode}")
            version, tables = self._look()
        except sqlite3.DatabaseError as exc:
            if mode != "ro" or not _cannot_open(exc):
                raise _fault(self.path, exc, "open") from None
            # a register on read-only media: WAL needs a -shm file it cannot make there;
            # read as immutable (nothing else can change it there either)
            try:
                self._conn = _connect(f"{uri}?mode=ro&immutable=1")
                version, tables = self._look()
            except sqlite3.DatabaseError as again:
                raise _fault(self.path, again, "open") from None
        if version > SCHEMA_VERSION:
            self.close()
            raise _problem(
                f"{self.path} has schema version {version}, made by a newer qsgrules "
                f"(this one knows up to {SCHEMA_VERSION}); upgrade qsgrules"
            )
        if version == 0 and tables:
            self.close()
            raise _problem(
                f"{self.path} is an SQLite database but not a qsgrules register; nothing was "
                "written to it"
            )
        if version == 0 and not (create and writable and empty):
            self.close()
            raise _problem(f"{self.path} is empty: not a register")
        if writable:
            with self._faults("open"):
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = FULL")  # a decision once told is kept
                if version < SCHEMA_VERSION:
                    self.migrate()

    def _look(self) -> tuple[int, bool]:
        """(user_version, whether it holds any table): reading only."""
        version = int(self._conn.execute("PRAGMA user_version").fetchone()[0])
        return version, self._has_tables()

    @contextlib.contextmanager
    def _faults(self, doing: str) -> Iterator[None]:
        """SQLite's errors as problems that say what happened and what to do."""
        try:
            yield
        except sqlite3.Error as exc:
            raise _fault(self.path, exc, doing) from None

    def _has_tables(self) -> bool:
        row = self._conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return bool(row[0])

    @property
    def version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, up_to: int = SCHEMA_VERSION) -> None:
        """Apply the migrations the file lacks, each with its version bump in one transaction."""
        while (version := self.version) < up_to:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                if self.version == version:  # another process may have migrated meanwhile
                    for statement in MIGRATIONS[version]:
                        self._conn.execute(statement)
                    if version + 1 >= 2:
                        self._conn.execute(
                            "INSERT OR REPLACE INTO schema_history VALUES (?, ?)",
                            (version + 1, self._now()),
                        )
                    if version + 1 == STATE_SINCE:  # the state as the records give it
                        materialised.rebuild(self._conn, self.records())
                    self._conn.execute(f"PRAGMA user_version = {version + 1}")
                self._conn.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise

    def close(self) -> None:
        if self.kept is not None and self._state is not None and not self.readonly:
            with contextlib.suppress(sqlite3.Error):
                if self._cached() is not None and isinstance(self._state, IndexedState):
                    self.kept.give(self._state, self.head())
        self._state = None
        self._conn.close()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _now(self) -> str:
        now = self.clock()
        if now.tzinfo is None:
            raise ValueError("the register's clock must give an aware datetime")
        return now.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")

    # ---- reading -------------------------------------------------------------------------

    def records(self, *, frozen: bool = False, kinds: Sequence[str] = ()) -> list[Record]:
        """Every record in order (frozen triages only when ``frozen``), or only those of
        ``kinds`` (read through the index on kinds)."""
        if kinds:
            where, args = f"WHERE kind IN ({', '.join('?' * len(kinds))})", tuple(kinds)
        else:
            where, args = ("", ()) if frozen else (f"WHERE kind != '{FROZEN}'", ())
        with self._faults("read"):
            rows = self._conn.execute(f"SELECT {_COLUMNS} FROM records {where} ORDER BY seq", args)
            return [_record(row, self.path) for row in rows]

    def state(self, meetings: Iterable[str] = (), *, whole: bool = False) -> State:
        """The register's current view: read from its stored state (its meetings read when
        asked for, through this register's connection: while it is open; those named in
        ``meetings``, or every one when ``whole``, read at once, in the same snapshot), or,
        when the stored state cannot be read as the records' (a register of an older schema
        opened read-only, records changed outside qsgrules), the fold of every record."""
        conn = self._conn
        with self._faults("read"):
            found = self._cached()  # what this object wrote last, when nothing was since
            # one snapshot of the file for everything read here (a savepoint: a read, not
            # a write; inside a write's transaction it reads what the write sees)
            conn.execute("SAVEPOINT state")
            try:
                if found is None:
                    found = self._read_state(rebuild=False)
                for meeting in list(found.meetings) if whole else meetings:
                    found.meetings.get(meeting)
                conn.execute("RELEASE state")
            except BaseException:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK TO state")
                        conn.execute("RELEASE state")
                raise
        return found

    def last_seq(self) -> int:
        """The sequence number of the last record (0 for none)."""
        with self._faults("read"):
            return int(self._conn.execute("SELECT max(seq) FROM records").fetchone()[0] or 0)

    def changes_since(self, seq: int) -> list[tuple[str, str | None, str | None]] | None:
        """The kind, meeting and provider of each record appended after record ``seq``, in
        order; None when what was read up to ``seq`` may no longer hold: records were
        removed, or changed outside qsgrules (the stored state is stale)."""
        with self._faults("read"):
            if self.last_seq() < seq or materialised.stale(self._conn) is not None:
                return None
            rows = self._conn.execute(
                "SELECT kind, meeting, provider FROM records WHERE seq > ? ORDER BY seq", (seq,)
            )
            return [(str(kind), meeting, provider) for kind, meeting, provider in rows]

    def with_positions(self, m: Meeting, providers: Collection[str]) -> Meeting | None:
        """A copy of meeting ``m`` (as read earlier) with the positions on ``providers`` read
        again, when only positions on them were recorded at it since; None when the stored
        state cannot be read as the records' (read the meeting whole then)."""
        with self._faults("read"):
            if materialised.stale(self._conn) is not None:
                return None
            return with_positions(self._conn, m, providers)

    def standing_levels(self, *, on: dt.date | None = None) -> dict[str, Standing]:
        """Each provider's standing level: its last decision (taken on or before ``on`` when
        given), as amended."""
        return {code: d.standing() for code, d in self.state().standings(on=on).items()}

    def _cached(self) -> State | None:
        """The state this register object last wrote, when nothing was written since."""
        if self._state is None:
            return None
        last = self._conn.execute("SELECT max(seq) FROM records").fetchone()[0]
        if last != self._state_seq or materialised.stale(self._conn) is not None:
            self._state = None
        return self._state

    def refresh(self) -> bool:
        """Rebuild the stored state from the records when it cannot be read as theirs (made
        by another version of qsgrules, or records changed outside it), in one transaction
        that writes no record; True when it was rebuilt. Until it is, every read folds every
        record (a server calls this once when it starts, not on its first write)."""
        if self.readonly or self.version < STATE_SINCE:
            return False
        conn = self._conn
        with self._faults("write"):
            if materialised.stale(conn) is None:
                return False
            conn.execute("BEGIN IMMEDIATE")
            try:
                rebuilt = materialised.stale(conn) is not None  # another may have meanwhile
                if rebuilt:
                    materialised.rebuild(conn, self.records())
                conn.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
        self._state = None
        return rebuilt

    def _taken(self) -> State | None:
        """The state kept by an earlier register (``Kept``), when it is still current."""
        if self.kept is None:
            return None
        found = self.kept.take(self.head())
        if found is None or materialised.stale(self._conn) is not None:
            return None
        found.rebind(self._conn)
        return found

    def _read_state(self, *, rebuild: bool) -> State:
        """The stored state, rebuilt from the records first when it cannot be read as theirs
        and ``rebuild`` (inside a write); the fold of every record when it cannot."""
        if materialised.stale(self._conn) is None:
            return IndexedState(self._conn)
        if rebuild and self.version >= STATE_SINCE:
            materialised.rebuild(self._conn, self.records())
            return IndexedState(self._conn)
        return fold(self.records())

    def frozen_triage(self, meeting: str) -> str:
        """The triage a meeting discussed, as frozen when it was opened (the JSON contract)."""
        with self._faults("read"):
            row = self._conn.execute(
                "SELECT body FROM records WHERE kind = ? AND meeting = ? ORDER BY seq LIMIT 1",
                (FROZEN, meeting),
            ).fetchone()
        if row is None:
            raise _problem(f"no frozen triage for meeting {meeting}")
        return str(row[0])

    # ---- writing -------------------------------------------------------------------------

    def write(self, build: Callable[[State], Iterable[NewRecord]]) -> list[Record]:
        """One transaction: ``build`` sees the register's current view (``state``), checks
        what it must (raising InputError to refuse: then nothing is written), and returns the
        records to append. They are appended to the chain and applied to the stored state,
        in the same transaction. Returns them as stored."""
        if self.readonly:
            raise _problem(f"{self.path} was opened read-only")
        conn = self._conn
        with self._faults("write"):
            conn.execute("BEGIN IMMEDIATE")  # the write lock first: checks see the latest
            try:
                state = self._cached() or self._taken() or self._read_state(rebuild=True)
                new = list(build(state))
                unknown = [n.kind for n in new if n.kind not in KINDS and n.kind != FROZEN]
                if unknown:
                    raise ValueError(f"no record kind {unknown[0]!r}: see register/kinds")
                at = self._now()  # one transaction, one moment
                stored = [self._append(n, at) for n in new]
                if isinstance(state, IndexedState):
                    for r in stored:
                        apply(state, r)
                    materialised.save(conn, state)
                conn.execute("COMMIT")
            except BaseException:
                self._state = None
                self._rollback()
                raise
        if isinstance(state, IndexedState):
            self._state = state
            self._state_seq = conn.execute("SELECT max(seq) FROM records").fetchone()[0]
        return stored

    def _rollback(self) -> None:
        # SQLite has already rolled back after some errors (a full disk): a ROLLBACK then
        # fails with "no transaction is active" and would hide the cause
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")

    def _append(self, new: NewRecord, at: str) -> Record:
        conn = self._conn
        last = conn.execute("SELECT hash FROM records ORDER BY seq DESC LIMIT 1").fetchone()
        top = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'records'").fetchone()
        seq = (top[0] if top else 0) + 1
        row = (
            seq,
            new.kind,
            new.meeting,
            new.provider,
            new.subject,
            new.corrects,
            at,
            self.actor,
            canonical(new.body),
        )
        digest = record_hash(row, last[0] if last else GENESIS)
        conn.execute(
            f"INSERT INTO records ({_COLUMNS}, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (*row, last[0] if last else GENESIS, digest),
        )
        key = audit_key()
        if key is not None:
            conn.execute("INSERT INTO record_macs VALUES (?, ?)", (seq, mac(key, digest)))
        return _record(row)

    def head(self) -> tuple[int, str] | None:
        """The chain's head: the last record's number and hash (None when empty)."""
        with self._faults("read"):
            row = self._conn.execute(
                "SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1"
            ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def agreed_head(self, meeting: str) -> tuple[int, str] | None:
        """The chain's head when ``meeting`` was agreed: its agreement record's number and
        hash (that record links every record before it); None when it is not agreed."""
        with self._faults("read"):
            row = self._conn.execute(
                "SELECT seq, hash FROM records WHERE kind = 'meeting_agreed' AND meeting = ? "
                "ORDER BY seq LIMIT 1",
                (meeting,),
            ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    # ---- checking ------------------------------------------------------------------------

    def integrity(self) -> str:
        """SQLite's own ``PRAGMA integrity_check``: "ok" or what is wrong."""
        try:
            rows = self._conn.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError as exc:  # a page so damaged the check cannot run
            return str(exc)
        return "; ".join(str(r[0]) for r in rows)

    def verify(self, expect: Sequence[Anchor] = (), key: bytes | None = None) -> Verification:
        """Recompute every record's hash and link; name the first that does not match. Each
        anchor of ``expect`` (a chain head printed in a note or pack: a record number and
        its hash) must be in the recomputed chain: records removed from the end, or a chain
        recomputed after an edit, are found. With ``key``, every record must carry the HMAC
        of its hash under the key (from the first record that carries one). The state kept
        beside the records must be what they say (when it is kept and current)."""
        with self._faults("verify"):
            found = self._verify()
            if not found.ok:
                return found
            for anchor in expect:
                problem = self._anchored(anchor)
                if problem is not None:
                    return Verification(found.checked, problem)
            if key is not None:
                problem = self._authenticated(key)
                if problem is not None:
                    return Verification(found.checked, problem)
            problem = self._state_as_recorded()
            if problem is not None:
                return Verification(found.checked, problem)
            return found

    def _state_as_recorded(self) -> str | None:
        """What is wrong with the stored state: it must be the fold of the records."""
        if materialised.stale(self._conn) is not None:
            return None  # not read as the records' state: rebuilt by the next write
        try:
            folded = fold(self.records())
        except InputError:
            return None  # a record it cannot read: every command that reads it says so
        stored = IndexedState(self._conn)
        differs = materialised.difference(stored, folded)
        if differs is None:
            return None
        return (
            f"the state kept beside the records does not say what they say ({differs}): it "
            "was changed outside qsgrules; restore the register from a backup"
        )

    def _anchored(self, anchor: Anchor) -> str | None:
        seq, digest = anchor
        row = self._conn.execute("SELECT hash FROM records WHERE seq = ?", (seq,)).fetchone()
        if row is None:
            return (
                f"record {seq}, the chain head {digest[:16]} printed outside the file, is "
                "missing: records were removed from the register"
            )
        if row[0] != digest:
            return (
                f"record {seq} does not have the hash {digest[:16]} printed outside the file "
                f"(it has {str(row[0])[:16]}): the chain was rewritten up to it"
            )
        return None

    def _authenticated(self, key: bytes) -> str | None:
        table = self._conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'record_macs'"
        ).fetchone()
        macs = (
            dict(self._conn.execute("SELECT seq, mac FROM record_macs").fetchall()) if table else {}
        )
        if not macs:
            return (
                "no record carries an HMAC: the register was not written with QSG_AUDIT_KEY, "
                "or its HMACs were removed"
            )
        first = min(macs)
        rows = self._conn.execute(
            "SELECT seq, hash FROM records WHERE seq >= ? ORDER BY seq", (first,)
        )
        for seq, digest in rows:
            given = macs.get(seq)
            if given is None:
                return f"record {seq} carries no HMAC though records before it do"
            if not hmac.compare_digest(given, mac(key, digest)):
                return (
                    f"record {seq}: its HMAC does not match under QSG_AUDIT_KEY (a wrong key, "
                    "or the chain was recomputed without it)"
                )
        return None

    def _verify(self) -> Verification:
        expected = GENESIS
        checked = 0
        last_seq = 0
        rows = self._conn.execute(f"SELECT {_COLUMNS}, prev_hash, hash FROM records ORDER BY seq")
        for *cols, prev_hash, digest in rows:
            label = _label(cols)
            if prev_hash != expected:
                return Verification(
                    checked,
                    f"{label}: its link to the record before it does not match (a record "
                    "before it was removed or altered outside qsgrules)",
                )
            if record_hash(cols, prev_hash) != digest:
                return Verification(
                    checked,
                    f"{label}: its content does not match its hash (altered outside qsgrules)",
                )
            expected = digest
            checked += 1
            last_seq = cols[0]
        top = self._conn.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = 'records'"
        ).fetchone()
        if top and top[0] > last_seq:
            return Verification(
                checked,
                f"records {last_seq + 1} to {top[0]} are missing: deleted outside qsgrules",
            )
        return Verification(checked)


def _label(cols: Sequence[Any]) -> str:
    seq, kind, meeting, provider, subject = cols[:5]
    about = ", ".join(str(x) for x in (kind, meeting, subject, provider) if x)
    return f"record {seq} ({about})"


def _record(row: Sequence[Any], path: Path | None = None) -> Record:
    seq, kind, meeting, provider, subject, corrects, at, by, body = row
    try:
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except (ValueError, TypeError) as exc:
        raise _problem(
            f"{path}: {_label(row)} has a body that is not what qsgrules writes ({exc}): the "
            "register was changed outside qsgrules; run `qsg audit verify`",
            DAMAGED,
        ) from None
    return Record(seq, kind, meeting, provider, subject, corrects, at, by, data)


#: A chain head printed outside the file: a record number and that record's hash.
Anchor = tuple[int, str]
#: The environment variable holding the key that authenticates the chain (HMAC-SHA256).
KEY_VARIABLE = "QSG_AUDIT_KEY"


def audit_key() -> bytes | None:
    """The key in ``QSG_AUDIT_KEY``, or None when it is not set (or empty)."""
    value = os.environ.get(KEY_VARIABLE, "")
    return value.encode("utf-8") if value else None


def mac(key: bytes, digest: str) -> str:
    """The HMAC-SHA256 under ``key`` of a record's hash."""
    return hmac.new(key, digest.encode("ascii"), hashlib.sha256).hexdigest()


_ANCHOR = re.compile(r"record (\d+), sha256 `?([0-9a-f]{64})`?")


def anchors_in(text: str) -> list[Anchor]:
    """The chain heads printed in a note or a pack (Markdown or HTML)."""
    return [(int(n), h) for n, h in _ANCHOR.findall(text)]


def parse_anchor(text: str) -> Anchor | None:
    """``SEQ:HASH`` (as `qsg audit verify` prints the head), else None."""
    m = re.fullmatch(r"\s*(\d+):([0-9a-f]{64})\s*", text)
    return (int(m.group(1)), m.group(2)) if m else None


BUSY = Code.REGISTER_BUSY
DISK_FULL = Code.DISK_FULL
DAMAGED = Code.REGISTER_DAMAGED
READ_ONLY = Code.REGISTER_READ_ONLY
#: How long a writer waits for another to finish before it gives up, in seconds.
BUSY_SECONDS = 60


def _connect(uri: str) -> sqlite3.Connection:
    conn = sqlite3.connect(
        uri,
        uri=True,
        isolation_level=None,  # transactions are explicit: BEGIN IMMEDIATE .. COMMIT
        timeout=BUSY_SECONDS,
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")
    return conn


def _cannot_open(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "unable to open" in text or "readonly" in text or "read-only" in text


def _fault(path: Path, exc: sqlite3.Error, doing: str) -> InputError:
    """What an SQLite error means for the user, and what to do; nothing was half-written
    (every write is one transaction)."""
    text = str(exc)
    low = text.lower()
    if "locked" in low or "busy" in low:
        return _problem(
            f"{path} is busy: another writer held it for more than {BUSY_SECONDS} s; nothing "
            "was recorded: try again when it has finished",
            BUSY,
        )
    if "full" in low:
        return _problem(
            f"cannot {doing} {path}: the disk is full (SQLite said: {text}); nothing was "
            "recorded: free some space and try again",
            DISK_FULL,
        )
    if "readonly" in low or "read-only" in low:
        return _problem(
            f"cannot {doing} {path}: it is on read-only storage or not writable (SQLite said: "
            f"{text}); commands that only read it still work",
            READ_ONLY,
        )
    if "not a database" in low or "encrypted" in low:
        return _problem(f"{path} is not a register (SQLite said: {text})", NOT_A_REGISTER)
    if (
        "malformed" in low
        or "no such table" in low
        or "no such column" in low
        or ("corrupt" in low)
    ):
        return _problem(
            f"{path} is damaged (SQLite said: {text}); run `qsg audit verify` and restore it "
            "from a backup",
            DAMAGED,
        )
    return _problem(f"cannot {doing} {path} (SQLite said: {text})", NOT_A_REGISTER)
