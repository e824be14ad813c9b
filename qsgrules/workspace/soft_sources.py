"""Reading soft-intelligence items from intelligence.yaml and intelligence.csv, as raw
field mappings that remember where each came from (validation is soft_checks.py's job)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..codes import Code
from ..errors import Problem, did_you_mean
from ..model.workspace import SoftItem
from ..yamlpos import Positions
from ..yamlpos import load as load_yaml
from .csvtext import read_rows

OPTIONS = "<options>"  # the "file" of an item given as arguments
FIELDS = frozenset(SoftItem.model_fields)
CODE_SHAPE = Code.INTAKE_SHAPE
CODE_COLUMN = Code.INTAKE_COLUMN


@dataclass(frozen=True)
class RawItem:
    """One item as read, before validation, with where it came from."""

    data: dict[str, Any]
    file: str
    line: int
    positions: Positions | None  # YAML: field positions; CSV and arguments: None
    path: tuple[str | int, ...]

    def problem(self, field: str | None, message: str, code: str = "QSG000") -> Problem:
        if self.positions is not None:
            p = self.positions.problem((*self.path, field) if field else self.path, message)
            return Problem(p.file, p.line, p.col, p.message, code=code)
        if self.file == OPTIONS:  # given as arguments: name the argument, not a file
            return Problem.for_argument(field or "provider", message, code=code)
        return Problem(self.file, self.line, None, message, code=code)


def yaml_items(text: str, name: str, problems: list[Problem]) -> list[RawItem]:
    """Items of an intelligence YAML file: a list, or a mapping with only ``items``."""
    data, positions, found = load_yaml(text, name)
    problems.extend(found)
    if data is None:
        return []
    prefix: tuple[str | int, ...] = ()
    if isinstance(data, dict) and list(data) == ["items"]:
        data, prefix = data["items"], ("items",)
    if not isinstance(data, list):
        problems.append(
            Problem(
                name,
                1,
                1,
                f"{name} is a list of items (each starting with `- id:`)",
                code=CODE_SHAPE,
            )
        )
        return []
    out = []
    for i, raw in enumerate(data):
        where: tuple[str | int, ...] = (*prefix, i)
        if not isinstance(raw, dict):
            p = positions.problem(where, "each item is a mapping of fields")
            problems.append(Problem(p.file, p.line, p.col, p.message, code=CODE_SHAPE))
            continue
        out.append(RawItem(raw, name, positions.at(where)[0], positions, where))
    return out


def csv_items(text: str, name: str, problems: list[Problem]) -> list[RawItem]:
    """Items of an intelligence CSV file: one per row, empty cells left out."""
    if not text.strip():
        return []  # an empty file holds no items (the loader warns)
    table = read_rows(text, name, (), problems)
    for f in sorted(set(table.header) - FIELDS):
        problems.append(
            Problem(
                name,
                1,
                None,
                f"unknown column {f!r}{did_you_mean(f, FIELDS)}",
                code=CODE_COLUMN,
            )
        )
    out = []
    columns = [(i, h) for i, h in enumerate(table.header) if h in FIELDS]
    for line, cells in table.rows:
        data = {h: cells[i] for i, h in columns if cells[i]}
        if data:
            out.append(RawItem(data, name, line, None, ()))
    return out
