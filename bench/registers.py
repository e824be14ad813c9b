"""The register benchmark's inputs: a synthetic workspace for a large QSG and registers of
a given number of records, written through the register's own API (so the stored state is
what real use leaves), deterministically, once into the work folder.

A meeting a month from April 2017, each opened on a fresh triage (data to the month
before), with members attending, positions on every provider (most confirm, some
override), the chair's decisions (risk summits open their convene actions), actions and
information requests agreed, earlier ones closed, answered or moved, the note agreed and
amended. Building stops at the first write that reaches the number of records asked for,
so the last meeting is left open (the live page records into it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from qsgrules import api_register
from qsgrules import register as R
from qsgrules.errors import InputError
from qsgrules.model.vocabulary import ItemStatus
from qsgrules.synth import synthesise

#: The large QSG: its providers, soft items (per provider) and members (names and kinds).
PROVIDERS = 150
ITEMS_PER_PROVIDER = 5
SEED = 2024
ORGANISATIONS = [
    ("NHS Fencombe CCG", "commissioner"),
    ("NHS North Fencombe CCG", "commissioner"),
    ("NHS South Fencombe CCG", "commissioner"),
    ("NHS West Fencombe CCG", "commissioner"),
    ("Healthwatch Fencombe", "healthwatch"),
    ("Healthwatch North Fencombe", "healthwatch"),
    ("Fencombe Council", "local_authority"),
    ("North Fencombe Council", "local_authority"),
    ("HEE Fencombe", "education"),
]
NATIONAL = ["CQC", "NHS England", "PHE", "HEE"]
ATTENDING = 20  # members at each meeting
POSITIONS = 12  # positions stated on each provider
FIRST_MEETING = dt.date(2017, 4, 12)
LAST_DATA = "2019-03"
LEVELS = ["no_concerns", "further_information", "regular_review", "risk_summit"]


class Enough(Exception):
    """The register holds the records asked for."""


def workspace(work: Path, providers: int = PROVIDERS) -> Path:
    """The large QSG's workspace (made once); ``providers`` smaller for a smoke test."""
    out = work / f"register-ws-{providers}"
    if (out / "synth.json").is_file():
        return out
    tmp = work / f"register-ws-{providers}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    synthesise(tmp, providers=providers, items=ITEMS_PER_PROVIDER * providers, seed=SEED)
    mine = [f"{name},{kind}" for name, kind in ORGANISATIONS]
    # the synthesised area is Fencombe at 150 providers; a smaller QSG's area has another
    # name, and its own members (the sources of its items) are kept beside these
    made = (tmp / "members.csv").read_text(encoding="utf-8").splitlines()[1:]
    lines = ["name,kind", *mine, *(line for line in made if line and line not in mine)]
    (tmp / "members.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.rename(out)
    return out


def register(
    work: Path,
    records: int,
    *,
    providers: int = PROVIDERS,
    say: Callable[[str], object] = print,
) -> Path:
    """A register of about ``records`` records on ``workspace(work, providers)`` (made
    once)."""
    ws = workspace(work, providers)
    out = work / f"register-{providers}p-{records}.sqlite"
    if out.is_file():
        up_to_date(out)
        return out
    tmp = work / f"register-{records}.tmp.sqlite"
    for leftover in tmp.parent.glob(tmp.name + "*"):
        leftover.unlink()
    with contextlib.suppress(Enough):
        _build(ws, tmp, records, say)
    with contextlib.closing(sqlite3.connect(tmp)) as conn:  # checkpointed: one file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    tmp.rename(out)
    return out


def up_to_date(path: Path) -> None:
    """Bring a register made by an earlier qsgrules up to this one: its stored state is
    rebuilt by a write of no record (until a write, a register whose state was made by
    another version is read by folding every record: what is measured is this version)."""
    with R.Register(path, actor="bench") as reg:
        reg.write(lambda state: [])


def count(path: Path) -> int:
    """The records a register holds."""
    with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as c:
        return int(c.execute("SELECT count(*) FROM records").fetchone()[0])


def open_meeting_id(path: Path) -> str:
    """The meeting left open (the latest not agreed)."""
    with R.Register(path, readonly=True) as reg:
        heads = [m for m in reg.state().headers() if not m.locked]
    return max(heads, key=lambda m: (m.date, m.seq)).id


def _meeting_days() -> Iterator[dt.date]:
    for n in itertools.count():
        year, month = divmod(FIRST_MEETING.month - 1 + n, 12)
        yield FIRST_MEETING.replace(year=FIRST_MEETING.year + year, month=month + 1)


def _month_before(day: dt.date) -> str:
    last = min(f"{(day.replace(day=1) - dt.timedelta(days=1)):%Y-%m}", LAST_DATA)
    return last


def _build(ws: Path, path: Path, records: int, say: Callable[[str], object]) -> None:
    people = [
        (f"Member {i:02d}", (NATIONAL + [n for n, _ in ORGANISATIONS])[i % 13])
        for i in range(ATTENDING)
    ]
    seconds = itertools.count()
    for number, day in enumerate(_meeting_days(), start=1):
        start = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)

        def clock(start: dt.datetime = start) -> dt.datetime:
            return start + dt.timedelta(seconds=next(seconds) % 20_000)

        def today(day: dt.date = day) -> dt.date:
            return day

        m = api_register.open_meeting(
            date=day,
            chair="Dr Jo Chair",
            workspace=ws,
            as_of=_month_before(day),
            register=path,
            by="secretary",
            clock=clock,
            today=today,
        )
        with R.Register(path, actor="secretary", clock=clock, today=today) as reg:
            reg._conn.execute("PRAGMA synchronous = OFF")  # building, not measuring
            _meeting(reg, m, people, day, number, records, path)
        say(f"  built meeting {m.id}: {count(path):,} records")


def _meeting(
    reg: R.Register,
    m: R.Meeting,
    people: list[tuple[str, str]],
    day: dt.date,
    number: int,
    records: int,
    path: Path,
) -> None:
    def step(write: Callable[[], object]) -> None:
        try:
            write()
        except InputError as exc:  # a refusal is a bench defect: say it, go on
            print(f"  refused: {exc.problems[0].render()}")
        if count_fast() >= records:
            raise Enough

    conn = reg._conn

    def count_fast() -> int:
        return int(conn.execute("SELECT max(seq) FROM records").fetchone()[0] or 0)

    for member, org in people:
        step(lambda member=member, org=org: R.attend(reg, m.id, member=member, organisation=org))
    state = reg.state([m.id])
    # the actions agreed before: close, answer or move them
    for k, a in enumerate(sorted(state.actions.values(), key=lambda a: a.seq)):
        if a.status != ItemStatus.OPEN or a.kind == R.ActionKind.CONVENE_SUMMIT:
            continue
        if a.kind == R.ActionKind.INFORMATION:
            step(lambda a=a: R.respond(reg, a.id, response=f"Received: report {a.id}.", on=day))
        elif k % 4 == 0:
            step(lambda a=a: R.move_action(reg, a.id, due=day + dt.timedelta(days=45),
                                           reason="Awaiting the board's report."))  # fmt: skip
        else:
            step(lambda a=a: R.close_action(reg, a.id, note="Done and reported.", on=day))
    for n, (code, proposed) in enumerate(sorted(m.proposed.items())):
        levels = []
        for k, (member, _) in enumerate(people[:POSITIONS]):
            if (n + k + number) % 7 == 0:
                held = LEVELS[(LEVELS.index(proposed.value) + 1) % len(LEVELS)]
                levels.append(held)
                step(lambda code=code, member=member, held=held: R.override(
                    reg, code, meeting=m.id, member=member, level=held,
                    reason="Soft intelligence from the visit is more worrying."))  # fmt: skip
            else:
                levels.append(proposed.value)
                step(lambda code=code, member=member: R.confirm(
                    reg, code, meeting=m.id, member=member))  # fmt: skip
        chosen = max(set(levels), key=levels.count)
        review = (day + dt.timedelta(days=90)).isoformat()
        step(lambda code=code, chosen=chosen, review=review: R.decide(
            reg, code, meeting=m.id, level=chosen, rationale="As discussed; see positions.",
            review_by=review if chosen != "no_concerns" else None))  # fmt: skip
        if n % 5 == 0:
            kind = "information_request" if n % 10 == 0 else "action"
            owner = people[n % len(people)][1]
            step(lambda code=code, kind=kind, owner=owner: R.add_action(
                reg, code, meeting=m.id, owner=owner,
                due=day + dt.timedelta(days=30), text="Report on the improvement plan.",
                kind=kind))  # fmt: skip
    step(lambda: R.agree(reg, m.id))
    for code in sorted(m.proposed)[:3]:
        step(lambda code=code: R.amend(
            reg, m.id, reason="The rationale was misrecorded.", provider=code,
            rationale="As minuted on the day."))  # fmt: skip


def provider_codes(ws: Path) -> list[str]:
    """The workspace's provider codes (the pages the clients read)."""
    lines = (ws / "providers.csv").read_text(encoding="utf-8").splitlines()[1:]
    return [line.split(",", 1)[0] for line in lines if line]


def attending(path: Path, meeting: str) -> list[str]:
    """The members attending ``meeting`` (who the clients' positions are from)."""
    with R.Register(path, readonly=True) as reg:
        return sorted(reg.state([meeting]).meetings[meeting].attendance)
