"""The meeting pack shows every string from a workspace as text: names, summaries, sources,
QSG names and provider codes never become markup, whatever they hold."""

from __future__ import annotations

import csv
import functools
import io
import re
import shutil
from pathlib import Path

import yaml
from chartcheck import Page
from hypothesis import given, settings
from hypothesis import strategies as st

from qsgrules.api import meeting_pack
from qsgrules.bundled import default_ruleset, demo_workspace
from qsgrules.reports.charts import chart_data
from qsgrules.ruleset import load_ruleset

RULESET = load_ruleset(default_ruleset())
DEMO = Path(demo_workspace())


EVIL_NAME = '<script>alert("name")</script>"><img src=x onerror=alert(1)>'
EVIL_SUMMARY = 'Staff said "><img src=x onerror=alert(2)> and <script>alert(3)</script> $x$'
EVIL_SOURCE = "Evil <script>alert(4)</script> Healthwatch"
EVIL_QSG = "<b onmouseover=alert(5)>QSG</b>"


def _read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _evil_workspace(tmp: Path) -> Path:
    ws = tmp / "ws"
    shutil.copytree(DEMO, ws)
    rows = _read_csv(ws / "providers.csv")
    for row in rows[1:]:
        if row[0] == "RJ6":
            row[1], row[3] = EVIL_NAME, EVIL_QSG
    _write_csv(ws / "providers.csv", rows)
    _write_csv(
        ws / "members.csv", [*_read_csv(ws / "members.csv"), [EVIL_SOURCE, "healthwatch", ""]]
    )
    items = yaml.safe_load((ws / "intelligence.yaml").read_text())
    for item in items:
        if item["provider"] == "RJ6":
            item["summary"] = EVIL_SUMMARY
            item["source"] = EVIL_SOURCE
    (ws / "intelligence.yaml").write_text(yaml.safe_dump(items, sort_keys=False))
    return ws


def test_strings_from_the_workspace_are_inert(tmp_path: Path) -> None:
    ws = _evil_workspace(tmp_path)
    text = meeting_pack(ws, as_of="2019-03", providers=["RJ6", "RAS"])
    page = Page(text)
    assert [t for t, _ in page.tags if t in ("script", "img", "b", "iframe")] == []
    assert all(not name.startswith("on") for _, a in page.tags for name in a)
    shown = " ".join(page.text)
    # shown as text, exactly as written, where a reader expects them
    assert shown.count(EVIL_NAME) >= 4  # contents, agenda, board, heading, reasons
    assert EVIL_SUMMARY in shown
    assert EVIL_SOURCE in shown
    assert EVIL_QSG in shown
    # the reasons quote the name too (placeholders in `because`), escaped like the rest
    assert "&lt;script&gt;" in text and "<script" not in text


def test_a_provider_code_is_escaped_in_ids_and_in_the_charts(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(DEMO, ws)
    code = 'RJ6"><svg onload=alert(1)>'
    for name in ("providers.csv", "indicators.csv"):
        rows = _read_csv(ws / name)
        _write_csv(ws / name, [[code if c == "RJ6" else c for c in r] for r in rows])
    items = yaml.safe_load((ws / "intelligence.yaml").read_text())
    for item in items:
        item["provider"] = code if item["provider"] == "RJ6" else item["provider"]
    (ws / "intelligence.yaml").write_text(yaml.safe_dump(items, sort_keys=False))
    text = meeting_pack(ws, as_of="2019-03", providers=[code])
    page = Page(text)
    assert all(not name.startswith("on") for _, a in page.tags for name in a)
    # every svg element is a chart or a Making Data Count icon (or their sprite): none injected
    icons = text.count('<svg class="mdc-')
    # the funnels across providers: one per peer-tested indicator (3 in the default ruleset)
    across = text.count('<svg id="across-')
    assert across == 3
    charts = text.count('<svg id="chart-') + across
    assert sum(1 for t, _ in page.tags if t == "svg") == charts + icons
    assert 'id="p-RJ6___svg_onload_alert_1__"' in text
    assert any(
        chart_data(s)["provider"] == code for s in re.findall(r"<svg id=.*?</svg>", text, re.S)
    )


# ------------------------------------------------------------------------------ property

_ODD = st.text(
    alphabet=st.sampled_from(list("<>\"'&=/ ;:$\\{}%#!abcXYZ019\u00e9\u2191")), min_size=1
)


def _structure(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(tag, tuple(sorted(attrs))) for tag, attrs in Page(text).tags]


@functools.cache
def _tiny_pack(name: str, qsg: str, summary: str, source: str) -> str:
    import datetime as dt

    import numpy as np

    from qsgrules.engine.triage import triage
    from qsgrules.model.vocabulary import Domain, ProviderType, Severity
    from qsgrules.reports.pack import render_pack
    from qsgrules.workspace import Observations, Provider, SoftItem, Workspace

    empty = np.array([], dtype=np.str_)
    obs = Observations.from_columns(
        empty, empty, np.array([], dtype=np.int64), np.array([]), np.array([]), np.array([])
    )
    item = SoftItem(
        id="SI-1",
        provider="RXX",
        source=source,
        received=dt.date(2019, 3, 1),
        domain=Domain.SAFETY,
        severity=Severity.HIGH,
        grading="B2",
        summary=summary,
    )
    provider = Provider(code="RXX", name=name, type=ProviderType.ACUTE, qsg=qsg)
    ws = Workspace("<t>", {"RXX": provider}, obs, (item,))
    return render_pack(triage(ws, RULESET, as_of="2019-03"), {}, qsgs=[qsg])


@settings(max_examples=40, deadline=None)
@given(name=_ODD, qsg=_ODD, summary=_ODD, source=_ODD)
def test_no_string_from_a_workspace_changes_the_documents_structure(
    name: str, qsg: str, summary: str, source: str
) -> None:
    plain = _tiny_pack("Plain Trust", "Plain QSG", "A plain summary.", "Plain Healthwatch")
    odd = _tiny_pack(name, qsg, summary, source)
    assert _structure(odd) == _structure(plain)
    shown = "".join(Page(odd).text)
    for value in (name, qsg, summary, source):
        assert value in shown
