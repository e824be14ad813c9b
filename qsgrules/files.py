"""Reading the files a user gives: regular files only, within a size limit, decoded exactly.

Every file qsgrules reads (workspace CSV and YAML, rulesets) comes through here, so that a
folder, a device, a FIFO or a symlink to ``/dev/zero`` is a located error rather than
"absent" or an endless read, and undecodable bytes are reported at their own line.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .codes import Code
from .errors import Problem

MB = 1024 * 1024
#: Environment variable that overrides every size limit, in megabytes.
LIMIT_VARIABLE = "QSG_MAX_FILE_MB"
#: Default limits by kind of file: CSV holds national data, YAML is parsed in Python; a
#: ruleset (the default is 15 kB) and a scenario file (the default's are 1-8 kB) are
#: checked before they are parsed: a 256 kB ruleset holds some 560 rules, which `qsg check`
#: analyses in about 8 s; 128 kB of scenario values take some 10 s to read with positions.
DEFAULT_LIMITS = {"csv": 4096 * MB, "yaml": 64 * MB, "ruleset": MB // 4, "scenario": MB // 8}

CODE_NOT_REGULAR = Code.NOT_A_REGULAR_FILE
CODE_TOO_LARGE = Code.FILE_TOO_LARGE
CODE_NOT_UTF8 = Code.NOT_UTF8
CODE_UNREADABLE = Code.UNREADABLE


def size_limit(kind: str) -> int:
    """The size limit in bytes for a kind of file (``csv``, ``yaml``, ``ruleset``,
    ``scenario``)."""
    override = os.environ.get(LIMIT_VARIABLE, "").strip()
    if override:
        try:
            return max(0, int(float(override) * MB))
        except ValueError:
            pass  # a malformed override is ignored rather than failing every command
    return DEFAULT_LIMITS[kind]


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _megabytes(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n:,} bytes"


@dataclass(frozen=True)
class FileState:
    """What is at a path: nothing, a regular file, or something that cannot be read as one."""

    exists: bool
    problem: Problem | None = None


def examine(path: Path, shown: str) -> FileState:
    """Whether ``path`` exists, and a located problem when it is not a regular file.

    Symlinks are followed: a link to a regular file is that file; a broken link is a problem
    (it is there, but leads nowhere), never "absent".
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            return FileState(
                True, Problem(shown, 1, None, "a broken symbolic link", code=CODE_UNREADABLE)
            )
        return FileState(False)
    except OSError as exc:
        return FileState(
            True,
            Problem(shown, 1, None, f"cannot read: {exc.strerror or exc}", code=CODE_UNREADABLE),
        )
    if not stat.S_ISREG(st.st_mode):
        return FileState(
            True,
            Problem(
                shown,
                1,
                None,
                f"{_kind_of(st.st_mode)}, not a regular file; replace it with the file itself",
                code=CODE_NOT_REGULAR,
            ),
        )
    return FileState(True)


def read_bytes(path: Path, shown: str, kind: str, limit: int | None = None) -> bytes | Problem:
    """The whole of a regular file, or a located problem (never a partial read).

    ``limit`` defaults to :func:`size_limit` for ``kind``. The file is opened without
    blocking and checked again once open, so a FIFO or device swapped in is refused.
    """
    limit = size_limit(kind) if limit is None else limit
    state = examine(path, shown)
    if not state.exists:
        return Problem(shown, 1, None, "no such file", code=CODE_UNREADABLE)
    if state.problem is not None:
        return state.problem
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return Problem(shown, 1, None, f"cannot read: {exc.strerror or exc}", code=CODE_UNREADABLE)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return Problem(
                shown,
                1,
                None,
                f"{_kind_of(st.st_mode)}, not a regular file",
                code=CODE_NOT_REGULAR,
            )
        if st.st_size > limit:
            return _too_large(shown, st.st_size, limit)
        # one read of the size the file says it has (one allocation); then it must be at
        # its end, or it grew while we read it (more reads, still within the limit)
        chunks = [os.read(fd, st.st_size + 1)]
        total = len(chunks[0])
        while total <= limit:
            chunk = os.read(fd, min(limit + 1 - total, 64 * MB))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            return _too_large(shown, total, limit)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    except OSError as exc:
        return Problem(shown, 1, None, f"cannot read: {exc.strerror or exc}", code=CODE_UNREADABLE)
    finally:
        os.close(fd)


def _too_large(shown: str, size: int, limit: int) -> Problem:
    return Problem(
        shown,
        1,
        None,
        f"file is {_megabytes(size)}, above the limit of {_megabytes(limit)}; split it, or "
        f"raise the limit with the environment variable {LIMIT_VARIABLE}",
        code=CODE_TOO_LARGE,
    )


def decode(data: bytes, shown: str, *, bom: bool = True) -> str | Problem:
    """UTF-8 text (a leading byte-order mark dropped when ``bom``), or a problem at the
    line and column of the first undecodable byte."""
    try:
        return data.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as exc:
        return undecodable(data, exc.start, exc.reason, shown)


def undecodable(data: bytes, start: int, reason: str, shown: str) -> Problem:
    """The problem for bytes that are not UTF-8, at their own line and column."""
    line = data.count(b"\n", 0, start) + 1
    line_start = data.rfind(b"\n", 0, start) + 1
    col = len(data[line_start:start].decode("utf-8", errors="replace")) + 1
    return Problem(
        shown,
        line,
        col,
        f"not UTF-8 text ({reason}); save the file as UTF-8",
        code=CODE_NOT_UTF8,
    )


def read_text(path: Path, shown: str, kind: str, limit: int | None = None) -> str | Problem:
    """A regular file's text (UTF-8, BOM dropped) within its size limit, or a problem."""
    data = read_bytes(path, shown, kind, limit)
    if isinstance(data, Problem):
        return data
    return decode(data, shown)
