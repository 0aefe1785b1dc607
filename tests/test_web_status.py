"""落实情况 on the desk (issue 17, item 2): the board is ``lianzheng status`` for the archive and the
roster the desk keeps: its counts are the library's, gaps come first (overdue, then the nearest
deadline), each gap links to the form that makes the missing document, the downloads are the
library's .ics and .xlsx of the same rows, and a 科室 account sees its own unit only.

Every number is compared with what :func:`lianzheng_docs.duties.obligations.status` says for the
same archive, roster and day, not written down here.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date
from html import unescape
from urllib.parse import parse_qs, unquote, urlsplit

import icalendar
import pymupdf
import pytest
from openpyxl import load_workbook
from starlette.testclient import TestClient

from lianzheng_docs.archive import Archive, RecordMeta
from lianzheng_docs.duties.obligations import STATES, status
from lianzheng_docs.duties.obligations.report import XLSX_HEADERS
from lianzheng_docs.templating.catalog import Catalog
from lianzheng_docs.web import create_app
from lianzheng_docs.web.access import Role, User
from lianzheng_docs.web.roster_store import keep_roster, kept_roster

ROSTER = """
bureau: ××市财政局
secretary: 张建国
units:
  - {科室(单位): 预算科, 主要负责人: 王晓东, 职务: 科长, 分管领导: 刘建华}
  - {科室(单位): 国库科, 主要负责人: 陈静, 职务: 科长, 分管领导: 刘建华}
"""
TODAY = date(2025, 6, 25)
#: what the board shows when no year is asked for: this year and last, as ``lianzheng due``
DEFAULT_YEARS = [2024, 2025]
ROW = re.compile(r'<tr class="row-(?P<state>\w+)" data-obligation="(?P<obligation>\w+)">(?P<body>.*?)</tr>', re.S)


def add_pdf(archive: Archive, tmp_path, title: str, unit: str, when: date) -> None:
    path = tmp_path / f"{title}.pdf"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), title, fontname="china-s", fontsize=12)
    doc.save(path)
    archive.add(path, RecordMeta(title=title, kind="报告", unit=unit, date=when))


@pytest.fixture
def root(tmp_path):
    """An archive with the 预算科's 述责述廉 (done) and nothing else filed for 2025; the roster kept."""
    root = tmp_path / "archive"
    with Archive(root) as archive:
        add_pdf(archive, tmp_path, "预算科科长述责述廉报告", "预算科", date(2025, 3, 10))
        add_pdf(archive, tmp_path, "预算科2024年度述责述廉报告", "预算科", date(2024, 12, 1))
    keep_roster(root, ROSTER.encode(), "名册.yaml", "测试")
    return root


@pytest.fixture
def app(root):
    return create_app(root, hosts=["testserver"], today=TODAY)


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client


def library_status(root, years, unit=None, roster=True):
    with Archive(root, create=False) as archive:
        return status(archive, years, roster=kept_roster(root) if roster else None, unit=unit,
                      templates=set(Catalog.default().ids()), today=TODAY)  # fmt: skip


def board_rows(html: str) -> list[dict[str, str]]:
    return [match.groupdict() for match in ROW.finditer(html)]


def due_of(row: dict[str, str]) -> date | None:
    found = re.search(r'<td class="due">(\d{4}-\d\d-\d\d)', row["body"])
    return date.fromisoformat(found[1]) if found else None


def gap_links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'<a class="fill" href="([^"]+)"', html)]


# ---------------------------------------------------------------------- the board


def test_the_board_counts_what_the_library_counts_overdue_first_then_the_nearest_deadline(client, root):
    page = client.get("/status")
    assert page.status_code == 200
    expected = library_status(root, DEFAULT_YEARS)
    rows = board_rows(page.text)
    assert Counter(r["state"] for r in rows) == Counter(s.state for s in expected)
    assert Counter(r["obligation"] for r in rows) == Counter(s.obligation.id for s in expected)
    text = unescape(page.text)
    for key, n in Counter(s.state for s in expected).items():
        assert f"{STATES[key]} {n} 项" in text
    assert f"共 {len(expected)} 项" in text
    # what needs doing comes first: every overdue row before every due row, done rows last
    order = [r["state"] for r in rows]
    assert "overdue" in order and "due" in order and "done" in order
    assert max(i for i, s in enumerate(order) if s == "overdue") < min(i for i, s in enumerate(order) if s == "due")
    assert order[-1] == "done"
    for state in ("overdue", "due"):
        dues = [due_of(r) for r in rows if r["state"] == state]
        assert dues == sorted(dues), state  # the longest overdue, then the nearest deadline, first


def test_by_default_the_board_shows_this_year_and_last_as_lianzheng_due_and_says_so(client, root):
    """A clerk opening the board in 2025 must see 2024's unmet obligations, still overdue."""
    page = client.get("/status")
    text = " ".join(unescape(page.text).split())
    assert "默认显示今年和去年（2024、2025 年度）" in text and "lianzheng due" in text
    ticked = re.findall(r'<input type="checkbox" name="year" value="(\d+)" checked>', page.text)
    assert ticked == ["2025", "2024"]  # the boxes of both years shown are ticked
    this_year = library_status(root, [2025])
    both = library_status(root, DEFAULT_YEARS)
    overdue = sum(s.state == "overdue" for s in both)
    assert overdue > sum(s.state == "overdue" for s in this_year)  # last year's overdue are not hidden
    assert f"已逾期 {overdue} 项" in text
    assert any(r["state"] == "overdue" and "2024 年度" in r["body"] for r in board_rows(page.text))
    one = client.get("/status?year=2025")
    assert 'id="default-years"' not in one.text and len(board_rows(one.text)) == len(this_year)
    assert 'href="/status">清除筛选' in one.text  # back to the default


def test_each_state_has_its_class_and_its_name_not_colour_alone(client, root):
    page = client.get("/status").text
    for row in board_rows(page):
        assert f'<span class="state state-{row["state"]}">{STATES[row["state"]]}</span>' in row["body"]
    css = client.get("/static/status.css").text
    for key in STATES:
        assert f".state-{key} " in css and f"tr.row-{key} " in css


def test_a_done_row_names_its_record_and_links_to_its_page(client, root):
    rows = board_rows(client.get("/status?year=2025").text)
    done = next(r for r in rows if r["state"] == "done" and r["obligation"] == "duty_report")
    with Archive(root, create=False) as archive:
        record = next(r for r in archive.list() if r.title == "预算科科长述责述廉报告")
    assert f'<a href="/records/{record.id}">{record.archival_code}</a>' in done["body"]
    assert "预算科" in done["body"] and 'class="fill"' not in done["body"]  # nothing to fill in


def test_each_gap_links_to_the_form_of_its_template_prefilled_for_its_unit(client, root):
    page = client.get("/status?year=2025").text
    gaps = [s for s in library_status(root, [2025]) if s.state in ("due", "overdue", "event") and s.obligation.template]
    links = gap_links(page)
    assert len(links) == len(gaps)
    wanted = Counter(f"/templates/{s.obligation.template}" for s in gaps)
    assert Counter(urlsplit(link).path for link in links) == wanted
    letters = {parse_qs(urlsplit(link).query)["department"][0]: parse_qs(urlsplit(link).query)
               for link in links if urlsplit(link).path == "/templates/responsibility_letter"}  # fmt: skip
    assert set(letters) == {"预算科", "国库科"}
    assert letters["国库科"]["department_head.name"] == ["陈静"]
    assert letters["国库科"]["department_head.post"] == ["国库科科长"]
    assert letters["国库科"]["year"] == ["2025"]
    duties = [parse_qs(urlsplit(link).query) for link in links if urlsplit(link).path == "/templates/duty_report"]
    assert [q["person.name"] for q in duties if q["unit"] == ["国库科"]] == [["陈静"]]
    talks = [parse_qs(urlsplit(link).query) for link in links if "/templates/integrity_talk_record?" in link]
    assert {q["subject.name"][0] for q in talks if "subject.name" in q} >= {"王晓东", "陈静"}
    reports = [parse_qs(urlsplit(link).query) for link in links if urlsplit(link).path == "/templates/dual_report"]
    assert reports and all(q["recipient"] == ["市委"] for q in reports)  # the first of the two still owed
    # every link opens a form
    for link in {urlsplit(link).path for link in links}:
        assert client.get(link).status_code == 200, link


def test_years_states_and_unit_filter_as_the_cli_does(client, root):
    both = board_rows(client.get("/status?year=2024&year=2025").text)
    assert Counter(r["state"] for r in both) == Counter(s.state for s in library_status(root, [2024, 2025]))
    overdue = board_rows(client.get("/status?year=2024&year=2025&state=overdue").text)
    assert overdue and {r["state"] for r in overdue} == {"overdue"}
    assert len(overdue) == sum(s.state == "overdue" for s in library_status(root, [2024, 2025]))
    unit = client.get("/status?unit=国库科")
    expected = library_status(root, DEFAULT_YEARS, unit="国库科")
    assert Counter(r["obligation"] for r in board_rows(unit.text)) == Counter(s.obligation.id for s in expected)
    assert all("国库科" in r["body"] for r in board_rows(unit.text))
    assert '<option value="国库科" selected>' in unit.text


def test_a_year_or_state_it_does_not_know_is_refused_in_chinese(client):
    bad = client.get("/status?year=20x5")
    assert bad.status_code == 400 and "年度 '20x5'" in unescape(bad.text) and "Traceback" not in bad.text
    bad = client.get("/status?state=finished")
    assert bad.status_code == 400 and "状态 'finished' 未知" in unescape(bad.text)
    assert client.get("/status.xlsx?year=1999").status_code == 400


def test_without_a_roster_it_says_so_links_to_the_roster_page_and_shows_the_rest(tmp_path):
    root = tmp_path / "archive"
    with Archive(root) as archive:
        add_pdf(archive, tmp_path, "预算科科长述责述廉报告", "预算科", date(2025, 3, 10))
    with TestClient(create_app(root, hosts=["testserver"], today=TODAY)) as client:
        page = client.get("/status")
    assert page.status_code == 200 and 'id="no-roster"' in page.text and 'href="/roster"' in page.text
    expected = library_status(root, DEFAULT_YEARS, roster=False)
    rows = board_rows(page.text)
    assert expected and Counter(r["obligation"] for r in rows) == Counter(s.obligation.id for s in expected)
    assert not any(s.obligation.per_unit for s in expected)


def test_a_new_archive_is_a_friendly_page_not_an_error(tmp_path):
    with TestClient(create_app(tmp_path / "none", hosts=["testserver"], today=TODAY)) as client:
        page = client.get("/status")
    assert page.status_code == 200 and "档案中还没有文件" in page.text and 'href="/templates"' in page.text
    assert not (tmp_path / "none" / "registry.sqlite3").exists()  # looking made no archive


# ---------------------------------------------------------------------- who sees what


def test_a_section_account_sees_its_own_unit_only_whatever_it_asks(app, client, root):
    app.state.desk.local_user = User(name="张三", role=Role.SECTION, unit="国库科")
    page = client.get("/status?unit=预算科")
    assert page.status_code == 200
    expected = library_status(root, DEFAULT_YEARS, unit="国库科")
    rows = board_rows(page.text)
    assert Counter(r["obligation"] for r in rows) == Counter(s.obligation.id for s in expected)
    assert all("预算科" not in r["body"] for r in rows) and "只能查看本单位“国库科”" in page.text
    assert 'name="unit"' not in page.text  # no unit to choose
    book = load_workbook(io.BytesIO(client.get("/status.xlsx?unit=预算科").content))
    assert {row[3] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)} == {"国库科"}


@pytest.mark.parametrize("role", [Role.READER, Role.DISCIPLINE])
def test_a_reader_and_the_discipline_group_see_every_unit(app, client, root, role):
    app.state.desk.local_user = User(name="李四", role=role, unit="驻局纪检组" if role is Role.DISCIPLINE else "")
    page = client.get("/status")
    assert page.status_code == 200
    rows = board_rows(page.text)
    assert len(rows) == len(library_status(root, DEFAULT_YEARS))
    assert any("预算科" in r["body"] for r in rows) and any("国库科" in r["body"] for r in rows)
    done = next(r for r in rows if r["state"] == "done")
    # the 档号 is named to both; a link only to one who may open the record (纪检组: its own unit's, and 通报)
    with Archive(root, create=False) as archive:
        code = next(r.archival_code for r in archive.list() if r.title == "预算科2024年度述责述廉报告")
    assert code in done["body"] and ('href="/records/' in done["body"]) == (role is Role.READER)


# ---------------------------------------------------------------------- downloads


def test_the_calendar_holds_the_deadlines_not_yet_met_of_the_rows_shown(client, root):
    answer = client.get("/status.ics?year=2024&year=2025")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/calendar")
    assert "filename*=UTF-8''" in answer.headers["content-disposition"]
    events = icalendar.Calendar.from_ical(answer.content).walk("VEVENT")
    pending = [s for s in library_status(root, [2024, 2025]) if s.state in ("due", "overdue") and s.due]
    assert len(events) == len(pending)
    assert {e.decoded("DTSTART") for e in events} == {s.due for s in pending}
    only_overdue = icalendar.Calendar.from_ical(client.get("/status.ics?state=overdue").content).walk("VEVENT")
    assert len(only_overdue) == sum(s.state == "overdue" for s in library_status(root, DEFAULT_YEARS))


def test_the_workbook_holds_the_rows_shown_in_the_boards_order(client, root):
    answer = client.get("/status.xlsx?state=overdue&state=done")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == XLSX_HEADERS
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    expected = [s for s in library_status(root, DEFAULT_YEARS) if s.state in ("overdue", "done")]
    assert Counter(r[8] for r in rows) == Counter(s.label for s in expected)
    labels = [r[8] for r in rows]
    assert labels == sorted(labels, key=lambda label: label != "已逾期")  # overdue first, as on the page


# ---------------------------------------------------------------------- markup in data


def test_markup_in_a_unit_name_is_shown_as_text(tmp_path):
    root = tmp_path / "archive"
    evil = '<script>alert("x")</script>科'
    with Archive(root) as archive:
        add_pdf(archive, tmp_path, "述责述廉报告", evil, date(2025, 3, 10))
    roster = f"units:\n  - {{科室(单位): '{evil}', 主要负责人: '<b>王</b>'}}\n"
    keep_roster(root, roster.encode(), "名册.yaml", "测试")
    with TestClient(create_app(root, hosts=["testserver"], today=TODAY)) as client:
        page = client.get("/status").text
        roster_page = client.get("/roster").text
    for html in (page, roster_page):
        assert "<script>alert" not in html and "<b>王" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;科" in html
    link = next(link for link in gap_links(page) if "responsibility_letter" in link)
    assert parse_qs(urlsplit(link).query)["department"] == [evil]  # carried as data, encoded in the address


def test_a_unit_missing_from_the_roster_or_a_kept_roster_that_no_longer_reads_is_said_not_hidden(app, client, root):
    app.state.desk.local_user = User(name="张三", role=Role.SECTION, unit="办公室")
    page = client.get("/status")
    assert page.status_code == 200 and "名册中没有单位“办公室”" in page.text
    app.state.desk.local_user = User(name="王五", role=Role.OFFICE)
    (root / "desk" / "名册.yaml").write_text("units:\n  - {科室(单位): 预算科}\n", encoding="utf-8")  # edited by hand
    page = client.get("/status")
    assert page.status_code == 200 and "保存的名册（名册.yaml）" in unescape(page.text)
    assert "预算科 的主要负责人不能为空" in unescape(page.text) and board_rows(page.text)
    expected = library_status(root, DEFAULT_YEARS, roster=False)
    assert len(board_rows(page.text)) == len(expected)  # judged as without a roster
    roster_page = client.get("/roster")
    assert roster_page.status_code == 200 and "保存的名册无法读取" in roster_page.text
    assert 'id="f-roster"' in roster_page.text  # a good one can be uploaded in its place


def test_a_gap_link_fills_the_form_it_opens_and_the_form_offers_the_rosters_units(tmp_path):
    """The link from a gap carries the form's own field names; the form takes them over its example."""
    from starlette.testclient import TestClient

    from lianzheng_docs.duties.batch import unit_field
    from lianzheng_docs.templating.catalog import Catalog
    from lianzheng_docs.web import create_app
    from lianzheng_docs.web.roster_store import keep_roster

    from conftest import ROOT
    from webpage import read_page

    root = tmp_path / "archive"
    root.mkdir()
    keep_roster(root, (ROOT / "docs" / "examples" / "名册.yaml").read_bytes(), "名册.yaml", "测试")
    name = unit_field(Catalog.default().get("responsibility_letter"))
    with TestClient(create_app(root, hosts=["testserver"])) as client:
        page = client.get(f"/templates/responsibility_letter?{name}=国库科&nonsense=1")
        values = read_page(page.text).values
        assert values[name] == "国库科" and "nonsense" not in values
        assert f'list="f-{name}-list"' in page.text
        assert '<option value="财政投资评审中心">' in page.text


def test_the_gap_a_filed_notice_opens_links_to_its_report_with_the_notices_number(client, root):
    """A 整改 report answers one 告知书: its link carries that notice's 文号, not the example's."""
    from lianzheng_docs.templating.examples import example_data

    from webpage import read_page

    template = Catalog.default().get("risk_notice")
    data = example_data(template.manifest, TODAY) | {"date": TODAY.isoformat(), "recipient": "预算科"}
    with Archive(root) as archive:
        notice = archive.file_rendered(template, data)
    page = client.get(f"/status?year={TODAY.year}")
    links = [link for link in gap_links(page.text) if link.startswith("/templates/rectification_report")]
    assert links and all(f"notice_number={notice.doc_number}" in unquote(link) for link in links)
    form = read_page(client.get(links[0]).text).values
    assert form["notice_number"] == notice.doc_number
