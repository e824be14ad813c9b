"""Dates that make sense together (issue 16, item 6): a meeting is never dated after today
nor before the end of the data it freezes, review and due dates never before their
meeting, an action never closed in the future nor before it was agreed; a future meeting is
planned, not opened; a meeting opened by mistake is cancelled by a record. "Today" is
injected everywhere: nothing here reads the real date."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from qsgrules import api_register
from qsgrules import register as R
from qsgrules.api import run_triage
from qsgrules.bundled import demo_workspace
from qsgrules.errors import InputError
from qsgrules.model.vocabulary import Level
from qsgrules.register import Register
from qsgrules.web import LiveReview

from .conftest import MEETING, TODAY, another_meeting, ticking_clock


def _codes(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [p.code for p in exc.value.problems]


def _count(reg: Register) -> int:
    return len(reg.records(frozen=True))


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    target = tmp_path / "demo"
    shutil.copytree(demo_workspace(), target)
    return target


# ---- meetings: after today, before the data ----------------------------------------------


@pytest.mark.parametrize(
    ("date", "code", "words"),
    [
        ("2099-01-01", "QSG640", "2099-01-01 is after today (2019-07-01)"),
        ("2019-07-02", "QSG640", "add --planned"),
        ("2019-02-01", "QSG641", "cannot discuss data to 2019-03"),
        ("2019-03-31", "QSG641", "that month was not over until 2019-03-31"),
    ],
)
def test_a_first_meeting_with_an_impossible_date_writes_no_register(
    fresh: Path, date: str, code: str, words: str
) -> None:
    with pytest.raises(InputError, match=re.escape(words)) as exc:
        api_register.open_meeting(
            date=date, chair="C", qsg="South London", workspace=fresh, today=lambda: TODAY
        )
    assert _codes(exc) == [code] and exc.value.problems[0].argument == "date"
    assert not (fresh / "register.sqlite").exists()  # nothing written, not even a new file


def test_a_meeting_the_day_after_its_data_month_and_today_itself_are_accepted(
    fresh: Path,
) -> None:
    first = api_register.open_meeting(
        date="2019-04-01", chair="C", workspace=fresh, today=lambda: TODAY
    )
    today = api_register.open_meeting(
        date=TODAY.isoformat(), chair="C", workspace=fresh, today=lambda: TODAY
    )
    assert (first.id, today.id) == ("M-2019-04-01", "M-2019-07-01")


def test_an_as_of_month_after_the_meeting_is_refused(dated: Register) -> None:
    m = R.fold(dated.records()).meetings[MEETING]
    triage = json.loads(dated.frozen_triage(MEETING)) | {"as_of": "2019-05"}
    n = _count(dated)
    with pytest.raises(InputError, match="cannot discuss data to 2019-05") as exc:
        R.open_meeting(
            dated, date="2019-05-20", chair="C", qsg=m.qsg, triage=triage,
            providers=m.providers, members=m.members, settings=m.settings,
        )  # fmt: skip
    assert _codes(exc) == ["QSG641"] and _count(dated) == n


def test_a_meeting_more_than_a_year_after_its_data_is_warned_about(dated: Register) -> None:
    late = another_meeting(dated, "2019-06-30")
    assert R.opening_warnings(R.fold(dated.records()).meetings[late]) == []
    with Register(dated.path, today=lambda: dt.date(2020, 6, 1)) as later:
        very_late = another_meeting(later, "2020-04-01")
        (warning,) = R.opening_warnings(R.fold(later.records()).meetings[very_late])
    assert "367 days after the end of the data it freezes (2019-03)" in warning


# ---- the 2099 meeting of the issue -----------------------------------------------------


def test_a_2099_meeting_cannot_hide_a_real_decision(dated: Register) -> None:
    # As found: a meeting mistyped as 2099 decided "no concerns"; a real 2019-05-01 risk
    # summit decision then no longer changed the standing level. The 2099 meeting is
    # refused now, and a planned one records nothing that could count.
    n = _count(dated)
    with pytest.raises(InputError, match="is after today") as exc:
        another_meeting(dated, "2099-01-01")
    assert _codes(exc) == ["QSG640"] and _count(dated) == n
    plan = R.plan_meeting(dated, date="2099-01-01", chair="C", qsg="South London")
    with pytest.raises(InputError, match="planned for 2099-01-01 and not open") as exc:
        R.decide(dated, "RJ6", meeting=plan.id, rationale="x", level="no_concerns")
    assert _codes(exc) == ["QSG645"]
    real = another_meeting(dated, "2019-05-01")
    R.decide(dated, "RJ6", meeting=real, rationale="Serious concerns", level="risk_summit")
    standing = dated.standing_levels()["RJ6"]
    assert (standing.level, standing.meeting) == (Level.RISK_SUMMIT, real)


def test_a_2099_meeting_from_before_the_check_is_cancelled_and_stops_counting(
    dated: Register,
) -> None:
    # a register written before this check (simulated: "today" far ahead) holds one
    with Register(dated.path, actor="clerk", today=lambda: dt.date(2100, 1, 1)) as old:
        mistyped = another_meeting(old, "2099-01-01")
        R.decide(old, "RJ6", meeting=mistyped, rationale="typo", level="no_concerns")
    real = another_meeting(dated, "2019-05-01")
    R.decide(dated, "RJ6", meeting=real, rationale="Serious concerns", level="risk_summit")
    assert dated.standing_levels()["RJ6"].meeting == mistyped
    R.cancel_meeting(dated, mistyped, reason="Opened with a mistyped date")
    held = dated.standing_levels()["RJ6"]
    assert (held.level, held.meeting) == (Level.RISK_SUMMIT, real)
    assert R.fold(dated.records()).standings()["RJ6"].meeting == real


# ---- planned meetings ------------------------------------------------------------------


def test_a_planned_meeting_is_in_the_schedule_without_a_triage(dated: Register) -> None:
    plan = R.plan_meeting(dated, date="2019-09-04", chair="Dr Jo Chair", qsg="South London")
    assert plan.id == "M-2019-09-04"
    state = R.fold(dated.records())
    assert plan.id in state.planned and plan.id not in state.meetings
    with pytest.raises(InputError, match="no frozen triage"):
        dated.frozen_triage(plan.id)
    with pytest.raises(InputError) as exc:
        R.agenda(dated, plan.id)
    assert _codes(exc) == ["QSG645"]
    # opened on the day, it keeps its id and leaves the schedule
    with Register(dated.path, today=lambda: dt.date(2019, 9, 4)) as on_the_day:
        opened = another_meeting(on_the_day, "2019-09-04")
        state = R.fold(on_the_day.records())
    assert opened == plan.id and plan.id in state.meetings and not state.planned


@pytest.mark.parametrize("date", ["2019-07-01", "2019-04-30"])
def test_a_meeting_today_or_before_is_opened_not_planned(dated: Register, date: str) -> None:
    n = _count(dated)
    with pytest.raises(InputError, match=r"is opened .* not planned") as exc:
        R.plan_meeting(dated, date=date, chair="C", qsg=None)
    assert _codes(exc) == ["QSG652"] and _count(dated) == n


def test_planning_a_first_meeting_in_the_past_writes_no_register(fresh: Path) -> None:
    with pytest.raises(InputError):
        api_register.plan_meeting(date="2019-06-01", chair="C", workspace=fresh,
                                  today=lambda: TODAY)  # fmt: skip
    assert not (fresh / "register.sqlite").exists()
    plan = api_register.plan_meeting(
        date="2019-08-01", chair="C", qsg="South London", workspace=fresh, today=lambda: TODAY
    )
    assert plan.id == "M-2019-08-01" and plan.qsg == "South London"


# ---- review dates, due dates, closing dates ---------------------------------------------


def test_a_review_date_before_its_meeting_is_refused(dated: Register) -> None:
    n = _count(dated)
    with pytest.raises(InputError, match="2019-02-27 is before the meeting that sets it") as exc:
        R.decide(dated, "RJ6", meeting=MEETING, rationale="x", level="regular_review",
                 review_by="2019-02-27")  # fmt: skip
    assert _codes(exc) == ["QSG642"] and exc.value.problems[0].argument == "review_by"
    assert _count(dated) == n
    R.decide(dated, "RJ6", meeting=MEETING, rationale="x", level="regular_review",
             review_by=MEETING[2:])  # fmt: skip
    R.agree(dated, MEETING)
    with pytest.raises(InputError, match="before the meeting it is for") as exc:
        R.amend(dated, MEETING, reason="typo", provider="RJ6", review_by="2019-04-09")
    assert _codes(exc) == ["QSG642"]


def test_an_action_due_before_its_meeting_is_refused_and_cannot_move_there(
    dated: Register,
) -> None:
    with pytest.raises(InputError, match="before the meeting that agreed it") as exc:
        R.add_action(dated, "RJ6", meeting=MEETING, owner="CQC", due="2019-04-09", text="x")
    assert _codes(exc) == ["QSG642"]
    a = R.add_action(dated, "RJ6", meeting=MEETING, owner="CQC", due="2019-04-10", text="x")
    with pytest.raises(InputError, match="before the day action A-001 was agreed") as exc:
        R.move_action(dated, a.id, due="2019-03-01", reason="typo")
    assert _codes(exc) == ["QSG642"]


def test_an_action_is_never_closed_in_the_future_nor_before_it_existed(dated: Register) -> None:
    a = R.add_action(dated, "RJ6", meeting=MEETING, owner="CQC", due="2019-05-01", text="x")
    n = _count(dated)
    with pytest.raises(InputError, match="2099-01-01 is after today") as exc:
        R.close_action(dated, a.id, note="done", on="2099-01-01")
    assert _codes(exc) == ["QSG640"]
    with pytest.raises(InputError, match=r"before action A-001 existed \(M-2019-04-10") as exc:
        R.close_action(dated, a.id, note="done", on="2019-04-09")
    assert _codes(exc) == ["QSG643"] and _count(dated) == n
    closed = R.close_action(dated, a.id, note="done")  # default: today, the injected one
    assert closed.closed is not None and closed.closed["on"] == TODAY.isoformat()


# ---- cancelling a meeting --------------------------------------------------------------


def test_a_cancelled_meeting_changes_no_standing_level_and_leaves_every_view(
    dated: Register, ws: Path
) -> None:
    R.decide(dated, "RJ6", meeting=MEETING, rationale="first", level="regular_review",
             review_by="2019-06-12", exit_criteria="Back within limits")  # fmt: skip
    R.agree(dated, MEETING)
    before = dated.standing_levels()
    mistake = another_meeting(dated, "2019-05-01")
    R.confirm(dated, "RJ6", meeting=mistake, member="Ann Lee")
    R.decide(dated, "RJ6", meeting=mistake, rationale="oops", level="no_concerns")
    R.decide(dated, "RJ7", meeting=mistake, rationale="oops", level="risk_summit")
    a = R.add_action(dated, "RJ7", meeting=mistake, owner="CQC", due="2019-06-01", text="x")
    assert dated.standing_levels() != before
    live = LiveReview.load(ws)
    assert live.current(live.read_state()).id == mistake  # type: ignore[union-attr]

    gone = R.cancel_meeting(dated, mistake, reason="Opened by mistake")
    assert gone.was == "draft" and gone.reason == "Opened by mistake"
    assert dated.standing_levels() == before
    state = R.fold(dated.records())
    assert {c: d.standing() for c, d in state.standings().items()} == before
    assert mistake not in state.meetings and live.current(live.read_state()) is None
    assert {p.provider: p.standing for p in run_triage(ws).proposals if p.standing} == before
    # its actions are withdrawn, the convene action its decision opened too
    assert [x.id for x in R.list_actions(dated)] == []
    assert set(state.withdrawn) == {"A-001", a.id}
    with pytest.raises(InputError, match="withdrawn with its meeting") as exc:
        R.close_action(dated, a.id, note="x")
    assert _codes(exc) == ["QSG644"]
    # nothing more is recorded at it; the audit trail shows it; its id is not reused
    with pytest.raises(InputError, match="was cancelled on 2019-04-10 by clerk") as exc:
        R.confirm(dated, "RJ6", meeting=mistake, member="Ann Lee")
    assert _codes(exc) == ["QSG644"]
    assert [r.kind for r in dated.records()][-1] == "meeting_cancelled"
    assert dated.verify().ok
    assert another_meeting(dated, "2019-05-01") == f"{mistake}-2"
    agenda = R.agenda(dated, f"{mistake}-2")
    assert not any("2019-05-01" in reason for item in agenda for reason in item.reasons)


def test_an_agreed_meeting_is_not_cancelled(dated: Register) -> None:
    R.agree(dated, MEETING)
    n = _count(dated)
    with pytest.raises(InputError, match="correct it by amendments") as exc:
        R.cancel_meeting(dated, MEETING, reason="x")
    assert _codes(exc) == ["QSG646"] and _count(dated) == n


def test_a_planned_meeting_is_cancelled_and_cancelling_twice_is_refused(dated: Register) -> None:
    plan = R.plan_meeting(dated, date="2019-09-04", chair="C", qsg=None)
    assert R.cancel_meeting(dated, plan.id, reason="Moved").was == "planned"
    with pytest.raises(InputError, match="was cancelled") as exc:
        R.cancel_meeting(dated, plan.id, reason="again")
    assert _codes(exc) == ["QSG644"]


def test_a_pinned_live_page_refuses_a_cancelled_meeting(dated: Register, ws: Path) -> None:
    mistake = another_meeting(dated, "2019-05-01")
    R.cancel_meeting(dated, mistake, reason="Opened by mistake")
    with pytest.raises(InputError) as exc:
        LiveReview.load(ws, meeting=mistake)
    assert _codes(exc) == ["QSG644"]


def test_the_register_clock_and_today_are_apart(ws: Path) -> None:
    # records are stamped by the clock; dates are checked against today
    with Register(ws / "register.sqlite", actor="clerk", clock=ticking_clock(),
                  today=lambda: dt.date(2019, 4, 30)) as reg:  # fmt: skip
        with pytest.raises(InputError, match="after today"):
            another_meeting(reg, "2019-05-01")
        assert another_meeting(reg, "2019-04-30") == "M-2019-04-30"
        assert reg.records()[-1].recorded_at.startswith("2019-04-10T09:00")
