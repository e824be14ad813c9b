"""The page for the room in a real browser, at a projector's 1024×768 and a desktop's
1280×720: nothing wider than the window, previous / next in the agenda's order, a search
and a filter, an indicator's chart without a finding, one indicator across every provider,
intelligence shared aloud, the meeting agreed, and the pages held to WCAG 2.1 AA by
axe-core. Selenium drives Debian's headless Chromium through Debian's chromedriver (never a
download); skips where they or axe-core are missing unless QSG_REQUIRE_BROWSER=1 (see
tests/browser.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import browser
import pytest
from hang import HANG
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from qsgrules import api_register
from qsgrules import register as R
from qsgrules.web import RunningServer, start_server

from .conftest import MEETING


def _js(driver: WebDriver, script: str, *args: object) -> Any:
    """Run ``script`` in the page: Selenium's execute_script, untyped before 4.x's stubs
    (CI's oldest environment), so called here once."""
    return driver.execute_script(script, *args)  # type: ignore[no-untyped-call,unused-ignore]


pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: (width, height) of the window: a projector's, and a small desktop's.
SIZES = [pytest.param((1024, 768), id="1024x768"), pytest.param((1280, 720), id="1280x720")]


@pytest.fixture(scope="module", params=SIZES)
def driver(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WebDriver]:
    width, height = cast("tuple[int, int]", request.param)
    binary, driver_path = browser.chromium(), browser.chromedriver()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SE_OFFLINE", "true")  # Selenium Manager never downloads anything
        options = Options()
        options.binary_location = binary
        for flag in browser.FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('profile')}")
        options.add_argument(f"--window-size={width},{height}")
        session = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    session.set_page_load_timeout(HANG)
    session.set_script_timeout(HANG)
    try:
        # the viewport (the page's window) is the size asked, whatever the browser's frame
        inner = _js(session, "return [innerWidth, innerHeight]")
        outer = session.get_window_size()
        session.set_window_size(
            outer["width"] + width - inner[0], outer["height"] + height - inner[1]
        )
        assert _js(session, "return [innerWidth, innerHeight]") == [width, height]
        yield session
    finally:
        session.quit()


@pytest.fixture
def served(ws: Path, driver: WebDriver) -> Iterator[RunningServer]:
    running = start_server(ws, port=0, by="clerk")
    driver.delete_all_cookies()
    try:
        yield running
    finally:
        running.stop()


def _go(driver: WebDriver, served: RunningServer, path: str) -> None:
    driver.get(served.url + path.lstrip("/"))


def _send(driver: WebDriver, button: str) -> None:
    """Press a button and wait for the page it brings."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, button).click()
    WebDriverWait(driver, HANG).until(browser.replaced(old))


def _flash(driver: WebDriver) -> str:
    found = WebDriverWait(driver, HANG).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, ".flash"))
    )
    return str(found.text)


def _board_codes(driver: WebDriver) -> list[str]:
    return [str(e.text) for e in driver.find_elements(By.CSS_SELECTOR, "#board td.code")]


def _wider(driver: WebDriver) -> list[str]:
    """The page's width beyond the window's, and the elements that stick out of it."""
    return cast(
        "list[str]",
        _js(
            driver,
            """
            const out = [];
            const doc = document.documentElement;
            if (doc.scrollWidth > innerWidth) out.push('page ' + doc.scrollWidth);
            for (const e of document.querySelectorAll('main *, header *, nav *, form *')) {
              const r = e.getBoundingClientRect();
              const placed = getComputedStyle(e).position;
              if (r.width > 0 && r.right > innerWidth + 1 && placed !== 'absolute')
                out.push(e.tagName + '.' + e.className + ' ' + Math.round(r.right));
            }
            return out.slice(0, 10);
            """,
        ),
    )


def _keep(driver: WebDriver, name: str) -> None:
    """QSG_KEEP_SCREENSHOTS=DIR keeps the pages' screenshots, to look at them."""
    folder = os.environ.get("QSG_KEEP_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        width = _js(driver, "return innerWidth")
        driver.save_screenshot(str(Path(folder) / f"room-{name}-{width}.png"))


PAGES = (
    "/",
    "/provider/RJ6",
    "/provider/RF4",
    "/summary",
    "/provider/RAL/chart?indicator=amenable_deaths&month=2018-06",
    "/across?indicator=ae_4hr_type1&month=2019-03",
)


def test_no_page_is_wider_than_the_window(driver: WebDriver, served: RunningServer) -> None:
    for projector in ("0", "1"):
        _go(driver, served, f"/display?projector={projector}&next=/")
        for path in PAGES:
            _go(driver, served, path)
            assert _wider(driver) == [], (path, projector)
        _keep(driver, f"board-projector{projector}")


def test_next_follows_the_agenda(driver: WebDriver, served: RunningServer, ws: Path) -> None:
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        agenda = [item.provider for item in R.agenda(reg, MEETING)]
    _go(driver, served, f"/provider/{agenda[0]}")
    assert "1 of 18, on the agenda" in driver.find_element(By.TAG_NAME, "body").text
    walked = [agenda[0]]
    for _ in agenda[1:]:
        _send(driver, "a[rel=next]")
        walked.append(driver.current_url.rsplit("/", 1)[1])
    assert walked == agenda
    _send(driver, "a[rel=prev]")
    assert driver.current_url.endswith(f"/provider/{agenda[-2]}")


def test_a_search_opens_a_page_and_a_filter_narrows_the_board(
    driver: WebDriver, served: RunningServer
) -> None:
    _go(driver, served, "/")
    assert len(_board_codes(driver)) == 18
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, "board-q").send_keys("rj6", Keys.ENTER)  # the keyboard alone
    WebDriverWait(driver, HANG).until(browser.replaced(old))
    assert driver.current_url.split("#")[0].endswith("/provider/RJ6")
    _go(driver, served, "/")
    Select(driver.find_element(By.ID, "board-level")).select_by_value("risk_summit")
    _send(driver, "#board-search button[type=submit]")
    assert sorted(_board_codes(driver)) == ["RF4", "RJ6"]
    assert _wider(driver) == []
    _keep(driver, "board-filtered")


def test_any_indicator_is_charted_without_a_finding(
    driver: WebDriver, served: RunningServer
) -> None:
    _go(driver, served, "/provider/RAL")
    # RAL has no finding for amenable deaths: no chart of it in its section
    titled = "*[self::h3 or self::h4][starts-with(., 'Deaths in hospital')]"
    assert not driver.find_elements(By.XPATH, f"//article[{titled}]")
    Select(driver.find_element(By.ID, "chooser-indicator")).select_by_value("amenable_deaths")
    _send(driver, "form.chooser button[type=submit]")
    assert "/provider/RAL/chart?indicator=amenable_deaths" in driver.current_url
    reading = driver.find_element(By.ID, "reading")
    charts = reading.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert charts and charts[0].size["width"] > 300
    # its Making Data Count icons, named by their words
    icons = reading.find_elements(By.CSS_SELECTOR, "svg.mdc-icon")
    assert any("variation" in (i.get_attribute("aria-label") or "") for i in icons)
    assert _wider(driver) == []
    _keep(driver, "reading")


def test_one_indicator_across_every_provider(driver: WebDriver, served: RunningServer) -> None:
    _go(driver, served, "/across?indicator=ae_4hr_type1&month=2019-03")
    section = driver.find_element(By.ID, "across")
    assert len(section.find_elements(By.CSS_SELECTOR, "li.multiple")) == 18
    outliers = section.find_elements(By.CSS_SELECTOR, "table.outlier-table tbody tr")
    assert outliers
    # a peer of the funnel is named on keyboard focus
    peer = section.find_elements(By.CSS_SELECTOR, "svg.chart g.peer")[0]
    _js(driver, "arguments[0].focus()", peer)
    assert driver.switch_to.active_element == peer
    assert peer.find_element(By.TAG_NAME, "title").get_attribute("textContent")
    _keep(driver, "across")


SHARED = {
    "intelligence-domain": "safety",
    "intelligence-severity": "high",
}


def test_intelligence_shared_aloud_is_recorded(
    driver: WebDriver, served: RunningServer, ws: Path
) -> None:
    _go(driver, served, "/provider/RJ6")
    Select(driver.find_element(By.ID, "intelligence-source")).select_by_value("CQC")
    for field, value in SHARED.items():
        Select(driver.find_element(By.ID, field)).select_by_value(value)
    driver.find_element(By.ID, "intelligence-grading").send_keys("B2")
    driver.find_element(By.ID, "intelligence-summary").send_keys("Said aloud: night staffing")
    _send(driver, "#form-intelligence button[type=submit]")
    said = _flash(driver)
    assert "RJ6 CQC safety high (B2), received 2019-04-10" in said
    assert f"shared at {MEETING}" in said
    text = (ws / "intelligence.yaml").read_text(encoding="utf-8")
    assert "Said aloud: night staffing" in text and f"shared_at: {MEETING}" in text
    _keep(driver, "shared")


def test_the_meeting_is_agreed_from_the_board(
    driver: WebDriver, served: RunningServer, ws: Path
) -> None:
    _go(driver, served, "/")
    _send(driver, "#form-agree button[type=submit]")  # the box not ticked: refused
    assert (
        "tick it to agree the note" in driver.find_element(By.CSS_SELECTOR, ".error-summary").text
    )
    driver.find_element(By.ID, "agree-confirm").click()
    _send(driver, "#form-agree button[type=submit]")
    assert f"{MEETING} agreed and locked" in _flash(driver)
    assert not driver.find_elements(By.CSS_SELECTOR, "form[method=post]")
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        assert R.fold(reg.records()).meetings[MEETING].locked


def _axe(driver: WebDriver) -> list[dict[str, Any]]:
    _js(driver, browser.axe_source())
    found = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})
          .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary)}))))
          .catch(e => done([{id: 'axe failed', nodes: [String(e)]}]));
        """,
        list(browser.AXE_TAGS),
    )
    return cast("list[dict[str, Any]]", found)


def test_the_pages_meet_wcag_aa(driver: WebDriver, served: RunningServer) -> None:
    browser.axe_source()  # skips (or fails under QSG_REQUIRE_BROWSER=1) without axe-core
    for projector in ("0", "1"):
        _go(driver, served, f"/display?projector={projector}&next=/")
        for path in PAGES:
            _go(driver, served, path)
            assert _axe(driver) == [], (path, projector)


def test_a_recorded_position_stays_inside_its_cell(
    driver: WebDriver, served: RunningServer, ws: Path
) -> None:
    # the positions table sits in the page's narrow panel: a level's chip (never wrapped once)
    # stuck out of its cell over the member's reason, and "Organisation" broke mid-word
    with api_register.open_register(ws, write=True, by="clerk") as reg:
        R.confirm(reg, "RJ6", meeting=MEETING, member="Ann Lee")
        reason = "The trust's ED improvement plan is agreed with commissioners"
        R.override(
            reg, "RJ6", meeting=MEETING, member="Raj Patel", level="regular_review", reason=reason
        )
    for projector in ("0", "1"):
        _go(driver, served, f"/display?projector={projector}&next=/provider/RJ6")
        sticking = _js(
            driver,
            """
            const out = [];
            for (const chip of document.querySelectorAll('td .level-chip')) {
              const cell = chip.closest('td').getBoundingClientRect();
              const r = chip.getBoundingClientRect();
              if (r.right > cell.right + 1 || r.left < cell.left - 1) out.push(chip.textContent);
            }
            for (const cell of document.querySelectorAll('.positions th, .positions td')) {
              const text = cell.textContent.trim();
              if (cell.scrollWidth > cell.clientWidth + 1) out.push('runs over: ' + text);
              const words = document.createRange();
              words.selectNodeContents(cell);  // one word on two lines: broken
              if (text && !/\\s/.test(text) && words.getClientRects().length > 1)
                out.push('broken: ' + text);
            }
            return out;
            """,
        )
        assert sticking == [], projector
        assert reason in driver.find_element(By.TAG_NAME, "body").text
        assert _wider(driver) == [], projector
        _keep(driver, f"positions-projector{projector}")
