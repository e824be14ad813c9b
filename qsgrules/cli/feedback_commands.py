"""`qsg feedback`: the regional QSG's feedback, recorded when received and carried to the
next meeting of the local QSG it is for (its agenda, pack and note)."""

from __future__ import annotations

import click

from .common import _BY, _where, group


@group()
def feedback() -> None:
    """The regional QSG's feedback: recorded between meetings, on the next agenda."""


@feedback.command("add", said_as={})
@click.option("--from", "source", required=True, metavar="TEXT", help="The regional QSG.")
@click.option("--received", required=True, metavar="YYYY-MM-DD", help="The day it arrived.")
@click.option("--title", required=True, metavar="TEXT")
@click.option("--text", default=None, metavar="TEXT", help="What it says or asks.")
@click.option(
    "--qsg", default=None, metavar="NAME", help="The local QSG it is for (default: every one)."
)
@click.option(
    "--held-on", default=None, metavar="YYYY-MM-DD", help="The regional meeting that gave it."
)
@click.option("--confidential", is_flag=True, help="Never print its text in a pack or agenda.")
@_where
@_BY
def feedback_add(
    source: str,
    received: str,
    title: str,
    text: str | None,
    qsg: str | None,
    held_on: str | None,
    confidential: bool,
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """Record feedback from the regional QSG, received on a day: it comes onto the agenda,
    the pack and the note of the next meeting of the local QSG it is for."""
    from ..api.feedback import add_feedback

    f = add_feedback(
        source=source,
        received=received,
        title=title,
        text=text,
        qsg=qsg,
        held_on=held_on,
        confidential=confidential,
        workspace=workspace,
        register=register,
        by=by,
    )
    click.echo(
        f"{f.id}: feedback from {f.source} received {f.received.isoformat()} for "
        f"{f.qsg or 'every local QSG'}: on the agenda of its next meeting"
    )


@feedback.command("list")
@_where
def feedback_list(workspace: str | None, register: str | None) -> None:
    """Every item of the regional QSG's feedback, in the order received."""
    from ..api.feedback import list_feedback
    from ..register.feedback import feedback_line

    found = list_feedback(workspace, register)
    for f in found:
        click.echo(f"{feedback_line(f, withhold=True)} [for {f.qsg or 'every local QSG'}]")
    click.echo(f"{len(found)} item(s) of feedback", err=True)
