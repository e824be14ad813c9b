"""The whole charts behind hard findings: a provider's XmR series and its peers' funnel.

A finding keeps only the judged window; a chart needs every point. These carry the numbers
exactly as the trend and peer tests computed them (unrounded), so a chart drawn from them
shows the same limits and the same special causes as the proposal.
"""

from __future__ import annotations

from . import Model
from .vocabulary import Direction


class XmrSeries(Model):
    """A provider's XmR chart of one indicator up to the as-of month (Making Data Count).

    ``special_causes`` and ``point_types`` are the names of ``qsgrules.stats.spc``
    (``above_upper_limit``..., ``special_cause_concern``...), one per point. ``window_*``
    bound the months the trend test judges; ``baseline_*`` the months the limits come from.
    ``tested`` says whether the ruleset has a trend test for the indicator that this series
    is long enough for; otherwise the chart is drawn with the same code and NHSRplotthedots'
    defaults, for reading only.
    """

    provider: str
    indicator: str
    title: str
    unit: str
    periods: tuple[str, ...]
    values: tuple[float, ...]
    special_causes: tuple[str, ...]
    point_types: tuple[str, ...]
    mean: float
    mr_bar: float
    lpl: float
    upl: float
    near_lpl: float
    near_upl: float
    trial_limits: bool
    screened: bool
    direction: Direction  # the side of concern
    window_start: str
    window_end: str
    baseline_start: str
    baseline_end: str
    tested: bool
    signals: tuple[str, ...]  # the kinds of special cause the trend test counts
    target: float | None = None  # the indicator's fixed standard, when the ruleset has one
    variation: str  # the type of the last point (the MDC variation icon)
    assurance: str | None = None  # consistent_pass / consistent_fail / inconsistent
    # a series the QSG rebased: the month its current process starts (the chart's limits
    # are that process's), and the months before it, drawn without limits
    rebased_from: str | None = None
    earlier_periods: tuple[str, ...] = ()
    earlier_values: tuple[float, ...] = ()
    # a tested chart whose test did not fire because of its baseline: what the baseline did
    # (``qsgrules.evidence.baseline``), and the baseline month that hid a signal
    baseline_note: str | None = None
    baseline_month: str | None = None


class FunnelPeer(Model):
    """One provider on a funnel plot: its counts, value (0-1 scale for proportions), z-scores
    and where it falls (-1 below, 0 within, +1 above) at the test's two levels."""

    provider: str
    numerator: float
    denominator: float
    value: float
    z: float
    z_adjusted: float
    outside: int
    outside_strong: int


class FunnelSection(Model):
    """The funnel plot of the as-of month's cross-section in which a provider was judged.

    Values and limits are on the statistical scale (0-1 for proportions, as
    ``FunnelNumbers``); multiply by ``scale`` for the indicator's units. The limit curves are
    evaluated at ``curve_denominators``; ``own_*`` are the limits at the provider's own
    denominator.
    """

    provider: str
    indicator: str
    title: str
    unit: str
    scale: float
    period: str
    peer_group: str
    kind: str
    target: float
    pooled_target: bool  # the peers' pooled value (else the ruleset's national norm)
    phi: float
    tau2: float
    overdispersion: bool
    adjusted: bool
    level: float
    strong_level: float
    direction: Direction
    peers: tuple[FunnelPeer, ...]
    curve_denominators: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    strong_lower: tuple[float, ...]
    strong_upper: tuple[float, ...]
    own_lower: float
    own_upper: float
    own_strong_lower: float
    own_strong_upper: float


class CusumSeries(Model):
    """A provider's CUSUM of one indicator up to the as-of month, as the cusum test computed
    it (docs/methods.md section 7). ``statistic`` is the value reached each month (before a
    reset), ``alerts`` the months it reached ``h``, ``level`` the in-control value each month
    in the indicator's units; ``window_*`` bound the months judged; ``threshold`` says how
    ``h`` was set, in words."""

    provider: str
    indicator: str
    title: str
    unit: str
    method: str  # poisson, binomial or normal
    tested: str  # what the CUSUM tests, in words ("a CUSUM testing a doubling of the rate")
    periods: tuple[str, ...]
    values: tuple[float, ...]
    level: tuple[float, ...]
    statistic: tuple[float, ...]
    alerts: tuple[str, ...]
    h: float
    threshold: str
    direction: Direction
    reset: bool
    window_start: str
    window_end: str


class IndicatorCharts(Model):
    """What can be charted of one provider's indicator: its XmR series (None when there are
    fewer than two months), its peer funnel (None without a peer test, counts in the as-of
    month, or a peer group large enough to test) and its CUSUM (None without a cusum test
    that could test the provider). ``note`` says why both are left out
    when the data would draw other numbers than the findings cite (a meeting's frozen
    triage after the data or the ruleset changed)."""

    provider: str
    indicator: str
    xmr: XmrSeries | None = None
    funnel: FunnelSection | None = None
    cusum: CusumSeries | None = None
    note: str = ""  # why nothing is charted when it is not for lack of data
