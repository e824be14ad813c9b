"""Validating soft-intelligence items: each on its own, then all of them together.

Every problem is reported with its place; an item whose free text holds what may be a
patient or staff identifier is refused, naming the kind of identifier, never the identifier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import replace

from pydantic import ValidationError

from ..codes import Code
from ..errors import Problem, did_you_mean
from ..model.workspace import Member, SoftItem
from ..yamlpos import pydantic_problems
from .members import resolve_source, source_index
from .soft_sources import OPTIONS, RawItem
from .text_guard import guard, passed

#: Fields whose text is free (shown to members, printed, published): guarded.
LONG_TEXT = ("summary", "closed_reason")
LABELS = (
    "id",
    "provider",
    "source",
    "duplicate_of",
    "corroborates",
    "shared_at",
    "recorded_by",
)
GUARDED = (*LABELS, *LONG_TEXT)

CODE_PROVIDER = Code.ITEM_PROVIDER
CODE_SOURCE = Code.ITEM_SOURCE
CODE_INVALID = Code.ITEM_INVALID
CODE_DUPLICATE_ID = Code.ITEM_DUPLICATE_ID
CODE_REFERENCE = Code.ITEM_REFERENCE
CODE_CYCLE = Code.ITEM_CYCLE
CODE_FUTURE = Code.ITEM_FUTURE


class ItemChecker:
    """Checks items against one workspace's providers and members, as of ``today``."""

    def __init__(
        self,
        providers: Collection[str],
        members: Mapping[str, Member] | None,
        today: dt.date,
        refused: frozenset[str] = frozenset(),
    ) -> None:
        self.providers = (
            providers if isinstance(providers, set | frozenset | dict) else set(providers)
        )
        self.refused = refused  # codes of providers.csv rows already reported as wrong
        self.members = members
        self._sources = source_index(members) if members is not None else {}
        self.today = today
        self._guarded: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self._passed: set[str] = set()

    def prepare(self, raws: Iterable[RawItem]) -> None:
        """Guards the free text of all these items at once (``text_guard.passed``): the
        values with nothing to find are not looked at again one by one in ``check``."""
        texts = list(
            {
                text
                for raw in raws
                for field in GUARDED
                if isinstance(text := raw.data.get(field), str)
            }
        )
        self._passed = {t for t, ok in zip(texts, passed(texts), strict=True) if ok}

    def _guard(self, field: str, text: str) -> list[tuple[str, str]]:
        if text in self._passed:
            return []
        key = (field, text)
        found = self._guarded.get(key)
        if found is None:  # providers, sources and ids repeat: scan each value once
            found = guard(field, text, long_text=field in LONG_TEXT)
            if len(self._guarded) < 100_000:
                self._guarded[key] = found
        return found

    def check(self, raw: RawItem, problems: list[Problem]) -> SoftItem | None:
        """Validate one item; report its problems; None when it is not usable."""
        ok = True
        guarded: set[str] = set()
        get = raw.data.get
        for field in GUARDED:
            text = get(field)
            if isinstance(text, str) and text not in self._passed:
                for problem_code, message in self._guard(field, text):
                    problems.append(raw.problem(field, message, problem_code))
                    guarded.add(field)
                    ok = False
        code = raw.data.get("provider")
        if code in (None, ""):
            problems.append(
                raw.problem(
                    None,
                    "item has no provider; say which provider (its ODS code) the intelligence "
                    "is about",
                    CODE_PROVIDER,
                )
            )
            ok = False
        elif str(code) in self.refused:
            ok = False  # its providers.csv row is reported: saying "unknown" here misleads
        elif str(code) not in self.providers and "provider" not in guarded:
            problems.append(
                raw.problem(
                    "provider",
                    f"unknown provider code {str(code)!r}"
                    f"{did_you_mean(str(code), self.providers)}; add it to providers.csv",
                    CODE_PROVIDER,
                )
            )
            ok = False
        source = raw.data.get("source")
        named = (
            resolve_source(source, self.members, self._sources)
            if isinstance(source, str) and source and self.members is not None
            else None
        )
        if named is not None and named != source:
            # a different case or an alias: the item counts for the member it names
            raw = replace(raw, data={**raw.data, "source": named})
        elif (
            isinstance(source, str)
            and source
            and self.members is not None
            and named is None
            and "source" not in guarded
        ):
            problems.append(
                raw.problem(
                    "source",
                    f"unknown source {source!r}"
                    f"{did_you_mean(source, self.members)}; a source is a member "
                    "organisation: add it to members.csv",
                    CODE_SOURCE,
                )
            )
            ok = False
        try:
            item = SoftItem.model_validate(raw.data, strict=False)
        except ValidationError as exc:
            problems.extend(self._validation_problems(raw, exc))
            return None
        for field, day in (("received", item.received), ("closed_on", item.closed_on)):
            if day is not None and day > self.today:
                problems.append(
                    raw.problem(
                        field,
                        f"{field} {day.isoformat()} is after today ({self.today.isoformat()}); "
                        "give the date it happened",
                        CODE_FUTURE,
                    )
                )
                ok = False
        member = (self.members or {}).get(item.source)
        retired = member.retired if member is not None else None
        if retired is not None and item.received > retired:
            problems.append(
                raw.problem(
                    "source",
                    f"{item.source!r} stopped being a member on {retired.isoformat()} "
                    f"(members.csv retired), before this item was received "
                    f"({item.received.isoformat()}): record it under the member that holds it now",
                    CODE_SOURCE,
                )
            )
            ok = False
        return item if ok else None

    @staticmethod
    def _validation_problems(raw: RawItem, exc: ValidationError) -> list[Problem]:
        if raw.positions is not None:
            found = pydantic_problems(exc, raw.positions, raw.path, model=SoftItem)
            # "no provider" is already said, in words a member understands
            return [
                Problem(p.file, p.line, p.col, p.message, code=CODE_INVALID)
                for p in found
                if p.message != 'missing required key "provider"'
            ]
        out = []
        for err in exc.errors(include_url=False):
            where = ".".join(str(x) for x in err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            got = err.get("input")
            if err["type"] != "value_error" and isinstance(got, str):
                msg += f" (got {got!r})"
            loc_field: str | None = str(err["loc"][0]) if err["loc"] else None
            # an argument is named already (--grading: ...): only a file's row says the field
            prefix = f"{where}: " if where and raw.file != OPTIONS else ""
            out.append(raw.problem(loc_field, f"{prefix}{msg}", CODE_INVALID))
        return out


def check_items(
    raws: Iterable[RawItem], checker: ItemChecker, problems: list[Problem]
) -> tuple[SoftItem, ...]:
    """Every item checked, then ids made unique and references resolved, without cycles."""
    raws = list(raws)
    checker.prepare(raws)
    items: list[SoftItem] = []
    where: dict[str, RawItem] = {}
    seen: dict[str, RawItem] = {}  # every id as written, valid item or not
    for raw in raws:
        raw_id = raw.data.get("id")
        key = str(raw_id) if raw_id is not None else None
        if key is not None and key in seen:
            first = seen[key]
            problems.append(
                raw.problem(
                    "id",
                    f"duplicate item id {key!r} (first at {first.file}:{first.line})",
                    CODE_DUPLICATE_ID,
                )
            )
            continue
        if key is not None:
            seen[key] = raw
        item = checker.check(raw, problems)
        if item is not None:
            where[item.id] = raw
            items.append(item)
    for item in items:
        for ref_field in ("duplicate_of", "corroborates"):
            ref = getattr(item, ref_field)
            if ref is None:
                continue
            if ref == item.id:
                problems.append(
                    where[item.id].problem(
                        ref_field, f"{ref_field} points at the item itself", CODE_REFERENCE
                    )
                )
            elif ref not in seen:
                problems.append(
                    where[item.id].problem(
                        ref_field,
                        f"{ref_field}: no item with id {ref!r}{did_you_mean(ref, where)}",
                        CODE_REFERENCE,
                    )
                )
    problems.extend(_cycles(items, where))
    return tuple(items)


def _cycles(items: list[SoftItem], where: Mapping[str, RawItem]) -> list[Problem]:
    """One problem per cycle of duplicate_of/corroborates links (self-links are said
    elsewhere), at the first item of the cycle in file order."""
    # only items that link to another can be on a cycle: the others are not followed
    links: dict[str, list[tuple[str, str]]] = {}
    for i in items:
        if i.duplicate_of is None and i.corroborates is None:
            continue
        followed = [
            (f, r)
            for f, r in (("duplicate_of", i.duplicate_of), ("corroborates", i.corroborates))
            if r is not None and r != i.id
        ]
        if followed:
            links[i.id] = followed
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    order = {i.id: n for n, i in enumerate(items) if i.id in links}
    out: list[Problem] = []
    for start in links:
        if start in state:
            continue
        state[start] = 1
        # each frame: the item, its links still to follow, the link last followed from it
        frames: list[tuple[str, Iterator[tuple[str, str]], list[str]]] = [
            (start, iter(links[start]), [""])
        ]
        while frames:
            node, edges, via = frames[-1]
            step = next(edges, None)
            if step is None:
                state[node] = 2
                frames.pop()
                continue
            field, target = step
            via[0] = field
            if target not in links or state.get(target) == 2:
                continue
            if state.get(target) == 1:
                ids = [f[0] for f in frames]
                loop = frames[ids.index(target) :]
                first = min(loop, key=lambda f: order[f[0]])
                chain = " -> ".join([*(f[0] for f in loop), target])
                out.append(
                    where[first[0]].problem(
                        first[2][0],
                        f"duplicate_of/corroborates links form a cycle ({chain}); an item "
                        "cannot, through others, duplicate or corroborate itself",
                        CODE_CYCLE,
                    )
                )
                continue
            state[target] = 1
            frames.append((target, iter(links[target]), [""]))
    return out
