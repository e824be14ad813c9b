"""Thematic items (issue 21, item 4): a group of providers or a pathway with its own
concerns, positions (for, against, abstaining, with organisations), conclusion and
actions, recorded by the provider commands under the theme's id (``T-1``) and shown in the
agenda, the note (withheld when published and confidential), the pack and the live page;
never a provider's standing level, nor a provider in the report upward."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qsgrules import register as R
from qsgrules.api import init_workspace, meeting_pack
from qsgrules.cli.main import cli
from qsgrules.web import LiveReview, make_app
from qsgrules.web.app import LOOPBACK_NAMES

TODAY = "2019-04-10"
M = "M-2019-04-10"
HIDDEN = "Two homes share one agency manager"


def run(ws: Path, *args: str, today: str = TODAY) -> Result:
    return CliRunner().invoke(cli, [*args, "--workspace", str(ws)], env={"QSG_TODAY": today})


def ok(ws: Path, *args: str, today: str = TODAY) -> str:
    result = run(ws, *args, today=today)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def refused(ws: Path, *args: str) -> str:
    result = run(ws, *args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert "nothing was done" in result.stderr
    return result.stderr


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = init_workspace(tmp_path_factory.mktemp("themes") / "qsg", from_demo=True).folder
    ok(ws, "meeting", "open", "--date", TODAY, "--qsg", "South London", "--chair", "Dr Jo",
       "--by", "clerk")  # fmt: skip
    for name, org in (("Ann Lee", "CQC"), ("Raj Patel", "NHS Croydon CCG"),
                      ("Sam Fox", "Healthwatch Croydon")):  # fmt: skip
        ok(ws, "meeting", "attend", M, "--member", name, "--organisation", org, "--by", "clerk")
    out = ok(ws, "meeting", "item", M, "--kind", "theme", "--title", "Urgent care pathway",
             "--provider", "RJ6", "--provider", "RJ2", "--concern", "Corridor care at two EDs",
             "--concern", "Ambulance handover delays", "--by", "clerk")  # fmt: skip
    assert f"{M}: theme T-1 recorded: Urgent care pathway (proposed risk summit required)" in out
    ok(ws, "meeting", "item", M, "--kind", "theme", "--title", "Care homes in Croydon",
       "--level", "further_information", "--concern", HIDDEN, "--confidential",
       "--by", "clerk")  # fmt: skip
    return ws


@pytest.fixture
def ws(tmp_path: Path, template: Path) -> Path:
    shutil.copytree(template, tmp_path / "ws")
    return tmp_path / "ws"


def _argue_and_decide(ws: Path) -> None:
    ok(ws, "confirm", "T-1", "--meeting", M, "--member", "Ann Lee", "--by", "clerk")
    ok(ws, "override", "T-1", "--meeting", M, "--member", "Raj Patel", "--level",
       "regular_review", "--reason", "Both trusts have plans", "--by", "clerk")  # fmt: skip
    ok(ws, "decide", "T-1", "--meeting", M, "--level", "risk_summit", "--rationale",
       "The chair goes with CQC's view", "--at", "11:00", "--by", "chair")  # fmt: skip
    ok(ws, "action", "add", "T-1", "--meeting", M, "--owner", "CQC", "--due", "2019-05-10",
       "--text", "Joint visit to both EDs", "--by", "clerk")  # fmt: skip


def test_a_theme_proposes_the_highest_level_of_its_providers_and_is_on_the_agenda(
    ws: Path,
) -> None:
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        m = reg.state([M]).meetings[M]
    t1, t2 = m.theme("T-1"), m.theme("T-2")
    assert t1 is not None and t2 is not None
    # RJ6 is proposed risk summit, RJ2 further information: the group is the highest
    assert (m.proposed["RJ6"].value, m.proposed["RJ2"].value) == (
        "risk_summit",
        "further_information",
    )
    assert t1.proposed is not None and t1.proposed.value == "risk_summit"
    assert t2.proposed is not None and t2.proposed.value == "further_information"
    agenda = ok(ws, "agenda", M)
    block = agenda[agenda.index("-- thematic items") :]
    assert "T-1 Urgent care pathway [RJ6, RJ2]" in block
    assert "concern: Corridor care at two EDs" in block and "proposed risk summit required" in block
    # a confidential theme's concerns are withheld as its text is
    assert HIDDEN not in agenda and "1 concern(s), confidential" in block


def test_positions_conclusion_and_actions_on_a_theme_are_the_providers_machinery(
    ws: Path,
) -> None:
    ok(ws, "confirm", "T-1", "--meeting", M, "--member", "Ann Lee", "--by", "clerk")
    ok(ws, "override", "T-1", "--meeting", M, "--member", "Raj Patel", "--level",
       "regular_review", "--reason", "Both trusts have plans", "--by", "clerk")  # fmt: skip
    # no consensus: the chair must give the level, as for a provider
    err = refused(ws, "decide", "T-1", "--meeting", M, "--rationale", "As proposed", "--by", "c")
    assert "Raj Patel (NHS Croydon CCG) holds regular_review" in err
    _argue_and_decide(ws)
    listed = ok(ws, "action", "list")
    assert "A-001  T-1   M-2019-04-10" in listed and "Joint visit to both EDs" in listed
    note = ok(ws, "note", M)
    block = note[note.index("### T-1 Urgent care pathway") : note.index("### T-2")]
    assert "**Providers:** RJ6, RJ2" in block
    assert "- Corridor care at two EDs" in block and "**Proposed:** risk summit required" in block
    assert "- Ann Lee (CQC): confirmed risk summit required" in block
    assert "**Conclusion (11:00):** risk summit required. The chair goes with CQC's view" in block
    # counted with organisations: Healthwatch attended and took no position
    assert (
        "**Positions counted** (no consensus): 1 for (CQC), 1 against (NHS Croydon CCG "
        "(regular review)), 1 abstaining (Healthwatch Croydon)"
    ) in block
    assert "**Further steps agreed**" in block and "- A-001: Joint visit to both EDs" in block
    html = ok(ws, "note", M, "--format", "html")
    assert "T-1 Urgent care pathway" in html and "1 abstaining (Healthwatch Croydon)" in html


def test_a_theme_is_never_a_providers_standing_nor_in_the_report_upward(
    ws: Path, tmp_path: Path
) -> None:
    _argue_and_decide(ws)
    ok(ws, "meeting", "agree", M, "--by", "chair")
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        state = reg.state(whole=True)
        assert "T-1" not in state.standings() and "T-1" not in state.last_discussed()
        assert state.meetings[M].theme_decisions["T-1"].level.value == "risk_summit"
    assert "ok:" in ok(ws, "audit", "verify")  # the kept state is what the records say
    done = CliRunner().invoke(
        cli, ["report", "regional", str(ws / "register.sqlite"), "--on", "2019-04-20"]
    )
    assert done.exit_code == 0, done.stderr
    report = done.stdout
    conclusions = report[report.index("## Conclusions") : report.index("## Concerns")]
    assert "T-1" not in conclusions
    # its action is being taken: named by its theme, not as an action about no one
    assert "A-001 (" in report and "theme T-1 of M-2019-04-10: Joint visit to both EDs" in report
    # the next meeting's matters arising carry the theme's conclusion and its action
    ok(ws, "meeting", "open", "--date", "2019-06-12", "--qsg", "South London", "--chair",
       "Dr Jo", "--by", "clerk", today="2019-06-12")  # fmt: skip
    agenda = ok(ws, "agenda", "M-2019-06-12", today="2019-06-12")
    assert "theme T-1 Urgent care pathway: concluded risk summit required" in agenda
    assert "A-001 (theme T-1, CQC): Joint visit to both EDs: overdue since 2019-05-10" in agenda


def test_a_confidential_themes_concerns_are_withheld_when_published_and_from_the_pack(
    ws: Path,
) -> None:
    assert HIDDEN in ok(ws, "note", M)
    for fmt in ("md", "html"):
        public = ok(ws, "note", M, "--public", "--format", fmt)
        assert HIDDEN not in public and "T-2 Care homes in Croydon" in public
    pack = meeting_pack(ws, meeting=M)
    assert "T-2 Care homes in Croydon" in pack and HIDDEN not in pack
    assert "Concerns: Corridor care at two EDs; Ambulance handover delays." in pack


def test_the_live_page_shows_the_themes_and_withholds_when_public(ws: Path) -> None:
    _argue_and_decide(ws)
    for public in (False, True):
        live = LiveReview.load(ws, public=public)
        html = make_app(live, trusted_hosts=LOOPBACK_NAMES).test_client().get("/").text
        assert 'id="themes"' in html and "T-1 Urgent care pathway" in html
        assert "1 for, 1 against" in html and "concluded" in html
        assert (HIDDEN in html) is (not public)


def test_what_a_theme_cannot_be_is_refused_with_where(ws: Path) -> None:
    err = refused(ws, "confirm", "T-9", "--meeting", M, "--member", "Ann Lee", "--by", "c")
    assert "meeting M-2019-04-10 has no thematic item T-9 (its themes: T-1, T-2)" in err
    err = refused(ws, "meeting", "item", M, "--kind", "aob", "--title", "Winter",
                  "--concern", "Beds", "--by", "c")  # fmt: skip
    assert err.startswith("--concern: only a thematic item has concerns")
    ok(ws, "meeting", "item", M, "--kind", "theme", "--title", "Learning disabilities",
       "--by", "c")  # fmt: skip
    # a pathway named by no provider and no level: nothing to be for or against
    err = refused(ws, "confirm", "T-3", "--meeting", M, "--member", "Ann Lee", "--by", "c")
    assert "no level was proposed for T-3 (Learning disabilities)" in err
    err = refused(ws, "decide", "T-3", "--meeting", M, "--rationale", "Noted", "--by", "c")
    assert "give the level the QSG concluded with --level" in err
    ok(ws, "decide", "T-3", "--meeting", M, "--level", "regular_review", "--rationale",
       "Back in August", "--by", "c")  # fmt: skip
    err = refused(ws, "override", "T-1", "--meeting", M, "--member", "Nobody", "--level",
                  "no_concerns", "--reason", "x", "--by", "c")  # fmt: skip
    assert "Nobody" in err
