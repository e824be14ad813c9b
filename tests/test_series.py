"""The whole charts behind findings (qsgrules.evidence.series) say what the findings say.

The pack draws these series; they must carry the same limits and the same flagged points as
the trend and peer findings of the proposal, on the demo and on generated workspaces.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from chartcheck import assert_funnel_matches, assert_xmr_matches
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qsgrules.api import run_triage
from qsgrules.bundled import default_ruleset, demo_workspace
from qsgrules.evidence.peer import peer_breaches
from qsgrules.evidence.series import indicator_charts, provider_charts
from qsgrules.evidence.trend import trend_breaches
from qsgrules.model.evidence import HardFinding
from qsgrules.model.months import month_number
from qsgrules.model.vocabulary import ProviderType
from qsgrules.ruleset import load_ruleset
from qsgrules.workspace import Observations, Provider, Workspace, load_workspace

RULESET = load_ruleset(default_ruleset())
DEMO = load_workspace(demo_workspace())
AS_OF = "2019-03"


def _findings(result: Any) -> list[tuple[str, HardFinding]]:
    return [(p.provider, h) for p in result.proposals for h in p.evidence.hard]


def test_every_demo_trend_and_peer_finding_is_charted_with_its_numbers() -> None:
    result = run_triage(DEMO, RULESET, as_of=AS_OF)
    month = month_number(AS_OF)
    assert month is not None
    checked = {"trend": 0, "peer": 0}
    for provider, h in _findings(result):
        if h.test == "standard":
            continue
        charts = indicator_charts(DEMO, RULESET.spec, month, provider, h.indicator)
        if h.test == "trend":
            assert charts.xmr is not None and h.spc is not None
            assert charts.xmr.tested
            test = RULESET.spec.indicators[h.indicator].trend
            assert test is not None
            assert_xmr_matches(charts.xmr, h.spc, tuple(test.signals))
        else:
            assert charts.funnel is not None and h.funnel is not None
            assert_funnel_matches(charts.funnel, h.funnel, provider)
        checked[h.test] += 1
    assert checked["trend"] >= 5 and checked["peer"] >= 2, checked


def test_the_whole_series_runs_to_the_as_of_month_and_shades_the_judged_window() -> None:
    charts = indicator_charts(
        DEMO, RULESET.spec, month_number("2018-06") or 0, "RJ6", "ae_4hr_type1"
    )
    x = charts.xmr
    assert x is not None
    assert (x.periods[0], x.periods[-1]) == ("2016-04", "2018-06")
    assert (x.window_start, x.window_end) == ("2018-04", "2018-06")  # trend months: 3
    assert x.target == 5  # the fixed standard
    assert x.direction == "above"
    assert x.variation == x.point_types[-1]


def test_an_indicator_without_a_trend_test_is_drawn_for_reading_only() -> None:
    charts = indicator_charts(
        DEMO, RULESET.spec, month_number(AS_OF) or 0, "RJ6", "sickness_absence"
    )
    assert charts.xmr is not None and not charts.xmr.tested
    assert charts.funnel is None  # no peer test for it
    std = RULESET.spec.indicators["sickness_absence"].standard
    assert std is not None
    assert charts.xmr.target == std.limit
    assert charts.xmr.window_start == "2019-01"  # the standard's three months


def test_an_unknown_indicator_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown indicator"):
        provider_charts(DEMO, RULESET.spec, 0, [("RJ6", "no_such_thing")])


def test_a_provider_with_no_data_gets_no_chart() -> None:
    charts = indicator_charts(DEMO, RULESET.spec, month_number(AS_OF) or 0, "NOPE", "ae_4hr_type1")
    assert charts.xmr is None and charts.funnel is None


# ----------------------------------------------------------------------------- generated


@st.composite
def ae_workspaces(draw: st.DrawFn) -> Workspace:
    """Acute providers with A&E counts of varying lengths (so the trend test batches some
    series together and not others) and shifts that make signals likely."""
    n = draw(st.integers(5, 9))
    last = month_number(AS_OF) or 0
    rows: dict[str, list[Any]] = {k: [] for k in ("p", "t", "v", "num", "den")}
    providers = {}
    for i in range(n):
        code = f"RX{i}"
        providers[code] = Provider(
            code=code, name=f"Trust {i}", type=ProviderType.ACUTE, qsg="Test"
        )
        length = draw(st.sampled_from([12, 14, 14, 20, 24]))
        base = draw(st.floats(0.05, 0.4))
        shift = draw(st.sampled_from([0.0, 0.0, 0.08, -0.04]))
        for t in range(last - length + 1, last + 1):
            p = base + (shift if t > last - 4 else 0.0) + draw(st.floats(-0.03, 0.03))
            den = float(draw(st.integers(2000, 20000)))
            num = float(round(min(max(p, 0.0), 1.0) * den))
            rows["p"].append(code)
            rows["t"].append(t)
            rows["num"].append(num)
            rows["den"].append(den)
            rows["v"].append(100 * num / den)
    obs = Observations.from_columns(
        np.array(rows["p"], dtype=np.str_),
        np.array(["ae_4hr_type1"] * len(rows["p"]), dtype=np.str_),
        np.array(rows["t"], dtype=np.int64),
        np.array(rows["v"], dtype=np.float64),
        np.array(rows["num"], dtype=np.float64),
        np.array(rows["den"], dtype=np.float64),
    )
    return Workspace("<generated>", providers, obs, ())


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=40)
@given(ws=ae_workspaces())
def test_generated_findings_are_charted_with_their_numbers(ws: Workspace) -> None:
    month = month_number(AS_OF) or 0
    spec = RULESET.spec
    found = {
        (code, f.test): f
        for source in (
            trend_breaches(ws.observations, spec, month),
            peer_breaches(ws.observations, spec, month, ws.providers),
        )
        for code, findings in source.items()
        for f in findings
    }
    charts = provider_charts(ws, spec, month, [(c, "ae_4hr_type1") for c in ws.providers])
    test = spec.indicators["ae_4hr_type1"].trend
    assert test is not None
    for (code, kind), f in found.items():
        c = charts[(code, "ae_4hr_type1")]
        if kind == "trend":
            assert c.xmr is not None and f.spc is not None
            assert_xmr_matches(c.xmr, f.spc, tuple(test.signals))
        else:
            assert c.funnel is not None and f.funnel is not None
            assert_funnel_matches(c.funnel, f.funnel, code)
    # and no chart shows a counted signal of concern in the window the test did not find
    for code in ws.providers:
        x = charts[(code, "ae_4hr_type1")].xmr
        assert x is not None
        window = [
            (ptype, cause)
            for period, ptype, cause in zip(x.periods, x.point_types, x.special_causes, strict=True)
            if x.window_start <= period <= x.window_end
        ]
        flagged = any(p == "special_cause_concern" for p, _ in window)
        # a chart whose baseline is too short is drawn for reading, never tested
        assert (flagged and x.tested) == ((code, "trend") in found)
