"""The soft items are read in a thread while indicators.csv is (issue 18): every problem of
every file is still reported, in the same order, and nothing is loaded when one is found."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qsgrules.bundled import demo_workspace
from qsgrules.errors import InputError
from qsgrules.workspace import load_workspace


def _copy(tmp_path: Path) -> Path:
    out = tmp_path / "ws"
    shutil.copytree(demo_workspace(), out)
    return out


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


_BREAKS = {
    "indicators.csv": ("R1H,ae_4hr_type1,2016-04,18.6122", "R1H,ae_4hr_type1,2016-04,x"),
    "members.csv": ("Healthwatch Camden,healthwatch,", "Healthwatch Camden,nobody,"),
    "intelligence.yaml": ("severity: moderate", "severity: dreadful"),
}


def _problems(tmp_path: Path, names: tuple[str, ...]) -> list[str]:
    ws = _copy(tmp_path / "-".join(names))
    for name in names:
        _replace(ws / name, *_BREAKS[name])
    with pytest.raises(InputError) as caught:
        load_workspace(ws)
    return [str(p) for p in caught.value.problems]


def test_problems_of_every_file_are_all_reported_as_when_read_alone(tmp_path: Path) -> None:
    # the items' problems are gathered in a thread: none is lost or doubled, and together
    # they come in the order InputError gives any problems (file, line, column)
    together = _problems(tmp_path, tuple(_BREAKS))
    alone = [p for name in _BREAKS for p in _problems(tmp_path, (name,))]
    assert {p.split(":")[0] for p in together} == set(_BREAKS)
    assert sorted(together) == sorted(alone)
    assert len(together) == len(alone)


def test_a_workspace_without_problems_loads_the_same_items_every_time(tmp_path: Path) -> None:
    ws = _copy(tmp_path)
    first, second = load_workspace(ws), load_workspace(ws)
    assert first.intelligence == second.intelligence
    assert len(first.intelligence) == 31 and len(first.observations) == 13_608


def test_an_unexpected_failure_reading_the_items_is_raised_not_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qsgrules.workspace import loader

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the items' reader broke")

    monkeypatch.setattr(loader, "load_intelligence", broken)
    with pytest.raises(RuntimeError, match="reader broke"):
        load_workspace(_copy(tmp_path))
