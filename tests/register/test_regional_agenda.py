"""The report upward renders the regional QSG's agenda (guidance, Annex C) from the local
QSGs' registers: the risk ratings, a report per local QSG with its actions being taken
and overdue, the concerns recurring across QSGs, and the local QSGs that sent nothing
(missing conclusions never read as an area without concerns)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from qsgrules.bundled import demo_workspace
from qsgrules.cli.main import cli

MEETING = "M-2019-04-10"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"QSG_TODAY": "2019-04-10"})
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def _register(tmp: Path, name: str, qsg: str, decisions: list[tuple[str, str]]) -> Path:
    ws = tmp / name
    shutil.copytree(demo_workspace(), ws)
    w = ("-w", str(ws))
    assert run("meeting", "open", "--date", "2019-04-10", "--chair", "C", "--qsg", qsg, *w)[0] == 0
    for code, level in decisions:
        args = ("decide", code, "--meeting", MEETING, "--level", level, "--rationale", "r", *w)
        assert run(*args)[0] == 0
    assert run("meeting", "agree", MEETING, *w)[0] == 0
    return ws / "register.sqlite"


def test_the_report_upward_renders_the_annex_c_agenda(tmp_path: Path) -> None:
    south = _register(
        tmp_path, "south", "South London", [("RF4", "risk_summit"), ("RJ7", "regular_review")]
    )
    west = _register(tmp_path, "west", "North West London", [("RAS", "regular_review")])
    code, md, err = run("report", "regional", str(south), str(west), "--on", "2019-04-20")
    assert code == 0, err
    agenda = md[md.index("## Agenda of the regional QSG") : md.index("## Providers at each")]
    numbers = [line[4:].split(".")[0] for line in agenda.splitlines() if line.startswith("- **")]
    assert numbers == ["1", "5", "6", "7", "8", "9", "10", "11"]
    assert (
        "Risk ratings agreed by the local QSGs: 1 risk summit required (RF4); 2 regular "
        "review (RJ7, RAS)." in agenda
    )
    assert (
        f"South London ({MEETING} ({south})): 1 risk summit required (RF4); 1 regular "
        "review (RJ7); actions: 1 being taken, 0 overdue."
    ) in agenda
    assert f"North West London ({MEETING} ({west})): 1 regular review (RAS)" in agenda
    # North Central & East London sent nothing, though South London concluded on its RF4
    assert (
        "North Central & East London: no agreed conclusions received, though others "
        "concluded on its providers (RF4): ask for its register"
    ) in agenda
    assert "Recurring across local QSGs: indicator ae_4hr_type1 in" in agenda
    assert "1 provider(s) at risk summit required; 0 action(s) overdue" in agenda
    code, out, _ = run("report", "regional", str(south), str(west), "--format", "json")
    items = json.loads(out)["agenda"]
    assert [i["number"] for i in items] == ["1", "5", "6", "7", "8", "9", "10", "11"]
    code, html, _ = run("report", "regional", str(south), str(west), "--format", "html")
    assert code == 0 and "Annex C" in html and "Reports from local QSGs" in html


def test_every_local_qsg_heard_from_is_said(tmp_path: Path) -> None:
    # a meeting of every local QSG (no --qsg) speaks for them all: nobody is missing
    ws = tmp_path / "all"
    shutil.copytree(demo_workspace(), ws)
    w = ("-w", str(ws))
    assert run("meeting", "open", "--date", "2019-04-10", "--chair", "C", *w)[0] == 0
    assert run("meeting", "agree", MEETING, *w)[0] == 0
    code, md, _ = run("report", "regional", str(ws / "register.sqlite"))
    assert code == 0
    assert "Every local QSG named in these registers sent agreed conclusions." in md
    assert "Risk ratings agreed by the local QSGs: no agreed conclusion." in md
