"""Write a workspace as the folder ``load_workspace`` reads (the formats of ARCHITECTURE.md).

Used for counterexamples and generated workspaces: what is written loads back to the same
providers, rows (numbers written exactly, as Python's ``repr``) and items.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import yaml

from ..model.months import month_text
from ..writing import write_file
from .loader import Workspace
from .members import NATIONAL_MEMBERS


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _number(v: float) -> str:
    if math.isnan(v):
        return ""
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


def workspace_files(ws: Workspace) -> dict[str, str]:
    """File name -> text: providers.csv, indicators.csv, and when needed members.csv and
    intelligence.yaml."""
    files: dict[str, str] = {}
    files["providers.csv"] = _csv(
        [["code", "name", "type", "qsg"]]
        + [[p.code, p.name, str(p.type), p.qsg] for _, p in sorted(ws.providers.items())]
    )
    obs = ws.observations
    order = np.lexsort(
        (np.asarray(obs.period), np.asarray(obs.indicator), np.asarray(obs.provider))
    )
    num, den = np.asarray(obs.numerator), np.asarray(obs.denominator)
    providers, indicators = np.asarray(obs.provider), np.asarray(obs.indicator)
    counts = bool((~np.isnan(den)).any())
    header = ["provider", "indicator", "period", "value"] + (
        ["numerator", "denominator"] if counts else []
    )
    body = []
    for r in order.tolist():
        row = [
            str(providers[r]),
            str(indicators[r]),
            month_text(int(obs.period[r])),
            _number(float(obs.value[r])),
        ]
        if counts:
            row += [_number(float(num[r])), _number(float(den[r]))]
        body.append(row)
    files["indicators.csv"] = _csv([header, *body])
    local = [m for name, m in sorted(ws.members.items()) if name not in NATIONAL_MEMBERS]
    if local:
        files["members.csv"] = _csv(
            [["name", "kind", "title"]] + [[m.name, m.kind, m.title] for m in local]
        )
    if ws.intelligence:
        items = []
        for item in sorted(ws.intelligence, key=lambda i: i.id):
            data = {k: v for k, v in item.model_dump(mode="json").items() if v is not None}
            if data.get("status") == "open":
                del data["status"]
            items.append(data)
        files["intelligence.yaml"] = yaml.safe_dump(
            items, sort_keys=False, allow_unicode=True, width=100
        )
    return files


def write_workspace(ws: Workspace, folder: str | Path) -> Path:
    """Write ``ws`` into ``folder`` (created if need be); return the folder."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    for name, text in workspace_files(ws).items():
        write_file(root / name, text, argument="out")
    return root
