"""Progress of a long run, reported through an optional callback: the library never prints.

A callback is called as ``progress(stage, done, total)``: ``stage`` names what is being done
("providers", "indicators.csv"...), ``done`` of ``total`` units are finished. It is called
at least once at the start (``done == 0``) and once at the end (``done == total``) of each
stage, and not so often that calling it costs time. The command line draws it as a bar on
stderr when stderr is a terminal, and shows nothing otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]


def silent(stage: str, done: int, total: int) -> None:
    """The callback used when none is given."""
    del stage, done, total
