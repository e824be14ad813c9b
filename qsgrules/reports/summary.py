"""The summary icon table: providers × indicators, each cell the latest value with its
Making Data Count variation and assurance icons (the table boards read first).

Built from XmR series (``qsgrules.evidence.series.xmr_series``, computed as the charts
are); a provider with no series for an indicator shows "no data", never an empty cell:
missing data is not reassurance. Rows sort by a column's concern (special causes of
concern first, then assurance failing, hit and miss, met), by code or by proposed level.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..evidence.hard import unit_suffix
from ..indicators import BY_ID
from ..model.numbers import short
from ..model.proposal import Proposal
from ..model.series import XmrSeries
from .chart_words import short_month
from .icons import Icon, series_icons

__all__ = [
    "SummaryCell",
    "SummaryColumn",
    "SummaryRow",
    "SummaryTable",
    "cell_of",
    "provider_summary",
    "summary_table",
]

# how much a variation icon says "look here" (the sort's first key)
_VARIATION_RANK = {
    "concern_high": 3,
    "concern_low": 3,
    "neutral_high": 2,
    "neutral_low": 2,
    "common_cause": 1,
    "improvement_high": 0,
    "improvement_low": 0,
}
_ASSURANCE_RANK = {"fail": 3, "inconsistent": 2, "pass": 1}


@dataclass(frozen=True)
class SummaryColumn:
    """An indicator of the table: its id, title, a short heading and its unit."""

    indicator: str
    title: str
    heading: str
    unit: str


@dataclass(frozen=True)
class SummaryCell:
    """One provider's indicator: the latest value with its month and icons (``value`` is
    "" when there is no series: no data)."""

    indicator: str
    title: str
    unit: str
    value: str = ""
    period: str = ""  # the latest month with data, YYYY-MM
    late: bool = False  # the latest month is before the table's as-of month
    variation: Icon | None = None
    assurance: Icon | None = None

    @property
    def concern(self) -> tuple[int, int]:
        """How much the cell asks to be looked at (higher first): variation, assurance;
        no data ranks above common cause (it is not reassurance)."""
        if self.variation is None:
            return (2, 0)
        a = _ASSURANCE_RANK.get(self.assurance.key, 0) if self.assurance is not None else 0
        return (_VARIATION_RANK[self.variation.key], a)

    @property
    def month(self) -> str:
        return short_month(self.period) if self.period else ""


@dataclass(frozen=True)
class SummaryRow:
    provider: str
    name: str
    proposal: Proposal
    cells: tuple[SummaryCell, ...]

    @property
    def concern(self) -> tuple[int, int, int]:
        """(cells of concern, cells failing assurance, cells with no data) of the row."""
        return (
            sum(c.variation is not None and c.concern[0] == 3 for c in self.cells),
            sum(c.assurance is not None and c.assurance.key == "fail" for c in self.cells),
            sum(c.variation is None for c in self.cells),
        )


@dataclass(frozen=True)
class SummaryTable:
    """The table of a scope, rows in the order asked (``sorted_by`` says which)."""

    as_of: str
    columns: tuple[SummaryColumn, ...]
    rows: tuple[SummaryRow, ...]
    sorted_by: str = "level"

    def sort(self, by: str) -> SummaryTable:
        """Rows sorted by an indicator's concern (``by`` its id), by ``code``, or by
        ``level`` (the board's order); an unknown key keeps the board's order."""
        rows = list(self.rows)
        ids = [c.indicator for c in self.columns]
        if by == "code":
            rows.sort(key=lambda r: r.provider)
        elif by in ids:
            k = ids.index(by)
            rows.sort(key=lambda r: (_desc(r.cells[k].concern), r.provider))
        else:
            by = "level"
            rows.sort(key=lambda r: (-r.proposal.level.rank, r.provider))
        return SummaryTable(self.as_of, self.columns, tuple(rows), by)


def _desc(key: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(-k for k in key)


def heading(indicator: str) -> str:
    """A short column heading for an indicator ("ae 4hr type1" from ``ae_4hr_type1``)."""
    return indicator.replace("_", " ")


def cell_of(indicator: str, series: XmrSeries | None, as_of: str) -> SummaryCell:
    """One cell: the series' latest value and icons ("no data" without a series)."""
    title, unit = BY_ID[indicator].title, BY_ID[indicator].unit
    if series is None:
        return SummaryCell(indicator, title, unit)
    variation, assurance = series_icons(series)
    return SummaryCell(
        indicator,
        title,
        unit,
        # the unit is the column's (a long unit would not fit a cell); "%" is short enough
        value=short(series.values[-1]) + ("%" if unit_suffix(indicator) == "%" else ""),
        period=series.periods[-1],
        late=series.periods[-1] < as_of,
        variation=variation,
        assurance=assurance,
    )


def summary_table(
    proposals: Sequence[Proposal],
    indicators: Sequence[str],
    series: Mapping[tuple[str, str], XmrSeries],
    as_of: str,
) -> SummaryTable:
    """Providers (in the proposals' order: the board's) × ``indicators``."""
    columns = tuple(SummaryColumn(i, BY_ID[i].title, heading(i), BY_ID[i].unit) for i in indicators)
    rows = tuple(
        SummaryRow(
            p.provider,
            p.name,
            p,
            tuple(cell_of(i, series.get((p.provider, i)), as_of) for i in indicators),
        )
        for p in proposals
    )
    return SummaryTable(as_of, columns, rows)


def provider_summary(table: SummaryTable, provider: str) -> SummaryRow | None:
    """One provider's row (for its page: every indicator, one per line)."""
    return next((r for r in table.rows if r.provider == provider), None)
