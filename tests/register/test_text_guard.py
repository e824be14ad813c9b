"""One text guard for everything a person types into the register (issue 17, "Why" 4), the
workspace's own: control characters, bidirectional controls and invisible characters are
refused at every command and form (exit 2, HTTP 400, nothing recorded); names are stored in
NFC and compared by their visible form, so two attendees who look the same are one or
refused; `--by ''` is refused, never recorded as the system user; text over its size limit
is refused with its size and the limit ("Why" 11)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules import register as R
from qsgrules.bundled import demo_workspace
from qsgrules.cli.main import cli
from qsgrules.register import Register
from qsgrules.text_guard import visible_form

from .conftest import MEETING

ESC = "\x1b[2K\rEve Mallory"  # erases the terminal line and writes another name
HOSTILE = {
    "an escape sequence": (ESC, "a control character (U+001B)"),
    "a bell": ("Ann\x07Lee", "a control character (U+0007)"),
    "a bidi override": ("Ann \u202eeeL", "a control character (U+202E)"),
    "a zero-width space": ("Ann\u200bLee", "an invisible or direction-changing character"),
    "a right-to-left mark": ("Ann Lee\u200f", "an invisible or direction-changing character"),
    "a line separator": ("Ann\u2028Lee", "an invisible or direction-changing character"),
}


def _records(ws: Path) -> int:
    with Register(ws / "register.sqlite", readonly=True) as reg:
        return len(reg.records(frozen=True))


@pytest.fixture
def attending(ws: Path) -> Path:
    with Register(ws / "register.sqlite", actor="clerk") as reg:
        R.attend(reg, MEETING, member="Ann Lee", organisation="CQC")
        R.add_action(reg, "RJ6", meeting=MEETING, owner="Ann Lee", due="2019-05-01", text="t")
    return ws


def _commands(value: str) -> dict[str, list[str]]:
    m = ["--meeting", MEETING]
    return {
        "meeting open --chair": ["meeting", "open", "--date", "2019-05-01", "--chair", value],
        "meeting attend --member": [
            "meeting", "attend", MEETING, "--member", value, "--organisation", "CQC",
        ],
        "confirm --by": ["confirm", "RJ6", *m, "--member", "Ann Lee", "--by", value],
        "override --reason": [
            "override", "RJ6", *m, "--member", "Ann Lee", "--level", "regular_review",
            "--reason", value,
        ],
        "decide --rationale": ["decide", "RJ6", *m, "--level", "risk_summit", "--rationale", value],
        "decide --exit-criteria": [
            "decide", "RJ6", *m, "--level", "risk_summit", "--rationale", "r",
            "--exit-criteria", value,
        ],
        "action add --text": [
            "action", "add", "RJ6", *m, "--owner", "o", "--due", "2019-05-01", "--text", value,
        ],
        "action add --owner": [
            "action", "add", "RJ6", *m, "--owner", value, "--due", "2019-05-01", "--text", "t",
        ],
        "action close --note": ["action", "close", "A-001", "--note", value],
        "action move --reason": [
            "action", "move", "A-001", "--due", "2019-06-01", "--reason", value,
        ],
    }  # fmt: skip


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_every_command_refuses_hostile_text_and_records_nothing(kind: str, attending: Path) -> None:
    # as found: ESC sequences, BEL, bidi overrides and line breaks were stored from every
    # command and printed raw by note, meeting list and action list
    value, said = HOSTILE[kind]
    before = _records(attending)
    for name, args in _commands(value).items():
        by = [] if "--by" in args else ["--by", "clerk"]
        result = CliRunner().invoke(cli, [*args, "--workspace", str(attending), *by])
        assert result.exit_code == 2, (name, result.output)
        assert said in result.stderr, (name, result.stderr)
        assert "nothing was done" in result.stderr
    assert _records(attending) == before


def test_long_text_keeps_its_line_breaks_and_tabs(attending: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["decide", "RJ6", "--meeting", MEETING, "--level", "risk_summit", "--rationale",
         "First.\n\tSecond.", "--workspace", str(attending), "--by", "clerk"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with Register(attending / "register.sqlite", readonly=True) as reg:
        assert R.fold(reg.records()).meetings[MEETING].decisions["RJ6"].rationale == (
            "First.\n\tSecond."
        )


@pytest.mark.parametrize(
    "twin", ["Аnn Lee", "ann lee", "Ann  Lee", "Ａｎｎ Ｌｅｅ", "Ann Lее"], ids=repr
)
def test_a_look_alike_attendee_for_another_organisation_is_refused(
    twin: str, attending: Path
) -> None:
    # as found: a zero-width space made a second, identical-looking "Ann Lee" attend for
    # another organisation, inflating the quorum; names that only look alike do the same
    assert visible_form(twin) == visible_form("Ann Lee")
    before = _records(attending)
    result = CliRunner().invoke(
        cli,
        ["meeting", "attend", MEETING, "--member", twin, "--organisation", "NHS Croydon CCG",
         "--workspace", str(attending), "--by", "clerk"],
    )  # fmt: skip
    if twin == "Ann  Lee":  # spaces collapsed: the same name, so a correction
        assert result.exit_code == 0, result.output
        with Register(attending / "register.sqlite", readonly=True) as reg:
            m = R.fold(reg.records()).meetings[MEETING]
        assert list(m.attendance) == ["Ann Lee"]
        assert m.attendance["Ann Lee"].organisation == "NHS Croydon CCG"
        return
    assert result.exit_code == 2, result.output
    assert "looks the same as 'Ann Lee', who is already attending (CQC)" in result.stderr
    assert _records(attending) == before


def test_names_are_stored_in_nfc_and_found_however_they_were_typed(attending: Path) -> None:
    decomposed, composed = "Zoe\u0301 Adams", "Zoé Adams"
    with Register(attending / "register.sqlite", actor="clerk") as reg:
        R.attend(reg, MEETING, member=decomposed, organisation="NHS Croydon CCG")
        R.confirm(reg, "RJ6", meeting=MEETING, member=composed)
        m = R.fold(reg.records()).meetings[MEETING]
    assert composed in m.attendance and decomposed not in m.attendance
    assert composed in m.positions["RJ6"]


def test_an_empty_by_is_refused_not_recorded_as_the_system_user(attending: Path) -> None:
    # as found: `--by ''` was recorded as `root`
    before = _records(attending)
    for args in (
        ["confirm", "RJ6", "--meeting", MEETING, "--member", "Ann Lee"],
        ["meeting", "open", "--date", "2019-05-01", "--chair", "C"],
    ):
        result = CliRunner().invoke(cli, [*args, "--workspace", str(attending), "--by", ""])
        assert result.exit_code == 2, result.output
        assert "--by: must be given and not empty" in result.stderr
    assert _records(attending) == before


def test_look_alike_member_organisations_are_refused_in_members_csv(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(demo_workspace(), ws)
    with (ws / "members.csv").open("a", encoding="utf-8") as f:
        f.write("Healthwatch Сroydon,healthwatch,\n")  # a Cyrillic С
    result = CliRunner().invoke(cli, ["triage", "--workspace", str(ws)])
    assert result.exit_code == 2, result.output
    assert "looks the same as the member 'Healthwatch Croydon'" in result.stderr


def test_a_source_spelt_with_look_alike_letters_is_the_member_it_looks_like(
    tmp_path: Path,
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(demo_workspace(), ws)
    with (ws / "intelligence.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "- {id: SI-X1, provider: RJ6, source: СQС, received: 2019-02-01, domain: safety,"
            " severity: low, grading: B2, summary: A concern.}\n"
        )
    result = CliRunner().invoke(cli, ["explain", "RJ6", "--workspace", str(ws), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"source": "CQC"' in result.output.split('"id": "SI-X1"')[1][:200]


def test_oversized_free_text_is_refused_with_its_size_and_the_limit(
    attending: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # as found: a 1 MB summary in intelligence.yaml and 125 kB through `intel add --summary`
    # were accepted without a word
    monkeypatch.setenv("QSG_TODAY", "2019-04-10")
    result = CliRunner().invoke(
        cli,
        ["intel", "add", "--workspace", str(attending), "--provider", "RJ6", "--source", "CQC",
         "--domain", "safety", "--severity", "low", "--grading", "B2",
         "--summary", "x" * 125_000, "--received", "2019-04-01"],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "summary is 125,000 characters long, above the limit of 4,000" in result.stderr
    assert len(result.stderr) < 1_000
    with (attending / "intelligence.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "- {id: SI-X2, provider: RJ6, source: CQC, received: 2019-02-01, domain: safety,"
            f" severity: low, grading: B2, summary: {'y' * 1_000_000}}}\n"
        )
    result = CliRunner().invoke(cli, ["triage", "--workspace", str(attending)])
    assert result.exit_code == 2
    assert "summary is 1,000,000 characters long, above the limit of 4,000" in result.stderr
    assert len(result.stderr) < 1_000
    decided = CliRunner().invoke(
        cli,
        ["decide", "RJ6", "--meeting", MEETING, "--level", "risk_summit", "--rationale",
         "z" * 5_000, "--workspace", str(attending), "--by", "clerk"],
    )  # fmt: skip
    assert decided.exit_code == 2
    assert "--rationale: is 5,000 characters long, above the limit of 4,000" in decided.stderr
