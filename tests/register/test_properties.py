"""Properties of the register over any sequence of commands, good or bad: the chain always
verifies, a refused command writes nothing, the standing read in one query is the one the
full record gives (cancelled meetings included), a cancelled meeting changes no standing
level, and no provider ever has two open actions to convene a risk summit."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qsgrules import register as R
from qsgrules.errors import InputError
from qsgrules.model.vocabulary import Level
from qsgrules.register import Register, kinds

from .conftest import MEETING, TODAY, ticking_clock

MEMBERS = ("Ann Lee", "Raj Patel", "Not There")
CODES = ("RJ6", "RJ7", "RJ1", "XX1")
LEVELS = (*Level.values(), "amber")
MEETINGS = (MEETING, "M-2019-06-12", "M-2019-06-12-2", "M-2019-09-04", "M-1999-01-01")

commands = st.one_of(
    st.tuples(st.just("attend"), st.sampled_from(MEETINGS), st.sampled_from(MEMBERS)),
    st.tuples(
        st.just("confirm"), st.sampled_from(MEETINGS), st.sampled_from(CODES),
        st.sampled_from(MEMBERS),
    ),
    st.tuples(
        st.just("override"), st.sampled_from(MEETINGS), st.sampled_from(CODES),
        st.sampled_from(MEMBERS), st.sampled_from(LEVELS), st.sampled_from(["", "a reason"]),
    ),
    st.tuples(
        st.just("decide"), st.sampled_from(MEETINGS), st.sampled_from(CODES),
        st.sampled_from((None, *LEVELS)),
    ),
    st.tuples(st.just("agree"), st.sampled_from(MEETINGS)),
    st.tuples(
        st.just("amend"), st.sampled_from(MEETINGS), st.sampled_from(CODES),
        st.sampled_from(LEVELS),
    ),
    st.tuples(
        st.just("open"),
        st.sampled_from(["2019-06-12", "2019-02-30", "2019-02-01", "2099-01-01"]),
    ),
    st.tuples(st.just("plan"), st.sampled_from(["2019-09-04", "2019-06-12"])),
    st.tuples(st.just("cancel"), st.sampled_from(MEETINGS)),
    st.tuples(
        st.just("keep"), st.sampled_from(MEETINGS), st.sampled_from(CODES),
        st.sampled_from(LEVELS), st.booleans(), st.booleans(),
    ),
)  # fmt: skip


def _apply(reg: Register, command: tuple[object, ...]) -> None:
    name, *args = command
    if name == "attend":
        R.attend(reg, str(args[0]), member=str(args[1]), organisation="CQC")
    elif name == "confirm":
        R.confirm(reg, str(args[1]), meeting=str(args[0]), member=str(args[2]))
    elif name == "override":
        R.override(
            reg, str(args[1]), meeting=str(args[0]), member=str(args[2]), level=str(args[3]),
            reason=str(args[4]),
        )  # fmt: skip
    elif name == "decide":
        level = None if args[2] is None else str(args[2])
        R.decide(reg, str(args[1]), meeting=str(args[0]), rationale="r", level=level)
    elif name == "agree":
        R.agree(reg, str(args[0]))
    elif name == "amend":
        R.amend(reg, str(args[0]), reason="why", provider=str(args[1]), level=str(args[2]))
    elif name == "plan":
        R.plan_meeting(reg, date=str(args[0]), chair="C", qsg=None)
    elif name == "cancel":
        R.cancel_meeting(reg, str(args[0]), reason="opened by mistake")
    elif name == "keep":  # a decision with a review date, or clearing what it would keep
        R.decide(
            reg, str(args[1]), meeting=str(args[0]), rationale="r", level=str(args[2]),
            review_by="2019-09-01" if args[3] else None, clear_exit_criteria=bool(args[4]),
            exit_criteria=None if args[4] else "criteria",
        )  # fmt: skip
    else:
        # the first meeting's triage, whether it is still open or was cancelled
        m = R.fold(reg.records()[:1]).meetings[MEETING]
        R.open_meeting(
            reg, date=str(args[0]), chair="C", qsg=m.qsg, triage={"as_of": "2019-03",
            "ruleset": m.ruleset, "proposals": [{"provider": c, "level": v.value}
            for c, v in m.proposed.items()]}, providers=m.providers, members=m.members,
            settings=m.settings,
        )  # fmt: skip


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(commands, min_size=1, max_size=25))
def test_any_sequence_of_commands_keeps_the_record_whole(
    _template: Path, sequence: list[tuple[object, ...]]
) -> None:
    # _template is made once per session and only copied here: the health check's worry
    # (state shared between examples) does not arise
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "register.sqlite"
        shutil.copy(_template / "register.sqlite", path)
        with Register(path, actor="clerk", clock=ticking_clock(), today=lambda: TODAY) as reg:
            for command in sequence:
                before = len(reg.records(frozen=True))
                try:
                    _apply(reg, command)
                except InputError as exc:
                    assert exc.problems and all(p.code.startswith("QSG6") for p in exc.problems)
                    assert len(reg.records(frozen=True)) == before, command
                else:
                    assert len(reg.records(frozen=True)) > before, command
            assert reg.verify().ok and reg.integrity() == "ok"
            for r in reg.records():  # every body is its kind's model, read back unchanged
                assert kinds.dump(kinds.read(r)) == r.body, r.label()
            state = R.fold(reg.records())
            quick = reg.standing_levels()
            assert quick == {code: d.standing() for code, d in state.standings().items()}
            assert not {s.meeting for s in quick.values()} & set(state.cancelled)
            convene = [
                a.provider
                for a in state.actions.values()
                if a.kind == R.ActionKind.CONVENE_SUMMIT and a.status == "open"
            ]
            assert len(convene) == len(set(convene)), convene
            for m in state.meetings.values():
                for code, d in m.decisions.items():
                    assert code in m.proposed and d.proposed == m.proposed[code]
                    # the dissent is every position against the level concluded (as amended)
                    assert d.dissent == [p for p in d.positions if p["level"] != d.level.value]


_DECISION = st.tuples(st.sampled_from(CODES[:3]), st.sampled_from(Level.values()))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.lists(_DECISION, max_size=4), st.lists(_DECISION, min_size=1, max_size=6))
def test_a_cancelled_meeting_changes_no_standing_level(
    _template: Path, before: list[tuple[str, str]], mistaken: list[tuple[str, str]]
) -> None:
    from .conftest import another_meeting

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "register.sqlite"
        shutil.copy(_template / "register.sqlite", path)
        with Register(path, actor="clerk", clock=ticking_clock(), today=lambda: TODAY) as reg:
            for code, level in before:
                R.decide(reg, code, meeting=MEETING, rationale="r", level=level)
            R.agree(reg, MEETING)
            state = R.fold(reg.records())
            standing = reg.standing_levels()
            open_actions = {a.id for a in state.actions.values() if a.status == "open"}
            second = another_meeting(reg, "2019-06-12")
            for code, level in mistaken:
                R.decide(reg, code, meeting=second, rationale="mistake", level=level)
            R.cancel_meeting(reg, second, reason="opened by mistake")
            after = R.fold(reg.records())
            assert reg.standing_levels() == standing
            assert {c: d.standing() for c, d in after.standings().items()} == standing
            assert {a.id for a in after.actions.values() if a.status == "open"} == open_actions
