"""Pages kept between requests (``qsgrules.web.pages``): a page is sent again only while
nothing that changes it was recorded, by this server or by anyone else (a `qsg` command in
another process), and with the chain head of the moment; a register whose stored
state another version of qsgrules made is rebuilt when the server starts, and says what
its records say."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from qsgrules import register as R
from qsgrules.register import materialised
from qsgrules.web import LiveReview, make_app
from qsgrules.web.app import LOOPBACK_NAMES

from .conftest import MEETING, token

CLI = "import sys; from qsgrules.cli.main import main; sys.argv[0] = 'qsg'; main()"


def qsg(*args: str) -> None:
    """A `qsg` command in a process of its own, as a secretary would type it."""
    done = subprocess.run(
        [sys.executable, "-c", CLI, *args], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr


def head_of(html: str) -> str:
    found = re.search(r"record (\d+), sha256 ([0-9a-f]{64})", html)
    assert found is not None, "the page prints no chain head"
    return found.group(0)


def head_now(ws: Path) -> str:
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        head = reg.head()
    assert head is not None
    return f"record {head[0]}, sha256 {head[1]}"


@pytest.fixture
def served(ws: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[LiveReview, list[str]]:
    """The live page on ``ws``, and the pages it made (not sent again): one entry each
    time it read the register to make a page."""
    live = LiveReview.load(ws)
    made: list[str] = []
    snapshot = live.snapshot

    def counted(**options: object) -> object:
        made.append(str(options.get("shown")))
        return snapshot(**options)  # type: ignore[arg-type]

    monkeypatch.setattr(live, "snapshot", counted)
    return live, made


def test_a_page_is_made_again_only_when_what_it_shows_was_recorded(
    ws: Path, served: tuple[LiveReview, list[str]]
) -> None:
    live, made = served
    client = make_app(live, trusted_hosts=LOOPBACK_NAMES).test_client()
    rj7 = client.get("/provider/RJ7").get_data(as_text=True)
    client.get("/provider/RJ6")
    client.get("/")
    assert len(made) == 3
    again = client.get("/provider/RJ7").get_data(as_text=True)
    assert again == rj7 and len(made) == 3  # nothing recorded: the page as kept

    # a position on RJ6, recorded by another process: RJ6's page and the board change,
    # RJ7's does not
    qsg("confirm", "RJ6", "--meeting", MEETING, "--member", "Ann Lee", "-w", str(ws))
    assert client.get("/provider/RJ7").get_data(as_text=True) == rj7
    assert len(made) == 3
    rj6 = client.get("/provider/RJ6").get_data(as_text=True)
    assert len(made) == 4 and "Ann Lee" in rj6.split('id="record"', 1)[-1]
    board = client.get("/").get_data(as_text=True)
    assert len(made) == 5 and head_of(board) == head_now(ws)
    assert client.get("/").get_data(as_text=True) == board and len(made) == 5

    # anything else recorded (a member attending) changes every page
    qsg("meeting", "attend", MEETING, "--member", "Mo Khan", "--organisation", "CQC", "-w", str(ws))
    assert "Mo Khan" in client.get("/provider/RJ7").get_data(as_text=True)
    assert len(made) == 6


def test_a_write_through_the_page_changes_the_pages_it_shows_in(
    ws: Path, served: tuple[LiveReview, list[str]]
) -> None:
    live, _ = served
    client = make_app(live, trusted_hosts=LOOPBACK_NAMES).test_client()
    html = client.get("/provider/RJ6").get_data(as_text=True)
    client.get("/provider/RJ7")
    sent = client.post(
        "/provider/RJ6",
        data={"csrf": token(html), "form": "override", "meeting": MEETING,
              "member": "Raj Patel", "level": "risk_summit", "reason": "Heard at the visit."},
    )  # fmt: skip
    assert sent.status_code == 303
    # the page the write sends the member back to shows its message: made for them alone
    shown = client.get("/provider/RJ6").get_data(as_text=True)
    assert "Raj Patel" in shown.split('id="record"', 1)[-1]
    fresh = make_app(live, trusted_hosts=LOOPBACK_NAMES).test_client()
    again = fresh.get("/provider/RJ6").get_data(as_text=True)
    assert "Raj Patel" in again.split('id="record"', 1)[-1]
    assert head_of(fresh.get("/").get_data(as_text=True)) == head_now(ws)


def test_a_record_changed_outside_qsgrules_makes_every_page_again(
    ws: Path, served: tuple[LiveReview, list[str]]
) -> None:
    live, made = served
    client = make_app(live, trusted_hosts=LOOPBACK_NAMES).test_client()
    client.get("/provider/RJ7")
    conn = sqlite3.connect(ws / "register.sqlite")
    with conn:
        conn.execute("UPDATE records SET recorded_by = 'someone' WHERE seq = 1")
    conn.close()
    client.get("/provider/RJ7")
    assert len(made) == 2


def test_a_state_made_by_another_version_is_rebuilt_when_the_server_starts(
    ws: Path,
) -> None:
    path = ws / "register.sqlite"
    qsg("decide", "RJ6", "--meeting", MEETING, "--level", "regular_review", "--rationale", "Agreed",
        "-w", str(ws))  # fmt: skip
    conn = sqlite3.connect(path)
    with conn:  # as an earlier qsgrules would have left it
        conn.execute("UPDATE state_meta SET value = 'another' WHERE name = 'fold'")
        conn.execute("DELETE FROM state_decisions")
    conn.close()
    with R.Register(path, readonly=True) as reg:
        assert materialised.stale(reg._conn) is not None
        folded = R.fold(reg.records())
    LiveReview.load(ws)
    with R.Register(path, readonly=True) as reg:
        assert materialised.stale(reg._conn) is None
        assert reg.state().standings() == folded.standings()
        assert reg.standing_levels()["RJ6"].meeting == MEETING
        assert reg.verify().ok


def test_pages_kept_through_positions_say_what_pages_made_afresh_say(ws: Path) -> None:
    """Positions stated (and corrected) while the server runs: its pages, made from the
    meeting it keeps with those positions read again, are the pages a server started now
    makes from the register read whole."""
    secret = b"the same form token in both" * 2
    live = LiveReview.load(ws)
    client = make_app(live, secret=secret, trusted_hosts=LOOPBACK_NAMES).test_client()
    client.get("/")
    path = ws / "register.sqlite"
    steps = [
        ("RJ6", "Ann Lee", None),
        ("RJ7", "Ann Lee", "risk_summit"),
        ("RJ6", "Raj Patel", "regular_review"),
        ("RJ6", "Ann Lee", "further_information"),  # Ann Lee's position corrected
        ("RJ7", "Raj Patel", None),
    ]
    for code, member, level in steps:
        with R.Register(path, actor="clerk") as reg:
            if level is None:
                R.confirm(reg, code, meeting=MEETING, member=member)
            else:
                R.override(reg, code, meeting=MEETING, member=member, level=level, reason="Heard")
        again = LiveReview.load(ws)
        fresh = make_app(again, secret=secret, trusted_hosts=LOOPBACK_NAMES).test_client()
        for url in ("/", "/provider/RJ6", "/provider/RJ7"):
            kept, made = client.get(url), fresh.get(url)
            assert kept.status_code == made.status_code == 200
            assert kept.get_data(as_text=True) == made.get_data(as_text=True), (code, url)
