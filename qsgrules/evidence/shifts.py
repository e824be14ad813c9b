"""Sustained shifts: where a rebase would be warranted, suggested and never applied.

Making Data Count recalculates a chart's limits only after a sustained shift, deliberately
and with a reason. Where the last 12 or more points of a chart (and at least a run's
length) all lie on one side of its mean, after points that do not, the shift has lasted
long enough to give new limits: the proposal suggests a rebase from its first month, with
the command that records it. Nothing changes until the QSG records one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

import numpy as np

from ..indicators import BY_ID
from ..model.months import month_text
from ..model.numbers import short
from ..model.observations import FloatArray, IntArray
from ..model.rebase import RebaseMonths, RebaseSuggestion
from ..ruleset.schema import Ruleset
from ..workspace.loader import Observations
from .hard import unit_suffix
from .trend import reading_test, series_groups, trend_charts, trend_history

__all__ = ["SUSTAINED_POINTS", "rebase_suggestions"]

#: How many points a shift must have lasted before new limits are drawn from it.
SUSTAINED_POINTS = 12


def rebase_suggestions(
    obs: Observations, spec: Ruleset, as_of: int, rebases: RebaseMonths
) -> dict[str, list[RebaseSuggestion]]:
    """Every provider's charts (of the indicators the ruleset tests) whose last points have
    lasted on one side of the mean long enough to rebase on, as each chart is drawn today."""
    found: dict[str, list[RebaseSuggestion]] = defaultdict(list)
    for ind_id in sorted(spec.indicators):
        test, _ = reading_test(spec, ind_id)
        sub = trend_history(obs, ind_id, as_of, rebases)
        if not len(sub):
            continue
        need = max(SUSTAINED_POINTS, test.run_length)
        for group in series_groups(sub, test, untested=True):
            width = group.rows.shape[1]
            if width <= need:
                continue
            # a cheap first pass picks the candidates; their charts are then drawn exactly
            values = sub.value[group.rows]
            rough = values[:, : group.base].mean(axis=1) if group.fixed else values.mean(axis=1)
            maybe = np.flatnonzero(_trailing(values, rough) >= need - 1)
            if maybe.size == 0:
                continue
            few = replace(group, names=[group.names[k] for k in maybe], rows=group.rows[maybe])
            chart = trend_charts(sub, few, ind_id, test)
            trailing = _trailing(values[maybe], chart.mean)
            for j, k in enumerate(maybe.tolist()):
                n = int(trailing[j])
                stretch = values[k, -n:] if n else values[k, :0]
                # a flat stretch (all zero: no never event since) gives no limits to draw
                if not (need <= n < width) or np.all(stretch == stretch[0]):
                    continue
                found[group.names[k]].append(
                    _suggestion(
                        ind_id,
                        group.names[k],
                        [month_text(int(p)) for p in sub.period[group.rows[k]].tolist()],
                        values[k],
                        float(chart.mean[j]),
                        n,
                    )
                )
    return found


def _trailing(values: FloatArray, mean: FloatArray) -> IntArray:
    """How many of each row's last points lie on the last point's side of its mean, without
    a break (0 when the last point is on the mean)."""
    side = np.sign(values - mean[:, None])
    last = side[:, -1]
    same = (side == last[:, None]) & (last[:, None] != 0)
    width = values.shape[1]
    trailing: IntArray = np.where(same.all(axis=1), width, np.argmin(same[:, ::-1], axis=1))
    return trailing


def _suggestion(
    ind_id: str, provider: str, periods: list[str], values: FloatArray, mean: float, n: int
) -> RebaseSuggestion:
    ind = BY_ID[ind_id]
    unit = unit_suffix(ind_id)
    starts = periods[-n]
    since = float(np.mean(values[-n:]))
    side = "above" if since > mean else "below"
    command = f'qsg rebase {provider} {ind_id} --from {starts} --reason "..." --meeting MEETING'
    text = (
        f"{ind.title}: the last {n} months, from {starts}, have all been {side} the mean of "
        f"{short(mean)}{unit} (averaging {short(since)}{unit}): a sustained shift, long enough "
        "for new limits. If the QSG agrees the process changed, record a rebase from "
        f"{starts}; the limits are never recalculated without it"
    )
    return RebaseSuggestion(
        indicator=ind_id,
        title=ind.title,
        starts=starts,
        points=n,
        side=side,
        mean=round(mean, 6),
        mean_since=round(since, 6),
        text=text,
        command=command,
    )
