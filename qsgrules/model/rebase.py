"""Rebasing as the QSG's decision: from a month on, a provider's indicator is a new process.

Making Data Count recalculates a chart's limits after a sustained shift, deliberately and
with a reason, never automatically. qsgrules records each rebase in the register (who, at
which meeting, why); every trend test, CUSUM and chart then starts the provider's
indicator again at that month (runs, limits and sums never cross it). A rebase is only
suggested, when a shift has lasted long enough to give new limits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from . import Model
from .months import month_number


class Rebase(Model):
    """A rebase the QSG recorded: from ``starts`` (YYYY-MM) on, ``provider``'s ``indicator``
    is a new process."""

    provider: str
    indicator: str
    starts: str
    reason: str
    meeting: str
    recorded_by: str
    recorded_at: str


class RebaseSuggestion(Model):
    """A sustained shift long enough to rebase on: the last ``points`` months of the
    provider's chart have all been on one ``side`` of its mean, from ``starts``. Never
    applied: the QSG records it (``command``) or not."""

    indicator: str
    title: str
    starts: str
    points: int
    side: str  # above or below the mean
    mean: float  # the chart's mean, as drawn today
    mean_since: float  # the mean of the months since the shift
    text: str
    command: str


#: (provider, indicator) -> the months (numbers) each of its processes starts, in order.
RebaseMonths = Mapping[tuple[str, str], tuple[int, ...]]


def rebase_months(rebases: Iterable[Rebase]) -> dict[tuple[str, str], tuple[int, ...]]:
    """The recorded rebases by series, their start months in order (each once)."""
    found: dict[tuple[str, str], set[int]] = {}
    for r in rebases:
        month = month_number(r.starts)
        if month is not None:
            found.setdefault((r.provider, r.indicator), set()).add(month)
    return {key: tuple(sorted(months)) for key, months in found.items()}


def current_start(months: RebaseMonths, provider: str, indicator: str, as_of: int) -> int | None:
    """The month the series' current process starts as of ``as_of``: its latest rebase on or
    before it (None when it has none)."""
    starts = [m for m in months.get((provider, indicator), ()) if m <= as_of]
    return max(starts) if starts else None
