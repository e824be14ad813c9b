"""Risk summits as records (issue 16, item 5): one convene action per provider at most, a
lower level closes it (and withdraws a summit convened) with a stated reason, a summit
convened and held has its own record, and the agenda, note, pack and regional report show
summits pending and held."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from qsgrules import register as R
from qsgrules.errors import InputError
from qsgrules.model.vocabulary import ItemStatus, Level
from qsgrules.register import Register
from qsgrules.reports import note as note_report
from qsgrules.reports import regional as regional_report

from .conftest import MEETING, TODAY, another_meeting


def _codes(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [p.code for p in exc.value.problems]


def _convene_actions(reg: Register, code: str) -> list[R.Action]:
    return [
        a
        for a in R.list_actions(reg, open_only=True, provider=code)
        if a.kind == R.ActionKind.CONVENE_SUMMIT
    ]


def test_one_open_convene_action_per_provider_across_meetings(dated: Register) -> None:
    # As found: each risk summit decision opened another "convene" action (RF4 had two)
    first = R.decide(dated, "RJ6", meeting=MEETING, rationale="Serious", level="risk_summit")
    assert first.summit_action == "A-001"
    second = another_meeting(dated, "2019-05-01")
    again = R.decide(dated, "RJ6", meeting=second, rationale="Still", level="risk_summit")
    assert again.summit_action is None
    assert again.summit_pending == "action A-001 to convene the risk summit is open"
    assert [a.id for a in _convene_actions(dated, "RJ6")] == ["A-001"]


def test_lowering_the_level_closes_the_convene_action_with_the_decision_as_reason(
    dated: Register,
) -> None:
    # As found: lowering RJ6 from summit left its convene action open
    R.decide(dated, "RJ6", meeting=MEETING, rationale="Serious", level="risk_summit")
    second = another_meeting(dated, "2019-05-01")
    done = R.decide(dated, "RJ6", meeting=second, rationale="Plan agreed",
                    level="regular_review")  # fmt: skip
    assert done.superseded == ("A-001",)
    a = R.fold(dated.records()).actions["A-001"]
    assert a.status == ItemStatus.CLOSED and a.superseded_by == second
    assert a.closed is not None and a.closed["on"] == "2019-05-01"
    assert a.closed["note"] == f"superseded: {second} decided regular review: Plan agreed"
    note = note_report.markdown(R.meeting_note(dated, second))
    assert (
        f"- RJ6: action A-001 (Convene a risk summit for RJ6 Croydon Health Services NHS "
        f"Trust) closed: superseded: {second} decided regular review: Plan agreed" in note
    )
    # cancelling that meeting undoes what its decision closed
    R.cancel_meeting(dated, second, reason="Opened by mistake")
    assert [x.id for x in _convene_actions(dated, "RJ6")] == ["A-001"]


def test_a_summit_convened_held_and_followed_up(dated: Register) -> None:
    R.decide(dated, "RJ6", meeting=MEETING, rationale="Serious", level="risk_summit")
    s = R.convene_summit(dated, "RJ6", date="2019-05-02",
                         invited=["CQC", "NHS Croydon CCG", "RJ6", "CQC"])  # fmt: skip
    assert (s.id, s.invited, s.action, s.status) == (
        "S-001", ("CQC", "NHS Croydon CCG", "RJ6"), "A-001", "convened",
    )  # fmt: skip
    closed = R.fold(dated.records()).actions["A-001"]
    assert closed.closed is not None and closed.closed["note"] == "convened as S-001 for 2019-05-02"
    assert closed.closed["on"] == "2019-05-02"  # the summit's day at the latest
    with pytest.raises(InputError, match="already convened") as exc:
        R.convene_summit(dated, "RJ6", date="2019-05-09", invited=["CQC"])
    assert _codes(exc) == ["QSG649"]
    second = another_meeting(dated, "2019-04-24")
    pending = {i.provider: i for i in R.agenda(dated, second)}["RJ6"]
    assert (
        "risk summit S-001 convened for 2019-05-02; invited: CQC, NHS Croydon CCG, RJ6 "
        "(the provider)"
    ) in pending.reasons
    held = R.hold_summit(
        dated,
        s.id,
        present=["CQC", "NHS Croydon CCG"],
        outcome="An improvement plan is agreed",
        level_after="regular_review",
    )
    assert held.status == "held" and held.held is not None
    assert (held.held.date, held.held.level_after) == (dt.date(2019, 5, 2), Level.REGULAR_REVIEW)
    a = R.add_action(dated, "RJ6", summit=s.id, owner="NHS Croydon CCG", due="2019-06-01",
                     text="Monitor the plan")  # fmt: skip
    assert (a.summit, a.meeting, a.since) == (s.id, None, dt.date(2019, 5, 2))
    third = another_meeting(dated, "2019-06-12")
    item = {i.provider: i for i in R.agenda(dated, third)}["RJ6"]
    assert (
        "risk summit S-001 held 2019-05-02: present CQC, NHS Croydon CCG; the provider not "
        "present; outcome: An improvement plan is agreed; level after: regular review; "
        "actions agreed: A-002"
    ) in item.reasons
    assert (
        "the summit's level after (regular review) is not the QSG's (standing risk summit "
        "required): the QSG decides"
    ) in item.reasons
    # once the QSG has decided after the summit, it is history
    R.decide(dated, "RJ6", meeting=third, rationale="Summit outcome accepted",
             level="regular_review")  # fmt: skip
    fourth = another_meeting(dated, "2019-06-26")
    later = {i.provider: i for i in R.agenda(dated, fourth)}.get("RJ6")
    assert later is None or not any("S-001" in r for r in later.reasons)


def test_summit_refusals(dated: Register) -> None:
    R.decide(dated, "RJ6", meeting=MEETING, rationale="Serious", level="risk_summit")
    n = len(dated.records())
    with pytest.raises(InputError, match='did you mean "NHS Croydon CCG"') as exc:
        R.convene_summit(dated, "RJ6", date="2019-05-02", invited=["NHS Croydn CCG"])
    assert _codes(exc) == ["QSG605"]
    with pytest.raises(InputError, match="before the decision that called for it") as exc:
        R.convene_summit(dated, "RJ6", date="2019-04-01", invited=["CQC"])
    assert _codes(exc) == ["QSG642"]
    with pytest.raises(InputError, match="no summit is recorded yet") as exc:
        R.hold_summit(dated, "S-001", present=["CQC"], outcome="x", level_after="risk_summit")
    assert _codes(exc) == ["QSG648"] and len(dated.records()) == n
    s = R.convene_summit(dated, "RJ6", date="2019-08-01", invited=["CQC", "RJ6"])
    with pytest.raises(InputError, match="after today") as exc:
        R.hold_summit(dated, s.id, present=["CQC"], outcome="x", level_after="risk_summit")
    assert _codes(exc) == ["QSG640"]
    with pytest.raises(InputError, match="not held") as exc:
        R.add_action(dated, "RJ6", summit=s.id, owner="x", due="2019-09-01", text="x")
    assert _codes(exc) == ["QSG650"]
    R.hold_summit(dated, s.id, present=["CQC", "RJ6"], outcome="x", level_after="risk_summit",
                  date=TODAY)  # fmt: skip
    with pytest.raises(InputError, match="was recorded held on 2019-07-01") as exc:
        R.hold_summit(dated, s.id, present=["CQC"], outcome="y", level_after="risk_summit")
    assert _codes(exc) == ["QSG650"]
    with pytest.raises(InputError, match="before the summit that agreed it") as exc:
        R.add_action(dated, "RJ6", summit=s.id, owner="x", due="2019-06-30", text="x")
    with pytest.raises(InputError, match="one of them") as exc:
        R.add_action(dated, "RJ6", meeting=MEETING, summit=s.id, owner="x", due="2019-09-01",
                     text="x")  # fmt: skip
    assert _codes(exc) == ["QSG647"]


def test_lowering_the_level_withdraws_a_summit_convened_and_not_held(dated: Register) -> None:
    R.decide(dated, "RJ6", meeting=MEETING, rationale="Serious", level="risk_summit")
    s = R.convene_summit(dated, "RJ6", date="2019-05-20", invited=["CQC"])
    second = another_meeting(dated, "2019-05-01")
    done = R.decide(dated, "RJ6", meeting=second, rationale="New evidence",
                    level="further_information")  # fmt: skip
    assert done.superseded == (s.id,)
    gone = R.fold(dated.records()).summits[s.id]
    assert gone.status == "withdrawn" and gone.withdrawn is not None
    assert gone.withdrawn["reason"] == (
        f"superseded: {second} decided further information required: New evidence"
    )
    with pytest.raises(InputError, match="was withdrawn") as exc:
        R.hold_summit(dated, s.id, present=["CQC"], outcome="x", level_after="regular_review")
    assert _codes(exc) == ["QSG650"]
    # a new risk summit decision may convene again
    third = another_meeting(dated, "2019-06-12")
    again = R.decide(dated, "RJ6", meeting=third, rationale="Worse", level="risk_summit")
    assert again.summit_action is not None


def test_a_convene_action_from_a_register_written_before_kinds_is_recognised(
    dated: Register,
) -> None:
    from qsgrules.register.store import NewRecord

    def legacy(state: R.State) -> list[NewRecord]:
        text = "Convene a risk summit for RJ6 Croydon Health Services NHS Trust"
        body = {"owner": "Chair", "due": "2019-05-08", "text": text}
        return [NewRecord("action_added", body, meeting=MEETING, provider="RJ6",
                          subject="A-001")]  # fmt: skip

    dated.write(legacy)
    assert _convene_actions(dated, "RJ6")[0].id == "A-001"
    done = R.decide(dated, "RJ6", meeting=MEETING, rationale="Serious", level="risk_summit")
    assert done.summit_action is None and len(_convene_actions(dated, "RJ6")) == 1


def test_the_pack_and_the_regional_report_show_summits_pending_and_held(
    dated: Register, ws: Path
) -> None:
    R.decide(dated, "RJ6", meeting=MEETING, rationale="Serious", level="risk_summit")
    R.decide(dated, "RJ7", meeting=MEETING, rationale="Serious", level="risk_summit")
    s = R.convene_summit(dated, "RJ6", date="2019-05-02", invited=["CQC", "RJ6"])
    R.hold_summit(dated, s.id, present=["CQC", "RJ6"], outcome="Plan agreed",
                  level_after="regular_review")  # fmt: skip
    R.agree(dated, MEETING)
    second = another_meeting(dated, "2019-06-12")
    state = R.fold(dated.records())
    ctx = R.pack_context(state, state.meetings[second], on=TODAY)
    assert ctx.summits["RJ7"] == ("risk summit to convene: action A-002 (Dr Jo Chair), due "
                                  "2019-05-08, overdue",)  # fmt: skip
    assert ctx.summits["RJ6"][0].startswith("risk summit S-001 held 2019-05-02")
    why = {code: w for item in ctx.agenda or () for code, w in item.why.items()}
    assert "risk summit to convene: action A-002" in why["RJ7"]
    report = R.combine([dated.path], on=TODAY)
    assert [(x.provider, x.status) for x in report.summits] == [
        ("RJ7", "to convene"), ("RJ6", "held"),
    ]  # fmt: skip
    md = regional_report.markdown(report)
    assert "## Risk summits: pending and held" in md
    assert "- RJ6 Croydon Health Services NHS Trust (South London;" in md
    assert "risk summit S-001 held 2019-05-02: present CQC, RJ6 (the provider)" in md
    assert "Plan agreed" in regional_report.html(report)
    note = note_report.markdown(R.meeting_note(dated, second))
    assert "## Risk summits" in note and "- RJ7: risk summit to convene: action A-002" in note
