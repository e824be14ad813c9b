"""The commands of issue 16's items 4-6: refused dates (exit 2, located, nothing written),
planned and cancelled meetings, kept review dates and exit criteria, information requests
and risk summits. ``QSG_TODAY`` is set for every command: nothing reads the real date."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules.bundled import demo_workspace
from qsgrules.cli.main import cli


def run(today: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner(env={"QSG_TODAY": today}).invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str, str]]:
    ws = tmp_path_factory.mktemp("continuity") / "demo"
    shutil.copytree(demo_workspace(), ws)
    w = ("-w", str(ws), "--by", "clerk")
    m1, m2 = "M-2019-04-10", "M-2019-06-12"
    april, june = "2019-04-10", "2019-06-12"
    steps = [
        ("typo", april, "meeting", "open", "--date", "2099-04-10", "--chair", "C",
         "--qsg", "South London", *w),
        ("open", april, "meeting", "open", "--date", april, "--chair", "C", "--qsg",
         "South London", *w),
        ("plan", april, "meeting", "open", "--planned", "--date", june, "--chair", "C",
         "--qsg", "South London", *w),
        ("rr", april, "decide", "RJ6", "--meeting", m1, "--level", "regular_review",
         "--rationale", "Plan tested", "--review-by", "2019-07-10", "--exit-criteria",
         "Within limits for two months", *w),
        ("fi", april, "decide", "RJ2", "--meeting", m1, "--level", "further_information",
         "--rationale", "Need the report", *w),
        ("ask", april, "action", "add", "RJ2", "--meeting", m1, "--kind",
         "information_request", "--owner", "CQC", "--due", "2019-05-31", "--text",
         "The inspection report", *w),
        ("summit", april, "decide", "RJ7", "--meeting", m1, "--level", "risk_summit",
         "--rationale", "Serious", *w),
        ("agree", april, "meeting", "agree", m1, *w),
        ("respond_future", april, "action", "respond", "A-001", "--response", "x", "--on",
         "2019-05-20", *w),
        ("respond", "2019-05-20", "action", "respond", "A-001", "--response",
         "Received: requires improvement", *w),
        ("convene", "2019-05-20", "summit", "convene", "RJ7", "--date", "2019-05-28",
         "--invite", "CQC", "--invite", "RJ7", *w),
        ("held", june, "summit", "held", "S-001", "--present", "CQC", "--outcome",
         "Plan agreed", "--level-after", "regular_review", *w),
        ("open2", june, "meeting", "open", "--date", june, "--chair", "C", "--qsg",
         "South London", *w),
        ("agenda", june, "agenda", m2, "-w", str(ws)),
        ("keep", june, "decide", "RJ6", "--meeting", m2, "--level", "regular_review",
         "--rationale", "No change", *w),
        ("clear", june, "decide", "RJ6", "--meeting", m2, "--level", "regular_review",
         "--rationale", "No change", "--review-by", "2019-08-01", "--clear-review-by", *w),
        ("early", june, "decide", "RJ7", "--meeting", m2, "--level", "regular_review",
         "--rationale", "x", "--review-by", "2019-06-11", *w),
        ("mistake", june, "meeting", "open", "--date", june, "--chair", "C", "--qsg",
         "South London", *w),
        ("cancel", june, "meeting", "cancel", f"{m2}-2", "--reason", "Opened twice", *w),
        ("list", june, "meeting", "list", "-w", str(ws)),
        ("summits", june, "summit", "list", "-w", str(ws)),
        ("actions", june, "action", "list", "-w", str(ws)),
        ("note", june, "note", m2, "-w", str(ws)),
        ("late", "2020-06-01", "meeting", "open", "--date", "2020-06-01", "--chair", "C",
         "--qsg", "South London", *w),
        ("verify", june, "audit", "verify", "-w", str(ws)),
    ]  # fmt: skip
    return {name: run(today, *args) for name, today, *args in steps}


REFUSED = {"typo", "respond_future", "clear", "early"}


def test_every_step_exits_as_it_should(story: dict[str, tuple[int, str, str]]) -> None:
    for name, (code, _, err) in story.items():
        assert code == (2 if name in REFUSED else 0), (name, err)
    for name in REFUSED:
        assert "nothing was done" in story[name][2], name


def test_dates_refused_are_located(story: dict[str, tuple[int, str, str]]) -> None:
    assert story["typo"][2].startswith(
        "--date: 2099-04-10 is after today (2019-04-10): a meeting is opened on the day it is "
        "held; to put a future meeting in the schedule, add --planned"
    )
    assert story["respond_future"][2].startswith("--on: 2019-05-20 is after today (2019-04-10)")
    assert story["early"][2].startswith(
        "--review-by: 2019-06-11 is before the meeting that sets it (M-2019-06-12, 2019-06-12)"
    )
    assert story["clear"][2].startswith("--review-by: given and cleared at once")
    assert "is 428 days after the end of the data it freezes (2019-03)" in story["late"][2]


def test_a_planned_meeting_is_opened_on_the_day_under_its_id(
    story: dict[str, tuple[int, str, str]],
) -> None:
    assert story["plan"][1] == "M-2019-06-12\n"
    assert "no triage frozen" in story["plan"][2]
    assert story["open2"][1] == "M-2019-06-12\n"


def test_kept_review_date_and_exit_criteria_are_said(
    story: dict[str, tuple[int, str, str]],
) -> None:
    out = story["keep"][1]
    assert "kept review by 2019-07-10 from M-2019-04-10" in out
    assert "kept exit criteria from M-2019-04-10: Within limits for two months" in out
    assert "**Review by:** 2019-07-10 (kept from M-2019-04-10)" in story["note"][1]


def test_the_agenda_brings_back_information_asked_and_the_summit(
    story: dict[str, tuple[int, str, str]],
) -> None:
    agenda = story["agenda"][1]
    assert "-- further information requested" in agenda
    assert (
        "asked CQC at M-2019-04-10: The inspection report (A-001): arrived 2019-05-20: "
        "Received: requires improvement"
    ) in agenda
    assert "risk summit S-001 held 2019-05-28: present CQC; the provider not present" in agenda


def test_cancelled_and_planned_meetings_are_listed(
    story: dict[str, tuple[int, str, str]],
) -> None:
    listed = story["list"][1]
    assert "M-2019-06-12-2  CANCELLED" in listed and "(was draft): Opened twice" in listed
    assert story["cancel"][1].startswith("cancelled draft meeting M-2019-06-12-2")
    assert "1 cancelled" in story["list"][2]
    assert story["summits"][1].startswith("S-001  RJ7   held")
    assert "information request: The inspection report" in story["actions"][1]
    assert "closed 2019-05-20: convened as S-001 for 2019-05-28" in story["actions"][1]
    assert story["verify"][1].startswith("ok: ")


def test_a_refused_first_meeting_leaves_no_register(tmp_path: Path) -> None:
    ws = tmp_path / "demo"
    shutil.copytree(demo_workspace(), ws)
    code, _, err = run("2019-04-10", "meeting", "open", "--date", "2019-03-15", "--chair",
                       "C", "-w", str(ws))  # fmt: skip
    assert code == 2 and "--date: a meeting on 2019-03-15 cannot discuss data to 2019-03" in err
    assert not (ws / "register.sqlite").exists()
