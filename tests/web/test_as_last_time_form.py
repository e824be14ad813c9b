"""Attendance "as last time" on the live page (issue 21, item 2): a form of the meeting
panel, offered when the QSG's last meeting had attendees (named on the page), protected by
the form token as every form, refused unless ticked, and writing as `qsg meeting attend
--as-last-time` does."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from qsgrules import api_register
from qsgrules import register as R
from qsgrules.bundled import demo_workspace
from qsgrules.web import LiveReview, make_app
from qsgrules.web.app import LOOPBACK_NAMES

from .conftest import token

JUNE = "M-2019-06-12"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(demo_workspace(), root)
    api_register.open_meeting(
        date="2019-04-10", chair="Dr Jo Chair", qsg="South London", workspace=root,
        by="clerk", today=lambda: _day("2019-04-10"),
    )  # fmt: skip
    with api_register.open_register(root, write=True, by="clerk") as reg:
        R.attend(reg, "M-2019-04-10", member="Ann Lee", organisation="CQC", start="10:00")
        R.attend(reg, "M-2019-04-10", member="Raj Patel", organisation="NHS Croydon CCG")
        R.agree(reg, "M-2019-04-10")
    api_register.open_meeting(
        date="2019-06-12", chair="Dr Jo Chair", qsg="South London", workspace=root,
        by="clerk", today=lambda: _day("2019-06-12"),
    )  # fmt: skip
    return root


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _attending(ws: Path) -> dict[str, str]:
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        m = reg.state([JUNE]).meetings[JUNE]
        return {a.member: a.organisation for a in m.attendance.values()}


def test_the_board_offers_last_times_attendees_and_records_them(ws: Path) -> None:
    client = make_app(LiveReview.load(ws), trusted_hosts=LOOPBACK_NAMES).test_client()
    html = client.get("/").text
    assert 'id="form-as_last_time"' in html
    assert (
        "Last time (M-2019-04-10, 2019-04-10): Ann Lee (CQC), Raj Patel (NHS Croydon CCG)." in html
    )
    form = {"csrf": token(html), "form": "as_last_time", "meeting": JUNE}
    # not ticked: refused at its field, nothing written
    refused = client.post("/", data=form)
    assert refused.status_code == 400 and "tick it to record everyone" in refused.text
    assert _attending(ws) == {}
    done = client.post("/", data={**form, "confirm": "1"}, follow_redirects=True)
    assert done.status_code == 200
    assert _attending(ws) == {"Ann Lee": "CQC", "Raj Patel": "NHS Croydon CCG"}
    assert (
        f"{JUNE}: as at M-2019-04-10: 2 recorded (Ann Lee (CQC), Raj Patel (NHS Croydon CCG)); "
        "2 attending"
    ) in done.text
    # again: nobody twice
    again = client.post("/", data={**form, "confirm": "1"}, follow_redirects=True)
    assert "0 recorded (everyone was recorded already); 2 attending" in again.text


def test_the_form_needs_the_pages_token(ws: Path) -> None:
    client = make_app(LiveReview.load(ws), trusted_hosts=LOOPBACK_NAMES).test_client()
    sent = {"form": "as_last_time", "meeting": JUNE, "confirm": "1"}
    for bad in ({}, {"csrf": "0" * 64}):
        response = client.post("/", data={**sent, **bad})
        assert response.status_code == 403
    assert _attending(ws) == {}


def test_no_form_without_a_last_meeting_with_attendees(tmp_path: Path) -> None:
    root = tmp_path / "first"
    shutil.copytree(demo_workspace(), root)
    api_register.open_meeting(
        date="2019-04-10", chair="C", qsg="South London", workspace=root, by="clerk",
        today=lambda: _day("2019-04-10"),
    )  # fmt: skip
    html = make_app(LiveReview.load(root), trusted_hosts=LOOPBACK_NAMES).test_client().get("/")
    assert 'id="form-as_last_time"' not in html.text and 'id="form-attendance"' in html.text
