"""`qsg meeting attend`'s helpers: by named representative, and "as last time"."""

from __future__ import annotations

import click


def organisation_of(member: str, workspace: str | None) -> str:
    from ..api.members import organisation_of as of

    return of(member, workspace)


def as_last_time(
    meeting: str,
    member: str | None,
    organisation: str | None,
    start: str | None,
    end: str | None,
    workspace: str | None,
    register: str | None,
    by: str | None,
) -> None:
    """Record everyone who attended the previous meeting; print who, and who was left out."""
    from ..api.members import attend_as_last_time
    from ..register import checks

    given = [n for n, v in (("member", member), ("organisation", organisation)) if v]
    given += [n for n, v in (("start", start), ("end", end)) if v]
    if given:
        raise checks.refuse(
            given[0],
            "--as-last-time records everyone who attended last time: record one member on "
            "its own (without --as-last-time)",
            checks.CONFLICTING_OPTIONS,
        )
    m, before, added, left = attend_as_last_time(
        meeting, workspace=workspace, register=register, by=by
    )
    if before is None:
        click.echo(f"{m.id}: no earlier meeting of this QSG; nobody recorded", err=True)
        return
    click.echo(f"{m.id}: as at {before.id}: {len(added)} recorded")
    for line in added:
        click.echo(f"  {line}")
    for line in left:
        click.echo(f"  not recorded: {line}")
    click.echo(f"{len(m.attendance)} attending")
