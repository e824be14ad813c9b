"""`qsg meeting`, `agenda`, `confirm`, `override`, `decide`: the meeting and its
conclusions, thin over ``qsgrules.api`` and ``qsgrules.register``; the other
commands of the record are in ``record_commands``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from . import record_commands, report_commands
from .common import (
    _AS_OF,
    _BY,
    _LIAISON,
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
    command,
    group,
)

if TYPE_CHECKING:
    from ..register.state import Meeting

_CLEAR_REVIEW = click.option(
    "--clear-review-by", is_flag=True, help="No review date (a kept one is not carried)."
)
_CLEAR_EXIT = click.option(
    "--clear-exit-criteria",
    is_flag=True,
    help="No exit criteria, text or conditions (kept ones are not carried).",
)
_EXIT_WHEN = click.option(
    "--exit-when",
    "exit_when",
    multiple=True,
    metavar="[DOMAIN=]CONDITION",
    help="Exit criteria as a condition of the ruleset's language (YAML, as under a rule's "
    "when:), for the level overall or DOMAIN's (repeat for each): every later triage checks "
    "them and holds the level until they hold.",
)


@group()
def meeting() -> None:
    """Meetings: open one (freezing the triage it discusses), attendance, agree the note."""


@meeting.command("open")
@click.option("--date", required=True, metavar="YYYY-MM-DD", help="The day it is held.")
@click.option("--chair", required=True, metavar="NAME")
@click.option("--qsg", default=None, metavar="NAME", help="The local QSG (providers.csv qsg).")
@click.option(
    "--planned",
    is_flag=True,
    help="A future meeting, put in the schedule: no triage is frozen until it is opened.",
)
@click.option("--venue", default=None, metavar="TEXT", help="Where it is held.")
@click.option("--time", default=None, metavar="HH:MM", help="When it starts.")
@_WORKSPACE
@_RULESET
@_AS_OF
@_REGISTER
@_BY
def meeting_open(
    date: str,
    chair: str,
    qsg: str | None,
    planned: bool,
    venue: str | None,
    time: str | None,
    workspace: str | None,
    ruleset: str | None,
    as_of: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """Open a meeting: triage now and freeze it. Prints the meeting id.

    The date is the day the meeting is held: never after today (--planned puts a future
    meeting in the schedule) nor before the end of the last month of data it freezes."""
    from .. import register as R
    from ..api import open_meeting, plan_meeting

    if planned:
        if as_of is not None or ruleset is not None:
            from ..errors import InputError, Problem

            raise InputError(
                [
                    Problem.for_argument(
                        "planned",
                        "a planned meeting freezes no triage: --as-of and --ruleset are given "
                        "when it is opened",
                        code=R.checks.CONFLICTING_OPTIONS,
                    )
                ]
            )
        plan = plan_meeting(date=date, chair=chair, qsg=qsg, workspace=workspace,
                            register=register, by=by, venue=venue, time=time)  # fmt: skip
        click.echo(plan.id)
        click.echo(
            f"planned {plan.id} for {plan.date.isoformat()} ({plan.qsg or 'all local QSGs'}, "
            f"chair {plan.chair}): no triage frozen; open it on the day with "
            f"qsg meeting open --date {plan.date.isoformat()}",
            err=True,
        )
        return
    m = open_meeting(
        date=date,
        chair=chair,
        qsg=qsg,
        workspace=workspace,
        ruleset=ruleset,
        as_of=as_of,
        register=register,
        by=by,
        venue=venue,
        time=time,
    )
    click.echo(m.id)
    r = m.ruleset
    click.echo(
        f"opened {m.id} ({m.qsg or 'all local QSGs'}, chair {m.chair}): froze {len(m.proposed)} "
        f"proposals on {m.date.isoformat()} with data as of {m.as_of}, ruleset {r['name']} "
        f"{r['version']} (sha {r['sha256'][:8]})",
        err=True,
    )
    for warning in R.opening_warnings(m):
        click.echo(warning, err=True)


@meeting.command("cancel", said_as={"meeting": "ID"})
@click.argument("meeting_id", metavar="ID")
@click.option("--reason", required=True, metavar="TEXT")
@_writer
def meeting_cancel(
    meeting_id: str, reason: str, workspace: str | None, register: str | None, by: str | None
) -> None:
    """Withdraw a draft or planned meeting by a record (never a delete): its positions,
    decisions and actions stop counting; the audit trail keeps all of it."""
    from .. import register as R

    with _write(workspace, register, by) as reg:
        c = R.cancel_meeting(reg, meeting_id, reason=reason)
    what = "planned meeting" if c.was == "planned" else "draft meeting"
    click.echo(f"cancelled {what} {c.id} (record {c.seq}) by {c.recorded_by}: {c.reason}")


@meeting.command("attend", said_as={"meeting": "ID", "start": "--from", "end": "--to"})
@click.argument("meeting_id", metavar="ID")
@click.option("--member", default=None, metavar="NAME", help="A named representative, or anyone.")
@click.option(
    "--organisation",
    default=None,
    metavar="ORG",
    help="Whom they represent (default: the organisation they are a named representative of).",
)
@click.option("--from", "start", default=None, metavar="HH:MM")
@click.option("--to", "end", default=None, metavar="HH:MM")
@click.option(
    "--as-last-time",
    is_flag=True,
    help="Everyone who attended the QSG's previous meeting (still members), without times.",
)
@_writer
def meeting_attend(
    meeting_id: str,
    member: str | None,
    organisation: str | None,
    start: str | None,
    end: str | None,
    as_last_time: bool,
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """Record that a member attended for an organisation (again: corrects the times);
    --as-last-time records everyone who attended the previous meeting."""
    from .. import register as R
    from ..register import checks
    from .attendance import as_last_time as last_time
    from .attendance import organisation_of

    if as_last_time:
        last_time(meeting_id, member, organisation, start, end, workspace, register, by)
        return
    with _write(workspace, register, by) as reg:  # a mistyped workspace is said first
        if member is None:
            raise checks.refuse(
                "member", "give --member NAME, or --as-last-time", checks.TEXT_REQUIRED
            )
        org = organisation if organisation is not None else organisation_of(member, workspace)
        m = R.attend(reg, meeting_id, member=member, organisation=org, start=start, end=end)
    a = m.attendance[str(checks.name("member", member))]  # as stored: NFC, spaces collapsed
    times = f" {a.start or '?'}-{a.end or '?'}" if a.start or a.end else ""
    click.echo(f"{m.id}: {a.member} ({a.organisation}){times}; {len(m.attendance)} attending")


@meeting.command(
    "item", said_as={"meeting": "ID", "providers": "--provider", "concern": "--concern"}
)
@click.argument("meeting_id", metavar="ID")
@click.option(
    "--kind",
    required=True,
    metavar="KIND",
    help="regional_feedback, report (a member's written report), theme (a group of providers "
    "or a pathway), aob, or review (of the meeting's effectiveness).",
)
@click.option("--title", required=True, metavar="TEXT")
@click.option("--text", default=None, metavar="TEXT", help="What was said or reported.")
@click.option("--provider", "providers", multiple=True, metavar="CODE", help="A theme's.")
@click.option("--outcome", default=None, metavar="TEXT", help="What was agreed.")
@click.option("--author", default=None, metavar="ORG", help="A report's member organisation.")
@click.option("--confidential", is_flag=True, help="Withhold its text when published.")
@click.option(
    "--concern", "concerns", multiple=True, metavar="TEXT", help="A theme's concern (repeatable)."
)
@click.option(
    "--level",
    default=None,
    metavar="LEVEL",
    help="The level proposed for a theme (default: the highest proposed for its providers).",
)
@_writer
def meeting_item(
    meeting_id: str,
    kind: str,
    title: str,
    text: str | None,
    providers: tuple[str, ...],
    outcome: str | None,
    author: str | None,
    confidential: bool,
    concerns: tuple[str, ...],
    level: str | None,
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """Record business of meeting ID that is not one provider: the regional QSG's feedback,
    a member's written report, a thematic item, any other business, or the review of the
    meeting's effectiveness."""
    from ..register.business import add_business

    with _write(workspace, register, by) as reg:
        b = add_business(
            reg,
            meeting_id,
            kind=kind,
            title=title,
            text=text,
            providers=providers,
            outcome=outcome,
            author=author,
            confidential=confidential,
            concerns=concerns,
            level=level,
        )
    if b.id is not None:  # a theme: positions, the conclusion and actions name its id
        proposed = f"proposed {b.proposed.label}" if b.proposed else "no level proposed"
        click.echo(f"{meeting_id}: theme {b.id} recorded: {b.title} ({proposed})")
        click.echo(
            f"  positions: qsg confirm {b.id} / qsg override {b.id}; conclusion: qsg decide "
            f"{b.id}; actions: qsg action add {b.id} (each with --meeting {meeting_id})"
        )
        return
    click.echo(f"{meeting_id}: {b.item} recorded: {b.title}")


@meeting.command("list")
@_where
def meeting_list(workspace: str | None, register: str | None) -> None:
    """Every meeting: date, QSG, chair, as-of, attendance, decisions, status."""

    with _read(workspace, register) as reg:
        state = reg.state()
        tallies = state.tallies()
    lines: list[tuple[tuple[object, ...], str]] = []
    for m in state.headers():
        status = f"agreed {m.agreed[0][:10]}" if m.agreed else "DRAFT"
        attending, decided = tallies[m.id]
        lines.append(
            (
                (m.date, m.seq),
                f"{m.id:<15} {m.qsg or 'all local QSGs':<30} chair {m.chair}; as of {m.as_of}; "
                f"{attending} attending, {decided} decided; {status}",
            )
        )
    for p in state.planned.values():
        lines.append(
            (
                (p.date, p.seq),
                f"{p.id:<15} {p.qsg or 'all local QSGs':<30} chair {p.chair}; PLANNED for "
                f"{p.date.isoformat()}, no triage frozen yet",
            )
        )
    for gone in state.cancelled.values():
        lines.append(
            (
                (gone.date, gone.seq),
                f"{gone.id:<15} CANCELLED {gone.recorded_at[:10]} by {gone.recorded_by} "
                f"(was {gone.was}): {gone.reason}",
            )
        )
    for _, line in sorted(lines, key=lambda x: x[0]):
        click.echo(line)
    n, k = len(tallies), len(state.planned)
    click.echo(f"{n} meeting(s), {k} planned, {len(state.cancelled)} cancelled", err=True)


@meeting.command("agree", said_as={"meeting": "ID"})
@click.argument("meeting_id", metavar="ID")
@_writer
def meeting_agree(
    meeting_id: str, workspace: str | None, register: str | None, by: str | None
) -> None:
    """The QSG agrees the note: the meeting is locked; later changes are amendments."""
    from .. import register as R

    with _write(workspace, register, by) as reg:
        m = R.agree(reg, meeting_id)
    assert m.agreed is not None
    click.echo(f"{m.id} agreed and locked {m.agreed[0]} by {m.agreed[1]}")


@meeting.command("amend", said_as={"meeting": "ID"})
@click.argument("meeting_id", metavar="ID")
@click.option("--reason", required=True, metavar="TEXT")
@click.option("--provider", default=None, metavar="CODE")
@click.option("--level", default=None, metavar=LEVELS)
@click.option("--rationale", default=None, metavar="TEXT")
@click.option("--review-by", default=None, metavar="YYYY-MM-DD")
@click.option("--exit-criteria", default=None, metavar="TEXT")
@_EXIT_WHEN
@click.option(
    "--domain",
    "domains",
    multiple=True,
    metavar="DOMAIN=LEVEL",
    help="The decision's level for a domain (repeat for each): the domains given replace "
    "the decision's.",
)
@_CLEAR_REVIEW
@_CLEAR_EXIT
@click.option("--text", default=None, metavar="TEXT", help="A correction to the note.")
@_writer
def meeting_amend(
    meeting_id: str,
    reason: str,
    provider: str | None,
    level: str | None,
    rationale: str | None,
    review_by: str | None,
    exit_criteria: str | None,
    exit_when: tuple[str, ...],
    domains: tuple[str, ...],
    clear_review_by: bool,
    clear_exit_criteria: bool,
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
            clear_review_by=clear_review_by,
            clear_exit_criteria=clear_exit_criteria,
            domains=_domain_levels(domains) if domains else None,
            exit_when=_exit_when(exit_when),
        )
    click.echo(f"{meeting_id}: amendment recorded (record {rec.seq}) by {rec.recorded_by}")


@command(said_as={"meeting": "ID"})
@click.argument("meeting_id", metavar="ID")
@_LIAISON
@_where
def agenda(
    meeting_id: str, liaison: tuple[str, ...], workspace: str | None, register: str | None
) -> None:
    """What meeting ID must discuss, in order, each with why; for a local QSG's meeting its
    own providers, and the conclusions other local QSGs reached on them since its last
    meeting (liaison)."""
    from .. import register as R
    from ..api.pack import neighbours
    from ..model.proposal import read_triage
    from ..register.business import matters_arising
    from ..register.feedback import feedback_for, feedback_line
    from ..register.meetings import meeting_of
    from ..register.scope import liaison as liaison_of

    others = neighbours(liaison)
    with _read(workspace, register) as reg:
        items = R.agenda(reg, meeting_id)
        frozen = read_triage(reg.frozen_triage(meeting_id))
        state = reg.state([meeting_id])  # read while the register is open: indexed
        m = meeting_of(state, meeting_id)
        told = liaison_of(m, [state, *others])
        last, arising = matters_arising(state, m)
        received = feedback_for(state, m)
        plan = state.plans.get(m.id)
    if arising and last is not None:
        click.echo(f"-- matters arising from {last.id} ({last.date.isoformat()})")
        for line in arising:
            click.echo(f"       {line}")
    # the regional QSG's feedback received since the last meeting, then what was said here
    _business(m, ("regional_feedback",), [feedback_line(f, withhold=True) for f in received])
    _business(m, ("report",))
    section = None
    for n, item in enumerate(items, 1):
        if item.section != section:
            section = item.section
            click.echo(f"-- {section}")
        click.echo(f"{n:>3}. {item.provider:<5} {item.name}")
        for reason in item.reasons:
            click.echo(f"       {reason}")
    suggested = [(p, s) for p in frozen.proposals for s in p.rebase_suggestions]
    if suggested:
        click.echo("-- rebases to consider (never applied without a record)")
    for p, s in suggested:
        click.echo(
            f"     {p.provider:<5} {s.title}: from {s.starts}, {s.points} months {s.side} the mean"
        )
        click.echo(f"       {s.command.replace('MEETING', meeting_id)}")
    if plan is not None and plan.themes:
        click.echo("-- themes in the business plan for this meeting")
        for theme in plan.themes:
            click.echo(f"       {theme}")
    _business(m, ("theme", "aob", "review"))
    if told:
        click.echo("-- liaison: concluded on by another local QSG since the last meeting")
    for x in told:
        click.echo(f"     {x.provider:<5} {x.name}")
        click.echo(f"       {x.line()}")
    click.echo(f"{len(items)} provider(s) on the agenda of {meeting_id}", err=True)


def _business(m: Meeting, kinds: tuple[str, ...], received: list[str] | None = None) -> None:
    from ..register.business import TITLES

    for kind in kinds:
        chosen = [b for b in m.business if b.item == kind]
        if chosen or received:
            click.echo(f"-- {TITLES[kind].lower()}")
        for line in received or ():  # the regional QSG's feedback carried to this meeting
            click.echo(f"       {line}")
        for b in chosen:
            extra = f" [{', '.join(b.providers)}]" if b.providers else ""
            name = f"{b.id} {b.title}" if b.id else b.title
            click.echo(f"       {name}" + (f" ({b.author})" if b.author else "") + extra)
            if b.id is None:
                continue
            if b.confidential and b.concerns:  # withheld as its text is
                click.echo(f"         {len(b.concerns)} concern(s), confidential: see the item")
            for concern in () if b.confidential else b.concerns:
                click.echo(f"         concern: {concern}")
            click.echo(
                "         "
                + (f"proposed {b.proposed.label}" if b.proposed else "no level proposed")
            )


def _position_options(func: F) -> F:
    func = click.option("--member", required=True, metavar="NAME")(func)
    return _MEETING(func)


@command(said_as={"provider": "CODE"})
@click.argument("code")
@_position_options
@_writer
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
    from ..register.kinds.meetings import PositionTaken

    with _write(workspace, register, by) as reg:
        rec = R.confirm(reg, code, meeting=meeting, member=member)
    click.echo(f"{meeting} {code}: {member} confirmed {PositionTaken.of(rec).level.label}")


@command(said_as={"provider": "CODE"})
@click.argument("code")
@_position_options
@click.option("--level", required=True, metavar=LEVELS)
@click.option("--reason", required=True, metavar="TEXT")
@_writer
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
    from ..register.kinds.meetings import PositionTaken

    with _write(workspace, register, by) as reg:
        rec = R.override(reg, code, meeting=meeting, member=member, level=level, reason=reason)
    b = PositionTaken.of(rec)
    click.echo(f"{meeting} {code}: {member} overrides {b.proposed.label} with {b.level.label}")


@command(said_as={"provider": "CODE"})
@click.argument("code")
@_MEETING
@click.option("--rationale", required=True, metavar="TEXT")
@click.option("--level", default=None, metavar=LEVELS, help="Default: the proposal, if confirmed.")
@click.option(
    "--review-by", default=None, metavar="YYYY-MM-DD", help="Default: kept if the level is."
)
@click.option("--exit-criteria", default=None, metavar="TEXT", help="Default: kept likewise.")
@_EXIT_WHEN
@click.option(
    "--domain",
    "domains",
    multiple=True,
    metavar="DOMAIN=LEVEL",
    help="A domain's level (repeat for each); default: the proposal's, if it is concluded.",
)
@_CLEAR_REVIEW
@_CLEAR_EXIT
@click.option(
    "--at",
    default=None,
    metavar="HH:MM",
    help="When in the meeting it was decided: quorum is judged then, from attendance times.",
)
@_writer
def decide(
    code: str,
    meeting: str,
    rationale: str,
    level: str | None,
    review_by: str | None,
    exit_criteria: str | None,
    exit_when: tuple[str, ...],
    domains: tuple[str, ...],
    clear_review_by: bool,
    clear_exit_criteria: bool,
    at: str | None,
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """The chair's conclusion for provider CODE at a meeting.

    A decision that keeps the standing level keeps its review date and exit criteria
    unless they are given again or cleared (--clear-review-by, --clear-exit-criteria)."""
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
            clear_review_by=clear_review_by,
            clear_exit_criteria=clear_exit_criteria,
            domains=_domain_levels(domains) if domains else None,
            at=at,
            exit_when=_exit_when(exit_when),
        )
    d = done.decision
    dissent = f"; dissent: {len(d.dissent)}" if d.dissent else ""
    when = f" at {d.at}" if d.at else ""
    click.echo(
        f"{meeting} {code}: decided {d.level.label}{when} (proposed {d.proposed.label}; "
        f"{len(d.positions)} position(s){dissent})"
    )
    if d.domains:
        by_domain = "; ".join(f"{k.replace('_', ' ')}: {v.label}" for k, v in d.domains.items())
        click.echo(f"by domain: {by_domain}")
    if d.review_by_from:
        click.echo(f"kept review by {d.review_by} from {d.review_by_from}")
    if d.exit_criteria_from:
        click.echo(f"kept exit criteria from {d.exit_criteria_from}: {d.exit_criteria}")
    if d.exit_when:
        from ..ruleset.criteria import condition_text

        kept = f" (kept from {d.exit_when_from})" if d.exit_when_from else ""
        for scope, condition in d.exit_when.items():
            click.echo(f"exit when{kept} ({scope.replace('_', ' ')}): {condition_text(condition)}")
    if done.summit_action:
        click.echo(f"opened action {done.summit_action}: convene the risk summit")
    if done.summit_pending:
        click.echo(f"no second convene action: {done.summit_pending}")
    for closed in done.superseded:
        click.echo(f"{closed} superseded: {meeting} decided {d.level.label}")
    for warning in done.warnings:
        click.echo(warning, err=True)


def _exit_when(given: tuple[str, ...]) -> dict[str, Any] | None:
    """``--exit-when [DOMAIN=]CONDITION`` (repeated), each checked to be a condition."""
    from ..ruleset.criteria import parse_exit_when

    return parse_exit_when(given) if given else None


def _domain_levels(given: tuple[str, ...]) -> dict[str, str]:
    """``--domain safety=targeted_intervention`` (repeated) as a mapping."""
    from ..register import checks

    out: dict[str, str] = {}
    for item in given:
        domain, sep, level = item.partition("=")
        if not sep or not domain or not level:
            raise checks.refuse(
                "domain",
                f"{item!r}: write DOMAIN=LEVEL, e.g. safety=regular_review",
                checks.BAD_LEVEL,
            )
        out[domain.strip()] = level.strip()
    return out


for _made in report_commands.MEETING_COMMANDS:
    meeting.add_command(_made)

COMMANDS = (meeting, agenda, confirm, override, decide, *record_commands.COMMANDS)


def add_to(group: click.Group) -> None:
    """Register the commands of the QSG's record on the `qsg` group."""
    for made in COMMANDS:
        group.add_command(made)
