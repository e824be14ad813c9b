"""Meetings through the Python API: the frozen triage, positions, the chair's decision and
its refusals, agreement, amendments, actions, standings, agenda and coverage."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from qsgrules import api_register
from qsgrules import register as R
from qsgrules.api import run_triage
from qsgrules.errors import InputError
from qsgrules.model.vocabulary import Level
from qsgrules.register import Register

from .conftest import MEETING, ticking_clock

NHS_NUMBER = "943 476 5919"


def _codes(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [p.code for p in exc.value.problems]


def _count(reg: Register) -> int:
    return len(reg.records(frozen=True))


def test_opening_freezes_the_triage_with_its_ruleset_and_as_of(reg: Register, ws: Path) -> None:
    frozen = json.loads(reg.frozen_triage(MEETING))
    # made on the meeting's date (issue 16): intelligence up to it, data as far as they reach
    live = run_triage(ws, on="2019-04-10").model_dump(mode="json")
    assert frozen == live  # the same contract as `qsg triage --format json`
    assert frozen["ruleset"]["sha256"] and frozen["as_of"] == "2019-03"
    assert frozen["on"] == "2019-04-10"
    m = R.fold(reg.records()).meetings[MEETING]
    assert m.qsg == "South London" and m.chair == "Dr Jo Chair"
    assert m.providers["RJ6"]["qsg"] == "South London" and m.as_of == "2019-03"


def test_the_frozen_triage_survives_a_change_of_data(reg: Register, ws: Path) -> None:
    before = reg.frozen_triage(MEETING)
    (ws / "intelligence.yaml").write_text("[]\n")
    assert run_triage(ws).proposals != json.loads(before)["proposals"]
    assert reg.frozen_triage(MEETING) == before


def test_a_second_meeting_on_the_same_day_gets_its_own_id(ws: Path) -> None:
    m = api_register.open_meeting(date="2019-04-10", chair="Dr Jo Chair", workspace=ws)
    assert m.id == "M-2019-04-10-2" and m.qsg is None  # the demo has three local QSGs


def test_an_organisation_must_be_a_member(reg: Register) -> None:
    with pytest.raises(InputError, match='did you mean "CQC"') as exc:
        R.attend(reg, MEETING, member="Ann Lee", organisation="CQX")
    assert _codes(exc) == ["QSG605"]


def test_a_member_must_attend_to_take_a_position(attended: Register) -> None:
    n = _count(attended)
    with pytest.raises(InputError, match="record attendance first") as exc:
        R.confirm(attended, "RJ6", meeting=MEETING, member="Sue Bloggs")
    assert _codes(exc) == ["QSG604"] and _count(attended) == n


def test_unknown_meeting_provider_and_level_are_refused_with_did_you_mean(
    attended: Register,
) -> None:
    n = _count(attended)
    with pytest.raises(InputError, match='did you mean "M-2019-04-10"'):
        R.confirm(attended, "RJ6", meeting="M-2019-04-01", member="Ann Lee")
    with pytest.raises(InputError, match=r"unknown provider 'RJ8' \(did you mean"):
        R.confirm(attended, "RJ8", meeting=MEETING, member="Ann Lee")
    with pytest.raises(InputError, match='did you mean "regular_review"') as exc:
        R.override(
            attended, "RJ6", meeting=MEETING, member="Ann Lee", level="regular review", reason="x"
        )
    assert _codes(exc) == ["QSG606"]
    assert _count(attended) == n


@pytest.mark.parametrize("bad", ["2019-02-30", "10/04/2019", "2019-4-1", "tomorrow"])
def test_a_date_that_is_not_a_date_is_refused(attended: Register, bad: str) -> None:
    with pytest.raises(InputError, match="is not a date") as exc:
        R.add_action(attended, "RJ6", meeting=MEETING, owner="CQC", due=bad, text="x")
    assert _codes(exc) == ["QSG607"]


def test_an_override_needs_a_reason(attended: Register) -> None:
    with pytest.raises(InputError, match="not empty") as exc:
        R.override(
            attended, "RJ6", meeting=MEETING, member="Ann Lee", level="no_concerns", reason=" "
        )
    assert _codes(exc) == ["QSG612"]


def test_decide_takes_the_proposal_when_every_position_confirmed_it(attended: Register) -> None:
    R.confirm(attended, "RJ7", meeting=MEETING, member="Ann Lee")
    R.confirm(attended, "RJ7", meeting=MEETING, member="Raj Patel")
    done = R.decide(attended, "RJ7", meeting=MEETING, rationale="Agreed as proposed")
    assert done.decision.level == Level.REGULAR_REVIEW == done.decision.proposed
    assert done.decision.dissent == [] and len(done.decision.positions) == 2


def test_decide_without_a_level_refuses_naming_who_disagreed(attended: Register) -> None:
    R.confirm(attended, "RJ6", meeting=MEETING, member="Ann Lee")
    R.override(
        attended,
        "RJ6",
        meeting=MEETING,
        member="Raj Patel",
        level="regular_review",
        reason="An improvement plan is agreed",
    )
    n = _count(attended)
    with pytest.raises(InputError) as exc:
        R.decide(attended, "RJ6", meeting=MEETING, rationale="x")
    message = exc.value.problems[0].message
    assert _codes(exc) == ["QSG609"] and _count(attended) == n
    assert "Raj Patel (NHS Croydon CCG) holds regular_review" in message
    assert "Ann Lee" not in message
    done = R.decide(attended, "RJ6", meeting=MEETING, rationale="Review", level="regular_review")
    assert [d["member"] for d in done.decision.dissent] == ["Ann Lee"]
    assert {p["member"] for p in done.decision.positions} == {"Ann Lee", "Raj Patel"}


def test_decide_without_a_level_and_without_positions_is_refused(attended: Register) -> None:
    with pytest.raises(InputError, match="no member has taken a position") as exc:
        R.decide(attended, "RJ6", meeting=MEETING, rationale="x")
    assert _codes(exc) == ["QSG610"]


def test_a_risk_summit_decision_opens_an_action_to_convene_it(attended: Register) -> None:
    done = R.decide(
        attended, "RJ6", meeting=MEETING, rationale="Serious concerns", level="risk_summit"
    )
    assert done.summit_action == "A-001"
    action = R.list_actions(attended)[0]
    assert action.owner == "Dr Jo Chair" and action.due == dt.date(2019, 5, 8)
    assert "risk summit" in action.text and action.provider == "RJ6"
    again = R.decide(attended, "RJ6", meeting=MEETING, rationale="Confirmed", level="risk_summit")
    assert again.summit_action is None  # one summit action, not two


def test_a_second_position_corrects_the_first_and_both_are_kept(attended: Register) -> None:
    first = R.confirm(attended, "RJ6", meeting=MEETING, member="Ann Lee")
    second = R.override(
        attended,
        "RJ6",
        meeting=MEETING,
        member="Ann Lee",
        level="regular_review",
        reason="On reflection",
    )
    assert second.corrects == first.seq
    positions = R.fold(attended.records()).meetings[MEETING].positions["RJ6"]
    assert positions["Ann Lee"].level == Level.REGULAR_REVIEW
    assert sum(r.kind == "position" for r in attended.records()) == 2


def test_an_agreed_meeting_is_locked_and_changes_are_amendments(attended: Register) -> None:
    R.confirm(attended, "RJ7", meeting=MEETING, member="Ann Lee")
    R.decide(attended, "RJ7", meeting=MEETING, rationale="As proposed")
    with pytest.raises(InputError, match="not agreed yet") as exc:
        R.amend(attended, MEETING, reason="x", text="y")
    assert _codes(exc) == ["QSG617"]
    R.agree(attended, MEETING)
    n = _count(attended)
    for call in (
        lambda: R.decide(attended, "RJ7", meeting=MEETING, rationale="x", level="risk_summit"),
        lambda: R.confirm(attended, "RJ6", meeting=MEETING, member="Ann Lee"),
        lambda: R.attend(attended, MEETING, member="New", organisation="CQC"),
        lambda: R.add_action(
            attended, "RJ6", meeting=MEETING, owner="x", due="2019-05-01", text="x"
        ),
        lambda: R.agree(attended, MEETING),
    ):
        with pytest.raises(InputError, match="locked") as exc:
            call()
        assert _codes(exc) == ["QSG608"]
    assert _count(attended) == n
    R.amend(attended, MEETING, reason="Chair's correction", provider="RJ7", level="risk_summit")
    standing = attended.standing_levels()["RJ7"]
    assert standing.level == Level.RISK_SUMMIT and standing.meeting == MEETING
    note = R.meeting_note(attended, MEETING)
    assert note.amendments[0].reason == "Chair's correction" and not note.draft


def test_free_text_with_an_identifier_is_refused_without_echoing_it(attended: Register) -> None:
    n = _count(attended)
    with pytest.raises(InputError) as exc:
        R.override(
            attended,
            "RJ6",
            meeting=MEETING,
            member="Ann Lee",
            level="risk_summit",
            reason=f"Patient NHS no {NHS_NUMBER} came to harm",
        )
    problem = exc.value.problems[0]
    assert problem.code == "QSG611" and problem.argument == "reason"
    assert "NHS number" in problem.message and NHS_NUMBER not in str(exc.value)
    assert _count(attended) == n


def test_the_actor_name_passes_the_privacy_guard(ws: Path) -> None:
    with Register(ws / "register.sqlite", actor="someone@example.org") as r:
        with pytest.raises(InputError, match="email") as exc:
            R.attend(r, MEETING, member="Ann Lee", organisation="CQC")
    assert exc.value.problems[0].argument == "by"


def test_actions_move_keeping_the_old_date_and_close(attended: Register) -> None:
    a = R.add_action(
        attended,
        "RJ6",
        meeting=MEETING,
        owner="NHS Croydon CCG",
        due="2019-05-15",
        text="Get the plan",
    )
    moved = R.move_action(attended, a.id, due="2019-06-01", reason="The board meets later")
    assert moved.due == dt.date(2019, 6, 1) and moved.moves[0]["from"] == "2019-05-15"
    assert R.list_actions(attended, overdue_on=dt.date(2019, 5, 20)) == []
    assert [x.id for x in R.list_actions(attended, overdue_on=dt.date(2019, 6, 2))] == [a.id]
    closed = R.close_action(attended, a.id, note="Plan received", on="2019-05-30")
    assert closed.status == "closed" and R.list_actions(attended, open_only=True) == []
    with pytest.raises(InputError, match="was closed") as exc:
        R.close_action(attended, a.id, note="again")
    assert _codes(exc) == ["QSG620"]
    with pytest.raises(InputError, match='did you mean "A-001"') as exc:
        R.move_action(attended, "A-01", due="2019-07-01", reason="x")
    assert _codes(exc) == ["QSG613"]
    with pytest.raises(InputError, match="unknown provider"):
        R.list_actions(attended, provider="RJX")


def _second_meeting(ws: Path, date: str = "2019-06-12") -> str:
    return api_register.open_meeting(
        date=date, chair="Dr Jo Chair", qsg="South London", workspace=ws
    ).id


def test_the_agenda_lists_standing_regular_review_first_then_changes(
    attended: Register, ws: Path
) -> None:
    R.confirm(attended, "RJ7", meeting=MEETING, member="Ann Lee")
    R.decide(attended, "RJ7", meeting=MEETING, rationale="As proposed", review_by="2019-05-01")
    R.decide(attended, "RJ1", meeting=MEETING, rationale="Nothing of concern", level="no_concerns")
    second = _second_meeting(ws)
    items = R.agenda(attended, second)
    assert items[0].provider == "RJ7" and items[0].section == R.agenda_module.EVERY_MEETING
    assert any("review was due by 2019-05-01" in r for r in items[0].reasons)
    changed = [i for i in items if i.section == R.agenda_module.CHANGED]
    assert changed[0].provider == "RJ6"  # risk summit proposed, never decided
    codes = [i.provider for i in items]
    assert "RJ1" not in codes  # decided this cycle, proposal unchanged
    assert all(
        i.provider in {p for p in ("RAX", "RJ1", "RJ2", "RJ6", "RJ7", "RJZ", "RVR")} for i in items
    )
    first_items = R.agenda(attended, MEETING)  # its own decisions do not count for itself
    assert "RJ1" in [i.provider for i in first_items]


def test_coverage_lists_providers_not_discussed_in_the_cycle(attended: Register, ws: Path) -> None:
    R.decide(attended, "RJ1", meeting=MEETING, rationale="Nothing of concern", level="no_concerns")
    months, rows = api_register.coverage(ws, on="2019-12-31")
    assert months == 12 and len(rows) == 17 and "RJ1" not in [r.provider for r in rows]
    _, later = api_register.coverage(ws, on="2020-04-11")
    assert later[-1].provider == "RJ1" and later[-1].last_discussed == dt.date(2019, 4, 10)
    assert all(r.last_discussed is None for r in later[:-1])
    (ws / "settings.yaml").write_text("business_cycle_months: 24\n")
    months, rows = api_register.coverage(ws, on="2020-04-11")
    assert months == 24 and "RJ1" not in [r.provider for r in rows]


def test_standings_pick_the_latest_meeting_by_date(attended: Register, ws: Path) -> None:
    R.decide(attended, "RJ6", meeting=MEETING, rationale="first", level="regular_review")
    later = _second_meeting(ws, "2019-06-12")
    earlier = _second_meeting(ws, "2019-05-01")  # opened later, held earlier
    R.decide(attended, "RJ6", meeting=later, rationale="later", level="risk_summit")
    R.decide(attended, "RJ6", meeting=earlier, rationale="earlier", level="no_concerns")
    s = attended.standing_levels()["RJ6"]
    assert (s.level, s.meeting) == (Level.RISK_SUMMIT, later)
    triage = run_triage(ws)
    by_code = {p.provider: p for p in triage.proposals}
    assert by_code["RJ6"].standing == s and by_code["RJ7"].standing is None
    state = R.fold(attended.records())
    assert state.standings()["RJ6"].meeting == later


def test_writing_to_the_bundled_demo_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="bundled demo is read-only") as exc:
        api_register.open_meeting(date="2019-04-10", chair="x")
    assert _codes(exc) == ["QSG601"]
    from qsgrules.bundled import demo_workspace

    with pytest.raises(InputError, match="read-only"):
        api_register.open_meeting(date="2019-04-10", chair="x", workspace=demo_workspace())
    assert not (demo_workspace() / "register.sqlite").exists()
    m = api_register.open_meeting(
        date="2019-04-10", chair="x", register=tmp_path / "elsewhere.sqlite"
    )
    assert m.id == MEETING and (tmp_path / "elsewhere.sqlite").is_file()


def test_a_refused_open_creates_no_register(tmp_path: Path, ws: Path) -> None:
    (ws / "register.sqlite").unlink()
    for kwargs in ({"date": "2019-13-01"}, {"date": "2019-04-10", "qsg": "South Londn"}):
        with pytest.raises(InputError):
            api_register.open_meeting(chair="x", workspace=ws, **kwargs)  # type: ignore[arg-type]
    assert not (ws / "register.sqlite").exists()


def test_settings_problems_are_located(ws: Path) -> None:
    (ws / "settings.yaml").write_text("business_cycle_months: 12\nquorum: [CQC, Monitr]\n")
    with pytest.raises(InputError) as exc:
        api_register.workspace_settings(ws)
    p = exc.value.problems[0]
    assert (p.file, p.line, p.col, p.code) == ("settings.yaml", 2, 15, "QSG614")
    assert 'did you mean "Monitor"' in p.message
    (ws / "settings.yaml").write_text("business_cycle_month: 12\n")
    with pytest.raises(InputError, match='did you mean "business_cycle_months"'):
        api_register.workspace_settings(ws)


def test_quorum_by_count_and_by_named_organisations(tmp_path: Path, ws: Path) -> None:
    (ws / "settings.yaml").write_text("quorum: [CQC, NHS England]\n")
    m = api_register.open_meeting(date="2019-05-01", chair="x", workspace=ws, qsg="South London")
    with Register(ws / "register.sqlite", clock=ticking_clock()) as r:
        R.attend(r, m.id, member="Ann Lee", organisation="CQC")
        q = R.meeting_note(r, m.id).quorum
        assert q.met is False and "NHS England" in q.detail
        R.attend(r, m.id, member="Bo", organisation="NHS England")
        assert R.meeting_note(r, m.id).quorum.met is True
        assert R.meeting_note(r, MEETING).quorum.met is None  # no quorum set when it opened


def test_an_amended_level_recomputes_the_dissent(attended: Register) -> None:
    R.confirm(attended, "RJ6", meeting=MEETING, member="Ann Lee")
    R.override(
        attended, "RJ6", meeting=MEETING, member="Raj Patel", level="regular_review", reason="r"
    )
    R.decide(attended, "RJ6", meeting=MEETING, rationale="r", level="regular_review")
    R.agree(attended, MEETING)
    R.amend(attended, MEETING, reason="Minuted wrongly", provider="RJ6", level="risk_summit")
    d = R.fold(attended.records()).meetings[MEETING].decisions["RJ6"]
    assert d.level == Level.RISK_SUMMIT and [x["member"] for x in d.dissent] == ["Raj Patel"]
