"""Plain-Python transcriptions of the R code that qsgrules.stats reproduces.

Independent cross-check for ``qsgrules.stats.spc`` and ``qsgrules.stats.funnel``: each
function below transcribes one R function line by line (loops, R's 1-based padding
tricks turned into explicit index checks), with the R file and function cited. Nothing
here imports qsgrules. R is not available, so these are the "R answers" the tests use.

Sources read (GitHub, via the stored-repository index):

* nhs-r-community/NHSRplotthedots
  - R/ptd_spc_standard.R @ 8aac3239e90ce9ebeb9c3e61f56c207dfc37b225 (``ptd_spc_standard``)
  - R/ptd_calculate_point_type.R @ f7891af4b8f71838f4c6fb17c8eec1a1c9bd6d7f
    (``ptd_seven_point_one_side_mean``, ``ptd_part_of_seven_trend``,
    ``ptd_seven_point_trend``, ``ptd_two_in_three``, ``ptd_part_of_two_in_three``,
    ``ptd_special_cause_type``, ``ptd_point_type``)
  - R/ptd_calculate_assurance_type.R @ f7891af4b8f71838f4c6fb17c8eec1a1c9bd6d7f
  - R/geom_ptd_icon.R @ 050b07d (``ptd_get_icons``: ``variation_icon_file``,
    ``assurance_icon_file``; the icon files' names in inst/icons/)
  - R/ptd_add_short_group_warnings.R @ 45a6bd9daff55689afcde2d77d5ea06b88a23a2b
  - R/ptd_spc.R @ 04db768c0de8fbf6fe1d1b65289cf44db1addfec (defaults:
    ``screen_outliers = TRUE``, ``improvement_direction = "increase"``)
  - R/ptd_spc_options.R (``fix_after_n_points >= 12`` is enforced)
* nhs-r-community/FunnelPlotR
  - R/od_adjustment.R @ 225b14db38b449992b9d20300feaa8e7ee3c997d (``transformed_zscore``,
    ``winsorisation``, ``truncation``, ``phi_func``, ``tau_func``)
  - R/funnel_plot.R @ 00df0aa399b987632f6fe3c616ad918b1da45363 (target, ``n``, the
    ``tau2 == 0`` switch to unadjusted limits, limits merged at each denominator)
  - R/calculate_limits.R @ 260c859cc44aeacbc19f644b2f895d9aead844df (PR limits)
  - R/outliers_func.R @ 0a237673f7300332275ee2ea762bb525154527e4 (``<=``/``>=``)
* wch/r-source: src/library/stats/R/quantile.R (type 7), src/main/summary.c
  (``real_mean``/``rsum``: accumulation in LDOUBLE, two-pass mean).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# --------------------------------------------------------------------------- base R arithmetic

# R's LDOUBLE is x87 80-bit extended on x86-64 Linux; numpy's longdouble is the same type
# there. (Elsewhere it may be plain double or quad; the tests' tolerances cover that.)
_LD = np.longdouble


def r_sum(x: Sequence[float]) -> float:
    """base::sum on doubles: src/main/summary.c ``rsum`` accumulates in LDOUBLE."""
    s = _LD(0.0)
    for v in x:
        s += _LD(v)
    return float(s)


def r_mean(x: Sequence[float]) -> float:
    """base::mean on doubles: src/main/summary.c ``real_mean``.

    LDOUBLE s = sum(x); s /= n; if finite: t = sum(x[i] - s); s += t/n; return (double) s.
    """
    n = len(x)
    if n == 0:
        return math.nan  # mean(numeric()) is NaN
    s = _LD(0.0)
    for v in x:
        s += _LD(v)
    s /= _LD(n)
    if math.isfinite(float(s)):
        t = _LD(0.0)
        for v in x:
            t += _LD(v) - s
        s += t / _LD(n)
    return float(s)


def r_sign(x: float) -> int:
    """base::sign (NA stays NA: the callers never pass NaN here)."""
    return 1 if x > 0 else (-1 if x < 0 else 0)


def r_quantile7(x: Sequence[float], p: float) -> float:
    """stats::quantile(x, p, type = 7), src/library/stats/R/quantile.R, line for line.

    index <- 1 + (n - 1) * probs; lo <- floor(index); hi <- ceiling(index)
    qs <- x[lo]; if index > lo & x[hi] != qs: qs <- (1 - h) * qs + h * x[hi], h = index - lo
    """
    xs = sorted(x)
    n = len(xs)
    index = 1 + (n - 1) * p
    lo = math.floor(index)
    hi = math.ceil(index)
    qs = xs[lo - 1]  # 1-based x[lo]
    if index > lo and xs[hi - 1] != qs:
        h = index - lo
        qs = (1 - h) * qs + h * xs[hi - 1]
    return qs


# --------------------------------------------------------------------------- NHSRplotthedots

# R/ptd_spc_standard.R: "limit <- 2.66; limitclose <- 2 * (limit / 3)"
PTD_LIMIT = 2.66
PTD_LIMIT_CLOSE = 2 * (PTD_LIMIT / 3)
# R/ptd_spc_standard.R: ".data$mr < 3.267 * .data$amr ~ .data$mr" (strict <, else NA)
PTD_SCREEN = 3.267
# R/ptd_add_short_group_warnings.R: "warning_threshold = 12", "n() < warning_threshold"
PTD_SHORT_GROUP = 12


@dataclass(frozen=True)
class PtdStandard:
    """Columns ptd_spc_standard adds for one (facet, rebase_group) group."""

    mean_col: float
    amr: float
    lpl: float
    upl: float
    nlpl: float
    nupl: float
    outside_limits: list[bool]
    relative_to_mean: list[int]
    close_to_limits: list[bool]


def ptd_spc_standard(
    y: Sequence[float], fix_after_n_points: int | None = None, screen_outliers: bool = True
) -> PtdStandard:
    """R/ptd_spc_standard.R ``ptd_spc_standard``, the dplyr::mutate for one group.

    fix_y = ifelse(row_number() <= (fix_after_n_points %||% Inf), y, NA)
    mean_col = mean(fix_y, na.rm = TRUE)
    mr = c(NA, abs(diff(fix_y))); amr = mean(mr, na.rm = TRUE)
    mr = case_when(!screen_outliers ~ mr, mr < 3.267 * amr ~ mr, TRUE ~ NA)
    amr = mean(mr, na.rm = TRUE)
    lpl/upl = mean_col -/+ limit * amr; nlpl/nupl = mean_col -/+ limitclose * amr
    outside_limits = y > upl | y < lpl; relative_to_mean = sign(y - mean_col)
    close_to_limits = !outside_limits & (y < nlpl | y > nupl)
    """
    n = len(y)
    fix_n = math.inf if fix_after_n_points is None else fix_after_n_points
    fix_y: list[float | None] = [y[i] if (i + 1) <= fix_n else None for i in range(n)]
    mean_col = r_mean([v for v in fix_y if v is not None])
    # mr[1] is NA; mr[i] = |fix_y[i] - fix_y[i-1]|, NA when either side is NA
    mr: list[float | None] = [None]
    for i in range(1, n):
        a, b = fix_y[i], fix_y[i - 1]
        mr.append(None if a is None or b is None else abs(a - b))
    amr = r_mean([m for m in mr if m is not None])
    if screen_outliers:
        screened: list[float | None] = []
        for m in mr:
            # NA < x is NA -> falls through to "TRUE ~ NA"; NaN amr compares FALSE -> NA too
            screened.append(m if m is not None and m < PTD_SCREEN * amr else None)
        mr = screened
    amr = r_mean([m for m in mr if m is not None])

    lpl = mean_col - (PTD_LIMIT * amr)
    upl = mean_col + (PTD_LIMIT * amr)
    nlpl = mean_col - (PTD_LIMIT_CLOSE * amr)
    nupl = mean_col + (PTD_LIMIT_CLOSE * amr)
    outside = [(v > upl or v < lpl) for v in y]
    rtm = [r_sign(v - mean_col) for v in y]
    close = [(not o) and (v < nlpl or v > nupl) for v, o in zip(y, outside, strict=True)]
    return PtdStandard(mean_col, amr, lpl, upl, nlpl, nupl, outside, rtm, close)


def ptd_seven_point_one_side_mean(v: Sequence[int]) -> list[int]:
    """R/ptd_calculate_point_type.R ``ptd_seven_point_one_side_mean``.

    vp <- c(rep(0, 6), v); for i in seq_along(v) + 6:
      all(vp[[i]] == vp[i - 1:6]) & vp[[i]] != 0
    """
    vp = [0] * 6 + list(v)
    out = []
    for i in range(6, len(vp)):  # 0-based index of v's element in vp
        same = True
        for k in range(1, 7):
            if vp[i] != vp[i - k]:
                same = False
        out.append(int(same and vp[i] != 0))
    return out


def ptd_part_of_seven_trend(v: Sequence[int]) -> list[int]:
    """R/ptd_calculate_point_type.R ``ptd_part_of_seven_trend``.

    vp <- c(v, rep(0, 6)); for i in seq_along(v): any(abs(vp[i + 0:6]) == 1)
    """
    vp = [*v, 0, 0, 0, 0, 0, 0]
    out = []
    for i in range(len(v)):
        hit = False
        for k in range(7):
            if abs(vp[i + k]) == 1:
                hit = True
        out.append(int(hit))
    return out


def ptd_seven_point_trend(y: Sequence[float]) -> list[int]:
    """R/ptd_calculate_point_type.R ``ptd_seven_point_trend``.

    if length(y) < 7: all 0. Else the first 6 are 0 and for i in 7..n:
      d <- sign(diff(y[i - 0:6])) * -1; all(d == 1) -> 1; all(d == -1) -> -1; else 0
    (y[i - 0:6] runs backwards, so d[k] = sign(y[i-k] - y[i-k-1]).)
    """
    n = len(y)
    if n < 7:
        return [0] * n
    out = [0] * 6
    for i in range(6, n):
        d = []
        for k in range(6):
            # diff of (y[i-k], y[i-k-1]) is y[i-k-1] - y[i-k]; times -1
            d.append(r_sign(y[i - k - 1] - y[i - k]) * -1)
        if all(x == 1 for x in d):
            out.append(1)
        elif all(x == -1 for x in d):
            out.append(-1)
        else:
            out.append(0)
    return out


def ptd_two_in_three(v: Sequence[int], rtm: Sequence[int]) -> list[int]:
    """R/ptd_calculate_point_type.R ``ptd_two_in_three``.

    vp <- c(0, 0, v, 0, 0); rtmp <- c(0, 0, rtm, 0, 0); for i in seq_along(v):
      (sum(vp[i + 0:2]) >= 2 & abs(sum(rtmp[i + 0:2])) == 3) ||
      (sum(vp[i + 1:3]) >= 2 & abs(sum(rtmp[i + 1:3])) == 3) ||
      (sum(vp[i + 2:4]) >= 2 & abs(sum(rtmp[i + 2:4])) == 3)
    """
    if len(v) == 0:
        return []
    vp = [0, 0, *(int(x) for x in v), 0, 0]
    rtmp = [0, 0, *(int(x) for x in rtm), 0, 0]
    out = []
    for i in range(len(v)):  # R's i is i + 1; R's vp[i + a] is vp[i + a] here (0-based)
        hit = False
        for start in (0, 1, 2):
            window_v = vp[i + start : i + start + 3]
            window_r = rtmp[i + start : i + start + 3]
            if sum(window_v) >= 2 and abs(sum(window_r)) == 3:
                hit = True
        out.append(int(hit))
    return out


def ptd_part_of_two_in_three(v: Sequence[int], x: Sequence[int]) -> list[int]:
    """R/ptd_calculate_point_type.R ``ptd_part_of_two_in_three``: v == 1 & abs(x) == 1."""
    return [int(a == 1 and abs(int(b)) == 1) for a, b in zip(v, x, strict=True)]


def ptd_special_cause_type(
    y: Sequence[float],
    relative_to_mean: Sequence[int],
    close_to_limits: Sequence[bool],
    outside_limits: Sequence[bool],
) -> list[str]:
    """R/ptd_calculate_point_type.R ``ptd_special_cause_type`` (returns R's labels).

    part_seven_point_trend <- ptd_part_of_seven_trend(ptd_seven_point_trend(y))
    part_two_in_three <- ptd_part_of_two_in_three(
        ptd_two_in_three(close_to_limits, relative_to_mean), close_to_limits)
    part_seven_point_one_side_mean <- ptd_part_of_seven_trend(
        ptd_seven_point_one_side_mean(relative_to_mean))
    sdy <- sign(diff(y))
    sdy <- ifelse(c(part_seven_point_trend[-1], 0) & part_seven_point_trend,
                  c(sdy, utils::tail(sdy, 1)), c(0, sdy))
    case_when(outside_limits != 0 ~ ifelse(relative_to_mean == 1, "Above UCL", "Below LCL"),
              part_seven_point_trend != 0 ~ paste0("7 Point Trend (",
                  ifelse(sdy == 1, "In", "De"), "creasing)"),
              part_two_in_three != 0 ~ paste0("2 in 3 ", above_or_below, " CL"),
              part_seven_point_one_side_mean != 0 ~ paste0("7 Points ", above_or_below, " CL"),
              .default = "Common Cause")
    with above_or_below <- ifelse(relative_to_mean > 0, "Above", "Below").
    """
    n = len(y)
    close = [int(c) for c in close_to_limits]
    part_trend = ptd_part_of_seven_trend(ptd_seven_point_trend(y))
    part_two = ptd_part_of_two_in_three(ptd_two_in_three(close, relative_to_mean), close)
    part_run = ptd_part_of_seven_trend(ptd_seven_point_one_side_mean(relative_to_mean))

    sdy_raw = [r_sign(y[i + 1] - y[i]) for i in range(n - 1)]  # sign(diff(y))
    right = [*sdy_raw, sdy_raw[-1]] if sdy_raw else [0] * n  # c(sdy, tail(sdy, 1))
    left = [0, *sdy_raw]  # c(0, sdy)
    nxt = [*part_trend[1:], 0]  # c(part_seven_point_trend[-1], 0)
    sdy = [right[i] if (nxt[i] and part_trend[i]) else left[i] for i in range(n)]

    labels = []
    for i in range(n):
        above_or_below = "Above" if relative_to_mean[i] > 0 else "Below"
        if outside_limits[i]:
            labels.append("Above UCL" if relative_to_mean[i] == 1 else "Below LCL")
        elif part_trend[i] != 0:
            labels.append("7 Point Trend (" + ("In" if sdy[i] == 1 else "De") + "creasing)")
        elif part_two[i] != 0:
            labels.append("2 in 3 " + above_or_below + " CL")
        elif part_run[i] != 0:
            labels.append("7 Points " + above_or_below + " CL")
        else:
            labels.append("Common Cause")
    return labels


def ptd_point_type(special_cause_type: Sequence[str], improvement_direction: int) -> list[str]:
    """R/ptd_calculate_point_type.R ``ptd_point_type``.

    v = 1 if the label matches "Above|Increasing", -1 for "Below|Decreasing", else 0;
    neutral (0): special_cause_neutral_high / _low / common_cause; otherwise v * direction
    > 0 -> special_cause_improvement, < 0 -> special_cause_concern, else common_cause.
    """
    out = []
    for label in special_cause_type:
        if "Above" in label or "Increasing" in label:
            v = 1
        elif "Below" in label or "Decreasing" in label:
            v = -1
        else:
            v = 0
        if improvement_direction == 0:
            out.append(
                "special_cause_neutral_high"
                if v > 0
                else ("special_cause_neutral_low" if v < 0 else "common_cause")
            )
        else:
            v *= improvement_direction
            out.append(
                "special_cause_improvement"
                if v > 0
                else ("special_cause_concern" if v < 0 else "common_cause")
            )
    return out


@dataclass(frozen=True)
class PtdResult:
    """One group's ptd_spc output: limits, labels, point types, short-group warning."""

    standard: PtdStandard
    special_cause_type: list[str]
    point_type: list[str]
    short_group_warning: bool


# R/ptd_spc.R: switch(improvement_direction, "increase" = 1, "neutral" = 0, "decrease" = -1)
PTD_DIRECTION = {"increase": 1, "neutral": 0, "decrease": -1}


def ptd_spc(
    y: Sequence[float],
    *,
    fix_after_n_points: int | None = None,
    improvement_direction: str = "increase",
    screen_outliers: bool = True,
) -> PtdResult:
    """R/ptd_spc.R ``ptd_spc.data.frame`` for one facet without rebasing.

    ptd_spc_standard -> ptd_calculate_point_type -> ptd_add_short_group_warnings.
    The rows are taken as given (R arranges by date; gaps are not detected).
    """
    if fix_after_n_points is not None and fix_after_n_points < 12:
        # R/ptd_spc_options.R: "fix_after_n_points must be ... greater than or equal to 12."
        raise ValueError("fix_after_n_points must be >= 12 in NHSRplotthedots")
    values = [float(v) for v in y]
    std = ptd_spc_standard(values, fix_after_n_points, screen_outliers)
    sct = ptd_special_cause_type(
        values, std.relative_to_mean, std.close_to_limits, std.outside_limits
    )
    pt = ptd_point_type(sct, PTD_DIRECTION[improvement_direction])
    return PtdResult(std, sct, pt, len(values) < PTD_SHORT_GROUP)


def ptd_spc_rebased(
    y: Sequence[float],
    rebase_at: Sequence[int],
    *,
    fix_after_n_points: int | None = None,
    improvement_direction: str = "increase",
    screen_outliers: bool = True,
) -> list[PtdResult]:
    """R/ptd_spc.R with ``rebase``: R/ptd_add_rebase_column.R marks the rebase dates with 1,
    R/ptd_spc_standard.R turns them into ``rebase_group = cumsum(rebase)`` and
    ``group_by(f, rebase_group)``, so the mean, moving ranges, limits and fix_after_n_points
    (``row_number()`` within the group) are each group's own; R/ptd_calculate_point_type.R
    groups by (f, rebase_group) too. One result per group, in order."""
    starts = sorted({0, *rebase_at})
    bounds = [*starts, len(y)]
    return [
        ptd_spc(
            y[a:b],
            fix_after_n_points=fix_after_n_points,
            improvement_direction=improvement_direction,
            screen_outliers=screen_outliers,
        )
        for a, b in itertools.pairwise(bounds)
    ]


def ptd_calculate_assurance_type(
    result: PtdResult, target: float | None, improvement_direction: str
) -> str | None:
    """R/ptd_calculate_assurance_type.R ``ptd_calculate_assurance_type`` (last row's limits).

    NA without a target or for "neutral"; target > upl -> fail/pass for increase/decrease;
    target < lpl -> pass/fail; else "inconsistent".
    """
    if target is None or improvement_direction == "neutral":
        return None
    is_increasing = improvement_direction == "increase"
    if target > result.standard.upl:
        return "consistent_fail" if is_increasing else "consistent_pass"
    if target < result.standard.lpl:
        return "consistent_pass" if is_increasing else "consistent_fail"
    return "inconsistent"


def ptd_variation_icon_file(point_type: str, improvement_direction: str) -> str:
    """R/geom_ptd_icon.R ``variation_icon_file`` (inside ``ptd_get_icons``): the variation
    icon's file name, without ".svg", for the last point's type. As in R, a concern is
    "low" when the improvement direction is "increase" (else "high"), an improvement
    "high" when it is "increase" (else "low")."""
    if point_type == "common_cause":
        return "common_cause"
    if point_type == "special_cause_neutral_high":
        return "neutral_high"
    if point_type == "special_cause_neutral_low":
        return "neutral_low"
    if point_type == "special_cause_concern":
        return "concern_" + ("low" if improvement_direction == "increase" else "high")
    if point_type == "special_cause_improvement":
        return "improvement_" + ("high" if improvement_direction == "increase" else "low")
    raise ValueError(point_type)  # case_match gives NA: R would find no file


def ptd_assurance_icon_file(assurance_type: str | None) -> str | None:
    """R/geom_ptd_icon.R ``assurance_icon_file``: "fail", "pass" or "inconsistent"; no
    icon (the row is filtered out) when the assurance type is NA."""
    if assurance_type is None:
        return None
    return {"consistent_fail": "fail", "consistent_pass": "pass", "inconsistent": "inconsistent"}[
        assurance_type
    ]


# --------------------------------------------------------------------------- FunnelPlotR

# R/calculate_limits.R and R/build_limits_lookup.R write the quantiles as literals.
FPR_Z95 = 1.959964
FPR_Z998 = 3.090232


@dataclass(frozen=True)
class FunnelPR:
    """FunnelPlotR's ``funnel_plot(..., data_type = "PR")`` quantities, per group in input order.

    ``limits`` maps "95"/"99.8" to (lower, upper) lists at each group's own denominator,
    taken from the adjusted ("od") columns when ``draw_adjusted`` ends up TRUE, else the
    unadjusted ones (which, for PR, are the same formula with tau2 = 0).
    """

    target: float
    target_transformed: float
    y: list[float]
    s: list[float]
    uzscore: list[float]
    wuzscore: list[float]
    n: int
    phi: float
    tau2: float
    draw_adjusted: bool
    limits: dict[str, tuple[list[float], list[float]]]
    od_limits: dict[str, tuple[list[float], list[float]]]
    unadjusted_limits: dict[str, tuple[list[float], list[float]]]
    outlier95: list[int]
    outlier998: list[int]


def fpr_transformed_zscore_pr(
    numerator: Sequence[float], denominator: Sequence[float]
) -> tuple[float, list[float], list[float], list[float]]:
    """R/od_adjustment.R ``transformed_zscore``, data_type == "PR".

    target_transformed <- asin(sqrt(sum(numerator) / sum(denominator)))
    Y <- asin(sqrt(numerator / denominator)); s <- 1 / (2 * sqrt(denominator))
    Uzscore <- (Y - target_transformed) / s
    """
    target_transformed = math.asin(math.sqrt(r_sum(numerator) / r_sum(denominator)))
    y = [math.asin(math.sqrt(o / d)) for o, d in zip(numerator, denominator, strict=True)]
    s = [1 / (2 * math.sqrt(d)) for d in denominator]
    uz = [(yi - target_transformed) / si for yi, si in zip(y, s, strict=True)]
    return target_transformed, y, s, uz


def fpr_winsorisation(uzscore: Sequence[float], trim_by: float = 0.1) -> list[float]:
    """R/od_adjustment.R ``winsorisation``.

    lz <- quantile(Uzscore, trim_by); uz <- quantile(Uzscore, 1 - trim_by)
    Wuzscore <- ifelse(Uzscore < lz, lz, ifelse(Uzscore > uz, uz, Uzscore))
    """
    lz = r_quantile7(uzscore, trim_by)
    uz = r_quantile7(uzscore, 1 - trim_by)
    out = []
    for z in uzscore:
        if z < lz:
            out.append(lz)
        elif z > uz:
            out.append(uz)
        else:
            out.append(z)
    return out


def fpr_phi_func(n: int, zscores: Sequence[float]) -> float:
    """R/od_adjustment.R ``phi_func``: phi <- (1 / n) * sum(zscores^2)."""
    return (1 / n) * r_sum([z**2 for z in zscores])


def fpr_tau_func(n: int, phi: float, s: Sequence[float]) -> float:
    """R/od_adjustment.R ``tau_func``.

    if length(S) == 0: 0; else if (n * phi) < (n - 1): 0; else
    max(0, ((sum(n) * sum(phi)) - (sum(n) - 1)) /
           (sum(1/(S^2)) - (sum((1/(S^2))^2) / sum(1/(S^2)))))
    """
    if len(s) == 0:
        return 0.0
    if (n * phi) < (n - 1):
        return 0.0
    w = [1 / (si**2) for si in s]
    sw = r_sum(w)
    sw2 = r_sum([wi**2 for wi in w])
    return max(0.0, ((n * phi) - (n - 1)) / (sw - (sw2 / sw)))


def fpr_calculate_limits_pr(
    number_seq: Sequence[float], target: float, tau2: float, draw_adjusted: bool
) -> dict[str, tuple[list[float], list[float]]]:
    """R/calculate_limits.R ``calculate_limits``, data_type == "PR".

    tau2 = ifelse(draw_adjusted == FALSE, 0, tau2); s <- 1 / (2 * sqrt(number.seq))
    ll95 <- sin(asin(sqrt(target)) - 1.959964 * sqrt((s^2) + tau2))^2  (no clipping)
    ul95 <- sin(asin(sqrt(target)) + 1.959964 * sqrt((s^2) + tau2))^2, same with 3.090232.
    (multiplier = 1.)
    """
    t2 = tau2 if draw_adjusted else 0.0
    centre = math.asin(math.sqrt(target))
    out: dict[str, tuple[list[float], list[float]]] = {}
    for name, z in (("95", FPR_Z95), ("99.8", FPR_Z998)):
        lower, upper = [], []
        for d in number_seq:
            s = 1 / (2 * math.sqrt(d))
            lower.append(math.sin(centre - z * math.sqrt((s**2) + t2)) ** 2)
            upper.append(math.sin(centre + z * math.sqrt((s**2) + t2)) ** 2)
        out[name] = (lower, upper)
    return out


def fpr_outliers(rr: Sequence[float], lower: Sequence[float], upper: Sequence[float]) -> list[int]:
    """R/outliers_func.R: outlier <- ifelse(rr <= UCL & rr >= LCL, 0, 1)."""
    return [0 if (r <= u and r >= lo) else 1 for r, lo, u in zip(rr, lower, upper, strict=True)]


def fpr_funnel_plot_pr(
    numerator: Sequence[float],
    denominator: Sequence[float],
    trim_by: float = 0.1,
    draw_adjusted: bool = True,
) -> FunnelPR:
    """R/funnel_plot.R ``funnel_plot(numerator, denominator, group, data_type = "PR")``.

    Groups are assumed distinct (aggregate_func would sum duplicate groups).
    target <- sum(numerator) / sum(denominator)      (data_type != "SR")
    winsorisation (PR is never truncated: truncation is only for SR + SHMI)
    n <- sum(!is.na(Wuzscore)); phi <- phi_func(n, na.omit(Wuzscore))
    tau2 <- tau_func(n, phi, S = s[!is.na(Wuzscore)])
    if (draw_adjusted == FALSE) { phi <- 0; tau2 <- 0 }
    if (draw_adjusted == TRUE & tau2 == 0) draw_adjusted <- FALSE
    Note: there is no "phi > 1" test; tau2 > 0 exactly when n * phi > n - 1.
    """
    num = [float(v) for v in numerator]
    den = [float(v) for v in denominator]
    target = r_sum(num) / r_sum(den)
    target_transformed, y, s, uz = fpr_transformed_zscore_pr(num, den)
    wuz = fpr_winsorisation(uz, trim_by)
    n = len(wuz)  # winsorised z are never NA
    phi = fpr_phi_func(n, wuz)
    tau2 = fpr_tau_func(n, phi, s)
    if not draw_adjusted:
        phi, tau2 = 0.0, 0.0
    if draw_adjusted and tau2 == 0:
        draw_adjusted = False
    # build_limits_lookup: calculate_limits(..., draw_adjusted = TRUE) then FALSE, on a grid
    # that includes every denominator; merge(..., by.x = "denominator") picks each group's.
    od = fpr_calculate_limits_pr(den, target, tau2, True)
    unadj = fpr_calculate_limits_pr(den, target, tau2, False)
    used = od if draw_adjusted else unadj
    rr = [o / d for o, d in zip(num, den, strict=True)]
    return FunnelPR(
        target=target,
        target_transformed=target_transformed,
        y=y,
        s=s,
        uzscore=uz,
        wuzscore=wuz,
        n=n,
        phi=phi,
        tau2=tau2,
        draw_adjusted=draw_adjusted,
        limits=used,
        od_limits=od,
        unadjusted_limits=unadj,
        outlier95=fpr_outliers(rr, *used["95"]),
        outlier998=fpr_outliers(rr, *used["99.8"]),
    )
