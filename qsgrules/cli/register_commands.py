"""`qsg meeting`, `agenda`, `confirm`, `override`, `decide`, `action`, `note`, `coverage`,
`report regional`, `audit verify`: the QSG's record, thin over ``qsgrules.api_register``
and ``qsgrules.register``."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from typing import Any

import click

from .. import register as R
from ..api_register import audit_verify, coverage, open_meeting, open_register, regional_report
from ..errors import ExitCode
from ..model.vocabulary import Level
from ..reports import note as note_report
from ..reports import regional as regional_report_render
from .common import _AS_OF, _REGISTER, _RULESET, _WORKSPACE, F, reports_input_errors

LEVELS = "|".join(Level.values())
_BY = click.option(
    "--by", default=None, metavar="NAME", help="Who records this (default: the OS user)."
)
_MEETING = click.option(
    "--meeting", required=True, metavar="ID", help="Meeting id, e.g. M-2019-04-10."
)


def _where(func: F) -> F:
    for option in reversed([_WORKSPACE, _REGISTER]):
        func = option(func)
    return func


def _writer(func: F) -> F:
    return _where(_BY(func))


def _write(workspace: str | None, register: str | None, by: str | None) -> R.Register:
    return open_register(workspace, register, write=True, by=by)


def _read(workspace: str | None, register: str | None) -> R.Register:
    return open_register(workspace, register, write=False)


@click.group()
def meeting() -> None:
    """Meetings: open one (freezing the triage it discusses), attendance, agree the note."""


@meeting.command("open")
@click.option("--date", required=True, metavar="YYYY-MM-DD")
@click.option("--chair", required=True, metavar="NAME")
@click.option("--qsg", default=None, metavar="NAME", help="The local QSG (providers.csv qsg).")
@_WORKSPACE
@_RULESET
@_AS_OF
@_REGISTER
@_BY
@reports_input_errors()
def meeting_open(
    date: str,
    chair: str,
    qsg: str | None,
    workspace: str | None,
    ruleset: str | None,
    as_of: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """Open a meeting: triage now and freeze it. Prints the meeting id."""
    m = open_meeting(
        date=date,
        chair=chair,
        qsg=qsg,
        workspace=workspace,
        ruleset=ruleset,
        as_of=as_of,
        register=register,
        by=by,
    )
    click.echo(m.id)
    r = m.ruleset
    click.echo(
        f"opened {m.id} ({m.qsg or 'all local QSGs'}, chair {m.chair}): froze {len(m.proposed)} "
        f"proposals as of {m.as_of}, ruleset {r['name']} {r['version']} (sha {r['sha256'][:8]})",
        err=True,
    )


@meeting.command("attend")
@click.argument("meeting_id", metavar="ID")
@click.option("--member", required=True, metavar="NAME")
@click.option("--organisation", required=True, metavar="ORG")
@click.option("--from", "start", default=None, metavar="HH:MM")
@click.option("--to", "end", default=None, metavar="HH:MM")
@_writer
@reports_input_errors(meeting="ID", start="--from", end="--to")
def meeting_attend(
    meeting_id: str,
    member: str,
    organisation: str,
    start: str | None,
    end: str | None,
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """Record that a member attended for an organisation (again: corrects the times)."""
    with _write(workspace, register, by) as reg:
        m = R.attend(
            reg, meeting_id, member=member, organisation=organisation, start=start, end=end
        )
    a = m.attendance[member]
    times = f" {a.start or '?'}-{a.end or '?'}" if a.start or a.end else ""
    click.echo(f"{m.id}: {a.member} ({a.organisation}){times}; {len(m.attendance)} attending")


@meeting.command("list")
@_where
@reports_input_errors()
def meeting_list(workspace: str | None, register: str | None) -> None:
    """Every meeting: date, QSG, chair, as-of, attendance, decisions, status."""
    with _read(workspace, register) as reg:
        state = R.fold(reg.records())
    for m in sorted(state.meetings.values(), key=lambda m: (m.date, m.seq)):
        status = f"agreed {m.agreed[0][:10]}" if m.agreed else "DRAFT"
        click.echo(
            f"{m.id:<15} {m.qsg or 'all local QSGs':<30} chair {m.chair}; as of {m.as_of}; "
            f"{len(m.attendance)} attending, {len(m.decisions)} decided; {status}"
        )
    click.echo(f"{len(state.meetings)} meeting(s)", err=True)


@meeting.command("agree")
@click.argument("meeting_id", metavar="ID")
@_writer
@reports_input_errors(meeting="ID")
def meeting_agree(
    meeting_id: str, workspace: str | None, register: str | None, by: str | None
) -> None:
    """The QSG agrees the note: the meeting is locked; later changes are amendments."""
    with _write(workspace, register, by) as reg:
        m = R.agree(reg, meeting_id)
    assert m.agreed is not None
    click.echo(f"{m.id} agreed and locked {m.agreed[0]} by {m.agreed[1]}")


@meeting.command("amend")
@click.argument("meeting_id", metavar="ID")
@click.option("--reason", required=True, metavar="TEXT")
@click.option("--provider", default=None, metavar="CODE")
@click.option("--level", default=None, metavar=LEVELS)
@click.option("--rationale", default=None, metavar="TEXT")
@click.option("--review-by", default=None, metavar="YYYY-MM-DD")
@click.option("--exit-criteria", default=None, metavar="TEXT")
@click.option("--text", default=None, metavar="TEXT", help="A correction to the note.")
@_writer
@reports_input_errors(meeting="ID")
def meeting_amend(
    meeting_id: str,
    reason: str,
    provider: str | None,
    level: str | None,
    rationale: str | None,
    review_by: str | None,
    exit_criteria: str | None,
    text: str | None,
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """Amend an agreed meeting (who, when, why): a provider's decision and/or a text."""
    with _write(workspace, register, by) as reg:
        rec = R.amend(
            reg,
            meeting_id,
            reason=reason,
            provider=provider,
            level=level,
            rationale=rationale,
            review_by=review_by,
            exit_criteria=exit_criteria,
            text=text,
        )
    click.echo(f"{meeting_id}: amendment recorded (record {rec.seq}) by {rec.recorded_by}")


@click.command()
@click.argument("meeting_id", metavar="ID")
@_where
@reports_input_errors(meeting="ID")
def agenda(meeting_id: str, workspace: str | None, register: str | None) -> None:
    """What meeting ID must discuss, in order, each with why."""
    with _read(workspace, register) as reg:
        items = R.agenda(reg, meeting_id)
    section = None
    for n, item in enumerate(items, 1):
        if item.section != section:
            section = item.section
            click.echo(f"-- {section}")
        click.echo(f"{n:>3}. {item.provider:<5} {item.name}")
        for reason in item.reasons:
            click.echo(f"       {reason}")
    click.echo(f"{len(items)} provider(s) on the agenda of {meeting_id}", err=True)


def _position_options(func: F) -> F:
    func = click.option("--member", required=True, metavar="NAME")(func)
    return _MEETING(func)


@click.command()
@click.argument("code")
@_position_options
@_writer
@reports_input_errors(provider="CODE")
def confirm(
    code: str,
    meeting: str,
    member: str,
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """An attending member confirms the proposal for provider CODE."""
    with _write(workspace, register, by) as reg:
        rec = R.confirm(reg, code, meeting=meeting, member=member)
    click.echo(f"{meeting} {code}: {member} confirmed {Level(rec.body['level']).label}")


@click.command()
@click.argument("code")
@_position_options
@click.option("--level", required=True, metavar=LEVELS)
@click.option("--reason", required=True, metavar="TEXT")
@_writer
@reports_input_errors(provider="CODE")
def override(
    code: str,
    meeting: str,
    member: str,
    level: str,
    reason: str,
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """An attending member holds another level than proposed for CODE, with a reason."""
    with _write(workspace, register, by) as reg:
        rec = R.override(reg, code, meeting=meeting, member=member, level=level, reason=reason)
    b = rec.body
    click.echo(
        f"{meeting} {code}: {member} overrides {Level(b['proposed']).label} with "
        f"{Level(b['level']).label}"
    )


@click.command()
@click.argument("code")
@_MEETING
@click.option("--rationale", required=True, metavar="TEXT")
@click.option("--level", default=None, metavar=LEVELS, help="Default: the proposal, if confirmed.")
@click.option("--review-by", default=None, metavar="YYYY-MM-DD")
@click.option("--exit-criteria", default=None, metavar="TEXT")
@_writer
@reports_input_errors(provider="CODE")
def decide(
    code: str,
    meeting: str,
    rationale: str,
    level: str | None,
    review_by: str | None,
    exit_criteria: str | None,
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """The chair's conclusion for provider CODE at a meeting."""
    with _write(workspace, register, by) as reg:
        done = R.decide(
            reg,
            code,
            meeting=meeting,
            rationale=rationale,
            level=level,
            review_by=review_by,
            exit_criteria=exit_criteria,
        )
    d = done.decision
    dissent = f"; dissent: {len(d.dissent)}" if d.dissent else ""
    click.echo(
        f"{meeting} {code}: decided {d.level.label} (proposed {d.proposed.label}; "
        f"{len(d.positions)} position(s){dissent})"
    )
    if done.summit_action:
        click.echo(f"opened action {done.summit_action}: convene the risk summit")


@click.group()
def action() -> None:
    """Actions agreed at meetings: add, close, move (the old date kept), list."""


@action.command("add")
@click.argument("code")
@_MEETING
@click.option("--owner", required=True, metavar="NAME")
@click.option("--due", required=True, metavar="YYYY-MM-DD")
@click.option("--text", required=True, metavar="TEXT")
@_writer
@reports_input_errors(provider="CODE")
def action_add(
    code: str,
    meeting: str,
    owner: str,
    due: str,
    text: str,
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """Add an action about provider CODE. Prints the action id."""
    with _write(workspace, register, by) as reg:
        a = R.add_action(reg, code, meeting=meeting, owner=owner, due=due, text=text)
    click.echo(a.id)
    click.echo(f"added {a.id}: {code}, owner {a.owner}, due {a.due.isoformat()}", err=True)


@action.command("close")
@click.argument("action_id", metavar="ACTION_ID")
@click.option("--note", required=True, metavar="TEXT")
@click.option("--on", default=None, metavar="YYYY-MM-DD", help="Default: today.")
@_writer
@reports_input_errors(action_id="ACTION_ID")
def action_close(
    action_id: str,
    note: str,
    on: str | None,
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """Close an action with a note."""
    with _write(workspace, register, by) as reg:
        a = R.close_action(reg, action_id, note=note, on=on)
    click.echo(f"closed {a.id} on {(a.closed or {}).get('on')}")


@action.command("move")
@click.argument("action_id", metavar="ACTION_ID")
@click.option("--due", required=True, metavar="YYYY-MM-DD")
@click.option("--reason", required=True, metavar="TEXT")
@_writer
@reports_input_errors(action_id="ACTION_ID")
def action_move(
    action_id: str,
    due: str,
    reason: str,
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """Move an action's due date, with a reason; the old date is kept."""
    with _write(workspace, register, by) as reg:
        a = R.move_action(reg, action_id, due=due, reason=reason)
    click.echo(f"moved {a.id} from {a.moves[-1]['from']} to {a.due.isoformat()}")


@action.command("list")
@click.option("--open", "open_only", is_flag=True, help="Only open actions.")
@click.option("--overdue", is_flag=True, help="Only open actions past their due date.")
@click.option("--provider", default=None, metavar="CODE")
@click.option("--on", default=None, metavar="YYYY-MM-DD", help="Overdue as of (default today).")
@_where
@reports_input_errors()
def action_list(
    open_only: bool,
    overdue: bool,
    provider: str | None,
    on: str | None,
    workspace: str | None,
    register: str | None,
) -> None:
    """List actions with owner, due date (and moves) and status."""
    day = R.checks.date("on", on) if on else dt.date.today()
    with _read(workspace, register) as reg:
        found = R.list_actions(
            reg, open_only=open_only, overdue_on=day if overdue else None, provider=provider
        )
    for a in found:
        late = " OVERDUE" if a.overdue(day) else ""
        moved = f" (moved from {', '.join(mv['from'] for mv in a.moves)})" if a.moves else ""
        click.echo(
            f"{a.id}  {a.provider or '-':<5} {a.meeting or '-':<13} {a.status.value:<6} due "
            f"{a.due.isoformat()}{moved}{late}  owner {a.owner}"
        )
        click.echo(f"      {a.text}")
        if a.closed:
            click.echo(f"      closed {a.closed['on']}: {a.closed['note']}")
    click.echo(f"{len(found)} action(s)", err=True)


@click.command()
@click.argument("meeting_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option("--public", is_flag=True, help="Withhold summaries given in confidence.")
@_where
@reports_input_errors(meeting="ID")
def note(
    meeting_id: str, fmt: str, public: bool, workspace: str | None, register: str | None
) -> None:
    """The meeting note (DRAFT until agreed), as Markdown or self-contained HTML."""
    with _read(workspace, register) as reg:
        record = R.meeting_note(reg, meeting_id)
    writer: Callable[..., str] = note_report.html if fmt == "html" else note_report.markdown
    click.echo(writer(record, public=public), nl=False)


@click.command("coverage")
@click.option("--months", type=int, default=None, help="Default: the business cycle (12).")
@click.option("--on", default=None, metavar="YYYY-MM-DD", help="Default: today.")
@_where
@reports_input_errors()
def coverage_command(
    months: int | None, on: str | None, workspace: str | None, register: str | None
) -> None:
    """Providers not discussed in the last N months, with when each last was."""
    n, rows = coverage(workspace, register, months=months, on=on)
    for u in rows:
        last = u.last_discussed.isoformat() if u.last_discussed else "never"
        click.echo(f"{u.provider:<5} {last:<10}  {u.name}")
    click.echo(f"{len(rows)} provider(s) not discussed in the last {n} months", err=True)


@click.group()
def report() -> None:
    """Reports built from registers."""


@report.command("regional")
@click.argument("registers", nargs=-1, required=True, metavar="REGISTER...")
@click.option(
    "--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True
)
@click.option("--on", default=None, metavar="YYYY-MM-DD", help="Overdue as of (default today).")
@reports_input_errors(register="REGISTER")
def report_regional(registers: tuple[str, ...], fmt: str, on: str | None) -> None:
    """Combine the agreed conclusions of local QSGs' registers for the regional QSG."""
    result = regional_report(list(registers), on=on)
    render: dict[str, Callable[[Any], str]] = {
        "md": regional_report_render.markdown,
        "html": regional_report_render.html,
        "json": regional_report_render.to_json,
    }
    click.echo(render[fmt](result), nl=False)


@click.group()
def audit() -> None:
    """The register's audit trail."""


@audit.command("verify")
@_where
@reports_input_errors()
def audit_verify_command(workspace: str | None, register: str | None) -> None:
    """Check every record's hash chain and the database's integrity: exit 0 or 1."""
    verification, integrity = audit_verify(workspace, register)
    if integrity != "ok":
        click.echo(f"integrity check failed: {integrity}", err=True)
        sys.exit(ExitCode.FINDINGS)
    if not verification.ok:
        click.echo(
            f"audit failed after {verification.checked} good record(s): {verification.problem}",
            err=True,
        )
        sys.exit(ExitCode.FINDINGS)
    click.echo(f"ok: {verification.checked} records checked, hash chain intact, integrity ok")


COMMANDS = (
    meeting,
    agenda,
    confirm,
    override,
    decide,
    action,
    note,
    coverage_command,
    report,
    audit,
)


def add_to(group: click.Group) -> None:
    """Register the commands of the QSG's record on the `qsg` group."""
    for command in COMMANDS:
        group.add_command(command)
