"""档案 and 检索 in a real browser (Debian's chromium through Selenium): file it and find it by search.

A clerk files a 廉政风险告知书 through its form, opens 档案 and sees it in the 归档文件目录, opens
its record page (metadata, the file with its download, the audit trail with this very view),
downloads the file, then searches for a word of it and sees the word highlighted in a fragment
and the result leading back to the record. Screenshots: ``10-records.png``, ``11-record.png``,
``12-search.png`` in ``tests/screenshots/`` (not committed). At 1024 px, the 目录 of a year's filings
fits the screen (``13-records-1024.png``) and leaves out the columns nothing on the page fills
(``14-records-1024-notices.png``).
"""

from __future__ import annotations

import pytest

from lianzheng_docs import Archive

from browser import next_page, shot, wait_for_download

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
    with next_page(browser):
        browser.find_element(By.CSS_SELECTOR, "button[name=action][value=file]").click()
    number = browser.find_element(By.ID, "doc-number").text
    code = browser.find_element(By.ID, "archival-code").text

    with next_page(browser):
        browser.find_element(By.LINK_TEXT, "档案").click()
    count = browser.find_element(By.ID, "count")
    assert count.text == "共 1 件"
    row = browser.find_element(By.CSS_SELECTOR, "#catalogue tbody tr:not(.year)")
    cells = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
    assert cells[0] == code and cells[1] == number and cells[3] == "廉政风险告知书（测试县财政局）"
    shot(browser, "10-records")

    with next_page(browser):
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

    with next_page(browser):
        browser.find_element(By.LINK_TEXT, "检索").click()
    box = browser.find_element(By.ID, "q")
    assert browser.switch_to.active_element == box  # the box has the focus: type at once
    with next_page(browser):
        box.send_keys("滞留", Keys.ENTER)
    assert browser.find_element(By.ID, "count").text == "找到 1 件"
    marks = browser.find_elements(By.CSS_SELECTOR, "#hits .fragment mark")
    assert marks and {m.text for m in marks} == {"滞留"}
    assert "滞留" in browser.find_element(By.CSS_SELECTOR, "#hits .fragment").text
    shot(browser, "12-search")
    with next_page(browser):
        browser.find_element(By.CSS_SELECTOR, "#hits .hit-title a").click()
    assert browser.find_element(By.ID, "archival-code").text == code


# ---------------------------------------------------------------------- the 目录 at 1024 px

WIDTH = 1024


def shot_at(driver, name: str, width: int = WIDTH):
    """A screenshot of the whole page in a window ``width`` pixels wide (an office PC's small screen)."""
    from browser import SHOTS

    SHOTS.mkdir(exist_ok=True)
    driver.set_window_size(width, 800)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(max(int(height), 800), 6000))
    path = SHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def file_a_year_of_work(root, tmp_path) -> None:
    """What a bureau's archive holds: notices to units with long names, a bulletin, a received PDF with its pages."""
    import pymupdf
    from test_web_records import file_bulletin, file_notice

    from lianzheng_docs.archive import RecordMeta

    for unit in ("国库科", "中共××市纪委驻市财政局纪检组", "财政投资评审中心", "驻局纪检组"):
        file_notice(root, unit)
    file_bulletin(root)
    path = tmp_path / "received.pdf"
    doc = pymupdf.open()
    title = "市纪委关于开展2026年度党风廉政建设责任制检查考核工作的通知"
    for _ in range(3):
        doc.new_page().insert_text((72, 72), title, fontname="china-s")
    doc.save(path)
    with Archive(root) as archive:
        archive.add(path, RecordMeta(title=title, kind="通知",
                                     unit="办公室", author="中共××市纪律检查委员会", doc_number="X纪发〔2026〕15号",
                                     secrecy="内部"))  # fmt: skip


def test_the_directory_fits_a_1024_pixel_screen_with_its_columns_readable(desk, browser, tmp_path):
    from selenium.webdriver.common.by import By

    url, root = desk
    file_a_year_of_work(root, tmp_path)
    browser.set_window_size(WIDTH, 900)
    browser.get(f"{url}/records")
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#catalogue thead th")]
    assert headers == ["档号", "文号", "责任者", "题名", "日期", "页数", "密级", "保管期限", "备注"]
    shot_at(browser, "13-records-1024")
    # nothing runs off the right edge: no sideways scrolling of the page or of the table
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    table = browser.find_element(By.ID, "catalogue")
    main = browser.find_element(By.TAG_NAME, "main")
    assert table.rect["x"] + table.rect["width"] <= main.rect["x"] + main.rect["width"]
    assert browser.execute_script("const s = document.querySelector('.scroll'); return s.scrollWidth <= s.clientWidth")
    # 备注 is read as words, not a character per line; the long 题名 wraps instead
    notes = browser.find_elements(By.CSS_SELECTOR, "#catalogue td.note-cell")
    line = browser.execute_script("return parseFloat(getComputedStyle(arguments[0]).lineHeight)", notes[0])
    assert all(cell.rect["width"] >= 6 * 14 for cell in notes)  # six characters at least
    long_unit = next(cell for cell in notes if "中共××市纪委驻市财政局纪检组" in cell.text)
    assert long_unit.rect["height"] <= 4 * line + 16
    title = browser.find_element(By.LINK_TEXT, "市纪委关于开展2026年度党风廉政建设责任制检查考核工作的通知")
    assert title.rect["height"] > 1.5 * line  # wrapped onto two lines or more
    pages = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#catalogue td.num")]
    assert sorted(pages) == ["", "", "", "", "", "3"]

    # the same 目录 with nothing that has 页数 or 密级 on the page: those columns are not shown
    browser.get(f"{url}/records?kind=告知书")
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#catalogue thead th")]
    assert headers == ["档号", "文号", "责任者", "题名", "日期", "保管期限", "备注"]
    assert "页数、密级" in browser.find_element(By.ID, "hidden-columns").text
    shot_at(browser, "14-records-1024-notices")
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def test_a_clerk_searches_as_clerks_type_and_is_told_what_to_try_when_nothing_is_found(desk, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    url, root = desk
    file_a_year_of_work(root, tmp_path)
    with Archive(root, create=False) as archive:
        treasury = next(r for r in archive.list() if r.title == "廉政风险告知书（国库科）")
    browser.set_window_size(WIDTH, 900)
    browser.get(f"{url}/search")
    typed = treasury.doc_number.replace("〔", "[").replace("〕", "]")  # the keyboard's brackets
    with next_page(browser):
        browser.find_element(By.ID, "q").send_keys(typed, Keys.ENTER)
    assert browser.find_element(By.CSS_SELECTOR, "#hits .hit-title a").text == treasury.title
    box = browser.find_element(By.ID, "q")
    box.clear()
    with next_page(browser):
        box.send_keys("国库科 告知书", Keys.ENTER)
    assert browser.find_element(By.ID, "count").text == "找到 1 件"
    assert {m.text for m in browser.find_elements(By.CSS_SELECTOR, "#hits .hit-title mark")} == {"国库科", "告知书"}
    shot_at(browser, "15-search-words-1024")
    box = browser.find_element(By.ID, "q")
    box.clear()
    with next_page(browser):
        box.send_keys("国库科 整改通知", Keys.ENTER)
    assert browser.find_element(By.ID, "count").text == "没有找到同时含“国库科”“整改通知”的档案"
    hint = browser.find_element(By.ID, "no-hits").text
    assert "全角与半角" in hint and "少用几个词" in hint
    shot_at(browser, "16-search-nothing-1024")
