"""Charts in words: month names and the text summary of each chart (its alt text).

Kept apart from the drawing so the words can change without matplotlib, and be read by any
page that shows a chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from ..evidence.hard import possible_limits, unit_suffix
from ..model.numbers import short as fmt
from ..model.series import FunnelSection, XmrSeries

__all__ = ["funnel_summary", "month_name", "point_kind", "short_month", "xmr_summary"]

_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_OUTSIDE: Final[dict[str, str]] = {
    "above_upper_limit": "above the upper process limit",
    "below_lower_limit": "below the lower process limit",
}


def month_name(period: str) -> str:
    """'2019-03' -> 'March 2019'."""
    year, month = period.split("-")
    return f"{_MONTHS[int(month) - 1]} {year}"


def short_month(period: str) -> str:
    year, month = period.split("-")
    return f"{_MONTHS[int(month) - 1][:3]} {year}"


def _months_list(periods: Sequence[str]) -> str:
    names = [month_name(p) for p in periods]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def point_kind(point_type: str) -> str:
    """The colour class of a point type (neutral high/low share the neutral colour)."""
    return "special_cause_neutral" if point_type.startswith("special_cause_neutral") else point_type


def xmr_summary(series: XmrSeries) -> str:
    """What the XmR chart shows, in words (its alt text)."""
    s = series
    u = unit_suffix(s.indicator)
    n = len(s.values)
    lpl, upl, beyond = possible_limits(s.indicator, s.lpl, s.upl)
    parts = [
        f"{n} months from {month_name(s.periods[0])} to {month_name(s.periods[-1])}: mean "
        f"{fmt(s.mean)}{u}, process limits {fmt(lpl)}{u} to {fmt(upl)}{u}"
        + (" (trial limits: fewer than 12 months)" if s.trial_limits else "")
        + (f" ({beyond})" if beyond else "")
    ]
    above = sum(v > s.mean for v in s.values)
    parts.append(f"{above} of {n} months above the mean")
    for cause, words in _OUTSIDE.items():
        months = [p for p, c in zip(s.periods, s.special_causes, strict=True) if c == cause]
        if len(months) > 4:
            parts.append(f"{len(months)} months {words}, the last {month_name(months[-1])}")
        elif months:
            parts.append(f"{_months_list(months)} {words}")
    kinds = [point_kind(t) for t in s.point_types]
    counts = [
        f"{word} in {kinds.count(kind)} month{'s' if kinds.count(kind) != 1 else ''}"
        for kind, word in (
            ("special_cause_concern", "concern"),
            ("special_cause_improvement", "improvement"),
            ("special_cause_neutral", "neutral special cause"),
        )
        if kinds.count(kind)
    ]
    parts.append(
        "special causes: " + ", ".join(counts) if counts else "common cause variation only"
    )
    in_window = [
        k for p, k in zip(s.periods, kinds, strict=True) if s.window_start <= p <= s.window_end
    ]
    parts.append(
        f"judged window {month_name(s.window_start)} to {month_name(s.window_end)}: "
        f"{in_window.count('special_cause_concern')} of {len(in_window)} months of concern"
    )
    if s.target is not None:
        parts.append(f"standard {fmt(s.target)}{u}" + _assurance_words(s.assurance))
    return "; ".join(parts) + "."


def _assurance_words(assurance: str | None) -> str:
    return {
        "consistent_pass": ": the process will consistently meet it",
        "consistent_fail": ": the process will consistently fail it",
        "inconsistent": ": the process will sometimes meet it and sometimes not",
    }.get(assurance or "", "")


def _peer_word(section: FunnelSection) -> str:
    group = section.peer_group.replace("_", " ")
    return "providers" if group == "all" else f"{group} providers"


def funnel_summary(section: FunnelSection) -> str:
    """What the funnel plot shows, in words (its alt text)."""
    f = section
    u = unit_suffix(f.indicator)
    own = next(p for p in f.peers if p.provider == f.provider)
    scale = f.scale
    value = f"{fmt(own.value * scale)}{u}"
    counts = (
        f"{own.numerator:,.0f} of {own.denominator:,.0f}"
        if f.kind == "proportion"
        else f"{own.numerator:,.0f} observed, {own.denominator:,.1f} expected"
    )
    lv, slv = f"{f.level * 100:g}%", f"{f.strong_level * 100:g}%"
    if own.outside_strong:
        side = "above" if own.outside_strong > 0 else "below"
        limit = f.own_strong_upper if own.outside_strong > 0 else f.own_strong_lower
        where = f"{side} the {slv} limit ({fmt(limit * scale)}{u})"
    elif own.outside:
        side = "above" if own.outside > 0 else "below"
        limit = f.own_upper if own.outside > 0 else f.own_lower
        strong = f.own_strong_upper if own.outside > 0 else f.own_strong_lower
        where = (
            f"{side} the {lv} limit ({fmt(limit * scale)}{u}) but within the {slv} limit "
            f"({fmt(strong * scale)}{u})"
        )
    else:
        where = (
            f"within the {lv} limits ({fmt(f.own_lower * scale)}{u} to "
            f"{fmt(f.own_upper * scale)}{u})"
        )
    others = sum(1 for p in f.peers if p.outside and p.provider != f.provider)
    adjusted = (
        f"limits adjusted for over-dispersion between providers (phi {f.phi:.1f})"
        if f.adjusted
        else "limits not adjusted for over-dispersion"
        + (" (none found)" if f.overdispersion else " (the test does not adjust)")
    )
    return (
        f"{len(f.peers)} {_peer_word(f)} in {month_name(f.period)}: {f.provider} {value} "
        f"({counts}) is {where}; target {fmt(f.target * scale)}{u}; {adjusted}; {others} "
        f"other provider{'s' if others != 1 else ''} outside the {lv} limits."
    )
