"""Ladders the QSG chooses (issue 19): rungs, per-domain levels, exit criteria, limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import BaseModel

from qsgrules.api import run_triage
from qsgrules.bundled import default_ruleset
from qsgrules.errors import InputError
from qsgrules.model.ladder import (
    DEFAULT_LADDER,
    LEVEL_ID,
    LevelName,
    Rung,
    RungSpec,
    ladder_of_specs,
)
from qsgrules.model.proposal import Proposal, read_triage
from qsgrules.model.vocabulary import Level
from qsgrules.reports.render import explanations, table, to_json
from qsgrules.ruleset import CompiledRuleset, load_ruleset, parse_ruleset
from qsgrules.scenarios import load_scenarios, run_scenario
from qsgrules.verify.checks import Change
from qsgrules.workspace import Workspace

WALES = default_ruleset().parent / "wales-ladder.yaml"


def test_the_default_ladder_is_the_2013_vocabulary_itself() -> None:
    assert tuple(DEFAULT_LADDER) == tuple(Level)
    assert DEFAULT_LADDER.rung("risk_summit") is Level.RISK_SUMMIT
    assert [lv.escalation for lv in Level] == [False, False, True, True]
    assert Level.RISK_SUMMIT.top and Level.NO_CONCERNS.lowest


def test_rungs_order_on_their_own_ladder_and_refuse_another() -> None:
    ladder = load_ruleset(WALES).ladder
    routine, special = ladder.rung("routine"), ladder.rung("special_measures")
    assert routine < special and special.top and routine.lowest
    assert max(ladder) == special and special == "special_measures"
    with pytest.raises(TypeError):
        _ = special > Level.NO_CONCERNS
    with pytest.raises(TypeError):
        _ = Rung("unheard_of") > routine  # a name on no known ladder is never ordered
    other = ladder_of_specs((RungSpec(id="a", label="a"), RungSpec(id="b", label="b")))
    with pytest.raises(TypeError):
        _ = other.rung("b") > routine


def test_the_default_json_has_none_of_the_new_keys() -> None:
    data = json.loads(to_json(run_triage()))
    assert "ladder" not in data
    for p in data["proposals"]:
        assert not {"domains", "exits", "limits"} & set(p)
        assert all("domain" not in r for r in p["rules"])


def test_the_wales_triage_shows_its_ladder_domains_and_floor() -> None:
    result = run_triage(ruleset=WALES)
    data = json.loads(to_json(result))
    assert data["ladder"][0]["id"] == "routine"
    rj6 = next(p for p in data["proposals"] if p["provider"] == "RJ6")
    assert rj6["level"] == "targeted_intervention"
    assert rj6["domains"]["safety"] == "targeted_intervention"
    # read back (as a meeting's frozen triage is), every level is a placed rung again
    again = read_triage(to_json(result))
    assert again == result and all(p.level.placed for p in again.proposals)
    assert again.proposals[0].level.label == "special measures"
    text = table(result)
    assert "special measures" in text and "safety: targeted intervention" in text
    assert "1 special measures, 1 targeted intervention" in " ".join(text.split())
    explained = explanations(result, [p for p in result.proposals if p.provider == "RJ6"])
    assert "By domain:" in explained and "(safety)" in explained


def test_unknown_levels_are_named_against_the_declared_ladder(tmp_path: Path) -> None:
    text = WALES.read_text().replace("level: area_of_concern", "level: regular_review", 1)
    with pytest.raises(InputError) as exc:
        parse_ruleset(text, "wales.yaml")
    said = str(exc.value.problems[0])
    assert "unknown level 'regular_review'" in said and "area_of_concern" in said
    lowest = WALES.read_text().replace("level: area_of_concern", "level: routine", 1)
    with pytest.raises(InputError, match="a rule cannot propose routine"):
        parse_ruleset(lowest, "wales.yaml")


CAPPED = """
  - id: capped
    description: A cap for a test.
    when: {breach: {indicator: never_events_rate}}
    at_most: area_of_concern
"""


def _scenario(tmp_path: Path, ruleset_text: str, body: str) -> list[str]:
    rs = tmp_path / "rs.yaml"
    rs.write_text(ruleset_text)
    sc = tmp_path / "scenario_x.yaml"
    sc.write_text(f"ruleset: {rs}\nas_of: 2019-03\nscenarios:\n{body}")
    return [d for s in load_scenarios(sc) for d in run_scenario(s).differences]


def test_a_cap_lowers_a_level_and_a_floor_beats_a_cap(tmp_path: Path) -> None:
    capped = WALES.read_text().replace("\nlimits:\n", "\nlimits:\n" + CAPPED)
    body = """
  - name: capped
    workspace:
      providers: [{code: RXA, type: acute}]
      indicators:
        - {provider: RXA, indicator: never_events_rate, period: 2019-03, value: 0.02}
    expect:
      RXA: {level: area_of_concern, domains: {safety: enhanced_monitoring}, limits: [capped]}
  - name: the floor stands over the cap
    workspace:
      providers: [{code: RXA, type: acute}]
      indicators:
        - {provider: RXA, indicator: never_events_rate, period: 2019-03, value: 0.02}
        - {provider: RXA, indicator: cqc_compliance_notices, period: 2019-03, value: 1}
    expect:
      RXA: {level: enhanced_monitoring, limits: [capped, cqc-notice-floor]}
"""
    assert _scenario(tmp_path, capped, body) == []


def test_the_shipped_wales_suite_can_fail(tmp_path: Path) -> None:
    # the held level would be lost if exits were ignored: expect the opposite, see it fail
    suite = (WALES.parent / "scenarios" / "scenario_wales_ladder.yaml").read_text()
    flipped = suite.replace("exits: {performance: not_met}", "exits: {performance: met}")
    flipped = flipped.replace("ruleset: ../wales-ladder.yaml", f"ruleset: {WALES}")
    path = tmp_path / "scenario_flipped.yaml"
    path.write_text(flipped)
    failed = [r for s in load_scenarios(path) if not (r := run_scenario(s)).ok]
    assert len(failed) == 1 and "exits" in failed[0].differences[0]


# ------------------------------------------------------------------ check, verify, pack

FLOOR_AND_CAP = """
  - id: never-event-cap
    description: A cap that says less than the floor beside it, for a test.
    when: {breach: {indicator: cqc_compliance_notices}}
    at_most: area_of_concern
"""

NEVER_EXITS = """    exit:
      all:
        - breach: {indicator: never_events_rate}
        - not: {breach: {indicator: never_events_rate}}
"""


def _check(text: str) -> list[str]:
    from qsgrules.ruleset.analysis import analyse

    rs = parse_ruleset(text, "wales.yaml")
    assert rs.positions is not None
    return [f"{p.code} {p.message}" for p in analyse(rs, rs.positions)]


def test_check_flags_a_cap_under_a_floor_and_exit_criteria_that_never_hold() -> None:
    assert not [w for w in _check(WALES.read_text()) if w.startswith("QSG110")]
    capped = WALES.read_text().replace("\nlimits:\n", "\nlimits:\n" + FLOOR_AND_CAP)
    found = [w for w in _check(capped) if w.startswith("QSG110")]
    assert len(found) == 1 and "contradicts limit cqc-notice-floor" in found[0]
    text = WALES.read_text()
    start = text.index("    exit:", text.index("- id: never-event"))
    end = text.index("    because:", start)
    trapped = text[:start] + NEVER_EXITS + text[end:]
    found = [w for w in _check(trapped) if w.startswith("QSG110")]
    assert len(found) == 1 and "never-event's exit criteria can never hold" in found[0]


@pytest.mark.slow
def test_verify_passes_on_the_wales_ladder_and_catches_a_broken_exit(tmp_path: Path) -> None:
    from qsgrules.verify import verify

    report = verify(load_ruleset(WALES), examples=120, seed=0)
    failed = [o.text for o in report.outcomes if not o.ok]
    assert report.ok, (failed, report.counterexample)
    texts = " | ".join(o.text for o in report.outcomes)
    assert "a floor is never undercut" in texts and "standing levels drawn" in texts
    # broken on purpose: the never-event rule fires on a reported never event (soft), but
    # its exit criteria forget it, so a provider could leave while the rule still holds
    text = WALES.read_text()
    start = text.index("    exit:", text.index("- id: never-event"))
    end = text.index("    because:", start)
    broken = text[:start] + "    exit:\n      not: {breach: {indicator: never_events_rate}}\n"
    broken = broken + text[end:]
    path = tmp_path / "broken.yaml"
    path.write_text(broken)
    caught = verify(load_ruleset(path), examples=60, seed=0)
    assert caught.counterexample is not None
    assert caught.counterexample.property == "exit criteria never hold while their own rule fires"
    assert "never-event fires and its exit criteria hold" in caught.counterexample.message
    # a cap lowers a level by design: verify passes, modulo the caps, and says so
    capped = tmp_path / "capped.yaml"
    capped.write_text(WALES.read_text().replace("\nlimits:\n", "\nlimits:\n" + CAPPED))
    report = verify(load_ruleset(capped), examples=40, seed=0)
    assert report.ok, report.counterexample
    texts = " | ".join(o.text for o in report.outcomes)
    assert "modulo the ruleset's caps" in texts and "a cap is never exceeded" in texts


def test_the_pack_shows_the_ladder_domains_and_colours() -> None:
    from qsgrules.api import meeting_pack

    html = meeting_pack(ruleset=WALES, providers=["RJ6", "RF4"])
    assert "By domain:" in html and "targeted intervention" in html
    assert "background: #ef6c00" in html  # the rung's declared colour
    default = meeting_pack(providers=["RJ6"])
    assert "By domain:" not in default and "Floor " not in default


@pytest.mark.parametrize(
    "preset", sorted((WALES.parent / "ladders").glob("*.yaml")), ids=lambda p: p.stem
)
def test_each_shipped_ladder_is_a_ladder_a_ruleset_can_declare(preset: Path) -> None:
    import yaml

    levels = yaml.safe_load(preset.read_text())["levels"]
    ladder = ladder_of_specs(tuple(RungSpec.model_validate(r) for r in levels))
    assert len(ladder) == 5 and not ladder.lowest.escalation and ladder.top.escalation
    assert "Source:" in preset.read_text()
    # pasted into the Wales example in place of its own ladder, the ruleset still loads
    # once its rules name the preset's levels
    text = WALES.read_text()
    start, end = text.index("levels:\n"), text.index("\ndomains:")
    renamed = text[:start] + preset.read_text().split("levels:\n", 1)[0] + "levels:\n"
    renamed += preset.read_text().split("levels:\n", 1)[1] + text[end:]
    names = dict(zip(load_ruleset(WALES).ladder.ids, ladder.ids, strict=True))
    for old, new in names.items():
        renamed = renamed.replace(f"level: {old}\n", f"level: {new}\n")
        renamed = renamed.replace(f"at_least: {old}\n", f"at_least: {new}\n")
    assert parse_ruleset(renamed, preset.name).ladder.ids == ladder.ids


def test_a_level_has_a_json_schema_on_every_supported_pydantic() -> None:
    # pydantic-core before 2.27 has no json_schema_input_schema; the floor is 2.16, and CI's
    # oldest environment imports this module (a TypeError there stopped every command).
    class Decided(BaseModel):
        level: LevelName

    schema = Decided.model_json_schema()["properties"]["level"]
    assert schema == {"type": "string", "pattern": LEVEL_ID, "title": "Level"}
    assert Decided(level="regular_review").level == "regular_review"


# ------------------------------------------------------------------ verify and caps

TWO_STRONG = """
        - {provider: RXA, indicator: rtt_18wk_admitted, from: 2019-01, values: [25, 25, 25]}
        - {provider: RXA, indicator: cancer_2wk, from: 2019-01, values: [20, 20, 20]}"""


def _before_after(
    tmp_path: Path, ruleset_text: str, added: str
) -> tuple[CompiledRuleset, Workspace, Proposal, Change]:
    from qsgrules.engine.triage import triage

    rs = tmp_path / "rs.yaml"
    rs.write_text(ruleset_text)
    sc = tmp_path / "scenario_x.yaml"
    body = "".join(
        f"""
  - name: {name}
    workspace:
      providers: [{{code: RXA, type: acute}}]
      indicators:{rows}
    expect: {{RXA: {{level: routine}}}}"""
        for name, rows in (("before", TWO_STRONG), ("after", TWO_STRONG + added))
    )
    # the scenarios are not run (their expectation is a placeholder): their workspaces are
    sc.write_text(f"ruleset: {rs}\nas_of: 2019-03\nscenarios:{body}\n")
    before, after = load_scenarios(sc)
    current = triage(before.workspace, before.ruleset, as_of="2019-03").proposals[0]
    assert current.level == "enhanced_monitoring"  # several strong breaches
    return (
        before.ruleset,
        before.workspace,
        current,
        Change("an added breach", added, after.workspace),
    )


def test_verify_counts_a_fall_a_cap_causes_and_fails_any_other(tmp_path: Path) -> None:
    from qsgrules.verify.checks import PropertyFailed, check_monotone
    from qsgrules.verify.ladder import without_caps

    never = (
        "\n        - {provider: RXA, indicator: never_events_rate, period: 2019-03, value: 0.02}"
    )
    capped = WALES.read_text().replace("\nlimits:\n", "\nlimits:\n" + CAPPED)
    ruleset, ws, current, change = _before_after(tmp_path, capped, never)
    assert without_caps(load_ruleset(WALES)) is None
    plain = without_caps(ruleset)
    assert plain is not None and [lim.id for lim in plain.limits] == [
        "mortality-signal-floor",
        "cqc-notice-floor",
    ]
    # the cap lowers the level (enhanced monitoring -> area of concern) on purpose: a
    # failure unless verify knows the ruleset's caps, and the cap named when it does
    with pytest.raises(PropertyFailed):
        check_monotone(ws, ruleset, "2019-03", current, change)
    assert check_monotone(ws, ruleset, "2019-03", current, change, plain) == ("capped",)
    # a fall that is not a cap's doing still fails, modulo the caps: the rule of several
    # strong breaches now stops at a harm-free-care breach
    text = capped.replace(
        "      breach: {strength: strong, min: 2}\n",
        "      all:\n        - breach: {strength: strong, min: 2}\n"
        "        - not: {breach: {indicator: harm_free_care}}\n",
    )
    harm = (
        "\n        - {provider: RXA, indicator: harm_free_care, from: 2019-01, "
        "values: [80, 80, 80]}"
    )
    ruleset, ws, current, change = _before_after(tmp_path, text, harm)
    with pytest.raises(PropertyFailed, match="without the ruleset's caps it falls too"):
        check_monotone(ws, ruleset, "2019-03", current, change, without_caps(ruleset))
