"""Writing a workspace file safely: one writer at a time, all or nothing, mode and owner kept.

A writer takes an exclusive lock on the workspace folder (``fcntl.flock`` on the folder
itself: no lock file is left behind), re-reads what it changes under that lock, writes a
temporary file in the same folder, flushes it to disk and renames it over the original,
then flushes the folder (``qsgrules.writing``, the one writer of every file). A process
killed at any moment leaves the old file or the new one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from ..writing import write_file


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the workspace's exclusive write lock (blocking until it is free)."""
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def remove_stale_temporaries(path: Path) -> None:
    """Delete temporaries of ``path`` left by a writer that was killed: under the lock no
    other writer is writing one."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()


def replace_file(path: Path, data: bytes) -> None:
    """Make ``path`` hold ``data``, atomically and durably, keeping its mode and owner
    (a new file gets the mode a plain ``open`` would give it), through the one writer of
    every file qsgrules writes (``qsgrules.writing``): a link or a device at ``path`` is
    refused, never replaced. Call it holding the lock."""
    remove_stale_temporaries(path)
    write_file(path, data, argument="workspace")
