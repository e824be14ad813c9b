"""Scenario tests: small inline workspaces with the levels, rules and evidence they expect.

``load_scenarios(path)`` reads a scenario file (every problem located in it);
``run_scenario(scenario)`` triages it and lists every difference from what it expects.
`qsg test` runs scenario files; the pytest plugin (``qsgrules.pytest_plugin``) collects
``scenario_*.yaml`` and ``*.scenario.yaml`` files that declare themselves scenario files
(``declares_scenarios``), or the files its ``qsg_scenarios`` ini option names, as tests.
"""

from __future__ import annotations

import re
from pathlib import Path

from .load import Scenario, load_scenarios
from .run import ScenarioResult, run_scenario

#: File names collected as scenario files (by `qsg test DIR` and by pytest).
PATTERNS = ("scenario_*.yaml", "scenario_*.yml", "*.scenario.yaml", "*.scenario.yml")


#: A top-level key only a scenario file has: `scenarios:` (several), or `expect:` (one).
_DECLARED = re.compile(rb"^(scenarios|expect)[ \t]*:", re.MULTILINE)
#: Scenario files are small (128 kB at most): reading this much finds their keys.
_HEAD = 256 * 1024


def is_scenario_file(path: Path) -> bool:
    """Named like a scenario file (``PATTERNS``)."""
    return any(path.match(p) for p in PATTERNS)


def declares_scenarios(path: Path) -> bool:
    """True when the file says it is a scenario file: a top-level ``scenarios:`` or
    ``expect:`` key (as written, at the start of a line). Another YAML file that happens to
    be named like one (a CI step list ``scenario_deploy.yaml``) is not one. A file that
    cannot be read is not judged here: it is one (its reader then says what is wrong)."""
    if not path.is_file():
        return True  # a FIFO is not opened (it would wait for a writer)
    try:
        with path.open("rb") as f:
            head = f.read(_HEAD)
    except OSError:
        return True
    return bool(_DECLARED.search(head))


def scenario_files(paths: list[Path]) -> list[Path]:
    """The files given, and the entries under each folder given that are named like scenario
    files and declare themselves one (``declares_scenarios``), in order. Whatever has a
    scenario file's name and is not a regular file is returned: a FIFO or a broken link
    named ``scenario_x.yaml`` is then refused when read, never skipped without a word."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if is_scenario_file(p)
                    and not p.is_dir()
                    and (not p.is_file() or declares_scenarios(p))
                )
            )
        else:
            found.append(path)
    return found


__all__ = [
    "PATTERNS",
    "Scenario",
    "ScenarioResult",
    "declares_scenarios",
    "is_scenario_file",
    "load_scenarios",
    "run_scenario",
    "scenario_files",
]
