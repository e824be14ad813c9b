"""A register given twice to `report regional` is refused (issue 17, "Why" 9): its
conclusions would be counted twice."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qsgrules.cli.main import cli


def test_one_register_under_two_names_is_refused(ws: Path, tmp_path: Path) -> None:
    # as found: `report regional r.sqlite ./r.sqlite` counted one register twice
    path = ws / "register.sqlite"
    link = tmp_path / "link.sqlite"
    link.symlink_to(path)
    for second in (str(ws / "." / "register.sqlite"), str(link)):
        result = CliRunner().invoke(cli, ["report", "regional", str(path), second])
        assert result.exit_code == 2, result.output
        assert "are the same register: give each register once" in result.stderr
    assert CliRunner().invoke(cli, ["report", "regional", str(path)]).exit_code == 0
