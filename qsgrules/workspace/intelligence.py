"""Soft intelligence intake: intelligence.yaml and intelligence.csv, members, privacy guard.

Every problem is reported with its place; an item whose free text holds what may be a
patient or staff identifier is refused, naming the kind of identifier, never the identifier.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator

from .. import privacy
from ..errors import Problem, did_you_mean
from ..model import Model
from ..model.vocabulary import Domain, Handling, ItemStatus, Severity
from ..yamlpos import Positions, pydantic_problems
from ..yamlpos import load as load_yaml

GRADING = re.compile(r"^[A-E][1-5]$")
OPTIONS = "<options>"  # the "file" of an item given on the command line
FREE_TEXT = ("summary", "closed_reason")

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


class SoftItem(Model):
    """One piece of soft intelligence from a member organisation."""

    id: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    source: str = Field(min_length=1)
    received: dt.date
    domain: Domain
    severity: Severity
    grading: str
    summary: str = Field(min_length=1)
    handling: Handling = Handling.OPEN
    status: ItemStatus = ItemStatus.OPEN
    closed_on: dt.date | None = None
    closed_reason: str | None = None
    expires: dt.date | None = None
    duplicate_of: str | None = None
    corroborates: str | None = None

    @field_validator("id", "duplicate_of", "corroborates", mode="before")
    @classmethod
    def _ids_as_text(cls, v: Any) -> Any:
        # `id: 12` in YAML is an int; ids are labels, so keep them as text
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v

    @field_validator("grading")
    @classmethod
    def _grading(cls, v: str) -> str:
        if not GRADING.match(v):
            raise ValueError(
                f"{v!r} is not a grading: source reliability A-E then "
                "information assessment 1-5, e.g. B2"
            )
        return v

    @model_validator(mode="after")
    def _closing(self) -> SoftItem:
        if self.status == "closed" and (self.closed_on is None or not self.closed_reason):
            raise ValueError("a closed item needs closed_on (a date) and closed_reason")
        if self.status == "open" and self.closed_on is not None:
            raise ValueError("closed_on is given but status is open: say `status: closed`")
        if self.closed_on is not None and self.closed_on < self.received:
            raise ValueError("closed_on is before received")
        return self

    @property
    def reliability(self) -> str:
        return self.grading[0]

    @property
    def assessment(self) -> int:
        return int(self.grading[1])


@dataclass(frozen=True)
class Member:
    name: str
    kind: str
    title: str


def load_members(folder: Path, problems: list[Problem]) -> dict[str, Member]:
    """The national members plus the workspace's members.csv (``name,kind[,title]``)."""
    members = {n: Member(n, "national", t) for n, t in NATIONAL_MEMBERS.items()}
    path = folder / "members.csv"
    if not path.is_file():
        return members
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
    if reader.fieldnames is None or not {"name", "kind"} <= set(reader.fieldnames):
        problems.append(Problem("members.csv", 1, None, "the header must include name,kind"))
        return members
    for row in reader:
        line = reader.line_num
        name, kind = (row.get("name") or "").strip(), (row.get("kind") or "").strip()
        if not name:
            problems.append(Problem("members.csv", line, None, "name is empty"))
        elif kind not in MEMBER_KINDS:
            problems.append(
                Problem(
                    "members.csv",
                    line,
                    None,
                    f"unknown kind {kind!r}{did_you_mean(kind, MEMBER_KINDS)}; use one of "
                    + ", ".join(MEMBER_KINDS),
                )
            )
        elif name in members:
            problems.append(Problem("members.csv", line, None, f"{name!r} is listed twice"))
        else:
            members[name] = Member(name, kind, (row.get("title") or name).strip())
    return members


@dataclass(frozen=True)
class _Raw:
    """One item as read, before validation, with where it came from."""

    data: dict[str, Any]
    file: str
    line: int
    positions: Positions | None  # YAML: field positions; CSV: None (the row's line)
    path: tuple[str | int, ...]

    def problem(self, field: str | None, message: str) -> Problem:
        if self.positions is not None:
            return self.positions.problem((*self.path, field) if field else self.path, message)
        if self.file == OPTIONS:  # given as arguments: name the argument, not a file
            return Problem.for_argument(field or "provider", message)
        return Problem(self.file, self.line, None, message)


def _yaml_items(path: Path, problems: list[Problem]) -> list[_Raw]:
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, 1, None, f"not UTF-8 text: {exc.reason}"))
        return []
    data, positions, found = load_yaml(text, name)
    problems.extend(found)
    if data is None:
        return []
    prefix: tuple[str | int, ...] = ()
    if isinstance(data, dict) and list(data) == ["items"]:
        data, prefix = data["items"], ("items",)
    if not isinstance(data, list):
        problems.append(
            Problem(name, 1, 1, f"{name} is a list of items (each starting with `- id:`)")
        )
        return []
    out = []
    for i, raw in enumerate(data):
        where: tuple[str | int, ...] = (*prefix, i)
        if not isinstance(raw, dict):
            problems.append(positions.problem(where, "each item is a mapping of fields"))
            continue
        out.append(_Raw(raw, name, positions.at(where)[0], positions, where))
    return out


def _csv_items(path: Path, problems: list[Problem]) -> list[_Raw]:
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, 1, None, f"not UTF-8 text: {exc.reason}"))
        return []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = set(reader.fieldnames or [])
    unknown = sorted(fields - set(SoftItem.model_fields))
    for f in unknown:
        problems.append(
            Problem(name, 1, None, f"unknown column {f!r}{did_you_mean(f, SoftItem.model_fields)}")
        )
    out = []
    try:
        for row in reader:
            if None in row:
                problems.append(Problem(name, reader.line_num, None, "more fields than the header"))
                continue
            data = {
                k: v.strip()
                for k, v in row.items()
                if k in SoftItem.model_fields and v and v.strip()
            }
            if data:
                out.append(_Raw(data, name, reader.line_num, None, ()))
    except csv.Error as exc:
        problems.append(Problem(name, reader.line_num, None, f"malformed CSV: {exc}"))
    return out


def check_item(
    raw: _Raw, providers: Iterable[str], members: dict[str, Member], problems: list[Problem]
) -> SoftItem | None:
    """Validate one item; report its problems; None when it is not usable."""
    providers = set(providers)
    ok = True
    code = raw.data.get("provider")
    if code in (None, ""):
        problems.append(
            raw.problem(
                None,
                "item has no provider; say which provider (its ODS code) the intelligence is about",
            )
        )
        ok = False
    elif str(code) not in providers:
        problems.append(
            raw.problem(
                "provider",
                f"unknown provider code {str(code)!r}"
                f"{did_you_mean(str(code), providers)}; add it to providers.csv",
            )
        )
        ok = False
    source = raw.data.get("source")
    if isinstance(source, str) and source and source not in members:
        problems.append(
            raw.problem(
                "source",
                f"unknown source {source!r}"
                f"{did_you_mean(source, members)}; a source is a member "
                "organisation: add it to members.csv",
            )
        )
        ok = False
    for field in FREE_TEXT:
        text = raw.data.get(field)
        if isinstance(text, str):
            kinds = sorted({f.kind for f in privacy.scan(text)}, key=privacy.KINDS.index)
            for kind in kinds:
                problems.append(
                    raw.problem(
                        field,
                        f"{field} contains {privacy.describe(kind)}; "
                        "remove it: no patient- or staff-identifiable data",
                    )
                )
                ok = False
    try:
        item = SoftItem.model_validate(raw.data, strict=False)
    except ValidationError as exc:
        if raw.positions is not None:
            found = pydantic_problems(
                exc, raw.positions, raw.path, allowed_keys=SoftItem.model_fields
            )
            # "no provider" is already said, in words a member understands
            problems.extend(p for p in found if p.message != 'missing required key "provider"')
        else:
            for err in exc.errors(include_url=False):
                where = ".".join(str(x) for x in err["loc"])
                msg = err["msg"].removeprefix("Value error, ")
                got = err.get("input")
                if err["type"] != "value_error" and isinstance(got, str):
                    msg += f" (got {got!r})"
                loc_field: str | None = str(err["loc"][0]) if err["loc"] else None
                problems.append(raw.problem(loc_field, f"{where + ': ' if where else ''}{msg}"))
        return None
    return item if ok else None


def load_intelligence(
    folder: Path, providers: Iterable[str], members: dict[str, Member], problems: list[Problem]
) -> tuple[SoftItem, ...]:
    """Items from intelligence.yaml and intelligence.csv (either or both), checked together."""
    raws: list[_Raw] = []
    for name, reader in (("intelligence.yaml", _yaml_items), ("intelligence.csv", _csv_items)):
        if (folder / name).is_file():
            raws.extend(reader(folder / name, problems))
    items: list[SoftItem] = []
    where: dict[str, _Raw] = {}
    seen: dict[str, _Raw] = {}  # every id as written, valid item or not
    for raw in raws:
        raw_id = raw.data.get("id")
        key = str(raw_id) if raw_id is not None else None
        if key is not None and key in seen:
            first = seen[key]
            problems.append(
                raw.problem("id", f"duplicate item id {key!r} (first at {first.file}:{first.line})")
            )
            continue
        if key is not None:
            seen[key] = raw
        item = check_item(raw, providers, members, problems)
        if item is not None:
            where[item.id] = raw
            items.append(item)
    for item in items:
        for ref_field in ("duplicate_of", "corroborates"):
            ref = getattr(item, ref_field)
            if ref is None:
                continue
            if ref == item.id:
                problems.append(
                    where[item.id].problem(ref_field, f"{ref_field} points at the item itself")
                )
            elif ref not in seen:
                problems.append(
                    where[item.id].problem(
                        ref_field, f"{ref_field}: no item with id {ref!r}{did_you_mean(ref, where)}"
                    )
                )
    return tuple(items)


def next_id(items: Iterable[SoftItem], prefix: str = "SI") -> str:
    """The next free id of the form PREFIX-NNN."""
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)$")
    numbers = [int(m.group(1)) for i in items if (m := pattern.match(i.id))]
    return f"{prefix}-{max(numbers, default=0) + 1:03d}"


def item_yaml(item: SoftItem) -> str:
    """One item as a YAML list entry, fields in the documented order, optional ones if set."""
    import yaml

    data = {k: v for k, v in item.model_dump(mode="json").items() if v is not None}
    if data.get("status") == "open":
        del data["status"]  # the default; closing an item adds it
    text: str = yaml.safe_dump([data], sort_keys=False, allow_unicode=True, width=88)
    return text


def scan_workspace(folder: str | Path) -> list[Problem]:
    """Every possible identifier in every text file of a workspace, as file:line:col problems.

    The message names the kind of identifier, never the identifier itself.
    """
    root = Path(folder)
    found: list[Problem] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in (
            ".csv",
            ".yaml",
            ".yml",
            ".txt",
            ".md",
        ):
            continue
        name = str(path.relative_to(root))
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except UnicodeDecodeError:
            found.append(Problem(name, 1, None, "not UTF-8 text: not scanned"))
            continue
        for number, line in enumerate(lines, start=1):
            for f in privacy.scan(line):
                certainty = "" if f.certain else " (checksum-valid, no context word)"
                found.append(
                    Problem(
                        name,
                        number,
                        f.start + 1,
                        f"{privacy.describe(f.kind)} [{f.kind}]{certainty}",
                    )
                )
    return found
