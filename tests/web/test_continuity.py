"""The live page and issue 16's items 4-6: a decision keeping the standing level keeps its
review date and exit criteria (cleared only when the chair ticks so), an information
request is recorded from the action form, and a meeting cancelled leaves the page."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from chartcheck import Page
from flask.testing import FlaskClient

from qsgrules import register as R

from .conftest import MEETING, Client, token

SECOND = "M-2019-05-15"


def _text(html: str) -> str:
    return " ".join(" ".join(Page(html).text).split())


def _post(c: FlaskClient, path: str, form: str, fields: dict[str, str]) -> int:
    data = {"form": form, "meeting": SECOND, **fields}
    data["csrf"] = token(c.get(path).get_data(as_text=True))
    return c.post(path, data=data).status_code


def _second_meeting(ws: Path) -> None:
    """RJ7 decided regular review with a review date and exit criteria at the first meeting
    (agreed), and a second meeting opened on the same frozen triage with Ann Lee present."""
    with R.Register(
        ws / "register.sqlite", actor="clerk", today=lambda: dt.date(2019, 7, 1)
    ) as reg:
        R.decide(reg, "RJ7", meeting=MEETING, rationale="Concerns", level="regular_review",
                 review_by="2019-06-12", exit_criteria="Within limits")  # fmt: skip
        R.agree(reg, MEETING)
        m = R.fold(reg.records()).meetings[MEETING]
        R.open_meeting(
            reg, date="2019-05-15", chair=m.chair, qsg=m.qsg,
            triage=json.loads(reg.frozen_triage(MEETING)), providers=m.providers,
            members=m.members, settings=m.settings,
        )  # fmt: skip
        R.attend(reg, SECOND, member="Ann Lee", organisation="CQC")


def _decision(ws: Path) -> R.Decision:
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        return R.fold(reg.records()).meetings[SECOND].decisions["RJ7"]


def test_the_decision_form_keeps_or_clears_what_was_agreed(client: Client, ws: Path) -> None:
    _second_meeting(ws)
    c = client()
    fields = {"level": "regular_review", "rationale": "No change", "review_by": ""}
    assert _post(c, "/provider/RJ7", "decision", fields) == 303
    d = _decision(ws)
    assert (d.review_by, d.review_by_from, d.exit_criteria_from) == ("2019-06-12", MEETING, MEETING)
    text = _text(c.get("/provider/RJ7").get_data(as_text=True))
    assert f"kept review by 2019-06-12 from {MEETING}" in text
    assert f"Review by: 2019-06-12 (kept from {MEETING})" in text
    assert _post(c, "/provider/RJ7", "decision", {**fields, "clear_review_by": "1"}) == 303
    d = _decision(ws)
    assert (d.review_by, d.exit_criteria) == (None, "Within limits")


def test_the_action_form_records_an_information_request(client: Client, ws: Path) -> None:
    _second_meeting(ws)
    c = client()
    fields = {"kind": "information_request", "owner": "CQC", "due": "2019-06-01",
              "text": "The inspection report"}  # fmt: skip
    assert _post(c, "/provider/RJ7", "action", fields) == 303
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        (a,) = R.fold(reg.records()).actions.values()
    assert a.kind == R.ActionKind.INFORMATION and a.owner == "CQC"
    text = _text(c.get("/provider/RJ7").get_data(as_text=True))
    assert "added information request A-001: RJ7, owner CQC, due 2019-06-01" in text
    assert "Information request: The inspection report" in text


def test_a_cancelled_meeting_leaves_the_live_page(client: Client, ws: Path) -> None:
    # As found: a meeting opened by mistake stayed a draft for ever and qsg serve showed it
    # as the latest meeting not yet agreed
    _second_meeting(ws)
    c = client()
    assert f"{SECOND}: draft, recording open" in _text(c.get("/").get_data(as_text=True))
    with R.Register(ws / "register.sqlite", actor="clerk") as reg:
        R.cancel_meeting(reg, SECOND, reason="Opened by mistake")
    text = _text(c.get("/").get_data(as_text=True))
    assert SECOND not in text
    assert f"No meeting open in the register (the last, {MEETING}, is agreed)" in text
