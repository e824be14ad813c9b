"""The register at scale: one command, one table (see bench/README.md).

    python bench/register_scale.py [--sizes 50,50000] [--clients 20] [--seconds 30]
                                   [--repeat 5] [--providers 150] [--work DIR] [--json FILE]

Builds (once, into the work folder) registers of each of ``--sizes`` records for a large
QSG (bench/registers.py: 150 providers, a meeting a month), then for each: `qsg serve` in
its own process on 127.0.0.1 under ``--clients`` clients for ``--seconds`` (bench/load.py:
pages and writes, p50/p95/p99, requests per second, the server's CPU seconds), and the
wall and CPU time of `qsg triage --register`, `agenda`, `note` and `coverage` (median of
``--repeat`` runs, sizes interleaved so that a change in the machine's load falls on
both). The load average is printed beside each figure: the machine is shared. Timings are
printed, never asserted; the exit status is 1 only when a request or a command failed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from bench import load as L
from bench import registers

HERE = Path(__file__).resolve().parent
CLI = "import sys; from qsgrules.cli.main import main; sys.argv[0] = 'qsg'; main()"
#: The targets of issue 17, item 9.
PAGE_P99, WRITE_P99, WITHIN = 0.300, 0.500, 0.20
#: The day the commands run on (coverage's --on): a month after the data end.
ON = "2019-04-30"


def loadavg() -> str:
    return "{:.1f}/{:.1f}/{:.1f}".format(*os.getloadavg())


def _cpu_of(pid: int) -> float:
    """A running process's CPU seconds (user + system), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


#: What `qsg serve` says once it listens (on stderr): the port the system chose.
LISTENING = re.compile(rb" on http://[^ ]*:(\d+)/ \(Ctrl-C")


def _wait_until_served(host: str, child: subprocess.Popen[bytes], log: Path) -> tuple[int, str]:
    """The port `qsg serve --port 0` listens on, and its page. The system chooses the port
    as the server binds it: a port found free beforehand could be taken by another process
    first on a shared machine, and the load would then go to whatever answers there."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        said = log.read_bytes()  # its own handle: the child's write offset is left alone
        if child.poll() is not None:
            err = said.decode("utf-8", "replace")
            raise RuntimeError(f"qsg serve stopped: {err.strip()[-400:]}")
        found = LISTENING.search(said)
        if found is None:
            time.sleep(0.2)
            continue
        port = int(found.group(1))
        try:
            status, html = L.get(host, port, "/")
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200:
            return port, html
        raise RuntimeError(f"qsg serve answered {status}")
    raise RuntimeError("qsg serve did not answer within 300 s")


def serve_load(
    ws: Path, register: Path, *, clients: int, seconds: float, scratch: Path
) -> dict[str, Any]:
    """`qsg serve` on a copy of ``register`` (the writes land in the copy) under load."""
    copy = scratch / f"serve-{register.name}"
    shutil.copyfile(register, copy)
    meeting = registers.open_meeting_id(copy)
    host = "127.0.0.1"
    said = scratch / f"serve-{register.stem}.log"
    log = said.open("w+b")  # never a pipe: it would fill
    child = subprocess.Popen(
        [sys.executable, "-c", CLI, "serve", "-w", str(ws), "--register", str(copy),
         "--host", host, "--port", "0", "--by", "bench"],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )  # fmt: skip
    try:
        port, html = _wait_until_served(host, child, said)
        target = L.Target(
            host,
            port,
            L.token_of(html),
            meeting,
            registers.provider_codes(ws),
            registers.attending(copy, meeting),
        )
        # warmed up first: each provider's charts are drawn once per process, on its first
        # page (the same work for every register size); measured is the steady state
        warm = time.perf_counter()
        for code in target.providers:
            L.get(host, port, "/provider/" + code)
        warm_s = time.perf_counter() - warm
        before_records, before_cpu, avg = registers.count(copy), _cpu_of(child.pid), loadavg()
        result = L.summary(L.run(target, clients=clients, seconds=seconds))
        result["server_cpu_s"] = _cpu_of(child.pid) - before_cpu
        result["warm_up_s"] = warm_s
        result["loadavg"] = f"{avg} -> {loadavg()}"
    finally:
        child.terminate()
        try:
            child.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a server starved of CPU: not what is measured
            child.kill()
            child.wait()
        log.close()
    result["records_written"] = registers.count(copy) - before_records
    result["meeting"] = meeting
    copy.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(copy) + suffix).unlink(missing_ok=True)
    return result


def commands(ws: Path, register: Path, meeting: str) -> dict[str, list[str]]:
    common = ["-w", str(ws), "--register", str(register)]
    return {
        "triage --register": ["triage", *common, "--format", "json"],
        "agenda": ["agenda", meeting, *common],
        "note": ["note", meeting, *common],
        "coverage": ["coverage", *common, "--on", ON],
    }


def run_command(argv: list[str]) -> tuple[float, float]:
    """One command in a subprocess, output discarded: (wall, CPU seconds)."""
    with open(os.devnull, "wb") as sink:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", CLI, *argv], stdout=sink, stderr=subprocess.PIPE
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    err = child.stderr.read().decode() if child.stderr else ""
    if child.stderr:
        child.stderr.close()
    if status != 0:
        raise RuntimeError(f"qsg {' '.join(argv[:2])}: exit {status >> 8}: {err.strip()[-300:]}")
    return wall, usage.ru_utime + usage.ru_stime


def time_commands(
    ws: Path, regs: dict[int, Path], repeat: int
) -> dict[int, dict[str, dict[str, float]]]:
    """Median wall and CPU seconds of each command on each register, runs interleaved."""
    plans = {n: commands(ws, path, registers.open_meeting_id(path)) for n, path in regs.items()}
    runs: dict[int, dict[str, list[tuple[float, float]]]] = {
        n: {name: [] for name in plan} for n, plan in plans.items()
    }
    for _ in range(repeat):
        for name in next(iter(plans.values())):
            for n, plan in plans.items():
                runs[n][name].append(run_command(plan[name]))
    return {
        n: {
            name: {
                "wall_s": statistics.median(w for w, _ in times),
                "cpu_s": statistics.median(c for _, c in times),
            }
            for name, times in by_name.items()
        }
        for n, by_name in runs.items()
    }


def table(results: dict[str, Any]) -> str:
    sizes = sorted(results["serve"], key=int)
    lines = [f"load average (1/5/15 min) at the start: {results['loadavg']}", ""]
    lines.append(
        f"qsg serve, {results['clients']} clients for {results['seconds']:.0f} s on 127.0.0.1 "
        f"(targets: pages p99 <= {PAGE_P99 * 1000:.0f} ms, writes p99 <= "
        f"{WRITE_P99 * 1000:.0f} ms):"
    )
    lines.append(
        f"{'records':>8} {'req/s':>6} {'pages':>6} {'p50':>6} {'p95':>6} {'p99':>6} "
        f"{'writes':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6} {'bad':>4} {'cpu s':>6} "
        f"{'ms/req':>6}  load average"
    )
    for n in sizes:
        s = results["serve"][n]
        p, w = s["page"], s["write"]
        ms = lambda v: f"{v * 1000:>6.0f}"  # noqa: E731
        bad = p["bad"] + w["bad"] + s["failures"]
        lines.append(
            f"{int(n):>8,} {s['per_second']:>6.1f} {p['count']:>6} {ms(p['p50'])} {ms(p['p95'])} "
            f"{ms(p['p99'])} {w['count']:>6} {ms(w['p50'])} {ms(w['p95'])} {ms(w['p99'])} "
            f"{ms(max(p['max'], w['max']))} {bad:>4} {s['server_cpu_s']:>6.1f} "
            f"{1000 * s['server_cpu_s'] / max(1, s['requests']):>6.1f}  {s['loadavg']}"
        )
    lines.append(
        "  (milliseconds; bad: answers other than 200 for a page and 303 for a write; cpu s: "
        "the server's CPU seconds over the run, ms/req: per request; after a warm-up reading "
        "every provider's page once)"
    )
    lines.append("")
    small, large = sizes[0], sizes[-1]
    lines.append(
        f"commands (median of {results['repeat']}; wall and CPU seconds; target: {int(large):,} "
        f"within {WITHIN:.0%} of {int(small):,}), load average {results['commands_loadavg']}:"
    )
    lines.append(
        f"{'command':<18} "
        + " ".join(f"{f'{int(n):,} wall':>12} {'cpu':>6}" for n in sizes)
        + f" {'wall ratio':>10} {'cpu ratio':>9}"
    )
    timed = results["commands"]
    for name in timed[small]:
        cells = " ".join(
            f"{timed[n][name]['wall_s']:>12.2f} {timed[n][name]['cpu_s']:>6.2f}" for n in sizes
        )
        wall = timed[large][name]["wall_s"] / timed[small][name]["wall_s"]
        cpu = timed[large][name]["cpu_s"] / timed[small][name]["cpu_s"]
        lines.append(f"{name:<18} {cells} {wall:>10.2f} {cpu:>9.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="50,50000", help="records in each register")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each command (median)")
    parser.add_argument(
        "--providers",
        type=int,
        default=registers.PROVIDERS,
        help="providers in the QSG (fewer: the suite's smoke test, where nothing is timed)",
    )
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    args.work.mkdir(parents=True, exist_ok=True)

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    say("register benchmark: building registers (once)...")
    regs = {n: registers.register(args.work, n, providers=args.providers, say=say) for n in sizes}
    ws = registers.workspace(args.work, args.providers)
    results: dict[str, Any] = {
        "loadavg": loadavg(),
        "clients": args.clients,
        "seconds": args.seconds,
        "repeat": args.repeat,
        "records": {str(n): registers.count(p) for n, p in regs.items()},
        "serve": {},
    }
    with tempfile.TemporaryDirectory(dir=args.work) as scratch:
        for n, path in regs.items():
            say(f"  serve under load: {n:,} records...")
            results["serve"][str(n)] = serve_load(
                ws, path, clients=args.clients, seconds=args.seconds, scratch=Path(scratch)
            )
    say("  commands...")
    avg = loadavg()
    timed = time_commands(ws, regs, args.repeat)
    results["commands"] = {str(n): v for n, v in timed.items()}
    results["commands_loadavg"] = f"{avg} -> {loadavg()}"
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    failed = any(
        s["failures"] or s["page"]["bad"] or s["write"]["bad"] for s in results["serve"].values()
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
