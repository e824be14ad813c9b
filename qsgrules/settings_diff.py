"""Which settings differ between two rulesets, and which of them move a provider.

A setting is one place in a ruleset's YAML that can change a level: an indicator test's
key (``indicators.ae_4hr_type1.standard.strong_limit``), a soft weight
(``soft.source_weights.healthwatch``), a rule's condition or level (``rules.ID.when``), a
whole rule or limit added or removed. Words that change no level (descriptions, rationales,
``because`` texts, name and version) and ``properties`` (read by `qsg verify` only) are not
settings.

A setting *moves* a provider when it alone makes the difference: the first ruleset with
that one setting as in the second proposes another level for the provider, or the second
with that one setting as in the first does. Settings that change a level only together
(neither alone) are named as a group by ``moved_by``'s caller.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from .errors import InputError
from .ruleset import CompiledRuleset, parse_ruleset

#: Keys whose values are words for the reader, never a reason for a level.
WORDS = frozenset({"name", "version", "description", "rationale", "because", "properties"})
#: Keys whose value is compared whole (a condition is one setting, not its every leaf).
WHOLE = frozenset({"when", "exit"})
#: Lists whose items are matched by their ``id`` (a rule is the same rule by its id).
BY_ID = frozenset({"rules", "limits"})

#: Where a setting is: mapping keys as the YAML has them, a rule or limit by its id.
Path = tuple[Any, ...]


@dataclass(frozen=True)
class Setting:
    """One setting that differs: where, and its value in each ruleset (None: absent)."""

    path: Path
    before: object
    after: object

    @property
    def name(self) -> str:
        return ".".join(str(k) for k in self.path)

    def text(self) -> str:
        """``soft.half_life_days 182 -> 120``, ``soft.source_weights.x added: 1.5``,
        ``rules.x removed``; a value too long to quote is said ``changed``."""
        a, b = _short(self.before), _short(self.after)
        if self.before is None:
            return f"{self.name} added" + (f": {b}" if b is not None else "")
        if self.after is None:
            return f"{self.name} removed" + (f" (was {a})" if a is not None else "")
        if a is None or b is None:
            return f"{self.name} changed"
        return f"{self.name} {a} -> {b}"

    def to_dict(self) -> dict[str, object]:
        return {"setting": self.name, "a": self.before, "b": self.after}


def _short(value: object) -> str | None:
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= 48 else None


def raw(ruleset: CompiledRuleset) -> dict[str, Any]:
    """The ruleset's YAML as plain data (its text, as compiled)."""
    data = yaml.safe_load(ruleset.text) if ruleset.text else None
    return data if isinstance(data, dict) else {}


def differing(a: dict[str, Any], b: dict[str, Any]) -> tuple[Setting, ...]:
    """Every setting whose value differs from ``a`` to ``b``, in the order of ``a`` then ``b``."""
    return tuple(_walk(a, b, ()))


def _walk(a: object, b: object, at: Path) -> Iterator[Setting]:
    if at and at[-1] in WORDS:
        return
    if a == b:
        return
    if a is None or b is None:
        yield Setting(at, a, b)
        return
    key = at[-1] if at else ""
    if isinstance(a, dict) and isinstance(b, dict) and key not in WHOLE:
        for k in list(a) + [k for k in b if k not in a]:
            yield from _walk(a.get(k), b.get(k), (*at, k))
        return
    if len(at) == 1 and key in BY_ID and _by_id(a) is not None and _by_id(b) is not None:
        ours, theirs = _by_id(a) or {}, _by_id(b) or {}
        for k in list(ours) + [k for k in theirs if k not in ours]:
            yield from _walk(ours.get(k), theirs.get(k), (*at, k))
        return
    yield Setting(at, a, b)


def _by_id(items: object) -> dict[str, dict[str, Any]] | None:
    if not isinstance(items, list):
        return None
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            return None
        out[item["id"]] = item
    return out if len(out) == len(items) else None


def with_setting(data: dict[str, Any], setting: Setting, value: object) -> dict[str, Any]:
    """A copy of ``data`` with ``setting`` given ``value`` (None: removed)."""
    out = copy.deepcopy(data)
    path = setting.path
    if path[0] in BY_ID and len(path) >= 2:
        items: list[Any] = out.setdefault(path[0], [])
        at = next((i for i, r in enumerate(items) if r.get("id") == path[1]), None)
        if len(path) == 2:
            if value is None and at is not None:
                del items[at]
            elif value is not None and at is None:
                items.append(copy.deepcopy(value))
            elif value is not None and at is not None:
                items[at] = copy.deepcopy(value)
            return out
        if at is None:  # the rule is absent here: nothing to set in it
            return out
        _set(items[at], path[2:], value)
        return out
    _set(out, path, value)
    return out


def _set(data: dict[Any, Any], path: Path, value: object) -> None:
    for key in path[:-1]:
        nxt = data.get(key)
        if not isinstance(nxt, dict):
            nxt = {}
            data[key] = nxt
        data = nxt
    if value is None:
        data.pop(path[-1], None)
    else:
        data[path[-1]] = copy.deepcopy(value)


def compiled(data: dict[str, Any]) -> CompiledRuleset | None:
    """``data`` compiled as a ruleset; None where one setting alone is not a valid ruleset
    (a rule naming a category only the other ruleset declares)."""
    try:
        return parse_ruleset(yaml.safe_dump(data, sort_keys=False), "<one setting changed>")
    except InputError:
        return None
