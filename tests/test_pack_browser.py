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
import pypdf
import pytest
from browser import FLAGS
from chartcheck import Page
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
    # tall enough for the cover, the board, the summary table, the funnels across providers
    # and the first providers' charts
    _run(
        chromium,
        tmp_path / "profile",
        "--window-size=1280,20000",
        f"--screenshot={shot}",
        pack_file.as_uri(),
    )
    keep = os.environ.get("QSG_KEEP_SCREENSHOT")  # a path: keep the screenshot to look at
    if keep:
        shutil.copyfile(shot, keep)
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 20000)
    pixels = np.asarray(image)
    distinct = np.unique(pixels.reshape(-1, 3)[::7], axis=0)
    assert len(distinct) > 200  # not blank
    assert _count(pixels, "#ffffff", 0) < 0.95 * 1280 * 20000
    counts = {
        name: _count(pixels, MDC_COLOURS[name])
        for name in ("special_cause_concern", "special_cause_improvement")
    }
    # orange concern and blue improvement points of the XmR charts are on screen
    assert counts["special_cause_concern"] > 2000, counts
    assert counts["special_cause_improvement"] > 2000, counts
    # and the funnel plot's highlighted provider (NHS dark blue diamonds)
    assert _count(pixels, "#003087", 10) > 150


def _pdf(chromium: str, pack: Path, tmp_path: Path) -> Path:
    pdf = tmp_path / "pack.pdf"
    _run(
        chromium,
        tmp_path / "profile",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        pack.as_uri(),
    )
    return pdf


def _lines(page: pypdf.PageObject) -> list[str]:
    return [" ".join(line.split()) for line in page.extract_text().splitlines() if line.strip()]


def test_the_pack_prints_the_board_on_its_own_pages_and_no_heading_alone(
    chromium: str, pack_file: Path, tmp_path: Path
) -> None:
    reader = pypdf.PdfReader(_pdf(chromium, pack_file, tmp_path))
    pages = [_lines(p) for p in reader.pages]
    html = pack_file.read_text(encoding="utf-8")
    providers = html.count('<section class="provider"')
    assert providers == 18
    assert providers + 4 <= len(pages) <= 5 * providers, len(pages)
    # the first page is the cover, once: its facts are not repeated on every page
    assert pages[0][:2] == ["MEETING PACK", "Quality Surveillance Group"]
    assert sum(line == "MEETING PACK" for page in pages for line in page) == 1
    assert not any("file://" in line for page in pages for line in page)  # no browser header
    # the board starts a page and has its pages to itself; the summary table starts the next
    board = next(i for i, page in enumerate(pages) if page[0] == "Triage board")
    summary = next(i for i, page in enumerate(pages) if page[0] == "Summary icon table")
    assert board < summary <= board + 3
    # a board split over pages repeats its header row at the top of each
    assert summary > board + 1  # (the demo's board takes two pages)
    assert all(page[0].startswith("Proposed") for page in pages[board + 1 : summary])
    # each peer-tested indicator across providers follows, from a page of its own
    across = next(i for i, page in enumerate(pages) if page[0] == "Across providers")
    assert summary < across < summary + 3
    # the summary table is printed across the page (landscape)
    width, height = (float(v) for v in reader.pages[summary].mediabox[2:])
    assert width > height
    first = reader.pages[0].mediabox
    assert float(first[3]) > float(first[2])  # the rest in portrait (A4)
    # every provider starts a page, with its code and type first
    starts = [i for i, page in enumerate(pages) if re.match(r"^[A-Z0-9]{3} · ACUTE$", page[0])]
    assert len(starts) == providers
    # no heading alone at a page's foot: none is among the last three lines of a page
    headings = {" ".join(t.split()) for _, t in Page(html).headings}
    alone = [(i + 1, h) for i, page in enumerate(pages) for h in headings if h in page[-3:]]
    assert alone == []


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
