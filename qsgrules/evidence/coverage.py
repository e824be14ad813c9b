"""Data coverage: what data each provider has for the ruleset's tests, as of a month.

Missing data must never read as reassurance (guidance, chapter 8): a provider whose
indicators stop before the as-of month gets no findings from the months that are not
there, so its proposal carries how far its data reach and how much of each test's window
is missing, and is marked stale when its latest data are ``stale_after_months`` or more
months old.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..model.months import month_text
from ..model.proposal import Coverage, IndicatorCoverage
from ..ruleset.schema import IndicatorSettings, Ruleset
from ..workspace.loader import Observations


def window_months(settings: IndicatorSettings) -> int:
    """How many months up to the as-of month the indicator's tests look at."""
    windows = [1 if settings.peer is not None else 0]
    if settings.standard is not None:
        windows.append(settings.standard.months)
    if settings.trend is not None:
        windows.append(settings.trend.months)
    return max(windows)


def coverage(
    obs: Observations, spec: Ruleset, as_of: int, providers: Iterable[str]
) -> dict[str, Coverage]:
    """Every provider's coverage of the ruleset's tested indicators, as of ``as_of``."""
    codes = list(providers)
    per_indicator: dict[str, list[IndicatorCoverage]] = {c: [] for c in codes}
    latest_any: dict[str, int] = {}
    for ind_id, settings in sorted(spec.indicators.items()):
        window = window_months(settings)
        mask = obs.indicator_mask(ind_id) & (obs.period <= as_of)
        sub = obs.select(mask)
        latest: dict[str, int] = {}
        present: dict[str, int] = {}
        if len(sub):
            names, inverse = np.unique(sub.provider, return_inverse=True)
            last = np.full(len(names), -1, dtype=np.int64)
            np.maximum.at(last, inverse, sub.period)
            in_window = sub.period > as_of - window
            counts = np.bincount(
                inverse, weights=in_window.astype(np.float64), minlength=len(names)
            )
            latest = dict(zip(names.tolist(), last.tolist(), strict=True))
            present = dict(zip(names.tolist(), counts.astype(np.int64).tolist(), strict=True))
        for code in codes:
            if code not in latest:
                continue  # the provider never reported this indicator: nothing is missing
            latest_any[code] = max(latest_any.get(code, latest[code]), latest[code])
            per_indicator[code].append(
                IndicatorCoverage(
                    indicator=ind_id,
                    latest=month_text(latest[code]),
                    window_months=window,
                    missing_months=window - present[code],
                )
            )
    out: dict[str, Coverage] = {}
    for code in codes:
        items = tuple(per_indicator[code])
        seen = latest_any.get(code)
        out[code] = Coverage(
            latest=None if seen is None else month_text(seen),
            stale=seen is None or as_of - seen >= spec.stale_after_months,
            missing_months=sum(i.missing_months for i in items),
            indicators=items,
        )
    return out
