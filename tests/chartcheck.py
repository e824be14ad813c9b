"""Checks shared by the series, chart and pack tests: a chart's numbers are its finding's."""

from __future__ import annotations

from qsgrules.model.evidence import FunnelNumbers, SpcNumbers
from qsgrules.model.series import FunnelSection, XmrSeries


def assert_xmr_matches(
    series: XmrSeries, spc: SpcNumbers, signals_counted: tuple[str, ...]
) -> None:
    """The chart's limits and flagged points are the finding's (which rounds to 6 places)."""
    for name in ("mean", "mr_bar", "lpl", "upl", "near_lpl", "near_upl"):
        assert round(getattr(series, name), 6) == getattr(spc, name), name
    assert len(series.values) == spc.points
    assert series.periods[0] == spc.first_period
    assert series.trial_limits == spc.trial_limits
    assert series.screened == spc.screened
    flagged = {s.period: s for s in spc.signals}
    for period, value, cause, ptype in zip(
        series.periods,
        series.values,
        series.special_causes,
        series.point_types,
        strict=True,
    ):
        if period in flagged:
            assert cause == flagged[period].special_cause
            assert round(value, 6) == flagged[period].value
            assert ptype == "special_cause_concern"
        elif series.window_start <= period <= series.window_end:
            # a point of concern in the window that the finding did not cite must be of a
            # kind the test does not count
            assert not (ptype == "special_cause_concern" and KIND[cause] in signals_counted)


# the kind of signal each special cause is (as the trend test counts them)
KIND = {
    "common_cause": "none",
    "above_upper_limit": "outside_limits",
    "below_lower_limit": "outside_limits",
    "trend_increasing": "trend",
    "trend_decreasing": "trend",
    "two_in_three_above": "two_in_three",
    "two_in_three_below": "two_in_three",
    "run_above": "run",
    "run_below": "run",
}


def assert_funnel_matches(section: FunnelSection, numbers: FunnelNumbers, provider: str) -> None:
    assert round(section.target, 9) == numbers.target
    assert round(section.phi, 6) == numbers.phi
    assert round(section.tau2, 9) == numbers.tau2
    assert section.adjusted == numbers.adjusted
    assert len(section.peers) == numbers.peers
    assert section.peer_group == numbers.peer_group
    own = next(p for p in section.peers if p.provider == provider)
    assert own.numerator == numbers.numerator
    assert own.denominator == numbers.denominator
    assert round(own.z, 6) == numbers.z
    assert round(own.z_adjusted, 6) == numbers.z_adjusted
    if numbers.level == section.level:
        lower, upper, out = section.own_lower, section.own_upper, own.outside
    else:
        assert numbers.level == section.strong_level
        lower, upper, out = section.own_strong_lower, section.own_strong_upper, own.outside_strong
    assert (round(lower, 9), round(upper, 9)) == (numbers.lower, numbers.upper)
    assert out == (1 if section.direction == "above" else -1)
