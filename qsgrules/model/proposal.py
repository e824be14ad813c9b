"""Proposals: what the triage says of each provider, and why."""

from __future__ import annotations

import json
from typing import Any, ClassVar, Literal

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from . import Model
from .evidence import BaselineNote, HardFinding, SoftFinding
from .ladder import DEFAULT_LADDER, LevelName, RungSpec, ladder_of_specs
from .rebase import Rebase, RebaseSuggestion
from .standing import Standing


class Sparse(Model):
    """A model whose fields named in ``_SPARSE`` are left out of its JSON when empty: what
    a ladder, domains, exits and limits add is absent where a ruleset uses none of them,
    so that such a ruleset's output is byte for byte what it was before they existed."""

    _SPARSE: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _sparse(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for key in self._SPARSE:
                if key in data and data[key] in (None, (), [], {}):
                    del data[key]
        return data


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


class FiredRule(Sparse):
    _SPARSE = ("domain",)

    id: str
    level: LevelName
    description: str
    because: str
    evidence: tuple[ConditionMet | HardRef | SoftRef, ...]
    domain: str | None = None  # the domain the rule's level applies to (scope: domain)


class Lacking(Model):
    condition: str
    needs: float | str
    value: float | str
    text: str


class Nearest(Model):
    """The closest rule above the proposed level that did not fire, and what it lacked."""

    rule: str
    level: LevelName
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

    level: LevelName  # the level proposed on ``on``
    on: str  # the last day of the provider's latest month with data
    items: tuple[SoftChange, ...]
    text: str


class Evidence(Model):
    hard: tuple[HardFinding, ...]
    soft: tuple[SoftFinding, ...]


class ExitStatus(Sparse):
    """Whether a provider may come down from the level it stands at (in one scope): the
    exit criteria the ruleset's rules at that level declare, and those the QSG agreed at its
    decision as a condition (``agreed``), checked on the triage's data."""

    _SPARSE = ("agreed",)

    scope: str  # "provider", or the domain
    level: LevelName  # the standing level
    since: str | None  # when the QSG decided it (YYYY-MM-DD)
    met: bool
    rules: tuple[str, ...]  # the rules whose exit criteria these are
    conditions: tuple[ConditionMet, ...]  # the exit conditions that hold
    lacks: tuple[Lacking, ...]  # what is still missing (empty when met)
    text: str
    # the exit criteria agreed at the decision, as the condition's text (absent: none)
    agreed: str | None = None


class LimitApplied(Model):
    """A cap or floor whose condition holds, and what it did to the level."""

    id: str
    kind: Literal["floor", "cap"]
    level: LevelName  # at least (a floor) or at most (a cap) this
    scope: str  # "provider", or the domain
    description: str
    before: LevelName
    after: LevelName
    conditions: tuple[ConditionMet, ...]
    text: str


class Proposal(Sparse):
    _SPARSE = ("domains", "exits", "limits", "baseline")

    provider: str
    name: str
    type: str
    level: LevelName
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
    # where a trend test's baseline kept it from judging or hid a signal (never silence)
    baseline: tuple[BaselineNote, ...] = ()
    # set when the level is lower than on the last day of the provider's data: soft decay
    lowered: Lowered | None = None
    # the level per domain, for a ruleset with domain-scoped rules (each domain that a
    # rule, a held level or a limit put above the ladder's lowest rung)
    domains: dict[str, LevelName] = Field(default_factory=dict)
    # the exit criteria of each level the provider stands at, checked (hysteresis)
    exits: tuple[ExitStatus, ...] = ()
    # the caps and floors whose conditions hold
    limits: tuple[LimitApplied, ...] = ()


class RulesetRef(Model):
    name: str
    version: str
    sha256: str


class Triage(Sparse):
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
    # the ruleset's ladder, lowest first, when it declares one (absent: the 2013 ladder)
    ladder: tuple[RungSpec, ...] | None = None

    _SPARSE = ("ladder",)


def read_triage(data: str | bytes) -> Triage:
    """A triage from its JSON, each level a rung of the ladder the triage declares."""
    ladder = DEFAULT_LADDER
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if b'"ladder"' in raw:
        declared = json.loads(raw).get("ladder")
        if isinstance(declared, list):
            ladder = ladder_of_specs(tuple(RungSpec.model_validate(r) for r in declared))
    return Triage.model_validate_json(raw, context={"ladder": ladder})
