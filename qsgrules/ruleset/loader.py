"""Load a ruleset file: every problem as ``file:line:col: message``, or a compiled ruleset."""

from __future__ import annotations

import hashlib
import typing
from dataclasses import dataclass, replace
from pathlib import Path as FsPath
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import InputError, Problem, did_you_mean
from ..files import CODE_UNREADABLE, decode, read_bytes
from ..indicators import BY_ID, DataKind, Polarity
from ..model.vocabulary import Level
from ..yamlpos import Path, Positions, load, pydantic_problems
from . import template
from .conditions import Node, atoms, compile_condition
from .schema import Rule, Ruleset


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    condition: Node
    index: int  # position in the file: ties in explanations break by it

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def level(self) -> Level:
        return self.rule.level


@dataclass(frozen=True)
class CompiledRuleset:
    spec: Ruleset
    rules: tuple[CompiledRule, ...]
    sha256: str
    source: str

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def version(self) -> str:
        return self.spec.version

    def attributes(self) -> list[str]:
        """Every profile attribute some rule compares: all the engine needs to see."""
        return sorted({a.attr for r in self.rules for a in atoms(r.condition)})


def load_ruleset(path: str | FsPath) -> CompiledRuleset:
    """Read and compile a ruleset file; raise InputError with every problem found."""
    p = FsPath(path)
    raw = read_bytes(p, str(p), "yaml")
    if isinstance(raw, Problem):
        if raw.code == CODE_UNREADABLE:  # missing or unreadable: say it is the ruleset
            raw = replace(raw, message=f"cannot read ruleset: {raw.message}")
        raise InputError([raw])
    text = decode(raw, str(p), bom=False)
    if isinstance(text, Problem):
        raise InputError([text])
    return parse_ruleset(text, str(p), sha256=hashlib.sha256(raw).hexdigest())


def parse_ruleset(
    text: str, file: str = "<ruleset>", *, sha256: str | None = None
) -> CompiledRuleset:
    data, positions, problems = load(text, file)
    if problems:
        raise InputError(problems)
    if not isinstance(data, dict):
        raise InputError(
            [Problem(file, 1, 1, "a ruleset is a mapping with name, version, soft and rules")]
        )
    spec: Ruleset | None = None
    try:
        spec = Ruleset.model_validate(data)
    except ValidationError as exc:
        problems.extend(_schema_problems(exc, positions))
    problems.extend(_check_indicators(data, spec, positions))
    compiled: list[CompiledRule] = []
    raw_rules = data.get("rules")
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_rules if isinstance(raw_rules, list) else []):
        if not isinstance(raw, dict):
            continue
        rule_id = raw.get("id")
        if isinstance(rule_id, str):
            if rule_id in seen:
                first = positions.at(("rules", seen[rule_id], "id"))[0]
                problems.append(
                    positions.problem(
                        ("rules", i, "id"), f'duplicate rule id "{rule_id}" (first at line {first})'
                    )
                )
            else:
                seen[rule_id] = i
        because = raw.get("because")
        if isinstance(because, str):
            line, col = positions.at(("rules", i, "because"))
            for offset, message in template.check(because):
                problems.append(Problem(file, line, col + offset, f"because: {message}"))
        if "when" in raw:
            node, found = compile_condition(raw["when"], ("rules", i, "when"), positions)
            problems.extend(found)
            if node is not None and spec is not None:
                compiled.append(CompiledRule(spec.rules[i], node, i))
    if problems or spec is None:
        raise InputError(problems)
    digest = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
    return CompiledRuleset(spec, tuple(compiled), digest, file)


def _check_indicators(
    data: dict[str, Any], spec: Ruleset | None, positions: Positions
) -> list[Problem]:
    problems: list[Problem] = []
    raw = data.get("indicators")
    for ind_id in raw if isinstance(raw, dict) else {}:
        if ind_id not in BY_ID:
            problems.append(
                positions.problem(
                    ("indicators", ind_id),
                    f"unknown indicator {ind_id!r}{did_you_mean(str(ind_id), BY_ID)}; "
                    "see `qsg indicators`",
                    key=True,
                )
            )
    if spec is None:
        return problems
    for ind_id, settings in spec.indicators.items():
        where: Path = ("indicators", ind_id)
        if ind_id not in BY_ID:
            continue
        neutral = BY_ID[ind_id].polarity is Polarity.NEUTRAL
        for name, test in (("trend", settings.trend), ("peer", settings.peer)):
            if test is not None and neutral and test.direction is None:
                problems.append(
                    positions.problem(
                        (*where, name),
                        f"{ind_id} has no direction of concern in the catalogue; "
                        "say `direction: above` or `direction: below`",
                    )
                )
        if settings.peer is not None and BY_ID[ind_id].kind not in (
            DataKind.PROPORTION,
            DataKind.RATIO,
        ):
            problems.append(
                positions.problem(
                    (*where, "peer"),
                    f"a peer (funnel) test needs numerators and denominators: {ind_id} is a "
                    f"{BY_ID[ind_id].kind.value}; peer tests work on proportions and ratios",
                )
            )
        std = settings.standard
        if std is None:
            continue
        if BY_ID[ind_id].polarity is Polarity.NEUTRAL and std.direction is None:
            problems.append(
                positions.problem(
                    (*where, "standard"),
                    f"{ind_id} has no direction of concern in the catalogue; "
                    "say `direction: above` or `direction: below`",
                )
            )
        direction = std.direction or (
            "below" if BY_ID[ind_id].polarity is Polarity.LOWER_IS_WORSE else "above"
        )
        if std.strong_limit is not None and (
            (direction == "above" and std.strong_limit < std.limit)
            or (direction == "below" and std.strong_limit > std.limit)
        ):
            problems.append(
                positions.problem(
                    (*where, "standard", "strong_limit"),
                    f"strong_limit {std.strong_limit:g} is less severe than limit {std.limit:g} "
                    f"for a breach {direction} the limit",
                )
            )
    return problems


def _schema_problems(exc: ValidationError, positions: Positions) -> list[Problem]:
    problems = pydantic_problems(exc, positions)
    out: list[Problem] = []
    for p, err in zip(problems, exc.errors(include_url=False), strict=True):
        if err["type"] == "extra_forbidden":
            allowed = _fields_at(Ruleset, [x for x in err["loc"][:-1]])
            if allowed:
                name = str(err["loc"][-1])
                hint = did_you_mean(name, allowed)
                p = Problem(
                    p.file,
                    p.line,
                    p.col,
                    f'unknown key "{name}"{hint}; allowed here: {", ".join(sorted(allowed))}',
                )
        out.append(p)
    return out


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
