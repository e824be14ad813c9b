"""Proposals: what the triage says of each provider, and why."""

from __future__ import annotations

from typing import Literal

from ..model.vocabulary import Level
from . import Model
from .evidence import HardFinding, SoftFinding
from .rebase import Rebase, RebaseSuggestion
from .standing import Standing


class ConditionMet(Model):
    type: Literal["condition"] = "condition"
    condition: str
    value: float | str


class HardRef(Model):
    type: Literal["hard"] = "hard"
    indicator: str
    test: str
    strength: str
    period: str
    value: float
    limit: float
    detail: str


class SoftRef(Model):
    type: Literal["soft"] = "soft"
    id: str
    source: str
    domain: str
    weight: float
    formula: str


class FiredRule(Model):
    id: str
    level: Level
    description: str
    because: str
    evidence: tuple[ConditionMet | HardRef | SoftRef, ...]


class Lacking(Model):
    condition: str
    needs: float | str
    value: float | str
    text: str


class Nearest(Model):
    """The closest rule above the proposed level that did not fire, and what it lacked."""

    rule: str
    level: Level
    lacks: tuple[Lacking, ...]
    text: str


class IndicatorCoverage(Model):
    """How far one tested indicator's data reach, and how much of its tests' window is empty."""

    indicator: str
    latest: str  # the latest month with data, up to the as-of month
    window_months: int  # the months up to the as-of month its tests look at
    missing_months: int  # of those, the months with no row
    # months from ``latest`` to the month of the triage's date (0: data for that month); the
    # tests judge the last ``window_months`` months with data, from ``judged_from`` (null in
    # triages frozen before these were recorded)
    lag_months: int | None = None
    judged_from: str | None = None


class Coverage(Model):
    """A provider's data for the ruleset's tested indicators, as of the triage's month.

    ``stale`` when the latest data are the ruleset's ``stale_after_months`` or more months
    old, or when there are none: then no finding can come from the missing months, and the
    proposal is marked ``no data since YYYY-MM`` (or ``no data``) wherever it is shown.
    """

    latest: str | None
    stale: bool
    missing_months: int
    indicators: tuple[IndicatorCoverage, ...]
    # months from ``latest`` to the month of the triage's date: how far the data lag behind
    # it (null with no data, and in triages frozen before it was recorded)
    lag_months: int | None = None

    @property
    def mark(self) -> str:
        if not self.stale:
            return ""
        return f"no data since {self.latest}" if self.latest else "no data"

    def behind(self, when: str = "the date") -> str:
        """How far the data lag behind the date ("data to 2019-03, 2 months behind the
        meeting"), from the first missing month; "" when they reach its month."""
        if not self.lag_months or self.latest is None:
            return ""
        months = "month" if self.lag_months == 1 else "months"
        return f"data to {self.latest}, {self.lag_months} {months} behind {when}"


class SoftChange(Model):
    """How one soft item weighs on the triage's date against an earlier date."""

    id: str
    source: str
    received: str
    weight_then: float
    weight_now: float
    why: str  # "decayed: 15 to 60 days old (half-life 182 days)", "closed on ...", ...


class Lowered(Model):
    """Why a provider's level is lower on the triage's date than on the last day of its
    latest month with data, when its hard findings were the same: the soft items that
    weigh less (decay, closure, expiry), each named."""

    level: Level  # the level proposed on ``on``
    on: str  # the last day of the provider's latest month with data
    items: tuple[SoftChange, ...]
    text: str


class Evidence(Model):
    hard: tuple[HardFinding, ...]
    soft: tuple[SoftFinding, ...]


class Proposal(Model):
    provider: str
    name: str
    type: str
    level: Level
    rules: tuple[FiredRule, ...]
    evidence: Evidence
    nearest: Nearest | None = None
    coverage: Coverage | None = None
    # the QSG's last decision, from the register; set after the triage (the engine never
    # sees the register), null when none is recorded
    standing: Standing | None = None
    # the rebases the QSG recorded for this provider that the tests applied, and the
    # sustained shifts that would warrant one (suggested, never applied)
    rebases: tuple[Rebase, ...] = ()
    rebase_suggestions: tuple[RebaseSuggestion, ...] = ()
    # set when the level is lower than on the last day of the provider's data: soft decay
    lowered: Lowered | None = None


class RulesetRef(Model):
    name: str
    version: str
    sha256: str


class Triage(Model):
    """Proposals made on a date (``on``, a day: soft intelligence counts up to it) with the
    data up to the month ``as_of`` (each provider's and indicator's latest month with data,
    never later; its proposal's coverage says how far behind the date they are)."""

    ruleset: RulesetRef
    as_of: str
    # the date the triage is made on, YYYY-MM-DD (``--on``, a meeting's date; with
    # ``--as-of`` the last day of that month); null in triages frozen before it was recorded
    on: str | None = None
    proposals: tuple[Proposal, ...]
    notes: tuple[str, ...] = ()  # one line each: what the triage did not use, and why
