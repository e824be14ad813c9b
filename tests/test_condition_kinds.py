"""Condition kinds register themselves: each is one class declaring its metadata, meaning,
analysis facts and strategy aim, and the union, lookups, analysis, generator and reference
are built from them. Leaving a declaration out fails here (and at import), never silently:
a kind without an analysis once made `qsg check` warn falsely, one without an aim made
`qsg verify` report its rules as never firing, with every related test still green."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
import yaml
from pydantic import TypeAdapter

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
