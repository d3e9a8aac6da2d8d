"""The dashboard in a real headless Chromium (selenium) against ``upskit demo --http``:
it loads without console errors, shows the simulated UPS, follows the power failure
without a reload, a logged-in user runs a command; screenshots are kept."""

from __future__ import annotations

import os
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import UPSKIT, Processes, free_port, wait_until

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

pytestmark = pytest.mark.skipif(
    not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)),
    reason="chromium and chromedriver are not installed")


@pytest.fixture
def demo(procs: Processes, tmp_path: Path) -> str:
    """``upskit demo`` with its dashboard; mains are lost about 4 s after it starts."""
    http = free_port()
    procs.start([*UPSKIT, "demo", "--listen", f"127.0.0.1:{free_port()}",
                 "--http", f"127.0.0.1:{http}", "--online", "4"], {}, tmp_path / "demo.log")
    url = f"http://127.0.0.1:{http}"

    def up() -> bool:
        try:
            with urllib.request.urlopen(url + "/api/ups", timeout=2) as answer:
                return b'"OL' in answer.read()
        except OSError:
            return False

    wait_until(up, 30, "the demo's dashboard with the UPS on line")
    return url


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="chromium-", dir=tmp_path)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", "--window-size=1280,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _severe(driver: Any) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE"]


def test_the_dashboard_follows_the_simulator_and_runs_a_command(
        demo: str, browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def wait(condition: Any, timeout: float, what: str) -> Any:
        return WebDriverWait(browser, timeout, poll_frequency=0.2).until(
            condition, message=f"waiting for {what}")

    def status_text(_: Any = None) -> str:
        return str(browser.find_element(
            By.CSS_SELECTOR, 'tr[data-ups="demo"] td[data-field="status"]').text)

    # without JavaScript the server-rendered table is there already
    with urllib.request.urlopen(demo + "/", timeout=5) as answer:
        page = answer.read().decode()
    assert 'data-ups="demo"' in page and 'data-field="battery.charge"' in page

    browser.get(demo + "/")
    wait(lambda d: d.find_element(By.ID, "live-state").text == "live", 20, "the live stream")
    assert "OL" in status_text().split()
    browser.execute_script("window.notReloaded = true;")
    wait(lambda d: "OB" in status_text().split(), 60, "the power failure on the page")
    assert browser.execute_script("return window.notReloaded === true;"), "the page reloaded"
    charge = browser.find_element(By.CSS_SELECTOR, 'tr[data-ups="demo"] '
                                  'td[data-field="battery.charge"]').text
    assert charge.endswith("%")
    wait(lambda d: any("OB" in row.text for row in d.find_elements(
        By.CSS_SELECTOR, "#events tbody tr")), 20, "the status change in the event log")
    line = wait(lambda d: d.find_element(By.CSS_SELECTOR, 'svg[data-field="load"] polyline'),
                30, "the load chart")
    assert browser.execute_script("return arguments[0].getBBox().width;", line) > 100
    shot = tmp_path / "dashboard.png"
    browser.save_screenshot(str(shot))

    # one UPS in full; read-only until a user logs in
    browser.get(demo + "/ups/demo")
    wait(lambda d: d.find_element(By.ID, "live-state").text == "live", 20, "the live stream")
    assert not browser.find_elements(By.CSS_SELECTOR, "#commands button")
    assert browser.find_element(By.CSS_SELECTOR, '#commands li[data-cmd="beeper.toggle"]')
    assert browser.find_element(By.CSS_SELECTOR, 'tr[data-var="ups.status"]')
    form = browser.find_element(By.ID, "login")
    form.find_element(By.NAME, "user").send_keys("admin")
    form.find_element(By.NAME, "password").send_keys("demo")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(lambda d: "admin" in d.find_element(By.ID, "whoami").text, 20, "the login")
    button = wait(lambda d: d.find_element(By.XPATH,
                                          '//ul[@id="commands"]//button[text()="beeper.toggle"]'),
                  20, "the command buttons")
    button.click()
    wait(lambda d: d.find_element(By.ID, "result").text == "beeper.toggle: OK", 30,
         "the command's result")
    wait(lambda d: any("admin ran beeper.toggle" in row.text for row in d.find_elements(
        By.CSS_SELECTOR, "#events tbody tr")), 20, "the command in the event log")
    detail = tmp_path / "ups-detail.png"
    browser.save_screenshot(str(detail))

    # a phone's width: nothing sticks out of the page sideways
    browser.set_window_size(390, 844)
    browser.get(demo + "/")
    wait(lambda d: d.find_element(By.ID, "live-state").text == "live", 20, "the live stream")
    time.sleep(0.5)
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth + 1;")
    phone = tmp_path / "dashboard-phone.png"
    browser.save_screenshot(str(phone))
    print(f"\nscreenshots: {shot} {detail} {phone}")
    assert shot.stat().st_size > 1000

    assert _severe(browser) == []
