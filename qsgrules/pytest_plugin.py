"""pytest collects qsgrules scenario files as tests, and only them.

Installed with qsgrules (the ``pytest11`` entry point), so a QSG's repository of rulesets
carries its own tests: each scenario is one test item, named by its ``name``. A scenario
file with problems is a collection error listing each as ``file:line:col: message``.

Which files: those the ``qsg_scenarios`` ini option names (globs relative to the rootdir,
``*`` matching across folders: exactly those, whatever they hold), else the files named
like scenario files (``scenario_*.yaml``, ``*.scenario.yaml``) that declare themselves one
with a top-level ``scenarios:`` key (several scenarios) or ``expect:`` key (one). Any other
YAML file, whatever its name (a CI step list called ``scenario_deploy.yaml``), is not this
plugin's: it is left alone. ``--qsg-ruleset PATH`` runs every scenario against that
ruleset instead of the one it names (an edited copy of a shipped ruleset, without copying
its scenarios); ``-p no:qsgrules`` turns the plugin off.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

INI = "qsg_scenarios"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("qsgrules", "qsgrules scenario files")
    group.addoption(
        "--qsg-ruleset",
        dest="qsg_ruleset",
        default=None,
        metavar="PATH",
        help="Run every qsgrules scenario against this ruleset instead of the one it names.",
    )
    parser.addini(
        INI,
        type="linelist",
        default=[],
        help="qsgrules scenario files to collect (globs relative to the rootdir); when "
        "set, exactly these. Without it, scenario_*.yaml and *.scenario.yaml files that "
        "declare themselves scenario files (a top-level `scenarios:` or `expect:` key).",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    from .scenarios import declares_scenarios, is_scenario_file

    config = parent.config
    globs: list[str] = config.getini(INI)
    if globs:
        try:
            rel = file_path.relative_to(config.rootpath).as_posix()
        except ValueError:
            return None
        wanted = any(fnmatch.fnmatchcase(rel, g) for g in globs)
    else:
        wanted = is_scenario_file(file_path) and declares_scenarios(file_path)
    if not wanted:
        return None
    collector: pytest.Collector = ScenarioFile.from_parent(parent, path=file_path)
    return collector


class ScenarioFailed(Exception):
    """A scenario whose proposals differ from what it expects."""


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from .errors import InputError, shown
        from .scenarios import load_scenarios

        override = self.config.getoption("qsg_ruleset")
        try:
            scenarios = load_scenarios(self.path, root=self.config.rootpath, ruleset=override)
        except InputError as exc:
            raise self.CollectError("\n".join(shown(exc.problems))) from None
        for scenario in scenarios:
            yield ScenarioItem.from_parent(self, name=scenario.name, scenario=scenario)


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario

    def runtest(self) -> None:
        from .scenarios import run_scenario

        result = run_scenario(self.scenario)
        if not result.ok:
            raise ScenarioFailed("\n".join(result.differences))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailed):
            return f"{self.scenario.file}:{self.scenario.line}: scenario failed\n{excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.scenario.line - 1, f"scenario: {self.name}"
