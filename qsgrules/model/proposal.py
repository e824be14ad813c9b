"""Proposals: what the triage says of each provider, and why."""

from __future__ import annotations

from typing import Literal

from ..model.vocabulary import Level
from . import Model
from .evidence import HardFinding, SoftFinding
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
    # the QSG's last decision, from the register; set after the triage (the engine never
    # sees the register), null when none is recorded
    standing: Standing | None = None


class RulesetRef(Model):
    name: str
    version: str
    sha256: str


class Triage(Model):
    ruleset: RulesetRef
    as_of: str
    proposals: tuple[Proposal, ...]
