"""Backtests on a Dask cluster: ``qsg backtest --dask N`` (a local cluster of N worker
processes on this machine) or ``--scheduler tcp://HOST:PORT`` (a cluster already running,
on as many machines as it has).

A backtest is a grid of independent cells: ruleset x month x share of the providers (a
national month is split into shares of at most ``SHARE`` providers, so that its work spreads
over workers too). What is shipped:

- **the loaded workspace, once per worker** (``Client.scatter(..., broadcast=True)``): its
  columns and items, pickled; every cell on that worker reads the same copy;
- **each ruleset as its text**, once per worker too; a worker compiles it the first time a
  cell needs it and keeps it by its sha256 (the compiled conditions and the rules engine
  live in their process: they do not pickle);
- **per cell, only parameters**: the ruleset's sha256, the month, the share's provider codes;
- **back, only levels**: ``(provider, level)`` pairs, put by the driver where the
  single-process run puts them, so the backtest is the same whatever the cluster.

A share's providers are compared with all their peers (the workspace is whole on every
worker): the peer tests and CUSUMs read everyone's rows, as in one process.

Dask (``pip install 'qsgrules[dask]'``) is imported only here, and only when a cluster is
asked for. Workers must run this version of qsgrules (its sha256 of each ruleset proves the
same rules were used; the code itself is the cluster's to keep in step).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .backtest import Grid, Levels, month_levels
from .codes import Code
from .errors import InputError, Problem
from .ruleset import CompiledRuleset
from .ruleset.loader import parse_ruleset
from .workspace import Workspace

#: The most providers in one cell: a national month (10,000) is five cells.
SHARE = 2_000

# per worker process: the rulesets compiled there, by sha256
_COMPILED: dict[str, CompiledRuleset] = {}
# the rules engine keeps its sessions per process: cells run one at a time in a worker,
# even one given several threads
_ONE_AT_A_TIME = threading.Lock()


def _compiled(text: str, sha256: str) -> CompiledRuleset:
    found = _COMPILED.get(sha256)
    if found is None:
        found = _COMPILED[sha256] = parse_ruleset(text, f"<ruleset {sha256[:12]}>", sha256=sha256)
    return found


def cell(
    workspace: Workspace,
    texts: dict[str, str],
    sha256: str,
    month: str,
    providers: Sequence[str],
) -> list[tuple[str, str]]:
    """One cell of the grid, on a worker: the levels of ``providers`` as of ``month`` under
    the ruleset ``texts[sha256]``."""
    with _ONE_AT_A_TIME:
        ruleset = _compiled(texts[sha256], sha256)
        found = month_levels(workspace, ruleset, month, providers)
    return [(code, level.value) for code, level in found.items()]


def shares(codes: Sequence[str], size: int = SHARE) -> list[list[str]]:
    """``codes`` (sorted) in runs of at most ``size``."""
    ordered = sorted(codes)
    return [ordered[i : i + size] for i in range(0, len(ordered), size)] or [[]]


def _texts(rulesets: Sequence[CompiledRuleset]) -> dict[str, str]:
    missing = [r.name for r in rulesets if not r.text]
    if missing:
        raise InputError(
            [
                Problem.for_argument(
                    "ruleset",
                    f"the ruleset {missing[0]!r} has no text to ship to the cluster's workers; "
                    "load it with load_ruleset or parse_ruleset",
                    code=Code.CLUSTER,
                )
            ]
        )
    return {r.sha256: r.text for r in rulesets}


def dask_grid(client: Any, share: int = SHARE) -> Grid:
    """A backtest's grid (``qsgrules.backtest.Grid``) computed on the cluster a
    ``distributed.Client`` is connected to, in cells of at most ``share`` providers."""

    def grid(
        workspace: Workspace, rulesets: Sequence[CompiledRuleset], months: Sequence[str]
    ) -> Levels:
        texts = _texts(rulesets)
        ws = client.scatter(workspace, broadcast=True)
        shipped = client.scatter(texts, broadcast=True)
        parts = shares(list(workspace.providers), share)
        keys = [
            (k, m, s)
            for k in range(len(rulesets))
            for m in range(len(months))
            for s in range(len(parts))
        ]
        futures = [
            client.submit(
                cell,
                ws,
                shipped,
                rulesets[k].sha256,
                months[m],
                parts[s],
                key=f"qsg-cell-{rulesets[k].sha256[:16]}-{months[m]}-{s}",
                pure=False,
            )
            for k, m, s in keys
        ]
        out: Levels = [[{} for _ in months] for _ in rulesets]
        for (k, m, _), found in zip(keys, client.gather(futures), strict=True):
            ladder = rulesets[k].ladder
            out[k][m].update((code, ladder.place(level)) for code, level in found)
        return out

    return grid


@contextmanager
def on_dask(scheduler: str | None = None, workers: int = 2) -> Iterator[Grid]:
    """A grid computed on Dask: the cluster at ``scheduler`` (``tcp://HOST:PORT``), or a
    local cluster of ``workers`` processes of one thread each, started here and stopped on
    leaving. InputError when Dask is not installed or the scheduler cannot be reached."""
    try:
        # untyped: held as Any
        distributed: Any = importlib.import_module("distributed")
    except ImportError:
        raise InputError(
            [
                Problem.for_argument(
                    "dask",
                    "Dask is not installed: pip install 'qsgrules[dask]'",
                    code=Code.CLUSTER,
                )
            ]
        ) from None
    cluster: Any = None
    try:
        if scheduler is None:
            cluster = distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                # the scheduler serves HTTP even without a dashboard, on 8787 unless told:
                # any port, so that a second cluster (a second run) starts without a warning
                scheduler_kwargs={"dashboard_address": ":0"},
            )
            client = distributed.Client(cluster)
        else:
            client = distributed.Client(scheduler, timeout="10s")
    except OSError as exc:
        raise InputError(
            [
                Problem.for_argument(
                    "scheduler", f"cannot reach the Dask scheduler: {exc}", code=Code.CLUSTER
                )
            ]
        ) from None
    try:
        yield dask_grid(client)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


__all__ = ["SHARE", "cell", "dask_grid", "on_dask", "shares"]
