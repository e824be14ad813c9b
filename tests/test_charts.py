"""Charts (qsgrules.reports.charts): what is drawn is what the proposal computed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from typing import Any

import numpy as np
import pytest
from chartcheck import assert_funnel_matches, assert_xmr_matches

from qsgrules.api import run_triage
from qsgrules.bundled import default_ruleset, demo_workspace
from qsgrules.evidence.series import indicator_charts, provider_charts
from qsgrules.model.months import month_number
from qsgrules.model.series import FunnelSection, XmrSeries
from qsgrules.model.vocabulary import ProviderType
from qsgrules.reports.charts import (
    MDC_COLOURS,
    chart_data,
    funnel_chart,
    funnel_summary,
    month_name,
    xmr_chart,
    xmr_summary,
)
from qsgrules.ruleset import load_ruleset
from qsgrules.workspace import Observations, Provider, Workspace, load_workspace

RULESET = load_ruleset(default_ruleset())
DEMO = load_workspace(demo_workspace())
AS_OF = "2019-03"
MONTH = month_number(AS_OF) or 0


def _read_xmr(svg: str) -> XmrSeries:
    data = chart_data(svg)
    assert data.pop("chart") == "xmr"
    data.pop("drawn")  # the lines as drawn, inside the indicator's possible values
    return XmrSeries.model_validate_json(json.dumps(data))


def _read_funnel(svg: str) -> dict[str, Any]:
    data = chart_data(svg)
    assert data.pop("chart") == "funnel"
    return data


@pytest.mark.slow
def test_every_demo_chart_reads_back_the_proposals_numbers() -> None:
    result = run_triage(DEMO, RULESET, as_of=AS_OF)
    wanted = [(p.provider, h.indicator) for p in result.proposals for h in p.evidence.hard]
    charts = provider_charts(DEMO, RULESET.spec, MONTH, wanted)
    seen = Counter[str]()
    for p in result.proposals:
        for h in p.evidence.hard:
            c = charts[(p.provider, h.indicator)]
            if h.test == "trend":
                assert c.xmr is not None and h.spc is not None
                back = _read_xmr(xmr_chart(c.xmr, chart_id="t").svg)
                assert back == c.xmr
                test = RULESET.spec.indicators[h.indicator].trend
                assert test is not None
                assert_xmr_matches(back, h.spc, tuple(test.signals))
            elif h.test == "peer":
                assert c.funnel is not None and h.funnel is not None
                data = _read_funnel(funnel_chart(c.funnel, chart_id="f").svg)
                # the curves are drawn, not repeated in the data; everything else is there
                full = c.funnel.model_dump(mode="json")
                assert all(full[k] == v for k, v in data.items())
                funnel_back = FunnelSection.model_validate_json(
                    json.dumps({**full, **data}, sort_keys=True)
                )
                assert_funnel_matches(funnel_back, h.funnel, p.provider)
            seen[h.test] += 1
    assert seen["trend"] >= 5 and seen["peer"] >= 2


def _uses(svg: str, gid: str) -> int:
    """How many markers were drawn in the group with this id."""
    m = re.search(rf'<g id="{re.escape(gid)}">(.*?)</g>\s*</g>', svg, re.S)
    return 0 if m is None else m.group(1).count("<use ")


def test_the_drawn_markers_are_the_series_point_types() -> None:
    c = indicator_charts(DEMO, RULESET.spec, MONTH, "RJ6", "ae_4hr_type1").xmr
    assert c is not None
    svg = xmr_chart(c, chart_id="c7").svg
    drawn = {
        kind: sum(
            _uses(svg, f"c7-points-{kind}-{shape}")
            for shape in ("circle", "up", "down", "square", "diamond")
        )
        for kind in MDC_COLOURS
    }
    assert drawn == {kind: c.point_types.count(kind) for kind in MDC_COLOURS}
    assert drawn["special_cause_concern"] > 0 and drawn["special_cause_improvement"] > 0
    # the MDC colours are used for them, and concern and improvement differ in shape too
    assert MDC_COLOURS["special_cause_concern"] in svg
    assert MDC_COLOURS["special_cause_improvement"] in svg
    assert _uses(svg, "c7-points-special_cause_improvement-square") > 0
    assert _uses(svg, "c7-points-special_cause_concern-up") > 0


def test_svg_ids_are_prefixed_and_every_reference_resolves() -> None:
    charts = indicator_charts(DEMO, RULESET.spec, MONTH, "RJ6", "ae_4hr_type1")
    assert charts.xmr is not None and charts.funnel is not None
    for chart in (
        xmr_chart(charts.xmr, chart_id="a1"),
        funnel_chart(charts.funnel, chart_id="b2"),
    ):
        ids = re.findall(r' id="([^"]+)"', chart.svg)
        assert ids and all(i == chart.chart_id or i.startswith(f"{chart.chart_id}-") for i in ids)
        assert len(ids) == len(set(ids))
        refs = re.findall(r'(?:url\(#|href="#)([^")]+)', chart.svg)
        assert refs and set(refs) <= set(ids)
        assert chart.svg.startswith(f'<svg id="{chart.chart_id}" class="chart" role="img"')
        assert "<?xml" not in chart.svg and "DOCTYPE" not in chart.svg
        assert f'<title id="{chart.chart_id}-title">' in chart.svg


def test_charts_are_deterministic() -> None:
    c = indicator_charts(DEMO, RULESET.spec, MONTH, "RJ2", "ae_4hr_type1").xmr
    assert c is not None
    assert xmr_chart(c, chart_id="x").svg == xmr_chart(c, chart_id="x").svg


def test_month_names() -> None:
    assert month_name("2019-03") == "March 2019"
    assert month_name("2016-12") == "December 2016"


def _one_series(values: list[float], *, code: str = "RX1", end: str = "2019-03") -> XmrSeries:
    last = month_number(end) or 0
    n = len(values)
    obs = Observations.from_columns(
        np.array([code] * n, dtype=np.str_),
        np.array(["ae_4hr_type1"] * n, dtype=np.str_),
        np.arange(last - n + 1, last + 1, dtype=np.int64),
        np.array(values, dtype=np.float64),
        np.full(n, np.nan),
        np.full(n, np.nan),
    )
    ws = Workspace(
        "<t>", {code: Provider(code=code, name="T", type=ProviderType.ACUTE, qsg="Q")}, obs, ()
    )
    series = indicator_charts(ws, RULESET.spec, last, code, "ae_4hr_type1").xmr
    assert series is not None
    return series


def test_alt_text_counts_months_above_the_mean_and_names_points_beyond_the_limits() -> None:
    # the NHSRplotthedots test vector, unscreened limits -3.06 / 6.95 would flag point 5;
    # the ruleset screens moving ranges, which keeps it outside too
    values = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    s = _one_series([float(v) for v in values], end="2019-03")
    text = xmr_summary(s)
    assert s.periods[4] == "2018-02"
    assert "February 2018 above the upper process limit" in text
    assert f"{sum(v > s.mean for v in values)} of 18 months above the mean" in text
    assert "Whole series, 18 months from October 2017 to March 2019" in text
    assert "Judged window, January 2019 to March 2019" in text
    assert "Standard 5.0%: the process will consistently meet it" in text


def test_alt_text_of_a_common_cause_series_says_so() -> None:
    rnorm = [
        -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499,
        0.46091621, -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383,
        0.40077145, 0.11068272, -0.55584113, 1.78691314, 0.49785048, -1.96661716,
        0.70135590, -0.47279141,
    ]  # fmt: skip
    s = _one_series([10 + v for v in rnorm])
    assert set(s.point_types) == {"common_cause"}
    assert "common cause variation only" in xmr_summary(s)


def test_funnel_alt_text_names_the_provider_and_its_limit() -> None:
    c = indicator_charts(DEMO, RULESET.spec, MONTH, "RJ6", "ae_4hr_type1").funnel
    assert c is not None
    text = funnel_summary(c)
    assert text.startswith("18 acute providers in March 2019: RJ6 39.9% (2,972 of 7,456) is")
    assert "above the 95% limit (37.8%) but within the 99.8% limit" in text
    assert "adjusted for over-dispersion" in text


def test_names_are_drawn_as_text_never_as_mathematics_or_markup() -> None:
    c = indicator_charts(DEMO, RULESET.spec, MONTH, "RJ6", "ae_4hr_type1").funnel
    assert c is not None
    odd = "$R_x$ <b>&"
    peers = tuple(
        p.model_copy(update={"provider": odd}) if p.provider == "RJ6" else p for p in c.peers
    )
    svg = funnel_chart(c.model_copy(update={"provider": odd, "peers": peers}), chart_id="d").svg
    assert ">$R_x$ &lt;b&gt;&amp;</text>" in svg
    assert "<b>" not in svg
    assert chart_data(svg)["provider"] == odd


def test_importing_the_cli_does_not_import_the_charts_matplotlib_jinja2_or_flask() -> None:
    # `qsg --help` and `qsg triage` start without the pack's and the live page's libraries
    code = (
        "import sys, qsgrules.cli.main, qsgrules.api; "
        "print(sorted(m for m in ('matplotlib', 'jinja2', 'qsgrules.reports.charts', 'flask', "
        "'werkzeug', 'qsgrules.web') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("code", ["RJ6", "RAS"])
def test_the_highlighted_provider_is_drawn_once_among_its_peers(code: str) -> None:
    c = indicator_charts(DEMO, RULESET.spec, MONTH, code, "ae_4hr_type1").funnel
    assert c is not None
    svg = funnel_chart(c, chart_id="f").svg
    assert _uses(svg, "f-provider") == 1
    # each peer its own group (named and focusable), one marker each
    peers = re.findall(r'<g id="f-peer-\d+" class="peer" tabindex="0">.*?</g>\s*</g>', svg, re.S)
    assert len(peers) == len(c.peers) - 1
    assert [p.count("<use ") for p in peers] == [1] * len(peers)
