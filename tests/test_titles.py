"""Titles break between words, in a 梯形 or 菱形, and rendering writes those lines (GB/T 9704 7.3.1)."""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor

import docx
import pytest
import rjieba
from lxml import etree

from lianzheng_docs import Catalog
from lianzheng_docs.gbt9704 import figures as G
from lianzheng_docs.gbt9704.titles import (
    DOMAIN_WORDS,
    LINE_CAPACITY,
    MAX_LINE_WIDTH,
    arrange_title,
    bad_breaks,
    break_positions,
    title_width,
)
from lianzheng_docs.layout.builder import TITLE, GongwenDocument, Span
from lianzheng_docs.layout.styles import KAI
from lianzheng_docs.templating.rendering import TITLE_STYLE_IDS, break_title_lines

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

#: Titles of this domain's documents, as a clerk of a 市财政局 would write them.
TITLES = [
    # 年度双报告 (七（三）)
    "关于2026年上半年落实党风廉政建设主体责任情况的报告",
    "关于2026年度落实党风廉政建设主体责任情况的报告",
    "关于2025年度落实党风廉政建设主体责任情况的报告",
    "关于2026年上半年履行党风廉政建设第一责任人职责情况的报告",
    "关于2026年度履行党风廉政建设第一责任人职责情况的报告",
    "关于2026年度履行党风廉政建设监督责任情况的报告",
    "关于2025年度履行党风廉政建设监督责任情况的报告",
    "预算科关于2026年度履行党风廉政建设主体责任情况的报告",
    "国库科关于2025年度履行党风廉政建设主体责任情况的报告",
    "办公室关于2026年度履行党风廉政建设主体责任情况的报告",
    "财政投资评审中心关于2026年度履行党风廉政建设主体责任情况的报告",
    "国库支付中心关于2026年度履行党风廉政建设主体责任情况的报告",
    "非税收入管理中心关于2025年度履行党风廉政建设主体责任情况的报告",
    "政府采购管理科关于2026年度履行党风廉政建设主体责任情况的报告",
    "驻局纪检组关于2026年度履行监督责任情况的报告",
    "市财政局党组落实党风廉政建设主体责任情况的报告",
    "关于市财政局党风廉政建设工作的报告",
    # 主体责任清单 (七（一）)
    "局党组书记2026年度履行党风廉政建设主体责任清单情况",
    "局党组书记2025年度履行党风廉政建设主体责任清单情况",
    "关于建立主体责任工作台账的通知",
    "关于印发局党组书记履行主体责任任务清单的通知",
    "关于印发《2026年度党风廉政建设主体责任任务清单》的通知",
    # 通报 (七（十）)
    "关于国库支付中心原副主任赵立新违规办理资金拨付并收受购物卡问题的通报",
    "关于预算科科员王某某违规收受礼品礼金问题的通报",
    "关于财政投资评审中心评审人员违规接受宴请问题的通报",
    "关于××县财政局违规拨付专项资金问题的通报",
    "关于3起违反中央八项规定精神典型问题的通报",
    "关于2026年上半年全系统违纪违法典型案例的通报",
    "关于对国库科原科长张某某严重违纪违法问题一案双究情况的通报",
    "关于对资产管理科落实主体责任不力问题的通报",
    "关于2026年度党风廉政建设责任制检查考核结果的通报",
    "关于2025年度党风廉政建设社会评议结果的通报",
    "关于2026年度专项检查发现问题的通报",
    "关于2026年1至6月专项资金检查情况的通报",
    "关于对社会保障科违规发放补贴问题的通报",
    "关于对国库支付中心原副主任赵立新违规办理资金拨付并收受购物卡问题及相关领导责任追究情况的通报",
    # 廉政风险告知书 (七（七）)
    "廉政风险告知书",
    "廉政风险告知书（××县财政局）",
    "廉政风险告知书（预算科）",
    "廉政风险告知书（财政投资评审中心）",
    "廉政风险告知书回执",
    "关于2026年农业产业化专项资金管理廉政风险的告知书",
    "关于政府采购领域廉政风险的告知书",
    "关于对××县财政局下达廉政风险告知书的通知",
    "关于加强县（市）区财政部门廉政风险防控的通知",
    # 责任书, 承诺书 (七（二）, 三（六）)
    "2026年度党风廉政建设责任书",
    "2026年度党风廉政建设责任书（预算科）",
    "2026年度党风廉政建设责任书（财政投资评审中心）",
    "2027年度党风廉政建设责任书（国库支付中心）",
    "党风廉政建设责任书",
    "2026年度廉洁从政承诺书",
    "局党组书记2026年度廉洁从政承诺书",
    "关于签订2026年度党风廉政建设责任书的通知",
    # 述责述廉 (七（五）)
    "局党组书记2026年度述责述廉报告",
    "局党组书记向市委考核组的述责述廉报告",
    "预算科科长2026年度述责述廉报告",
    "财政投资评审中心主任2025年度述责述廉报告",
    "国库科主要负责人2026年度述责述廉报告",
    "关于张建国同志述责述廉情况的报告",
    "关于开展2026年度述责述廉工作的通知",
    # 约谈, 廉政谈话 (七（六）)
    "关于对国库科主要负责人进行约谈的通知书",
    "关于对财政投资评审中心主要负责人进行约谈的通知",
    "约谈通知书",
    "廉政约谈通知书",
    "关于约谈资产管理科主要负责人的通知",
    "关于对预算科开展廉政提醒谈话的通知",
    "关于开展2026年度廉政谈话的通知",
    # 整改情况报告
    "关于财政投资评审中心落实廉政风险告知书整改情况的报告",
    "关于××县财政局专项资金管理问题整改情况的报告",
    "国库科关于廉政风险告知书整改落实情况的报告",
    "关于2026年度巡察整改情况的报告",
    "关于经济建设科落实廉政风险告知书整改要求情况的报告",
    # 组织生活会 (七（四）)
    "预算科关于组织生活会情况的报告",
    "国库科关于2026年度组织生活会召开情况的报告",
    "关于做好2026年度组织生活会有关工作的通知",
    "关于领导班子成员参加各科室（单位）组织生活会的通知",
    # 专项检查 (七（八）)
    "关于对财政投资评审中心开展党风廉政建设专项检查的通知",
    "关于对国库支付中心开展专项检查的通知",
    "关于开展2026年度专项资金管理专项检查的通知",
    "关于对副县级二级机构落实两个责任情况开展专项检查的通知",
    "关于财政投资评审中心党风廉政建设专项检查情况的报告",
    # 问责建议, 工作建议
    "关于对国库支付中心主任孙海涛进行问责的建议",
    "关于对相关责任人进行责任追究的建议",
    "关于追究国库支付中心领导责任的问责建议",
    "问责建议书",
    "关于进一步加强财政资金监管的工作建议",
    "驻局纪检组关于加强廉政风险防控的工作建议",
    "关于加强政府采购领域廉政风险防控的工作建议",
    # 通知 and others
    "关于印发《中共××市财政局党组落实党风廉政建设主体责任和驻局纪检组监督责任实施办法》的通知",
    "关于印发2026年度党风廉政建设工作要点的通知",
    "关于报送2026年度履行党风廉政建设主体责任情况的通知",
    "关于报送2026年上半年党风廉政建设工作情况的通知",
    "关于召开2026年度党风廉政建设工作会议的通知",
    "关于开展党风廉政建设社会评议和政风群众满意度测评的通知",
    "关于开展警示教育月活动的通知",
    "关于严格执行中央八项规定精神的通知",
    "关于转发X财党〔2026〕12号文件的通知",
    "关于2026年元旦春节期间严明纪律要求的通知",
    "关于落实一岗双责的实施意见",
    "关于实行一案双究和责任倒查制度的规定",
    "关于建立责任追究案件报告和通报曝光制度的通知",
    "关于2026年度党风廉政建设责任制考核的通知",
    "关于副县级二级机构制定落实两个责任实施办法的通知",
    "关于2026年6月30日前报送主体责任落实情况的通知",
    "关于报请审定2026年度党风廉政建设责任制考核结果的报告",
    "关于召开党组会议的通知",
    "关于廉政党课的通知",
    "××市财政局2026年党风廉政建设和反腐败工作要点",
    "驻××市财政局纪检组（监察室）2026年度工作总结",
    "通知",
    "报告",
]

#: Words the issue names: never split, whatever jieba thinks of them.
NAMED_WORDS = [
    "党风廉政建设", "主体责任", "监督责任", "第一责任人", "一岗双责", "一案双究", "述责述廉", "廉政风险",
    "责任追究", "专项资金", "情况的报告", "党组", "纪检组", "财政局", "上半年", "国库科", "预算科",
    "财政投资评审中心",
]  # fmt: skip
#: Spans of a title never split, found independently of the module.
NEVER_SPLIT = re.compile(r"\d{4}年(?:度|上半年|\d{1,2}月(?:\d{1,2}日)?)?|〔\d{4}〕\d+号|××[县市]|[\u4e00-\u9fff]某某?")


def _ends(lines: list[str]) -> list[int]:
    return list(itertools.accumulate(len(line) for line in lines[:-1]))


def _lines_at(title: str, ends: tuple[int, ...]) -> list[str]:
    bounds = [0, *ends, len(title)]
    return [title[a:b] for a, b in itertools.pairwise(bounds)]


def _valid_arrangements(title: str, count: int) -> list[list[str]]:
    """Every way to lay ``title`` out in ``count`` lines that fit, break between words, and have
    no line of one or two characters: the test's own brute force."""
    found = []
    for ends in itertools.combinations(break_positions(title), count - 1):
        lines = _lines_at(title, ends)
        if all(title_width(line) <= MAX_LINE_WIDTH and len(line) >= 3 for line in lines):
            found.append(lines)
    return found


def _inverted_trapezoid(lines: list[str]) -> bool:
    widths = [title_width(line) for line in lines]
    return all(a - b >= 1 for a, b in itertools.pairwise(widths))


def _hourglass(lines: list[str]) -> bool:
    widths = [title_width(line) for line in lines]
    return len(widths) >= 3 and min(widths[1:-1]) < min(widths[0], widths[-1])


def test_the_corpus_is_large_and_distinct():
    assert len(TITLES) >= 100
    assert len(set(TITLES)) == len(TITLES)


@pytest.mark.parametrize("title", TITLES)
def test_title_is_laid_out_by_the_rules(title):
    lines = arrange_title(title)
    assert "".join(lines) == title
    assert all(title_width(line) <= MAX_LINE_WIDTH for line in lines), lines
    # one line exactly when it fits
    assert (len(lines) == 1) == (title_width(title) <= MAX_LINE_WIDTH)
    if len(lines) == 1:
        return
    assert bad_breaks(lines) == []
    assert all(len(line) >= 3 for line in lines), lines
    ends = _ends(lines)
    allowed = set(break_positions(title))
    assert set(ends) <= allowed
    for word in [*DOMAIN_WORDS, *NAMED_WORDS]:
        for match in re.finditer(re.escape(word), title):
            assert not any(match.start() < end < match.end() for end in ends), (word, lines)
    for match in NEVER_SPLIT.finditer(title):
        assert not any(match.start() < end < match.end() for end in ends), (match.group(), lines)
    # the fewest lines
    assert not _valid_arrangements(title, len(lines) - 1)
    # 倒梯形 whenever one exists with that many lines; never a 沙漏形
    if not _inverted_trapezoid(lines):
        assert not any(_inverted_trapezoid(other) for other in _valid_arrangements(title, len(lines))), lines
    assert not _hourglass(lines)


def test_the_corpus_lays_out_mostly_as_inverted_trapezoids():
    multi = [arrange_title(t) for t in TITLES if len(arrange_title(t)) > 1]
    assert len(multi) >= 60
    assert sum(_inverted_trapezoid(lines) for lines in multi) >= 0.9 * len(multi)
    assert any(len(lines) == 3 for lines in multi)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "关于2026年上半年落实党风廉政建设主体责任情况的报告",
            ["关于2026年上半年落实党风廉政建设", "主体责任情况的报告"],
        ),
        (
            "关于2026年上半年履行党风廉政建设第一责任人职责情况的报告",
            ["关于2026年上半年履行党风廉政建设", "第一责任人职责情况的报告"],
        ),
        (
            "关于国库支付中心原副主任赵立新违规办理资金拨付并收受购物卡问题的通报",
            ["关于国库支付中心原副主任赵立新违规办理", "资金拨付并收受购物卡问题的通报"],
        ),
        ("关于2026年度履行党风廉政建设监督责任情况的报告", ["关于2026年度履行党风廉政建设", "监督责任情况的报告"]),
        ("2026年度党风廉政建设责任书（财政投资评审中心）", ["2026年度党风廉政建设责任书", "（财政投资评审中心）"]),
        ("廉政风险告知书（××县财政局）", ["廉政风险告知书（××县财政局）"]),
    ],
)
def test_the_issue_titles(title, expected):
    assert arrange_title(title) == expected


def test_line_width_counts_and_capacity():
    assert LINE_CAPACITY == G.TEXT_WIDTH // G.pt(22) == 20  # 156 mm at 22 pt
    assert MAX_LINE_WIDTH == 19  # one character of margin
    assert title_width("党风廉政建设") == 6
    assert title_width("（××）") == 4
    assert title_width("2026") == 2
    assert title_width("关于2026年") == 2 + 2 + 0.25 * 2 + 1  # the gap around Latin text
    assert title_width("2026年度") == 2 + 0.25 + 2


@pytest.mark.parametrize(
    ("lines", "bad"),
    [
        (["关于2026年上半年落实党风廉政建设主体责", "任情况的报告"], [0]),
        (["关于2026年上半年履行党风廉政建设第一责", "任人职责情况的报告"], [0]),
        (["关于国库支付中心原副主任赵立新违规办理资", "金拨付并收受购物卡问题的通报"], [0]),
        (["关于2026年度履行党风廉政建设监督责任情", "况的报告"], [0]),
        (["关于2026年度履行党风廉政建设监督责任情况", "的报告"], [0]),
        (["关于2026年上半年落实党风廉政建设主体责任情况的", "报告"], [0, 1]),
        (["关于2026年上半年落实党风廉政建设", "主体责任情况的报告"], []),
        (["关于 2026 年上半年落实党风廉政建设", " 主体责任情况的报告 "], []),  # spaces from a PDF
        (["关于2026", "年上半年落实党风廉政建设", "主体责任情况的报告"], [0]),
        (["关于", "2026年上半年落实党风廉政建设主体责任", "情况的报告"], [0]),  # a 2-character line
        (["廉政风险告知书（", "××县财政局）"], [0]),
        (["通知"], []),  # a one-line title has no breaks
        ([], []),
    ],
)
def test_bad_breaks(lines, bad):
    assert bad_breaks(lines) == bad


def test_arrangement_is_deterministic_and_thread_safe():
    expected = [arrange_title(t) for t in TITLES]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(3):
            assert list(pool.map(arrange_title, TITLES)) == expected


def test_the_global_jieba_is_left_alone():
    arrange_title("关于2026年上半年履行党风廉政建设第一责任人职责情况的报告")
    assert not rjieba.has_word("党风廉政建设")
    assert rjieba.cut("廉政风险告知书") == ["廉政", "风险", "告知", "书"]


@pytest.mark.parametrize(
    "title",
    [
        "关于ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ系统的通知",  # a word wider than a line
        "中国共产党纪律处分条例中国共产党纪律处分条例中国共产党纪律处分条例",  # only domain words
        "党风廉政建设主体责任",
        "关于召开党组会议的通知的通知的通知的通知的通知的通知的通知的通知",  # 的 glues everything
        "一",
        "",
    ],
)
def test_fallback_always_gives_fitting_lines(title):
    lines = arrange_title(title)
    assert "".join(lines) == title
    assert all(title_width(line) <= MAX_LINE_WIDTH for line in lines)
    assert arrange_title(title) == lines


def test_fallback_breaks_inside_a_word_only_when_it_must():
    lines = arrange_title("党风廉政建设主体责任", max_width=8)
    assert lines == ["党风廉政建设", "主体责任"]
    lines = arrange_title("党风廉政建设主体责任", max_width=5)  # 党风廉政建设 alone is wider
    assert "".join(lines) == "党风廉政建设主体责任"
    assert all(title_width(line) <= 5 for line in lines)


# --- rendering ------------------------------------------------------------------------------------


def _title_paragraphs(content: bytes, style_ids=TITLE_STYLE_IDS) -> list[etree._Element]:
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml")
    body = etree.fromstring(xml)
    return [p for p in body.iter(f"{W}p") if p.find(f"{W}pPr/{W}pStyle[@{W}val]") is not None
            and p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") in style_ids]  # fmt: skip


def _lines(paragraph: etree._Element) -> list[str]:
    """The paragraph's text cut at its explicit line breaks."""
    text = []
    for node in paragraph.iter(f"{W}t", f"{W}br"):
        text.append("\n" if node.tag == f"{W}br" else node.text or "")
    return "".join(text).split("\n")


def test_every_built_in_title_is_rendered_with_its_lines(rendered, catalog):
    broken = 0
    for template_id, document in rendered.items():
        paragraphs = _title_paragraphs(document.content)
        assert paragraphs, template_id
        for paragraph in paragraphs:
            lines = _lines(paragraph)
            assert lines == arrange_title("".join(lines)), template_id
            broken += len(lines) > 1
        # the 题名 may name the recipient after it: 廉政风险告知书（××县财政局）
        assert document.title.startswith("".join(_lines(paragraphs[0]))), template_id
    assert broken >= 6  # the long titles of the reports, the bulletin and the list


def _catalog_with_title(tmp_path, *parts, breaks=False):
    doc = GongwenDocument(title="测试")
    paragraph = doc.paragraph(*parts, style=TITLE)
    if breaks:
        paragraph.runs[0].add_break()
    doc.paragraph("正文{{ subject }}")
    doc.save(tmp_path / "probe.docx")
    manifest = (
        'id = "probe"\ntitle = "测试"\nkind = "通知"\ndirection = "下行"\nretention = "D10"\n'
        '[[fields]]\nname = "subject"\nlabel = "subject"\ntype = "text"\n'
    )
    (tmp_path / "probe.toml").write_text(manifest, encoding="utf-8")
    return Catalog.from_folder(tmp_path)


def test_rendering_keeps_each_runs_properties(tmp_path):
    catalog = _catalog_with_title(tmp_path, Span("关于2026年上半年落实党风廉政建设主体", KAI), "责任情况的报告")
    content = catalog.get("probe").render({"subject": "。"}).content
    (paragraph,) = _title_paragraphs(content)
    assert _lines(paragraph) == ["关于2026年上半年落实党风廉政建设", "主体责任情况的报告"]
    first, second = paragraph.findall(f"{W}r")
    assert first.find(f"{W}rPr/{W}rStyle").get(f"{W}val") == KAI
    assert [c.tag for c in first][1:] == [f"{W}t", f"{W}br", f"{W}t"]  # the break inside the 楷体 run
    assert first.findall(f"{W}t")[1].text == "主体"
    assert second.find(f"{W}rPr") is None and second.find(f"{W}t").text == "责任情况的报告"
    shown = docx.Document(io.BytesIO(content)).paragraphs[0].text
    assert shown == "关于2026年上半年落实党风廉政建设\n主体责任情况的报告"


def test_a_title_with_its_own_breaks_is_left_alone(tmp_path):
    catalog = _catalog_with_title(tmp_path, "关于2026年上半年落实党风廉政建设主体责任情况的报告", breaks=True)
    content = catalog.get("probe").render({"subject": "。"}).content
    (paragraph,) = _title_paragraphs(content)
    assert _lines(paragraph) == ["关于2026年上半年落实党风廉政建设主体责任情况的报告", ""]


def test_break_title_lines_takes_the_styles_it_is_given():
    xml = (
        f'<w:body xmlns:w="{W[1:-1]}">'
        '<w:p><w:pPr><w:pStyle w:val="GwAttachmentTitle"/></w:pPr>'
        "<w:r><w:t>关于2026年度履行党风廉政建设监督责任情况的报告</w:t></w:r></w:p>"
        '<w:p><w:pPr><w:pStyle w:val="GwBody"/></w:pPr>'
        "<w:r><w:t>关于2026年度履行党风廉政建设监督责任情况的报告</w:t></w:r></w:p>"
        '<w:p><w:pPr><w:pStyle w:val="GwTitle"/></w:pPr><w:r><w:t>通知</w:t></w:r></w:p>'
        "</w:body>"
    )
    body = etree.fromstring(xml)
    assert break_title_lines(body) == 0
    assert break_title_lines(body, {"GwAttachmentTitle", "GwTitle"}) == 1
    attachment, text, short = body.findall(f"{W}p")
    assert _lines(attachment) == ["关于2026年度履行党风廉政建设", "监督责任情况的报告"]
    assert _lines(text) == ["关于2026年度履行党风廉政建设监督责任情况的报告"]
    assert _lines(short) == ["通知"]


# --- the printed page -----------------------------------------------------------------------------

#: Subjects of 关于……的通报: a line at the full width, Latin runs on a full line, three lines.
BULLETIN_SUBJECTS = {
    "widest": "国库支付中心原副主任赵立新违规办理资金拨付并收受购物卡问题",
    "latin": "转发X财党〔2026〕12号文件",
    "numbers": "2026年1至6月专项资金检查情况",
    "three": "对国库支付中心原副主任赵立新违规办理资金拨付并收受购物卡问题及相关领导责任追究情况",
    "bracket": "对副县级二级机构落实两个责任情况开展专项检查",
}


def _printed_title_lines(pdf) -> list[str]:
    """The 22 pt lines of the first page below the red rule (all of them where there is none)."""
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        page = document.pages[0]
        red = [line["top"] for line in page.lines if line.get("stroking_color") == (1.0, 0.0, 0.0)]
        below = max(red, default=0.0)
        return [
            "".join(line["text"].split())
            for line in page.extract_text_lines()
            if line["top"] > below and round(line["chars"][0]["size"]) == 22
        ]


@pytest.mark.slow
@pytest.mark.libreoffice
def test_libreoffice_prints_exactly_the_planned_lines(tmp_path, catalog, soffice):
    from lianzheng_docs.pdf.convert import convert_to_pdf

    documents = {}
    bulletin = catalog.get("accountability_bulletin")
    for name, subject in BULLETIN_SUBJECTS.items():
        documents[name] = bulletin.render({**bulletin.example(), "subject": subject})
    report = catalog.get("department_report")
    documents["department"] = report.render({**report.example(), "department": "财政投资评审中心"})
    for template_id in ("dual_report_secretary", "task_review"):
        template = catalog.get(template_id)
        documents[template_id] = template.render(template.example())
    paths = []
    for name, document in documents.items():
        paths.append(document.save(tmp_path / f"{name}.docx"))
    pdfs = convert_to_pdf(paths, tmp_path / "pdf")
    assert len(arrange_title(documents["three"].title)) == 3
    assert max(title_width(line) for line in arrange_title(documents["widest"].title)) == MAX_LINE_WIDTH
    for (name, document), pdf in zip(documents.items(), pdfs, strict=True):
        assert _printed_title_lines(pdf) == arrange_title(document.title), name
