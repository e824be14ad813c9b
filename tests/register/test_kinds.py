"""Record kinds: one typed body model per kind, written by its command and read by the fold;
a body this version cannot read is refused naming its record."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules import register as R
from qsgrules.cli.main import cli
from qsgrules.register import Register, kinds
from qsgrules.register.kinds import Body
from qsgrules.register.kinds.meetings import PositionTaken
from qsgrules.register.kinds.schedule import MeetingPlanned

from .conftest import MEETING


def test_every_kind_says_what_it_changes_and_is_documented() -> None:
    assert len(kinds.KINDS) >= 15
    for name, model in kinds.KINDS.items():
        assert model.kind == name
        assert model.apply is not Body.apply, f"{name} does not say what it changes"
        assert (model.__doc__ or "").strip(), f"{name} has no docstring"


def test_every_record_a_command_writes_reads_back_as_its_model_unchanged(
    attended: Register,
) -> None:
    R.confirm(attended, "RJ6", meeting=MEETING, member="Ann Lee")
    R.override(attended, "RJ6", meeting=MEETING, member="Raj Patel", level="regular_review",
               reason="Worse")  # fmt: skip
    R.decide(attended, "RJ6", meeting=MEETING, rationale="Serious", level="risk_summit")
    a = R.add_action(attended, "RJ7", meeting=MEETING, owner="CQC", due="2019-05-01",
                     text="Visit", kind="information_request")  # fmt: skip
    R.move_action(attended, a.id, due="2019-05-20", reason="Later")
    R.agree(attended, MEETING)
    R.amend(attended, MEETING, reason="Typo", provider="RJ6", clear_review_by=True)
    written = attended.records()
    assert {r.kind for r in written} >= {
        "meeting_opened", "attendance", "position", "decision", "action_added",
        "action_moved", "meeting_agreed", "amendment",
    }  # fmt: skip
    for r in written:
        body = kinds.read(r)
        assert type(body).kind == r.kind
        assert kinds.dump(body) == r.body, r.label()


def test_a_body_is_read_as_its_own_kind_only(attended: Register) -> None:
    rec = R.confirm(attended, "RJ6", meeting=MEETING, member="Ann Lee")
    assert PositionTaken.of(rec).member == "Ann Lee"
    with pytest.raises(ValueError, match="is not a meeting_planned record"):
        MeetingPlanned.of(rec)


def test_a_body_with_a_field_from_a_newer_version_is_refused_naming_its_record(
    ws: Path,
) -> None:
    conn = sqlite3.connect(ws / "register.sqlite", isolation_level=None)
    conn.execute("UPDATE records SET body = json_set(body, '$.quorate', 1) WHERE seq = 1")
    conn.close()
    result = CliRunner().invoke(cli, ["agenda", MEETING, "--workspace", str(ws)])
    assert result.exit_code == 2, result.output
    assert (
        "record 1 (meeting_opened, M-2019-04-10): it cannot be read (field 'quorate' is not "
        "one this version knows)" in result.stderr
    )
    assert "Traceback" not in result.output
