"""The register file: schema versions and migrations, the hash chain, append-only."""

from __future__ import annotations

import ast
import datetime as dt
import re
import sqlite3
from pathlib import Path

import pytest

from qsgrules.errors import InputError
from qsgrules.register import SCHEMA_VERSION, Register
from qsgrules.register.kinds.schedule import MeetingPlanned
from qsgrules.register.schema import MIGRATIONS
from qsgrules.register.store import NewRecord

from .conftest import ticking_clock

PACKAGE = Path(__file__).resolve().parents[2] / "qsgrules" / "register"


def plan(i: int, chair: str = "C") -> NewRecord:
    """A record of a meeting planned (any kind would do: the file's mechanics are tested)."""
    day = dt.date(2030, 1, 1) + dt.timedelta(days=i)
    return MeetingPlanned(date=day, chair=chair).record(meeting=f"M-{i}")


def _first_schema_register(path: Path) -> None:
    """A register as the first schema made it, with records written by that version."""
    with Register(path, create=True, actor="v1", clock=ticking_clock()) as r:
        pass
    path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    r = Register.__new__(Register)  # append through the v1 schema without migrating it
    r.path, r.clock, r.actor, r.readonly = path, ticking_clock(), "v1", False
    r._conn = sqlite3.connect(path, isolation_level=None)
    for record in (plan(1, "made by schema 1"), plan(2, "second")):
        r._conn.execute("BEGIN IMMEDIATE")
        r._append(record, r._now())
        r._conn.execute("COMMIT")
    r.close()


def test_a_database_made_by_the_first_schema_migrates_forward(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _first_schema_register(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1
    with Register(path) as reg:
        assert reg.version == SCHEMA_VERSION >= 2
        assert [r.body["chair"] for r in reg.records()] == ["made by schema 1", "second"]
        assert sorted(reg.state().planned) == ["M-1", "M-2"]  # its state, built on the way
        assert reg.verify().ok and reg.verify().checked == 2
        indexes = {
            row[0] for row in reg._conn.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
        assert "records_by_kind_provider" in indexes
        history = reg._conn.execute("SELECT version FROM schema_history").fetchall()
        assert (2,) in history
        reg.write(lambda _: [plan(3, "after")])
        assert reg.verify().checked == 3


def test_a_register_from_a_newer_qsgrules_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    Register(path, create=True).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(InputError, match="newer qsgrules") as exc:
        Register(path)
    assert exc.value.problems[0].code == "QSG600"


@pytest.mark.parametrize("content", [b"not a database at all, just text" * 40, b""])
def test_a_file_that_is_not_a_register_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.sqlite"
    path.write_bytes(content)
    with pytest.raises(InputError, match=r"not a register|empty"):
        Register(path, readonly=True)


def test_another_sqlite_database_is_not_taken_for_a_register(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(InputError, match="not a qsgrules register"):
        Register(path)


def test_a_missing_register_is_not_created_by_reading(tmp_path: Path) -> None:
    path = tmp_path / "none.sqlite"
    with pytest.raises(InputError, match="no register"):
        Register(path)
    with pytest.raises(InputError, match="no register"):
        Register(path, readonly=True)
    assert not path.exists()


def test_every_record_carries_who_and_when_from_the_injected_clock(tmp_path: Path) -> None:
    start = dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    with Register(
        tmp_path / "r.sqlite", create=True, actor="Dr Who", clock=ticking_clock(start)
    ) as r:
        r.write(lambda _: [plan(1), plan(2)])
        got = [(x.recorded_by, x.recorded_at) for x in r.records()]
    # the first ticks went to the schema's history (versions 2, 3 and 4); one transaction's
    # records share a time
    assert got == [("Dr Who", "2020-01-02T03:04:08.000000Z")] * 2


def test_a_refused_write_writes_nothing(tmp_path: Path) -> None:
    with Register(tmp_path / "r.sqlite", create=True) as r:
        r.write(lambda _: [plan(1)])

        def refuse(_: object) -> list[NewRecord]:
            raise InputError([])

        with pytest.raises(InputError):
            r.write(lambda state: [plan(2), *refuse(state)])
        assert len(r.records()) == 1 and r.verify().ok
        assert list(r.state().planned) == ["M-1"]


def _tamper(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    conn.close()


def _three(path: Path) -> None:
    with Register(path, create=True) as r:
        for i in range(3):

            def note(_: object, i: int = i) -> list[NewRecord]:
                return [plan(i + 1)]

            r.write(note)


def test_verify_names_the_first_record_changed_outside_qsgrules(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    _three(path)
    _tamper(path, """UPDATE records SET body = '{"i":9}' WHERE seq = 2""")
    with Register(path) as r:
        v = r.verify()
    assert not v.ok and v.checked == 1
    assert v.problem is not None and v.problem.startswith("record 2 (meeting_planned, M-2)")
    assert "content does not match" in v.problem


def test_verify_finds_a_record_deleted_from_the_middle_or_the_end(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    _three(path)
    _tamper(path, "DELETE FROM records WHERE seq = 2")
    with Register(path) as r:
        v = r.verify()
    assert v.problem is not None and v.problem.startswith("record 3") and "link" in v.problem
    path2 = tmp_path / "r2.sqlite"
    _three(path2)
    _tamper(path2, "DELETE FROM records WHERE seq = 3")
    with Register(path2) as r:
        v = r.verify()
    assert v.problem == "records 3 to 3 are missing: deleted outside qsgrules"


def test_verify_finds_a_rehashed_record_whose_successor_no_longer_links(tmp_path: Path) -> None:
    """Recomputing the changed record's own hash is not enough: the next link breaks."""
    from qsgrules.register.store import record_hash

    path = tmp_path / "r.sqlite"
    _three(path)
    conn = sqlite3.connect(path)
    row = conn.execute(
        "SELECT seq, kind, meeting, provider, subject, corrects, recorded_at, recorded_by, "
        "body, prev_hash FROM records WHERE seq = 2"
    ).fetchone()
    body = '{"i":9}'
    new = record_hash([*row[:8], body], row[9])
    conn.execute("UPDATE records SET body = ?, hash = ? WHERE seq = 2", (body, new))
    conn.commit()
    conn.close()
    with Register(path) as r:
        v = r.verify()
    assert v.problem is not None and v.problem.startswith("record 3")


def test_the_register_code_never_updates_or_deletes_a_record() -> None:
    """Append-only by construction: no statement in the register package updates, deletes or
    replaces a row of ``records`` (the state kept beside them is derived, and rewritten)."""
    changes = re.compile(
        r"\b(UPDATE\s+records|DELETE\s+FROM\s+records|REPLACE\s+INTO\s+records)\b", re.I
    )
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if changes.search(node.value):
                    offenders.append(f"{path.name}: {node.value[:40]}")
    assert offenders == []
    # the check sees what it looks for
    assert changes.search("delete from records where seq = 2")
    assert not changes.search("CREATE TRIGGER t AFTER UPDATE ON records BEGIN")
