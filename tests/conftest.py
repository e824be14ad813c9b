from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# CI (the CI variable set) loads Hypothesis' built-in derandomized "ci" profile; locally the
# default profile. Both without deadlines: the engine's first call compiles rules.
settings.register_profile("qsg-ci", parent=settings.get_profile("ci"), deadline=None)
settings.register_profile("qsg-dev", deadline=None, max_examples=60)
settings.load_profile("qsg-ci" if os.environ.get("CI") else "qsg-dev")

# pytester runs pytest on scenario files (the qsgrules pytest plugin's tests)
pytest_plugins = ["pytester"]

__all__ = ["HealthCheck"]
