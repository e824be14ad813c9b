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

    @property
    def mark(self) -> str:
        if not self.stale:
            return ""
        return f"no data since {self.latest}" if self.latest else "no data"


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


class RulesetRef(Model):
    name: str
    version: str
    sha256: str


class Triage(Model):
    ruleset: RulesetRef
    as_of: str
    proposals: tuple[Proposal, ...]
    notes: tuple[str, ...] = ()  # one line each: what the triage did not use, and why
