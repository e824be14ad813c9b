"""`qsg init DIR`: a workspace of one's own, with the first steps printed."""

from __future__ import annotations

import shlex

import click

from .common import command


@command("init", said_as={"dir": "DIR"})
@click.argument("dir", metavar="DIR", type=click.Path())
@click.option(
    "--from-demo",
    "source",
    flag_value="demo",
    help="Copy the bundled demo's data (London's 18 acute trusts) to start from.",
)
@click.option(
    "--empty",
    "source",
    flag_value="empty",
    default=True,
    help="The files a workspace needs, with no rows (the default).",
)
def init(dir: str, source: str) -> None:
    """Make a workspace of your own in DIR (a new or empty folder; nothing is overwritten).

    Its settings.yaml marks the folder: qsg commands run in it, or in a folder below it,
    use it without --workspace."""
    from ..api import init_workspace

    made = init_workspace(dir, from_demo=source == "demo")
    where = shlex.quote(str(made.folder))
    what = "a copy of the bundled demo" if made.from_demo else "an empty workspace"
    click.echo(f"made {made.folder}: {what} ({', '.join(made.files)})")
    click.echo("")
    click.echo("First steps:")
    click.echo(f"  cd {where}")
    if made.from_demo:
        click.echo("  qsg triage                      # a level proposed for every provider")
        click.echo("  qsg explain RJ6                 # why, with the numbers")
    else:
        click.echo("  # put your providers in providers.csv, your data in indicators.csv and")
        click.echo("  # your local member organisations in members.csv (README: Workspace formats)")
        click.echo("  qsg triage                      # a level proposed for every provider")
    click.echo("  qsg meeting open --date YYYY-MM-DD --chair NAME   # starts register.sqlite")
    click.echo("  qsg pack --out pack.html        # the meeting pack, for a browser")
    click.echo("")
    click.echo(
        "qsg commands run in this folder or below use it (settings.yaml marks it); from "
        f"elsewhere give --workspace {where} or set "
        f"QSG_WORKSPACE={shlex.quote(str(made.folder.absolute()))}."
    )
