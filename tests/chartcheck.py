"""Checks shared by the series, chart and pack tests: a chart's numbers are its finding's,
and a page's elements as a parser sees them."""

from __future__ import annotations

import re
from html.parser import HTMLParser

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


class Page(HTMLParser):
    """The elements of a page: tags with attributes, text, headings, sections."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.headings: list[tuple[int, str]] = []
        self._heading: int | None = None
        self._buffer: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading, self._buffer = int(tag[1]), []

    def handle_endtag(self, tag: str) -> None:
        if self._heading is not None and tag == f"h{self._heading}":
            self.headings.append((self._heading, " ".join("".join(self._buffer).split())))
            self._heading = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading is not None:
            self._buffer.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]

    @property
    def ids(self) -> list[str]:
        return [str(a["id"]) for _, a in self.tags if a.get("id")]
