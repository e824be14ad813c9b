"""Funnel plots for comparing providers, with over-dispersion (Spiegelhalter 2005).

Reproduces FunnelPlotR (NHS-R Community): z-scores on a variance-stabilised scale,
a dispersion ratio phi from winsorised z (SHMI: truncated z), a between-provider
variance tau2 by DerSimonian-Laird, and limits Y0 +/- z_a * sqrt(s^2 + tau2)
back-transformed to the original scale. See docs/methods.md section 2.

| kind         | Y              | s             | Y0                   |
|--------------|----------------|---------------|----------------------|
| proportion   | asin(sqrt(O/n))| 1/(2 sqrt(n)) | asin(sqrt(target))   |
| ratio_shmi   | log(O/E)       | 1/sqrt(E)     | log(target) (0)      |
| ratio_cqc    | sqrt(O/E)      | 1/(2 sqrt(E)) | sqrt(target) (1)     |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["Z_95", "Z_998", "FunnelKind", "FunnelResult", "funnel"]

FunnelKind = Literal["proportion", "ratio_shmi", "ratio_cqc"]
FloatArray = NDArray[np.float64]

#: Normal quantiles exactly as FunnelPlotR writes them.
Z_95: Final = 1.959964
Z_998: Final = 3.090232
# level -> (normal quantile, lower tail probability, upper tail probability)
_LEVELS: Final[dict[float, tuple[float, float, float]]] = {
    0.95: (Z_95, 0.025, 0.975),
    0.998: (Z_998, 0.001, 0.999),
}
_KINDS: Final = ("proportion", "ratio_shmi", "ratio_cqc")


def _level(level: float) -> tuple[float, float, float]:
    try:
        return _LEVELS[level]
    except KeyError:
        raise ValueError(f"level must be 0.95 or 0.998, got {level!r}") from None


@dataclass(frozen=True, eq=False)
class FunnelResult:
    """A funnel plot of providers (arrays in input order).

    ``phi`` and ``tau2`` are always estimated; ``adjusted`` says whether the limits,
    ``z_adjusted`` and ``outliers`` use tau2 (over-dispersion on and phi > 1).
    ``included`` marks the providers whose z entered phi and tau2 (all of them when
    winsorising; SHMI truncation drops the extremes).
    """

    kind: FunnelKind
    target: float
    numerators: FloatArray
    denominators: FloatArray
    values: FloatArray  # O/n or O/E: the plotted value on the original scale
    y: FloatArray  # transformed value Y
    s: FloatArray  # its standard error
    y0: float  # transformed target
    z: FloatArray  # (Y - Y0) / s, unadjusted
    z_adjusted: FloatArray  # (Y - Y0) / sqrt(s^2 + tau2) when adjusted, else z
    included: NDArray[np.bool_]
    phi: float
    tau2: float
    overdispersion: bool
    adjusted: bool

    @overload
    def limits(self, denominator: float, level: float) -> tuple[float, float]: ...

    @overload
    def limits(self, denominator: FloatArray, level: float) -> tuple[FloatArray, FloatArray]: ...

    def limits(
        self, denominator: float | FloatArray, level: float
    ) -> tuple[float, float] | tuple[FloatArray, FloatArray]:
        """(lower, upper) limits on the original scale for a denominator (n or E).

        Adjusted: Y0 +/- z * sqrt(s^2 + tau2), back-transformed (transformed values are
        clipped to the transform's range first, so a proportion's lower limit stays at
        0 instead of folding back up). Unadjusted: the same with tau2 = 0 for
        proportions, exact Poisson limits (target-scaled chi-squared) for ratios.
        """
        z_a, lower_p, upper_p = _level(level)
        d = np.asarray(denominator, dtype=np.float64)
        if not np.all(np.isfinite(d)) or np.any(d <= 0):
            raise ValueError("denominator must be finite and > 0")
        tau2 = self.tau2 if self.adjusted else 0.0
        if self.kind != "proportion" and not self.adjusted:
            # deferred, and scipy.special rather than scipy.stats (a third of the import):
            # chi2.ppf(p, 2k) / 2 is exactly gammaincinv(k, p)
            from scipy import special

            lower = self.target * special.gammaincinv(d, lower_p) / d
            upper = self.target * special.gammaincinv(d + 1, upper_p) / d
        else:
            spread = z_a * np.sqrt(_se(self.kind, d) ** 2 + tau2)
            lower = _back(self.kind, self.y0 - spread)
            upper = _back(self.kind, self.y0 + spread)
        if d.ndim == 0:
            return float(lower), float(upper)
        return np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)

    def outliers(self, level: float) -> NDArray[np.int8]:
        """-1 below, +1 above, 0 within the limits for each provider's own denominator.

        As FunnelPlotR, a value exactly on a limit is within it.
        """
        lower, upper = self.limits(self.denominators, level)
        out = np.zeros(self.values.shape, dtype=np.int8)
        out[self.values < lower] = -1
        out[self.values > upper] = 1
        return out


def _se(kind: str, d: FloatArray) -> FloatArray:
    if kind == "ratio_shmi":
        return np.asarray(1.0 / np.sqrt(d), dtype=np.float64)
    return np.asarray(1.0 / (2.0 * np.sqrt(d)), dtype=np.float64)


def _back(kind: str, t: FloatArray) -> FloatArray:
    if kind == "proportion":
        return np.asarray(np.sin(np.clip(t, 0.0, np.pi / 2)) ** 2, dtype=np.float64)
    if kind == "ratio_shmi":
        return np.asarray(np.exp(t), dtype=np.float64)
    return np.asarray(np.clip(t, 0.0, None) ** 2, dtype=np.float64)


def _as_vector(name: str, values: ArrayLike) -> FloatArray:
    a = np.array(values, dtype=np.float64)  # a copy: the result freezes it
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"{name} must be a non-empty one-dimensional array, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        bad = np.flatnonzero(~np.isfinite(a)).tolist()
        raise ValueError(f"{name} must be finite; bad indices {bad}")
    return a


def _dispersion_sample(
    z: FloatArray, kind: str, trim: float
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """The z-scores phi is computed from, and the mask of providers they came from.

    Winsorising clips z at R's type-7 quantiles (numpy's default "linear"). SHMI
    truncation is FunnelPlotR's rank rule: with k = 1/trim groups, a provider is kept
    when 0 < floor(rank * k / (I + 1)) < k - 1 (ranks averaged over ties).
    """
    if kind == "ratio_shmi":
        if trim == 0:
            return z, np.ones(z.shape, dtype=np.bool_)
        k = 1.0 / trim
        group = np.floor(_average_ranks(z) * k / (z.size + 1))
        keep = (group > 0) & (group < k - 1)
        return z[keep], keep
    low, high = np.quantile(z, [trim, 1 - trim])
    return np.clip(z, low, high), np.ones(z.shape, dtype=np.bool_)


def _average_ranks(z: FloatArray) -> FloatArray:
    """1-based ranks of ``z``, ties given their average rank (as scipy's rankdata does)."""
    order = np.argsort(z, kind="mergesort")
    ordered = z[order]
    starts = np.r_[True, ordered[1:] != ordered[:-1]]
    tie_group = np.cumsum(starts) - 1
    ordinal = np.arange(1, z.size + 1, dtype=np.float64)
    mean_rank = np.bincount(tie_group, weights=ordinal) / np.bincount(tie_group)
    ranks: FloatArray = np.empty(z.size, dtype=np.float64)
    ranks[order] = mean_rank[tie_group]
    return ranks


def _tau2(phi: float, s: FloatArray) -> float:
    """DerSimonian-Laird tau2 = max(0, (I phi - (I - 1)) / (sum w - sum w^2 / sum w))."""
    count = s.size
    w = 1.0 / s**2
    spread = float(np.sum(w) - np.sum(w**2) / np.sum(w))
    # One provider (or all weight in one) leaves no between-provider information.
    if count < 2 or spread <= 0 or count * phi < count - 1:
        return 0.0
    return max(0.0, (count * phi - (count - 1)) / spread)


def funnel(
    numerators: ArrayLike,
    denominators: ArrayLike,
    *,
    kind: FunnelKind = "proportion",
    target: float | None = None,
    overdispersion: bool = True,
    trim: float = 0.1,
) -> FunnelResult:
    """Funnel plot of providers as FunnelPlotR computes it.

    ``numerators`` are events O; ``denominators`` are cases n for a proportion or
    expected counts E for a standardised ratio. ``target`` defaults to the pooled
    sum(O)/sum(n) for a proportion and 1 for a ratio. ``trim`` is the fraction
    winsorised (truncated, for SHMI) at each end before phi is estimated.

    Raises ValueError for empty or mismatched input, non-finite values, zero or
    negative denominators, negative numerators, a proportion's numerator above its
    denominator, and a zero numerator with ``ratio_shmi`` (its log is undefined; the
    CQC square-root method handles zeros).

    Unlike FunnelPlotR, SHMI expected counts are used as given (FunnelPlotR rounds
    them to two decimals first).
    """
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {', '.join(_KINDS)}, got {kind!r}")
    if not 0 <= trim < 0.5:
        raise ValueError(f"trim must be in [0, 0.5), got {trim!r}")
    o = _as_vector("numerators", numerators)
    d = _as_vector("denominators", denominators)
    if o.shape != d.shape:
        raise ValueError(f"numerators ({o.size}) and denominators ({d.size}) differ in length")
    if np.any(d == 0):
        bad = np.flatnonzero(d == 0).tolist()
        raise ValueError(f"denominators must be > 0: zero at indices {bad} (drop those providers)")
    if np.any(d < 0):
        raise ValueError(f"denominators must be > 0: negative at {np.flatnonzero(d < 0).tolist()}")
    if np.any(o < 0):
        raise ValueError(f"numerators must be >= 0: negative at {np.flatnonzero(o < 0).tolist()}")
    if kind == "proportion" and np.any(o > d):
        bad = np.flatnonzero(o > d).tolist()
        raise ValueError(f"a proportion's numerator exceeds its denominator at indices {bad}")
    if kind == "ratio_shmi" and np.any(o == 0):
        bad = np.flatnonzero(o == 0).tolist()
        raise ValueError(f"ratio_shmi takes log(O/E): zero numerator at indices {bad}")

    if target is None:
        theta = float(np.sum(o) / np.sum(d)) if kind == "proportion" else 1.0
    else:
        theta = float(target)
        if not np.isfinite(theta):
            raise ValueError(f"target must be finite, got {target!r}")
        if kind == "proportion" and not 0 <= theta <= 1:
            raise ValueError(f"a proportion's target must be in [0, 1], got {target!r}")
        if kind != "proportion" and theta <= 0:
            raise ValueError(f"a ratio's target must be > 0, got {target!r}")

    values = o / d
    s = _se(kind, d)
    if kind == "proportion":
        y, y0 = np.arcsin(np.sqrt(values)), float(np.arcsin(np.sqrt(theta)))
    elif kind == "ratio_shmi":
        y, y0 = np.log(values), float(np.log(theta))
    else:
        y, y0 = np.sqrt(values), float(np.sqrt(theta))
    z = (y - y0) / s

    sample, included = _dispersion_sample(z, kind, trim)
    phi = float(np.mean(sample**2)) if sample.size else 0.0
    tau2 = _tau2(phi, s[included])
    adjusted = overdispersion and phi > 1 and tau2 > 0
    z_adjusted = (y - y0) / np.sqrt(s**2 + tau2) if adjusted else z.copy()

    arrays = (o, d, values, y, s, z, z_adjusted, included)
    for a in arrays:
        a.flags.writeable = False
    return FunnelResult(
        kind=kind,
        target=theta,
        numerators=o,
        denominators=d,
        values=values,
        y=y,
        s=s,
        y0=y0,
        z=z,
        z_adjusted=z_adjusted,
        included=included,
        phi=phi,
        tau2=tau2,
        overdispersion=overdispersion,
        adjusted=adjusted,
    )
