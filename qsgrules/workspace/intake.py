"""Changing soft intelligence between meetings: add an item, close an item.

Both hold the workspace's write lock from reading to renaming (atomic.py), validate the
whole new file before it replaces the old one, and report exactly what happened: an item
said to be added or closed is in the file; a refusal leaves every file as it was.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..codes import Code
from ..errors import InputError, Problem, did_you_mean
from ..files import read_bytes
from ..model.workspace import SoftItem, Workspace
from ..yamlpos import compose
from .atomic import locked, replace_file
from .clock import today as system_today
from .loader import INTAKE_FILES, load_workspace
from .soft_checks import ItemChecker, check_items
from .soft_format import (
    item_csv_row,
    item_fields,
    item_flow_yaml,
    item_yaml,
    missing_columns,
    next_id,
)
from .soft_sources import OPTIONS, RawItem, csv_items, yaml_items

BOM = b"\xef\xbb\xbf"
CODE_EXISTS = Code.INTEL_ID_EXISTS
CODE_REFERENCE = Code.INTEL_REFERENCE
CODE_NO_ITEM = Code.INTEL_NO_ITEM
CODE_CLOSED = Code.INTEL_CLOSED
CODE_LAYOUT = Code.INTEL_LAYOUT
CODE_COLUMNS = Code.INTEL_COLUMNS
CODE_FOLDER = Code.NO_SUCH_WORKSPACE


@dataclass
class _File:
    """An intake file as bytes on disk: its text and whether it began with a BOM."""

    path: Path
    text: str
    bom: bool

    def encoded(self, text: str) -> bytes:
        return (BOM if self.bom else b"") + text.encode("utf-8")


def _read(path: Path) -> _File:
    data = read_bytes(path, path.name, "yaml" if path.suffix == ".yaml" else "csv")
    if isinstance(data, Problem):
        raise InputError([data])
    bom = data.startswith(BOM)
    return _File(path, data[3:].decode("utf-8") if bom else data.decode("utf-8"), bom)


def add_item(
    workspace: str | Path, fields: dict[str, Any], *, today: dt.date | None = None
) -> SoftItem:
    """Validate ``fields`` as a new item of the workspace and append it; return the item.

    The id is the next free ``SI-NNN`` unless given; ``received`` defaults to today. The
    item goes to intelligence.yaml (created if need be), or to intelligence.csv when that
    is the workspace's only intake file. Nothing is written unless the item, and the
    workspace with it, are valid; the item returned is in the file.
    """
    root = _folder(workspace)
    day = today or system_today()
    with locked(root):
        loaded = load_workspace(root, today=day)  # a broken workspace is not appended to
        data = {k: v for k, v in fields.items() if v is not None}
        data.setdefault("id", next_id(loaded.intelligence))
        data.setdefault("received", day)
        if any(i.id == str(data["id"]) for i in loaded.intelligence):
            raise InputError(
                [
                    Problem.for_argument(
                        "id", f"an item with id {data['id']!r} exists", code=CODE_EXISTS
                    )
                ]
            )
        problems: list[Problem] = []
        checker = ItemChecker(loaded.providers, loaded.members, day)
        item = checker.check(RawItem(data, OPTIONS, 1, None, ()), problems)
        if item is None or problems:
            raise InputError(problems)
        known = {i.id for i in loaded.intelligence}
        for name, ref in (("duplicate_of", item.duplicate_of), ("corroborates", item.corroborates)):
            if ref is not None and ref not in known:
                raise InputError(
                    [
                        Problem.for_argument(
                            name,
                            f"no item with id {ref!r} to refer to",
                            code=CODE_REFERENCE,
                        )
                    ]
                )
        yaml_path, csv_path = (root / name for name in INTAKE_FILES)
        if csv_path.is_file() and not yaml_path.exists():
            target = _read(csv_path)
            if item.recorded_by is not None and "recorded_by" not in _header(target):
                # an intake CSV laid out before items had an author: the item is added as
                # the file's columns allow, and the caller says the author was not kept
                item = item.model_copy(update={"recorded_by": None})
            new_text = _append_csv(target, item)
        else:
            target = _read(yaml_path) if yaml_path.exists() else _File(yaml_path, "", False)
            new_text = _append_yaml(target, item)
        _check_and_write(loaded, target, new_text, day, {item.id: item})
    return item


def close_item(
    workspace: str | Path,
    item_id: str,
    reason: str,
    on: dt.date | None = None,
    *,
    today: dt.date | None = None,
) -> SoftItem:
    """Close an item after assurance: ``status: closed`` with ``closed_on`` (default today)
    and ``closed_reason``, in the file it is in; every other item is kept byte for byte.
    Returns the closed item, which is in the file."""
    root = _folder(workspace)
    day = today or system_today()
    with locked(root):
        loaded = load_workspace(root, today=day)
        by_id = {i.id: i for i in loaded.intelligence}
        item = by_id.get(item_id)
        if item is None:
            raise InputError(
                [
                    Problem.for_argument(
                        "item_id",
                        f"no item with id {item_id!r}{did_you_mean(item_id, by_id)}",
                        code=CODE_NO_ITEM,
                    )
                ]
            )
        if item.status == "closed" and item.closed_on is not None:
            raise InputError(
                [
                    Problem.for_argument(
                        "item_id",
                        f"{item_id} is already closed (on {item.closed_on.isoformat()}: "
                        f"{item.closed_reason})",
                        code=CODE_CLOSED,
                    )
                ]
            )
        data = {
            **item.model_dump(mode="python"),
            "status": "closed",
            "closed_on": on or day,
            "closed_reason": reason,
        }
        problems: list[Problem] = []
        checker = ItemChecker(loaded.providers, loaded.members, day)
        closed = checker.check(RawItem(data, OPTIONS, 1, None, ()), problems)
        if closed is None or problems:
            raise InputError(_close_problems(problems))
        target, new_text = _replace_item(root, item_id, closed)
        _check_and_write(loaded, target, new_text, day, {item_id: closed})
    return closed


def shared_at(workspace: str | Path, meeting: str) -> list[dict[str, Any]]:
    """The items of the workspace's intake files that were shared aloud at ``meeting``
    (their fields as written; the files are read, not validated: ``add_item`` validated
    each when it wrote it)."""
    root = Path(workspace)
    found: list[dict[str, Any]] = []
    for name in INTAKE_FILES:
        path = root / name
        if not path.is_file():
            continue
        text = _read(path).text
        reader = yaml_items if name.endswith(".yaml") else csv_items
        found.extend(
            raw.data for raw in reader(text, name, []) if raw.data.get("shared_at") == meeting
        )
    return found


def _folder(workspace: str | Path) -> Path:
    root = Path(workspace)
    if not root.is_dir():
        raise InputError(
            [
                Problem.for_argument(
                    "workspace", f"no such workspace folder {str(workspace)!r}", code=CODE_FOLDER
                )
            ]
        )
    return root


def _close_problems(problems: list[Problem]) -> list[Problem]:
    # the fields a close sets are the command's arguments: name those
    names = {"closed_on": "on", "closed_reason": "reason"}
    out = []
    for p in problems:
        if p.argument in names:
            out.append(Problem.for_argument(names[p.argument], p.message, code=p.code))
        elif p.argument is not None and p.argument not in ("status",):
            message = p.message
            if "closed_on is before received" in message:
                out.append(Problem.for_argument("on", message, code=p.code))
                continue
            out.append(Problem.for_argument("item_id", message, code=p.code))
        else:
            out.append(p)
    return out


def _append_yaml(target: _File, item: SoftItem) -> str:
    old = target.text
    indent = 0
    if re.search(r"^items\s*:", old, re.MULTILINE):
        node = compose(old)
        if isinstance(node, yaml.MappingNode):  # `items:` then the list
            for key, value in node.value:
                if key.value == "items" and isinstance(value, yaml.SequenceNode):
                    indent = value.start_mark.column
    if old and not old.endswith("\n"):
        old += "\n"
    return old + item_yaml(item, indent)


def _header(target: _File) -> list[str]:
    import csv

    return [h.strip() for h in next(csv.reader(io.StringIO(target.text)), [])]


def _append_csv(target: _File, item: SoftItem) -> str:
    import csv

    old = target.text
    header = [h.strip() for h in next(csv.reader(io.StringIO(old)), [])]
    missing = missing_columns(header, item)
    if missing:
        raise InputError(
            [
                Problem(
                    target.path.name,
                    1,
                    None,
                    f"add column(s) {', '.join(missing)} to the header",
                    code=CODE_COLUMNS,
                )
            ]
        )
    newline = "\r\n" if "\r\n" in old else "\n"
    if old and not old.endswith(("\n", "\r")):
        old += newline
    return old + item_csv_row(header, item, newline)


def _replace_item(root: Path, item_id: str, item: SoftItem) -> tuple[_File, str]:
    """The intake file holding ``item_id`` and its new text with that item rewritten."""
    for name in INTAKE_FILES:
        path = root / name
        if not path.exists():
            continue
        target = _read(path)
        text = (
            _replace_in_yaml(target, item_id, item)
            if name.endswith(".yaml")
            else _replace_in_csv(target, item_id, item)
        )
        if text is not None:
            return target, text
    raise InputError(  # pragma: no cover - the item was loaded from one of the files
        [Problem.for_argument("item_id", f"no item with id {item_id!r}", code=CODE_NO_ITEM)]
    )


def _replace_in_yaml(target: _File, item_id: str, item: SoftItem) -> str | None:
    text = target.text
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    entries: list[yaml.Node] = []
    if isinstance(node, yaml.SequenceNode):
        entries = node.value
    elif isinstance(node, yaml.MappingNode):
        entries = next(
            (
                v.value
                for k, v in node.value
                if k.value == "items" and isinstance(v, yaml.SequenceNode)
            ),
            [],
        )
    for entry in entries:
        if not isinstance(entry, yaml.MappingNode):
            continue
        ids = [v for k, v in entry.value if k.value == "id" and isinstance(v, yaml.ScalarNode)]
        if not ids or ids[0].value != item_id:
            continue
        start = entry.start_mark.index
        if entry.flow_style:
            return text[:start] + item_flow_yaml(item) + text[entry.end_mark.index :]
        end = entry.value[-1][1].end_mark.index
        while end > start and text[end - 1] in "\r\n":
            end -= 1  # a block scalar's end includes its line break: keep that
        col = entry.start_mark.column
        body = yaml.safe_dump(item_fields(item), sort_keys=False, allow_unicode=True, width=88)
        lines = body.rstrip("\n").split("\n")
        newline = "\r\n" if "\r\n" in text else "\n"
        block = newline.join([lines[0], *(" " * col + line for line in lines[1:])])
        return text[:start] + block + text[end:]
    return None


def _replace_in_csv(target: _File, item_id: str, item: SoftItem) -> str | None:
    import csv

    text = target.text
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    if "id" not in header:
        return None
    column = header.index("id")
    before = reader.line_num
    for cells in reader:
        if len(cells) > column and cells[column].strip() == item_id:
            missing = missing_columns(header, item)
            if missing:
                raise InputError(
                    [
                        Problem(
                            target.path.name,
                            1,
                            None,
                            f"add column(s) {', '.join(missing)} to the header to close an item",
                            code=CODE_COLUMNS,
                        )
                    ]
                )
            lines = text.splitlines(keepends=True)
            newline = "\r\n" if lines[reader.line_num - 1].endswith("\r\n") else "\n"
            row = item_csv_row(header, item, newline)
            return "".join([*lines[:before], row, *lines[reader.line_num :]])
        before = reader.line_num
    return None


def _check_and_write(
    workspace: Workspace, target: _File, new_text: str, day: dt.date, expected: dict[str, SoftItem]
) -> None:
    """Validate the intake files as they would be, then write the one that changed."""
    problems: list[Problem] = []
    raws: list[RawItem] = []
    for name, reader in zip(INTAKE_FILES, (yaml_items, csv_items), strict=True):
        path = Path(workspace.root) / name
        if path == target.path:
            raws.extend(reader(new_text, name, problems))
        elif path.exists():
            raws.extend(reader(_read(path).text, name, problems))
    checker = ItemChecker(workspace.providers, workspace.members, day)
    items = {i.id: i for i in check_items(raws, checker, problems)}
    wrong = [i for i, want in expected.items() if items.get(i) != want]
    if (
        problems
        or wrong
        or len(items)
        != len(workspace.intelligence)
        + sum(i not in {x.id for x in workspace.intelligence} for i in expected)
    ):
        raise InputError(
            [
                Problem(
                    target.path.name,
                    1,
                    None,
                    "the file's layout does not take the change (the result would not read "
                    "back as it should); nothing was written: write it as a plain list of items",
                    code=CODE_LAYOUT,
                ),
                *problems,
            ]
        )
    replace_file(target.path, target.encoded(new_text))
