"""Making Data Count XmR charts and funnel plots as inline SVG, shared by the pack and the page.

Drawn with matplotlib's object-oriented API on its SVG canvas (no pyplot, no global backend,
no browser); matplotlib is imported only when a chart is drawn, so `qsg triage` never pays
for it. Each SVG carries the numbers it was drawn from in a JSON ``<metadata>`` element
(:func:`chart_data` reads it back), and a text summary for its alt text (the words are in
``chart_words``, re-exported here).

Styled as NHSRplotthedots draws Making Data Count charts: grey common cause, orange concern,
blue improvement, purple neutral, black mean, grey dashed process limits, red dashed target;
and, so that colour is never the only cue, a marker shape for each kind of point.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal, NamedTuple

from ..evidence.hard import possible_limits
from ..indicators import BY_ID
from ..model.months import known_month, month_text
from ..model.numbers import short as fmt
from ..model.series import FunnelSection, XmrSeries
from .chart_words import funnel_summary, month_name, point_kind, short_month, xmr_summary

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "MDC_COLOURS",
    "Chart",
    "chart_data",
    "funnel_chart",
    "funnel_summary",
    "month_name",
    "point_kind",
    "xmr_chart",
    "xmr_summary",
]

#: NHSRplotthedots' default colours (ptd_spc_colours), by point type.
MDC_COLOURS: Final[dict[str, str]] = {
    "common_cause": "#a6a6a6",
    "special_cause_improvement": "#00b0f0",
    "special_cause_neutral": "#490092",
    "special_cause_concern": "#e46c0a",
}
_LINE = "#a6a6a6"
_LIMIT = "#7f7f7f"  # a shade darker than MDC's grey, so limits carry on a projector
_MEAN = "#000000"
_TARGET = "#de1b1b"
_WINDOW = "#e8eef6"
_PROVIDER = "#003087"  # NHS dark blue: the highlighted provider on a funnel
_INK = "#212b32"
_FONT = "Arial, 'Liberation Sans', 'DejaVu Sans', Helvetica, sans-serif"
_LEGEND_NAMES: Final[dict[str, str]] = {
    "common_cause": "Common cause",
    "special_cause_concern": "Special cause: concern",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_neutral": "Special cause: neutral",
}


@dataclass(frozen=True)
class Chart:
    """An inline SVG chart: ``svg`` is markup for an HTML page (ids prefixed with
    ``chart_id``, so many charts share a page), ``alt`` its text summary."""

    kind: Literal["xmr", "funnel", "cusum"]
    chart_id: str
    svg: str
    alt: str


# --------------------------------------------------------------------------- drawing


@contextmanager
def _drawing(chart_id: str, width: float, height: float) -> Iterator[Figure]:
    """A figure on matplotlib's SVG canvas, drawn and saved in the charts' style."""
    import matplotlib as mpl
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    rc: Any = {**_RC, "svg.hashsalt": chart_id}
    with mpl.rc_context(rc):
        fig = Figure(figsize=(width, height), layout="constrained")
        FigureCanvasSVG(fig)
        yield fig


def _style(ax: Axes) -> None:
    ax.grid(axis="y", color="#d8dde0", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#768692")
    ax.tick_params(colors=_INK, labelsize=10)


_RC: Final[dict[str, Any]] = {
    "svg.fonttype": "none",  # real text: selectable, searchable, small
    "text.parse_math": False,  # a '$' in a name is a dollar sign, not mathematics
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],  # ships with matplotlib: layout is the same anywhere
    "text.color": _INK,
    "axes.labelcolor": _INK,
    "legend.frameon": False,
}


def _render(fig: Figure, chart_id: str, data: dict[str, Any], alt: str) -> str:
    """The figure as inline SVG: deterministic, ids prefixed, the data and alt text inside."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)
    svg = re.sub(r'( id="|url\(#|href="#)', lambda m: f"{m.group(1)}{chart_id}-", svg)
    svg = svg.replace("font-family: 'DejaVu Sans', sans-serif", f"font-family: {_FONT}")
    payload = html.escape(json.dumps(data, sort_keys=True, separators=(",", ":")), quote=False)
    head = (
        f'<svg id="{chart_id}" class="chart" role="img" aria-labelledby="{chart_id}-title" '
        f'data-chart="{data["chart"]}" preserveAspectRatio="xMidYMid meet"'
    )
    svg = re.sub(r'^<svg [^>]*?(viewBox="[^"]*")[^>]*>', lambda m: f"{head} {m.group(1)}>", svg)
    inner = (
        f'<title id="{chart_id}-title">{html.escape(alt, quote=False)}</title>'
        f'<metadata id="{chart_id}-data" data-qsg-chart="{data["chart"]}">{payload}</metadata>'
    )
    return svg.replace(">", ">" + inner, 1).strip()


def chart_data(svg: str) -> dict[str, Any]:
    """The numbers a chart was drawn from, read back from its SVG."""
    m = re.search(r'<metadata id="[^"]*" data-qsg-chart="[^"]*">(.*?)</metadata>', svg, re.S)
    if m is None:
        raise ValueError("not a qsgrules chart: no data element")
    data: dict[str, Any] = json.loads(html.unescape(m.group(1)))
    return data


def _marker(point_type: str, cause: str) -> str:
    kind = point_kind(point_type)
    if kind == "special_cause_concern":
        return "v" if cause.endswith(("below", "decreasing")) else "^"
    return {"special_cause_improvement": "s", "special_cause_neutral": "D"}.get(kind, "o")


def xmr_chart(series: XmrSeries, *, chart_id: str) -> Chart:
    """A Making Data Count XmR chart of a provider's whole series, judged window shaded."""
    alt = xmr_summary(series)
    data = {
        "chart": "xmr",
        **series.model_dump(mode="json"),
        "drawn": drawn_lines(series)._asdict(),
    }
    with _drawing(chart_id, 9.0, 3.7) as fig:
        _draw_xmr(fig.add_subplot(), series)
        return Chart("xmr", chart_id, _render(fig, chart_id, data, alt), alt)


class DrawnLines(NamedTuple):
    """The mean, process limits and standard as an XmR chart draws them."""

    lpl: float
    upl: float
    mean: float
    target: float | None


def drawn_lines(s: XmrSeries) -> DrawnLines:
    """The lines inside the values the indicator can take (a rate's lower limit of -0.3 is
    drawn at 0; the series, and the chart's data, keep -0.3)."""
    lpl, upl, _ = possible_limits(s.indicator, s.lpl, s.upl)
    ind = BY_ID[s.indicator]
    target = None if s.target is None else ind.possible(s.target)
    return DrawnLines(lpl, upl, ind.possible(s.mean), target)


def _draw_xmr(ax: Axes, s: XmrSeries) -> None:
    from matplotlib.patches import Patch

    _style(ax)
    drawn = drawn_lines(s)
    x = [known_month(p) for p in s.periods]
    first, last = known_month(s.window_start), known_month(s.window_end)
    earlier = [known_month(p) for p in s.earlier_periods]
    left, right = min([x[0], *earlier]) - 0.5, max(x[-1], last) + 0.5
    ax.axvspan(first - 0.5, last + 0.5, color=_WINDOW, zorder=0, lw=0, gid="window")
    ax.plot(x, s.values, color=_LINE, linewidth=1.6, zorder=2, gid="values")
    if s.rebased_from is not None:
        # the earlier process: its points for reading, no limits (they are not its own)
        start = known_month(s.rebased_from)
        ax.plot(earlier, s.earlier_values, color=_LINE, lw=1.0, ls=":", zorder=2, gid="earlier")
        ax.scatter(
            earlier,
            s.earlier_values,
            s=30,
            facecolors="white",
            edgecolors=_LINE,
            linewidths=1.0,
            zorder=3,
            gid="points-earlier",
        )
        ax.axvline(start - 0.5, color=_INK, lw=1.0, ls="--", zorder=1, gid="rebase")
    ax.hlines(
        [drawn.lpl, drawn.upl],
        left,
        right,
        colors=_LIMIT,
        linestyles="--",
        lw=1.3,
        gid="limits",
    )
    ax.hlines(drawn.mean, left, right, colors=_MEAN, lw=1.3, gid="mean")
    if s.baseline_month in s.periods:  # the baseline month that hid a signal, ringed
        at = s.periods.index(s.baseline_month)
        ax.scatter(
            [x[at]],
            [s.values[at]],
            s=220,
            facecolors="none",
            edgecolors=_INK,
            linewidths=1.4,
            zorder=4,
            gid="baseline-hides",
        )
    handles: list[Any] = []
    groups: dict[tuple[str, str], list[int]] = {}
    for i, (ptype, cause) in enumerate(zip(s.point_types, s.special_causes, strict=True)):
        groups.setdefault((point_kind(ptype), _marker(ptype, cause)), []).append(i)
    for (kind, marker), idx in sorted(groups.items(), key=lambda g: _ORDER.index(g[0][0])):
        special = kind != "common_cause"
        ax.scatter(
            [x[i] for i in idx],
            [s.values[i] for i in idx],
            marker=marker,
            s=72 if special else 34,
            color=MDC_COLOURS[kind],
            edgecolors="white" if special else MDC_COLOURS[kind],
            linewidths=0.6,
            zorder=3,
            gid=f"points-{kind}-{_MARKER_NAMES[marker]}",
        )
        if all(h.get_label() != _LEGEND_NAMES[kind] for h in handles):
            handles.append(_key(MDC_COLOURS[kind], _LEGEND_NAMES[kind], marker=marker))
    handles += [_key(_MEAN, "Mean"), _key(_LIMIT, "Process limits", style="--")]
    if drawn.target is not None:
        ax.hlines(drawn.target, left, right, colors=_TARGET, linestyles="--", lw=1.3, gid="target")
        handles.append(_key(_TARGET, "Standard", style="--"))
    handles.append(Patch(color=_WINDOW, label="Judged window"))
    if s.rebased_from is not None:
        handles.append(_key(_INK, f"Rebased: {short_month(s.rebased_from)}", style="--"))
    _possible_axis(ax, s.indicator)
    _label_lines(ax, drawn, s.unit, right)
    step = 3 if right - left <= 25 else 6 if right - left <= 72 else 12
    ticks = [t for t in range(x[0], int(right) + 1) if t % step == 0]
    ax.set_xticks(ticks, [short_month(month_text(t)) for t in ticks])
    ax.set_xlim(left - 0.3, right + 0.3)
    ax.set_ylabel(_axis_unit(s.unit))
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncols=min(len(handles), 4),
        fontsize=9.5,
    )


_ORDER = (
    "common_cause",
    "special_cause_concern",
    "special_cause_improvement",
    "special_cause_neutral",
)
_MARKER_NAMES: Final[dict[str, str]] = {
    "o": "circle",
    "^": "up",
    "v": "down",
    "s": "square",
    "D": "diamond",
}


def _key(
    colour: str, label: str, *, style: Literal["-", "--"] = "-", marker: str | None = None
) -> Any:
    """A legend entry: a line, or a marker alone."""
    from matplotlib.lines import Line2D

    if marker is not None:
        return Line2D(
            [], [], color=colour, marker=marker, linestyle="none", markersize=8, label=label
        )
    return Line2D([], [], color=colour, linestyle=style, lw=1.4, label=label)


def _axis_unit(unit: str) -> str:
    return "per cent" if unit == "%" else unit


def _possible_axis(ax: Axes, indicator: str) -> None:
    """The value axis no wider than the values the indicator can take (no axis below zero
    for a rate, none above 100 for a percentage)."""
    ind = BY_ID[indicator]
    low, high = ax.get_ylim()
    new_low = low if ind.low is None else max(low, ind.low)
    new_high = high if ind.high is None else min(high, ind.high)
    if new_high > new_low and (new_low, new_high) != (low, high):
        ax.set_ylim(new_low, new_high)


def _label_lines(ax: Axes, drawn: DrawnLines, unit: str, right: float) -> None:
    """Values of the limits and mean at the right end, as MDC's label_limits does, moved
    apart when they would overlap (a flat series puts all three on one line)."""
    u = "%" if unit == "%" else ""
    low, high = ax.get_ylim()
    gap = 0.075  # of the axes' height: one line of the labels' text
    lines = ((drawn.upl, "UPL"), (drawn.mean, "Mean"), (drawn.lpl, "LPL"))
    wanted = [((y - low) / (high - low), f"{t} {fmt(y)}{u}") for y, t in lines]
    placed: list[float] = []
    for frac, _ in wanted:  # from the top down
        placed.append(min(frac, placed[-1] - gap) if placed else frac)
    shift = max(0.0, gap / 2 - placed[-1])  # keep the lowest inside the axes
    for (_, text), frac in zip(wanted, placed, strict=True):
        ax.annotate(
            text,
            (right, frac + shift),
            xycoords=ax.get_xaxis_transform(),  # x in data, y in axes fraction
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8.5,
            color=_INK,
            annotation_clip=False,
        )


def funnel_chart(section: FunnelSection, *, chart_id: str) -> Chart:
    """A funnel plot of the provider among its peers (``qsgrules.reports.funnel_plot``)."""
    from .funnel_plot import funnel_chart as draw

    return draw(section, chart_id=chart_id)
