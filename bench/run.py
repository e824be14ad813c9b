"""The qsgrules benchmark: one command, one table (see bench/README.md).

    python bench/run.py [--sizes 1000,3000,10000,30000] [--national 10000] [--repeat 1]
                        [--work DIR] [--json FILE] [--quick]

For the bundled demo, the real A&E data and a national synthetic workspace (10,000 providers
x every indicator x 36 months + 50,000 soft items), and for synthetic workspaces of each of
``--sizes`` providers: the wall time and peak RSS of `qsg triage --format json` end to end in
a subprocess (interpreter start-up included), and the time of each stage measured in a
fresh process (bench/stages.py), with the engine's time against the pure-Python oracle's on
the same profiles. A size whose loading would need more memory than the machine has free
is measured in memory instead (`bench/stages.py --in-memory`: the same generator and numbers,
no CSV): every stage but loading; or skipped when even that does not fit. Exit status 1 if
the engine and the oracle ever disagree.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from bench import workloads

HERE = Path(__file__).resolve().parent
#: Peak memory of bench/stages.py --in-memory per provider (measured: 0.21 MB at 30,000).
IN_MEMORY_MB_PER_PROVIDER = 0.3
CLI = "import sys; from qsgrules.cli.main import main; sys.argv[0] = 'qsg'; main()"
STAGE_NAMES = (
    "load",
    "ruleset",
    "statistics",
    "soft scoring",
    "inference",
    "explanations",
    "other",
    "output",
)


def end_to_end(workspace: Path, repeat: int) -> dict[str, Any]:
    """`qsg triage --format json` in a subprocess: median wall time, its peak RSS."""
    walls, peaks, cpus = [], [], []
    for _ in range(repeat):
        with open(os.devnull, "wb") as sink:
            start = time.perf_counter()
            child = subprocess.Popen(
                [sys.executable, "-c", CLI, "triage", "--workspace", str(workspace), "--format",
                 "json"],
                stdout=sink,
                stderr=subprocess.PIPE,
            )  # fmt: skip
            _, status, usage = os.wait4(child.pid, 0)
            walls.append(time.perf_counter() - start)
        err = child.stderr.read().decode() if child.stderr else ""
        if status != 0:
            return {"error": f"exit status {status >> 8 or status}: {err.strip()[-300:]}"}
        peaks.append(usage.ru_maxrss / 1024)  # KB on Linux
        cpus.append(usage.ru_utime + usage.ru_stime)
    return {
        "wall_s": statistics.median(walls),
        "cpu_s": statistics.median(cpus),
        "peak_mb": max(peaks),
        "runs": repeat,
    }


def stages(workspace: Path | int) -> dict[str, Any]:
    """bench/stages.py on a folder, or on that many providers built in memory."""
    where = ["--in-memory", str(workspace)] if isinstance(workspace, int) else [str(workspace)]
    done = subprocess.run(
        [sys.executable, str(HERE / "stages.py"), *where],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip()[-300:] or f"exit status {done.returncode}"}
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def available_mb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return float("inf")


def measure(name: str, workspace: Path, repeat: int) -> dict[str, Any]:
    print(f"  {name}: end to end...", file=sys.stderr, flush=True)
    e2e = end_to_end(workspace, repeat)
    print(f"  {name}: stages...", file=sys.stderr, flush=True)
    return {"name": name, "workspace": str(workspace), "e2e": e2e, "stages": stages(workspace)}


def _mb(v: float) -> str:
    return f"{v / 1024:.2f} GB" if v >= 1024 else f"{v:.0f} MB"


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        f"{'workload':<28} {'providers':>9} {'rows':>11} {'items':>7} "
        f"{'e2e wall':>9} {'e2e cpu':>9} {'e2e peak':>9}",
    ]
    for r in results:
        s, e = r["stages"], r["e2e"]
        if "skipped" in r:
            lines.append(f"{r['name']:<28} skipped: {r['skipped']}")
            continue
        not_run = str(e.get("error", "")).startswith("not run")
        wall = f"{e['wall_s']:.2f} s" if "wall_s" in e else ("not run" if not_run else "failed")
        cpu = f"{e['cpu_s']:.2f} s" if "cpu_s" in e else ""
        peak = _mb(e["peak_mb"]) if "peak_mb" in e else ""
        if "error" in s:
            lines.append(f"{r['name']:<28} {'':>9} {'':>11} {'':>7} {wall:>9} {cpu:>9} {peak:>9}")
            lines.append(f"  stages failed: {s['error']}")
            continue
        lines.append(
            f"{r['name']:<28} {s['providers']:>9,} {s['rows']:>11,} {s['items']:>7,} "
            f"{wall:>9} {cpu:>9} {peak:>9}"
        )
        if "error" in e:
            lines.append(f"  end to end: {e['error']}")
    lines.append("")
    lines.append("seconds per stage (in-process, one run each):")
    lines.append(
        f"{'workload':<28} "
        + " ".join(f"{n[:9]:>9}" for n in STAGE_NAMES)
        + f" {'total':>7} {'peak':>8}"
    )
    for r in results:
        s = r["stages"]
        if "skipped" in r or "error" in s:
            continue
        lines.append(
            f"{r['name']:<28} "
            + " ".join(f"{s['stages'][n]:>9.2f}" for n in STAGE_NAMES)
            + f" {s['total_s']:>7.2f} {_mb(s['peak_mb']):>8}"
        )
    lines.append("")
    lines.append("CPU seconds per stage (the same runs: what a busy machine cannot inflate):")
    lines.append(
        f"{'workload':<28} " + " ".join(f"{n[:9]:>9}" for n in STAGE_NAMES) + f" {'total':>7}"
    )
    for r in results:
        s = r["stages"]
        if "skipped" in r or "error" in s:
            continue
        lines.append(
            f"{r['name']:<28} "
            + " ".join(f"{s['stages_cpu'][n]:>9.2f}" for n in STAGE_NAMES)
            + f" {s['total_cpu_s']:>7.2f}"
        )
    lines.append("")
    lines.append("engine against the pure-Python oracle (same profiles, same rules):")
    lines.append(
        f"{'workload':<28} {'profiles':>9} {'engine s':>9} {'oracle s':>9} {'ratio':>7} "
        f"{'disagree':>8} {'us/provider':>11}"
    )
    for r in results:
        s = r["stages"]
        if "skipped" in r or "error" in s:
            continue
        ratio = s["engine_s"] / s["oracle_s"] if s["oracle_s"] else float("nan")
        per = 1e6 * s["engine_s"] / max(1, s["profiles"])
        lines.append(
            f"{r['name']:<28} {s['profiles']:>9,} {s['engine_s']:>9.3f} {s['oracle_s']:>9.3f} "
            f"{ratio:>6.1f}x {s['disagreements']:>8} {per:>11.0f}"
        )
    growth = [
        r for r in results if r["name"].startswith("synthetic") and "error" not in r["stages"]
        and "skipped" not in r
    ]  # fmt: skip
    if growth:
        lines.append("")
        lines.append("growth (per 1,000 providers):")
        lines.append(f"{'providers':>9} {'e2e s':>8} {'stages s':>9} {'peak MB':>8}")
        for r in growth:
            k = r["stages"]["providers"] / 1000
            e2e = r["e2e"].get("wall_s", float("nan")) / k
            lines.append(
                f"{r['stages']['providers']:>9,} {e2e:>8.2f} {r['stages']['total_s'] / k:>9.2f} "
                f"{r['stages']['peak_mb'] / k:>8.0f}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,3000,10000,30000")
    parser.add_argument("--national", type=int, default=10_000, help="0 to leave it out")
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=1, help="end-to-end runs (median)")
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument(
        "--memory-mb",
        type=float,
        default=None,
        help="memory the benchmark may use (default: what the machine has free)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="one end-to-end run each (the suite's smoke test)"
    )
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()} | {args.national} - {0})
    args.work.mkdir(parents=True, exist_ok=True)
    print("qsgrules benchmark: building workspaces...", file=sys.stderr, flush=True)
    results = [
        measure("demo", workloads.demo(), args.repeat if args.quick else max(args.repeat, 5)),
        measure("A&E England", workloads.ae(args.work), args.repeat if args.quick else 3),
    ]
    mb_per_provider = 0.0
    for n in sizes:
        name = f"synthetic {n:,}" + (" (national)" if n == args.national else "")
        projected = mb_per_provider * n * 1.2
        free = available_mb() if args.memory_mb is None else args.memory_mb
        if projected > free:
            in_memory = IN_MEMORY_MB_PER_PROVIDER * n * 1.2
            reason = f"loading needs ~{_mb(projected)}, {_mb(free)} free"
            if in_memory > free and args.memory_mb is None:
                results.append({"name": name, "stages": {}, "e2e": {}, "skipped": reason})
                continue
            # every stage after loading, on the same data built in memory
            print(f"  {name}: {reason}: stages in memory...", file=sys.stderr, flush=True)
            results.append(
                {"name": f"{name} in memory", "e2e": {"error": f"not run: {reason}"},
                 "stages": stages(n)}
            )  # fmt: skip
            continue
        start = time.perf_counter()
        workspace = workloads.synthetic(args.work, n, args.months)
        print(f"  {name}: workspace ready in {time.perf_counter() - start:.1f} s",
              file=sys.stderr, flush=True)  # fmt: skip
        result = measure(name, workspace, args.repeat)
        results.append(result)
        peak = max(result["e2e"].get("peak_mb", 0.0), result["stages"].get("peak_mb", 0.0))
        mb_per_provider = max(mb_per_provider, peak / n)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    bad = [r["name"] for r in results if r["stages"].get("disagreements")]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
