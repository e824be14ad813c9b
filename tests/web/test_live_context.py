"""The live page keeps the register's context of its meeting (standing levels, earlier
decisions, actions, the agenda) between requests while only attendance and positions are
recorded at that meeting, and makes it again after any other record: what it shows is
always what a page started afresh would show."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qsgrules import api_register
from qsgrules import register as R
from qsgrules.web import LiveReview

from .conftest import MEETING

DAY = dt.date(2019, 4, 10)


def _fresh(ws: Path, shown: list[str] | None) -> Any:
    return LiveReview.load(ws).snapshot(today=DAY, shown=shown).context


def _same_as_fresh(live: LiveReview, ws: Path) -> None:
    for shown in (None, [], ["RJ6"], ["RJ7", "NOT-THERE"]):
        assert live.snapshot(today=DAY, shown=shown).context == _fresh(ws, shown), shown


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the register's context of a meeting is made."""
    made: list[int] = []
    original = R.pack_context

    def counting(*args: Any, **kwargs: Any) -> Any:
        made.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(R, "pack_context", counting)
    return made


def _write(ws: Path, what: Callable[[R.Register], object]) -> None:
    with api_register.open_register(ws, write=True, by="clerk") as reg:
        what(reg)


def test_positions_and_attendance_keep_the_context_and_it_stays_true(
    ws: Path, counted: list[int]
) -> None:
    live = LiveReview.load(ws)
    _same_as_fresh(live, ws)
    made = len(counted)
    _write(ws, lambda reg: R.confirm(reg, "RJ6", meeting=MEETING, member="Ann Lee"))
    _write(ws, lambda reg: R.attend(reg, MEETING, member="Mo Khan", organisation="CQC"))
    _write(ws, lambda reg: R.override(reg, "RJ7", meeting=MEETING, member="Mo Khan",
                                      level="risk_summit", reason="a visit"))  # fmt: skip
    snap = live.snapshot(today=DAY, shown=["RJ6"])
    assert len(counted) == made  # kept: not made again
    # ...and the meeting itself is read afresh: the positions show
    assert snap.meeting is not None and set(snap.meeting.positions) == {"RJ6", "RJ7"}
    _same_as_fresh(live, ws)


@pytest.mark.parametrize(
    "write",
    [
        lambda reg: R.decide(
            reg, "RJ6", meeting=MEETING, level="risk_summit", rationale="as discussed"
        ),
        lambda reg: R.add_action(
            reg, "RJ7", meeting=MEETING, owner="CQC", due="2019-05-01", text="a report"
        ),
        lambda reg: R.agree(reg, MEETING),
    ],
    ids=["decision", "action", "agreed"],
)
def test_any_other_record_makes_the_context_again(
    ws: Path, counted: list[int], write: Callable[[R.Register], object]
) -> None:
    live = LiveReview.load(ws)
    _write(ws, lambda reg: R.confirm(reg, "RJ6", meeting=MEETING, member="Ann Lee"))
    _same_as_fresh(live, ws)
    made = len(counted)
    _write(ws, write)
    live.snapshot(today=DAY, shown=[])
    assert len(counted) == made + 1
    _same_as_fresh(live, ws)


def test_a_record_changed_outside_qsgrules_makes_the_context_again(
    ws: Path, counted: list[int]
) -> None:
    _write(ws, lambda reg: R.confirm(reg, "RJ6", meeting=MEETING, member="Ann Lee"))
    _write(ws, lambda reg: R.decide(reg, "RJ6", meeting=MEETING, rationale="as proposed"))
    live = LiveReview.load(ws)
    _same_as_fresh(live, ws)
    made = len(counted)
    conn = sqlite3.connect(ws / "register.sqlite")
    with conn:  # an edit in place: no record is added, the stored state is marked stale
        conn.execute(
            "UPDATE records SET body = replace(body, 'as proposed', 'edited') "
            "WHERE kind = 'decision'"
        )
    conn.close()
    live.snapshot(today=DAY, shown=[])
    assert len(counted) == made + 1
    _same_as_fresh(live, ws)


def test_another_day_makes_the_context_again(ws: Path, counted: list[int]) -> None:
    live = LiveReview.load(ws)
    live.snapshot(today=DAY)
    made = len(counted)
    live.snapshot(today=DAY + dt.timedelta(days=1))
    assert len(counted) == made + 1


def test_the_page_prints_the_chain_head_now_and_it_anchors_the_chain(
    ws: Path, client: Any, tmp_path: Path
) -> None:
    c = client()
    _write(ws, lambda reg: R.confirm(reg, "RJ6", meeting=MEETING, member="Ann Lee"))
    page = c.get("/").get_data(as_text=True)
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        head = reg.head()
    assert head is not None
    assert f"record {head[0]}, sha256 {head[1]}" in page
    saved = tmp_path / "page.html"
    saved.write_text(page, encoding="utf-8")
    verification, _, _ = api_register.audit_verify(ws, notes=[saved])
    assert verification.ok
    # a record written after it moves the head the page prints
    _write(ws, lambda reg: R.confirm(reg, "RJ7", meeting=MEETING, member="Ann Lee"))
    assert f"record {head[0] + 1}, sha256" in c.get("/").get_data(as_text=True)


def test_writes_sent_at_once_are_each_recorded_once(ws: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from qsgrules.web import make_app
    from qsgrules.web.app import LOOPBACK_NAMES

    from .conftest import records, token

    app = make_app(LiveReview.load(ws), trusted_hosts=LOOPBACK_NAMES)
    form = token(app.test_client().get("/").get_data(as_text=True))
    codes = [p.provider for p in LiveReview.load(ws).triage_now().proposals][:8]
    before = records(ws)

    def confirm(code: str) -> int:
        sent = {"csrf": form, "form": "confirm", "meeting": MEETING, "member": "Ann Lee"}
        return app.test_client().post(f"/provider/{code}", data=sent).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(confirm, codes))
    assert statuses == [303] * len(codes)
    assert records(ws) == before + len(codes)
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        held = reg.state([MEETING]).meetings[MEETING].positions
    assert set(codes) <= set(held)
