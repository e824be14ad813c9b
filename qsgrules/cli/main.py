"""`qsg`: triage, explain, pack, check, indicators, intel, privacy, and the register's and
the ruleset tools' commands.

Each command imports the API it needs when it runs: `qsg --help` and the light commands
do not pay for numpy, scipy, pydantic models or the rules engine they never use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from .. import __version__
from ..errors import ExitCode, InputError
from ..model.vocabulary import Domain, Severity
from . import (
    feedback_commands,
    formats,
    init_command,
    member_commands,
    plan_commands,
    register_commands,
    ruleset_commands,
    serve_command,
)
from .common import (
    _AS_OF,
    _JOBS,
    _LIAISON,
    _ON,
    _OWN_WORKSPACE,
    _PUBLIC,
    _REGISTER,
    _RULESET,
    _WORKSPACE,
    F,
    exit_with,
    group,
)

if TYPE_CHECKING:
    from ..workspace import Workspace


def opened(workspace: str | None) -> Workspace:
    """The workspace, its warnings said on stderr (what is legal but suspicious in it)."""
    from ..api import open_workspace

    ws = open_workspace(workspace)
    for warning in ws.warnings:
        click.echo(f"warning: {warning.render()}", err=True)
    return ws


def triage_options(func: F) -> F:
    for option in reversed([_WORKSPACE, _RULESET, _AS_OF, _ON, _PUBLIC, _REGISTER]):
        func = option(func)
    return func


@group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qsg")
def cli() -> None:
    """qsgrules: proposed triage for NHS Quality Surveillance Groups.

    Proposes a level for every provider (risk summit required, regular review, further
    information required, no concerns) from YAML rules over hard indicators and soft
    intelligence, and explains each proposal with its numbers. Members confirm or override.
    """


@cli.command(said_as={"providers": "--provider"})
@triage_options
@click.option(
    "--provider",
    "-p",
    "providers",
    multiple=True,
    metavar="CODE",
    help="Only these providers (repeatable).",
)
@formats.TRIAGE.option()
@click.option(
    "--strict-data",
    is_flag=True,
    help="Exit 1 when any provider's data stop before the as-of month (stale data).",
)
@_JOBS
def triage(
    workspace: str | None,
    ruleset: str | None,
    as_of: str | None,
    on: str | None,
    public: bool,
    register: str | None,
    providers: tuple[str, ...],
    fmt: str,
    strict_data: bool,
    jobs: int | None,
) -> None:
    """Propose a level for every provider, highest level first.

    Warns on stderr when providers' data stop before the as-of month (their proposals are
    marked); with --strict-data that is a failure (exit 1).
    """
    from .. import collector
    from ..api import open_ruleset, prepare_triage, ruleset_warnings
    from ..forked import cores
    from ..reports import render
    from .progress import bar

    collector.off_for_this_process()
    compiled = open_ruleset(ruleset)
    for p in ruleset_warnings(compiled):  # as `qsg check` says them
        click.echo(f"{p.where}: {p.severity} {p.code}: {p.message}", err=True)
    with bar() as progress:
        if progress is not None:
            progress("loading", 0, 1)
        run = prepare_triage(
            opened(workspace),
            compiled,
            as_of=as_of,
            on=on,
            providers=list(providers) or None,
            register=register,
        )
        if progress is not None:
            progress("loading", 1, 1)
        reporter = formats.triage_reporter(fmt)
        result, rows = reporter.stream(run, public=public, jobs=jobs or cores(), progress=progress)
    warnings = render.data_warnings(result, rows)
    # beside a machine format the table's notes are said on stderr
    notes = (
        []
        if reporter.human
        else render.lag_notes(result, rows) + [f"note: {n}" for n in result.notes]
    )
    for line in warnings + notes:
        click.echo(line, err=True)
    if strict_data and warnings:
        exit_with(ExitCode.FINDINGS)


@cli.command(said_as={"providers": "CODE"})
@click.argument("codes", nargs=-1, metavar="CODE...")
@triage_options
@click.option("--all", "every", is_flag=True, help="Explain every provider, highest level first.")
@formats.EXPLAIN.option()
def explain(
    codes: tuple[str, ...],
    workspace: str | None,
    ruleset: str | None,
    as_of: str | None,
    on: str | None,
    public: bool,
    every: bool,
    register: str | None,
    fmt: str,
) -> None:
    """Explain the proposal for each provider CODE (or --all): every rule that fired, with its
    numbers. JSON is one proposal for one CODE, a list otherwise."""
    if not codes and not every:
        raise click.UsageError("give one or more provider codes, or --all")
    if codes and every:
        raise click.UsageError("give provider codes or --all, not both")
    from ..api import publishable, run_triage
    from ..reports import render

    result = run_triage(
        opened(workspace),
        ruleset,
        as_of=as_of,
        on=on,
        providers=list(codes) or None,
        register=register,
    )
    if public:
        result = publishable(result)
    by_code = {p.provider: p for p in result.proposals}
    chosen = [by_code[c] for c in dict.fromkeys(codes)] if codes else list(result.proposals)
    formats.EXPLAIN[fmt].emit((result, chosen, len(codes) == 1))
    for line in render.data_warnings(result):
        click.echo(line, err=True)


@cli.command(said_as={"providers": "--provider"})
@triage_options
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(),
    metavar="FILE.html",
    help="Where to write the pack (written whole, or not at all).",
)
@click.option(
    "--provider",
    "-p",
    "providers",
    multiple=True,
    metavar="CODE",
    help="Only these providers' sections (repeatable; peers are still everyone).",
)
@click.option(
    "--meeting",
    default=None,
    metavar="ID",
    help="The pack of a meeting in the register: the triage frozen when it was opened, its "
    "agenda, the record before it (not with --as-of or --on).",
)
@click.option(
    "--all-qsgs",
    is_flag=True,
    help="With --meeting of a local QSG: every provider, not only its own.",
)
@_LIAISON
@_JOBS
def pack(
    workspace: str | None,
    ruleset: str | None,
    as_of: str | None,
    on: str | None,
    public: bool,
    out: str,
    providers: tuple[str, ...],
    register: str | None,
    meeting: str | None,
    all_qsgs: bool,
    liaison: tuple[str, ...],
    jobs: int | None,
) -> None:
    """Write the meeting pack: one self-contained HTML file to circulate, print or project.

    The agenda (the guidance's example local agenda; with --meeting, filled in from
    `qsg agenda`), the triage board (with standing levels, escalation and stale-data marks),
    and a section per provider: the proposal and the rules that fired, a Making Data Count
    XmR chart for each indicator with a finding, a funnel plot for each peer finding, the
    soft intelligence, previous decisions and open actions.
    """
    from ..api import meeting_pack
    from ..forked import cores

    text = meeting_pack(
        workspace,
        ruleset,
        as_of=as_of,
        on=on,
        providers=list(providers) or None,
        public=public,
        out=out,
        register=register,
        meeting=meeting,
        all_qsgs=all_qsgs,
        liaison=liaison,
        jobs=jobs or cores(),
    )
    # a provider's charts and the funnels across providers (every figure of the pack)
    charts = text.count('<svg id="chart-') + text.count('<svg id="across-')
    version = (
        "public version, confidential items' text withheld" if public else "not for publication"
    )
    click.echo(f"wrote {out}: {len(text) // 1024} KB, {charts} charts ({version})")


@cli.command()
@click.argument("ruleset", type=click.Path(dir_okay=False))
@click.option("--strict", is_flag=True, help="Treat the analysis' warnings as errors (exit 1).")
@formats.CHECK.option()
def check(ruleset: str, strict: bool, fmt: str) -> None:
    """Check a ruleset: every problem as file:line:col, then the analysis (QSG1xx codes).

    Exit 0 when valid (warnings are shown), 1 with --strict when the analysis finds
    anything, 2 when the ruleset is invalid.
    """
    from ..api import check_ruleset

    reporter = formats.CHECK[fmt]
    try:
        result = check_ruleset(ruleset, strict=strict)
    except InputError as exc:
        if reporter.human:
            raise  # every problem on stderr, exit 2, as every command says them
        reporter.emit((ruleset, exc.problems, False, None))
        exit_with(ExitCode.BAD_INPUT)
    reporter.emit((ruleset, result.findings, True, result.summary))
    if strict and result.findings:
        exit_with(ExitCode.FINDINGS)


@cli.command()
@formats.INDICATORS.option()
def indicators(fmt: str) -> None:
    """List the indicator catalogue (National Quality Dashboard, Annex B)."""
    formats.INDICATORS[fmt].emit(None)


@cli.command()
@formats.CONDITIONS.option()
def conditions(fmt: str) -> None:
    """List the kinds of condition a rule's `when` may use, with what each measures."""
    formats.CONDITIONS[fmt].emit(None)


@cli.group()
def intel() -> None:
    """Soft intelligence: log an item between meetings, list items with their weights."""


@intel.command("add")
@_OWN_WORKSPACE
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
@click.option("--by", default=None, metavar="NAME", help="Who logs it (default: the OS user).")
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
    by: str | None,
) -> None:
    """Append one validated item to the workspace, with a new id and who logged it."""
    from ..api import add_item
    from ..register import checks
    from ..register.store import default_actor

    author = checks.name("by", by if by is not None else default_actor())

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
            "recorded_by": author,
        },
    )
    click.echo(
        f"added {item.id}: {item.provider} {item.source} {item.domain} {item.severity} "
        f"({item.grading}), received {item.received.isoformat()}"
        + (f", by {item.recorded_by}" if item.recorded_by else "")
    )
    if item.recorded_by is None:
        click.echo(
            f"warning: intelligence.csv has no recorded_by column: who logged {item.id} "
            f"({author}) is not kept; add the column to keep it",
            err=True,
        )


@intel.command("close", said_as={"item_id": "ID"})
@click.argument("item_id", metavar="ID")
@_OWN_WORKSPACE
@click.option("--reason", required=True, help="Why it is closed (the assurance received).")
@click.option(
    "--on",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Date closed (default: today).",
)
def intel_close(workspace: str, item_id: str, reason: str, on: Any) -> None:
    """Close item ID after assurance: status closed, with its reason and date, in the
    intelligence file; every other item is kept byte for byte."""
    from ..api import close_item

    item = close_item(workspace, item_id, reason, on.date() if on else None)
    assert item.closed_on is not None
    click.echo(f"closed {item.id}: {item.provider} on {item.closed_on.isoformat()}")


@intel.command("list")
@_WORKSPACE
@_RULESET
@_AS_OF
@_ON
@_PUBLIC
@click.option("--provider", "-p", default=None, metavar="CODE")
def intel_list(
    workspace: str | None,
    ruleset: str | None,
    as_of: str | None,
    on: str | None,
    public: bool,
    provider: str | None,
) -> None:
    """Show the items known on the date with their weights then (how each weight is made),
    and a line for what is not counted and why."""
    from ..api import intelligence
    from ..reports import render

    found = intelligence(opened(workspace), ruleset, as_of=as_of, on=on, provider=provider)
    click.echo(
        render.intelligence(found.rows, public=public, later=found.later, on=found.on), nl=False
    )


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
    exit_with(ExitCode.FINDINGS if found else ExitCode.OK)


register_commands.add_to(cli)
for _command in ruleset_commands.COMMANDS:
    cli.add_command(_command)
cli.add_command(serve_command.serve)
cli.add_command(init_command.init)
cli.add_command(member_commands.member)
cli.add_command(feedback_commands.feedback)
cli.add_command(plan_commands.plan)

#: `qsg --help` by who uses each command and when (every command is in one: a test checks).
cli.sections = (
    ("Getting started", ("init",)),
    (
        "The meeting (chair, secretary, members)",
        (
            "triage",
            "explain",
            "agenda",
            "pack",
            "serve",
            "meeting",
            "confirm",
            "override",
            "decide",
            "note",
        ),
    ),
    (
        "Between meetings (secretary)",
        (
            "intel",
            "member",
            "plan",
            "action",
            "summit",
            "coverage",
            "rebase",
            "report",
            "feedback",
            "audit",
        ),
    ),
    ("The ruleset (analyst)", ("check", "conditions", "verify", "diff", "backtest", "test")),
    ("The data (analyst)", ("indicators", "synth", "privacy")),
)


def main() -> None:
    cli(prog_name="qsg")
