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
