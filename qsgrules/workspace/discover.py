"""Which workspace a command uses when none is named, as git finds its repository:
``QSG_WORKSPACE`` when set, else the nearest folder at or above the current one that holds
a workspace's settings file (``settings.yaml``) beside its ``providers.csv``, else none
(the caller then uses the bundled demo, and says so)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..codes import Code
from ..errors import InputError, Problem
from .settings import SETTINGS_FILE

__all__ = ["ENVIRONMENT", "Found", "find_workspace", "is_workspace_root"]

#: The environment variable naming the default workspace folder.
ENVIRONMENT = "QSG_WORKSPACE"


@dataclass(frozen=True)
class Found:
    """The default workspace: ``folder`` None when none was found; ``how`` says why it is
    this one (``"QSG_WORKSPACE"``, ``"found"`` or ``"none"``); ``start`` is the folder the
    search began in."""

    folder: Path | None
    how: str
    start: Path

    def said(self) -> str:
        """One line for stderr when no workspace was found (the demo is used instead)."""
        return (
            f"qsg: using the bundled demo workspace: no --workspace, {ENVIRONMENT} is not set, "
            f"and no workspace ({SETTINGS_FILE} beside providers.csv) in {self.start} or above; "
            "`qsg init DIR --from-demo` (or --empty) makes one of your own"
        )


def is_workspace_root(folder: Path) -> bool:
    """Whether ``folder`` holds a workspace's settings file beside its providers.csv (a
    folder that cannot be looked into is not one)."""
    try:
        return (folder / SETTINGS_FILE).is_file() and (folder / "providers.csv").is_file()
    except OSError:
        return False


def find_workspace(
    start: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Found:
    """The default workspace seen from ``start`` (default: the current folder) with
    ``environ`` (default: the process's). ``QSG_WORKSPACE`` (when set and not empty) must
    name a folder: InputError (QSG384) otherwise, never a silent fall back to the demo."""
    env = os.environ if environ is None else environ
    here = Path(start if start is not None else os.getcwd()).absolute()
    named = env.get(ENVIRONMENT, "")
    if named:
        folder = Path(named).expanduser()
        if not folder.is_dir():
            raise InputError(
                [
                    Problem.for_argument(
                        "qsg_workspace",
                        f"{named!r} is not a folder: set {ENVIRONMENT} to your workspace "
                        "folder, or unset it",
                        code=Code.BAD_WORKSPACE_VARIABLE,
                    )
                ]
            )
        return Found(folder, ENVIRONMENT, here)
    for folder in (here, *here.parents):
        if is_workspace_root(folder):
            return Found(folder, "found", here)
    return Found(None, "none", here)
