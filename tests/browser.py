"""The desk in a real browser, for the browser tests: Debian's chromium driven by Selenium.

The fixtures that use these (``browser``, ``serve_desk``, ``desk``) are in ``conftest.py``;
``shot`` saves a screenshot to look at in ``tests/screenshots/`` (not committed).
Needs ``apt-get install chromium chromium-driver``; tests skip where they are missing, and fail
on CI (``scripts/bootstrap --test`` installs them there).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "tests" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def browser_missing() -> str | None:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        return "chromium and chromium-driver (Debian) are not installed"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e .[test])"
    return None


def require_browser() -> None:
    """Skip the test where there is no browser; fail it on CI, where there must be one."""
    missing = browser_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the browser test must run on CI: {missing}")
        pytest.skip(missing)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port, in a thread, for the block; its URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the desk did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def chromium(profile: Path, downloads: Path) -> Iterator[Any]:
    """Headless chromium with its own profile, saving downloads to ``downloads`` (``driver.downloads``)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # the background-networking flags keep chromium from calling out on a machine with no network
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                 "--lang=zh-CN", "--window-size=1280,1600", f"--user-data-dir={profile}"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    downloads.mkdir(parents=True, exist_ok=True)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    # a click that submits a form returns before the next page is there: finding an element waits for it
    driver.implicitly_wait(10)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for_download(driver: Any, pattern: str, timeout: float = 20) -> Path:
    """The file matching ``pattern`` in the driver's download folder, once it is complete."""
    deadline = time.monotonic() + timeout
    while True:
        found = [p for p in driver.downloads.glob(pattern) if not p.name.endswith(".crdownload")]
        if found:
            return found[0]
        assert time.monotonic() < deadline, f"nothing matching {pattern} was downloaded"
        time.sleep(0.1)


def shot(driver: Any, name: str) -> Path:
    """A screenshot of the whole page (the window stretched to the page's height)."""
    SHOTS.mkdir(exist_ok=True)
    driver.set_window_size(1280, 800)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(int(height), 800), 6000))
    path = SHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
