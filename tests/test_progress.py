"""Progress: the library tells a callback; the command line draws it on a terminal only."""

from __future__ import annotations

import io

from click.testing import CliRunner

from qsgrules.api import run_triage
from qsgrules.bundled import demo_workspace
from qsgrules.cli.main import cli
from qsgrules.cli.progress import bar


def test_triage_tells_the_callback_from_start_to_end() -> None:
    calls: list[tuple[str, int, int]] = []
    result = run_triage(progress=lambda stage, done, total: calls.append((stage, done, total)))
    n = len(result.proposals)
    assert calls[:2] == [("loading", 0, 1), ("loading", 1, 1)]
    calls = calls[2:]
    assert calls[0] == ("providers", 0, n) and calls[-1] == ("providers", n, n)
    done = [d for _, d, _ in calls]
    assert done == sorted(done) and len(calls) <= 2 * n + 2


def test_no_bar_off_a_terminal() -> None:
    with bar(io.StringIO(), terminal=False) as progress:
        assert progress is None


def test_a_bar_on_a_terminal_names_the_stage() -> None:
    screen = io.StringIO()
    with bar(screen, terminal=True, delay=0) as progress:
        assert progress is not None
        progress("providers", 0, 10)
        progress("providers", 10, 10)
    assert "providers" in screen.getvalue()


def test_a_short_run_draws_nothing_even_on_a_terminal() -> None:
    screen = io.StringIO()
    with bar(screen, terminal=True, delay=60) as progress:
        assert progress is not None
        progress("providers", 5, 10)
    assert screen.getvalue() == ""


def test_the_triage_command_writes_nothing_on_stderr_off_a_terminal() -> None:
    # the demo named: without a workspace the demo's use is said on stderr (issue 21)
    done = CliRunner().invoke(cli, ["triage", "--workspace", str(demo_workspace())])
    assert done.exit_code == 0 and done.stderr == "" and done.stdout.startswith("Proposed")
