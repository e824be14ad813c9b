"""Findings: the evidence behind a proposal, with every number that made it."""

from __future__ import annotations

from . import Model
from .vocabulary import Direction, Domain, Handling, HardTest, Severity, Strength


class MonthValue(Model):
    period: str
    value: float
    numerator: float | None = None
    denominator: float | None = None
    breached: bool


class SpcSignal(Model):
    period: str
    value: float
    special_cause: str


class SpcNumbers(Model):
    """The XmR chart behind a trend finding."""

    mean: float
    mr_bar: float
    lpl: float
    upl: float
    near_lpl: float
    near_upl: float
    points: int
    first_period: str
    trial_limits: bool
    screened: bool
    signals: tuple[SpcSignal, ...]  # the points of concern in the window
    # the points the mean and limits come from (the first ones of the chart)
    baseline_points: int
    baseline_from: str
    baseline_to: str


class FunnelNumbers(Model):
    """The funnel plot behind a peer finding (proportions on the 0-1 scale)."""

    target: float
    phi: float
    tau2: float
    adjusted: bool
    z: float
    z_adjusted: float
    numerator: float
    denominator: float
    level: float
    lower: float
    upper: float
    peers: int
    peer_group: str


class CusumNumbers(Model):
    """The CUSUM behind a cusum finding (docs/methods.md section 7): how it was set up, its
    threshold and how that was set, and the sustained stretch that made it alert."""

    method: str  # poisson, binomial or normal
    relative_risk: float | None  # counts: the rate ratio (poisson) or odds ratio tested
    k: float | None  # normal: the reference value, in standard deviations
    h: float
    h_given: bool  # the ruleset's h; else set by simulation for the false-alarm probability
    false_alarm: float | None
    achieved: float | None  # the false-alarm probability in the simulations
    standard_error: float | None
    simulations: int | None
    horizon_months: int
    volume: float | None  # counts: the expected events a month the threshold was set for
    reset: bool
    basis: str  # where the expected level comes from, in words
    points: int  # months the CUSUM ran over
    first_period: str
    since: str  # the first month of the sustained stretch that alerted
    alerts: tuple[str, ...]  # the alert months among those judged
    statistic: float  # at the last alert
    observed: float  # over the stretch: events (counts) or the mean value (normal)
    expected: float  # expected events over the stretch (counts) or the baseline mean


class HardFinding(Model):
    """A hard-data signal for one provider and indicator, from one test."""

    indicator: str
    title: str
    domain: Domain
    unit: str
    test: HardTest
    strength: Strength
    period: str  # the latest month the test looked at
    value: float  # the value in that month
    limit: float
    strong_limit: float | None = None
    direction: Direction
    months: tuple[MonthValue, ...]
    detail: str  # one line, with the numbers
    spc: SpcNumbers | None = None
    funnel: FunnelNumbers | None = None
    cusum: CusumNumbers | None = None


class SoftFactor(Model):
    name: str
    value: float
    why: str


class SoftFinding(Model):
    """One soft-intelligence item and how its weight was made."""

    id: str
    source: str
    received: str
    domain: Domain
    severity: Severity
    grading: str
    age_days: int
    summary: str
    handling: Handling
    counted: bool
    weight: float
    factors: tuple[SoftFactor, ...]
    formula: str
    corroborated_by: tuple[str, ...] = ()
    note: str = ""
    # the independent organisation the source is part of (itself when it has no parent), the
    # source's kind of member, and the item's category: what conditions may select by
    organisation: str = ""
    source_kind: str = ""
    category: str | None = None


class BaselineNote(Model):
    """What a trend test's baseline did to a provider's chart, where it may have hidden a
    concern (Making Data Count: investigate a baseline that holds a special cause).

    ``hides_signal``: the test did not fire because a month of the baseline is itself a
    special cause (beyond the limits computed without it): ``month``, ``value`` and the
    ``limit`` it is beyond; without it, the test would find ``special_cause`` in ``period``.
    ``too_short``: the chart has months to judge but too few before them (``points`` of
    ``needed``) to draw limits from, so the test did not judge it at all.
    """

    indicator: str
    title: str
    kind: str  # hides_signal or too_short
    month: str | None = None
    value: float | None = None
    limit: float | None = None
    period: str | None = None
    special_cause: str | None = None
    points: int | None = None
    needed: int | None = None
    text: str
