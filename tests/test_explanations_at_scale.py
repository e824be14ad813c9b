"""Explanations at scale quote the same numbers however they are found."""

from __future__ import annotations

import functools

from hypothesis import given
from hypothesis import strategies as st

from qsgrules.api import load_ruleset, load_workspace
from qsgrules.bundled import default_ruleset, demo_workspace
from qsgrules.engine.triage import _quoted_indicators, latest_values, resolve_as_of
from qsgrules.indicators import BY_ID
from qsgrules.reports.render import _python_numbers
from qsgrules.workspace import Workspace


@functools.cache
def _demo() -> Workspace:
    return load_workspace(demo_workspace())


def test_the_default_ruleset_quotes_two_indicators() -> None:
    assert _quoted_indicators(load_ruleset(default_ruleset())) == {
        "ae_4hr_type1",
        "never_events_rate",
    }


@given(st.sets(st.sampled_from(sorted(BY_ID))), st.integers(-30, 0))
def test_latest_values_of_some_indicators_are_those_of_all(wanted: set[str], back: int) -> None:
    ws = _demo()
    month = resolve_as_of(ws, None) + back
    every = latest_values(ws.observations, month)
    assert latest_values(ws.observations, month, wanted) == {
        k: v for k, v in every.items() if k[1] in wanted
    }


def test_only_number_tokens_are_rewritten() -> None:
    data = (
        b'{\n  "a": 0.00001,\n  "b": "ends 0.00001",\n  "c": [\n    1e-7,\n    -2.5e-5\n  ],\n'
        b'  "d": "re-done",\n  "e": 0.0001\n}'
    )
    assert _python_numbers(data) == (
        b'{\n  "a": 1e-05,\n  "b": "ends 0.00001",\n  "c": [\n    1e-07,\n    -2.5e-05\n  ],\n'
        b'  "d": "re-done",\n  "e": 0.0001\n}'
    )
