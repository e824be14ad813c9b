"""Intelligence shared between meetings reaches the next meeting (issue 16, item 3).

A meeting's frozen triage is made on the meeting's date: an item received after the last
month of data and on or before the meeting is counted in it, listed on its agenda (with
every other item received since the last meeting), in its pack and on the live page, and
each provider's data lag behind the meeting is said.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qsgrules import api_register
from qsgrules import register as R
from qsgrules.api import add_item, meeting_pack, open_workspace
from qsgrules.cli.main import cli
from qsgrules.register import Register
from qsgrules.strategies import with_items
from qsgrules.web import LiveReview, make_app
from qsgrules.web.app import LOOPBACK_NAMES
from qsgrules.workspace import SoftItem

from .conftest import MEETING, ticking_clock

NEXT = "M-2019-05-15"
CONCERN = {
    "provider": "RAX",
    "source": "NHS Kingston CCG",
    "domain": "safety",
    "severity": "high",
    "grading": "B2",
    "summary": "Midwife staffing on the labour ward below the agreed level on several nights.",
    "received": dt.date(2019, 4, 25),
}


@pytest.fixture
def second(ws: Path) -> tuple[Path, str]:
    """M-2019-04-10 (conftest), then an item received 2019-04-25, then M-2019-05-15."""
    item = add_item(ws, dict(CONCERN))
    api_register.open_meeting(
        date="2019-05-15",
        chair="Dr Jo Chair",
        qsg="South London",
        workspace=ws,
        by="clerk",
        clock=ticking_clock(dt.datetime(2019, 5, 15, 9, 0, tzinfo=dt.UTC)),
    )
    return ws, item.id


def test_the_item_is_counted_in_the_meetings_frozen_triage(second: tuple[Path, str]) -> None:
    ws, item = second
    with Register(ws / "register.sqlite", readonly=True) as reg:
        frozen = json.loads(reg.frozen_triage(NEXT))
        earlier = json.loads(reg.frozen_triage(MEETING))
    assert (frozen["on"], frozen["as_of"]) == ("2019-05-15", "2019-03")
    rax = next(p for p in frozen["proposals"] if p["provider"] == "RAX")
    (soft,) = [s for s in rax["evidence"]["soft"] if s["id"] == item]
    assert soft["counted"] and soft["weight"] > 0
    assert rax["coverage"]["lag_months"] == 2
    # the meeting before it froze what it knew: nothing of an item not yet received
    assert earlier["on"] == "2019-04-10"
    assert all(s["id"] != item for p in earlier["proposals"] for s in p["evidence"]["soft"])


def test_the_agenda_lists_the_provider_with_its_new_intelligence(
    second: tuple[Path, str],
) -> None:
    ws, item = second
    with Register(ws / "register.sqlite", readonly=True) as reg:
        listed = {x.provider: x for x in R.agenda(reg, NEXT)}
    rax = listed["RAX"]
    said = (
        f"new intelligence since {MEETING}: {item} NHS Kingston CCG, safety, high "
        "(received 2019-04-25)"
    )
    assert said in rax.reasons
    assert "data to 2019-03, 2 months behind the meeting" in rax.reasons
    # a provider with nothing received since the last meeting has no such reason
    assert not any(r.startswith("new intelligence") for r in listed["RJ1"].reasons)
    shown = CliRunner().invoke(cli, ["agenda", NEXT, "-w", str(ws)])
    assert shown.exit_code == 0 and said in shown.stdout


def test_the_pack_and_the_live_page_show_the_item_and_the_lag(second: tuple[Path, str]) -> None:
    ws, item = second
    html = meeting_pack(ws, meeting=NEXT, providers=["RAX"])  # the provider with the item
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert f"{item} 2019-04-25 NHS Kingston CCG" in text
    assert "Midwife staffing on the labour ward" in text
    assert "data to 2019-03, 2 months behind the meeting" in text
    assert f"new intelligence since {MEETING}: {item}" in text
    assert "Triage made on 2019-05-15" in text
    live = LiveReview.load(ws)
    client = make_app(live, trusted_hosts=LOOPBACK_NAMES).test_client()
    board = client.get("/").get_data(as_text=True)
    page = client.get("/provider/RAX").get_data(as_text=True)
    assert NEXT in board and f"new intelligence since {MEETING}: {item}" in board
    assert item in page and "Midwife staffing on the labour ward" in page
    assert "data to 2019-03, 2 months behind the meeting" in page


def test_intel_list_counts_it_on_the_date_and_says_what_it_leaves_out(
    second: tuple[Path, str],
) -> None:
    ws, item = second
    run = CliRunner().invoke
    default = run(cli, ["intel", "list", "-w", str(ws), "-p", "RAX"]).stdout
    assert item not in default.split("Not listed")[0]
    assert (
        "Not listed or counted: 1 item(s) received after 2019-03-31 (from 2019-04-25); give "
        "--on YYYY-MM-DD" in " ".join(default.split())
    )
    dated = run(cli, ["intel", "list", "-w", str(ws), "-p", "RAX", "--on", "2019-05-15"])
    assert f"{item}  RAX  2019-04-25  weight" in dated.stdout
    assert "Not listed" not in dated.stdout


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from qsgrules.bundled import demo_workspace

    root = tmp_path_factory.mktemp("between") / "ws"
    shutil.copytree(demo_workspace(), root)
    return root


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    after=st.integers(1, 150),
    before=st.integers(0, 60),
    severity=st.sampled_from(["low", "moderate", "high", "critical"]),
    provider=st.sampled_from(["RAX", "RJ6", "RQM"]),
)
def test_an_item_received_between_the_data_and_the_meeting_is_counted_in_its_triage(
    demo_copy: Path, after: int, before: int, severity: str, provider: str
) -> None:
    received = dt.date(2019, 3, 31) + dt.timedelta(days=after)
    meeting = received + dt.timedelta(days=before)
    item = SoftItem.model_validate(
        {
            **CONCERN,
            "id": "SI-NEW",
            "provider": provider,
            "severity": severity,
            "received": received,
        },
        strict=False,
    )
    ws = with_items(open_workspace(demo_copy), item)
    with tempfile.TemporaryDirectory() as folder:
        m = api_register.open_meeting(
            date=meeting,
            chair="Chair",
            workspace=ws,
            register=Path(folder) / "r.sqlite",
            by="clerk",
        )
        with Register(Path(folder) / "r.sqlite", readonly=True) as reg:
            frozen = json.loads(reg.frozen_triage(m.id))
            listed = {x.provider: x for x in R.agenda(reg, m.id)}
    (p,) = [p for p in frozen["proposals"] if p["provider"] == provider]
    (s,) = [s for s in p["evidence"]["soft"] if s["id"] == "SI-NEW"]
    assert s["counted"] and s["received"] == received.isoformat()
    assert any("SI-NEW" in r for r in listed[provider].reasons)


def test_a_triage_as_of_an_earlier_date_uses_only_the_decisions_taken_by_then(ws: Path) -> None:
    # only what was known then (item 7): a standing level and a rebase decided at
    # M-2019-04-10 are not applied to a triage as of 2019-03; on the meeting's date they are
    from qsgrules.api import run_triage
    from qsgrules.register.rebases import record_rebase

    with api_register.open_register(ws, write=True, by="Dr Jo Chair") as reg:
        record_rebase(
            reg,
            "RJ6",
            "ae_4hr_type1",
            starts="2018-01",
            reason="A new front door model from January 2018",
            meeting=MEETING,
        )
        R.attend(reg, MEETING, member="Ann Lee", organisation="CQC")
        R.decide(reg, "RJ6", meeting=MEETING, level="regular_review", rationale="Plan agreed")
    (march,) = run_triage(ws, as_of="2019-03", providers=["RJ6"]).proposals
    assert march.standing is None and march.rebases == ()
    for dated in (run_triage(ws, on="2019-04-10"), run_triage(ws)):
        (p,) = [p for p in dated.proposals if p.provider == "RJ6"]
        assert p.standing is not None and p.standing.meeting == MEETING
        assert [r.starts for r in p.rebases] == ["2018-01"]
