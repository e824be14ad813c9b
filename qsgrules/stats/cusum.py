"""CUSUM charts: has a rate drifted up (or down) and stayed there? (docs/methods.md section 7)

Three cumulative sums of log-likelihood ratios (or of standardised values), each reset to
zero when it would go below zero and signalling ("an alert") when it reaches a threshold h:

- counts against expected counts: the **Poisson** CUSUM of observed deaths O against expected
  E testing a rate ratio R, weight ``O log R - (R - 1) E``; the **binomial** CUSUM of O events
  in n with an expected rate p testing an odds ratio R, weight ``O log R - n log(1 - p + R p)``
  (the sum of Steiner's Bernoulli weights over n patients of equal risk);
- the **risk-adjusted Bernoulli** CUSUM of Steiner, Cook, Farewell and Treasure (Biostatistics
  2000) over patients with predicted risks p_t: weight ``y log R - log(1 - p_t + R p_t)``;
- the **standardised normal-mean** CUSUM (k, h) of z-scores: weight ``z - k`` upwards and
  ``-z - k`` downwards.

The lower CUSUM of a likelihood chart tests 1/R (a halving when R is 2). Thresholds are given,
or set by simulation (seeded, deterministic) so that an in-control series of the provider's
own volume and expected rate alerts with at most a stated probability over a horizon
(:func:`simulated_threshold`). ``cusum_arl`` computes the normal CUSUM's run lengths exactly.

Pure numeric code: no I/O, nothing of qsgrules imported.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "DEFAULT_SIMULATIONS",
    "CusumPath",
    "Side",
    "Threshold",
    "bernoulli_threshold",
    "bernoulli_weights",
    "binomial_threshold",
    "binomial_weights",
    "cusum_batch",
    "cusum_path",
    "normal_threshold",
    "normal_weights",
    "poisson_threshold",
    "poisson_weights",
    "simulated_threshold",
]

FloatArray = NDArray[np.float64]
Side = Literal["upper", "lower"]

#: In-control series simulated to set a threshold: the Monte Carlo standard error of a 5%
#: false-alarm probability is then sqrt(0.05 x 0.95 / 4000) = 0.0034.
DEFAULT_SIMULATIONS: Final = 4000
_SEED: Final = 20000101


def _finite(name: str, values: ArrayLike, *, ndim: int | None = 1) -> FloatArray:
    a = np.asarray(values, dtype=np.float64)
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite")
    return a


def _ratio(ratio: float, name: str = "ratio") -> float:
    if not (math.isfinite(ratio) and ratio > 0 and ratio != 1):
        raise ValueError(f"{name} must be positive, finite and not 1, got {ratio!r}")
    return float(ratio)


def _tested(ratio: float, side: Side) -> float:
    """The ratio a side tests: R upwards, 1/R downwards (given R above 1)."""
    if side not in ("upper", "lower"):
        raise ValueError(f"side must be 'upper' or 'lower', got {side!r}")
    r = _ratio(ratio)
    if r < 1:
        raise ValueError(f"give the ratio above 1 (the lower side tests 1/R), got {ratio!r}")
    return r if side == "upper" else 1.0 / r


# --------------------------------------------------------------------------- weights


def poisson_weights(
    observed: ArrayLike, expected: ArrayLike, rate_ratio: float = 2.0, side: Side = "upper"
) -> FloatArray:
    """Log-likelihood ratios of Poisson counts ``observed`` with means ``expected`` (in control)
    against ``rate_ratio`` x ``expected`` (upper) or ``expected / rate_ratio`` (lower).
    Arrays of any shape (the same for both): one series, or many as rows."""
    o, e = _finite("observed", observed, ndim=None), _finite("expected", expected, ndim=None)
    if o.shape != e.shape:
        raise ValueError("observed and expected must be as long")
    if np.any(o < 0) or np.any(e < 0):
        raise ValueError("observed and expected counts cannot be negative")
    r = _tested(rate_ratio, side)
    return o * math.log(r) - (r - 1.0) * e


def binomial_weights(
    observed: ArrayLike,
    trials: ArrayLike,
    rate: ArrayLike,
    odds_ratio: float = 2.0,
    side: Side = "upper",
) -> FloatArray:
    """Log-likelihood ratios of ``observed`` events in ``trials`` at an in-control ``rate``
    (a probability per trial) against the odds multiplied by ``odds_ratio`` (upper) or divided
    by it (lower): Steiner's Bernoulli weights summed over the trials."""
    o, n = _finite("observed", observed, ndim=None), _finite("trials", trials, ndim=None)
    p = np.broadcast_to(_finite("rate", rate, ndim=None), o.shape)
    if o.shape != n.shape:
        raise ValueError("observed and trials must be as long")
    if np.any(o < 0) or np.any(o > n):
        raise ValueError("observed must be between 0 and the number of trials")
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError("rate must be strictly between 0 and 1")
    r = _tested(odds_ratio, side)
    # (np.asarray: numpy 1.26's stubs type log1p of a broadcast view as Any)
    return np.asarray(o * math.log(r) - n * np.log1p((r - 1.0) * p), dtype=np.float64)


def bernoulli_weights(
    outcomes: ArrayLike, risks: ArrayLike, odds_ratio: float = 2.0, side: Side = "upper"
) -> FloatArray:
    """Steiner et al. (2000): for a patient with predicted risk p and outcome y (1 death, 0
    survival), ``y log R - log(1 - p + R p)``. With p = 0.05 and R = 2: 0.6444 for a death,
    -0.0488 for a survival."""
    y = _finite("outcomes", outcomes)
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("outcomes must be 0 (survived) or 1 (died)")
    return binomial_weights(y, np.ones_like(y), risks, odds_ratio, side)


def normal_weights(z: ArrayLike, k: float = 0.5, side: Side = "upper") -> FloatArray:
    """The standardised CUSUM's steps: ``z - k`` upwards, ``-z - k`` downwards."""
    if side not in ("upper", "lower"):
        raise ValueError(f"side must be 'upper' or 'lower', got {side!r}")
    if not (math.isfinite(k) and k >= 0):
        raise ValueError(f"k must be finite and at least 0, got {k!r}")
    values = _finite("z", z, ndim=None)
    return values - k if side == "upper" else -values - k


# --------------------------------------------------------------------------- the path


@dataclass(frozen=True)
class CusumPath:
    """A CUSUM over a series: the statistic after each step (the value reached, before any
    reset), the steps at which it reached ``h`` (alerts), and whether it restarts at zero
    after each alert."""

    statistic: tuple[float, ...]
    alerts: tuple[int, ...]
    h: float
    reset: bool

    @property
    def signalled(self) -> bool:
        return bool(self.alerts)


def cusum_path(weights: ArrayLike, h: float, *, reset: bool = True) -> CusumPath:
    """S_t = max(0, S_{t-1} + W_t) from S_0 = 0; an alert where S_t >= h, after which the sum
    restarts from zero when ``reset`` (as the mortality alert registers do)."""
    w = _finite("weights", weights)
    batch = cusum_batch(w[None, :], np.array([h]), reset=reset)
    return CusumPath(
        statistic=tuple(float(s) for s in batch[0][0]),
        alerts=tuple(int(i) for i in np.flatnonzero(batch[1][0])),
        h=float(h),
        reset=reset,
    )


def cusum_batch(
    weights: ArrayLike, h: ArrayLike, *, reset: bool = True
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """CUSUMs of every row of ``weights`` (shape (n, T)) against thresholds ``h`` (n,):
    the statistic and the alert flags, both (n, T), one vectorised step per time point."""
    w = np.asarray(weights, dtype=np.float64)
    limit = np.asarray(h, dtype=np.float64)
    if w.ndim != 2:
        raise ValueError(f"weights must be 2-D (series x time), got shape {w.shape}")
    if limit.shape != (w.shape[0],):
        raise ValueError("give one threshold per series")
    if not (np.all(np.isfinite(w)) and np.all(np.isfinite(limit))):
        raise ValueError("weights and thresholds must be finite")
    if np.any(limit <= 0):
        raise ValueError("thresholds must be above zero")
    n, t_len = w.shape
    stat = np.zeros((n, t_len))
    alert = np.zeros((n, t_len), dtype=np.bool_)
    s = np.zeros(n)
    for t in range(t_len):
        s = np.maximum(0.0, s + w[:, t])
        stat[:, t] = s
        alert[:, t] = s >= limit
        if reset:
            s = np.where(alert[:, t], 0.0, s)
    return stat, alert


# --------------------------------------------------------------------------- thresholds


@dataclass(frozen=True)
class Threshold:
    """A threshold set by simulation: ``h``, the false-alarm probability asked for over
    ``horizon`` steps, the one achieved in the simulations (at most the one asked for; count
    data can rarely hit it exactly) and its Monte Carlo standard error."""

    h: float
    false_alarm: float
    horizon: int
    achieved: float
    standard_error: float
    simulations: int


def simulated_threshold(
    sample: Callable[[np.random.Generator, int, int], FloatArray],
    false_alarm: float,
    horizon: int,
    *,
    simulations: int = DEFAULT_SIMULATIONS,
    seed: int = _SEED,
) -> Threshold:
    """The smallest round threshold whose in-control false-alarm probability over ``horizon``
    steps is at most ``false_alarm``, in ``simulations`` series of weights drawn by
    ``sample(rng, simulations, horizon)`` (shape (simulations, horizon)).

    A series alerts within the horizon exactly when the maximum of its (unreset) CUSUM
    reaches h, so h is placed between the simulated maxima: half-way between the largest
    maximum that must stay below it and the next larger one. Same arguments, same threshold.
    """
    if not 0 < false_alarm < 1:
        raise ValueError(f"false_alarm must be between 0 and 1, got {false_alarm!r}")
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        raise ValueError(f"horizon must be a positive integer, got {horizon!r}")
    allowed = math.floor(false_alarm * simulations + 1e-9)  # series that may alert
    if allowed < 1:
        raise ValueError(
            f"{simulations} simulations cannot estimate a false-alarm probability of "
            f"{false_alarm:g}: use at least {math.ceil(1 / false_alarm)}"
        )
    rng = np.random.Generator(np.random.PCG64(seed))
    w = sample(rng, simulations, horizon)
    s = np.zeros(simulations)
    peak = np.zeros(simulations)
    for t in range(horizon):
        s = np.maximum(0.0, s + w[:, t])
        np.maximum(peak, s, out=peak)
    peaks = np.sort(peak)[::-1]
    below = peaks[allowed]  # the (allowed+1)-th largest maximum must stay below h
    # maxima equal but for rounding (the same counts summed in another order) are one value
    tie = 1e-9 * max(1.0, abs(float(below)))
    above = peaks[:allowed][peaks[:allowed] > below + tie]
    if above.size:
        h = (below + float(above.min())) / 2
    else:  # every one of the largest maxima ties: nothing finite separates them
        h = below + max(1e-6, abs(below) * 1e-6)  # above every tie
    h = max(h, 1e-9)
    alerting = int(np.count_nonzero(peak >= h))
    achieved = alerting / simulations
    return Threshold(
        h=float(h),
        false_alarm=float(false_alarm),
        horizon=horizon,
        achieved=achieved,
        standard_error=math.sqrt(false_alarm * (1 - false_alarm) / simulations),
        simulations=simulations,
    )


@functools.lru_cache(maxsize=4096)
def poisson_threshold(
    expected: float,
    rate_ratio: float = 2.0,
    false_alarm: float = 0.05,
    horizon: int = 36,
    side: Side = "upper",
    *,
    simulations: int = DEFAULT_SIMULATIONS,
    seed: int = _SEED,
) -> Threshold:
    """The Poisson CUSUM's threshold for a provider expecting ``expected`` events each step."""
    if not (math.isfinite(expected) and expected > 0):
        raise ValueError(f"expected must be positive, got {expected!r}")
    r = _tested(rate_ratio, side)

    def sample(rng: np.random.Generator, n: int, t: int) -> FloatArray:
        counts = rng.poisson(expected, size=(n, t)).astype(np.float64)
        return counts * math.log(r) - (r - 1.0) * expected

    return simulated_threshold(sample, false_alarm, horizon, simulations=simulations, seed=seed)


@functools.lru_cache(maxsize=4096)
def binomial_threshold(
    trials: int,
    rate: float,
    odds_ratio: float = 2.0,
    false_alarm: float = 0.05,
    horizon: int = 36,
    side: Side = "upper",
    *,
    simulations: int = DEFAULT_SIMULATIONS,
    seed: int = _SEED,
) -> Threshold:
    """The binomial CUSUM's threshold for ``trials`` patients a step at an in-control ``rate``."""
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise ValueError(f"trials must be a positive integer, got {trials!r}")
    if not 0 < rate < 1:
        raise ValueError(f"rate must be strictly between 0 and 1, got {rate!r}")
    r = _tested(odds_ratio, side)
    step = trials * math.log1p((r - 1.0) * rate)

    def sample(rng: np.random.Generator, n: int, t: int) -> FloatArray:
        counts = rng.binomial(trials, rate, size=(n, t)).astype(np.float64)
        return counts * math.log(r) - step

    return simulated_threshold(sample, false_alarm, horizon, simulations=simulations, seed=seed)


def bernoulli_threshold(
    risks: ArrayLike,
    odds_ratio: float = 2.0,
    false_alarm: float = 0.05,
    side: Side = "upper",
    *,
    simulations: int = DEFAULT_SIMULATIONS,
    seed: int = _SEED,
) -> Threshold:
    """The risk-adjusted Bernoulli CUSUM's threshold over a horizon of patients with the
    predicted ``risks`` given (the provider's own case mix, in order)."""
    p = _finite("risks", risks)
    if p.size == 0 or np.any((p <= 0) | (p >= 1)):
        raise ValueError("risks must be a non-empty list of probabilities strictly in (0, 1)")
    r = _tested(odds_ratio, side)
    survive = -np.log1p((r - 1.0) * p)

    def sample(rng: np.random.Generator, n: int, t: int) -> FloatArray:
        deaths = (rng.random(size=(n, t)) < p).astype(np.float64)
        weights: FloatArray = survive + deaths * math.log(r)
        return weights

    return simulated_threshold(sample, false_alarm, int(p.size), simulations=simulations, seed=seed)


@functools.lru_cache(maxsize=256)
def normal_threshold(
    k: float = 0.5,
    false_alarm: float = 0.05,
    horizon: int = 36,
    *,
    simulations: int = DEFAULT_SIMULATIONS,
    seed: int = _SEED,
) -> Threshold:
    """The standardised CUSUM's threshold for independent N(0, 1) z-scores (either side)."""
    if not (math.isfinite(k) and k >= 0):
        raise ValueError(f"k must be finite and at least 0, got {k!r}")

    def sample(rng: np.random.Generator, n: int, t: int) -> FloatArray:
        return rng.standard_normal(size=(n, t)) - k

    return simulated_threshold(sample, false_alarm, horizon, simulations=simulations, seed=seed)
