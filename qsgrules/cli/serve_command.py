"""`qsg serve`: the live review page, thin over ``qsgrules.web.serve`` (imported only
here, when the command runs: `qsg --help` and `qsg triage` start without the web framework)."""

from __future__ import annotations

import click

from .common import _BY, _REGISTER, _RULESET, _WORKSPACE, command


@command()
@_WORKSPACE
@_RULESET
@_REGISTER
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (loopback: this machine only).",
)
@click.option(
    "--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="Port."
)
@click.option(
    "--public",
    is_flag=True,
    help="For a public screen: withhold confidential items' text and disable every form.",
)
@click.option(
    "--meeting",
    default=None,
    metavar="ID",
    help="Show this meeting (default: the latest meeting not yet agreed, else a new triage).",
)
@_BY
def serve(
    workspace: str | None,
    ruleset: str | None,
    register: str | None,
    host: str,
    port: int,
    public: bool,
    meeting: str | None,
    by: str | None,
) -> None:
    """Serve the live review page for the meeting, until Ctrl-C.

    The board, a page per provider (its section of the meeting pack) and, while a meeting
    is open in the register, forms to record attendance, confirmations, overrides, the
    chair's decision and actions, written as the commands write them. Listens on
    127.0.0.1 unless --host says otherwise.
    """
    from ..web import serve as run

    run(
        workspace,
        ruleset,
        register=register,
        host=host,
        port=port,
        public=public,
        meeting=meeting,
        by=by,
        say=lambda text: click.echo(text, err=True),
    )
