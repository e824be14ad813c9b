"""The page for the room, without a browser: previous and next in the agenda's order, the
board's search and filters, the projector's display mode, the record beside the reasons,
and the page's safety kept (no script, the same Content-Security-Policy)."""

from __future__ import annotations

import html as html_module
import re
from pathlib import Path

from chartcheck import Page
from flask.testing import FlaskClient

from qsgrules import register as R

from .conftest import MEETING, Client


def _board_codes(html: str) -> list[str]:
    board = html[html.index('<section id="board"') :]
    board = board[: board.index("</section>")]
    return re.findall(r'<td class="code">([^<]+)</td>', board)


def _agenda(ws: Path) -> list[str]:
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        return [item.provider for item in R.agenda(reg, MEETING)]


def _walk(c: FlaskClient, start: str) -> list[str]:
    """Every provider page from ``start``, following "next"."""
    walked = [start]
    html = c.get(f"/provider/{start}").get_data(as_text=True)
    while (m := re.search(r'<a href="/provider/([^"]+)" rel="next"', html)) is not None:
        walked.append(m.group(1))
        html = c.get(f"/provider/{m.group(1)}").get_data(as_text=True)
    return walked


def test_previous_and_next_follow_the_agenda_then_the_board(client: Client, ws: Path) -> None:
    c = client()
    agenda = _agenda(ws)
    assert len(agenda) == 7
    walked = _walk(c, agenda[0])
    board = _board_codes(c.get("/").get_data(as_text=True))
    # the agenda first, in its order, then every other provider in the board's order
    assert walked == agenda + [code for code in board if code not in agenda]
    first = c.get(f"/provider/{agenda[0]}").get_data(as_text=True)
    assert 'rel="prev"' not in first and "1 of 18, on the agenda" in first
    second = c.get(f"/provider/{agenda[1]}").get_data(as_text=True)
    assert f'<a href="/provider/{agenda[0]}" rel="prev" accesskey="p">' in second
    last = c.get(f"/provider/{walked[-1]}").get_data(as_text=True)
    assert "18 of 18</span>" in last and 'rel="next"' not in last


def test_a_code_opens_its_page_and_a_name_filters_the_board(client: Client) -> None:
    c = client()
    found = c.get("/?q=rj6")
    assert found.status_code == 303 and found.headers["Location"].endswith("/provider/RJ6")
    html = c.get("/", query_string={"q": "KING'S"}).get_data(as_text=True)
    assert _board_codes(html) == ["RJZ"]  # King's College Hospital, whatever the case
    assert 'value="KING&#39;S"' in html and "Show every provider" in html
    assert "Regular review (1 of 3)" in html
    # part of a name anywhere in it: Barking, King's College, Kingston
    assert _board_codes(c.get("/?q=king").get_data(as_text=True)) == ["RF4", "RJZ", "RAX"]
    none = c.get("/?q=nobody-at-all").get_data(as_text=True)
    assert _board_codes(none) == [] and "No provider matches" in none


def test_filters_by_level_qsg_and_agenda(client: Client, ws: Path) -> None:
    c = client()
    html = c.get("/?level=risk_summit").get_data(as_text=True)
    assert sorted(_board_codes(html)) == ["RF4", "RJ6"]
    assert 'value="risk_summit" selected' in html
    on = _board_codes(c.get("/?agenda=1").get_data(as_text=True))
    assert sorted(on) == sorted(_agenda(ws))
    choices = html.split('id="board-qsg"')[1].split("</select>")[0]
    qsgs = [html_module.unescape(q) for q in re.findall(r'<option value="([^"]+)"', choices)]
    assert len(qsgs) >= 2
    some = _board_codes(c.get("/", query_string={"qsg": qsgs[0]}).get_data(as_text=True))
    assert 0 < len(some) < 18
    # together: a risk summit on the agenda
    both = _board_codes(c.get("/?level=risk_summit&agenda=1").get_data(as_text=True))
    assert both == [code for code in ["RJ6"] if code in _agenda(ws)]
    # an unknown level is no filter, not an error
    assert len(_board_codes(c.get("/?level=bogus").get_data(as_text=True))) == 18


def test_projector_type_is_kept_in_a_cookie_and_goes_back_where_it_was(client: Client) -> None:
    c = client()
    assert 'class="projector"' not in c.get("/").get_data(as_text=True)
    back = c.get("/display?projector=1&next=/provider/RJ6")
    assert back.status_code == 303 and back.headers["Location"].endswith("/provider/RJ6")
    assert "qsg_display=projector" in back.headers["Set-Cookie"]
    assert "SameSite=Strict" in back.headers["Set-Cookie"]
    html = c.get("/provider/RJ6").get_data(as_text=True)
    assert '<body class="projector">' in html and "Usual type" in html
    c.get("/display?projector=0&next=/")
    assert '<body class="projector">' not in c.get("/").get_data(as_text=True)
    for elsewhere in ("//evil.example/", "https://evil.example/", "/\\evil"):
        r = c.get("/display", query_string={"projector": "1", "next": elsewhere})
        assert r.headers["Location"] in ("/", "http://localhost/")


def test_the_record_is_beside_the_reasons_and_every_action_has_a_key(client: Client) -> None:
    html = client().get("/provider/RJ6").get_data(as_text=True)
    lead = html.index('<div class="provider-lead">')
    assert lead < html.index('<section id="record"') < html.index("<h3>Indicators</h3>")
    keys = dict(re.findall(r'<a href="([^"]+)"[^>]*accesskey="(\w)"', html))
    assert set(keys.values()) >= {"b", "n", "r", "i", "l"}
    board = client().get("/").get_data(as_text=True)
    assert 'accesskey="s"' in board  # the search


def test_the_room_adds_no_script_and_keeps_the_policy(client: Client) -> None:
    c = client()
    for path in ("/", "/?q=king&level=regular_review&agenda=1", "/provider/RJ6", "/summary"):
        r = c.get(path)
        assert r.headers["Content-Security-Policy"].startswith("default-src 'none'")
        page = Page(r.get_data(as_text=True))
        assert [t for t, _ in page.tags if t in ("script", "iframe", "link")] == []
        assert not any(name.startswith("on") for _, a in page.tags for name in a)
