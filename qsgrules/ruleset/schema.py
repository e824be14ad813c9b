"""The ruleset schema: what a YAML ruleset may say, checked by pydantic."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ..levels import Level
from ..model import Model

Severity = Literal["low", "moderate", "high", "critical"]
Reliability = Literal["A", "B", "C", "D", "E"]
Test = Literal["standard", "trend", "peer"]
Strength = Literal["notable", "strong"]
DomainName = Literal["safety", "effectiveness", "experience", "well_led"]


class Standard(Model):
    """A fixed standard: a breach when the value is beyond ``limit`` in enough recent months.

    ``direction`` defaults from the indicator's polarity (above for higher-is-worse).
    ``strong_limit`` (optional) marks a strong breach when passed in the same months.
    """

    limit: float
    strong_limit: float | None = None
    direction: Literal["above", "below"] | None = None
    months: int = Field(default=1, ge=1, le=36)
    min_months: int = Field(default=1, ge=1, le=36)
    rationale: str = ""

    @model_validator(mode="after")
    def _window(self) -> Standard:
        if self.min_months > self.months:
            raise ValueError("min_months cannot exceed months")
        return self


class IndicatorSettings(Model):
    standard: Standard | None = None


class SoftSettings(Model):
    """How a soft-intelligence item's weight is made (METHODS.md section 4)."""

    severity_points: dict[Severity, float]
    source_reliability: dict[Reliability, float]
    information_assessment: dict[int, float]
    half_life_days: float = Field(gt=0)
    domain_weights: dict[DomainName, float] = Field(default_factory=dict)

    @field_validator("severity_points")
    @classmethod
    def _all_severities(cls, v: dict[str, float]) -> dict[str, float]:
        return _complete(v, ["low", "moderate", "high", "critical"], "severity")

    @field_validator("source_reliability")
    @classmethod
    def _all_reliabilities(cls, v: dict[str, float]) -> dict[str, float]:
        return _complete(v, ["A", "B", "C", "D", "E"], "source reliability")

    @field_validator("information_assessment")
    @classmethod
    def _all_assessments(cls, v: dict[int, float]) -> dict[int, float]:
        return _complete(v, [1, 2, 3, 4, 5], "information assessment")


def _complete(v: dict[Any, float], keys: list[Any], what: str) -> dict[Any, float]:
    missing = [str(k) for k in keys if k not in v]
    if missing:
        raise ValueError(f"give a weight for every {what} code; missing: {', '.join(missing)}")
    extra = [str(k) for k in v if k not in keys]
    if extra:
        raise ValueError(f"unknown {what} codes: {', '.join(extra)}")
    negative = [str(k) for k, w in v.items() if w < 0]
    if negative:
        raise ValueError(f"weights cannot be negative (scores only add): {', '.join(negative)}")
    return v


class Rule(Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    description: str = Field(min_length=1)
    level: Level
    when: dict[str, Any]
    because: str = Field(min_length=1)

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, v: Any) -> Any:
        # strict mode would refuse the plain string for the enum
        if v == "no_concerns":
            raise ValueError(
                "a rule cannot propose no_concerns: a provider has it when no rule fires"
            )
        if isinstance(v, str) and v in Level.names():
            return Level(v)
        if isinstance(v, str):
            raise ValueError(f"unknown level {v!r}; use one of {', '.join(Level.names()[1:])}")
        return v


class Ruleset(Model):
    name: str
    version: str
    description: str = ""
    indicators: dict[str, IndicatorSettings] = Field(default_factory=dict)
    soft: SoftSettings
    rules: list[Rule] = Field(min_length=1)
