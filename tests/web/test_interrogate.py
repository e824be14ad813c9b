"""Interrogating live: any indicator of a provider in any month of the data, with or
without a finding, and one indicator across every provider (small multiples sorted by
concern, the funnel with every provider named and its outliers listed). Read-only: the
triage, frozen or new, and the register are never changed."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from chartcheck import Page

from qsgrules import register as R
from qsgrules.api import load_ruleset, load_workspace, run_triage
from qsgrules.api.charts import across_providers, indicator_months, interrogate
from qsgrules.bundled import default_ruleset
from qsgrules.evidence.series import indicator_charts
from qsgrules.model.months import month_number
from qsgrules.reports.charts import chart_data

from .conftest import MEETING, Client


def _frozen(ws: Path) -> tuple[int, str]:
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        return len(reg.records(frozen=True)), reg.frozen_triage(MEETING)


def _charts(html: str) -> list[dict[str, object]]:
    return [chart_data(s) for s in re.findall(r"<svg id=.*?</svg>", html, re.S)]


def test_any_indicator_without_a_finding_in_any_month(client: Client, ws: Path) -> None:
    before = _frozen(ws)
    c = client()
    frozen = c.get("/provider/RAL").get_data(as_text=True)
    assert "amenable_deaths" not in " ".join(str(d["indicator"]) for d in _charts(frozen))
    r = c.get("/provider/RAL/chart?indicator=amenable_deaths&month=2018-06")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    charts = _charts(html)
    xmr = [d for d in charts if d["chart"] == "xmr"]
    assert len(xmr) == 1 and xmr[0]["provider"] == "RAL"
    assert xmr[0]["periods"][-1] == "2018-06"  # type: ignore[index]
    assert "a reading, not a finding" in html and "June 2018" in html
    assert 'option value="2018-06" selected' in html
    # the icons of the reading are its own series'
    assert 'class="chart-icons"' in html
    # nothing changed: the record, and the triage frozen when the meeting was opened
    assert _frozen(ws) == before
    assert c.get("/provider/RAL").get_data(as_text=True).count("<svg id=") == frozen.count(
        "<svg id="
    )


def test_a_reading_is_what_the_tests_compute_in_that_month(ws: Path) -> None:
    workspace, ruleset = load_workspace(ws), load_ruleset(default_ruleset())
    result = run_triage(ws, as_of="2019-03")
    got = interrogate(workspace, ruleset, result, "RJ6", "ae_4hr_type1", "2018-09")
    month = month_number("2018-09")
    assert month is not None
    want = indicator_charts(workspace, ruleset.spec, month, "RJ6", "ae_4hr_type1")
    assert got == want
    assert got.xmr is not None and got.funnel is not None and got.funnel.period == "2018-09"
    months = indicator_months(workspace, "ae_4hr_type1")
    assert months[0] == "2016-04" and months[-1] == "2019-03" and len(months) == 36


def test_one_indicator_across_every_provider(client: Client, ws: Path) -> None:
    before = _frozen(ws)
    html = client().get("/across?indicator=ae_4hr_type1&month=2019-03").get_data(as_text=True)
    page = Page(html)
    assert (
        2,
        "% patients not seen within 4 hours at type 1 A&E across every provider, March 2019",
    ) in page.headings
    cards = re.findall(r'<li class="multiple">(.*?)</li>', html, re.S)
    assert len(cards) == 18
    concern = ["mdc-variation-concern" in card for card in cards]
    assert concern == sorted(concern, reverse=True) and any(concern) and not all(concern)
    assert all('<svg class="sparkline"' in card for card in cards)
    # the funnel: every provider a peer (none highlighted), named on hover and focus
    svg = re.search(r'<svg id="across-1-1".*?</svg>', html, re.S)
    assert svg is not None and chart_data(svg.group(0))["chart"] == "funnel"
    assert 'id="across-1-1-provider"' not in svg.group(0)
    assert len(re.findall(r'class="peer" tabindex="0"><title>', svg.group(0))) == 18
    table = re.search(r'<table class="outlier-table">.*?</table>', html, re.S)
    assert table is not None
    assert re.findall(r'<span class="code">([^<]+)</span>', table.group(0)) == [
        "RQM",
        "RQX",
        "RAS",
        "RJ6",
    ]
    assert "Why the limits are flat:" in html
    assert _frozen(ws) == before


def test_the_api_gives_every_provider_and_one_funnel_per_peer_group(ws: Path) -> None:
    result = run_triage(ws, as_of="2019-03")
    found = across_providers(ws, None, result, "elective_deaths_30d", "2019-01")
    assert set(found.xmr) == {p.provider for p in result.proposals}
    assert [f.peer_group for f in found.funnels] == ["acute"]
    assert found.funnels[0].period == "2019-01" and len(found.funnels[0].peers) == 18


def test_a_bad_indicator_or_month_is_refused_with_its_message(client: Client, ws: Path) -> None:
    c = client()
    r = c.get("/provider/RJ6/chart?indicator=ae_4hr_typ1")
    assert r.status_code == 400
    assert "unknown indicator" in r.get_data(as_text=True)
    assert "did you mean" in r.get_data(as_text=True)
    r = c.get("/across?indicator=ae_4hr_type1&month=2030-01")
    assert r.status_code == 400
    assert "not a month with data for ae_4hr_type1" in r.get_data(as_text=True)
    assert "2016-04 to 2019-03" in r.get_data(as_text=True)
    assert c.get("/provider/NOPE/chart?indicator=ae_4hr_type1").status_code == 404


def test_the_provider_page_offers_any_indicator_and_any_month(client: Client) -> None:
    html = client().get("/provider/RJ6").get_data(as_text=True)
    form = re.search(r'<form class="board-search chooser" method="get" action="([^"]+)">', html)
    assert form is not None and form.group(1) == "/provider/RJ6/chart"
    assert html.count('<option value="') >= 22
    assert 'href="/provider/RJ6/chart?indicator=amenable_deaths"' in html  # the glance table
    assert 'href="/across"' in html


def test_asking_again_draws_nothing_new(client: Client) -> None:
    c = client()
    url = "/provider/RJ7/chart?indicator=never_events_rate&month=2019-02"
    assert c.get(url).get_data(as_text=True) == c.get(url).get_data(as_text=True)


def test_the_live_pages_headings_never_skip_a_level(client: Client) -> None:
    # an indicator's article sits under the page's h2 on a reading and on the across view,
    # under a provider's "Indicators" h3 on its page: its heading follows its place
    c = client()
    for url in (
        "/",
        "/provider/RJ6",
        "/provider/RAL/chart?indicator=amenable_deaths&month=2018-06",
        "/across?indicator=ae_4hr_type1&month=2019-03",
        "/summary",
    ):
        r = c.get(url)
        assert r.status_code == 200, url
        page = Page(r.get_data(as_text=True))
        levels = [level for level, _ in page.headings]
        assert levels[0] == 1 and levels.count(1) == 1, url
        skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        assert skips == [], url
