"""Recorded rebases in the evidence: a series starts again at the month the QSG recorded.

A rebase the QSG recorded (``model.rebase``) makes every trend test, CUSUM and chart start
the provider's indicator again at its month: the rows before it belong to an earlier
process. (Rebases are suggested, never applied, by ``shifts``.)
"""

from __future__ import annotations

import numpy as np

from ..model.observations import BoolArray
from ..model.rebase import RebaseMonths, current_start
from ..workspace.loader import Observations

__all__ = ["before_rebase"]


def before_rebase(obs: Observations, ind_id: str, as_of: int, rebases: RebaseMonths) -> BoolArray:
    """The rows of ``ind_id`` that belong to an earlier process than their provider's current
    one (before its latest rebase on or before ``as_of``)."""
    out = np.zeros(len(obs), dtype=np.bool_)
    names = obs.provider_names
    for provider, indicator in rebases:
        start = current_start(rebases, provider, indicator, as_of)
        if indicator != ind_id or start is None:
            continue
        k = int(np.searchsorted(names, provider))
        if k < names.size and names[k] == provider:
            out |= (obs.codes[0] == k) & (obs.period < start)
    return out & obs.indicator_mask(ind_id)
