"""A triage split over processes (``--jobs N``, issue 18) is the triage of one process,
byte for byte, in every format; the split itself shares the loaded columns."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from qsgrules import forked
from qsgrules.api import open_workspace
from qsgrules.bundled import default_ruleset
from qsgrules.cli.main import cli
from qsgrules.engine.shares import split
from qsgrules.engine.triage import triage
from qsgrules.errors import EngineError
from qsgrules.model.observations import Observations
from qsgrules.reports.render import to_json
from qsgrules.ruleset import load_ruleset
from qsgrules.strategies import with_items, workspaces
from qsgrules.synth import synthesise
from qsgrules.workspace import SoftItem, Workspace

RULES = load_ruleset(default_ruleset())
DEMO = open_workspace()


def run(*args: str) -> tuple[int, bytes, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout_bytes, result.stderr


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("jobs") / "ws"
    synthesise(out, providers=120, months=14, items=400, seed=7)
    return out


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
@pytest.mark.parametrize("extra", [(), ("--public",), ("--on", "2019-05-20")])
def test_the_command_writes_the_same_bytes_for_any_number_of_jobs(
    synthetic: Path, fmt: str, extra: tuple[str, ...]
) -> None:
    outputs = []
    for jobs in ("1", "2", "3"):
        code, out, err = run(
            "triage", "-w", str(synthetic), "--format", fmt, "--jobs", jobs, *extra
        )
        assert code == 0, err
        outputs.append((out, err))
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0][0]


def test_the_demo_is_the_same_split_into_every_provider_its_own_process() -> None:
    one = to_json(triage(DEMO, RULES))
    assert to_json(triage(DEMO, RULES, jobs=len(DEMO.providers))) == one


@pytest.mark.slow
@settings(max_examples=30)
@given(ws=workspaces(ruleset=RULES), jobs=st.integers(2, 4), date=st.sampled_from([None, 20, 75]))
def test_any_split_gives_the_triage_of_one_process(
    ws: Workspace, jobs: int, date: int | None
) -> None:
    # a generated workspace may hold no row: the month is then given (never guessed)
    on = None if date is None else dt.date(2019, 3, 31) + dt.timedelta(days=date)
    as_of = "2019-03" if on is None else None
    one = to_json(triage(ws, RULES, as_of=as_of, on=on))
    assert to_json(triage(ws, RULES, as_of=as_of, on=on, jobs=jobs)) == one


def test_a_duplicate_of_another_providers_item_is_counted_once_on_the_earlier_date_too() -> None:
    # RF4's data end in 2019-03; on 2019-06-30 its own item SI-A is a duplicate of SI-B, an
    # item about another provider received before it. On 2019-03-31, the last day of its
    # data, SI-A was a duplicate already: the proposal must not say its level was higher
    # then because SI-A counted (it never did), whichever process assesses SI-B's provider.
    def item(id_: str, provider: str, duplicate_of: str | None = None) -> SoftItem:
        return SoftItem.model_validate(
            {
                "id": id_,
                "provider": provider,
                "source": "CQC",
                "received": dt.date(2019, 3, 10),
                "domain": "safety",
                "severity": "high",
                "grading": "A1",
                "summary": "Staffing concern on the surgical wards",
                "duplicate_of": duplicate_of,
            }
        )

    ws = with_items(DEMO, item("SI-B", "RJ1"), item("SI-A", "RF4", duplicate_of="SI-B"))
    for jobs in (1, 2):
        rf4 = next(p for p in triage(ws, RULES, on="2019-06-30", jobs=jobs).proposals
                   if p.provider == "RF4")  # fmt: skip
        a = next(s for s in rf4.evidence.soft if s.id == "SI-A")
        assert not a.counted
        assert rf4.lowered is None or "SI-A" not in rf4.lowered.text


# ------------------------------------------------------------------ the split itself


def test_shares_are_runs_of_consecutive_providers_covering_them_all() -> None:
    codes = sorted(DEMO.providers)
    for parts in range(1, 25):
        shares = split(codes, DEMO.observations, parts)
        assert [c for share in shares for c in share] == codes
        assert len(shares) == min(parts, len(codes))
        assert all(shares)


def test_a_share_of_rows_in_provider_order_is_a_view_not_a_copy() -> None:
    obs = DEMO.observations
    assert obs.in_provider_order()
    codes = sorted(DEMO.providers)[3:9]
    part = obs.of_providers(codes)
    assert np.shares_memory(part.value, obs.value)
    assert sorted(set(part.provider.tolist())) == codes
    assert len(part) == sum(1 for p in obs.provider.tolist() if p in codes)


def test_rows_out_of_provider_order_are_put_in_it_once_and_shares_copied() -> None:
    obs = DEMO.observations
    backwards = obs.take(np.arange(len(obs))[::-1])
    assert not backwards.in_provider_order()
    ordered = backwards.by_provider()
    assert ordered.in_provider_order() and len(ordered) == len(obs)
    codes = sorted(DEMO.providers)[:4]
    assert sorted(backwards.of_providers(codes).period.tolist()) == sorted(
        ordered.of_providers(codes).period.tolist()
    )
    assert Observations.empty().of_providers(codes).value.size == 0


def test_the_loader_keeps_rows_in_provider_order(tmp_path: Path) -> None:
    ws = DEMO.root
    text = (Path(ws) / "indicators.csv").read_text().splitlines()
    shuffled = [text[0], *reversed(text[1:])]
    for name in ("providers.csv", "members.csv", "intelligence.yaml"):
        if (Path(ws) / name).exists():
            (tmp_path / name).write_text((Path(ws) / name).read_text())
    (tmp_path / "indicators.csv").write_text("\n".join(shuffled) + "\n")
    loaded = open_workspace(tmp_path)
    assert loaded.observations.in_provider_order()
    assert to_json(triage(loaded, RULES)) == to_json(triage(DEMO, RULES))


# ------------------------------------------------------------------ the processes


def _shares(k: int, tell: forked.Tell) -> Iterator[tuple[int, int]]:
    tell(0, 3)
    for i in range(3):
        yield k, i
    tell(3, 3)


def test_each_share_comes_back_whole_in_order() -> None:
    told: list[tuple[int, int]] = []
    with forked.streams(_shares, 3, lambda done, total: told.append((done, total))) as parts:
        got = [list(p) for p in parts]
    assert got == [[(k, i) for i in range(3)] for k in range(3)]
    assert told[-1] == (9, 9) or (9, 9) in told


def _fails(k: int, tell: forked.Tell) -> Iterator[int]:
    del tell
    yield k
    if k == 1:
        raise ValueError("share 1 went wrong")


def test_an_error_in_a_child_is_raised_in_the_parent() -> None:
    with forked.streams(_fails, 2) as parts, pytest.raises(ValueError, match="share 1"):
        for p in parts:
            list(p)


def _dies(k: int, tell: forked.Tell) -> Iterator[int]:
    del tell
    if k == 1:
        os._exit(9)  # killed: no result, no error sent
    yield k


def test_a_child_that_dies_is_an_engine_error_never_a_shorter_result() -> None:
    with forked.streams(_dies, 2) as parts, pytest.raises(EngineError, match="ended before"):
        for p in parts:
            list(p)
