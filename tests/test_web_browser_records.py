"""档案 and 检索 in a real browser (Debian's chromium through Selenium): file it and find it by search.

A clerk files a 廉政风险告知书 through its form, opens 档案 and sees it in the 归档文件目录, opens
its record page (metadata, the file with its download, the audit trail with this very view),
downloads the file, then searches for a word of it and sees the word highlighted in a fragment
and the result leading back to the record. Screenshots: ``10-records.png``, ``11-record.png``,
``12-search.png`` in ``tests/screenshots/`` (not committed).
"""

from __future__ import annotations

import pytest

from lianzheng_docs import Archive

from browser import shot, wait_for_download

pytestmark = pytest.mark.slow


def test_a_clerk_files_a_notice_finds_it_in_the_directory_and_by_search(desk, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    url, root = desk
    browser.get(f"{url}/records")
    assert "档案中还没有文件" in browser.find_element(By.ID, "empty-archive").text

    browser.get(f"{url}/templates/risk_notice")
    recipient = browser.find_element(By.ID, "f-recipient")
    recipient.clear()
    recipient.send_keys("测试县财政局")
    browser.find_element(By.CSS_SELECTOR, "button[name=action][value=file]").click()
    number = browser.find_element(By.ID, "doc-number").text
    code = browser.find_element(By.ID, "archival-code").text

    browser.find_element(By.LINK_TEXT, "档案").click()
    count = browser.find_element(By.ID, "count")
    assert count.text == "共 1 件"
    row = browser.find_element(By.CSS_SELECTOR, "#catalogue tbody tr:not(.year)")
    cells = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
    assert cells[0] == code and cells[1] == number and cells[3] == "廉政风险告知书（测试县财政局）"
    shot(browser, "10-records")

    row.find_element(By.LINK_TEXT, "廉政风险告知书（测试县财政局）").click()
    assert browser.find_element(By.ID, "record-title").text == "廉政风险告知书（测试县财政局）"
    assert browser.find_element(By.ID, "archival-code").text == code
    trail = browser.find_elements(By.CSS_SELECTOR, "#history tbody tr")
    assert [r.find_elements(By.TAG_NAME, "td")[1].text for r in trail] == ["查看", "归档"]
    shot(browser, "11-record")
    browser.find_element(By.ID, "download-original").click()
    downloaded = wait_for_download(browser, "*.docx")
    with Archive(root, create=False) as archive:
        (record,) = archive.list()
        assert downloaded.read_bytes() == archive.path_of(record).read_bytes()
        assert [e.action for e in archive.history(record_id=record.id)] == ["file", "view", "download"]

    browser.find_element(By.LINK_TEXT, "检索").click()
    box = browser.find_element(By.ID, "q")
    assert browser.switch_to.active_element == box  # the box has the focus: type at once
    box.send_keys("滞留", Keys.ENTER)
    assert browser.find_element(By.ID, "count").text == "找到 1 件"
    marks = browser.find_elements(By.CSS_SELECTOR, "#hits .fragment mark")
    assert marks and {m.text for m in marks} == {"滞留"}
    assert "滞留" in browser.find_element(By.CSS_SELECTOR, "#hits .fragment").text
    shot(browser, "12-search")
    browser.find_element(By.CSS_SELECTOR, "#hits .hit-title a").click()
    assert browser.find_element(By.ID, "archival-code").text == code
