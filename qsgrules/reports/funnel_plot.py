"""The funnel plot: the provider among its peers, with the limits as the peer test drew them.

A funnel must read as one. Where over-dispersion is large (the trusts differ among
themselves far more than chance would make them), Spiegelhalter's adjustment widens the
limits by the same amount whatever a trust's size, and the funnel flattens into two lines:
``dispersion_note`` says so beside the chart, in words. Peers outside the limits are
labelled by code; every peer carries its code and value as a tooltip and shows its label
when pointed at or focused (``tabindex``; the page's CSS shows it), and ``funnel_outliers``
lists them for the table under the chart.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..evidence.hard import unit_suffix
from ..model.numbers import short as fmt
from ..model.series import FunnelPeer, FunnelSection
from .chart_words import funnel_summary, month_name
from .charts import _MEAN, _PROVIDER, Chart, _axis_unit, _drawing, _render, _style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["FunnelOutlier", "dispersion_note", "flatness", "funnel_chart", "funnel_outliers"]

_PEER = "#a6a6a6"
_PEER_EDGE = "#5f6b73"
_OUTLIER = "#8a1538"  # a peer outside the limits: labelled, in the summit colour
# below this ratio of the limits' width at the smallest peer to the width at the largest,
# the funnel reads as two flat lines (without over-dispersion it is sqrt(n_max / n_min))
FLAT_BELOW = 1.3


@dataclass(frozen=True)
class FunnelOutlier:
    """A provider outside the funnel's limits, for the table under the chart."""

    provider: str
    value: str  # in the indicator's units
    counts: str
    side: str  # "above" or "below"
    beyond: str  # the widest limit it is beyond ("99.8%", or "95%")
    z_adjusted: float
    concern: bool  # on the side of concern
    own: bool  # the provider whose section this is


def _pct(level: float) -> str:
    return f"{level * 100:g}%"


def _counts(f: FunnelSection, p: FunnelPeer) -> str:
    if f.kind == "proportion":
        return f"{p.numerator:,.0f} of {p.denominator:,.0f}"
    return f"{p.numerator:,.0f} observed, {p.denominator:,.1f} expected"


def funnel_outliers(section: FunnelSection) -> tuple[FunnelOutlier, ...]:
    """Every provider outside the 95% (or the strong) limits, furthest first."""
    f = section
    u = unit_suffix(f.indicator)
    out = []
    for p in sorted(f.peers, key=lambda p: (-abs(p.z_adjusted), p.provider)):
        if not p.outside:
            continue
        side = "above" if p.outside > 0 else "below"
        out.append(
            FunnelOutlier(
                provider=p.provider,
                value=f"{fmt(p.value * f.scale)}{u}",
                counts=_counts(f, p),
                side=side,
                beyond=_pct(f.strong_level if p.outside_strong else f.level),
                z_adjusted=p.z_adjusted,
                concern=side == f.direction.value,
                own=p.provider == f.provider,
            )
        )
    return tuple(out)


def flatness(section: FunnelSection) -> float:
    """The width of the 95% limits at the smallest peer over their width at the largest
    (about sqrt(n_max / n_min) for a plain funnel; near 1 when the limits are flat)."""
    f = section
    d = f.curve_denominators
    low = min(p.denominator for p in f.peers)
    high = max(p.denominator for p in f.peers)
    i = min(range(len(d)), key=lambda j: abs(d[j] - low))
    j = min(range(len(d)), key=lambda j: abs(d[j] - high))
    narrow = f.upper[j] - f.lower[j]
    return (f.upper[i] - f.lower[i]) / narrow if narrow > 0 else 1.0


def dispersion_note(section: FunnelSection) -> str:
    """Why the limits are flat, when the over-dispersion adjustment flattened them ("" when
    the funnel reads as a funnel or was not adjusted)."""
    f = section
    if not f.adjusted or flatness(f) >= FLAT_BELOW:
        return ""
    z = 1.959964  # FunnelPlotR's 95% quantile
    plain = sum(1 for p in f.peers if abs(p.z) > z)
    n = len(f.peers)
    return (
        "The limits are almost flat because the providers differ among themselves far more "
        f"than chance alone would make them (over-dispersion phi {f.phi:.1f}: the variance "
        f"of their z-scores is {f.phi:.1f} times what chance gives). The limits allow for "
        "that spread between providers, which is the same whatever a provider's size, so "
        "it outweighs the chance variation that makes a funnel narrow for large providers. "
        f"Without the allowance, {plain} of the {n} providers would be outside the "
        f"{_pct(f.level)} limits; with it, a provider outside them stands out even from "
        "providers that differ this much."
    )


def funnel_chart(section: FunnelSection, *, chart_id: str) -> Chart:
    """A funnel plot of the provider among its peers, 95% and 99.8% limits drawn, peers
    outside the limits labelled, every peer named on hover or focus."""
    alt = funnel_summary(section)
    curves = {"curve_denominators", "lower", "upper", "strong_lower", "strong_upper"}
    data = {"chart": "funnel", **section.model_dump(mode="json", exclude=curves)}
    with _drawing(chart_id, 9.0, 3.9) as fig:
        _draw_funnel(fig.add_subplot(), section)
        svg = _render(fig, chart_id, data, alt)
    return Chart("funnel", chart_id, _name_peers(svg, chart_id, section), alt)


def _name_peers(svg: str, chart_id: str, f: FunnelSection) -> str:
    """Each peer's group: focusable, with its code and value as its title (a tooltip)."""
    u = unit_suffix(f.indicator)
    others = [p for p in f.peers if p.provider != f.provider]

    def named(m: re.Match[str]) -> str:
        p = others[int(m.group(1))]
        words = f"{p.provider}: {fmt(p.value * f.scale)}{u} ({_counts(f, p)})"
        return (
            f'<g id="{chart_id}-peer-{m.group(1)}" class="peer" tabindex="0">'
            f"<title>{html.escape(words, quote=False)}</title>"
        )

    return re.sub(rf'<g id="{re.escape(chart_id)}-peer-(\d+)">', named, svg)


def _draw_funnel(ax: Axes, f: FunnelSection) -> None:
    _style(ax)
    k = f.scale
    d = f.curve_denominators
    adjusted = " (over-dispersion allowed)" if f.adjusted else ""
    for lower, upper, style, colour, level, gid in (
        (f.lower, f.upper, "--", "#768692", f.level, "limits-95"),
        (f.strong_lower, f.strong_upper, "-", "#425563", f.strong_level, "limits-998"),
    ):
        label = f"{level * 100:g}% limits{adjusted}"
        ax.plot(d, [v * k for v in upper], style, color=colour, lw=1.4, label=label, gid=gid)
        ax.plot(d, [v * k for v in lower], style, color=colour, lw=1.4, gid=f"{gid}-lower")
    target = "Target (pooled peer value)" if f.pooled_target else "Target (national norm)"
    ax.hlines(f.target * k, d[0], d[-1], colors=_MEAN, lw=1.0, label=target, gid="target")
    others = [p for p in f.peers if p.provider != f.provider]
    own = next((p for p in f.peers if p.provider == f.provider), None)  # None: a whole group
    outside = sum(1 for p in others if p.outside)
    for i, p in enumerate(others):
        # each peer a group of its own (named and made focusable after drawing), its label
        # right after it (shown on hover and focus by the page's CSS; always for outliers)
        z = 3 + i * 1e-4
        ax.scatter(
            [p.denominator],
            [p.value * k],
            s=38,
            color=_OUTLIER if p.outside else _PEER,
            edgecolors=_PEER_EDGE,
            linewidths=0.6,
            zorder=z,
            gid=f"peer-{i}",
        )
        ax.annotate(
            p.provider,
            (p.denominator, p.value * k),
            xytext=(5, 4),
            textcoords="offset points",
            fontsize=8.5,
            color=_OUTLIER if p.outside else "#425563",
            zorder=z + 5e-5,
            gid=f"{'outlabel' if p.outside else 'peerlabel'}-{i}",
        )
    # the legend's keys (the points themselves are drawn one by one, unlabelled)
    ax.scatter([], [], s=38, color=_PEER, edgecolors=_PEER_EDGE, label=f"Peers ({len(others)})")
    if outside:
        ax.scatter(
            [], [], s=38, color=_OUTLIER, edgecolors=_PEER_EDGE, label=f"Peers outside ({outside})"
        )
    if own is not None:
        ax.scatter(
            [own.denominator],
            [own.value * k],
            s=130,
            marker="D",
            color=_PROVIDER,
            edgecolors="white",
            linewidths=1.0,
            zorder=4,
            label=f.provider,
            gid="provider",
        )
        ax.annotate(
            f.provider,
            (own.denominator, own.value * k),
            xytext=(9, 6),
            textcoords="offset points",
            fontsize=10.5,
            fontweight="bold",
            color=_PROVIDER,
            zorder=4,
        )
    values = [p.value * k for p in f.peers]
    low = min(*values, min(f.strong_lower) * k)
    high = max(*values, max(f.strong_upper) * k)
    pad = (high - low) * 0.08
    ax.set_xlim(0, max(d) * 1.02)
    ax.set_ylim(max(low - pad, 0.0) if low >= 0 else low - pad, high + pad)
    what = "cases" if f.kind == "proportion" else "expected events"
    ax.set_xlabel(f"Denominator: {what} in {month_name(f.period)}")
    ax.set_ylabel(_axis_unit(f.unit))
    ax.xaxis.set_major_formatter("{x:,.0f}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=3, fontsize=9.5)
