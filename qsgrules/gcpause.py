"""Pausing Python's cyclic garbage collector while a phase builds many long-lived objects."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Loading and scoring build many objects and free few: the cyclic collector would scan
    them again and again (a quarter to a half of the time at national scale) to find
    nothing. Reference counting still frees what is dropped; the collector runs again after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
