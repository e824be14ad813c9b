"""`qsg synth`: a deterministic synthetic workspace at any scale.

``synthesise(out, providers=N, months=M, items=K, seed=S)`` writes a workspace folder that
``load_workspace`` reads and the default ruleset triages: providers of every type (national
proportions), every catalogue indicator for every provider and month with plausible levels,
seasonality, sampling noise and counts, a known minority of step changes and drifts (listed
in ``anomalies.csv``), local members (``members.csv``) and soft items from local and national
members. The same arguments give byte-identical files with the same numpy version (numpy
does not promise the same random streams across versions).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from ..codes import Code
from ..errors import InputError, Problem
from ..indicators import CATALOGUE
from ..model.months import FIRST_MONTH, month_end, month_number, month_of, month_text
from ..progress import Progress, silent
from ..workspace.clock import today as system_today
from ..writing import check_new_folder, new_folder
from . import csvfast, series, soft
from .series import TYPES

__all__ = ["SynthReport", "synthesise"]

#: Providers generated together (the same block size always: the output depends on it).
BLOCK = 500
MAX_PROVIDERS = 1_000_000
MAX_MONTHS = 600
#: 1,000,000 items take about 1.1 GB and 30 s (the national workspace has 50,000)
MAX_ITEMS = 1_000_000


@dataclass(frozen=True)
class SynthReport:
    """What was written: the folder, and the rows and bytes of each file."""

    folder: Path
    rows: dict[str, int]
    bytes: dict[str, int]


def _check(
    out: Path, providers: int, months: int, items: int, seed: int, end: str, missing: float
) -> int:
    problems = []
    if not 1 <= providers <= MAX_PROVIDERS:
        problems.append(
            Problem.for_argument(
                "providers",
                f"{providers} providers: give 1 to {MAX_PROVIDERS:,}",
                code=Code.SYNTH_PROVIDERS,
            )
        )
    if not 1 <= months <= MAX_MONTHS:
        problems.append(
            Problem.for_argument(
                "months", f"{months} months: give 1 to {MAX_MONTHS}", code=Code.SYNTH_MONTHS
            )
        )
    if not 0 <= items <= MAX_ITEMS:
        problems.append(
            Problem.for_argument(
                "items", f"{items} items: give 0 to {MAX_ITEMS:,}", code=Code.SYNTH_ITEMS
            )
        )
    if seed < 0:
        problems.append(
            Problem.for_argument("seed", f"seed {seed}: give 0 or more", code=Code.SYNTH_SEED)
        )
    last = month_number(end)
    today = system_today()
    this_month = month_of(today)
    if last is None or last - months + 1 < FIRST_MONTH:
        problems.append(
            Problem.for_argument(
                "end",
                f"bad month {end[:20]!r}: write YYYY-MM, the last month of data (from 1948-01 "
                f"plus the months asked for, to {month_text(this_month)})",
                code=Code.SYNTH_END,
            )
        )
    elif last > this_month:
        # `qsg triage` refuses data from the future: such a workspace could not be used
        problems.append(
            Problem.for_argument(
                "end",
                f"{end} is after this month ({month_text(this_month)}): data cannot come from "
                f"the future and `qsg triage` would refuse it; give {month_text(this_month)} "
                "or earlier",
                code=Code.SYNTH_END,
            )
        )
    if not 0.0 <= missing < 1.0:
        problems.append(
            Problem.for_argument(
                "missing",
                f"{missing}: give the share of rows left out, from 0 to below 1",
                code=Code.SYNTH_MISSING,
            )
        )
    try:
        check_new_folder(out, "out", Code.SYNTH_OUT_EXISTS, Code.SYNTH_CANNOT_WRITE)
    except InputError as exc:
        problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    assert last is not None
    return last


def synthesise(
    out: str | Path,
    *,
    providers: int,
    months: int = 36,
    items: int = 0,
    seed: int = 0,
    end: str = "2019-03",
    missing: float = 0.0,
    progress: Progress | None = None,
) -> SynthReport:
    """Write a synthetic workspace to the new folder ``out``; all of it or nothing.

    ``missing`` leaves out that share of indicator rows at random (real data has gaps).
    Raises ``InputError`` for a bad argument or an ``out`` that exists and is not empty.
    """
    folder = Path(out)
    last = _check(folder, providers, months, items, seed, end, missing)
    report = progress or silent
    streams = np.random.SeedSequence(seed).spawn(3)
    who = series.providers(providers, np.random.default_rng(streams[0]))
    with new_folder(
        folder, argument="out", code=Code.SYNTH_OUT_EXISTS, cannot=Code.SYNTH_CANNOT_WRITE
    ) as tmp:
        rows: dict[str, int] = {}
        rows["providers.csv"] = _write_providers(tmp, who)
        local = soft.members(who.qsg_names)
        rows["members.csv"] = _write_text(
            tmp / "members.csv", ["name", "kind"], [list(m) for m in local]
        )
        concern, n_rows, anomalies = _write_indicators(
            tmp, who, last, months, missing, streams[1], report
        )
        rows["indicators.csv"] = n_rows
        rows["anomalies.csv"] = _write_text(
            tmp / "anomalies.csv",
            ["provider", "indicator", "change", "towards", "from", "size"],
            anomalies,
        )
        if items:
            # never after today: `qsg triage` refuses an item received in the future
            end_day = min(month_end(last), system_today())
            generated = soft.items(
                items,
                who.codes,
                who.qsg,
                who.qsg_names,
                concern,
                who.size,
                end_day,
                np.random.default_rng(streams[2]),
            )
            rows["intelligence.csv"] = _write_text(
                tmp / "intelligence.csv", list(soft.COLUMNS), generated.rows
            )
        settings = {
            "generator": f"qsg synth (qsgrules {__version__})",
            "providers": providers,
            "months": months,
            "items": items,
            "seed": seed,
            "end": end,
            "missing": missing,
            "rows": rows,
        }
        (tmp / "synth.json").write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    sizes = {p.name: p.stat().st_size for p in sorted(folder.iterdir())}
    return SynthReport(folder, rows, sizes)


def _write_text(path: Path, header: list[str], rows: list[list[str]]) -> int:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return len(rows)


def _write_providers(folder: Path, who: series.Providers) -> int:
    rows = [
        [code, name, TYPES[t].value, who.qsg_names[q]]
        for code, name, t, q in zip(
            who.codes, who.names, who.types.tolist(), who.qsg.tolist(), strict=True
        )
    ]
    return _write_text(folder / "providers.csv", ["code", "name", "type", "qsg"], rows)


def _write_indicators(
    folder: Path,
    who: series.Providers,
    last: int,
    months: int,
    missing: float,
    stream: np.random.SeedSequence,
    report: Progress,
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], int, list[list[str]]]:
    """indicators.csv, block by block; return each provider's share of series drifting
    towards concern, the rows written, and the anomalies."""
    n, n_ind = len(who.codes), len(CATALOGUE)
    first = last - months + 1
    periods = [month_text(m) for m in range(first, last + 1)]
    month_of_year = np.arange(first, last + 1, dtype=np.int64) % 12
    period_table = csvfast.labels_table(periods)
    indicator_table = csvfast.labels_table([i.id for i in CATALOGUE])
    places = max(p.places for p in series.PROFILES_IN_ORDER)  # values are rounded per indicator
    count_places = max(p.count_places for p in series.PROFILES_IN_ORDER)
    concern = np.zeros(n)
    anomalies: list[list[str]] = []
    written = 0
    blocks = np.random.default_rng(stream)
    report("indicators.csv", 0, n)
    with (folder / "indicators.csv").open("wb") as out:
        out.write(b"provider,indicator,period,value,numerator,denominator\n")
        for lo in range(0, n, BLOCK):
            hi = min(n, lo + BLOCK)
            made = series.block(who.size[lo:hi], month_of_year, blocks)
            b = hi - lo
            towards = (made.anomaly > 0) & (made.shift * series.CONCERN_SIGN[None, :] > 0)
            concern[lo:hi] = towards.mean(axis=1)
            for bi, ii in zip(*np.nonzero(made.anomaly), strict=True):
                shift = float(made.shift[bi, ii])
                anomalies.append(
                    [
                        who.codes[lo + bi],
                        CATALOGUE[ii].id,
                        "step" if made.anomaly[bi, ii] == 1 else "drift",
                        "concern" if shift * series.CONCERN_SIGN[ii] > 0 else "improvement",
                        periods[int(made.start[bi, ii])],
                        f"{shift:.4g}",
                    ]
                )
            keep = np.ones(b * n_ind * months, dtype=np.bool_)
            if missing:
                keep = blocks.random(keep.shape[0]) >= missing
            p_idx = np.repeat(np.arange(lo, hi), n_ind * months)[keep]
            i_idx = np.tile(np.repeat(np.arange(n_ind), months), b)[keep]
            m_idx = np.tile(np.arange(months), b * n_ind)[keep]
            provider_table = csvfast.labels_table(who.codes[lo:hi])
            value = made.value.reshape(-1)[keep]
            written += int(keep.sum())
            csvfast.write_rows(
                out,
                [
                    csvfast.labels(p_idx - lo, provider_table),
                    csvfast.labels(i_idx, indicator_table),
                    csvfast.labels(m_idx, period_table),
                    csvfast.decimals(value, places),
                    csvfast.decimals(made.numerator.reshape(-1)[keep], count_places),
                    csvfast.decimals(made.denominator.reshape(-1)[keep], count_places),
                ],
            )
            report("indicators.csv", hi, n)
    return concern, written, anomalies
