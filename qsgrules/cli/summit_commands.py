"""`qsg summit`: risk summits convened, held and listed, thin over
``qsgrules.register``."""

from __future__ import annotations

import click

from .common import LEVELS, _read, _where, _write, _writer, group


@group()
def summit() -> None:
    """Risk summits: convene one (date, organisations invited), record it held (who was
    present, outcome, level after), list them."""


@summit.command("convene", said_as={"provider": "CODE", "invite": "--invite"})
@click.argument("code")
@click.option("--date", required=True, metavar="YYYY-MM-DD", help="The day it is to be held.")
@click.option(
    "--invite",
    "invited",
    multiple=True,
    required=True,
    metavar="ORG",
    help="An organisation invited (repeat); the provider by its code, CODE.",
)
@_writer
def summit_convene(
    code: str,
    date: str,
    invited: tuple[str, ...],
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """Record a risk summit convened for provider CODE (closes its convene action). Prints
    the summit id."""
    from .. import register as R

    with _write(workspace, register, by) as reg:
        s = R.convene_summit(reg, code, date=date, invited=list(invited))
    click.echo(s.id)
    answered = f"; closes action {s.action}" if s.action else "; no convene action was open"
    click.echo(
        f"convened {s.id}: {code} on {s.date.isoformat()}, {len(s.invited)} invited{answered}",
        err=True,
    )


@summit.command("held", said_as={"summit_id": "SUMMIT_ID"})
@click.argument("summit_id", metavar="SUMMIT_ID")
@click.option(
    "--present",
    multiple=True,
    required=True,
    metavar="ORG",
    help="An organisation present (repeat); the provider by its code.",
)
@click.option("--outcome", required=True, metavar="TEXT")
@click.option("--level-after", required=True, metavar=LEVELS)
@click.option("--date", default=None, metavar="YYYY-MM-DD", help="Default: the date convened.")
@_writer
def summit_held(
    summit_id: str,
    present: tuple[str, ...],
    outcome: str,
    level_after: str,
    date: str | None,
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """Record convened summit SUMMIT_ID as held: who was present, the outcome, the level
    of surveillance agreed after it (the QSG decides the standing level at its next
    meeting)."""
    from .. import register as R
    from ..register.follow_up import summit_words

    with _write(workspace, register, by) as reg:
        s = R.hold_summit(
            reg, summit_id, present=list(present), outcome=outcome, level_after=level_after,
            date=date,
        )  # fmt: skip
    click.echo(summit_words(s))


@summit.command("list")
@click.option("--provider", default=None, metavar="CODE")
@_where
def summit_list(provider: str | None, workspace: str | None, register: str | None) -> None:
    """Every risk summit: convened, held or withdrawn, with what each recorded."""
    from .. import register as R
    from ..register.follow_up import summit_words

    with _read(workspace, register) as reg:
        found = R.list_summits(reg, provider=provider)
    for s in found:
        click.echo(f"{s.id}  {s.provider:<5} {s.status:<9} {summit_words(s)}")
    click.echo(f"{len(found)} summit(s)", err=True)
