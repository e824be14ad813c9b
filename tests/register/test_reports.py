"""Members' written reports for a meeting (issue 21, item 4): a text or a file with its
author and handling, attached to the meeting and listed in the pack; a confidential one
keeps every field (title, author, text, file) out of every published output."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from qsgrules import register as R
from qsgrules.api import init_workspace
from qsgrules.cli.main import cli
from qsgrules.model.pack import MeetingContext, MemberReport
from qsgrules.register.state import State
from qsgrules.web import LiveReview, make_app
from qsgrules.web.app import LOOPBACK_NAMES

TODAY = {"QSG_TODAY": "2019-04-10"}
M = "M-2019-04-10"
# every field of the confidential report, each a word found nowhere else in any output
TITLE = "Zephyrine ward staffing review"
TEXT = "Quokkaland nights ran below plan"
FILE = "zanzibar-quality-report.txt"
CONTENT = b"The deanery's visit: trainees unsupervised on nights.\n"
SHA = hashlib.sha256(CONTENT).hexdigest()
SECRETS = (TITLE, TEXT, FILE, SHA[:12], "Zephyrine", "Quokkaland", "zanzibar")


def run(ws: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--workspace", str(ws)], env=TODAY)
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def ok(ws: Path, *args: str) -> str:
    code, out, err = run(ws, *args)
    assert code == 0, err
    return out


def records(ws: Path) -> int:
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        return len(reg.records(frozen=True))


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reports")
    ws = init_workspace(root / "qsg", from_demo=True).folder
    ok(ws, "meeting", "open", "--date", "2019-04-10", "--chair", "Dr Jo Chair",
       "--qsg", "South London", "--by", "clerk")  # fmt: skip
    source = root / FILE
    source.write_bytes(CONTENT)
    ok(ws, "meeting", "report", M, "--author", "HEE", "--title", TITLE,
       "--text", TEXT, "--file", str(source), "--confidential", "--by", "clerk")  # fmt: skip
    ok(ws, "meeting", "report", M, "--author", "Healthwatch Croydon", "--title",
       "Healthwatch briefing", "--text", "Patients describe long waits in ED",
       "--by", "clerk")  # fmt: skip
    return ws


def test_a_report_file_is_kept_beside_the_register_with_its_hash(ws: Path) -> None:
    kept = ws / "reports" / M / FILE
    assert kept.read_bytes() == CONTENT
    listed = json.loads(ok(ws, "meeting", "reports", M, "--format", "json"))["reports"]
    assert listed[0] == {
        "withheld": False,
        "title": TITLE,
        "author": "HEE",
        "confidential": True,
        "text": TEXT,
        "file": {"name": FILE, "kept": f"reports/{M}/{FILE}", "size": len(CONTENT), "sha256": SHA},
    }
    assert listed[1]["confidential"] is False and listed[1]["file"] is None


def test_the_members_outputs_show_the_report(ws: Path, tmp_path: Path) -> None:
    # the members' outputs carry it, so the published ones below are tested for real
    note = ok(ws, "note", M)
    assert f"**{TITLE}** (HEE, confidential); file reports/{M}/{FILE}" in note
    assert TEXT in note
    ok(ws, "pack", "--meeting", M, "--out", str(tmp_path / "pack.html"))
    pack = (tmp_path / "pack.html").read_text(encoding="utf-8")
    assert f"<strong>{TITLE}</strong> (HEE, given in confidence)" in pack
    assert FILE in pack and SHA[:12] in pack
    assert TEXT not in pack  # a confidential report's text is never in a pack
    assert "Patients describe long waits in ED" in pack  # an open one's is
    assert "2 written report(s) attached" in pack


def _published(ws: Path, tmp_path: Path) -> dict[str, str]:
    out = {
        "note --public": ok(ws, "note", M, "--public"),
        "note --public --format html": ok(ws, "note", M, "--public", "--format", "html"),
        "meeting reports --public": ok(ws, "meeting", "reports", M, "--public"),
        "meeting reports --public --format json": ok(
            ws, "meeting", "reports", M, "--public", "--format", "json"
        ),
    }
    ok(ws, "pack", "--meeting", M, "--public", "--out", str(tmp_path / "public.html"))
    out["pack --public"] = (tmp_path / "public.html").read_text(encoding="utf-8")
    app = make_app(LiveReview.load(ws, public=True), trusted_hosts=LOOPBACK_NAMES)
    client = app.test_client()
    for path in ("/", "/provider/RJ6"):
        page = client.get(path)
        assert page.status_code == 200
        out[f"serve --public {path}"] = page.get_data(as_text=True)
    return out


def test_no_published_output_holds_any_field_of_a_confidential_report(
    ws: Path, tmp_path: Path
) -> None:
    for name, text in _published(ws, tmp_path).items():
        for secret in SECRETS:
            assert secret not in text, (name, secret)
        if name.endswith("/provider/RJ6"):
            continue  # a provider's page has no agenda
        assert "Healthwatch briefing" in text, name  # the open report is still listed
        if "json" not in name:
            assert "A report given in confidence: withheld from publication" in text, name
    listed = json.loads(ok(ws, "meeting", "reports", M, "--public", "--format", "json"))
    assert listed["reports"][0] == {"withheld": True, "confidential": True}


@given(
    st.lists(
        st.tuples(st.text(min_size=1, max_size=20), st.text(max_size=20), st.booleans()),
        max_size=5,
    )
)
def test_published_keeps_no_field_of_any_confidential_report(
    reports: list[tuple[str, str, bool]],
) -> None:
    context = MeetingContext(
        reports=tuple(
            MemberReport(title=t, author="CQC", text=x, confidential=c, file=f"reports/{t}")
            for t, x, c in reports
        )
    )
    published = context.published().reports
    assert len(published) == len(reports)
    for (title, text, secret), r in zip(reports, published, strict=True):
        if secret:
            assert r == MemberReport(withheld=True, confidential=True)
        else:
            assert (r.title, r.text, r.withheld) == (title, text, False)


def test_reports_are_refused_when_wrong_and_nothing_is_kept(ws: Path, tmp_path: Path) -> None:
    other = tmp_path / FILE
    other.write_bytes(b"another file under the same name\n")
    before = records(ws)
    bad = [
        (("--author", "Healthwatch Croydon", "--title", "x"), "--text"),
        (("--author", "CQQ", "--title", "x", "--text", "y"), "--author"),
        (("--author", "CQC", "--title", " ", "--text", "y"), "--title"),
        (("--author", "CQC", "--title", "x", "--file", str(other)), "--file"),
        (("--author", "CQC", "--title", "x", "--file", str(tmp_path / "none.pdf")), str(tmp_path)),
    ]
    for args, where in bad:
        code, _, err = run(ws, "meeting", "report", M, *args, "--by", "clerk")
        assert code == 2 and err.startswith(where), (args, err)
        assert "nothing was done" in err
    assert records(ws) == before
    assert (ws / "reports" / M / FILE).read_bytes() == CONTENT  # never replaced
    assert sorted(p.name for p in (ws / "reports" / M).iterdir()) == [FILE]


def test_a_report_refused_by_the_register_leaves_no_file_behind(ws: Path, tmp_path: Path) -> None:
    source = tmp_path / "late-report.txt"
    source.write_text("late\n")
    with R.Register(ws / "register.sqlite", actor="clerk") as reg:
        from qsgrules.register.reports import attach_report

        def refuse(build: Callable[[State], object]) -> object:
            build(reg.state([M]))  # the checks pass and the file is copied; then it fails
            raise R.checks.refuse("meeting", "refused after the copy", R.checks.MEETING_LOCKED)

        reg.write = refuse  # type: ignore[method-assign,assignment]
        with pytest.raises(Exception, match="refused after the copy"):
            attach_report(reg, M, author="CQC", title="Late", file=source)
    assert not (ws / "reports" / M / "late-report.txt").exists()
