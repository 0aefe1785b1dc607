"""The 检查 page and the form's 预览 in a real browser (Debian's chromium through Selenium).

A clerk uploads a report with a wrong top margin and a 文号 in square brackets and sees both
findings with their clauses (``30-check.png``); then previews the 廉政风险告知书 and sees its pages
(``31-preview.png``). Screenshots go to ``tests/screenshots/`` (not committed), to look at.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from browser import next_page, shot

pytestmark = pytest.mark.slow


def spoiled(content: bytes) -> bytes:
    """The report with a top margin of 1 inch (5.2.1) and its 文号 in square brackets (7.2.5)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b'w:top="2098"', b'w:top="1440"').replace("〔2026〕".encode(), b"[2026]")
            target.writestr(info, data)
    return out.getvalue()


def test_a_clerk_uploads_a_document_and_sees_its_findings(desk, browser, rendered, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    url, _root = desk
    document = tmp_path / "年度报告（有问题）.docx"
    document.write_bytes(spoiled(rendered["dual_report"].content))
    browser.get(f"{url}/templates")
    with next_page(browser):  # the list has an <h1> too
        browser.find_element(By.LINK_TEXT, "检查").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "检查公文格式"
    browser.find_element(By.ID, "f-document").send_keys(str(document))
    Select(browser.find_element(By.ID, "f-kind")).select_by_value("auto")
    with next_page(browser):
        browser.find_element(By.CSS_SELECTOR, "form.check-form button[type=submit]").click()

    verdict = browser.find_element(By.ID, "verdict")
    assert "不通过" in verdict.text and "2 个错误" in verdict.text
    rows = browser.find_elements(By.CSS_SELECTOR, "tr.finding-error")
    clauses = {row.find_element(By.CSS_SELECTOR, "td.clause").text.split("\n")[0] for row in rows}
    assert {"GB/T 9704 5.2.1", "GB/T 9704 7.2.5"} <= clauses
    assert "年度报告（有问题）.docx" in browser.find_element(By.ID, "report-title").text
    shot(browser, "30-check")


@pytest.mark.libreoffice
def test_a_clerk_previews_the_pages_before_filing(desk, browser, soffice):
    from selenium.webdriver.common.by import By

    url, _root = desk
    browser.get(f"{url}/templates/risk_notice")
    recipient = browser.find_element(By.ID, "f-recipient")
    recipient.clear()
    recipient.send_keys("测试县财政局")
    with next_page(browser, timeout=60):  # LibreOffice lays the pages out first
        browser.find_element(By.CSS_SELECTOR, "button[name=action][value=preview]").click()

    section = browser.find_element(By.ID, "preview")
    count = int(browser.find_element(By.ID, "preview-pages").text)
    images = section.find_elements(By.CSS_SELECTOR, "ol.pages img")
    assert count >= 2 and len(images) == count
    assert [image.get_attribute("alt") for image in images] == [f"第 {n} 页" for n in range(1, count + 1)]
    # every image loaded (a broken one has no natural width)
    assert all(browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", i) for i in images)
    assert browser.execute_script("return window.scrollY") > 0  # the answer opened at the pages (#preview)
    assert browser.find_element(By.ID, "f-recipient").get_attribute("value") == "测试县财政局"
    shot(browser, "31-preview")
