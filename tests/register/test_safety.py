"""Two writers at once lose nothing; a writer killed at any moment leaves the register
with or without its record, never corrupt."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hang import HANG

from qsgrules import register as R
from qsgrules.bundled import demo_workspace
from qsgrules.cli.main import cli
from qsgrules.register import Register

from .conftest import MEETING

# Each writer says "ready" once its register is open and waits for a line on stdin: the
# parent lets both go at once, whatever each took to start.
_WRITER = """
import sys
from qsgrules import register as R
from qsgrules.register import Register
path, member, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with Register(path, actor=member.split()[0]) as reg:
    print("ready", flush=True)
    sys.stdin.readline()
    codes = sorted(R.fold(reg.records()).meetings["MEETING_ID"].proposed)
    for i in range(n):
        R.confirm(reg, codes[i % len(codes)], meeting="MEETING_ID", member=member)
        print(i + 1, flush=True)
""".replace("MEETING_ID", MEETING)

# A writer that reports what it does on stdout, so that the parent kills it at a chosen
# moment of a chosen write (never after a sleep: on a busy machine a sleep says nothing
# about how far the child got). Before each write it says "write KIND" and after it
# "done KIND"; every BEGIN, INSERT and COMMIT statement is reported as "sql BEGIN" etc. as
# SQLite starts it (the connection's trace callback: before the statement runs). Stepped
# (argv[2] == "step"), it then waits for a line on stdin before running the statement, so a
# kill lands exactly there; free-running, it carries on, and the kill races the statement.
_KILLABLE = """
import sqlite3, sys, json
stepped = sys.argv[2] == "step"
def report(event):
    sys.stdout.write(event + "\\n")
    sys.stdout.flush()
def traced(sql):
    verb = sql.split(None, 1)[0].upper()
    if verb in ("BEGIN", "INSERT", "COMMIT"):
        report("sql " + verb)
        if stepped:
            sys.stdin.readline()
_connect = sqlite3.connect
def connect(*args, **kwargs):
    conn = _connect(*args, **kwargs)
    conn.set_trace_callback(traced)
    return conn
sqlite3.connect = connect
from qsgrules import register as R
from qsgrules.register import Register
path = sys.argv[1]
with Register(path, actor="writer") as reg:
    state = R.fold(reg.records())
    m = state.meetings["MEETING_ID"]
    triage = json.loads(reg.frozen_triage(m.id))
    codes = sorted(m.proposed)
    i = 0
    while True:
        i += 1
        kind = ("meeting_opened", "position", "decision", "action_added")[i % 4]
        report("write " + kind)
        if kind == "meeting_opened":  # a large write: a meeting and its whole frozen triage
            R.open_meeting(reg, date="2019-05-01", chair="Dr Jo Chair", qsg=m.qsg,
                           triage=triage, providers=m.providers, members=m.members,
                           settings=m.settings)
        elif kind == "position":
            R.confirm(reg, codes[i % len(codes)], meeting=m.id, member="Ann Lee")
        elif kind == "decision":
            R.decide(reg, codes[i % len(codes)], meeting=m.id, rationale="r",
                     level="regular_review")
        else:
            R.add_action(reg, codes[i % len(codes)], meeting=m.id, owner="o",
                         due="2019-06-01", text="t")
        report("done " + kind)
""".replace("MEETING_ID", MEETING)

KINDS = ("meeting_opened", "position", "decision", "action_added")


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}


@pytest.mark.stress
def test_two_processes_recording_100_positions_each_lose_nothing(attended: Register) -> None:
    path = attended.path
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), member, "100"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        for member in ("Ann Lee", "Raj Patel")
    ]
    for p in procs:
        assert p.stdout is not None
        assert p.stdout.readline() == "ready\n", p.communicate(timeout=HANG)[1]
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        out, err = p.communicate(timeout=HANG)
        assert p.returncode == 0, err
        assert out.split()[-1] == "100"
    with Register(path, readonly=True) as reg:
        positions = [r for r in reg.records() if r.kind == "position"]
        assert len(positions) == 200
        assert {r.recorded_by for r in positions} == {"Ann", "Raj"}
        v = reg.verify()
        assert v.ok and v.checked == len(reg.records(frozen=True))
        assert reg.integrity() == "ok"
        # (whether the two writers' records interleave depends on the scheduler: on a loaded
        # machine one may finish before the other starts, so it is not asserted here)


@pytest.mark.stress
def test_a_writer_killed_at_any_step_of_a_write_never_corrupts_the_register(
    attended: Register,
) -> None:
    """Kill -9 before a transaction, between its inserts (a meeting and its frozen triage are
    one write of two records), just before its COMMIT, and racing its COMMIT: each time the
    register is whole, verifies, and holds exactly the writes that committed."""
    path = attended.path
    attended.close()
    rng = random.Random(20190410)
    written = 0
    # every stepped moment, then the free-running race, each at a write chosen at random
    plan = [("step", verb) for verb in ("BEGIN", "INSERT", "COMMIT", "done")] * 2
    plan += [("free", "COMMIT")] * 4
    for mode, verb in plan:
        before = _counts(path)
        proc = subprocess.Popen(
            [sys.executable, "-c", _KILLABLE, str(path), mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        assert proc.stdin is not None and proc.stdout is not None
        # the kill comes at the chosen moment of the target-th write ("INSERT": its last
        # INSERT, the second of a meeting and its frozen triage)
        target = rng.randint(3, 14)
        seen: list[str] = []
        writes, kind, inserts = 0, "", 0
        committed = dict.fromkeys(KINDS, 0)  # the COMMITs the parent let run (stepped)
        for line in proc.stdout:
            seen.append(line)
            what, name = line.split()
            if what == "write":
                writes, kind, inserts = writes + 1, name, 0
                assert writes <= target, f"the write passed without a {verb}: {seen}"
            inserts += name == "INSERT"
            if writes == target and _is_moment(verb, what, name, kind, inserts):
                proc.kill()
                break
            if what == "sql" and mode == "step":
                committed[kind] += name == "COMMIT"
                proc.stdin.write("go\n")
                proc.stdin.flush()
        out, err = _rest(proc)
        assert proc.returncode == -signal.SIGKILL, err
        told = "".join(seen) + out
        done = [x.split()[1] for x in told.splitlines() if x.startswith("done ")]
        written += len(done)
        with Register(path, readonly=True) as reg:
            assert reg.integrity() == "ok"
            v = reg.verify()
            assert v.ok, v.problem
        after = _counts(path)
        for k in KINDS:
            now = after.get(k, 0) - before.get(k, 0)
            if mode == "step":  # exactly the writes whose COMMIT ran
                assert now == committed[k] == done.count(k), (verb, k, now, committed)
            else:  # with the record, or without it: at most the one in flight is extra
                assert done.count(k) <= now <= done.count(k) + 1, (k, now, done)
        # every opened meeting has its frozen triage: a write is whole or absent
        assert after.get("meeting_opened", 0) == after.get("triage_frozen", 0)
    assert written >= 2 * len(plan)  # (at least the two writes before every target)
    with Register(path) as reg:  # and the register still takes writes
        R.confirm(reg, "RJ6", meeting=MEETING, member="Ann Lee")
        assert reg.verify().ok


def _rest(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """After the kill: the rest of the child's stdout (through the same file object, whose
    buffer may already hold lines read ahead of the last one taken: communicate() reads
    the pipe underneath and would lose them) and its stderr."""
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.close()
    with proc.stdout, proc.stderr:
        out, err = proc.stdout.read(), proc.stderr.read()
    proc.wait(timeout=HANG)
    return out, err


def _is_moment(verb: str, what: str, name: str, kind: str, inserts: int) -> bool:
    if verb == "done":
        return what == "done"
    if what != "sql" or name != verb:
        return False
    return verb != "INSERT" or inserts == (2 if kind == "meeting_opened" else 1)


def _counts(path: Path) -> dict[str, int]:
    with Register(path, readonly=True) as reg:
        out: dict[str, int] = {}
        for r in reg.records(frozen=True):
            out[r.kind] = out.get(r.kind, 0) + 1
        return out


def test_a_folder_where_the_register_should_be_is_bad_input_not_no_register(
    tmp_path: Path,
) -> None:
    # as found: a folder named register.sqlite was read as "no register", so the triage
    # showed no standing levels without a word
    ws = tmp_path / "ws"
    shutil.copytree(demo_workspace(), ws)
    (ws / "register.sqlite").mkdir()
    for args in (
        ["triage"],
        ["backtest", "--from", "2019-02", "--to", "2019-03"],
        ["coverage"],
        ["pack", "--out", str(tmp_path / "pack.html")],
    ):
        result = CliRunner().invoke(cli, [*args, "--workspace", str(ws)])
        assert result.exit_code == 2, (args, result.output)
        assert "register.sqlite is not a register file" in result.stderr, args
    assert not (tmp_path / "pack.html").exists()


def test_a_register_named_that_is_not_there_is_bad_input(tmp_path: Path) -> None:
    # as found: a mistyped --register was read as "no register": `coverage` said every
    # provider was never discussed, `triage` showed no standing level, `pack` wrote a pack
    missing = tmp_path / "typo.sqlite"
    for args in (
        ["triage"],
        ["coverage"],
        ["backtest", "--from", "2019-02", "--to", "2019-03"],
        ["pack", "--out", str(tmp_path / "pack.html")],
    ):
        result = CliRunner().invoke(cli, [*args, "--register", str(missing)])
        assert result.exit_code == 2, (args, result.output)
        assert f"--register: no register at {missing}" in result.stderr, args
    assert not (tmp_path / "pack.html").exists()
    # a meeting opened with --register starts it there
    ws = tmp_path / "ws"
    shutil.copytree(demo_workspace(), ws)
    w = ["--workspace", str(ws), "--register", str(missing), "--by", "clerk"]
    opened = CliRunner().invoke(
        cli, ["meeting", "open", "--date", "2019-04-10", "--chair", "C", *w]
    )
    assert opened.exit_code == 0, opened.output
    assert missing.is_file()
    listed = CliRunner().invoke(
        cli, ["coverage", "--workspace", str(ws), "--register", str(missing)]
    )
    assert listed.exit_code == 0, listed.output
