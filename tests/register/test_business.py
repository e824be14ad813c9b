"""The whole agenda (issue 21, item 4): venue and time, matters arising carried from the
last meeting, the regional QSG's feedback, members' reports (confidential handling kept),
thematic items, AOB and the review of effectiveness, in the agenda, the note and the pack;
the next meeting from the schedule; times in the note to the minute."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules.api import init_workspace
from qsgrules.cli.main import cli

TODAY = {"QSG_TODAY": "2019-06-20"}
SECRET = "Inspection found unsafe staffing on ward 7"


def ok(ws: Path, *args: str, today: str = TODAY["QSG_TODAY"]) -> str:
    result = CliRunner().invoke(cli, [*args, "--workspace", str(ws)], env={"QSG_TODAY": today})
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = init_workspace(tmp_path_factory.mktemp("business") / "qsg", from_demo=True).folder
    sl = ("--qsg", "South London", "--chair", "Dr Jo Chair", "--by", "clerk")
    ok(ws, "meeting", "open", "--date", "2019-04-10", "--venue", "Croydon, Room 2",
       "--time", "10:00", *sl)  # fmt: skip
    ok(ws, "decide", "RJ6", "--meeting", "M-2019-04-10", "--level", "regular_review",
       "--rationale", "Plan agreed", "--by", "chair")  # fmt: skip
    ok(ws, "action", "add", "RJ6", "--meeting", "M-2019-04-10", "--owner", "NHS Croydon CCG",
       "--due", "2019-05-15", "--text", "Obtain the ED plan", "--by", "clerk")  # fmt: skip
    ok(ws, "meeting", "agree", "M-2019-04-10", "--by", "chair")
    # planned in May, before the June meeting
    ok(ws, "meeting", "open", "--planned", "--date", "2019-08-14", "--venue", "Sutton",
       "--time", "14:00", *sl, today="2019-05-01")  # fmt: skip
    ok(ws, "meeting", "open", "--planned", "--date", "2019-06-12", "--venue", "Kingston",
       "--time", "09:30", *sl, today="2019-05-01")  # fmt: skip
    ok(ws, "meeting", "open", "--date", "2019-06-12", *sl)
    m = ("M-2019-06-12",)
    ok(ws, "meeting", "item", *m, "--kind", "regional_feedback", "--title", "London QSG, May",
       "--text", "A view on ED waits across South London, please", "--by", "c")  # fmt: skip
    ok(ws, "meeting", "item", *m, "--kind", "report", "--author", "CQC", "--title",
       "CQC quarterly report", "--text", SECRET, "--confidential", "--by", "c")  # fmt: skip
    ok(ws, "meeting", "item", *m, "--kind", "theme", "--title", "Frail older people",
       "--provider", "RJ6", "--provider", "RJ7", "--text", "Delayed discharges",
       "--outcome", "Ask the CCGs for a joint view", "--by", "c")  # fmt: skip
    ok(ws, "meeting", "item", *m, "--kind", "aob", "--title", "Winter planning", "--by", "c")
    ok(ws, "meeting", "item", *m, "--kind", "review", "--title", "Effectiveness",
       "--text", "Papers came late: circulate a week before", "--by", "c")  # fmt: skip
    return ws


def test_the_agenda_has_matters_arising_and_the_business(ws: Path) -> None:
    out = ok(ws, "agenda", "M-2019-06-12")
    assert out.index("-- matters arising from M-2019-04-10") < out.index("-- every meeting")
    assert "A-001 (RJ6, NHS Croydon CCG): Obtain the ED plan: overdue since 2019-05-15" in out
    assert "-- update from the regional qsg\n       London QSG, May" in out
    assert "CQC quarterly report (CQC)" in out and SECRET not in out
    assert "Frail older people [RJ6, RJ7]" in out
    assert out.index("-- every meeting") < out.index("-- thematic items")


def test_the_note_summarises_the_business_and_withholds_a_confidential_report(
    ws: Path,
) -> None:
    note = ok(ws, "note", "M-2019-06-12")
    assert "- **Date:** 2019-06-12, 09:30" in note and "- **Venue:** Kingston" in note
    for heading in ("Matters arising", "Update from the regional QSG", "Members' reports",
                    "Thematic items", "Any other business",
                    "Review of the meeting's effectiveness", "Next meeting"):  # fmt: skip
        assert f"\n## {heading}\n" in note, heading
    assert "Agreed: Ask the CCGs for a joint view" in note
    assert SECRET in note
    assert "M-2019-08-14: 2019-08-14, 14:00, Sutton" in note
    public = ok(ws, "note", "M-2019-06-12", "--public")
    # published, a confidential report keeps no field: not even its title (issue 21)
    assert SECRET not in public and "CQC quarterly report" not in public
    assert "A report given in confidence: withheld from publication" in public
    html = ok(ws, "note", "M-2019-06-12", "--format", "html", "--public")
    assert SECRET not in html and "Frail older people" in html


def test_the_lock_time_is_to_the_minute(ws: Path) -> None:
    note = ok(ws, "note", "M-2019-04-10")
    locked = re.search(r"locked (\S+ \S+)", note)
    assert locked is not None and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", locked.group(1))


def test_the_pack_lists_the_business_never_a_reports_text(ws: Path) -> None:
    pack = ws / "pack.html"
    ok(ws, "pack", "--meeting", "M-2019-06-12", "--out", str(pack))
    html = pack.read_text()
    assert (
        "Matters arising: RJ6 Croydon Health Services NHS Trust: concluded regular review" in html
    )
    assert "<strong>CQC quarterly report</strong> (CQC, given in confidence)" in html
    assert SECRET not in html
    assert "Effectiveness: Papers came late: circulate a week before" in html
    assert "M-2019-08-14: 2019-08-14, 14:00, Sutton" in html


def test_business_is_refused_when_wrong(ws: Path) -> None:
    bad = [
        (("--kind", "gossip", "--title", "x"), "--kind"),
        (("--kind", "report", "--title", "x"), "--author"),
        (("--kind", "report", "--title", "x", "--author", "CQQ"), "--author"),
        (("--kind", "theme", "--title", "x", "--provider", "RJ9"), "--provider"),
        (("--kind", "aob", "--title", " "), "--title"),
    ]
    for args, where in bad:
        result = CliRunner().invoke(
            cli, ["meeting", "item", "M-2019-06-12", *args, "--workspace", str(ws), "--by", "c"],
            env=TODAY,
        )  # fmt: skip
        assert result.exit_code == 2 and result.stderr.startswith(where), (args, result.stderr)
