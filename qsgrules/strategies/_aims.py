"""What evidence would make a rule fire: a ruleset's conditions read as aims for a generator.

For a rule's condition, ``aim`` draws one way of satisfying it (every part of an ``all``,
one part of an ``any``, nothing for a ``not``) as requirements on one provider's evidence:
each kind of condition says what it needs (``Kind.aim``, in its own class), and the
generator then builds data that meets them, so that generated workspaces reach every rule
of the ruleset, not only the common ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from hypothesis import strategies as st

from ..model import Model
from ..ruleset import CompiledRuleset
from ..ruleset.conditions import (
    Aims,
    AllCondition,
    AnyCondition,
    NotCondition,
    SoftAim,
    leaf_of,
    tests_of,
)

__all__ = ["Aims", "Drawn", "SoftAim", "aim", "tests_of"]

T = TypeVar("T")


@dataclass(frozen=True)
class Drawn:
    """A kind's choices (``qsgrules.ruleset.conditions.Choices``), drawn by Hypothesis."""

    draw: st.DrawFn

    def one(self, options: Sequence[T]) -> T:
        return self.draw(st.sampled_from(options))

    def ordering(self, options: Sequence[T]) -> list[T]:
        return list(self.draw(st.permutations(options)))


def aim(draw: st.DrawFn, ruleset: CompiledRuleset, condition: Model, aims: Aims) -> None:
    """Add to ``aims`` one way of satisfying ``condition``."""
    if isinstance(condition, AllCondition):
        for part in condition.all:
            aim(draw, ruleset, part, aims)
        return
    if isinstance(condition, AnyCondition):
        aim(draw, ruleset, draw(st.sampled_from(condition.any)), aims)
        return
    if isinstance(condition, NotCondition):
        return  # absence is the usual state of evidence
    leaf = leaf_of(condition)
    assert leaf is not None, condition
    leaf.aim(ruleset, Drawn(draw), aims)
