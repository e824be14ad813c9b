"""The engine is fed only values it accepts, for rulesets of any legal size.

durable_rules' parser refuses numbers such as ``1e-05`` and ``1e+16`` (as ``json.dumps``
writes them); its rule network overflows past a few hundred comparisons in one ruleset.
These tests pin both against the raw engine and show that qsgrules is not affected.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import warnings
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from qsgrules.api import run_triage
from qsgrules.bundled import default_ruleset, demo_workspace
from qsgrules.cli.main import cli
from qsgrules.engine import durable_adapter as adapter
from qsgrules.engine.durable_adapter import RuleEngine
from qsgrules.errors import InputError
from qsgrules.model.vocabulary import Domain, Severity
from qsgrules.ruleset import parse_ruleset
from qsgrules.ruleset.conditions import (
    LARGEST,
    MAX_ATOMS_PER_RULE,
    AllOf,
    AnyOf,
    Atom,
    Node,
    Soft,
    engine_number,
    evaluate,
)

SOFT = Soft()


def _raw_host() -> adapter._SyncHost:
    rule = {"all": [{"m": {"$gte": {"x": 5}}}], "run": lambda c: None}
    other = {"all": [{"m": {"t": "p"}}], "run": lambda c: None}
    return adapter._SyncHost({"raw_values": {"r": rule, "s": other}})


@pytest.mark.parametrize("value", [1e-05, 1e16])
def test_raw_durable_refuses_numbers_written_with_a_bare_exponent(value: float) -> None:
    with pytest.raises(Exception, match="204"):
        _raw_host().assert_fact("raw_values", {"sid": "s", "id": "1", "t": "p", "x": value})


# numbers across every scale a legal input can reach: decayed weights to 1e-300, counts to 1e15
extreme = st.one_of(
    st.floats(0, 1e-3),
    st.floats(1e-300, 1e-290),
    st.floats(0, 1e15),
    st.integers(0, 10**15).map(float),
    st.sampled_from([0.0, 1e-5, 1e-6, 5e-7, 1e16, 1e300, 123456789012345.5]),
)
threshold = st.one_of(
    st.integers(0, 10**6).map(lambda n: n / 1e6),
    st.integers(0, 10**11).map(float),
)


@given(
    values=st.lists(extreme, min_size=3, max_size=3),
    limits=st.lists(threshold, min_size=3, max_size=3),
)
def test_the_engine_takes_extreme_values_and_agrees_with_the_oracle(
    values: list[float], limits: list[float]
) -> None:
    rules: list[tuple[str, Node]] = [
        ("ge", Atom("a", ">=", limits[0], "a", SOFT)),
        ("le", Atom("b", "<=", limits[1], "b", SOFT)),
        (
            "both",
            AllOf((Atom("a", ">", limits[2], "a", SOFT), Atom("c", "<", limits[0], "c", SOFT))),
        ),
    ]
    engine = RuleEngine(rules)
    profile = dict(zip("abc", values, strict=True))
    fired = {f.rule for f in engine.run("P", [profile])}
    assert fired == {rule_id for rule_id, node in rules if evaluate(node, profile)}


def test_engine_numbers_are_whole_millionths_clamped_to_the_comparable_range() -> None:
    assert engine_number(1e-05) == 10
    assert engine_number(1e-300) == 0
    assert engine_number(2.5) == 2_500_000
    assert engine_number(1e300) == engine_number(float(LARGEST)) == LARGEST * 1_000_000
    assert engine_number(float("inf")) == LARGEST * 1_000_000
    with pytest.raises(ValueError):
        engine_number(float("nan"))


def test_session_ids_never_reach_the_engine_as_the_user_wrote_them() -> None:
    engine = RuleEngine([("r", Atom("x", ">=", 1.0, "x", SOFT))])
    odd = 'R"1\\\n\u00e9\u2603' + "x" * 300
    assert [f.rule for f in engine.run(odd, [{"x": 2.0}])] == ["r"]


def _ruleset_with(n: int) -> str:
    base = yaml.safe_load(default_ruleset().read_text())
    domains = ["safety", "effectiveness", "experience", "well_led"]
    rules = []
    for i in range(n):
        d = domains[i % 4]
        when = [
            {"soft": {"min": i / 10}},
            {
                "all": [
                    {"soft": {"domain": d, "min": i / 100}},
                    {"organisations": {"min": 1 + i % 3}},
                ]
            },
            {"breach": {"domain": d, "min": 1 + i % 2}},
            {"any": [{"corroborated": {"domain": d}}, {"soft": {"min": i}}]},
        ][i % 4]
        level = ["risk_summit", "regular_review", "further_information"][i % 3]
        rules.append(
            {"id": f"r{i}", "level": level, "description": "x", "because": "y", "when": when}
        )
    base["rules"] = rules
    return yaml.safe_dump(base)


@pytest.mark.slow
def test_a_ruleset_of_5000_rules_triages_and_agrees_with_the_oracle() -> None:
    # 1,000 such rules overflowed durable_rules' network (error 303) or hung inside it
    compiled = parse_ruleset(_ruleset_with(5000), "big.yaml")
    result = run_triage(ruleset=compiled, providers=["RJ6", "RQX"])
    by_code = {p.provider: p for p in result.proposals}
    assert by_code["RJ6"].level.value == "risk_summit"
    from qsgrules.engine.triage import engine_for

    assert len(engine_for(compiled)._chunks) > 100
    for p in result.proposals:
        assert len(p.rules) > 0


def test_a_rule_too_large_for_the_engine_is_a_located_error() -> None:
    base = yaml.safe_load(default_ruleset().read_text())
    big = {"all": [{"soft": {"min": i}} for i in range(MAX_ATOMS_PER_RULE + 1)]}
    base["rules"] = [
        {"id": "big", "level": "risk_summit", "description": "x", "because": "y", "when": big}
    ]
    with pytest.raises(InputError) as info:
        parse_ruleset(yaml.safe_dump(base, sort_keys=False), "big.yaml")
    (problem,) = info.value.problems
    assert problem.file == "big.yaml" and problem.line > 1
    assert f"{MAX_ATOMS_PER_RULE + 1} comparisons (at most {MAX_ATOMS_PER_RULE})" in problem.message


def test_too_many_nested_groups_is_a_located_error() -> None:
    base = yaml.safe_load(default_ruleset().read_text())
    nested = {"all": [{"any": [{"soft": {"min": i}}, {"breach": {"min": i}}]} for i in range(15)]}
    base["rules"] = [
        {"id": "deep", "level": "risk_summit", "description": "x", "because": "y", "when": nested}
    ]
    with pytest.raises(InputError, match="16 all/any groups"):
        parse_ruleset(yaml.safe_dump(base, sort_keys=False), "deep.yaml")


def test_nested_groups_of_the_same_kind_are_merged_before_counting() -> None:
    nested = AllOf(
        (
            AllOf((Atom("a", ">=", 1.0, "a", SOFT),)),
            AnyOf((AnyOf((Atom("b", ">=", 1.0, "b", SOFT),)),)),
        )
    )
    from qsgrules.ruleset.conditions import flatten, groups

    flat = flatten(nested)
    assert isinstance(flat, AllOf) and len(flat.parts) == 2
    assert groups(flat) == 2


@pytest.mark.parametrize(
    ("threshold_value", "message"),
    [(0.1234567, "more than 6 decimal places"), (1e13, "too large")],
)
def test_thresholds_the_engine_cannot_compare_exactly_are_refused(
    threshold_value: float, message: str
) -> None:
    base = yaml.safe_load(default_ruleset().read_text())
    base["rules"][0]["when"] = {"soft": {"min": threshold_value}}
    with pytest.raises(InputError, match=message):
        parse_ruleset(yaml.safe_dump(base, sort_keys=False), "t.yaml")


def _demo_copy(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(demo_workspace(), ws)
    return ws


def test_an_item_received_long_ago_decays_to_a_tiny_weight_and_triage_still_runs(
    tmp_path: Path,
) -> None:
    # an April 2010 item weighs about 1e-05 as of 2019: the engine refused that number
    ws = _demo_copy(tmp_path)
    with (ws / "intelligence.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "\n- id: SI-OLD\n  provider: RAL\n  source: CQC\n  received: 2010-04-01\n"
            "  domain: safety\n  severity: low\n  grading: A1\n"
            "  summary: An old concern about staffing levels on one ward.\n"
        )
    result = CliRunner().invoke(cli, ["triage", "--workspace", str(ws), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"id": "SI-OLD"' in result.stdout


@pytest.mark.parametrize("as_of", ["2030-01", "2100-12"])
def test_a_future_as_of_month_triages(as_of: str) -> None:
    result = CliRunner().invoke(cli, ["triage", "--as-of", as_of])
    assert result.exit_code == 0, result.output


def test_an_as_of_month_past_2100_is_bad_input() -> None:
    result = CliRunner().invoke(cli, ["triage", "--as-of", "9999-12"])
    assert result.exit_code == 2
    assert result.stderr.startswith("--as-of: bad month '9999-12'; write YYYY-MM, from 1948-01")


def test_engine_runs_raise_no_warning_and_leave_the_global_filters_alone() -> None:
    before = list(warnings.filters)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        RuleEngine([("r", Atom("x", ">=", 1.0, "x", SOFT))]).run("P", [{"x": 2.0}])
    assert [str(w.message) for w in caught] == []
    assert warnings.filters == before


@pytest.mark.skipif(sys.version_info < (3, 12), reason="the warning exists from Python 3.12")
def test_raw_durable_warns_on_python_312() -> None:
    from durable import engine as durable_engine

    with pytest.warns(DeprecationWarning, match="utcfromtimestamp"):
        durable_engine._unix_now()


def test_received_dates_from_1900_to_2100_weigh_without_error() -> None:
    from qsgrules.evidence.soft import weigh
    from qsgrules.ruleset import load_ruleset
    from qsgrules.workspace import SoftItem

    settings = load_ruleset(default_ruleset()).spec.soft
    for year in (1900, 2000, 2100):
        item = SoftItem(
            id="x",
            provider="P",
            source="CQC",
            received=dt.date(year, 1, 1),
            domain=Domain.SAFETY,
            severity=Severity.HIGH,
            grading="A1",
            summary="s",
        )
        finding = weigh(item, settings, dt.date(2100, 12, 31))
        assert 0 <= finding.weight <= 5
