"""Synthetic providers and their indicator series, generated block by block with numpy.

Every provider reports every catalogue indicator every month (so a workspace of N
providers and M months has exactly N x (catalogue indicators) x M rows). A known minority
of series has a step change or a drift; everything else is a stable level with seasonality
and sampling noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..indicators import CATALOGUE, Polarity
from ..model.vocabulary import ProviderType
from .profiles import (
    PLACE_END,
    PLACE_START,
    TYPE_NAME,
    TYPE_PREFIX,
    TYPE_SHARES,
    TYPE_SIZE,
    profile_for,
)

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]

#: Shares of series with a step change and with a drift (the known minority).
STEP_SHARE = 0.03
DRIFT_SHARE = 0.03
#: Share of anomalies that move towards concern (the rest are improvements).
CONCERN_SHARE = 0.75
TYPES = list(ProviderType)
PLACES = [a + b for a in PLACE_START for b in PLACE_END]
PROVIDERS_PER_QSG = 200
MIN_SIZE = 0.1


@dataclass(frozen=True)
class Providers:
    codes: list[str]
    names: list[str]
    types: IntArray  # index into TYPES
    qsg: IntArray  # index into the QSG names
    qsg_names: list[str]
    size: FloatArray  # monthly activity relative to an acute trust


def providers(n: int, rng: np.random.Generator) -> Providers:
    """``n`` providers: every type present once n >= 8, then in national proportions."""
    shares = np.array([TYPE_SHARES[t] for t in TYPES])
    types = rng.choice(len(TYPES), size=n, p=shares / shares.sum())
    types[: min(n, len(TYPES))] = np.arange(min(n, len(TYPES)))
    counters = dict.fromkeys(TYPES, 0)
    codes = []
    for t in types.tolist():
        counters[TYPES[t]] += 1
        codes.append(f"{TYPE_PREFIX[TYPES[t]]}{counters[TYPES[t]]:05d}")
    n_qsg = min(len(PLACES), max(1, -(-n // PROVIDERS_PER_QSG)))
    qsg_places = [PLACES[i] for i in rng.permutation(len(PLACES))[:n_qsg]]
    qsg = rng.integers(0, n_qsg, size=n)
    place = rng.integers(0, len(PLACES), size=n)
    names = [f"{PLACES[p]} {TYPE_NAME[TYPES[t]]}" for p, t in zip(place, types, strict=True)]
    sizes = np.array([TYPE_SIZE[t] for t in TYPES])[types] * rng.lognormal(0.0, 0.5, size=n)
    return Providers(codes, names, types.astype(np.int64), qsg.astype(np.int64), qsg_places, sizes)


@dataclass(frozen=True)
class Block:
    """The series of a block of providers, each array shaped (providers, indicators, months)."""

    value: FloatArray
    numerator: FloatArray  # NaN where the indicator has no counts
    denominator: FloatArray
    anomaly: IntArray  # (providers, indicators): 0 none, 1 step, 2 drift
    start: IntArray  # (providers, indicators): month index the anomaly starts
    shift: FloatArray  # (providers, indicators): its full size, in the indicator's unit


#: The catalogue's profiles in catalogue order, and which way is concern for each.
PROFILES_IN_ORDER = [profile_for(ind) for ind in CATALOGUE]
CONCERN_SIGN: FloatArray = np.array(
    [-1.0 if ind.polarity is Polarity.LOWER_IS_WORSE else 1.0 for ind in CATALOGUE]
)


def block(sizes: FloatArray, month_of_year: IntArray, rng: np.random.Generator) -> Block:
    """Series for providers of the given sizes over months (0 = January ... 11)."""
    b, n_ind, m = sizes.shape[0], len(CATALOGUE), month_of_year.shape[0]
    prof = PROFILES_IN_ORDER

    def col(attr: str) -> FloatArray:
        return np.array([getattr(p, attr) for p in prof], dtype=np.float64)[None, :, None]

    jump = np.array([p.spread if p.jump is None else p.jump for p in prof])[None, :]
    mean, spread, seasonal = col("mean"), col("spread"), col("seasonal")
    low, high, base_den = col("low"), col("high"), col("denominator")
    level = mean + spread * rng.standard_normal((b, n_ind, 1))
    season = np.cos(2 * np.pi * month_of_year / 12.0)[None, None, :]
    # the known minority: a step or a drift, mostly towards concern
    u = rng.random((b, n_ind))
    anomaly = np.where(u < STEP_SHARE, 1, np.where(u < STEP_SHARE + DRIFT_SHARE, 2, 0))
    step_start = rng.integers(m // 2, m, size=(b, n_ind)) if m > 1 else np.zeros((b, n_ind), int)
    drift_start = rng.integers(0, m // 2 + 1, size=(b, n_ind))
    start = np.where(anomaly == 2, drift_start, step_start)
    sign = CONCERN_SIGN[None, :] * np.where(rng.random((b, n_ind)) < CONCERN_SHARE, 1.0, -1.0)
    shift = sign * jump * rng.uniform(1.5, 3.0, size=(b, n_ind))
    months = np.arange(m)[None, None, :]
    ramp = np.clip((months - start[:, :, None] + 1) / np.maximum(m - start[:, :, None], 1), 0, 1)
    shape = np.where(anomaly[:, :, None] == 1, months >= start[:, :, None], ramp)
    shape = np.where(anomaly[:, :, None] == 0, 0.0, shape)
    drawn = np.array([p.making in ("binomial", "poisson") for p in prof])[None, :, None]
    wobble = np.where(drawn, col("noise"), 0.0) * rng.standard_normal((b, n_ind, m))
    truth = np.clip(level + seasonal * season + shift[:, :, None] * shape + wobble, low, high)
    # the smallest providers still report on a tenth of an acute trust's activity
    den = (
        base_den
        * np.maximum(sizes, MIN_SIZE)[:, None, None]
        * rng.lognormal(0.0, 0.05, size=(b, n_ind, m))
    )
    value = np.full((b, n_ind, m), np.nan)
    num = np.full((b, n_ind, m), np.nan)
    dens = np.full((b, n_ind, m), np.nan)
    for i, (ind, p) in enumerate(zip(CATALOGUE, prof, strict=True)):
        t, d = truth[:, i, :], den[:, i, :]
        if p.making == "binomial":
            d = np.maximum(np.rint(d), 20.0)
            k = rng.binomial(d.astype(np.int64), np.clip(t / ind.scale, 0.0, 1.0))
            num[:, i], dens[:, i] = k, d
            value[:, i] = ind.scale * k / d
        elif p.making == "poisson":
            d = np.maximum(np.round(d, p.count_places), 1.0)
            k = rng.poisson(t / ind.scale * d)
            num[:, i], dens[:, i] = k, d
            value[:, i] = ind.scale * k / d
        elif p.making == "measured":
            d = np.maximum(np.rint(d), 5.0)
            measured = np.maximum(t + p.noise * rng.standard_normal(t.shape), p.low)
            k = np.maximum(np.round(measured / ind.scale * d, p.count_places), 0.1)
            num[:, i], dens[:, i] = k, d
            value[:, i] = ind.scale * k / d
        elif p.making == "score":
            value[:, i] = np.clip(t + p.noise * rng.standard_normal(t.shape), p.low, p.high)
        elif p.making == "count":
            value[:, i] = rng.poisson(np.maximum(t, 0.0))
        else:  # rating: a whole grade, changed only by a step
            value[:, i] = np.clip(np.rint(t), p.low, p.high)
        value[:, i] = np.round(value[:, i], p.places)
    return Block(value, num, dens, anomaly.astype(np.int64), start.astype(np.int64), shift)
