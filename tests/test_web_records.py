"""档案 on the desk: the 归档文件目录 (columns, filters, paging, newest year first), one record's page
(metadata, files, audit trail with the view itself), downloads of every file role (audited), and
what is refused: another unit's record for a 科室 account, paths out of the archive, markup in data.

Documents are filed through the library (``Archive.file_rendered``) with the templates' example
data, varied where a test needs several; pages are read as a browser reads them (:mod:`webpage`).
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfWriter
from starlette.testclient import TestClient

from lianzheng_docs import Archive, Catalog
from lianzheng_docs.archive import Record
from lianzheng_docs.templating.examples import example_data
from lianzheng_docs.web import create_app, records_pages
from lianzheng_docs.web.access import Role, User, can_see

from webpage import read_page

TODAY = date(2026, 11, 30)
CATALOG = Catalog.default()
COLUMNS = ["档号", "文号", "责任者", "题名", "日期", "页数", "密级", "保管期限", "备注"]


# ---------------------------------------------------------------------- helpers (test_web_search uses them too)


def file_notice(root: Path, recipient: str = "办公室", *, when: date | None = None, **changes: Any) -> Record:
    """A 廉政风险告知书 to ``recipient`` (its 单位 and part of its 题名), filed; ``changes`` to its data."""
    template = CATALOG.get("risk_notice")
    data = example_data(template.manifest, TODAY) | {"recipient": recipient} | changes
    if when is not None:
        data["date"] = when
    with Archive(root) as archive:
        return archive.file_rendered(template, data)


def file_bulletin(root: Path) -> Record:
    """A 责任追究通报 (文种 通报, no 单位): what a 纪检组 account sees whatever unit filed it."""
    template = CATALOG.get("accountability_bulletin")
    with Archive(root) as archive:
        return archive.file_rendered(template, example_data(template.manifest, TODAY))


def client_for(root: Path, user: User | None = None) -> TestClient:
    """The desk on ``root``; with ``user``, every request is theirs (the local user replaced)."""
    app = create_app(root, hosts=["testserver"], today=TODAY)
    if user is not None:
        app.state.desk.local_user = user
    return TestClient(app)


def history(root: Path, record_id: int) -> list[Any]:
    with Archive(root, create=False) as archive:
        return archive.history(record_id=record_id)


class Tables(HTMLParser):
    """Every table's rows as lists of cell texts, by the table's id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.links: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._table = a.get("id") or ""
            self.tables[self._table], self.links[self._table] = [], []
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append([])
            self.links[self._table].append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []
        elif tag == "a" and self._table is not None and a.get("href"):
            self.links[self._table][-1].append(a["href"] or "")

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None


def tables(html: str) -> Tables:
    parsed = Tables()
    parsed.feed(html)
    return parsed


def catalogue_rows(html: str) -> list[list[str]]:
    """The 目录's record rows (not its header or year headings), in the cells of :data:`COLUMNS` (a column the
    page leaves out as empty)."""
    rows = tables(html).tables.get("catalogue", [])  # no table when nothing is listed
    if not rows:
        return []
    header = rows[0]
    return [[dict(zip(header, row, strict=True)).get(name, "") for name in COLUMNS]
            for row in rows[1:] if len(row) == len(header)]  # fmt: skip


def options(html: str, select_id: str) -> list[str]:
    found = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert found, select_id
    return [unescape(v) for v in re.findall(r'<option value="([^"]*)"', found.group(1)) if v]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "archive"


@pytest.fixture
def client(root: Path):
    with client_for(root) as test_client:
        yield test_client


# ---------------------------------------------------------------------- the 归档文件目录


def test_before_anything_is_filed_the_directory_says_how_to_file_the_first_document(client, root):
    page = client.get("/records")
    assert page.status_code == 200
    assert "档案中还没有文件" in page.text and 'id="empty-archive"' in page.text
    assert 'href="/templates"' in page.text and "归档（编文号）" in page.text
    assert not root.exists()  # reading makes no archive


def test_the_directory_shows_the_catalogue_columns_newest_year_first(client, root):
    older = file_notice(root, "预算科", when=date(2025, 3, 1))
    newer = file_notice(root, "办公室")
    page = client.get("/records")
    assert page.status_code == 200
    assert tables(page.text).tables["catalogue"][0] == [c for c in COLUMNS if c not in ("页数", "密级")]
    assert page.text.index('id="year-2026"') < page.text.index('id="year-2025"')
    rows = catalogue_rows(page.text)
    assert [row[0] for row in rows] == [newer.archival_code, older.archival_code]
    _code, number, author, title, when, _pages, _secrecy, retention, note = rows[0]
    assert (number, author, title) == (newer.doc_number, "××市财政局", "廉政风险告知书（办公室）")
    assert (when, retention, note) == ("20260615", "定期30年", "办公室")
    assert rows[1][4] == "20250301" and rows[1][8] == "预算科"
    assert tables(page.text).links["catalogue"][2] == [f"/records/{newer.id}"]  # the 题名 opens the record
    assert "共 2 件" in page.text


def test_the_filters_offer_what_the_archive_holds_and_narrow_the_directory(client, root):
    notice_2025 = file_notice(root, "预算科", when=date(2025, 3, 1))
    notice_2026 = file_notice(root, "办公室")
    bulletin = file_bulletin(root)
    page = client.get("/records").text
    assert options(page, "f-year") == ["2026", "2025"]
    assert options(page, "f-kind") == ["告知书", "通报"]
    assert options(page, "f-unit") == ["办公室", "预算科"]
    for query, expected in [({"year": "2025"}, [notice_2025]), ({"kind": "通报"}, [bulletin]),
                            ({"unit": "办公室"}, [notice_2026]), ({"year": "2026", "kind": "告知书"}, [notice_2026]),
                            ({"unit": "没有的科室"}, [])]:  # fmt: skip
        filtered = client.get("/records", params=query)
        assert filtered.status_code == 200
        if expected:
            assert [row[0] for row in catalogue_rows(filtered.text)] == [r.archival_code for r in expected]
        else:
            assert "没有符合筛选条件的档案" in filtered.text
        assert f"共 {len(expected)} 件" in filtered.text
        form = read_page(filtered.text).values
        assert all(form[name] == value for name, value in query.items())  # the choice is kept
    bad = client.get("/records", params={"year": "二〇二六"})
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.text and "年度应为四位数的年份" in unescape(bad.text)


def test_the_directory_is_read_a_page_at_a_time(client, root, monkeypatch):
    monkeypatch.setattr(records_pages, "PAGE_SIZE", 2)
    filed = [file_notice(root, f"第{n}科", when=date(2025 + n % 2, 3, n + 1)) for n in range(5)]
    asked: list[dict[str, Any]] = []
    listed = Archive.list

    def spy(self: Archive, **kwargs: Any) -> list[Record]:
        asked.append(kwargs)
        return listed(self, **kwargs)

    monkeypatch.setattr(Archive, "list", spy)
    with Archive(root) as archive:
        order = [r.archival_code for r in listed(archive, newest_first=True)]
    assert order[0].startswith("Z001-WS·2026") and order[-1].startswith("Z001-WS·2025")
    pages = [catalogue_rows(client.get("/records", params={"page": n}).text) for n in (1, 2, 3)]
    assert [row[0] for rows in pages for row in rows] == order
    assert all(call["limit"] <= 2 for call in asked)  # never the whole archive for one page
    second = client.get("/records", params={"page": "2"}).text
    assert "第 2 / 3 页" in second and 'aria-current="page"' in second
    assert 'href="/records?page=1" rel="prev"' in second and 'href="/records?page=3" rel="next"' in second
    assert [row[0] for row in catalogue_rows(client.get("/records?page=99").text)] == order[4:]  # the last page
    kept = client.get("/records", params={"year": "2025", "page": "1"}).text
    assert 'href="/records?year=2025&amp;page=2"' in kept  # the filters stay on the pager's links
    assert len(filed) == 5


# ---------------------------------------------------------------------- one record


def test_the_record_page_shows_metadata_files_and_its_audit_trail_with_this_view(client, root):
    record = file_notice(root, "办公室")
    page = client.get(f"/records/{record.id}")
    assert page.status_code == 200
    meta = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page.text))
    assert meta["档号"] == record.archival_code and meta["文件编号（文号）"] == record.doc_number
    assert unescape(meta["题名"]) == "廉政风险告知书（办公室）" and meta["保管期限"] == "定期30年"
    assert meta["责任者"] == "××市财政局" and meta["日期"] == "2026-06-15" and meta["文种"] == "告知书"
    assert meta["单位（科室）"] == "办公室" and meta["来源"] == "本系统生成" and meta["门类代码"] == "WS（文书）"
    parsed = tables(page.text)
    (stored,) = record.files
    assert parsed.tables["files"][1][:4] == ["原件", "docx", parsed.tables["files"][1][2], stored.sha256]
    assert parsed.links["files"][1] == [f"/records/{record.id}/files/original"]
    trail = parsed.tables["history"][1:]
    assert [row[1] for row in trail] == ["查看", "归档"]  # newest first: this very view on top
    assert trail[0][2].endswith("（网页，本机）")
    (filed, viewed) = history(root, record.id)
    assert (filed.action, viewed.action, viewed.actor) == ("file", "view", trail[0][2])


def test_every_file_role_downloads_as_stored_and_each_download_is_audited(client, root, tmp_path):
    record = file_notice(root, "办公室")
    pdf = tmp_path / "copy.pdf"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    with pdf.open("wb") as out:
        writer.write(out)
    with Archive(root) as archive:
        record = archive.attach(record.id, pdf, role="pdf")
    page = client.get(f"/records/{record.id}").text
    assert f'href="/records/{record.id}/files/original"' in page and f'href="/records/{record.id}/files/pdf"' in page
    for stored in record.files:
        answer = client.get(f"/records/{record.id}/files/{stored.role}")
        assert answer.status_code == 200
        assert answer.content == (root / stored.path).read_bytes()
        assert answer.headers["content-disposition"].endswith(".docx" if stored.role == "original" else ".pdf")
    assert client.get(f"/records/{record.id}/download").content == (root / record.files[0].path).read_bytes()
    downloads = [e for e in history(root, record.id) if e.action == "download"]
    assert [e.detail["file"] for e in downloads] == ["original", "pdf", "original"]
    assert all(e.actor.endswith("（网页，本机）") for e in downloads)
    before = len(history(root, record.id))
    assert client.get(f"/records/{record.id}/files/ofd").status_code == 404  # a role it does not have
    assert len(history(root, record.id)) == before


def test_a_missing_record_is_404_and_so_is_any_record_before_the_archive_exists(client, root):
    assert client.get("/records/1").status_code == 404
    assert not root.exists()
    file_notice(root)
    missing = client.get("/records/99")
    assert missing.status_code == 404 and "99" in missing.text


# ---------------------------------------------------------------------- who sees what


def test_a_section_account_sees_only_its_units_records(root):
    own = file_notice(root, "办公室")
    other = file_notice(root, "预算科")
    with client_for(root, User(name="张三", role=Role.SECTION, unit="办公室")) as client:
        page = client.get("/records").text
        assert [row[0] for row in catalogue_rows(page)] == [own.archival_code]
        assert "共 1 件" in page and options(page, "f-unit") == ["办公室"]  # other units are not even named
        assert catalogue_rows(client.get("/records", params={"unit": "预算科"}).text) == []
        assert client.get(f"/records/{own.id}").status_code == 200
        before = len(history(root, other.id))
        refused = client.get(f"/records/{other.id}")
        assert refused.status_code == 403 and "预算科" not in refused.text
        assert client.get(f"/records/{other.id}/files/original").status_code == 403
        assert client.get(f"/records/{other.id}/download").status_code == 403
    assert len(history(root, other.id)) == before  # neither a view nor a download was logged


def test_a_discipline_account_sees_its_unit_and_every_bulletin_a_page_at_a_time(root, monkeypatch):
    file_notice(root, "办公室")
    own = file_notice(root, "预算科")
    bulletin = file_bulletin(root)
    with Archive(root) as archive:
        order = [r.archival_code for r in archive.list(newest_first=True) if r.id in (own.id, bulletin.id)]
    monkeypatch.setattr(records_pages, "PAGE_SIZE", 1)
    with client_for(root, User(name="李四", role=Role.DISCIPLINE, unit="预算科")) as client:
        first, second = (client.get("/records", params={"page": n}).text for n in (1, 2))
        assert "共 2 件" in first and "第 1 / 2 页" in first
        assert [catalogue_rows(first)[0][0], catalogue_rows(second)[0][0]] == order
        assert client.get(f"/records/{bulletin.id}").status_code == 200


def test_who_sees_which_record_is_the_table_of_the_access_module(root):
    """办公室 and 只读 see all; a 科室 its unit; a 纪检组 its unit and every 通报; no unit, nothing of a unit's."""
    office, budget, bulletin = file_notice(root, "办公室"), file_notice(root, "预算科"), file_bulletin(root)
    expected = {
        User("a", Role.OFFICE): {office.id, budget.id, bulletin.id},
        User("a", Role.READER): {office.id, budget.id, bulletin.id},
        User("b", Role.SECTION, unit="预算科"): {budget.id} | ({bulletin.id} if bulletin.unit == "预算科" else set()),
        User("c", Role.SECTION): set(),
        User("d", Role.DISCIPLINE, unit="纪检组"): {bulletin.id} | ({office.id} if office.unit == "纪检组" else set()),
    }
    for user, ids in expected.items():
        assert {r.id for r in (office, budget, bulletin) if can_see(user, r)} == ids, user
        with client_for(root, user) as client:
            listed = client.get("/records").text
        assert {r.id for r in (office, budget, bulletin) if f'href="/records/{r.id}"' in listed} == ids, user


# ---------------------------------------------------------------------- security


def test_markup_in_titles_and_data_is_shown_as_text(client, root):
    record = file_notice(root, "<script>alert('目录')</script>", source="<img src=x onerror=alert(1)>的审计")
    for path in ("/records", f"/records/{record.id}", "/records?unit=<script>alert(2)</script>"):
        page = client.get(path).text
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(" in page


@pytest.mark.parametrize(
    "path",
    [
        "/records/1/files/..%2F..%2Fregistry.sqlite3",
        "/records/1/files/%2e%2e",
        "/records/1%2F..%2F..%2Fregistry.sqlite3",
        "/records/..%2Fregistry.sqlite3",
        "/records/-1",
        "/records/1/download/..%2F..%2Fregistry.sqlite3",
        "/records/files/original",
    ],
)
def test_paths_out_of_the_archive_are_refused_on_record_routes(client, root, path):
    record = file_notice(root)
    answer = client.get(path)
    assert answer.status_code in (400, 404), answer.status_code
    assert b"SQLite format" not in answer.content
    assert [e.action for e in history(root, record.id)] == ["file"]


def test_a_stored_path_out_of_the_archive_is_not_served_by_role(client, root, tmp_path):
    record = file_notice(root)
    (tmp_path / "outside.docx").write_bytes(b"not the archive's")
    with Archive(root) as archive:
        archive.registry.db.execute("UPDATE files SET path = '../outside.docx' WHERE record_id = ?", (record.id,))
    answer = client.get(f"/records/{record.id}/files/original")
    assert answer.status_code == 404 and b"not the archive" not in answer.content
    assert [e.action for e in history(root, record.id)] == ["file"]


# ---------------------------------------------------------------------- what a clerk reads: names, not codes


def test_the_record_page_names_its_template_by_its_title_and_by_its_id_once_it_is_gone(client, root):
    record = file_notice(root, "办公室")
    meta = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", client.get(f"/records/{record.id}").text))
    assert record.template_id == "risk_notice"
    assert unescape(meta["模板"]) == CATALOG.get("risk_notice").title == "廉政风险告知书"
    with Archive(root) as archive:
        archive.registry.db.execute("UPDATE records SET template_id = 'retired_notice' WHERE id = ?", (record.id,))
    meta = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", client.get(f"/records/{record.id}").text))
    assert unescape(meta["模板"]) == "retired_notice（本机已无此模板）"


def test_a_column_no_record_on_the_page_fills_is_left_out_and_the_page_says_so(client, root, tmp_path):
    import pymupdf

    from lianzheng_docs.archive import RecordMeta

    file_notice(root, "办公室")  # made from a template: no 页数, no 密级
    page = client.get("/records").text
    header = tables(page).tables["catalogue"][0]
    assert "页数" not in header and "密级" not in header and "文号" in header
    assert "本页的档案都没有登记页数、密级，这几列未列出。" in page
    assert 'colspan="7"' in page  # the year's heading spans the columns shown
    path = tmp_path / "received.pdf"
    doc = pymupdf.open()
    for _ in range(2):
        doc.new_page()
    doc.save(path)
    with Archive(root) as archive:
        received = archive.add(path, RecordMeta(title="外来文件", kind="通知", unit="办公室"))
    assert received.page_count == 2
    page = client.get("/records").text
    header = tables(page).tables["catalogue"][0]
    assert "页数" in header and "密级" not in header and 'colspan="8"' in page
    assert "没有登记密级，这一列未列出" in page
    row = next(row for row in catalogue_rows(page) if row[3] == "外来文件")
    assert row[5] == "2" and row[1] == "" and row[8] == "办公室；外来文件"
