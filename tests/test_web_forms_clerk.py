"""The template form as a newcomer clerk met it: what misled them, and what the form says now.

- the form opens with the template's example data: a banner says so, the page carries a digest of
  it, and 归档 of the data unchanged is refused unless 「确认按示例数据归档」 is ticked;
- the archive's refusals (the same document again, a 成文日期 in the future) name the CLI's flags:
  on the desk they are messages with a checkbox (办公室 only), the date's at the date field;
- hints that misled (份号 in quotes, a person's missing name on the group, ``必填（单行文字），未提供``);
- the kept roster's suggestions (a 党组's field offered 科室, unit names as posts);
- the 归档 button by the template, 查看档案 on the filed page, the list by 文种, sentences in a textarea.

Pages are read as a browser reads them (:mod:`webpage`) and posted back with what a clerk changes.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
from starlette.testclient import TestClient

from lianzheng_docs import Archive
from lianzheng_docs.duties.roster import Roster, RosterUnit
from lianzheng_docs.templating.manifest import GONGWEN_KINDS
from lianzheng_docs.web import create_app
from lianzheng_docs.web.access import Role
from lianzheng_docs.web.accounts import Accounts
from lianzheng_docs.web.form_hints import RosterChoices
from lianzheng_docs.web.forms import read_form
from lianzheng_docs.web.roster_store import keep_roster

from webpage import read_page

TODAY = date(2026, 7, 1)
BANNER = "表单已预填示例数据（单位、人员、日期均为示例），请逐项核对改写后再归档"
PASSWORD = "廉政文书-2026-口令"


@pytest.fixture
def root(tmp_path):
    return tmp_path / "archive"


@pytest.fixture
def client(root):
    with TestClient(create_app(root, today=TODAY, hosts=["testserver"])) as test_client:
        yield test_client


def opened(client: TestClient, path: str = "/templates/risk_notice") -> dict[str, str]:
    page = client.get(path)
    assert page.status_code == 200
    return read_page(page.text).values


def filed(root) -> list:
    if not (root / "registry.sqlite3").exists():
        return []
    with Archive(root, create=False) as archive:
        return archive.list()


def field_error(html: str, field_id: str) -> str:
    found = re.search(rf'id="{field_id}-error">(.*?)</p>', html, re.S)
    return unescape(re.sub(r"<[^>]+>", "", found[1])) if found else ""


def summary_links(html: str) -> list[tuple[str, str]]:
    if 'id="error-summary"' not in html:
        return []
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    return [(target, unescape(text)) for target, text in re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary)]


def future() -> str:
    """A day after today as the archive sees it (its clock, not the desk's ``today``)."""
    return (date.today() + timedelta(days=40)).isoformat()


def deadlines_after_the_future() -> dict[str, str]:
    """The risk notice's deadlines moved after :func:`future` (the manifest puts them after its date)."""
    later = (date.today() + timedelta(days=70)).isoformat()
    return {"deadline": later, "findings[0].deadline": later, "findings[1].deadline": later}


# ---------------------------------------------------------------------- 1. example data


def test_every_form_opened_with_example_data_says_so_and_carries_its_digest(client, catalog):
    for template in catalog:
        page = client.get(f"/templates/{template.id}")
        note = re.search(r'<div class="example-note" role="note" id="example-note">(.*?)</div>', page.text, re.S)
        assert note and BANNER in note[1], template.id
        assert re.fullmatch(r"[0-9a-f]{64}", read_page(page.text).values["example-digest"]), template.id
    linked = client.get("/templates/risk_notice?recipient=预算科")  # a 落实情况 link fills some fields
    assert BANNER in linked.text and read_page(linked.text).values["recipient"] == "预算科"


def test_filing_the_example_unchanged_is_refused_until_the_clerk_confirms_it(client, root):
    values = opened(client)
    refused = client.post("/templates/risk_notice", data=values | {"action": "file"})
    assert refused.status_code == 409
    assert filed(root) == []
    text = unescape(refused.text)
    assert "与打开时的示例数据完全相同" in text and "请把各项改写为这份文件的实际内容后再归档" in text
    page = read_page(refused.text)
    box = page.attrs_by_id["confirm-example"]
    assert box["type"] == "checkbox" and box["form"] == "template-form" and "confirm-example" in page.label_for
    assert "checked" not in box and "confirm-example" not in page.values
    assert BANNER in text and "目前各项仍与示例完全相同" in text
    # ticked, it is filed as it is
    confirmed = client.post("/templates/risk_notice", data=page.values | {"confirm-example": "1", "action": "file"})
    assert confirmed.status_code == 200 and 'id="archival-code"' in confirmed.text
    assert [record.unit for record in filed(root)] == [values["recipient"]]


def test_the_example_filled_from_a_status_link_is_refused_the_same_way(client, root):
    values = opened(client, "/templates/risk_notice?recipient=预算科")
    refused = client.post("/templates/risk_notice", data=values | {"action": "file"})
    assert refused.status_code == 409 and "confirm-example" in read_page(refused.text).attrs_by_id
    assert filed(root) == []


def test_changed_data_is_filed_without_asking_and_the_digest_survives_other_buttons(client, root):
    values = opened(client)
    added = read_page(client.post("/templates/risk_notice", data=values | {"add": "findings"}).text).values
    assert added["example-digest"] == values["example-digest"]
    checked = client.post("/templates/risk_notice", data=values | {"action": "check"})
    assert checked.status_code == 200 and read_page(checked.text).values["example-digest"] == values["example-digest"]
    assert "目前各项仍与示例完全相同" in checked.text  # checking changes nothing
    changed = values | {"findings[0].problem": values["findings[0].problem"] + "另有120万元未拨付。"}
    page = client.post("/templates/risk_notice", data=changed | {"action": "file"})
    assert page.status_code == 200 and 'id="archival-code"' in page.text
    assert len(filed(root)) == 1


def test_download_and_check_of_the_example_are_never_refused(client):
    values = opened(client)
    assert client.post("/templates/risk_notice", data=values | {"action": "download"}).status_code == 200
    assert 'id="checked"' in client.post("/templates/risk_notice", data=values | {"action": "check"}).text


# ---------------------------------------------------------------------- 2. the archive's refusals


def test_filing_the_same_document_again_asks_and_files_it_when_the_box_is_ticked(client, root):
    values = opened(client) | {"recipient": "测试县财政局"}
    first = client.post("/templates/risk_notice", data=values | {"action": "file"})
    assert first.status_code == 200
    again = client.post("/templates/risk_notice", data=values | {"action": "file"})
    assert again.status_code == 409
    text = unescape(again.text)
    record = filed(root)[0]
    assert f"这份文件已归档，档号 {record.archival_code}（文号 {record.doc_number}）" in text
    assert "--allow-duplicate" not in text and "勾选“仍然归档：这是有意的重复”" in text
    assert f'href="/records/{record.id}"' in again.text  # the one filed before, linked
    page = read_page(again.text)
    assert page.attrs_by_id["allow-duplicate"]["type"] == "checkbox" and "allow-duplicate" in page.label_for
    assert len(filed(root)) == 1
    ticked = client.post("/templates/risk_notice", data=page.values | {"allow-duplicate": "1", "action": "file"})
    assert ticked.status_code == 200
    assert [r.doc_number for r in filed(root)][-1].endswith("〕2号") and len(filed(root)) == 2


def test_a_date_in_the_future_is_said_at_the_date_field_with_its_box(client, root):
    values = opened(client) | {"recipient": "测试县财政局", "date": future()} | deadlines_after_the_future()
    refused = client.post("/templates/risk_notice", data=values | {"action": "file"})
    assert refused.status_code == 422 and filed(root) == []
    error = field_error(refused.text, "f-date")  # the field the manifest files as 成文日期
    assert error.startswith(f"{future()} 晚于今天 {date.today().isoformat()}：日期在未来的文件不予归档")
    assert "--allow-future-date" not in unescape(refused.text) and "allow_future_date" not in refused.text
    assert summary_links(refused.text) == [("f-date", f"告知日期：{error}")]
    page = read_page(refused.text)
    box = page.attrs_by_id["f-date-confirm"]
    assert box["type"] == "checkbox" and box["name"] == "allow-future-date" and "f-date-confirm" in page.label_for
    # the box sits in the date field's own block, under its error
    block = refused.text.split('id="f-date-error"', 1)[1].split("</div>", 1)[0]
    assert 'id="f-date-confirm"' in block and "这是预先签署的文件，日期在未来" in block
    ticked = client.post("/templates/risk_notice", data=page.values | {"allow-future-date": "1", "action": "file"})
    assert ticked.status_code == 200, field_error(ticked.text, "f-date")
    text = unescape(ticked.text)
    assert f"成文日期 {future()} 晚于今天，已作为预先签署的文件归档" in text and "--allow-future-date" not in text
    assert [record.date for record in filed(root)] == [future()]


def test_a_ticked_box_stays_ticked_when_the_page_comes_back(client):
    values = opened(client) | {"recipient": "测试县财政局", "date": future()}
    again = client.post("/templates/risk_notice", data=values | {"allow-future-date": "1", "action": "check"})
    assert read_page(again.text).values.get("allow-future-date") == "1"


@pytest.fixture
def section(root):
    accounts = Accounts.of(root)
    accounts.add("keshi", PASSWORD, role=Role.SECTION, unit="预算科", display="李科员")
    accounts.close()
    client = TestClient(create_app(root, today=TODAY, hosts=["testserver"]))
    form = read_page(client.get("/login").text).values
    answer = client.post("/login", data=form | {"name": "keshi", "password": PASSWORD}, follow_redirects=False)
    assert answer.status_code == 303
    return client


def test_a_section_is_told_to_ask_the_office_and_cannot_tick_the_boxes(section, root):
    values = opened(section) | {"recipient": "预算科"}
    assert section.post("/templates/risk_notice", data=values | {"action": "file"}).status_code == 200
    again = section.post("/templates/risk_notice", data=values | {"allow-duplicate": "1", "action": "file"})
    assert again.status_code == 409 and "确需再归档一份的，请办公室归档" in unescape(again.text)
    assert "allow-duplicate" not in read_page(again.text).attrs_by_id  # no box to tick; one ticked by hand is not read
    late = values | {"date": future(), "findings[0].title": "另一个问题", "allow-future-date": "1", "action": "file"}
    late |= deadlines_after_the_future()
    refused = section.post("/templates/risk_notice", data=late)
    assert refused.status_code == 422 and "确是预先签署的文件，请办公室归档" in field_error(refused.text, "f-date")
    assert "f-date-confirm" not in read_page(refused.text).attrs_by_id
    assert len(filed(root)) == 1


# ---------------------------------------------------------------------- 3. hints


def test_the_copy_number_is_asked_for_without_quotes(client):
    page = read_page(client.get("/templates/dual_report").text)
    help_text = client.get("/templates/dual_report").text.split('id="f-copy_number-help">', 1)[1].split("</p>")[0]
    assert help_text.startswith("6 位数字，如 000001") and "引号" not in help_text and "'" not in unescape(help_text)
    assert page.attrs_by_id["f-copy_number"]["inputmode"] == "numeric"


def test_a_missing_name_is_said_at_the_name_box_and_an_empty_field_by_its_label(client):
    values = opened(client) | {"contact.name": "", "source": "", "findings[1].requirement": ""}
    page = client.post("/templates/risk_notice", data=values | {"action": "check"})
    assert page.status_code == 422
    assert field_error(page.text, "f-contact-name") == "请填写姓名"
    assert field_error(page.text, "f-contact") == ""  # not on the group
    assert read_page(page.text).attrs_by_id["f-contact-name"]["aria-invalid"] == "true"
    assert field_error(page.text, "f-source") == "请填写发现依据"
    assert field_error(page.text, "f-findings-1-requirement") == "请填写整改要求"
    assert dict(summary_links(page.text)) == {
        "f-source": "请填写发现依据",
        "f-findings-1-requirement": "请填写发现的问题 第2条 整改要求",  # where, in full
        "f-contact-name": "请填写联系人",
    }
    text = unescape(page.text)
    assert "未提供" not in text and "缺少 name" not in text and "post（职务）" not in text
    nobody = client.post("/templates/risk_notice", data=opened(client) | {"contact.name": "", "contact.post": "",
                                                                          "action": "check"})  # fmt: skip
    assert field_error(nobody.text, "f-contact-name") == "请填写姓名"


def test_the_cli_and_the_api_keep_the_librarys_words(client):
    example = client.get("/api/templates/risk_notice").json()["example"]
    del example["source"]
    answer = client.post("/api/templates/risk_notice/validate", json=example)
    assert answer.json()["problems"] == [{"path": "source", "label": "发现依据", "message": "必填（单行文字），未提供"}]


# ---------------------------------------------------------------------- 4. the roster's suggestions

ROSTER = """bureau: ××市财政局
secretary: 张建国
discipline_head: 李明华
units:
  - {科室(单位): 预算科, 主要负责人: 王晓东, 职务: 科长}
  - {科室(单位): 办公室, 主要负责人: 孙丽}
"""


def datalist(html: str, field_id: str) -> list[str] | None:
    found = re.search(rf'<datalist id="{field_id}-list">(.*?)</datalist>', html, re.S)
    return [unescape(v) for v in re.findall(r'<option value="([^"]*)">', found[1])] if found else None


def test_a_party_group_field_is_offered_the_party_group_and_posts_are_only_posts(client, root):
    keep_roster(root, ROSTER.encode(), "名册.yaml", "测试")
    page = client.get("/templates/responsibility_letter").text
    assert datalist(page, "f-party_group") == ["中共××市财政局党组"]  # 甲方（局党组）: not a 科室
    assert datalist(page, "f-discipline_group") is None  # 甲方（驻局纪检组）: the roster names none
    assert datalist(page, "f-department") == ["预算科", "办公室"]  # 乙方科室（单位）
    assert datalist(page, "f-secretary-post") == ["预算科科长"]  # 办公室 has no post: not offered as one
    notice = client.get("/templates/risk_notice").text
    assert datalist(notice, "f-recipient") == ["预算科", "办公室"]  # 被告知单位: the unit filed under
    assert datalist(notice, "f-issuer") == ["××市财政局", "中共××市财政局党组"]  # 告知单位: the bureau's side
    assert datalist(notice, "f-reply_to") == ["××市财政局", "中共××市财政局党组"]  # 整改情况报送单位: never a 科室


def test_roster_choices_offer_no_unit_name_as_a_post():
    roster = Roster((RosterUnit("预算科", "王晓东", "科长"), RosterUnit("国库科", "陈静"),
                     RosterUnit("办公室", "孙丽", "办公室主任")), bureau="××市财政局")  # fmt: skip
    choices = RosterChoices.of(roster)
    assert choices.posts == ("预算科科长", "办公室主任")
    assert choices.party_group == ("中共××市财政局党组",)
    assert RosterChoices.of(Roster((RosterUnit("预算科", "王晓东"),))).bureau == ()


# ---------------------------------------------------------------------- 5. smaller things


def test_the_file_button_says_a_number_is_given_only_when_the_template_has_one(client, catalog):
    for template in catalog:
        page = client.get(f"/templates/{template.id}").text
        button = re.search(r'<button type="submit" name="action" value="file">(.*?)</button>', page)[1]
        numbered = template.manifest.field("doc_number") is not None
        assert button == ("归档（编文号）" if numbered else "归档"), template.id


def test_the_filed_page_links_to_the_record(client, root):
    values = opened(client, "/templates/admonition_record") | {"place": "局机关5楼会议室"}
    page = client.post("/templates/admonition_record", data=values | {"action": "file"})
    assert page.status_code == 200
    (record,) = filed(root)
    assert record.doc_number in (None, "") and "（无）" in page.text
    link = read_page(page.text).attrs_by_id["record-link"]
    assert link["href"] == f"/records/{record.id}" and ">查看档案<" in page.text
    assert client.get(link["href"]).status_code == 200


def test_the_template_list_is_by_kind_then_title_without_ids(client, catalog):
    page = client.get("/templates").text
    table = page.split('id="templates"', 1)[1].split("</table>", 1)[0]
    assert ">id<" not in table and "<code>" not in table
    groups = re.findall(r"<tbody>(.*?)</tbody>", table, re.S)
    kinds = [re.search(r'class="kind">(.*?)</th>', group)[1] for group in groups]
    titles = [[unescape(t) for t in re.findall(r'<a href="/templates/[^"]+">(.*?)</a>', group)] for group in groups]
    assert sorted(t for group in titles for t in group) == sorted(template.title for template in catalog)
    assert all(group == sorted(group) for group in titles)
    assert len(kinds) == len(set(kinds))  # each 文种 once
    official = [kind for kind in kinds if kind in GONGWEN_KINDS]
    assert kinds[: len(official)] == official and official[:3] == ["决定", "意见", "通知"]


def test_a_sentence_is_a_textarea_and_is_read_back_as_one_line(client, catalog):
    page = client.get("/templates/risk_notice").text
    area = re.search(r'<textarea id="f-findings-0-problem"[^>]*rows="(\d)"', page)
    assert area and area[1] in ("2", "3")
    assert '<input type="text" id="f-findings-0-title"' in page  # a short one stays a line
    values = opened(client) | {"findings[0].problem": "资金滞留县级财政。\r\n未按规定拨付到项目单位。"}
    checked = client.post("/templates/risk_notice", data=values | {"action": "check"})
    assert checked.status_code == 200 and 'id="checked"' in checked.text
    assert read_page(checked.text).values["findings[0].problem"] == "资金滞留县级财政。 未按规定拨付到项目单位。"
    specs = catalog.get("risk_notice").manifest.fields
    assert read_form(specs, {"source": "第一行\n 第二行 \n"})["source"] == "第一行 第二行"
