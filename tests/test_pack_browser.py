"""The pack in a real browser: headless Chromium renders the charts and prints a provider a
page. Chromium comes from Debian (`.ci/install-browser`, which CI runs); these tests skip
where it is missing, unless QSG_REQUIRE_BROWSER=1 (which CI sets) makes that a failure."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import browser
import numpy as np
import numpy.typing as npt
import pytest
from browser import FLAGS
from hang import HANG
from PIL import Image

from qsgrules.api import meeting_pack
from qsgrules.reports.charts import MDC_COLOURS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def chromium() -> str:
    return browser.chromium()


@pytest.fixture(scope="module")
def pack_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("pack")
    out = folder / "pack.html"
    meeting_pack(as_of="2019-03", out=out)
    yield out


def _run(chromium: str, profile: Path, *args: str) -> None:
    done = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def _count(pixels: npt.NDArray[np.uint8], hex_colour: str, tolerance: int = 24) -> int:
    """How many pixels are within ``tolerance`` of a colour in every channel."""
    target = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)
    return int(np.all(np.abs(pixels.astype(np.int16) - target) <= tolerance, axis=-1).sum())


def test_the_pack_renders_its_charts_in_chromium(
    chromium: str, pack_file: Path, tmp_path: Path
) -> None:
    shot = tmp_path / "pack.png"
    # tall enough for the cover, the board, the summary table and the first providers' charts
    _run(
        chromium,
        tmp_path / "profile",
        "--window-size=1280,14000",
        f"--screenshot={shot}",
        pack_file.as_uri(),
    )
    keep = os.environ.get("QSG_KEEP_SCREENSHOT")  # a path: keep the screenshot to look at
    if keep:
        shutil.copyfile(shot, keep)
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 14000)
    pixels = np.asarray(image)
    distinct = np.unique(pixels.reshape(-1, 3)[::7], axis=0)
    assert len(distinct) > 200  # not blank
    assert _count(pixels, "#ffffff", 0) < 0.95 * 1280 * 14000
    counts = {
        name: _count(pixels, MDC_COLOURS[name])
        for name in ("special_cause_concern", "special_cause_improvement")
    }
    # orange concern and blue improvement points of the XmR charts are on screen
    assert counts["special_cause_concern"] > 2000, counts
    assert counts["special_cause_improvement"] > 2000, counts
    # and the funnel plot's highlighted provider (NHS dark blue diamonds)
    assert _count(pixels, "#003087", 10) > 150


def test_printing_gives_each_provider_its_own_page(
    chromium: str, pack_file: Path, tmp_path: Path
) -> None:
    pdf = tmp_path / "pack.pdf"
    _run(
        chromium,
        tmp_path / "profile",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        pack_file.as_uri(),
    )
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    providers = pack_file.read_text(encoding="utf-8").count('<section class="provider"')
    assert providers == 18
    # the cover and agenda, the board, then at least a page per provider
    assert pages >= providers + 2, pages
