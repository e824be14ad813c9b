"""Writing the files a user asks for, without ever destroying what is at the path.

Every file qsgrules writes (a pack, a note, a report, a synthetic workspace, a workspace's
intelligence file, a counterexample, a new register) comes through here, so that:

- a target that exists and is not a regular file (a device, a FIFO, a socket, a folder) or
  is a symbolic link is refused with a located problem before anything is written, and left
  as it was (a rename over ``/dev/full`` would replace the system's device node; a rename
  over a symlink would replace the link, and writing through it would write elsewhere);
- a file is written whole or not at all: a temporary file beside the target, flushed to disk
  (``fsync``), renamed over it, and the folder flushed;
- a new file gets the mode a plain ``open`` gives (``0666`` less the user's umask: ``0644``
  under ``022``), so a pack put in a shared folder can be read by colleagues; a file
  replaced keeps its mode and, where allowed, its owner.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

from .codes import Code
from .errors import InputError, Problem

FOLDER_GIVEN = Code.FOLDER_GIVEN
NO_FOLDER = Code.NO_FOLDER
CANNOT_WRITE = Code.CANNOT_WRITE
NOT_REGULAR = Code.NOT_REGULAR
SYMLINK = Code.SYMLINK

_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def _refuse(argument: str, message: str, code: str) -> InputError:
    return InputError([Problem.for_argument(argument, message, code)])


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def umask_mode() -> int:
    """The mode a new file gets from a plain ``open``: 0666 less the user's umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def check_target(path: str | Path, argument: str = "out") -> Path:
    """``path`` as a Path, if a file may be written there: nothing is there, or a regular
    file (replaced whole). A folder, a device, a FIFO, a socket or a symbolic link (even to
    a regular file) is refused with a problem for ``argument``; so is a missing folder."""
    p = Path(path)
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _refuse(argument, f"cannot write {p}: {exc.strerror or exc}", CANNOT_WRITE) from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise _refuse(
                argument,
                f"{p} is a symbolic link: qsgrules never writes through or replaces a link; "
                "give the path of a regular file, or remove the link",
                SYMLINK,
            )
        if stat.S_ISDIR(st.st_mode):
            raise _refuse(
                argument,
                f"{p} is a folder; give a file name such as {p.name or 'out'}.html",
                FOLDER_GIVEN,
            )
        if not stat.S_ISREG(st.st_mode):
            raise _refuse(
                argument,
                f"{p} is {_kind(st.st_mode)}, not a regular file: nothing was written to it; "
                "give the path of a regular file",
                NOT_REGULAR,
            )
    if not p.parent.is_dir():
        raise _refuse(
            argument,
            f"folder {p.parent} does not exist; create it or write elsewhere",
            NO_FOLDER,
        )
    return p


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | _O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _temporary(folder: Path, name: str, mode: int) -> tuple[int, Path]:
    """A new file beside the target, created exclusively (never through a link) with
    ``mode`` (the umask applies, as for any new file)."""
    for n in range(1000):
        tmp = folder / f".{name}.{os.getpid()}.{n}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW, mode)
        except FileExistsError:
            continue
        return fd, tmp
    raise FileExistsError(f"no free temporary name beside {name}")  # pragma: no cover


def write_file(
    path: str | Path,
    data: bytes | str,
    *,
    argument: str = "out",
    checked: bool = False,
) -> Path:
    """Make ``path`` hold ``data`` (text is written as UTF-8), whole or not at all, and
    durably; refuse a target that is not a regular file (see ``check_target``) or cannot
    be written (a full disk, no permission), with nothing changed. Returns the path."""
    p = Path(path) if checked else check_target(path, argument)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        old = os.lstat(p)
    except FileNotFoundError:
        old = None
    tmp: Path | None = None
    try:
        fd, tmp = _temporary(p.parent, p.name, 0o666)
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
            out.flush()
            if old is not None:
                os.fchmod(out.fileno(), stat.S_IMODE(old.st_mode))
                if os.geteuid() in (0, old.st_uid):
                    with contextlib.suppress(PermissionError):
                        os.fchown(out.fileno(), old.st_uid, old.st_gid)
            os.fsync(out.fileno())
        # the target again, just before the rename: something swapped in meanwhile is kept
        check_target(p, argument)
        os.replace(tmp, p)
        tmp = None
        _fsync_folder(p.parent)
    except OSError as exc:
        raise _refuse(
            argument, f"cannot write {p}: {exc.strerror or exc}; nothing was written", CANNOT_WRITE
        ) from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return p


def check_new_folder(
    path: str | Path, argument: str, code: str, cannot: str = CANNOT_WRITE
) -> Path:
    """``path`` as a Path if a new folder may be made there: nothing is there, or an empty
    folder (not a link to one). Otherwise a problem with ``code`` (``cannot`` when the
    path cannot be looked at: a file where a folder should be on the way to it)."""
    p = Path(path)
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        return p
    except OSError as exc:
        raise _refuse(
            argument,
            f"cannot create a folder at {p}: {exc.strerror or exc}; name a folder in a place "
            "you can write to",
            cannot,
        ) from None
    if stat.S_ISLNK(st.st_mode):
        raise _refuse(
            argument,
            f"{p} is a symbolic link: name a new folder, nothing is written through a link",
            SYMLINK,
        )
    if not stat.S_ISDIR(st.st_mode) or any(p.iterdir()):
        raise _refuse(
            argument,
            f"{p} exists and is not an empty folder: name a new folder, nothing is overwritten",
            code,
        )
    return p


@contextlib.contextmanager
def new_folder(
    path: str | Path, *, argument: str, code: str, cannot: str = CANNOT_WRITE
) -> Iterator[Path]:
    """Build a new folder whole or not at all: yields a temporary folder beside ``path``
    (made with the user's umask) to write files into; on success every file in it is
    flushed to disk and it is renamed to ``path`` (which must be absent or an empty folder,
    ``code`` otherwise). On any failure the temporary folder is removed; an ``OSError``
    (a full disk, no permission) becomes a problem for ``argument`` (code ``cannot``)."""
    target = check_new_folder(path, argument, code, cannot)
    tmp = target.parent / f".{target.name}.{os.getpid()}.partial"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)  # left by a run of this process that was killed
        tmp.mkdir()  # the user's umask, unlike mkdtemp's 0700
    except OSError as exc:
        raise _refuse(
            argument,
            f"cannot create a folder at {target}: {exc.strerror or exc}; name a folder in a "
            "place you can write to",
            cannot,
        ) from None
    try:
        yield tmp
        for f in sorted(tmp.rglob("*")):
            if f.is_file() and not f.is_symlink():
                fd = os.open(f, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        _fsync_folder(tmp)
        check_new_folder(target, argument, code, cannot)
        if target.exists():
            target.rmdir()  # empty (checked): replaced by the finished folder
        os.replace(tmp, target)
        _fsync_folder(target.parent)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise _refuse(
            argument,
            f"cannot write {target}: {exc.strerror or exc}; nothing was written",
            cannot,
        ) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
