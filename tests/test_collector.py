"""The cyclic garbage collector is paused during a triage, and always restored after."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from qsgrules import collector
from qsgrules.api import run_triage


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_paused_during_a_triage_and_restored_after() -> None:
    seen: list[bool] = []
    run_triage(progress=lambda stage, done, total: seen.append(gc.isenabled()))
    assert seen and not any(seen)
    assert gc.isenabled()


def test_restored_after_a_failure() -> None:
    def fail(stage: str, done: int, total: int) -> None:
        raise RuntimeError(stage)

    with pytest.raises(RuntimeError):
        run_triage(progress=fail)
    assert gc.isenabled()


def test_a_collector_the_caller_disabled_stays_disabled() -> None:
    gc.disable()
    with collector.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()
