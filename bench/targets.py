"""Issue 18's targets, measured end to end through the command line, in one table.

    python bench/targets.py [--work DIR] [--national 10000] [--large 30000] [--json FILE]
                            [--only NAME,...] [--quick]

Each row is `qsg ...` run in a subprocess (interpreter start-up included), or, for the soft
items, their loading and scoring in a fresh process: the wall time (median of the runs),
the CPU time of the process and every process it started, its peak RSS, the peak PSS of
the process and its children together (what a split run really holds: pages the children
share with the parent count once), and the 1-minute load average when the row started and
ended (this machine is shared: a load above 2 on its 2 cores means the figure is slower
than the machine). Then the engine against the pure-Python oracle on the national
workspace (bench/stages.py). ``--quick`` measures tiny workspaces: the suite's smoke test
(tests/test_bench.py), where nothing is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from bench import workloads

HERE = Path(__file__).resolve().parent
QSG = [
    sys.executable,
    "-c",
    "import sys; from qsgrules.cli.main import main; sys.argv[0] = 'qsg'; main()",
]


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (whichever of its threads started it)."""
    parent: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses
        parent[int(stat.parent.name)] = int(text[text.rindex(")") + 2 :].split()[1])
    found, frontier = [], [pid]
    while frontier:
        below = [p for p, pp in parent.items() if pp in frontier]
        found += below
        frontier = below
    return found


def _pss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class TreePss:
    """The largest PSS of a process and its descendants together, sampled every 100 ms."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0.0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.wait(0.1):
            total = sum(_pss_mb(p) for p in [self.pid, *_descendants(self.pid)])
            self.peak = max(self.peak, total)

    def stop(self) -> float:
        self.done.set()
        self.thread.join()
        return self.peak


def load1() -> float:
    return os.getloadavg()[0]


def run(args: list[str], repeat: int = 1, cwd: Path | None = None) -> dict[str, Any]:
    """A command in a subprocess ``repeat`` times, output to /dev/null."""
    walls, cpus, rss, pss = [], [], [], []
    load_before = load1()
    for _ in range(repeat):
        with open(os.devnull, "wb") as sink:
            start = time.perf_counter()
            child = subprocess.Popen(args, stdout=sink, stderr=subprocess.PIPE, cwd=cwd)
            sampler = TreePss(child.pid)
            assert child.stderr is not None
            err = child.stderr.read()  # read as it comes: a full pipe would stall the child
            _, status, usage = os.wait4(child.pid, 0)
            walls.append(time.perf_counter() - start)
            pss.append(sampler.stop())
        if status != 0:
            return {"error": f"exit {status >> 8 or status}: {err.decode()[-400:]}"}
        rss.append(usage.ru_maxrss / 1024)
        cpus.append(usage.ru_utime + usage.ru_stime)
    return {
        "wall_s": statistics.median(walls),
        "cpu_s": statistics.median(cpus),
        "rss_mb": max(rss),
        "pss_mb": max(pss),
        "runs": repeat,
        "load": (load_before, load1()),
    }


@dataclass(frozen=True)
class Row:
    name: str
    target_s: float | None
    target_mb: float | None
    args: list[str]
    repeat: int = 1
    cwd: Path | None = None


def soft_items(workspace: Path) -> dict[str, Any]:
    """Its soft items read, validated, privacy-scanned and scored, in a fresh process."""
    load_before = load1()
    done = subprocess.run(
        [sys.executable, str(Path(__file__)), "--soft-only", str(workspace)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"error": done.stderr[-400:]}
    result: dict[str, Any] = json.loads(done.stdout)
    result["load"] = (load_before, load1())
    return result


def _soft_only(workspace: Path) -> None:
    """Prints the seconds to read, validate, scan and score the workspace's soft items."""
    from qsgrules import collector
    from qsgrules.api import open_ruleset
    from qsgrules.evidence.soft import summarise
    from qsgrules.workspace.loader import load_intelligence
    from qsgrules.workspace.members import parse_members
    from qsgrules.workspace.providers_csv import parse_providers

    collector.off_for_this_process()
    problems: list[Any] = []
    parsed = parse_providers((workspace / "providers.csv").read_text(), problems)
    assert parsed is not None
    providers = parsed[0]
    members = parse_members((workspace / "members.csv").read_text(), problems)
    settings = open_ruleset().spec.soft
    import datetime as dt

    day = dt.date(2019, 3, 31)
    start, start_cpu = time.perf_counter(), time.process_time()
    items = load_intelligence(workspace, providers, members, day, problems, [])
    loaded = time.perf_counter()
    found = summarise(items, settings, day, members)
    end, end_cpu = time.perf_counter(), time.process_time()
    assert not problems, problems[:3]
    print(
        json.dumps(
            {
                "items": len(items),
                "providers": len(found),
                "load_s": loaded - start,
                "score_s": end - loaded,
                "wall_s": end - start,
                "cpu_s": end_cpu - start_cpu,
            }
        )
    )


def _pack_args(workspace: Path | None, out: Path, jobs: str) -> list[str]:
    where = [] if workspace is None else ["--workspace", str(workspace)]
    return [*QSG, "pack", *where, "--out", str(out), "--jobs", jobs]


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return ""
    if unit == "MB":
        return f"{v / 1024:.2f} GB" if v >= 1024 else f"{v:.0f} MB"
    return f"{v:.2f} s"


def verdict(result: dict[str, Any], target_s: float | None, target_mb: float | None) -> str:
    if "error" in result:
        return "FAILED"
    if target_s is None and target_mb is None:
        return ""
    missed = []
    if target_s is not None and result["wall_s"] > target_s:
        missed.append(f"+{result['wall_s'] - target_s:.1f} s")
    mb = result.get("pss_mb") or result.get("rss_mb")
    if target_mb is not None and mb is not None and mb > target_mb:
        missed.append(f"+{(mb - target_mb) / 1024:.2f} GB")
    return "met" if not missed else "missed " + ", ".join(missed)


def table(rows: list[tuple[str, str, dict[str, Any], str]]) -> str:
    head = (
        f"{'work':<46} {'target':>13} {'wall':>8} {'cpu':>8} {'peak RSS':>9} {'peak PSS':>9} "
        f"{'load 1m':>11}  verdict"
    )
    lines = [head, "-" * len(head)]
    for name, target, r, said in rows:
        if "error" in r:
            lines.append(f"{name:<46} {target:>13}  failed: {r['error'].strip()[-200:]}")
            continue
        load = f"{r['load'][0]:.1f}-{r['load'][1]:.1f}"
        lines.append(
            f"{name:<46} {target:>13} {_fmt(r['wall_s'], 's'):>8} {_fmt(r.get('cpu_s'), 's'):>8} "
            f"{_fmt(r.get('rss_mb'), 'MB'):>9} {_fmt(r.get('pss_mb'), 'MB'):>9} {load:>11}  {said}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    parser.add_argument("--national", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=30_000)
    parser.add_argument("--pack-providers", type=int, default=150)
    parser.add_argument("--dask-providers", type=int, default=2_000)
    parser.add_argument("--only", default="", help="comma-separated row-name prefixes")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run each")
    parser.add_argument("--soft-only", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.soft_only is not None:
        _soft_only(args.soft_only)
        return 0
    if args.quick:
        args.national, args.large, args.pack_providers, args.dask_providers = 60, 90, 20, 40
    args.work.mkdir(parents=True, exist_ok=True)
    # a comma before a digit is a thousands separator of a row's name ("national 10,000")
    only = [s.strip() for s in re.split(r",(?!\d)", args.only) if s.strip()]
    demo_repeat = 1 if args.quick else 5
    national = workloads.synthetic(args.work, args.national)
    n = f"{args.national:,}"
    rows: list[Row] = [
        Row("demo: qsg triage (table)", 0.5, None, [*QSG, "triage"], demo_repeat),
        Row("demo: qsg triage --format json", 0.5, None, [*QSG, "triage", "--format", "json"],
            demo_repeat),
    ]  # fmt: skip
    for jobs in ("1", "2"):
        rows.append(
            Row(f"national {n}: triage json --jobs {jobs}", 6.0, 2048.0,
                [*QSG, "triage", "-w", str(national), "--format", "json", "--jobs", jobs])
        )  # fmt: skip
    rows.append(
        Row(f"national {n}: triage table --jobs 2", None, None,
            [*QSG, "triage", "-w", str(national), "--jobs", "2"])
    )  # fmt: skip
    measured: list[tuple[str, str, dict[str, Any], str]] = []

    def wanted(name: str) -> bool:
        return not only or any(name.startswith(o) for o in only)

    def measure(row: Row) -> None:
        if not wanted(row.name):
            return
        print(f"  {row.name}...", file=sys.stderr, flush=True)
        result = run(row.args, row.repeat, row.cwd)
        target = " / ".join(
            t for t in (
                f"{row.target_s:g} s" if row.target_s is not None else "",
                f"{row.target_mb / 1024:g} GB" if row.target_mb is not None else "",
            ) if t
        )  # fmt: skip
        measured.append((row.name, target, result, verdict(result, row.target_s, row.target_mb)))

    for row in rows:
        measure(row)
    name = f"soft items: {args.national * workloads.ITEMS_PER_PROVIDER:,} read+checked+scored"
    if wanted(name):
        print(f"  {name}...", file=sys.stderr, flush=True)
        soft = soft_items(national)
        measured.append((name, "1 s", soft, verdict(soft, 1.0, None)))
    if wanted("large"):
        large = workloads.synthetic(args.work, args.large)
        measure(
            Row(f"large {args.large:,}: triage json --jobs 2", 18.0, 4096.0,
                [*QSG, "triage", "-w", str(large), "--format", "json", "--jobs", "2"])
        )  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        for jobs in ("1", "2"):
            measure(Row(f"demo: qsg pack (18 providers) --jobs {jobs}", 1.5, None,
                        _pack_args(None, Path(scratch) / "demo.html", jobs)))  # fmt: skip
        if wanted("pack"):
            packed = workloads.synthetic(args.work, args.pack_providers)
            for jobs in ("1", "2"):
                measure(
                    Row(f"pack {args.pack_providers} providers --jobs {jobs}", 8.0, None,
                        _pack_args(packed, Path(scratch) / "big.html", jobs))
                )  # fmt: skip
    measure(
        Row(f"national {n}: backtest 12 months --jobs 2", 60.0, None,
            [*QSG, "backtest", "-w", str(national), "--from", "2018-04", "--to", "2019-03",
             "--format", "json", "--jobs", "2"])
    )  # fmt: skip
    if wanted("dask"):
        small = workloads.synthetic(args.work, args.dask_providers)
        d = f"{args.dask_providers:,}"
        for how in (["--jobs", "1"], ["--dask", "1"], ["--dask", "2"]):
            measure(
                Row(f"dask: backtest {d} x 6 months {' '.join(how)}", None, None,
                    [*QSG, "backtest", "-w", str(small), "--from", "2018-10", "--to", "2019-03",
                     "--format", "json", *how])
            )  # fmt: skip
    print(table(measured))
    if wanted("oracle"):
        print(f"  oracle: bench/stages.py {national}...", file=sys.stderr, flush=True)
        before = load1()
        done = subprocess.run(
            [sys.executable, str(HERE / "stages.py"), str(national)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode == 0:
            s = json.loads(done.stdout)
            print(
                f"\nengine against the pure-Python oracle, national {n} (load {before:.1f}-"
                f"{load1():.1f}): {s['profiles']:,} profiles, engine {s['engine_s']:.2f} s, "
                f"oracle {s['oracle_s']:.2f} s, disagreements {s['disagreements']}"
            )
            measured.append(("oracle", "", s, ""))
        else:
            print(f"\noracle: failed: {done.stderr[-300:]}")
            measured.append(("oracle", "", {"error": done.stderr[-300:]}, "FAILED"))
    if args.json:
        args.json.write_text(
            json.dumps([{"name": a, "target": b, "result": c, "verdict": d}
                        for a, b, c, d in measured], indent=2) + "\n",
            encoding="utf-8",
        )  # fmt: skip
    failed = [m for m in measured if m[3] == "FAILED" or m[2].get("disagreements")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
