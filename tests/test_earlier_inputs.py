"""The earlier corpus's inputs that were still mishandled (issue 17, "Why" 11): a value
contradicting its counts and fractional counts are refused; a long value is cut in its
message; `qsg triage` says the static-analysis warnings of the ruleset it uses."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from qsgrules.bundled import default_ruleset, demo_workspace
from qsgrules.cli.main import cli


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QSG_TODAY", "2019-06-30")
    root = tmp_path / "ws"
    shutil.copytree(demo_workspace(), root)
    return root


def _triage(ws: Path, *rows: str) -> tuple[int, str]:
    with (ws / "indicators.csv").open("a", encoding="utf-8") as f:
        f.write("".join(row + "\n" for row in rows))
    result = CliRunner().invoke(cli, ["triage", "--workspace", str(ws)])
    return result.exit_code, result.stderr


LAST = 13610  # the line the first appended row is on


@pytest.mark.parametrize(
    ("row", "said"),
    [
        ("R1H,ae_4hr_type1,2019-04,50.0,5099,27396",
         "value 50.0 contradicts numerator 5099 over denominator 27396, which give 18.6122"),
        ("R1H,amenable_deaths,2019-04,1.1,147,141.4",
         "value 1.1 contradicts numerator 147 over denominator 141.4, which give 1.0396"),
        ("R1H,ae_4hr_type1,2019-04,,50.5,100",
         "numerator 50.5 is not a whole number: it counts events or people"),
        ("R1H,ae_4hr_type1,2019-04,,50,100.5",
         "denominator 100.5 is not a whole number"),
        ("R1H,never_events_rate,2019-04,,0.5,10000",
         "numerator 0.5 is not a whole number"),
    ],
    ids=["a percentage", "a ratio", "a fractional numerator", "a fractional denominator",
         "fractional events of a rate"],
)  # fmt: skip
def test_a_value_against_its_counts_or_a_fractional_count_is_refused(
    ws: Path, row: str, said: str
) -> None:
    # as found: a value that contradicts its numerator/denominator, and fractional counts,
    # were accepted silently
    code, err = _triage(ws, row)
    assert code == 2
    assert f"indicators.csv:{LAST}: {said}" in err


@pytest.mark.parametrize(
    "row",
    [
        "R1H,ae_4hr_type1,2019-04,19,5099,27396",  # written to the nearest whole: 18.6 is 19
        "R1H,ae_4hr_type1,2019-04,18.6,5099,27396",
        "R1H,amenable_deaths,2019-04,1.04,147,141.4",  # an expected count may be fractional
        "R1H,nurses_per_bed,2019-04,1.55,155.5,100",  # staff in whole-time equivalents
    ],
)
def test_a_value_rounded_as_written_and_fractional_ratios_are_accepted(ws: Path, row: str) -> None:
    code, err = _triage(ws, row)
    assert code == 0, err


def test_a_long_value_is_cut_in_its_message(ws: Path) -> None:
    # as found: a 1 MB value in indicators.csv was echoed whole (1,000,151 bytes of output)
    code, err = _triage(ws, "R1H,ae_4hr_type1,2019-04," + "9" * 1_000_000 + "x,,")
    assert code == 2
    assert "... (1,000,001 characters)" in err
    assert len(err) < 600, len(err)


def test_triage_says_the_warnings_check_gives(tmp_path: Path) -> None:
    # as found: `qsg triage` used a ruleset with a rule that can never hold without the
    # warning `qsg check` gives
    data = yaml.safe_load(default_ruleset().read_text())
    data["rules"].append(
        {"id": "never", "level": "regular_review", "description": "d", "because": "b",
         "when": {"breach": {"min": 30}}}
    )  # fmt: skip
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    checked = CliRunner().invoke(cli, ["check", str(path)])
    (warning,) = [x for x in checked.stdout.splitlines() if "QSG102" in x]
    triaged = CliRunner().invoke(cli, ["triage", "--ruleset", str(path)])
    assert triaged.exit_code == 0, triaged.output
    assert warning in triaged.stderr.splitlines()
    plain = CliRunner().invoke(cli, ["triage"])
    assert "QSG1" not in plain.stderr
