"""Carry-forward that keeps what was agreed (issue 16, item 4): a decision keeping the
standing level keeps its review date and exit criteria unless the chair changes or clears
them; the note and the agenda say where they were kept from. A provider at further
information required comes back on the next agenda with what was asked, of whom, and
whether it arrived."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qsgrules import register as R
from qsgrules.errors import InputError
from qsgrules.register import Register
from qsgrules.reports import note as note_report

from .conftest import MEETING, TODAY, another_meeting, ticking_clock

CRITERIA = "Four-hour performance within limits for two months"


def _agenda(reg: Register, meeting: str) -> dict[str, R.AgendaProvider]:
    return {item.provider: item for item in R.agenda(reg, meeting)}


def test_a_no_change_decision_keeps_the_review_date_and_exit_criteria(dated: Register) -> None:
    # As found: RJ2 decided regular review with a review date and exit criteria; a "no
    # change" decision at the next meeting left it with review_by and exit_criteria null
    R.decide(dated, "RJ2", meeting=MEETING, rationale="Concerns", level="regular_review",
             review_by="2019-06-12", exit_criteria=CRITERIA)  # fmt: skip
    second = another_meeting(dated, "2019-05-15")
    done = R.decide(dated, "RJ2", meeting=second, rationale="No change", level="regular_review")
    d = done.decision
    assert (d.review_by, d.exit_criteria) == ("2019-06-12", CRITERIA)
    assert (d.review_by_from, d.exit_criteria_from) == (MEETING, MEETING)
    standing = dated.standing_levels()["RJ2"]
    assert (standing.meeting, standing.review_by, standing.exit_criteria) == (
        second, "2019-06-12", CRITERIA,
    )  # fmt: skip
    # and the next meeting keeps them from the first, where they were set
    third = another_meeting(dated, "2019-06-05")
    again = R.decide(dated, "RJ2", meeting=third, rationale="Still", level="regular_review")
    assert again.decision.review_by_from == MEETING == again.decision.exit_criteria_from
    fourth = another_meeting(dated, "2019-06-26")
    reasons = _agenda(dated, fourth)["RJ2"].reasons
    assert f"kept from {MEETING}: review by 2019-06-12; exit criteria: {CRITERIA}" in reasons
    assert f"review was due by 2019-06-12 (kept from {MEETING})" in reasons
    note = note_report.markdown(R.meeting_note(dated, third))
    assert f"**Review by:** 2019-06-12 (kept from {MEETING})" in note
    assert f"**Exit criteria:** {CRITERIA} (kept from {MEETING})" in note
    assert f"(kept from {MEETING})" in note_report.html(R.meeting_note(dated, third))


def test_the_chair_changes_or_clears_them_explicitly(dated: Register) -> None:
    R.decide(dated, "RJ2", meeting=MEETING, rationale="Concerns", level="regular_review",
             review_by="2019-06-12", exit_criteria=CRITERIA)  # fmt: skip
    second = another_meeting(dated, "2019-05-15")
    changed = R.decide(dated, "RJ2", meeting=second, rationale="New date",
                       level="regular_review", review_by="2019-07-10").decision  # fmt: skip
    assert (changed.review_by, changed.review_by_from) == ("2019-07-10", None)
    assert (changed.exit_criteria, changed.exit_criteria_from) == (CRITERIA, MEETING)
    cleared = R.decide(dated, "RJ2", meeting=second, rationale="Open-ended",
                       level="regular_review", clear_review_by=True,
                       clear_exit_criteria=True).decision  # fmt: skip
    assert (cleared.review_by, cleared.exit_criteria) == (None, None)
    s = dated.standing_levels()["RJ2"]
    assert (s.review_by, s.exit_criteria) == (None, None)
    with pytest.raises(InputError, match="given and cleared at once") as exc:
        R.decide(dated, "RJ2", meeting=second, rationale="x", level="regular_review",
                 review_by="2019-07-10", clear_review_by=True)  # fmt: skip
    assert [p.code for p in exc.value.problems] == ["QSG647"]


def test_a_new_level_carries_nothing(dated: Register) -> None:
    R.decide(dated, "RJ2", meeting=MEETING, rationale="Concerns", level="regular_review",
             review_by="2019-06-12", exit_criteria=CRITERIA)  # fmt: skip
    second = another_meeting(dated, "2019-05-15")
    d = R.decide(dated, "RJ2", meeting=second, rationale="Worse", level="risk_summit").decision
    assert (d.review_by, d.exit_criteria, d.review_by_from) == (None, None, None)


def test_a_kept_review_date_already_past_is_warned_about(dated: Register) -> None:
    R.decide(dated, "RJ2", meeting=MEETING, rationale="Concerns", level="regular_review",
             review_by="2019-05-01")  # fmt: skip
    second = another_meeting(dated, "2019-05-15")
    done = R.decide(dated, "RJ2", meeting=second, rationale="No change", level="regular_review")
    (warning,) = done.warnings
    assert f"the review date 2019-05-01 kept from {MEETING} is before this meeting" in warning


def test_an_amendment_clears_and_the_note_says_so(dated: Register) -> None:
    R.decide(dated, "RJ2", meeting=MEETING, rationale="Concerns", level="regular_review",
             review_by="2019-06-12", exit_criteria=CRITERIA)  # fmt: skip
    R.agree(dated, MEETING)
    R.amend(dated, MEETING, reason="Set in error", provider="RJ2", clear_review_by=True)
    s = dated.standing_levels()["RJ2"]
    assert (s.review_by, s.exit_criteria) == (None, CRITERIA)
    assert R.fold(dated.records()).standings()["RJ2"].standing() == s
    assert "RJ2: review by cleared. Reason: Set in error" in note_report.markdown(
        R.meeting_note(dated, MEETING)
    )


# ---- property: carry-forward keeps criteria -------------------------------------------

_OPTION = st.sampled_from(["keep", "set", "clear"])
_STEP = st.tuples(st.sampled_from(["regular_review", "risk_summit"]), _OPTION, _OPTION)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_STEP, min_size=1, max_size=5))
def test_carry_forward_keeps_criteria_until_the_level_changes_or_the_chair_says(
    _template: Path, steps: list[tuple[str, str, str]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "register.sqlite"
        shutil.copy(_template / "register.sqlite", path)
        with Register(path, actor="clerk", clock=ticking_clock(), today=lambda: TODAY) as reg:
            expected: dict[str, str | None] = {"review_by": None, "exit_criteria": None}
            level: str | None = None
            day = dt.date(2019, 4, 10)
            for n, (lv, review, criteria) in enumerate(steps):
                meeting = MEETING if n == 0 else another_meeting(reg, day.isoformat())
                given_review = f"2019-08-{n + 10:02d}" if review == "set" else None
                given_exit = f"criteria {n}" if criteria == "set" else None
                R.decide(reg, "RJ2", meeting=meeting, rationale="r", level=lv,
                         review_by=given_review, exit_criteria=given_exit,
                         clear_review_by=review == "clear",
                         clear_exit_criteria=criteria == "clear")  # fmt: skip
                for name, option, value in (
                    ("review_by", review, given_review),
                    ("exit_criteria", criteria, given_exit),
                ):
                    if option != "keep" or lv != level:
                        expected[name] = value
                level = lv
                day += dt.timedelta(days=14)
            quick = reg.standing_levels()["RJ2"]
            full = R.fold(reg.records()).standings()["RJ2"].standing()
            assert quick == full
            assert (quick.review_by, quick.exit_criteria) == (
                expected["review_by"], expected["exit_criteria"],
            )  # fmt: skip


# ---- further information required comes back ------------------------------------------


def test_further_information_comes_back_with_what_was_asked_of_whom(dated: Register) -> None:
    # As found: a provider decided "further information required" was not on the next
    # agenda unless a review date was typed
    R.decide(dated, "RJ1", meeting=MEETING, rationale="Need the CQC report",
             level="further_information")  # fmt: skip
    asked = R.add_action(dated, "RJ1", meeting=MEETING, kind="information_request",
                         owner="CQC", due="2019-05-01", text="The inspection report")  # fmt: skip
    assert asked.kind == R.ActionKind.INFORMATION
    second = another_meeting(dated, "2019-05-15")
    item = _agenda(dated, second)["RJ1"]
    assert item.section == R.agenda_module.FURTHER_INFORMATION
    assert item.reasons[:2] == (
        f"standing further information required since 2019-04-10 ({MEETING}): the "
        "information asked for comes back to the next meeting",
        f"asked CQC at {MEETING}: The inspection report (A-001, due 2019-05-01): not arrived, "
        "overdue",
    )
    R.respond(dated, asked.id, response="Received: rated requires improvement", on="2019-05-10")
    item = _agenda(dated, second)["RJ1"]
    assert (
        f"asked CQC at {MEETING}: The inspection report (A-001): arrived 2019-05-10: "
        "Received: rated requires improvement"
    ) in item.reasons


def test_further_information_with_nothing_asked_says_so(dated: Register) -> None:
    R.decide(dated, "RJ1", meeting=MEETING, rationale="More needed",
             level="further_information")  # fmt: skip
    second = another_meeting(dated, "2019-05-15")
    (reason,) = _agenda(dated, second)["RJ1"].reasons[1:2]
    assert reason.startswith(f"nothing was recorded as asked at {MEETING}")


def test_a_response_is_only_to_an_information_request(dated: Register) -> None:
    a = R.add_action(dated, "RJ1", meeting=MEETING, owner="CQC", due="2019-05-01", text="x")
    with pytest.raises(InputError, match="is not an information request") as exc:
        R.respond(dated, a.id, response="y")
    assert [p.code for p in exc.value.problems] == ["QSG651"]
    req = R.add_action(dated, "RJ1", meeting=MEETING, kind="information_request",
                       owner="CQC", due="2019-05-01", text="x")  # fmt: skip
    with pytest.raises(InputError, match="is after today"):
        R.respond(dated, req.id, response="y", on="2019-07-02")
    done = R.respond(dated, req.id, response="y", on="2019-04-10")
    assert done.status == "closed" and done.response == "y"
    with pytest.raises(InputError, match="was closed"):
        R.respond(dated, req.id, response="again")
    with pytest.raises(InputError, match="unknown kind of action"):
        R.add_action(dated, "RJ1", meeting=MEETING, kind="memo", owner="CQC",
                     due="2019-05-01", text="x")  # fmt: skip


def test_the_note_names_an_information_request_and_its_response(dated: Register) -> None:
    req = R.add_action(dated, "RJ1", meeting=MEETING, kind="information_request",
                       owner="CQC", due="2019-05-01", text="The report")  # fmt: skip
    R.respond(dated, req.id, response="Arrived in full", on="2019-04-20")
    md = note_report.markdown(R.meeting_note(dated, MEETING))
    assert (
        "- A-001 (information request): The report (owner CQC, due 2019-05-01, closed); "
        "response: Arrived in full"
    ) in md


def test_the_standing_on_a_date_includes_that_days_decision(dated: Register) -> None:
    R.decide(dated, "RJ2", meeting=MEETING, rationale="Concerns", level="regular_review")
    assert "RJ2" not in dated.standing_levels(on=dt.date(2019, 4, 9))
    assert dated.standing_levels(on=dt.date(2019, 4, 10))["RJ2"].level.value == "regular_review"
    folded = R.fold(dated.records())  # the records' own state agrees with the stored one
    assert "RJ2" not in folded.standings(on=dt.date(2019, 4, 9))
    assert folded.standings(on=dt.date(2019, 4, 10))["RJ2"].meeting == MEETING


def test_of_two_meetings_on_one_date_the_later_decision_stands(dated: Register) -> None:
    R.decide(dated, "RJ2", meeting=MEETING, rationale="Concerns", level="regular_review")
    second = another_meeting(dated, "2019-04-10")
    R.decide(dated, "RJ2", meeting=second, rationale="Worse", level="risk_summit")
    assert dated.standing_levels()["RJ2"].level.value == "risk_summit"
    assert R.fold(dated.records()).standings()["RJ2"].meeting == second
