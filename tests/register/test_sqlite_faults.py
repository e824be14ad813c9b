"""SQLite's faults are messages (issue 17, "Why" 7): a busy register, a full disk, a
damaged page, a record qsgrules cannot read, a dropped table, read-only media and bad
arguments each say what happened and what to do (exit 2; `audit verify` exit 1 for a
damaged file), never a traceback; a file that is not a register is refused before anything
is written to it."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qsgrules.cli.main import cli
from qsgrules.register import Register, store

from .conftest import MEETING


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM records").fetchone()[0])


def _raw(path: Path, *statements: str) -> None:
    """Change the file outside qsgrules, as a hostile or unlucky user would."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


def _no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


def test_a_foreign_database_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    # as found: a foreign SQLite database given as --register was switched to WAL mode
    # before being refused, while the message said nothing was done
    foreign = tmp_path / "accounts.db"
    _raw(foreign, "CREATE TABLE ledger (x)", "INSERT INTO ledger VALUES (1)")
    before = hashlib.sha256(foreign.read_bytes()).hexdigest()
    for args in (
        ["meeting", "list"],
        ["confirm", "RJ6", "--meeting", MEETING, "--member", "Ann Lee", "--by", "clerk"],
        ["meeting", "open", "--date", "2019-04-10", "--chair", "C", "--by", "clerk"],
    ):
        result = _run(*args, "--register", str(foreign))
        assert result.exit_code == 2, (args, result.output)
        assert "is an SQLite database but not a qsgrules register" in result.stderr
        _no_traceback(result)
    assert hashlib.sha256(foreign.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["accounts.db"]  # no -wal, no -shm
    with sqlite3.connect(foreign) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_busy_register_says_so_with_the_wait_and_records_nothing(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # as found: a writer waiting more than 60 s got "database is locked" as a traceback
    monkeypatch.setattr(store, "BUSY_SECONDS", 0)
    path = ws / "register.sqlite"
    before = _count(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = _run(
            "meeting", "attend", MEETING, "--member", "Ann Lee", "--organisation", "CQC",
            "--workspace", str(ws), "--by", "clerk",
        )  # fmt: skip
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 2, result.output
    assert "is busy: another writer held it for more than 0 s; nothing was recorded" in (
        result.stderr
    )
    _no_traceback(result)
    assert _count(path) == before


def test_a_full_disk_is_said_as_such_and_nothing_is_half_written(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # as found: a full disk during `meeting open` gave "cannot rollback - no transaction is
    # active", which hid the cause
    path = ws / "register.sqlite"
    before = _count(path)
    pages = path.stat().st_size // 4096 + 2  # room for a record or two, not a frozen triage
    real = store._connect

    def small_disk(uri: str) -> sqlite3.Connection:
        conn = real(uri)
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(store, "_connect", small_disk)
    result = _run(
        "meeting", "open", "--date", "2019-05-01", "--chair", "C", "--workspace", str(ws),
        "--by", "clerk",
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "the disk is full" in result.stderr and "nothing was recorded" in result.stderr
    assert "cannot rollback" not in result.stderr
    _no_traceback(result)
    monkeypatch.undo()
    assert _count(path) == before
    with Register(path, readonly=True) as reg:
        assert reg.verify().ok and reg.integrity() == "ok"


def _damage(path: Path) -> None:
    """Overwrite the middle of the file (a page of records) with garbage."""
    data = bytearray(path.read_bytes())
    start = len(data) // 2
    data[start : start + 4096] = b"\xa5" * 4096
    path.write_bytes(bytes(data))


def test_a_damaged_page_is_reported_by_audit_verify_and_refused_by_others(ws: Path) -> None:
    # as found: `audit verify` itself crashed with "database disk image is malformed"
    path = ws / "register.sqlite"
    _damage(path)
    verified = _run("audit", "verify", "--workspace", str(ws))
    assert verified.exit_code == 1, verified.output
    assert "integrity check failed" in verified.stderr
    _no_traceback(verified)
    # what reads the damaged page is refused; what does not may still work
    note = _run("note", MEETING, "--workspace", str(ws))
    assert note.exit_code == 2, note.output
    assert "is damaged" in note.stderr and "run `qsg audit verify`" in note.stderr
    _no_traceback(note)
    for args in (["meeting", "list"], ["coverage"], ["agenda", MEETING]):
        result = _run(*args, "--workspace", str(ws))
        assert result.exit_code in (0, 2), (args, result.output)
        _no_traceback(result)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("UPDATE records SET body = 'not json' WHERE seq = 1",
         "record 1 (meeting_opened, M-2019-04-10) has a body that is not what qsgrules writes"),
        ("UPDATE records SET kind = 'meeting_teleported' WHERE seq = 1",
         "its kind 'meeting_teleported' is not one qsgrules knows"),
        ("UPDATE records SET body = json_set(body, '$.proposed.RJ6', 'extreme') WHERE seq = 1",
         "record 1 (meeting_opened, M-2019-04-10): it cannot be read ('extreme' is not a "
         "valid Level)"),
        ("UPDATE records SET body = json_remove(body, '$.date') WHERE seq = 1",
         "record 1 (meeting_opened, M-2019-04-10): it cannot be read (field 'date')"),
        ("DROP TABLE records", "is damaged (SQLite said: no such table: records)"),
    ],
    ids=["body not JSON", "unknown kind", "unknown level", "field missing", "dropped table"],
)  # fmt: skip
def test_a_record_qsgrules_cannot_read_is_refused_naming_it(
    ws: Path, change: str, said: str
) -> None:
    _raw(ws / "register.sqlite", change)
    for args in (["meeting", "list"], ["agenda", MEETING]):
        result = _run(*args, "--workspace", str(ws))
        assert result.exit_code == 2, (args, result.output)
        assert said in result.stderr, (args, result.stderr)
        _no_traceback(result)


def test_bad_arguments_are_located(ws: Path) -> None:
    # as found: `coverage --months 999999` raised "AssertionError: unreachable"
    for args, said in (
        (["coverage", "--months", "999999"], "--months: 999999 is not a number of months"),
        (["coverage", "--on", "2019-02-30"], "--on: '2019-02-30' is not a date"),
        (["action", "list", "--on", "yesterday"], "--on: 'yesterday' is not a date"),
    ):
        result = _run(*args, "--workspace", str(ws))
        assert result.exit_code == 2, (args, result.output)
        assert said in result.stderr
        _no_traceback(result)


def test_a_register_on_read_only_media_can_be_read(ws: Path, tmp_path: Path) -> None:
    # as found: a register on read-only media was "not a register" and could not be read
    if shutil.which("unshare") is None:
        pytest.skip("no unshare here")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("cannot make a mount namespace here")
    media = tmp_path / "media"
    media.mkdir()
    shutil.copy(ws / "register.sqlite", media / "register.sqlite")
    mount = tmp_path / "mnt"
    mount.mkdir()
    script = (
        'mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" && '
        '"$3" -c "from qsgrules.cli.main import main; main()" meeting list '
        '--register "$2/register.sqlite"'
    )
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", str(media), str(mount), sys.executable],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if "mount:" in done.stderr and done.returncode != 0:
        pytest.skip(f"cannot mount here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    assert MEETING in done.stdout
    assert sorted(p.name for p in media.iterdir()) == ["register.sqlite"]
