"""The common edits of a workspace, each one call: declare members, add, replace or remove
items, remove a provider, add or replace indicator rows, cut at a month.

Each returns a new ``Workspace`` (the one given is not changed) built by the one builder
(``_build.workspace``), which checks what the workspace loader checks of them: every
item's provider is a provider, every source a member. A property test then writes the
edit it means, not ``dataclasses.replace`` and ``Observations.from_columns`` by hand.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model.months import month_end
from ..workspace import Member, SoftItem, Workspace
from ._build import Row, rows_of, workspace
from .perturb import _month, known_on

__all__ = [
    "cut_at",
    "replacing_items",
    "replacing_rows",
    "with_members",
    "with_rows",
    "without_items",
    "without_provider",
]


def _built(
    ws: Workspace,
    *,
    rows: Iterable[Row] | None = None,
    items: Iterable[SoftItem] | None = None,
    members: dict[str, Member] | None = None,
    providers: Iterable[str] | None = None,
) -> Workspace:
    codes = list(ws.providers) if providers is None else list(providers)
    return workspace(
        [ws.providers[c] for c in codes],
        list(rows_of(ws.observations) if rows is None else rows),
        ws.intelligence if items is None else items,
        ws.members if members is None else members,
        ws.root,
    )


def with_members(ws: Workspace, *members: Member) -> Workspace:
    """``ws`` with more member organisations (their names must be new)."""
    known = dict(ws.members)
    for m in members:
        if m.name in known:
            raise ValueError(f"a member named {m.name!r} is already there")
        known[m.name] = m
    return _built(ws, members=known)


def _unlinked(items: Iterable[SoftItem], gone: set[str]) -> list[SoftItem]:
    """``items`` with their links to the items in ``gone`` taken off."""
    out = []
    for item in items:
        update = {
            link: None for link in ("duplicate_of", "corroborates") if getattr(item, link) in gone
        }
        out.append(item.model_copy(update=update) if update else item)
    return out


def without_items(ws: Workspace, *ids: str) -> Workspace:
    """``ws`` without the items ``ids`` (links to them taken off the others)."""
    have = {i.id for i in ws.intelligence}
    missing = [i for i in ids if i not in have]
    if missing:
        raise ValueError(f"no item with id {', '.join(map(repr, missing))}")
    gone = set(ids)
    return _built(ws, items=_unlinked([i for i in ws.intelligence if i.id not in gone], gone))


def replacing_items(ws: Workspace, *items: SoftItem) -> Workspace:
    """``ws`` with each of ``items`` in place of the item with its id (which must be there)."""
    by_id = {i.id: i for i in items}
    have = {i.id for i in ws.intelligence}
    missing = [i for i in by_id if i not in have]
    if missing:
        raise ValueError(f"no item with id {', '.join(map(repr, missing))} to replace")
    return _built(ws, items=[by_id.get(i.id, i) for i in ws.intelligence])


def without_provider(ws: Workspace, code: str) -> Workspace:
    """``ws`` without provider ``code``, its indicator rows and its items."""
    if code not in ws.providers:
        raise ValueError(f"no provider {code!r}")
    gone = {i.id for i in ws.intelligence if i.provider == code}
    items = _unlinked([i for i in ws.intelligence if i.id not in gone], gone)
    rows = [r for r in rows_of(ws.observations) if r.provider != code]
    return _built(ws, rows=rows, items=items, providers=[c for c in ws.providers if c != code])


def _key(r: Row) -> tuple[str, str, int]:
    return (r.provider, r.indicator, r.period)


def with_rows(ws: Workspace, *rows: Row) -> Workspace:
    """``ws`` with more indicator rows (none for a provider, indicator and month that has
    one: ``replacing_rows`` replaces)."""
    old = rows_of(ws.observations)
    taken = {_key(r) for r in old}
    clash = [r for r in rows if _key(r) in taken]
    if clash:
        r = clash[0]
        raise ValueError(
            f"{r.provider} {r.indicator} has a row for month {r.period} already: use replacing_rows"
        )
    return _built(ws, rows=[*old, *rows])


def replacing_rows(ws: Workspace, *rows: Row) -> Workspace:
    """``ws`` with each of ``rows`` in place of the row of its provider, indicator and
    month (which must be there)."""
    by_key = {_key(r): r for r in rows}
    old = rows_of(ws.observations)
    missing = set(by_key) - {_key(r) for r in old}
    if missing:
        p, i, t = sorted(missing)[0]
        raise ValueError(f"no row of {p} {i} for month {t} to replace: use with_rows")
    return _built(ws, rows=[by_key.get(_key(r), r) for r in old])


def cut_at(ws: Workspace, month: int | str) -> Workspace:
    """``ws`` as it was at the end of ``month`` (YYYY-MM or a month number): later rows
    and items removed, later closures and links undone (``known_on`` its last day)."""
    return known_on(ws, month_end(_month(month)))
