"""Progress bars for long runs: on stderr, only when stderr is a terminal, never on stdout.

The library reports progress through a callback (``qsgrules.progress``); this draws it with
rich, imported only when a bar is really drawn. Nothing appears for a run shorter than
``delay`` seconds, so quick commands stay quiet.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from ..progress import Progress


@contextmanager
def bar(
    file: IO[str] | None = None, *, terminal: bool | None = None, delay: float = 1.0
) -> Iterator[Progress | None]:
    """A progress callback drawing a bar on ``file`` (stderr), or None when it is not a
    terminal (``terminal`` overrides the check, for tests)."""
    out = file if file is not None else sys.stderr
    if not (out.isatty() if terminal is None else terminal):
        yield None
        return
    started = time.monotonic()
    shown: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        if "bar" not in shown:
            if time.monotonic() - started < delay:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            console = Console(file=out, force_terminal=True)
            shown["bar"] = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            shown["bar"].start()
        tasks: dict[str, Any] = shown.setdefault("tasks", {})
        if stage not in tasks:
            tasks[stage] = shown["bar"].add_task(stage, total=total)
        shown["bar"].update(tasks[stage], completed=done, total=total)

    try:
        yield update
    finally:
        if "bar" in shown:
            shown["bar"].stop()
