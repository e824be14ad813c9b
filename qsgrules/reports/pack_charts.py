"""A provider's indicators as the pack shows them: findings with their charts drawn.

Drawing is the slow part of a pack (matplotlib, about a quarter of a second a chart), so a
``ChartDrawer`` draws each provider's charts once, when first asked: the pack asks for every
provider once; the live page renders many times and asks only for the provider it shows.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from ..forked import Tell, streams
from ..indicators import BY_ID
from ..model.evidence import HardFinding
from ..model.proposal import Proposal
from ..model.series import IndicatorCharts
from .charts import Chart, funnel_chart, xmr_chart
from .cusum_chart import cusum_chart
from .funnel_plot import FunnelOutlier, dispersion_note, funnel_outliers
from .icons import Icon, series_icons

__all__ = ["ChartDrawer", "IndicatorIcons", "IndicatorView", "draw_indicator"]


@dataclass(frozen=True)
class IndicatorView:
    """One indicator of a provider's section: its findings and their charts (``note`` says
    why a chart is not drawn, when that is not simply for lack of data)."""

    indicator: str
    title: str
    domain: str
    findings: tuple[HardFinding, ...]
    xmr: Chart | None = None
    xmr_tested: bool = True
    funnel: Chart | None = None
    cusum: Chart | None = None
    note: str = ""
    # the Making Data Count icons of its XmR chart: the latest point's variation, and the
    # standard's assurance (None without a standard); none without an XmR chart
    variation: Icon | None = None
    assurance: Icon | None = None
    # the funnel's providers outside its limits, and why its limits are flat (when they are)
    outliers: tuple[FunnelOutlier, ...] = ()
    dispersion: str = ""


@dataclass(frozen=True)
class IndicatorIcons:
    """The Making Data Count icons of one indicator of a provider (no chart drawn)."""

    indicator: str
    title: str
    variation: Icon
    assurance: Icon | None


class ChartDrawer:
    """Draws the charts of each provider's indicators once, on first use; chart ids are
    unique among everything one drawer draws. Safe to share between threads (one chart is
    drawn at a time, whatever the drawer: matplotlib's caches are shared)."""

    _lock = threading.Lock()

    def __init__(self, charts: Mapping[tuple[str, str], IndicatorCharts]) -> None:
        self._charts = charts
        self._drawn: dict[str, tuple[IndicatorView, ...]] = {}
        self._count = 0

    def _next_id(self) -> str:
        self._count += 1
        return f"chart-{self._count}"

    def indicators(self, proposal: Proposal) -> tuple[IndicatorView, ...]:
        """The provider's indicators with a finding, by domain then title, charts drawn."""
        with self._lock:
            found = self._drawn.get(proposal.provider)
            if found is None:
                found = self._drawn[proposal.provider] = self._draw(proposal)
            return found

    @classmethod
    def reading(
        cls, charts: IndicatorCharts, *, findings: tuple[HardFinding, ...] = (), prefix: str
    ) -> IndicatorView:
        """One indicator's charts drawn now, whatever its findings (a page's reading of any
        indicator in any month), chart ids ``{prefix}-1``, ``{prefix}-2``..."""
        count = iter(range(1, 100))
        with cls._lock:
            return draw_indicator(
                charts, findings=findings, next_id=lambda: f"{prefix}-{next(count)}"
            )

    def icons(self, proposal: Proposal) -> tuple[IndicatorIcons, ...]:
        """The icons of the provider's indicators with a finding (in the order of its
        section), from their XmR series: nothing is drawn."""
        out = []
        for indicator, findings in _by_indicator(proposal):
            c = self._charts.get((proposal.provider, indicator))
            if c is not None and c.xmr is not None:
                variation, assurance = series_icons(c.xmr)
                out.append(IndicatorIcons(indicator, findings[0].title, variation, assurance))
        return tuple(out)

    def draw_ahead(self, proposals: Sequence[Proposal], jobs: int) -> None:
        """Draws the charts of these providers now, shared among ``jobs`` processes
        (``qsgrules.forked``), with the ids that asking for them in this order one by one
        would give: ``indicators`` then returns them as if drawn here, the same bytes."""
        with self._lock:
            todo: dict[str, tuple[Proposal, int]] = {}
            count = self._count
            for p in proposals:
                if p.provider not in self._drawn and p.provider not in todo:
                    todo[p.provider] = (p, count)
                    count += self._charts_of(p)
            plans = list(todo.values())
            if jobs <= 1 or len(plans) < 2:
                return  # drawn one by one when asked

            def work(k: int, tell: Tell) -> Iterator[tuple[str, tuple[IndicatorView, ...]]]:
                for proposal, first in plans[k::jobs]:
                    yield proposal.provider, self._draw(proposal, _ids_from(first))

            with streams(work, min(jobs, len(plans))) as parts:
                for part in parts:
                    for provider, views in part:
                        self._drawn[provider] = views
            self._count = count

    def _charts_of(self, proposal: Proposal) -> int:
        """How many charts ``_draw`` draws for the proposal (ids it takes)."""
        n = 0
        for indicator, findings in _by_indicator(proposal):
            c = self._charts.get((proposal.provider, indicator))
            if c is None:
                continue
            peer = any(f.test == "peer" for f in findings)
            n += (c.xmr is not None) + (peer and c.funnel is not None) + (c.cusum is not None)
        return n

    def _draw(
        self, proposal: Proposal, next_id: Callable[[], str] | None = None
    ) -> tuple[IndicatorView, ...]:
        views = []
        for indicator, findings in _by_indicator(proposal):
            c = self._charts.get((proposal.provider, indicator))
            peer = any(f.test == "peer" for f in findings)
            views.append(
                draw_indicator(
                    c or IndicatorCharts(provider=proposal.provider, indicator=indicator),
                    findings=tuple(findings),
                    funnel=peer,
                    next_id=next_id or self._next_id,
                )
            )
        return tuple(views)


def draw_indicator(
    charts: IndicatorCharts,
    *,
    findings: tuple[HardFinding, ...] = (),
    funnel: bool = True,
    next_id: Callable[[], str],
) -> IndicatorView:
    """One indicator's view with its charts drawn (the funnel only when ``funnel``: the pack
    draws one for a peer finding; a reading draws whatever there is). Chart ids come from
    ``next_id``. Call with the drawer's lock held or outside any drawer: matplotlib draws
    one chart at a time."""
    ind = BY_ID[charts.indicator]
    xmr = charts.xmr
    icons = series_icons(xmr) if xmr is not None else (None, None)
    section = charts.funnel if funnel else None
    return IndicatorView(
        indicator=charts.indicator,
        title=findings[0].title if findings else ind.title,
        domain=(findings[0].domain if findings else ind.domain).value.replace("_", " "),
        findings=findings,
        xmr=xmr_chart(xmr, chart_id=next_id()) if xmr is not None else None,
        xmr_tested=xmr.tested if xmr is not None else True,
        funnel=funnel_chart(section, chart_id=next_id()) if section is not None else None,
        cusum=(cusum_chart(charts.cusum, chart_id=next_id()) if charts.cusum is not None else None),
        note=charts.note,
        variation=icons[0],
        assurance=icons[1],
        outliers=funnel_outliers(section) if section is not None else (),
        dispersion=dispersion_note(section) if section is not None else "",
    )


def _ids_from(last: int) -> Callable[[], str]:
    """Chart ids after ``chart-{last}``, as a drawer that had drawn ``last`` charts gives."""
    numbers = itertools.count(last + 1)
    return lambda: f"chart-{next(numbers)}"


def _by_indicator(proposal: Proposal) -> list[tuple[str, list[HardFinding]]]:
    """The provider's findings by indicator, by domain then title (its section's order)."""
    by_indicator: dict[str, list[HardFinding]] = {}
    for h in proposal.evidence.hard:
        by_indicator.setdefault(h.indicator, []).append(h)
    return sorted(by_indicator.items(), key=lambda kv: (kv[1][0].domain.rank, kv[1][0].title))
