"""Interrogating live (guidance, chapter 8): any indicator of a provider in any month of the
data, and one indicator across every provider, recomputed on request and read-only.

Each reading goes through ``qsgrules.api.charts`` (never the engine): the page's triage,
frozen or new, is only read (for its rebases and findings) and never changed. Readings
are drawn once and kept (a bounded cache per server): the same question asked again in
the meeting costs nothing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, Response, abort, redirect, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from ..api.charts import across_providers, indicator_months, interrogate
from ..indicators import BY_ID, CATALOGUE
from ..model.series import FunnelSection, IndicatorCharts
from ..reports.pack import ChartDrawer, IndicatorView
from ..reports.sparkline import sparkline
from ..reports.summary import SummaryCell, cell_of
from .live import LiveReview, Snapshot

__all__ = ["AcrossRow", "Readings", "add_routes"]

_KEPT = 64  # readings kept per server
T = TypeVar("T")


@dataclass(frozen=True)
class AcrossRow:
    """One provider in the small multiples: its latest value, icons and small chart."""

    provider: str
    name: str
    level: Any
    cell: SummaryCell
    chart: Any  # Markup: the sparkline, or None without a series
    concern_points: int  # special causes of concern in the judged window


@dataclass(frozen=True)
class AcrossView:
    indicator: str
    title: str
    month: str
    rows: tuple[AcrossRow, ...]
    funnels: tuple[IndicatorView, ...]


class Readings:
    """The readings drawn so far, newest kept (thread-safe)."""

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...], make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                found: T = self._kept[key]
                return found
        value = make()  # outside the lock: drawing takes its own
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > _KEPT:
                self._kept.popitem(last=False)
        return value


def _month_arg(snap: Snapshot) -> str:
    return request.args.get("month", "")[:20] or snap.triage.as_of


def _indicator_arg(default: str = "") -> str:
    return request.args.get("indicator", default)[:100]


def add_routes(app: Flask, live: LiveReview, page: Callable[..., Response]) -> None:
    """The reading of one provider's indicator and of one indicator across providers."""
    readings = Readings()
    choices = [(i.id, i.title) for i in CATALOGUE]

    def reading(snap: Snapshot, code: str, indicator: str, month: str) -> IndicatorView:
        def make() -> IndicatorView:
            charts = interrogate(live.workspace, live.ruleset, snap.triage, code, indicator, month)
            proposal = next(p for p in snap.triage.proposals if p.provider == code)
            # the triage's own findings, shown only for its own month (else: a reading)
            findings = (
                tuple(h for h in proposal.evidence.hard if h.indicator == indicator)
                if month == snap.triage.as_of
                else ()
            )
            return ChartDrawer.reading(charts, findings=findings, prefix="reading")

        meeting = snap.meeting.id if snap.meeting is not None else None
        return readings.get(("one", meeting, code, indicator, month), make)

    def across(snap: Snapshot, indicator: str, month: str) -> AcrossView:
        def make() -> AcrossView:
            found = across_providers(live.workspace, live.ruleset, snap.triage, indicator, month)
            rows = []
            for p in snap.triage.proposals:
                s = found.xmr.get(p.provider)
                concern = (
                    sum(
                        1
                        for period, t in zip(s.periods, s.point_types, strict=True)
                        if t == "special_cause_concern" and period >= s.window_start
                    )
                    if s is not None
                    else 0
                )
                rows.append(
                    AcrossRow(
                        p.provider,
                        p.name,
                        p.level,
                        cell_of(indicator, s, month),
                        sparkline(s) if s is not None else None,
                        concern,
                    )
                )
            # by concern: the latest month's variation and assurance, then the points of
            # concern in the judged window, then the code
            rows.sort(
                key=lambda r: (
                    -r.cell.concern[0],
                    -r.cell.concern[1],
                    -r.concern_points,
                    r.provider,
                )
            )
            funnels = tuple(
                ChartDrawer.reading(_charts_of(section), prefix=f"across-{k}")
                for k, section in enumerate(found.funnels, start=1)
            )
            return AcrossView(indicator, BY_ID[indicator].title, month, tuple(rows), funnels)

        meeting = snap.meeting.id if snap.meeting is not None else None
        return readings.get(("across", meeting, indicator, month), make)

    def months(indicator: str) -> list[str]:
        return list(reversed(indicator_months(live.workspace, indicator)))

    @app.get("/provider/<path:code>/chart")
    def provider_chart(code: str) -> Response:
        snap = live.snapshot(shown=[code])
        if code not in {p.provider for p in snap.triage.proposals}:
            abort(404, f"no provider {code!r} in this triage")
        indicator = _indicator_arg()
        month = _month_arg(snap)
        view = reading(snap, code, indicator, month)  # InputError: 400 with its message
        return page(
            snap,
            code=code,
            mode="reading",
            extra={
                "reading": view,
                "reading_month": month,
                "indicator_choices": choices,
                "month_choices": months(indicator),
                "across_url": url_for("across", indicator=indicator, month=month),
            },
        )

    @app.get("/across", endpoint="across")
    def across_page() -> WerkzeugResponse:
        snap = live.snapshot(shown=[])
        indicator = _indicator_arg()
        if not indicator:
            return redirect(url_for("across", indicator=CATALOGUE[0].id), code=303)
        month = _month_arg(snap)
        view = across(snap, indicator, month)
        return page(
            snap,
            mode="across",
            extra={
                "across_view": view,
                "indicator_choices": choices,
                "month_choices": months(indicator),
            },
        )


def _charts_of(section: FunnelSection) -> IndicatorCharts:
    """A peer group's funnel to draw alone, no provider highlighted (provider "")."""
    return IndicatorCharts(
        provider="",
        indicator=section.indicator,
        funnel=section.model_copy(update={"provider": ""}),
    )
