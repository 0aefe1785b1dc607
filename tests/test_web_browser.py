"""The desk in a real browser: Debian's chromium driven by Selenium through Debian's chromedriver.

A clerk's flow on the 廉政风险告知书: the form with a mistake (a finding's 整改要求 emptied), the
error shown at its field and in the summary at the top, the link there moving the focus to the
field, the fix, the .docx downloaded and opened, then the document filed with its 文号 and 档号.
Each step leaves a screenshot in ``tests/screenshots/`` (not committed) to look at.

Needs ``apt-get install chromium chromium-driver``; skipped where they are missing (on CI they
must be there: ``scripts/bootstrap --test`` installs them).
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest

from lianzheng_docs import Archive

from conftest import ROOT

pytestmark = pytest.mark.slow

SHOTS = ROOT / "tests" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def _browser_missing() -> str | None:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        return "chromium and chromium-driver (Debian) are not installed"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e .[test])"
    return None


@pytest.fixture(scope="module")
def browser_ready() -> None:
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the browser test must run on CI: {missing}")
        pytest.skip(missing)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def desk(tmp_path, browser_ready) -> Iterator[tuple[str, Path]]:
    """The desk served by uvicorn on a free loopback port, in a thread; its URL and archive."""
    import uvicorn

    from lianzheng_docs.web import create_app

    root = tmp_path / "archive"
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(root), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the desk did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", root
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def browser(tmp_path, browser_ready) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # the background-networking flags keep chromium from calling out on a machine with no network
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                 "--lang=zh-CN", "--window-size=1280,1600", f"--user-data-dir={tmp_path / 'profile'}"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads  # type: ignore[attr-defined]
    yield driver
    driver.quit()


def shot(driver: object, name: str) -> Path:
    """A screenshot of the whole page (the window stretched to the page's height)."""
    SHOTS.mkdir(exist_ok=True)
    driver.set_window_size(1280, 800)  # type: ignore[attr-defined]
    height = driver.execute_script("return document.documentElement.scrollHeight")  # type: ignore[attr-defined]
    driver.set_window_size(1280, min(max(int(height), 800), 6000))  # type: ignore[attr-defined]
    path = SHOTS / f"{name}.png"
    driver.save_screenshot(str(path))  # type: ignore[attr-defined]
    return path


def test_a_clerk_fills_the_risk_notice_fixes_a_mistake_downloads_and_files_it(desk, browser):
    from selenium.webdriver.common.by import By

    url, root = desk
    browser.get(f"{url}/templates")
    shot(browser, "01-templates")
    browser.find_element(By.LINK_TEXT, "廉政风险告知书").click()
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("廉政风险告知书")
    shot(browser, "02-risk-notice-form")

    recipient = browser.find_element(By.ID, "f-recipient")
    recipient.clear()
    recipient.send_keys("测试县财政局")
    browser.find_element(By.ID, "f-findings-1-requirement").clear()
    browser.find_element(By.CSS_SELECTOR, "button[name=action][value=check]:not(.visually-hidden)").click()

    summary = browser.find_element(By.ID, "error-summary")
    assert "整改要求" in summary.text
    error = browser.find_element(By.ID, "f-findings-1-requirement-error")
    assert "必填" in error.text and error.is_displayed()
    assert browser.find_element(By.ID, "f-recipient").get_attribute("value") == "测试县财政局"
    summary.find_element(By.TAG_NAME, "a").click()  # the link moves the focus to the field
    assert browser.switch_to.active_element.get_attribute("id") == "f-findings-1-requirement"
    shot(browser, "03-risk-notice-error")

    browser.switch_to.active_element.send_keys("立即整改，建立台账。")
    browser.find_element(By.CSS_SELECTOR, "button[name=action][value=download]").click()
    deadline = time.monotonic() + 20
    while not [p for p in browser.downloads.glob("*.docx")]:
        assert time.monotonic() < deadline, "no .docx was downloaded"
        time.sleep(0.1)
    (downloaded,) = browser.downloads.glob("*.docx")
    assert downloaded.name.startswith("廉政风险告知书")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(downloaded.read_bytes())).paragraphs)
    assert "测试县财政局" in text

    browser.find_element(By.CSS_SELECTOR, "button[name=action][value=file]").click()
    number = browser.find_element(By.ID, "doc-number").text
    code = browser.find_element(By.ID, "archival-code").text
    assert number.startswith("X财廉告〔") and number.endswith("〕1号")
    shot(browser, "04-filed")
    with Archive(root, create=False) as archive:
        (record,) = archive.list()
    assert (record.doc_number, record.archival_code) == (number, code)
