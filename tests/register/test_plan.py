"""The schedule and its business plan (issue 21, item 4): which providers and themes come
to which meeting; the agenda takes a meeting's plan, and coverage says for each provider
not discussed within the cycle the meeting it is planned for, or that it is in none, and a
plan that passed without the provider being discussed is never read as covered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules import register as R
from qsgrules.api import init_workspace
from qsgrules.cli.main import cli

SL = ("--qsg", "South London", "--chair", "Dr Jo Chair", "--by", "clerk")


def run(ws: Path, *args: str, today: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--workspace", str(ws)], env={"QSG_TODAY": today})
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def ok(ws: Path, *args: str, today: str = "2019-04-10") -> str:
    code, out, err = run(ws, *args, today=today)
    assert code == 0, err
    return out


def records(ws: Path) -> int:
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        return len(reg.records(frozen=True))


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    ws = init_workspace(tmp_path / "qsg", from_demo=True).folder
    ok(ws, "meeting", "open", "--date", "2019-04-10", *SL)
    ok(ws, "meeting", "open", "--planned", "--date", "2019-06-12", *SL)
    ok(ws, "meeting", "open", "--planned", "--date", "2019-08-14", *SL)
    ok(ws, "plan", "set", "M-2019-04-10", "--provider", "RJZ", "--theme", "Care homes",
       "--by", "clerk")  # fmt: skip
    ok(ws, "plan", "set", "M-2019-06-12", "--provider", "RAX", "--provider", "RJ1",
       "--theme", "Frail older people", "--by", "clerk")  # fmt: skip
    return ws


def test_the_agenda_takes_the_meetings_plan(ws: Path) -> None:
    out = ok(ws, "agenda", "M-2019-04-10")
    block = re.split(r"\n\s+\d+\. |\n--", out[out.index(" RJZ ") :])[0]
    assert "in the business plan for M-2019-04-10 (recorded by clerk)" in block
    assert "-- themes in the business plan for this meeting\n       Care homes" in out
    # RAX is planned for June, not April: not on April's agenda for the plan
    assert "in the business plan for M-2019-06-12" not in out


def test_a_planned_meeting_keeps_its_plan_once_opened(ws: Path) -> None:
    ok(ws, "meeting", "agree", "M-2019-04-10", "--by", "clerk")
    ok(ws, "meeting", "open", "--date", "2019-06-12", *SL, today="2019-06-12")
    out = ok(ws, "agenda", "M-2019-06-12", today="2019-06-12")
    assert "-- business plan\n" in out
    for code in ("RAX", "RJ1"):
        assert f" {code} " in out.split("-- business plan\n")[1].split("\n--")[0]
    assert "Frail older people" in out
    pack = ws / "pack.html"
    ok(ws, "pack", "--meeting", "M-2019-06-12", "--out", str(pack), today="2019-06-12")
    html = pack.read_text(encoding="utf-8")
    assert "In the business plan for this meeting" in html
    assert "In the business plan for this meeting: Frail older people." in html


def test_coverage_says_where_each_provider_is_planned(ws: Path) -> None:
    out = ok(ws, "coverage", "--on", "2019-04-10", "--qsg", "South London")
    lines = out.splitlines()

    def plan_of(code: str) -> str:
        return lines[next(i for i, x in enumerate(lines) if x.startswith(code)) + 1].strip()

    assert plan_of("RAX") == "business plan: planned for M-2019-06-12 (2019-06-12)"
    assert plan_of("RJZ") == "business plan: planned for M-2019-04-10 (2019-04-10)"
    assert plan_of("RJ2") == "business plan: in no meeting of the business plan"


def test_a_plan_that_passed_without_the_provider_is_not_read_as_covered(ws: Path) -> None:
    # April's meeting was agreed without discussing RJZ, which its plan brought
    ok(ws, "meeting", "agree", "M-2019-04-10", "--by", "clerk")
    out = ok(ws, "coverage", "--on", "2019-05-01", today="2019-05-01")
    at = out.index("RJZ ")
    assert out[at:].splitlines()[1].strip() == (
        "business plan: planned for M-2019-04-10 but not discussed there"
    )


def test_without_a_plan_coverage_is_as_before(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "qsg", from_demo=True).folder
    ok(ws, "meeting", "open", "--date", "2019-04-10", *SL)
    out = ok(ws, "coverage", "--on", "2019-04-10")
    assert "business plan" not in out and out.count("never") == 18


def test_the_schedule_shows_every_meeting_with_its_plan(ws: Path) -> None:
    out = ok(ws, "plan", "show")
    assert out.splitlines()[:3] == [
        "M-2019-04-10    2019-04-10  South London              draft",
        "      providers: RJZ",
        "      themes: Care homes",
    ]
    assert "M-2019-08-14    2019-08-14  South London              planned\n" in out
    assert "      providers: none planned\n" in out


def test_a_second_plan_replaces_the_first_and_a_cancelled_meeting_drops_it(ws: Path) -> None:
    ok(ws, "plan", "set", "M-2019-06-12", "--provider", "RVR", "--by", "clerk")
    assert "providers: RVR\n" in ok(ws, "plan", "show")
    ok(ws, "meeting", "cancel", "M-2019-06-12", "--reason", "Room unavailable", "--by", "clerk")
    out = ok(ws, "coverage", "--on", "2019-04-10", "--qsg", "South London")
    assert "planned for M-2019-06-12" not in out
    assert "M-2019-06-12" not in ok(ws, "plan", "show")


def test_plans_are_refused_when_wrong_and_nothing_is_written(ws: Path) -> None:
    ok(ws, "meeting", "agree", "M-2019-04-10", "--by", "clerk")
    before = records(ws)
    bad = [
        (("M-2019-06-12", "--provider", "RXX"), "--provider"),
        (("M-2019-06-12", "--theme", " "), "--theme"),
        (("M-2019-09-11", "--provider", "RJ6"), "ID"),
        (("M-2019-04-10", "--provider", "RJ6"), "ID"),  # agreed: history, not a plan
    ]
    for args, where in bad:
        code, _, err = run(ws, "plan", "set", *args, "--by", "clerk", today="2019-04-10")
        assert code == 2 and err.startswith(where), (args, err)
        assert "nothing was done" in err
    assert records(ws) == before


def test_the_plan_survives_a_rebuild_of_the_kept_state(ws: Path) -> None:
    code, out, err = run(ws, "audit", "verify", today="2019-04-10")
    assert code == 0 and out.startswith("ok: "), err
