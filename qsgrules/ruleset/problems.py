"""A ruleset's schema errors, in the words of the YAML an analyst wrote, at its positions."""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from ..codes import Code
from ..errors import Problem, did_you_mean
from ..model.vocabulary import DOMAINS, PROVIDER_TYPES, HardTest, Strength
from ..yamlpos import Positions, YamlPath, pydantic_problems
from .conditions import COMBINERS, KIND_NAMES, LEAVES
from .schema import Ruleset

_WORDS: dict[str, list[str]] = {
    "provider type": list(PROVIDER_TYPES),
    "domain": list(DOMAINS),
    "strength": Strength.values(),
    "test": [*HardTest.values(), "any"],
}

# stable codes of the problems this module reports
SCHEMA = Code.RULESET_SCHEMA
CONDITION_KIND = Code.CONDITION_KIND
CONDITION_KEY = Code.CONDITION_KEY
CONDITION_VALUE = Code.CONDITION_VALUE


def schema_problems(exc: ValidationError, positions: Positions) -> list[Problem]:
    """Every schema error as a located problem; conditions speak of kinds and keys."""
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        if loc[0] in ("rules", "properties") and "when" in loc[2:4]:
            out.append(_condition_problem(err, positions))
            continue
        problem = pydantic_problems(_One(err), positions)[0]
        if err["type"] == "extra_forbidden":
            allowed = _fields_at(Ruleset, list(loc[:-1]))
            if allowed:
                name = str(loc[-1])
                problem = Problem(
                    problem.file,
                    problem.line,
                    problem.col,
                    f'unknown key "{name}"{did_you_mean(name, allowed)}; allowed here: '
                    f"{', '.join(sorted(allowed))}",
                )
        out.append(_coded(problem, SCHEMA))
    return out


def _coded(p: Problem, code: str) -> Problem:
    return Problem(p.file, p.line, p.col, p.message, code)


class _One:
    """A ValidationError look-alike holding one of another's errors."""

    def __init__(self, err: Any) -> None:
        self._err = err

    def errors(self, include_url: bool = False) -> list[Any]:
        return [self._err]


def yaml_path(loc: tuple[Any, ...]) -> YamlPath:
    """A pydantic location inside conditions as the YAML path the analyst wrote.

    A tagged union repeats the kind (its tag, then its field), and `provider_type`'s list
    lives under a `types` field the YAML does not have.
    """
    path: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and path and part == path[-1] and part in KIND_NAMES:
            continue
        if part == "types" and path and path[-1] == "provider_type":
            continue
        path.append(part)
    return tuple(path)


def _condition_problem(err: Any, positions: Positions) -> Problem:
    kind = err["type"]
    path = yaml_path(tuple(err["loc"]))
    got = err.get("input")
    kinds = ", ".join(KIND_NAMES)
    if kind == "condition_kind":
        if isinstance(got, dict) and len(got) == 1:
            ((name, _),) = got.items()
            return _coded(
                positions.problem(
                    (*path, name),
                    f'unknown condition "{name}"{did_you_mean(str(name), KIND_NAMES)}; '
                    f"use one of {kinds}",
                    key=True,
                ),
                CONDITION_KIND,
            )
        return _coded(
            positions.problem(
                path, f"a condition is a mapping with exactly one key: one of {kinds}"
            ),
            CONDITION_KIND,
        )
    if kind == "extra_forbidden":
        owner = next((p for p in reversed(path[:-1]) if p in LEAVES), None)
        allowed = _leaf_fields(str(owner)) if owner else set()
        name = str(path[-1])
        where = f' in "{owner}"' if owner else ""
        return _coded(
            positions.problem(
                path,
                f'unknown key "{name}"{where}{did_you_mean(name, allowed)}; '
                f"allowed: {', '.join(sorted(allowed))}",
                key=True,
            ),
            CONDITION_KEY,
        )
    field = str(path[-1]) if path else ""
    if kind == "enum":
        noun = "provider type" if "provider_type" in path else field
        expected = _WORDS.get(noun, [])
        return _coded(
            positions.problem(
                path,
                f"unknown {noun} {got!r}{did_you_mean(str(got), expected)}; use one of "
                + ", ".join(e for e in expected if e),
            ),
            CONDITION_VALUE,
        )
    if kind in ("list_type", "too_short") and path and path[-1] in COMBINERS:
        return _coded(
            positions.problem(path, f'"{path[-1]}" takes a non-empty list of conditions'),
            CONDITION_VALUE,
        )
    if kind in ("model_type", "model_attributes_type", "dict_type") and path and path[-1] in LEAVES:
        return _coded(
            positions.problem(path, f'"{path[-1]}" takes a mapping (for example {{min: 1}})'),
            CONDITION_VALUE,
        )
    message = str(err["msg"]).removeprefix("Value error, ")
    if field in ("min", "max") and not message.startswith(field):
        message = f"{field} {message}"
    elif kind != "value_error":
        shown = f" (got {got!r})" if isinstance(got, str | int | float | bool) else ""
        message = f"{field}: {message}{shown}" if field else message
    return _coded(positions.problem(path, message), CONDITION_VALUE)


def _leaf_fields(kind: str) -> set[str]:
    model = LEAVES[kind]
    fields = set(model.model_fields)
    if not getattr(model, "BOUNDED", True):
        fields.discard("max")
    return fields


def _fields_at(model: type[BaseModel], loc: list[Any]) -> set[str]:
    """The field names of the model found by following ``loc`` from ``model``."""
    current: Any = model
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return set()
            current = field.annotation
            continue
        current = _unwrap(current)
        if current is None:
            return set()
    current = (
        _unwrap(current)
        if not (isinstance(current, type) and issubclass(current, BaseModel))
        else current
    )
    if isinstance(current, type) and issubclass(current, BaseModel):
        return set(current.model_fields)
    return set()


def _unwrap(tp: Any) -> Any:
    """Step into list[X] / dict[K, X] / X | None to the model inside, if any."""
    args = typing.get_args(tp)
    for arg in reversed(args):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        inner = _unwrap(arg) if typing.get_args(arg) else None
        if inner is not None:
            return inner
    return None
