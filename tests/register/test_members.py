"""Members as records (issue 21, item 2): member organisations and named representatives
added and retired by command, attendance by representative and "as last time", intel add
with its author, and quorum judged at the time of each decision."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules.api import init_workspace, load_workspace, roster
from qsgrules.cli.main import cli

TODAY = {"QSG_TODAY": "2019-06-20"}


def qsg(ws: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--workspace", str(ws)], env=TODAY)
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return init_workspace(tmp_path / "qsg", from_demo=True).folder


def test_member_add_list_and_retire(ws: Path) -> None:
    code, out, err = qsg(ws, "member", "add", "LB Sutton", "--kind", "local_authority")
    assert code == 0, err
    assert "LB Sutton" in load_workspace(ws).members
    code, out, err = qsg(
        ws, "member", "add", "LB Sutton", "--representative", "Kim Roe", "--role",
        "Director of Adult Social Care", "--contact", "kim.roe@example.gov.uk",
    )  # fmt: skip
    assert code == 0 and "Kim Roe" in out
    code, out, _ = qsg(ws, "member", "list")
    assert "LB Sutton  (local_authority)" in out
    assert "Kim Roe, Director of Adult Social Care, kim.roe@example.gov.uk" in out
    code, out, err = qsg(ws, "member", "retire", "LB Sutton", "--on", "2019-05-01")
    assert code == 0, err
    assert load_workspace(ws).members["LB Sutton"].retired is not None
    code, out, _ = qsg(ws, "member", "list")
    assert "LB Sutton" not in out
    code, out, _ = qsg(ws, "member", "list", "--all")
    assert "retired 2019-05-01" in out


def test_a_name_spelt_almost_as_a_member_is_refused_unless_distinct(ws: Path) -> None:
    before = (ws / "members.csv").read_bytes()
    code, _, err = qsg(ws, "member", "add", "NHS Croydn CCG", "--kind", "commissioner")
    assert code == 2 and "spelt almost as the member 'NHS Croydon CCG'" in err
    assert (ws / "members.csv").read_bytes() == before
    code, _, err = qsg(ws, "member", "add", "cqc", "--kind", "regulator")
    assert code == 2 and (ws / "members.csv").read_bytes() == before
    code, _, err = qsg(
        ws, "member", "add", "NHS Croydn CCG", "--kind", "commissioner", "--distinct"
    )
    assert code == 0, err


def test_a_new_member_needs_its_kind_and_a_representative_a_role(ws: Path) -> None:
    code, _, err = qsg(ws, "member", "add", "LB Merton")
    assert code == 2 and "--kind" in err
    code, _, err = qsg(ws, "member", "add", "CQC", "--representative", "Ann Lee")
    assert code == 2 and "--role" in err
    assert not (ws / "representatives.csv").exists()


def test_a_retired_member_cannot_be_the_source_of_a_later_item(ws: Path) -> None:
    assert qsg(ws, "member", "add", "LB Sutton", "--kind", "local_authority")[0] == 0
    assert qsg(ws, "member", "retire", "LB Sutton", "--on", "2019-03-01")[0] == 0
    code, _, err = qsg(
        ws, "intel", "add", "--provider", "RJ6", "--source", "LB Sutton", "--domain", "safety",
        "--severity", "low", "--grading", "B2", "--summary", "Late discharges.",
        "--received", "2019-04-02",
    )  # fmt: skip
    assert code == 2 and "stopped being a member on 2019-03-01" in err


def test_a_member_with_later_items_is_not_retired_before_them(ws: Path) -> None:
    code, _, err = qsg(ws, "member", "retire", "NHS Croydon CCG", "--on", "2018-01-01")
    assert code == 2 and "SI-" in err
    assert load_workspace(ws).members["NHS Croydon CCG"].retired is None


def test_intel_add_records_who_logged_it(ws: Path) -> None:
    code, out, err = qsg(
        ws, "intel", "add", "--provider", "RJ6", "--source", "CQC", "--domain", "safety",
        "--severity", "high", "--grading", "B2", "--summary", "Ward staffing gaps.",
        "--received", "2019-03-20", "--by", "Ann Lee",
    )  # fmt: skip
    assert code == 0, err
    assert out.rstrip().endswith("by Ann Lee")
    item = [i for i in load_workspace(ws).intelligence if i.summary == "Ward staffing gaps."]
    assert item[0].recorded_by == "Ann Lee"
    code, _, err = qsg(
        ws, "intel", "add", "--provider", "RJ6", "--source", "CQC", "--domain", "safety",
        "--severity", "high", "--grading", "B2", "--summary", "Other.", "--by", " ",
    )  # fmt: skip
    assert code == 2 and "--by" in err


def _meeting(ws: Path, date: str) -> str:
    code, out, err = qsg(
        ws, "meeting", "open", "--date", date, "--chair", "Dr Jo Chair", "--qsg",
        "South London", "--by", "clerk",
    )  # fmt: skip
    assert code == 0, err
    return out.split()[0] if out.startswith("M-") else f"M-{date}"


def test_attendance_by_representative_and_as_last_time(ws: Path) -> None:
    qsg(ws, "member", "add", "NHS Croydon CCG", "--representative", "Raj Patel", "--role", "DoQ")
    qsg(ws, "member", "add", "CQC", "--representative", "Ann Lee", "--role", "Inspector")
    first = _meeting(ws, "2019-04-10")
    code, out, err = qsg(ws, "meeting", "attend", first, "--member", "Raj Patel", "--by", "c")
    assert code == 0 and "Raj Patel (NHS Croydon CCG)" in out, err
    code, out, err = qsg(ws, "meeting", "attend", first, "--member", "Ann Lee", "--by", "c")
    assert code == 0 and "(CQC)" in out
    code, _, err = qsg(ws, "meeting", "attend", first, "--member", "Sam Fox", "--by", "c")
    assert code == 2 and "no named representative" in err and "--organisation" in err
    assert (
        qsg(ws, "member", "retire", "CQC", "--representative", "Ann Lee", "--on", "2019-05-01")[0]
        == 0
    )
    second = _meeting(ws, "2019-06-12")
    code, out, err = qsg(ws, "meeting", "attend", second, "--as-last-time", "--by", "c")
    assert code == 0, err
    assert "as at M-2019-04-10: 1 recorded" in out and "Raj Patel (NHS Croydon CCG)" in out
    assert "not recorded: Ann Lee (stood down for CQC on 2019-05-01)" in out
    code, out, _ = qsg(ws, "meeting", "attend", second, "--as-last-time", "--by", "c")
    assert "0 recorded" in out and out.rstrip().endswith("1 attending")


def test_quorum_is_judged_at_the_time_of_each_decision(ws: Path) -> None:
    (ws / "settings.yaml").write_text("quorum: [CQC, NHS Croydon CCG]\n")
    m = _meeting(ws, "2019-04-10")
    qsg(ws, "meeting", "attend", m, "--member", "Raj Patel", "--organisation",
        "NHS Croydon CCG", "--from", "10:00", "--to", "11:30", "--by", "c")  # fmt: skip
    qsg(ws, "meeting", "attend", m, "--member", "Ann Lee", "--organisation", "CQC",
        "--from", "10:30", "--by", "c")  # fmt: skip
    for provider, at in (("RJ6", "11:40"), ("RJ7", "10:45"), ("RJ2", "10:15")):
        done = qsg(ws, "decide", provider, "--meeting", m, "--level", "regular_review",
                   "--rationale", "Agreed.", "--at", at, "--by", "chair")  # fmt: skip
        assert done[0] == 0, done[2]
    _, note, _ = qsg(ws, "note", m)
    assert "**Quorate:** yes" in note  # over the meeting as a whole
    assert "**Quorate at 11:40:** no (absent: NHS Croydon CCG)" in note  # Raj left at 11:30
    assert "**Quorate at 10:15:** no (absent: CQC)" in note  # Ann came at 10:30
    assert "Quorate at 10:45" not in note  # the same as the meeting's: not repeated
    status, _, err = qsg(ws, "decide", "RJ1", "--meeting", m, "--level", "regular_review",
                       "--rationale", "x", "--at", "25:00", "--by", "chair")  # fmt: skip
    assert status == 2 and "--at" in err


def test_roster_reads_representatives(ws: Path) -> None:
    qsg(ws, "member", "add", "CQC", "--representative", "Ann Lee", "--role", "Inspector")
    found = roster(ws)
    assert [r.name for r in found.current("CQC")] == ["Ann Lee"]
    assert found.find("ann  lee")[0].organisation == "CQC"
