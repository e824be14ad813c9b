"""A backtest is the same however it is computed: in one process, its months split over
processes (``--jobs``), or on a Dask cluster (``--dask``, issue 18)."""

from __future__ import annotations

import dataclasses
import socket
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from qsgrules import backtest as bt
from qsgrules import cluster, forked
from qsgrules.api import open_ruleset, open_workspace
from qsgrules.cli.main import cli
from qsgrules.cluster import dask_grid, on_dask, shares
from qsgrules.errors import InputError
from qsgrules.ruleset import CompiledRuleset
from qsgrules.ruleset.loader import parse_ruleset

DEMO = open_workspace()
RULES = open_ruleset()
# a second ruleset that proposes other levels: the default with lower soft thresholds
OTHER = parse_ruleset(
    RULES.text.replace("soft: {min: 8}", "soft: {min: 2}").replace(
        "soft: {domain: safety, min: 4}", "soft: {domain: safety, min: 1}"
    ),
    "other.yaml",
)
MONTHS = ("2018-11", "2019-03")


def _json(result: bt.Backtest) -> str:
    return bt.render_json(result, None)


def serial() -> bt.Backtest:
    return bt.backtest(DEMO, RULES, start=MONTHS[0], end=MONTHS[1], compare=OTHER)


def test_the_second_ruleset_differs_so_the_comparison_means_something() -> None:
    assert OTHER.sha256 != RULES.sha256
    result = serial()
    assert any(p.a != p.b for p in result.providers)


def test_a_backtest_split_over_processes_is_the_backtest_of_one() -> None:
    one = serial()
    two = bt.backtest(DEMO, RULES, start=MONTHS[0], end=MONTHS[1], compare=OTHER, jobs=2)
    assert _json(two) == _json(one)


def test_one_cell_for_two_processes_splits_its_providers_and_is_the_same() -> None:
    one = bt.backtest(DEMO, OTHER, start=MONTHS[1], end=MONTHS[1])
    two = bt.backtest(DEMO, OTHER, start=MONTHS[1], end=MONTHS[1], jobs=2)
    assert _json(two) == _json(one)


def test_months_are_computed_by_processes_forked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    forks: list[int] = []
    real = forked.streams

    def counted(work: Any, parts: int, tell: Any = None) -> Any:
        forks.append(parts)
        return real(work, parts, tell)

    monkeypatch.setattr(bt, "streams", counted)
    bt.backtest(DEMO, RULES, start="2018-10", end="2019-03", compare=OTHER, jobs=2)
    assert forks == [2]  # one split for 12 cells, not one a month


def test_shares_cover_every_provider_once_in_order() -> None:
    codes = sorted(DEMO.providers)
    for size in (1, 5, 18, 100):
        parts = shares(codes, size)
        assert [c for p in parts for c in p] == codes
        assert all(0 < len(p) <= size for p in parts)


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": ":0"},
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def _compiled_here() -> list[str]:
    return sorted(cluster._COMPILED)


def test_on_a_local_dask_cluster_of_two_workers_the_backtest_is_the_same(client: Any) -> None:
    grid = dask_grid(client, share=5)  # 18 providers: 4 cells a month and ruleset
    on_dask = bt.backtest(DEMO, RULES, start=MONTHS[0], end=MONTHS[1], compare=OTHER, grid=grid)
    assert _json(on_dask) == _json(serial())
    # the cells ran on the workers, which compiled each ruleset from its text; not here
    compiled = client.run(_compiled_here)
    assert len(compiled) == 2
    assert set().union(*compiled.values()) == {RULES.sha256, OTHER.sha256}
    assert not cluster._COMPILED


def test_a_ruleset_without_its_text_is_refused_before_anything_is_shipped(
    client: Any,
) -> None:
    textless: CompiledRuleset = dataclasses.replace(RULES, text="")
    with pytest.raises(InputError, match="no text to ship"):
        bt.backtest(
            DEMO,
            textless,
            start=MONTHS[0],
            end=MONTHS[0],
            grid=dask_grid(client),
        )


def test_the_command_refuses_both_a_local_cluster_and_a_scheduler() -> None:
    result = CliRunner().invoke(
        cli,
        ["backtest", "--from", "2019-01", "--to", "2019-03", "--dask", "2", "--scheduler",
         "tcp://127.0.0.1:1"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--scheduler" in result.stderr and "not both" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_local_cluster_starts_quietly_when_port_8787_is_taken() -> None:
    # Two runs at once (two suites, two analysts) each start a local cluster; the second
    # scheduler found 8787 taken and warned, which a warnings-as-errors run turns into an error.
    pytest.importorskip("distributed")
    held = socket.socket()
    try:
        held.bind(("", 8787))
        held.listen()
    except OSError:
        pass  # someone else holds it already: the situation under test
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with on_dask(workers=1):
                pass
    finally:
        held.close()
    assert not [w for w in caught if "already in use" in str(w.message)]
