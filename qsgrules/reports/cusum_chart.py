"""The CUSUM chart: the sum month by month, its alert threshold and the months it alerted.

Drawn in the style of the XmR charts (``charts``): grey path, orange alerts (an upward or
downward triangle for the side of concern, so colour is never the only cue), red dashed
threshold, the judged months shaded. Its words are its alt text and caption.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..model.months import known_month, month_text
from ..model.numbers import short
from ..model.series import CusumSeries
from .chart_words import month_name, short_month
from .charts import (
    _INK,
    _LINE,
    _TARGET,
    _WINDOW,
    MDC_COLOURS,
    Chart,
    _drawing,
    _key,
    _render,
    _style,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["cusum_chart", "cusum_summary"]


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def cusum_summary(series: CusumSeries) -> str:
    """What the CUSUM chart shows, in words (its alt text and caption)."""
    s = series
    n = len(s.periods)
    first, last = month_name(s.periods[0]), month_name(s.periods[-1])
    side = "above" if s.direction == "above" else "below"
    text = (
        f"{s.tested[0].upper()}{s.tested[1:]}, the sum of the evidence that {s.title.lower()} "
        f"ran {side} the expected level, over the {n} months from {first} to {last}. "
    )
    judged = [p for p in s.alerts if s.window_start <= p <= s.window_end]
    window = f"{month_name(s.window_start)} to {month_name(s.window_end)}"
    if s.alerts:
        text += (
            f"It alerted in {_listed([month_name(p) for p in s.alerts])}: "
            f"{len(judged)} in the judged months, {window}. "
        )
    else:
        text += f"It did not alert; the judged months are {window}. "
    text += f"In {last} it stands at {short(s.statistic[-1])}. Alert threshold: {s.threshold}." + (
        " It restarts from zero after each alert." if s.reset else ""
    )
    return text


def cusum_chart(series: CusumSeries, *, chart_id: str) -> Chart:
    """The CUSUM of a provider's indicator with its threshold, judged months shaded."""
    alt = cusum_summary(series)
    data = {"chart": "cusum", **series.model_dump(mode="json")}
    with _drawing(chart_id, 9.0, 3.2) as fig:
        _draw_cusum(fig.add_subplot(), series)
        return Chart("cusum", chart_id, _render(fig, chart_id, data, alt), alt)


def _draw_cusum(ax: Axes, s: CusumSeries) -> None:
    from matplotlib.patches import Patch

    _style(ax)
    x = [known_month(p) for p in s.periods]
    left, right = x[0] - 0.5, x[-1] + 0.5
    first, last = known_month(s.window_start), known_month(s.window_end)
    ax.axvspan(first - 0.5, last + 0.5, color=_WINDOW, zorder=0, lw=0, gid="window")
    ax.plot(x, s.statistic, color=_LINE, linewidth=1.6, marker="o", ms=4, zorder=2, gid="sum")
    ax.hlines(s.h, left, right, colors=_TARGET, linestyles="--", lw=1.3, gid="threshold")
    handles: list[Any] = [
        _key(_LINE, "CUSUM"),
        _key(_TARGET, f"Alert threshold (h {s.h:.2f})", style="--"),
    ]
    alerts = [i for i, p in enumerate(s.periods) if p in set(s.alerts)]
    if alerts:
        marker = "^" if s.direction == "above" else "v"
        colour = MDC_COLOURS["special_cause_concern"]
        ax.scatter(
            [x[i] for i in alerts],
            [s.statistic[i] for i in alerts],
            marker=marker,
            s=72,
            color=colour,
            edgecolors="white",
            linewidths=0.6,
            zorder=3,
            gid="alerts",
        )
        handles.insert(1, _key(colour, "Alert", marker=marker))
    handles.append(Patch(color=_WINDOW, label="Judged months"))
    ax.set_ylim(0.0, max(ax.get_ylim()[1], s.h * 1.15))
    step = 3 if right - left <= 25 else 6 if right - left <= 72 else 12
    ticks = [t for t in range(x[0], int(right) + 1) if t % step == 0]
    ax.set_xticks(ticks, [short_month(month_text(t)) for t in ticks])
    ax.set_xlim(left - 0.3, right + 0.3)
    scale = "standard deviations" if s.method == "normal" else "log-likelihood ratio"
    ax.set_ylabel(f"CUSUM ({scale})", color=_INK)
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncols=len(handles),
        fontsize=9.5,
    )
