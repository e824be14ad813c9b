"""A register keeps levels of any declared ladder (issue 19), and a 2013 register as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qsgrules import api_register
from qsgrules import register as R
from qsgrules.bundled import default_ruleset, demo_workspace
from qsgrules.errors import InputError
from qsgrules.register import Register

from .conftest import MEETING, ticking_clock

WALES = default_ruleset().parent / "wales-ladder.yaml"


def test_a_meeting_on_a_declared_ladder_records_its_levels(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(demo_workspace(), ws)
    m = api_register.open_meeting(
        date="2019-04-10",
        chair="Dr Jo Chair",
        qsg="South London",
        workspace=ws,
        ruleset=WALES,
        by="clerk",
        clock=ticking_clock(),
    )
    assert m.ladder.ids[0] == "routine" and m.proposed["RJ6"] == "targeted_intervention"
    with Register(ws / "register.sqlite", actor="clerk", clock=ticking_clock()) as reg:
        R.attend(reg, m.id, member="Ann Lee", organisation="CQC")
        R.override(reg, "RJ6", meeting=m.id, member="Ann Lee", level="special_measures", reason="x")
        with pytest.raises(InputError, match="unknown level 'risk_summit'"):
            R.override(reg, "RJ6", meeting=m.id, member="Ann Lee", level="risk_summit", reason="x")
        R.decide(reg, "RJ6", meeting=m.id, level="special_measures", rationale="agreed")
        state = R.fold(reg.records())
        # the state kept beside the records reads the names back on the meeting's ladder
        stored = reg.state([m.id]).meetings[m.id]
        standing = reg.standing_levels()["RJ6"]
    for decided in (state.meetings[m.id].decisions["RJ6"].level, stored.decisions["RJ6"].level):
        assert decided == "special_measures" and decided.top
        assert decided.label == "special measures"
    assert stored.proposed["RJ6"].label == "targeted intervention"
    assert standing.level.top and standing.level.label == "special measures"


def test_a_2013_meeting_refuses_a_level_of_another_ladder(reg: Register) -> None:
    R.attend(reg, MEETING, member="Ann Lee", organisation="CQC")
    with pytest.raises(InputError, match="unknown level 'enhanced_monitoring'"):
        R.override(
            reg, "RJ6", meeting=MEETING, member="Ann Lee", level="enhanced_monitoring", reason="x"
        )
    assert R.fold(reg.records()).meetings[MEETING].ladder.default


def test_a_decision_keeps_the_domains_and_a_later_triage_holds_them(tmp_path: Path) -> None:
    from qsgrules.api import run_triage

    ws = tmp_path / "ws"
    shutil.copytree(demo_workspace(), ws)
    m = api_register.open_meeting(
        date="2019-04-10", chair="Dr Jo Chair", qsg="South London", workspace=ws, ruleset=WALES
    )
    assert m.proposed_domains["RJ6"]["safety"] == "targeted_intervention"
    with Register(ws / "register.sqlite", actor="clerk", clock=ticking_clock()) as reg:
        R.attend(reg, m.id, member="Ann Lee", organisation="CQC")
        R.confirm(reg, "RJ6", meeting=m.id, member="Ann Lee")
        R.decide(reg, "RJ6", meeting=m.id, rationale="as proposed")
        with pytest.raises(InputError, match="above the level concluded"):
            R.decide(
                reg, "RJ7", meeting=m.id, level="area_of_concern", rationale="x",
                domains={"safety": "special_measures"},
            )  # fmt: skip
        standing = reg.standing_levels()["RJ6"]
    assert (
        standing.domains["safety"] == "targeted_intervention" and standing.domains["safety"].placed
    )
    # months later the soft intelligence has decayed: the entry rule no longer fires, but
    # the safety level agreed at the meeting is held until its exit criteria hold
    later = run_triage(ws, WALES, on="2019-09-30")
    rj6 = next(p for p in later.proposals if p.provider == "RJ6")
    safety = [e for e in rj6.exits if e.scope == "safety"]
    assert safety and not safety[0].met and safety[0].since == "2019-04-10"
    assert rj6.domains["safety"] == "targeted_intervention"
    assert "since 2019-04-10 is held" in safety[0].text
    unheld = run_triage(ws, WALES, on="2019-09-30", standing=False)
    rj6_alone = next(p for p in unheld.proposals if p.provider == "RJ6")
    assert rj6_alone.domains.get("safety") != "targeted_intervention"
