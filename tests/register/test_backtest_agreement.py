"""`qsg backtest` against the register: how often the proposal was the level decided."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from qsgrules import register as R
from qsgrules.api_register import decided_levels
from qsgrules.cli.main import cli
from qsgrules.register import Register

from .conftest import MEETING


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _decided(reg: Register) -> None:
    # the meeting discussed the triage as of 2019-03: RJ6 proposed risk summit, RJ7 regular
    # review; the QSG held RJ6 at regular review and confirmed RJ7
    R.decide(reg, "RJ6", meeting=MEETING, level="regular_review", rationale="Plan agreed")
    R.decide(reg, "RJ7", meeting=MEETING, level="regular_review", rationale="As proposed")


def test_the_register_s_decisions_are_compared_with_the_proposals(ws: Path, reg: Register) -> None:
    _decided(reg)
    reg.close()
    w = ("--workspace", str(ws), "--from", "2019-01", "--to", "2019-03")
    code, out, _ = run("backtest", *w)
    assert code == 0, out
    tail = out.split("Agreement with the QSG's decisions")[1]
    assert "1 of 2 decision(s) as proposed (50%)" in tail
    assert "RJ6 as of 2019-03: proposed risk summit required, decided regular review" in tail
    code, out, _ = run("backtest", *w, "--format", "json")
    found = json.loads(out)["agreement"]
    assert found["compared"] == 2 and found["matched"] == 1 and found["rate"] == 0.5
    assert found["mismatches"] == [
        {"provider": "RJ6", "month": "2019-03", "proposed": "risk_summit",
         "decided": "regular_review"}
    ]  # fmt: skip
    # a month range without the meeting's month compares nothing, and says so
    code, out, _ = run("backtest", "--workspace", str(ws), "--from", "2018-01", "--to", "2018-03")
    assert "no decision falls in 2018-01 to 2018-03" in out
    assert "2 decision(s) outside 2018-01 to 2018-03" in out


def test_an_amended_level_is_the_level_decided(ws: Path, reg: Register) -> None:
    _decided(reg)
    R.agree(reg, MEETING)
    R.amend(reg, MEETING, reason="Corrected", provider="RJ6", level="risk_summit")
    reg.close()
    decided = decided_levels(ws)
    assert decided is not None and decided[("RJ6", "2019-03")].value == "risk_summit"


def test_without_a_register_nothing_is_compared_and_a_missing_one_named_is_bad_input(
    tmp_path: Path,
) -> None:
    code, out, _ = run("backtest", "--from", "2019-02", "--to", "2019-03", "--format", "json")
    assert code == 0 and json.loads(out)["agreement"] is None
    code, out, _ = run("backtest", "--from", "2019-02", "--to", "2019-03")
    assert "Agreement" not in out
    missing = tmp_path / "none.sqlite"
    code, _, err = run(
        "backtest", "--from", "2019-02", "--to", "2019-03", "--register", str(missing)
    )
    assert code == 2 and f"--register: no register at {missing}" in err
