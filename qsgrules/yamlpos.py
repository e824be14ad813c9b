"""YAML with source positions.

PyYAML composes a node tree whose nodes carry start marks. We build plain Python data from
it and keep, beside the data, the position of every key and value by path, so that a pydantic
error's ``loc`` maps back to ``file:line:col``. Duplicate keys (which PyYAML silently resolves
to the last one) are reported as problems. Only the safe YAML types are built.

Hostile YAML is refused as a located problem, quickly: aliases are limited in number and in
how much they expand (a "billion laughs" bomb of a few kilobytes), an alias inside the node
it names (``&r [*r]``) is refused, and so is nesting deeper than any real file needs.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel

from .codes import Code
from .errors import Problem, did_you_mean

YamlPath = tuple[str | int, ...]

#: At most this many alias uses (``*name``) in one file.
MAX_ALIASES = 1_000
#: At most this many values built through aliases, beyond those written out.
MAX_ALIAS_EXPANSION = 50_000
#: At most this deep a nesting of mappings and lists.
MAX_DEPTH = 100
# Files whose every line is shorter than this and that hold fewer brackets than this cannot
# nest deeper than the C composer's stack allows: they may use libyaml (much faster).
_C_SAFE = 2_000

_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")

CODE_YAML_SYNTAX = Code.YAML_SYNTAX
CODE_YAML_ALIAS = Code.YAML_ALIAS
CODE_YAML_DEPTH = Code.YAML_DEPTH
CODE_YAML_KEY = Code.YAML_KEY
CODE_YAML_VALUE = Code.YAML_VALUE


@dataclass
class Positions:
    """Line and column (1-based) of each value, and of each mapping key, by path."""

    file: str
    values: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    broken: set[YamlPath] = field(default_factory=set)  # values YAML could not build
    # the text of each unquoted scalar YAML read as a number: 2019.10 as written, not 2019.1
    numbers: dict[YamlPath, str] = field(default_factory=dict)
    text: str = ""  # the source, to place a problem inside a value (``find``)

    def at(self, path: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
        """Position of the deepest known prefix of ``path`` (the key itself when ``key``)."""
        p: YamlPath = tuple(path)
        while True:
            if key and p in self.keys:
                return self.keys[p]
            if p in self.values:
                return self.values[p]
            if p in self.keys:
                return self.keys[p]
            if not p:
                return (1, 1)
            p = p[:-1]

    def find(self, path: Sequence[str | int], needle: str, nth: int = 0) -> tuple[int, int] | None:
        """Where the ``nth`` occurrence (from 0) of ``needle`` is in the source, searching
        from the value at ``path``: a place inside a value, even a folded or literal block
        whose lines are not the value's; None when it is not there as written."""
        if not self.text or tuple(path) not in self.values:
            return None
        line, col = self.values[tuple(path)]
        later = [p for p in self.values.values() if p > (line, col)]
        end = self._offset(*min(later)) if later else len(self.text)  # the next value
        at = self._offset(line, col)
        for _ in range(nth + 1):
            at = self.text.find(needle, at, end)
            if at < 0:
                return None
            at += 1
        at -= 1
        found_line = self.text.count("\n", 0, at) + 1
        return found_line, at - (self.text.rfind("\n", 0, at) + 1) + 1

    def _offset(self, line: int, col: int) -> int:
        start = 0
        for _ in range(line - 1):
            start = self.text.index("\n", start) + 1
        return start + col - 1

    def problem(
        self,
        path: Sequence[str | int],
        message: str,
        *,
        key: bool = False,
        code: str = "QSG000",
    ) -> Problem:
        line, col = self.at(path, key=key)
        return Problem(self.file, line, col, message, code)


def _pos(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def load(text: str, file: str) -> tuple[Any, Positions, list[Problem]]:
    """Parse ``text``; return (data, positions, problems). Syntax errors become problems."""
    positions = Positions(file, text=text)
    problems: list[Problem] = []
    try:
        node = compose(text)
    except RecursionError:
        problems.append(Problem(file, 1, 1, "nesting too deep to read", code=CODE_YAML_DEPTH))
        return None, positions, problems
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"invalid YAML: {exc.problem or exc}"
        if exc.context and exc.context_mark and exc.context_mark is not mark:
            cm = exc.context_mark
            message += f" ({exc.context} at line {cm.line + 1}, column {cm.column + 1})"
        problems.append(Problem(file, line, col, message, code=CODE_YAML_SYNTAX))
        return None, positions, problems
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, ...)
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - text.rfind("\n", 0, exc.position)
        shown = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "a character"
        problems.append(
            Problem(
                file,
                line,
                col,
                f"invalid YAML: {shown} is not allowed in YAML text; remove it",
                code=CODE_YAML_SYNTAX,
            )
        )
        return None, positions, problems
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error is marked in practice
        problems.append(Problem(file, 1, 1, f"invalid YAML: {exc}", code=CODE_YAML_SYNTAX))
        return None, positions, problems
    if node is None:
        return None, positions, problems
    # typed once here: older stubs leave construct_object unannotated
    construct: Callable[[yaml.Node], Any] = yaml.SafeLoader("").construct_object
    seen: set[int] = set()  # every node built once: a second visit is an alias
    inside: set[int] = set()  # the nodes being built, outermost to innermost
    budget = {"aliases": 0, "expanded": 0}

    class _Refused(Exception):
        pass

    def refuse(n: yaml.Node, message: str, code: str) -> _Refused:
        problems.append(Problem(file, *_pos(n), message, code=code))
        return _Refused()

    def build(
        n: yaml.Node, path: YamlPath, depth: int = 0, aliased: yaml.Node | None = None
    ) -> Any:
        key = id(n)
        if key in inside:
            raise refuse(
                n,
                "an alias refers to the value that contains it (a recursive alias); "
                "write the value out",
                CODE_YAML_ALIAS,
            )
        if key in seen and aliased is None:
            budget["aliases"] += 1
            aliased = n  # the anchored value being repeated: where a problem points
            if budget["aliases"] > MAX_ALIASES:
                raise refuse(
                    n, f"more than {MAX_ALIASES:,} aliases; write the values out", CODE_YAML_ALIAS
                )
        seen.add(key)
        if aliased is not None:
            budget["expanded"] += 1
            if budget["expanded"] > MAX_ALIAS_EXPANSION:
                raise refuse(
                    aliased,
                    f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} values "
                    "(an alias bomb?); write the values out",
                    CODE_YAML_ALIAS,
                )
        if depth > MAX_DEPTH:
            raise refuse(n, f"nested more than {MAX_DEPTH} levels deep", CODE_YAML_DEPTH)
        positions.values[path] = _pos(n)
        if isinstance(n, yaml.MappingNode | yaml.SequenceNode):
            if n.tag not in _PLAIN_TAGS:
                problems.append(
                    Problem(
                        file,
                        *_pos(n),
                        f"invalid value: unsupported tag {n.tag!r}",
                        code=CODE_YAML_VALUE,
                    )
                )
                positions.broken.add(path)
                return None
            inside.add(key)
            try:
                return build_collection(n, path, depth, aliased)
            finally:
                inside.discard(key)
        return build_scalar(n, path)

    def build_collection(
        n: yaml.Node, path: YamlPath, depth: int, aliased: yaml.Node | None
    ) -> Any:
        if isinstance(n, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in n.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    problems.append(
                        Problem(
                            file, *_pos(key_node), "keys must be plain scalars", code=CODE_YAML_KEY
                        )
                    )
                    continue
                if key_node.tag == "tag:yaml.org,2002:merge":
                    problems.append(
                        Problem(
                            file,
                            *_pos(key_node),
                            "merge keys (<<) are not supported; write the keys out",
                            code=CODE_YAML_KEY,
                        )
                    )
                    continue
                try:
                    key = construct(key_node)
                except (yaml.constructor.ConstructorError, ValueError) as exc:
                    problems.append(
                        Problem(file, *_pos(key_node), f"invalid key: {exc}", code=CODE_YAML_KEY)
                    )
                    continue
                if not isinstance(key, str | int):
                    key = str(key_node.value)
                child: YamlPath = (*path, key)
                if key in out:
                    first = positions.keys[child]
                    problems.append(
                        Problem(
                            file,
                            *_pos(key_node),
                            f'duplicate key "{key}" (first defined at line {first[0]}); '
                            "remove one of them",
                            code=CODE_YAML_KEY,
                        )
                    )
                    continue
                positions.keys[child] = _pos(key_node)
                out[key] = build(value_node, child, depth + 1, aliased)
            return out
        return [build(item, (*path, i), depth + 1, aliased) for i, item in enumerate(n.value)]

    def build_scalar(n: yaml.Node, path: YamlPath) -> Any:
        try:
            value = construct(n)
            if isinstance(value, int | float) and not isinstance(value, bool):
                positions.numbers[path] = str(n.value)
            return value
        except yaml.constructor.ConstructorError as exc:
            problems.append(
                Problem(file, *_pos(n), f"invalid value: {exc.problem}", code=CODE_YAML_VALUE)
            )
            positions.broken.add(path)
            return None
        except ValueError as exc:  # e.g. a date that does not exist: 2019-02-30
            problems.append(
                Problem(file, *_pos(n), f"invalid value {n.value!r}: {exc}", code=CODE_YAML_VALUE)
            )
            positions.broken.add(path)
            return None

    try:
        data = build(node, ())
    except _Refused:
        return None, Positions(file), problems
    return data, positions, problems


def compose(text: str) -> yaml.Node | None:
    """The node tree of ``text``: with libyaml when it is there and the text cannot nest
    deeper than its recursive composer can take, else with PyYAML's own composer (whose
    messages the error corpora pin: a libyaml error is re-read by PyYAML)."""
    c_loader = getattr(yaml, "CSafeLoader", None)
    if c_loader is not None and _shallow(text):
        try:
            fast: yaml.Node | None = yaml.compose(text, Loader=c_loader)
            return fast
        except yaml.YAMLError:
            pass
    node: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
    return node


def _shallow(text: str) -> bool:
    if text.count("[") + text.count("{") >= _C_SAFE:
        return False
    return max(map(len, text.splitlines()), default=0) < _C_SAFE


def pydantic_problems(
    exc: Any, positions: Positions, prefix: YamlPath = (), model: type[BaseModel] | None = None
) -> list[Problem]:
    """Map a pydantic ValidationError onto source positions.

    Paths in messages are relative to ``prefix`` (the item being validated, an instance of
    ``model``); an unknown key gets a "did you mean" from, and a list of, the keys allowed
    in the mapping it stands in (found by following its path through ``model``).
    """
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        rel: YamlPath = tuple(x for x in err["loc"] if not _is_tag(x))
        loc: YamlPath = (*prefix, *rel)
        if loc in positions.broken:
            continue  # already reported by the YAML reader
        kind = err["type"]
        where = ".".join(str(x) for x in rel) or "(top level)"
        if kind == "extra_forbidden":
            name = str(loc[-1]) if loc else "?"
            keys = keys_at(model, rel[:-1])
            hint = did_you_mean(name, keys) if keys else ""
            allowed = f"; allowed: {', '.join(sorted(keys))}" if keys else ""
            out.append(positions.problem(loc, f'unknown key "{name}"{hint}{allowed}', key=True))
        elif kind == "missing":
            parent = ".".join(str(x) for x in rel[:-1])
            out.append(
                positions.problem(
                    loc[:-1],
                    f'missing required key "{loc[-1]}"' + (f" in {parent}" if parent else ""),
                )
            )
        else:
            msg = err["msg"]
            got = err.get("input")
            shown = ""
            if kind == "value_error":
                msg = msg.removeprefix("Value error, ")
            elif isinstance(got, str | int | float | bool) or got is None:
                shown = f" (got {got!r})"
                if kind == "string_type" and isinstance(got, int | float):
                    written = positions.numbers.get(loc, str(got))
                    shown += f'; quote it: "{written}"'
                elif kind == "string_type" and isinstance(got, bool):
                    shown += "; YAML reads yes/no/on/off as true/false: quote it"
            out.append(positions.problem(loc, f"{where}: {msg}{shown}"))
    return out


def keys_at(model: type[BaseModel] | None, path: YamlPath) -> list[str]:
    """The keys the mapping at ``path`` inside ``model`` may have, as written in YAML; []
    when the path does not lead to one model (a union of several, a plain value)."""
    t: Any = model
    for step in path:
        t = _unwrapped(t)
        if isinstance(step, int):
            if get_origin(t) not in (list, tuple, Sequence) or not get_args(t):
                return []
            t = get_args(t)[0]
        elif isinstance(t, type) and issubclass(t, BaseModel):
            fields = {(f.alias or n): f for n, f in t.model_fields.items()}
            if step not in fields:
                return []
            t = fields[step].annotation
        elif get_origin(t) is dict and len(get_args(t)) == 2:
            t = get_args(t)[1]
        else:
            return []
    t = _unwrapped(t)
    if isinstance(t, type) and issubclass(t, BaseModel):
        return [f.alias or n for n, f in t.model_fields.items()]
    return []


def _unwrapped(t: Any) -> Any:
    """``t`` without ``Annotated`` and ``| None``; None for a union of several types."""
    origin = get_origin(t)
    if origin is Annotated:
        return _unwrapped(get_args(t)[0])
    if origin is Union or origin is types.UnionType:
        options = [a for a in get_args(t) if a is not type(None)]
        return _unwrapped(options[0]) if len(options) == 1 else None
    return t


def _is_tag(x: Any) -> bool:
    # pydantic inserts union member tags (e.g. "function-after[...]") into loc
    return isinstance(x, str) and ("[" in x or x.startswith("function-"))
