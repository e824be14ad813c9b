"""Python's cyclic garbage collector, paused while a large run builds long-lived objects.

A national triage holds millions of objects that live until it ends (rows as they are read,
findings, proposals); each full collection walks all of them, so the collector's cost grows
faster than the run (a third of the triage's CPU at 3,000 providers, more at 30,000) while
it frees almost nothing (a triage makes few reference cycles). Reference counting still
frees everything else at once; the collector runs again as soon as the run ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def off_for_this_process() -> None:
    """For a short-lived command (one triage, one explanation, one pack): no cyclic
    collection at all. The objects it builds live until it exits, so re-enabling the
    collector would only buy one last full scan of millions of them (about a second at
    national scale) before the process ends and frees everything anyway."""
    gc.disable()


@contextmanager
def paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block; restore its state after, always."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
