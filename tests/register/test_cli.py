"""The QSG's record from the command line: the scripted meeting of issue 7, end to end."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules.bundled import demo_workspace
from qsgrules.cli.main import cli

from .conftest import MEETING


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    target = tmp_path / "demo"
    shutil.copytree(demo_workspace(), target)
    return target


def _script(ws: Path) -> dict[str, tuple[int, str, str]]:
    """The meeting of the issue's "Done when", each command's result by name."""
    w = ("--workspace", str(ws), "--by", "clerk")
    m = MEETING
    steps = {
        "open": ("meeting", "open", "--date", "2019-04-10", "--chair", "Dr Jo Chair",
                 "--qsg", "South London", *w),
        "attend1": ("meeting", "attend", m, "--member", "Ann Lee", "--organisation", "CQC",
                    "--from", "10:00", "--to", "12:00", *w),
        "attend2": ("meeting", "attend", m, "--member", "Raj Patel", "--organisation",
                    "NHS Croydon CCG", "--from", "10:15", "--to", "11:30", *w),
        "confirm": ("confirm", "RJ6", "--meeting", m, "--member", "Ann Lee", *w),
        "override": ("override", "RJ6", "--meeting", m, "--member", "Raj Patel", "--level",
                     "regular_review", "--reason", "An ED improvement plan is agreed", *w),
        "refused": ("decide", "RJ6", "--meeting", m, "--rationale", "As proposed", *w),
        "decide": ("decide", "RJ6", "--meeting", m, "--level", "regular_review", "--rationale",
                   "Regular review <while> the plan is tested", "--review-by", "2019-06-12",
                   "--exit-criteria", "Four-hour performance within limits for two months", *w),
        "action": ("action", "add", "RJ6", "--meeting", m, "--owner", "NHS Croydon CCG",
                   "--due", "2019-05-15", "--text", "Obtain the trust's ED improvement plan", *w),
        "note_draft": ("note", m, "--workspace", str(ws)),
        "agree": ("meeting", "agree", m, *w),
        "amend": ("meeting", "amend", m, "--reason", "Attendance corrected by the chair",
                  "--text", "Raj Patel joined at 10:15", *w),
        "note": ("note", m, "--workspace", str(ws)),
        "html": ("note", m, "--format", "html", "--workspace", str(ws)),
        "triage": ("triage", "--workspace", str(ws)),
        "json": ("triage", "--workspace", str(ws), "--format", "json"),
        "explain": ("explain", "RJ6", "--workspace", str(ws)),
        "open2": ("meeting", "open", "--date", "2019-06-12", "--chair", "Dr Jo Chair",
                  "--qsg", "South London", *w),
        "agenda": ("agenda", "M-2019-06-12", "--workspace", str(ws)),
        "verify": ("audit", "verify", "--workspace", str(ws)),
    }  # fmt: skip
    return {name: run(*args) for name, args in steps.items()}


@pytest.fixture(scope="module")
def scripted(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, tuple[int, str, str]]]:
    ws = tmp_path_factory.mktemp("scripted") / "demo"
    shutil.copytree(demo_workspace(), ws)
    return ws, _script(ws)


def test_every_step_of_the_scripted_meeting(
    scripted: tuple[Path, dict[str, tuple[int, str, str]]],
) -> None:
    _, out = scripted
    for name, (code, _, err) in out.items():
        assert code == (2 if name == "refused" else 0), (name, err)
    assert out["open"][1] == "M-2019-04-10\n" and out["action"][1] == "A-001\n"
    assert "Raj Patel (NHS Croydon CCG) holds regular_review" in out["refused"][2]
    assert "nothing was done" in out["refused"][2]


def test_the_markdown_note_holds_the_whole_meeting(
    scripted: tuple[Path, dict[str, tuple[int, str, str]]],
) -> None:
    _, out = scripted
    draft, note = out["note_draft"][1], out["note"][1]
    assert draft.startswith("# DRAFT") and "DRAFT" not in note
    for text in (
        "Ann Lee | CQC | 10:00 | 12:00 | 2 h 00 min",
        "Raj Patel | NHS Croydon CCG | 10:15 | 11:30 | 1 h 15 min",
        "Ann Lee (CQC): confirmed risk summit required",
        "Raj Patel (NHS Croydon CCG): override to regular review: An ED improvement plan is agreed",
        # raw HTML typed into a rationale is escaped in Markdown (issue 17: it passed through)
        "**Conclusion:** regular review. Regular review \\<while\\> the plan is tested",
        "**Dissent:** Ann Lee (CQC) held risk summit required",
        "**Review by:** 2019-06-12",
        "**Exit criteria:** Four-hour performance within limits for two months",
        "A-001: Obtain the trust's ED improvement plan (owner NHS Croydon CCG, due 2019-05-15",
        "Raj Patel joined at 10:15. Reason: Attendance corrected by the chair",
        "**Proposed:** risk summit required",
        "hard: ae_4hr_type1 [standard, strong]",
        "soft SI-022 (CQC, safety, high, B2",
        "- **Triage as of:** 2019-03",
        "**Chair:** Dr Jo Chair",
    ):
        assert text in note, text


def test_the_html_note_is_self_contained_and_escaped(
    scripted: tuple[Path, dict[str, tuple[int, str, str]]],
) -> None:
    _, out = scripted
    html = out["html"][1]
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "Regular review &lt;while&gt; the plan is tested" in html
    assert "<while>" not in html
    assert "src=" not in html and "href=" not in html and "@import" not in html
    assert "Agreed by the QSG" in html and "Raj Patel joined at 10:15" in html


def test_the_next_triage_shows_the_standing_level_and_its_mark(
    scripted: tuple[Path, dict[str, tuple[int, str, str]]],
) -> None:
    _, out = scripted
    assert "  ↑ standing regular review (M-2019-04-10), review by 2019-06-12" in out["triage"][1]
    proposals = {p["provider"]: p for p in json.loads(out["json"][1])["proposals"]}
    assert proposals["RJ6"]["standing"] == {
        "level": "regular_review",
        "decided_on": "2019-04-10",
        "meeting": "M-2019-04-10",
        "review_by": "2019-06-12",
        "exit_criteria": "Four-hour performance within limits for two months",
    }
    assert proposals["RJ7"]["standing"] is None
    assert (
        "Standing level: regular review [regular_review], decided 2019-04-10" in out["explain"][1]
    )
    assert "↑ the proposal would escalate it" in out["explain"][1]


def test_the_second_agenda_lists_the_regular_review_provider_first(
    scripted: tuple[Path, dict[str, tuple[int, str, str]]],
) -> None:
    _, out = scripted
    lines = out["agenda"][1].splitlines()
    # matters arising from the last meeting first (issue 21), then the providers
    assert lines[0] == "-- matters arising from M-2019-04-10 (2019-04-10)"
    first = lines.index("-- every meeting")
    assert lines[first + 1].split()[:2] == ["1.", "RJ6"]
    assert "action A-001 (NHS Croydon CCG) was due 2019-05-15" in out["agenda"][1]


def test_a_row_changed_with_the_sqlite3_shell_fails_the_audit(fresh: Path) -> None:
    _script(fresh)
    conn = sqlite3.connect(fresh / "register.sqlite")
    conn.execute(
        "UPDATE records SET body = replace(body, 'regular_review', 'no_concerns') "
        "WHERE kind = 'decision'"
    )
    conn.commit()
    conn.close()
    code, out, err = run("audit", "verify", "--workspace", str(fresh))
    assert code == 1 and out == ""
    assert "record 7 (decision, M-2019-04-10, RJ6): its content does not match its hash" in err


def test_verify_counts_the_records(scripted: tuple[Path, dict[str, tuple[int, str, str]]]) -> None:
    _, out = scripted
    first, head = out["verify"][1].splitlines()
    assert first == "ok: 12 records checked, hash chain intact, integrity ok"
    assert re.fullmatch(r"chain head: 12:[0-9a-f]{64}", head)  # to keep outside the file


def test_write_commands_refuse_the_bundled_demo_and_write_nothing() -> None:
    code, _, err = run("meeting", "open", "--date", "2019-04-10", "--chair", "x")
    assert code == 2 and "--workspace: the bundled demo is read-only" in err
    code, _, err = run("confirm", "RJ6", "--meeting", MEETING, "--member", "x")
    assert code == 2 and "read-only" in err
    assert not (demo_workspace() / "register.sqlite").exists()


def test_reading_commands_without_a_register(fresh: Path) -> None:
    code, out, _ = run("triage", "--workspace", str(fresh), "--format", "json")
    assert code == 0 and all(p["standing"] is None for p in json.loads(out)["proposals"])
    code, _, err = run("note", MEETING, "--workspace", str(fresh))
    assert code == 2 and "no register at" in err
    code, out, err = run("coverage", "--workspace", str(fresh), "--on", "2019-04-01")
    assert code == 0 and out.count("never") == 18


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "25:00"), "--from: '25:00' is not a time"),
        (("--from", "11:00", "--to", "10:00"), "--to: 10:00 is not after 11:00"),
        (("--organisation", "Healthwatch Croydn"), 'did you mean "Healthwatch Croydon"'),
    ],
)
def test_bad_attendance_is_a_clear_error(fresh: Path, args: tuple[str, ...], message: str) -> None:
    run("meeting", "open", "--date", "2019-04-10", "--chair", "x", "-w", str(fresh))
    base = ["meeting", "attend", MEETING, "-w", str(fresh), "--member", "Ann Lee"]
    if "--organisation" not in args:
        base += ["--organisation", "CQC"]
    code, _, err = run(*base, *args)
    assert code == 2 and message in err, err


def test_coverage_and_action_list(scripted: tuple[Path, dict[str, tuple[int, str, str]]]) -> None:
    ws, _ = scripted
    code, out, err = run("coverage", "-w", str(ws), "--on", "2019-07-01", "--months", "3")
    assert code == 0 and "RJ6" not in out and "17 provider(s) not discussed in the last 3" in err
    code, out, err = run("coverage", "-w", str(ws), "--on", "2019-07-01", "--qsg", "South London")
    assert code == 0 and [x.split()[0] for x in out.splitlines()] == [
        "RAX",
        "RJ1",
        "RJ2",
        "RJ7",
        "RJZ",
        "RVR",
    ]
    code, _, err = run("coverage", "-w", str(ws), "--qsg", "South Londn")
    assert code == 2 and 'did you mean "South London"' in err
    code, out, _ = run("action", "list", "-w", str(ws), "--overdue", "--on", "2019-06-01")
    assert code == 0 and out.startswith("A-001  RJ6") and "OVERDUE" in out


def _regional_register(tmp: Path, name: str, qsg: str, decisions: list[tuple[str, str]]) -> Path:
    ws = tmp / name
    shutil.copytree(demo_workspace(), ws)
    w = ("-w", str(ws))
    assert run("meeting", "open", "--date", "2019-04-10", "--chair", "C", "--qsg", qsg, *w)[0] == 0
    for code, level in decisions:
        args = ("decide", code, "--meeting", MEETING, "--level", level, "--rationale", "r", *w)
        assert run(*args)[0] == 0
    assert run("meeting", "agree", MEETING, *w)[0] == 0
    return ws / "register.sqlite"


def test_the_regional_report_combines_two_registers(tmp_path: Path) -> None:
    south = _regional_register(
        tmp_path, "south", "South London", [("RJ6", "regular_review"), ("RJ7", "regular_review")]
    )
    west = _regional_register(
        tmp_path, "west", "North West London", [("RAS", "regular_review"), ("RJ6", "risk_summit")]
    )
    code, out, err = run("report", "regional", str(south), str(west), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    recurring = {r["concern"]: r["local_qsgs"] for r in report["recurring"]}
    # by the local QSG that concluded (issue 21): North West London concluded on RJ6 too
    assert recurring["indicator ae_4hr_type1"] == {
        "North West London": ["RAS", "RJ6"],
        "South London": ["RJ6", "RJ7"],
    }
    rj6 = [c for c in report["conclusions"] if c["provider"] == "RJ6"]
    assert len(rj6) == 1 and len(rj6[0]["views"]) == 2 and rj6[0]["level"] == "risk_summit"
    assert [(x["provider"], x["discussed_by"]) for x in report["liaison"]] == [
        ("RJ6", "North West London")
    ]
    # each QSG's row holds what it concluded: RJ6 is in both, at each QSG's level
    assert report["levels"]["South London"] == {"regular_review": ["RJ6", "RJ7"]}
    assert report["levels"]["North West London"] == {
        "regular_review": ["RAS"],
        "risk_summit": ["RJ6"],
    }
    assert rj6[0]["concluded_by"] == ["North West London", "South London"]
    code, md, _ = run("report", "regional", str(south), str(west), "--on", "2019-07-01")
    assert code == 0
    assert "- indicator ae_4hr_type1: North West London (RAS, RJ6); South London" in md
    assert "Convene a risk summit for RJ6" in md  # overdue by July
    code, html, _ = run("report", "regional", str(south), str(west), "--format", "html")
    assert code == 0 and html.startswith("<!DOCTYPE html>")


def test_the_regional_report_attributes_a_provider_to_the_qsg_that_concluded(
    tmp_path: Path,
) -> None:
    # RF4 is North Central & East London's provider, concluded on by South London only
    south = _regional_register(
        tmp_path, "south", "South London", [("RF4", "risk_summit"), ("RJ7", "regular_review")]
    )
    west = _regional_register(tmp_path, "west", "North West London", [("RAS", "regular_review")])
    code, out, err = run("report", "regional", str(south), str(west), "--format", "json",
                         "--on", "2019-04-20")  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    assert "North Central & East London" not in report["levels"]
    assert report["levels"]["South London"]["risk_summit"] == ["RF4"]
    assert [c["provider"] for c in report["conclusions"]] == ["RF4", "RAS", "RJ7"]  # by level
    # the convene action of RF4's summit is being taken (due within 28 days), not overdue
    assert [a["provider"] for a in report["in_hand"]] == ["RF4"] and report["overdue"] == []
    code, md, _ = run("report", "regional", str(south), str(west), "--on", "2019-04-20")
    assert "## Actions being taken" in md and "Convene a risk summit for RF4" in md
    assert "concluded by South London" in md
    # a copy of a register is the same register given twice
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(south, copy)
    code, _, err = run("report", "regional", str(south), str(copy))
    assert code == 2 and "hold the same records" in err


def test_the_regional_report_leaves_out_meetings_not_agreed(tmp_path: Path) -> None:
    ws = tmp_path / "draft"
    shutil.copytree(demo_workspace(), ws)
    run("meeting", "open", "--date", "2019-04-10", "--chair", "C", "-w", str(ws))
    run(
        "decide",
        "RJ6",
        "--meeting",
        MEETING,
        "--level",
        "risk_summit",
        "--rationale",
        "r",
        "-w",
        str(ws),
    )
    code, out, _ = run("report", "regional", str(ws / "register.sqlite"), "--format", "json")
    assert code == 0 and json.loads(out)["conclusions"] == []
    code, _, err = run("report", "regional", str(tmp_path / "missing.sqlite"))
    assert code == 2 and "REGISTER: no register at" in err


def test_the_public_note_withholds_what_was_given_in_confidence(fresh: Path) -> None:
    w = ("-w", str(fresh))
    run("meeting", "open", "--date", "2019-04-10", "--chair", "C", "--qsg", "South London", *w)
    run("decide", "RJ7", "--meeting", MEETING, "--level", "regular_review", "--rationale", "r", *w)
    secret = "details are held in confidence pending a review"
    code, full, _ = run("note", MEETING, *w)
    assert code == 0 and secret in full
    for fmt in ("md", "html"):
        code, public, _ = run("note", MEETING, "--public", "--format", fmt, *w)
        assert code == 0 and secret not in public
        assert "withheld: information provided in confidence" in public
        assert "SI-015" in public  # the item is still listed, with its weight
