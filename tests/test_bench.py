"""The benchmark runs, at a small scale, in the suite: it cannot rot (correctness only; no
timing is asserted). bench/stages.py times functions of the triage by name, so a renamed
function shows here as a stage that took no time."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench import load
from qsgrules.indicators import CATALOGUE

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("load", "ruleset", "statistics", "soft scoring", "inference", "explanations", "output")


@pytest.mark.slow
def test_the_benchmark_prints_its_table_and_the_engine_agrees_with_the_oracle(
    tmp_path: Path,
) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--sizes", "40",
         "--national", "60", "--months", "14", "--work", str(tmp_path), "--json", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for heading in ("seconds per stage", "engine against the pure-Python oracle", "growth"):
        assert heading in done.stdout
    results = {r["name"]: r for r in json.loads(out.read_text())}
    assert set(results) == {"demo", "A&E England", "synthetic 40", "synthetic 60 (national)"}
    for name, r in results.items():
        assert r["e2e"]["wall_s"] > 0 and r["e2e"]["peak_mb"] > 0, name
        s = r["stages"]
        assert s["proposals"] == s["providers"] == s["profiles"], name
        assert s["disagreements"] == 0, name
        timed = [st for st in STAGES if st != "soft scoring" or s["items"]]
        assert all(s["stages"][st] > 0 for st in timed), (name, s["stages"])
    assert results["A&E England"]["stages"]["providers"] == 140
    assert results["synthetic 60 (national)"]["stages"]["rows"] == 60 * len(CATALOGUE) * 14


@pytest.mark.slow
def test_a_size_too_large_to_load_is_measured_in_memory(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--sizes", "30,50",
         "--national", "0", "--work", str(tmp_path), "--json", str(out), "--memory-mb", "1"],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    results = {r["name"]: r for r in json.loads(out.read_text())}
    loaded, built = results["synthetic 30"], results["synthetic 50 in memory"]
    assert "not run: loading needs" in built["e2e"]["error"]
    assert built["stages"]["in_memory"] and not loaded["stages"]["in_memory"]
    assert built["stages"]["proposals"] == 50 and built["stages"]["disagreements"] == 0
    assert "not run: loading needs" in done.stdout


@pytest.mark.slow
def test_the_timings_the_suite_does_not_assert_are_measured() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "guards.py"), "--repeat", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["check", "median", "s", "target", "s"]
    assert [line.split()[0] for line in lines[1:]] == ["qsg", "YAML", "FIFO"]


@pytest.mark.slow
def test_the_register_benchmark_builds_its_registers_loads_the_page_and_times_the_commands(
    tmp_path: Path,
) -> None:
    # 8 providers, not the benchmark's 150: every step is the same (registers written through
    # the API, the page served, warmed up on every provider and loaded, the commands timed)
    # without drawing 150 providers' charts twice, which proved nothing more
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "register_scale.py"), "--sizes", "30,60",
         "--providers", "8", "--clients", "2", "--seconds", "2", "--repeat", "1",
         "--work", str(tmp_path), "--json", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "qsg serve, 2 clients for 2 s on 127.0.0.1" in done.stdout
    results = json.loads(out.read_text())
    assert {n: int(c) >= int(n) for n, c in results["records"].items()} == {"30": True, "60": True}
    for n in ("30", "60"):
        served = results["serve"][n]
        assert served["requests"] > 0 and served["failures"] == 0, served
        assert served["page"]["bad"] == 0 and served["write"]["bad"] == 0, served
        # every write the clients were told succeeded is in the register
        assert served["records_written"] == served["write"]["count"], served
        assert set(results["commands"][n]) == {"triage --register", "agenda", "note", "coverage"}


@pytest.mark.slow
def test_the_targets_of_issue_18_are_measured_in_one_table(tmp_path: Path) -> None:
    out = tmp_path / "targets.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "targets.py"), "--quick", "--work", str(tmp_path),
         "--json", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = {r["name"]: r for r in json.loads(out.read_text())}
    for name in (
        "demo: qsg triage (table)",
        "national 60: triage json --jobs 1",
        "national 60: triage json --jobs 2",
        "soft items: 300 read+checked+scored",
        "large 90: triage json --jobs 2",
        "demo: qsg pack (18 providers) --jobs 1",
        "demo: qsg pack (18 providers) --jobs 2",
        "pack 20 providers --jobs 1",
        "pack 20 providers --jobs 2",
        "national 60: backtest 12 months --jobs 2",
        "dask: backtest 40 x 6 months --dask 2",
        "oracle",
    ):
        assert name in rows, sorted(rows)
        assert rows[name]["verdict"] != "FAILED", rows[name]
    assert rows["oracle"]["result"]["disagreements"] == 0
    assert rows["soft items: 300 read+checked+scored"]["result"]["items"] == 300
    # every figure beside the load average it was measured under
    table = done.stdout.splitlines()
    assert "load 1m" in table[0]
    assert all(len(r["result"]["load"]) == 2 for n, r in rows.items() if n != "oracle")


class _Answer(BaseHTTPRequestHandler):
    def _ok(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _ok

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_every_load_client_sends_a_request_however_late_it_starts() -> None:
    # a client thread that first ran after the deadline (a busy machine) sent nothing, and
    # the register benchmark's "requests > 0" then failed; a deadline already passed stands
    # for it here
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        target = load.Target(str(host), int(port), "0", "M-1", ["RJ6"], ["Ann Lee"])
        done = load.run(target, clients=3, seconds=0)
    finally:
        server.shutdown()
        server.server_close()
    assert done.failures == []
    assert len(done.outcomes) == 3 and all(o.status == 200 for o in done.outcomes)


def test_the_register_benchmark_loads_the_port_the_server_says_it_listens_on(
    tmp_path: Path,
) -> None:
    # `qsg serve --port 0`: the system chooses the port as the server binds it. A port found
    # free beforehand could be taken by another process first on a shared machine, and the
    # load would go to whatever answered there
    from bench.register_scale import _wait_until_served

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = int(server.server_address[1])
    said = tmp_path / "serve.log"
    said.write_text(f"qsg serve: M-1 (recording) on http://127.0.0.1:{port}/ (Ctrl-C to stop)\n")
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=-1)
    try:
        assert _wait_until_served("127.0.0.1", child, said) == (port, "")
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait()
        server.shutdown()
        server.server_close()
