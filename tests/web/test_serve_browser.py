"""`qsg serve` in a real browser: Selenium drives Debian's headless Chromium through
Debian's chromedriver (never a download: SE_OFFLINE and both paths given). It opens the
board, records a confirm and an override with a reason for a provider, and finds both in
the register (through the API) and in `qsg note`. Skips where Chromium is missing unless
QSG_REQUIRE_BROWSER=1 (see tests/browser.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import browser
import pytest
from click.testing import CliRunner
from hang import HANG
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from qsgrules import register as R
from qsgrules.cli.main import cli
from qsgrules.model.vocabulary import Level, Stance
from qsgrules.web import RunningServer, start_server

from .conftest import MEETING

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REASON = "The trust's ED improvement plan is agreed with commissioners"


@pytest.fixture
def driver(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebDriver]:
    binary, driver_path = browser.chromium(), browser.chromedriver()
    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager never downloads anything
    options = Options()
    options.binary_location = binary
    for flag in browser.FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    options.add_argument("--window-size=1400,1000")
    session = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    session.set_page_load_timeout(HANG)
    try:
        yield session
    finally:
        session.quit()


@pytest.fixture
def served(ws: Path) -> Iterator[RunningServer]:
    running = start_server(ws, port=0, by="clerk")
    try:
        yield running
    finally:
        running.stop()


def _submit(driver: WebDriver, form: str) -> str:
    """Send a form and wait for the page that says what was recorded (the new page: the old
    one may have a message of its own, from the form before)."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, f"#form-{form} button[type=submit]").click()
    WebDriverWait(driver, HANG).until(browser.replaced(old))
    flash = WebDriverWait(driver, HANG).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, ".flash"))
    )
    return str(flash.text)


def _keep(driver: WebDriver, name: str) -> None:
    """QSG_KEEP_SCREENSHOTS=DIR keeps the pages' screenshots, to look at them."""
    folder = os.environ.get("QSG_KEEP_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


def test_a_confirm_and_an_override_recorded_in_the_browser_are_in_the_register(
    driver: WebDriver, served: RunningServer, ws: Path
) -> None:
    driver.get(served.url)
    assert "QSG live review" in driver.title
    assert "recording open" in driver.find_element(By.CSS_SELECTOR, ".live-status").text
    _keep(driver, "board")
    driver.find_element(By.LINK_TEXT, "Croydon Health Services NHS Trust").click()
    WebDriverWait(driver, HANG).until(EC.title_contains("RJ6"))

    Select(driver.find_element(By.ID, "confirm-member")).select_by_value("Ann Lee")
    said = _submit(driver, "confirm")
    assert "M-2019-04-10 RJ6: Ann Lee confirmed risk summit required" in said

    Select(driver.find_element(By.ID, "override-member")).select_by_value("Raj Patel")
    Select(driver.find_element(By.ID, "override-level")).select_by_visible_text("regular review")
    driver.find_element(By.ID, "override-reason").send_keys(REASON)
    said = _submit(driver, "override")
    assert "Raj Patel overrides risk summit required with regular review" in said
    rows = driver.find_elements(By.CSS_SELECTOR, "table.positions tbody tr")
    assert [r.find_element(By.TAG_NAME, "th").text for r in rows] == ["Ann Lee", "Raj Patel"]
    _keep(driver, "provider")

    # the register, read through the API, holds both, recorded by the server's --by
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        positions = R.fold(reg.records()).meetings[MEETING].positions["RJ6"]
        by = {r.recorded_by for r in reg.records() if r.kind == "position"}
    assert positions["Ann Lee"].stance == Stance.CONFIRM
    assert positions["Ann Lee"].level == Level.RISK_SUMMIT
    assert positions["Raj Patel"].stance == Stance.OVERRIDE
    assert positions["Raj Patel"].level == Level.REGULAR_REVIEW
    assert positions["Raj Patel"].reason == REASON
    assert by == {"clerk"}

    # and `qsg note` shows them
    note = CliRunner().invoke(cli, ["note", MEETING, "--workspace", str(ws)])
    assert note.exit_code == 0, note.output
    assert "- Ann Lee (CQC): confirmed risk summit required" in note.stdout
    assert f"- Raj Patel (NHS Croydon CCG): override to regular review: {REASON}" in note.stdout


def test_a_bad_value_in_the_browser_shows_the_located_message(
    driver: WebDriver, served: RunningServer, ws: Path
) -> None:
    driver.get(served.url + "provider/RJ6")
    Select(driver.find_element(By.ID, "override-member")).select_by_value("Raj Patel")
    Select(driver.find_element(By.ID, "override-level")).select_by_value("regular_review")
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, "#form-override button[type=submit]").click()
    WebDriverWait(driver, HANG).until(browser.replaced(old))
    summary = WebDriverWait(driver, HANG).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, ".error-summary"))
    )
    assert "Reason: must be given and not empty" in summary.text
    field = driver.find_element(By.ID, "override-reason")
    assert field.get_attribute("aria-invalid") == "true"
    # the choices made are kept
    assert Select(driver.find_element(By.ID, "override-member")).first_selected_option.text == (
        "Raj Patel (NHS Croydon CCG)"
    )
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        assert "RJ6" not in R.fold(reg.records()).meetings[MEETING].positions
