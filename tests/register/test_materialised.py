"""The register's stored state: what it answers is what the fold of every record answers,
after any sequence of commands; it is kept in the same transaction as each record; a
register written before it is upgraded (or, read-only, read by folding) with its audit
chain unchanged; and reading or writing never scans every record."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qsgrules import register as R
from qsgrules.errors import InputError
from qsgrules.register import Register, materialised
from qsgrules.register.indexed import IndexedState
from qsgrules.register.state import State

from .conftest import MEETING, TODAY, another_meeting, ticking_clock
from .test_properties import CODES, MEETINGS
from .test_properties import _apply as _apply_meeting
from .test_properties import commands as meeting_commands

ACTIONS = ("A-001", "A-002", "A-003", "A-004")
SUMMITS = ("S-001", "S-002")
#: The commands of meetings (test_properties) and those of actions and summits.
commands = st.one_of(
    meeting_commands,
    st.tuples(
        st.just("action"), st.sampled_from(MEETINGS), st.sampled_from(CODES),
        st.sampled_from(["action", "information_request"]),
        st.sampled_from(["2019-05-01", "2019-07-20"]),
    ),
    st.tuples(st.just("close"), st.sampled_from(ACTIONS), st.sampled_from(["2019-06-01", None])),
    st.tuples(st.just("respond"), st.sampled_from(ACTIONS)),
    st.tuples(st.just("move"), st.sampled_from(ACTIONS), st.sampled_from(["2019-08-01"])),
    st.tuples(st.just("convene"), st.sampled_from(CODES), st.sampled_from(["2019-06-20"])),
    st.tuples(st.just("hold"), st.sampled_from(SUMMITS), st.sampled_from(["regular_review"])),
    st.tuples(st.just("summit_action"), st.sampled_from(SUMMITS), st.sampled_from(CODES)),
)  # fmt: skip


#: Where every sequence starts: members attending, positions, a risk summit decided (its
#: convene action A-001) and information asked (A-002), so that most commands can succeed.
START: tuple[tuple[object, ...], ...] = (
    ("attend", MEETING, "Ann Lee"),
    ("attend", MEETING, "Raj Patel"),
    ("confirm", MEETING, "RJ6", "Ann Lee"),
    ("override", MEETING, "RJ7", "Raj Patel", "risk_summit", "a reason"),
    ("decide", MEETING, "RJ6", "risk_summit"),
    ("action", MEETING, "RJ7", "information_request", "2019-05-01"),
)


def _apply(reg: Register, command: tuple[object, ...]) -> None:
    name, *args = command
    a = [str(x) if x is not None else None for x in args]
    if name == "action":
        R.add_action(reg, str(a[1]), meeting=a[0], owner="CQC", due=str(a[3]),
                     text="Visit", kind=str(a[2]))  # fmt: skip
    elif name == "close":
        R.close_action(reg, str(a[0]), note="Done", on=a[1])
    elif name == "respond":
        R.respond(reg, str(a[0]), response="Arrived", on="2019-06-15")
    elif name == "move":
        R.move_action(reg, str(a[0]), due=str(a[1]), reason="Later")
    elif name == "convene":
        R.convene_summit(reg, str(a[0]), date=str(a[1]), invited=["CQC", str(a[0])])
    elif name == "hold":
        s = reg.state().summits.get(str(a[0]))
        present = ["CQC", s.provider] if s is not None else ["CQC"]
        R.hold_summit(reg, str(a[0]), present=present, outcome="Plan", level_after=str(a[1]))
    elif name == "summit_action":
        R.add_action(reg, str(a[1]), summit=a[0], owner="CQC", due="2019-07-25", text="Act")
    else:
        _apply_meeting(reg, command)


STATE_TABLES = (
    "state_meetings",
    "state_meeting_names",
    "state_attendance",
    "state_positions",
    "state_decisions",
    "state_amendments",
    "state_discussed",
    "state_providers",
    "state_items",
)


def whole(state: State) -> State:
    """A state with every meeting read: comparable with the fold's."""
    return State(
        meetings={mid: state.meetings[mid] for mid in state.meetings},
        actions=state.actions,
        planned=state.planned,
        cancelled=state.cancelled,
        withdrawn=state.withdrawn,
        summits=state.summits,
    )


def same_answers(stored: State, folded: State) -> None:
    """Every question the commands ask of a state has the same answer from both."""
    assert isinstance(stored, IndexedState) and not isinstance(folded, IndexedState)
    assert whole(stored) == folded
    assert stored.headers() == [m.header() for m in folded.headers()]
    assert stored.ids() == folded.ids()
    assert stored.known_providers() == folded.known_providers()
    assert stored.known_organisations() == folded.known_organisations()
    assert stored.tallies() == folded.tallies()
    codes = folded.known_providers() | {"NOT-THERE"}
    for day in {m.date for m in folded.headers()} | {TODAY}:
        assert stored.standings(on=day) == folded.standings(on=day), day
        assert stored.history(after=day) == folded.history(after=day), day
        assert stored.history(until=day) == folded.history(until=day), day
    for m in [None, *folded.headers()]:
        assert stored.standings(before=m) == folded.standings(before=m), m
        assert stored.last_discussed(before=m) == folded.last_discussed(before=m), m
        assert stored.history(before=m) == folded.history(before=m), m
        assert [x.header() for x in stored.earlier(m)] == [x.header() for x in folded.earlier(m)]
        for code in sorted(codes)[:3]:
            assert stored.history(before=m, providers=[code]) == folded.history(
                before=m, providers=[code]
            )
            if m is not None:
                assert stored.decided_after(code, m) == folded.decided_after(code, m)
    for mid in folded.meetings:  # what the commands read of a meeting
        assert R.agenda_of(stored, stored.meetings[mid]) == R.agenda_of(
            folded, folded.meetings[mid]
        )
        assert R.pack_context(stored, stored.meetings[mid], on=TODAY) == R.pack_context(
            folded, folded.meetings[mid], on=TODAY
        )
    assert R.pack_context(stored, None, on=TODAY) == R.pack_context(folded, None, on=TODAY)


def tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in STATE_TABLES}
    finally:
        conn.close()


def rebuilt(path: Path, into: Path) -> dict[str, list[tuple[object, ...]]]:
    """The state tables of a copy of ``path`` rebuilt from its records alone."""
    shutil.copy(path, into)
    with Register(into) as reg:
        reg._conn.execute("BEGIN IMMEDIATE")
        materialised.rebuild(reg._conn, reg.records())
        reg._conn.execute("COMMIT")
    return tables(into)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.lists(commands, min_size=1, max_size=30))
def test_the_stored_state_answers_what_the_fold_of_every_record_answers(
    _template: Path, sequence: list[tuple[object, ...]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "register.sqlite"
        shutil.copy(_template / "register.sqlite", path)
        clock = ticking_clock()
        for i, command in enumerate((*START, *sequence)):
            # a register opened afresh every other command: a write's state is then read
            # from the tables, otherwise kept from the last write of the same object
            if i % 2 == 0:
                reg = Register(path, actor="clerk", clock=clock, today=lambda: TODAY)
            try:
                _apply(reg, command)
            except InputError:
                pass
            finally:
                if i % 2 == 1:
                    reg.close()
        reg.close()
        # read afresh, as another process would
        with Register(path, readonly=True) as reg:
            assert materialised.stale(reg._conn) is None
            same_answers(reg.state(), R.fold(reg.records()))
        # kept record by record, it is what rebuilding it from the records gives
        assert tables(path) == rebuilt(path, Path(tmp) / "again.sqlite")


def test_a_write_sees_the_state_as_its_transaction_began(reg: Register) -> None:
    """Two register objects on one file: each write reads what the other wrote."""
    R.attend(reg, MEETING, member="Ann Lee", organisation="CQC")
    with Register(reg.path, actor="other") as other:
        R.attend(other, MEETING, member="Raj Patel", organisation="NHS Croydon CCG")
        R.confirm(other, "RJ6", meeting=MEETING, member="Ann Lee")
    R.confirm(reg, "RJ6", meeting=MEETING, member="Raj Patel")
    decided = R.decide(reg, "RJ6", meeting=MEETING, rationale="Agreed")
    assert [p["member"] for p in decided.decision.positions] == ["Ann Lee", "Raj Patel"]
    same_answers(reg.state(), R.fold(reg.records()))


def _previous_version(path: Path) -> None:
    """The register as the previous version left it: schema 3, no stored state."""
    conn = sqlite3.connect(path, isolation_level=None)
    for table in (*STATE_TABLES, "state_meta"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DROP TRIGGER records_changed")
    conn.execute("DROP TRIGGER records_removed")
    conn.execute("DELETE FROM schema_history WHERE version = 4")
    conn.execute("PRAGMA user_version = 3")
    conn.close()


def _chain(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM records ORDER BY seq").fetchall()
    finally:
        conn.close()


def test_a_register_of_the_previous_version_is_read_and_then_upgraded_chain_unchanged(
    dated: Register, tmp_path: Path
) -> None:
    R.confirm(dated, "RJ6", meeting=MEETING, member="Ann Lee")
    R.decide(dated, "RJ6", meeting=MEETING, rationale="Serious", level="risk_summit")
    R.add_action(dated, "RJ7", meeting=MEETING, owner="CQC", due="2019-05-01", text="Visit")
    R.agree(dated, MEETING)
    second = another_meeting(dated, "2019-06-12")
    R.decide(dated, "RJ7", meeting=second, rationale="Better", level="no_concerns")
    R.cancel_meeting(dated, second, reason="opened by mistake")
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as copy:
        dated._conn.backup(copy)
    _previous_version(old)
    chain = _chain(old)
    # read-only, it is read by folding its records, and nothing is written to it
    with Register(old, readonly=True) as reg:
        assert reg.version == 3
        state = reg.state()
        assert not isinstance(state, IndexedState)
        assert state == R.fold(reg.records())
        assert reg.standing_levels() == dated.standing_levels()
    assert sqlite3.connect(old).execute("PRAGMA user_version").fetchone()[0] == 3
    # opened to write, it is upgraded: its state built from the records, its chain as it was
    with Register(old, actor="clerk", clock=ticking_clock(), today=lambda: TODAY) as reg:
        assert reg.version == R.SCHEMA_VERSION
        assert isinstance(reg.state(), IndexedState)
        same_answers(reg.state(), R.fold(reg.records()))
        assert reg.verify().ok
    assert _chain(old) == chain
    with sqlite3.connect(tmp_path / "now.sqlite") as copy:
        dated._conn.backup(copy)
    assert tables(old) == tables(tmp_path / "now.sqlite")


def test_a_record_changed_outside_qsgrules_is_read_from_the_records_until_rebuilt(
    dated: Register,
) -> None:
    R.decide(dated, "RJ6", meeting=MEETING, rationale="Serious", level="risk_summit")
    conn = sqlite3.connect(dated.path, isolation_level=None)
    conn.execute(
        "UPDATE records SET body = json_set(body, '$.level', 'no_concerns') WHERE kind = 'decision'"
    )
    conn.close()
    with Register(dated.path, readonly=True) as reg:
        assert materialised.stale(reg._conn) == "a record was changed"
        state = reg.state()
        assert not isinstance(state, IndexedState)  # what the records say, not what was kept
        assert state.standings()["RJ6"].level.value == "no_concerns"
    # the next write rebuilds the state from the records (and the audit says what happened)
    R.confirm(dated, "RJ7", meeting=MEETING, member="Ann Lee")
    assert materialised.stale(dated._conn) is None
    assert dated.standing_levels()["RJ6"].level.value == "no_concerns"
    assert not dated.verify().ok


def test_records_appended_by_hand_are_folded_not_skipped(dated: Register) -> None:
    """A record the stored state does not hold (appended outside qsgrules) is never
    silently left out: readers fold every record, so a bad one is refused naming it."""
    conn = sqlite3.connect(dated.path, isolation_level=None)
    conn.execute(
        "INSERT INTO records (kind, meeting, recorded_at, recorded_by, body, prev_hash, hash) "
        "VALUES ('meeting_teleported', 'M-X', 'now', 'me', '{}', 'x', 'y')"
    )
    conn.close()
    with Register(dated.path, readonly=True) as reg:
        try:
            reg.state()
        except InputError as exc:
            assert "its kind 'meeting_teleported' is not one qsgrules knows" in str(exc)
        else:
            raise AssertionError("a record of an unknown kind was skipped")


def _statements(reg: Register) -> list[str]:
    """Every statement the register runs from now on (as SQLite runs it)."""
    seen: list[str] = []
    reg._conn.set_trace_callback(seen.append)
    return seen


def _scans(path: Path, seen: list[str]) -> list[str]:
    """The statements that read a table whole (SQLite's query plan says SCAN) among those
    reading the records or the state's tables of many meetings."""
    conn = sqlite3.connect(path)
    out = []
    try:
        for sql in seen:
            flat = " ".join(sql.split())
            # (the chain's head: the rowid tree read backwards, one row: SQLite says SCAN)
            if not flat.upper().startswith("SELECT") or flat.endswith("ORDER BY seq DESC LIMIT 1"):
                continue
            plan = conn.execute(f"EXPLAIN QUERY PLAN {flat}").fetchall()
            scanned = [
                str(row[-1])
                for row in plan
                if str(row[-1]).startswith("SCAN") and any(t in str(row[-1]) for t in _GROWING)
            ]
            if scanned:
                out.append(f"{flat}: {scanned}")
    finally:
        conn.close()
    return out


#: Tables that grow with every meeting: never read whole by the commands of a meeting.
_GROWING = ("records", "state_positions", "state_decisions", "state_attendance",
            "state_discussed", "state_amendments", "state_meeting_names")  # fmt: skip


def test_reading_and_writing_read_one_meeting_and_never_every_record(dated: Register) -> None:
    for day in ("2019-05-08", "2019-06-12", "2019-07-01"):
        R.agree(dated, dated.state().headers()[-1].id)
        last = another_meeting(dated, day)
        R.decide(dated, "RJ6", meeting=last, rationale="r", level="regular_review")
    with Register(dated.path, actor="clerk", today=lambda: TODAY) as reg:
        seen = _statements(reg)
        R.confirm(reg, "RJ7", meeting=last, member="Ann Lee")
        R.decide(reg, "RJ7", meeting=last, rationale="r", level="risk_summit")
        R.add_action(reg, "RJ7", meeting=last, owner="CQC", due="2019-08-01", text="t")
        R.agenda(reg, last)
        R.meeting_note(reg, last)
        reg.standing_levels()
        state = reg.state()
        assert isinstance(state, IndexedState)
        # the meeting read in full, and the one before it for the note's matters arising
        # (issue 21): never every meeting
        previous = [h.id for h in state.headers() if h.id != last][-1]
        assert sorted(m.id for m in state.meetings.loaded()) == sorted([last, previous])
        assert _scans(reg.path, seen) == []


def test_audit_verify_finds_the_stored_state_changed_outside_qsgrules(dated: Register) -> None:
    R.decide(dated, "RJ6", meeting=MEETING, rationale="Serious", level="risk_summit")
    assert dated.verify().ok
    conn = sqlite3.connect(dated.path, isolation_level=None)
    conn.execute(
        "UPDATE state_decisions SET data = json_set(data, '$.level', 'no_concerns') "
        "WHERE provider = 'RJ6'"
    )
    conn.close()
    found = dated.verify()
    assert not found.ok and found.problem is not None
    assert found.problem.startswith(
        "the state kept beside the records does not say what they say (meeting M-2019-04-10)"
    )
