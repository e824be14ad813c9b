"""A trend test that did not fire because of its baseline says so (issue 24, Deliver 6):
a baseline month that is itself a special cause, or a baseline too short to judge from, is
named in the proposal, its explanation, its chart and `qsg verify`'s summary."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qsgrules.bundled import default_ruleset, demo_workspace
from qsgrules.engine.triage import triage
from qsgrules.evidence.series import indicator_charts
from qsgrules.evidence.trend import trend_breaches
from qsgrules.model.months import month_number
from qsgrules.model.vocabulary import Strength
from qsgrules.reports.chart_words import xmr_summary
from qsgrules.reports.render import explanation
from qsgrules.ruleset import load_ruleset
from qsgrules.ruleset.schema import Ruleset
from qsgrules.stats.spc import baseline_limits, xmr_batch
from qsgrules.strategies._build import rows_of
from qsgrules.strategies.edits import replacing_rows
from qsgrules.workspace import Workspace, load_workspace

WORKSPACE = load_workspace(demo_workspace())
RULESET = load_ruleset(default_ruleset())
FOUR_HOUR = "ae_4hr_type1"


def _worse(ws: Workspace, provider: str, indicator: str, month: str, by: float) -> Workspace:
    """``ws`` with one month of one provider's indicator ``by`` points worse."""
    (row,) = [
        r
        for r in rows_of(ws.observations)
        if (r.provider, r.indicator, r.period) == (provider, indicator, month_number(month))
    ]
    return replacing_rows(ws, dataclasses.replace(row, value=row.value + by))


def _without(ws: Workspace, provider: str, indicator: str, month: str) -> Workspace:
    obs = ws.observations
    keep = ~(
        (obs.provider_names[obs.provider.codes] == provider)
        & obs.indicator_mask(indicator)
        & (obs.period == month_number(month))
    )
    return dataclasses.replace(ws, observations=obs.select(keep))


def test_a_worse_baseline_month_that_hides_a_signal_is_named_as_the_issue_found_it() -> None:
    # RAX as of 2018-04 with 2017-12 made 4 points worse: the point beyond its upper limit
    # in 2018-04 is no longer (only a weaker signal is), and the level falls from further
    # information to no concerns; a QSG read that as reassurance
    plain = triage(WORKSPACE, RULESET, as_of="2018-04", providers=["RAX"]).proposals[0]
    worse_ws = _worse(WORKSPACE, "RAX", FOUR_HOUR, "2017-12", 4.0)
    worse = triage(worse_ws, RULESET, as_of="2018-04", providers=["RAX"]).proposals[0]
    assert (plain.level.value, worse.level.value) == ("further_information", "no_concerns")
    trend = [f for f in worse.evidence.hard if (f.indicator, f.test.value) == (FOUR_HOUR, "trend")]
    assert [f.strength.value for f in trend] == ["notable"]
    assert not [n for n in plain.baseline if n.indicator == FOUR_HOUR]
    (note,) = [n for n in worse.baseline if n.indicator == FOUR_HOUR]
    assert (note.kind, note.month) == ("hides_signal", "2017-12")
    # the month it hides is the one beyond the upper limit before the edit
    (was,) = [f for f in plain.evidence.hard if (f.indicator, f.test.value) == (FOUR_HOUR, "trend")]
    assert was.spc is not None
    assert note.period in {
        s.period for s in was.spc.signals if s.special_cause == "above_upper_limit"
    }
    assert note.special_cause == "above_upper_limit"
    assert note.value == pytest.approx(14.9956 + 4.0)
    assert note.value is not None and note.limit is not None and note.value > note.limit
    assert "found only a notable signal because its baseline holds 2017-12" in note.text
    # the explanation says so and names the month
    result = triage(worse_ws, RULESET, as_of="2018-04", providers=["RAX"])
    text = explanation(result, worse)
    assert "Baseline (1)" in text and "its baseline holds 2017-12" in " ".join(text.split())
    # so does the chart: its caption, and the month it rings
    month = month_number("2018-04")
    assert month is not None
    xmr = indicator_charts(worse_ws, RULESET.spec, month, "RAX", FOUR_HOUR).xmr
    assert xmr is not None and xmr.baseline_month == "2017-12"
    assert "its baseline holds 2017-12" in xmr_summary(xmr)
    plain_xmr = indicator_charts(WORKSPACE, RULESET.spec, month, "RAX", FOUR_HOUR).xmr
    assert plain_xmr is not None and plain_xmr.baseline_month is None


def _one_month_shorter(indicator: str) -> Ruleset:
    """The default ruleset's spec with one month fewer in ``indicator``'s trend baseline."""
    spec = RULESET.spec
    settings = spec.indicators[indicator]
    assert settings.trend is not None
    trend = settings.trend.model_copy(
        update={"baseline_months": settings.trend.baseline_months - 1}
    )
    indicators = {**spec.indicators, indicator: settings.model_copy(update={"trend": trend})}
    return spec.model_copy(update={"indicators": indicators})


@pytest.mark.parametrize("as_of", ["2017-09", "2018-04", "2018-10", "2019-03"])
def test_each_note_is_true_the_month_left_out_makes_the_test_fire(as_of: str) -> None:
    # "did not fire because": with the named month left out of its baseline (the row gone,
    # and the baseline one month shorter, so that no earlier month takes its place), the
    # trend test fires (strongly, where it fired only notably), in the month the note says
    month = month_number(as_of)
    assert month is not None
    result = triage(WORKSPACE, RULESET, as_of=as_of)
    hidden = [
        (p.provider, n) for p in result.proposals for n in p.baseline if n.kind == "hides_signal"
    ]
    assert as_of != "2019-03" or hidden  # the demo has some: RQX in March 2019
    before = trend_breaches(WORKSPACE.observations, RULESET.spec, month)
    for code, note in hidden:
        assert note.month is not None
        was = [f for f in before.get(code, []) if f.indicator == note.indicator]
        assert all(f.strength is Strength.NOTABLE for f in was)
        gone = _without(WORKSPACE, code, note.indicator, note.month)
        after = trend_breaches(gone.observations, _one_month_shorter(note.indicator), month)
        found = [f for f in after.get(code, []) if f.indicator == note.indicator]
        if was:
            found = [f for f in found if f.strength is Strength.STRONG]
        assert found, (code, note.text)
        assert note.period in {s.period for f in found if f.spc for s in f.spc.signals}


def test_a_baseline_too_short_to_judge_is_said_not_read_as_no_concern() -> None:
    # the demo starts in 2016-04: as of 2016-10 each chart has 4 months before the 3 judged
    result = triage(WORKSPACE, RULESET, as_of="2016-10")
    for p in result.proposals:
        short = {n.indicator for n in p.baseline if n.kind == "too_short"}
        trend = {i for i, s in RULESET.spec.indicators.items() if s.trend is not None}
        assert short == trend, p.provider
        text = explanation(result, p)
        assert "not judged by its trend test: 4 month(s)" in " ".join(text.split())


def test_proposals_without_a_note_keep_their_json_as_it_was() -> None:
    result = triage(WORKSPACE, RULESET, as_of="2019-03")
    for p in result.proposals:
        assert ("baseline" in p.model_dump(mode="json")) == bool(p.baseline)


@given(
    st.lists(
        st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=2, max_size=30),
        min_size=1,
        max_size=5,
    ).filter(lambda rows: len({len(r) for r in rows}) == 1),
    st.booleans(),
)
def test_baseline_limits_are_the_limits_xmr_batch_draws(
    rows: list[list[float]], screen: bool
) -> None:
    lpl, upl = baseline_limits(rows, screen_outliers=screen)
    chart = xmr_batch(rows, screen_outliers=screen)
    assert np.array_equal(lpl, chart.lpl) and np.array_equal(upl, chart.upl)


def test_verify_s_summary_names_the_providers_whose_baseline_hid_a_signal() -> None:
    from qsgrules.verify import Tally, _baseline_words

    tally = Tally(examples=40)
    result = triage(WORKSPACE, RULESET, as_of="2019-03")
    for p in result.proposals:  # as verify's examples are tallied
        for note in p.baseline:
            tally.baseline[note.kind] += 1
            if note.kind == "hides_signal" and len(tally.hid) < 3:
                tally.hid.append(f"{p.provider} {note.indicator}: {note.month} hid {note.period}")
    words = _baseline_words(tally)
    assert words.startswith("baseline: a month of a trend test's baseline hid a signal for 3 ")
    assert "RQX ae_4hr_type1: 2018-03 hid 2019-02" in words
    quiet = _baseline_words(Tally(examples=40))
    assert quiet.startswith("baseline: no trend test's baseline hid a signal, and 0 charts")
