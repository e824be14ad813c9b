"""The cusum test: CUSUM alerts as hard findings, in rules, explained and charted (issue 20,
item 2; docs/methods.md section 7)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qsgrules.api import check_ruleset, meeting_pack
from qsgrules.bundled import default_ruleset
from qsgrules.engine.triage import triage
from qsgrules.errors import InputError
from qsgrules.evidence.cusum import cusum_runs
from qsgrules.evidence.cusum_findings import cusum_breaches
from qsgrules.evidence.series import charts_agree, indicator_charts
from qsgrules.model.months import month_number
from qsgrules.model.proposal import Proposal
from qsgrules.model.vocabulary import ProviderType
from qsgrules.reports.cusum_chart import cusum_chart, cusum_summary
from qsgrules.ruleset import load_ruleset
from qsgrules.ruleset.schema import CusumTest, Ruleset
from qsgrules.scenarios.load import load_scenarios
from qsgrules.workspace import Observations, Provider, Workspace

ROOT = Path(__file__).parents[1]
RULESET = load_ruleset(default_ruleset())
AS_OF = month_number("2019-03") or 0
EXPECTED = [20.4, 19.8, 21.1, 22.0, 20.6, 19.5, 18.9, 20.2, 21.4, 20.8, 19.7, 20.1, 21.0, 22.3]
EXPECTED += [20.5, 19.9, 21.2, 20.6]
IN_CONTROL = [19, 22, 18, 21, 20, 23, 17, 20, 21, 19, 22, 20, 18, 21, 20, 19, 22, 21]
DOUBLED = IN_CONTROL[:14] + [2 * o for o in IN_CONTROL[14:]]


def _workspace(
    series: dict[str, tuple[list[float], list[float]]], indicator: str = "amenable_deaths"
) -> Workspace:
    """One series of counts per provider (numerators, denominators), ending 2019-03."""
    cols: list[list[object]] = [[], [], [], [], [], []]
    for code, (num, den) in series.items():
        n = len(num)
        for k in range(n):
            cols[0].append(code)
            cols[1].append(indicator)
            cols[2].append(AS_OF - n + 1 + k)
            scale = 1000.0 if indicator == "elective_deaths_30d" else 1.0
            cols[3].append(scale * num[k] / den[k])
            cols[4].append(num[k])
            cols[5].append(den[k])
    obs = Observations.from_columns(
        np.array(cols[0], dtype=np.str_),
        np.array(cols[1], dtype=np.str_),
        np.array(cols[2], dtype=np.int64),
        np.array(cols[3], dtype=np.float64),
        np.array(cols[4], dtype=np.float64),
        np.array(cols[5], dtype=np.float64),
    )
    providers = {
        c: Provider(code=c, name=f"{c} Trust", type=ProviderType.ACUTE, qsg="Q") for c in series
    }
    return Workspace("<t>", providers, obs, ())


def _spec(**cusum: object) -> Ruleset:
    data = RULESET.spec.model_dump()
    data["indicators"]["amenable_deaths"]["cusum"] = {
        **data["indicators"]["amenable_deaths"]["cusum"],
        **cusum,
    }
    return Ruleset.model_validate(data)


# --------------------------------------------------------------------------- the default rule


def _scenario(name: str) -> tuple[str, Proposal]:
    found = [
        s
        for s in load_scenarios(ROOT / "rulesets" / "scenarios" / "scenario_mortality.yaml")
        if s.name.startswith(name)
    ]
    assert len(found) == 1
    s = found[0]
    proposal = triage(s.workspace, s.ruleset, as_of=s.as_of).proposals[0]
    return s.name, proposal


def test_the_mortality_rule_fires_on_a_sustained_doubling_and_says_its_false_alarm_rate() -> None:
    _, p = _scenario("a sustained doubling")
    assert p.level == "regular_review"
    rule = next(r for r in p.rules if r.id == "mortality-alert")
    assert "set for a 5% chance of a false alarm in 36 months at the volume of this provider" in (
        rule.because
    )
    assert "a CUSUM testing a doubling of the rate crossed its alert threshold in 2019-01" in (
        rule.because
    )
    finding = next(h for h in p.evidence.hard if h.test == "cusum")
    assert finding.cusum is not None
    numbers = finding.cusum
    assert (numbers.method, numbers.since, numbers.alerts) == (
        "poisson",
        "2018-12",
        ("2019-01", "2019-02", "2019-03"),
    )
    assert numbers.observed == 164 and numbers.expected == pytest.approx(82.2)
    assert numbers.false_alarm == 0.05 and numbers.horizon_months == 36
    assert numbers.achieved is not None and numbers.achieved <= 0.05
    assert not numbers.h_given and numbers.volume == 21.0  # 20.6 to two figures


def test_its_in_control_twin_raises_nothing() -> None:
    _, p = _scenario("its in-control twin")
    assert p.level == "no_concerns"
    assert not p.evidence.hard


def test_the_default_ruleset_has_no_static_analysis_finding_with_the_cusum() -> None:
    assert check_ruleset(default_ruleset()).findings == ()


def test_the_demo_has_no_cusum_alert_in_its_last_three_months() -> None:
    from qsgrules.bundled import demo_workspace
    from qsgrules.workspace import load_workspace

    demo = load_workspace(demo_workspace())
    assert cusum_breaches(demo.observations, RULESET.spec, AS_OF, demo.providers) == {}
    _, runs = cusum_runs(
        demo.observations,
        "elective_deaths_30d",
        RULESET.spec.indicators["elective_deaths_30d"].cusum,  # type: ignore[arg-type]
        AS_OF,
        demo.providers,
    )
    assert len(runs) == 18 and {r.method for r in runs} == {"binomial"}
    assert all(r.threshold is not None and r.threshold.achieved <= 0.05 for r in runs)


# --------------------------------------------------------------------------- the test itself


def test_expected_counts_come_from_a_ratios_denominator_and_a_given_h_is_used() -> None:
    ws = _workspace({"RX1": ([float(o) for o in DOUBLED], EXPECTED)})
    found = cusum_breaches(ws.observations, _spec(h=50.0), AS_OF, ws.providers)
    assert found == {}  # 82 excess deaths do not reach a given h of 50 (about 38 reached)
    found = cusum_breaches(ws.observations, _spec(h=5.0), AS_OF, ws.providers)
    (f,) = found["RX1"]
    assert f.cusum is not None and f.cusum.h_given and f.cusum.h == 5.0
    assert "(h 5.00, given by the ruleset)" in f.detail


def test_peers_pooled_rate_leaves_the_provider_out() -> None:
    # elective deaths: five peers at 2 per 1,000, the sixth at 4 (a doubling) for six months
    base = [8.0] * 18
    den = [4000.0] * 18
    series = {f"RP{k}": (list(base), list(den)) for k in range(5)}
    series["RXX"] = (base[:12] + [16.0] * 6, list(den))
    ws = _workspace(series, "elective_deaths_30d")
    spec = RULESET.spec
    _, runs = cusum_runs(
        ws.observations,
        "elective_deaths_30d",
        spec.indicators["elective_deaths_30d"].cusum,  # type: ignore[arg-type]
        AS_OF,
        ws.providers,
    )
    by = {r.provider: r for r in runs}
    # its expected rate is its peers' (0.002), never moved by its own deaths
    assert np.allclose(by["RXX"].level, 2.0)
    assert by["RXX"].method == "binomial" and by["RXX"].alerts[-6:].any()
    found = cusum_breaches(ws.observations, spec, AS_OF, ws.providers)
    assert set(found) == {"RXX"}
    assert "at the pooled rate of its peers each month" in found["RXX"][0].detail


def test_a_peer_group_too_small_is_charted_on_the_values_instead() -> None:
    series = {f"RP{k}": ([8.0 + (k + j) % 3 for j in range(18)], [4000.0] * 18) for k in range(3)}
    ws = _workspace(series, "elective_deaths_30d")
    _, runs = cusum_runs(ws.observations, "elective_deaths_30d", CusumTest(), AS_OF, ws.providers)
    assert {r.method for r in runs} == {"normal"}
    _, counted = cusum_runs(
        ws.observations, "elective_deaths_30d", CusumTest(method="counts"), AS_OF, ws.providers
    )
    assert counted == []  # counts only: not tested at all


def test_the_normal_cusum_never_judges_a_month_of_its_own_baseline() -> None:
    ws = _workspace({"RX1": ([float(o) for o in IN_CONTROL[:14]], EXPECTED[:14])})
    test = CusumTest(method="normal", baseline_months=12, months=3)
    _, runs = cusum_runs(ws.observations, "amenable_deaths", test, AS_OF, ws.providers)
    assert runs == []  # 14 months: the last 3 would overlap the 12 of the baseline
    ws = _workspace({"RX1": ([float(o) for o in IN_CONTROL[:15]], EXPECTED[:15])})
    _, runs = cusum_runs(ws.observations, "amenable_deaths", test, AS_OF, ws.providers)
    assert len(runs) == 1 and runs[0].baseline_points == 12


def test_months_without_data_are_not_invented() -> None:
    ws = _workspace({"RX1": ([float(o) for o in DOUBLED], EXPECTED)})
    keep = ws.observations.period != AS_OF - 5  # a month missing in the middle
    gapped = Workspace("<t>", ws.providers, ws.observations.select(keep), ())
    _, runs = cusum_runs(
        gapped.observations, "amenable_deaths", CusumTest(), AS_OF, gapped.providers
    )
    assert runs[0].rows.size == len(DOUBLED) - 1


@settings(max_examples=30, deadline=None)
@given(
    bump=st.floats(0.0, 40.0),
    month=st.integers(15, 17),
    level=st.sampled_from([1.0, 1.3, 1.6, 2.0]),
)
def test_a_worse_judged_month_never_removes_a_cusum_finding(
    bump: float, month: int, level: float
) -> None:
    observed = [float(o) for o in IN_CONTROL[:14]] + [level * o for o in IN_CONTROL[14:]]
    worse = list(observed)
    worse[month] += bump
    before = cusum_breaches(
        _workspace({"RX1": (observed, EXPECTED)}).observations,
        RULESET.spec,
        AS_OF,
        {"RX1": Provider(code="RX1", name="T", type=ProviderType.ACUTE, qsg="Q")},
    )
    after = cusum_breaches(
        _workspace({"RX1": (worse, EXPECTED)}).observations,
        RULESET.spec,
        AS_OF,
        {"RX1": Provider(code="RX1", name="T", type=ProviderType.ACUTE, qsg="Q")},
    )
    assert set(before) <= set(after)


def test_a_cusum_of_counts_needs_counts_in_the_catalogue(tmp_path: Path) -> None:
    text = (ROOT / "rulesets" / "default.yaml").read_text()
    text = text.replace(
        "  cqc_compliance_notices:\n",
        "  cqc_compliance_notices:\n    cusum: {method: counts}\n",
    )
    path = tmp_path / "r.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_ruleset(path)
    assert "a CUSUM of counts needs numerators and denominators" in str(caught.value)
    assert "cqc_compliance_notices is a count; use method: normal (or auto)" in str(caught.value)


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("breach: {indicator: never_events_rate, test: cusum}", "has a cusum test configured"),
        ("breach: {indicator: amenable_deaths, test: cusum, strength: strong}", "can be strong"),
    ],
)
def test_qsg_check_knows_the_cusum_test(tmp_path: Path, when: str, message: str) -> None:
    text = (ROOT / "rulesets" / "default.yaml").read_text()
    text = text.replace(
        "rules:\n",
        "rules:\n  - id: extra\n    level: further_information\n    description: x.\n"
        f"    when:\n      {when}\n    because: x.\n",
        1,
    )
    path = tmp_path / "r.yaml"
    path.write_text(text)
    found = [p.message for p in check_ruleset(path).findings if p.code == "QSG101"]
    assert len(found) == 1 and message in found[0]


# --------------------------------------------------------------------------- the chart


def test_the_cusum_chart_shows_the_findings_threshold_and_alerts() -> None:
    ws = _workspace({"RX1": ([float(o) for o in DOUBLED], EXPECTED)})
    proposal = triage(ws, RULESET, as_of="2019-03").proposals[0]
    charts = indicator_charts(ws, RULESET.spec, AS_OF, "RX1", "amenable_deaths")
    assert charts.cusum is not None
    finding = next(h for h in proposal.evidence.hard if h.test == "cusum")
    assert finding.cusum is not None
    assert charts.cusum.h == pytest.approx(finding.cusum.h)
    assert set(finding.cusum.alerts) <= set(charts.cusum.alerts)
    assert charts_agree([finding], charts)
    text = cusum_summary(charts.cusum)
    assert "It alerted in December 2018, January 2019, February 2019 and March 2019" in text
    assert "set for a 5% chance of a false alarm in 36 months" in text
    svg = cusum_chart(charts.cusum, chart_id="c").svg
    assert ('data-chart="cusum"' in svg and 'id="c-alerts' in svg) or "alerts" in svg


def test_the_pack_draws_the_cusum_beside_the_xmr_chart_of_a_mortality_indicator() -> None:
    import re

    from qsgrules.reports.charts import chart_data

    pack = meeting_pack(as_of="2019-03", providers=["RJZ"])
    section = pack[pack.index('<section class="provider" id="p-RJZ"') :]
    charts = [chart_data(svg) for svg in re.findall(r"<svg id=.*?</svg>", section, re.S)]
    cusums = [c for c in charts if c["chart"] == "cusum"]
    assert [c["indicator"] for c in cusums] == ["elective_deaths_30d"]  # its finding: peer
    assert "CUSUM chart: has the rate shifted and stayed there?" in section
    assert "It did not alert; the judged months are January 2019 to March 2019" in section
