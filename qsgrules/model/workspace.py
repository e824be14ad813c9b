"""The input types of a workspace: providers, member organisations, soft-intelligence items,
and the loaded workspace that holds them with its observations and warnings."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field, field_validator, model_validator

from ..errors import Problem
from . import Model
from .observations import Observations
from .vocabulary import Domain, Handling, ItemStatus, ProviderType, Severity

GRADING = re.compile(r"^[A-E][1-5]$")


class Provider(Model):
    """One row of providers.csv."""

    code: str = Field(min_length=1)
    name: str
    type: ProviderType
    qsg: str
    commissioners: tuple[str, ...] = ()
    extra: dict[str, str] = Field(default_factory=dict)


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
    # the kind of concern, from the ruleset's vocabulary (soft.categories): never_event, ...
    category: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    # the meeting at which a member shared it aloud (recorded from the live page)
    shared_at: str | None = None
    # who logged it (`qsg intel add --by`, default the OS user): every record has an author
    recorded_by: str | None = None

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
    """A member organisation of the QSG: the sources soft intelligence may come from.

    ``parent`` names the organisation it is part of (HEE London is part of HEE): items from
    a member and its parent are not independent of each other. ``aliases`` are other names
    an item's source may use for it (matched, like the name, regardless of case).
    """

    name: str
    kind: str
    title: str
    parent: str | None = None
    aliases: tuple[str, ...] = ()
    # the day it stopped being a member (`qsg member retire`): its past items still count,
    # none received after it, and meetings after it do not list it
    retired: dt.date | None = None


@dataclass(frozen=True, repr=False)
class Workspace:
    """A loaded workspace: everything in it was valid when loaded.

    ``warnings`` are problems of severity ``warning``: legal but suspicious input, said
    once at load (the CLI prints them on stderr). ``without_data`` holds the providers with
    no indicator row and no soft item at all: "no concerns" for them means "nothing known".
    """

    root: str
    providers: dict[str, Provider]
    observations: Observations
    intelligence: tuple[SoftItem, ...]
    members: dict[str, Member] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()
    without_data: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        """What the workspace holds, compactly: providers, members, every indicator
        row (a line per series) and every soft item (a line each)."""
        lines = [
            f"root={self.root!r}",
            "providers: "
            + (", ".join(f"{p.code} ({p.type})" for p in self.providers.values()) or "none"),
            "members: " + (", ".join(self.members) or "none"),
            "indicators: " + "\n    ".join(self.observations.lines()),
            f"intelligence: {len(self.intelligence)} item(s)"
            + "".join(f"\n    {_item_line(i)}" for i in self.intelligence),
        ]
        return "Workspace(\n  " + "\n  ".join(lines) + "\n)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Hypothesis' (and IPython's) pretty printer: the repr above, not field by field
        for k, line in enumerate(repr(self).split("\n")):
            if k:
                printer.break_()
            printer.text(line)


def _item_line(item: SoftItem) -> str:
    extra = [
        f"{key} {value}"
        for key, value in (
            ("category", item.category),
            ("status", item.status if item.status != ItemStatus.OPEN else None),
            ("closed_on", item.closed_on),
            ("expires", item.expires),
            ("duplicate_of", item.duplicate_of),
            ("corroborates", item.corroborates),
            ("handling", item.handling if item.handling != Handling.OPEN else None),
        )
        if value is not None
    ]
    return (
        f"{item.id} {item.provider} from {item.source} received {item.received}: "
        f"{item.domain} {item.severity} {item.grading}"
        + (f" ({', '.join(extra)})" if extra else "")
    )
