"""Writing soft-intelligence items: as a YAML list entry or a CSV row, and new ids."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from ..model.workspace import SoftItem


def next_id(items: Iterable[SoftItem], prefix: str = "SI") -> str:
    """The next free id of the form PREFIX-NNN."""
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)$")
    numbers = [int(m.group(1)) for i in items if (m := pattern.match(i.id))]
    return f"{prefix}-{max(numbers, default=0) + 1:03d}"


def item_fields(item: SoftItem) -> dict[str, Any]:
    """The item's fields in the documented order, optional ones only if set."""
    data = {k: v for k, v in item.model_dump(mode="json").items() if v is not None}
    if data.get("status") == "open":
        del data["status"]  # the default; closing an item adds it
    return data


def item_yaml(item: SoftItem, indent: int = 0) -> str:
    """One item as a YAML list entry (``- id: ...``), indented by ``indent`` spaces."""
    import yaml

    text: str = yaml.safe_dump([item_fields(item)], sort_keys=False, allow_unicode=True, width=88)
    if indent:
        text = "".join(" " * indent + line for line in text.splitlines(keepends=True))
    return text


def item_flow_yaml(item: SoftItem) -> str:
    """One item as a YAML flow mapping on one line (``{id: ..., ...}``)."""
    import yaml

    text: str = yaml.safe_dump(
        item_fields(item),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=True,
        width=1_000_000,
    )
    return text.rstrip("\n")


def missing_columns(header: list[str], item: SoftItem) -> list[str]:
    """The item's set fields that a CSV header has no column for."""
    values = item.model_dump(mode="json")
    return [k for k, v in values.items() if v not in (None, "open") and k not in header]


def item_csv_row(header: list[str], item: SoftItem, newline: str = "\n") -> str:
    """One item as a CSV row of ``header``'s columns (the header must hold every set field)."""
    values = item.model_dump(mode="json")
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerow(
        ["" if values.get(h) is None else values[h] for h in header]
    )
    return buf.getvalue()
