"""Member organisations: the national members every QSG has, and the workspace's own."""

from __future__ import annotations

from ..errors import Problem, did_you_mean
from ..model.workspace import Member
from .csvtext import read_rows
from .text_guard import guard

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
CODE_MEMBER = "QSG330"


def national_members() -> dict[str, Member]:
    return {n: Member(n, "national", t) for n, t in NATIONAL_MEMBERS.items()}


def parse_members(text: str | None, problems: list[Problem]) -> dict[str, Member]:
    """The national members plus members.csv's rows (``name,kind[,title]``), when given."""
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
    for line, row in table.as_dicts():
        name, kind = row["name"], row["kind"]
        title = row.get("title") or name
        bad = False
        for field, value in (("name", name), ("title", row.get("title", ""))):
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
        else:
            members[name] = Member(name, kind, title)
    return members
