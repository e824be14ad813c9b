"""Where the default ruleset and the demo workspace are, installed or in a checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_PACKAGE = Path(str(resources.files("qsgrules")))


def _find(bundled: str, checkout: str) -> Path:
    inside = _PACKAGE / "_bundled" / bundled  # in a wheel (see pyproject force-include)
    if inside.exists():
        return inside
    return _PACKAGE.parent / checkout  # an editable install or a source checkout


def default_ruleset() -> Path:
    return _find("rulesets/default.yaml", "rulesets/default.yaml")


def demo_workspace() -> Path:
    return _find("demo", "fixtures/demo")
