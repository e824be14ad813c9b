"""Hard findings: breaches of fixed standards, computed with numpy before any inference."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from ..indicators import BY_ID, Polarity
from ..model.evidence import CusumNumbers, FunnelNumbers, HardFinding, MonthValue, SpcNumbers
from ..model.months import month_text
from ..model.numbers import short
from ..model.observations import BoolArray, IntArray
from ..model.vocabulary import Direction, HardTest, Strength
from ..ruleset.schema import Ruleset, Standard
from ..workspace.loader import Observations
from .window import consecutive, last_months_rows, months_said
from .window import grouped as grouped  # re-exported: evidence modules group rows with it


def concern_direction(indicator_id: str, override: str | None) -> Direction:
    """Which side of a limit is a concern: the ruleset's word, else the polarity's."""
    if override is not None:
        return Direction(override)
    if BY_ID[indicator_id].polarity is Polarity.LOWER_IS_WORSE:
        return Direction.BELOW
    return Direction.ABOVE


def unit_suffix(indicator_id: str) -> str:
    unit = BY_ID[indicator_id].unit
    if unit.startswith(("ratio", "score", "1 ")):
        return ""
    return "%" if unit == "%" else f" {unit}"


def possible_limits(indicator_id: str, lpl: float, upl: float) -> tuple[float, float, str]:
    """Process limits as a chart draws and a sentence says them: each inside the values the
    indicator can take, with a note naming any limit computed beyond them ("" when none).
    A rate's lower limit of -0.3 is shown as 0; a percentage's upper limit stays at 100."""
    ind = BY_ID[indicator_id]
    shown_lpl, shown_upl = ind.possible(lpl), ind.possible(upl)
    unit = unit_suffix(indicator_id)
    notes = [
        f"the {which} process limit, {short(exact)}{unit}, is {side} the {end} possible value "
        f"and is shown as {short(shown)}{unit}"
        for which, exact, shown, side, end in (
            ("lower", lpl, shown_lpl, "below", "lowest"),
            ("upper", upl, shown_upl, "above", "highest"),
        )
        if shown != exact
    ]
    return shown_lpl, shown_upl, "; ".join(notes)


def indicator_finding(
    indicator_id: str,
    *,
    test: HardTest,
    strength: Strength,
    period: str,
    value: float,
    limit: float,
    direction: Direction,
    months: tuple[MonthValue, ...],
    detail: str,
    strong_limit: float | None = None,
    spc: SpcNumbers | None = None,
    funnel: FunnelNumbers | None = None,
    cusum: CusumNumbers | None = None,
) -> HardFinding:
    """A hard finding with the indicator's catalogue fields (title, domain, unit) filled in."""
    ind = BY_ID[indicator_id]
    return HardFinding(
        indicator=indicator_id,
        title=ind.title,
        domain=ind.domain,
        unit=ind.unit,
        test=test,
        strength=strength,
        period=period,
        value=value,
        limit=limit,
        strong_limit=strong_limit,
        direction=direction,
        months=months,
        detail=detail,
        spc=spc,
        funnel=funnel,
        cusum=cusum,
    )


def month_value(obs: Observations, row: int, breached: bool) -> MonthValue:
    """One row of the data as evidence: its month, value and counts (when given)."""
    num, den = obs.numerator[row], obs.denominator[row]
    return MonthValue(
        period=month_text(int(obs.period[row])),
        value=round(float(obs.value[row]), 6),
        numerator=None if np.isnan(num) else float(num),
        denominator=None if np.isnan(den) else float(den),
        breached=breached,
    )


def standard_breaches(obs: Observations, spec: Ruleset, as_of: int) -> dict[str, list[HardFinding]]:
    """Every provider's breaches of the ruleset's fixed standards, each judged over the
    provider's last ``months`` months with data up to ``as_of`` (``evidence.window``).

    A month with no row is not a breach and not a pass: the window is the months that are
    there, and the finding lists them.
    """
    found: dict[str, list[HardFinding]] = defaultdict(list)
    for ind_id, settings in sorted(spec.indicators.items()):
        std = settings.standard
        if std is None:
            continue
        direction = concern_direction(ind_id, std.direction)
        rows = np.flatnonzero(obs.indicator_mask(ind_id) & (obs.period <= as_of))
        if rows.size == 0:
            continue
        sub = obs.take(last_months_rows(obs, rows, std.months))
        beyond = sub.value > std.limit if direction == "above" else sub.value < std.limit
        providers, inverse, order, bounds = grouped(sub)
        counts = np.bincount(inverse, weights=beyond.astype(np.float64), minlength=len(providers))
        strong_counts = np.zeros_like(counts)
        if std.strong_limit is not None:
            strong = (
                sub.value > std.strong_limit
                if direction == "above"
                else sub.value < std.strong_limit
            )
            strong_counts = np.bincount(
                inverse, weights=strong.astype(np.float64), minlength=len(providers)
            )
        for p_index in np.flatnonzero(counts >= std.min_months).tolist():
            found[str(providers[p_index])].append(
                _finding(
                    ind_id,
                    std,
                    direction,
                    sub,
                    order[int(bounds[p_index]) : int(bounds[p_index + 1])],
                    beyond,
                    int(strong_counts[p_index]),
                )
            )
    return found


def _finding(
    ind_id: str,
    std: Standard,
    direction: Direction,
    sub: Observations,
    rows: IntArray,
    beyond: BoolArray,
    strong_months: int,
) -> HardFinding:
    strong = std.strong_limit is not None and strong_months >= std.min_months
    ind = BY_ID[ind_id]
    months = tuple(month_value(sub, r, bool(beyond[r])) for r in rows)
    # the finding speaks of the latest month that breached, and says which months it saw
    last = next(m for m in reversed(months) if m.breached)
    n_breached = sum(m.breached for m in months)
    sign = ">" if direction == "above" else "<"
    unit = unit_suffix(ind_id)
    periods = [m.period for m in months]
    if std.months == 1:
        window = last.period
    elif consecutive(sub.period[rows]):
        window = f"{n_breached} of the {len(months)} months to {periods[-1]}"
    else:  # months without data in between: the window reaches back over them, and says so
        window = f"{n_breached} of the last {len(months)} months with data ({months_said(periods)})"
    window += "" if std.months == 1 else f" (needs {std.min_months})"
    detail = (
        f"{ind.title}: {short(last.value)}{unit} in {last.period}; standard {sign} "
        f"{short(std.limit)}{unit} breached in {window}"
    )
    if strong and std.strong_limit is not None:
        detail += (
            f"; beyond the strong limit {short(std.strong_limit)}{unit} in "
            f"{strong_months} of those months"
        )
    return indicator_finding(
        ind_id,
        test=HardTest.STANDARD,
        strength=Strength.STRONG if strong else Strength.NOTABLE,
        period=last.period,
        value=last.value,
        limit=std.limit,
        strong_limit=std.strong_limit,
        direction=direction,
        months=months,
        detail=detail,
    )
