"""`qsg init`: a workspace of one's own, whole or not at all: a copy of the bundled demo's
files, or the files a workspace needs with no rows; with a ``settings.yaml`` that marks the
folder, so that `qsg` commands run in it (or below it) use it without ``--workspace``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..bundled import demo_workspace
from ..codes import Code
from ..writing import new_folder, write_file
from .settings import SETTINGS_FILE

__all__ = ["DEMO_FILES", "EMPTY_FILES", "Made", "init_workspace"]

#: The demo's files copied by ``--from-demo`` (its README describes the demo's data).
DEMO_FILES = ("providers.csv", "indicators.csv", "members.csv", "intelligence.yaml", "README.md")

#: The files of an empty workspace: the headers the loader reads, and no rows.
EMPTY_FILES: dict[str, str] = {
    "providers.csv": "code,name,type,qsg\n",
    "indicators.csv": "provider,indicator,period,value,numerator,denominator\n",
    "members.csv": "name,kind,parent\n",
}

_SETTINGS = """\
# This workspace's settings. This file (beside providers.csv) also marks the folder as a
# qsgrules workspace: `qsg` commands run in this folder or any folder below it use it
# without --workspace (QSG_WORKSPACE, when set, wins; --workspace always does).
business_cycle_months: 12   # every provider is discussed at least once in this many months
# quorum: 3                 # distinct member organisations present for a quorate meeting
# quorum: [CQC, NHS Croydon CCG]   # ...or the organisations that must be present
"""


@dataclass(frozen=True)
class Made:
    """What ``init_workspace`` made: the folder, its files, and whether from the demo."""

    folder: Path
    files: tuple[str, ...]
    from_demo: bool


def init_workspace(folder: str | Path, *, from_demo: bool = False) -> Made:
    """Make a workspace at ``folder`` (absent, or an empty folder: nothing is overwritten,
    QSG780), whole or not at all (QSG781 when it cannot be written): the bundled demo's
    files with ``from_demo``, else the files a workspace needs with their headers only;
    always a ``settings.yaml``. No register is made: `qsg meeting open` starts one."""
    files: dict[str, bytes] = {}
    if from_demo:
        demo = demo_workspace()
        for name in DEMO_FILES:
            if (demo / name).is_file():
                files[name] = (demo / name).read_bytes()
    else:
        files = {name: text.encode() for name, text in EMPTY_FILES.items()}
    files[SETTINGS_FILE] = _SETTINGS.encode()
    with new_folder(
        folder, argument="dir", code=Code.INIT_EXISTS, cannot=Code.INIT_CANNOT_WRITE
    ) as tmp:
        for name, data in sorted(files.items()):
            write_file(tmp / name, data, argument="dir")
    return Made(Path(folder), tuple(sorted(files)), from_demo)
