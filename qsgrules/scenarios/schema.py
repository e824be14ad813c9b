"""The scenario file format: an inline workspace, a ruleset, a month and what to expect.

A scenario file holds one scenario (``name``, ``workspace``, ``expect``...) or several under
``scenarios:`` sharing the file's ``ruleset`` and ``as_of``. The workspace's contents are
checked by the workspace loader itself (the same checks as ``qsg triage --workspace``);
this schema checks the shape. See docs/trust.md, "Scenario tests".
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from ..model import Model
from ..ruleset.conditions import Condition

Scalar = str | int | float | None
#: The months qsgrules reasons about: 1948-01 to 2100-12.
SERIES_MONTHS = 153 * 12


class ProviderRow(Model):
    code: str = Field(min_length=1)
    type: str
    name: str = ""
    qsg: str = "Scenario QSG"


class MemberRow(Model):
    name: str = Field(min_length=1)
    kind: str
    title: str = ""
    parent: str = ""
    aliases: list[str] = Field(default_factory=list)


class IndicatorRows(Model):
    """One row (``period`` and ``value``) or a monthly series (``from`` and ``values``),
    with ``numerator``/``denominator`` (or ``numerators``/``denominators``) when counted."""

    provider: str
    indicator: str
    period: str | None = None
    value: Scalar = None
    numerator: Scalar = None
    denominator: Scalar = None
    from_: str | None = Field(default=None, alias="from")
    # a series is at most the months from 1948-01 to 2100-12 (a million values ran for
    # minutes before the months were found out of range)
    values: list[Scalar] | None = Field(default=None, max_length=SERIES_MONTHS)
    numerators: list[Scalar] | None = Field(default=None, max_length=SERIES_MONTHS)
    denominators: list[Scalar] | None = Field(default=None, max_length=SERIES_MONTHS)

    @model_validator(mode="after")
    def _row_or_series(self) -> IndicatorRows:
        counted = self.numerators is not None and self.denominators is not None
        series = self.from_ is not None or self.values is not None or counted
        row = self.period is not None or self.numerator is not None or self.value is not None
        if series == row:
            raise ValueError("give either period and value (one row) or from and values (a series)")
        if series and (self.from_ is None or (self.values is None and not counted)):
            raise ValueError("a series needs from (YYYY-MM) and values (or the counts)")
        size = len(self.values if self.values is not None else self.numerators or [])
        for name in ("values", "numerators", "denominators"):
            given = getattr(self, name)
            if given is not None and len(given) != size:
                raise ValueError("values, numerators and denominators must be as long")
        return self

    @property
    def size(self) -> int:
        return len(self.values if self.values is not None else self.numerators or [])


class InlineWorkspace(Model):
    providers: list[ProviderRow] = Field(min_length=1)
    members: list[MemberRow] = Field(default_factory=list)
    indicators: list[IndicatorRows] = Field(default_factory=list)
    intelligence: list[dict[str, Any]] = Field(default_factory=list)


class Cites(Model):
    """The evidence a fired rule cites: ``indicator:test`` (``:strength``) and item ids."""

    hard: list[str] = Field(default_factory=list)
    soft: list[str] = Field(default_factory=list)


class StandingSpec(Model):
    """Where a provider stands before the triage (the QSG's last decision): its level, per
    domain too, and since when; a level whose rules declare exit criteria is held until
    they hold."""

    level: str | None = None
    domains: dict[str, str] = Field(default_factory=dict)
    since: str | None = None
    # exit criteria agreed at that decision, as conditions, by scope ("provider" for the
    # level overall, or a domain): the level is held until they hold too
    exit_when: dict[str, Condition] = Field(default_factory=dict)


class ProviderExpectation(Model):
    level: str
    # each domain's level (a domain not named is at the ladder's lowest rung)
    domains: dict[str, str] | None = None
    # for each scope ("provider" or a domain) where the provider stands at a level with
    # exit criteria, whether they are met
    exits: dict[str, Literal["met", "not_met"]] | None = None
    # exactly the limits (caps and floors) whose condition holds
    limits: list[str] | None = None
    rules: list[str] | None = None  # exactly the rules that fire (any order)
    cites: dict[str, Cites] = Field(default_factory=dict)
    met: dict[str, list[str]] = Field(default_factory=dict)  # conditions met, as explained
    because: dict[str, str] = Field(default_factory=dict)


class ScenarioSpec(Model):
    name: str = ""
    description: str = ""
    ruleset: str | None = None
    as_of: str | None = None
    workspace: InlineWorkspace
    standing: dict[str, StandingSpec] = Field(default_factory=dict)
    expect: dict[str, ProviderExpectation] = Field(min_length=1)


class ScenarioFileSpec(Model):
    ruleset: str | None = None
    as_of: str | None = None
    description: str = ""
    scenarios: list[ScenarioSpec] = Field(min_length=1)
