"""Scenario tests: small inline workspaces with the levels, rules and evidence they expect.

``load_scenarios(path)`` reads a scenario file (every problem located in it);
``run_scenario(scenario)`` triages it and lists every difference from what it expects.
`qsg test` runs scenario files; the pytest plugin (``qsgrules.pytest_plugin``) collects
``scenario_*.yaml`` and ``*.scenario.yaml`` files as tests.
"""

from __future__ import annotations

from pathlib import Path

from .load import Scenario, load_scenarios
from .run import ScenarioResult, run_scenario

#: File names collected as scenario files (by `qsg test DIR` and by pytest).
PATTERNS = ("scenario_*.yaml", "scenario_*.yml", "*.scenario.yaml", "*.scenario.yml")


def is_scenario_file(path: Path) -> bool:
    return any(path.match(p) for p in PATTERNS)


def scenario_files(paths: list[Path]) -> list[Path]:
    """The files given, and the entries named like scenario files under each folder given,
    in order. Whatever has a scenario file's name is returned, file or not: a FIFO or a
    broken link named ``scenario_x.yaml`` is then refused when read, never skipped without
    a word."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if is_scenario_file(p) and not p.is_dir())
            )
        else:
            found.append(path)
    return found


__all__ = [
    "PATTERNS",
    "Scenario",
    "ScenarioResult",
    "is_scenario_file",
    "load_scenarios",
    "run_scenario",
    "scenario_files",
]
