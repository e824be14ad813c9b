"""`qsg action`, `note`, `coverage`, `report regional`, `audit verify` (and `summit`, in
``summit_commands``): the rest of the QSG's record, thin over ``qsgrules.api`` and
``qsgrules.register``."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ExitCode
from . import formats, rebase_command, summit_commands
from .common import _read, _where, _write, _writer, command, exit_with, group

_OUT = click.option(
    "--out",
    "-o",
    default=None,
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Write to FILE (whole, or not at all) instead of standard output.",
)


def _out_target(out: str | None) -> Path | None:
    """Where --out writes, checked before anything is computed (``qsgrules.writing``)."""
    from ..writing import check_target

    return check_target(out, "out") if out is not None else None


def _emit(text: str, target: Path | None) -> None:
    """Print ``text``, or write it to ``target`` and say so on stderr."""
    if target is None:
        click.echo(text, nl=False)
        return
    from ..writing import write_file

    write_file(target, text, argument="out", checked=True)
    click.echo(f"wrote {target}: {len(text.encode('utf-8')):,} bytes", err=True)


@group()
def action() -> None:
    """Actions agreed at meetings: add, close, move (the old date kept), list."""


@action.command("add", said_as={"provider": "CODE"})
@click.argument("code")
@click.option("--meeting", default=None, metavar="ID", help="The meeting that agreed it.")
@click.option("--summit", default=None, metavar="ID", help="Or the risk summit that agreed it.")
@click.option(
    "--kind",
    type=click.Choice(["action", "information_request"]),
    default="action",
    show_default=True,
    help="information_request: --owner is the organisation asked, --text what is asked.",
)
@click.option("--owner", required=True, metavar="NAME")
@click.option("--due", required=True, metavar="YYYY-MM-DD")
@click.option("--text", required=True, metavar="TEXT")
@_writer
def action_add(
    code: str,
    meeting: str | None,
    summit: str | None,
    kind: str,
    owner: str,
    due: str,
    text: str,
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """Add an action about provider CODE, agreed at a meeting or a risk summit. Prints the
    action id."""
    from .. import register as R

    with _write(workspace, register, by) as reg:
        a = R.add_action(
            reg, code, meeting=meeting, summit=summit, owner=owner, due=due, text=text, kind=kind
        )
    click.echo(a.id)
    what = "information request " if a.kind == R.ActionKind.INFORMATION else ""
    click.echo(f"added {what}{a.id}: {code}, owner {a.owner}, due {a.due.isoformat()}", err=True)


@action.command("respond", said_as={"action_id": "ACTION_ID"})
@click.argument("action_id", metavar="ACTION_ID")
@click.option(
    "--response", required=True, metavar="TEXT", help="What arrived (never identifiable)."
)
@click.option("--on", default=None, metavar="YYYY-MM-DD", help="When it arrived (default: today).")
@_writer
def action_respond(
    action_id: str,
    response: str,
    on: str | None,
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """The information asked by request ACTION_ID arrived: record it (closes the request)."""
    from .. import register as R

    with _write(workspace, register, by) as reg:
        a = R.respond(reg, action_id, response=response, on=on)
    click.echo(f"{a.id}: the information asked of {a.owner} arrived {(a.closed or {}).get('on')}")


@action.command("close", said_as={"action_id": "ACTION_ID"})
@click.argument("action_id", metavar="ACTION_ID")
@click.option("--note", required=True, metavar="TEXT")
@click.option("--on", default=None, metavar="YYYY-MM-DD", help="Default: today.")
@_writer
def action_close(
    action_id: str,
    note: str,
    on: str | None,
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """Close an action with a note."""
    from .. import register as R

    with _write(workspace, register, by) as reg:
        a = R.close_action(reg, action_id, note=note, on=on)
    click.echo(f"closed {a.id} on {(a.closed or {}).get('on')}")


@action.command("move", said_as={"action_id": "ACTION_ID"})
@click.argument("action_id", metavar="ACTION_ID")
@click.option("--due", required=True, metavar="YYYY-MM-DD")
@click.option("--reason", required=True, metavar="TEXT")
@_writer
def action_move(
    action_id: str,
    due: str,
    reason: str,
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """Move an action's due date, with a reason; the old date is kept."""
    from .. import register as R

    with _write(workspace, register, by) as reg:
        a = R.move_action(reg, action_id, due=due, reason=reason)
    click.echo(f"moved {a.id} from {a.moves[-1]['from']} to {a.due.isoformat()}")


@action.command("list")
@click.option("--open", "open_only", is_flag=True, help="Only open actions.")
@click.option("--overdue", is_flag=True, help="Only open actions past their due date.")
@click.option("--provider", default=None, metavar="CODE")
@click.option("--on", default=None, metavar="YYYY-MM-DD", help="Overdue as of (default today).")
@_where
def action_list(
    open_only: bool,
    overdue: bool,
    provider: str | None,
    on: str | None,
    workspace: str | None,
    register: str | None,
) -> None:
    """List actions with owner, due date (and moves) and status."""
    from .. import register as R
    from ..workspace.clock import today as system_today

    day = R.checks.date("on", on) if on else system_today()
    with _read(workspace, register) as reg:
        found = R.list_actions(
            reg, open_only=open_only, overdue_on=day if overdue else None, provider=provider
        )
    for a in found:
        late = " OVERDUE" if a.overdue(day) else ""
        moved = f" (moved from {', '.join(mv['from'] for mv in a.moves)})" if a.moves else ""
        where = a.meeting or (f"summit {a.summit}" if a.summit else "-")
        click.echo(
            f"{a.id}  {a.provider or a.theme or '-':<5} {where:<13} {a.status.value:<6} due "
            f"{a.due.isoformat()}{moved}{late}  owner {a.owner}"
        )
        kind = {R.ActionKind.INFORMATION: "information request: ", R.ActionKind.ACTION: ""}
        click.echo(f"      {kind.get(a.kind, '')}{a.text}")
        if a.response is not None and a.closed:
            click.echo(f"      arrived {a.closed['on']}: {a.response}")
        elif a.closed:
            click.echo(f"      closed {a.closed['on']}: {a.closed['note']}")
    click.echo(f"{len(found)} action(s)", err=True)


@command(said_as={"meeting": "ID"})
@click.argument("meeting_id", metavar="ID")
@formats.NOTE.option()
@click.option("--public", is_flag=True, help="Withhold summaries given in confidence.")
@_OUT
@_where
def note(
    meeting_id: str,
    fmt: str,
    public: bool,
    out: str | None,
    workspace: str | None,
    register: str | None,
) -> None:
    """The meeting note (DRAFT until agreed), as Markdown or self-contained HTML."""
    from .. import register as R

    target = _out_target(out)
    with _read(workspace, register) as reg:
        record = R.meeting_note(reg, meeting_id)
    _emit(formats.NOTE[fmt].render((record, public)), target)


@command("coverage")
@click.option("--months", type=int, default=None, help="Default: the business cycle (12).")
@click.option("--on", default=None, metavar="YYYY-MM-DD", help="Default: today.")
@click.option("--qsg", default=None, metavar="NAME", help="Only this local QSG's providers.")
@_where
def coverage_command(
    months: int | None,
    on: str | None,
    qsg: str | None,
    workspace: str | None,
    register: str | None,
) -> None:
    """Providers not discussed in the last N months, with when each last was."""
    from ..api import coverage

    n, rows = coverage(workspace, register, months=months, on=on, qsg=qsg)
    for u in rows:
        last = u.last_discussed.isoformat() if u.last_discussed else "never"
        click.echo(f"{u.provider:<5} {last:<10}  {u.name}")
        if u.plan:
            click.echo(f"      business plan: {u.plan}")
    click.echo(f"{len(rows)} provider(s) not discussed in the last {n} months", err=True)


@group()
def report() -> None:
    """Reports built from registers."""


@report.command("regional", said_as={"register": "REGISTER"})
@click.argument("registers", nargs=-1, required=True, metavar="REGISTER...")
@formats.REGIONAL.option()
@click.option("--on", default=None, metavar="YYYY-MM-DD", help="Overdue as of (default today).")
@_OUT
def report_regional(registers: tuple[str, ...], fmt: str, on: str | None, out: str | None) -> None:
    """Combine the agreed conclusions of local QSGs' registers for the regional QSG."""
    from ..api import regional_report

    target = _out_target(out)
    result = regional_report(list(registers), on=on)
    _emit(formats.REGIONAL[fmt].render(result), target)


@group()
def audit() -> None:
    """The register's audit trail."""


@audit.command("verify")
@click.option(
    "--expect",
    multiple=True,
    metavar="SEQ:HASH",
    help="A chain head printed outside the file (by this command, a note or a pack): it "
    "must be in the chain (repeatable).",
)
@click.option(
    "--note",
    "notes",
    multiple=True,
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="A note or pack (Markdown or HTML): every chain head it prints must be in the chain.",
)
@_where
def audit_verify_command(
    expect: tuple[str, ...],
    notes: tuple[str, ...],
    workspace: str | None,
    register: str | None,
) -> None:
    """Check SQLite's integrity, every record's hash chain, the chain heads printed outside
    the file (--expect, --note) and, with QSG_AUDIT_KEY set, every record's HMAC: exit 0 or
    1. Prints the head to keep (SEQ:HASH)."""
    from ..api import audit_verify
    from ..register.store import audit_key

    verification, integrity, head = audit_verify(workspace, register, expect=expect, notes=notes)
    if integrity != "ok":
        click.echo(f"integrity check failed: {integrity}", err=True)
        exit_with(ExitCode.FINDINGS)
    if not verification.ok:
        click.echo(
            f"audit failed after {verification.checked} good record(s): {verification.problem}",
            err=True,
        )
        exit_with(ExitCode.FINDINGS)
    anchored = f", {len(expect) + len(notes)} anchor(s) found" if expect or notes else ""
    keyed = ", HMAC under QSG_AUDIT_KEY ok" if audit_key() is not None else ""
    click.echo(
        f"ok: {verification.checked} records checked, hash chain intact{anchored}{keyed}, "
        "integrity ok"
    )
    if head is not None:
        click.echo(f"chain head: {head[0]}:{head[1]}")


COMMANDS = (
    action,
    note,
    coverage_command,
    report,
    audit,
    summit_commands.summit,
    rebase_command.rebase,
)
