"""What a kind of condition is: one class that declares everything about itself.

A kind (``Kind``; ``Leaf`` for the kinds that measure a number between ``min`` and ``max``)
declares, in its own class:

- its metadata, for the reference (``qsg conditions``, the docs): ``KIND``, ``SUMMARY``,
  ``MEASURES``, ``EXAMPLE``;
- what it means for a provider: ``attr``, ``label``, ``measure``, ``cite``;
- its analysis facts, for ``qsg check``: whether what it measures is evidence
  (``EVIDENCE``: `not` over it, or a ceiling on it, lowers a level as evidence grows),
  whether it looks at soft intelligence (``SOFT``), which indicators' breaches it counts
  (``counts_indicator``), the most it can measure (``ceiling``) and why it can never hold
  (``never_holds``);
- its strategy aim, for ``qsg verify``'s generator: one way of drawing evidence that makes
  it hold (``aim``), as pandera's checks bring their own data strategies.

A class with a ``KIND`` registers itself; the union of conditions, the lookups, the
analysis, the generator and the reference are built from the registry, and a kind that
leaves out any declaration is refused when its class is made (so is one defined after the
union was built: kinds live in ``kinds.py``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from pydantic import field_validator, model_validator

from ...model import Model
from ...model.evidence import HardFinding, SoftFinding
from ...model.facts import ProviderFacts
from .aims import Aims
from .tree import DECIMALS, LARGEST, NEGATE, AllOf, AnyOf, Atom, Node, Op

if TYPE_CHECKING:
    from ..loader import CompiledRuleset

Cited = tuple[Sequence[HardFinding], Sequence[SoftFinding]]
NOTHING: Cited = ((), ())

T = TypeVar("T")


class Choices(Protocol):
    """How an aim chooses among ways of holding: the generator draws (``strategies``)."""

    def one(self, options: Sequence[T]) -> T:
        """One of ``options``."""
        ...

    def ordering(self, options: Sequence[T]) -> list[T]:
        """``options`` in some order."""
        ...


#: What every kind declares in its own class (or a kind base of its own, not ``Kind`` or
#: ``Leaf``): metadata, meaning, analysis facts, strategy aim.
DECLARATIONS = (
    "KIND",
    "SUMMARY",
    "MEASURES",
    "EXAMPLE",
    "attr",
    "label",
    "measure",
    "cite",
    "EVIDENCE",
    "SOFT",
    "counts_indicator",
    "ceiling",
    "never_holds",
    "aim",
)

#: Every kind, by its name in a rule's ``when``, in the order the classes were made.
REGISTRY: dict[str, type[Kind]] = {}
_closed: list[bool] = []  # set once the union is built from the registry


def close_registry() -> None:
    """No kind is registered after this (the union of conditions is built)."""
    _closed.append(True)


def missing_declarations(kind: type[Kind]) -> list[str]:
    """The declarations ``kind`` leaves to ``Kind`` or ``Leaf`` (which only name them)."""
    missing = []
    for name in DECLARATIONS:
        owner = next((c for c in kind.__mro__ if name in vars(c)), None)
        if owner is None or owner in (Kind, Leaf, Model):
            missing.append(name)
    return missing


class Kind(Model):
    """A kind of condition: what it is, what it measures, how ``qsg check`` and the
    generator read it (see the module's docstring). Subclass ``Leaf`` for a measure."""

    KIND: ClassVar[str]
    SUMMARY: ClassVar[str]
    MEASURES: ClassVar[str]  # what the number is, for the reference
    EXAMPLE: ClassVar[str]
    #: its measure is evidence: more of it can only add (`not` and ceilings reverse that)
    EVIDENCE: ClassVar[bool]
    #: it looks at soft intelligence (the ruleset's soft settings are then used)
    SOFT: ClassVar[bool]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "KIND" not in vars(cls):
            return  # a base shared by kinds (``Leaf``, the soft scopes)
        missing = missing_declarations(cls)
        if missing:
            raise TypeError(
                f"condition kind {cls.__name__} ({cls.KIND!r}) does not declare "
                f"{', '.join(missing)}: see qsgrules/ruleset/conditions/base.py"
            )
        if _closed:
            raise TypeError(
                f"condition kind {cls.__name__} was made after the union of conditions: "
                "define it in qsgrules/ruleset/conditions/kinds.py"
            )
        if cls.KIND in REGISTRY:
            raise TypeError(f"two condition kinds are named {cls.KIND!r}")
        REGISTRY[cls.KIND] = cls

    # ---- meaning
    @property
    def attr(self) -> str:
        """The profile attribute this kind's measure is stored under (unique per meaning)."""
        raise NotImplementedError

    @property
    def label(self) -> str:
        raise NotImplementedError

    def measure(self, facts: ProviderFacts) -> float | str:
        raise NotImplementedError

    def cite(self, facts: ProviderFacts) -> Cited:
        """The evidence that makes the measure what it is (cited when the condition holds)."""
        raise NotImplementedError

    def grounded(self, facts: ProviderFacts) -> bool:
        """True when a measure of zero still rests on evidence the provider has, so that
        more of the same kind would raise it ("What would raise it" may then name it).
        Most measures are zero exactly when there is no such evidence."""
        return False

    def compile(self, negated: bool) -> Node:
        raise NotImplementedError

    # ---- analysis facts
    def counts_indicator(self, ruleset: CompiledRuleset, indicator: str) -> bool:
        """True when the breaches of ``indicator`` (under the ruleset's tests) can change
        this condition's measure: the indicator's settings are then used."""
        raise NotImplementedError

    def ceiling(self, ruleset: CompiledRuleset) -> float | None:
        """The most the measure can be under ``ruleset`` (None: no bound)."""
        raise NotImplementedError

    def never_holds(self, ruleset: CompiledRuleset) -> str | None:
        """Why the condition can never hold under ``ruleset``, or None."""
        raise NotImplementedError

    # ---- strategy aim
    def aim(self, ruleset: CompiledRuleset, choose: Choices, aims: Aims) -> None:
        """Add to ``aims`` one way (``choose`` picks) of evidence that makes this hold."""
        raise NotImplementedError


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


class Leaf(Kind):
    """A condition that measures one thing about a provider and compares it with bounds.

    With neither ``min`` nor ``max`` it holds when the measure is above zero.
    """

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

    def wanted(self, default: float) -> float | None:
        """The amount the bounds ask for (``default`` without a min), or None when they
        cannot be met together."""
        low = self.min if self.min is not None else default
        if self.max is not None and self.max < low:
            return None
        return low

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
