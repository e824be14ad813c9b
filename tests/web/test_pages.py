"""The live page's pages without a browser (Flask's test client): the board, a provider page
with the same content as its section of the meeting pack, what the page follows in the
register, and how it fails."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from chartcheck import Page

from qsgrules import api_register
from qsgrules import register as R
from qsgrules.api import meeting_pack, run_triage
from qsgrules.reports.charts import chart_data
from qsgrules.web import LiveReview, make_app

from .conftest import MEETING, Client


def _text(html: str) -> str:
    return " ".join(" ".join(Page(html).text).split())


def _section(html: str, code: str) -> str:
    """A provider's section without what the live page adds beside its reasons (the
    record of the meeting, with its forms)."""
    html = re.sub(r'<section id="record".*?</section>', "", html, flags=re.S)
    start = html.index(f'<section class="provider" id="p-{code}"')
    return html[start : html.index("</section>", start)]


def test_the_board_lists_every_provider_with_the_meeting_and_its_attendance(
    client: Client,
) -> None:
    response = client().get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    page = Page(html)
    levels = {p.provider: p.level for p in run_triage().proposals}
    for code in levels:
        assert f'<td class="code">{code}</td>' in html
        assert f'href="/provider/{code}"' in html
    text = _text(html)
    assert "M-2019-04-10: draft, recording open" in text
    assert "Ann Lee CQC 10:00 12:00" in text and "2 attending" in text
    assert '<th scope="col" class="col-at-meeting">At this meeting</th>' in html
    assert [h for h in page.headings if h[0] <= 2][:4] == [
        (1, "South London Quality Surveillance Group"),
        (2, "Triage board"),
        (2, "Meeting M-2019-04-10: attendance"),
        (2, "Agenda"),
    ]
    # the meeting's own agenda (as qsg agenda lists it), not only the guidance's example
    assert "7.1 The proposal differs from the standing level" in text
    assert html.count('method="post"') == 3 and 'id="form-attendance"' in html  # and agree, cancel
    assert 'id="form-agree"' in html
    assert [t for t, _ in page.tags if t in ("script", "link", "iframe", "img")] == []


@pytest.mark.slow
def test_a_provider_page_has_the_same_content_as_its_section_of_the_pack(
    client: Client, ws: Path
) -> None:
    html = client().get("/provider/RJ6").get_data(as_text=True)
    # the live page keeps every provider: compared with the pack of every QSG's providers (a
    # South London pack links only its own, issue 21)
    pack = meeting_pack(ws, meeting=MEETING, all_qsgs=True)

    def comparable(section: str) -> str:
        section = re.sub(r'<p class="at-meeting-line">.*?</p>', "", section, flags=re.S)
        # the page's own: its chooser of any indicator and month, and links to the readings
        section = re.sub(r'<form class="board-search chooser".*?</form>', "", section, flags=re.S)
        section = re.sub(r'<a href="/provider/[^"]+/chart\?[^"]*">(.*?)</a>', r"\1", section)
        # a chart compares by its numbers (its ids depend on how many charts came before)
        section = re.sub(
            r"<svg id=.*?</svg>",
            lambda m: json.dumps(chart_data(m.group(0)), sort_keys=True),
            section,
            flags=re.S,
        )
        return " ".join(re.sub(r"chart-\d+", "chart-N", section).split())

    assert comparable(_section(html, "RJ6")) == comparable(_section(pack, "RJ6"))
    assert html.count("<svg id=") == _section(pack, "RJ6").count("<svg id=") == 2
    page = Page(html)
    assert page.headings[0] == (1, "South London QSG live review")
    assert (2, "Croydon Health Services NHS Trust") in page.headings
    assert {"form-confirm", "form-override", "form-decision", "form-action"} <= set(page.ids)
    # RJ6 is first on the meeting's agenda (previous and next follow the agenda)
    assert 'rel="prev"' not in html and 'href="/provider/RJ7" rel="next"' in html


def test_a_provider_page_shows_what_the_meeting_recorded(client: Client, ws: Path) -> None:
    with api_register.open_register(ws, write=True, by="clerk") as reg:
        R.confirm(reg, "RJ6", meeting=MEETING, member="Ann Lee")
        R.override(
            reg, "RJ6", meeting=MEETING, member="Raj Patel", level="regular_review", reason="Plan"
        )
        R.decide(reg, "RJ6", meeting=MEETING, level="regular_review", rationale="As discussed")
        R.add_action(reg, "RJ6", meeting=MEETING, owner="CCG", due="2019-05-01", text="Get it")
    c = client()
    text = _text(c.get("/provider/RJ6").get_data(as_text=True))
    assert "Ann Lee CQC confirms risk summit required" in text
    assert "Raj Patel NHS Croydon CCG overrides regular review Plan" in text
    assert "Decided: regular review (proposed risk summit required; recorded by clerk)" in text
    assert "Dissent: Ann Lee (CQC) held risk summit required" in text
    assert "A-001 Get it (owner CCG, due 2019-05-01)" in text
    board = _text(c.get("/").get_data(as_text=True))
    assert "decided: regular review 2 positions, 1 override" in board


def test_the_page_follows_the_register_without_a_restart(client: Client, ws: Path) -> None:
    c = client()
    with api_register.open_register(ws, write=True, by="clerk") as reg:
        R.agree(reg, MEETING)
    html = c.get("/").get_data(as_text=True)
    assert "No meeting open in the register (the last, M-2019-04-10, is agreed)" in _text(html)
    assert 'method="post"' not in html  # no form that records (the search is a GET)
    api_register.open_meeting(date="2019-06-12", chair="Dr Jo Chair", workspace=ws, by="clerk")
    html = c.get("/").get_data(as_text=True)
    assert "M-2019-06-12: draft, recording open" in _text(html)
    assert 'name="meeting" value="M-2019-06-12"' in html


def test_a_pinned_agreed_meeting_is_shown_locked_and_read_only(client: Client, ws: Path) -> None:
    with api_register.open_register(ws, write=True, by="clerk") as reg:
        R.agree(reg, MEETING)
    html = client(meeting=MEETING).get("/provider/RJ6").get_data(as_text=True)
    text = _text(html)
    assert "M-2019-04-10: agreed" in text and "locked, read-only" in text
    assert 'method="post"' not in html  # no form that records (the search is a GET)
    assert "a change is an amendment ( qsg meeting amend M-2019-04-10 --reason TEXT )" in text


def test_without_a_register_the_page_is_a_read_only_new_triage(client: Client) -> None:
    html = client(Path(str(_demo()))).get("/").get_data(as_text=True)
    assert "No meeting open in the register: a new triage, read-only" in _text(html)
    assert 'method="post"' not in html and "At this meeting" not in html


def _demo() -> Path:
    from qsgrules.bundled import demo_workspace

    return demo_workspace()


def test_the_public_page_withholds_confidential_summaries_and_has_no_form(
    client: Client, ws: Path
) -> None:
    c = client(public=True)
    html = c.get("/provider/RJ7").get_data(as_text=True)  # SI-015 is given in confidence
    assert "withheld: information provided in confidence" in html
    assert "employer liaison service" not in html
    assert 'method="post"' not in html and 'name="csrf"' not in html
    assert "public page, confidential summaries withheld, read-only" in _text(html)
    assert 'method="post"' not in c.get("/").get_data(as_text=True)
    private = client().get("/provider/RJ7").get_data(as_text=True)
    assert "employer liaison service" in private


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/provider/XX9", 404, "no provider &#39;XX9&#39; in this triage"),
        ("/nowhere", 404, "Not Found"),
    ],
)
def test_unknown_pages_are_html_refusals(
    client: Client, path: str, status: int, words: str
) -> None:
    response = client().get(path)
    assert response.status_code == status and response.mimetype == "text/html"
    assert words in response.get_data(as_text=True)


def test_a_failure_inside_shows_no_traceback(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = client()

    def broken(self: LiveReview, **_: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(LiveReview, "snapshot", broken)
    response = c.get("/")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something failed inside qsgrules" in body
    assert "Traceback" not in body and "secret internals" not in body


def test_every_response_forbids_scripts_framing_and_outside_resources(client: Client) -> None:
    for path in ("/", "/provider/RJ6", "/nowhere"):
        headers = client().get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert "script-src" not in policy  # so no script runs at all
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_a_page_read_through_another_host_name_is_refused(client: Client) -> None:
    # DNS rebinding: a hostile name pointed at 127.0.0.1 must not read the page (nor its token)
    response = client().get("/", headers={"Host": "evil.example:8765"})
    assert response.status_code == 400
    assert 'name="csrf"' not in response.get_data(as_text=True)
    assert client().get("/", headers={"Host": "127.0.0.1:8765"}).status_code == 200


def test_a_page_without_trusted_hosts_answers_any_name(ws: Path) -> None:
    app = make_app(LiveReview.load(ws))
    assert app.test_client().get("/", headers={"Host": "qsg.example"}).status_code == 200
