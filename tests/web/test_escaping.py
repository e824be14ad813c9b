"""Every string on the live page is text: names, summaries, members, reasons, rationales
and action texts holding markup come out inert, whether they came from the workspace, the
register or a form (and a form sent back with a problem echoes them escaped)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
import yaml
from chartcheck import Page
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qsgrules import api_register
from qsgrules import register as R
from qsgrules.bundled import demo_workspace

from .conftest import MEETING, Client, token

SCRIPT = '<script>alert("x")</script>'
IMG = '"><img src=x onerror=alert(1)>'
NAME = f"Croydon {SCRIPT}{IMG} Trust"
SUMMARY = f"Staff said {IMG} and {SCRIPT}"
MEMBER = f"Ann {IMG}"
REASON = f"Because {SCRIPT} and {IMG}"


def _evil(tmp: Path) -> Path:
    ws = tmp / "evil"
    shutil.copytree(demo_workspace(), ws)
    rows = list(csv.reader(io.StringIO((ws / "providers.csv").read_text())))
    for row in rows[1:]:
        if row[0] == "RJ6":
            row[1] = NAME
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (ws / "providers.csv").write_text(buf.getvalue())
    items = yaml.safe_load((ws / "intelligence.yaml").read_text())
    for item in items:
        if item["provider"] == "RJ6":
            item["summary"] = SUMMARY
    (ws / "intelligence.yaml").write_text(yaml.safe_dump(items, sort_keys=False))
    api_register.open_meeting(date="2019-04-10", chair=f"Dr {SCRIPT}", workspace=ws, by="clerk")
    return ws


def _inert(html: str) -> str:
    page = Page(html)
    assert [t for t, _ in page.tags if t in ("script", "img")] == []
    assert all(not name.startswith("on") for _, attrs in page.tags for name in attrs)
    return " ".join(page.text)


def test_strings_from_workspace_register_and_forms_are_inert(
    client: Client, tmp_path: Path
) -> None:
    ws = _evil(tmp_path)
    c = client(ws)
    board = c.get("/").get_data(as_text=True)
    c.post(
        "/",
        data={
            "csrf": token(board),
            "form": "attendance",
            "meeting": MEETING,
            "member": MEMBER,
            "organisation": "CQC",
        },
    )
    page = c.get("/provider/RJ6").get_data(as_text=True)
    for form, fields in (
        ("override", {"member": MEMBER, "level": "regular_review", "reason": REASON}),
        ("decision", {"level": "regular_review", "rationale": REASON, "exit_criteria": REASON}),
        ("action", {"owner": MEMBER, "due": "2019-05-01", "text": REASON}),
    ):
        response = c.post(
            "/provider/RJ6",
            data={"csrf": token(page), "form": form, "meeting": MEETING, **fields},
        )
        assert response.status_code == 303, response.get_data(as_text=True)
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        m = R.fold(reg.records()).meetings[MEETING]
    assert m.positions["RJ6"][MEMBER].reason == REASON  # stored as typed
    text = _inert(c.get("/provider/RJ6").get_data(as_text=True))
    for value in (NAME, SUMMARY, MEMBER, REASON):
        assert value in text
    text = _inert(c.get("/").get_data(as_text=True))
    for value in (NAME, MEMBER, f"Dr {SCRIPT}"):
        assert value in text


def test_a_form_sent_back_with_a_problem_echoes_what_was_typed_as_text(
    client: Client, tmp_path: Path
) -> None:
    ws = _evil(tmp_path)
    c = client(ws)
    page = c.get("/provider/RJ6").get_data(as_text=True)
    response = c.post(
        "/provider/RJ6",
        data={
            "csrf": token(page),
            "form": "override",
            "meeting": MEETING,
            "member": MEMBER,  # not attending: refused, and the message quotes it
            "level": IMG,
            "reason": REASON,
        },
    )
    assert response.status_code == 400
    text = _inert(response.get_data(as_text=True))
    assert REASON in text and "unknown level" in text and IMG in text


def test_the_error_pages_escape_what_they_quote(client: Client) -> None:
    response = client().get("/provider/" + IMG.replace(" ", "%20"))
    assert response.status_code == 404
    _inert(response.get_data(as_text=True))


_CLIENTS: dict[str, FlaskClient] = {}
_TYPED = st.text(alphabet=st.sampled_from(list("<>\"'&=/ ;:$\\{}%#!abcXYZ\u00e9\u2191\n")))


@pytest.mark.slow
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(reason=_TYPED)
def test_whatever_is_typed_as_a_reason_is_recorded_as_typed_and_shown_as_text(
    client: Client, ws: Path, reason: str
) -> None:
    typed = "Because " + reason  # never empty: an empty reason is refused (tested apart)
    c = _CLIENTS.get(str(ws)) or _CLIENTS.setdefault(str(ws), client())  # one per test
    page = c.get("/provider/RJ7").get_data(as_text=True)
    response = c.post(
        "/provider/RJ7",
        data={
            "csrf": token(page),
            "form": "override",
            "meeting": MEETING,
            "member": "Ann Lee",
            "level": "risk_summit",
            "reason": typed,
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        stored = R.fold(reg.records()).meetings[MEETING].positions["RJ7"]["Ann Lee"].reason
    # as the commands store it: whitespace folded on one line, trimmed when several
    assert stored == (" ".join(typed.split()) if "\n" not in typed else typed.strip())
    shown = Page(c.get("/provider/RJ7").get_data(as_text=True))
    assert [t for t, _ in shown.tags if t in ("script", "img")] == []
    assert " ".join(str(stored).split()) in " ".join(" ".join(shown.text).split())
