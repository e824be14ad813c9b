"""The pack's charts drawn by forked processes at once (issue 18, `qsg pack --jobs N`): the
same document, byte for byte, as drawn one after another."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules.api import meeting_pack
from qsgrules.cli.main import cli
from qsgrules.forked import can_fork
from qsgrules.reports import pack_charts

needs_fork = pytest.mark.skipif(not can_fork(), reason="charts are drawn apart only by fork")


@pytest.fixture(scope="module")
def serial() -> str:
    return meeting_pack(jobs=1)


@needs_fork
@pytest.mark.parametrize("jobs", [2, 3])
def test_the_pack_drawn_by_several_processes_is_the_same_document(serial: str, jobs: int) -> None:
    assert meeting_pack(jobs=jobs) == serial


@needs_fork
def test_some_sections_only_are_the_same_document(tmp_path: Path) -> None:
    chosen = ["RAL", "RRV", "RKE"]
    assert meeting_pack(providers=chosen, jobs=2) == meeting_pack(providers=chosen, jobs=1)


@needs_fork
def test_the_charts_are_drawn_in_another_process_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # each drawing says which process drew it (a file: a child's memory is its own)
    said = tmp_path / "drawn-by.txt"
    draw = pack_charts.draw_indicator

    def drawing(*args: object, **kwargs: object) -> pack_charts.IndicatorView:
        with said.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return draw(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pack_charts, "draw_indicator", drawing)
    meeting_pack(jobs=2)
    pids = set(said.read_text(encoding="utf-8").split())
    assert str(os.getpid()) in pids and len(pids) == 2


def test_qsg_pack_takes_jobs(tmp_path: Path, serial: str) -> None:
    out = tmp_path / "pack.html"
    done = CliRunner().invoke(cli, ["pack", "--out", str(out), "--jobs", "2"])
    assert done.exit_code == 0, done.output
    assert out.read_text(encoding="utf-8") == serial
    refused = CliRunner().invoke(cli, ["pack", "--out", str(tmp_path / "x.html"), "--jobs", "0"])
    assert refused.exit_code == 2 and "--jobs" in refused.output
