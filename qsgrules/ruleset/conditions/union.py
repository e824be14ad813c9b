"""The union of conditions a rule's ``when`` may be, built from the kinds that registered
themselves (``kinds.py``), with ``all``, ``any`` and ``not`` to combine them; the walks over
a typed condition; and ``compile_condition``, which turns one into the comparison tree the
engine and the oracle evaluate (``tree.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, TypeAlias, Union

from pydantic import Discriminator, Field, Tag

from ...model import Model
from . import kinds as _kinds  # noqa: F401  (the kinds register themselves)
from .base import REGISTRY, Kind, close_registry
from .tree import AllOf, AnyOf, Node


class LeafCondition(Model):
    """A condition that is one kind: a mapping of the kind's name to its body."""

    KIND: ClassVar[str]

    @property
    def leaf(self) -> Kind:
        # the field's value, read from the model's fields (never an attribute found by
        # name: a kind named like a pydantic method would find the method)
        found: Kind = self.__dict__[self.KIND]
        return found


def _wrapper(kind: type[Kind]) -> type[LeafCondition]:
    # the model of `{kind: body}`: one field, named as the kind is written
    namespace = {
        "__module__": __name__,
        "__qualname__": f"{kind.__name__}Condition",
        "__annotations__": {kind.KIND: kind},
        "__doc__": f"``{kind.KIND}: ...`` ({kind.__name__})",
        "KIND": kind.KIND,
    }
    return type(f"{kind.__name__}Condition", (LeafCondition,), namespace)


close_registry()
#: Every kind of leaf condition, by name (the registry, in the order the kinds were made).
LEAVES: dict[str, type[Kind]] = dict(REGISTRY)
LEAF_CONDITIONS: dict[str, type[LeafCondition]] = {
    name: _wrapper(kind) for name, kind in LEAVES.items()
}
COMBINERS: dict[str, str] = {
    "all": "every condition in the list holds",
    "any": "at least one condition in the list holds",
    "not": "the condition does not hold (lowers a level as evidence grows: use with care)",
}
KIND_NAMES: list[str] = [*COMBINERS, *LEAVES]


class AllCondition(Model):
    all: list[Condition] = Field(min_length=1)


class AnyCondition(Model):
    any: list[Condition] = Field(min_length=1)


class NotCondition(Model):
    not_: Condition = Field(alias="not")


_COMBINED: dict[str, type[Model]] = {"all": AllCondition, "any": AnyCondition, "not": NotCondition}


def condition_kind(v: Any) -> str | None:
    """The discriminator: a condition is a mapping with exactly one key, its kind."""
    if isinstance(v, dict):
        return next(iter(v)) if len(v) == 1 and next(iter(v)) in KIND_NAMES else None
    if isinstance(v, LeafCondition):
        return v.KIND
    return next((name for name, model in _COMBINED.items() if isinstance(v, model)), None)


if TYPE_CHECKING:
    Condition: TypeAlias = Model
else:
    Condition = Annotated[
        Union[  # noqa: UP007  (a union made of a tuple of types)
            tuple(
                Annotated[model, Tag(name)]
                for name, model in [*LEAF_CONDITIONS.items(), *_COMBINED.items()]
            )
        ],
        Discriminator(
            condition_kind,
            custom_error_type="condition_kind",
            custom_error_message="not a condition",
        ),
    ]

for _model in _COMBINED.values():
    _model.model_rebuild()


def leaf_of(condition: Model) -> Kind | None:
    """The leaf inside a leaf condition (None for all/any/not)."""
    return condition.leaf if isinstance(condition, LeafCondition) else None


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
) -> Iterator[tuple[Kind, bool, tuple[str | int, ...]]]:
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
