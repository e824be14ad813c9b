"""The QSG's membership: member organisations and their named representatives
(``qsgrules.workspace.roster``), listed, added and retired."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import register as reg_api
from ..codes import Code
from ..errors import InputError, Problem
from ..model.workspace import Member
from ..workspace import Workspace
from ..workspace.roster import Representative, add_member, load_representatives, retire_member
from .inputs import open_register, open_workspace

__all__ = [
    "Roster",
    "add_member",
    "attend_as_last_time",
    "organisation_of",
    "retire_member",
    "roster",
]


@dataclass(frozen=True)
class Roster:
    """Every member organisation (national and local) and every named representative."""

    members: dict[str, Member]
    representatives: tuple[Representative, ...]

    def current(self, organisation: str) -> tuple[Representative, ...]:
        """The representatives of ``organisation`` who have not stood down."""
        return tuple(
            r for r in self.representatives if r.organisation == organisation and not r.retired
        )

    def find(self, name: str) -> tuple[Representative, ...]:
        """The current representatives called ``name`` (of any organisation)."""
        from ..text_guard import visible_form

        key = visible_form(name)
        return tuple(
            r for r in self.representatives if not r.retired and visible_form(r.name) == key
        )


def roster(workspace: str | Path | Workspace | None = None) -> Roster:
    """The workspace's members and representatives (representatives.csv, when there)."""
    ws = open_workspace(workspace)
    return Roster(dict(ws.members), load_representatives(ws.root, ws.members))


def organisation_of(member: str, workspace: str | Path | Workspace | None = None) -> str:
    """The organisation ``member`` is a current named representative of: InputError when
    they are none's (or several's), saying how to name it."""
    found = roster(workspace).find(member)
    orgs = sorted({r.organisation for r in found})
    if len(orgs) == 1:
        return orgs[0]
    said = (
        f"{member!r} represents {' and '.join(orgs)}: give --organisation"
        if orgs
        else f"{member!r} is no named representative of a member: give --organisation ORG "
        f"(or name them: qsg member add ORG --representative {member!r} --role ROLE)"
    )
    raise InputError([Problem.for_argument("organisation", said, code=Code.UNKNOWN_ORGANISATION)])


def attend_as_last_time(
    meeting: str,
    *,
    workspace: str | Path | None = None,
    register: str | Path | None = None,
    by: str | None = None,
) -> tuple[reg_api.Meeting, reg_api.Meeting | None, list[str], list[str]]:
    """Record as attending ``meeting`` everyone who attended the QSG's previous meeting
    (``qsgrules.register.attendance``), except representatives who have stood down since
    (representatives.csv) and organisations no longer members."""
    from ..register.attendance import attend_as_last_time as attend_again

    stood_down: dict[str, str] = {}
    if workspace is not None:
        found = roster(workspace)
        stood_down = {
            r.name: f"stood down for {r.organisation} on {r.retired.isoformat()}"
            for r in found.representatives
            if r.retired is not None and not found.find(r.name)
        }
    with open_register(workspace, register, write=True, by=by) as reg:
        return attend_again(reg, meeting, stood_down=stood_down)
