"""Load a ruleset file: every problem as ``file:line:col: message``, or a compiled ruleset."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..codes import Code
from ..errors import InputError, Problem, did_you_mean
from ..files import CODE_UNREADABLE, decode, read_bytes
from ..indicators import BY_ID, DataKind, Polarity
from ..model.ladder import DEFAULT_LADDER, AnyRung, Ladder, RungSpec
from ..yamlpos import Positions, YamlPath, load
from . import template
from .conditions import (
    MAX_ATOMS_PER_RULE,
    MAX_GROUPS_PER_RULE,
    Node,
    atoms,
    compile_condition,
    flatten,
    groups,
    leaves,
)
from .problems import schema_problems
from .schema import Limit, Rule, Ruleset


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    condition: Node
    index: int  # position in the file: ties in explanations break by it
    ladder: Ladder = DEFAULT_LADDER
    exit: Node | None = None  # what must hold to come down from the rule's level

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def level(self) -> AnyRung:
        return self.ladder.rung(self.rule.level)

    @property
    def domain(self) -> str | None:
        """The domain the rule's level applies to; None for the provider as a whole."""
        return self.rule.domain


@dataclass(frozen=True)
class CompiledLimit:
    limit: Limit
    condition: Node
    index: int
    ladder: Ladder = DEFAULT_LADDER

    @property
    def id(self) -> str:
        return self.limit.id

    @property
    def level(self) -> AnyRung:
        return self.ladder.rung(self.limit.level)


@dataclass(frozen=True)
class CompiledRuleset:
    spec: Ruleset
    rules: tuple[CompiledRule, ...]
    sha256: str
    source: str
    # where each part of the file is, for later analysis (qsg check)
    positions: Positions | None = field(default=None, compare=False, repr=False)
    # what the engine builds from this ruleset, kept with it (and freed with it)
    cache: dict[str, object] = field(default_factory=dict, compare=False, repr=False)
    ladder: Ladder = DEFAULT_LADDER
    limits: tuple[CompiledLimit, ...] = ()
    # the text it was compiled from: what is shipped to another process or machine, which
    # compiles it again (the compiled conditions and the engine do not pickle)
    text: str = field(default="", compare=False, repr=False)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def version(self) -> str:
        return self.spec.version


def load_ruleset(path: str | Path) -> CompiledRuleset:
    """Read and compile a ruleset file; raise InputError with every problem found."""
    p = Path(path)
    raw = read_bytes(p, str(p), "ruleset")
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
    """Validate and compile a ruleset's text; raise InputError with every problem found."""
    data, positions, problems = load(text, file)
    if problems:
        raise InputError(problems)
    if not isinstance(data, dict):
        raise InputError(
            [
                Problem(
                    file,
                    1,
                    1,
                    "a ruleset is a mapping with name, version, soft and rules",
                    Code.RULESET_SCHEMA,
                )
            ]
        )
    spec: Ruleset | None = None
    ladder, domains = _ladder_of(data), _declared_domains(data)
    try:
        spec = Ruleset.model_validate(data, context={"ladder": ladder, "domains": domains})
    except ValidationError as exc:
        problems.extend(schema_problems(exc, positions))
    problems.extend(_check_indicators(data, spec, positions))
    if spec is not None:
        problems.extend(_check_categories(spec, positions))
    raw_rules = data.get("rules")
    problems.extend(_check_rule_texts(raw_rules if isinstance(raw_rules, list) else [], positions))
    compiled: list[CompiledRule] = []
    for i, rule in enumerate(spec.rules if spec is not None else []):
        node = flatten(compile_condition(rule.when))
        n_atoms, n_groups = len(atoms(node)), groups(node)
        if n_atoms > MAX_ATOMS_PER_RULE or n_groups > MAX_GROUPS_PER_RULE:
            problems.append(
                positions.problem(
                    ("rules", i, "when"),
                    f"this condition is too large for the rules engine: {n_atoms} comparisons "
                    f"(at most {MAX_ATOMS_PER_RULE}) in {n_groups} all/any groups (at most "
                    f"{MAX_GROUPS_PER_RULE}); split it into several rules",
                    code=Code.CONDITION_SIZE,
                )
            )
        exit_node = None
        if rule.exit is not None:
            exit_node = flatten(compile_condition(rule.exit))
            problems.extend(_size(exit_node, ("rules", i, "exit"), positions))
        compiled.append(CompiledRule(rule, node, i, ladder, exit_node))
    limits: list[CompiledLimit] = []
    for i, limit in enumerate(spec.limits if spec is not None else []):
        node = flatten(compile_condition(limit.when))
        problems.extend(_size(node, ("limits", i, "when"), positions))
        limits.append(CompiledLimit(limit, node, i, ladder))
    if spec is not None:
        problems.extend(_check_limit_ids(spec, positions))
    if problems or spec is None:
        raise InputError(problems)
    digest = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
    return CompiledRuleset(
        spec,
        tuple(compiled),
        digest,
        file,
        positions,
        ladder=ladder,
        limits=tuple(limits),
        text=text,
    )


def _ladder_of(data: dict[str, Any]) -> Ladder:
    """The ladder the file declares (``levels:``), when it is well formed; else the default
    (the schema then reports what is wrong with ``levels:``)."""
    raw = data.get("levels")
    if not isinstance(raw, list) or len(raw) < 2:
        return DEFAULT_LADDER
    try:
        specs = [RungSpec.model_validate(r) for r in raw]
    except ValidationError:
        return DEFAULT_LADDER
    if len({s.id for s in specs}) != len(specs):
        return DEFAULT_LADDER
    return Ladder(specs)


def _declared_domains(data: dict[str, Any]) -> tuple[str, ...]:
    raw = data.get("domains")
    return tuple(d for d in raw if isinstance(d, str)) if isinstance(raw, list) else ()


def _size(node: Node, where: YamlPath, positions: Positions) -> list[Problem]:
    n_atoms, n_groups = len(atoms(node)), groups(node)
    if n_atoms <= MAX_ATOMS_PER_RULE and n_groups <= MAX_GROUPS_PER_RULE:
        return []
    return [
        positions.problem(
            where,
            f"this condition is too large for the rules engine: {n_atoms} comparisons "
            f"(at most {MAX_ATOMS_PER_RULE}) in {n_groups} all/any groups (at most "
            f"{MAX_GROUPS_PER_RULE}); split it",
            code=Code.CONDITION_SIZE,
        )
    ]


def _check_limit_ids(spec: Ruleset, positions: Positions) -> list[Problem]:
    """A limit's id is its own: no other limit's and no rule's (the engine runs both)."""
    seen = {r.id for r in spec.rules}
    out: list[Problem] = []
    for i, limit in enumerate(spec.limits):
        if limit.id in seen:
            out.append(
                positions.problem(
                    ("limits", i, "id"),
                    f"duplicate id \"{limit.id}\": a limit's id is not a rule's nor another "
                    "limit's",
                    code=Code.DUPLICATE_RULE_ID,
                )
            )
        seen.add(limit.id)
    return out


def _check_categories(spec: Ruleset, positions: Positions) -> list[Problem]:
    """Every category a condition names is one of the ruleset's (soft.categories)."""
    out: list[Problem] = []
    conditions: list[tuple[YamlPath, Any]] = [
        (("rules", i, "when"), rule.when) for i, rule in enumerate(spec.rules)
    ]
    conditions += [
        (("rules", i, "exit"), rule.exit)
        for i, rule in enumerate(spec.rules)
        if rule.exit is not None
    ]
    conditions += [(("limits", i, "when"), lim.when) for i, lim in enumerate(spec.limits)]
    for i, prop in enumerate(spec.properties):
        for key in ("at_least", "at_most", "never"):
            expectation = getattr(prop, key)
            if expectation is not None:
                conditions.append((("properties", i, key, "when"), expectation.when))
    for where, condition in conditions:
        for leaf, _, path in leaves(condition, where):
            category = getattr(leaf, "category", None)
            if category is not None and category not in spec.soft.categories:
                out.append(
                    positions.problem(
                        (*path, "category"),
                        f"unknown category {category!r}"
                        f"{did_you_mean(category, spec.soft.categories)}; the ruleset's "
                        f"categories (soft.categories) are {', '.join(spec.soft.categories)}",
                        code=Code.CONDITION_CATEGORY,
                    )
                )
    return out


def _check_rule_texts(raw_rules: list[Any], positions: Positions) -> list[Problem]:
    """Duplicate rule ids, and placeholders in `because` that name nothing."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_rules):
        if not isinstance(raw, dict):
            continue
        rule_id = raw.get("id")
        if isinstance(rule_id, str):
            if rule_id in seen:
                first = positions.at(("rules", seen[rule_id], "id"))[0]
                problems.append(
                    positions.problem(
                        ("rules", i, "id"),
                        f'duplicate rule id "{rule_id}" (first at line {first})',
                        code=Code.DUPLICATE_RULE_ID,
                    )
                )
            else:
                seen[rule_id] = i
        because = raw.get("because")
        if isinstance(because, str):
            for offset, message in template.check(because):
                line, col = _placed(positions, ("rules", i, "because"), because, offset)
                problems.append(
                    Problem(
                        positions.file,
                        line,
                        col,
                        f"because: {message}",
                        Code.BECAUSE_PLACEHOLDER,
                    )
                )
    return problems


def _placed(positions: Positions, path: YamlPath, text: str, offset: int) -> tuple[int, int]:
    """Where the placeholder at ``offset`` of a value is written in the source: found as
    written (a folded or literal block's lines are not the value's), else the value's
    position moved along by the offset (a one-line value)."""
    written = template.PLACEHOLDER.match(text, offset)
    if written is not None:
        needle = written.group(0)
        found = positions.find(path, needle, text.count(needle, 0, offset))
        if found is not None:
            return found
    line, col = positions.at(path)
    return line, col + offset


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
                    code=Code.INDICATOR_SETTINGS,
                )
            )
    if spec is None:
        return problems
    for ind_id, settings in spec.indicators.items():
        where: YamlPath = ("indicators", ind_id)
        if ind_id not in BY_ID:
            continue
        neutral = BY_ID[ind_id].polarity is Polarity.NEUTRAL
        tests = (("trend", settings.trend), ("peer", settings.peer), ("cusum", settings.cusum))
        for name, test in tests:
            if test is not None and neutral and test.direction is None:
                problems.append(
                    positions.problem(
                        (*where, name),
                        f"{ind_id} has no direction of concern in the catalogue; "
                        "say `direction: above` or `direction: below`",
                        code=Code.INDICATOR_SETTINGS,
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
                    code=Code.INDICATOR_SETTINGS,
                )
            )
        cusum = settings.cusum
        if (
            cusum is not None
            and cusum.method == "counts"
            and BY_ID[ind_id].kind
            not in (
                DataKind.PROPORTION,
                DataKind.RATIO,
                DataKind.RATE,
            )
        ):
            problems.append(
                positions.problem(
                    (*where, "cusum", "method"),
                    f"a CUSUM of counts needs numerators and denominators: {ind_id} is a "
                    f"{BY_ID[ind_id].kind.value}; use method: normal (or auto)",
                    code=Code.INDICATOR_SETTINGS,
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
                    code=Code.INDICATOR_SETTINGS,
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
                    code=Code.INDICATOR_SETTINGS,
                )
            )
    return problems
