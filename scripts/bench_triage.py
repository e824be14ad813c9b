"""Benchmark: triage a national-scale synthetic workspace (not a test; run by hand).

    python scripts/bench_triage.py [--providers 10000] [--months 36]

Builds providers x all 22 indicators x months in memory (no CSV parsing), plus soft items,
and times each stage of a triage with the default ruleset.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np

from qsgrules.bundled import default_ruleset
from qsgrules.engine.triage import triage
from qsgrules.indicators import CATALOGUE
from qsgrules.ruleset import load_ruleset
from qsgrules.workspace import Observations, Provider, SoftItem, Workspace


def build(n: int, months: int, seed: int = 1) -> Workspace:
    rng = np.random.default_rng(seed)
    codes = [f"P{i:05d}" for i in range(n)]
    providers = {c: Provider(code=c, name=f"Provider {c}", type="acute", qsg="Q") for c in codes}
    last = 2019 * 12 + 2
    periods = np.arange(last - months + 1, last + 1)
    ids = [i.id for i in CATALOGUE]
    p = np.repeat(np.array(codes), len(ids) * months)
    ind = np.tile(np.repeat(np.array(ids), months), n)
    t = np.tile(periods, n * len(ids))
    den = rng.integers(2000, 30000, size=p.shape[0]).astype(np.float64)
    rate = rng.uniform(0.01, 0.3, size=p.shape[0])
    num = rng.binomial(den.astype(np.int64), rate).astype(np.float64)
    value = 100 * num / den
    obs = Observations.from_columns(p, ind, t.astype(np.int64), value, num, den)
    items = tuple(
        SoftItem(
            id=f"SI-{k}",
            provider=codes[int(rng.integers(n))],
            source="CQC",
            received=dt.date(2019, 1, 1) + dt.timedelta(days=int(rng.integers(0, 90))),
            domain="safety",
            severity="high",
            grading="B2",
            summary="Synthetic.",
        )
        for k in range(n // 2)
    )
    return Workspace("<bench>", providers, obs, items)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--providers", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=36)
    args = parser.parse_args()
    t0 = time.perf_counter()
    ws = build(args.providers, args.months)
    t1 = time.perf_counter()
    rs = load_ruleset(default_ruleset())
    result = triage(ws, rs, as_of="2019-03")
    t2 = time.perf_counter()
    rows = len(ws.observations)
    print(
        f"{args.providers} providers, {rows:,} observations: built in {t1 - t0:.1f} s, "
        f"triaged in {t2 - t1:.1f} s ({len(result.proposals)} proposals)"
    )


if __name__ == "__main__":
    main()
