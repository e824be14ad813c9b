"""The scripted meeting of issue 21 (two local QSGs and their regional QSG over three
months, ``scripts/scripted_meeting.sh``) is docs/register.md's real output, and the
README's excerpts of it are in it: the script runs, and what it prints must be what the
documentation shows (as the README's triage is the golden triage: ``test_golden``).
Regenerate the documentation's block with ``python tests/test_scripted_meeting.py``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SCRIPT = ROOT / "scripts" / "scripted_meeting.sh"
DOC = ROOT / "docs" / "register.md"
README = ROOT / "README.md"
BEGIN = "<!-- scripted meeting: begin (python tests/test_scripted_meeting.py) -->\n```\n"
END = "```\n<!-- scripted meeting: end -->"
EXCERPT = re.compile(r"<!-- scripted meeting: excerpt -->\n```\n(.*?)```\n", re.S)


def transcript(folder: Path) -> str:
    """What the script prints, run in ``folder`` with this interpreter's ``qsg``."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("QSG_WORKSPACE", None)
    done = subprocess.run(
        ["bash", str(SCRIPT), str(folder)], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def shown(doc: str) -> str:
    """The transcript the documentation shows."""
    start = doc.index(BEGIN) + len(BEGIN)
    return doc[start : doc.index(END, start)]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> str:
    return transcript(tmp_path_factory.mktemp("scripted"))


@pytest.mark.slow
def test_the_documentation_shows_what_the_script_prints(printed: str) -> None:
    assert shown(DOC.read_text(encoding="utf-8")) == printed


@pytest.mark.slow
def test_the_readmes_excerpts_are_in_the_transcript(printed: str) -> None:
    excerpts = EXCERPT.findall(README.read_text(encoding="utf-8"))
    assert excerpts
    for text in excerpts:
        assert block(printed, text.splitlines()[0]).rstrip("\n") + "\n" == text, text[:200]


@pytest.mark.slow
def test_the_story_runs_every_item_it_names(printed: str) -> None:
    # every refusal in the story is one it means to show, and nothing else failed
    refused = re.findall(r"^\$ (.*)\n(?:(?!\$ ).*\n)*?\[exit (\d)\]", printed, re.M)
    assert [(cmd.split(" --")[0], code) for cmd, code in refused] == [
        ('qsg member add "NHS Croydn CCG"', "2"),
        ("qsg decide RJ6", "2"),
        ("qsg decide RJ7", "2"),
        ("qsg report regional register.sqlite ../west/register.sqlite register.sqlite", "2"),
    ]
    assert "Traceback" not in printed
    for seen in (
        "qsg: using the bundled demo",  # never: the story runs in its own workspaces
    ):
        assert seen not in printed
    for item in (
        "made my-qsg: a copy of the bundled demo",  # 1. a workspace of one's own
        "added representative Ann Lee, Inspection Manager, for CQC",  # 2. members
        "M-2019-05-15: as at M-2019-04-10: 3 recorded",  # attendance as last time
        "**Quorate at 11:40:** no",  # quorum at the time of the decision
        "-- liaison: concluded on by another local QSG",  # 3. scope and liaison
        "-- matters arising from M-2019-04-10",  # 4. the whole agenda
        "Four-hour waits across South London",  # the regional QSG's feedback, carried
        "-- business plan\n",
        "business plan: planned for M-2019-06-12 (2019-06-12)",
        "file kept as reports/M-2019-04-10/cqc-quality-report.txt",
        "A report given in confidence: withheld from publication",
        "M-2019-05-15 T-1: decided regular review",
        "## Any other business",
        "## Review of the meeting's effectiveness",
        "**Key issues**",  # 5. a note that summarises
        "**Positions counted** (no consensus)",
        "## Appendix: the evidence",
        "## Providers at each level, by the local QSG that concluded",  # 6. the report upward
        "## Agenda of the regional QSG (guidance, Annex C)",
        "## Actions being taken",
        "risk summit S-001 held 2019-05-02",
    ):
        assert item in printed, item


def block(printed: str, command: str) -> str:
    """The command's block of the transcript: its line, its output, the blank line."""
    start = printed.index(command + "\n")
    end = printed.find("\n$ ", start)
    return printed[start : end + 1 if end >= 0 else len(printed)]


if __name__ == "__main__":  # regenerate the documentation's block and the README's excerpts
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        text = transcript(Path(folder))
    doc = DOC.read_text(encoding="utf-8")
    start = doc.index(BEGIN) + len(BEGIN)
    DOC.write_text(doc[:start] + text + doc[doc.index(END, start) :], encoding="utf-8")
    readme = README.read_text(encoding="utf-8")
    readme = EXCERPT.sub(
        lambda m: m.group(0).replace(
            m.group(1), block(text, m.group(1).splitlines()[0]).rstrip("\n") + "\n"
        ),
        readme,
    )
    README.write_text(readme, encoding="utf-8")
    print(f"wrote {DOC}: {text.count(chr(10))} lines of transcript, and README's excerpts")
