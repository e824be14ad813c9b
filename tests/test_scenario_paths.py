"""Paths read from scenario files stay inside the scenario's repository, and a file that is
not what it claims is named, never quoted (issue 17, "Why" 3); every entry named like a
scenario file is run or refused, never skipped ("Why" 9)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules.cli.main import cli
from qsgrules.errors import InputError
from qsgrules.scenarios import load_scenarios

SECRET = "root:$6$SECRETHASH:19000:0:99999:7:::"
BODY = (
    "as_of: 2019-03\nworkspace:\n  providers: [{code: RXA, type: acute}]\n"
    "expect:\n  RXA: {level: no_concerns}\n"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository (it holds .git) with a tests folder, and a secret file outside it."""
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "shadow").write_text(SECRET + "\n")
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "tests").mkdir()
    default = Path(__file__).parents[1] / "rulesets" / "default.yaml"
    (root / "rules.yaml").write_bytes(default.read_bytes())
    return root


def _scenario(repo: Path, ruleset: str, name: str = "scenario_x.yaml") -> Path:
    path = repo / "tests" / name
    path.write_text(f"ruleset: {ruleset}\n{BODY}", encoding="utf-8")
    return path


def _test(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["test", *args])
    return result.exit_code, result.output


def test_a_ruleset_outside_the_repository_is_refused_and_never_read(repo: Path) -> None:
    # as found: `ruleset: ../../../etc/shadow` printed the file's first line as an "unknown
    # key" (scenario files arrive in pull requests and run in CI with public logs)
    for path in ("../../etc/shadow", str(repo.parent / "etc" / "shadow")):
        scenario = _scenario(repo, path)
        code, out = _test(str(scenario))
        assert code == 2, out
        assert "is outside the scenario's repository" in out
        assert "SECRET" not in out and "root:" not in out
        with pytest.raises(InputError):
            load_scenarios(scenario)


def test_a_link_inside_the_repository_that_leads_outside_is_refused(repo: Path) -> None:
    (repo / "innocent.yaml").symlink_to(repo.parent / "etc" / "shadow")
    code, out = _test(str(_scenario(repo, "../innocent.yaml")))
    assert code == 2 and "is outside the scenario's repository" in out
    assert "SECRET" not in out


def test_a_file_inside_that_is_not_a_ruleset_is_named_not_quoted(repo: Path) -> None:
    (repo / "notes.txt").write_text(SECRET + "\n")
    code, out = _test(str(_scenario(repo, "../notes.txt")))
    assert code == 2, out
    assert "../notes.txt is not a ruleset" in out and "SECRET" not in out


def test_a_ruleset_inside_runs_and_its_own_problems_are_still_shown(repo: Path) -> None:
    code, out = _test(str(_scenario(repo, "../rules.yaml")))
    assert code == 0, out
    (repo / "broken.yaml").write_text("name: x\nversion: '1'\nrules:\n  - id: a\n    lvl: 1\n")
    code, out = _test(str(_scenario(repo, "../broken.yaml", "scenario_b.yaml")))
    assert code == 2 and "does not load (below)" in out and "lvl" in out


def test_a_root_given_on_the_command_line_widens_or_narrows_the_confinement(
    repo: Path,
) -> None:
    scenario = _scenario(repo, "../rules.yaml")
    code, out = _test(str(scenario), "--root", str(repo / "tests"))
    assert code == 2 and "outside the scenario's repository" in out
    code, out = _test(str(scenario), "--root", str(repo.parent))
    assert code == 0, out


def test_without_a_repository_the_scenario_folder_is_the_root(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "rules.yaml").write_text("x: 1\n")
    path = tmp_path / "a" / "scenario_x.yaml"
    path.write_text(f"ruleset: ../rules.yaml\n{BODY}")
    code, out = _test(str(path))
    assert code == 2 and "outside the scenario's repository" in out


def test_the_pytest_plugin_confines_to_pytests_rootdir(
    repo: Path, pytester: pytest.Pytester
) -> None:
    pytester.makefile(".yaml", scenario_x=f"ruleset: ../../etc/shadow\n{BODY}")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist")
    out = result.stdout.str()
    assert "is outside the scenario's repository" in out
    assert "SECRET" not in out


def test_a_fifo_or_broken_link_named_like_a_scenario_is_refused_not_skipped(
    repo: Path,
) -> None:
    # as found: `qsg test DIR` silently skipped them and reported the others as passing
    _scenario(repo, "../rules.yaml")
    os.mkfifo(repo / "tests" / "scenario_fifo.yaml")
    (repo / "tests" / "scenario_link.yaml").symlink_to(repo / "nowhere")
    code, out = _test(str(repo / "tests"))
    assert code == 2, out
    assert "scenario_fifo.yaml:1: a named pipe (FIFO), not a regular file" in out
    assert "scenario_link.yaml:1: a broken symbolic link" in out
