"""Rule conditions: parsed from a rule's ``when``, compiled to a tree of comparisons.

A condition is compiled once, in negation normal form, into ``Atom`` comparisons over the
attributes of a provider's *profile* (compact numbers computed before inference: breach
counts, soft scores, organisation counts, provider type) combined with ``AllOf``/``AnyOf``.
The engine adapter translates the same tree for durable_rules; ``evaluate`` here is the
pure-Python oracle the tests hold it to, and ``shortfall`` says what an unfired rule lacked.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import Problem, did_you_mean
from ..indicators import BY_ID
from ..model.vocabulary import DOMAINS, PROVIDER_TYPES, Strength, Test
from ..yamlpos import Path, Positions

Op = Literal[">=", ">", "<=", "<", "==", "!="]
NEGATE: dict[str, Op] = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}
TESTS = [*Test.values(), "any"]
STRENGTHS = Strength.values()
#: Numbers are compared as whole millionths, as the engine is given them (``engine_number``):
#: thresholds may have at most six decimal places and must be below ``LARGEST`` in size.
DECIMALS = 6
SCALE = 1_000_000  # 10 ** DECIMALS
LARGEST = 1_000_000_000_000
#: The most comparisons one rule may make, and the most all/any groups the engine can hold
#: for one rule (durable_rules keeps 32 expression slots per rule, two per group).
MAX_ATOMS_PER_RULE = 40
MAX_GROUPS_PER_RULE = 15
LEAVES = ["breach", "soft", "organisations", "corroborated", "provider_type", "hard_and_soft"]
COMBINERS = ["all", "any", "not"]


@dataclass(frozen=True)
class Subject:
    """What an atom is about, so the explanation can pick the evidence behind it."""

    kind: Literal[
        "breach", "soft", "organisations", "corroborated", "provider_type", "hard_and_soft"
    ]
    indicator: str | None = None
    domain: str | None = None
    test: str = "any"
    strength: str = "notable"


@dataclass(frozen=True)
class Atom:
    attr: str
    op: Op
    value: float | str
    label: str
    subject: Subject

    def holds(self, actual: float | str) -> bool:
        return compare(actual, self.op, self.value)

    def text(self) -> str:
        return f"{self.label} {self.op} {_fmt(self.value)}"


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Node, ...]


Node = Atom | AllOf | AnyOf


def engine_number(value: float) -> int:
    """A number as the engine sees it: whole millionths, clamped to +-LARGEST.

    Values beyond the range compare as the range's end, which no threshold can reach (a
    threshold must be strictly inside it), so clamping never changes a comparison; a value
    that is not a number at all is refused.
    """
    v = float(value)
    if v != v:
        raise ValueError("NaN cannot be compared")
    if v >= LARGEST:
        return LARGEST * SCALE
    if v <= -LARGEST:
        return -LARGEST * SCALE
    return round(v * SCALE)


def compare(actual: float | str, op: str, expected: float | str) -> bool:
    if op == "==":
        return actual == expected
    if op == "!=":
        return actual != expected
    a, e = engine_number(float(actual)), engine_number(float(expected))
    if op == ">=":
        return a >= e
    if op == ">":
        return a > e
    if op == "<=":
        return a <= e
    return a < e


def _fmt(v: float | str) -> str:
    if isinstance(v, str):
        return v
    return f"{v:g}" if float(v).is_integer() else f"{v:.2f}".rstrip("0")


# ---------------------------------------------------------------- attributes of a profile


def breach_attr(subject: Subject) -> str:
    scope = (
        f"i_{subject.indicator}"
        if subject.indicator
        else (f"d_{subject.domain}" if subject.domain else "all")
    )
    return f"b__{scope}__{subject.test}__{subject.strength}"


def attr_for(subject: Subject) -> str:
    if subject.kind == "breach":
        return breach_attr(subject)
    if subject.kind == "soft":
        return f"soft__{subject.domain or 'all'}"
    if subject.kind == "organisations":
        return f"orgs__{subject.domain or 'all'}"
    if subject.kind == "hard_and_soft":
        return f"hs__{subject.domain or 'all'}"
    if subject.kind == "corroborated":
        return f"corr__{subject.domain or 'all'}"
    return "provider_type"


def label_for(subject: Subject) -> str:
    if subject.kind == "breach":
        what = subject.indicator or (
            f"{subject.domain} indicators" if subject.domain else "any indicator"
        )
        words = [
            "strong" if subject.strength == "strong" else "",
            "" if subject.test == "any" else subject.test,
        ]
        return " ".join(w for w in [*words, "breaches of", what] if w)
    if subject.kind == "soft":
        return f"soft {subject.domain} score" if subject.domain else "soft score"
    if subject.kind == "organisations":
        return (
            f"organisations raising {subject.domain} concerns"
            if subject.domain
            else "organisations raising concerns"
        )
    if subject.kind == "corroborated":
        return (
            f"{subject.domain} concerns corroborated across organisations"
            if subject.domain
            else "domains with concerns corroborated across organisations"
        )
    if subject.kind == "hard_and_soft":
        return (
            f"hard breach and soft concern in {subject.domain}"
            if subject.domain
            else "domains with both a hard breach and a soft concern"
        )
    return "provider type"


def groups(node: Node) -> int:
    """How many all/any groups the engine builds for ``node`` (its own `all` included)."""

    def count(n: Node) -> int:
        return 0 if isinstance(n, Atom) else 1 + sum(count(p) for p in n.parts)

    return count(node) + (0 if isinstance(node, AllOf) else 1)


def flatten(node: Node) -> Node:
    """The same condition with an `all` inside an `all` (an `any` inside an `any`) merged."""
    if isinstance(node, Atom):
        return node
    kind = type(node)
    parts: list[Node] = []
    for part in (flatten(p) for p in node.parts):
        parts.extend(
            part.parts if isinstance(part, AllOf | AnyOf) and type(part) is kind else (part,)
        )
    return kind(tuple(parts))


def atoms(node: Node) -> list[Atom]:
    if isinstance(node, Atom):
        return [node]
    return [a for part in node.parts for a in atoms(part)]


# ---------------------------------------------------------------- evaluation (the oracle)


def evaluate(node: Node, profile: Mapping[str, float | str]) -> bool:
    """The pure-Python meaning of a compiled condition; the engine must agree with it."""
    if isinstance(node, Atom):
        return node.holds(profile[node.attr])
    if isinstance(node, AllOf):
        return all(evaluate(p, profile) for p in node.parts)
    return any(evaluate(p, profile) for p in node.parts)


@dataclass(frozen=True)
class Lack:
    atom: Atom
    actual: float | str

    def text(self) -> str:
        a = self.atom
        if a.subject.kind == "provider_type":
            return f"provider type {a.op} {a.value}; it is {self.actual}"
        return f"{a.label} {a.op} {_fmt(a.value)}; it is {_fmt(self.actual)}"


def shortfall(node: Node, profile: Mapping[str, float | str]) -> list[Lack]:
    """The smallest set of comparisons that would have to change for ``node`` to hold."""
    if isinstance(node, Atom):
        actual = profile[node.attr]
        return [] if node.holds(actual) else [Lack(node, actual)]
    if isinstance(node, AllOf):
        return [lack for p in node.parts for lack in shortfall(p, profile)]
    options = [shortfall(p, profile) for p in node.parts]
    return min(options, key=lambda lacks: (len(lacks), gap(lacks)))


def gap(lacks: list[Lack]) -> float:
    total = 0.0
    for lack in lacks:
        if isinstance(lack.actual, str) or isinstance(lack.atom.value, str):
            total += 1.0
        else:
            want = float(lack.atom.value)
            total += abs(want - float(lack.actual)) / max(abs(want), 1.0)
    return total


# ---------------------------------------------------------------- parsing a rule's `when`


class _Compiler:
    def __init__(self, positions: Positions, known_indicators: set[str]) -> None:
        self.positions = positions
        self.known_indicators = known_indicators
        self.problems: list[Problem] = []

    def fail(self, path: Path, message: str, *, key: bool = False) -> None:
        self.problems.append(self.positions.problem(path, message, key=key))

    def node(self, raw: Any, path: Path, negated: bool) -> Node | None:
        if not isinstance(raw, dict) or len(raw) != 1:
            self.fail(
                path,
                "a condition is a mapping with exactly one key: one of "
                + ", ".join(COMBINERS + LEAVES),
            )
            return None
        ((key, body),) = raw.items()
        here: Path = (*path, key)
        if key in ("all", "any"):
            if not isinstance(body, list) or not body:
                self.fail(here, f'"{key}" takes a non-empty list of conditions')
                return None
            parts = [self.node(item, (*here, i), negated) for i, item in enumerate(body)]
            if any(p is None for p in parts):
                return None
            kept = tuple(p for p in parts if p is not None)
            conj = (key == "all") != negated  # De Morgan
            return AllOf(kept) if conj else AnyOf(kept)
        if key == "not":
            return self.node(body, here, not negated)
        if key == "provider_type":
            return self.provider_type(body, here, negated)
        if key in LEAVES:
            return self.leaf(str(key), body, here, negated)
        self.fail(
            here,
            f'unknown condition "{key}"{did_you_mean(str(key), COMBINERS + LEAVES)}; use one of '
            + ", ".join(COMBINERS + LEAVES),
            key=True,
        )
        return None

    def provider_type(self, body: Any, path: Path, negated: bool) -> Node | None:
        values = body if isinstance(body, list) else [body]
        ok = True
        for i, v in enumerate(values):
            if v not in PROVIDER_TYPES:
                where = (*path, i) if isinstance(body, list) else path
                self.fail(
                    where,
                    f"unknown provider type {v!r}{did_you_mean(str(v), PROVIDER_TYPES)}; "
                    "use one of " + ", ".join(PROVIDER_TYPES),
                )
                ok = False
        if not ok or not values:
            return None
        subject = Subject("provider_type")
        op: Op = "!=" if negated else "=="
        found = tuple(Atom("provider_type", op, str(v), "provider type", subject) for v in values)
        if len(found) == 1:
            return found[0]
        return AllOf(found) if negated else AnyOf(found)

    def leaf(self, kind: str, body: Any, path: Path, negated: bool) -> Node | None:
        if body is None:
            body = {}
        if not isinstance(body, dict):
            self.fail(path, f'"{kind}" takes a mapping (for example {{min: 1}})')
            return None
        allowed = {"min", "max"}
        if kind == "breach":
            allowed |= {"indicator", "domain", "test", "strength"}
        elif kind in ("soft", "organisations", "hard_and_soft", "corroborated"):
            allowed |= {"domain"}
        if kind in ("hard_and_soft", "corroborated"):
            allowed -= {"max"}
        ok = True
        for k in body:
            if k not in allowed:
                self.fail(
                    (*path, k),
                    f'unknown key "{k}" in "{kind}"{did_you_mean(str(k), allowed)}; '
                    f"allowed: {', '.join(sorted(allowed))}",
                    key=True,
                )
                ok = False
        indicator = body.get("indicator")
        domain = body.get("domain")
        test = body.get("test", "any")
        strength = body.get("strength", "notable")
        if indicator is not None and indicator not in self.known_indicators:
            self.fail(
                (*path, "indicator"),
                f"unknown indicator {indicator!r}"
                f"{did_you_mean(str(indicator), self.known_indicators)}; see `qsg indicators`",
            )
            ok = False
        if domain is not None and domain not in DOMAINS:
            self.fail(
                (*path, "domain"),
                f"unknown domain {domain!r}{did_you_mean(str(domain), DOMAINS)}; use one of "
                + ", ".join(DOMAINS),
            )
            ok = False
        if indicator is not None and domain is not None:
            self.fail(
                path, "give either indicator or domain, not both (an indicator has one domain)"
            )
            ok = False
        if test not in TESTS:
            self.fail((*path, "test"), f"unknown test {test!r}; use one of {', '.join(TESTS)}")
            ok = False
        if strength not in STRENGTHS:
            self.fail((*path, "strength"), f"unknown strength {strength!r}; use notable or strong")
            ok = False
        bounds: dict[str, float] = {}
        for b in ("min", "max"):
            if b in body:
                v = body[b]
                if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                    self.fail((*path, b), f"{b} must be a number (got {v!r})")
                    ok = False
                elif abs(v) >= LARGEST:
                    self.fail((*path, b), f"{b} {v!r} is too large: use a number below {LARGEST:g}")
                    ok = False
                elif round(float(v), DECIMALS) != float(v):
                    self.fail(
                        (*path, b),
                        f"{b} {v!r} has more than {DECIMALS} decimal places; numbers are "
                        f"compared to {DECIMALS} places: round it",
                    )
                    ok = False
                else:
                    bounds[b] = float(v)
        if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
            self.fail(path, f"min ({bounds['min']:g}) is above max ({bounds['max']:g}): never true")
            ok = False
        if not ok:
            return None
        subject = Subject(
            kind,  # type: ignore[arg-type]
            indicator=indicator,
            domain=domain,
            test=test if kind == "breach" else "any",
            strength=strength if kind == "breach" else "notable",
        )
        attr, label = attr_for(subject), label_for(subject)
        comparisons: list[tuple[Op, float]] = []
        if "min" in bounds:
            comparisons.append((">=", bounds["min"]))
        if "max" in bounds:
            comparisons.append(("<=", bounds["max"]))
        if not comparisons:
            comparisons.append((">", 0.0))
        found = tuple(
            Atom(attr, NEGATE[op] if negated else op, value, label, subject)
            for op, value in comparisons
        )
        if len(found) == 1:
            return found[0]
        return AnyOf(found) if negated else AllOf(found)


def compile_condition(
    raw: Any, path: Path, positions: Positions, known_indicators: set[str] | None = None
) -> tuple[Node | None, list[Problem]]:
    """Compile a rule's ``when`` (at ``path`` in the YAML) into a condition tree."""
    compiler = _Compiler(positions, set(BY_ID) if known_indicators is None else known_indicators)
    node = compiler.node(raw, path, negated=False)
    if node is not None:
        node = flatten(node)
        n_atoms, n_groups = len(atoms(node)), groups(node)
        if n_atoms > MAX_ATOMS_PER_RULE or n_groups > MAX_GROUPS_PER_RULE:
            compiler.fail(
                path,
                f"this condition is too large for the rules engine: {n_atoms} comparisons "
                f"(at most {MAX_ATOMS_PER_RULE}) in {n_groups} all/any groups (at most "
                f"{MAX_GROUPS_PER_RULE}); split it into several rules",
            )
    return (node if not compiler.problems else None), compiler.problems
