"""Funnels that read as funnels: the over-dispersion that flattens the limits explained in
words, peers outside the limits labelled, every peer named on hover and focus, and the
providers outside listed in a table under the chart."""

from __future__ import annotations

import re

import pytest

from qsgrules.api import PackSource, meeting_pack, pack_source
from qsgrules.model.series import FunnelSection
from qsgrules.reports.funnel_plot import (
    FLAT_BELOW,
    dispersion_note,
    flatness,
    funnel_chart,
    funnel_outliers,
)


@pytest.fixture(scope="module")
def source() -> PackSource:
    return pack_source(as_of="2019-03", providers=["RJ6", "RJ2"])


def _funnel(source: PackSource, provider: str, indicator: str) -> FunnelSection:
    found = source.charts[(provider, indicator)].funnel
    assert found is not None
    return found


def test_flat_limits_are_explained_with_their_numbers(source: PackSource) -> None:
    f = _funnel(source, "RJ6", "ae_4hr_type1")
    assert f.adjusted and f.phi > 400
    assert flatness(f) < 1.05  # the four-hour funnel of London's trusts is two flat lines
    note = dispersion_note(f)
    plain = sum(1 for p in f.peers if abs(p.z) > 1.959964)
    assert "phi 457.5" in note
    assert f"Without the allowance, {plain} of the 18 providers would be outside" in note
    assert plain >= 15


def test_a_funnel_that_reads_as_one_has_no_note(source: PackSource) -> None:
    f = _funnel(source, "RJ2", "amenable_deaths")
    assert flatness(f) >= FLAT_BELOW
    assert dispersion_note(f) == ""
    # nor does a flat funnel that was not adjusted (nothing to explain but chance)
    flat = _funnel(source, "RJ6", "ae_4hr_type1").model_copy(update={"adjusted": False})
    assert dispersion_note(flat) == ""


def test_the_outliers_are_every_provider_outside_furthest_first(source: PackSource) -> None:
    f = _funnel(source, "RJ2", "elective_deaths_30d")
    out = funnel_outliers(f)
    assert {o.provider for o in out} == {p.provider for p in f.peers if p.outside}
    assert [abs(o.z_adjusted) for o in out] == sorted(
        (abs(o.z_adjusted) for o in out), reverse=True
    )
    by = {o.provider: o for o in out}
    assert by["RJ2"].own and by["RJ2"].side == "above" and by["RJ2"].concern
    assert by["RVR"].side == "below" and not by["RVR"].concern and by["RVR"].beyond == "99.8%"
    assert by["RJ2"].value == "4.1 per 1,000 elective admissions"


def test_every_peer_is_named_on_hover_and_focus_and_outliers_always(source: PackSource) -> None:
    f = _funnel(source, "RJ6", "ae_4hr_type1")
    svg = funnel_chart(f, chart_id="fx").svg
    others = [p for p in f.peers if p.provider != "RJ6"]
    groups = re.findall(
        r'<g id="fx-peer-(\d+)" class="peer" tabindex="0"><title>([^<]+)</title>', svg
    )
    assert [int(i) for i, _ in groups] == list(range(len(others)))
    for (_, title), peer in zip(groups, others, strict=True):
        assert title.startswith(f"{peer.provider}: ")
    for i, peer in enumerate(others):
        kind = "outlabel" if peer.outside else "peerlabel"
        # the label is the element right after its point (the CSS shows it with + g)
        m = re.search(rf'<g id="fx-peer-{i}" .*?</g>\s*<g id="fx-([a-z]+)-{i}">', svg, re.S)
        assert m is not None and m.group(1) == kind
        assert re.search(rf'<g id="fx-{kind}-{i}">.*?{re.escape(peer.provider)}</text>', svg, re.S)
    assert svg.count("-outlabel-") == sum(1 for p in others if p.outside) == 3


def test_the_pack_lists_the_outliers_under_each_funnel() -> None:
    text = meeting_pack(as_of="2019-03", providers=["RJ6"])
    start = text.index('<section class="provider" id="p-RJ6"')
    section, across = text[start:], text[text.index('id="across-providers"') : start]
    # RJ6's own section: its one peer finding (A&E waits), one funnel, its outliers listed
    tables = re.findall(r'<table class="outlier-table">.*?</table>', section, re.S)
    assert len(tables) == section.count('data-chart="funnel"') == 1
    rows = re.findall(r'<th scope="row"><span class="code">([^<]+)</span>', tables[0])
    assert rows == ["RQM", "RQX", "RAS", "RJ6"]
    # across providers, before the providers' sections: the default ruleset's 3 peer-tested
    # indicators, one acute group each; amenable deaths has no provider outside its limits
    # (tests/test_pack_across.py), so 2 tables, the first the same four providers
    found = re.findall(r'<table class="outlier-table">.*?</table>', across, re.S)
    assert across.count('data-chart="funnel"') == 3 and len(found) == 2
    assert re.findall(r'<th scope="row"><span class="code">([^<]+)</span>', found[0]) == rows
    assert "Why the limits are flat:" in text
    assert ".peer:focus + g" in text  # the page's CSS shows a peer's label on focus
