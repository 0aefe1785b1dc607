"""One rule, one verdict: the validator, the checker and the archive judge the standard's forms alike.

The rules of GB/T 9704-2012 that several layers use live in ``lianzheng_docs.gbt9704``. These
tests pin them directly and, for the 发文字号 above all, run the same strings through every
layer that judges them: the validator (data -> error and "应写作" hint), the checker (a rendered
document carrying the number -> finding and its expected form) and the archive (parse).
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

import pytest
from test_check import edit_docx, edit_part

from lianzheng_docs import CnDate, ValidationError, check_document
from lianzheng_docs.archive.codes import format_doc_number, parse_doc_number
from lianzheng_docs.gbt9704 import dates, docnumber, marks, pagenumber
from lianzheng_docs.templating.manifest import parse_manifest
from lianzheng_docs.templating.validation import validate

#: The number in the dual_report example, the document the checker is run on.
RENDERED_NUMBER = "X财党〔2026〕12号"
FIXED = "X财党〔2026〕12号"

#: Valid numbers, as written -> what the archive parses them into.
VALID: dict[str, tuple[str, int, int]] = {
    "X财党〔2026〕12号": ("X财党", 2026, 12),
    "X财党〔2026〕1号": ("X财党", 2026, 1),
    "X财廉告〔2025〕100号": ("X财廉告", 2025, 100),
}

#: Malformed numbers, as written -> the standard form they correct to (None: beyond correcting).
INVALID: dict[str, str | None] = {
    # the wrong brackets, each pair the normaliser knows
    "X财党[2026]12号": FIXED,
    "X财党［2026］12号": FIXED,
    "X财党(2026)12号": FIXED,
    "X财党（2026）12号": FIXED,
    "X财党【2026】12号": FIXED,
    "X财党〈2026〉12号": FIXED,
    "X财党<2026>12号": FIXED,
    "X财党{2026}12号": FIXED,
    "X财党｛2026｝12号": FIXED,
    # 第 and 虚位
    "X财党〔2026〕第12号": FIXED,
    "X财党〔2026〕012号": FIXED,
    "X财党[2026]第012号": FIXED,
    "X财党（2026）第0012号": FIXED,
    # whitespace anywhere inside the number
    "X财党 〔2026〕12号": FIXED,
    "X财 党〔2026〕12号": FIXED,
    "X财党〔 2026 〕12号": FIXED,
    "X财党〔2026〕 12 号": FIXED,
    "X财党\u3000[2026]12号": FIXED,
    # full-width digits
    "X财党〔２０２６〕１２号": FIXED,
    "X财党〔２０２６〕12号": FIXED,
    "X财党［２０２６］０１２号": FIXED,
    # beyond correcting: there is no sequence number 0
    "X财党〔2026〕0号": None,
    "X财党[2026]00号": None,
}

NUMBER_MANIFEST = parse_manifest(
    """
id = "numbers"
title = "文号"
kind = "通知"
direction = "下行"
retention = "永久"

[[fields]]
name = "doc_number"
label = "发文字号"
type = "doc_number"
""",
    source="numbers.toml",
)


def validator_verdict(text: str) -> tuple[bool, str | None]:
    """(accepted, the form the validator's message says to write) for a doc_number field."""
    try:
        validate(NUMBER_MANIFEST, {"doc_number": text})
    except ValidationError as caught:
        (problem,) = caught.problems
        hint = re.search(r"；应写作 (\S+)$", problem.message)
        return False, hint.group(1) if hint else None
    return True, None


@pytest.fixture(scope="module")
def report_docx(rendered):
    content: bytes = rendered["dual_report"].content
    return content


def checker_verdict(report_docx: bytes, text: str) -> tuple[bool, str | None, str | None]:
    """(passes, the number the finding found, its expected form) for a document carrying ``text``."""
    content = edit_part(report_docx, "word/document.xml", f">{RENDERED_NUMBER}<", f">{escape(text)}<")
    report = check_document(content, name="number.docx")
    findings = [f for f in report.errors if f.rule == "header.doc_number"]
    assert [f.rule for f in report.errors] == [f.rule for f in findings], [str(f) for f in report.errors]
    if not findings:
        return True, None, None
    (finding,) = findings
    return False, finding.found, finding.expected


@pytest.mark.parametrize("text", list(VALID))
def test_a_valid_doc_number_is_valid_in_every_layer(text, report_docx):
    assert validator_verdict(text) == (True, None)
    assert checker_verdict(report_docx, text) == (True, None, None)
    assert parse_doc_number(text) == VALID[text]
    assert docnumber.is_valid(text) and docnumber.corrected(text) == text


@pytest.mark.parametrize("text", list(INVALID))
def test_a_malformed_doc_number_is_rejected_and_corrected_alike_in_every_layer(text, report_docx):
    fixed = INVALID[text]
    accepted, hint = validator_verdict(text)
    passes, found, expected = checker_verdict(report_docx, text)
    assert not accepted and not passes and parse_doc_number(text) is None and not docnumber.is_valid(text)
    # the validator's "应写作" and the checker's expected form are the one corrected form
    assert hint == fixed == docnumber.corrected(text)
    assert expected == (fixed or docnumber.EXAMPLE)
    assert found == text  # the checker quotes the number as it stands in the document
    if fixed is not None:
        assert parse_doc_number(fixed) == ("X财党", 2026, 12)  # and the archive takes the corrected form


def test_numbers_the_archive_writes_are_valid_everywhere(report_docx):
    for prefix, year, sequence in [("X财党", 2026, 12), ("X财廉告", 2026, 1), ("X纪", 2025, 3)]:
        number = format_doc_number(prefix, year, sequence)
        assert parse_doc_number(number) == (prefix, year, sequence)
        assert docnumber.is_valid(number) and docnumber.corrected(number) == number
        assert validator_verdict(number) == (True, None)
    assert checker_verdict(report_docx, format_doc_number("X财廉告", 2026, 1)) == (True, None, None)


@pytest.mark.parametrize(
    ("opening", "closing"), list(zip(docnumber.WRONG_OPENING, docnumber.WRONG_CLOSING, strict=True))
)
def test_the_normaliser_puts_any_bracketed_year_in_hexagonal_brackets(opening, closing):
    assert docnumber.normalise(f"X财党{opening}2026{closing}12号") == "X财党〔2026〕12号"
    assert docnumber.normalise(f"X财党 {opening} 2026 {closing} 12号") == "X财党〔2026〕12号"
    assert docnumber.FIND.fullmatch(f"X财党{opening}2026{closing}第012号")


def test_the_normaliser_leaves_what_is_not_a_bracketed_year():
    assert docnumber.normalise("X财党〔2026〕12号") == "X财党〔2026〕12号"
    assert docnumber.normalise("X财党[26]12号") == "X财党[26]12号"  # not a year in full
    assert docnumber.normalise("X财党 〔2026〕\t12 号") == "X财党〔2026〕12号"  # whitespace goes
    assert docnumber.corrected("X财党[2026]12") == "X财党〔2026〕12号"  # a missing 号 is added
    assert docnumber.corrected("X财党[26]12号") is None


def test_every_doc_number_in_the_table_is_found_in_a_line():
    for text in [*VALID, *INVALID]:
        assert docnumber.FIND.search(f"{text}\t签发人：张三"), text
    assert not docnumber.FIND.search("2026年工作要点")
    assert not docnumber.FIND.search("X财党〔2026〕12")  # no 号: not taken for a number


def test_faults_name_what_is_wrong():
    assert docnumber.faults("X财党[2026]012号") == ["年份应用六角括号〔〕", "序号不编虚位（不补 0）"]
    assert docnumber.faults("X财党［2026］第012号") == [
        "年份应用六角括号〔〕",
        "序号前不加“第”",
        "序号不编虚位（不补 0）",
    ]
    assert docnumber.faults("X财党 〔2026〕12号") == []


# ---------------------------------------------------------------------------- dates (7.3.5.4)


def test_the_validators_date_is_the_form_the_checker_suggests(report_docx):
    assert str(CnDate(2026, 6, 26)) == dates.format_date(2026, 6, 26) == "2026年6月26日"
    content = edit_part(report_docx, "word/document.xml", ">2026年6月26日<", ">2026年06月26日<", 1)
    (finding,) = [f for f in check_document(content).errors if f.rule == "date.leading_zero"]
    assert finding.expected == str(CnDate(2026, 6, 26))


@pytest.mark.parametrize(
    ("text", "is_date_line", "arabic", "leading_zero"),
    [
        ("2026年1月15日", True, True, False),
        ("2026年01月05日", True, True, True),
        ("二〇二六年一月十五日", True, False, False),
        ("2026年1月15日印发", False, True, False),
    ],
)
def test_date_forms(text, is_date_line, arabic, leading_zero):
    assert bool(dates.DATE_LINE.match(text)) is is_date_line
    match = dates.DATE_IN_TEXT.search(text)
    assert match
    year, month, day = match.groups()
    assert dates.in_arabic_numerals(year, month, day) is arabic
    assert dates.has_leading_zero(month, day) is leading_zero


# ---------------------------------------------------------------------------- 页码 (7.5)


def test_the_page_number_the_layout_writes_is_the_one_the_checker_reads(report_docx):
    import io
    import zipfile

    footer = zipfile.ZipFile(io.BytesIO(report_docx)).read("word/footer1.xml").decode("utf-8")
    text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", footer))
    assert text == pagenumber.page_number(1) == "— 1 —"
    assert pagenumber.PAGE_NUMBER.match(text) and pagenumber.PAGE_NUMBER.match(pagenumber.page_number(128))
    assert not pagenumber.PAGE_NUMBER.match("- 1 -") and not pagenumber.PAGE_NUMBER.match("－1－")


# ---------------------------------------------------------------------------- 版头 marks (7.2.1-7.2.3)


@pytest.mark.parametrize(
    ("text", "recognised", "valid"),
    [
        ("秘密★1年", True, True),
        ("机密★长期", True, True),
        ("绝密", True, True),
        ("秘密★一年", True, False),
        ("内部资料", True, False),
        ("★5年", True, False),
        ("关于开展检查的通知", False, False),
    ],
)
def test_secrecy_marks(text, recognised, valid):
    assert marks.is_secrecy_mark(text) is recognised
    assert bool(marks.SECRECY.match(text)) is valid


@pytest.mark.parametrize(
    ("mark", "rule"),
    [("秘密★1年", None), ("绝密", None), ("内部资料", "header.secrecy"), ("秘密★一年", "header.secrecy"),
     ("特急", None), ("急件", "header.urgency"), ("000001", None), ("0001", "header.copy_number")],
)  # fmt: skip
def test_the_checker_judges_a_mark_by_the_same_vocabulary(mark, rule, report_docx):
    def add_mark(document):  # type: ignore[no-untyped-def]
        first = next(p for p in document.paragraphs if p.text.strip())
        first.insert_paragraph_before(mark)

    report = check_document(edit_docx(report_docx, add_mark))
    rules = {f.rule for f in report.errors if f.rule in ("header.secrecy", "header.urgency", "header.copy_number")}
    assert rules == ({rule} if rule else set())


def test_every_allowed_mark_is_recognised_as_one():
    for level in marks.SECRECY_LEVELS:
        assert marks.is_secrecy_mark(level) and marks.SECRECY.match(level)
    for level in marks.URGENCY_LEVELS:
        assert marks.URGENCY_LOOSE.match(level) and marks.URGENCY.match(level)
    for word in marks.NOT_URGENCY_LEVELS:
        assert marks.URGENCY_LOOSE.match(word) and not marks.URGENCY.match(word)
    assert marks.COPY_NUMBER.match("000001") and not marks.COPY_NUMBER.match("0001")
    assert marks.COPY_NUMBER_LOOSE.match("0001")


# ---------------------------------------------------------------------------- 请示 wording (条例第十五条)

REPORT_MANIFEST = parse_manifest(
    """
id = "report"
title = "报告"
kind = "报告"
direction = "上行"
retention = "永久"

[[fields]]
name = "body"
label = "正文"
type = "paragraphs"
""",
    source="report.toml",
)


@pytest.mark.parametrize("sentence", ["妥否，请批示。", "以上意见请予批准。", "请审定。", "当否，请领导审阅。"])
def test_validator_and_checker_object_to_the_same_request_wording(sentence, report_docx):
    with pytest.raises(ValidationError) as caught:
        validate(REPORT_MANIFEST, {"body": [sentence]})
    (problem,) = caught.value.problems
    quoted = re.search(r"请删去“(.+?)”", problem.message)
    assert quoted

    content = edit_part(report_docx, "word/document.xml", "现将有关情况报告如下。", sentence)
    (finding,) = [f for f in check_document(content).errors if f.rule == "report.request"]
    assert finding.found == quoted.group(1)


def test_a_sequence_number_has_at_most_six_digits():
    """A 文号 of 50,000,000 made verify allocate a range per number, and 19 digits overflowed the
    registry's integers: numbers past 999999 are not 文号 (issue 15)."""
    from lianzheng_docs.archive.verify import _gaps, _listed

    assert docnumber.is_valid("X纪〔2026〕999999号") and not docnumber.is_valid("X纪〔2026〕1000000号")
    assert docnumber.parse_doc_number("X纪〔2026〕50000000号") is None
    assert docnumber.parse_doc_number("X纪〔2026〕" + "9" * 20 + "号") is None
    shown, count = _gaps([2, 5, 50_000_000])  # walks the numbers taken, never the range
    assert shown == [1, 3, 4, 6, 7, 8, 9, 10, 11, 12] and count == 49_999_997
    assert _listed(shown, count).endswith("等 49999997 个") and _listed([3], 1) == "3"
