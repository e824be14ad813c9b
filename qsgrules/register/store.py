"""The register file: SQLite in WAL mode, append-only records in a SHA-256 hash chain.

Every write is one ``BEGIN IMMEDIATE`` transaction that reads what it must check, checks it,
and appends its records, so that two processes never interleave and a refusal writes
nothing. A record is never updated or deleted: a correction is a new record whose
``corrects`` names the record it corrects.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import sqlite3
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..writing import check_target
from .schema import MIGRATIONS, SCHEMA_VERSION

GENESIS = "0" * 64
#: Records whose body is large (a whole frozen triage); read only when asked for.
FROZEN = "triage_frozen"
Clock = Callable[[], dt.datetime]
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


def _problem(message: str) -> InputError:
    return InputError([Problem.for_argument("register", message, code="QSG600")])


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


class Register:
    """One register file. ``create`` makes it (and migrates it) when it does not exist;
    otherwise it must exist. ``readonly`` never writes, not even a migration.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        create: bool = False,
        readonly: bool = False,
        clock: Clock | None = None,
        actor: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.clock = clock or _utc_now
        self.actor = actor if actor is not None else default_actor()
        self.readonly = readonly
        if not present(self.path):
            if not create or readonly:
                raise _problem(f"no register at {self.path}; `qsg meeting open` starts one")
            if not self.path.parent.is_dir():
                raise _problem(f"cannot create {self.path}: no folder {self.path.parent}")
            check_target(self.path, "register")  # never created through a link
        writable = not readonly and (not self.path.exists() or os.access(self.path, os.W_OK))
        mode = "rwc" if create and writable else ("rw" if writable else "ro")
        try:
            self._conn = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode={mode}",
                uri=True,
                isolation_level=None,  # transactions are explicit: BEGIN IMMEDIATE .. COMMIT
                timeout=60,
            )
            self._conn.execute("PRAGMA busy_timeout = 60000")
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            if writable:
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = FULL")  # a decision once told is kept
        except sqlite3.DatabaseError as exc:
            raise _problem(f"{self.path} is not a register (SQLite said: {exc})") from None
        if version > SCHEMA_VERSION:
            self.close()
            raise _problem(
                f"{self.path} has schema version {version}, made by a newer qsgrules "
                f"(this one knows up to {SCHEMA_VERSION}); upgrade qsgrules"
            )
        if version == 0 and self._has_tables():
            self.close()
            raise _problem(f"{self.path} is an SQLite database but not a qsgrules register")
        if version < SCHEMA_VERSION:
            if not writable:
                if version == 0:
                    self.close()
                    raise _problem(f"{self.path} is empty: not a register")
            else:
                self.migrate()

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
                    self._conn.execute(f"PRAGMA user_version = {version + 1}")
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
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

    def records(self, *, frozen: bool = False) -> list[Record]:
        """Every record in order (frozen triages only when ``frozen``)."""
        where = "" if frozen else f"WHERE kind != '{FROZEN}'"
        rows = self._conn.execute(f"SELECT {_COLUMNS} FROM records {where} ORDER BY seq")
        return [_record(row) for row in rows]

    def decisions_by_provider(self) -> list[tuple[Any, ...]]:
        """What standings are made of, in one query over the (kind, provider) index: for each
        decision and amendment in order, (kind, meeting, provider, seq, level, decided_on,
        review_by, exit_criteria, changes as JSON); only these fields are read."""
        return self._conn.execute(
            "SELECT kind, meeting, provider, seq, json_extract(body, '$.level'), "
            "json_extract(body, '$.decided_on'), json_extract(body, '$.review_by'), "
            "json_extract(body, '$.exit_criteria'), json_extract(body, '$.changes') "
            "FROM records WHERE kind IN ('decision', 'amendment') AND provider IS NOT NULL "
            "ORDER BY seq"
        ).fetchall()

    def frozen_triage(self, meeting: str) -> str:
        """The triage a meeting discussed, as frozen when it was opened (the JSON contract)."""
        row = self._conn.execute(
            "SELECT body FROM records WHERE kind = ? AND meeting = ? ORDER BY seq LIMIT 1",
            (FROZEN, meeting),
        ).fetchone()
        if row is None:
            raise _problem(f"no frozen triage for meeting {meeting}")
        return str(row[0])

    # ---- writing -------------------------------------------------------------------------

    def write(self, build: Callable[[list[Record]], Iterable[NewRecord]]) -> list[Record]:
        """One transaction: ``build`` sees every record (frozen triages excepted), checks what
        it must (raising InputError to refuse: then nothing is written), and returns the
        records to append. Returns them as stored."""
        if self.readonly:
            raise _problem(f"{self.path} was opened read-only")
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")  # the write lock first: checks see the latest records
        try:
            new = list(build(self.records()))
            at = self._now()  # one transaction, one moment
            stored = [self._append(n, at) for n in new]
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return stored

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
        return _record(row)

    # ---- checking ------------------------------------------------------------------------

    def integrity(self) -> str:
        """SQLite's own ``PRAGMA integrity_check``: "ok" or what is wrong."""
        rows = self._conn.execute("PRAGMA integrity_check").fetchall()
        return "; ".join(str(r[0]) for r in rows)

    def verify(self) -> Verification:
        """Recompute every record's hash and link; name the first that does not match."""
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


def _record(row: Sequence[Any]) -> Record:
    seq, kind, meeting, provider, subject, corrects, at, by, body = row
    return Record(seq, kind, meeting, provider, subject, corrects, at, by, json.loads(body))
