"""`qsg`: triage, explain, check, indicators."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .. import __version__
from ..api import run_triage
from ..errors import InputError
from ..indicators import CATALOGUE
from ..reports import render
from ..ruleset import load_ruleset

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
F = TypeVar("F", bound=Callable[..., Any])


def reports_input_errors(func: F) -> F:
    """Bad input: every problem on stderr as file:line[:col]: message, exit 2, no traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            n = len(exc.problems)
            click.echo(f"{n} problem{'s' if n != 1 else ''} found; nothing was done.", err=True)
            sys.exit(EXIT_BAD_INPUT)

    return wrapper  # type: ignore[return-value]


def triage_options(func: F) -> F:
    options = [
        click.option(
            "--workspace",
            "-w",
            type=click.Path(file_okay=False),
            default=None,
            help="Workspace folder (default: the bundled demo).",
        ),
        click.option(
            "--ruleset",
            "-r",
            type=click.Path(dir_okay=False),
            default=None,
            help="Ruleset YAML (default: the bundled default ruleset).",
        ),
        click.option(
            "--as-of",
            default=None,
            metavar="YYYY-MM",
            help="Triage as of this month (default: the latest month in the data).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qsg")
def cli() -> None:
    """qsgrules: proposed triage for NHS Quality Surveillance Groups.

    Proposes a level for every provider (risk summit required, regular review, further
    information required, no concerns) from YAML rules over hard indicators and soft
    intelligence, and explains each proposal with its numbers. Members confirm or override.
    """


@cli.command()
@triage_options
@click.option(
    "--provider",
    "-p",
    "providers",
    multiple=True,
    metavar="CODE",
    help="Only these providers (repeatable).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@reports_input_errors
def triage(
    workspace: str | None,
    ruleset: str | None,
    as_of: str | None,
    providers: tuple[str, ...],
    fmt: str,
) -> None:
    """Propose a level for every provider, highest level first."""
    result = run_triage(workspace, ruleset, as_of=as_of, providers=list(providers) or None)
    writer = {"table": render.table, "json": render.to_json, "csv": render.to_csv}[fmt]
    click.echo(writer(result), nl=False)


@cli.command()
@click.argument("code")
@triage_options
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@reports_input_errors
def explain(
    code: str, workspace: str | None, ruleset: str | None, as_of: str | None, fmt: str
) -> None:
    """Explain the proposal for provider CODE: every rule that fired, with its numbers."""
    result = run_triage(workspace, ruleset, as_of=as_of, providers=[code])
    proposal = result.proposals[0]
    if fmt == "json":
        click.echo(proposal.model_dump_json(indent=2))
    else:
        click.echo(render.explanation(result, proposal), nl=False)


@cli.command()
@click.argument("ruleset", type=click.Path(dir_okay=False))
@reports_input_errors
def check(ruleset: str) -> None:
    """Check a ruleset: a one-line summary, or every problem as file:line:col."""
    compiled = load_ruleset(ruleset)
    levels: dict[str, int] = {}
    for rule in compiled.rules:
        levels[rule.level.value] = levels.get(rule.level.value, 0) + 1
    by_level = ", ".join(f"{n} {lv}" for lv, n in sorted(levels.items()))
    click.echo(
        f"{ruleset}: ok: ruleset {compiled.name} {compiled.version}, {len(compiled.rules)} rules "
        f"({by_level}), {len(compiled.spec.indicators)} indicator settings"
    )


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def indicators(fmt: str) -> None:
    """List the indicator catalogue (National Quality Dashboard, Annex B)."""
    if fmt == "json":
        import json

        click.echo(json.dumps([i.model_dump(mode="json") for i in CATALOGUE], indent=2))
        return
    click.echo(f"{'ID':<24} {'DOMAIN':<13} {'POLARITY':<15} {'KIND':<10} UNIT")
    for i in CATALOGUE:
        click.echo(
            f"{i.id:<24} {i.domain.value:<13} {i.polarity.value:<15} {i.kind.value:<10} {i.unit}"
        )
        click.echo(f"{'':<24} {i.title}")


def main() -> None:
    cli(prog_name="qsg")
