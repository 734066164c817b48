"""The inspector page in a real headless Chromium (Debian's ``chromium`` + ``chromium-driver``).

The dev command runs in a subprocess on a free port; the test plays the platform
(SWML fetch, tool call) with httpx and watches the page react. On failure a
screenshot is saved under ``$SIGNALWIRE_TEST_ARTIFACTS`` (default ``test-artifacts/``
at the repository root). Without a browser the test is skipped locally and fails in
CI (``CI`` set), where ``.ci/run`` installs one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from agents_testkit import swaig_body, swml_fetch_body
from devserver_helpers import APP, DevProcess

from signalwire.testing.swml import validate_swml


def _first(*candidates: str | None) -> str | None:
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


# Debian's packages (what .ci/run installs), else a Chrome already on the machine.
CHROMIUM = _first(
    os.environ.get("SIGNALWIRE_CHROMIUM"),
    "/usr/bin/chromium",
    shutil.which("chromium"),
    shutil.which("google-chrome"),
)
DRIVER = _first(
    os.environ.get("SIGNALWIRE_CHROMEDRIVER"),
    "/usr/bin/chromedriver",
    shutil.which("chromedriver"),
    os.path.join(os.environ.get("CHROMEWEBDRIVER", "/nonexistent"), "chromedriver"),
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
]
ARTIFACTS = Path(
    os.environ.get("SIGNALWIRE_TEST_ARTIFACTS")
    or Path(__file__).resolve().parents[3] / "test-artifacts"
)


if CHROMIUM is None or DRIVER is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI needs chromium and chromium-driver (.ci/run installs them)")
    pytest.skip("chromium and chromium-driver are not installed", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    assert CHROMIUM is not None and DRIVER is not None
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def dev(tmp_path: Path) -> Iterator[DevProcess]:
    app_file = tmp_path / "app.py"
    app_file.write_text(APP)
    proc = DevProcess(app_file)
    yield proc
    proc.stop()


def _records(driver: Any, kind: str) -> list[Any]:
    return list(driver.find_elements(By.CSS_SELECTOR, f".record[data-kind={kind}]"))


def _wait(driver: Any, seconds: float, condition: Any) -> Any:
    """Wait for ``condition``; the list is redrawn on every event, so stale nodes are retried."""
    return WebDriverWait(
        driver, seconds, poll_frequency=0.05, ignored_exceptions=(StaleElementReferenceException,)
    ).until(condition)


def _click(driver: Any, selector: str) -> None:
    def click(d: Any) -> bool:
        d.find_element(By.CSS_SELECTOR, selector).click()
        return True

    _wait(driver, 5, click)


def test_the_inspector_in_a_real_browser(
    browser: Any, dev: DevProcess, request: pytest.FixtureRequest
) -> None:
    user, password = dev.auth
    try:
        host = dev.base.removeprefix("http://")
        browser.get(f"http://{user}:{password}@{host}/agent/_inspector/")
        _wait(browser, 20, lambda d: d.find_element(By.ID, "status").text == "live")
        assert "dev-demo" in browser.title

        # A SWML fetch made now appears within a second.
        with httpx.Client(base_url=dev.base, auth=dev.auth, timeout=10) as client:
            doc = validate_swml(client.post("/agent", json=swml_fetch_body("call-1")).json())
        _wait(browser, 1.0, lambda d: len(_records(d, "swml")) == 1)
        _click(browser, ".record[data-kind=swml]")
        _wait(browser, 5, lambda d: d.find_element(By.ID, "validation").text.endswith("valid"))
        shown = browser.find_element(By.ID, "document").text
        assert "Help the caller." in shown and password not in shown and "__token=•••" in shown

        # The tool form calls the tool and shows its answer.
        _wait(browser, 10, lambda d: d.find_elements(By.ID, "arg-order_id"))
        browser.find_element(By.ID, "arg-order_id").send_keys("A-77")
        browser.find_element(By.ID, "tool-call").click()
        _wait(
            browser, 10, lambda d: "Order A-77 shipped" in d.find_element(By.ID, "tool-answer").text
        )

        # A platform tool call, then its replay: a second record marked as the replay.
        ai = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)
        url = ai["SWAIG"]["functions"][0]["web_hook_url"]
        with httpx.Client(timeout=10) as client:
            answer = client.post(url, json=swaig_body("lookup", {"order_id": "R-1"}, "call-1"))
        assert answer.json()["response"] == "Order R-1 shipped"
        platform = ".record[data-kind=swaig][data-source=platform]"
        _wait(browser, 5, lambda d: d.find_elements(By.CSS_SELECTOR, platform))
        _click(browser, platform)
        _wait(browser, 5, lambda d: "looking up R-1" in d.find_element(By.CLASS_NAME, "logs").text)
        _click(browser, "#replay")
        replay = ".record[data-kind=swaig][data-source=replay]"
        _wait(browser, 10, lambda d: "replay of" in d.find_element(By.CSS_SELECTOR, replay).text)
        _wait(browser, 5, lambda d: "Order R-1 shipped" in d.find_element(By.ID, "detail").text)
    except BaseException:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"{request.node.name}.png"
        browser.save_screenshot(str(shot))
        print(f"screenshot saved to {shot}")
        raise
