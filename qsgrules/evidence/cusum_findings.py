"""CUSUM alerts as hard findings, in words, and as charts (docs/methods.md section 7).

A provider's CUSUM (``cusum.cusum_runs``) is a breach when it alerted in one of its last
``months`` months with data; the finding says since when the rate ran high, what was
observed against what was expected, what the CUSUM tests and how its threshold was set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

import numpy as np

from ..indicators import BY_ID
from ..model.evidence import CusumNumbers, HardFinding
from ..model.months import month_text
from ..model.numbers import plain, short
from ..model.rebase import RebaseMonths
from ..model.series import CusumSeries
from ..model.vocabulary import Direction, HardTest, Strength
from ..ruleset.schema import CusumTest, Ruleset
from ..stats.cusum import Side
from ..workspace.loader import Observations, Provider
from .cusum import CusumRun, Method, alerting_stretch, cusum_runs
from .hard import indicator_finding, month_value, unit_suffix

__all__ = ["cusum_breaches", "cusum_series", "tested_words", "threshold_words"]


def cusum_breaches(
    obs: Observations,
    spec: Ruleset,
    as_of: int,
    providers: dict[str, Provider],
    rebases: RebaseMonths | None = None,
    wanted: Collection[str] | None = None,
) -> dict[str, list[HardFinding]]:
    """Every provider whose CUSUM alerted in its judged months, on the side of concern
    (summed from its latest rebase, when the QSG recorded one); of the ``wanted`` providers
    only, when given (their peers are still everyone)."""
    found: dict[str, list[HardFinding]] = defaultdict(list)
    for ind_id, settings in sorted(spec.indicators.items()):
        test = settings.cusum
        if test is None:
            continue
        sub, runs = cusum_runs(
            obs,
            ind_id,
            test,
            as_of,
            providers,
            wanted=wanted,
            alerting_only=True,
            rebases=rebases,
        )
        for run in runs:
            judged = range(max(0, run.rows.size - test.months), run.rows.size)
            alerted = [i for i in judged if run.alerts[i]]
            if alerted:
                found[run.provider].append(_finding(ind_id, test, sub, run, judged, alerted))
    return found


def _listed(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def tested_words(test: CusumTest, method: Method, side: Side) -> str:
    """'a CUSUM testing a doubling of the rate' (or 'an odds ratio of 1.5'), 'a CUSUM of its
    standardised values (k 0.5)'."""
    if method == "normal":
        return f"a CUSUM of its standardised values (k {test.k:g})"
    what = "rate" if method == "poisson" else "odds"
    r = test.relative_risk
    if r == 2:
        return f"a CUSUM testing a {'doubling' if side == 'upper' else 'halving'} of the {what}"
    ratio = "a rate ratio" if method == "poisson" else "an odds ratio"
    return f"a CUSUM testing {ratio} of {plain(r if side == 'upper' else 1 / r, 3)}"


def _h(h: float) -> str:
    return f"h {h:.2f}" if h >= 0.005 else "h just above 0"


def threshold_words(run: CusumRun) -> str:
    """How the alert threshold was set, in words: 'h 5, given by the ruleset', or 'h 3.85,
    set for a 5% chance of a false alarm in 36 months at the volume of this provider (21.0
    expected a month; 4.9% in 4,000 simulations)'."""
    t = run.threshold
    if t is None:
        return f"{_h(run.h)}, given by the ruleset"
    volume = "" if run.volume is None else " at the volume of this provider"
    facts = [] if run.volume is None else [f"{short(run.volume)} expected a month"]
    facts.append(f"{t.achieved:.1%} in {t.simulations:,} simulations")
    if t.achieved < t.false_alarm - 2 * t.standard_error:
        facts[-1] += f": at this volume no threshold comes nearer {t.false_alarm:.0%}"
    return (
        f"{_h(run.h)}, set for a {t.false_alarm:.0%} chance of a false alarm in "
        f"{t.horizon} months{volume} ({'; '.join(facts)})"
    )


def _finding(
    ind_id: str,
    test: CusumTest,
    sub: Observations,
    run: CusumRun,
    judged: range,
    alerted: list[int],
) -> HardFinding:
    ind = BY_ID[ind_id]
    unit = unit_suffix(ind_id)
    last = alerted[-1]
    start = alerting_stretch(run, last)
    period = [month_text(int(p)) for p in sub.period[run.rows].tolist()]
    word = "above" if run.side == "upper" else "below"
    stretch = slice(start, last + 1)
    if run.method == "normal":
        observed = float(np.mean(run.observed[stretch]))
        expected = float(run.mean or 0.0)
        base = run.baseline_points
        said = (
            f"{word} its own mean of {short(expected)}{unit} (its first {base} months, "
            f"{period[0]} to {period[base - 1]}) since {period[start]}, averaging "
            f"{short(observed)}{unit} to {period[last]}"
        )
    else:
        observed = float(run.observed[stretch].sum())
        expected = float(run.expected[stretch].sum())
        times = f": {observed / expected:.2f} times" if expected > 0 else ""
        said = (
            f"{word} the expected rate since {period[start]} ({observed:,.0f} observed against "
            f"{expected:,.1f} expected to {period[last]}{times}; expected {run.basis})"
        )
    detail = (
        f"{ind.title}: {said}; {tested_words(test, run.method, run.side)} "
        f"crossed its alert threshold in {_listed([period[i] for i in alerted])} "
        f"({threshold_words(run)})"
    )
    t = run.threshold
    numbers = CusumNumbers(
        method=run.method,
        relative_risk=None if run.method == "normal" else test.relative_risk,
        k=test.k if run.method == "normal" else None,
        h=round(run.h, 6),
        h_given=t is None,
        false_alarm=None if t is None else t.false_alarm,
        achieved=None if t is None else t.achieved,
        standard_error=None if t is None else round(t.standard_error, 6),
        simulations=None if t is None else t.simulations,
        horizon_months=test.horizon_months,
        volume=None if run.volume is None else round(run.volume, 6),
        reset=test.reset,
        basis=run.basis,
        points=int(run.rows.size),
        first_period=period[0],
        since=period[start],
        alerts=tuple(period[i] for i in alerted),
        statistic=round(float(run.statistic[last]), 6),
        observed=round(observed, 6),
        expected=round(expected, 6),
    )
    return indicator_finding(
        ind_id,
        test=HardTest.CUSUM,
        strength=Strength.NOTABLE,
        period=period[last],
        value=round(float(sub.value[run.rows[last]]), 6),
        limit=round(float(run.level[last]), 6),
        direction=Direction.ABOVE if run.side == "upper" else Direction.BELOW,
        months=tuple(month_value(sub, int(run.rows[i]), bool(run.alerts[i])) for i in judged),
        detail=detail,
        cusum=numbers,
    )


def cusum_series(
    obs: Observations,
    ind_id: str,
    test: CusumTest,
    as_of: int,
    providers: dict[str, Provider],
    wanted: set[str],
    rebases: RebaseMonths | None = None,
) -> dict[str, CusumSeries]:
    """The CUSUM charts of the ``wanted`` providers, exactly as the cusum test computes them
    (shared with the meeting pack and the live page)."""
    sub, runs = cusum_runs(obs, ind_id, test, as_of, providers, wanted=wanted, rebases=rebases)
    ind = BY_ID[ind_id]
    out: dict[str, CusumSeries] = {}
    for run in runs:
        period = [month_text(int(p)) for p in sub.period[run.rows].tolist()]
        out[run.provider] = CusumSeries(
            provider=run.provider,
            indicator=ind_id,
            title=ind.title,
            unit=ind.unit,
            method=run.method,
            tested=tested_words(test, run.method, run.side),
            periods=tuple(period),
            values=tuple(float(v) for v in sub.value[run.rows]),
            level=tuple(float(v) for v in run.level),
            statistic=tuple(float(v) for v in run.statistic),
            alerts=tuple(p for p, a in zip(period, run.alerts.tolist(), strict=True) if a),
            h=run.h,
            threshold=threshold_words(run),
            direction=Direction.ABOVE if run.side == "upper" else Direction.BELOW,
            reset=run.reset,
            window_start=period[max(0, len(period) - test.months)],
            window_end=period[-1],
        )
    return out
