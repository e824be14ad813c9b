"""The ruleset's tools: check, and (``qsg diff``, ``backtest``, ``verify``, ``test``)
compare, replay, verify and test a ruleset, each from the inputs the resolver gives."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..codes import Code
from ..errors import InputError, Problem
from ..ruleset import CompiledRuleset
from ..workspace import Workspace
from .inputs import open_ruleset, open_rulesets, open_workspace, register_file

if TYPE_CHECKING:
    from ..backtest import Agreement, Backtest
    from ..diff import RulesetDiff
    from ..scenarios import Scenario
    from ..verify import VerifyReport

__all__ = [
    "OUT_EXISTS",
    "BacktestRun",
    "RulesetCheck",
    "VerifyRun",
    "check_ruleset",
    "compare_rulesets",
    "load_scenario_files",
    "reproduce",
    "ruleset_warnings",
    "run_backtest",
    "verify_ruleset",
    "write_counterexample",
]

#: `qsg verify --out` names a folder that is there and not empty.
OUT_EXISTS = Code.VERIFY_OUT_EXISTS


@dataclass(frozen=True)
class RulesetCheck:
    """What `qsg check` reports: the ruleset, its analysis findings, and a summary line."""

    path: str
    ruleset: CompiledRuleset
    findings: tuple[Problem, ...]

    @property
    def summary(self) -> str:
        rs = self.ruleset
        levels: dict[str, int] = {}
        for rule in rs.rules:
            levels[rule.level.value] = levels.get(rule.level.value, 0) + 1
        by_level = ", ".join(f"{n} {lv}" for lv, n in sorted(levels.items()))
        return (
            f"ruleset {rs.name} {rs.version}, {len(rs.rules)} rules ({by_level}), "
            f"{len(rs.spec.indicators)} indicator settings"
        )


def check_ruleset(path: str | Path, *, strict: bool = False) -> RulesetCheck:
    """Validate a ruleset (InputError with every problem) and analyse it.

    The analysis findings are warnings, or errors when ``strict``.
    """
    from ..ruleset.analysis import analyse

    compiled = open_ruleset(path)
    assert compiled.positions is not None
    found = analyse(compiled, compiled.positions)
    if strict:
        found = [
            Problem(p.file, p.line, p.col, p.message, p.code, "error", p.argument) for p in found
        ]
    return RulesetCheck(str(path), compiled, tuple(found))


def ruleset_warnings(compiled: CompiledRuleset) -> tuple[Problem, ...]:
    """What `qsg check` warns of in a loaded ruleset (rules that can never fire,
    contradictions...), for the commands that use it: a triage by a ruleset with a rule that
    can never hold says so, as `check` would."""
    from ..ruleset.analysis import analyse

    if compiled.positions is None:
        return ()
    return tuple(analyse(compiled, compiled.positions))


def compare_rulesets(
    ruleset_a: str | Path | CompiledRuleset,
    ruleset_b: str | Path | CompiledRuleset,
    workspace: str | Path | Workspace | None = None,
    *,
    as_of: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> RulesetDiff:
    """`qsg diff`: the providers whose level changes from ``ruleset_a`` to ``ruleset_b`` on
    one workspace (default: the demo) as of ``as_of`` or each month from ``start`` to
    ``end``, the rules responsible and the settings that moved them. InputError with the
    problems of both rulesets, or of the months, before anything is triaged."""
    from ..diff import diff_months, diff_rulesets

    if start is not None or end is not None:  # bad months said before anything is loaded
        diff_months(None, as_of, start, end)
    a, b = open_rulesets(ruleset_a, ruleset_b)
    return diff_rulesets(open_workspace(workspace), a, b, as_of=as_of, start=start, end=end)


@dataclass(frozen=True)
class BacktestRun:
    """What `qsg backtest` reports: the replay, and (where the register holds decisions)
    how often the proposal was the level decided, with the register read."""

    backtest: Backtest
    agreement: Agreement | None
    register: Path
    seconds: float  # the replay's, loading aside


def run_backtest(
    workspace: str | Path | Workspace | None = None,
    ruleset: str | Path | CompiledRuleset | None = None,
    *,
    start: str,
    end: str,
    compare: str | Path | CompiledRuleset | None = None,
    register: str | Path | None = None,
    jobs: int = 1,
    dask: int | None = None,
    scheduler: str | None = None,
) -> BacktestRun:
    """Replay the triage month by month from ``start`` to ``end`` (``qsgrules.backtest``),
    with a second ruleset ``compare`` side by side; where the register (``register``, by
    default the workspace's) holds decisions, the agreement with them. Bad months are
    reported before anything is loaded. Each month's providers are split over ``jobs``
    processes; or the grid runs on Dask (``qsgrules.cluster``): a local cluster of ``dask``
    worker processes, or the cluster of the scheduler at ``scheduler``. The backtest is the
    same however it is computed."""
    from .. import backtest as bt
    from .record import decided_levels

    bt.months_between(start, end)
    if dask is not None and scheduler is not None:
        raise InputError(
            [
                Problem.for_argument(
                    "scheduler",
                    "give --dask N (a local cluster) or --scheduler (a running one), not both",
                    code=Code.CLUSTER,
                )
            ]
        )
    if compare is not None:
        rs, other = open_rulesets(ruleset, compare)
    else:
        rs, other = open_ruleset(ruleset), None
    ws = open_workspace(workspace)
    decided = decided_levels(ws.root, register)
    began = time.perf_counter()
    if dask is None and scheduler is None:
        result = bt.backtest(ws, rs, start=start, end=end, compare=other, jobs=jobs)
    else:
        from ..cluster import on_dask

        with on_dask(scheduler, dask or 1) as grid:
            result = bt.backtest(ws, rs, start=start, end=end, compare=other, grid=grid)
    seconds = time.perf_counter() - began
    found = None if decided is None else bt.agreement(result, decided)
    return BacktestRun(result, found, register_file(ws.root, register), seconds)


@dataclass(frozen=True)
class VerifyRun:
    """What `qsg verify` reports: the ruleset, the report, and the folder a counterexample
    is written to (checked before the run)."""

    ruleset: CompiledRuleset
    report: VerifyReport
    out: Path


def verify_ruleset(
    ruleset: str | Path | CompiledRuleset,
    *,
    examples: int = 200,
    seed: int | None = None,
    shrink_seconds: float = 20.0,
    out: str | Path = "qsg-counterexample",
) -> VerifyRun:
    """Check a ruleset's soundness on generated workspaces (``qsgrules.verify``); ``out``
    (where a counterexample goes: it must not exist, or be empty) is checked first."""
    from ..verify import verify
    from ..writing import check_new_folder

    compiled = open_ruleset(ruleset)
    target = check_new_folder(out, "out", OUT_EXISTS)
    report = verify(compiled, examples=examples, seed=seed, shrink_seconds=shrink_seconds)
    return VerifyRun(compiled, report, target)


def reproduce(run: VerifyRun, ruleset: str) -> list[str]:
    """How to reproduce the counterexample of ``run``: its README's lines (the property
    broken, then a `qsg triage` command per workspace, with the level it gave)."""
    cx = run.report.counterexample
    assert cx is not None
    lines = [f"{cx.property}: {cx.message}", "", "Reproduce:"]
    for name in cx.workspaces:
        seen = f"  # {cx.provider}: {cx.levels[name]}" if name in cx.levels else ""
        lines.append(
            f"  qsg triage --workspace {run.out / name} --ruleset {ruleset} --as-of {cx.as_of} "
            f"--provider {cx.provider}{seen}"
        )
    return lines


def write_counterexample(run: VerifyRun, ruleset: str) -> list[str]:
    """Write the counterexample of ``run`` under its ``out`` folder, a workspace folder
    each, with a README.txt saying how to reproduce it (whose lines are returned)."""
    from ..verify import write_counterexample as write_workspaces
    from ..writing import write_file

    cx = run.report.counterexample
    assert cx is not None
    write_workspaces(cx, run.out)
    lines = reproduce(run, ruleset)
    write_file(run.out / "README.txt", "\n".join(lines) + "\n", argument="out")
    return lines


def load_scenario_files(
    paths: Sequence[str | Path],
    *,
    root: str | Path | None = None,
    ruleset: str | Path | None = None,
) -> tuple[list[Path], list[Scenario]]:
    """The scenario files among ``paths`` (folders searched) and every scenario in them,
    run against ``ruleset`` when given (else the one each names); InputError with the
    problems of every file."""
    from ..scenarios import load_scenarios, scenario_files

    files = scenario_files([Path(p) for p in paths])
    problems: list[Problem] = []
    loaded = []
    given = open_ruleset(ruleset) if ruleset is not None else None
    for file in files:
        try:
            loaded.extend(load_scenarios(file, root=root, ruleset=given))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return files, loaded
