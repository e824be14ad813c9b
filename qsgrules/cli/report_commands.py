"""`qsg meeting report` and `qsg meeting reports`: members' written reports attached to a
meeting, thin over ``qsgrules.register.reports``."""

from __future__ import annotations

import json
from typing import Any

import click

from .common import _read, _where, _write, _writer, command


@command(name="report", said_as={"meeting": "ID"})
@click.argument("meeting_id", metavar="ID")
@click.option("--author", required=True, metavar="ORG", help="The member organisation.")
@click.option("--title", required=True, metavar="TEXT", help="What the report is.")
@click.option("--text", default=None, metavar="TEXT", help="The report, or its summary.")
@click.option(
    "--file",
    default=None,
    metavar="PATH",
    help="The report as a file: kept beside the register (reports/ID/NAME), never replaced.",
)
@click.option(
    "--confidential",
    is_flag=True,
    help="Given in confidence: no published output (--public) shows any of it.",
)
@_writer
def meeting_report(
    meeting_id: str,
    author: str,
    title: str,
    text: str | None,
    file: str | None,
    confidential: bool,
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """Attach a member's written report to meeting ID (a commissioner's quality report,
    CQC's, the deanery's, Healthwatch's): its text, its file, or both. The pack lists it;
    the note lists it under "Members' reports"."""
    from ..register.reports import attach_report

    with _write(workspace, register, by) as reg:
        b = attach_report(
            reg,
            meeting_id,
            author=author,
            title=title,
            text=text,
            file=file,
            confidential=confidential,
        )
    kept = f"; file kept as {b.file.kept} ({b.file.size:,} bytes)" if b.file else ""
    handling = "confidential" if b.confidential else "open"
    click.echo(f"{meeting_id}: report by {b.author} ({handling}): {b.title}{kept}")


def _report_json(r: Any) -> dict[str, Any]:
    if r.withheld:
        return {"withheld": True, "confidential": True}
    return {
        "withheld": False,
        "title": r.title,
        "author": r.author,
        "confidential": r.confidential,
        "text": r.text,
        "file": (
            {"name": r.file.name, "kept": r.file.kept, "size": r.file.size, "sha256": r.file.sha256}
            if r.file
            else None
        ),
    }


@command(name="reports", said_as={"meeting": "ID"})
@click.argument("meeting_id", metavar="ID")
@click.option(
    "--public",
    is_flag=True,
    help="As published: a confidential report is said to exist, nothing more.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@_where
def meeting_reports(
    meeting_id: str, public: bool, fmt: str, workspace: str | None, register: str | None
) -> None:
    """The members' written reports attached to meeting ID, with author, handling and file."""
    from ..register.lookup import meeting_of
    from ..register.reports import WITHHELD_REPORT, reports_of, shown

    with _read(workspace, register) as reg:
        m = meeting_of(reg.state([meeting_id]), meeting_id)
    listed = [shown(b, public=public) for b in reports_of(m.business)]
    if fmt == "json":
        click.echo(
            json.dumps({"meeting": m.id, "reports": [_report_json(r) for r in listed]}, indent=2)
        )
        return
    for r in listed:
        if r.withheld:
            click.echo(WITHHELD_REPORT)
            continue
        handling = "confidential" if r.confidential else "open"
        click.echo(f"{r.title} ({r.author}, {handling})")
        if r.file:
            click.echo(f"    file {r.file.kept} ({r.file.size:,} bytes, sha256 {r.file.sha256})")
        if r.text:
            click.echo(f"    {r.text}")
    click.echo(f"{len(listed)} report(s) attached to {m.id}", err=True)


MEETING_COMMANDS = (meeting_report, meeting_reports)
