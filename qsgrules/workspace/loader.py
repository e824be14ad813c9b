"""Load a workspace folder, reporting every problem in every file, or nothing at all."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import Field, ValidationError

from ..errors import InputError, Problem, did_you_mean
from ..indicators import BY_ID
from ..model import Model
from ..model.months import month_number
from ..model.vocabulary import PROVIDER_TYPES, ProviderType
from .intelligence import Member, SoftItem, load_intelligence, load_members

PROVIDER_COLUMNS = ("code", "name", "type", "qsg")
INDICATOR_COLUMNS = ("provider", "indicator", "period", "value")
WORKSPACE_FILES = (
    "providers.csv",
    "indicators.csv",
    "members.csv",
    "intelligence.yaml",
    "intelligence.csv",
)


class Provider(Model):
    code: str = Field(min_length=1)
    name: str
    type: ProviderType
    qsg: str
    commissioners: tuple[str, ...] = ()
    extra: dict[str, str] = Field(default_factory=dict)


@dataclass(frozen=True)
class Observations:
    """indicators.csv as columns. Periods are month numbers: year × 12 + month − 1."""

    provider: np.ndarray[Any, np.dtype[np.str_]]
    indicator: np.ndarray[Any, np.dtype[np.str_]]
    period: np.ndarray[Any, np.dtype[np.int64]]
    value: np.ndarray[Any, np.dtype[np.float64]]
    numerator: np.ndarray[Any, np.dtype[np.float64]]
    denominator: np.ndarray[Any, np.dtype[np.float64]]
    # integer codes of provider and indicator (grouping and sorting integers is what makes
    # national-scale triage fast); computed once, carried through every selection
    codes: tuple[np.ndarray[Any, np.dtype[np.int64]], np.ndarray[Any, np.dtype[np.int64]]] = field(
        default=None, repr=False, compare=False
    )  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.codes is None:
            _, p_codes = np.unique(self.provider, return_inverse=True)
            _, i_codes = np.unique(self.indicator, return_inverse=True)
            object.__setattr__(self, "codes", (p_codes.astype(np.int64), i_codes.astype(np.int64)))

    def __len__(self) -> int:
        return int(self.value.shape[0])

    def select(self, mask: np.ndarray[Any, np.dtype[np.bool_]]) -> Observations:
        rows = np.flatnonzero(mask)  # selections are sparse: index, don't mask, each column
        return Observations(
            self.provider[rows],
            self.indicator[rows],
            self.period[rows],
            self.value[rows],
            self.numerator[rows],
            self.denominator[rows],
            (self.codes[0][rows], self.codes[1][rows]),
        )

    def indicator_mask(self, indicator_id: str) -> np.ndarray[Any, np.dtype[np.bool_]]:
        """Rows of one indicator (an integer comparison after one string lookup)."""
        code = self._indicator_codes().get(indicator_id)
        if code is None:
            return np.zeros(len(self), dtype=np.bool_)
        mask: np.ndarray[Any, np.dtype[np.bool_]] = self.codes[1] == code
        return mask

    def _indicator_codes(self) -> dict[str, int]:
        cached: dict[str, int] | None = self.__dict__.get("_icodes")
        if cached is None:
            codes, first = np.unique(self.codes[1], return_index=True)
            cached = {str(self.indicator[i]): int(c) for c, i in zip(codes, first, strict=True)}
            object.__setattr__(self, "_icodes", cached)
        return cached


@dataclass(frozen=True)
class Workspace:
    root: str
    providers: dict[str, Provider]
    observations: Observations
    intelligence: tuple[SoftItem, ...]
    files: tuple[str, ...] = field(default=())
    members: dict[str, Member] = field(default_factory=dict)


def _read_csv(
    path: Path, required: tuple[str, ...], problems: list[Problem]
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(name, 1, None, f"not UTF-8 text: {exc.reason}; save it as UTF-8 CSV")
        )
        return [], []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        problems.append(
            Problem(name, 1, None, f"empty file; expected a header {','.join(required)}")
        )
        return [], []
    missing = [c for c in required if c not in header]
    if missing:
        problems.append(
            Problem(
                name,
                1,
                None,
                f"missing column(s) {', '.join(missing)}; the header must "
                f"include {','.join(required)}",
            )
        )
        return header, []
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                problems.append(
                    Problem(
                        name, line, None, f"{len(cells)} fields where the header has {len(header)}"
                    )
                )
                continue
            rows.append((line, {h: c.strip() for h, c in zip(header, cells, strict=True)}))
    except csv.Error as exc:
        problems.append(Problem(name, reader.line_num, None, f"malformed CSV: {exc}"))
    return header, rows


def _load_providers(path: Path, problems: list[Problem]) -> dict[str, Provider]:
    _, rows = _read_csv(path, PROVIDER_COLUMNS, problems)
    providers: dict[str, Provider] = {}
    first_line: dict[str, int] = {}
    for line, row in rows:
        code = row["code"]
        if code in providers:
            problems.append(
                Problem(
                    path.name,
                    line,
                    None,
                    f"duplicate provider code {code!r} (first at line {first_line[code]})",
                )
            )
            continue
        extra = {k: v for k, v in row.items() if k not in PROVIDER_COLUMNS and k != "commissioners"}
        commissioners = tuple(
            c.strip() for c in row.get("commissioners", "").split(";") if c.strip()
        )
        try:
            providers[code] = Provider.model_validate(
                {
                    "code": code,
                    "name": row["name"],
                    "type": row["type"],
                    "qsg": row["qsg"],
                    "commissioners": commissioners,
                    "extra": extra,
                }
            )
            first_line[code] = line
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                col = err["loc"][0] if err["loc"] else "row"
                if col == "type":
                    allowed = list(PROVIDER_TYPES)
                    got = row["type"]
                    message = (
                        f"unknown provider type {got!r}{did_you_mean(got, allowed)}; use one "
                        f"of {', '.join(allowed)}"
                    )
                else:
                    message = f"{col}: {err['msg']}"
                problems.append(Problem(path.name, line, None, message))
    return providers


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _load_indicators(
    path: Path, providers: dict[str, Provider], problems: list[Problem]
) -> Observations:
    name = path.name
    header, rows = _read_csv(path, INDICATOR_COLUMNS, problems)
    has_counts = "numerator" in header and "denominator" in header
    if ("numerator" in header) != ("denominator" in header):
        problems.append(
            Problem(name, 1, None, "give both numerator and denominator columns, or neither")
        )
    cols: dict[str, list[Any]] = {
        k: [] for k in ("provider", "indicator", "period", "value", "num", "den")
    }
    seen: dict[tuple[str, str, int], int] = {}
    unknown_providers: dict[str, list[int]] = {}
    for line, row in rows:
        bad = False
        code, ind, period_text = row["provider"], row["indicator"], row["period"]
        if not code:
            problems.append(Problem(name, line, None, "provider is empty"))
            bad = True
        elif code not in providers:
            unknown_providers.setdefault(code, []).append(line)
            bad = True
        if ind not in BY_ID:
            problems.append(
                Problem(
                    name,
                    line,
                    None,
                    f"unknown indicator {ind!r}{did_you_mean(ind, BY_ID)}; see `qsg indicators`",
                )
            )
            bad = True
        period = month_number(period_text)
        if period is None:
            problems.append(
                Problem(
                    name, line, None, f"bad period {period_text!r}; write YYYY-MM, e.g. 2018-03"
                )
            )
            bad = True
        num = den = math.nan
        if has_counts and (row["numerator"] or row["denominator"]):
            n, d = _number(row["numerator"]), _number(row["denominator"])
            if n is None or d is None:
                which = "numerator" if n is None else "denominator"
                problems.append(
                    Problem(name, line, None, f"{which} {row[which]!r} is not a number")
                )
                bad = True
            elif d <= 0:
                problems.append(
                    Problem(
                        name, line, None, f"denominator {row['denominator']} must be above zero"
                    )
                )
                bad = True
            elif n < 0:
                problems.append(
                    Problem(name, line, None, f"numerator {row['numerator']} cannot be negative")
                )
                bad = True
            else:
                num, den = n, d
        value_text = row["value"]
        if bad and value_text == "":
            continue  # the counts were wrong: an empty value adds nothing to say
        if value_text == "" and not math.isnan(den) and ind in BY_ID:
            value: float | None = BY_ID[ind].scale * num / den
        else:
            value = _number(value_text)
            if value is None:
                shown = "empty" if value_text == "" else f"{value_text!r} is not a number"
                problems.append(
                    Problem(
                        name,
                        line,
                        None,
                        f"value {shown}; give a number "
                        "(or leave it empty and give numerator and denominator)",
                    )
                )
                bad = True
        if bad or period is None or value is None:
            continue
        key = (code, ind, period)
        if key in seen:
            problems.append(
                Problem(
                    name,
                    line,
                    None,
                    f"duplicate row for {code} {ind} {period_text} (first at line {seen[key]})",
                )
            )
            continue
        seen[key] = line
        for k, v in (
            ("provider", code),
            ("indicator", ind),
            ("period", period),
            ("value", value),
            ("num", num),
            ("den", den),
        ):
            cols[k].append(v)
    for code, lines in sorted(unknown_providers.items()):
        shown = ", ".join(str(n) for n in lines[:5]) + (", ..." if len(lines) > 5 else "")
        problems.append(
            Problem(
                name,
                lines[0],
                None,
                f"unknown provider code {code!r}{did_you_mean(code, providers)} on "
                f"{len(lines)} row(s) (lines {shown}); add it to providers.csv",
            )
        )
    return Observations(
        np.array(cols["provider"], dtype=np.str_),
        np.array(cols["indicator"], dtype=np.str_),
        np.array(cols["period"], dtype=np.int64),
        np.array(cols["value"], dtype=np.float64),
        np.array(cols["num"], dtype=np.float64),
        np.array(cols["den"], dtype=np.float64),
        (_factorise(cols["provider"]), _factorise(cols["indicator"])),
    )


def _factorise(values: list[str]) -> np.ndarray[Any, np.dtype[np.int64]]:
    index: dict[str, int] = {}
    return np.fromiter((index.setdefault(v, len(index)) for v in values), np.int64, len(values))


def load_workspace(root: str | Path) -> Workspace:
    """Load ``providers.csv``, ``indicators.csv`` and (optional) ``members.csv``,
    ``intelligence.yaml`` and ``intelligence.csv``.

    Raises InputError listing every problem in every file; never returns partial data.
    """
    folder = Path(root)
    if not folder.is_dir():
        raise InputError([Problem(str(folder), 1, None, "no such workspace folder")])
    problems: list[Problem] = []
    required = ["providers.csv", "indicators.csv"]
    for f in required:
        if not (folder / f).is_file():
            problems.append(
                Problem(f, 1, None, f"missing: a workspace needs {' and '.join(required)}")
            )
    if problems:
        raise InputError(problems)
    providers = _load_providers(folder / "providers.csv", problems)
    observations = _load_indicators(folder / "indicators.csv", providers, problems)
    members = load_members(folder, problems)
    intelligence = load_intelligence(folder, providers, members, problems)
    if problems:
        raise InputError(problems)
    files = tuple(f for f in WORKSPACE_FILES if (folder / f).is_file())
    return Workspace(str(folder), providers, observations, intelligence, files, members)
