"""The pack looks at each indicator with a peer test across providers: one funnel per peer
group after the summary icon table, no provider highlighted, its outliers listed."""

from __future__ import annotations

import re
from html import unescape

from qsgrules.api import meeting_pack, open_inputs, pack_source
from qsgrules.evidence.series import group_funnels
from qsgrules.model.months import month_number


def _section(html: str) -> str:
    start = html.index('<section id="across-providers"')
    return html[start : html.index("</section>", start)]


def test_every_peer_tested_indicator_has_its_funnel_across_providers() -> None:
    source = pack_source(as_of="2019-03")
    html = meeting_pack(as_of="2019-03")
    section = _section(html)
    titles = [unescape(t) for t in re.findall(r"<h3>([^<]+?) <span", section)]
    assert [f.title for f in source.across] == titles
    # mortality is looked at collectively: amenable deaths is there, with or without a finding
    assert "Deaths in hospital from conditions amenable to healthcare" in titles
    assert len(titles) == 3
    assert all(f.provider == "" for f in source.across)  # no provider highlighted
    assert section.count('<svg id="across-') == len(titles)
    # every group's providers outside the limits are listed under its funnel; a funnel
    # with none outside is shown all the same (amenable deaths in the demo)
    articles = section.split("<article")[1:]
    outside = [[p.provider for p in f.peers if p.outside] for f in source.across]
    assert [bool(o) for o in outside] == [True, False, True]
    for article, codes in zip(articles, outside, strict=True):
        assert ("outlier-table" in article) == bool(codes)
        for code in codes:
            assert f">{code}<" in article[article.index("outlier-table") :]
    # after the summary table, and in the contents
    assert html.index('id="summary"') < html.index('id="across-providers"')
    assert '<a href="#across-providers">Across providers</a>' in html


def test_a_funnel_across_providers_is_one_per_peer_group() -> None:
    source = pack_source(as_of="2019-03")
    groups = [(f.indicator, f.peer_group) for f in source.across]
    assert len(groups) == len(set(groups))
    ws, rs = open_inputs(None, None)
    month = month_number("2019-03")
    assert month is not None
    codes = [p.provider for p in source.triage.proposals]
    peer_tested = [i for i, s in rs.spec.indicators.items() if s.peer is not None]
    assert sorted({f.indicator for f in source.across}) == sorted(peer_tested)
    # nothing for an indicator without a peer test
    untested = next(i for i, s in rs.spec.indicators.items() if s.peer is None)
    assert group_funnels(ws, rs.spec, month, untested, codes) == ()
