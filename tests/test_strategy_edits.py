"""The common edits of a workspace are one call each, and an in-memory workspace checks its
items' sources against its members as the loader does."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings

from qsgrules.engine.triage import triage
from qsgrules.model.months import month_number
from qsgrules.model.vocabulary import ProviderType
from qsgrules.strategies import (
    Row,
    cut_at,
    replacing_items,
    replacing_rows,
    resolve_ruleset,
    with_items,
    with_members,
    with_rows,
    without_items,
    without_provider,
    workspaces,
)
from qsgrules.strategies._build import rows_of, workspace
from qsgrules.workspace import Member, Provider, SoftItem, Workspace
from qsgrules.workspace.members import national_members

_MARCH = month_number("2019-03")
assert _MARCH is not None
T: int = _MARCH


def _item(item_id: str, source: str = "CQC", **more: object) -> SoftItem:
    data = {
        "id": item_id,
        "provider": "RXA",
        "source": source,
        "received": dt.date(2019, 3, 1),
        "domain": "safety",
        "severity": "high",
        "grading": "A1",
        "summary": "Staff report delays.",
        **more,
    }
    return SoftItem.model_validate(data, strict=False)


def _ws() -> Workspace:
    providers = [Provider(code=c, name=c, type=ProviderType.ACUTE, qsg="Q") for c in ("RXA", "RXB")]
    rows = [Row(c, "never_events_rate", T - k, 0.0) for c in ("RXA", "RXB") for k in range(3)]
    items = [_item("SI-1"), _item("SI-2", "HEE", corroborates="SI-1")]
    return workspace(providers, rows, items, national_members())


def test_an_undeclared_source_is_refused_in_memory_as_on_disk() -> None:
    office = "Northshire Local Office"
    with pytest.raises(ValueError, match="source 'Northshire Local Office' is not a member"):
        with_items(_ws(), _item("SI-3", office))
    declared = with_members(_ws(), Member(office, "commissioner", office))
    assert with_items(declared, _item("SI-3", office)).intelligence[-1].source == office
    with pytest.raises(ValueError, match="already there"):
        with_members(declared, Member(office, "commissioner", office))


def test_items_are_removed_and_replaced_by_id() -> None:
    ws = _ws()
    fewer = without_items(ws, "SI-1")
    assert [i.id for i in fewer.intelligence] == ["SI-2"]
    assert fewer.intelligence[0].corroborates is None  # its link went with it
    higher = replacing_items(ws, _item("SI-1", severity="critical"))
    assert [str(i.severity) for i in higher.intelligence] == ["critical", "high"]
    with pytest.raises(ValueError, match="no item with id 'SI-9'"):
        without_items(ws, "SI-9")


def test_a_provider_goes_with_its_rows_and_items() -> None:
    ws = without_provider(_ws(), "RXA")
    assert list(ws.providers) == ["RXB"]
    assert {r.provider for r in rows_of(ws.observations)} == {"RXB"}
    assert ws.intelligence == ()


def test_rows_are_added_and_replaced_and_a_workspace_cut_at_a_month() -> None:
    ws = with_rows(_ws(), Row("RXA", "infections_rate", T, 0.7))
    assert len(ws.observations) == 7
    with pytest.raises(ValueError, match="use replacing_rows"):
        with_rows(ws, Row("RXA", "infections_rate", T, 0.9))
    worse = replacing_rows(ws, Row("RXA", "never_events_rate", T, 0.2))
    assert [
        r.value for r in rows_of(worse.observations) if r.period == T and r.provider == "RXA"
    ] == [
        0.2,
        0.7,
    ]
    earlier = cut_at(worse, "2019-02")
    assert max(r.period for r in rows_of(earlier.observations)) == T - 1
    assert earlier.intelligence == ()  # both received 2019-03-01: after February
    assert len(cut_at(worse, "2019-03").intelligence) == 2


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(ws=workspaces(max_providers=3, max_items=2))
def test_a_removed_provider_is_not_proposed(
    ws: Workspace,
) -> None:
    code = sorted(ws.providers)[-1]
    fewer = without_provider(ws, code)
    assert code not in fewer.providers
    proposals = triage(fewer, resolve_ruleset(None), as_of="2019-03").proposals
    assert code not in {p.provider for p in proposals}


def test_the_reference_table_lists_every_public_call_with_its_signature() -> None:
    from qsgrules import strategies
    from qsgrules.strategies.reference import reference_markdown

    table = reference_markdown()
    for name in strategies.__all__:
        assert f"| `{name}" in table, name
    assert "| `workspaces(*, ruleset: CompiledRuleset \\| str \\| Path \\| None = None," in table
    assert "evidence: Literal['any', 'light', 'heavy'] = 'any'" in table
