"""A synthetic workspace for soft intelligence at scale (deterministic; no real data).

    python -m tests.benchmarks.soft_scale [--items 50000] [--providers 10000] [--format yaml]

writes a workspace to a temporary folder and times loading it (validation and the privacy
guard) and scoring every item with the default ruleset.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import tempfile
import time
from pathlib import Path

from qsgrules.model.vocabulary import Domain, Severity

SOURCES = ("CQC", "NHS England", "PHE", "HEE", "Monitor", "TDA", "Local CCG", "Healthwatch Local")
SUMMARIES = (
    "Staff report delays in escalating deteriorating patients on two surgical wards.",
    "Complaints about discharge letters arriving late at practices; themes recur.",
    "Visit found gaps in mandatory training records for bank staff.",
    "Board papers show the risk register has not been reviewed for six months.",
)


def write_workspace(
    folder: Path, *, providers: int, items: int, months: int = 3, fmt: str = "yaml", seed: int = 1
) -> Path:
    """A valid workspace: ``providers`` acute trusts, one indicator for ``months`` months
    each, ``items`` soft items spread over them (some linked by ``corroborates``)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    codes = [f"P{i:05d}" for i in range(providers)]
    (folder / "providers.csv").write_text(
        "code,name,type,qsg\n" + "".join(f"{c},Provider {c},acute,Q\n" for c in codes)
    )
    (folder / "indicators.csv").write_text(
        "provider,indicator,period,value\n"
        + "".join(
            f"{c},ae_4hr_type1,2019-{m:02d},{rng.uniform(2, 40):.1f}\n"
            for c in codes
            for m in range(1, months + 1)
        )
    )
    (folder / "members.csv").write_text(
        "name,kind\nLocal CCG,commissioner\nHealthwatch Local,healthwatch\n"
    )
    domains, severities = list(Domain), list(Severity)
    rows = []
    for k in range(items):
        received = dt.date(2018, 4, 1) + dt.timedelta(days=rng.randrange(360))
        row = {
            "id": f"SI-{k + 1:06d}",
            "provider": codes[rng.randrange(providers)],
            "source": SOURCES[rng.randrange(len(SOURCES))],
            "received": received.isoformat(),
            "domain": domains[rng.randrange(4)].value,
            "severity": severities[rng.randrange(4)].value,
            "grading": "ABCDE"[rng.randrange(5)] + str(rng.randrange(1, 6)),
            # every summary distinct, as real ones are (no scan is saved by repetition)
            "summary": f"{SUMMARIES[rng.randrange(len(SUMMARIES))]} Note {_words(k)}.",
        }
        if k and rng.random() < 0.05:
            row["corroborates"] = f"SI-{rng.randrange(k) + 1:06d}"
        rows.append(row)
    if fmt == "csv":
        header = [*SUMMARY_FIELDS, "corroborates"]
        lines = [",".join(header)]
        lines += [",".join(str(r.get(h, "")) for h in header) for r in rows]
        (folder / "intelligence.csv").write_text("\n".join(lines) + "\n")
    else:
        out = []
        for r in rows:
            out.append("- " + "\n  ".join(f"{k}: {v}" for k, v in r.items()) + "\n")
        (folder / "intelligence.yaml").write_text("".join(out))
    return folder


def _words(k: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    word = ""
    while True:
        k, r = divmod(k, 26)
        word = letters[r] + word
        if not k:
            return word


SUMMARY_FIELDS = (
    "id",
    "provider",
    "source",
    "received",
    "domain",
    "severity",
    "grading",
    "summary",
)


def main() -> None:
    from qsgrules.bundled import default_ruleset
    from qsgrules.evidence.soft import summarise
    from qsgrules.ruleset import load_ruleset
    from qsgrules.workspace import load_workspace

    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--providers", type=int, default=10_000)
    parser.add_argument("--format", choices=["yaml", "csv"], default="yaml")
    args = parser.parse_args()
    settings = load_ruleset(default_ruleset()).spec.soft
    with tempfile.TemporaryDirectory() as tmp:
        ws_path = write_workspace(
            Path(tmp) / "ws", providers=args.providers, items=args.items, fmt=args.format
        )
        t0, c0 = time.perf_counter(), time.process_time()
        ws = load_workspace(ws_path, today=dt.date(2019, 3, 31))
        t1, c1 = time.perf_counter(), time.process_time()
        summaries = summarise(ws.intelligence, settings, 2019 * 12 + 2)
        t2, c2 = time.perf_counter(), time.process_time()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.items:,} items ({args.format}) over {args.providers:,} providers: "
        f"load (parse, validate, privacy guard) {t1 - t0:.2f} s wall ({c1 - c0:.2f} s CPU), "
        f"scoring {t2 - t1:.2f} s wall ({c2 - c1:.2f} s CPU), "
        f"{sum(len(s.findings) for s in summaries.values()):,} findings, peak {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
