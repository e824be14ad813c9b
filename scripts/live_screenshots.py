"""The documentation's screenshots of `qsg serve` and `qsg pack` (docs/pack.md): a copy of the
demo with a meeting part-way through, served on a free loopback port, and the demo's pack,
photographed by headless Chromium.

Usage: python scripts/live_screenshots.py [FOLDER]   (default: docs)
Writes serve-board.png, serve-record.png and pack.png (RJ6's first indicator in the pack)
(128 colours, to keep them small).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from qsgrules import api
from qsgrules import register as R
from qsgrules.bundled import demo_workspace
from qsgrules.web import start_server

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
M = "M-2019-04-10"


def _meeting(ws: Path) -> None:
    api.open_meeting(
        date="2019-04-10", chair="Dr Jo Chair", qsg="South London", workspace=ws, by="clerk"
    )
    with api.open_register(ws, write=True, by="clerk") as reg:
        R.attend(reg, M, member="Ann Lee", organisation="CQC", start="10:00", end="12:00")
        R.attend(reg, M, member="Raj Patel", organisation="NHS Croydon CCG", start="10:15")
        R.confirm(reg, "RJ6", meeting=M, member="Ann Lee")
        R.override(
            reg,
            "RJ6",
            meeting=M,
            member="Raj Patel",
            level="regular_review",
            reason="The trust's ED improvement plan is agreed with commissioners",
        )
        for member in ("Ann Lee", "Raj Patel"):
            R.confirm(reg, "RJ7", meeting=M, member=member)
        R.decide(reg, "RJ7", meeting=M, rationale="As proposed: outcomes review awaited")


def _shoot(driver: WebDriver, url: str, out: Path, element: str = "") -> None:
    driver.get(url)
    if element:  # one element of the page, whole (the window made tall enough for it)
        found = driver.find_element(By.CSS_SELECTOR, element)
        driver.set_window_size(1280, found.rect["y"] + found.rect["height"] + 200)
        found.screenshot(str(out))
    else:
        driver.save_screenshot(str(out))
    image = Image.open(out).convert("RGB")
    # 128 colours (octree keeps small distinct ones, such as the status dot): a third the size
    image.quantize(colors=128, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
        out, optimize=True
    )


def _driver(profile: Path) -> WebDriver:
    os.environ["SE_OFFLINE"] = "true"  # Selenium never downloads a browser or a driver
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in [*FLAGS, f"--user-data-dir={profile}", "--window-size=1280,1200"]:
        options.add_argument(flag)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(service=service, options=options)


def main(folder: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        shutil.copytree(demo_workspace(), ws)
        _meeting(ws)
        pack = Path(tmp) / "pack.html"
        api.meeting_pack(as_of="2019-03", out=pack)
        running = start_server(ws, port=0)
        driver = _driver(Path(tmp) / "profile")
        try:
            _shoot(driver, running.url, folder / "serve-board.png")
            _shoot(driver, running.url + "provider/RJ6#record", folder / "serve-record.png")
            _shoot(driver, pack.as_uri(), folder / "pack.png", "#p-RJ6 article.indicator")
        finally:
            driver.quit()
            running.stop()
    for name in ("serve-board.png", "serve-record.png", "pack.png"):
        print(f"{folder / name}: {(folder / name).stat().st_size // 1024} KB")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs"))
