"""The live page on a declared ladder (issue 19): its levels, domains, exits and floors."""

from __future__ import annotations

import shutil
from pathlib import Path

from qsgrules import api_register
from qsgrules import register as R
from qsgrules.bundled import default_ruleset, demo_workspace
from qsgrules.web import LiveReview, make_app
from qsgrules.web.app import LOOPBACK_NAMES

WALES = default_ruleset().parent / "wales-ladder.yaml"


def test_the_live_page_offers_the_ladder_and_shows_domains_and_floors(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(demo_workspace(), ws)
    m = api_register.open_meeting(
        date="2019-04-10", chair="Dr Jo Chair", qsg="South London", workspace=ws, ruleset=WALES
    )
    with api_register.open_register(ws, write=True, by="clerk") as reg:
        R.attend(reg, m.id, member="Ann Lee", organisation="CQC")
    live = LiveReview.load(ws, WALES, meeting=m.id)
    client = make_app(live, trusted_hosts=LOOPBACK_NAMES).test_client()
    page = client.get("/provider/RJ2").get_data(as_text=True)
    assert "By domain:" in page and "Floor mortality-signal-floor" in page
    assert '<option value="special_measures">special measures</option>' in page
    assert 'value="risk_summit"' not in page  # no level of the 2013 ladder is offered
    board = client.get("/").get_data(as_text=True)
    assert "targeted intervention" in board and "risk summit or regular review" not in board


def test_the_live_page_and_the_pack_say_whether_exit_criteria_are_met(tmp_path: Path) -> None:
    from qsgrules.api import meeting_pack

    ws = tmp_path / "ws"
    shutil.copytree(demo_workspace(), ws)
    first = api_register.open_meeting(
        date="2019-04-10", chair="Dr Jo Chair", qsg="South London", workspace=ws, ruleset=WALES
    )
    with api_register.open_register(ws, write=True, by="clerk") as reg:
        R.attend(reg, first.id, member="Ann Lee", organisation="CQC")
        R.confirm(reg, "RJ6", meeting=first.id, member="Ann Lee")
        R.decide(
            reg, "RJ6", meeting=first.id, rationale="as proposed",
            exit_when={"well_led": {"not": {"soft": {"min": 1}}}},
        )  # fmt: skip
        R.agree(reg, first.id)
    # a year on: safety is still held by its rule's exit criteria, well-led by the
    # condition agreed at the decision (the rule's own exit criteria now hold)
    later = api_register.open_meeting(
        date="2020-03-31", chair="Dr Jo Chair", qsg="South London", workspace=ws, ruleset=WALES
    )
    held_safety = (
        "Exit criteria not yet met for safety: standing targeted intervention since 2019-04-10 "
        "is held (safety-concerns-from-several-organisations); not yet: safety concerns "
        "corroborated across organisations &lt;= 0; it is 1."
    )
    held_well_led = (
        "Exit criteria not yet met for well led: standing enhanced monitoring since "
        "2019-04-10 is held (weighty-soft-intelligence, agreed at the decision); not yet: "
        "soft score in all domains &lt; 1; it is 3.06."
    )
    live = LiveReview.load(ws, WALES, meeting=later.id)
    client = make_app(live, trusted_hosts=LOOPBACK_NAMES).test_client()
    page = " ".join(client.get("/provider/RJ6").get_data(as_text=True).split())
    assert held_safety in page and held_well_led in page
    pack = " ".join(meeting_pack(ws, WALES, meeting=later.id, providers=["RJ6"]).split())
    assert f'<p class="exit" role="note">{held_safety}</p>' in pack
    assert f'<p class="exit" role="note">{held_well_led}</p>' in pack
    # the register's decision cleared of its condition: well-led's exit criteria are met
    with api_register.open_register(ws, write=True, by="clerk") as reg:
        R.amend(
            reg, first.id, reason="condition withdrawn", provider="RJ6", clear_exit_criteria=True
        )
    pack = " ".join(meeting_pack(ws, WALES, on="2020-03-31", providers=["RJ6"]).split())
    assert (
        '<p class="exit" role="note">Exit criteria met for well led: standing enhanced '
        "monitoring since 2019-04-10 (weighty-soft-intelligence); the level may come down.</p>"
    ) in pack
