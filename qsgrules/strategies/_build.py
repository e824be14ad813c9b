"""The one place generated values become a ``Workspace`` (and the ranges values may take)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import did_you_mean
from ..indicators import BY_ID, DataKind, Indicator
from ..workspace import Member, Observations, Provider, SoftItem, Workspace
from ..workspace.members import resolve_source, source_index


@dataclass(frozen=True)
class Row:
    """One row of indicators.csv: counts are NaN when not given."""

    provider: str
    indicator: str
    period: int
    value: float
    numerator: float = math.nan
    denominator: float = math.nan


def value_range(ind: Indicator) -> tuple[float, float]:
    """The values an indicator can take (the loader refuses others): a share within its
    whole, a score within -100..100, a rating 1..4, anything else zero or more."""
    low = getattr(ind, "low", None)
    high = getattr(ind, "high", None)
    if low is None:
        low = {DataKind.SCORE: -100.0, DataKind.RATING: 1.0}.get(ind.kind, 0.0)
    if high is None:
        by_kind = {DataKind.PROPORTION: ind.scale, DataKind.SCORE: 100.0, DataKind.RATING: 4.0}
        high = by_kind.get(ind.kind, 1e6)
    return float(low), float(high)


def observations(rows: Sequence[Row]) -> Observations:
    """Rows as the loader's columns."""
    return Observations.from_columns(
        np.array([r.provider for r in rows], dtype=np.str_),
        np.array([r.indicator for r in rows], dtype=np.str_),
        np.array([r.period for r in rows], dtype=np.int64),
        np.array([r.value for r in rows], dtype=np.float64),
        np.array([r.numerator for r in rows], dtype=np.float64),
        np.array([r.denominator for r in rows], dtype=np.float64),
    )


def rows_of(obs: Observations) -> list[Row]:
    """The loader's columns as rows."""
    cols = (
        np.asarray(obs.provider).tolist(),
        np.asarray(obs.indicator).tolist(),
        np.asarray(obs.period).tolist(),
        np.asarray(obs.value).tolist(),
        np.asarray(obs.numerator).tolist(),
        np.asarray(obs.denominator).tolist(),
    )
    return [
        Row(str(p), str(i), int(t), float(v), float(n), float(d))
        for p, i, t, v, n, d in zip(*cols, strict=True)
    ]


def workspace(
    providers: Iterable[Provider],
    rows: Sequence[Row],
    items: Iterable[SoftItem],
    members: Mapping[str, Member],
    root: str = "<generated>",
) -> Workspace:
    """The workspace of these parts, checked as the workspace loader checks them: every
    item's provider is one of ``providers`` and its source a member (by name or alias; an
    alias counts for the member it names), else ValueError: an undeclared local office is
    not an independent organisation in memory either."""
    by_code = {p.code: p for p in providers}
    index = source_index(members)
    checked = []
    for item in items:
        if item.provider not in by_code:
            raise ValueError(f"item {item.id}: no provider {item.provider!r} in the workspace")
        named = resolve_source(item.source, members, index)
        if named is None:
            raise ValueError(
                f"item {item.id}: source {item.source!r} is not a member organisation"
                f"{did_you_mean(item.source, members)}; declare it (with_members)"
            )
        checked.append(item if named == item.source else item.model_copy(update={"source": named}))
    return Workspace(
        root=root,
        providers=by_code,
        observations=observations(rows),
        intelligence=tuple(checked),
        members=dict(members),
    )


def counted_value(indicator: str, numerator: float, denominator: float) -> float:
    """The value the loader computes from counts."""
    return BY_ID[indicator].scale * numerator / denominator
