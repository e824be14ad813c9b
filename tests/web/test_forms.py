"""The live page's forms without a browser: each writes through the register's API; a bad
value re-renders the form with the API's own message at its field; a POST without the
form token, to a public page or to a locked meeting is refused and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from chartcheck import Page
from flask.testing import FlaskClient

from qsgrules import api_register
from qsgrules import register as R
from qsgrules.model.vocabulary import Level, Stance
from qsgrules.web import LiveReview, make_app
from qsgrules.web.app import LOOPBACK_NAMES

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
    response = c.post(path, data=data)
    return response.status_code, response.headers.get("Location", ""), response.get_data(True)


def _state(ws: Path) -> R.State:
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        return R.fold(reg.records())


def test_a_confirm_and_an_override_are_recorded_and_reported(client: Client, ws: Path) -> None:
    c = client(by="clerk")
    status, where, _ = _post(c, "/provider/RJ6", "confirm", {"member": "Ann Lee"})
    assert (status, where) == (303, "/provider/RJ6#record")
    # the next page says what was recorded, in the words the command prints
    text = _text(c.get("/provider/RJ6").get_data(as_text=True))
    assert "Recorded. M-2019-04-10 RJ6: Ann Lee confirmed risk summit required" in text
    status, _, _ = _post(
        c,
        "/provider/RJ6",
        "override",
        {"member": "Raj Patel", "level": "regular_review", "reason": "The plan is agreed"},
    )
    assert status == 303
    positions = _state(ws).meetings[MEETING].positions["RJ6"]
    assert positions["Ann Lee"].stance == Stance.CONFIRM
    assert positions["Raj Patel"].stance == Stance.OVERRIDE
    assert positions["Raj Patel"].level == Level.REGULAR_REVIEW
    assert positions["Raj Patel"].reason == "The plan is agreed"
    text = _text(c.get("/provider/RJ6").get_data(as_text=True))
    assert "Recorded. M-2019-04-10 RJ6: Raj Patel overrides risk summit required with" in text
    assert "Recorded. M-2019-04-10 RJ6: Ann Lee" not in text  # said once
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        assert {r.recorded_by for r in reg.records() if r.kind == "position"} == {"clerk"}


def test_attendance_a_decision_and_an_action_are_recorded(client: Client, ws: Path) -> None:
    c = client()
    status, where, _ = _post(
        c, "/", "attendance", {"member": "Sam Fox", "organisation": "Healthwatch Croydon",
                               "start": "10:30", "end": ""}
    )  # fmt: skip
    assert (status, where) == (303, "/#meeting")
    assert _state(ws).meetings[MEETING].attendance["Sam Fox"].start == "10:30"
    assert "Sam Fox (Healthwatch Croydon) 10:30-?; 3 attending" in _text(
        c.get("/").get_data(as_text=True)
    )
    _post(c, "/provider/RJ7", "confirm", {"member": "Sam Fox"})
    status, _, _ = _post(
        c,
        "/provider/RJ7",
        "decision",
        {"level": "", "rationale": "As proposed", "review_by": "2019-06-12", "exit_criteria": ""},
    )
    assert status == 303
    d = _state(ws).meetings[MEETING].decisions["RJ7"]
    assert (d.level, d.rationale, d.review_by, d.exit_criteria) == (
        Level.REGULAR_REVIEW,
        "As proposed",
        "2019-06-12",
        None,
    )
    status, _, _ = _post(
        c, "/provider/RJ7", "action", {"owner": "CQC", "due": "2019-05-01", "text": "Visit"}
    )
    assert status == 303
    actions = list(_state(ws).actions.values())
    assert [(a.provider, a.owner, a.due.isoformat(), a.text) for a in actions] == [
        ("RJ7", "CQC", "2019-05-01", "Visit")
    ]
    text = _text(c.get("/provider/RJ7").get_data(as_text=True))
    assert "Recorded. added A-001: RJ7, owner CQC, due 2019-05-01" in text


def test_a_risk_summit_decision_says_it_opened_the_action(client: Client, ws: Path) -> None:
    c = client()
    _post(c, "/provider/RJ6", "decision", {"level": "risk_summit", "rationale": "Serious"})
    text = _text(c.get("/provider/RJ6").get_data(as_text=True))
    assert "opened action A-001: convene the risk summit" in text
    assert "Convene a risk summit for RJ6" in text


@pytest.mark.parametrize(
    ("form", "fields", "field", "message", "code"),
    [
        ("override", {"member": "Ann Lee", "level": "regular_review", "reason": " "},
         "reason", "Reason: must be given and not empty", "QSG612"),
        ("override", {"member": "Ann Lee", "level": "regular_revue", "reason": "x"},
         "level", "Level the member holds: unknown level 'regular_revue' (did you mean "
         "\"regular_review\"?)", "QSG606"),
        ("confirm", {"member": "Ann Lea"}, "member",
         "Member: unknown attendee of M-2019-04-10 'Ann Lea' (did you mean \"Ann Lee\"?); "
         "record attendance first", "QSG604"),
        ("decision", {"rationale": "As proposed"}, "",
         "Level concluded: no member has taken a position on RJ6 at M-2019-04-10", "QSG610"),
        ("action", {"owner": "CCG", "due": "2019-13-01", "text": "x"}, "due",
         "Due: '2019-13-01' is not a date; write YYYY-MM-DD", "QSG607"),
        ("override", {"member": "Ann Lee", "level": "no_concerns",
                      "reason": "Patient 999 765 4323 was harmed"},
         "reason", "Reason: contains a possible NHS number", "QSG611"),
    ],
)  # fmt: skip
def test_a_bad_value_re_renders_the_form_with_the_apis_message(
    client: Client,
    ws: Path,
    form: str,
    fields: dict[str, str],
    field: str,
    message: str,
    code: str,
) -> None:
    c = client()
    before = records(ws)
    status, _, html = _post(c, "/provider/RJ6", form, fields)
    assert status == 400
    assert records(ws) == before  # nothing written
    text = _text(html)
    assert "There is a problem: nothing was recorded" in text
    assert message in text and f"({code})" in text
    # the page, with its forms (rebase, intelligence, and a risk summit to convene)
    assert html.count('class="record-form') == 7
    name = field or "level"  # a problem located at the decision's level
    assert f'id="{form}-{name}"' in html
    target = Page(html)
    invalid = [a for t, a in target.tags if a.get("aria-invalid") == "true"]
    assert [a["id"] for a in invalid] == [f"{form}-{name}"]
    assert f'href="#{form}-{name}"' in html  # the summary links to the field
    # what was typed is kept (except what the browser chose: selects are re-selected)
    for value in fields.values():
        if value.strip() and form != "confirm":
            assert value in text or f'value="{value}" selected' in html


def test_no_consensus_is_refused_naming_who_disagreed(client: Client, ws: Path) -> None:
    c = client()
    _post(c, "/provider/RJ6", "confirm", {"member": "Ann Lee"})
    _post(
        c,
        "/provider/RJ6",
        "override",
        {"member": "Raj Patel", "level": "regular_review", "reason": "A plan"},
    )
    status, _, html = _post(c, "/provider/RJ6", "decision", {"rationale": "As proposed"})
    assert status == 400
    assert (
        "Level concluded: the proposal for RJ6 (risk_summit) was not confirmed by every member: "
        "Raj Patel (NHS Croydon CCG) holds regular_review: A plan" in _text(html)
    )
    assert "RJ6" not in _state(ws).meetings[MEETING].decisions


@pytest.mark.parametrize("csrf", [None, "", "0" * 64])
def test_a_post_without_the_form_token_is_refused(
    client: Client, ws: Path, csrf: str | None
) -> None:
    before = records(ws)
    status, _, html = _post(client(), "/provider/RJ6", "confirm", {"member": "Ann Lee"}, csrf=csrf)
    assert status == 403
    assert "does not carry this server&#39;s form token" in html
    assert records(ws) == before


def test_a_token_from_another_server_process_is_refused(client: Client, ws: Path) -> None:
    other = token(client().get("/").get_data(as_text=True))
    status, _, _ = _post(client(), "/provider/RJ6", "confirm", {"member": "Ann Lee"}, csrf=other)
    assert status == 403


def test_a_public_page_refuses_every_post(client: Client, ws: Path) -> None:
    c = client(public=True)
    good = token(client().get("/").get_data(as_text=True))
    before = records(ws)
    for path, form in (("/", "attendance"), ("/provider/RJ6", "confirm")):
        status, _, html = _post(c, path, form, {"member": "Ann Lee"}, csrf=good)
        assert status == 403 and "recording is disabled" in html
    assert records(ws) == before


def test_a_write_to_a_locked_meeting_is_refused(client: Client, ws: Path) -> None:
    c = client()
    page_token = token(c.get("/provider/RJ6").get_data(as_text=True))
    with api_register.open_register(ws, write=True, by="chair") as reg:
        R.agree(reg, MEETING)  # agreed while the form was on the screen
    before = records(ws)
    status, _, html = _post(c, "/provider/RJ6", "confirm", {"member": "Ann Lee"}, csrf=page_token)
    assert status == 400
    assert "Meeting: meeting M-2019-04-10 was agreed on" in _text(html)
    assert "and is locked; record a change as an amendment" in _text(html)
    assert "(QSG608)" in _text(html)
    assert records(ws) == before


def test_a_form_for_another_page_is_refused(client: Client) -> None:
    status, _, html = _post(client(), "/", "confirm", {"member": "Ann Lee"})
    assert status == 400 and "no form &#39;confirm&#39; here" in html
    c = client()
    good = token(c.get("/").get_data(as_text=True))
    status, _, _ = _post(c, "/provider/XX9", "confirm", {"member": "Ann Lee"}, csrf=good)
    assert status == 404


def test_the_bundled_demo_is_never_written(client: Client) -> None:
    from qsgrules.bundled import demo_workspace

    demo = demo_workspace()
    c = client(demo)
    html = c.get("/").get_data(as_text=True)
    assert 'method="post"' not in html  # no form that records (the search is a GET)
    assert not (demo / "register.sqlite").exists()


def test_a_public_page_refuses_a_post_carrying_its_own_token(ws: Path) -> None:
    # the same secret signs the same form token: a token valid on the public page's own
    # server is refused all the same, because a public page records nothing
    secret = b"one secret for both pages"
    public = make_app(LiveReview.load(ws, public=True), secret=secret, trusted_hosts=LOOPBACK_NAMES)
    private = make_app(LiveReview.load(ws), secret=secret, trusted_hosts=LOOPBACK_NAMES)
    own = token(private.test_client().get("/provider/RJ6").get_data(as_text=True))
    before = records(ws)
    for path, form in (("/", "attendance"), ("/provider/RJ6", "confirm")):
        status, _, html = _post(public.test_client(), path, form, {"member": "Ann Lee"}, csrf=own)
        assert status == 403 and "recording is disabled" in html
    assert records(ws) == before
    # the token is good: the page that records takes it
    status, _, _ = _post(
        private.test_client(), "/provider/RJ6", "confirm", {"member": "Ann Lee"}, csrf=own
    )
    assert status == 303 and records(ws) == before + 1
