"""Shared fixtures: a copy of the demo workspace, and a register with a meeting open on it
(made once, copied per test: the triage is the slow part)."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from qsgrules import api_register
from qsgrules.bundled import demo_workspace
from qsgrules.register import Register

MEETING = "M-2019-04-10"


def ticking_clock(start: dt.datetime | None = None) -> Callable[[], dt.datetime]:
    """A clock that moves one second per call: recorded times are known in advance."""
    first = start or dt.datetime(2019, 4, 10, 9, 0, tzinfo=dt.UTC)
    counter = itertools.count()
    return lambda: first + dt.timedelta(seconds=next(counter))


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("template") / "ws"
    shutil.copytree(demo_workspace(), root)
    api_register.open_meeting(
        date="2019-04-10",
        chair="Dr Jo Chair",
        qsg="South London",
        workspace=root,
        by="clerk",
        clock=ticking_clock(),
    )
    return root


@pytest.fixture
def ws(tmp_path: Path, _template: Path) -> Path:
    """A copy of the demo with register.sqlite holding meeting M-2019-04-10 (South London)."""
    target = tmp_path / "ws"
    shutil.copytree(_template, target)
    return target


@pytest.fixture
def reg(ws: Path) -> Iterator[Register]:
    with Register(ws / "register.sqlite", actor="clerk", clock=ticking_clock()) as r:
        yield r


@pytest.fixture
def attended(reg: Register) -> Register:
    """The meeting with two members attending."""
    from qsgrules import register as R

    R.attend(reg, MEETING, member="Ann Lee", organisation="CQC", start="10:00", end="12:00")
    R.attend(
        reg, MEETING, member="Raj Patel", organisation="NHS Croydon CCG", start="10:15", end="11:30"
    )
    return reg


#: "Today" in the tests of dates: the register's checks never read the real date here.
TODAY = dt.date(2019, 7, 1)


@pytest.fixture
def dated(ws: Path) -> Iterator[Register]:
    """The register of ``ws`` with today fixed at ``TODAY`` and two members attending
    ``MEETING``."""
    from qsgrules import register as R

    with Register(
        ws / "register.sqlite", actor="clerk", clock=ticking_clock(), today=lambda: TODAY
    ) as r:
        R.attend(r, MEETING, member="Ann Lee", organisation="CQC")
        R.attend(r, MEETING, member="Raj Patel", organisation="NHS Croydon CCG")
        yield r


def another_meeting(reg: Register, date: str) -> str:
    """Open a meeting on ``date`` discussing the triage frozen for ``MEETING`` (no new
    triage: quick), with the same members attending; returns its id."""
    import json

    from qsgrules import register as R

    m = R.fold(reg.records()).meetings[MEETING]
    opened = R.open_meeting(
        reg,
        date=date,
        chair=m.chair,
        qsg=m.qsg,
        triage=json.loads(reg.frozen_triage(MEETING)),
        providers=m.providers,
        members=m.members,
        settings=m.settings,
    )
    for a in m.attendance.values():
        R.attend(reg, opened.id, member=a.member, organisation=a.organisation)
    return opened.id
