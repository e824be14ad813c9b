"""Writing a workspace file safely: one writer at a time, all or nothing, mode and owner kept.

A writer takes an exclusive lock on the workspace folder (``fcntl.flock`` on the folder
itself: no lock file is left behind), re-reads what it changes under that lock, writes a
temporary file in the same folder, flushes it to disk and renames it over the original,
then flushes the folder. A process killed at any moment leaves the old file or the new one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path


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
    (a new file gets the mode a plain ``open`` would give it). Call it holding the lock."""
    remove_stale_temporaries(path)
    try:
        old = os.stat(path)
        mode, owner = stat.S_IMODE(old.st_mode), (old.st_uid, old.st_gid)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode, owner = 0o666 & ~umask, None
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fchmod(out.fileno(), mode)
            if owner is not None and (os.geteuid() == 0 or owner[0] == os.geteuid()):
                with contextlib.suppress(PermissionError):
                    os.fchown(out.fileno(), *owner)
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
