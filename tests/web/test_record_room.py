"""Recording from the room: intelligence shared aloud (checked as `qsg intel add` checks
it, received on the meeting's date, marked as shared at the meeting), closing and moving an
action, and agreeing the meeting, each through the API with the commands' messages, the
form token checked as for every other form."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from chartcheck import Page
from flask.testing import FlaskClient

from qsgrules import api_register
from qsgrules import register as R
from qsgrules.api import load_workspace

from .conftest import MEETING, Client, records, token


def _text(html: str) -> str:
    return " ".join(" ".join(Page(html).text).split())


def _post(
    c: FlaskClient, path: str, form: str, fields: dict[str, str], *, csrf: str | None = "page"
) -> tuple[int, str, str]:
    data = {"form": form, "meeting": MEETING, **fields}
    if csrf == "page":
        data["csrf"] = token(c.get(path).get_data(as_text=True))
    elif csrf is not None:
        data["csrf"] = csrf
    r = c.post(path, data=data)
    return r.status_code, r.headers.get("Location", ""), r.get_data(as_text=True)


SHARED = {
    "source": "CQC",
    "domain": "safety",
    "severity": "high",
    "grading": "B2",
    "summary": "Said aloud: agency staffing on the acute medical unit at night is rising.",
}


def _items(ws: Path) -> dict[str, object]:
    return {i.id: i for i in load_workspace(ws, today=dt.date(2019, 4, 10)).intelligence}


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QSG_TODAY", "2019-04-10")


def test_intelligence_shared_aloud_is_added_as_the_command_adds_it(
    client: Client, ws: Path
) -> None:
    before = _items(ws)
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        records = reg.records()
    c = client(by="clerk")
    status, where, _ = _post(c, "/provider/RJ6", "intelligence", SHARED)
    assert (status, where) == (303, "/provider/RJ6#record")
    after = _items(ws)
    (new,) = set(after) - set(before)
    item = after[new]
    assert item.provider == "RJ6" and item.source == "CQC"  # type: ignore[attr-defined]
    assert item.received == dt.date(2019, 4, 10)  # type: ignore[attr-defined]
    assert item.shared_at == MEETING  # type: ignore[attr-defined]
    text = _text(c.get("/provider/RJ6").get_data(as_text=True))
    said = f"added {new}: RJ6 CQC safety high (B2), received 2019-04-10, shared at {MEETING}"
    assert f"Recorded. {said}" in text
    assert "Intelligence shared aloud at this meeting" in text
    assert f"{new} CQC, safety, high (B2): Said aloud: agency staffing" in text
    # nothing written to the register: intelligence lives in the workspace
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        assert reg.records() == records


def test_shared_intelligence_is_checked_as_intel_add_checks_it(client: Client, ws: Path) -> None:
    before = (ws / "intelligence.yaml").read_bytes()
    c = client()
    bad = {**SHARED, "grading": "Z9", "source": "Healthwatch Croydn", "summary": ""}
    status, _, html = _post(c, "/provider/RJ6", "intelligence", bad)
    assert status == 400
    text = _text(html)
    assert "There is a problem: nothing was recorded" in text
    assert 'did you mean "Healthwatch Croydon"' in text
    assert "is not a grading" in text
    assert (ws / "intelligence.yaml").read_bytes() == before
    # an identifier in the summary is refused as the command refuses it
    status, _, html = _post(
        c, "/provider/RJ6", "intelligence", {**SHARED, "summary": "NHS no 943 476 5919 seen"}
    )
    # (what was typed is kept in the form, as every form keeps it; nothing is written)
    assert status == 400 and "summary contains a possible NHS number" in html
    assert (ws / "intelligence.yaml").read_bytes() == before


def test_the_bundled_demo_is_never_written_from_the_room(client: Client, ws: Path) -> None:
    c = client(Path(str(_demo())), register=ws / "register.sqlite")
    status, _, html = _post(c, "/provider/RJ6", "intelligence", SHARED)
    assert status == 400 and "the bundled demo is read-only" in html


def _demo() -> Path:
    from qsgrules.bundled import demo_workspace

    return demo_workspace()


def _action(ws: Path) -> str:
    with api_register.open_register(ws, write=True, by="clerk") as reg:
        a = R.add_action(
            reg, "RJ6", meeting=MEETING, owner="CCG", due="2019-05-01", text="Get the plan"
        )
    return a.id


def test_an_action_is_moved_then_closed_with_the_commands_words(client: Client, ws: Path) -> None:
    aid = _action(ws)
    c = client(by="clerk")
    html = c.get("/provider/RJ6").get_data(as_text=True)
    assert 'id="form-close_action"' in html and f'<option value="{aid}">' in html
    status, _, _ = _post(
        c, "/provider/RJ6", "move_action", {"action": aid, "due": "2019-05-20", "reason": "Board"}
    )
    assert status == 303
    text = _text(c.get("/provider/RJ6").get_data(as_text=True))
    assert f"Recorded. moved {aid} from 2019-05-01 to 2019-05-20" in text
    status, _, _ = _post(
        c, "/provider/RJ6", "close_action", {"action": aid, "note": "Received", "on": "2019-04-10"}
    )
    assert status == 303
    text = _text(c.get("/provider/RJ6").get_data(as_text=True))
    assert f"Recorded. closed {aid} on 2019-04-10" in text
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        a = R.fold(reg.records()).actions[aid]
    assert a.closed is not None and a.closed["note"] == "Received"
    assert a.moves[-1]["from"] == "2019-05-01" and a.due == dt.date(2019, 5, 20)
    # closed: no longer offered
    assert 'id="form-close_action"' not in c.get("/provider/RJ6").get_data(as_text=True)


def test_a_bad_move_says_the_commands_message_at_its_field(client: Client, ws: Path) -> None:
    aid = _action(ws)
    n = records(ws)
    status, _, html = _post(
        client(),
        "/provider/RJ6",
        "move_action",
        {"action": aid, "due": "2019-04-01", "reason": "x"},
    )
    assert status == 400 and records(ws) == n
    assert 'id="move_action-due-error"' in html
    assert "before" in _text(html)


def test_agreeing_the_meeting_needs_its_box_ticked_then_locks_it(client: Client, ws: Path) -> None:
    c = client(by="Dr Jo Chair")
    n = records(ws)
    earlier = token(c.get("/provider/RJ6").get_data(as_text=True))
    status, _, html = _post(c, "/", "agree", {})
    assert status == 400 and records(ws) == n
    assert "tick it to agree the note" in html and "QSG855" in html
    status, where, _ = _post(c, "/", "agree", {"confirm": "1"})
    assert (status, where) == (303, "/#meeting")
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        m = R.fold(reg.records()).meetings[MEETING]
    assert m.locked and m.agreed is not None and m.agreed[1] == "Dr Jo Chair"
    html = c.get("/", query_string={}).get_data(as_text=True)
    assert 'method="post"' not in html  # locked: no more forms
    # the page says so, though the meeting is no longer open
    assert f"<strong>Recorded.</strong> {MEETING} agreed and locked" in html
    # a form sent from a page made before the agreement is refused by the register
    status, _, html = _post(c, "/provider/RJ6", "intelligence", SHARED, csrf=earlier)
    assert status == 400 and "is locked" in html


def test_every_new_form_needs_the_token(client: Client, ws: Path) -> None:
    aid = _action(ws)
    n = records(ws)
    before = (ws / "intelligence.yaml").read_bytes()
    c = client()
    for path, form, fields in (
        ("/provider/RJ6", "intelligence", SHARED),
        ("/provider/RJ6", "close_action", {"action": aid, "note": "x"}),
        ("/provider/RJ6", "move_action", {"action": aid, "due": "2019-06-01", "reason": "x"}),
        ("/", "agree", {"confirm": "1"}),
    ):
        status, _, _ = _post(c, path, form, fields, csrf=None)
        assert status == 403
    assert records(ws) == n and (ws / "intelligence.yaml").read_bytes() == before


def test_a_public_page_withholds_a_confidential_item_shared_aloud(client: Client, ws: Path) -> None:
    c = client(by="clerk")
    secret = "MARKER-CONFIDENTIAL-SHARED words that must not show"
    _post(c, "/provider/RJ6", "intelligence", {**SHARED, "summary": secret, "confidential": "1"})
    assert secret in c.get("/provider/RJ6").get_data(as_text=True)
    public = client(public=True).get("/provider/RJ6").get_data(as_text=True)
    assert "MARKER-CONFIDENTIAL" not in public
    assert "withheld: information provided in confidence" in public
