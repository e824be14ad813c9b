"""Independent organisations, weights by source, and item categories (issue 8)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from qsgrules.api import run_triage
from qsgrules.bundled import default_ruleset, demo_workspace
from qsgrules.cli.main import cli
from qsgrules.errors import InputError
from qsgrules.model.vocabulary import Level
from qsgrules.ruleset import parse_ruleset
from qsgrules.workspace import load_workspace

PROVIDERS = "code,name,type,qsg\nRXA,Example Acute NHS Trust,acute,Example QSG\n"
HEADER = "provider,indicator,period,value\n"


def _item(i: int, source: str, **extra: str) -> str:
    fields = {
        "id": f"SI-{i}",
        "provider": "RXA",
        "source": source,
        "received": "2019-03-10",
        "domain": "safety",
        "severity": "critical",
        "grading": "A1",
        "summary": "Delays in escalating deteriorating patients on two wards.",
        **extra,
    }
    return "- " + "\n  ".join(f"{k}: {v}" for k, v in fields.items()) + "\n"


def _ws(tmp_path: Path, items: list[str], members: str = "name,kind,parent,aliases\n") -> Path:
    ws = tmp_path / "ws"
    ws.mkdir(parents=True)
    (ws / "providers.csv").write_text(PROVIDERS)
    (ws / "indicators.csv").write_text(HEADER + "RXA,ae_4hr_type1,2019-03,4\n")
    (ws / "members.csv").write_text(members)
    (ws / "intelligence.yaml").write_text("".join(items))
    return ws


HEE_LONDON = "name,kind,parent,aliases\nHEE London,education,HEE,HEE LaSE\n"


def test_hee_and_its_local_office_are_one_organisation(tmp_path: Path) -> None:
    # as filed: HEE and HEE London gave a risk summit "from 2 organisations independently"
    ws = _ws(tmp_path, [_item(1, "HEE"), _item(2, "HEE London")], HEE_LONDON)
    p = run_triage(ws).proposals[0]
    assert p.level is not Level.RISK_SUMMIT
    assert all(not s.corroborated_by for s in p.evidence.soft)
    assert {s.organisation for s in p.evidence.soft} == {"HEE"}
    # what would raise it: another organisation raising the same safety concerns (evidence
    # of a kind the provider already has), not nothing
    assert p.nearest is not None
    assert p.nearest.rule == "safety-concerns-from-several-organisations"
    assert "organisations raising safety concerns >= 2; it is 1" in p.nearest.text, p.nearest.text
    # the same two items from independent organisations do corroborate
    other = _ws(tmp_path / "b", [_item(1, "HEE"), _item(2, "CQC")], HEE_LONDON)
    q = run_triage(other).proposals[0]
    assert q.level is Level.RISK_SUMMIT
    assert all(s.corroborated_by for s in q.evidence.soft)


def test_sources_match_regardless_of_case_and_by_alias(tmp_path: Path) -> None:
    ws = _ws(tmp_path, [_item(1, "cqc"), _item(2, "hee lase")], HEE_LONDON)
    loaded = load_workspace(ws)
    assert [i.source for i in loaded.intelligence] == ["CQC", "HEE London"]
    bad = _ws(tmp_path / "b", [_item(1, "Healthwach England")], HEE_LONDON)
    with pytest.raises(InputError) as info:
        load_workspace(bad)
    assert '(did you mean "Healthwatch England"?)' in info.value.problems[0].message


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (
            "name,kind,parent\nHEE London,education,HEX\n",
            "parent 'HEX' of 'HEE London' is not a member",
        ),
        ("name,kind,parent\nA,other,B\nB,other,A\n", "makes a cycle"),
        ("name,kind,aliases\nA,other,cqc\n", "alias 'cqc' of 'A' already names 'CQC'"),
    ],
)
def test_member_links_are_checked(tmp_path: Path, members: str, message: str) -> None:
    ws = _ws(tmp_path, [], members)
    with pytest.raises(InputError) as info:
        load_workspace(ws)
    assert any(message in p.message and p.file == "members.csv" for p in info.value.problems)


def _ruleset(
    tmp_path: Path, soft: dict[str, object], rules: list[dict[str, object]] | None = None
) -> Path:
    data = yaml.safe_load(default_ruleset().read_text())
    data["soft"].update(soft)
    if rules is not None:
        data["rules"] = rules
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_a_source_weight_by_kind_multiplies_the_weight_and_says_so(tmp_path: Path) -> None:
    members = "name,kind\nHealthwatch Example,healthwatch\n"
    ws = _ws(tmp_path, [_item(1, "Healthwatch Example", severity="moderate")], members)
    plain = run_triage(ws).proposals[0].evidence.soft[0]
    rs = _ruleset(tmp_path, {"source_weights": {"healthwatch": 1.5}})
    weighted = run_triage(ws, rs).proposals[0].evidence.soft[0]
    assert weighted.weight == pytest.approx(plain.weight * 1.5, abs=2e-6)
    assert "× 1.5 (healthwatch weight)" in weighted.formula
    assert ("source", 1.5) in [(f.name, f.value) for f in weighted.factors]


def test_a_source_weight_naming_no_member_is_said_in_the_notes(tmp_path: Path) -> None:
    ws = _ws(tmp_path, [_item(1, "CQC")])
    rs = _ruleset(tmp_path, {"source_weights": {"Healthwach": 2}})
    (note,) = run_triage(ws, rs).notes
    assert "'Healthwach'" in note and "selects nothing here" in note


def test_a_never_event_reported_as_soft_intelligence_means_regular_review(tmp_path: Path) -> None:
    ws = _ws(tmp_path, [_item(1, "CQC", severity="low", grading="C3", category="never_event")])
    p = run_triage(ws).proposals[0]
    assert p.level is Level.REGULAR_REVIEW
    assert p.rules[0].id == "never-event-reported"
    assert p.evidence.soft[0].weight < 1  # it barely weighs: the category is what counts


def test_an_item_category_the_ruleset_does_not_know_is_refused(tmp_path: Path) -> None:
    ws = _ws(tmp_path, [_item(1, "CQC", category="nevr_event")])
    result = CliRunner().invoke(cli, ["triage", "--workspace", str(ws)])
    assert result.exit_code == 2
    assert "--ruleset: item SI-1 has category 'nevr_event'" in result.stderr
    assert '(did you mean "never_event"?)' in result.stderr


def test_a_condition_naming_an_unknown_category_is_a_located_error() -> None:
    data = yaml.safe_load(default_ruleset().read_text())
    data["rules"][0]["when"] = {"soft": {"category": "whistle_blowing"}}
    with pytest.raises(InputError) as info:
        parse_ruleset(yaml.safe_dump(data, sort_keys=False), "r.yaml")
    (problem,) = info.value.problems
    assert problem.line > 1 and "unknown category 'whistle_blowing'" in problem.message
    assert '(did you mean "whistleblowing"?)' in problem.message


def test_organisations_by_source_count_only_those(tmp_path: Path) -> None:
    members = "name,kind\nHealthwatch Example,healthwatch\nNHS Example CCG,commissioner\n"
    items = [_item(1, "Healthwatch Example"), _item(2, "NHS Example CCG"), _item(3, "CQC")]
    ws = _ws(tmp_path, items, members)
    rule: dict[str, object] = {
        "id": "patients-and-commissioners",
        "level": "regular_review",
        "description": "d",
        "because": "{cited_sources}",
        "when": {"organisations": {"source": ["healthwatch", "commissioner"], "min": 2}},
    }
    p = run_triage(ws, _ruleset(tmp_path, {}, [rule])).proposals[0]
    assert [r.id for r in p.rules] == ["patients-and-commissioners"]
    assert p.rules[0].because == "Healthwatch Example, NHS Example CCG"
    met = p.rules[0].evidence[0]
    assert met.type == "condition" and met.value == 2
    assert "from healthwatch, commissioner" in met.condition


def test_the_demo_shows_hee_london_as_part_of_hee() -> None:
    rj6 = next(p for p in run_triage(demo_workspace()).proposals if p.provider == "RJ6")
    summit = rj6.rules[0]
    assert "4 organisations (CQC, HEE (HEE London), Healthwatch Croydon" in summit.because


def test_a_copy_of_the_demo_with_a_parent_cycle_is_refused(tmp_path: Path) -> None:
    ws = tmp_path / "demo"
    shutil.copytree(demo_workspace(), ws)
    text = (
        (ws / "members.csv")
        .read_text()
        .replace("HEE London,education,HEE", "HEE London,education,HEE London")
    )
    (ws / "members.csv").write_text(text)
    with pytest.raises(InputError, match="cannot be part of itself"):
        load_workspace(ws)


def test_an_organisations_own_source_weight_comes_before_its_kinds(tmp_path: Path) -> None:
    members = "name,kind\nHealthwatch Example,healthwatch\n"
    ws = _ws(tmp_path, [_item(1, "Healthwatch Example", severity="moderate")], members)
    plain = run_triage(ws).proposals[0].evidence.soft[0]
    weights = {"Healthwatch Example": 0.5, "healthwatch": 1.5}
    rs = _ruleset(tmp_path, {"source_weights": weights})
    weighted = run_triage(ws, rs).proposals[0].evidence.soft[0]
    # the nearer name decides: the organisation's own weight, not its kind's
    assert weighted.weight == pytest.approx(plain.weight * 0.5, abs=2e-6)
    assert "× 0.5 (Healthwatch Example weight)" in weighted.formula
    assert ("source", 0.5) in [(f.name, f.value) for f in weighted.factors]


def test_a_part_of_an_organisation_takes_its_weight_unless_it_has_its_own(
    tmp_path: Path,
) -> None:
    ws = _ws(tmp_path, [_item(1, "HEE London", severity="moderate")], HEE_LONDON)
    plain = run_triage(ws).proposals[0].evidence.soft[0]
    inherited = run_triage(ws, _ruleset(tmp_path, {"source_weights": {"HEE": 0.5}}))
    item = inherited.proposals[0].evidence.soft[0]
    assert item.weight == pytest.approx(plain.weight * 0.5, abs=2e-6)
    assert "× 0.5 (HEE weight)" in item.formula
    # its own weight, nearer than its parent's, comes first
    own = _ruleset(tmp_path, {"source_weights": {"HEE London": 2, "HEE": 0.5}})
    item = run_triage(ws, own).proposals[0].evidence.soft[0]
    assert item.weight == pytest.approx(plain.weight * 2, abs=4e-6)
    assert "× 2 (HEE London weight)" in item.formula


def test_an_item_from_a_source_weighted_zero_corroborates_nothing(tmp_path: Path) -> None:
    # HEE and CQC on the same concern corroborate each other (a risk summit, as above); with
    # CQC's items weighted 0, CQC's item weighs nothing and so corroborates nothing
    ws = _ws(tmp_path, [_item(1, "HEE"), _item(2, "CQC")], HEE_LONDON)
    assert run_triage(ws).proposals[0].level is Level.RISK_SUMMIT
    p = run_triage(ws, _ruleset(tmp_path, {"source_weights": {"CQC": 0}})).proposals[0]
    by_source = {s.source: s for s in p.evidence.soft}
    assert by_source["CQC"].weight == 0
    assert by_source["HEE"].corroborated_by == ()
    assert p.level is not Level.RISK_SUMMIT
