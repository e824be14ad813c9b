"""The exact CSV reader: Python's csv module over decoded text, every row with its line.

Used for the small files (providers, members, intelligence.csv) and as the exact path for
indicators.csv when the columnar reader cannot vouch for its line numbers.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from ..codes import Code
from ..errors import Problem

CODE_EMPTY = Code.CSV_EMPTY
CODE_COLUMNS = Code.CSV_COLUMNS
CODE_FIELDS = Code.CSV_FIELDS
CODE_MALFORMED = Code.CSV_MALFORMED


@dataclass
class CsvRows:
    """A CSV file's stripped header and rows, each row with its (last) line number."""

    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    ok: bool = False  # header present with every required column

    def as_dicts(self) -> list[tuple[int, dict[str, str]]]:
        return [(line, dict(zip(self.header, cells, strict=True))) for line, cells in self.rows]


def check_header(
    header: list[str], required: tuple[str, ...], name: str, problems: list[Problem]
) -> bool:
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        problems.append(
            Problem(
                name,
                1,
                None,
                f"column(s) {', '.join(repr(h) for h in twice)} appear more than once in the "
                "header; keep one of each",
                code=CODE_COLUMNS,
            )
        )
        return False
    missing = [c for c in required if c not in header]
    if missing:
        problems.append(
            Problem(
                name,
                1,
                None,
                f"missing column(s) {', '.join(missing)}; the header must "
                f"include {','.join(required)}",
                code=CODE_COLUMNS,
            )
        )
        return False
    return True


def empty_file(name: str, required: tuple[str, ...]) -> Problem:
    return Problem(
        name, 1, None, f"empty file; expected a header {','.join(required)}", code=CODE_EMPTY
    )


def read_rows(text: str, name: str, required: tuple[str, ...], problems: list[Problem]) -> CsvRows:
    """Rows of ``text`` with their lines; blank rows skipped; a row of the wrong width is a
    problem (and left out); cells and header names stripped of surrounding spaces."""
    out = CsvRows()
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        out.header = [h.strip() for h in next(reader)]
    except StopIteration:
        problems.append(empty_file(name, required))
        return out
    except csv.Error as exc:
        problems.append(Problem(name, 1, None, f"malformed CSV: {exc}", code=CODE_MALFORMED))
        return out
    if not check_header(out.header, required, name, problems):
        return out
    out.ok = True
    width = len(out.header)
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != width:
                problems.append(
                    Problem(
                        name,
                        line,
                        None,
                        f"{len(cells)} fields where the header has {width}",
                        code=CODE_FIELDS,
                    )
                )
                continue
            out.rows.append((line, [c.strip() for c in cells]))
    except csv.Error as exc:
        problems.append(
            Problem(name, reader.line_num, None, f"malformed CSV: {exc}", code=CODE_MALFORMED)
        )
    return out
