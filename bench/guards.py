"""Time what the test suite once timed: the suite checks these behave, this says how long they
take, against the targets the tests used to assert (a timed test fails on a busy machine).

Run: python bench/guards.py [--repeat N]   (exit 0; a missed target is printed, not fatal)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout

from qsgrules.bundled import default_ruleset, demo_workspace  # noqa: E402
from qsgrules.yamlpos import load as load_yaml  # noqa: E402


def _backtest() -> None:
    """`qsg backtest` over 24 months of the demo, comparing with a second ruleset (as
    tests/test_diff_backtest.py runs it): a new interpreter, start-up included."""
    qsg = [sys.executable, "-c", "from qsgrules.cli.main import main; main()"]
    done = subprocess.run(
        [*qsg, "backtest", "--from", "2017-04", "--to", "2019-03", "--format", "json",
         "--compare", str(default_ruleset())],
        capture_output=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(done.stderr.decode())


def _alias_bomb() -> None:
    """A 9-level "billion laughs" YAML bomb refused (tests/test_input_safety.py)."""
    text = "a: &a [" + ",".join(["lol"] * 10) + "]\n"
    for i in range(1, 9):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        text += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]\n"
    _, _, problems = load_yaml(text, "x.yaml")
    assert problems, "the bomb was not refused"


def _fifo() -> None:
    """A workspace whose members.csv is a FIFO with no writer: refused, not read."""
    from qsgrules.errors import InputError
    from qsgrules.workspace import load_workspace

    with tempfile.TemporaryDirectory() as scratch:
        ws = Path(scratch) / "ws"
        ws.mkdir()
        for name in ("providers.csv", "indicators.csv"):
            (ws / name).write_bytes((demo_workspace() / name).read_bytes())
        os.mkfifo(ws / "members.csv")
        try:
            load_workspace(ws)
        except InputError:
            return
        raise AssertionError("the FIFO was not refused")


CHECKS: list[tuple[str, Callable[[], None], float]] = [
    ("qsg backtest, demo, 24 months, with --compare", _backtest, 10.0),
    ("YAML alias bomb refused", _alias_bomb, 1.0),
    ("FIFO in a workspace refused", _fifo, 5.0),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (median shown)")
    args = parser.parse_args()
    print(f"{'check':<48} {'median s':>9} {'target s':>9}")
    for name, check, target in CHECKS:
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            check()
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        verdict = "" if median < target else "  MISSED"
        print(f"{name:<48} {median:>9.3f} {target:>9.1f}{verdict}")


if __name__ == "__main__":
    main()
