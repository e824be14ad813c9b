"""The regional QSG's feedback (issue 21, item 6): recorded when it is received, for one
local QSG or every one, and carried into the agenda, the pack and the note of that QSG's
next meeting, and of no other; its text never printed in the pack or the agenda when it
is confidential, and withheld from the published note."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qsgrules import register as R
from qsgrules.api import init_workspace, meeting_pack
from qsgrules.cli.main import cli

SL = ("--qsg", "South London", "--chair", "Dr Jo", "--by", "clerk")
SECRET = "The trust's board minutes show an unreported serious incident"


def run(ws: Path, *args: str, today: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--workspace", str(ws)], env={"QSG_TODAY": today})


def ok(ws: Path, *args: str, today: str) -> str:
    result = run(ws, *args, today=today)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def records(ws: Path) -> int:
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        return len(reg.records(frozen=True))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = init_workspace(tmp_path_factory.mktemp("feedback") / "qsg", from_demo=True).folder
    ok(ws, "meeting", "open", "--date", "2019-04-10", *SL, today="2019-04-10")
    # received on the April meeting's day, recorded after it was opened: for June
    ok(ws, "feedback", "add", "--from", "London regional QSG", "--received", "2019-04-10",
       "--title", "Same-day note", "--by", "clerk", today="2019-04-10")  # fmt: skip
    ok(ws, "meeting", "agree", "M-2019-04-10", "--by", "clerk", today="2019-04-10")
    out = ok(ws, "feedback", "add", "--from", "London regional QSG", "--held-on", "2019-05-14",
             "--received", "2019-05-20", "--title", "ED waits across London", "--text",
             "Report on corridor care at the next regional meeting", "--qsg", "South London",
             "--by", "clerk", today="2019-05-20")  # fmt: skip
    assert out.startswith("F-002: feedback from London regional QSG received 2019-05-20")
    ok(ws, "feedback", "add", "--from", "London regional QSG", "--received", "2019-05-21",
       "--title", "For the west only", "--qsg", "North West London", "--by", "clerk",
       today="2019-05-21")  # fmt: skip
    ok(ws, "feedback", "add", "--from", "London regional QSG", "--received", "2019-05-22",
       "--title", "In confidence", "--text", SECRET, "--confidential", "--by", "clerk",
       today="2019-05-22")  # fmt: skip
    ok(ws, "meeting", "open", "--date", "2019-06-12", *SL, today="2019-06-12")
    return ws


@pytest.fixture
def ws(tmp_path: Path, template: Path) -> Path:
    shutil.copytree(template, tmp_path / "ws")
    return tmp_path / "ws"


def test_feedback_comes_onto_the_next_meetings_agenda_pack_and_note(ws: Path) -> None:
    agenda = ok(ws, "agenda", "M-2019-06-12", today="2019-06-12")
    block = agenda[agenda.index("-- update from the regional qsg") :].split("\n-- ")[0]
    assert "F-001 Same-day note" in block
    assert (
        "F-002 ED waits across London (London regional QSG, meeting of 2019-05-14; received "
        "2019-05-20): Report on corridor care at the next regional meeting"
    ) in block
    assert "For the west only" not in agenda  # another local QSG's
    assert "F-004 In confidence" in block and SECRET not in agenda
    pack = meeting_pack(ws, meeting="M-2019-06-12")
    assert "F-002 ED waits across London" in pack and "F-001 Same-day note" in pack
    assert "F-004 In confidence" in pack and SECRET not in pack
    note = ok(ws, "note", "M-2019-06-12", today="2019-06-12")
    section = note[note.index("## Update from the regional QSG") : note.index("## Providers")]
    assert "- F-002 **ED waits across London**" in section and SECRET in section
    for fmt in ("md", "html"):
        public = ok(ws, "note", "M-2019-06-12", "--public", "--format", fmt, today="2019-06-12")
        assert SECRET not in public and "F-004" in public


def test_feedback_comes_to_one_meeting_only(ws: Path) -> None:
    # the April meeting (before it arrived) had none of it
    april = ok(ws, "agenda", "M-2019-04-10", today="2019-06-12")
    assert "update from the regional qsg" not in april
    ok(ws, "meeting", "agree", "M-2019-06-12", "--by", "clerk", today="2019-06-12")
    ok(ws, "meeting", "open", "--date", "2019-08-14", *SL, today="2019-08-14")
    august = ok(ws, "agenda", "M-2019-08-14", today="2019-08-14")
    assert "F-00" not in august
    # the west's first meeting has its own and what is for every QSG, never South London's
    west = ("--qsg", "North West London", "--chair", "Dr Lee", "--by", "clerk")
    ok(ws, "meeting", "open", "--date", "2019-08-14", *west, today="2019-08-14")
    theirs = ok(ws, "agenda", "M-2019-08-14-2", today="2019-08-14")
    assert "For the west only" in theirs and "F-004 In confidence" in theirs
    assert "ED waits across London" not in theirs
    assert "ok:" in ok(ws, "audit", "verify", today="2019-08-14")


def test_feedback_that_cannot_be_true_is_refused_and_nothing_written(ws: Path) -> None:
    before = records(ws)
    base = ("feedback", "add", "--from", "London regional QSG", "--title", "t", "--by", "c")
    cases = {
        ("--received", "2019-06-13"): "--received: 2019-06-13 is after today (2019-06-12)",
        ("--received", "2019-05-20", "--held-on", "2019-05-21"): (
            "--received: 2019-05-20 is before the regional meeting it came from (2019-05-21)"
        ),
        ("--received", "2019-05-20", "--qsg", "South Londn"): (
            "--qsg: unknown local QSG 'South Londn' (did you mean \"South London\"?)"
        ),
        ("--received", "20-05-2019"): "--received:",
    }
    for extra, said in cases.items():
        result = run(ws, *base, *extra, today="2019-06-12")
        assert result.exit_code == 2, (extra, result.stderr)
        assert result.stderr.startswith(said) and "nothing was done" in result.stderr
        assert "Traceback" not in result.stderr
    assert records(ws) == before
    listed = ok(ws, "feedback", "list", today="2019-06-12")
    assert listed.count("\n") == 4 and SECRET not in listed
