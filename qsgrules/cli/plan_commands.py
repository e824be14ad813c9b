"""`qsg plan`: the business plan, which providers and themes come to which meeting of the
schedule; thin over ``qsgrules.register.plan``."""

from __future__ import annotations

import click

from .common import _read, _where, _write, _writer, group


@group()
def plan() -> None:
    """The business plan: which providers and themes come to which meeting."""


@plan.command("set", said_as={"meeting": "ID", "providers": "--provider", "themes": "--theme"})
@click.argument("meeting_id", metavar="ID")
@click.option("--provider", "providers", multiple=True, metavar="CODE", help="Repeatable.")
@click.option("--theme", "themes", multiple=True, metavar="TEXT", help="Repeatable.")
@_writer
def plan_set(
    meeting_id: str,
    providers: tuple[str, ...],
    themes: tuple[str, ...],
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """Make the providers and themes given the business plan of meeting ID, planned
    (qsg meeting open --planned) or open: they come onto its agenda. Replaces its earlier
    plan (both kept); neither option clears it."""
    from ..api import open_workspace
    from ..register.plan import set_plan

    known = {code: p.name for code, p in open_workspace(workspace).providers.items()}
    with _write(workspace, register, by) as reg:
        made = set_plan(reg, meeting_id, providers=providers, themes=themes, known=known)
    said = ", ".join(made.providers) or "no provider"
    topics = "; ".join(made.themes) or "no theme"
    click.echo(f"{meeting_id}: business plan {said}; themes: {topics}")


@plan.command("show")
@click.option("--qsg", default=None, metavar="NAME", help="Only this local QSG's meetings.")
@_where
def plan_show(qsg: str | None, workspace: str | None, register: str | None) -> None:
    """The schedule with its business plan: each meeting (planned, draft or agreed), the
    providers and themes it is to take."""
    from ..register.plan import schedule

    with _read(workspace, register) as reg:
        rows = schedule(reg.state(), qsg=qsg)
    for s in rows:
        click.echo(f"{s.id:<15} {s.date.isoformat()}  {s.qsg or 'all local QSGs':<25} {s.status}")
        click.echo(f"      providers: {', '.join(s.providers) or 'none planned'}")
        if s.themes:
            click.echo(f"      themes: {'; '.join(s.themes)}")
    click.echo(f"{len(rows)} meeting(s) in the schedule", err=True)


COMMANDS = (plan,)
