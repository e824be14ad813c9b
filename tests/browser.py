"""Debian's Chromium for the browser tests: where it is, and the flags that keep it offline.

The tests that need it (marked ``browser``) skip, saying why, where Chromium or its driver
is missing, unless ``QSG_REQUIRE_BROWSER=1`` is set (CI sets it, after running
`.ci/install-browser`): then a missing browser fails them, so CI cannot pass without them."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

INSTALLER = Path(__file__).resolve().parents[1] / ".ci" / "install-browser"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


REQUIRE = "QSG_REQUIRE_BROWSER"


def _missing(what: str) -> None:
    how = f"install Debian's chromium and chromium-driver ({INSTALLER} does)"
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{what} is missing and {REQUIRE}=1 requires it: {how}")
    pytest.skip(f"{what} is not installed: {how}, or set {REQUIRE}=1 to make this a failure")


def chromium() -> str:
    """The Chromium executable."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    _missing("Chromium")
    raise AssertionError  # pragma: no cover - _missing skipped or failed


def chromedriver() -> str:
    """Debian's ChromeDriver (chromium-driver), matching its Chromium."""
    found = shutil.which("chromedriver") or (
        "/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None
    )
    if found is None:
        _missing("chromedriver (chromium-driver)")
        raise AssertionError  # pragma: no cover
    return found


AXE = INSTALLER.parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"


def axe_source() -> str:
    """axe-core's script (installed from the npm registry by .ci/install-browser)."""
    if not AXE.is_file():
        _missing(f"axe-core ({AXE})")
    return AXE.read_text(encoding="utf-8")


#: What the accessibility checker holds every page to: WCAG 2.0 and 2.1, levels A and AA.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def replaced(old: Any) -> Callable[[Any], bool]:
    """A wait condition: the element ``old`` (say the page's <html>) has left the document,
    i.e. the page it belonged to has been replaced. Selenium's ``staleness_of`` says the same,
    but Chromium can answer a query made mid-navigation with an inspector error ("Node with
    given id does not belong to the document") instead of a stale element: that is an answer
    too, not a failure."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def gone(_driver: Any) -> bool:
        try:
            old.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error.msg):
                return True
            raise
        return False

    return gone
