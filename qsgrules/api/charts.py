"""Interrogating the indicators live: any indicator of any provider, in any month of the
data, and one indicator across every provider, recomputed on request.

Read-only: nothing here changes a triage (frozen or new), the workspace or the register.
The charts are computed by the same code as the findings' (``qsgrules.evidence.series``)
with the ruleset's settings and the rebases the triage applied, as of the month asked;
they are readings, not findings: the triage keeps its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..codes import Code
from ..errors import InputError, Problem, did_you_mean
from ..evidence.series import data_months, group_funnels, provider_charts, xmr_series
from ..indicators import BY_ID
from ..model.months import month_number, month_text
from ..model.proposal import Triage
from ..model.rebase import rebase_months
from ..model.series import FunnelSection, IndicatorCharts, XmrSeries
from ..ruleset import CompiledRuleset
from ..workspace import Workspace
from .inputs import open_inputs

__all__ = ["Across", "across_providers", "indicator_months", "interrogate"]


@dataclass(frozen=True)
class Across:
    """One indicator across every provider of a triage in one month: each provider's XmR
    series (those with two months of data or more) and one funnel per peer group (none
    without a peer test)."""

    indicator: str
    month: str
    xmr: dict[str, XmrSeries]
    funnels: tuple[FunnelSection, ...]


def _indicator(indicator: str) -> str:
    if indicator not in BY_ID:
        raise InputError(
            [
                Problem.for_argument(
                    "indicator",
                    f"unknown indicator {indicator[:80]!r}{did_you_mean(indicator, BY_ID)}; "
                    "the catalogue's ids are listed by qsg indicators",
                    Code.UNKNOWN_INDICATOR,
                )
            ]
        )
    return indicator


def indicator_months(workspace: Workspace, indicator: str) -> tuple[str, ...]:
    """The months (YYYY-MM) in which any provider has data for ``indicator``."""
    return tuple(month_text(m) for m in data_months(workspace, _indicator(indicator)))


def _month(workspace: Workspace, indicator: str, month: str) -> int:
    months = indicator_months(workspace, indicator)
    number = month_number(month)
    if number is None or month not in months:
        within = f"{months[0]} to {months[-1]}" if months else "none: it has no data"
        raise InputError(
            [
                Problem.for_argument(
                    "month",
                    f"{month[:20]!r} is not a month with data for {indicator} (YYYY-MM, "
                    f"within the data: {within})",
                    Code.NO_SUCH_MONTH,
                )
            ]
        )
    return number


def _rebases(result: Triage) -> dict[tuple[str, str], tuple[int, ...]]:
    # the series start again where the triage's own tests started them
    return rebase_months(r for p in result.proposals for r in p.rebases)


def interrogate(
    workspace: Workspace | str | Path | None,
    ruleset: CompiledRuleset | str | Path | None,
    result: Triage,
    provider: str,
    indicator: str,
    month: str,
) -> IndicatorCharts:
    """The XmR chart, funnel and CUSUM of one provider's indicator as of ``month`` (any
    month with data), with or without a finding; ``result`` (the page's triage) gives the
    rebases to apply. InputError for an unknown indicator or a month without data."""
    ws, rs = open_inputs(workspace, ruleset)
    number = _month(ws, _indicator(indicator), month)
    charts = provider_charts(ws, rs.spec, number, [(provider, indicator)], _rebases(result))
    return charts[(provider, indicator)]


def across_providers(
    workspace: Workspace | str | Path | None,
    ruleset: CompiledRuleset | str | Path | None,
    result: Triage,
    indicator: str,
    month: str,
) -> Across:
    """One indicator across every provider of ``result`` as of ``month``."""
    ws, rs = open_inputs(workspace, ruleset)
    number = _month(ws, _indicator(indicator), month)
    codes = [p.provider for p in result.proposals]
    series = xmr_series(ws, rs.spec, number, [(c, indicator) for c in codes], _rebases(result))
    return Across(
        indicator,
        month,
        {provider: s for (provider, _), s in series.items()},
        group_funnels(ws, rs.spec, number, indicator, codes),
    )
