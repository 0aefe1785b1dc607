"""批量 in chromium: the batch page with the kept roster, started with the keyboard, its page refreshing until
every unit is done, then a re-run making nothing. Screenshots ``60-batch.png``, ``61-batch-done.png``."""

from __future__ import annotations

import time

import pytest

from lianzheng_docs import Archive
from lianzheng_docs.web.roster_store import keep_roster

from browser import next_page, shot
from conftest import ROOT

pytestmark = pytest.mark.slow


def wait_until_done(browser) -> None:
    """Until the job's page (refreshing itself every 2 s) says the batch ended."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + 60
    while True:
        browser.find_element(By.ID, "batch-progress")
        browser.implicitly_wait(0)
        try:
            ended = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "#batch-progress h2")]
        except StaleElementReferenceException:  # the page refreshed itself between finding and reading
            ended = []
        finally:
            browser.implicitly_wait(10)
        if ended:
            assert ended == ["完成"], browser.find_element(By.ID, "batch-progress").text
            return
        assert time.monotonic() < deadline, browser.find_element(By.ID, "batch-progress").text
        time.sleep(0.5)


def test_a_clerk_runs_the_years_letters_for_the_roster_and_runs_it_again(desk, browser):
    from selenium.webdriver.common.by import By

    url, root = desk
    root.mkdir(parents=True, exist_ok=True)
    keep_roster(root, (ROOT / "docs" / "examples" / "名册.yaml").read_bytes(), "名册.yaml", "测试")
    browser.get(f"{url}/batch")
    assert browser.find_element(By.ID, "batch-template").get_attribute("value") == "responsibility_letter"
    shot(browser, "60-batch")
    with next_page(browser):
        browser.find_element(By.ID, "batch-year").send_keys("\n")  # Enter in a field starts it
    wait_until_done(browser)
    progress = browser.find_element(By.ID, "batch-progress").text
    rows = browser.find_elements(By.CSS_SELECTOR, "#batch-items tbody tr")
    with Archive(root, create=False) as archive:
        letters = archive.list(template="responsibility_letter")
    assert len(rows) == len(letters) >= 3 and f"生成并归档 {len(letters)}" in progress
    assert {"预算科", "国库科", "办公室"} <= {r.unit for r in letters}
    shot(browser, "61-batch-done")

    with next_page(browser):
        browser.find_element(By.PARTIAL_LINK_TEXT, "再次执行").click()
    browser.find_element(By.ID, "batch-start")  # the form is there
    browser.implicitly_wait(0)  # (an element looked for that must not be there: no waiting for it)
    assert not browser.find_elements(By.ID, "example-note")  # the data it ran with, not the example again
    browser.implicitly_wait(10)
    with next_page(browser):
        browser.find_element(By.ID, "batch-start").click()
    wait_until_done(browser)
    assert f"已归档跳过 {len(letters)}" in browser.find_element(By.ID, "batch-progress").text
