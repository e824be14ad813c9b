"""A chain anchored outside the file (issue 17, "Why" 6): the note and the meeting's pack
print the chain head; `qsg audit verify --note FILE` or `--expect SEQ:HASH` finds records
removed from the end and a chain recomputed after an edit, which the chain alone cannot; with
QSG_AUDIT_KEY the chain cannot be recomputed without the key."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qsgrules import register as R
from qsgrules.cli.main import cli
from qsgrules.register import Register
from qsgrules.register.store import _COLUMNS, GENESIS, record_hash

from .conftest import MEETING


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _agreed(ws: Path) -> Path:
    """The meeting with a decision, agreed; then two more records (an action, a move)."""
    with Register(ws / "register.sqlite", actor="clerk") as reg:
        R.attend(reg, MEETING, member="Ann Lee", organisation="CQC")
        R.decide(reg, "RJ6", meeting=MEETING, rationale="Summit.", level="risk_summit")
        R.agree(reg, MEETING)
    return ws


def _truncate(path: Path, keep: int) -> None:
    """Delete the records after ``keep`` and reset the sequence, as an attacker would."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DELETE FROM records WHERE seq > ?", (keep,))
    conn.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'records'", (keep,))
    conn.close()


def _rewrite_decision(path: Path) -> None:
    """Edit the decision and recompute every hash with the documented algorithm."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(
        "UPDATE records SET body = json_set(body, '$.level', 'no_concerns') WHERE kind = 'decision'"
    )
    prev = GENESIS
    for row in conn.execute(f"SELECT {_COLUMNS} FROM records ORDER BY seq").fetchall():
        digest = record_hash(row, prev)
        conn.execute(
            "UPDATE records SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, row[0])
        )
        prev = digest
    conn.close()


def test_the_note_prints_the_head_at_agreement(ws: Path) -> None:
    _agreed(ws)
    with Register(ws / "register.sqlite", readonly=True) as reg:
        head = reg.agreed_head(MEETING)
        assert head is not None
    note = _run("note", MEETING, "--workspace", str(ws))
    assert f"- **Audit chain head** (at agreement): record {head[0]}, sha256 `{head[1]}`" in (
        note.output
    )
    html = _run("note", MEETING, "--workspace", str(ws), "--format", "html")
    assert f"record {head[0]}, sha256 <code>{head[1]}</code>" in html.output


def test_records_removed_from_the_end_are_found_with_the_note(ws: Path, tmp_path: Path) -> None:
    # as found: delete the last records and reset sqlite_sequence, and `audit verify` said
    # ok, though the README promised that deletions from the end are found
    _agreed(ws)
    path = ws / "register.sqlite"
    note = tmp_path / "note.md"
    assert _run("note", MEETING, "--workspace", str(ws), "--out", str(note)).exit_code == 0
    ok = _run("audit", "verify", "--workspace", str(ws), "--note", str(note))
    assert ok.exit_code == 0, ok.output
    head = re.search(r"chain head: (\d+:[0-9a-f]{64})", ok.output)
    assert head is not None
    with Register(path, readonly=True) as reg:
        n = len(reg.records(frozen=True))
    _truncate(path, n - 2)
    plain = _run("audit", "verify", "--workspace", str(ws))
    assert plain.exit_code == 0  # the chain alone cannot tell (the README says so)
    for anchor in (["--note", str(note)], ["--expect", head.group(1)]):
        found = _run("audit", "verify", "--workspace", str(ws), *anchor)
        assert found.exit_code == 1, found.output
        assert "is missing: records were removed from the register" in found.stderr


def test_a_chain_recomputed_after_an_edit_is_found_with_the_pack(ws: Path, tmp_path: Path) -> None:
    # as found: edit a decision and recompute every hash with the documented algorithm, and
    # `audit verify` said ok
    _agreed(ws)
    pack = tmp_path / "pack.html"
    made = _run(
        "pack", "--workspace", str(ws), "--meeting", MEETING, "--provider", "RJ6",
        "--out", str(pack),
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "Audit chain head" in pack.read_text()
    _rewrite_decision(ws / "register.sqlite")
    assert _run("audit", "verify", "--workspace", str(ws)).exit_code == 0
    found = _run("audit", "verify", "--workspace", str(ws), "--note", str(pack))
    assert found.exit_code == 1, found.output
    assert "the chain was rewritten up to it" in found.stderr


def test_with_a_key_the_chain_cannot_be_recomputed_without_it(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QSG_AUDIT_KEY", "a secret the clerk keeps")
    _agreed(ws)
    good = _run("audit", "verify", "--workspace", str(ws))
    assert good.exit_code == 0 and "HMAC under QSG_AUDIT_KEY ok" in good.output
    monkeypatch.setenv("QSG_AUDIT_KEY", "a guess")
    wrong = _run("audit", "verify", "--workspace", str(ws))
    assert wrong.exit_code == 1 and "its HMAC does not match" in wrong.stderr
    monkeypatch.setenv("QSG_AUDIT_KEY", "a secret the clerk keeps")
    _rewrite_decision(ws / "register.sqlite")
    found = _run("audit", "verify", "--workspace", str(ws))
    assert found.exit_code == 1, found.output
    assert "its HMAC does not match under QSG_AUDIT_KEY" in found.stderr
    monkeypatch.delenv("QSG_AUDIT_KEY")
    # without the key the recomputed chain looks whole: the README says so
    assert _run("audit", "verify", "--workspace", str(ws)).exit_code == 0


def test_a_keyed_register_whose_hmacs_were_removed_is_found(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QSG_AUDIT_KEY", "k")
    _agreed(ws)
    conn = sqlite3.connect(ws / "register.sqlite", isolation_level=None)
    conn.execute("DELETE FROM record_macs")
    conn.close()
    found = _run("audit", "verify", "--workspace", str(ws))
    assert found.exit_code == 1 and "no record carries an HMAC" in found.stderr


def test_a_bad_anchor_is_a_located_problem(ws: Path, tmp_path: Path) -> None:
    result = _run("audit", "verify", "--workspace", str(ws), "--expect", "14:xyz")
    assert result.exit_code == 2 and "--expect: '14:xyz' is not a chain head" in result.stderr
    other = tmp_path / "other.md"
    other.write_text(json.dumps({"not": "a note"}))
    result = _run("audit", "verify", "--workspace", str(ws), "--note", str(other))
    assert result.exit_code == 2 and "prints no chain head" in result.stderr


def test_an_hmac_removed_from_a_record_in_the_middle_is_found(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every record from the first keyed one must carry its HMAC, not only the last
    monkeypatch.setenv("QSG_AUDIT_KEY", "k")
    _agreed(ws)
    conn = sqlite3.connect(ws / "register.sqlite", isolation_level=None)
    seqs = [s for (s,) in conn.execute("SELECT seq FROM record_macs ORDER BY seq")]
    assert len(seqs) >= 3
    conn.execute("DELETE FROM record_macs WHERE seq = ?", (seqs[1],))
    conn.close()
    found = _run("audit", "verify", "--workspace", str(ws))
    assert found.exit_code == 1, found.output
    assert f"record {seqs[1]} carries no HMAC though records before it do" in found.stderr
