"""Load a workspace folder, reporting every problem in every file, or nothing at all."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .. import collector
from ..codes import Code
from ..errors import InputError, Problem
from ..files import examine, read_text
from ..model.months import month_number, month_of, month_text
from ..model.observations import Observations
from ..model.workspace import Member, Provider, SoftItem, Workspace
from .clock import today as system_today
from .members import parse_members
from .providers_csv import parse_providers
from .soft_checks import ItemChecker, check_items
from .soft_sources import RawItem, csv_items, yaml_items

__all__ = [
    "INTAKE_FILES",
    "Observations",
    "Provider",
    "Workspace",
    "load_workspace",
    "month_number",
    "month_text",
]

REQUIRED = ("providers.csv", "indicators.csv")
INTAKE_FILES = ("intelligence.yaml", "intelligence.csv")
CODE_MISSING = Code.WORKSPACE_FILE_MISSING
CODE_NO_FOLDER = Code.NO_SUCH_WORKSPACE
CODE_NO_DATA = Code.WORKSPACE_NO_DATA
CODE_EMPTY_INTAKE = Code.INTAKE_EMPTY


def load_workspace(root: str | Path, *, today: dt.date | None = None) -> Workspace:
    """Load ``providers.csv``, ``indicators.csv`` and (optional) ``members.csv``,
    ``intelligence.yaml`` and ``intelligence.csv``.

    ``today`` (default: :func:`qsgrules.workspace.clock.today`) bounds the dates the data
    may carry: no period after its month, no item received after it. Raises InputError
    listing every problem in every file; never returns partial data. Legal but suspicious
    input is returned in ``Workspace.warnings``.
    """
    with collector.paused():
        return _load(Path(root), today)


def _load(root: Path, today: dt.date | None) -> Workspace:
    folder = Path(root)
    if not folder.is_dir():
        raise InputError(
            [Problem(str(folder), 1, None, "no such workspace folder", code=CODE_NO_FOLDER)]
        )
    day = today or system_today()
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for name in REQUIRED:
        state = examine(folder / name, name)
        if not state.exists:
            problems.append(
                Problem(
                    name,
                    1,
                    None,
                    f"missing: a workspace needs {' and '.join(REQUIRED)}",
                    code=CODE_MISSING,
                )
            )
        elif state.problem is not None:
            problems.append(state.problem)
    if problems:
        raise InputError(problems)
    providers: dict[str, Provider] = {}
    lines: dict[str, int] = {}
    text = read_text(folder / "providers.csv", "providers.csv", "csv")
    parsed = None if isinstance(text, Problem) else parse_providers(text, problems)
    if parsed is None:
        # every other file refers to providers: checking them against none is only noise
        raise InputError([*problems, *([text] if isinstance(text, Problem) else [])])
    providers, lines, refused = parsed
    # PyArrow is imported only when a workspace is loaded (not for `qsg --help` or `check`)
    from .indicators_csv import load_indicators, without_rows_warning

    members_problems: list[Problem] = []
    members_text = _optional_text(folder, "members.csv", members_problems)
    unreadable = bool(members_problems)  # not a file, too large, or bytes that are not UTF-8
    members = parse_members(members_text, members_problems)
    # members.csv unreadable as a whole: sources cannot be checked, only it is reported
    members_ok = not unreadable and not any(
        p.file == "members.csv" and p.line == 1 for p in members_problems
    )
    # The soft items are read, checked and scanned in a thread while indicators.csv is
    # read: PyArrow's reader and numpy's passes over millions of rows leave the interpreter
    # free most of the time. Each keeps its own problems, reported in the usual order.
    soft_problems: list[Problem] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="intelligence") as pool:
        soft = pool.submit(
            load_intelligence,
            folder,
            providers,
            members if members_ok else None,
            day,
            soft_problems,
            warnings,
            refused,
        )
        observations = load_indicators(
            folder / "indicators.csv", providers, month_of(day), problems, refused
        )
        intelligence = soft.result()
    problems.extend(members_problems)
    problems.extend(soft_problems)
    if problems:
        raise InputError(problems)
    if len(observations) == 0:
        warnings.append(without_rows_warning())
    without = _without_data(providers, observations, intelligence)
    if without:
        warnings.append(_without_data_warning(without, lines))
    return Workspace(
        str(folder),
        providers,
        observations,
        intelligence,
        members,
        tuple(sorted(warnings, key=Problem.sort_key)),
        frozenset(without),
    )


def _optional_text(folder: Path, name: str, problems: list[Problem]) -> str | None:
    """An optional file's text; None when it is not there (a folder there is a problem)."""
    if not examine(folder / name, name).exists:
        return None
    text = read_text(folder / name, name, "yaml" if name.endswith(".yaml") else "csv")
    if isinstance(text, Problem):
        problems.append(text)
        return None
    return text


def load_intelligence(
    folder: Path,
    providers: dict[str, Provider],
    members: dict[str, Member] | None,
    today: dt.date,
    problems: list[Problem],
    warnings: list[Problem],
    refused: frozenset[str] = frozenset(),
) -> tuple[SoftItem, ...]:
    """Items from intelligence.yaml and intelligence.csv (either or both), checked together.

    ``members`` None: the members could not be read, so sources are not checked. Items on
    a provider whose row in providers.csv was refused (``refused``) are not usable, but
    only that row is reported."""
    raws: list[RawItem] = []
    for name, reader in zip(INTAKE_FILES, (yaml_items, csv_items), strict=True):
        text = _optional_text(folder, name, problems)
        if text is None:
            continue
        before = len(problems)
        found = reader(text, name, problems)
        if not found and len(problems) == before:
            warnings.append(
                Problem(
                    name,
                    1,
                    None,
                    "no items: no soft intelligence is read from it",
                    code=CODE_EMPTY_INTAKE,
                    severity="warning",
                )
            )
        raws.extend(found)
    return check_items(raws, ItemChecker(providers, members, today, refused), problems)


def _without_data(
    providers: dict[str, Provider], observations: Observations, items: tuple[SoftItem, ...]
) -> list[str]:
    known = observations.providers_present() | {i.provider for i in items}
    return sorted(code for code in providers if code not in known)


def _without_data_warning(codes: list[str], lines: dict[str, int]) -> Problem:
    shown = ", ".join(codes[:10]) + (f" and {len(codes) - 10} more" if len(codes) > 10 else "")
    return Problem(
        "providers.csv",
        min(lines.get(c, 1) for c in codes),
        None,
        f"{len(codes)} provider(s) with no indicator data and no soft intelligence: {shown}; "
        '"no concerns" for them means nothing is known',
        code=CODE_NO_DATA,
        severity="warning",
    )
