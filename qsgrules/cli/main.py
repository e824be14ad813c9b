"""`qsg`: triage, explain, check, indicators, intel, privacy.

Each command imports the API it needs when it runs: `qsg --help` and the light commands
do not pay for numpy, scipy, pydantic models or the rules engine they never use.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .. import __version__
from ..errors import EngineError, ExitCode, InputError
from ..model.vocabulary import Domain, Severity

F = TypeVar("F", bound=Callable[..., Any])


def reports_input_errors(**options: str) -> Callable[[F], F]:
    """Bad input: every problem on stderr as file:line[:col]: message, exit 2, no traceback.

    ``options`` names what the user typed for an argument whose name differs from its
    option (``providers="CODE"`` for `explain`); others are ``--name-with-dashes``.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except InputError as exc:
                for problem in exc.problems:
                    click.echo(problem.render(options), err=True)
                n = len(exc.problems)
                click.echo(f"{n} problem{'s' if n != 1 else ''} found; nothing was done.", err=True)
                sys.exit(ExitCode.BAD_INPUT)
            except EngineError as exc:
                # not the user's input: the engine did not take every fact cleanly, so nothing
                # is reported rather than a triage that may have lost something
                click.echo(
                    f"engine failure, no triage reported: {exc}; this is a fault in qsgrules or "
                    "its rules engine, not in your input: please report it",
                    err=True,
                )
                sys.exit(ExitCode.INTERNAL)

        return wrapper  # type: ignore[return-value]

    return decorate


_WORKSPACE = click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False),
    default=None,
    help="Workspace folder (default: the bundled demo).",
)
_RULESET = click.option(
    "--ruleset",
    "-r",
    type=click.Path(dir_okay=False),
    default=None,
    help="Ruleset YAML (default: the bundled default ruleset).",
)
_AS_OF = click.option(
    "--as-of",
    default=None,
    metavar="YYYY-MM",
    help="As of this month (default: the latest month in the data).",
)
_PUBLIC = click.option(
    "--public",
    is_flag=True,
    help="For publication: withhold summaries of items given in confidence (weights kept).",
)


def triage_options(func: F) -> F:
    for option in reversed([_WORKSPACE, _RULESET, _AS_OF, _PUBLIC]):
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
@reports_input_errors(providers="--provider")
def triage(
    workspace: str | None,
    ruleset: str | None,
    as_of: str | None,
    public: bool,
    providers: tuple[str, ...],
    fmt: str,
) -> None:
    """Propose a level for every provider, highest level first."""
    from ..api import publishable, run_triage
    from ..reports import render
    from .progress import bar

    with bar() as progress:
        result = run_triage(
            workspace, ruleset, as_of=as_of, providers=list(providers) or None, progress=progress
        )
    if public:
        result = publishable(result)
    writer = {"table": render.table, "json": render.to_json, "csv": render.to_csv}[fmt]
    click.echo(writer(result), nl=False)


@cli.command()
@click.argument("code")
@triage_options
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@reports_input_errors(providers="CODE")
def explain(
    code: str, workspace: str | None, ruleset: str | None, as_of: str | None, public: bool, fmt: str
) -> None:
    """Explain the proposal for provider CODE: every rule that fired, with its numbers."""
    from ..api import publishable, run_triage
    from ..reports import render

    result = run_triage(workspace, ruleset, as_of=as_of, providers=[code])
    if public:
        result = publishable(result)
    proposal = result.proposals[0]
    if fmt == "json":
        click.echo(proposal.model_dump_json(indent=2))
    else:
        click.echo(render.explanation(result, proposal), nl=False)


@cli.command()
@click.argument("ruleset", type=click.Path(dir_okay=False))
@reports_input_errors()
def check(ruleset: str) -> None:
    """Check a ruleset: a one-line summary, or every problem as file:line:col."""
    from ..ruleset import load_ruleset

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
    from ..indicators import CATALOGUE

    if fmt == "json":
        click.echo(json.dumps([i.model_dump(mode="json") for i in CATALOGUE], indent=2))
        return
    click.echo(f"{'ID':<24} {'DOMAIN':<13} {'POLARITY':<15} {'KIND':<10} UNIT")
    for i in CATALOGUE:
        click.echo(
            f"{i.id:<24} {i.domain.value:<13} {i.polarity.value:<15} {i.kind.value:<10} {i.unit}"
        )
        click.echo(f"{'':<24} {i.title}")


@cli.group()
def intel() -> None:
    """Soft intelligence: log an item between meetings, list items with their weights."""


@intel.command("add")
@click.option("--workspace", "-w", type=click.Path(file_okay=False), required=True)
@click.option("--provider", required=True, metavar="CODE")
@click.option("--source", required=True, metavar="ORG", help="Member organisation, e.g. CQC.")
@click.option(
    "--domain",
    required=True,
    type=click.Choice(Domain.values()),
)
@click.option("--severity", required=True, type=click.Choice(Severity.values()))
@click.option(
    "--grading",
    required=True,
    metavar="B2",
    help="Source reliability A-E and information assessment 1-5.",
)
@click.option("--summary", required=True, help="Free text: never patient-identifiable.")
@click.option(
    "--received",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Date received (default: today).",
)
@click.option(
    "--confidential", is_flag=True, help="Provided in confidence: withheld when published."
)
@click.option("--duplicate-of", default=None, metavar="ID")
@click.option("--corroborates", default=None, metavar="ID")
@click.option("--id", "item_id", default=None, help="Item id (default: the next SI-NNN).")
@reports_input_errors()
def intel_add(
    workspace: str,
    provider: str,
    source: str,
    domain: str,
    severity: str,
    grading: str,
    summary: str,
    received: Any,
    confidential: bool,
    duplicate_of: str | None,
    corroborates: str | None,
    item_id: str | None,
) -> None:
    """Append one validated item to the workspace, with a new id."""
    from ..api import add_item

    item = add_item(
        workspace,
        {
            "id": item_id,
            "provider": provider,
            "source": source,
            "domain": domain,
            "severity": severity,
            "grading": grading,
            "summary": summary,
            "received": received.date() if received else None,
            "handling": "confidential" if confidential else "open",
            "duplicate_of": duplicate_of,
            "corroborates": corroborates,
        },
    )
    click.echo(
        f"added {item.id}: {item.provider} {item.source} {item.domain} {item.severity} "
        f"({item.grading}), received {item.received.isoformat()}"
    )


@intel.command("list")
@_WORKSPACE
@_RULESET
@_AS_OF
@_PUBLIC
@click.option("--provider", "-p", default=None, metavar="CODE")
@reports_input_errors()
def intel_list(
    workspace: str | None,
    ruleset: str | None,
    as_of: str | None,
    public: bool,
    provider: str | None,
) -> None:
    """Show the items with their current weights (how each weight is made)."""
    from ..api import list_intelligence
    from ..reports import render

    rows = list_intelligence(workspace, ruleset, as_of=as_of, provider=provider)
    click.echo(render.intelligence(rows, public=public), nl=False)


@cli.command()
@click.option("--providers", type=int, required=True, metavar="N", help="Number of providers.")
@click.option("--months", type=int, default=36, show_default=True, metavar="M")
@click.option("--items", type=int, default=0, show_default=True, metavar="K", help="Soft items.")
@click.option("--seed", type=int, default=0, show_default=True, metavar="S")
@click.option("--end", default="2019-03", show_default=True, metavar="YYYY-MM", help="Last month.")
@click.option(
    "--missing",
    type=float,
    default=0.0,
    show_default=True,
    help="Share of indicator rows left out at random.",
)
@click.option("--out", required=True, type=click.Path(), metavar="DIR", help="A new folder.")
@reports_input_errors()
def synth(
    providers: int, months: int, items: int, seed: int, end: str, missing: float, out: str
) -> None:
    """Write a synthetic workspace: the same options give byte-identical files."""
    from ..synth import synthesise
    from .progress import bar

    with bar() as progress:
        report = synthesise(
            out,
            providers=providers,
            months=months,
            items=items,
            seed=seed,
            end=end,
            missing=missing,
            progress=progress,
        )
    rows = ", ".join(f"{name} {n:,} rows" for name, n in report.rows.items())
    size = sum(report.bytes.values()) / 1e6
    click.echo(f"wrote {report.folder} ({size:.1f} MB): {rows}")


@cli.group()
def privacy() -> None:
    """Patient- and staff-identifiable data: find it before it spreads."""


@privacy.command("scan")
@click.argument("folder", type=click.Path(file_okay=False, exists=True))
def privacy_scan(folder: str) -> None:
    """Report every possible identifier in a workspace's files (kind and place, never the
    identifier). Exit 1 when anything is found."""
    from ..api import scan_workspace

    found = scan_workspace(folder)
    for problem in found:
        click.echo(str(problem))
    click.echo(f"{len(found)} possible identifier(s) in {folder}", err=True)
    sys.exit(ExitCode.FINDINGS if found else ExitCode.OK)


def main() -> None:
    cli(prog_name="qsg")
