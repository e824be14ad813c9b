"""Member organisations: the national members every QSG has, and the workspace's own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from ..codes import Code
from ..errors import Problem, did_you_mean
from ..model.workspace import Member
from .csvtext import read_rows
from .text_guard import guard, visible_form

#: Member organisations every workspace knows, by the short names members use (guidance,
#: chapter 4). Local members (a CCG, a Healthwatch, a local authority, a LETB or deanery)
#: are added in the workspace's members.csv.
NATIONAL_MEMBERS: dict[str, str] = {
    "CQC": "Care Quality Commission",
    "Monitor": "Monitor",
    "TDA": "NHS Trust Development Authority",
    "NHS England": "NHS England (NHS Commissioning Board)",
    "PHE": "Public Health England",
    "HEE": "Health Education England",
    "GMC": "General Medical Council",
    "NMC": "Nursing and Midwifery Council",
    "Ombudsman": "Parliamentary and Health Service Ombudsman",
    "Healthwatch England": "Healthwatch England",
}
MEMBER_KINDS = (
    "regulator",
    "commissioner",
    "healthwatch",
    "local_authority",
    "public_health",
    "education",
    "professional_regulator",
    "ombudsman",
    "other",
)
FILE = "members.csv"
CODE_MEMBER = Code.MEMBER


#: What kind of organisation each national member is (a ruleset may weigh by kind).
NATIONAL_KINDS: dict[str, str] = {
    "CQC": "regulator",
    "Monitor": "regulator",
    "TDA": "regulator",
    "NHS England": "commissioner",
    "PHE": "public_health",
    "HEE": "education",
    "GMC": "professional_regulator",
    "NMC": "professional_regulator",
    "Ombudsman": "ombudsman",
    "Healthwatch England": "healthwatch",
}


def national_members() -> dict[str, Member]:
    return {n: Member(n, NATIONAL_KINDS[n], t) for n, t in NATIONAL_MEMBERS.items()}


def source_index(members: Mapping[str, Member]) -> dict[str, str]:
    """Visible form of each member's name and aliases -> the member's name."""
    index: dict[str, str] = {}
    for member in members.values():
        for alias in member.aliases:
            index.setdefault(visible_form(alias), member.name)
    index.update((visible_form(m.name), m.name) for m in members.values())
    return index


def resolve_source(
    name: str, members: Mapping[str, Member], index: Mapping[str, str] | None = None
) -> str | None:
    """The member a source names: by its name, or by an alias, compared by visible form
    ("cqc", "CQC " and a Cyrillic "СQС" are one source). ``index`` is ``source_index``'s,
    when the caller resolves many names."""
    if name in members:
        return name
    return (index if index is not None else source_index(members)).get(visible_form(name))


def lineage(name: str, members: Mapping[str, Member]) -> tuple[str, ...]:
    """The member and the organisations it is part of, nearest first (a cycle stops it)."""
    chain = [name]
    member = members.get(name)
    while member is not None and member.parent is not None and member.parent not in chain:
        chain.append(member.parent)
        member = members.get(member.parent)
    return tuple(chain)


def organisation(name: str, members: Mapping[str, Member]) -> str:
    """The independent organisation a member belongs to: its top-level parent, or itself."""
    return lineage(name, members)[-1]


def parse_members(text: str | None, problems: list[Problem]) -> dict[str, Member]:
    """The national members plus members.csv's rows
    (``name,kind[,title,parent,aliases,retired]``).

    ``parent`` must be a member (national or listed); ``aliases`` are separated by ``;``
    and, like names, must not be claimed twice (regardless of case).
    """
    members = national_members()
    if text is None:
        return members
    found: list[Problem] = []
    table = read_rows(text, FILE, ("name", "kind"), found)
    if not table.ok:
        # the established wording: the header is what is wrong
        problems.extend(
            p
            if p.line != 1
            else Problem(FILE, 1, None, "the header must include name,kind", code=p.code)
            for p in found
        )
        return members
    problems.extend(found)
    parents: dict[str, tuple[int, str]] = {}
    looks = {visible_form(n): n for n in members}
    for line, row in table.as_dicts():
        name, kind = row["name"], row["kind"]
        title = row.get("title") or name
        bad = False
        texts = [(f, row.get(f, "")) for f in ("title", "parent", "aliases")]
        for field, value in (("name", name), *texts):
            for code, message in guard(field, value):
                problems.append(Problem(FILE, line, None, message, code=code))
                bad = True
        if bad:
            continue
        if not name:
            problems.append(Problem(FILE, line, None, "name is empty", code=CODE_MEMBER))
        elif kind not in MEMBER_KINDS:
            problems.append(
                Problem(
                    FILE,
                    line,
                    None,
                    f"unknown kind {kind!r}{did_you_mean(kind, MEMBER_KINDS)}; use one of "
                    + ", ".join(MEMBER_KINDS),
                    code=CODE_MEMBER,
                )
            )
        elif name in members:
            problems.append(
                Problem(FILE, line, None, f"{name!r} is listed twice", code=CODE_MEMBER)
            )
        elif twin := looks[visible_form(name)] if visible_form(name) in looks else None:
            problems.append(
                Problem(
                    FILE,
                    line,
                    None,
                    f"{name!r} looks the same as the member {twin!r}: one organisation under "
                    "two names would be counted twice; list it once (another spelling can be "
                    "an alias)",
                    code=CODE_MEMBER,
                )
            )
        else:
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split(";") if a.strip())
            parent = (row.get("parent") or "").strip() or None
            retired = _retired(row.get("retired") or "", line, problems)
            members[name] = Member(name, kind, title, parent, aliases, retired)
            looks[visible_form(name)] = name
            if parent is not None:
                parents[name] = (line, parent)
    problems.extend(_links(members, parents))
    return members


def _retired(text: str, line: int, problems: list[Problem]) -> dt.date | None:
    """A ``retired`` cell: empty (a member) or the day it stopped being one."""
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        problems.append(
            Problem(
                FILE,
                line,
                None,
                f"retired {text.strip()!r} is not a date (YYYY-MM-DD); leave it empty for a "
                "current member",
                code=CODE_MEMBER,
            )
        )
        return None


def _links(members: Mapping[str, Member], parents: Mapping[str, tuple[int, str]]) -> list[Problem]:
    """Parents that are no member or make a cycle; names and aliases claimed twice."""
    out: list[Problem] = []
    for name, (line, parent) in parents.items():
        if parent not in members:
            out.append(
                Problem(
                    FILE,
                    line,
                    None,
                    f"parent {parent!r} of {name!r} is not a member"
                    f"{did_you_mean(parent, members)}; list it, or leave parent empty",
                    code=CODE_MEMBER,
                )
            )
        elif name in lineage(parent, members):
            out.append(
                Problem(
                    FILE,
                    line,
                    None,
                    f"parent {parent!r} of {name!r} makes a cycle: an organisation cannot be "
                    "part of itself",
                    code=CODE_MEMBER,
                )
            )
    claimed: dict[str, str] = {visible_form(m.name): m.name for m in members.values()}
    for member in members.values():
        for alias in member.aliases:
            owner = claimed.setdefault(visible_form(alias), member.name)
            if owner != member.name:
                out.append(
                    Problem(
                        FILE,
                        1,
                        None,
                        f"alias {alias!r} of {member.name!r} already names {owner!r}; "
                        "an alias must name one member only",
                        code=CODE_MEMBER,
                    )
                )
    return out
