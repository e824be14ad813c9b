"""Strategies that show their data: a failing property over ``workspaces()`` prints the
workspace's indicator rows and items, not ``<Observations object at 0x...>``."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from qsgrules.model.months import month_number
from qsgrules.model.vocabulary import ProviderType
from qsgrules.strategies import workspaces
from qsgrules.strategies._build import Row, workspace
from qsgrules.workspace import Provider, SoftItem, Workspace
from qsgrules.workspace.members import national_members

SERIES = re.compile(r"^\s+R[A-Z]{2} [a-z0-9_]+ \d{4}-\d{2}\.\.\d{4}-\d{2}: \S", re.MULTILINE)


def test_a_falsifying_example_over_workspaces_prints_its_indicator_rows() -> None:
    @settings(
        max_examples=10,
        database=None,
        derandomize=True,
        deadline=None,
        phases=(Phase.generate,),
        suppress_health_check=list(HealthCheck),
    )
    @given(ws=workspaces(max_providers=1, max_items=1))
    def no_rows(ws: Workspace) -> None:
        assert len(ws.observations) == 0

    with pytest.raises(AssertionError) as failed:
        no_rows()
    shown = "\n".join(getattr(failed.value, "__notes__", []))
    assert "no_rows(" in shown and "ws=Workspace(" in shown  # the example, as Hypothesis says it
    assert SERIES.search(shown), shown
    assert "object at 0x" not in shown
    assert "intelligence:" in shown and "providers: RAA (" in shown


def test_the_repr_shows_every_row_and_item() -> None:
    t = month_number("2019-01")
    assert t is not None
    rows = [
        Row("RXA", "ae_4hr_type1", t, 3.0),
        Row("RXA", "ae_4hr_type1", t + 2, 25.0),
        Row("RXA", "infections_rate", t + 2, 0.75, 3.0, 4000.0),
    ]
    item = SoftItem.model_validate(
        {
            "id": "SI-1",
            "provider": "RXA",
            "source": "CQC",
            "received": "2019-03-02",
            "domain": "safety",
            "severity": "high",
            "grading": "B2",
            "summary": "Staff report delays.",
            "category": "staffing",
        },
        strict=False,
    )
    provider = Provider(code="RXA", name="X", type=ProviderType.ACUTE, qsg="Q")
    text = repr(workspace([provider], rows, [item], national_members()))
    assert "RXA ae_4hr_type1 2019-01..2019-03: 3 - 25" in text  # a month without a row: -
    assert "RXA infections_rate 2019-03..2019-03: 3/4000" in text
    assert "SI-1 RXA from CQC received 2019-03-02: safety high B2 (category staffing)" in text
    assert "3 rows:" in text and "providers: RXA (acute)" in text
