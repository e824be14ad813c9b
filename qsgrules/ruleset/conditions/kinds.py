"""Every kind of condition a rule's ``when`` may use: one typed model each, with its meaning.

Each leaf kind knows, in one place, what a rule analyst writes (its fields, validated once
by pydantic with ``file:line:col``), what it means (``SUMMARY``, shown by ``qsg conditions``
and in the README's reference), what it measures in a provider's facts (``measure``), what
evidence it cites when it holds (``cite``), and how it reads in an explanation (``label``).
``all``, ``any`` and ``not`` combine them. ``compile_condition`` turns a typed condition into
the comparison tree the engine and the oracle evaluate (``tree.py``).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from ...errors import did_you_mean
from ...indicators import BY_ID
from ...model import Model
from ...model.evidence import HardFinding, SoftFinding
from ...model.facts import ProviderFacts
from ...model.numbers import plain
from ...model.vocabulary import Domain, ProviderType, Strength, Test
from .tree import DECIMALS, LARGEST, NEGATE, AllOf, AnyOf, Atom, Node, Op, engine_number

Cited = tuple[Sequence[HardFinding], Sequence[SoftFinding]]
NOTHING: Cited = ((), ())


def _threshold(v: float | None) -> float | None:
    if v is None:
        return v
    if not math.isfinite(v):
        raise ValueError(f"{v!r} is not a finite number")
    if abs(v) >= LARGEST:
        raise ValueError(f"{v!r} is too large: use a number below {LARGEST:g}")
    if round(float(v), DECIMALS) != float(v):
        raise ValueError(
            f"{v!r} has more than {DECIMALS} decimal places; numbers are compared to "
            f"{DECIMALS} places: round it"
        )
    return float(v)


class Leaf(Model):
    """A condition that measures one thing about a provider and compares it with bounds.

    With neither ``min`` nor ``max`` it holds when the measure is above zero.
    """

    KIND: ClassVar[str]
    SUMMARY: ClassVar[str]
    MEASURES: ClassVar[str]  # what the number is, for the reference
    EXAMPLE: ClassVar[str]
    BOUNDED: ClassVar[bool] = True  # takes min and max

    min: float | None = None
    max: float | None = None

    @field_validator("min", "max", mode="before")
    @classmethod
    def _number(cls, v: Any) -> Any:
        if isinstance(v, bool) or (v is not None and not isinstance(v, int | float)):
            raise ValueError(f"must be a number (got {v!r})")
        return v

    @field_validator("min", "max")
    @classmethod
    def _comparable(cls, v: float | None) -> float | None:
        return _threshold(v)

    @model_validator(mode="after")
    def _bounds(self) -> Leaf:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min:g}) is above max ({self.max:g}): never true")
        if not self.BOUNDED and self.max is not None:
            raise ValueError(
                f'"{self.KIND}" takes no max: more of it can only add to the evidence; '
                "write `not` around it if you mean at most"
            )
        return self

    @property
    def attr(self) -> str:
        """The profile attribute this leaf's measure is stored under (unique per meaning)."""
        raise NotImplementedError

    @property
    def label(self) -> str:
        raise NotImplementedError

    def measure(self, facts: ProviderFacts) -> float | str:
        raise NotImplementedError

    def cite(self, facts: ProviderFacts) -> Cited:
        """The evidence that makes the measure what it is (cited when the leaf holds)."""
        return NOTHING

    def grounded(self, facts: ProviderFacts) -> bool:
        """True when a measure of zero still rests on evidence the provider has, so that
        more of the same kind would raise it ("What would raise it" may then name it).
        Most measures are zero exactly when there is no such evidence."""
        return False

    def comparisons(self) -> list[tuple[Op, float | str]]:
        found: list[tuple[Op, float | str]] = []
        if self.min is not None:
            found.append((">=", self.min))
        if self.max is not None:
            found.append(("<=", self.max))
        return found or [(">", 0.0)]

    def compile(self, negated: bool) -> Node:
        atoms = tuple(
            Atom(self.attr, NEGATE[op] if negated else op, value, self.label, self)
            for op, value in self.comparisons()
        )
        if len(atoms) == 1:
            return atoms[0]
        return AnyOf(atoms) if negated else AllOf(atoms)


def _in(value: str, scope: str | None) -> bool:
    return scope is None or value == scope


def _in_category(s: SoftFinding, category: str | None) -> bool:
    return category is None or s.category == category


# ------------------------------------------------------------------------ hard data


class Breach(Leaf):
    KIND = "breach"
    SUMMARY = (
        "Hard-data breaches: how many distinct indicators have a finding of the given test "
        "(standard, trend, peer, cusum; any by default) and strength (notable includes strong; "
        "a CUSUM alert is notable), for "
        "one indicator, one domain's indicators, or all of them."
    )
    MEASURES = "the number of distinct indicators breached (two tests of one indicator count once)"
    EXAMPLE = "breach: {indicator: ae_4hr_type1, test: trend, strength: strong}"

    indicator: str | None = None
    domain: Domain | None = None
    test: Test | Literal["any"] = "any"
    strength: Strength = Strength.NOTABLE

    @field_validator("test", mode="before")
    @classmethod
    def _test(cls, v: Any) -> Any:
        allowed = [*Test.values(), "any"]
        if v not in allowed:
            raise ValueError(
                f"unknown test {v!r}{did_you_mean(str(v), allowed)}; use one of "
                + ", ".join(allowed)
            )
        return v if v == "any" else Test(v)

    @field_validator("indicator")
    @classmethod
    def _known(cls, v: str | None) -> str | None:
        if v is not None and v not in BY_ID:
            raise ValueError(
                f"unknown indicator {v!r}{did_you_mean(v, BY_ID)}; see `qsg indicators`"
            )
        return v

    @model_validator(mode="after")
    def _one_scope(self) -> Breach:
        if self.indicator is not None and self.domain is not None:
            raise ValueError(
                "give either indicator or domain, not both (an indicator has one domain)"
            )
        return self

    @property
    def attr(self) -> str:
        scope = (
            f"i_{self.indicator}"
            if self.indicator
            else (f"d_{self.domain}" if self.domain else "all")
        )
        return f"b__{scope}__{self.test}__{self.strength}"

    @property
    def label(self) -> str:
        what = self.indicator or (f"{self.domain} indicators" if self.domain else "any indicator")
        words = [
            "strong" if self.strength is Strength.STRONG else "",
            "" if self.test == "any" else str(self.test),
        ]
        return " ".join(w for w in [*words, "breaches of", what] if w)

    def matches(self, f: HardFinding) -> bool:
        return (
            _in(f.indicator, self.indicator)
            and _in(f.domain, self.domain)
            and (self.test == "any" or f.test == self.test)
            and f.strength >= self.strength
        )

    def measure(self, facts: ProviderFacts) -> float:
        return float(len({f.indicator for f in facts.hard if self.matches(f)}))

    def cite(self, facts: ProviderFacts) -> Cited:
        return [f for f in facts.hard if self.matches(f)], ()


class HardAndSoft(Leaf):
    KIND = "hard_and_soft"
    SUMMARY = (
        "Quality domains where a hard breach and counted soft intelligence meet: hard data and "
        "intelligence pointing the same way. With a domain, 1 when that domain has both."
    )
    MEASURES = (
        "the number of domains with both a hard breach and counted soft intelligence (weighing "
        "at least `soft_min` in that domain, when given)"
    )
    EXAMPLE = "hard_and_soft: {soft_min: 3}"
    BOUNDED = False  # more domains can only add: a ceiling would lower levels as evidence grows

    domain: Domain | None = None
    # the soft weight the domain's own items must reach (above zero when not given)
    soft_min: float | None = None

    @field_validator("soft_min", mode="before")
    @classmethod
    def _soft_number(cls, v: Any) -> Any:
        if isinstance(v, bool) or (v is not None and not isinstance(v, int | float)):
            raise ValueError(f"must be a number (got {v!r})")
        return v

    @field_validator("soft_min")
    @classmethod
    def _soft_comparable(cls, v: float | None) -> float | None:
        return _threshold(v)

    def _domains(self, facts: ProviderFacts) -> set[str]:
        breached = {f.domain for f in facts.hard}
        weights: dict[str, float] = {}
        for s in facts.counted:
            weights[s.domain] = weights.get(s.domain, 0.0) + s.weight
        enough = {
            d
            for d, w in weights.items()
            if (w >= self.soft_min if self.soft_min is not None else w > 0)
        }
        return {d for d in breached & enough if _in(d, self.domain)}

    @property
    def attr(self) -> str:
        floor = "" if self.soft_min is None else f"__s{engine_number(self.soft_min)}"
        return f"hs__{self.domain or 'all'}{floor}"

    @property
    def label(self) -> str:
        soft = (
            "a soft concern" if self.soft_min is None else f"soft weight >= {plain(self.soft_min)}"
        )
        if self.domain:
            return f"hard breach and {soft} in {self.domain}"
        return f"domains with both a hard breach and {soft}"

    def measure(self, facts: ProviderFacts) -> float:
        return float(len(self._domains(facts)))

    def cite(self, facts: ProviderFacts) -> Cited:
        domains = self._domains(facts)
        return (
            [f for f in facts.hard if f.domain in domains],
            [s for s in facts.counted if s.domain in domains and s.weight > 0],
        )


# ------------------------------------------------------------------------ soft intelligence


class _SoftScope(Leaf):
    """Counted soft items in scope: one domain (or all), one category (or any), and from
    some sources (or any): a source is named by the member, the organisation it is part
    of, or its kind of member (healthwatch, commissioner, ...)."""

    domain: Domain | None = None
    category: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    source: tuple[str, ...] | None = Field(default=None, min_length=1)

    @field_validator("source", mode="before")
    @classmethod
    def _sources(cls, v: Any) -> Any:
        if isinstance(v, str):
            return (v,)
        return tuple(v) if isinstance(v, list) else v

    def _from(self, s: SoftFinding) -> bool:
        if self.source is None:
            return True
        return bool({s.source, s.organisation, s.source_kind} & set(self.source))

    def items(self, facts: ProviderFacts) -> list[SoftFinding]:
        return [
            s
            for s in facts.counted
            if _in(s.domain, self.domain) and _in_category(s, self.category) and self._from(s)
        ]

    @property
    def scope(self) -> str:
        parts = [str(self.domain or "all")]
        if self.category:
            parts.append(f"c_{self.category}")
        if self.source:
            digest = hashlib.sha256("\x1f".join(sorted(self.source)).encode()).hexdigest()
            parts.append(f"s_{digest[:10]}")
        return "__".join(parts)

    def _qualified(self, words: str) -> str:
        if self.category:
            words += f" ({self.category.replace('_', ' ')})"
        if self.source:
            words += f" from {', '.join(self.source)}"
        return words


class Soft(_SoftScope):
    KIND = "soft"
    SUMMARY = (
        "Weighted soft intelligence: the sum of the weights of the counted items, in one "
        "domain or in all domains. Scores only ever add."
    )
    MEASURES = "the total weight of the counted soft items in scope"
    EXAMPLE = "soft: {domain: safety, min: 8}"

    @property
    def attr(self) -> str:
        return f"soft__{self.scope}"

    @property
    def label(self) -> str:
        words = f"soft {self.domain} score" if self.domain else "soft score in all domains"
        return self._qualified(words)

    def measure(self, facts: ProviderFacts) -> float:
        return round(sum(s.weight for s in self.items(facts)), 6)

    def cite(self, facts: ProviderFacts) -> Cited:
        return (), [s for s in self.items(facts) if s.weight > 0]


class Organisations(_SoftScope):
    KIND = "organisations"
    SUMMARY = (
        "Independent member organisations raising concerns: how many different organisations "
        "have counted items with weight in scope (one organisation's items count once)."
    )
    MEASURES = "the number of independent organisations with counted items in scope"
    EXAMPLE = "organisations: {domain: safety, min: 2}"

    @property
    def attr(self) -> str:
        return f"orgs__{self.scope}"

    @property
    def label(self) -> str:
        words = (
            f"organisations raising {self.domain} concerns"
            if self.domain
            else "organisations raising concerns"
        )
        return self._qualified(words)

    def measure(self, facts: ProviderFacts) -> float:
        # independent organisations: HEE London and HEE are one
        return float(len({s.organisation or s.source for s in self.items(facts) if s.weight > 0}))

    def cite(self, facts: ProviderFacts) -> Cited:
        return (), [s for s in self.items(facts) if s.weight > 0]


class Corroborated(_SoftScope):
    KIND = "corroborated"
    SUMMARY = (
        "Concerns corroborated across independent organisations (the same provider and domain, "
        "within the ruleset's corroboration window or linked by `corroborates`): the number of "
        "domains corroborated, or 1 when the given domain is."
    )
    MEASURES = "the number of domains with corroborated counted items in scope"
    EXAMPLE = "corroborated: {domain: safety}"
    BOUNDED = False  # more corroboration can only add

    def _corroborated(self, facts: ProviderFacts) -> list[SoftFinding]:
        return [s for s in self.items(facts) if s.corroborated_by and s.weight > 0]

    @property
    def attr(self) -> str:
        return f"corr__{self.scope}"

    @property
    def label(self) -> str:
        words = (
            f"{self.domain} concerns corroborated across organisations"
            if self.domain
            else "domains with concerns corroborated across organisations"
        )
        return self._qualified(words)

    def measure(self, facts: ProviderFacts) -> float:
        return float(len({s.domain for s in self._corroborated(facts)}))

    def cite(self, facts: ProviderFacts) -> Cited:
        return (), self._corroborated(facts)

    def grounded(self, facts: ProviderFacts) -> bool:
        # concerns in scope not yet corroborated: another organisation raising the same
        # kind of concern would corroborate them (no evidence of a new kind)
        return any(s.weight > 0 for s in self.items(facts))


# ------------------------------------------------------------------------ the provider


class ProviderTypeIs(Model):
    """``provider_type: acute`` or ``provider_type: [acute, community]``."""

    KIND: ClassVar[str] = "provider_type"
    SUMMARY: ClassVar[str] = "The provider's type is one of those given."
    MEASURES: ClassVar[str] = "the provider's type (providers.csv)"
    EXAMPLE: ClassVar[str] = "provider_type: [acute, community]"

    types: tuple[ProviderType, ...] = Field(min_length=1)

    attr: ClassVar[str] = "provider_type"
    label: ClassVar[str] = "provider type"

    def measure(self, facts: ProviderFacts) -> str:
        return str(facts.type)

    def cite(self, facts: ProviderFacts) -> Cited:
        return NOTHING

    def grounded(self, facts: ProviderFacts) -> bool:
        return False  # a provider's type does not change

    def compile(self, negated: bool) -> Node:
        op: Op = "!=" if negated else "=="
        found = tuple(Atom(self.attr, op, str(t), self.label, self) for t in self.types)
        if len(found) == 1:
            return found[0]
        return AllOf(found) if negated else AnyOf(found)


# ------------------------------------------------------------------------ the union


class BreachCondition(Model):
    breach: Breach


class SoftCondition(Model):
    soft: Soft


class OrganisationsCondition(Model):
    organisations: Organisations


class CorroboratedCondition(Model):
    corroborated: Corroborated


class HardAndSoftCondition(Model):
    hard_and_soft: HardAndSoft


class ProviderTypeCondition(Model):
    provider_type: ProviderTypeIs

    @field_validator("provider_type", mode="before")
    @classmethod
    def _listed(cls, v: Any) -> Any:
        if isinstance(v, str | ProviderType):
            return {"types": (v,)}
        if isinstance(v, list | tuple):
            return {"types": tuple(v)}
        return v


class AllCondition(Model):
    all: list[Condition] = Field(min_length=1)


class AnyCondition(Model):
    any: list[Condition] = Field(min_length=1)


class NotCondition(Model):
    not_: Condition = Field(alias="not")


LEAF_CONDITIONS: dict[str, type[Model]] = {
    "breach": BreachCondition,
    "soft": SoftCondition,
    "organisations": OrganisationsCondition,
    "corroborated": CorroboratedCondition,
    "provider_type": ProviderTypeCondition,
    "hard_and_soft": HardAndSoftCondition,
}
LEAVES: dict[str, type[Leaf] | type[ProviderTypeIs]] = {
    "breach": Breach,
    "soft": Soft,
    "organisations": Organisations,
    "corroborated": Corroborated,
    "provider_type": ProviderTypeIs,
    "hard_and_soft": HardAndSoft,
}
COMBINERS: dict[str, str] = {
    "all": "every condition in the list holds",
    "any": "at least one condition in the list holds",
    "not": "the condition does not hold (lowers a level as evidence grows: use with care)",
}
KIND_NAMES: list[str] = [*COMBINERS, *LEAVES]


def condition_kind(v: Any) -> str | None:
    """The discriminator: a condition is a mapping with exactly one key, its kind."""
    if isinstance(v, dict):
        return next(iter(v)) if len(v) == 1 and next(iter(v)) in KIND_NAMES else None
    models: dict[str, type[Model]] = {
        **LEAF_CONDITIONS,
        "all": AllCondition,
        "any": AnyCondition,
        "not": NotCondition,
    }
    return next((name for name, model in models.items() if isinstance(v, model)), None)


Condition = Annotated[
    Annotated[BreachCondition, Tag("breach")]
    | Annotated[SoftCondition, Tag("soft")]
    | Annotated[OrganisationsCondition, Tag("organisations")]
    | Annotated[CorroboratedCondition, Tag("corroborated")]
    | Annotated[ProviderTypeCondition, Tag("provider_type")]
    | Annotated[HardAndSoftCondition, Tag("hard_and_soft")]
    | Annotated[AllCondition, Tag("all")]
    | Annotated[AnyCondition, Tag("any")]
    | Annotated[NotCondition, Tag("not")],
    Discriminator(
        condition_kind,
        custom_error_type="condition_kind",
        custom_error_message="not a condition",
    ),
]

for _model in (AllCondition, AnyCondition, NotCondition):
    _model.model_rebuild()


def leaf_of(condition: Model) -> Leaf | ProviderTypeIs | None:
    """The leaf inside a leaf condition (None for all/any/not)."""
    for name in LEAF_CONDITIONS:
        if hasattr(condition, name):
            leaf: Leaf | ProviderTypeIs = getattr(condition, name)
            return leaf
    return None


def compile_condition(condition: Model, negated: bool = False) -> Node:
    """A typed condition as a comparison tree, in negation normal form."""
    if isinstance(condition, AllCondition | AnyCondition):
        parts = condition.all if isinstance(condition, AllCondition) else condition.any
        compiled = tuple(compile_condition(p, negated) for p in parts)
        conj = isinstance(condition, AllCondition) != negated  # De Morgan
        return AllOf(compiled) if conj else AnyOf(compiled)
    if isinstance(condition, NotCondition):
        return compile_condition(condition.not_, not negated)
    leaf = leaf_of(condition)
    assert leaf is not None, condition
    return leaf.compile(negated)


def leaves(
    condition: Model, path: tuple[str | int, ...] = (), negated: bool = False
) -> Iterator[tuple[Leaf | ProviderTypeIs, bool, tuple[str | int, ...]]]:
    """Each leaf of a typed condition, whether it is negated, and its path in the YAML."""
    if isinstance(condition, AllCondition | AnyCondition):
        key = "all" if isinstance(condition, AllCondition) else "any"
        parts = condition.all if isinstance(condition, AllCondition) else condition.any
        for i, part in enumerate(parts):
            yield from leaves(part, (*path, key, i), negated)
        return
    if isinstance(condition, NotCondition):
        yield from leaves(condition.not_, (*path, "not"), not negated)
        return
    leaf = leaf_of(condition)
    assert leaf is not None
    yield leaf, negated, (*path, leaf.KIND)


def walk(condition: Model, visit: Callable[[Model, bool], None], negated: bool = False) -> None:
    """Call ``visit(condition, negated)`` on every condition in the tree, outermost first."""
    visit(condition, negated)
    if isinstance(condition, AllCondition | AnyCondition):
        for part in condition.all if isinstance(condition, AllCondition) else condition.any:
            walk(part, visit, negated)
    elif isinstance(condition, NotCondition):
        walk(condition.not_, visit, not negated)
