"""Windows over the months that have data: what every hard-data test judges.

A triage is made on a date; each provider's data for an indicator reach some month at or
before it. A test's window of N months is that provider's last N months *with data* up to
the date, never N calendar months ending at the date: a month with no row is unknown, so it
can neither make a breach nor unmake one, and moving the date forward with no new rows
changes no window (docs/methods.md, "Two clocks"). Everything here works on integer codes,
counting where it can and sorting only what it must.
"""

from __future__ import annotations

import numpy as np

from ..model.months import known_month
from ..model.observations import IntArray, TextArray
from ..workspace.loader import Observations


def grouped(obs: Observations) -> tuple[TextArray, IntArray, IntArray, IntArray]:
    """Rows grouped by provider: (provider names, group of each row, row order by provider
    then period, group bounds into that order). Integer codes only: no string sorting."""
    codes, first, inverse = np.unique(obs.codes[0], return_index=True, return_inverse=True)
    names = obs.provider[first]
    order = np.lexsort((obs.period, inverse))
    bounds = np.searchsorted(inverse[order], np.arange(len(codes) + 1))
    return names, inverse, order, bounds


def last_months_rows(obs: Observations, rows: IntArray, months: int) -> IntArray:
    """Of ``rows`` (one indicator's rows up to the date, indices into ``obs``), each
    provider's last ``months`` months with data, in the order of ``rows``.

    Counted without sorting where those months are consecutive (nearly always): they are
    then the ``months`` calendar months to the provider's latest; only providers with a gap
    among them are sorted."""
    who, periods = obs.provider.codes[rows], obs.period[rows]
    n = obs.provider_names.shape[0]
    latest = latest_months(obs, rows)
    recent = periods > latest[who] - months
    total = np.bincount(who, minlength=n)
    found = np.bincount(who, weights=recent, minlength=n).astype(np.int64)
    gaps = found != np.minimum(total, months)
    if not gaps.any():
        out: IntArray = rows[recent]
        return out
    keep = recent & ~gaps[who]
    mine = np.flatnonzero(gaps[who])
    order = mine[np.lexsort((periods[mine], who[mine]))]
    w = who[order]
    after = np.searchsorted(w, w, side="right") - 1 - np.arange(order.shape[0])
    keep[order[after < months]] = True  # rows after it in its provider's sorted rows
    out = rows[keep]
    return out


def latest_months(obs: Observations, rows: IntArray) -> IntArray:
    """Per provider code, its latest month among ``rows`` (indices into ``obs``; -1 where
    it has none)."""
    latest = np.full(obs.provider_names.shape[0], -1, dtype=np.int64)
    np.maximum.at(latest, obs.provider.codes[rows], obs.period[rows])
    return latest


def months_said(periods: list[str]) -> str:
    """Months as a finding names them: "2019-01 to 2019-03" when consecutive, else listed."""
    numbers = [known_month(p) for p in periods]
    if len(numbers) > 1 and numbers[-1] - numbers[0] == len(numbers) - 1:
        return f"{periods[0]} to {periods[-1]}"
    return ", ".join(periods)


def consecutive(periods: IntArray) -> bool:
    """Whether months (sorted) follow each other with none missing."""
    n = int(periods.shape[0])
    return n == 0 or int(periods[-1]) - int(periods[0]) == n - 1


__all__ = [
    "consecutive",
    "grouped",
    "last_months_rows",
    "latest_months",
    "months_said",
]
