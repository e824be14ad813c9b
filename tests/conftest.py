from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from qsgrules.bundled import demo_workspace

# CI (the CI variable set) loads Hypothesis' built-in derandomized "ci" profile; locally the
# default profile. Both without deadlines: the engine's first call compiles rules.
settings.register_profile("qsg-ci", parent=settings.get_profile("ci"), deadline=None)
settings.register_profile("qsg-dev", deadline=None, max_examples=60)
settings.load_profile("qsg-ci" if os.environ.get("CI") else "qsg-dev")

# Which workspace a command without --workspace uses depends on the folder it runs in and
# on QSG_WORKSPACE (issue 21): the suite names the bundled demo, whatever the developer's
# shell says, so that such commands read the demo without saying so on stderr (as they did
# before); tests of the default itself (test_workspace_init.py) unset it.
os.environ["QSG_WORKSPACE"] = str(demo_workspace())

# pytester runs pytest on scenario files (the qsgrules pytest plugin's tests)
pytest_plugins = ["pytester"]

__all__ = ["HealthCheck"]


@pytest.fixture(scope="session")
def demo_pack() -> str:
    """The bundled demo's whole meeting pack as of 2019-03, built once per test process:
    several modules read it, and building it draws every chart (the costliest setup of the
    suite when each module built its own)."""
    from qsgrules.api import meeting_pack

    return meeting_pack(as_of="2019-03")
