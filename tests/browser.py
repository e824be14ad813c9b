"""Debian's Chromium for the browser tests: where it is, and the flags that keep it offline.

The tests that need it skip only where it cannot be installed (no apt-get, or neither root
nor sudo), and fail where it could be but is missing: `.ci/install-browser` installs it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

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


def _missing(what: str) -> None:
    can_install = shutil.which("apt-get") is not None and (
        os.geteuid() == 0 or shutil.which("sudo") is not None
    )
    if can_install:
        pytest.fail(f"{what} is missing but can be installed here: run {INSTALLER}")
    pytest.skip(
        f"{what} is not installed and cannot be installed here (no apt-get, or neither root "
        f"nor sudo): the browser tests need Debian's chromium and chromium-driver ({INSTALLER})"
    )


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
