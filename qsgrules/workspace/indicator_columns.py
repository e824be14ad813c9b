"""indicators.csv as columns: PyArrow's CSV reader where row numbers are lines, Python's
csv module (which knows every row's line) where they may not be.

The columnar read is trusted only when every row is one line: no quote character that could
hide a line break (or, with quotes, as many rows as lines), every row the header's width
(Arrow refuses a short or long row), every byte UTF-8 (Arrow refuses the rest). Otherwise
the exact reader reads the file and gives the same columns with each row's line.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from ..errors import Problem
from ..files import decode
from .csvtext import empty_file, read_rows

FILE = "indicators.csv"
COLUMNS = ("provider", "indicator", "period", "value")

# numbers both Python's float() and Arrow's cast read alike; anything else is read by float()
_PLAIN_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
# labels repeat: read them dictionary-encoded, checked once per distinct value
LABELS = ("provider", "indicator", "period")
LABEL = pa.dictionary(pa.int32(), pa.string())

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


@dataclass
class Table:
    """The file's columns (labels dictionary-encoded, empty cells null) and each row's line."""

    header: list[str]
    columns: dict[str, pa.ChunkedArray]
    lines: Ints


def fast_table(data: bytes) -> Table | None:
    """The columnar read, or None when its row numbers cannot be trusted to be lines."""
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    end = len(data)
    while end > start and data[end - 1] in b"\r\n":
        end -= 1  # trailing blank lines hold no rows and move no line numbers
    if end == start or (b"\n" not in data[start : start + 65536] and b"\r" in data[start:end]):
        return None  # empty, or lines ended by carriage returns alone: the exact path knows
    # without a quote character no field can hold a line break: every row is one line
    quoted = data.find(b'"', start, end) >= 0
    lines = data.count(b"\n", start, end) + 1 if quoted else -1
    body = memoryview(data)[start:end]
    # every column read as text: the checks decide what is a number
    head_end = data.find(b"\n", start, end)
    try:
        first = data[start : end if head_end < 0 else head_end].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return None
    names = next(csv.reader([first]), [])
    if not names or len(set(names)) != len(names):
        return None
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(pa.py_buffer(body)),
            parse_options=pa_csv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={n: LABEL if n.strip() in LABELS else pa.string() for n in names},
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
            read_options=pa_csv.ReadOptions(use_threads=True),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    header = [h.strip() for h in table.column_names]
    if (
        table.column_names != names
        or len(set(header)) != len(header)
        or (quoted and table.num_rows != lines - 1)
    ):
        return None
    table = table.unify_dictionaries()
    columns = {h: table.column(i) for i, h in enumerate(header)}
    return Table(header, columns, np.arange(2, table.num_rows + 2, dtype=np.int64))


def exact_table(data: bytes, problems: list[Problem]) -> Table | None:
    """Python's csv module: exact lines for every row, the width of each row checked."""
    text = decode(data, FILE)
    if isinstance(text, Problem):
        problems.append(text)
        return None
    if text == "":
        problems.append(empty_file(FILE, COLUMNS))
        return None
    rows = read_rows(text, FILE, COLUMNS, problems)
    if not rows.ok:
        if rows.header:
            return Table(rows.header, {}, np.zeros(0, dtype=np.int64))
        return None
    # keep the last of two columns of one name, as a dict of the row would
    index = {h: i for i, h in enumerate(rows.header)}
    columns = {
        h: pa.chunked_array([pa.array([cells[i] or None for _, cells in rows.rows], pa.string())])
        for h, i in index.items()
    }
    lines = np.array([line for line, _ in rows.rows], dtype=np.int64)
    return Table(list(index), columns, lines)


def rows_of(mask: Bools) -> Ints:
    out: Ints = np.flatnonzero(mask).astype(np.int64, copy=False)
    return out


def numbers(col: pa.ChunkedArray) -> tuple[Floats, Bools]:
    """(the column's numbers, NaN where empty or not a number; which cells are empty).

    Numbers are what Python's ``float()`` reads and finite; Arrow casts the plain ones in
    one pass, ``float()`` reads the rest, once per distinct text."""
    try:  # the usual case: every cell a plain number or empty
        out: Floats = pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False)
        if not out.flags.writeable:
            out = out.copy()
        empty: Bools = col.is_null().to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        text = pc.utf8_trim_whitespace(col.fill_null(""))
        empty_array = pc.equal(pc.utf8_length(text), 0)
        plain = pc.match_substring_regex(text, _PLAIN_NUMBER)
        values = pc.cast(pc.if_else(plain, text, "nan"), pa.float64())
        out = values.to_numpy(zero_copy_only=False).astype(np.float64, copy=True)
        other = pc.and_(pc.invert(plain), pc.invert(empty_array))
        other_np = other.to_numpy(zero_copy_only=False)
        if other_np.any():
            rows = rows_of(other_np)
            texts = [v or "" for v in text.take(pa.array(rows)).to_pylist()]
            parsed = {t: _python_number(t) for t in set(texts)}
            out[rows] = [parsed[t] for t in texts]
        empty = empty_array.to_numpy(zero_copy_only=False)
    out[~np.isfinite(out)] = np.nan
    return out, empty


def is_blank(column: pa.ChunkedArray) -> Bools:
    nulls: Bools = column.is_null().to_numpy(zero_copy_only=False)
    if nulls.all() or not nulls.any():
        return nulls
    text = pc.utf8_trim_whitespace(column.fill_null(""))
    out: Bools = pc.equal(pc.utf8_length(text), 0).to_numpy(zero_copy_only=False)
    return out


def compact(codes: Ints, size: int) -> tuple[Ints, Ints]:
    """(the codes in use, each row's code renumbered among them), order kept, in O(n)."""
    used = np.bincount(codes, minlength=size) > 0 if codes.size else np.zeros(size, bool)
    if used.all():
        return np.arange(size, dtype=np.int64), codes.astype(np.int64, copy=False)
    renumber = np.cumsum(used) - 1
    return np.flatnonzero(used).astype(np.int64), renumber[codes].astype(np.int64, copy=False)


def _python_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan
