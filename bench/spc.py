"""Time xmr_batch on 300,000 series of 36 monthly points (the national-scale workload).

Run: python bench/spc.py [n_series] [n_points]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from qsgrules.stats.spc import SPECIAL_CAUSES, xmr_batch


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    t = int(sys.argv[2]) if len(sys.argv) > 2 else 36
    rng = np.random.default_rng(20240101)
    # integer-valued counts: plenty of ties, runs and trends to exercise every rule
    matrix = rng.poisson(20, size=(n, t)).astype(np.float64)
    matrix[: n // 10] += np.arange(t)  # a tenth with a drift, so trends fire
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        result = xmr_batch(matrix, improvement="decrease")
        best = min(best, time.perf_counter() - start)
    counts = np.bincount(result.special_cause.ravel(), minlength=len(SPECIAL_CAUSES))
    print(f"xmr_batch: {n:,} series x {t} points: best of 3 = {best:.3f} s")
    for name, count in zip(SPECIAL_CAUSES, counts, strict=True):
        print(f"  {name:<20} {count:>10,}")


if __name__ == "__main__":
    main()
