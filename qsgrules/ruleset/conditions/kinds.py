"""Every kind of condition a rule's ``when`` may use: one class each, declaring all of itself.

Each kind knows, in one place (``base.py`` lists what it must declare), what a rule analyst
writes (its fields, validated once by pydantic with ``file:line:col``), what it means
(``SUMMARY``, shown by ``qsg conditions`` and in the docs' reference), what it measures
in a provider's facts (``measure``), what evidence it cites when it holds (``cite``), how
it reads in an explanation (``label``), what ``qsg check`` knows of it (``EVIDENCE``,
``SOFT``, ``counts_indicator``, ``ceiling``, ``never_holds``) and how the generator of
``qsg verify`` makes it hold (``aim``). A new kind is a new class here: it registers
itself, and the union of conditions (``union.py``) is built from the registry.
"""

from __future__ import annotations

import hashlib
import math
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from ...errors import did_you_mean
from ...indicators import BY_ID
from ...model.evidence import HardFinding, SoftFinding
from ...model.facts import ProviderFacts
from ...model.numbers import plain
from ...model.vocabulary import DOMAINS, Domain, HardTest, ProviderType, Strength
from .aims import Aims, SoftAim, tests_of
from .base import NOTHING, Choices, Cited, Kind, Leaf, _threshold
from .tree import AllOf, AnyOf, Atom, Node, Op, engine_number

if TYPE_CHECKING:
    from ..loader import CompiledRuleset


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
    test: HardTest | Literal["any"] = "any"
    strength: Strength = Strength.NOTABLE

    @field_validator("test", mode="before")
    @classmethod
    def _test(cls, v: Any) -> Any:
        allowed = [*HardTest.values(), "any"]
        if v not in allowed:
            raise ValueError(
                f"unknown test {v!r}{did_you_mean(str(v), allowed)}; use one of "
                + ", ".join(allowed)
            )
        return v if v == "any" else HardTest(v)

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

    # ---- analysis facts
    EVIDENCE = True
    SOFT = False

    def _tested(self, ruleset: CompiledRuleset, indicator: str) -> bool:
        tests = tests_of(ruleset, indicator)
        return bool(tests) if self.test == "any" else self.test in tests

    def counts_indicator(self, ruleset: CompiledRuleset, indicator: str) -> bool:
        return (
            self.indicator in (None, indicator)
            and self.domain in (None, BY_ID[indicator].domain)
            and self._tested(ruleset, indicator)
        )

    def countable(self, ruleset: CompiledRuleset) -> list[str]:
        """The indicators this could ever count, given the ruleset's tests."""
        scope = [self.indicator] if self.indicator else sorted(BY_ID)
        return [
            i
            for i in scope
            if (self.domain is None or BY_ID[i].domain == self.domain)
            and self._tested(ruleset, i)
            and (self.strength == "notable" or self._can_be_strong(ruleset, i))
        ]

    def _can_be_strong(self, ruleset: CompiledRuleset, indicator: str) -> bool:
        settings = ruleset.spec.indicators[indicator]
        tests = list(HardTest) if self.test == "any" else [HardTest(self.test)]
        for t in tests:  # a CUSUM alert is never strong
            if (
                t is HardTest.STANDARD
                and settings.standard
                and settings.standard.strong_limit is not None
            ):
                return True
            if t is HardTest.TREND and settings.trend and settings.trend.strong:
                return True
            if t is HardTest.PEER and settings.peer:
                return True
        return False

    def ceiling(self, ruleset: CompiledRuleset) -> float | None:
        return float(len(self.countable(ruleset)))

    def never_holds(self, ruleset: CompiledRuleset) -> str | None:
        if self.countable(ruleset):
            return None
        what = self.indicator or (f"{self.domain} indicators" if self.domain else "any indicator")
        test = "any test" if self.test == "any" else f"a {self.test} test"
        strong = " that can be strong" if self.strength == "strong" else ""
        return (
            f"never holds: no indicator in scope ({what}) has {test}{strong} configured "
            "under `indicators:`"
        )

    # ---- strategy aim
    def candidates(self, ruleset: CompiledRuleset) -> list[tuple[str, HardTest]]:
        """The (indicator, test) pairs whose breach this counts, under the ruleset."""
        found = []
        for ind in sorted(ruleset.spec.indicators):
            if self.indicator not in (None, ind):
                continue
            if self.domain is not None and BY_ID[ind].domain != self.domain:
                continue
            for test in tests_of(ruleset, ind):
                if self.test in ("any", test):
                    found.append((ind, test))
        return found

    def aim(self, ruleset: CompiledRuleset, choose: Choices, aims: Aims) -> None:
        wanted = self.wanted(1.0)
        options = self.candidates(ruleset)
        if wanted is None or not options:
            return
        n = min(len(options), max(1, math.ceil(wanted)))
        chosen = choose.ordering(options)[:n]
        for ind, test in chosen:
            aims.breach(ind, test, self.strength)


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

    # ---- analysis facts (of every soft scope)
    EVIDENCE = True
    SOFT = True

    def counts_indicator(self, ruleset: CompiledRuleset, indicator: str) -> bool:
        return False

    def never_holds(self, ruleset: CompiledRuleset) -> str | None:
        return None

    # ---- strategy aim
    def _target(self, choose: Choices, aims: Aims) -> SoftAim:
        """The soft aims of this scope's domain (one drawn when it names none)."""
        domain = self.domain or choose.one(list(Domain))
        target = aims.soft_in(domain)
        if self.category is not None:
            target.category = self.category
        return target


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

    def ceiling(self, ruleset: CompiledRuleset) -> float | None:
        return None  # weights add without bound

    def aim(self, ruleset: CompiledRuleset, choose: Choices, aims: Aims) -> None:
        target = self._target(choose, aims)
        wanted = self.wanted(0.5)
        if wanted is not None:
            target.weight = max(target.weight, wanted)


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

    def ceiling(self, ruleset: CompiledRuleset) -> float | None:
        return None  # the workspace's members, not the ruleset, bound it

    def aim(self, ruleset: CompiledRuleset, choose: Choices, aims: Aims) -> None:
        target = self._target(choose, aims)
        wanted = self.wanted(1.0)
        if wanted is not None:
            target.organisations = max(target.organisations, math.ceil(wanted))


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

    def ceiling(self, ruleset: CompiledRuleset) -> float | None:
        return 1.0 if self.domain else float(len(DOMAINS))

    def aim(self, ruleset: CompiledRuleset, choose: Choices, aims: Aims) -> None:
        self._target(choose, aims).corroborated = True


# ------------------------------------------------------------------------ the provider


class ProviderTypeIs(Kind):
    """``provider_type: acute`` or ``provider_type: [acute, community]``."""

    KIND = "provider_type"
    SUMMARY = "The provider's type is one of those given."
    MEASURES = "the provider's type (providers.csv)"
    EXAMPLE = "provider_type: [acute, community]"

    types: tuple[ProviderType, ...] = Field(min_length=1)

    attr: ClassVar[str] = "provider_type"
    label: ClassVar[str] = "provider type"

    @model_validator(mode="before")
    @classmethod
    def _listed(cls, v: Any) -> Any:
        if isinstance(v, str | ProviderType):
            return {"types": (v,)}
        if isinstance(v, list | tuple):
            return {"types": tuple(v)}
        return v

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

    # ---- analysis facts: a type is not evidence, and never changes
    EVIDENCE = False
    SOFT = False

    def counts_indicator(self, ruleset: CompiledRuleset, indicator: str) -> bool:
        return False

    def ceiling(self, ruleset: CompiledRuleset) -> float | None:
        return None

    def never_holds(self, ruleset: CompiledRuleset) -> str | None:
        return None

    # ---- strategy aim
    def aim(self, ruleset: CompiledRuleset, choose: Choices, aims: Aims) -> None:
        allowed = set(self.types)
        aims.types = allowed if aims.types is None else (aims.types & allowed) or aims.types


# ------------------------------------------------------------------------ hard and soft


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

    # ---- analysis facts
    EVIDENCE = True
    SOFT = True

    def counts_indicator(self, ruleset: CompiledRuleset, indicator: str) -> bool:
        return True  # a breach of any indicator may meet soft intelligence in its domain

    def ceiling(self, ruleset: CompiledRuleset) -> float | None:
        return 1.0 if self.domain else float(len(DOMAINS))

    def never_holds(self, ruleset: CompiledRuleset) -> str | None:
        return None

    # ---- strategy aim
    def aim(self, ruleset: CompiledRuleset, choose: Choices, aims: Aims) -> None:
        domains = [self.domain] if self.domain else list(Domain)
        domain = choose.one(domains)
        options = Breach(domain=domain).candidates(ruleset)
        if options:
            ind, test = choose.one(options)
            aims.breach(ind, test, Strength.NOTABLE)
            aims.soft_in(domain).weight = max(aims.soft_in(domain).weight, 0.5)
