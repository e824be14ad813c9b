"""The live page's forms for what the commands could do and the page could not (issue 21):
a risk summit convened and held, an information request answered, the meeting cancelled.
Each writes through the register's API with the command's checks and messages; without
the form token, or on a public page, it is refused and writes nothing."""

from __future__ import annotations

from pathlib import Path

from chartcheck import Page
from flask.testing import FlaskClient

from qsgrules import api_register
from qsgrules import register as R

from .conftest import MEETING, Client, records, token


def _text(html: str) -> str:
    return " ".join(" ".join(Page(html).text).split())


def _post(
    c: FlaskClient, path: str, form: str, fields: dict[str, object], *, csrf: bool = True
) -> tuple[int, str]:
    data: dict[str, object] = {"form": form, "meeting": MEETING, **fields}
    if csrf:
        data["csrf"] = token(c.get(path).get_data(as_text=True))
    response = c.post(path, data=data)
    return response.status_code, response.get_data(as_text=True)


def _state(ws: Path) -> R.State:
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        return R.fold(reg.records())


def _summit_decided(ws: Path) -> None:
    with api_register.open_register(ws, write=True, by="chair") as reg:
        R.decide(reg, "RJ6", meeting=MEETING, rationale="A summit is needed", level="risk_summit")


def test_a_risk_summit_is_convened_then_held_from_the_page(client: Client, ws: Path) -> None:
    _summit_decided(ws)
    c = client(by="clerk")
    page = c.get("/provider/RJ6").get_data(as_text=True)
    assert 'id="form-summit_convene"' in page and 'id="form-summit_held"' not in page
    status, _ = _post(
        c, "/provider/RJ6", "summit_convene", {"date": "2019-05-02", "invite": ["CQC", "RJ6"]}
    )
    assert status == 303
    (s,) = _state(ws).summits.values()
    assert (s.id, s.provider, s.date.isoformat(), s.invited) == (
        "S-001",
        "RJ6",
        "2019-05-02",
        ("CQC", "RJ6"),
    )
    text = _text(c.get("/provider/RJ6").get_data(as_text=True))
    assert "convened S-001: RJ6 on 2019-05-02, 2 invited; closes action A-001" in text
    page = c.get("/provider/RJ6").get_data(as_text=True)
    assert 'id="form-summit_held"' in page and 'id="form-summit_convene"' not in page
    status, _ = _post(
        c,
        "/provider/RJ6",
        "summit_held",
        {
            "summit_id": "S-001",
            "present": ["CQC", "NHS Croydon CCG", "RJ6"],
            "outcome": "The recovery plan is agreed",
            "level_after": "regular_review",
        },
    )
    assert status == 303
    held = _state(ws).summits["S-001"].held
    assert held is not None and held.present == ("CQC", "NHS Croydon CCG", "RJ6")
    assert held.outcome == "The recovery plan is agreed" and held.level_after == "regular_review"


def test_a_bad_summit_is_shown_at_its_field_and_writes_nothing(client: Client, ws: Path) -> None:
    _summit_decided(ws)
    c = client(by="clerk")
    before = records(ws)
    # before the decision that called for it: the command's own message, at the date field
    status, html = _post(
        c, "/provider/RJ6", "summit_convene", {"date": "2019-04-01", "invite": ["CQC"]}
    )
    assert status == 400 and records(ws) == before
    form = html[html.index('id="form-summit_convene"') :]
    assert 'id="summit_convene-date-error"' in form
    status, html = _post(c, "/provider/RJ6", "summit_convene", {"date": "2019-05-02"})
    assert status == 400 and records(ws) == before
    assert "name at least one organisation" in _text(html)


def test_an_information_request_is_answered_from_the_page(client: Client, ws: Path) -> None:
    with api_register.open_register(ws, write=True, by="clerk") as reg:
        R.add_action(reg, "RJ2", meeting=MEETING, owner="CQC", due="2019-05-31",
                     text="The inspection's findings", kind=R.ActionKind.INFORMATION)  # fmt: skip
    c = client(by="clerk")
    assert 'id="form-respond"' in c.get("/provider/RJ2").get_data(as_text=True)
    assert 'id="form-respond"' not in c.get("/provider/RJ6").get_data(as_text=True)
    status, _ = _post(
        c,
        "/provider/RJ2",
        "respond",
        {"action_id": "A-001", "response": "Report received", "on": "2019-04-10"},
    )
    assert status == 303
    a = _state(ws).actions["A-001"]
    assert a.closed is not None and a.closed["on"] == "2019-04-10"
    assert a.response == "Report received"
    text = _text(c.get("/provider/RJ2").get_data(as_text=True))
    assert "A-001: the information asked of CQC arrived 2019-04-10" in text


def test_the_meeting_is_cancelled_from_the_board_only_when_confirmed(
    client: Client, ws: Path
) -> None:
    c = client(by="clerk")
    before = records(ws)
    status, html = _post(c, "/", "cancel", {"reason": "Opened by mistake"})
    assert status == 400 and records(ws) == before
    assert 'id="cancel-confirm-error"' in html
    status, _ = _post(c, "/", "cancel", {"reason": "Opened by mistake", "confirm": "1"})
    assert status == 303
    gone = _state(ws).cancelled[MEETING]
    assert (gone.was, gone.reason, gone.recorded_by) == ("draft", "Opened by mistake", "clerk")
    assert MEETING not in _state(ws).meetings


def test_the_new_forms_need_the_token_and_a_private_page(client: Client, ws: Path) -> None:
    _summit_decided(ws)
    before = records(ws)
    c = client(by="clerk")
    sent: tuple[tuple[str, str, dict[str, object]], ...] = (
        ("/provider/RJ6", "summit_convene", {"date": "2019-05-02", "invite": ["CQC"]}),
        ("/", "cancel", {"reason": "x", "confirm": "1"}),
    )
    for path, form, fields in sent:
        status, _ = _post(c, path, form, fields, csrf=False)
        assert status == 403, form
    public = client(public=True)
    page = public.get("/provider/RJ6").get_data(as_text=True)
    assert "form-summit_convene" not in page and "form-cancel" not in page
    response = public.post("/", data={"form": "cancel", "meeting": MEETING, "reason": "x"})
    assert response.status_code == 403
    assert records(ws) == before
