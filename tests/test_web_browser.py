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

import docx
import pytest

from lianzheng_docs import Archive

from browser import next_page, shot, wait_for_download

pytestmark = pytest.mark.slow


def test_a_clerk_fills_the_risk_notice_fixes_a_mistake_downloads_and_files_it(desk, browser):
    from selenium.webdriver.common.by import By

    url, root = desk
    browser.get(f"{url}/templates")
    shot(browser, "01-templates")
    with next_page(browser):  # the list has an <h1> too
        browser.find_element(By.LINK_TEXT, "廉政风险告知书").click()
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("廉政风险告知书")
    shot(browser, "02-risk-notice-form")

    recipient = browser.find_element(By.ID, "f-recipient")
    recipient.clear()
    recipient.send_keys("测试县财政局")
    browser.find_element(By.ID, "f-findings-1-requirement").clear()
    with next_page(browser):
        browser.find_element(By.CSS_SELECTOR, "button[name=action][value=check]:not(.visually-hidden)").click()

    summary = browser.find_element(By.ID, "error-summary")
    assert "整改要求" in summary.text
    error = browser.find_element(By.ID, "f-findings-1-requirement-error")
    assert "请填写整改要求" in error.text and error.is_displayed()
    assert browser.find_element(By.ID, "f-recipient").get_attribute("value") == "测试县财政局"
    summary.find_element(By.TAG_NAME, "a").click()  # the link moves the focus to the field
    assert browser.switch_to.active_element.get_attribute("id") == "f-findings-1-requirement"
    shot(browser, "03-risk-notice-error")

    browser.switch_to.active_element.send_keys("立即整改，建立台账。")
    browser.find_element(By.CSS_SELECTOR, "button[name=action][value=download]").click()
    downloaded = wait_for_download(browser, "*.docx")
    assert downloaded.name.startswith("廉政风险告知书")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(downloaded.read_bytes())).paragraphs)
    assert "测试县财政局" in text

    with next_page(browser):
        browser.find_element(By.CSS_SELECTOR, "button[name=action][value=file]").click()
    number = browser.find_element(By.ID, "doc-number").text
    code = browser.find_element(By.ID, "archival-code").text
    assert number.startswith("X财廉告〔") and number.endswith("〕1号")
    shot(browser, "04-filed")
    with Archive(root, create=False) as archive:
        (record,) = archive.list()
    assert (record.doc_number, record.archival_code) == (number, code)
