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
from ..model.observations import IntArray
from ..model.proposal import Coverage, IndicatorCoverage
from ..ruleset.schema import IndicatorSettings, Ruleset
from ..workspace.loader import Observations

#: Every field is given: one set of their names serves every model built here (a set per
#: model would be 220,000 sets at national scale, about 60 MB; models are frozen, and
#: pydantic copies the set before changing it in ``model_copy``).
_INDICATOR_FIELDS = set(IndicatorCoverage.model_fields)
_COVERAGE_FIELDS = set(Coverage.model_fields)


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
    obs: Observations,
    spec: Ruleset,
    as_of: int,
    providers: Iterable[str],
    on_month: int | None = None,
) -> dict[str, Coverage]:
    """Every provider's coverage of the ruleset's tested indicators, with the data up to
    ``as_of``, on a date in ``on_month`` (default ``as_of``): how far behind it the data
    are (``lag_months``, stale from ``stale_after_months``) and, for each indicator, the
    months its tests judge (its last ``window_months`` months with data).

    Computed on integer provider codes, a few passes per tested indicator (a sort only for
    providers whose last months with data have gaps); the models are built once per
    provider and indicator that has data.
    """
    when = as_of if on_month is None else on_month
    codes = list(providers)
    names = obs.provider_names
    index = {str(n): i for i, n in enumerate(names.tolist())}
    n_names = len(names)
    tested = sorted(spec.indicators.items())
    latest = np.full((len(tested), n_names), -1, dtype=np.int64)
    present = np.zeros((len(tested), n_names), dtype=np.int64)
    first = np.full((len(tested), n_names), -1, dtype=np.int64)
    windows = [window_months(settings) for _, settings in tested]
    upto = obs.period <= as_of
    for k, ((ind_id, _), window) in enumerate(zip(tested, windows, strict=True)):
        rows = np.flatnonzero(obs.indicator_mask(ind_id) & upto)
        if rows.size == 0:
            continue
        who, when_rows = obs.provider.codes[rows], obs.period[rows]
        np.maximum.at(latest[k], who, when_rows)
        present[k] = np.bincount(
            who, weights=(when_rows > when - window), minlength=n_names
        ).astype(np.int64)
        first[k] = _judged_from(who, when_rows, latest[k], present[k], when, window)
    texts: dict[int, str] = {}  # a few distinct months, named once each

    def text(month: int) -> str:
        found = texts.get(month)
        if found is None:
            found = texts[month] = month_text(month)
        return found

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
                        _INDICATOR_FIELDS,
                        indicator=ind_id,
                        latest=text(last),
                        window_months=windows[k],
                        missing_months=windows[k] - int(present[k, i]),
                        lag_months=when - last,
                        judged_from=text(int(first[k, i])),
                    )
                )
        newest = int(np.max(latest[:, i])) if i is not None and len(tested) else -1
        seen = None if newest < 0 else newest
        out[code] = Coverage.model_construct(
            _COVERAGE_FIELDS,
            latest=None if seen is None else text(seen),
            stale=seen is None or when - seen >= spec.stale_after_months,
            missing_months=sum(it.missing_months for it in items),
            indicators=tuple(items),
            lag_months=None if seen is None else when - seen,
        )
    return out


def _judged_from(
    who: IntArray,
    periods: IntArray,
    latest: IntArray,
    present: IntArray,
    when: int,
    window: int,
) -> IntArray:
    """Per provider code, the first of its last ``window`` months with data (-1 without).

    A provider with data in each of the ``window`` months to the date (``present``, nearly
    always) needs nothing more. Otherwise, where its last months with data are consecutive
    they are found by counting; only the providers with gaps among them are sorted."""
    out: IntArray = np.where(latest >= 0, latest - window + 1, -1).astype(np.int64)
    need = (latest >= 0) & ~((present == window) & (latest == when))
    if not need.any():
        return out
    n = latest.shape[0]
    total = np.bincount(who, minlength=n)
    recent = np.bincount(who, weights=periods > latest[who] - window, minlength=n)
    wanted = np.minimum(total, window)
    out = np.where(need, latest - wanted + 1, out).astype(np.int64)
    gaps = np.flatnonzero(need & (recent != wanted))
    if gaps.size:
        mine = np.isin(who, gaps)
        w, t = who[mine], periods[mine]
        order = np.lexsort((t, w))
        w, t = w[order], t[order]
        ends = np.searchsorted(w, gaps, side="right")
        out[gaps] = t[ends - wanted[gaps]]
    return out
