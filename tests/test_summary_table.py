"""The summary icon table: every provider × every indicator of the ruleset, the latest
value with the icons of its XmR series, in the pack and (one row) in each provider's
section; sorted by a column's concern; "no data" where there is none."""

from __future__ import annotations

import html
import re

import pytest
from chartcheck import Page

from qsgrules.api import PackSource, meeting_pack, pack_source
from qsgrules.reports.charts import chart_data
from qsgrules.reports.icons import assurance_icon, variation_icon
from qsgrules.reports.summary import summary_table


@pytest.fixture(scope="module")
def source() -> PackSource:
    return pack_source(as_of="2019-03")


def test_the_table_has_every_provider_and_every_indicator_of_the_ruleset(
    source: PackSource,
) -> None:
    table = source.summary_table()
    assert [r.provider for r in table.rows] == [p.provider for p in source.triage.proposals]
    assert len(table.rows) == 18
    assert [c.indicator for c in table.columns] == list(source.indicators)
    assert len(table.columns) == 11
    for row in table.rows:
        for cell in row.cells:
            series = source.summary[(row.provider, cell.indicator)]
            assert cell.period == series.periods[-1] == "2019-03"
            assert cell.variation == variation_icon(series.variation, series.direction)
            assert cell.assurance == assurance_icon(series.assurance)
            assert float(cell.value.rstrip("%")) == pytest.approx(series.values[-1], abs=0.05)


def test_each_cell_agrees_with_the_providers_own_chart(source: PackSource) -> None:
    """Where a provider's section draws an XmR chart, its summary cell shows that chart's
    icons (the table's series and the chart's are computed alike)."""
    table = source.summary_table()
    checked = 0
    for (provider, indicator), charts in source.charts.items():
        if charts.xmr is None:
            continue
        row = next(r for r in table.rows if r.provider == provider)
        cell = next(c for c in row.cells if c.indicator == indicator)
        assert cell.variation == variation_icon(charts.xmr.variation, charts.xmr.direction)
        assert cell.assurance == assurance_icon(charts.xmr.assurance)
        checked += 1
    assert checked >= 20


def test_sorting_by_a_column_puts_special_causes_of_concern_first(source: PackSource) -> None:
    table = source.summary_table().sort("ae_4hr_type1")
    assert table.sorted_by == "ae_4hr_type1"
    keys = [r.cells[0].variation.key if r.cells[0].variation else "" for r in table.rows]
    concern = [k for k in keys if k.startswith("concern")]
    assert concern and keys[: len(concern)] == concern
    assert "common_cause" in keys[len(concern) :]
    by_code = table.sort("code")
    assert [r.provider for r in by_code.rows] == sorted(r.provider for r in table.rows)
    back = by_code.sort("no-such-column")
    assert back.sorted_by == "level"
    assert [r.provider for r in back.rows] == [p.provider for p in source.triage.proposals]


def test_a_provider_without_data_shows_no_data_never_a_blank(source: PackSource) -> None:
    kept = {k: v for k, v in source.summary.items() if k != ("RJ6", "ae_4hr_type1")}
    table = summary_table(source.triage.proposals, source.indicators, kept, "2019-03")
    row = next(r for r in table.rows if r.provider == "RJ6")
    assert row.cells[0].variation is None and row.cells[0].value == ""
    # no data ranks above common cause: it is not reassurance
    assert row.cells[0].concern > next(
        c.concern for c in row.cells if c.variation and c.variation.key == "common_cause"
    )


def test_the_pack_prints_the_table_and_each_providers_row() -> None:
    text = meeting_pack(as_of="2019-03", providers=["RJ6", "RAL"])
    section = text[text.index('<section id="summary"') :]
    section = section[: section.index("</section>")]
    assert section.count("<tr>") == 1 + 2
    assert section.count('<td class="sum-cell">') == 2 * 11
    assert "sum-none" not in section  # the demo has every indicator every month
    assert "<a href" not in section  # printed: no sorting links
    page = Page(text)
    assert (2, "Summary icon table") in page.headings
    rj6 = text[text.index('<section class="provider" id="p-RJ6"') :]
    rj6 = rj6[: rj6.index("</section>")]
    glance = re.search(r'<table class="glance-table">.*?</table>', rj6, re.S)
    assert glance is not None
    assert glance.group(0).count('<th scope="row">') == 11
    # the row's four-hour cell is the section's chart's
    xmr = next(
        chart_data(s)
        for s in re.findall(r"<svg id=.*?</svg>", rj6, re.S)
        if chart_data(s)["chart"] == "xmr" and chart_data(s)["indicator"] == "ae_4hr_type1"
    )
    words = variation_icon(xmr["variation"], xmr["direction"]).words
    assert html.escape(words.split(": ", 1)[1]) in glance.group(0)
