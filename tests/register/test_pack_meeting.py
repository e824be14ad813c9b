"""The meeting pack with the register (`qsg pack --meeting`): the frozen triage, the
meeting's agenda as `qsg agenda` lists it, standing levels with their marks, previous
decisions and open actions; and stale-data marks with or without a meeting."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
import yaml
from chartcheck import Page
from click.testing import CliRunner

from qsgrules import api_register
from qsgrules import register as R
from qsgrules.api import meeting_pack, pack_source, run_triage
from qsgrules.bundled import demo_workspace
from qsgrules.cli.main import cli
from qsgrules.errors import InputError
from qsgrules.register import Register
from qsgrules.reports.public import WITHHELD

from .conftest import MEETING, ticking_clock

NEXT = "M-2019-06-12"


def _text(html: str) -> str:
    return " ".join(" ".join(Page(html).text).split())


def _section(html: str, code: str) -> str:
    start = html.index(f'<section class="provider" id="p-{code}"')
    return html[start : html.index("</section>", start)]


def _board_row(html: str, code: str) -> str:
    board = html[html.index('id="board"') : html.index("</section>", html.index('id="board"'))]
    m = re.search(rf'<tr>(?:(?!</tr>).)*<td class="code">{code}</td>.*?</tr>', board, re.S)
    assert m is not None, code
    return _text(m.group(0))


@pytest.fixture
def second(attended: Register, ws: Path) -> Path:
    """M-2019-04-10 decided and agreed (RJ6 regular review, RJ7 risk summit, RAL no
    concerns, an action on RJ6), then M-2019-06-12 opened on the same data."""
    reg = attended
    R.confirm(reg, "RJ6", meeting=MEETING, member="Ann Lee")
    R.override(
        reg,
        "RJ6",
        meeting=MEETING,
        member="Raj Patel",
        level="regular_review",
        reason="An ED improvement plan is agreed",
    )
    R.decide(
        reg,
        "RJ6",
        meeting=MEETING,
        level="regular_review",
        rationale="Regular review while the plan is tested",
    )
    R.decide(reg, "RJ7", meeting=MEETING, level="risk_summit", rationale="Never event")
    R.decide(reg, "RAL", meeting=MEETING, level="no_concerns", rationale="Nothing new")
    R.add_action(
        reg, "RJ6", meeting=MEETING, owner="NHS Croydon CCG", due="2019-05-15", text="Get the plan"
    )
    R.agree(reg, MEETING)
    api_register.open_meeting(
        date="2019-06-12",
        chair="Dr Jo Chair",
        qsg="South London",
        workspace=ws,
        by="clerk",
        clock=ticking_clock(),
    )
    return ws


@pytest.mark.slow
def test_the_pack_of_a_meeting_has_its_agenda_as_qsg_agenda_lists_it(second: Path) -> None:
    html = meeting_pack(second, meeting=NEXT)
    with Register(second / "register.sqlite", readonly=True) as reg:
        listed = R.agenda(reg, NEXT)
    page = Page(html)
    rows = re.findall(r"<tr>\s*<th scope=\"row\">([\d.]+)</th>(.*?)</tr>", html, re.S)
    numbers = [n for n, _ in rows]
    assert numbers[:7] == ["1", "2", "3", "4", "5", "6", "7"]
    assert numbers[-2:] == ["8", "9"]
    subs = [(n, body) for n, body in rows if "." in n]
    # every provider qsg agenda lists, in its order and sections, with every reason
    shown = []
    for _, body in subs:
        for item in re.findall(r"<li>(.*?)</li>", body, re.S):
            shown.append(_text(item))
    assert len(shown) == len(listed) and len(subs) == len({x.section for x in listed})
    for item, text in zip(listed, shown, strict=True):
        assert text.startswith(f"{item.provider} {item.name}")
        assert text.endswith(": " + "; ".join(item.reasons))
    assert "The note of M-2019-04-10 (2019-04-10, agreed 2019-04-10)." in _text(html)
    assert "Meeting M-2019-06-12, 2019-06-12" in _text(html).replace("Meeting M-", "Meeting M-")
    assert (1, "South London Quality Surveillance Group") in page.headings


def test_the_board_shows_standing_levels_and_escalation_marks(second: Path) -> None:
    html = meeting_pack(second, meeting=NEXT, providers=["RJ6", "RJ7", "RAL"])
    assert "↑ would escalate" in _board_row(html, "RJ6")  # risk summit proposed, standing RR
    assert "regular review since 2019-04-10" in _board_row(html, "RJ6")
    assert "↓ would de-escalate" in _board_row(html, "RJ7")  # RR proposed, standing summit
    assert "= no change" in _board_row(html, "RAL")
    rj6 = _text(_section(html, "RJ6"))
    assert "Previous decisions" in rj6 and "Regular review while the plan is tested" in rj6
    assert "Dissent: Ann Lee (CQC) held risk summit required" in rj6
    assert "Open actions" in rj6 and "Get the plan" in rj6 and "overdue" in rj6
    # the summit decided for RJ7 opened an action to convene it
    rj7 = _text(_section(html, "RJ7"))
    assert "Convene a risk summit for RJ7" in rj7
    assert (
        "Risk summits risk summit to convene: action A-001 (Dr Jo Chair), due 2019-05-08, "
        "overdue" in rj7
    )  # the summit pending, in its own list (issue 16)


def test_a_meeting_pack_shows_the_frozen_triage_not_a_new_one(ws: Path) -> None:
    items = yaml.safe_load((ws / "intelligence.yaml").read_text())
    for item in items:
        if item["provider"] == "RJ6":
            item["severity"] = "low"  # after the meeting was opened: a new triage differs
    (ws / "intelligence.yaml").write_text(yaml.safe_dump(items, sort_keys=False))
    now = {p.provider: p.level for p in run_triage(ws, providers=["RJ6"]).proposals}
    assert now["RJ6"].value != "risk_summit"
    frozen = meeting_pack(ws, meeting=MEETING, providers=["RJ6"])
    fresh = meeting_pack(ws, providers=["RJ6"])
    assert "Proposed level: risk summit required" in _text(frozen)
    assert "Proposed level: risk summit required" not in _text(fresh)
    assert "Data as of March 2019" in _text(frozen)


def test_charts_that_no_longer_match_the_frozen_findings_are_left_out_with_a_note(
    ws: Path,
) -> None:
    rows = list(csv.reader(io.StringIO((ws / "indicators.csv").read_text())))
    for row in rows[1:]:
        if row[0] == "RJ6" and row[1] == "ae_4hr_type1" and row[2] == "2019-03":
            row[3] = "12.5"  # the data corrected after the meeting was opened
            row[4:] = ["", ""][: len(row) - 4]  # (its counts with it: a value must match them)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (ws / "indicators.csv").write_text(buf.getvalue())
    source = pack_source(ws, meeting=MEETING, providers=["RJ6", "RJ7"])
    notes = {k: c.note for k, c in source.charts.items()}
    assert notes[("RJ6", "ae_4hr_type1")].startswith("Chart not drawn")
    assert all(not n for k, n in notes.items() if k[0] == "RJ7")
    html = meeting_pack(ws, meeting=MEETING, providers=["RJ6"])
    assert "Chart not drawn: the workspace&#39;s data and ruleset now give other numbers" in html


def test_meeting_and_as_of_together_are_refused_and_nothing_is_written(
    ws: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "pack.html"
    out.parent.mkdir()
    result = CliRunner().invoke(
        cli,
        ["pack", "-w", str(ws), "--meeting", MEETING, "--as-of", "2019-03", "--out", str(out)],
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("--as-of: give --meeting or --as-of, not both")
    assert list(out.parent.iterdir()) == []
    with pytest.raises(InputError) as caught:
        pack_source(ws, meeting=MEETING, as_of="2019-03")
    assert [p.code for p in caught.value.problems] == ["QSG850"]


_UNKNOWN_MEETING = "--meeting: unknown meeting 'M-2019-04-11' (did you mean \"M-2019-04-10\"?)"
_UNKNOWN_CODE = (
    "--provider: unknown provider code 'RJ66' (did you mean \"RJ6\"?); it is not in the "
    "triage frozen when meeting M-2019-04-10 was opened"
)


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["--meeting", "M-2019-04-11"], _UNKNOWN_MEETING, "QSG602"),
        (["--meeting", MEETING, "-p", "RJ66"], _UNKNOWN_CODE, "QSG851"),
    ],
)
def test_a_bad_meeting_or_provider_is_a_located_problem(
    ws: Path, tmp_path: Path, args: list[str], message: str, code: str
) -> None:
    out = tmp_path / "pack.html"
    result = CliRunner().invoke(cli, ["pack", "-w", str(ws), "--out", str(out), *args])
    assert result.exit_code == 2 and result.stderr.startswith(message)
    assert not out.exists()
    with pytest.raises(InputError) as caught:
        pack_source(ws, meeting=args[1], providers=args[3:] or None)
    assert [p.code for p in caught.value.problems] == [code]


@pytest.mark.slow
def test_qsg_pack_meeting_writes_the_meetings_pack(ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "pack.html"
    result = CliRunner().invoke(
        cli, ["pack", "-w", str(ws), "--meeting", MEETING, "--public", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "Meeting M-2019-04-10, 2019-04-10" in _text(html) and "Dr Jo Chair" in html
    assert WITHHELD in html  # RJ7's confidential item
    assert "Public version." in html


def _stale_workspace(tmp: Path) -> Path:
    ws = tmp / "stale"
    shutil.copytree(demo_workspace(), ws)
    rows = list(csv.reader(io.StringIO((ws / "indicators.csv").read_text())))
    kept = [r for r in rows if not (r[0] == "RAX" and r[2] > "2018-09")]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(kept)
    (ws / "indicators.csv").write_text(buf.getvalue())
    return ws


def test_stale_marks_show_without_a_meeting_or_a_register(tmp_path: Path) -> None:
    ws = _stale_workspace(tmp_path)
    result = run_triage(ws, providers=["RAX", "RAL"])
    marks = {p.provider: p.coverage.mark if p.coverage else "" for p in result.proposals}
    assert marks == {"RAX": "no data since 2018-09", "RAL": ""}
    html = meeting_pack(ws, providers=["RAX", "RAL"])
    assert "no data since 2018-09" in _board_row(html, "RAX")
    assert "no data since 2018-09" in _text(_section(html, "RAX"))
    assert "no data since" not in _board_row(html, "RAL")


def test_stale_marks_show_in_a_meetings_pack(tmp_path: Path) -> None:
    ws = _stale_workspace(tmp_path)
    api_register.open_meeting(date="2019-04-10", chair="Chair", workspace=ws, by="clerk")
    html = meeting_pack(ws, meeting=MEETING, providers=["RAX"])
    assert "no data since 2018-09" in _board_row(html, "RAX")


def test_without_a_meeting_the_register_still_gives_standing_and_the_record(
    second: Path,
) -> None:
    html = meeting_pack(second, providers=["RJ6"])
    assert "↑ would escalate" in _board_row(html, "RJ6")
    rj6 = _text(_section(html, "RJ6"))
    assert "Regular review while the plan is tested" in rj6 and "Get the plan" in rj6
    assert "Previous Minutes & Matters Arising Area Team Director" in _text(html)  # Annex D
