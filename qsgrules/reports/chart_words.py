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

__all__ = [
    "funnel_summary",
    "month_name",
    "point_kind",
    "short_month",
    "variation_words",
    "xmr_summary",
]

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


_CAUSE_WORDS: Final[dict[str, str]] = {
    "above_upper_limit": "above the upper process limit",
    "below_lower_limit": "below the lower process limit",
    "trend_increasing": "part of an increasing trend",
    "trend_decreasing": "part of a decreasing trend",
    "two_in_three_above": "two of three points near the upper limit",
    "two_in_three_below": "two of three points near the lower limit",
    "run_above": "part of a run above the mean",
    "run_below": "part of a run below the mean",
}
_KIND_WORDS: Final[tuple[tuple[str, str], ...]] = (
    ("special_cause_concern", "concern"),
    ("special_cause_improvement", "improvement"),
    ("special_cause_neutral", "neither better nor worse"),
)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _special_counts(kinds: Sequence[str], of: int | None = None) -> str:
    """'special causes of concern in 3 months and of improvement in 1', or with ``of`` (the
    scope's size) 'special causes of concern in 1 and of improvement in 2 of its 3 months'
    ('' when there is none)."""
    found = [(word, kinds.count(kind)) for kind, word in _KIND_WORDS if kinds.count(kind)]
    if not found:
        return ""
    total = sum(n for _, n in found)
    text = f"special cause{'s' if total != 1 else ''} " + " and ".join(
        f"of {word} in {n}" for word, n in found
    )
    if of is None:
        return text + (" month" if total == 1 and len(found) == 1 else " months")
    return text + f" of {'its' if len(found) > 1 else 'the'} {_plural(of, 'month')}"


def variation_words(series: XmrSeries) -> str:
    """The chart's variation in three sentences, each naming what it describes: the latest
    point, the judged window, then the whole series. A scope says "common cause" only when
    none of its points is a special cause, and names only its own months."""
    s = series
    kinds = [point_kind(t) for t in s.point_types]
    last = s.periods[-1]
    if kinds[-1] == "common_cause":
        latest = "common cause variation"
    else:
        word = dict(_KIND_WORDS)[kinds[-1]]
        latest = f"a special cause of {word} ({_CAUSE_WORDS[s.special_causes[-1]]})"
    sentences = [f"Latest point, {month_name(last)}: {latest}."]
    window = f"Judged window, {month_name(s.window_start)} to {month_name(s.window_end)}"
    inside = [
        k for p, k in zip(s.periods, kinds, strict=True) if s.window_start <= p <= s.window_end
    ]
    if not inside:
        sentences.append(f"{window}: no data.")
    elif counts := _special_counts(inside, len(inside)):
        sentences.append(f"{window}: {counts}.")
    else:
        sentences.append(
            f"{window}: common cause variation in all {_plural(len(inside), 'month')}."
        )
    whole = (
        f"Whole series, {len(s.values)} months from {month_name(s.periods[0])} to "
        f"{month_name(last)}"
    )
    counts = _special_counts(kinds)
    if not counts:
        sentences.append(f"{whole}: common cause variation only.")
        return " ".join(sentences)
    parts = [counts]
    for cause, words in _OUTSIDE.items():
        months = [p for p, c in zip(s.periods, s.special_causes, strict=True) if c == cause]
        if len(months) > 4:
            parts.append(f"{len(months)} months {words}, the last {month_name(months[-1])}")
        elif months:
            parts.append(f"{_months_list(months)} {words}")
    sentences.append(f"{whole}: " + "; ".join(parts) + ".")
    return " ".join(sentences)


def xmr_summary(series: XmrSeries) -> str:
    """What the XmR chart shows, in words (its alt text and caption): its variation (latest
    point, judged window, whole series), its limits and where they come from, its standard."""
    s = series
    u = unit_suffix(s.indicator)
    n = len(s.values)
    lpl, upl, beyond = possible_limits(s.indicator, s.lpl, s.upl)
    points = sum(s.baseline_start <= p <= s.baseline_end for p in s.periods)
    baseline = (
        f"Limits from the {_plural(points, 'month')} {month_name(s.baseline_start)} to "
        f"{month_name(s.baseline_end)}"
    )
    limits = (
        f"{baseline}: mean {fmt(s.mean)}{u}, process limits {fmt(lpl)}{u} to {fmt(upl)}{u}"
        + (" (trial limits: fewer than 12 months)" if s.trial_limits else "")
        + (f" ({beyond})" if beyond else "")
        + f"; {sum(v > s.mean for v in s.values)} of {n} months above the mean."
    )
    text = f"{variation_words(s)} {limits}"
    if s.rebased_from is not None:
        text += (
            f" Rebased by the QSG from {month_name(s.rebased_from)}: the limits are the new "
            "process's"
            + (
                f"; the {_plural(len(s.earlier_periods), 'month')} before it are drawn without "
                "limits."
                if s.earlier_periods
                else "."
            )
        )
    if s.target is not None:
        text += f" Standard {fmt(s.target)}{u}" + _assurance_words(s.assurance) + "."
    if s.baseline_note is not None:  # the test's silence is not reassurance: said
        text += f" {s.baseline_note}."
    return text


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
    if not f.provider:  # the whole peer group, no provider highlighted
        return _group_summary(f)
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


def _group_summary(f: FunnelSection) -> str:
    """A funnel of a whole peer group in words: who is outside its limits."""
    u = unit_suffix(f.indicator)
    lv = f"{f.level * 100:g}%"
    above = sorted(p.provider for p in f.peers if p.outside > 0)
    below = sorted(p.provider for p in f.peers if p.outside < 0)
    adjusted = (
        f"limits adjusted for over-dispersion between providers (phi {f.phi:.1f})"
        if f.adjusted
        else "limits not adjusted for over-dispersion"
    )
    outside = "; ".join(
        f"{side} the {lv} limits: {', '.join(codes)}"
        for side, codes in (("above", above), ("below", below))
        if codes
    )
    return (
        f"{len(f.peers)} {_peer_word(f)} in {month_name(f.period)}; target "
        f"{fmt(f.target * f.scale)}{u}; {adjusted}; "
        + (outside if outside else f"none outside the {lv} limits")
        + "."
    )
