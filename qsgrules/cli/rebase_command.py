"""`qsg rebase`: record the QSG's decision that a provider's indicator is a new process from a
month on; thin over ``qsgrules.register.rebases``."""

from __future__ import annotations

import click

from .common import _MEETING, _write, _writer, command


@command(said_as={"provider": "CODE", "indicator": "INDICATOR", "starts": "--from"})
@click.argument("code")
@click.argument("indicator")
@click.option(
    "--from", "starts", required=True, metavar="YYYY-MM", help="The new process's first month."
)
@click.option("--reason", required=True, metavar="TEXT", help="Why the process changed.")
@_MEETING
@_writer
def rebase(
    code: str,
    indicator: str,
    starts: str,
    reason: str,
    meeting: str,
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """Record that provider CODE's INDICATOR is a new process from a month on (a rebase,
    decided at an open meeting): every trend test, CUSUM and chart then starts it there.
    `qsg explain` suggests one where a shift has lasted 12 months or more."""
    from ..register.rebases import record_rebase

    with _write(workspace, register, by) as reg:
        r = record_rebase(reg, code, indicator, starts=starts, reason=reason, meeting=meeting)
    click.echo(
        f"recorded: {r.provider}'s {r.indicator} is a new process from {r.starts} "
        f"({r.meeting}, {r.recorded_by}); its trend tests, CUSUM and charts start there",
        err=True,
    )
