"""`qsg synth`: deterministic synthetic workspaces that load, triage and hold no identifiers."""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from qsgrules.api import load_ruleset, load_workspace, scan_workspace, triage
from qsgrules.bundled import default_ruleset
from qsgrules.cli.main import cli
from qsgrules.errors import InputError
from qsgrules.indicators import BY_ID, CATALOGUE, Indicator
from qsgrules.model.vocabulary import DataKind, Domain, Polarity, ProviderType
from qsgrules.synth import csvfast, synthesise
from qsgrules.synth.profiles import PROFILES, profile_for
from qsgrules.synth.soft import NATIONAL_SHARES
from qsgrules.workspace.members import NATIONAL_MEMBERS

SMALL = {"providers": 60, "months": 14, "items": 400, "seed": 3}


def _synth(out: Path, **change: Any) -> None:
    """The small workspace, or one with some options changed."""
    options: dict[str, Any] = {**SMALL, **change}
    synthesise(out, **options)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "ws"
    _synth(out)
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_the_same_seed_gives_byte_identical_files(small: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    _synth(again)
    assert _files(again) == _files(small)


def test_another_seed_gives_other_data(small: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    _synth(other, seed=4)
    assert (other / "indicators.csv").read_bytes() != (small / "indicators.csv").read_bytes()


def test_it_loads_with_every_type_indicator_and_month(small: Path) -> None:
    ws = load_workspace(small)
    n, m = SMALL["providers"], SMALL["months"]
    assert len(ws.observations) == n * len(CATALOGUE) * m
    assert {p.type for p in ws.providers.values()} == set(ProviderType)
    assert set(ws.observations.indicator.tolist()) == set(BY_ID)
    assert len(set(ws.observations.period.tolist())) == m
    assert len(ws.intelligence) == SMALL["items"]


def test_values_agree_with_their_counts(small: Path) -> None:
    obs = load_workspace(small).observations
    counted = ~np.isnan(obs.denominator)
    assert counted.any()
    scale = np.array([BY_ID[i].scale for i in obs.indicator[counted].tolist()])
    expected = scale * obs.numerator[counted] / obs.denominator[counted]
    assert np.allclose(obs.value[counted], expected, atol=1e-4)
    assert (obs.denominator[counted] > 0).all() and (obs.numerator[counted] >= 0).all()
    kinds = {profile_for(BY_ID[i]).making for i in set(obs.indicator[counted].tolist())}
    assert kinds == {"binomial", "poisson", "measured"}


def test_it_triages_with_the_default_ruleset(small: Path) -> None:
    result = triage(load_workspace(small), load_ruleset(default_ruleset()))
    assert sorted(p.provider for p in result.proposals) == sorted(load_workspace(small).providers)
    assert len({p.level for p in result.proposals}) >= 2


def test_soft_items_are_realistic_and_hold_no_identifiers(small: Path) -> None:
    rows = _rows(small / "intelligence.csv")
    members = {r["name"] for r in _rows(small / "members.csv")} | set(NATIONAL_MEMBERS)
    assert {r["source"] for r in rows} <= members
    assert any(r["source"] in NATIONAL_MEMBERS for r in rows)
    assert any(r["source"] not in NATIONAL_MEMBERS for r in rows)
    for field in ("duplicate_of", "corroborates", "closed_on", "expires"):
        assert any(r[field] for r in rows), field
    assert Counter(r["handling"] for r in rows)["confidential"] > 0
    assert len({r["grading"] for r in rows}) > 5
    assert scan_workspace(small) == []


def test_a_known_minority_of_series_steps_or_drifts(small: Path) -> None:
    anomalies = _rows(small / "anomalies.csv")
    series = SMALL["providers"] * len(CATALOGUE)
    assert 0.02 * series < len(anomalies) < 0.12 * series
    assert {a["change"] for a in anomalies} == {"step", "drift"}
    assert {a["towards"] for a in anomalies} == {"concern", "improvement"}


def test_every_catalogue_indicator_and_national_member_has_a_profile() -> None:
    assert set(PROFILES) <= set(BY_ID)  # tailored ones name catalogue indicators
    assert set(NATIONAL_SHARES) == set(NATIONAL_MEMBERS)


@pytest.mark.parametrize("kind", list(DataKind))
def test_an_indicator_without_a_profile_is_drawn_from_its_kind_inside_its_bounds(
    kind: DataKind,
) -> None:
    # a new indicator is one catalogue entry: synth draws it without a profile of its own
    scale = 100.0 if kind is DataKind.PROPORTION else 1000.0 if kind is DataKind.RATE else 1.0
    low, high = (1.0, 4.0) if kind is DataKind.RATING else (0.0, None)
    new = Indicator(
        id="not_in_the_catalogue",
        title="t",
        unit="u",
        polarity=Polarity.HIGHER_IS_WORSE,
        domain=Domain.SAFETY,
        kind=kind,
        scale=scale,
        low=low,
        high=scale if kind is DataKind.PROPORTION else high,
    )
    made = profile_for(new)
    assert new.id not in PROFILES
    top = math.inf if new.high is None else new.high
    assert (new.low or 0) <= made.low <= made.mean <= made.high <= top
    assert made.spread > 0 or kind is DataKind.RATING


@pytest.mark.parametrize(
    ("change", "code", "argument"),
    [
        ({"providers": 0}, "QSG700", "providers"),
        ({"months": 0}, "QSG701", "months"),
        ({"items": -1}, "QSG702", "items"),
        ({"seed": -1}, "QSG703", "seed"),
        ({"end": "2019-13"}, "QSG704", "end"),
        ({"missing": 1.0}, "QSG705", "missing"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_written(
    tmp_path: Path, change: dict[str, object], code: str, argument: str
) -> None:
    out = tmp_path / "ws"
    with pytest.raises(InputError) as caught:
        _synth(out, **change)
    assert [(p.code, p.argument) for p in caught.value.problems] == [(code, argument)]
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(InputError) as caught:
        _synth(tmp_path)
    assert caught.value.problems[0].code == "QSG706"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_a_folder_that_cannot_be_made_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(InputError) as caught:
        _synth(tmp_path / "file" / "ws")
    assert [p.code for p in caught.value.problems] == ["QSG707"]
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


def test_an_empty_folder_is_filled(tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    synthesise(out, providers=9, months=3)
    assert (out / "indicators.csv").is_file() and not (out / "intelligence.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["empty"]  # no partial folder left


def test_missing_rows_are_left_out(tmp_path: Path) -> None:
    synthesise(tmp_path / "ws", providers=20, months=12, missing=0.2, seed=1)
    rows = len(load_workspace(tmp_path / "ws").observations)
    n = 20 * len(CATALOGUE) * 12
    assert 0.7 * n < rows < 0.9 * n


def test_the_command_writes_one_line_on_stdout_and_no_bar_off_a_terminal(tmp_path: Path) -> None:
    out = tmp_path / "ws"
    args = ["synth", "--providers", "12", "--months", "4", "--items", "20", "--out", str(out)]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith(f"wrote {out} (") and done.stdout.count("\n") == 1
    assert done.stderr == ""
    assert load_workspace(out).providers


def test_the_command_names_the_option_of_a_bad_argument(tmp_path: Path) -> None:
    done = CliRunner().invoke(cli, ["synth", "--providers", "0", "--out", str(tmp_path / "x")])
    assert done.exit_code == 2
    assert "--providers: 0 providers" in done.stderr
    assert not (tmp_path / "x").exists()


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=50), st.integers(0, 4))
def test_decimals_read_back_as_the_rounded_numbers(values: list[float], places: int) -> None:
    x = np.array(values)
    buf = io.BytesIO()
    csvfast.write_rows(buf, [csvfast.decimals(x, places), csvfast.integers(np.rint(x).astype(int))])
    lines = buf.getvalue().decode().splitlines()
    assert len(lines) == len(values)
    for line, v in zip(lines, values, strict=True):
        text, whole = line.split(",")
        assert float(text) == pytest.approx(np.rint(v * 10**places) / 10**places, abs=1e-9)
        assert not text.startswith("-0") or text.startswith("-0.")
        assert int(whole) == int(np.rint(v))


def test_an_empty_cell_for_a_missing_number() -> None:
    buf = io.BytesIO()
    csvfast.write_rows(buf, [csvfast.decimals(np.array([np.nan, 2.5]), 2)])
    assert buf.getvalue() == b"\n2.5\n"
