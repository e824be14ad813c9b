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
    if settings.cusum is not None:
        windows.append(settings.cusum.months)
    return max(windows)


def coverage(
    obs: Observations, spec: Ruleset, as_of: int, providers: Iterable[str]
) -> dict[str, Coverage]:
    """Every provider's coverage of the ruleset's tested indicators, as of ``as_of``.

    Computed on integer provider codes, one pass per tested indicator; the models are
    built once per provider and indicator that has data.
    """
    codes = list(providers)
    names = obs.provider_names
    index = {str(n): i for i, n in enumerate(names.tolist())}
    n_names = len(names)
    tested = sorted(spec.indicators.items())
    latest = np.full((len(tested), n_names), -1, dtype=np.int64)
    present = np.zeros((len(tested), n_names), dtype=np.int64)
    windows = [window_months(settings) for _, settings in tested]
    upto = obs.period <= as_of
    for k, ((ind_id, _), window) in enumerate(zip(tested, windows, strict=True)):
        rows = np.flatnonzero(obs.indicator_mask(ind_id) & upto)
        if rows.size == 0:
            continue
        who = obs.provider.codes[rows]
        np.maximum.at(latest[k], who, obs.period[rows])
        present[k] = np.bincount(
            who, weights=(obs.period[rows] > as_of - window), minlength=n_names
        ).astype(np.int64)
    out: dict[str, Coverage] = {}
    for code in codes:
        i = index.get(code)
        items: list[IndicatorCoverage] = []
        if i is not None:
            for k, (ind_id, _) in enumerate(tested):
                last = int(latest[k, i])
                if last < 0:
                    continue  # the provider never reported this indicator: nothing is missing
                items.append(
                    IndicatorCoverage.model_construct(
                        indicator=ind_id,
                        latest=month_text(last),
                        window_months=windows[k],
                        missing_months=windows[k] - int(present[k, i]),
                    )
                )
        newest = int(np.max(latest[:, i])) if i is not None and len(tested) else -1
        seen = None if newest < 0 else newest
        out[code] = Coverage.model_construct(
            latest=None if seen is None else month_text(seen),
            stale=seen is None or as_of - seen >= spec.stale_after_months,
            missing_months=sum(it.missing_months for it in items),
            indicators=tuple(items),
        )
    return out
