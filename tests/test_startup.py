"""Start-up stays cheap: the command line imports what a command needs when it runs.

`import scipy.stats` alone costs about 0.9 s and durable_rules, numpy and pydantic most of
the rest of a command's start-up; `qsg --help` must not pay for any of them (issue 10).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("scipy", "durable", "numpy", "pydantic")


def _imported_after(code: str) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in json.loads(done.stdout.splitlines()[-1])}


@pytest.mark.parametrize("heavy", HEAVY)
def test_importing_the_command_line_imports_no_heavy_library(heavy: str) -> None:
    assert heavy not in _imported_after("import qsgrules.cli.main")


def test_help_imports_no_heavy_library() -> None:
    code = (
        "import sys\nfrom qsgrules.cli.main import cli\n"
        "try:\n    cli(['--help'], prog_name='qsg')\nexcept SystemExit:\n    pass"
    )
    assert not set(HEAVY) & _imported_after(code)


def test_the_demo_triage_never_imports_scipy_stats() -> None:
    # the default ruleset's mortality funnel (a ratio) needs exact Poisson limits when it is
    # not over-dispersed: scipy.special's gammaincinv, a third of scipy.stats' import time
    code = "from qsgrules.api import run_triage\nassert run_triage().proposals\n"
    loaded = _imported_after(code)
    assert "durable" in loaded and "scipy.stats" not in loaded
