"""The benchmark's workspaces: the bundled demo, the real A&E data, and synthetic ones."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from qsgrules.bundled import demo_workspace
from qsgrules.synth import synthesise

ROOT = Path(__file__).resolve().parents[1]
AE_CSV = ROOT / "data" / "nhs" / "ae_attendances.csv"
ODS_CSV = ROOT / "data" / "nhs" / "ods_trusts_2020-12.csv"
#: Soft items per provider in synthetic workloads (the national one: 50,000 for 10,000).
ITEMS_PER_PROVIDER = 5
SEED = 2024


def demo() -> Path:
    return demo_workspace()


def ae(work: Path) -> Path:
    """Every type 1 A&E department in England, April 2016 - March 2019 (real data, data/nhs/):
    ae_4hr_type1 = 100 x breaches / attendances, with the counts."""
    out = work / "ae-england"
    if (out / "indicators.csv").is_file():
        return out
    out.mkdir(parents=True, exist_ok=True)
    names = {}
    with ODS_CSV.open(newline="", encoding="utf-8") as fh:
        for row in csv.reader(fh):
            if row:
                names[row[0]] = row[1].title().replace("Nhs", "NHS")
    rows = []
    with AE_CSV.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["type"] == "1" and int(row["attendances"]) > 0:
                breaches, attendances = int(row["breaches"]), int(row["attendances"])
                value = f"{100 * breaches / attendances:.4f}"
                rows.append(
                    [
                        row["org_code"],
                        "ae_4hr_type1",
                        row["period"][:7],
                        value,
                        breaches,
                        attendances,
                    ]
                )
    rows.sort()
    codes = sorted({r[0] for r in rows})
    _write(
        out / "providers.csv",
        ["code", "name", "type", "qsg"],
        [[c, names.get(c, c), "acute", "England"] for c in codes],
    )
    _write(
        out / "indicators.csv",
        ["provider", "indicator", "period", "value", "numerator", "denominator"],
        rows,
    )
    return out


def synthetic(work: Path, providers: int, months: int = 36) -> Path:
    """``providers`` synthetic providers x every indicator x ``months``, five items each."""
    items = ITEMS_PER_PROVIDER * providers
    out = work / f"synth-{providers}x{months}-{items}-{SEED}-{_generator()}"
    if not (out / "synth.json").is_file():
        synthesise(out, providers=providers, months=months, items=items, seed=SEED)
    return out


def _generator() -> str:
    """A short hash of the generator's source: a changed generator makes new workspaces."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "qsgrules" / "synth").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
