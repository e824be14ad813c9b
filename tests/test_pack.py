"""The meeting pack (`qsg pack`, qsgrules.api.meeting_pack): content, charts, privacy,
escaping, accessibility and the extension points the register will fill."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
import yaml
from chartcheck import Page, assert_funnel_matches, assert_xmr_matches
from click.testing import CliRunner

from qsgrules.api import meeting_pack, run_triage
from qsgrules.bundled import default_ruleset, demo_workspace
from qsgrules.cli.main import cli
from qsgrules.model.pack import (
    AgendaItem,
    MeetingContext,
    MeetingInfo,
    OpenAction,
    PastDecision,
    StandingLevel,
)
from qsgrules.model.series import FunnelSection, XmrSeries
from qsgrules.model.vocabulary import Level
from qsgrules.reports.charts import chart_data
from qsgrules.reports.pack import EXAMPLE_LOCAL_AGENDA
from qsgrules.reports.public import WITHHELD
from qsgrules.ruleset import load_ruleset

RULESET = load_ruleset(default_ruleset())
DEMO = Path(demo_workspace())


@pytest.fixture(scope="module")
def pack(demo_pack: str) -> str:
    return demo_pack


@pytest.fixture(scope="module")
def page(pack: str) -> Page:
    return Page(pack)


def _sections(pack: str) -> dict[str, str]:
    """Each provider's section of the pack, by its anchor."""
    found = re.findall(r'<section class="provider" id="([^"]+)".*?</section>', pack, re.S)
    starts = [pack.index(f'<section class="provider" id="{a}"') for a in found]
    return {
        a: pack[start : pack.index("</section>", start)]
        for a, start in zip(found, starts, strict=True)
    }


def _board_row(board: str, code: str) -> str:
    """The board's row of one provider."""
    m = re.search(
        rf'<tr>(?:(?!</tr>).)*<td class="code">{re.escape(code)}</td>.*?</tr>', board, re.S
    )
    assert m is not None, code
    return m.group(0)


def test_the_pack_is_one_self_contained_document_without_script(page: Page) -> None:
    assert [t for t, _ in page.tags if t in ("script", "link", "iframe", "object", "img")] == []
    for _, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), name
            if name in ("src", "href") and value:
                assert value.startswith("#"), value  # only links inside the page
    assert len(page.ids) == len(set(page.ids))
    links = {str(a["href"])[1:] for a in page.all("a") if a.get("href")}
    assert links <= set(page.ids)


def test_the_pack_has_the_agenda_the_board_and_a_section_per_provider(
    pack: str, page: Page
) -> None:
    result = run_triage(as_of="2019-03")
    h2 = [text for level, text in page.headings if level == 2]
    # the demo's ruleset tests indicators against peers: they are looked at across providers
    head = ["Contents", "Agenda", "Triage board", "Summary icon table", "Across providers"]
    assert h2[: len(head)] == head
    assert h2[len(head) :] == [p.name for p in result.proposals]  # highest level first
    text = " ".join(page.text)
    for item in EXAMPLE_LOCAL_AGENDA:
        assert item.title in text
    # the board: every provider in a row, under its level's group
    board = pack[pack.index('id="board"') : pack.index('<section class="provider"')]
    for p in result.proposals:
        assert f'<td class="code">{p.provider}</td>' in board
    assert board.count('<th scope="rowgroup"') == len({p.level for p in result.proposals})


def test_headings_never_skip_a_level(page: Page) -> None:
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))


def test_every_finding_is_charted_with_the_proposals_numbers(pack: str) -> None:
    result = run_triage(as_of="2019-03")
    sections = _sections(pack)
    assert len(sections) == len(result.proposals)
    for p, (anchor, html) in zip(result.proposals, sections.items(), strict=True):
        assert anchor == f"p-{p.provider}"
        svgs = re.findall(r"<svg id=.*?</svg>", html, re.S)
        charts = [chart_data(svg) for svg in svgs]
        xmrs = {c["indicator"]: c for c in charts if c.pop("chart") == "xmr" and c.pop("drawn")}
        funnels = {c["indicator"]: c for c in charts if "peers" in c}
        assert set(xmrs) == {h.indicator for h in p.evidence.hard}
        assert set(funnels) == {h.indicator for h in p.evidence.hard if h.test == "peer"}
        for h in p.evidence.hard:
            if h.test == "trend":
                test = RULESET.spec.indicators[h.indicator].trend
                assert h.spc is not None and test is not None
                series = XmrSeries.model_validate_json(json.dumps(xmrs[h.indicator]))
                assert series.provider == p.provider
                assert_xmr_matches(series, h.spc, tuple(test.signals))
            if h.test == "peer":
                assert h.funnel is not None
                data = funnels[h.indicator]
                curves = {"curve_denominators": [1.0], "lower": [0.0], "upper": [1.0]}
                curves |= {"strong_lower": [0.0], "strong_upper": [1.0]}
                section = FunnelSection.model_validate_json(json.dumps({**data, **curves}))
                assert_funnel_matches(section, h.funnel, p.provider)


def test_every_chart_has_its_summary_as_alt_text_and_caption(pack: str) -> None:
    figures = re.findall(r"<figure.*?</figure>", pack, re.S)
    # a provider's charts, and one funnel across providers per peer-tested indicator and
    # peer group: the default ruleset tests 3 indicators against peers by provider type,
    # and the demo's 18 providers are all acute (one group), so 3 x 1
    across = pack.count('<svg id="across-')
    assert across == 3
    assert len(figures) == pack.count('<svg id="chart-') + across
    assert pack.count('<svg id="chart-') >= 20
    for fig in figures:
        m = re.search(r'<svg id="([^"]+)" class="chart" role="img" aria-labelledby="([^"]+)"', fig)
        assert m is not None and m.group(2) == f"{m.group(1)}-title"
        title = re.search(rf'<title id="{m.group(2)}">(.*?)</title>', fig, re.S)
        assert title is not None
        assert re.search(
            r"months above the mean|providers in \w+ \d{4}|Alert threshold: h", title.group(1)
        )
        caption = re.search(r"<figcaption>(.*?)</figcaption>", fig, re.S)
        assert caption is not None and title.group(1) in caption.group(1)


def test_print_styles_put_each_provider_on_its_own_page(pack: str) -> None:
    css = pack[pack.index("<style>") : pack.index("</style>")]
    media = css[css.index("@media print") :]
    assert re.search(r"\.provider\s*\{[^}]*break-before:\s*page", media)
    assert re.search(r"[^{}]*\.chart-figure[^{}]*\{[^}]*break-inside:\s*avoid", media)


def test_public_pack_withholds_the_confidential_summary() -> None:
    items = yaml.safe_load((DEMO / "intelligence.yaml").read_text())
    secret = [" ".join(i["summary"].split()) for i in items if i["handling"] == "confidential"]
    assert secret
    private = meeting_pack(as_of="2019-03", providers=["RJ7"])  # SI-015 is RJ7's
    public = meeting_pack(as_of="2019-03", providers=["RJ7"], public=True)
    for summary in secret:
        assert summary in " ".join(private.split())
        assert summary not in " ".join(public.split())
    assert WITHHELD in public and WITHHELD not in private
    assert "Public version." in public and "Not for publication." in private


# ------------------------------------------------------------------------------ extension points


def _context() -> MeetingContext:
    return MeetingContext(
        meeting=MeetingInfo(
            id="M-2019-04-11",
            date="2019-04-11",
            qsg="South London",
            chair="A. Chair",
            venue="Room 1",
        ),
        agenda=(
            AgendaItem(number="1", title="Welcome", lead="Chair"),
            AgendaItem(
                number="2",
                title="Providers at every meeting",
                providers=("RJ7",),
                why={"RJ7": "standing level regular review"},
            ),
        ),
        standing={
            "RJ6": StandingLevel(level=Level.REGULAR_REVIEW, decided_on="2019-01-10"),
            "RJ7": StandingLevel(level=Level.RISK_SUMMIT, decided_on="2019-01-10"),
            "RAL": StandingLevel(level=Level.NO_CONCERNS, decided_on="2018-11-08"),
        },
        stale={"RAX": "no data since 2018-12"},
        decisions={
            "RJ7": (
                PastDecision(
                    meeting="M-2019-01-10",
                    decided_on="2019-01-10",
                    level=Level.RISK_SUMMIT,
                    rationale="Never event and staffing concerns",
                    dissent="CQC preferred regular review",
                ),
            )
        },
        actions={
            "RJ7": (
                OpenAction(
                    id="A-7",
                    text="Convene the summit",
                    owner="NHS E",
                    due="2019-02-01",
                    overdue=True,
                ),
            )
        },
    )


def test_the_register_fills_the_extension_points() -> None:
    text = meeting_pack(as_of="2019-03", providers=["RJ6", "RJ7", "RAL", "RAX"], context=_context())
    page = Page(text)
    shown = " ".join(" ".join(page.text).split())
    sections = _sections(text)
    # the meeting, its own agenda instead of the guidance's example
    assert "M-2019-04-11, 2019-04-11" in shown and "A. Chair" in shown
    assert page.headings[0] == (1, "South London Quality Surveillance Group")
    assert "Providers at every meeting" in shown and EXAMPLE_LOCAL_AGENDA[3].title not in shown
    assert "standing level regular review" in shown
    # the board gains standing levels and escalation marks
    board = text[text.index('id="board"') : text.index('<section class="provider"')]
    assert '<th scope="col" class="col-standing">Standing level</th>' in board
    marks = {
        c: " ".join(" ".join(Page(_board_row(board, c)).text).split())
        for c in ("RJ6", "RJ7", "RAL")
    }
    assert "↑ would escalate" in marks["RJ6"]  # regular review -> risk summit
    assert "↓ would de-escalate" in marks["RJ7"]  # risk summit -> regular review
    assert "= no change" in marks["RAL"]  # no concerns stays
    assert board.count("would escalate") == 1 and board.count("would de-escalate") == 1
    assert "no data since 2018-12" in sections["p-RAX"] and "no data since 2018-12" in board
    # previous decisions and open actions in the provider's own section
    rj7 = Page(sections["p-RJ7"])
    assert (3, "Previous decisions") in rj7.headings and (3, "Open actions") in rj7.headings
    rj7_text = " ".join(rj7.text)
    assert "CQC preferred regular review" in rj7_text and "Convene the summit" in rj7_text
    assert "overdue" in rj7_text
    assert "Previous decisions" not in sections["p-RJ6"]


def test_without_the_register_the_pack_has_no_register_columns(pack: str) -> None:
    assert "Standing level" not in pack and "Previous decisions" not in pack
    assert "would escalate" not in pack and "Open actions" not in pack


def test_a_page_can_extend_the_pack_template(tmp_path: Path) -> None:
    (tmp_path / "page.html.j2").write_text(
        '{% extends "pack.html.j2" %}'
        '{% block provider_after scoped %}<p class="form">record for {{ v.proposal.provider }}'
        "</p>{% endblock %}"
        "{% block agenda %}{% endblock %}"
    )
    from qsgrules.evidence.series import provider_charts
    from qsgrules.reports.pack import render_pack
    from qsgrules.workspace import load_workspace

    ws = load_workspace(DEMO)
    result = run_triage(ws, RULESET, as_of="2019-03", providers=["RJ6", "RAL"])
    charts = provider_charts(
        ws,
        RULESET.spec,
        2019 * 12 + 2,
        [(p.provider, h.indicator) for p in result.proposals for h in p.evidence.hard],
    )
    text = render_pack(result, charts, template="page.html.j2", templates=[tmp_path])
    assert '<p class="form">record for RJ6</p>' in text
    assert '<p class="form">record for RAL</p>' in text
    assert 'id="agenda"' not in text and 'id="board"' in text


# ------------------------------------------------------------------------------ the command


def test_qsg_pack_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "pack.html"
    args = ["pack", "--as-of", "2019-03", "--out", str(out), "-p", "RJ6", "--provider", "RAL"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert re.findall(r'<section class="provider" id="([^"]+)"', out.read_text()) == [
        "p-RJ6",
        "p-RAL",
    ]
    assert result.stdout.startswith(f"wrote {out}: ")
    # every figure counted: the providers' charts and the funnels across providers
    figures = out.read_text(encoding="utf-8").count('<figure class="chart-figure">')
    assert f" {figures} charts (not for publication)" in result.stdout
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["pack.html"]  # no partial file left


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "{tmp}/missing/pack.html"], "--out: folder {tmp}/missing does not exist"),
        (["--out", "{tmp}"], "--out: {tmp} is a folder; give a file name"),
        (["--out", "{tmp}/pack.html", "--as-of", "2019-13"], "--as-of: bad month '2019-13'"),
        (["--out", "{tmp}/pack.html", "--workspace", "{tmp}/nowhere"], "no such workspace"),
        (["--out", "{tmp}/pack.html", "-p", "RJ66"], "--provider: unknown provider code 'RJ66'"),
    ],
)
def test_qsg_pack_refuses_bad_input_and_writes_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(cli, ["pack", *(a.format(tmp=tmp_path) for a in args)])
    assert result.exit_code == 2, result.output
    assert message.format(tmp=tmp_path) in result.stderr
    assert "nothing was done" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_qsg_pack_needs_out() -> None:
    result = CliRunner().invoke(cli, ["pack"])
    assert result.exit_code == 2
    assert "Missing option '--out'" in result.stderr


def test_the_same_inputs_make_the_same_pack_byte_for_byte() -> None:
    assert meeting_pack(providers=["RAS"]) == meeting_pack(providers=["RAS"])


def test_anchors_stay_unique_whatever_the_codes() -> None:
    from qsgrules.reports.pack import _anchor

    taken: set[str] = set()
    anchors = [_anchor(c, taken) for c in ("A B", "A_B", "A_B-2", "X", "X-title", "X")]
    ids = anchors + [f"{a}-title" for a in anchors]
    assert len(ids) == len(set(ids))
    assert anchors[:2] == ["p-A_B", "p-A_B-2"]


def test_pack_problems_carry_their_codes(tmp_path: Path) -> None:
    from qsgrules.errors import InputError

    for out, code in ((tmp_path, "QSG800"), (tmp_path / "no" / "pack.html", "QSG801")):
        with pytest.raises(InputError) as caught:
            meeting_pack(providers=["RAL"], out=out)
        assert [p.code for p in caught.value.problems] == [code]
        assert caught.value.problems[0].argument == "out"


def test_a_pack_that_cannot_be_written_is_a_problem_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qsgrules.errors import InputError

    def refuse(source: object, target: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("os.replace", refuse)  # the rename of the finished pack fails
    with pytest.raises(InputError) as caught:
        meeting_pack(providers=["RAL"], out=tmp_path / "pack.html")
    assert [p.code for p in caught.value.problems] == ["QSG802"]
    assert caught.value.problems[0].message.endswith(
        "pack.html: Permission denied; nothing was written"
    )
    assert list(tmp_path.iterdir()) == []  # nor the temporary file


def test_the_board_counts_as_the_triage_table_does(pack: str) -> None:
    result = run_triage(as_of="2019-03")
    board = pack[pack.index('id="board"') : pack.index('<section class="provider"')]
    for p in result.proposals:
        cells = Page(_board_row(board, p.provider)).text
        numbers = [c for c in cells if re.fullmatch(r"\d+(\.\d)?", c.strip())]
        soft = sum(s.weight for s in p.evidence.soft if s.counted)
        assert numbers == [str(len(p.evidence.hard)), f"{soft:.1f}"], p.provider
