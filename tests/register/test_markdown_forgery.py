"""Markdown that cannot be forged (issue 17, "Why" 5): the note and the regional report are
rendered with hostile text in every field a person or a workspace file can fill, parsed
with a CommonMark parser, and their structure compared with the same documents made from
plain text: the same headings, paragraphs, list items, tables, emphasis and code, and no
raw HTML, link or image anywhere."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from qsgrules import api_register
from qsgrules import register as R
from qsgrules.bundled import demo_workspace
from qsgrules.reports import note as note_report
from qsgrules.reports import regional as regional_report
from qsgrules.reports.markdown import inline

MEETING = "M-2019-04-10"
# long text (reasons, rationales, summaries, action texts) may hold line breaks
LONG = (
    "We agree.\n\n**Conclusion:** no concerns. Agreed unanimously\n\n## Amendments\n\n"
    "- a forged amendment\n1. a forged item\n2) another\n> a quote\n---\n***\n===\n"
    "    indented code\n```\nfenced\n```\n<script>alert(1)</script> <img src=x onerror=alert(1)>"
    " <base href=//evil.example/> <!-- c --> [link](javascript:alert(1)) ![i](x.png)"
    " <https://evil.example> `code` *em* _em_ __strong__ ~~gone~~ &lt;b&gt; &#60;i&#62;"
    " | a | b | \\ trailing \\"
)
# names and labels are one line
NAME = "Ann <b>Lee</b> **x** _y_ [l](javascript:1) `c` | z # &amp; ~~s~~ \\"
ORG = "Watch <i>Org</i> **X** [l](j:1) | y"
QSG = "South <script>x</script> London **Q** | z"
PROVIDER = "Croydon <img src=x onerror=1> **NHS** [Trust](j:1) | x"


def _workspace(root: Path, hostile: bool) -> None:
    shutil.copytree(demo_workspace(), root)
    providers = list(csv.reader(io.StringIO((root / "providers.csv").read_text())))
    for row in providers[1:]:
        if row[3] == "South London":
            row[3] = QSG if hostile else "South London"
        if row[0] == "RJ6":
            row[1] = PROVIDER if hostile else "Croydon Health Services NHS Trust"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(providers)
    (root / "providers.csv").write_text(buf.getvalue())
    org = ORG if hostile else "Watch Org"
    with (root / "members.csv").open("a", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerow([org, "healthwatch", ""])
    summary = LONG if hostile else "We agree."
    item = {
        "id": "SI-H1",
        "provider": "RJ6",
        "source": org,
        "received": "2019-02-01",
        "domain": "safety",
        "severity": "moderate",
        "grading": "B2",
        "summary": summary,
    }
    import yaml

    with (root / "intelligence.yaml").open("a", encoding="utf-8") as f:
        f.write(yaml.safe_dump([item], allow_unicode=True, sort_keys=False))


def _documents(tmp_path: Path, hostile: bool) -> tuple[str, str]:
    root = tmp_path / ("hostile" if hostile else "plain")
    _workspace(root, hostile)
    long, name = (LONG, NAME) if hostile else ("We agree.", "Ann Lee")
    org = ORG if hostile else "Watch Org"
    register = root / ("r`x`.sqlite" if hostile else "r.sqlite")
    api_register.open_meeting(
        date="2019-04-10",
        chair=name,
        qsg=QSG if hostile else "South London",
        workspace=root,
        register=register,
        by=name,
    )
    with R.Register(register, actor=name) as reg:
        R.attend(reg, MEETING, member=name, organisation=org, start="10:00", end="11:00")
        R.override(reg, "RJ6", meeting=MEETING, member=name, level="risk_summit", reason=long)
        R.decide(
            reg, "RJ6", meeting=MEETING, rationale=long, level="regular_review",
            review_by="2019-06-01", exit_criteria=long,
        )  # fmt: skip
        R.add_action(reg, "RJ6", meeting=MEETING, owner=name, due="2019-05-01", text=long)
        R.agree(reg, MEETING)
        R.amend(reg, MEETING, reason=long, text=long, provider="RJ6", rationale=long)
        note = note_report.markdown(R.meeting_note(reg, MEETING))
    regional = regional_report.markdown(api_register.regional_report([register], on="2020-01-01"))
    return note, regional


_PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_TEXT = {"text", "softbreak", "hardbreak"}


def _structure(markdown: str) -> list[tuple[str, str, int]]:
    """Every token but text: blocks with their tags, and each inline's non-text children."""
    out: list[tuple[str, str, int]] = []

    def walk(tokens: list[Token]) -> None:
        for tok in tokens:
            if tok.type == "inline":
                walk(tok.children or [])
            elif tok.type not in _TEXT:
                out.append((tok.type, tok.tag, tok.nesting))

    walk(_PARSER.parse(markdown))
    return out


def _kinds(markdown: str) -> set[str]:
    return {t for t, _, _ in _structure(markdown)}


def test_hostile_text_in_every_field_leaves_the_note_and_the_report_as_they_were(
    tmp_path: Path,
) -> None:
    # as found: a reason with blank lines wrote a fake "**Conclusion:** no concerns" for a
    # provider with no decision, or a second "## Amendments"; <script>, <img onerror> and
    # <base href> passed into the Markdown note and `report regional --format md` unchanged
    plain_note, plain_regional = _documents(tmp_path, hostile=False)
    note, regional = _documents(tmp_path, hostile=True)
    assert _structure(note) == _structure(plain_note)
    assert _structure(regional) == _structure(plain_regional)
    for doc in (note, regional):
        assert not _kinds(doc) & {"html_block", "html_inline", "link_open", "image", "s_open"}
    rendered = _PARSER.render(note)
    assert "<script" not in rendered and "<img" not in rendered and "<base" not in rendered
    assert rendered.count("<h2>Amendments</h2>") == 1
    assert note.count("**Conclusion:**") == 1  # RJ6's own, and no forged one
    # and the text is all there, to be read as typed
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "**Conclusion:** no concerns" in _PARSER.render(inline(LONG)).replace("\n", " ")


def test_a_multi_line_value_stays_inside_its_list_item() -> None:
    doc = "- first: " + inline(LONG, indent=2) + "\n- second\n"
    items = [t for t in _PARSER.parse(doc) if t.type == "list_item_open"]
    assert len(items) == 2
