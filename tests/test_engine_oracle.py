"""durable_rules and the pure-Python oracle agree on every compiled condition."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import find, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from qsgrules.engine.durable_adapter import RuleEngine
from qsgrules.ruleset.conditions import (
    LEAVES,
    Condition,
    Leaf,
    atoms,
    compile_condition,
    evaluate,
    flatten,
)

CONDITION: TypeAdapter[Any] = TypeAdapter(Condition)

INDICATORS = ["ae_4hr_type1", "never_events_rate"]
DOMAINS = ["safety", "experience"]
TYPES = ["acute", "community", "mental_health"]

numbers = st.one_of(st.integers(0, 4), st.sampled_from([0.5, 2.5, 6.0]))
#: The kinds drawn with scopes of their own below; every other kind (a new one) is drawn
#: from its declared example with drawn bounds, so no kind is left out of the comparison.
SCOPED = {"breach", "soft", "organisations", "corroborated", "provider_type", "hard_and_soft"}


@pytest.mark.parametrize("kind", list(LEAVES))
def test_the_oracle_draws_every_kind(kind: str) -> None:
    drawn = find(leaves(), lambda leaf: kind in leaf, settings=settings(database=None))
    assert type(CONDITION.validate_python(drawn)).KIND == kind  # a valid condition of it


def _bounds(draw_min: Any, draw_max: Any) -> dict[str, Any]:
    out = {}
    if draw_min is not None:
        out["min"] = draw_min
    if draw_max is not None:
        out["max"] = draw_max
    if "min" in out and "max" in out and out["min"] > out["max"]:
        out["min"], out["max"] = out["max"], out["min"]
    return out


@st.composite
def leaves(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(list(LEAVES)))
    lo, hi = draw(st.none() | numbers), draw(st.none() | numbers)
    if kind not in SCOPED:
        model = LEAVES[kind]
        (example,) = yaml.safe_load(model.EXAMPLE).values()
        if not (isinstance(example, dict) and issubclass(model, Leaf)):
            return {kind: example}
        bounds = _bounds(lo, hi if model.BOUNDED else None)
        return {kind: {k: v for k, v in example.items() if k not in ("min", "max")} | bounds}
    if kind == "provider_type":
        return {
            "provider_type": draw(
                st.sampled_from(TYPES) | st.lists(st.sampled_from(TYPES), min_size=1, max_size=2)
            )
        }
    if kind == "hard_and_soft":
        return {"hard_and_soft": {"domain": draw(st.sampled_from(DOMAINS))}}
    if kind == "corroborated":
        return {"corroborated": draw(st.sampled_from([{}, {"domain": "safety"}]))}
    body = _bounds(lo, hi)
    scope = draw(st.sampled_from(["none", "domain", "indicator"]))
    if scope == "domain":
        body["domain"] = draw(st.sampled_from(DOMAINS))
    if scope == "indicator" and kind == "breach":
        body["indicator"] = draw(st.sampled_from(INDICATORS))
    if kind == "breach" and draw(st.booleans()):
        body["strength"] = "strong"
    return {kind: body}


conditions = st.recursive(
    leaves(),
    lambda children: st.one_of(
        st.builds(lambda xs: {"all": xs}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda xs: {"any": xs}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda x: {"not": x}, children),
    ),
    max_leaves=8,
)


def naive(raw: dict[str, Any], profile: dict[str, Any]) -> bool:
    """A second, direct reading of a `when`, with no normal form: checks the compiler too."""
    ((key, body),) = raw.items()
    if key == "all":
        return all(naive(x, profile) for x in body)
    if key == "any":
        return any(naive(x, profile) for x in body)
    if key == "not":
        return not naive(body, profile)
    if key == "provider_type":
        return profile["provider_type"] in (body if isinstance(body, list) else [body])
    value = profile[LEAVES[key].model_validate(body).attr]
    if "min" not in body and "max" not in body:
        return bool(value > 0)
    return ("min" not in body or value >= body["min"]) and (
        "max" not in body or value <= body["max"]
    )


def _compile(raw: dict[str, Any]) -> Any:
    return flatten(compile_condition(CONDITION.validate_python(raw)))


@pytest.mark.slow
@given(raw=conditions, data=st.data())
def test_engine_and_oracle_and_naive_reading_agree(
    raw: dict[str, Any], data: st.DataObject
) -> None:
    node = _compile(raw)
    profile: dict[str, Any] = {}
    for atom in atoms(node):
        if atom.attr == "provider_type":
            profile[atom.attr] = data.draw(st.sampled_from(TYPES))
        elif atom.attr not in profile:
            profile[atom.attr] = data.draw(numbers.map(float))
    engine = RuleEngine([("rule", node)])
    fired = [f.rule for f in engine.run("P", [profile])]
    expected = evaluate(node, profile)
    assert fired == (["rule"] if expected else [])
    assert expected == naive(raw, profile)


@pytest.mark.slow
@given(raws=st.lists(conditions, min_size=1, max_size=4), data=st.data())
def test_several_rules_over_several_facts(raws: list[dict[str, Any]], data: st.DataObject) -> None:
    nodes = [_compile(r) for r in raws]
    attrs = sorted({a.attr for n in nodes for a in atoms(n)})
    facts = []
    for _ in range(data.draw(st.integers(1, 3))):
        facts.append(
            {
                a: (
                    data.draw(st.sampled_from(TYPES))
                    if a == "provider_type"
                    else float(data.draw(numbers))
                )
                for a in attrs
            }
        )
    engine = RuleEngine([(f"r{i}", n) for i, n in enumerate(nodes)])
    got = sorted((f.fact, f.rule) for f in engine.run("P", facts))
    want = sorted(
        (i, f"r{j}")
        for i, fact in enumerate(facts)
        for j, n in enumerate(nodes)
        if evaluate(n, fact)
    )
    assert got == want
