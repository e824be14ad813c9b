"""Indicator observations as columns: numpy arrays and one integer coding of the labels.

Provider and indicator labels are stored once each, sorted (``provider_names``,
``indicator_names``); every row carries integer codes into them. Sorting or grouping by
code is sorting by label, so the rest of the code compares integers, never strings, and
no per-row Python object exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
TextArray = npt.NDArray[np.str_]
BoolArray = npt.NDArray[np.bool_]


class Labels:
    """A column of labels held as codes into sorted names; indexing gives the names."""

    __slots__ = ("codes", "names")

    def __init__(self, names: TextArray, codes: IntArray) -> None:
        self.names = names
        self.codes = codes

    def __getitem__(self, rows: Any) -> TextArray:
        out: TextArray = self.names[self.codes[rows]]
        return out

    def __len__(self) -> int:
        return int(self.codes.shape[0])

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> TextArray:
        out: TextArray = self.names[self.codes]
        return out if dtype is None else out.astype(dtype)

    def tolist(self) -> list[str]:
        return [str(s) for s in self.names[self.codes]]


def _coded(labels: Sequence[str] | npt.ArrayLike) -> tuple[TextArray, IntArray]:
    names, codes = np.unique(np.asarray(labels, dtype=np.str_), return_inverse=True)
    return names.astype(np.str_), codes.reshape(-1).astype(np.int64)


class Observations:
    """indicators.csv as columns. Periods are month numbers: year × 12 + month − 1.

    ``numerator`` and ``denominator`` are NaN where the row has no counts. Instances are not
    changed after construction; ``select`` returns a new one sharing the label tables.
    """

    __slots__ = (
        "_by_provider",
        "_indicator_index",
        "denominator",
        "indicator",
        "numerator",
        "period",
        "provider",
        "value",
    )

    def __init__(
        self,
        provider: Labels,
        indicator: Labels,
        period: IntArray,
        value: FloatArray,
        numerator: FloatArray,
        denominator: FloatArray,
    ) -> None:
        n = len(provider)
        for name, column in (
            ("indicator", indicator),
            ("period", period),
            ("value", value),
            ("numerator", numerator),
            ("denominator", denominator),
        ):
            if len(column) != n:
                raise ValueError(f"column {name} has {len(column)} rows, provider has {n}")
        self.provider = provider
        self.indicator = indicator
        self.period = period
        self.value = value
        self.numerator = numerator
        self.denominator = denominator
        self._indicator_index = {str(name): i for i, name in enumerate(indicator.names)}
        self._by_provider: bool | None = None  # whether rows are in provider order: found once

    @classmethod
    def from_columns(
        cls,
        provider: Sequence[str] | npt.ArrayLike,
        indicator: Sequence[str] | npt.ArrayLike,
        period: npt.ArrayLike,
        value: npt.ArrayLike,
        numerator: npt.ArrayLike | None = None,
        denominator: npt.ArrayLike | None = None,
    ) -> Observations:
        """Observations from plain columns of labels and numbers (tests, generators)."""
        values = np.asarray(value, dtype=np.float64)
        nan = np.full(values.shape[0], np.nan)
        return cls(
            Labels(*_coded(provider)),
            Labels(*_coded(indicator)),
            np.asarray(period, dtype=np.int64),
            values,
            nan if numerator is None else np.asarray(numerator, dtype=np.float64),
            nan.copy() if denominator is None else np.asarray(denominator, dtype=np.float64),
        )

    @classmethod
    def empty(cls) -> Observations:
        return cls.from_columns([], [], [], [])

    @property
    def codes(self) -> tuple[IntArray, IntArray]:
        """Integer codes of provider and indicator per row (indices into the sorted names)."""
        return self.provider.codes, self.indicator.codes

    @property
    def provider_names(self) -> TextArray:
        return self.provider.names

    @property
    def indicator_names(self) -> TextArray:
        return self.indicator.names

    def __len__(self) -> int:
        return int(self.value.shape[0])

    def __repr__(self) -> str:
        """Every row, compactly: a line per provider and indicator, its months and values
        (``numerator/denominator`` where counts are given), so a failing example shows
        its data."""
        return "Observations(" + "".join(f"\n    {line}" for line in self.lines()) + ")"

    def lines(self) -> list[str]:
        """One line per provider and indicator: ``RAA ae_4hr_type1 2019-01..2019-03: 3 4.5 25``
        (a month without a row is ``-``; counts as ``numerator/denominator``)."""
        n = len(self)
        if n == 0:
            return ["no rows"]
        series: dict[tuple[str, str], dict[int, str]] = {}
        providers, indicators = self.provider.tolist(), self.indicator.tolist()
        for k in range(n):
            num, den = float(self.numerator[k]), float(self.denominator[k])
            shown = f"{num:g}/{den:g}" if num == num and den == den else f"{self.value[k]:g}"
            series.setdefault((providers[k], indicators[k]), {})[int(self.period[k])] = shown
        out = [f"{n} row{'s' if n != 1 else ''}:"]
        for (provider, indicator), months in sorted(series.items()):
            first, last = min(months), max(months)
            values = " ".join(months.get(t, "-") for t in range(first, last + 1))
            out.append(f"{provider} {indicator} {_month(first)}..{_month(last)}: {values}")
        return out

    def select(self, mask: BoolArray) -> Observations:
        """The rows where ``mask`` is true, in order."""
        # selections are sparse: index, don't mask, each column
        return self.take(np.flatnonzero(mask))

    def take(self, rows: IntArray) -> Observations:
        """The rows at these indices, in that order."""
        return Observations(
            Labels(self.provider.names, self.provider.codes[rows]),
            Labels(self.indicator.names, self.indicator.codes[rows]),
            self.period[rows],
            self.value[rows],
            self.numerator[rows],
            self.denominator[rows],
        )

    def in_provider_order(self) -> bool:
        """Whether each provider's rows are together, providers in code order (as the
        loader leaves them): then any run of providers is a slice of the columns."""
        if self._by_provider is None:
            codes = self.provider.codes
            self._by_provider = bool(codes.size < 2 or np.all(codes[1:] >= codes[:-1]))
        return self._by_provider

    def by_provider(self) -> Observations:
        """These rows in provider order (each provider's in their own order): ``self`` when
        they already are, else a copy."""
        if self.in_provider_order():
            return self
        ordered = self.take(np.argsort(self.provider.codes, kind="stable"))
        ordered._by_provider = True
        return ordered

    def of_providers(self, codes: Sequence[str]) -> Observations:
        """The rows of the providers ``codes``. Rows in provider order and ``codes`` a run
        of consecutive providers (a share of a split triage): a view of these columns,
        nothing copied; otherwise a copy of the rows."""
        names = self.provider.names
        wanted = np.unique(np.asarray(list(codes), dtype=np.str_))
        if names.size == 0 or wanted.size == 0:
            return self.take(np.zeros(0, dtype=np.int64))
        at = np.minimum(np.searchsorted(names, wanted), names.size - 1)
        found = at[names[at] == wanted]
        if found.size == 0:
            return self.take(np.zeros(0, dtype=np.int64))
        lo, hi = int(found[0]), int(found[-1])
        known = self.provider.codes
        if self.in_provider_order() and found.size == hi - lo + 1:
            start, stop = np.searchsorted(known, [lo, hi + 1])
            return self._slice(int(start), int(stop))
        return self.take(np.flatnonzero(np.isin(known, found)))

    def _slice(self, start: int, stop: int) -> Observations:
        part = Observations(
            Labels(self.provider.names, self.provider.codes[start:stop]),
            Labels(self.indicator.names, self.indicator.codes[start:stop]),
            self.period[start:stop],
            self.value[start:stop],
            self.numerator[start:stop],
            self.denominator[start:stop],
        )
        part._by_provider = True
        return part

    def indicator_mask(self, indicator_id: str) -> BoolArray:
        """Rows of one indicator (an integer comparison after one dictionary lookup)."""
        code = self._indicator_index.get(indicator_id)
        if code is None:
            return np.zeros(len(self), dtype=np.bool_)
        mask: BoolArray = self.indicator.codes == code
        return mask

    def providers_present(self) -> set[str]:
        """The providers with at least one row."""
        used = np.bincount(self.provider.codes, minlength=len(self.provider.names)) > 0
        return {str(s) for s in self.provider.names[used]}


def _month(period: int) -> str:
    return f"{period // 12:04d}-{period % 12 + 1:02d}"
