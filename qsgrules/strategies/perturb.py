"""Helpers that change one thing in a workspace: worsen a month, add an item, remove data.

Each returns a new ``Workspace`` (the one given is not changed) that still loads: values
stay inside their indicator's range and counts stay consistent with values.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterable

from ..indicators import BY_ID, DataKind
from ..model.months import month_number, month_of
from ..model.vocabulary import ItemStatus, Severity
from ..workspace import SoftItem, Workspace
from ._build import Row, counted_value, rows_of, value_range, workspace
from .basic import concern_sign


def _month(period: int | str) -> int:
    if isinstance(period, int):
        return period
    number = month_number(period)
    if number is None:
        raise ValueError(f"{period!r} is not a month YYYY-MM")
    return number


def _rebuilt(ws: Workspace, rows: list[Row], items: Iterable[SoftItem] | None = None) -> Workspace:
    return workspace(
        ws.providers.values(),
        rows,
        ws.intelligence if items is None else items,
        ws.members,
        ws.root,
    )


def worsen_month(
    ws: Workspace,
    *,
    provider: str,
    indicator: str,
    period: int | str,
    by: float,
    direction: str | None = None,
) -> Workspace:
    """The row of ``provider``'s ``indicator`` in ``period`` moved ``by`` (>= 0) towards
    concern (the catalogue's polarity, or ``direction``: above or below), kept in range.

    With counts, the numerator moves and the value is what the counts make. Raises
    ValueError when there is no such row.
    """
    if by < 0 or not math.isfinite(by):
        raise ValueError(f"by={by!r} must be a finite amount, zero or more")
    month = _month(period)
    sign = concern_sign(indicator, direction)
    ind = BY_ID[indicator]
    lo, hi = value_range(ind)
    rows = rows_of(ws.observations)
    for k, r in enumerate(rows):
        if (r.provider, r.indicator, r.period) != (provider, indicator, month):
            continue
        value = min(max(r.value + sign * by, lo), hi)
        if math.isnan(r.denominator):
            if ind.kind in (DataKind.RATING, DataKind.COUNT):
                value = float(math.ceil(value) if sign > 0 else math.floor(value))
            rows[k] = Row(r.provider, r.indicator, r.period, value)
        else:
            num = value * r.denominator / ind.scale
            if ind.kind is DataKind.PROPORTION:
                num = min(num, r.denominator)
            num = max(num, 0.0)
            rows[k] = Row(
                r.provider,
                r.indicator,
                r.period,
                counted_value(indicator, num, r.denominator),
                num,
                r.denominator,
            )
        return _rebuilt(ws, rows)
    raise ValueError(f"no row for {provider} {indicator} in month {period}")


def without_data(
    ws: Workspace,
    *,
    provider: str | None = None,
    indicator: str | None = None,
    periods: Iterable[int | str] | None = None,
) -> Workspace:
    """Every row matching all the given filters removed (a month that was never reported)."""
    months = None if periods is None else {_month(p) for p in periods}
    rows = [
        r
        for r in rows_of(ws.observations)
        if not (
            provider in (None, r.provider)
            and indicator in (None, r.indicator)
            and (months is None or r.period in months)
        )
    ]
    return _rebuilt(ws, rows)


def with_items(ws: Workspace, *items: SoftItem) -> Workspace:
    """``ws`` with more soft items (their ids must be new)."""
    taken = {i.id for i in ws.intelligence}
    for item in items:
        if item.id in taken:
            raise ValueError(f"an item with id {item.id!r} is already there")
        taken.add(item.id)
    return _rebuilt(ws, rows_of(ws.observations), (*ws.intelligence, *items))


def with_severity(ws: Workspace, item_id: str, severity: Severity | str) -> Workspace:
    """``ws`` with one item's severity changed."""
    items = [
        i.model_copy(update={"severity": Severity(severity)}) if i.id == item_id else i
        for i in ws.intelligence
    ]
    if all(i.id != item_id for i in ws.intelligence):
        raise ValueError(f"no item with id {item_id!r}")
    return _rebuilt(ws, rows_of(ws.observations), items)


def known_on(ws: Workspace, day: dt.date) -> Workspace:
    """``ws`` as it was on ``day``: everything dated after it removed. Rows of later months
    go; so do items received later, the closures made later (the item is open again) and
    the ``duplicate_of``/``corroborates`` links to items received later (they could not be
    made then). A triage on ``day`` must see the same in both (issue 16, item 7)."""
    month = month_of(day)
    rows = [r for r in rows_of(ws.observations) if r.period <= month]
    kept = {i.id for i in ws.intelligence if i.received <= day}
    items = []
    for item in ws.intelligence:
        if item.id not in kept:
            continue
        update: dict[str, object] = {}
        if item.closed_on is not None and item.closed_on > day:
            update.update(status=ItemStatus.OPEN, closed_on=None, closed_reason=None)
        for link in ("duplicate_of", "corroborates"):
            if getattr(item, link) is not None and getattr(item, link) not in kept:
                update[link] = None
        items.append(item.model_copy(update=update) if update else item)
    return _rebuilt(ws, rows, items)


def shuffled(ws: Workspace, seed: int) -> Workspace:
    """The same workspace with its rows, items and providers in another order."""
    rng = random.Random(seed)
    rows = rows_of(ws.observations)
    rng.shuffle(rows)
    items = list(ws.intelligence)
    rng.shuffle(items)
    providers = list(ws.providers.values())
    rng.shuffle(providers)
    return workspace(providers, rows, items, ws.members, ws.root)
