"""The register's record kinds: one typed body model per kind, written by the command that
records it and read back by the fold, which asks each body what it changes (``apply``).

A kind is one ``Body`` subclass with its ``kind`` name and its ``apply``; it registers
itself when its module is imported, and every module of this package is imported here, so
a new kind is its model (in a module of this package) plus the command that writes it.

A body is stored as canonical JSON in its record, so a field added to a model later must
be optional: registers written before it still read. A body with a field this version does
not know (written by a newer one) is refused naming the record, never half read.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from pydantic import ValidationError

from ...model import Model

if TYPE_CHECKING:
    from ..state import State
    from ..store import NewRecord, Record

__all__ = ["KINDS", "Body", "dump", "load", "read", "why"]


class Body(Model):
    """What a record of one kind says. Subclasses name their ``kind`` and say how a record
    of it changes the register's current view (``apply``)."""

    #: the record kind, as stored in the ``kind`` column
    kind: ClassVar[str]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        name = cls.__dict__.get("kind")
        if name is None:
            return  # an abstract base of other bodies
        if name in KINDS:
            raise TypeError(f"record kind {name!r} is defined twice: {KINDS[name]} and {cls}")
        KINDS[name] = cls

    def apply(self, state: State, r: Record) -> None:
        """Change ``state`` as record ``r`` (whose body this is) says."""
        raise NotImplementedError(f"record kind {self.kind!r} says nothing of what it changes")

    @classmethod
    def of(cls, r: Record) -> Self:
        """The body of record ``r``, which must be of this kind."""
        if r.kind != cls.kind:
            raise ValueError(f"{r.label()} is not a {cls.kind} record")
        return cls.model_validate(r.body, strict=False)

    def record(
        self,
        *,
        meeting: str | None = None,
        provider: str | None = None,
        subject: str | None = None,
        corrects: int | None = None,
    ) -> NewRecord:
        """A record of this body, to append."""
        from ..store import NewRecord

        return NewRecord(self.kind, dump(self), meeting, provider, subject, corrects)


#: Every record kind this version knows, by name.
KINDS: dict[str, type[Body]] = {}

B = TypeVar("B", bound=Model)


def dump(body: Model) -> dict[str, Any]:
    """The body as the plain JSON data a record stores: the fields given (an optional field
    left out is not written, as before it existed; an amendment's changes are only those
    given), under their stored names."""
    return body.model_dump(mode="json", by_alias=True, exclude_unset=True)


def load(kind: type[B], data: dict[str, Any]) -> B:
    """A stored body read back as its type (JSON data: dates as text, levels as words)."""
    return kind.model_validate(data, strict=False)


def read(r: Record) -> Body:
    """The typed body of record ``r``: KeyError for a kind this version does not know,
    pydantic's ValidationError for a body it cannot read."""
    return load(KINDS[r.kind], r.body)


def why(exc: ValidationError) -> str:
    """What is wrong with a body, in the words the register's messages use: ``field 'x'``
    for a field missing, ``'extreme' is not a valid Level`` for a value it does not know."""
    first = exc.errors()[0]
    where = ".".join(str(x) for x in first["loc"])
    kind = first["type"]
    if kind == "missing":
        return f"field {where!r}"
    if kind == "extra_forbidden":
        return f"field {where!r} is not one this version knows"
    if kind == "level":  # a level its meeting's ladder does not know (model.ladder)
        return str(first["msg"])
    if kind == "enum":
        expected = first.get("ctx", {}).get("expected", "")
        return f"{first['input']!r} is not a valid {_enum_name(expected)}"
    return f"{where}: {first['msg']}"


def _enum_name(expected: str) -> str:
    from ...model.vocabulary import Level

    return "Level" if all(f"'{lv.value}'" in expected for lv in Level) else "value"


def _import_every_kind() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


_import_every_kind()
