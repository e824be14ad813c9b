"""Condition kinds register themselves: each is one class declaring its metadata, meaning,
analysis facts and strategy aim, and the union, lookups, analysis, generator and reference
are built from them. Leaving a declaration out fails here (and at import), never silently:
a kind without an analysis once made `qsg check` warn falsely, one without an aim made
`qsg verify` report its rules as never firing, with every related test still green."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from pydantic import TypeAdapter

from qsgrules.bundled import default_ruleset
from qsgrules.engine.triage import triage
from qsgrules.ruleset import CompiledRuleset, load_ruleset
from qsgrules.ruleset.conditions import (
    DECLARATIONS,
    LEAF_CONDITIONS,
    LEAVES,
    REGISTRY,
    AllCondition,
    Condition,
    Leaf,
    LeafCondition,
    leaf_of,
    missing_declarations,
)
from qsgrules.ruleset.conditions.reference import KEYS, reference_text
from qsgrules.strategies import workspaces
from qsgrules.verify.checks import facts_of

CONDITION: TypeAdapter[Any] = TypeAdapter(Condition)


def test_the_union_is_built_from_the_registry() -> None:
    assert list(LEAVES) == list(REGISTRY) == list(LEAF_CONDITIONS)
    assert len(LEAVES) >= 6


@pytest.mark.parametrize("name", list(LEAVES))
def test_every_kind_declares_everything_in_its_own_class(name: str) -> None:
    kind = LEAVES[name]
    assert missing_declarations(kind) == []
    assert kind.KIND == name
    for text in (kind.SUMMARY, kind.MEASURES, kind.EXAMPLE):
        assert isinstance(text, str) and text.strip()
    assert isinstance(kind.EVIDENCE, bool) and isinstance(kind.SOFT, bool)


@pytest.mark.parametrize("name", list(LEAVES))
def test_every_kind_s_example_is_a_condition_of_that_kind(name: str) -> None:
    condition = CONDITION.validate_python(yaml.safe_load(LEAVES[name].EXAMPLE))
    assert isinstance(condition, LEAF_CONDITIONS[name])
    leaf = leaf_of(condition)
    assert isinstance(leaf, LEAVES[name])


@pytest.mark.parametrize("name", list(LEAVES))
def test_every_key_of_every_kind_is_in_the_reference(name: str) -> None:
    kind = LEAVES[name]
    if issubclass(kind, Leaf):
        assert set(kind.model_fields) <= set(KEYS), set(kind.model_fields) - set(KEYS)
    assert f"\n{name}\n" in f"\n{reference_text()}"


def _complete(leave_out: str) -> dict[str, Any]:
    """A namespace declaring everything a kind must, but ``leave_out``."""
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "__annotations__": {
            name: ClassVar[Any] for name in ("KIND", "SUMMARY", "MEASURES", "EXAMPLE", "SOFT")
        }
        | {"EVIDENCE": ClassVar[Any]},
        "KIND": "scratch",
        "SUMMARY": "s",
        "MEASURES": "m",
        "EXAMPLE": "scratch: {}",
        "EVIDENCE": True,
        "SOFT": False,
        "attr": property(lambda self: "scratch"),
        "label": property(lambda self: "scratch"),
        "measure": lambda self, facts: 0.0,
        "cite": lambda self, facts: ((), ()),
        "counts_indicator": lambda self, ruleset, indicator: False,
        "ceiling": lambda self, ruleset: None,
        "never_holds": lambda self, ruleset: None,
        "aim": lambda self, ruleset, choose, aims: None,
    }
    assert set(DECLARATIONS) <= set(namespace)
    del namespace[leave_out]
    return namespace


@pytest.mark.parametrize("leave_out", [d for d in DECLARATIONS if d != "KIND"])
def test_a_kind_that_leaves_a_declaration_out_is_refused(leave_out: str) -> None:
    with pytest.raises(TypeError, match=f"does not declare {leave_out}"):
        type("Scratch", (Leaf,), _complete(leave_out))
    assert "scratch" not in REGISTRY


def test_a_complete_kind_made_after_the_union_is_refused_not_silently_left_out() -> None:
    namespace = _complete("KIND")
    namespace["KIND"] = "scratch"
    with pytest.raises(TypeError, match="after the union"):
        type("Scratch", (Leaf,), namespace)
    assert "scratch" not in REGISTRY


def test_the_leaf_of_a_condition_is_its_field_never_an_attribute_found_by_name() -> None:
    # `leaf_of` once asked `hasattr(condition, name)` for each kind's name: a kind named
    # like a pydantic method (`copy`, `json`, `validate`) would have matched every condition
    both = CONDITION.validate_python({"all": [{"soft": {"min": 1}}]})
    assert isinstance(both, AllCondition) and hasattr(both, "copy")
    assert leaf_of(both) is None
    for name, wrapper in LEAF_CONDITIONS.items():
        assert issubclass(wrapper, LeafCondition) and wrapper.KIND == name
        condition = CONDITION.validate_python(yaml.safe_load(LEAVES[name].EXAMPLE))
        assert type(leaf_of(condition)) is LEAVES[name]


def _probing(name: str, folder: Path) -> CompiledRuleset:
    """The default ruleset with a first rule, ``probe``, whose `when` is the kind's example."""
    raw = yaml.safe_load(default_ruleset().read_text(encoding="utf-8"))
    probe = {"id": "probe", "level": "risk_summit", "description": "A kind's example."}
    probe |= {"when": yaml.safe_load(LEAVES[name].EXAMPLE), "because": "its example holds"}
    raw["rules"].insert(0, probe)
    path = folder / "probing.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return load_ruleset(path)


@pytest.mark.parametrize("name", list(LEAVES))
def test_every_kind_s_aim_makes_it_hold_and_its_analysis_facts_are_true(
    name: str, tmp_path: Path
) -> None:
    """What a kind declares for `qsg verify` and `qsg check` is checked against what it
    measures: workspaces generated to reach its example (its ``aim``) do fire it, no measure
    exceeds its ``ceiling``, a measure that soft intelligence changes is declared ``SOFT``
    (and a kind declared soft is seen to be), and a measure that an indicator's breaches
    change is declared to count that indicator (``counts_indicator``). A wrong declaration
    once passed every test while `qsg check` and `qsg verify` reported falsely."""
    ruleset = _probing(name, tmp_path)
    (rule,) = [r for r in ruleset.rules if r.id == "probe"]
    kind = leaf_of(rule.rule.when)
    assert kind is not None
    seen = {"fired": 0, "soft": 0}

    @settings(max_examples=10, database=None, suppress_health_check=list(HealthCheck))
    @given(ws=workspaces(ruleset=ruleset, rules=["probe"]))
    def check(ws: Any) -> None:
        for p in triage(ws, ruleset, as_of="2019-03").proposals:
            seen["fired"] += any(r.id == "probe" for r in p.rules)
            facts = facts_of(p)
            value = kind.measure(facts)
            ceiling = kind.ceiling(ruleset)
            if ceiling is not None and isinstance(value, float):
                assert value <= ceiling, f"{name} measured {value} above its ceiling {ceiling}"
            if kind.measure(dataclasses.replace(facts, soft=())) != value:
                assert kind.SOFT, f"soft intelligence changes {name} but it says SOFT = False"
                seen["soft"] += 1
            for indicator in {f.indicator for f in facts.hard}:
                others = tuple(f for f in facts.hard if f.indicator != indicator)
                if kind.measure(dataclasses.replace(facts, hard=others)) != value:
                    assert kind.counts_indicator(ruleset, indicator), (name, indicator)

    check()
    assert seen["fired"], f"no workspace aimed at {name}'s example fired it: see its aim"
    assert bool(seen["soft"]) == kind.SOFT, f"{name} says SOFT = {kind.SOFT}"
