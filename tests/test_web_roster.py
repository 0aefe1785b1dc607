"""名册 on the desk (issue 17, item 2): upload a roster, see every problem by row and cell, keep it.

The upload is read by the library's roster reader, so the problems are the CLI's own (``lianzheng
roster show``), shown in a table of 行, 列, 问题; a bad upload, or a file that is no roster, leaves
the kept roster as it was; a good one replaces it and is written to the archive's audit log.
"""

from __future__ import annotations

import io
from html import unescape

import pytest
from openpyxl import Workbook
from starlette.testclient import TestClient

from lianzheng_docs.archive import Archive
from lianzheng_docs.duties.roster import RosterError, load_roster
from lianzheng_docs.duties.roster_tables import MAX_TEXT_BYTES
from lianzheng_docs.errors import DataFileError
from lianzheng_docs.web import create_app
from lianzheng_docs.web.access import Role, User
from lianzheng_docs.web.roster_pages import problem_row
from lianzheng_docs.web.roster_store import desk_folder, kept_roster, kept_roster_info, read_upload

from webpage import read_page

GOOD_CSV = "科室(单位),主要负责人,职务,分管领导,类别\n预算科,王晓东,科长,刘建华,科室\n国库科,陈静,科长,吴强,\n"
BAD_CSV = "科室(单位),主要负责人,职务,类别\n预算科,王晓东,科长,科室\n国库科,,科长,科室\n办公室,孙丽,主任,处室\n"
YAML = """bureau: ××市财政局
secretary: {name: 张建国, post: 局党组书记}
discipline_head: 李明华
units:
  - {科室(单位): 办公室, 主要负责人: 孙丽, 职务: 主任, 分管领导: 刘建华}
"""
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "名册"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def root(tmp_path):
    return tmp_path / "archive"


@pytest.fixture
def app(root):
    return create_app(root, hosts=["testserver"])


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client


def upload(client: TestClient, name: str, content: bytes, kind: str = "text/csv"):
    token = read_page(client.get("/roster").text).values["csrf"]
    return client.post("/roster", data={"csrf": token}, files={"roster": (name, content, kind)})


def problem_table(html: str) -> list[tuple[str, str, str]]:
    """The (行, 列, 问题) rows of the page's problem table."""
    import re

    start = html.index('class="list problems"')
    body = html[start : html.index("</table>", start)]
    cells = [[unescape(c) for c in re.findall(r"<td>(.*?)</td>", row)] for row in re.findall(r"<tr>(.*?)</tr>", body)]
    return [(row[0], row[1], row[2]) for row in cells if row]


# ---------------------------------------------------------------------- problems, all at once


def test_a_csv_with_bad_rows_shows_each_problem_by_row_and_column_and_keeps_nothing(client, root):
    answer = upload(client, "名册.csv", BAD_CSV.encode())
    assert answer.status_code == 422
    rows = problem_table(answer.text)
    assert rows == [("3", "第2列（主要负责人）", "国库科 的主要负责人不能为空"),
                    ("4", "第4列（类别）", "类别 '处室' 未知，应为 科室、二级机构 或 县区财政部门")]  # fmt: skip
    assert "名册 名册.csv 有 2 处问题，未保存" in unescape(answer.text)
    assert 'aria-invalid="true"' in answer.text
    assert kept_roster(root) is None and not (desk_folder(root) / "名册.csv").exists()


def test_an_xlsx_with_a_bad_row_names_the_cell(client, root):
    content = workbook([["科室(单位)", "主要负责人", "职务"], ["预算科", "王晓东", "科长"], ["国库科", None, "科长"],
                        ["预算科", "张三", "科长"]])  # fmt: skip
    answer = upload(client, "名册.xlsx", content, XLSX_TYPE)
    assert answer.status_code == 422
    rows = problem_table(answer.text)
    assert ("3", "B3（主要负责人）", "国库科 的主要负责人不能为空") in rows
    assert ("4", "A4（科室(单位)）", "预算科 重复，已出现在第2行") in rows
    assert "名册 名册.xlsx（工作表“名册”）有 2 处问题，未保存" in unescape(answer.text)  # as the library names it


def test_the_problems_are_the_librarys_own(tmp_path):
    """The same file read by ``lianzheng roster show``'s reader gives the same problems, in the same order."""
    path = tmp_path / "名册.csv"
    path.write_text(BAD_CSV, encoding="utf-8")
    with pytest.raises(RosterError) as from_cli:
        load_roster(path)
    with pytest.raises(RosterError) as from_desk:
        read_upload(BAD_CSV.encode(), "名册.csv")
    assert [problem_row(p) for p in from_cli.value.problems] == [problem_row(p) for p in from_desk.value.problems]


# ---------------------------------------------------------------------- keeping


def test_a_good_roster_is_kept_shown_and_read_as_the_cli_reads_it(client, root, tmp_path):
    answer = upload(client, "D:\\名册\\2025名册.csv", GOOD_CSV.encode())
    assert answer.status_code == 200, answer.text
    text = unescape(answer.text)
    assert "名册已保存" in text and "2 个单位，全部无误" in text and "2025名册.csv" in text
    assert "王晓东" in text and "陈静" in text and "吴强" in text
    kept = kept_roster_info(root)
    assert kept is not None and kept.filename == "2025名册.csv" and kept.actor.endswith("（网页，本机）")
    assert kept.kept_at.replace("T", " ") in text and kept.actor in text
    (tmp_path / "same.csv").write_text(GOOD_CSV, encoding="utf-8")
    assert kept_roster(root) == load_roster(tmp_path / "same.csv")
    again = client.get("/roster/file")
    assert again.status_code == 200 and again.content == GOOD_CSV.encode()


def test_a_yaml_roster_keeps_the_bureau_secretary_and_discipline_head(client, root):
    answer = upload(client, "名册.yaml", YAML.encode(), "application/yaml")
    assert answer.status_code == 200
    text = unescape(answer.text)
    assert "××市财政局" in text and "张建国" in text and "李明华" in text
    roster = kept_roster(root)
    assert roster is not None and roster.secretary == "张建国" and [u.name for u in roster.units] == ["办公室"]


def test_a_bad_upload_leaves_the_kept_roster_as_it_was(client, root):
    assert upload(client, "名册.csv", GOOD_CSV.encode()).status_code == 200
    before = kept_roster_info(root)
    answer = upload(client, "新名册.xlsx", workbook([["科室(单位)", "主要负责人"], ["预算科", None]]), XLSX_TYPE)
    assert answer.status_code == 422 and "原来保存的名册没有改变" in answer.text
    assert "预算科" in answer.text and "陈静" in answer.text  # the old one is still shown
    after = kept_roster_info(root)
    assert after == before and (desk_folder(root) / "名册.csv").read_bytes() == GOOD_CSV.encode()
    assert not (desk_folder(root) / "名册.xlsx").exists()
    # a good one of another kind replaces it, and the old file goes
    assert upload(client, "名册.yaml", YAML.encode()).status_code == 200
    assert not (desk_folder(root) / "名册.csv").exists()
    history = kept_roster_info(root).history
    assert history[0]["filename"] == "名册.csv"


@pytest.mark.parametrize(("name", "content", "said"), [
    ("名册.docx", b"PK\x03\x04 not a roster", "只接受 Excel（.xlsx）、CSV 或 YAML/JSON"),
    ("名册.xlsx", "科室,负责人\n预算科,王\n".encode(), "内容却是文本（看来是 CSV）"),
    ("名册.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "旧版 Excel 97-2003（.xls）"),
    ("名册.csv", b"", "是空的"),
    ("名册.csv", "姓名,电话\n王,1\n".encode(), "缺少“科室(单位)”列"),
])  # fmt: skip
def test_a_file_that_is_no_roster_is_refused_with_a_clear_message(client, root, name, content, said):
    assert upload(client, "名册.csv", GOOD_CSV.encode()).status_code == 200
    answer = upload(client, name, content)
    assert answer.status_code in (400, 422) and said in unescape(answer.text)
    assert "/tmp" not in answer.text and "Traceback" not in answer.text  # named as uploaded, no temporary path
    assert kept_roster(root) is not None and len(kept_roster(root).units) == 2


def test_an_oversized_upload_is_refused_before_it_is_read(client, root):
    token = read_page(client.get("/roster").text).values["csrf"]
    big = b"a" * (5 * 1024 * 1024)
    answer = client.post("/roster", data={"csrf": token}, files={"roster": ("名册.csv", big, "text/csv")})
    assert answer.status_code == 413 and "过大" in answer.text
    assert kept_roster(root) is None
    with pytest.raises(DataFileError, match=r"超过 10 MB 的上限"):  # the library's limit, behind the guard's
        read_upload(b"a" * (MAX_TEXT_BYTES + 1), "名册.csv")


def test_no_file_chosen_says_so(client):
    token = read_page(client.get("/roster").text).values["csrf"]
    answer = client.post("/roster", data={"csrf": token}, files={"roster": ("", b"", "application/octet-stream")})
    assert answer.status_code == 400 and "请选择要上传的名册文件" in answer.text


# ---------------------------------------------------------------------- who may, and the record of it


def test_a_post_without_the_forms_token_is_refused(client, root):
    answer = client.post("/roster", files={"roster": ("名册.csv", GOOD_CSV.encode(), "text/csv")})
    assert answer.status_code == 403 and kept_roster(root) is None


@pytest.mark.parametrize("role", [Role.READER, Role.SECTION, Role.DISCIPLINE])
def test_only_the_office_uploads_others_only_look(app, client, root, role):
    assert upload(client, "名册.csv", GOOD_CSV.encode()).status_code == 200
    app.state.desk.local_user = User(name="李四", role=role, unit="" if role is Role.READER else "预算科")
    page = client.get("/roster")
    assert page.status_code == 200 and "陈静" in page.text and 'type="file"' not in page.text
    token = read_page(page.text).values["csrf"]
    answer = client.post("/roster", data={"csrf": token}, files={"roster": ("名册.yaml", YAML.encode(), "text/yaml")})
    assert answer.status_code == 403 and "无权" in answer.text
    assert [u.name for u in kept_roster(root).units] == ["预算科", "国库科"]
    assert client.get("/roster/file").status_code == 403 and 'href="/roster/file"' not in page.text


def test_keeping_a_roster_is_written_to_the_archives_audit_log(client, root):
    with Archive(root):
        pass  # the archive exists (made by a first filing, say)
    assert upload(client, "名册.csv", GOOD_CSV.encode()).status_code == 200
    with Archive(root, create=False) as archive:
        (entry,) = [e for e in archive.history() if e.action == "roster"]
        assert entry.actor.endswith("（网页，本机）") and entry.detail["filename"] == "名册.csv"
        assert entry.detail["sha256"] == kept_roster_info(root).sha256
        assert archive.verify().ok  # the chain holds the new entry


def test_the_page_without_a_roster_says_so_and_the_file_route_is_404(client):
    page = client.get("/roster")
    assert page.status_code == 200 and 'id="no-roster"' in page.text and 'id="f-roster"' in page.text
    assert 'for="f-roster"' in page.text  # the file input has its label
    assert client.get("/roster/file").status_code == 404
