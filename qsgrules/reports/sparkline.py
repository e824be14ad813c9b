"""A small XmR chart for small multiples: one indicator across many providers on one page.

Drawn as plain SVG here, without matplotlib (a page of a hundred of them must stay cheap):
the values as a grey line, the mean and process limits, points of special cause in their
Making Data Count colours (a larger point for the latest month), the judged window shaded.
Its name says the latest value and the latest month's variation in words.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from ..evidence.hard import unit_suffix
from ..model.numbers import short
from ..model.series import XmrSeries
from .chart_words import month_name, point_kind
from .charts import MDC_COLOURS
from .icons import variation_icon

__all__ = ["sparkline"]

_W, _H, _PAD = 240.0, 64.0, 5.0


def sparkline(series: XmrSeries) -> Markup:
    """The series as a small SVG image named by its latest value and variation."""
    s = series
    values = list(s.values)
    low = min(*values, s.lpl)
    high = max(*values, s.upl)
    span = (high - low) or 1.0
    n = len(values)

    def x(i: int) -> float:
        return _PAD + (_W - 2 * _PAD) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: float) -> float:
        return _H - _PAD - (_H - 2 * _PAD) * (v - low) / span

    parts = []
    judged = [i for i, p in enumerate(s.periods) if s.window_start <= p <= s.window_end]
    if judged:
        left, right = x(judged[0]) - 3, x(judged[-1]) + 3
        parts.append(
            f'<rect x="{left:.1f}" y="0" width="{right - left:.1f}" height="{_H}" fill="#e8eef6"/>'
        )
    for value, dash, colour in ((s.upl, "3 2", "#7f7f7f"), (s.lpl, "3 2", "#7f7f7f")):
        parts.append(
            f'<line x1="{_PAD}" x2="{_W - _PAD}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="{colour}" stroke-width="1" stroke-dasharray="{dash}"/>'
        )
    parts.append(
        f'<line x1="{_PAD}" x2="{_W - _PAD}" y1="{y(s.mean):.1f}" y2="{y(s.mean):.1f}" '
        'stroke="#000" stroke-width="1"/>'
    )
    line = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    parts.append(f'<polyline points="{line}" fill="none" stroke="#a6a6a6" stroke-width="1.4"/>')
    for i, (v, ptype) in enumerate(zip(values, s.point_types, strict=True)):
        kind = point_kind(ptype)
        last = i == n - 1
        if kind == "common_cause" and not last:
            continue
        parts.append(
            f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="{3.6 if last else 2.4}" '
            f'fill="{MDC_COLOURS[kind]}" stroke="#fff" stroke-width="0.6"/>'
        )
    words = (
        f"{s.provider}: {short(values[-1])}{unit_suffix(s.indicator)} in "
        f"{month_name(s.periods[-1])}; {variation_icon(s.variation, s.direction).words}"
    )
    return Markup(
        '<svg class="sparkline" viewBox="0 0 {w:g} {h:g}" role="img" aria-label="{words}">'
        "<title>{words}</title>{body}</svg>"
    ).format(w=_W, h=_H, words=escape(words), body=Markup("".join(parts)))
