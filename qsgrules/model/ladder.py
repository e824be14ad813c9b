"""Ladders: the levels a QSG uses, in order, as its ruleset declares them (``levels:``).

The 2013 guidance's ladder (``vocabulary.Level``) is the default. A level is carried
everywhere as a ``Rung``: its id (the wire format, a plain string in JSON) that also knows
its place on its ladder, its label and whether it is an escalation. Rungs of one ladder are
ordered; rungs of different ladders cannot be compared.

A level read from JSON (a triage, a register record) becomes a rung of the ladder given in
the validation context (``{"ladder": ...}``), else of the default ladder when it is one of
its names, else an *unplaced* rung (a name that no known ladder places: it shows as its
name and refuses to be ordered rather than be ordered wrongly).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import Annotated, Any, Union

from pydantic import Field, GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from . import Model
from .vocabulary import Level

#: What a level's id looks like (the wire format): a lower-case word with underscores.
LEVEL_ID = r"^[a-z][a-z0-9_]*$"
_LEVEL_ID = re.compile(LEVEL_ID)


class Rung(str):
    """A level's id that knows its ladder: ordered by place, shown by label."""

    rank: int  # the place on its ladder, 0 the lowest; -1 for a name on no known ladder
    label: str
    meaning: str
    colour: str
    escalation: bool
    ladder_ids: tuple[str, ...]

    def __new__(
        cls,
        id: str,
        rank: int = -1,
        label: str = "",
        *,
        meaning: str = "",
        colour: str = "",
        escalation: bool = False,
        ladder_ids: tuple[str, ...] = (),
    ) -> Rung:
        self = super().__new__(cls, id)
        self.rank = rank
        self.label = label or id.replace("_", " ")
        self.meaning = meaning
        self.colour = colour
        self.escalation = escalation
        self.ladder_ids = ladder_ids
        return self

    @property
    def value(self) -> str:
        """The wire name (as ``Level.value``)."""
        return str.__str__(self)

    @property
    def placed(self) -> bool:
        return self.rank >= 0

    @property
    def lowest(self) -> bool:
        """The ladder's bottom rung (no concerns): what a provider has when nothing fires."""
        return self.rank == 0

    @property
    def top(self) -> bool:
        return self.placed and self.rank == len(self.ladder_ids) - 1

    def __str__(self) -> str:
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"Rung({str.__str__(self)!r}, {self.rank})"

    def __hash__(self) -> int:
        return str.__hash__(self)

    def __eq__(self, other: object) -> bool:
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return str.__ne__(self, other)

    def _ranks(self, other: object) -> tuple[int, int]:
        if not self.placed:
            raise TypeError(f"level {self.value!r} is on no known ladder: it cannot be ordered")
        if isinstance(other, Rung):
            if other.ladder_ids != self.ladder_ids or not other.placed:
                raise TypeError(f"cannot order {self.value!r} against {other.value!r}")
            return self.rank, other.rank
        if isinstance(other, Level) and self.ladder_ids == DEFAULT_IDS:
            return self.rank, other.rank
        raise TypeError(f"cannot order a level against {type(other).__name__}")

    def __lt__(self, other: object) -> bool:
        mine, theirs = self._ranks(other)
        return mine < theirs

    def __le__(self, other: object) -> bool:
        mine, theirs = self._ranks(other)
        return mine <= theirs

    def __gt__(self, other: object) -> bool:
        mine, theirs = self._ranks(other)
        return mine > theirs

    def __ge__(self, other: object) -> bool:
        mine, theirs = self._ranks(other)
        return mine >= theirs

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild,
            (
                self.value,
                self.rank,
                self.label,
                self.meaning,
                self.colour,
                self.escalation,
                self.ladder_ids,
            ),
        )


def _rebuild(
    id: str,
    rank: int,
    label: str,
    meaning: str,
    colour: str,
    escalation: bool,
    ladder_ids: tuple[str, ...],
) -> Rung:
    return Rung(
        id,
        rank,
        label,
        meaning=meaning,
        colour=colour,
        escalation=escalation,
        ladder_ids=ladder_ids,
    )


#: A level: a rung of a declared ladder, or a member of the default ladder (``Level``).
AnyRung = Union[Rung, Level]  # noqa: UP007 - a runtime alias


def _validate_rung(value: Any, info: ValidationInfo) -> AnyRung:
    context = info.context if isinstance(info.context, dict) else {}
    given = context.get("ladder")
    ladder = given if isinstance(given, Ladder) else DEFAULT_LADDER
    if isinstance(value, Rung | Level) and value.placed:
        # a rung keeps its ladder, unless the context names another (then: by name)
        if not isinstance(given, Ladder) or value.ladder_ids == ladder.ids:
            return value
    if not isinstance(value, str):
        raise ValueError("a level is a string")
    name = str.__str__(value)
    if not _LEVEL_ID.fullmatch(name):
        raise ValueError(
            f"{name!r} is not a level name (a lower-case word with underscores, such as "
            "regular_review)"
        )
    return ladder.place(name)


class RungSpec(Model):
    """One level a ruleset declares (``levels:``), lowest first."""

    id: str = Field(pattern=LEVEL_ID, max_length=60)
    label: str = Field(min_length=1, max_length=80)
    meaning: str = ""
    colour: str = Field(default="", pattern=r"^(#[0-9a-fA-F]{6})?$")
    # an escalation: the provider is considered at every meeting while it stands there
    escalation: bool = False


class Ladder:
    """The levels in order, lowest (no concerns) first. The default ladder's rungs are the
    members of ``Level`` themselves, so that everything written for it works unchanged."""

    def __init__(self, specs: Iterable[RungSpec], *, default: bool = False) -> None:
        self.specs = tuple(specs)
        ids = tuple(s.id for s in self.specs)
        self.ids = ids
        self.default = default
        self.rungs: tuple[AnyRung, ...] = (
            tuple(Level)
            if default
            else tuple(
                Rung(
                    s.id,
                    i,
                    s.label,
                    meaning=s.meaning,
                    colour=s.colour,
                    escalation=s.escalation,
                    ladder_ids=ids,
                )
                for i, s in enumerate(self.specs)
            )
        )
        self._by_id: dict[str, AnyRung] = {r.value: r for r in self.rungs}

    def __iter__(self) -> Iterator[AnyRung]:
        return iter(self.rungs)

    def __len__(self) -> int:
        return len(self.rungs)

    def __contains__(self, name: object) -> bool:
        return name in self._by_id

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ladder) and other.specs == self.specs

    def __hash__(self) -> int:
        return hash(self.specs)

    def __repr__(self) -> str:
        return f"Ladder({', '.join(self.ids)})"

    @property
    def lowest(self) -> AnyRung:
        return self.rungs[0]

    @property
    def top(self) -> AnyRung:
        return self.rungs[-1]

    def rung(self, name: str) -> AnyRung:
        """The rung called ``name``; KeyError when the ladder has none."""
        return self._by_id[str.__str__(name)]

    def place(self, name: str) -> AnyRung:
        """The rung called ``name``, or an unplaced rung when the ladder has none."""
        found = self._by_id.get(str.__str__(name))
        return found if found is not None else Rung(str.__str__(name))

    def highest(self, rungs: Iterable[AnyRung]) -> AnyRung:
        return max(rungs, default=self.lowest, key=lambda r: r.rank)

    def names(self) -> list[str]:
        return list(self.ids)

    def high_first(self) -> tuple[AnyRung, ...]:
        return tuple(reversed(self.rungs))


def _default_specs() -> tuple[RungSpec, ...]:
    # the 2013 guidance: regular review and a risk summit keep the provider on every
    # meeting's agenda; further information is asked for, not an escalation
    every_meeting = {Level.REGULAR_REVIEW, Level.RISK_SUMMIT}
    return tuple(
        RungSpec(id=lv.value, label=lv.label, escalation=lv in every_meeting) for lv in Level
    )


DEFAULT_IDS: tuple[str, ...] = tuple(lv.value for lv in Level)


@functools.cache
def _default() -> Ladder:
    return Ladder(_default_specs(), default=True)


DEFAULT_LADDER = _default()


class _AsLevel:
    """How pydantic reads and writes a level: a rung of the validation context's ladder
    (else of the default), written as its plain name."""

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.with_info_plain_validator_function(
            _validate_rung,
            serialization=core_schema.plain_serializer_function_ser_schema(
                str.__str__, return_schema=core_schema.str_schema()
            ),
        )

    # A JSON schema given here rather than as the validator's json_schema_input_schema,
    # which pydantic-core only has from 2.27: the declared floor is 2.16.
    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": LEVEL_ID}


#: A level in any model: a rung of the context's ladder (or of the default).
LevelName = Annotated[AnyRung, _AsLevel()]


def ladder_of(result: Any) -> Ladder:
    """The ladder of a triage (its ``ladder``, the rungs it declares; else the default)."""
    specs = getattr(result, "ladder", None)
    return DEFAULT_LADDER if not specs else ladder_of_specs(tuple(specs))


@functools.lru_cache(maxsize=32)
def ladder_of_specs(specs: tuple[RungSpec, ...]) -> Ladder:
    """The ladder of these rungs (one object per distinct ladder)."""
    return Ladder(specs)


def on_ladder(ladder: Ladder, name: str) -> AnyRung:
    """The rung called ``name``; ValueError saying so when ``ladder`` has none (a record's
    level that its meeting's ladder does not know)."""
    found = ladder.place(name)
    if not found.placed:
        where = "" if ladder.default else f" on the ladder {', '.join(ladder.ids)}"
        raise ValueError(f"{str.__str__(name)!r} is not a valid Level{where}")
    return found


def rung_of(level: str, ladder: Ladder | None = None) -> AnyRung:
    """A level as a rung of ``ladder`` (default: the 2013 ladder)."""
    return (ladder or DEFAULT_LADDER).place(str.__str__(level))


__all__ = [
    "DEFAULT_LADDER",
    "LEVEL_ID",
    "AnyRung",
    "Ladder",
    "LevelName",
    "Rung",
    "RungSpec",
    "ladder_of",
    "ladder_of_specs",
    "on_ladder",
    "rung_of",
]
