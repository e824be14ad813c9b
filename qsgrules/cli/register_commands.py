"""`qsg meeting`, `agenda`, `confirm`, `override`, `decide`: the meeting and its
conclusions, thin over ``qsgrules.api_register`` and ``qsgrules.register``; the other
commands of the record are in ``record_commands``."""

from __future__ import annotations

import click

from ..model.vocabulary import Level
from . import record_commands
from .common import (
    _AS_OF,
    _BY,
    _MEETING,
    _REGISTER,
    _RULESET,
    _WORKSPACE,
    LEVELS,
    F,
    _read,
    _where,
    _write,
    _writer,
    reports_input_errors,
)


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
    from ..api_register import open_meeting

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
    from .. import register as R
    from ..register import checks

    with _write(workspace, register, by) as reg:
        m = R.attend(
            reg, meeting_id, member=member, organisation=organisation, start=start, end=end
        )
    a = m.attendance[str(checks.name("member", member))]  # as stored: NFC, spaces collapsed
    times = f" {a.start or '?'}-{a.end or '?'}" if a.start or a.end else ""
    click.echo(f"{m.id}: {a.member} ({a.organisation}){times}; {len(m.attendance)} attending")


@meeting.command("list")
@_where
@reports_input_errors()
def meeting_list(workspace: str | None, register: str | None) -> None:
    """Every meeting: date, QSG, chair, as-of, attendance, decisions, status."""
    from .. import register as R

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
    from .. import register as R

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
    from .. import register as R

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
    from .. import register as R

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
    from .. import register as R

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
    from .. import register as R

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
    from .. import register as R

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


COMMANDS = (meeting, agenda, confirm, override, decide, *record_commands.COMMANDS)


def add_to(group: click.Group) -> None:
    """Register the commands of the QSG's record on the `qsg` group."""
    for command in COMMANDS:
        group.add_command(command)
