"""The template form's warnings in a real browser (chromium): the example-data banner, 归档 of the
example refused with its box, and a 成文日期 in the future said at the date field with its box.

Screenshots (``tests/screenshots/``, not committed): 70 the banner on a form as it opens, 71 the
example refused, 72 the future date at its field with the box, 73 the filed page with 查看档案,
74 the template list by 文种.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lianzheng_docs import Archive

from browser import next_page, shot

pytestmark = pytest.mark.slow

BANNER = "表单已预填示例数据（单位、人员、日期均为示例），请逐项核对改写后再归档"


def test_the_example_banner_its_refusal_and_a_future_date_asked_about(desk, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    url, root = desk
    browser.get(f"{url}/templates/risk_notice")
    note = browser.find_element(By.ID, "example-note")
    assert BANNER in note.text and note.get_attribute("role") == "note" and note.is_displayed()
    assert note.location["y"] < browser.find_element(By.ID, "template-form").location["y"]  # at the top
    shot(browser, "70-form-example-banner")

    with next_page(browser):
        browser.find_element(By.CSS_SELECTOR, "button[name=action][value=file]").click()
    refusal = browser.find_element(By.ID, "refusal")
    assert "与打开时的示例数据完全相同" in refusal.text and refusal.is_displayed()
    box = browser.find_element(By.ID, "confirm-example")
    assert box.is_displayed() and not box.is_selected()
    shot(browser, "71-form-example-refused")

    recipient = browser.find_element(By.ID, "f-recipient")
    recipient.clear()
    recipient.send_keys("测试县财政局")
    later = (date.today() + timedelta(days=40)).isoformat()
    # the date picker's typing order follows the browser's locale: set the value as the picker would
    browser.execute_script("document.getElementById('f-date').value = arguments[0]", later)
    after = (date.today() + timedelta(days=70)).isoformat()  # its deadlines after its date, as the manifest orders
    for field in ("f-deadline", "f-findings-0-deadline", "f-findings-1-deadline"):
        browser.execute_script(f"document.getElementById('{field}').value = arguments[0]", after)
    with next_page(browser):  # the form again, with its f-date
        browser.find_element(By.CSS_SELECTOR, "button[name=action][value=file]").click()
    error = browser.find_element(By.ID, "f-date-error")
    assert error.text.startswith(f"{later} 晚于今天") and "--allow-future-date" not in error.text
    assert browser.find_element(By.ID, "f-date").get_attribute("aria-invalid") == "true"
    box = browser.find_element(By.ID, "f-date-confirm")
    assert box.is_displayed() and not box.is_selected()
    label = browser.find_element(By.CSS_SELECTOR, "label[for=f-date-confirm]")
    assert label.text == "这是预先签署的文件，日期在未来"
    assert box.location["y"] > error.location["y"]  # under the date's error, in its field
    shot(browser, "72-future-date")
    with Archive(root, create=False) as archive:
        assert archive.list() == []

    box.send_keys(Keys.SPACE)  # ticked from the keyboard
    assert box.is_selected()
    with next_page(browser):
        browser.find_element(By.CSS_SELECTOR, "button[name=action][value=file]").click()
    code = browser.find_element(By.ID, "archival-code").text
    assert "已作为预先签署的文件归档" in browser.find_element(By.TAG_NAME, "main").text
    shot(browser, "73-filed-future")
    with next_page(browser):  # the filed page's <main> holds the 档号 too
        browser.find_element(By.ID, "record-link").click()
    assert code in browser.find_element(By.TAG_NAME, "main").text
    with Archive(root, create=False) as archive:
        (record,) = archive.list()
    assert (record.archival_code, record.date) == (code, later)

    with next_page(browser):
        browser.find_element(By.LINK_TEXT, "模板").click()
    kinds = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#templates th.kind")]
    assert kinds[:3] == ["决定", "意见", "通知"] and len(kinds) == len(set(kinds))
    shot(browser, "74-templates-by-kind")
