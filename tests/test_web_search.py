"""检索 on the desk: the box and its filters, highlighted fragments built safely, paging, the count,
what the engine rejects shown at the box, and only the records the user may see found and counted.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from test_web_records import client_for, file_bulletin, file_notice, options

from lianzheng_docs import Archive
from lianzheng_docs.search import Fragment
from lianzheng_docs.search.text import fragments
from lianzheng_docs.web import search_pages
from lianzheng_docs.web.access import Role, User
from lianzheng_docs.web.search_pages import fragment_pieces, joined, marked

from webpage import read_page


@pytest.fixture
def root(tmp_path):
    return tmp_path / "archive"


@pytest.fixture
def client(root):
    with client_for(root) as test_client:
        yield test_client


def hits(html: str) -> list[str]:
    """The record links of the results, in order."""
    found = re.search(r'<ol class="hits"[^>]*>(.*?)</ol>', html, re.S)
    return re.findall(r'<p class="hit-title"><a href="(/records/\d+)">', found.group(1)) if found else []


def marks(html: str) -> list[str]:
    return [unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", html)]


def test_an_empty_query_shows_the_form_with_its_filters_and_no_error(client, root):
    file_notice(root, "办公室")
    page = client.get("/search")
    assert page.status_code == 200
    form = read_page(page.text)
    controls = {"q": "q", "f-kind": "kind", "f-unit": "unit", "f-year": "year", "f-since": "since", "f-until": "until"}
    assert {form.attrs_by_id[i]["name"] for i in controls} == set(controls.values())
    assert set(controls) <= form.label_for
    assert options(page.text, "f-kind") == ["告知书"] and options(page.text, "f-unit") == ["办公室"]
    assert 'id="count"' not in page.text and 'class="error"' not in page.text
    assert client.get("/search", params={"q": "   "}).status_code == 200


def test_without_an_archive_the_form_says_there_is_nothing_yet(client, root):
    page = client.get("/search", params={"q": "风险"})
    assert page.status_code == 200 and "档案中还没有文件" in page.text
    assert not root.exists()


def test_a_word_of_a_filed_document_finds_it_with_highlighted_fragments_and_a_link(client, root):
    record = file_notice(root, "办公室")
    file_notice(root, "预算科", source="财政局内部审计")
    page = client.get("/search", params={"q": "审计局"})
    assert page.status_code == 200
    assert "找到 1 件" in page.text
    assert hits(page.text) == [f"/records/{record.id}"]
    assert marks(page.text) and set(marks(page.text)) == {"审计局"}
    fragment = re.search(r'<p class="fragment">(.*?)</p>', page.text, re.S)
    assert fragment and "市<mark>审计局</mark>2026年3月" in fragment.group(1)
    assert "【" not in unescape(fragment.group(1))  # the engine's brackets are not shown
    by_number = client.get("/search", params={"q": record.doc_number})
    assert hits(by_number.text) == [f"/records/{record.id}"] and record.doc_number in marks(by_number.text)
    assert client.get(hits(page.text)[0]).status_code == 200


def test_the_filters_narrow_the_results(client, root):
    older = file_notice(root, "预算科", when=date(2025, 3, 1))
    newer = file_notice(root, "办公室")
    bulletin = file_bulletin(root)
    every = hits(client.get("/search", params={"q": "财政局"}).text)
    assert set(every) == {f"/records/{r.id}" for r in (older, newer, bulletin)}
    cases = [({"kind": "告知书"}, [older, newer]), ({"kind": "通报"}, [bulletin]), ({"unit": "预算科"}, [older]),
             ({"year": "2025"}, [older]), ({"since": "2026-06-01", "until": "2026-06-30"}, [newer]),
             ({"since": "2026-07-01"}, [bulletin])]  # fmt: skip
    for filters, expected in cases:
        page = client.get("/search", params={"q": "财政局", **filters})
        assert set(hits(page.text)) == {f"/records/{r.id}" for r in expected}, filters
        assert f"找到 {len(expected)} 件" in page.text
        kept = read_page(page.text).values
        assert all(kept[name] == value for name, value in filters.items())


def test_filters_that_cannot_be_read_are_named_at_their_fields(client, root):
    file_notice(root)
    for params, field, message in [({"since": "2026/6/1"}, "f-since", "应写作 2026-01-15"),
                                   ({"until": "2026-02-30"}, "f-until", "这一天不存在"),
                                   ({"since": "2026-07-01", "until": "2026-06-01"}, "f-until", "早于起始日期"),
                                   ({"year": "26"}, "f-year", "四位数的年份")]:  # fmt: skip
        page = client.get("/search", params={"q": "风险", **params})
        assert page.status_code == 422
        assert f'id="{field}-error"' in page.text and message in unescape(page.text)
        assert read_page(page.text).attrs_by_id[field]["aria-invalid"] == "true"


def test_a_query_the_engine_rejects_is_answered_at_the_box(client, root):
    file_notice(root)
    page = client.get("/search", params={"q": "\x01\x02"})
    assert page.status_code == 422
    assert 'id="q-error"' in page.text and "控制字符" in page.text
    assert read_page(page.text).attrs_by_id["q"]["aria-invalid"] == "true"
    long = client.get("/search", params={"q": "风" * 201})
    assert long.status_code == 422 and "最多 200 个字符" in long.text


def test_results_are_paged_and_each_page_keeps_the_query(client, root, monkeypatch):
    monkeypatch.setattr(search_pages, "PAGE_SIZE", 2)
    filed = [file_notice(root, f"第{n}科") for n in range(5)]
    with Archive(root, create=False) as archive:
        order = [f"/records/{hit.id}" for hit in archive.search("财政资金", limit=10).hits]
    assert sorted(order) == sorted(f"/records/{r.id}" for r in filed)
    pages = [client.get("/search", params={"q": "财政资金", "page": n}).text for n in (1, 2, 3)]
    assert [link for page in pages for link in hits(page)] == order
    assert "找到 5 件，第 2 / 3 页" in pages[1]
    assert 'href="/search?q=%E8%B4%A2%E6%94%BF%E8%B5%84%E9%87%91&amp;page=3" rel="next"' in pages[1]
    assert '<ol class="hits" start="3"' in pages[1]
    assert hits(client.get("/search", params={"q": "财政资金", "page": "9"}).text) == order[4:]


def test_the_query_and_the_data_are_escaped_and_the_highlight_is_the_pages_own(client, root):
    file_notice(root, "办公室", source="<img src=x onerror=alert(1)>【风险】<mark>审计</mark>")
    attack = "<script>alert(1)</script>"
    page = client.get("/search", params={"q": attack})
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    found = client.get("/search", params={"q": "onerror"}).text
    assert "<img" not in found and "<mark>审计</mark>" not in found
    assert "&lt;img src=x <mark>onerror</mark>=alert(1)&gt;【风险】&lt;mark&gt;审计&lt;/…" in found
    brackets = client.get("/search", params={"q": "风险】<mark"}).text
    assert "<mark>风险】&lt;mark</mark>" in brackets


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("见【通知】和通知的要求", "通知"),  # data's own brackets before the match
        ("【通知】", "通知"),
        ("文件说【风险】", "【风险】"),
        ("ＡＢＣ　全角和 abc", "abc"),
        ("第一行\n第二行的廉政风险", "廉政风险"),
        ("x" * 60 + "【风险】" + "y" * 60 + "风险" + "z" * 60, "风险"),
    ],
)
def test_fragments_are_cut_into_pieces_at_every_match_without_the_engines_brackets(text, query):
    for fragment in fragments(text, query):
        pieces = fragment_pieces(fragment, query)
        plain = "".join(piece for piece, _ in pieces)
        engine = fragment.text
        assert len(plain) == len(engine) - 2  # one pair taken out, nothing else
        matched = text[fragment.start : fragment.end].replace("\n", "")
        assert any(m and piece == matched for piece, m in pieces)
        assert plain.replace("…", "") in text.replace("\n", "")


@pytest.mark.parametrize(
    ("text", "query", "count"),
    [
        ("甲" * 40 + "资金滞留，乙乙滞留资金" + "丙" * 60 + "滞留" + "丁" * 80, "滞留", 2),  # the first two are close
        ("甲" * 40 + "滞留" + "乙" * 60 + "滞留" + "丙" * 40, "滞留", 2),  # far apart: two excerpts
        ("【滞留】滞留【滞留】" + "乙" * 30, "滞留", 1),
        ("甲" * 30 + "滞\n留与滞留" + "乙" * 30, "滞留", 1),
    ],
)
def test_fragments_close_together_are_joined_into_one_excerpt(text, query, count):
    excerpts = joined(fragments(text, query), query)
    assert len(excerpts) == count
    flat = text.replace("\n", "")
    for excerpt in excerpts:
        assert excerpt.strip("…") in flat  # nothing repeated, nothing of the engine's left in
        assert excerpt.startswith("…") == (not flat.startswith(excerpt.strip("…")))
    assert sum(piece for _, piece in marked("".join(excerpts), query)) >= min(3, text.count(query))


def test_marked_finds_matches_as_the_engine_does():
    assert marked("廉政风险告知书", "风险") == [("廉政", False), ("风险", True), ("告知书", False)]
    assert marked("ＡＢＣ与abc", "abc") == [("ＡＢＣ", True), ("与", False), ("abc", True)]
    assert marked("", "x") == [] and marked("文字", "") == [("文字", False)]
    assert fragment_pieces(Fragment("无标记的文字", 0, 2), "标记") == [("无", False), ("标记", True), ("的文字", False)]


def test_a_section_account_finds_and_counts_only_its_units_records(root):
    own = file_notice(root, "办公室")
    file_notice(root, "预算科")
    file_bulletin(root)
    with client_for(root, User(name="张三", role=Role.SECTION, unit="办公室")) as client:
        page = client.get("/search", params={"q": "财政局"}).text
        assert hits(page) == [f"/records/{own.id}"] and "找到 1 件" in page
        assert options(page, "f-unit") == ["办公室"]
        other = client.get("/search", params={"q": "财政局", "unit": "预算科"}).text
        assert hits(other) == [] and "没有找到" in other


def test_a_discipline_account_finds_its_unit_and_every_bulletin_in_the_engines_order(root, monkeypatch):
    file_notice(root, "办公室")
    own = file_notice(root, "预算科")
    bulletin = file_bulletin(root)
    with Archive(root, create=False) as archive:
        order = [f"/records/{h.id}" for h in archive.search("财政局", limit=10).hits if h.id in (own.id, bulletin.id)]
    monkeypatch.setattr(search_pages, "PAGE_SIZE", 1)
    with client_for(root, User(name="李四", role=Role.DISCIPLINE, unit="预算科")) as client:
        pages = [client.get("/search", params={"q": "财政局", "page": n}).text for n in (1, 2)]
        assert "找到 2 件，第 1 / 2 页" in pages[0]
        assert [link for page in pages for link in hits(page)] == order
        only_bulletins = client.get("/search", params={"q": "财政局", "kind": "通报"}).text
        assert hits(only_bulletins) == [f"/records/{bulletin.id}"] and "找到 1 件" in only_bulletins


# ---------------------------------------------------------------------- what clerks type: brackets, several words


def test_a_doc_number_typed_with_square_brackets_finds_its_record(client, root):
    record = file_notice(root, "国库科")
    file_notice(root, "预算科")
    assert "〔" in record.doc_number
    for left, right in ("[]", "［］", "【】", "()", "（）"):
        typed = record.doc_number.replace("〔", left).replace("〕", right)
        page = client.get("/search", params={"q": typed})
        assert page.status_code == 200
        assert hits(page.text)[0] == f"/records/{record.id}", typed
        assert record.doc_number in marks(page.text), typed  # the 文号 as filed, highlighted


def test_two_words_with_a_space_find_the_records_holding_both_each_highlighted(client, root):
    treasury = file_notice(root, "国库科")
    file_notice(root, "预算科")
    page = client.get("/search", params={"q": "国库科 告知书"})
    assert page.status_code == 200
    assert hits(page.text) == [f"/records/{treasury.id}"] and "找到 1 件" in page.text
    title = re.search(r'<p class="hit-title"><a [^>]*>(.*?)</a>', page.text, re.S)
    assert title and title.group(1) == "廉政风险<mark>告知书</mark>（<mark>国库科</mark>）"  # each word marked
    assert {"国库科", "告知书"} <= set(marks(page.text))
    together = client.get("/search", params={"q": "国库科告知书"}).text  # one phrase: in no text
    assert hits(together) == [] and "没有找到" in together


def test_nothing_found_says_what_was_searched_and_what_to_try(client, root):
    file_notice(root, "国库科")
    page = client.get("/search", params={"q": "国库科 不存在的词", "kind": "告知书", "year": "2026"})
    assert page.status_code == 200 and hits(page.text) == []
    count = unescape(re.search(r'<p class="count" id="count" role="status">(.*?)</p>', page.text, re.S).group(1))
    assert "没有找到同时含“国库科”“不存在的词”的档案（筛选：文种“告知书”，2026 年度）" in " ".join(count.split())
    hint = unescape(re.search(r'<div class="empty" id="no-hits">(.*?)</div>', page.text, re.S).group(1))
    assert "2 个词，每个词都须出现" in hint and '<code class="word">不存在的词</code>' in hint
    assert "全角与半角" in hint and "少用几个词" in hint
    assert 'href="/search?q=%E5%9B%BD%E5%BA%93%E7%A7%91+%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E8%AF%8D"' in page.text
    one = client.get("/search", params={"q": " 不存在 "}).text
    assert "没有找到含“不存在”的档案" in unescape(one) and "用更短的词" in unescape(one)
    assert 'id="without-filters"' not in one  # no filters: nothing to take off
    attack = client.get("/search", params={"q": "<b>x</b> 词"}).text
    assert "<b>x</b>" not in attack and "“&lt;b&gt;x&lt;/b&gt;”" in attack
    assert 'id="no-hits"' not in client.get("/search", params={"q": "国库科"}).text
