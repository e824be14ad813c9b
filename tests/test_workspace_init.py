"""A workspace of one's own (issue 21, item 1): `qsg init` makes one, whole or not at all;
commands find it upward from the current folder (as git finds its repository) or from
QSG_WORKSPACE; with neither, the bundled demo is used and said on stderr."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules.api import find_workspace, init_workspace, load_workspace
from qsgrules.bundled import demo_workspace
from qsgrules.cli.main import cli

DEMO_SAID = "using the bundled demo workspace"


def qsg(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QSG_WORKSPACE", raising=False)
    return tmp_path


def test_init_from_demo_then_triage_in_it_uses_it_without_w(empty_folder: Path) -> None:
    code, out, err = qsg("init", "my-qsg", "--from-demo")
    assert code == 0, err
    assert "cd my-qsg" in out and "qsg triage" in out
    ws = empty_folder / "my-qsg"
    assert (ws / "settings.yaml").is_file()
    # the workspace's own change shows: its own data, not the demo's
    for name in ("providers.csv", "indicators.csv"):
        rows = (ws / name).read_text().splitlines()
        (ws / name).write_text("\n".join(r for r in rows if not r.startswith("RJ6")) + "\n")
    items = (ws / "intelligence.yaml").read_text()
    kept = [b for b in items.split("\n- ") if "provider: RJ6" not in b]
    (ws / "intelligence.yaml").write_text("\n- ".join(kept))
    os.chdir(ws)
    code, out, err = qsg("triage", "--format", "json")
    assert code == 0, err
    assert DEMO_SAID not in err
    codes = {p["provider"] for p in json.loads(out)["proposals"]}
    assert "RJ6" not in codes and "RF4" in codes
    # and from a folder below it
    (ws / "papers" / "2019").mkdir(parents=True)
    os.chdir(ws / "papers" / "2019")
    code, out, err = qsg("triage", "--format", "json")
    assert code == 0 and DEMO_SAID not in err
    assert "RJ6" not in {p["provider"] for p in json.loads(out)["proposals"]}


def test_without_a_workspace_the_demo_is_used_and_said(empty_folder: Path) -> None:
    code, out, err = qsg("triage")
    assert code == 0
    assert DEMO_SAID in err and "qsg init" in err and str(empty_folder) in err
    assert "RJ6" in out
    # named, the demo is not said
    code, out, err = qsg("triage", "--workspace", str(demo_workspace()))
    assert code == 0 and err == ""


def test_qsg_workspace_names_the_default_and_must_be_a_folder(empty_folder: Path) -> None:
    init_workspace(empty_folder / "elsewhere", from_demo=True)
    code, out, err = qsg("intel", "list", env={"QSG_WORKSPACE": str(empty_folder / "elsewhere")})
    assert code == 0 and DEMO_SAID not in err
    code, out, err = qsg("triage", env={"QSG_WORKSPACE": str(empty_folder / "missing")})
    assert code == 2 and out == ""
    assert err.startswith("QSG_WORKSPACE: ") and "is not a folder" in err
    # --workspace wins over the variable
    code, out, err = qsg(
        "triage", "-w", str(demo_workspace()), env={"QSG_WORKSPACE": str(empty_folder / "x")}
    )
    assert code == 0


def test_the_variable_wins_over_the_folder_one_is_in(empty_folder: Path) -> None:
    init_workspace(empty_folder / "a", from_demo=True)
    init_workspace(empty_folder / "b")
    os.chdir(empty_folder / "a")
    assert find_workspace().folder == empty_folder / "a"
    found = find_workspace(environ={"QSG_WORKSPACE": str(empty_folder / "b")})
    assert found.folder == empty_folder / "b" and found.how == "QSG_WORKSPACE"


def test_a_folder_with_only_settings_yaml_is_not_taken_for_a_workspace(empty_folder: Path) -> None:
    (empty_folder / "settings.yaml").write_text("business_cycle_months: 6\n")
    assert find_workspace(empty_folder, {}).folder is None


def test_intel_add_without_a_workspace_refuses_never_the_demo(empty_folder: Path) -> None:
    code, _out, err = qsg(
        "intel", "add", "--provider", "RJ6", "--source", "CQC", "--domain", "safety",
        "--severity", "high", "--grading", "B2", "--summary", "Staffing gaps on wards.",
    )  # fmt: skip
    assert code == 2 and "no workspace of your own" in err and "qsg init" in err
    assert "nothing was done" in err


def test_intel_add_in_ones_workspace_writes_there(empty_folder: Path) -> None:
    init_workspace(empty_folder / "ws", from_demo=True)
    os.chdir(empty_folder / "ws")
    code, _out, err = qsg(
        "intel", "add", "--provider", "RJ6", "--source", "CQC", "--domain", "safety",
        "--severity", "high", "--grading", "B2", "--summary", "Staffing gaps on wards.",
        "--received", "2019-03-20",
    )  # fmt: skip
    assert code == 0, err
    assert "Staffing gaps on wards." in (empty_folder / "ws" / "intelligence.yaml").read_text()
    assert "Staffing gaps" not in (demo_workspace() / "intelligence.yaml").read_text()


def test_a_write_to_the_register_without_a_workspace_says_how_to_make_one(
    empty_folder: Path,
) -> None:
    code, _out, err = qsg("meeting", "open", "--date", "2019-04-10", "--chair", "Dr Chair")
    assert code == 2
    assert "the bundled demo is read-only" in err and "qsg init DIR --from-demo" in err


def test_init_empty_makes_a_workspace_that_loads(empty_folder: Path) -> None:
    code, _out, err = qsg("init", "new-qsg")
    assert code == 0, err
    ws = load_workspace(empty_folder / "new-qsg")
    assert ws.providers == {}
    assert sorted(p.name for p in (empty_folder / "new-qsg").iterdir()) == [
        "indicators.csv",
        "members.csv",
        "providers.csv",
        "settings.yaml",
    ]


def test_init_never_overwrites_and_leaves_nothing_half_made(empty_folder: Path) -> None:
    (empty_folder / "taken").mkdir()
    (empty_folder / "taken" / "notes.txt").write_text("mine")
    code, _out, err = qsg("init", "taken", "--from-demo")
    assert code == 2 and "DIR: taken exists and is not an empty folder" in err
    assert [p.name for p in (empty_folder / "taken").iterdir()] == ["notes.txt"]
    (empty_folder / "a-file").write_text("mine")
    code, _out, err = qsg("init", "a-file")
    assert code == 2 and (empty_folder / "a-file").read_text() == "mine"
    assert sorted(p.name for p in empty_folder.iterdir()) == ["a-file", "taken"]


def test_init_into_an_empty_folder(empty_folder: Path) -> None:
    (empty_folder / "there").mkdir()
    code, _out, err = qsg("init", "there", "--from-demo")
    assert code == 0, err
    assert (empty_folder / "there" / "indicators.csv").stat().st_size > 0
