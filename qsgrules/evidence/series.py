"""The whole charts behind trend and peer findings, by the same code path as the tests.

A trend finding keeps only its judged window and a peer finding only the provider's own
point; the meeting pack draws the whole XmR chart and the whole funnel. Both come from the
helpers the trend and peer tests themselves call (``trend_history``/``trend_charts``/
``judged`` and ``peer_groups``/``peer_funnel``) with the ruleset's settings, so the chart's
limits and flagged points are the proposal's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

from ..indicators import BY_ID
from ..model.evidence import HardFinding
from ..model.months import month_text
from ..model.observations import IntArray
from ..model.rebase import RebaseMonths, current_start
from ..model.series import FunnelPeer, FunnelSection, IndicatorCharts, XmrSeries
from ..model.vocabulary import Direction
from ..ruleset.schema import PeerTest, Ruleset
from ..stats.funnel import FunnelResult
from ..stats.spc import POINT_TYPES, SPECIAL_CAUSES, Improvement, assurance
from ..workspace import Workspace
from ..workspace.loader import Observations
from .baseline import chart_notes
from .cusum_findings import cusum_series
from .hard import concern_direction
from .peer import peer_funnel, peer_groups, peer_months
from .trend import reading_test, series_groups, trend_charts, trend_history

__all__ = [
    "CURVE_POINTS",
    "charts_agree",
    "data_months",
    "funnel_sections",
    "group_funnels",
    "indicator_charts",
    "provider_charts",
    "xmr_series",
]

#: How many denominators the funnel's limit curves are evaluated at.
CURVE_POINTS = 160


def indicator_charts(
    workspace: Workspace,
    spec: Ruleset,
    as_of: int,
    provider: str,
    indicator: str,
    rebases: RebaseMonths | None = None,
) -> IndicatorCharts:
    """The whole XmR chart and the funnel cross-section of one provider's indicator."""
    charts = provider_charts(workspace, spec, as_of, [(provider, indicator)], rebases)
    return charts[(provider, indicator)]


def provider_charts(
    workspace: Workspace,
    spec: Ruleset,
    as_of: int,
    wanted: Iterable[tuple[str, str]],
    rebases: RebaseMonths | None = None,
) -> dict[tuple[str, str], IndicatorCharts]:
    """Charts for many (provider, indicator) pairs, each indicator's data selected once.

    The XmR chart uses the indicator's trend test (NHSRplotthedots' defaults when the
    ruleset has none, marked ``tested=False``); the funnel exists only where the ruleset
    has a peer test and the provider was in a peer group it tested, the CUSUM only where it
    has a cusum test that could test the provider. A series the QSG rebased is charted
    (and tested) from its latest rebase; the months before it are drawn without limits.
    """
    by_indicator: dict[str, list[str]] = {}
    for provider, indicator in wanted:
        if indicator not in BY_ID:
            raise ValueError(f"unknown indicator {indicator!r}")
        by_indicator.setdefault(indicator, []).append(provider)
    out: dict[tuple[str, str], IndicatorCharts] = {}
    for indicator, providers in sorted(by_indicator.items()):
        xmrs = _xmr_series(
            workspace.observations, spec, as_of, indicator, set(providers), rebases or {}
        )
        funnels = _funnel_sections(workspace, spec, as_of, indicator, set(providers))
        settings = spec.indicators.get(indicator)
        cusums = (
            cusum_series(
                workspace.observations,
                indicator,
                settings.cusum,
                as_of,
                workspace.providers,
                set(providers),
                rebases,
            )
            if settings is not None and settings.cusum is not None
            else {}
        )
        for provider in providers:
            out[(provider, indicator)] = IndicatorCharts(
                provider=provider,
                indicator=indicator,
                xmr=xmrs.get(provider),
                funnel=funnels.get(provider),
                cusum=cusums.get(provider),
            )
    return out


def xmr_series(
    workspace: Workspace,
    spec: Ruleset,
    as_of: int,
    wanted: Iterable[tuple[str, str]],
    rebases: RebaseMonths | None = None,
) -> dict[tuple[str, str], XmrSeries]:
    """The XmR series alone of many (provider, indicator) pairs (no funnel, no CUSUM), as
    ``provider_charts`` computes them; a pair without two months of data is left out."""
    by_indicator: dict[str, set[str]] = {}
    for provider, indicator in wanted:
        if indicator not in BY_ID:
            raise ValueError(f"unknown indicator {indicator!r}")
        by_indicator.setdefault(indicator, set()).add(provider)
    out: dict[tuple[str, str], XmrSeries] = {}
    for indicator, providers in sorted(by_indicator.items()):
        for provider, series in _xmr_series(
            workspace.observations, spec, as_of, indicator, providers, rebases or {}
        ).items():
            out[(provider, indicator)] = series
    return out


def funnel_sections(
    workspace: Workspace,
    spec: Ruleset,
    as_of: int,
    indicator: str,
    providers: Iterable[str],
) -> dict[str, FunnelSection]:
    """The funnel section of each provider that the indicator's peer test puts in a peer
    group in ``as_of`` (none without a peer test), as ``provider_charts`` computes it."""
    if indicator not in BY_ID:
        raise ValueError(f"unknown indicator {indicator!r}")
    return _funnel_sections(workspace, spec, as_of, indicator, set(providers))


def group_funnels(
    workspace: Workspace,
    spec: Ruleset,
    as_of: int,
    indicator: str,
    providers: Iterable[str],
) -> tuple[FunnelSection, ...]:
    """One funnel per peer group that the indicator's peer test judged any of ``providers``
    in (by group), with no provider highlighted (``provider`` ""): the indicator looked at
    across providers. None without a peer test."""
    wanted = sorted(set(providers))
    sections = funnel_sections(workspace, spec, as_of, indicator, wanted)
    by_group: dict[str, FunnelSection] = {}
    for code in wanted:  # the group's peers are the whole group, whoever's section it is
        section = sections.get(code)
        if section is not None:
            by_group.setdefault(section.peer_group, section)
    return tuple(by_group[k].model_copy(update={"provider": ""}) for k in sorted(by_group))


def data_months(workspace: Workspace, indicator: str) -> tuple[int, ...]:
    """The months in which any provider has data for ``indicator``, in order."""
    obs = workspace.observations
    return tuple(sorted({int(p) for p in obs.period[obs.indicator_mask(indicator)]}))


def _xmr_series(
    obs: Observations,
    spec: Ruleset,
    as_of: int,
    indicator: str,
    wanted: set[str],
    rebases: RebaseMonths,
) -> dict[str, XmrSeries]:
    test, has_test = reading_test(spec, indicator)
    sub = trend_history(obs, indicator, as_of, rebases)
    if not len(sub):
        return {}
    settings = spec.indicators.get(indicator)
    standard = settings.standard if settings is not None else None
    direction = Direction(concern_direction(indicator, test.direction))
    improvement: Improvement = "decrease" if direction is Direction.ABOVE else "increase"
    ind = BY_ID[indicator]
    out: dict[str, XmrSeries] = {}
    for group in series_groups(sub, test, untested=True):
        here = [k for k, name in enumerate(group.names) if name in wanted]
        if not here:
            continue
        chart = trend_charts(sub, group, indicator, test)
        base = group.base if group.fixed else group.rows.shape[1]
        notes = chart_notes(sub, group, indicator, test, chart, here) if has_test else {}
        for k in here:
            rows = group.rows[k]
            periods = sub.period[rows]
            target = None if standard is None else standard.limit
            upl, lpl = float(chart.upl[k]), float(chart.lpl[k])
            types = [POINT_TYPES[c] for c in chart.point_type[k]]
            provider = group.names[k]
            earlier = _earlier(obs, indicator, provider, as_of, rebases, test.baseline_months)
            out[provider] = XmrSeries(
                provider=provider,
                indicator=indicator,
                title=ind.title,
                unit=ind.unit,
                periods=tuple(month_text(int(p)) for p in periods),
                values=tuple(float(v) for v in sub.value[rows]),
                special_causes=tuple(SPECIAL_CAUSES[c] for c in chart.special_cause[k]),
                point_types=tuple(types),
                mean=float(chart.mean[k]),
                mr_bar=float(chart.mr_bar[k]),
                lpl=lpl,
                upl=upl,
                near_lpl=float(chart.near_lpl[k]),
                near_upl=float(chart.near_upl[k]),
                trial_limits=bool(chart.trial_limits),
                screened=test.screen_outliers,
                direction=direction,
                # the months with data the trend test judges (its last ``months`` points)
                window_start=month_text(int(periods[len(periods) - group.judged])),
                window_end=month_text(int(periods[-1])),
                baseline_start=month_text(int(periods[0])),
                baseline_end=month_text(int(periods[base - 1])),
                tested=has_test and group.tested,
                signals=tuple(test.signals),
                target=target,
                variation=types[-1],
                assurance=assurance(target, lpl, upl, improvement),
                rebased_from=earlier.start,
                earlier_periods=earlier.periods,
                earlier_values=earlier.values,
                baseline_note=notes[k].text if k in notes else None,
                baseline_month=notes[k].month if k in notes else None,
            )
    return out


class Earlier(NamedTuple):
    start: str | None
    periods: tuple[str, ...]
    values: tuple[float, ...]


def _earlier(
    obs: Observations,
    indicator: str,
    provider: str,
    as_of: int,
    rebases: RebaseMonths,
    months: int,
) -> Earlier:
    """A rebased series' current process start, and its last ``months`` months before it
    (drawn for reading, without limits: they belong to the earlier process)."""
    start = current_start(rebases, provider, indicator, as_of)
    if start is None:
        return Earlier(None, (), ())
    k = int(np.searchsorted(obs.provider_names, provider))
    if k >= obs.provider_names.size or obs.provider_names[k] != provider:
        return Earlier(month_text(start), (), ())
    mask = (
        obs.indicator_mask(indicator)
        & (obs.codes[0] == k)
        & (obs.period < start)
        & (obs.period >= start - months)
    )
    rows = np.flatnonzero(mask)
    rows = rows[np.argsort(obs.period[rows], kind="stable")]
    return Earlier(
        month_text(start),
        tuple(month_text(int(p)) for p in obs.period[rows]),
        tuple(float(v) for v in obs.value[rows]),
    )


def _funnel_sections(
    workspace: Workspace, spec: Ruleset, as_of: int, indicator: str, wanted: set[str]
) -> dict[str, FunnelSection]:
    settings = spec.indicators.get(indicator)
    test = settings.peer if settings is not None else None
    if test is None:
        return {}
    out: dict[str, FunnelSection] = {}
    obs = workspace.observations
    for month, judged in peer_months(obs, indicator, as_of).items():
        for key, sub, idx in peer_groups(obs, indicator, test, month, workspace.providers):
            codes = [str(c) for c in sub.provider[idx]]
            here = [c for c in codes if c in wanted and c in judged]
            if here:
                out.update(_sections(indicator, test, sub, idx, codes, key, month, here))
    return out


def _sections(
    indicator: str,
    test: PeerTest,
    sub: Observations,
    idx: IntArray,
    codes: list[str],
    key: str,
    month: int,
    here: list[str],
) -> dict[str, FunnelSection]:
    """The sections of one peer group's funnel in ``month`` for the providers ``here``."""
    out: dict[str, FunnelSection] = {}
    chart = peer_funnel(indicator, test, sub, idx)
    shared = _funnel_shared(indicator, test, chart, codes, key, month)
    for code in here:
        j = codes.index(code)
        d = float(chart.denominators[j])
        lower, upper = chart.limits(d, test.level)
        s_lower, s_upper = chart.limits(d, test.strong_level)
        own = {
            "provider": code,
            "own_lower": lower,
            "own_upper": upper,
            "own_strong_lower": s_lower,
            "own_strong_upper": s_upper,
        }
        out[code] = FunnelSection.model_validate({**shared, **own})
    return out


def _funnel_shared(
    indicator: str, test: PeerTest, chart: FunnelResult, codes: list[str], key: str, as_of: int
) -> dict[str, object]:
    """What every provider's section of one peer group's funnel shares."""
    ind = BY_ID[indicator]
    outside = chart.outliers(test.level)
    outside_strong = chart.outliers(test.strong_level)
    d = chart.denominators
    grid = np.geomspace(max(float(np.min(d)) * 0.5, 1.0), float(np.max(d)) * 1.15, CURVE_POINTS)
    lower, upper = chart.limits(grid, test.level)
    s_lower, s_upper = chart.limits(grid, test.strong_level)
    peers = tuple(
        FunnelPeer(
            provider=code,
            numerator=float(chart.numerators[j]),
            denominator=float(d[j]),
            value=float(chart.values[j]),
            z=float(chart.z[j]),
            z_adjusted=float(chart.z_adjusted[j]),
            outside=int(outside[j]),
            outside_strong=int(outside_strong[j]),
        )
        for j, code in enumerate(codes)
    )
    return {
        "indicator": indicator,
        "title": ind.title,
        "unit": ind.unit,
        "scale": ind.scale,
        "period": month_text(as_of),
        "peer_group": key,
        "kind": chart.kind,
        "target": chart.target,
        "pooled_target": test.target is None,
        "phi": chart.phi,
        "tau2": chart.tau2,
        "overdispersion": chart.overdispersion,
        "adjusted": chart.adjusted,
        "level": test.level,
        "strong_level": test.strong_level,
        "direction": Direction(concern_direction(indicator, test.direction)),
        "peers": peers,
        "curve_denominators": tuple(float(x) for x in grid),
        "lower": tuple(float(x) for x in lower),
        "upper": tuple(float(x) for x in upper),
        "strong_lower": tuple(float(x) for x in s_lower),
        "strong_upper": tuple(float(x) for x in s_upper),
    }


def _same(a: float, b: float) -> bool:
    """Equal as findings keep numbers (6 decimal places, relative for large values)."""
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def charts_agree(findings: Iterable[HardFinding], charts: IndicatorCharts) -> bool:
    """Whether charts drawn now show what the findings (made earlier: a meeting's frozen
    triage) cite: every month a finding judged with its value, a trend finding's mean and
    process limits, a peer finding's funnel target, dispersion and number of peers, a CUSUM
    finding's threshold and alert months."""
    xmr, funnel, cusum = charts.xmr, charts.funnel, charts.cusum
    values = dict(zip(xmr.periods, xmr.values, strict=True)) if xmr is not None else {}
    for f in findings:
        for mv in f.months:
            if mv.period not in values or not _same(values[mv.period], mv.value):
                return False
        if f.spc is not None and (
            xmr is None
            or not all(
                _same(getattr(xmr, name), getattr(f.spc, name)) for name in ("mean", "lpl", "upl")
            )
        ):
            return False
        if f.cusum is not None and (
            cusum is None
            or not _same(cusum.h, f.cusum.h)
            or not set(f.cusum.alerts) <= set(cusum.alerts)
        ):
            return False
        if f.funnel is not None and (
            funnel is None
            or not _same(funnel.target, f.funnel.target)
            or not _same(funnel.phi, f.funnel.phi)
            or len(funnel.peers) != f.funnel.peers
        ):
            return False
    return True
