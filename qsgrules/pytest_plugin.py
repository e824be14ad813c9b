"""pytest collects scenario files (``scenario_*.yaml``, ``*.scenario.yaml``) as tests.

Installed with qsgrules (the ``pytest11`` entry point), so a QSG's repository of rulesets
carries its own tests: each scenario is one test item, named by its ``name``. A scenario
file with problems is a collection error listing each as ``file:line:col: message``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    from .scenarios import is_scenario_file

    if is_scenario_file(file_path):
        collector: pytest.Collector = ScenarioFile.from_parent(parent, path=file_path)
        return collector
    return None


class ScenarioFailed(Exception):
    """A scenario whose proposals differ from what it expects."""


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from .errors import InputError, shown
        from .scenarios import load_scenarios

        try:
            scenarios = load_scenarios(self.path, root=self.config.rootpath)
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
