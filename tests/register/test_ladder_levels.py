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


# ------------------------------------------------------------ exit criteria as conditions

WELL_LED_EXIT = {"well_led": {"not": {"soft": {"min": 1}}}}


def _wales_meeting(tmp_path: Path) -> tuple[Path, str]:
    ws = tmp_path / "ws"
    shutil.copytree(demo_workspace(), ws)
    m = api_register.open_meeting(
        date="2019-04-10", chair="Dr Jo Chair", qsg="South London", workspace=ws, ruleset=WALES
    )
    return ws, m.id


def _well_led(ws: Path, on: str, standing: bool = True) -> tuple[str, list[object]]:
    from qsgrules.api import run_triage

    rj6 = next(
        p for p in run_triage(ws, WALES, on=on, standing=standing).proposals if p.provider == "RJ6"
    )
    return str(rj6.domains.get("well_led", "routine")), [
        e for e in rj6.exits if e.scope == "well_led"
    ]


def test_exit_criteria_agreed_as_a_condition_hold_the_level_until_they_hold(
    tmp_path: Path,
) -> None:
    from qsgrules.model.proposal import ExitStatus
    from qsgrules.ruleset.criteria import parse_exit_when

    ws, mid = _wales_meeting(tmp_path)
    agreed = parse_exit_when(["well_led={not: {soft: {min: 1}}}"])
    assert agreed == WELL_LED_EXIT
    with Register(ws / "register.sqlite", actor="clerk", clock=ticking_clock()) as reg:
        R.attend(reg, mid, member="Ann Lee", organisation="CQC")
        R.confirm(reg, "RJ6", meeting=mid, member="Ann Lee")
        with pytest.raises(InputError, match="exit criteria for effectiveness leave nothing"):
            R.decide(reg, "RJ6", meeting=mid, rationale="x", exit_when={"effectiveness": {}})
        R.decide(reg, "RJ6", meeting=mid, rationale="as proposed", exit_when=agreed)
        assert reg.standing_levels()["RJ6"].exit_when == WELL_LED_EXIT
    # a year on, the soft score (3.06) is below the ruleset's exit (4): without what the QSG
    # agreed, well-led would come down; with it, the level is held and the JSON says why
    level, exits = _well_led(ws, "2020-03-31")
    assert level == "enhanced_monitoring" and len(exits) == 1
    status = exits[0]
    assert isinstance(status, ExitStatus) and not status.met
    assert status.agreed == '{"not": {"soft": {"min": 1}}}'
    assert "agreed at the decision" in status.text and "soft score in all domains < 1" in (
        status.text
    )
    assert [c.condition for c in status.conditions] == ["soft score in all domains < 4"]
    # the same register with the condition cleared: the ruleset's exit criteria alone hold,
    # and the level comes down
    with Register(ws / "register.sqlite", actor="clerk", clock=ticking_clock()) as reg:
        R.decide(reg, "RJ6", meeting=mid, rationale="as proposed", clear_exit_criteria=True)
        assert not reg.standing_levels()["RJ6"].exit_when
    level, exits = _well_led(ws, "2020-03-31")
    assert level != "enhanced_monitoring" and exits and exits[0].met  # type: ignore[attr-defined]


def test_a_later_decision_keeps_the_conditions_of_a_level_it_keeps(tmp_path: Path) -> None:
    ws, mid = _wales_meeting(tmp_path)
    with Register(ws / "register.sqlite", actor="clerk", clock=ticking_clock()) as reg:
        R.attend(reg, mid, member="Ann Lee", organisation="CQC")
        R.confirm(reg, "RJ6", meeting=mid, member="Ann Lee")
        R.decide(reg, "RJ6", meeting=mid, rationale="as proposed", exit_when=WELL_LED_EXIT)
        R.agree(reg, mid)
    later = api_register.open_meeting(
        date="2019-05-08", chair="Dr Jo Chair", qsg="South London", workspace=ws, ruleset=WALES
    )
    with Register(ws / "register.sqlite", actor="clerk", clock=ticking_clock()) as reg:
        R.attend(reg, later.id, member="Ann Lee", organisation="CQC")
        R.confirm(reg, "RJ6", meeting=later.id, member="Ann Lee")
        done = R.decide(reg, "RJ6", meeting=later.id, rationale="no change")
    assert done.decision.exit_when == WELL_LED_EXIT and done.decision.exit_when_from == mid


def test_an_amendment_changes_the_domains_and_the_conditions(tmp_path: Path) -> None:
    ws, mid = _wales_meeting(tmp_path)
    with Register(ws / "register.sqlite", actor="clerk", clock=ticking_clock()) as reg:
        R.attend(reg, mid, member="Ann Lee", organisation="CQC")
        R.confirm(reg, "RJ6", meeting=mid, member="Ann Lee")
        R.decide(reg, "RJ6", meeting=mid, rationale="as proposed", exit_when=WELL_LED_EXIT)
        R.agree(reg, mid)
        # lowering the level below a domain the decision keeps says what to do
        with pytest.raises(InputError, match="amend the domains with it"):
            R.amend(reg, mid, reason="x", provider="RJ6", level="enhanced_monitoring")
        with pytest.raises(InputError, match="above the level concluded"):
            R.amend(
                reg, mid, reason="x", provider="RJ6", level="area_of_concern",
                domains={"safety": "enhanced_monitoring"},
            )  # fmt: skip
        R.amend(
            reg,
            mid,
            reason="safety plan evidenced since: the QSG concluded enhanced monitoring",
            provider="RJ6",
            level="enhanced_monitoring",
            domains={"safety": "enhanced_monitoring", "well_led": "area_of_concern"},
        )
        d = reg.state([mid]).meetings[mid].decisions["RJ6"]
        standing = reg.standing_levels()["RJ6"]
        # well-led stays above the lowest rung: its condition is kept
        assert d.exit_when == WELL_LED_EXIT
        R.amend(
            reg,
            mid,
            reason="the conditions agreed, corrected",
            provider="RJ6",
            exit_when={"safety": {"not": {"soft": {"domain": "safety", "min": 2}}}},
        )
        amended = reg.state([mid]).meetings[mid].decisions["RJ6"]
        folded = R.fold(reg.records()).meetings[mid].decisions["RJ6"]
    assert d.level == "enhanced_monitoring" and d.level.placed
    assert {k: v.label for k, v in d.domains.items()} == {
        "safety": "enhanced monitoring",
        "well_led": "area of concern",
    }
    assert "performance" not in standing.domains and standing.domains["safety"].placed
    for decision in (amended, folded):
        assert decision.exit_when == {"safety": {"not": {"soft": {"domain": "safety", "min": 2}}}}
        assert decision.domains["well_led"] == "area_of_concern"


def test_the_note_names_the_ladders_rungs_the_domains_and_the_conditions(
    tmp_path: Path,
) -> None:
    from qsgrules.reports import note as note_report

    ws, mid = _wales_meeting(tmp_path)
    with Register(ws / "register.sqlite", actor="clerk", clock=ticking_clock()) as reg:
        R.attend(reg, mid, member="Ann Lee", organisation="CQC")
        R.override(reg, "RJ6", meeting=mid, member="Ann Lee", level="routine", reason="plan")
        R.decide(
            reg, "RJ6", meeting=mid, level="targeted_intervention", rationale="as proposed",
            exit_when=WELL_LED_EXIT,
        )  # fmt: skip
        R.agree(reg, mid)
        R.amend(
            reg, mid, reason="corrected", provider="RJ6", level="enhanced_monitoring",
            domains={"safety": "enhanced_monitoring", "well_led": "routine"},
        )  # fmt: skip
        md = note_report.markdown(R.meeting_note(reg, mid))
        page = note_report.html(R.meeting_note(reg, mid))
    flat = " ".join(md.split())
    # the dissent's level in the ladder's own words (not the rung's id, "routine")
    assert "**Dissent:** Ann Lee (CQC) held routine arrangements: plan" in flat
    assert "**By domain:** safety: enhanced monitoring" in flat
    # well-led amended to the lowest rung: its condition went with it
    assert "exit when cleared" in flat
    assert (
        "domains → safety: enhanced monitoring, exit when cleared, level → enhanced monitoring"
        in flat
    )
    assert "<dt>By domain</dt><dd>safety: enhanced monitoring</dd>" in page
    assert "held routine arrangements" in page


def test_the_regional_report_keeps_each_ladder_apart(tmp_path: Path) -> None:
    import json

    from qsgrules.api import regional_report
    from qsgrules.reports import regional as regional_report_text

    registers = []
    for name, ruleset, level in (
        ("default", None, "risk_summit"),
        ("wales", WALES, "targeted_intervention"),
    ):
        ws = tmp_path / name
        shutil.copytree(demo_workspace(), ws)
        m = api_register.open_meeting(
            date="2019-04-10", chair="Dr Jo Chair", qsg="South London", workspace=ws,
            ruleset=ruleset,
        )  # fmt: skip
        with Register(ws / "register.sqlite", actor="clerk", clock=ticking_clock()) as reg:
            R.attend(reg, m.id, member="Ann Lee", organisation="CQC")
            R.decide(reg, "RJ6", meeting=m.id, level=level, rationale=f"on the {name} ladder")
            R.agree(reg, m.id)
        registers.append(ws / "register.sqlite")
    report = regional_report(registers, on="2019-05-01")
    (rj6,) = report.conclusions
    # a summit of one ladder is neither above nor below targeted intervention of another
    assert rj6.level is None and {v.level.label for v in rj6.views} == {
        "risk summit required",
        "targeted intervention",
    }
    md = regional_report_text.markdown(report)
    assert "| South London | RJ6 | \\- | \\- | \\- |" in md  # risk summit required, 2013 columns
    assert (
        "On the ladder routine arrangements, area of concern, enhanced monitoring, "
        "targeted intervention, special measures (lowest first):" in md
    )
    assert "| South London | \\- | RJ6 | \\- | \\- | \\- |" in md  # targeted intervention
    assert "levels on different ladders" in md
    # the regional agenda's ratings name each ladder's levels, the Wales one included
    flat = " ".join(md.split())
    assert (
        "Risk ratings agreed by the local QSGs: 1 risk summit required (RJ6); "
        "1 targeted intervention (RJ6)." in flat
    )
    assert "1 provider(s) at risk summit required; 0 provider(s) at special measures;" in flat
    page = regional_report_text.html(report)
    assert "<th>special measures</th>" in page and "<th>risk summit required</th>" in page
    data = json.loads(regional_report_text.to_json(report))
    assert data["conclusions"][0]["level"] is None
    assert [r["id"] for r in data["ladders"][0]][-1] == "special_measures"
    # one register alone: one table, in its ladder's own names, and no ladder heading
    alone = regional_report_text.markdown(regional_report(registers[1:], on="2019-05-01"))
    assert "| local QSG | special measures | targeted intervention |" in alone
    assert "On the ladder" not in alone and "targeted intervention, concluded by" in alone
