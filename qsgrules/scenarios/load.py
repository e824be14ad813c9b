"""Read scenario files: every problem located in the scenario file, or nothing.

The inline workspace is written to a temporary folder in the workspace formats and read by
the workspace loader, so a scenario's data passes exactly the checks `qsg triage` applies;
each problem the loader finds (at a line of a written file) is mapped back to the place in
the scenario that produced that line.
"""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..bundled import default_ruleset
from ..codes import Code
from ..errors import InputError, Problem, did_you_mean
from ..files import read_text, size_limit
from ..indicators import BY_ID
from ..model.months import month_number, month_text
from ..model.vocabulary import HardTest, Strength
from ..ruleset import CompiledRuleset, load_ruleset
from ..workspace import Workspace, load_workspace
from ..yamlpos import Positions, YamlPath, load, pydantic_problems
from .schema import InlineWorkspace, ScenarioFileSpec, ScenarioSpec

# stable codes of the problems this module reports
SHAPE = Code.SCENARIO_SHAPE
WORKSPACE = Code.SCENARIO_WORKSPACE
EXPECTATION = Code.SCENARIO_EXPECTATION
RULESET = Code.SCENARIO_RULESET


@dataclass(frozen=True)
class Scenario:
    """One loaded scenario, ready to run."""

    name: str
    file: str
    line: int
    spec: ScenarioSpec
    ruleset: CompiledRuleset
    workspace: Workspace
    as_of: str | None


def _coded(p: Problem, code: str) -> Problem:
    return Problem(p.file, p.line, p.col, p.message, code)


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _cell(v: object) -> str:
    return "" if v is None else str(v)


def _written(
    ws: InlineWorkspace, at: YamlPath
) -> tuple[dict[str, str], dict[tuple[str, int], YamlPath]]:
    """The workspace's files, and (file, line) -> the scenario path that made the line."""
    files: dict[str, str] = {}
    where: dict[tuple[str, int], YamlPath] = {}
    rows = [["code", "name", "type", "qsg"]]
    for k, p in enumerate(ws.providers):
        rows.append([p.code, p.name or f"{p.code} (scenario)", p.type, p.qsg])
        where[("providers.csv", k + 2)] = (*at, "providers", k)
    files["providers.csv"] = _csv(rows)
    rows = [["provider", "indicator", "period", "value", "numerator", "denominator"]]
    for k, r in enumerate(ws.indicators):
        here: YamlPath = (*at, "indicators", k)
        if r.from_ is None:
            counts = [_cell(r.numerator), _cell(r.denominator)]
            rows.append([r.provider, r.indicator, _cell(r.period), _cell(r.value), *counts])
            where[("indicators.csv", len(rows))] = here
            continue
        start = month_number(r.from_ or "")
        for j in range(r.size):
            v = r.values[j] if r.values is not None else None
            period = month_text(start + j) if start is not None else f"{r.from_}+{j}"
            num = _cell(r.numerators[j]) if r.numerators else ""
            den = _cell(r.denominators[j]) if r.denominators else ""
            rows.append([r.provider, r.indicator, period, _cell(v), num, den])
            column = "values" if r.values is not None else "numerators"
            where[("indicators.csv", len(rows))] = (*here, column, j)
    files["indicators.csv"] = _csv(rows)
    if ws.members:
        rows = [["name", "kind", "title", "parent", "aliases"]]
        for k, m in enumerate(ws.members):
            rows.append([m.name, m.kind, m.title or m.name, m.parent, ";".join(m.aliases)])
            where[("members.csv", k + 2)] = (*at, "members", k)
        files["members.csv"] = _csv(rows)
    if ws.intelligence:
        text = yaml.safe_dump(ws.intelligence, sort_keys=False, allow_unicode=True, width=10**6)
        files["intelligence.yaml"] = text
        _, positions, _ = load(text, "intelligence.yaml")
        for path, (line, _) in positions.values.items():
            if path:
                where[("intelligence.yaml", line)] = (*at, "intelligence", *path)
        for path, (line, _) in positions.keys.items():
            where.setdefault(("intelligence.yaml", line), (*at, "intelligence", *path))
    return files, where


def _workspace(
    spec: InlineWorkspace, at: YamlPath, positions: Positions, problems: list[Problem]
) -> Workspace | None:
    files, where = _written(spec, at)
    with tempfile.TemporaryDirectory(prefix="qsg-scenario-") as folder:
        for name, text in files.items():
            (Path(folder) / name).write_text(text, encoding="utf-8")
        try:
            return load_workspace(folder)
        except InputError as exc:
            for p in exc.problems:
                path = where.get((p.file, p.line), (*at, p.file.split(".")[0]))
                shown = f"{p.file}: {p.message}" if p.file in files else p.message
                problems.append(_coded(positions.problem(path, shown), WORKSPACE))
            return None


def _check_expectations(
    spec: ScenarioSpec,
    at: YamlPath,
    ruleset: CompiledRuleset,
    ws: Workspace,
    positions: Positions,
    problems: list[Problem],
) -> None:
    rule_ids = [r.id for r in ruleset.rules]
    items = {str(i.id) for i in ws.intelligence}

    def bad(path: YamlPath, message: str, *, key: bool = False) -> None:
        problems.append(
            _coded(positions.problem((*at, "expect", *path), message, key=key), EXPECTATION)
        )

    levels = ruleset.ladder.names()
    for code, held in spec.standing.items():
        where: YamlPath = (*at, "standing", code)
        if code not in ws.providers:
            problems.append(
                _coded(positions.problem(where, f"no provider {code!r}", key=True), EXPECTATION)
            )
        given = [("level", held.level)] if held.level is not None else []
        given += [(d, lv) for d, lv in held.domains.items()]
        for key, lv in given:
            if lv not in levels:
                path = (*where, "level") if key == "level" else (*where, "domains", key)
                message = f"unknown level {lv!r}{did_you_mean(lv, levels)}"
                problems.append(_coded(positions.problem(path, message), EXPECTATION))
            if key != "level" and key not in ruleset.spec.all_domains:
                message = f"unknown domain {key!r}"
                problems.append(
                    _coded(positions.problem((*where, "domains", key), message), EXPECTATION)
                )

    for code, exp in spec.expect.items():
        if code not in ws.providers:
            bad(
                (code,),
                f"no provider {code!r} in the workspace{did_you_mean(code, ws.providers)}",
                key=True,
            )
        if exp.level not in levels:
            bad((code, "level"), f"unknown level {exp.level!r}{did_you_mean(exp.level, levels)}")
        for d, lv in (exp.domains or {}).items():
            if d not in ruleset.spec.all_domains:
                bad((code, "domains", d), f"unknown domain {d!r}", key=True)
            if lv not in levels:
                bad((code, "domains", d), f"unknown level {lv!r}{did_you_mean(lv, levels)}")
        known_limits = [lim.id for lim in ruleset.limits]
        for k, lim in enumerate(exp.limits or []):
            if lim not in known_limits:
                bad((code, "limits", k), f"no limit {lim!r} in {ruleset.name}")
        named = [((code, "rules", k), r) for k, r in enumerate(exp.rules or [])]
        for part in ("cites", "met", "because"):
            named += [((code, part, r), r) for r in getattr(exp, part)]
        for path, rule in named:
            if rule not in rule_ids:
                bad(
                    path,
                    f"no rule {rule!r} in {ruleset.name}{did_you_mean(rule, rule_ids)}",
                    key=path[1] != "rules",
                )
        for rule, cites in exp.cites.items():
            for k, ref in enumerate(cites.hard):
                message = _hard_ref_problem(ref)
                if message:
                    bad((code, "cites", rule, "hard", k), message)
            for k, item in enumerate(cites.soft):
                if item not in items:
                    bad(
                        (code, "cites", rule, "soft", k),
                        f"no item {item!r}{did_you_mean(item, items)}",
                    )


#: The rulesets shipped with qsgrules: their own scenarios name them (``../default.yaml``)
#: wherever they are installed, with or without a repository around them.
_BUNDLED = default_ruleset().resolve().parent


def _cut(text: str) -> str:
    return text if len(text) <= 80 else f"{text[:77]}..."


def _inside(path: Path, base: Path) -> bool:
    try:
        return path.resolve().is_relative_to(base)
    except (OSError, RuntimeError):  # a loop of links
        return False


def _looks_like_a_ruleset(path: Path) -> bool:
    """Whether the file is YAML whose top level is a mapping with ``rules``: only then are
    its problems shown (they quote it); otherwise it is only named."""
    text = read_text(path, str(path), "yaml", limit=size_limit("ruleset"))
    if isinstance(text, Problem):
        return True  # its problem names it and quotes nothing
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and "rules" in data


def _ruleset_problems(
    exc: InputError, chosen: str, path: Path, where: YamlPath, positions: Positions
) -> list[Problem]:
    cannot_read = any(p.code.startswith("QSG30") for p in exc.problems)
    if cannot_read or _looks_like_a_ruleset(path):
        head = f"the ruleset {_cut(chosen)} does not load (below)"
        return [_coded(positions.problem(where, head), RULESET), *exc.problems]
    head = (
        f"{_cut(chosen)} is not a ruleset (its top level is not a mapping with `rules:`); "
        "its content is not shown: name a ruleset file"
    )
    return [_coded(positions.problem(where, head), RULESET)]


def _hard_ref_problem(ref: str) -> str:
    parts = ref.split(":")
    if len(parts) not in (2, 3):
        return (
            f"{ref!r}: write indicator:test or indicator:test:strength "
            "(e.g. never_events_rate:standard)"
        )
    if parts[0] not in BY_ID:
        return f"{ref!r}: unknown indicator{did_you_mean(parts[0], BY_ID)}"
    if parts[1] not in HardTest.values():
        return f"{ref!r}: unknown test; use one of {', '.join(HardTest.values())}"
    if len(parts) == 3 and parts[2] not in Strength.values():
        return f"{ref!r}: unknown strength; use one of {', '.join(Strength.values())}"
    return ""


def repository_root(file: Path) -> Path:
    """The root a scenario's paths must stay inside when none is given: the nearest folder
    above it that is a repository (holds ``.git`` or ``.hg``), else the folder holding it."""
    here = file.resolve().parent
    for folder in (here, *here.parents):
        if (folder / ".git").exists() or (folder / ".hg").exists():
            return folder
    return here


def _named_ruleset(
    spec: ScenarioSpec,
    at: YamlPath,
    ruleset_text: str | None,
    file: Path,
    base: Path,
    positions: Positions,
    rulesets: dict[Path, CompiledRuleset],
    problems: list[Problem],
) -> CompiledRuleset | None:
    """The ruleset a scenario names (the bundled default when none), loaded once per file;
    None, with the problem added, when it is outside the root or does not load."""
    chosen = spec.ruleset or ruleset_text
    ruleset_path = (file.parent / chosen) if chosen else default_ruleset()
    where = (*at, "ruleset") if spec.ruleset else ("ruleset",)
    if chosen and not any(_inside(file.parent / chosen, b) for b in (base, _BUNDLED)):
        problems.append(
            _coded(
                positions.problem(
                    where,
                    f"the ruleset {_cut(chosen)} is outside the scenario's repository "
                    f"({base}): a scenario may name only files inside it (give another "
                    "root with qsg test --root DIR)",
                ),
                RULESET,
            )
        )
        return None
    if ruleset_path not in rulesets:
        try:
            rulesets[ruleset_path] = load_ruleset(ruleset_path)
        except InputError as exc:
            problems.extend(_ruleset_problems(exc, chosen or "", ruleset_path, where, positions))
            return None
    return rulesets[ruleset_path]


def load_scenarios(
    path: str | Path,
    *,
    root: str | Path | None = None,
    ruleset: str | Path | CompiledRuleset | None = None,
) -> list[Scenario]:
    """Every scenario in a scenario file; InputError with every problem found.

    ``ruleset`` (``qsg test --ruleset``, pytest's ``--qsg-ruleset``), when given, is the
    ruleset every scenario runs against, whatever the file names: an edited copy of a
    shipped ruleset is tested by the shipped scenarios without copying them.

    A ``ruleset`` the file names must resolve (links followed) inside ``root``: the root
    given (``qsg test --root``, pytest's rootdir), else the scenario's repository
    (``repository_root``). Scenario files arrive in pull requests and run in CI whose logs
    may be public: a path outside is refused, and a file that is not a ruleset is named,
    never quoted."""
    file = Path(path)
    text_or_problem = read_text(file, str(file), "yaml", limit=size_limit("scenario"))
    if isinstance(text_or_problem, Problem):
        raise InputError([_coded(text_or_problem, SHAPE)])
    text = text_or_problem
    base = Path(root).resolve() if root is not None else repository_root(file)
    data, positions, problems = load(text, str(file))
    if problems:
        raise InputError(problems)
    if not isinstance(data, dict):
        raise InputError(
            [Problem(str(file), 1, 1, "a scenario file is a mapping (see the README)", SHAPE)]
        )
    several = "scenarios" in data
    try:
        if several:
            top = ScenarioFileSpec.model_validate(data)
            specs: list[tuple[ScenarioSpec, YamlPath]] = [
                (s, ("scenarios", k)) for k, s in enumerate(top.scenarios)
            ]
            ruleset_text, as_of = top.ruleset, top.as_of
        else:
            one = ScenarioSpec.model_validate(data)
            specs, ruleset_text, as_of = [(one, ())], None, None
    except ValidationError as exc:
        model = ScenarioFileSpec if several else ScenarioSpec
        raise InputError(
            _coded(p, SHAPE) for p in pydantic_problems(exc, positions, (), model)
        ) from None
    out: list[Scenario] = []
    rulesets: dict[Path, CompiledRuleset] = {}
    # a ruleset given on the command line: its own problems are located in it
    given = load_ruleset(Path(ruleset)) if isinstance(ruleset, str | Path) else ruleset
    for spec, at in specs:
        used = (
            given
            if given is not None
            else _named_ruleset(spec, at, ruleset_text, file, base, positions, rulesets, problems)
        )
        if used is None:
            continue
        ws = _workspace(spec.workspace, (*at, "workspace"), positions, problems)
        month = spec.as_of or as_of
        if month is not None and month_number(month) is None:
            where = (*at, "as_of") if spec.as_of else ("as_of",)
            problems.append(
                _coded(positions.problem(where, f"bad month {month!r}; write YYYY-MM"), SHAPE)
            )
        if ws is None:
            continue
        _check_expectations(spec, at, used, ws, positions, problems)
        name = spec.name or file.stem
        out.append(Scenario(name, str(file), positions.at(at)[0], spec, used, ws, month))
    if problems:
        # a problem of what scenarios share (the file's ruleset, its as_of) is found once per
        # scenario: said once
        raise InputError(list(dict.fromkeys(problems)))
    seen: dict[str, Scenario] = {}
    for s, (_, at) in zip(out, specs, strict=False):
        if s.name in seen:
            problems.append(
                _coded(
                    positions.problem(
                        (*at, "name"),
                        f'another scenario is named "{s.name}" (line {seen[s.name].line}): '
                        "give each a name of its own",
                    ),
                    SHAPE,
                )
            )
        seen.setdefault(s.name, s)
    if problems:
        raise InputError(problems)
    return out


__all__ = ["Scenario", "load_scenarios"]
