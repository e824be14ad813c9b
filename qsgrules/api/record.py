"""The QSG's record: open or plan a meeting (opening freezes a fresh triage), coverage of
the business cycle, the regional report, the audit and the levels decided. Everything the
register commands do is here or in ``qsgrules.register``; the command line only parses and
prints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from .. import register as reg_api
from ..codes import Code
from ..engine.when import latest_month
from ..errors import InputError, Problem
from ..files import read_text
from ..model.ladder import AnyRung
from ..model.months import month_text
from ..register import Register, checks, store
from ..register.schedule import check_meeting_date, check_planned_date
from ..register.store import Clock, Today
from ..ruleset import CompiledRuleset
from ..workspace import Workspace
from ..workspace.clock import today as system_today
from ..workspace.settings import Settings, load_settings
from .inputs import (
    open_inputs,
    open_register,
    open_workspace,
    register_file,
    register_to_write,
)
from .proposals import run_triage

__all__ = [
    "audit_verify",
    "coverage",
    "decided_levels",
    "open_meeting",
    "plan_meeting",
    "regional_report",
    "workspace_settings",
]


#: The longest look back `coverage` takes: a hundred years of meetings.
MAX_COVERAGE_MONTHS = 1200


def workspace_settings(workspace: str | Path | Workspace | None = None) -> Settings:
    """The workspace's settings.yaml (business cycle, quorum), or the defaults."""
    ws = open_workspace(workspace)
    return load_settings(ws.root, ws.members)


def open_meeting(
    *,
    date: str | dt.date,
    chair: str,
    qsg: str | None = None,
    workspace: str | Path | Workspace | None = None,
    ruleset: str | Path | CompiledRuleset | None = None,
    as_of: str | None = None,
    register: str | Path | None = None,
    by: str | None = None,
    clock: Clock | None = None,
    today: Today | None = None,
    venue: str | None = None,
    time: str | None = None,
) -> reg_api.Meeting:
    """Triage the workspace on the meeting's date and open a meeting that freezes it
    (every proposal with its evidence, the data month, the date, the ruleset's name,
    version and sha256), with the providers' local QSGs, the member organisations and the
    settings. The triage counts the soft intelligence received up to the meeting's date and
    each provider's data as far as they reach (its lag shown); ``as_of`` caps the data
    month. Nothing is written unless every input is good: refused, a date after ``today``
    (default ``QSG_TODAY`` or the system's date; ``plan_meeting`` records a future meeting)
    or on or before the end of the last month of data the triage holds.
    ``register.opening_warnings`` says what is legal but suspicious (a meeting more than a
    year after its data)."""
    root = workspace.root if isinstance(workspace, Workspace) else workspace
    path = register_to_write(root, register)
    day = (today or system_today)()
    check_meeting_date(date, None, today=day)
    meeting_day = checks.date("date", date)
    checks.name("chair", chair)
    if by is not None:
        checks.name("by", by)
    ws, rs = open_inputs(workspace, ruleset)
    settings = load_settings(ws.root, ws.members)
    local = sorted({p.qsg for p in ws.providers.values()})
    _check_qsg(qsg, local)
    # a new register (its first meeting) holds no standing levels yet
    result = run_triage(
        ws, rs, as_of=as_of, on=meeting_day, register=path, standing=reg_api.present(path)
    )
    # checked before the register file is made: a refused first meeting leaves no file.
    # Against the data the workspace holds (or --as-of): the triage on the meeting's date
    # never uses a later month, but data later than the meeting mean the date is wrong.
    held = as_of if as_of is not None else month_text(latest_month(ws))
    check_meeting_date(date, held, today=day)
    with Register(path, create=True, actor=by, clock=clock, today=lambda: day) as reg:
        return reg_api.open_meeting(
            reg,
            date=date,
            chair=chair,
            qsg=qsg if qsg is not None else (local[0] if len(local) == 1 else None),
            triage=result.model_dump(mode="json"),
            providers={
                code: {"name": p.name, "type": p.type.value, "qsg": p.qsg}
                for code, p in sorted(ws.providers.items())
            },
            # a member retired before the meeting's day is not one at it (`qsg member retire`)
            members={
                name: m.kind
                for name, m in sorted(ws.members.items())
                if m.retired is None or m.retired >= meeting_day
            },
            settings=settings.model_dump(mode="json"),
            venue=venue,
            time=time,
        )


def _check_qsg(qsg: str | None, local: Sequence[str]) -> None:
    if qsg is not None:
        checks.one_of(
            "qsg",
            qsg,
            local,
            "local QSG",
            checks.UNKNOWN_QSG,
            "a local QSG is named in the qsg column of providers.csv",
        )


def plan_meeting(
    *,
    date: str | dt.date,
    chair: str,
    qsg: str | None = None,
    workspace: str | Path | Workspace | None = None,
    register: str | Path | None = None,
    by: str | None = None,
    clock: Clock | None = None,
    today: Today | None = None,
    venue: str | None = None,
    time: str | None = None,
) -> reg_api.Planned:
    """Put a future meeting in the schedule of the workspace's register (made when it is
    the first): no triage is frozen and nothing is recorded at it until it is opened on the
    day, when it keeps its id. Refused: a date not after ``today``."""
    root = workspace.root if isinstance(workspace, Workspace) else workspace
    path = register_to_write(root, register)
    day = (today or system_today)()
    check_planned_date(date, today=day)  # before a first register file is made
    checks.name("chair", chair)
    ws = open_workspace(workspace)
    local = sorted({p.qsg for p in ws.providers.values()})
    _check_qsg(qsg, local)
    with Register(path, create=True, actor=by, clock=clock, today=lambda: day) as reg:
        return reg_api.plan_meeting(
            reg,
            date=date,
            chair=chair,
            qsg=qsg if qsg is not None else (local[0] if len(local) == 1 else None),
            venue=venue,
            time=time,
        )


def coverage(
    workspace: str | Path | None = None,
    register: str | Path | None = None,
    *,
    months: int | None = None,
    on: str | dt.date | None = None,
    qsg: str | None = None,
) -> tuple[int, list[reg_api.Uncovered]]:
    """The workspace's providers (of one local QSG when ``qsg`` is given) not discussed in
    the last ``months`` (default: the business cycle of settings.yaml) before ``on``
    (default today): (months, providers). With no register every provider is "never"
    discussed."""
    ws = open_workspace(workspace)
    n = months if months is not None else load_settings(ws.root, ws.members).business_cycle_months
    if not 1 <= n <= MAX_COVERAGE_MONTHS:
        # (999999 months reached back before year 1: an AssertionError in date arithmetic)
        raise checks.refuse(
            "months",
            f"{n} is not a number of months to look back: give 1 to {MAX_COVERAGE_MONTHS}",
            Code.BAD_MONTHS,
        )
    day = checks.date("on", on) if on is not None else system_today()
    path = register_file(ws.root, register)
    if qsg is not None:
        checks.one_of(
            "qsg",
            qsg,
            sorted({p.qsg for p in ws.providers.values()}),
            "local QSG",
            checks.UNKNOWN_QSG,
            "a local QSG is named in the qsg column of providers.csv",
        )
    names = {code: p.name for code, p in sorted(ws.providers.items()) if qsg in (None, p.qsg)}
    if not reg_api.present(path):
        return n, reg_api.coverage(reg_api.State(), names, months=n, on=day)
    with Register(path, readonly=True) as reg:
        return n, reg_api.coverage(reg.state(), names, months=n, on=day)


def regional_report(
    registers: Sequence[str | Path], *, on: str | dt.date | None = None
) -> reg_api.Regional:
    """Combine the agreed conclusions of local QSGs' registers (see ``register.combine``)."""
    day = checks.date("on", on) if on is not None else system_today()
    return reg_api.combine(registers, on=day)


def audit_verify(
    workspace: str | Path | None = None,
    register: str | Path | None = None,
    *,
    expect: Sequence[str] = (),
    notes: Sequence[str | Path] = (),
) -> tuple[reg_api.Verification, str, tuple[int, str] | None]:
    """Check SQLite's integrity first, then every record's hash and link, then the chain
    heads printed outside the file: each of ``expect`` (``SEQ:HASH``, as this prints the
    head) and each found in the ``notes`` files (a note or a pack, Markdown or HTML). With
    ``QSG_AUDIT_KEY`` set, every record's HMAC under it. Returns (verification, integrity
    report "ok" or what is wrong, the head now). A damaged file is reported as such (its
    chain is not checked: the verification says so), never as a traceback."""
    anchors = _anchors(expect, notes)
    try:
        reg = open_register(workspace, register)
    except InputError as exc:
        damaged = [p for p in exc.problems if p.code == store.DAMAGED]
        if not damaged:
            raise
        return reg_api.Verification(0, "not checked: the file is damaged"), damaged[0].message, None
    with reg:
        integrity = reg.integrity()
        if integrity != "ok":
            return reg_api.Verification(0, "not checked: the file is damaged"), integrity, None
        return reg.verify(anchors, store.audit_key()), integrity, reg.head()


def _anchors(expect: Sequence[str], notes: Sequence[str | Path]) -> list[tuple[int, str]]:
    problems: list[Problem] = []
    found: list[tuple[int, str]] = []
    for text in expect:
        anchor = store.parse_anchor(text)
        if anchor is None:
            problems.append(
                Problem.for_argument(
                    "expect",
                    f"{text[:80]!r} is not a chain head: write SEQ:HASH as `qsg audit verify` "
                    "and the note print it (e.g. 14:3f2a...: the record number, a colon, the "
                    "64 hexadecimal digits of its hash)",
                    code=checks.BAD_ANCHOR,
                )
            )
        else:
            found.append(anchor)
    for note in notes:
        content = read_text(Path(note), str(note), "yaml")
        if isinstance(content, Problem):
            problems.append(content)
            continue
        heads = store.anchors_in(content)
        if not heads:
            problems.append(
                Problem.for_argument(
                    "note",
                    f"{note} prints no chain head ('record N, sha256 HASH'): give a note or a "
                    "pack made by this version of qsgrules",
                    code=checks.BAD_ANCHOR,
                )
            )
        found.extend(heads)
    if problems:
        raise InputError(problems)
    return found


def decided_levels(
    workspace: str | Path | None = None, register: str | Path | None = None
) -> dict[tuple[str, str], AnyRung] | None:
    """The levels the QSG concluded, as amended, keyed by provider and the as-of month of
    the triage the meeting discussed (for ``qsgrules.backtest.agreement``); the latest
    meeting's when two discussed the same month. None when there is no register: with
    ``register`` given it must exist, by default (``register.sqlite`` in the workspace
    folder) there may be none."""
    path = register_file(workspace, register)
    if register is None and not reg_api.present(path):
        return None
    with Register(path, readonly=True) as reg:
        state = reg.state()
        heads = {m.id: m for m in state.headers()}
        decided = state.history()
    out: dict[tuple[str, str], AnyRung] = {}
    for d in reversed(decided):  # the earliest meeting first: a later one replaces it
        out[(d.provider, heads[d.meeting].as_of)] = d.level
    return out
