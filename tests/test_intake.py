"""Writing soft intelligence: intel add and intel close, one writer at a time, all or nothing."""

from __future__ import annotations

import datetime as dt
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hang import HANG

from qsgrules.api import add_item, close_item
from qsgrules.bundled import demo_workspace
from qsgrules.cli.main import cli
from qsgrules.errors import InputError
from qsgrules.workspace import load_workspace

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases" / "workspaces"
TODAY = dt.date(2019, 6, 30)
FIELDS = {
    "provider": "RXA",
    "source": "CQC",
    "domain": "safety",
    "severity": "low",
    "grading": "B2",
    "summary": "Staffing below plan on night shifts.",
    "received": dt.date(2019, 1, 10),
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner(env={"QSG_TODAY": "2019-06-30"}).invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    target = tmp_path / "demo"
    shutil.copytree(demo_workspace(), target)
    return target


@pytest.fixture
def small(tmp_path: Path) -> Path:
    ws = tmp_path / "small"
    ws.mkdir()
    (ws / "providers.csv").write_text("code,name,type,qsg\nRXA,A Trust,acute,Q\n")
    (ws / "indicators.csv").write_text(
        "provider,indicator,period,value\nRXA,ae_4hr_type1,2019-01,12\n"
    )
    return ws


# -- intel close -------------------------------------------------------------------------------


def test_intel_close_changes_that_item_only_byte_for_byte(demo: Path) -> None:
    path = demo / "intelligence.yaml"
    before = path.read_text()
    code, out, err = run(
        "intel", "close", "SI-003", "--workspace", str(demo), "--reason", "Assured at visit.",
        "--on", "2019-02-01",
    )  # fmt: skip
    assert code == 0, err
    assert out == "closed SI-003: RQM on 2019-02-01\n"
    after = path.read_text()
    start = before.index("- id: SI-003")
    end = before.index("- id: SI-004")
    assert after[:start] == before[:start]
    assert after.endswith(before[end:])
    changed = after[start : len(after) - len(before[end:])]
    assert "status: closed\n" in changed
    assert "closed_on: '2019-02-01'\n" in changed
    assert "closed_reason: Assured at visit.\n" in changed
    item = next(i for i in load_workspace(demo).intelligence if i.id == "SI-003")
    assert item.status == "closed" and item.closed_on == dt.date(2019, 2, 1)


def test_intel_close_in_a_csv_file(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(CASES / "intelligence_csv", ws)
    header = (
        "id,provider,source,received,domain,severity,grading,summary,status,closed_on,closed_reason"
    )
    rows = [
        "SI-1,RXA,CQC,2019-01-10,safety,high,B2,Staffing below plan.,,,",
        "SI-2,RXB,CQC,2019-01-11,safety,low,B2,Delays.,,,",
    ]
    (ws / "intelligence.csv").write_text("\r\n".join([header, *rows]) + "\r\n")
    closed = close_item(ws, "SI-1", "Assured.", dt.date(2019, 2, 1), today=TODAY)
    assert closed.status == "closed"
    lines = (ws / "intelligence.csv").read_bytes().split(b"\r\n")
    assert (
        lines[1]
        == b"SI-1,RXA,CQC,2019-01-10,safety,high,B2,Staffing below plan.,closed,2019-02-01,Assured."
    )
    assert lines[2] == rows[1].encode()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["SI-999", "--reason", "x"], "ID: no item with id 'SI-999'"),
        (["SI-009", "--reason", "x"], "ID: SI-009 is already closed (on 2018-11-30"),
        (
            ["SI-003", "--reason", "Patient NHS no 943 476 5919 assured"],
            "--reason: closed_reason contains a possible NHS number",
        ),
        (["SI-003", "--reason", "x", "--on", "2018-01-01"], "--on: closed_on is before received"),
        (
            ["SI-003", "--reason", "x", "--on", "2020-01-01"],
            "--on: closed_on 2020-01-01 is after today",
        ),
        (
            ["SI-003", "--reason", "Bell\x07"],
            "--reason: closed_reason contains a control character",
        ),
    ],
)
def test_a_refused_close_names_the_option_and_changes_nothing(
    demo: Path, args: list[str], message: str
) -> None:
    before = (demo / "intelligence.yaml").read_bytes()
    code, out, err = run("intel", "close", *args, "--workspace", str(demo))
    assert code == 2 and out == ""
    assert err.startswith(message), err
    assert "943" not in err
    assert (demo / "intelligence.yaml").read_bytes() == before


# -- intel add ---------------------------------------------------------------------------------


def test_intel_add_keeps_the_files_mode(demo: Path) -> None:
    path = demo / "intelligence.yaml"
    path.chmod(0o644)
    code, _, err = run(
        "intel", "add", "--workspace", str(demo), "--provider", "RQX", "--source", "CQC",
        "--domain", "safety", "--severity", "low", "--grading", "B2", "--summary", "Late.",
        "--received", "2019-03-01",
    )  # fmt: skip
    assert code == 0, err
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert not [p for p in demo.iterdir() if p.name.startswith(".")]  # no temporary left


def test_an_added_item_is_in_the_file_and_a_refusal_leaves_it_unchanged(small: Path) -> None:
    item = add_item(small, FIELDS, today=TODAY)
    assert item.id == "SI-001"
    text = (small / "intelligence.yaml").read_bytes()
    with pytest.raises(InputError):
        add_item(small, {**FIELDS, "id": "SI-001"}, today=TODAY)
    with pytest.raises(InputError):
        add_item(small, {**FIELDS, "received": dt.date(2019, 7, 1)}, today=TODAY)
    assert (small / "intelligence.yaml").read_bytes() == text
    assert [i.id for i in load_workspace(small, today=TODAY).intelligence] == ["SI-001"]


def test_intel_add_appends_under_an_items_key(small: Path) -> None:
    (small / "intelligence.yaml").write_text("items:\n  - id: SI-001\n    provider: RXA\n"
        "    source: CQC\n    received: 2019-01-01\n    domain: safety\n    severity: low\n"
        "    grading: B2\n    summary: First.\n")  # fmt: skip
    item = add_item(small, FIELDS, today=TODAY)
    assert item.id == "SI-002"
    ids = [i.id for i in load_workspace(small, today=TODAY).intelligence]
    assert ids == ["SI-001", "SI-002"]


def test_intel_add_to_a_flow_list_is_refused_and_changes_nothing(small: Path) -> None:
    text = "[{id: SI-001, provider: RXA, source: CQC, received: 2019-01-01, domain: safety, severity: low, grading: B2, summary: First.}]\n"  # noqa: E501
    (small / "intelligence.yaml").write_text(text)
    with pytest.raises(InputError) as info:
        add_item(small, FIELDS, today=TODAY)
    assert "the file's layout does not take the change" in str(info.value)
    assert (small / "intelligence.yaml").read_text() == text


# -- concurrent writers and kill -9 ------------------------------------------------------------

# argv: workspace, how many items, and how it reports: "run" says "added ID" after each
# item; "step" and "free" also say "replace" just before the new file is renamed over the
# old one and "replaced" just after, "step" then waiting for a line on stdin before going on
# (so a kill lands exactly there), "free" carrying on (so a kill races the write).
ADDER = textwrap.dedent(
    """
    import datetime as dt, os, sys
    mode = sys.argv[3]
    def report(event):
        print(event, flush=True)
        if mode == "step":
            sys.stdin.readline()
    if mode != "run":
        _replace = os.replace
        def replace(src, dst):
            report("replace")
            _replace(src, dst)
            report("replaced")
        os.replace = replace
    from qsgrules.api import add_item
    fields = {"provider": "RXA", "source": "CQC", "domain": "safety", "severity": "low",
              "grading": "B2", "summary": "Staffing below plan.",
              "received": dt.date(2019, 1, 10)}
    for _ in range(int(sys.argv[2])):
        item = add_item(sys.argv[1], fields, today=dt.date(2019, 6, 30))
        print("added", item.id, flush=True)
    """
)


def _adder(ws: Path, count: int, mode: str = "run") -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", ADDER, str(ws), str(count), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


@pytest.mark.stress
@pytest.mark.parametrize(("intake", "each"), [("intelligence.csv", 100), ("intelligence.yaml", 20)])
def test_two_writers_lose_nothing_and_never_share_an_id(
    small: Path, intake: str, each: int
) -> None:
    if intake.endswith(".csv"):  # a CSV intake file is appended to as CSV (and reads fast)
        (small / intake).write_text("id,provider,source,received,domain,severity,grading,summary\n")
    procs = [_adder(small, each), _adder(small, each)]
    outputs = [p.communicate(timeout=HANG) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e for _, e in outputs]
    said = [line.split()[1] for out, _ in outputs for line in out.splitlines()]
    items = load_workspace(small, today=TODAY).intelligence
    assert len(items) == 2 * each and len({i.id for i in items}) == 2 * each
    assert sorted(said) == sorted(i.id for i in items)  # every "added" is in the file


@pytest.mark.stress
@pytest.mark.parametrize(
    ("mode", "moment", "target"),
    [
        ("step", "replace", 3),  # the new file written and flushed, not yet renamed
        ("step", "replaced", 5),  # renamed, not yet said
        ("free", "replace", 4),  # racing the rename
        ("free", "added", 6),  # racing the next write
    ],
)
def test_a_writer_killed_at_any_moment_leaves_a_file_with_every_earlier_item(
    small: Path, mode: str, moment: str, target: int
) -> None:
    """Kill -9 at the target-th write's chosen moment (the child reports each step; no
    sleep): the file holds every item said to be added, and at most the one in flight."""
    proc = _adder(small, 1000, mode)
    assert proc.stdin is not None and proc.stdout is not None
    seen: list[str] = []
    writes = 0
    for line in proc.stdout:
        seen.append(line)
        event = line.split()[0]
        writes += event == "replace"
        if writes == target and event == moment:
            proc.kill()
            break
        if mode == "step" and event != "added":
            proc.stdin.write("go\n")
            proc.stdin.flush()
    out, err = _rest(proc)
    assert proc.returncode == -signal.SIGKILL, err
    told = "".join(seen) + out
    said = {line.split()[1] for line in told.splitlines() if line.startswith("added ")}
    items = {i.id for i in load_workspace(small, today=TODAY).intelligence}
    assert said <= items and len(items) - len(said) <= 1
    if mode == "step":  # exactly: the old file before the rename, the new one after it
        assert len(items) == target - (moment == "replace")
        assert len(said) == target - 1
    left = [p.name for p in small.iterdir() if p.name.endswith(".tmp")]
    if (mode, moment) == ("step", "replace"):
        assert len(left) == 1  # the temporary the kill left behind
    # a temporary the kill may have left is never read, and the next writer removes it
    (small / ".intelligence.yaml.stale.tmp").write_text("- half an item")
    add_item(small, FIELDS, today=TODAY)
    assert not [p.name for p in small.iterdir() if p.name.endswith(".tmp")]


def _rest(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """After the kill: the rest of the child's stdout (through the same file object, whose
    buffer may already hold lines read ahead of the last one taken: communicate() reads
    the pipe underneath and would lose them) and its stderr."""
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.close()
    with proc.stdout, proc.stderr:
        out, err = proc.stdout.read(), proc.stderr.read()
    proc.wait(timeout=HANG)
    return out, err
