"""`qsg verify`, `qsg diff`, `qsg backtest`, `qsg test`: can a ruleset be trusted?

Thin commands over ``qsgrules.api.rulesets`` (which resolves their inputs and runs
``qsgrules.verify``, ``diff``, ``backtest`` and ``scenarios``); each imports what it uses
when it runs, so `qsg --help` stays quick.
"""

from __future__ import annotations

import math
import os
import sys

import click

from ..errors import ExitCode
from . import formats
from .common import _AS_OF, _JOBS, _REGISTER, _RULESET, _WORKSPACE, command, exit_with


def _a_number(ctx: click.Context, param: click.Parameter, value: float) -> float:
    # FloatRange lets nan through: it compares false with both ends of the range
    if math.isnan(value):
        raise click.BadParameter("nan is not a number of seconds; give 0 to 3600")
    return value


@command()
@click.argument("ruleset", type=click.Path(dir_okay=False))
@click.option(
    "--examples",
    type=click.IntRange(1, 100_000),
    default=200,
    show_default=True,
    help="Generated workspaces to try.",
)
@click.option(
    "--seed",
    type=click.IntRange(0, 2**32 - 1),
    default=0,
    show_default=True,
    help="The random examples' seed (the same seed, the same run); the aimed probes "
    "do not depend on it.",
)
@click.option(
    "--shrink-seconds",
    type=click.FloatRange(0, 3600),
    callback=_a_number,
    default=20.0,
    show_default=True,
    help="How long to shrink a counterexample once one is found.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default="qsg-counterexample",
    show_default=True,
    help="Where a counterexample is written (must not exist, or be empty).",
)
def verify(ruleset: str, examples: int, seed: int, shrink_seconds: float, out: str) -> None:
    """Check RULESET's soundness on generated workspaces (Hypothesis).

    Built-in properties: more or worse current evidence never lowers a provider's level,
    the order of rows and items changes nothing, the same inputs give the same triage,
    every level the ruleset names is proposed, every rule fires and decides a level; and
    the properties the ruleset declares under `properties:`. Workspaces aimed at each rule
    come first (the same on every run): each ceiling a rule turns on (a `max`, `not` over
    evidence; what `qsg check` warns of as QSG104) is crossed with the least evidence that
    does it. A failure prints the counterexample, writes it as workspace folders under
    --out, and exits 1. The default seed is fixed: the same command, the same result.
    """
    from ..api.rulesets import verify_ruleset, write_counterexample
    from ..verify import AS_OF, counterexample_files

    run = verify_ruleset(
        ruleset, examples=examples, seed=seed, shrink_seconds=shrink_seconds, out=out
    )
    compiled, report = run.ruleset, run.report
    timing = f"seed {report.seed}, {report.seconds:.1f} s"
    tried = f"{report.aimed} aimed and {report.examples} generated workspaces"
    cx = report.counterexample
    if cx is None:
        verdict = "ok" if report.ok else "FAILED"
        lines = [
            f"{ruleset}: {verdict}: {compiled.name} {compiled.version} on {tried} as of "
            f"{AS_OF} ({timing})"
        ]
        lines += [
            f"  {'note' if o.note else 'ok  ' if o.ok else 'FAIL'}  {o.text}"
            for o in report.outcomes
        ]
        _say(lines)
        exit_with(ExitCode.OK if report.ok else ExitCode.FINDINGS)
    # written before anything is shown: a reader that stops early loses nothing
    readme = write_counterexample(run, ruleset)
    lines = [
        f"{ruleset}: FAILED after {tried} ({timing})",
        f"  property: {cx.property}",
        f"  {cx.message}",
        f"Counterexample (as of {cx.as_of}), written to {out}/:",
    ]
    for name, files in counterexample_files(cx).items():
        for file, text in files.items():
            lines.append(f"--- {name}/{file}")
            lines.extend(text.rstrip("\n").split("\n"))
    lines.extend(readme[2:])
    _say(lines)
    exit_with(ExitCode.FINDINGS)


def _say(lines: list[str]) -> None:
    """Print ``lines``; a reader that stops early (``| head -1``) ends the output quietly,
    and the command still exits with its verdict's code."""
    try:
        for line in lines:
            click.echo(line)
        sys.stdout.flush()
    except BrokenPipeError:
        try:  # what is still buffered goes nowhere, not to a traceback at exit
            fd = sys.stdout.fileno()
        except (AttributeError, OSError, ValueError):
            return
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)


@command(said_as={"start": "--from", "end": "--to"})
@click.argument("ruleset_a", type=click.Path(dir_okay=False))
@click.argument("ruleset_b", type=click.Path(dir_okay=False))
@_WORKSPACE
@_AS_OF
@click.option("--from", "start", default=None, metavar="YYYY-MM", help="First month of a range.")
@click.option("--to", "end", default=None, metavar="YYYY-MM", help="Last month of a range.")
@formats.DIFF.option()
def diff(
    ruleset_a: str,
    ruleset_b: str,
    workspace: str | None,
    as_of: str | None,
    start: str | None,
    end: str | None,
    fmt: str,
) -> None:
    """The providers whose level changes from RULESET_A to RULESET_B (as of one month, or
    each month from --from to --to), the rules responsible (fired under one and not the
    other) and the settings that moved each (weights, limits, conditions: each that alone
    changes the level, else those that do together). Exit 1 when a provider changes level,
    0 when none does (as diff(1))."""
    from ..api.rulesets import compare_rulesets

    result = compare_rulesets(ruleset_a, ruleset_b, workspace, as_of=as_of, start=start, end=end)
    formats.DIFF[fmt].emit((result, ruleset_a, ruleset_b))
    for line in result.warnings:  # as `qsg triage` warns: stale data compared is not news
        click.echo(line, err=True)
    exit_with(ExitCode.FINDINGS if result.changes else ExitCode.OK)


@command(said_as={"start": "--from", "end": "--to", "dask": "--dask", "scheduler": "--scheduler"})
@_WORKSPACE
@_RULESET
@click.option("--from", "start", required=True, metavar="YYYY-MM", help="First month.")
@click.option("--to", "end", required=True, metavar="YYYY-MM", help="Last month.")
@formats.BACKTEST.option()
@click.option(
    "--compare",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="RULESET",
    help="A second ruleset, shown side by side.",
)
@_REGISTER
@_JOBS
@click.option(
    "--dask",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Run on a local Dask cluster of N worker processes (pip install 'qsgrules[dask]').",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="tcp://HOST:PORT",
    help="Run on the Dask cluster of this scheduler (its workers need qsgrules installed).",
)
def backtest(
    workspace: str | None,
    ruleset: str | None,
    start: str,
    end: str,
    fmt: str,
    compare: str | None,
    register: str | None,
    jobs: int | None,
    dask: int | None,
    scheduler: str | None,
) -> None:
    """Replay the triage month by month from --from to --to, using only what was known by
    each month; per provider the level each month and the first month each level was
    reached (with --compare, both rulesets side by side). Where the register holds
    decisions, how often the proposal was the level the QSG decided."""
    from ..api.rulesets import run_backtest
    from ..forked import cores

    run = run_backtest(
        workspace,
        ruleset,
        start=start,
        end=end,
        compare=compare,
        register=register,
        jobs=jobs or cores(),
        dask=dask,
        scheduler=scheduler,
    )
    reporter = formats.BACKTEST[fmt]
    reporter.emit(run)
    result = run.backtest
    if reporter.human:  # the summary ends the report (JSON and CSV are rows only)
        click.echo(
            f"{len(result.providers)} providers x {len(result.months)} months in "
            f"{run.seconds:.1f} s"
        )


@command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    metavar="DIR",
    help="The folder a scenario's ruleset must be inside (default: the scenario's "
    "repository, the nearest folder above it holding .git, else its own folder).",
)
@click.option(
    "--ruleset",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="PATH",
    help="Run every scenario against this ruleset instead of the one it names (an edited "
    "copy of a shipped ruleset, tested by its shipped scenarios).",
)
def test_scenarios(paths: tuple[str, ...], root: str | None, ruleset: str | None) -> None:
    """Run scenario files (and the scenario files in folders: those named scenario_*.yaml
    or *.scenario.yaml with a top-level `scenarios:` or `expect:` key): exit 1 when one
    fails, printing what differed from what it expects."""
    from ..api.rulesets import load_scenario_files
    from ..scenarios import run_scenario

    files, loaded = load_scenario_files(paths, root=root, ruleset=ruleset)
    failed = 0
    for scenario in loaded:
        result = run_scenario(scenario)
        click.echo(f"{'ok  ' if result.ok else 'FAIL'}  {result.where}: {scenario.name}")
        for difference in result.differences:
            click.echo("        " + difference.replace("\n", "\n        "))
        failed += not result.ok
    click.echo(f"{len(loaded) - failed} passed, {failed} failed ({len(files)} file(s))")
    exit_with(ExitCode.FINDINGS if failed else ExitCode.OK)


COMMANDS = [verify, diff, backtest, test_scenarios]
