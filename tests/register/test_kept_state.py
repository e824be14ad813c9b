"""Writes that cost the same with two years of meetings as with one: a write serialises
again only the items it handed out (``indexed.Tracked``), and a server's writes start from
the state the last one left (``Kept``) while nothing was recorded since, by anyone. What
is stored is still, write after write, what the fold of the records gives."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qsgrules import register as R
from qsgrules.errors import InputError
from qsgrules.register import Kept, Register, materialised
from qsgrules.register.indexed import IndexedState, Tracked

from .conftest import MEETING, TODAY, ticking_clock
from .test_materialised import START, _apply, commands, rebuilt, same_answers, tables


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.lists(st.tuples(commands, st.booleans()), min_size=1, max_size=25))
def test_writes_from_a_kept_state_store_what_the_records_say(
    _template: Path, sequence: list[tuple[tuple[object, ...], bool]]
) -> None:
    """Each command through a register of its own, as a server writes: most sharing one
    ``Kept``, some (``other``) through a register without it, as another process would."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "register.sqlite"
        shutil.copy(_template / "register.sqlite", path)
        clock = ticking_clock()
        kept = Kept()
        steps = [(c, False) for c in START] + sequence
        for command, other in steps:
            with Register(path, actor="clerk", clock=clock, today=lambda: TODAY) as reg:
                if not other:
                    reg.kept = kept
                try:
                    _apply(reg, command)
                except InputError:
                    pass
        with Register(path, readonly=True) as reg:
            assert materialised.stale(reg._conn) is None
            same_answers(reg.state(), R.fold(reg.records()))
            assert reg.verify().ok
        assert tables(path) == rebuilt(path, Path(tmp) / "again.sqlite")


def test_the_next_write_starts_from_the_state_the_last_one_left(attended: Register) -> None:
    path = attended.path
    kept = Kept()
    with Register(path, actor="clerk") as first:
        first.kept = kept
        R.confirm(first, "RJ6", meeting=MEETING, member="Ann Lee")
        left = first.state()
    with Register(path, actor="clerk") as second:
        second.kept = kept
        assert second._taken() is left  # read no more: nothing was recorded since
    # taken once: a third register reads the stored state
    with Register(path, actor="clerk") as third:
        third.kept = kept
        assert third._taken() is None


def test_a_kept_state_is_not_used_after_another_writer_recorded(attended: Register) -> None:
    path = attended.path
    kept = Kept()
    with Register(path, actor="clerk") as first:
        first.kept = kept
        R.confirm(first, "RJ6", meeting=MEETING, member="Ann Lee")
    with Register(path, actor="someone else") as other:  # another process's write
        R.confirm(other, "RJ7", meeting=MEETING, member="Ann Lee")
    with Register(path, actor="clerk") as second:
        second.kept = kept
        assert second._taken() is None
        R.confirm(second, "RJ6", meeting=MEETING, member="Raj Patel")
        m = second.state().meetings[MEETING]
        assert set(m.positions["RJ6"]) == {"Ann Lee", "Raj Patel"}
        assert set(m.positions["RJ7"]) == {"Ann Lee"}
    with Register(path, readonly=True) as reg:
        same_answers(reg.state(), R.fold(reg.records()))


def test_a_write_serialises_only_the_items_it_handed_out(attended: Register) -> None:
    R.add_action(attended, "RJ6", meeting=MEETING, owner="CQC", due="2019-05-01", text="Visit")
    R.add_action(attended, "RJ7", meeting=MEETING, owner="CQC", due="2019-05-01", text="Call")
    with Register(attended.path, actor="clerk") as reg:
        state = reg.state()
        assert isinstance(state, IndexedState) and isinstance(state.actions, Tracked)
        assert state.actions.touched == set()
        assert "A-001" in state.actions and len(state.actions) == 2
        assert state.actions.touched == set()  # membership hands nothing out
        state.actions["A-001"]
        state.actions.get("A-002")
        assert state.actions.touched == {"A-001", "A-002"}
        list(state.actions.values())
        assert state.actions.touched is None  # any may have been changed
        R.close_action(reg, "A-002", note="Done", on="2019-04-10")
        # saved: only what the command read back after its write was handed out since
        touched = reg.state().actions.touched
        assert touched is not None and touched <= {"A-002"}
    with Register(attended.path, readonly=True) as reg:
        assert reg.state().actions["A-002"].closed is not None
        same_answers(reg.state(), R.fold(reg.records()))
