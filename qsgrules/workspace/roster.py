"""The QSG's membership as records of the workspace (guidance, chapters 4-5): member
organisations in members.csv (kind, parent, aliases, the day one retired) and their named
representatives in representatives.csv (role, contact, the day one stood down), changed by
`qsg member add` and `qsg member retire` under the workspace's lock, whole or not at all,
every change checked by reading the workspace back before it is written."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..codes import Code
from ..errors import InputError, Problem, did_you_mean
from ..model.workspace import Member
from .atomic import locked, replace_file
from .csvtext import read_rows
from .loader import load_workspace
from .members import FILE as MEMBERS_FILE
from .members import MEMBER_KINDS, national_members, parse_members
from .text_guard import guard, visible_form

__all__ = [
    "REPRESENTATIVES_FILE",
    "Representative",
    "add_member",
    "load_representatives",
    "retire_member",
]

REPRESENTATIVES_FILE = "representatives.csv"
MEMBER_COLUMNS = ("name", "kind", "title", "parent", "aliases", "retired")
REP_COLUMNS = ("organisation", "name", "role", "contact", "retired")
CODE = Code.MEMBER


@dataclass(frozen=True)
class Representative:
    """A named person who represents a member organisation at the QSG."""

    organisation: str
    name: str
    role: str
    contact: str
    retired: dt.date | None = None


def load_representatives(
    folder: str | Path, members: Mapping[str, Member]
) -> tuple[Representative, ...]:
    """representatives.csv's rows (none when there is no file); InputError listing every
    problem (an organisation that is no member, a name given twice for one organisation)."""
    path = Path(folder) / REPRESENTATIVES_FILE
    if not path.is_file():
        return ()
    problems: list[Problem] = []
    reps = _parse_reps(path.read_text(encoding="utf-8"), members, problems)
    if problems:
        raise InputError(problems)
    return reps


def _parse_reps(
    text: str, members: Mapping[str, Member], problems: list[Problem]
) -> tuple[Representative, ...]:
    table = read_rows(text, REPRESENTATIVES_FILE, ("organisation", "name", "role"), problems)
    out: list[Representative] = []
    seen: set[tuple[str, str]] = set()
    for line, row in table.as_dicts():
        found = [
            (c, m)
            for f in ("organisation", "name", "role")
            for c, m in guard(f, row.get(f, ""), scan=f != "name")
        ] + list(guard("contact", row.get("contact", ""), scan=False))
        problems.extend(Problem(REPRESENTATIVES_FILE, line, None, m, code=c) for c, m in found)
        org, name = row["organisation"], row["name"]
        if org not in members:
            problems.append(
                Problem(
                    REPRESENTATIVES_FILE,
                    line,
                    None,
                    f"organisation {org!r} is not a member{did_you_mean(org, members)}",
                    code=CODE,
                )
            )
            continue
        if not name or not row["role"]:
            problems.append(
                Problem(REPRESENTATIVES_FILE, line, None, "name and role are needed", code=CODE)
            )
            continue
        key = (org, visible_form(name))
        if key in seen:
            problems.append(
                Problem(
                    REPRESENTATIVES_FILE,
                    line,
                    None,
                    f"{name!r} is listed twice for {org!r}",
                    code=CODE,
                )
            )
            continue
        seen.add(key)
        retired = row.get("retired", "").strip()
        try:
            day = dt.date.fromisoformat(retired) if retired else None
        except ValueError:
            problems.append(
                Problem(
                    REPRESENTATIVES_FILE,
                    line,
                    None,
                    f"retired {retired!r} is not a date (YYYY-MM-DD)",
                    code=CODE,
                )
            )
            continue
        out.append(Representative(org, name, row["role"], row.get("contact", ""), day))
    return tuple(out)


def _rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """A CSV file's rows as dicts of ``columns`` (missing columns empty; other columns kept)."""
    if not path.is_file():
        return []
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    return [
        {**{c: "" for c in columns}, **{k.strip(): (v or "").strip() for k, v in r.items() if k}}
        for r in reader
        if any((v or "").strip() for v in r.values())
    ]


def _text(rows: list[dict[str, str]], columns: tuple[str, ...]) -> str:
    extra = sorted({k for r in rows for k in r} - set(columns))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, [*columns, *extra], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _near(name: str, members: Mapping[str, Member]) -> str | None:
    """A member (or alias) spelt almost as ``name``: a typing slip, not another body."""
    import difflib

    names = {visible_form(n): n for n in members}
    names.update({visible_form(a): m.name for m in members.values() for a in m.aliases})
    close = difflib.get_close_matches(visible_form(name), list(names), n=1, cutoff=0.88)
    return names[close[0]] if close else None


def _folder(workspace: str | Path) -> Path:
    root = Path(workspace)
    if not root.is_dir():
        raise InputError(
            [
                Problem.for_argument(
                    "workspace",
                    f"no such workspace folder {str(workspace)!r}",
                    code=Code.NO_SUCH_WORKSPACE,
                )
            ]
        )
    return root


def _refuse(argument: str, message: str) -> InputError:
    return InputError([Problem.for_argument(argument, message, code=CODE)])


def add_member(
    workspace: str | Path,
    organisation: str,
    *,
    kind: str | None = None,
    title: str | None = None,
    parent: str | None = None,
    aliases: tuple[str, ...] = (),
    representative: str | None = None,
    role: str | None = None,
    contact: str | None = None,
    distinct: bool = False,
    today: dt.date | None = None,
) -> tuple[Member, Representative | None]:
    """Add a member organisation (``kind`` needed when it is new) and/or one of its named
    representatives (``representative`` with ``role``, ``contact`` optional). Nothing is
    written unless the workspace reads back whole with the change. A new name spelt almost
    as a member's (``LB Suton`` beside ``LB Sutton``) is refused unless ``distinct``."""
    root = _folder(workspace)
    org = organisation.strip()
    with locked(root):
        ws = load_workspace(root, today=today)
        members = dict(ws.members)
        new_member_text: str | None = None
        if org not in members or kind is not None:
            if org in members:
                raise _refuse(
                    "organisation",
                    f"{org!r} is a member already: give --representative to name its "
                    "representative, or leave out --kind",
                )
            if kind is not None and kind not in MEMBER_KINDS:
                raise _refuse(
                    "kind",
                    f"unknown kind {kind!r}{did_you_mean(kind, MEMBER_KINDS)}; use one of "
                    + ", ".join(MEMBER_KINDS),
                )
            if kind is None:
                raise _refuse(
                    "kind",
                    f"{org!r} is not a member yet: give its --kind ({', '.join(MEMBER_KINDS)})"
                    f"{did_you_mean(org, members)}",
                )
            twin = _near(org, members)
            if twin is not None and not distinct:
                raise _refuse(
                    "organisation",
                    f"{org!r} is spelt almost as the member {twin!r}: one organisation under "
                    "two names would be counted twice; if it is another organisation, add it "
                    "with --distinct (another spelling of the same one is an --alias of it)",
                )
            rows = _rows(root / MEMBERS_FILE, MEMBER_COLUMNS)
            rows.append(
                {
                    **{c: "" for c in MEMBER_COLUMNS},
                    "name": org,
                    "kind": kind,
                    "title": title or "",
                    "parent": parent or "",
                    "aliases": ";".join(a.strip() for a in aliases if a.strip()),
                }
            )
            new_member_text = _text(rows, MEMBER_COLUMNS)
            problems: list[Problem] = []
            members = parse_members(new_member_text, problems)
            if problems:
                raise InputError(problems)
        elif aliases or parent or title:
            raise _refuse(
                "organisation",
                f"{org!r} is a member already: its kind, parent, title and aliases are in "
                "members.csv",
            )
        rep: Representative | None = None
        rep_text: str | None = None
        if representative is not None:
            if not role:
                raise _refuse("role", "a representative's role is needed (e.g. Chief Nurse)")
            rows = _rows(root / REPRESENTATIVES_FILE, REP_COLUMNS)
            rows.append(
                {
                    **{c: "" for c in REP_COLUMNS},
                    "organisation": org,
                    "name": representative.strip(),
                    "role": role.strip(),
                    "contact": (contact or "").strip(),
                }
            )
            rep_text = _text(rows, REP_COLUMNS)
            problems = []
            reps = _parse_reps(rep_text, members, problems)
            if problems:
                raise InputError(problems)
            rep = reps[-1]
        elif new_member_text is None:
            raise _refuse(
                "representative",
                f"{org!r} is a member already: nothing to add (give --representative NAME "
                "--role ROLE to name one of its representatives)",
            )
        if new_member_text is not None:
            replace_file(root / MEMBERS_FILE, new_member_text.encode())
        if rep_text is not None:
            replace_file(root / REPRESENTATIVES_FILE, rep_text.encode())
    return members[org], rep


def retire_member(
    workspace: str | Path,
    organisation: str,
    *,
    on: str | dt.date,
    representative: str | None = None,
    today: dt.date | None = None,
) -> str:
    """Record that a member organisation (or, with ``representative``, one of its
    representatives) stopped on ``on``: kept in the file with the day, so that what it
    did before still reads. Returns what was retired, in words."""
    root = _folder(workspace)
    org = organisation.strip()
    day = today or dt.date.today()
    if not isinstance(on, dt.date):
        try:
            on = dt.date.fromisoformat(on)
        except ValueError:
            raise _refuse("on", f"{on!r} is not a date; write YYYY-MM-DD") from None
    if on > day:
        raise _refuse("on", f"{on.isoformat()} is after today ({day.isoformat()})")
    with locked(root):
        ws = load_workspace(root, today=today)
        if org not in ws.members:
            raise _refuse("organisation", f"{org!r} is not a member{did_you_mean(org, ws.members)}")
        if representative is not None:
            rows = _rows(root / REPRESENTATIVES_FILE, REP_COLUMNS)
            hits = [
                r
                for r in rows
                if r["organisation"] == org
                and visible_form(r["name"]) == visible_form(representative)
                and not r["retired"]
            ]
            if not hits:
                raise _refuse(
                    "representative",
                    f"{representative!r} is not a current representative of {org!r}",
                )
            hits[0]["retired"] = on.isoformat()
            text = _text(rows, REP_COLUMNS)
            found: list[Problem] = []
            _parse_reps(text, ws.members, found)
            if found:
                raise InputError(found)
            replace_file(root / REPRESENTATIVES_FILE, text.encode())
            return f"{hits[0]['name']} ({org}) stood down on {on.isoformat()}"
        if org in national_members():
            raise _refuse(
                "organisation",
                f"{org!r} is a national member of every QSG: it cannot be retired",
            )
        rows = _rows(root / MEMBERS_FILE, MEMBER_COLUMNS)
        hits = [r for r in rows if r["name"] == org]
        if not hits or hits[0]["retired"]:
            raise _refuse("organisation", f"{org!r} is retired already")
        later = sorted(i.id for i in ws.intelligence if i.source == org and i.received > on)
        if later:
            raise _refuse(
                "on",
                f"{org!r} has items received after {on.isoformat()} ({', '.join(later)}): "
                "retire it on the day it stopped, after its last item",
            )
        hits[0]["retired"] = on.isoformat()
        text = _text(rows, MEMBER_COLUMNS)
        problems: list[Problem] = []
        parse_members(text, problems)
        if problems:
            raise InputError(problems)
        replace_file(root / MEMBERS_FILE, text.encode())
        return f"{org} retired on {on.isoformat()}"
