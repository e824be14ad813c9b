"""Making Data Count icons in the pack: every XmR chart and every board row shows the
variation and assurance icons of its series (the choice itself is checked against
NHSRplotthedots in tests/stats/test_icons_against_r.py), each icon an image with words."""

from __future__ import annotations

import html
import re

import pytest
from chartcheck import Page

from qsgrules.api import meeting_pack
from qsgrules.model.vocabulary import Direction
from qsgrules.reports.charts import chart_data
from qsgrules.reports.icons import (
    ASSURANCE_WORDS,
    SPRITE,
    VARIATION_WORDS,
    Icon,
    assurance_icon,
    icon_svg,
    variation_icon,
)

PROVIDERS = ["RF4", "RJ6", "RAL"]


@pytest.fixture(scope="module")
def pack() -> str:
    return meeting_pack(as_of="2019-03", providers=PROVIDERS)


def _icons(text: str) -> list[tuple[str, str]]:
    """(accessible name, symbol) of every icon in ``text``, in order."""
    found = re.findall(
        r'<svg class="mdc-icon[^"]*" viewBox="0 0 40 40" role="img" aria-label="([^"]*)"'
        r' focusable="false"><title>[^<]*</title><use href="#(mdc-[a-z-]+)"/></svg>',
        text,
    )
    return [(html.unescape(name), symbol) for name, symbol in found]


def test_every_icon_has_a_drawing_and_words() -> None:
    for kind, words in (("variation", VARIATION_WORDS), ("assurance", ASSURANCE_WORDS)):
        for key, text in words.items():
            icon = Icon(kind, key, text)  # type: ignore[arg-type]
            assert f'<symbol id="{icon.symbol}" viewBox="0 0 40 40">' in SPRITE
            assert text.startswith(("Latest month's variation: ", "Assurance: "))
    assert SPRITE.count("<symbol ") == len(VARIATION_WORDS) + len(ASSURANCE_WORDS)
    assert "<text" not in SPRITE  # letters are strokes: no font, the same on paper


def test_an_icons_words_are_escaped() -> None:
    markup = icon_svg(variation_icon("common_cause", "above"), about='<b>"A&E"</b>')
    assert "<b>" not in markup and "&lt;b&gt;&#34;A&amp;E&#34;&lt;/b&gt;" in markup


def test_unknown_point_types_and_assurances_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown point type"):
        variation_icon("special_cause", Direction.ABOVE)
    with pytest.raises(ValueError, match="unknown assurance"):
        assurance_icon("sometimes")
    assert assurance_icon(None) is None


def test_every_xmr_chart_in_the_pack_carries_its_own_icons(pack: str) -> None:
    assert pack.count('<svg class="mdc-sprite"') == 1
    figures = re.findall(r'<figure class="chart-figure">(.*?)</figure>', pack, re.S)
    xmr_seen = 0
    across = 0
    for figure in figures:
        charts = re.findall(r"<svg id=.*?</svg>", figure, re.S)
        data = chart_data(charts[0])
        icons = _icons(figure)
        if data["provider"] == "":
            # a funnel across providers highlights no one: no one's variation or assurance
            # to show (each provider's icons are in the summary table above it)
            assert data["chart"] == "funnel" and icons == []
            across += 1
            continue
        if data["chart"] != "xmr":
            assert icons, "every chart of an indicator shows the indicator's icons"
            continue
        xmr_seen += 1
        variation = variation_icon(data["variation"], data["direction"])
        want = [variation.symbol]
        if data["assurance"] is not None:
            assurance = assurance_icon(data["assurance"])
            assert assurance is not None
            want.append(assurance.symbol)
        assert [symbol for _, symbol in icons] == want
        title = data["title"]
        assert icons[0][0] == f"{title}: {variation.words}"
    assert xmr_seen >= 4
    assert across == 3  # the default ruleset's 3 peer-tested indicators, one peer group


def test_the_icons_of_every_chart_and_board_row_follow_the_series(pack: str) -> None:
    board = pack[
        pack.index('<section id="board"') : pack.index(
            "</section>", pack.index('<section id="board"')
        )
    ]
    for code in PROVIDERS:
        row = re.search(rf'<td class="code">{code}</td>.*?</tr>', board, re.S)
        assert row is not None
        section = pack[pack.index(f'<section class="provider" id="p-{code}"') :]
        section = section[: section.index("</section>")]
        xmr = [
            chart_data(svg)
            for svg in re.findall(r"<svg id=.*?</svg>", section, re.S)
            if chart_data(svg)["chart"] == "xmr"
        ]
        want = []
        for data in xmr:
            want.append(variation_icon(data["variation"], data["direction"]).symbol)
            if data["assurance"]:
                a = assurance_icon(data["assurance"])
                assert a is not None
                want.append(a.symbol)
        assert [symbol for _, symbol in _icons(row.group(0))] == want


def test_the_icons_are_images_with_names(pack: str) -> None:
    page = Page(pack)
    assert page.headings  # parsed whole
    for name, _ in _icons(pack):
        assert name and ("Latest month's variation: " in name or "Assurance: " in name)
