"""Golden tests: each invalid workspace in tests/cases/workspaces gives exactly expected.txt."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules.cli.main import cli
from qsgrules.errors import InputError
from qsgrules.workspace import load_workspace

CASES = Path(__file__).parent / "cases" / "workspaces"


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_invalid_workspace_reports_every_problem(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CASES / case)
    result = CliRunner().invoke(cli, ["triage", "--workspace", "."])
    assert result.exit_code == 2
    assert result.stdout == ""  # nothing half-done on stdout
    assert result.stderr == (CASES / case / "expected.txt").read_text()


def test_non_numeric_value_at_row_n_names_that_row(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(CASES / "bad_intelligence", ws)
    (ws / "intelligence.yaml").unlink()
    rows = ["provider,indicator,period,value"] + [
        f"RXA,ae_4hr_type1,2018-{m:02d},{10 + m}" for m in range(1, 13)
    ]
    rows[7] = "RXA,ae_4hr_type1,2018-07,n/a"  # line 8 of the file
    (ws / "indicators.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(InputError) as info:
        load_workspace(ws)
    assert [str(p) for p in info.value.problems] == [
        "indicators.csv:8: value 'n/a' is not a number; give a number "
        "(or leave it empty and give numerator and denominator)"
    ]


def test_value_is_computed_from_counts_with_the_indicator_scale(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(CASES / "bad_intelligence", ws)
    (ws / "intelligence.yaml").unlink()
    (ws / "indicators.csv").write_text(
        "provider,indicator,period,value,numerator,denominator\n"
        "RXA,ae_4hr_type1,2019-01,,250,1000\n"
        "RXA,infections_rate,2019-01,,3,20000\n"
    )
    obs = load_workspace(ws).observations
    assert obs.value.tolist() == [25.0, 0.15]


def test_extra_columns_are_allowed_and_kept(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(CASES / "bad_intelligence", ws)
    (ws / "intelligence.yaml").unlink()
    (ws / "providers.csv").write_text(
        "code,name,type,qsg,region,commissioners\nRXA,A Trust,acute,Q,London,C1;C2\n"
    )
    ws_loaded = load_workspace(ws)
    provider = ws_loaded.providers["RXA"]
    assert provider.extra == {"region": "London"}
    assert provider.commissioners == ("C1", "C2")
