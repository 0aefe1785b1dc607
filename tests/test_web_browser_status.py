"""名册 and 落实情况 in a real browser (issue 17, item 6): upload a roster with a bad row and see the
cell named; upload a good one; the board shows an overdue unit and its link opens the right form.

Screenshots (``tests/screenshots/``, not committed): ``20-roster-error.png``, ``21-roster.png``,
``22-status.png``, ``23-status-gap-form.png``; at 1024 px, the board's default of this year and last,
``24-status-1024.png``.
"""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import unquote

import pymupdf
import pytest
from openpyxl import Workbook

from lianzheng_docs.archive import Archive, RecordMeta
from lianzheng_docs.web import create_app

from browser import next_page, require_browser, shot

pytestmark = pytest.mark.slow

GOOD_CSV = "科室(单位),主要负责人,职务,分管领导\n预算科,王晓东,科长,刘建华\n国库科,陈静,科长,刘建华\n"
TODAY = date(2025, 6, 25)


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def add_pdf(archive: Archive, tmp_path, title: str, unit: str, when: date) -> None:
    path = tmp_path / f"{title}.pdf"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), title, fontname="china-s", fontsize=12)
    doc.save(path)
    archive.add(path, RecordMeta(title=title, kind="报告", unit=unit, date=when))


def test_a_clerk_fixes_the_roster_then_follows_an_overdue_unit_to_its_form(tmp_path, serve_desk, browser):
    from selenium.webdriver.common.by import By

    require_browser()
    root = tmp_path / "archive"
    with Archive(root) as archive:
        add_pdf(archive, tmp_path, "预算科科长述责述廉报告", "预算科", date(2025, 3, 10))
    url = serve_desk(create_app(root, today=TODAY))

    bad = tmp_path / "名册.xlsx"
    bad.write_bytes(
        workbook([["科室(单位)", "主要负责人", "职务"], ["预算科", "王晓东", "科长"], ["国库科", None, "科长"]])
    )
    browser.get(f"{url}/roster")
    assert "尚未保存名册" in browser.find_element(By.ID, "no-roster").text
    browser.find_element(By.ID, "f-roster").send_keys(str(bad))
    with next_page(browser):
        browser.find_element(By.CSS_SELECTOR, "form.upload button[type=submit]").click()
    problems = browser.find_element(By.ID, "roster-problems")
    assert "未保存" in problems.text
    cells = [td.text for td in problems.find_elements(By.CSS_SELECTOR, "tbody td")]
    assert cells == ["3", "B3（主要负责人）", "国库科 的主要负责人不能为空"]
    assert browser.find_element(By.ID, "f-roster").get_attribute("aria-invalid") == "true"
    shot(browser, "20-roster-error")

    good = tmp_path / "名册.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    browser.find_element(By.ID, "f-roster").send_keys(str(good))
    with next_page(browser):  # the page with the problems has an #f-roster too
        browser.find_element(By.CSS_SELECTOR, "form.upload button[type=submit]").click()
    assert "名册已保存" in browser.find_element(By.ID, "roster-saved").text
    units = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#roster-units tbody td:first-child")]
    assert units == ["预算科", "国库科"]
    shot(browser, "21-roster")

    with next_page(browser):
        browser.find_element(By.LINK_TEXT, "落实情况").click()
    first = browser.find_element(By.CSS_SELECTOR, "#board tbody tr")
    assert first.get_attribute("class") == "row-overdue" and "已逾期" in first.text
    letters = browser.find_elements(By.CSS_SELECTOR, "#board tr.row-overdue[data-obligation=responsibility_letter]")
    # a unit of the roster, overdue this year (last year's rows are on the board too, by default)
    overdue = next(row for row in letters if "国库科" in row.text and "2025 年度" in row.text)
    assert "逾期" in overdue.text and "2025-03-31" in overdue.text
    shot(browser, "22-status")

    link = overdue.find_element(By.CSS_SELECTOR, "a.fill")
    with next_page(browser):  # the board has an <h1> too
        link.send_keys("\n")  # with the keyboard, as a clerk may
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading.startswith("党风廉政建设责任书") and "responsibility_letter" in heading
    assert browser.current_url.startswith(f"{url}/templates/responsibility_letter?")
    assert "department=国库科" in unquote(browser.current_url) and "department_head.name=陈静" in unquote(
        browser.current_url
    )
    assert browser.find_element(By.ID, "f-department").get_attribute("value") == "国库科"  # the form is filled
    assert browser.find_element(By.ID, "f-department_head-name").get_attribute("value") == "陈静"
    shot(browser, "23-status-gap-form")


def test_the_board_at_1024_pixels_shows_this_year_and_last_by_default(tmp_path, serve_desk, browser):
    """A clerk in January: last year's unmet obligations are still on the board, overdue, without asking."""
    from selenium.webdriver.common.by import By
    from test_web_browser_records import WIDTH, shot_at

    from lianzheng_docs.web.roster_store import keep_roster

    require_browser()
    root = tmp_path / "archive"
    with Archive(root) as archive:
        add_pdf(archive, tmp_path, "预算科科长述责述廉报告", "预算科", date(2025, 12, 10))
        add_pdf(archive, tmp_path, "国库科2026年度党风廉政建设责任书", "国库科", date(2026, 1, 8))
    keep_roster(root, GOOD_CSV.encode(), "名册.csv", "测试")
    url = serve_desk(create_app(root, today=date(2026, 1, 20)))
    browser.set_window_size(WIDTH, 900)
    browser.get(f"{url}/status")
    assert "默认显示今年和去年（2025、2026 年度）" in browser.find_element(By.ID, "default-years").text
    ticked = [box.get_attribute("value") for box in browser.find_elements(By.CSS_SELECTOR, "input[name=year]:checked")]
    assert sorted(ticked) == ["2025", "2026"]
    overdue = browser.find_elements(By.CSS_SELECTOR, "#board tr.row-overdue")
    assert overdue and any("2025 年度" in row.text for row in overdue)  # last year's, still owed
    assert "已逾期" in browser.find_element(By.ID, "counts").text
    shot_at(browser, "24-status-1024")
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    board = browser.find_element(By.ID, "board")
    main = browser.find_element(By.TAG_NAME, "main")
    assert board.rect["x"] + board.rect["width"] <= main.rect["x"] + main.rect["width"]
