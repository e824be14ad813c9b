"""The ruleset schema: what a YAML ruleset may say, checked by pydantic."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from ..errors import did_you_mean
from ..model import Model
from ..model.ladder import DEFAULT_LADDER, Ladder, RungSpec
from ..model.vocabulary import (
    ASSESSMENTS,
    DEFAULT_CATEGORIES,
    DOMAINS,
    Direction,
    Domain,
    Reliability,
    Severity,
)
from .conditions import Condition


class Standard(Model):
    """A fixed standard: a breach when the value is beyond ``limit`` in enough recent months.

    ``direction`` defaults from the indicator's polarity (above for higher-is-worse).
    ``strong_limit`` (optional) marks a strong breach when passed in the same months.
    """

    limit: float
    strong_limit: float | None = None
    direction: Direction | None = None
    months: int = Field(default=1, ge=1, le=36)
    min_months: int = Field(default=1, ge=1, le=36)
    rationale: str = ""

    @field_validator("min_months")
    @classmethod
    def _window(cls, v: int, info: ValidationInfo) -> int:
        # a field validator, so that the problem is located at min_months itself
        months = info.data.get("months")
        if isinstance(months, int) and v > months:
            raise ValueError(
                f"cannot exceed months ({v} > {months}): a breach needs "
                f"min_months of the last `months` months; lower min_months or raise months"
            )
        return v


Signal = Literal["outside_limits", "trend", "two_in_three", "run"]
ALL_SIGNALS: tuple[Signal, ...] = ("outside_limits", "trend", "two_in_three", "run")
STRONG_SIGNALS: tuple[Signal, ...] = ("outside_limits",)


class TrendTest(Model):
    """A Making Data Count XmR chart of the provider's own series (docs/methods.md section 1).

    A breach when a special cause *of concern* (never improvement: the direction comes from
    the catalogue's polarity) of one of ``signals`` falls in the last ``months`` months up to
    the as-of month; strong when one of them is of a ``strong`` kind. A chart whose baseline
    has fewer than ``min_points`` months is not tested (see ``baseline``).
    """

    months: int = Field(default=6, ge=1, le=36)
    signals: list[Signal] = Field(default_factory=lambda: list(ALL_SIGNALS), min_length=1)
    strong: list[Signal] = Field(default_factory=lambda: list(STRONG_SIGNALS))
    screen_outliers: bool = True
    run_length: int = Field(default=7, ge=2, le=36)
    trend_length: int = Field(default=7, ge=2, le=36)
    min_points: int = Field(default=12, ge=2)
    # where the limits come from: by default the baseline_months points before the judged
    # window, fixed and extended over it; whole_series recomputes them over every point
    baseline: Literal["before_window", "whole_series"] = "before_window"
    baseline_months: int = Field(default=24, ge=2, le=120)
    direction: Direction | None = None
    rationale: str = ""


class PeerTest(Model):
    """A funnel plot of one month's cross-section (docs/methods.md section 2).

    A breach when the provider is outside the ``level`` limit on the side of concern; strong
    when outside ``strong_level``. Peers are providers of the same type in the workspace, or
    all of them; ``target`` (in the indicator's units) compares against a national norm
    instead of the pooled peer value.
    """

    level: float = 0.95
    strong_level: float = 0.998
    overdispersion: bool = True
    peers: Literal["provider_type", "all"] = "provider_type"
    target: float | None = None
    ratio_method: Literal["shmi", "cqc"] = "shmi"
    min_peers: int = Field(default=5, ge=2)
    direction: Direction | None = None
    rationale: str = ""

    @field_validator("level", "strong_level")
    @classmethod
    def _level(cls, v: float) -> float:
        if v not in (0.95, 0.998):
            raise ValueError(f"{v} is not a funnel level: use 0.95 or 0.998")
        return v

    @model_validator(mode="after")
    def _ordered(self) -> PeerTest:
        if self.strong_level < self.level:
            raise ValueError("strong_level must be at least level (0.998 is the stronger)")
        return self


class CusumTest(Model):
    """A CUSUM of the provider's own monthly series (docs/methods.md section 7): has it run
    above (or below) what is expected, and stayed there?

    It runs over the provider's last ``horizon_months`` months with data up to the as-of
    month, restarting from zero after each alert (``reset``), and is a breach when it alerts
    in one of its last ``months`` months with data. With counts (``method: counts``, or
    ``auto`` where every month has a numerator and a denominator) it is the log-likelihood
    CUSUM of observed against expected events testing ``relative_risk`` (a rate ratio for
    ratios and rates, an odds ratio for proportions): the expected events are the
    denominator for a ratio (observed / expected), and otherwise the denominator times
    ``target`` (in the indicator's units) or, without one, times the pooled rate of the
    provider's ``peers`` that month. Without counts (``method: normal``, or ``auto``) it is
    the standardised CUSUM (``k``) of the values against the mean and sigma of its first
    ``baseline_months`` months. The alert threshold is ``h`` when given, else set by
    simulation for a ``false_alarm`` probability over ``horizon_months`` at the provider's
    own volume and expected rate. A provider with fewer than ``min_points`` months is not
    tested.
    """

    method: Literal["auto", "counts", "normal"] = "auto"
    relative_risk: float = Field(default=2.0, gt=1.0, le=100.0, allow_inf_nan=False)
    k: float = Field(default=0.5, ge=0.0, le=5.0, allow_inf_nan=False)
    false_alarm: float = Field(default=0.05, ge=0.001, le=0.5, allow_inf_nan=False)
    horizon_months: int = Field(default=36, ge=6, le=120)
    h: float | None = Field(default=None, gt=0.0, le=1000.0, allow_inf_nan=False)
    reset: bool = True
    months: int = Field(default=3, ge=1, le=36)
    target: float | None = Field(default=None, gt=0.0, allow_inf_nan=False)
    peers: Literal["provider_type", "all"] = "provider_type"
    min_peers: int = Field(default=5, ge=2)
    baseline_months: int = Field(default=12, ge=2, le=120)
    min_points: int = Field(default=12, ge=2, le=120)
    direction: Direction | None = None
    rationale: str = ""

    @model_validator(mode="after")
    def _enough(self) -> CusumTest:
        if self.months > self.horizon_months:
            raise ValueError("months (the alert window) cannot exceed horizon_months")
        return self


class IndicatorSettings(Model):
    standard: Standard | None = None
    trend: TrendTest | None = None
    peer: PeerTest | None = None
    cusum: CusumTest | None = None


class SoftSettings(Model):
    """How a soft-intelligence item's weight is made (docs/methods.md section 4)."""

    severity_points: dict[Severity, float]
    source_reliability: dict[Reliability, float]
    information_assessment: dict[int, float]
    half_life_days: float = Field(gt=0, allow_inf_nan=False)
    domain_weights: dict[Domain, float] = Field(default_factory=dict)
    # the same concern (provider and domain) from two or more independent organisations,
    # received within this many days of each other (or linked by `corroborates`)...
    corroboration_window_days: int = Field(default=90, ge=0)
    # ...is corroborated, and each of those items' weight is multiplied by this (at least 1:
    # scores only ever add)
    corroboration_weight: float = Field(default=1.0, ge=1.0, le=1e6)
    # weight by source: a member's name, the organisation it is part of, or a kind of member
    # (healthwatch, commissioner, ...); the nearest match counts (the member, its parents,
    # then its kind). A name that matches nothing in a workspace is said in the triage's notes.
    source_weights: dict[str, float] = Field(default_factory=dict)
    # the kinds of item the QSG records (an item's `category`), and a weight for some
    categories: list[str] = Field(default_factory=lambda: list(DEFAULT_CATEGORIES))
    category_weights: dict[str, float] = Field(default_factory=dict)

    @field_validator("source_weights", "category_weights")
    @classmethod
    def _other_weights(cls, v: dict[str, float]) -> dict[str, float]:
        _weights(v)
        return v

    @field_validator("categories")
    @classmethod
    def _category_names(cls, v: list[str]) -> list[str]:
        bad = [c for c in v if not re.fullmatch(r"[a-z][a-z0-9_]*", c)]
        if bad:
            raise ValueError(
                f"a category is a lower-case word with underscores (never_event): {', '.join(bad)}"
            )
        return v

    @model_validator(mode="after")
    def _weighted_categories_exist(self) -> SoftSettings:
        unknown = [c for c in self.category_weights if c not in self.categories]
        if unknown:
            raise ValueError(
                f"category_weights names categories not in categories: {', '.join(unknown)}"
            )
        return self

    @field_validator("domain_weights")
    @classmethod
    def _domain_weights(cls, v: dict[str, float]) -> dict[str, float]:
        _weights(v)
        return v

    @field_validator("severity_points")
    @classmethod
    def _all_severities(cls, v: dict[str, float]) -> dict[str, float]:
        return _complete(v, Severity.values(), "severity")

    @field_validator("source_reliability")
    @classmethod
    def _all_reliabilities(cls, v: dict[str, float]) -> dict[str, float]:
        return _complete(v, Reliability.values(), "source reliability")

    @field_validator("information_assessment")
    @classmethod
    def _all_assessments(cls, v: dict[int, float]) -> dict[int, float]:
        return _complete(v, list(ASSESSMENTS), "information assessment")


def _complete(v: dict[Any, float], keys: list[Any], what: str) -> dict[Any, float]:
    missing = [str(k) for k in keys if k not in v]
    if missing:
        raise ValueError(f"give a weight for every {what} code; missing: {', '.join(missing)}")
    extra = [str(k) for k in v if k not in keys]
    if extra:
        raise ValueError(f"unknown {what} codes: {', '.join(extra)}")
    _weights(v)
    return v


#: The largest weight a ruleset may give (so that no product of weights overflows).
MAX_WEIGHT = 1e6


def _weights(v: dict[Any, float]) -> None:
    negative = [str(k) for k, w in v.items() if w < 0]
    if negative:
        raise ValueError(f"weights cannot be negative (scores only add): {', '.join(negative)}")
    huge = [str(k) for k, w in v.items() if not w <= MAX_WEIGHT]
    if huge:
        raise ValueError(f"weights must be finite and at most {MAX_WEIGHT:g}: {', '.join(huge)}")


def _ladder(info: ValidationInfo) -> Ladder:
    """The ladder the ruleset declares (the loader validates with it in the context)."""
    ladder = info.context.get("ladder") if isinstance(info.context, dict) else None
    return ladder if isinstance(ladder, Ladder) else DEFAULT_LADDER


def _domains(info: ValidationInfo) -> tuple[str, ...]:
    extra = info.context.get("domains") if isinstance(info.context, dict) else None
    return (*DOMAINS, *(extra if isinstance(extra, tuple) else ()))


def _known_level(v: Any, info: ValidationInfo, *, lowest: bool = True) -> Any:
    ladder = _ladder(info)
    if isinstance(v, str) and v in ladder and (lowest or v != ladder.lowest):
        return v
    if isinstance(v, str):
        names = ladder.names() if lowest else ladder.names()[1:]
        raise ValueError(
            f"unknown level {v!r}{did_you_mean(v, names)}; use one of {', '.join(names)}"
        )
    return v


def _known_domain(v: str | None, info: ValidationInfo) -> str | None:
    known = _domains(info)
    if v is not None and v not in known:
        raise ValueError(
            f"unknown domain {v!r}{did_you_mean(v, known)}; use one of {', '.join(known)} "
            "(or declare it under domains:)"
        )
    return v


class Rule(Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    description: str = Field(min_length=1)
    level: str
    when: Condition
    because: str = Field(min_length=1)
    # where the level applies: the provider as a whole, or one domain (``domain``)
    scope: Literal["provider", "domain"] = "provider"
    domain: str | None = None
    # what must hold for a provider standing at this level (in this scope) to come down
    # from it: until it does, the level is held even when ``when`` no longer holds
    exit: Condition | None = None

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, v: Any, info: ValidationInfo) -> Any:
        # strict mode would refuse the plain string for the enum
        ladder = _ladder(info)
        if v == ladder.lowest.value:
            raise ValueError(f"a rule cannot propose {v}: a provider has it when no rule fires")
        if isinstance(v, str) and v not in ladder:
            names = ladder.names()[1:]
            raise ValueError(
                f"unknown level {v!r}{did_you_mean(v, names)}; use one of {', '.join(names)}"
            )
        return v

    @field_validator("domain")
    @classmethod
    def _domain(cls, v: str | None, info: ValidationInfo) -> str | None:
        return _known_domain(v, info)

    @model_validator(mode="after")
    def _scoped(self) -> Rule:
        if (self.scope == "domain") != (self.domain is not None):
            raise ValueError("a rule with scope: domain names its domain (domain: safety)")
        return self


class Limit(Model):
    """A cap or a floor (``limits:``): where ``when`` holds, the level (of the provider, or
    of one ``domain``) is at least ``at_least`` or at most ``at_most``, whatever the rules
    propose. Applied after the rules; named in the explanation when it holds."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    description: str = Field(min_length=1)
    when: Condition
    at_least: str | None = None
    at_most: str | None = None
    domain: str | None = None

    @field_validator("at_least", "at_most", mode="before")
    @classmethod
    def _level(cls, v: Any, info: ValidationInfo) -> Any:
        return _known_level(v, info)

    @field_validator("domain")
    @classmethod
    def _domain(cls, v: str | None, info: ValidationInfo) -> str | None:
        return _known_domain(v, info)

    @model_validator(mode="after")
    def _one(self) -> Limit:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("a limit is exactly one of at_least (a floor) or at_most (a cap)")
        return self

    @property
    def level(self) -> str:
        return self.at_least or self.at_most or ""

    @property
    def floor(self) -> bool:
        return self.at_least is not None


class Expectation(Model):
    """A level and the condition under which a declared property speaks of it."""

    level: str
    when: Condition
    description: str = ""

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, v: Any, info: ValidationInfo) -> Any:
        return _known_level(v, info)


class Property(Model):
    """A property the ruleset declares and ``qsg verify`` checks on generated workspaces:
    where ``when`` holds, the level is ``at_least`` / ``at_most`` the one given, or
    ``never`` exactly it."""

    at_least: Expectation | None = None
    at_most: Expectation | None = None
    never: Expectation | None = None

    @model_validator(mode="after")
    def _one(self) -> Property:
        if sum(x is not None for x in (self.at_least, self.at_most, self.never)) != 1:
            raise ValueError("a property is exactly one of at_least, at_most or never")
        return self


class Ruleset(Model):
    name: str
    version: str
    description: str = ""
    # a provider whose latest data are this many months older than the as-of month (or who
    # has none) is marked stale: missing data are never read as "no concerns"
    stale_after_months: int = Field(default=3, ge=1, le=120)
    indicators: dict[str, IndicatorSettings] = Field(default_factory=dict)
    soft: SoftSettings
    rules: list[Rule] = Field(min_length=1)
    properties: list[Property] = Field(default_factory=list)
    # the ladder, lowest (no concerns) first; default: the 2013 guidance's four levels
    levels: list[RungSpec] | None = Field(default=None, min_length=2, max_length=12)
    # domains beyond the four quality domains that domain-scoped rules may name
    domains: list[str] = Field(default_factory=list, max_length=20)
    limits: list[Limit] = Field(default_factory=list)

    @field_validator("levels")
    @classmethod
    def _distinct_levels(cls, v: list[RungSpec] | None) -> list[RungSpec] | None:
        if v is not None:
            ids = [r.id for r in v]
            twice = sorted({i for i in ids if ids.count(i) > 1})
            if twice:
                raise ValueError(f"each level is declared once; twice: {', '.join(twice)}")
        return v

    @field_validator("domains")
    @classmethod
    def _new_domains(cls, v: list[str]) -> list[str]:
        bad = [d for d in v if not re.fullmatch(r"[a-z][a-z0-9_]*", d) or d in DOMAINS]
        if bad or len(set(v)) != len(v):
            raise ValueError(
                "each declared domain is a new lower-case word with underscores, given once "
                f"(the four quality domains are always there: {', '.join(DOMAINS)})"
            )
        return v

    @property
    def ladder(self) -> Ladder:
        return DEFAULT_LADDER if self.levels is None else Ladder(self.levels)

    @property
    def all_domains(self) -> tuple[str, ...]:
        return (*DOMAINS, *self.domains)
