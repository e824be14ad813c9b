"""`qsg member`: the QSG's member organisations and their named representatives."""

from __future__ import annotations

import click

from .common import _OWN_WORKSPACE, _WORKSPACE, group


@group()
def member() -> None:
    """Member organisations and their named representatives: add, list, retire."""


@member.command("add", said_as={"organisation": "ORG"})
@click.argument("organisation", metavar="ORG")
@click.option(
    "--kind",
    default=None,
    metavar="KIND",
    help="For a new member: regulator, commissioner, healthwatch, local_authority, "
    "public_health, education, professional_regulator, ombudsman or other.",
)
@click.option("--title", default=None, help="Its full name (default: ORG).")
@click.option("--parent", default=None, metavar="ORG", help="The organisation it is part of.")
@click.option(
    "--alias", "aliases", multiple=True, metavar="NAME", help="Another name sources use for it."
)
@click.option("--representative", default=None, metavar="NAME", help="A named representative.")
@click.option("--role", default=None, help="The representative's role (e.g. Chief Nurse).")
@click.option("--contact", default=None, help="The representative's work contact.")
@click.option(
    "--distinct", is_flag=True, help="A new name spelt almost as a member's is another body."
)
@_OWN_WORKSPACE
def member_add(
    organisation: str,
    kind: str | None,
    title: str | None,
    parent: str | None,
    aliases: tuple[str, ...],
    representative: str | None,
    role: str | None,
    contact: str | None,
    distinct: bool,
    workspace: str,
) -> None:
    """Add member organisation ORG (with --kind) and/or a named representative of it
    (--representative NAME --role ROLE [--contact C]), in members.csv and
    representatives.csv."""
    from ..api import add_member

    made, rep = add_member(
        workspace,
        organisation,
        kind=kind,
        title=title,
        parent=parent,
        aliases=aliases,
        representative=representative,
        role=role,
        contact=contact,
        distinct=distinct,
    )
    if kind is not None:
        click.echo(f"added member {made.name} ({made.kind})")
    if rep is not None:
        click.echo(f"added representative {rep.name}, {rep.role}, for {rep.organisation}")


@member.command("retire", said_as={"organisation": "ORG"})
@click.argument("organisation", metavar="ORG")
@click.option("--on", required=True, metavar="YYYY-MM-DD", help="The last day.")
@click.option(
    "--representative", default=None, metavar="NAME", help="Retire this representative only."
)
@_OWN_WORKSPACE
def member_retire(organisation: str, on: str, representative: str | None, workspace: str) -> None:
    """Record that ORG stopped being a member on --on (kept, with the day: what it did
    before still reads), or that one of its representatives stood down."""
    from ..api import retire_member
    from ..workspace.clock import today

    click.echo(
        retire_member(workspace, organisation, on=on, representative=representative, today=today())
    )


@member.command("list")
@_WORKSPACE
@click.option("--all", "everyone", is_flag=True, help="Retired members and representatives too.")
def member_list(workspace: str | None, everyone: bool) -> None:
    """Every member organisation with its kind, parent and aliases, and its named
    representatives with role and contact."""
    from ..api import roster

    found = roster(workspace)
    for m in sorted(found.members.values(), key=lambda m: (m.retired is not None, m.name)):
        if m.retired is not None and not everyone:
            continue
        bits = [m.kind]
        if m.parent:
            bits.append(f"part of {m.parent}")
        if m.aliases:
            bits.append("also " + ", ".join(m.aliases))
        if m.retired is not None:
            bits.append(f"retired {m.retired.isoformat()}")
        click.echo(f"{m.name}  ({'; '.join(bits)})")
        for r in found.representatives:
            if r.organisation == m.name and (everyone or r.retired is None):
                gone = f" (stood down {r.retired.isoformat()})" if r.retired else ""
                contact = f", {r.contact}" if r.contact else ""
                click.echo(f"    {r.name}, {r.role}{contact}{gone}")
    n = sum(1 for m in found.members.values() if m.retired is None)
    reps = sum(1 for r in found.representatives if r.retired is None)
    click.echo(f"{n} member organisations, {reps} named representatives", err=True)
