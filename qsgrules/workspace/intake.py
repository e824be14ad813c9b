"""Logging intelligence between meetings: append one validated item to a workspace."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from .intelligence import OPTIONS, SoftItem, _Raw, check_item, item_yaml, next_id
from .loader import load_workspace


def add_item(folder: str | Path, fields: dict[str, Any]) -> SoftItem:
    """Validate ``fields`` as a new item of the workspace and append it; return the item.

    The id is the next free ``SI-NNN`` unless given. The item goes to intelligence.yaml
    (created if need be), or to intelligence.csv when that is the workspace's only intake
    file. Nothing is written unless the item, and the workspace with it, are valid.
    """
    root = Path(folder)
    workspace = load_workspace(root)  # a broken workspace is reported, not appended to
    data = {k: v for k, v in fields.items() if v is not None}
    data.setdefault("id", next_id(workspace.intelligence))
    data.setdefault("received", dt.date.today())
    if any(i.id == str(data["id"]) for i in workspace.intelligence):
        raise InputError([Problem.for_argument("id", f"an item with id {data['id']!r} exists")])
    problems: list[Problem] = []
    raw = _Raw(data, OPTIONS, 1, None, ())
    item = check_item(raw, workspace.providers, workspace.members, problems)
    if item is None or problems:
        raise InputError(problems)
    for name, ref in (("duplicate_of", item.duplicate_of), ("corroborates", item.corroborates)):
        if ref is not None and all(i.id != ref for i in workspace.intelligence):
            raise InputError([Problem.for_argument(name, f"no item with id {ref!r} to refer to")])
    yaml_path, csv_path = root / "intelligence.yaml", root / "intelligence.csv"
    if csv_path.is_file() and not yaml_path.is_file():
        _append(csv_path, _csv_row(csv_path, item))
    else:
        _append(yaml_path, item_yaml(item))
    return item


def _csv_row(path: Path, item: SoftItem) -> str:
    import csv
    import io

    header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    values = item.model_dump(mode="json")
    missing = [k for k, v in values.items() if v not in (None, "open") and k not in header]
    if missing:
        raise InputError(
            [Problem(path.name, 1, None, f"add column(s) {', '.join(missing)} to the header")]
        )
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(
        ["" if values.get(h) is None else values[h] for h in header]
    )
    return buf.getvalue()


def _append(path: Path, text: str) -> None:
    """Write the old content plus ``text`` to a temporary file, then replace: all or nothing."""
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(old + text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:
        load_workspace(path.parent)
    except InputError:
        path.write_text(old, encoding="utf-8") if old else path.unlink()
        raise
