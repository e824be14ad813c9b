"""The live page's summary icon table: sortable by a column (a link per heading, no
script), every provider a row, and each provider page with its own row as a table."""

from __future__ import annotations

import re

from chartcheck import Page

from .conftest import Client


def _codes(html: str) -> list[str]:
    return re.findall(r'<th scope="row" class="sum-provider"><span class="code">([^<]+)', html)


def test_the_summary_page_sorts_by_a_column_without_script(client: Client) -> None:
    c = client()
    board = c.get("/").get_data(as_text=True)
    assert 'href="/summary"' in board
    html = c.get("/summary").get_data(as_text=True)
    page = Page(html)
    assert [t for t, _ in page.tags if t == "script"] == []
    assert page.headings[:2] == [(1, "South London QSG live review"), (2, "Summary icon table")]
    by_level = _codes(html)
    assert len(by_level) == 18
    links = re.findall(r'href="(/summary\?sort=[^"#]+)#summary"', html)
    assert "/summary?sort=ae_4hr_type1" in links and len(links) == 2 + 11
    sorted_html = c.get("/summary?sort=ae_4hr_type1").get_data(as_text=True)
    codes = _codes(sorted_html)
    assert sorted(codes) == sorted(by_level) and codes != by_level
    cells = re.findall(r'<td class="sum-cell">(.*?)</td>', sorted_html, re.S)
    first_column = [cells[i * 11] for i in range(18)]
    concern = ["mdc-variation-concern" in cell for cell in first_column]
    # every special cause of concern first, then the others
    assert concern == sorted(concern, reverse=True) and any(concern) and not all(concern)
    assert "Sorted by concern in ae_4hr_type1" in sorted_html
    assert 'aria-current="true">' in sorted_html
    # an unknown column keeps the board's order
    assert _codes(c.get("/summary?sort=%3Cscript%3E").get_data(as_text=True)) == by_level


def test_a_provider_page_has_its_row_of_the_table(client: Client) -> None:
    html = client().get("/provider/RJ6").get_data(as_text=True)
    glance = re.search(r'<table class="glance-table">.*?</table>', html, re.S)
    assert glance is not None and glance.group(0).count('<th scope="row">') == 11
    assert "special cause of concern, high" in glance.group(0)
