"""A compiled condition: comparisons (``Atom``) over a provider's profile, in ``AllOf``/``AnyOf``.

A rule's typed condition (``kinds.py``) compiles once, in negation normal form, into atoms
over the attributes of a provider's *profile*: compact numbers computed before inference
(breach counts, soft scores, organisation counts, the provider type). The engine adapter
translates the same tree for durable_rules; ``evaluate`` here is the pure-Python oracle the
tests hold it to, and ``shortfall`` says what an unfired rule lacked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from ...model.evidence import HardFinding, SoftFinding
from ...model.facts import ProviderFacts
from ...model.numbers import DECIMALS as DECIMALS
from ...model.numbers import against, plain

Op = Literal[">=", ">", "<=", "<", "==", "!="]
NEGATE: dict[str, Op] = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}
#: Numbers are compared as whole millionths, as the engine is given them (``engine_number``):
#: thresholds may have at most six decimal places (``DECIMALS``, as explanations write
#: them: ``qsgrules.model.numbers``) and must be below ``LARGEST`` in size.
SCALE: int = 10**DECIMALS
LARGEST = 1_000_000_000_000
#: The most comparisons one rule may make, and the most all/any groups the engine can hold
#: for one rule (durable_rules keeps 32 expression slots per rule, two per group).
MAX_ATOMS_PER_RULE = 40
MAX_GROUPS_PER_RULE = 15


class Measured(Protocol):
    """What an atom compares: a leaf condition, which knows how to measure and cite."""

    @property
    def attr(self) -> str: ...

    @property
    def label(self) -> str: ...

    def measure(self, facts: ProviderFacts) -> float | str: ...

    def cite(self, facts: ProviderFacts) -> tuple[Sequence[HardFinding], Sequence[SoftFinding]]: ...

    def grounded(self, facts: ProviderFacts) -> bool: ...


@dataclass(frozen=True)
class Atom:
    """One comparison: ``leaf``'s measure ``op`` ``value``."""

    attr: str
    op: Op
    value: float | str
    label: str
    leaf: Measured

    def holds(self, actual: float | str) -> bool:
        return compare(actual, self.op, self.value)

    def text(self) -> str:
        return f"{self.label} {self.op} {plain(self.value)}"

    @property
    def asks_for_presence(self) -> bool:
        """True when the atom holds because something is there (so evidence is behind it)."""
        return self.op in (">", ">=") and not isinstance(self.value, str)


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


def atoms(node: Node) -> list[Atom]:
    if isinstance(node, Atom):
        return [node]
    return [a for part in node.parts for a in atoms(part)]


def groups(node: Node) -> int:
    """How many all/any groups the engine builds for ``node`` (its own `all` included)."""

    def count(n: Node) -> int:
        return 0 if isinstance(n, Atom) else 1 + sum(count(p) for p in n.parts)

    return count(node) + (0 if isinstance(node, AllOf) else 1)


def flatten(node: Node) -> Node:
    """The same condition with an `all` inside an `all` (an `any` inside an `any`) merged."""
    if isinstance(node, Atom):
        return node
    parts: list[Node] = []
    for part in (flatten(p) for p in node.parts):
        same = isinstance(part, AllOf | AnyOf) and type(part) is type(node)
        parts.extend(part.parts if same else (part,))  # type: ignore[union-attr]
    return type(node)(tuple(parts))


# ---------------------------------------------------------------- evaluation (the oracle)


def profile_of(node: Node, facts: ProviderFacts) -> dict[str, float | str]:
    """attr -> measured value for every atom of ``node``."""
    return {a.attr: a.leaf.measure(facts) for a in atoms(node)}


def evaluate(node: Node, profile: Mapping[str, float | str]) -> bool:
    """The pure-Python meaning of a compiled condition; the engine must agree with it."""
    if isinstance(node, Atom):
        return node.holds(profile[node.attr])
    if isinstance(node, AllOf):
        return all(evaluate(p, profile) for p in node.parts)
    return any(evaluate(p, profile) for p in node.parts)


def held(node: Node, profile: Mapping[str, float | str]) -> list[Atom]:
    """The atoms that made ``node`` true: every part of an `all`, the true parts of an `any`."""
    if isinstance(node, Atom):
        return [node] if node.holds(profile[node.attr]) else []
    if isinstance(node, AllOf):
        return [a for p in node.parts for a in held(p, profile)]
    return [a for p in node.parts if evaluate(p, profile) for a in held(p, profile)]


@dataclass(frozen=True)
class Lack:
    atom: Atom
    actual: float | str

    def text(self) -> str:
        a = self.atom
        shown = (
            against(self.actual, a.value)
            if not isinstance(self.actual, str) and not isinstance(a.value, str)
            else plain(self.actual)
        )
        return f"{a.label} {a.op} {plain(a.value)}; it is {shown}"


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
