"""One workspace's triage, stage by stage, in this process (run by bench/run.py in a fresh
process per workspace, so that its peak memory is its own).

    python bench/stages.py WORKSPACE [--as-of YYYY-MM]
    python bench/stages.py --in-memory PROVIDERS    # built in memory: no loading

Prints one JSON object: seconds per stage, peak RSS, and the same rules evaluated by the
pure-Python oracle (``qsgrules.ruleset.conditions.evaluate``) on the same profiles, with the
number of providers where the engine and the oracle disagree (there must be none).

Stages are timed by wrapping the functions ``qsgrules.engine.triage.triage`` calls for them
(through ``qsgrules.engine.shares``, where a share of the providers is assessed)
(statistics: the standard, trend and peer tests; soft scoring: ``summarise``; inference:
compiling the rules, building each profile and ``RuleEngine.run``; explanations: latest
values, fired rules with their evidence, the nearest rule); whatever the triage does outside
them is "other". A renamed function fails tests/test_bench.py (a stage that took no time),
so this cannot silently measure nothing.
"""

from __future__ import annotations

import argparse
import functools
import json
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import qsgrules.engine.shares as engine_shares
import qsgrules.engine.triage as engine_triage
from bench import inmemory
from qsgrules import collector
from qsgrules.api import load_ruleset, load_workspace
from qsgrules.bundled import default_ruleset
from qsgrules.engine import durable_adapter
from qsgrules.reports import render
from qsgrules.ruleset.conditions import evaluate

#: The functions ``triage`` calls for each stage, by the names it calls them (some exist
#: only in one layout of the engine: explanations moved to ``engine/explain.py`` as
#: ``fired_rule``, ``template_values`` and ``nearest``). None of them calls another.
STAGES = {
    "statistics": (
        "standard_breaches",
        "trend_breaches",
        "peer_breaches",
        "cusum_breaches",
        "rebase_suggestions",
        "coverage",
    ),
    "soft scoring": ("summarise",),
    "inference": ("engine_for", "build_profile", "_profile"),
    "explanations": (
        "_latest_values",
        "latest_values",
        "_proposal",
        "fired_rule",
        "template_values",
        "nearest",
    ),
}
#: Where ``triage`` looks them up: the triage, and a share of it (``engine/shares.py``).
MODULES = (engine_triage, engine_shares)
seconds: dict[str, float] = defaultdict(float)  # wall
cpu: dict[str, float] = defaultdict(float)  # this process's CPU: what contention cannot inflate
profiles: list[Any] = []  # every fact the engine was given, for the oracle
fired_by_engine: list[set[str]] = []


def _timed(stage: str, func: Callable[..., Any]) -> Any:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            seconds[stage] += time.perf_counter() - start
            cpu[stage] += time.process_time() - start_cpu

    return wrapper


def instrument() -> None:
    """Wrap the stage functions where ``triage`` looks them up, and the engine's ``run``."""
    found = 0
    for stage, names in STAGES.items():
        for name in names:
            for module in MODULES:
                if hasattr(module, name):
                    setattr(module, name, _timed(stage, getattr(module, name)))
                    found += 1
    if found < 5:
        raise SystemExit(f"only {found} stage functions found in qsgrules.engine")
    run = durable_adapter.RuleEngine.run

    def engine_run(self: durable_adapter.RuleEngine, sid: str, facts: Any) -> Any:
        start, start_cpu = time.perf_counter(), time.process_time()
        firings = run(self, sid, facts)
        seconds["inference"] += time.perf_counter() - start
        seconds["engine"] += time.perf_counter() - start
        cpu["inference"] += time.process_time() - start_cpu
        cpu["engine"] += time.process_time() - start_cpu
        # one fact per provider, and a second for a provider whose data end before the
        # triage's date (its profile on the last day of its data: qsgrules.engine.decay)
        for k, fact in enumerate(facts):
            profiles.append(fact)
            fired_by_engine.append({f.rule for f in firings if f.fact == k})
        return firings

    durable_adapter.RuleEngine.run = engine_run  # type: ignore[method-assign]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def measure(workspace: Path | int, as_of: str | None) -> dict[str, Any]:
    """``workspace`` a folder, loaded; or a number of providers, built in memory (the
    "load" stage is then building it, and is not comparable with loading)."""
    instrument()
    with collector.paused():  # as run_triage, which the command line calls, does
        return _measure(workspace, as_of)


def _measure(workspace: Path | int, as_of: str | None) -> dict[str, Any]:
    start, start_cpu = time.perf_counter(), time.process_time()
    if isinstance(workspace, int):
        ws = inmemory.workspace(workspace, 36, 5 * workspace, 2024)
    else:
        ws = load_workspace(workspace)
    loaded, loaded_cpu = time.perf_counter(), time.process_time()
    peak_after_load = _peak_mb()
    ruleset = load_ruleset(default_ruleset())
    ruleset_s, ruleset_cpu = time.perf_counter() - loaded, time.process_time() - loaded_cpu
    start_triage, start_triage_cpu = time.perf_counter(), time.process_time()
    result = engine_triage.triage(ws, ruleset, as_of=as_of)
    triage_s = time.perf_counter() - start_triage
    triage_cpu = time.process_time() - start_triage_cpu
    start_out, start_out_cpu = time.perf_counter(), time.process_time()
    text = render.to_json(result)
    output_s, output_cpu = time.perf_counter() - start_out, time.process_time() - start_out_cpu
    total_cpu = time.process_time() - start_cpu
    # the oracle: the same compiled conditions, in pure Python, on the same profiles
    start_oracle = time.perf_counter()
    fired_by_oracle = [
        {r.id for r in ruleset.rules if evaluate(r.condition, profile)} for profile in profiles
    ]
    oracle_s = time.perf_counter() - start_oracle
    disagree = sum(a != b for a, b in zip(fired_by_engine, fired_by_oracle, strict=True))
    stages = {"load": loaded - start, "ruleset": ruleset_s}
    stages.update({name: seconds[name] for name in STAGES})
    stages["other"] = triage_s - sum(seconds[name] for name in STAGES)
    stages["output"] = output_s
    stages_cpu = {"load": loaded_cpu - start_cpu, "ruleset": ruleset_cpu}
    stages_cpu.update({name: cpu[name] for name in STAGES})
    stages_cpu["other"] = triage_cpu - sum(cpu[name] for name in STAGES)
    stages_cpu["output"] = output_cpu
    return {
        "workspace": str(workspace),
        "in_memory": isinstance(workspace, int),
        "providers": len(ws.providers),
        "rows": len(ws.observations),
        "items": len(ws.intelligence),
        "proposals": len(result.proposals),
        "levels": {
            level: sum(p.level.value == level for p in result.proposals)
            for level in sorted({p.level.value for p in result.proposals})
        },
        "json_mb": len(text.encode("utf-8")) / 1e6,
        "stages": stages,
        "stages_cpu": stages_cpu,
        "total_s": time.perf_counter() - start - oracle_s,
        "total_cpu_s": total_cpu,
        "peak_after_load_mb": peak_after_load,
        "peak_mb": _peak_mb(),
        "engine_s": seconds["engine"],
        "engine_cpu_s": cpu["engine"],
        "oracle_s": oracle_s,
        "profiles": len(profiles),
        "disagreements": disagree,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workspace", type=Path, nargs="?")
    parser.add_argument("--as-of", default=None)
    parser.add_argument("--in-memory", type=int, default=None, metavar="PROVIDERS")
    args = parser.parse_args()
    if (args.workspace is None) == (args.in_memory is None):
        parser.error("give a WORKSPACE or --in-memory PROVIDERS")
    print(json.dumps(measure(args.in_memory or args.workspace, args.as_of)))


if __name__ == "__main__":
    main()
