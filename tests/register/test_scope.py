"""A local QSG's scope (issue 21, item 3): a meeting of a local QSG shows its own
providers in the agenda and the pack (others on request), and lists the conclusions other
local QSGs reached on its providers since its last meeting (liaison before the fact),
from its own register and from other QSGs' registers."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules.api import init_workspace
from qsgrules.cli.main import cli

TODAY = {"QSG_TODAY": "2019-06-20"}
SOUTH = ("RJ1", "RJ2", "RJ6", "RJ7", "RAX", "RVR", "RJZ")


def qsg(ws: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--workspace", str(ws)], env=TODAY)
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def ok(ws: Path, *args: str) -> str:
    code, out, err = qsg(ws, *args)
    assert code == 0, err
    return out


def open_meeting(ws: Path, date: str, qsg_name: str) -> str:
    ok(ws, "meeting", "open", "--date", date, "--chair", "Dr Chair", "--qsg", qsg_name,
       "--by", "clerk")  # fmt: skip
    return f"M-{date}"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return init_workspace(tmp_path / "qsg", from_demo=True).folder


def test_the_south_london_pack_shows_only_its_providers_plus_liaison(ws: Path) -> None:
    west = open_meeting(ws, "2019-04-03", "North West London")
    ok(ws, "decide", "RJ6", "--meeting", west, "--level", "regular_review", "--rationale",
       "Croydon's waits, raised by a commissioner of ours", "--by", "chair")  # fmt: skip
    ok(ws, "decide", "R1K", "--meeting", west, "--level", "regular_review", "--rationale",
       "Our own", "--by", "chair")  # fmt: skip
    south = open_meeting(ws, "2019-04-10", "South London")
    pack = ws / "pack.html"
    ok(ws, "pack", "--meeting", south, "--out", str(pack))
    html = pack.read_text()
    for code in SOUTH:
        assert f'id="p-{code}"' in html, code
    for code in ("R1K", "RF4", "RAS", "RQM"):
        assert f'id="p-{code}"' not in html, code
    assert "North West London concluded regular review at M-2019-04-03" in html
    assert "Croydon&#39;s waits, raised by a commissioner of ours" in html
    assert "11 provider(s) of other local QSGs are left out" in html
    # on request: one by code, or all of them
    ok(ws, "pack", "--meeting", south, "--provider", "R1K", "--out", str(ws / "one.html"))
    assert 'id="p-R1K"' in (ws / "one.html").read_text()
    ok(ws, "pack", "--meeting", south, "--all-qsgs", "--out", str(ws / "all.html"))
    assert 'id="p-RF4"' in (ws / "all.html").read_text()


def test_the_agenda_is_the_qsgs_own_with_the_liaison_list(ws: Path) -> None:
    west = open_meeting(ws, "2019-04-03", "North West London")
    ok(ws, "decide", "RJ2", "--meeting", west, "--level", "further_information",
       "--rationale", "Seen by our commissioners", "--by", "chair")  # fmt: skip
    ok(ws, "decide", "R1K", "--meeting", west, "--level", "regular_review", "--rationale",
       "Our own", "--by", "chair")  # fmt: skip
    south = open_meeting(ws, "2019-04-10", "South London")
    out = ok(ws, "agenda", south)
    listed = {line.split()[1] for line in out.splitlines() if line[:4].strip().endswith(".")}
    assert listed and listed <= set(SOUTH), listed
    assert "-- liaison: concluded on by another local QSG since the last meeting" in out
    assert "RJ2" in out.split("-- liaison")[1] and "R1K" not in out.split("-- liaison")[1]


def test_liaison_is_only_since_the_qsgs_last_meeting(ws: Path) -> None:
    west = open_meeting(ws, "2019-04-03", "North West London")
    ok(ws, "decide", "RJ2", "--meeting", west, "--level", "further_information",
       "--rationale", "Seen by our commissioners", "--by", "chair")  # fmt: skip
    open_meeting(ws, "2019-04-10", "South London")
    later = open_meeting(ws, "2019-05-15", "South London")
    out = ok(ws, "agenda", later)
    assert "-- liaison" not in out  # told at M-2019-04-10 already


def test_liaison_from_another_qsgs_register(ws: Path, tmp_path: Path) -> None:
    west_ws = init_workspace(tmp_path / "west", from_demo=True).folder
    west = open_meeting(west_ws, "2019-04-03", "North West London")
    ok(west_ws, "decide", "RJ7", "--meeting", west, "--level", "regular_review",
       "--rationale", "Outcomes flagged to us", "--by", "chair")  # fmt: skip
    south = open_meeting(ws, "2019-04-10", "South London")
    out = ok(ws, "agenda", south, "--liaison", str(west_ws / "register.sqlite"))
    assert "North West London concluded regular review at M-2019-04-03" in out
    assert "-- liaison" not in ok(ws, "agenda", south)
    code, _, err = qsg(ws, "agenda", south, "--liaison", str(tmp_path / "nope.sqlite"))
    assert code == 2 and "--liaison: no register at" in err
