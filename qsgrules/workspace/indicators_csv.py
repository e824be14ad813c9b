"""indicators.csv, read column-wise (indicator_columns.py) and validated with vectorised checks.

PyArrow's CSV reader turns the file into string columns; labels are checked once per
distinct value (a national file has millions of rows but thousands of providers, a few
dozen indicators and months) and numbers with array operations. Every bad row is
still reported at its own line: line = row index + 2, which holds when every row is one
line. When it may not (a quoted field holding a line break, a row of the wrong width, bytes
that are not UTF-8), the file is read again by Python's csv module, which knows each
row's line, and the same checks run on its columns.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ..codes import Code
from ..errors import Problem, cut, did_you_mean
from ..files import read_bytes
from ..indicators import BY_ID, DataKind
from ..model.months import month_number, month_text
from ..model.observations import Labels, Observations
from ..model.workspace import Provider
from .csvtext import check_header
from .indicator_columns import (
    COLUMNS,
    FILE,
    LABELS,
    Bools,
    Floats,
    Ints,
    Table,
    compact,
    exact_table,
    fast_table,
    is_blank,
    numbers,
    rows_of,
)

COUNTS = ("numerator", "denominator")
_MAX_SUGGESTIONS = 200  # "did you mean" looks through every provider: not for every typo

CODE_COUNT_COLUMNS = Code.ROW_COUNT_COLUMNS
CODE_PROVIDER = Code.ROW_PROVIDER
CODE_INDICATOR = Code.ROW_INDICATOR
CODE_PERIOD = Code.ROW_PERIOD
CODE_COUNTS = Code.ROW_COUNTS
CODE_VALUE = Code.ROW_VALUE
CODE_DUPLICATE = Code.ROW_DUPLICATE
CODE_RANGE = Code.ROW_RANGE
CODE_FUTURE = Code.ROW_FUTURE
CODE_NO_ROWS = Code.ROW_NONE


def load_indicators(
    path: Path,
    providers: Mapping[str, Provider],
    this_month: int,
    problems: list[Problem],
    refused: frozenset[str] = frozenset(),
) -> Observations:
    """Observations of a valid file; otherwise every problem is added to ``problems``
    (the caller raises: nothing half-loaded is ever used). Rows of a provider whose row in
    providers.csv was refused (``refused``) are not used, but only that row is reported."""
    data = read_bytes(path, FILE, "csv")
    if isinstance(data, Problem):
        problems.append(data)
        return Observations.empty()
    table = fast_table(data)
    if table is None:
        table = exact_table(data, problems)
    del data  # the file's bytes are not needed once it is columns (national files: 350 MB)
    if table is None:
        return Observations.empty()
    if not check_header(table.header, COLUMNS, FILE, problems):
        return Observations.empty()
    has_counts = all(c in table.header for c in COUNTS)
    if any(c in table.header for c in COUNTS) and not has_counts:
        problems.append(
            Problem(
                FILE,
                1,
                None,
                "give both numerator and denominator columns, or neither",
                code=CODE_COUNT_COLUMNS,
            )
        )
    return _Checks(table, providers, this_month, has_counts, problems, refused).run()


class _Checks:
    """The checks of the established per-row rules, as array operations."""

    def __init__(
        self,
        table: Table,
        providers: Mapping[str, Provider],
        this_month: int,
        has_counts: bool,
        problems: list[Problem],
        refused: frozenset[str] = frozenset(),
    ) -> None:
        self.table = table
        self.providers = providers
        self.refused = refused
        self.this_month = this_month
        self.has_counts = has_counts
        self.problems = problems
        self._distinct_cache: dict[str, tuple[list[str], Ints]] = {}

    def _text(self, column: str, rows: Ints) -> list[str]:
        """The stripped text of ``column`` in ``rows`` (only ever for rows with a problem)."""
        values = self.table.columns[column].take(pa.array(rows)).to_pylist()
        return [cut((v or "").strip()) for v in values]  # a 1 MB cell is not said whole

    def _blankrows_of(self) -> Bools:
        """Rows whose every cell is empty or spaces: not rows at all."""
        blank = np.ones(len(self.table.lines), dtype=np.bool_)
        for name, column in self.table.columns.items():
            if name in LABELS:
                distinct, index = self._distinct(name)
                empty_values = np.array([v == "" for v in distinct] + [True])
                blank &= empty_values[index]
            else:
                blank &= is_blank(column)
            if not blank.any():
                break
        return blank

    def _report(self, rows: Ints, messages: list[str], code: str) -> None:
        lines = self.table.lines[rows].tolist()
        self.problems.extend(
            Problem(FILE, line, None, message, code=code)
            for line, message in zip(lines, messages, strict=True)
        )

    def run(self) -> Observations:
        cols = self.table.columns
        if not cols or len(self.table.lines) == 0:
            return Observations.empty()
        n = len(self.table.lines)
        blank = self._blankrows_of()
        if blank.any():
            keep = ~blank
            mask = pa.array(keep)
            self.table = Table(
                self.table.header,
                {h: c.filter(mask) for h, c in cols.items()},
                self.table.lines[keep],
            )
            self._distinct_cache.clear()
            n = len(self.table.lines)
        if n == 0:
            return Observations.empty()
        bad = np.zeros(n, dtype=np.bool_)

        p_names, p_code = self._providers(bad)
        i_names, i_code, scale, low, high = self._indicators(bad)
        period = self._periods(bad)
        num, den = self._counts(bad, i_code, i_names)
        value = self._values(bad, i_code, scale, num, den)
        keep = ~bad & ~np.isnan(value)
        self._ranges(keep, i_code, i_names, low, high, value)
        self._duplicates(keep, p_code, i_code, period, p_names, i_names)
        rows = rows_of(keep) if not keep.all() else np.arange(n, dtype=np.int64)
        if rows.size > 1 and np.any(p_code[rows][1:] < p_code[rows][:-1]):
            # each provider's rows together (in file order): a share of a split triage is
            # then a slice of the columns, never a copy (qsgrules.engine.shares)
            rows = rows[np.argsort(p_code[rows], kind="stable")]
        p_used, p_new = compact(p_code[rows], len(p_names))
        i_used, i_new = compact(i_code[rows], len(i_names))
        return Observations(
            Labels(p_names[p_used], p_new),
            Labels(i_names[i_used], i_new),
            period[rows],
            value[rows],
            num[rows],
            den[rows],
        )

    # -- labels: checked once per distinct value ------------------------------------------

    def _distinct(self, column: str) -> tuple[list[str], Ints]:
        """A label column's distinct values (stripped; "" for empty) and each row's index
        into them."""
        cached = self._distinct_cache.get(column)
        if cached is not None:
            return cached
        col = self.table.columns[column]
        if pa.types.is_dictionary(col.type):
            raw = col.chunk(0).dictionary.to_pylist() if col.num_chunks else []
            parts = [c.indices.fill_null(len(raw)) for c in col.chunks]
            index = (
                np.concatenate([p.to_numpy(zero_copy_only=False) for p in parts])
                if parts
                else np.zeros(0, dtype=np.int64)
            )
        else:
            raw = pc.unique(col.drop_null()).to_pylist()
            found = pc.index_in(col, value_set=pa.array(raw, pa.string()))
            index = found.fill_null(len(raw)).to_numpy(zero_copy_only=False)
        # two spellings that strip alike are one value; null (an empty cell) is ""
        stripped = [v.strip() for v in raw] + [""]
        distinct = list(dict.fromkeys(stripped))
        position = {v: i for i, v in enumerate(distinct)}
        remap = np.array([position[v] for v in stripped], dtype=np.int64)
        # the index (int32 from Arrow) selects from an int64 remap: int64 codes, one pass
        cached = (distinct, remap[index])
        self._distinct_cache[column] = cached
        return cached

    def _providers(self, bad: Bools) -> tuple[npt.NDArray[np.str_], Ints]:
        distinct, index = self._distinct("provider")
        valid = sorted(v for v in distinct if v in self.providers)
        code_of = {v: i for i, v in enumerate(valid)}
        mapped = np.array([code_of.get(v, -1) for v in distinct], dtype=np.int64)
        codes = mapped[index]
        empty = [i for i, v in enumerate(distinct) if v == ""]
        if empty:
            rows = rows_of(index == empty[0])
            self._report(rows, ["provider is empty"] * len(rows), CODE_PROVIDER)
        # empty, or on a provider whose own row is refused (reported there): not "unknown"
        silent = [i for i, v in enumerate(distinct) if v == "" or v in self.refused]
        unknown_rows = rows_of((codes < 0) & ~np.isin(index, silent))
        if unknown_rows.size:
            self._unknown_providers(distinct, index, unknown_rows)
        bad |= codes < 0
        return np.array(valid, dtype=np.str_), codes

    def _unknown_providers(self, distinct: list[str], index: Ints, rows: Ints) -> None:
        which = index[rows]
        order = np.argsort(which, kind="stable")
        groups = np.split(rows[order], np.flatnonzero(np.diff(which[order])) + 1)
        suggestions = 0
        for group in groups:
            code = distinct[int(index[group[0]])]
            lines = self.table.lines[group].tolist()
            shown = ", ".join(str(n) for n in lines[:5]) + (", ..." if len(lines) > 5 else "")
            hint = ""
            if suggestions < _MAX_SUGGESTIONS:
                hint = did_you_mean(code, self.providers)
                suggestions += 1
            self.problems.append(
                Problem(
                    FILE,
                    lines[0],
                    None,
                    f"unknown provider code {code!r}{hint} on "
                    f"{len(lines)} row(s) (lines {shown}); add it to providers.csv",
                    code=CODE_PROVIDER,
                )
            )

    def _indicators(self, bad: Bools) -> tuple[npt.NDArray[np.str_], Ints, Floats, Floats, Floats]:
        distinct, index = self._distinct("indicator")
        valid = sorted(v for v in distinct if v in BY_ID)
        code_of = {v: i for i, v in enumerate(valid)}
        codes = np.array([code_of.get(v, -1) for v in distinct], dtype=np.int64)[index]
        for k, v in enumerate(distinct):
            if v in BY_ID:
                continue
            rows = rows_of(index == k)
            message = f"unknown indicator {v!r}{did_you_mean(v, BY_ID)}; see `qsg indicators`"
            self._report(rows, [message] * len(rows), CODE_INDICATOR)
        bad |= codes < 0
        inf = math.inf
        scale = np.array([BY_ID[v].scale for v in valid] + [math.nan])
        low = np.array([-inf if BY_ID[v].low is None else BY_ID[v].low for v in valid] + [-inf])
        high = np.array([inf if BY_ID[v].high is None else BY_ID[v].high for v in valid] + [inf])
        return np.array(valid, dtype=np.str_), codes, scale, low, high

    def _periods(self, bad: Bools) -> Ints:
        distinct, index = self._distinct("period")
        months = np.array([month_number(v) or -1 for v in distinct], dtype=np.int64)
        for k, v in enumerate(distinct):
            # rows are found only for a wrong period: one pass over the column each
            if months[k] < 0:
                message = f"bad period {v!r}; write YYYY-MM, e.g. 2018-03"
                code = CODE_PERIOD
            elif months[k] > self.this_month:
                message = (
                    f"period {v} is after this month ({month_text(self.this_month)}): "
                    "data cannot come from the future; correct the period"
                )
                code = CODE_FUTURE
                months[k] = -1
            else:
                continue
            rows = rows_of(index == k)
            self._report(rows, [message] * len(rows), code)
        period = months[index]
        bad |= period < 0
        return period

    # -- numbers --------------------------------------------------------------------------

    def _counts(
        self, bad: Bools, i_code: Ints, i_names: npt.NDArray[np.str_]
    ) -> tuple[Floats, Floats]:
        n = len(bad)
        nan = np.full(n, np.nan)
        if not self.has_counts:
            return nan, nan.copy()
        num, num_empty = numbers(self.table.columns["numerator"])
        den, den_empty = numbers(self.table.columns["denominator"])
        given = ~(num_empty & den_empty)
        num_bad = given & np.isnan(num)
        den_bad = given & ~num_bad & np.isnan(den)
        for which, rows in (("numerator", rows_of(num_bad)), ("denominator", rows_of(den_bad))):
            texts = self._text(which, rows)
            self._report(rows, [f"{which} {t!r} is not a number" for t in texts], CODE_COUNTS)
        ok = given & ~num_bad & ~den_bad
        zero = ok & (den <= 0)
        rows = rows_of(zero)
        texts = self._text("denominator", rows)
        self._report(rows, [f"denominator {t} must be above zero" for t in texts], CODE_COUNTS)
        negative = ok & ~zero & (num < 0)
        rows = rows_of(negative)
        texts = self._text("numerator", rows)
        self._report(rows, [f"numerator {t} cannot be negative" for t in texts], CODE_COUNTS)
        proportion = np.array(
            [BY_ID[str(v)].kind is DataKind.PROPORTION for v in i_names] + [False]
        )
        above = ok & ~zero & ~negative & proportion[i_code] & (num > den)
        rows = rows_of(above)
        nums, dens = self._text("numerator", rows), self._text("denominator", rows)
        self._report(
            rows,
            [
                f"numerator {a} is above denominator {b}: a proportion's part cannot exceed "
                "its whole; correct the counts"
                for a, b in zip(nums, dens, strict=True)
            ],
            CODE_COUNTS,
        )
        # counts of events and of people are whole numbers; an expected count (a ratio's
        # denominator), staff in whole-time equivalents and exposure may be fractional
        kind = np.array([BY_ID[str(v)].kind for v in i_names] + [None], dtype=object)[i_code]
        events = (kind == DataKind.PROPORTION) | (kind == DataKind.RATE)
        checked = ok & ~zero & ~negative & ~above
        frac_num = checked & events & (num != np.floor(num))
        frac_den = checked & ~frac_num & (kind == DataKind.PROPORTION) & (den != np.floor(den))
        for which, rows in (("numerator", rows_of(frac_num)), ("denominator", rows_of(frac_den))):
            texts = self._text(which, rows)
            self._report(
                rows,
                [
                    f"{which} {t} is not a whole number: it counts events or people; correct "
                    "the counts"
                    for t in texts
                ],
                CODE_COUNTS,
            )
        wrong = num_bad | den_bad | zero | negative | above | frac_num | frac_den
        bad |= wrong
        valid = ok & ~wrong
        num = np.where(valid, num, np.nan)
        den = np.where(valid, den, np.nan)
        return num, den

    def _values(self, bad: Bools, i_code: Ints, scale: Floats, num: Floats, den: Floats) -> Floats:
        value, empty = numbers(self.table.columns["value"])
        # a row already wrong with no value has nothing more to say
        silent = bad & empty
        computed = empty & ~np.isnan(den) & (i_code >= 0)
        from_counts = scale[i_code] * num / den
        value = np.where(computed, from_counts, value)
        unreadable = ~silent & ~computed & np.isnan(value)
        self._contradictions(bad, ~empty & ~np.isnan(value) & ~np.isnan(den), value, from_counts)
        rows = rows_of(unreadable)
        texts = self._text("value", rows)
        self._report(
            rows,
            [
                f"value {'empty' if t == '' else f'{t!r} is not a number'}; give a number "
                "(or leave it empty and give numerator and denominator)"
                for t in texts
            ],
            CODE_VALUE,
        )
        bad |= unreadable
        value[bad] = np.nan
        return value

    def _contradictions(self, bad: Bools, both: Bools, value: Floats, from_counts: Floats) -> None:
        """A value given beside its counts must be what the counts give, to the precision it
        is written in (half a unit of its last decimal place: 25.3 for 25.29, 25 for 25.4):
        otherwise the row is refused, since either could be the mistake."""
        rows = rows_of(both & ~bad)
        if rows.size == 0:
            return
        v, c = value[rows], from_counts[rows]
        slack = 1e-9 * np.maximum(1.0, np.abs(c))
        decimals = np.full(rows.size, 9)
        for places in range(8, -1, -1):  # the fewest decimal places that write the value
            exact = np.abs(np.round(v, places) - v) <= 1e-9 * np.maximum(1.0, np.abs(v))
            decimals = np.where(exact, places, decimals)
        off = np.abs(v - c) > 0.5 * 10.0 ** (-decimals.astype(float)) + slack
        wrong = rows[off]
        if wrong.size == 0:
            return
        texts = self._text("value", wrong)
        nums, dens = self._text("numerator", wrong), self._text("denominator", wrong)
        self._report(
            wrong,
            [
                f"value {t} contradicts numerator {n} over denominator {d}, which give "
                f"{_n(float(x))}; correct the value or the counts (or leave the value empty)"
                for t, n, d, x in zip(texts, nums, dens, from_counts[wrong], strict=True)
            ],
            CODE_VALUE,
        )
        bad[wrong] = True

    # -- what the values can be -----------------------------------------------------------

    def _ranges(
        self,
        keep: Bools,
        i_code: Ints,
        i_names: npt.NDArray[np.str_],
        low: Floats,
        high: Floats,
        value: Floats,
    ) -> None:
        outside = keep & ((value < low[i_code]) | (value > high[i_code]))
        counts = self.has_counts
        rows = rows_of(outside)
        if rows.size == 0:
            return
        texts = self._text("value", rows)
        nums = self._text("numerator", rows) if counts else [""] * len(rows)
        dens = self._text("denominator", rows) if counts else [""] * len(rows)
        messages = []
        for r, t, nu, de in zip(rows.tolist(), texts, nums, dens, strict=True):
            ind = BY_ID[str(i_names[i_code[r]])]
            lo, hi = ind.low, ind.high
            allowed = (
                f"from {_n(lo)} to {_n(hi)}"
                if lo is not None and hi is not None
                else f"at least {_n(lo)}"
                if lo is not None
                else f"at most {_n(hi)}"
            )
            if t == "":  # computed from the counts
                shown = f"numerator {nu} over denominator {de} gives {_n(float(value[r]))}"
            else:
                shown = f"value {t}"
            messages.append(
                f"{shown}: {ind.id} ({ind.unit}) can only be {allowed}; correct the row"
            )
        self._report(rows, messages, CODE_RANGE)
        keep &= ~outside

    def _duplicates(
        self,
        keep: Bools,
        p_code: Ints,
        i_code: Ints,
        period: Ints,
        p_names: npt.NDArray[np.str_],
        i_names: npt.NDArray[np.str_],
    ) -> None:
        rows = rows_of(keep)
        if rows.size < 2:
            return
        first_month = int(np.min(period[rows]))
        span = int(np.max(period[rows])) - first_month + 1
        key = (p_code[rows] * len(i_names) + i_code[rows]) * span + (period[rows] - first_month)
        size = len(p_names) * len(i_names) * span
        if size <= 8 * rows.size + 1_000_000 and int(np.max(np.bincount(key, minlength=size))) < 2:
            return  # no key twice: counted in O(n), no sort
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        dup = np.flatnonzero(first[inverse] != np.arange(rows.size))
        if dup.size == 0:
            return
        dup_rows = rows[dup]
        first_lines = self.table.lines[rows[first[inverse[dup]]]].tolist()
        messages = [
            f"duplicate row for {p_names[p_code[r]]} {i_names[i_code[r]]} "
            f"{month_text(int(period[r]))} (first at line {line})"
            for r, line in zip(dup_rows.tolist(), first_lines, strict=True)
        ]
        self._report(dup_rows, messages, CODE_DUPLICATE)
        keep[dup_rows] = False


def _n(v: float | None) -> str:
    return "" if v is None else f"{v:g}"


def without_rows_warning() -> Problem:
    return Problem(
        FILE,
        1,
        None,
        "no data rows: no hard finding can be made for any provider; add the indicator "
        "data (one row per provider, indicator and month)",
        code=CODE_NO_ROWS,
        severity="warning",
    )
