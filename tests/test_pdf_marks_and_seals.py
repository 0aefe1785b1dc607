"""份号, 密级, 紧急程度 and the ways a 公文 is signed, where they land on the printed page.

The built-in 公文 templates are rendered from their examples with the options changed, all
converted in one LibreOffice batch, and read back with :func:`read_rendered` (text lines with
glyph boxes, in millimetres from the page's top-left corner). Every rendered .docx also passes
``lianzheng check``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lianzheng_docs import Catalog, check_document
from lianzheng_docs.check.rendered import TEXT_LEFT, TEXT_RIGHT, TEXT_TOP, RenderedPage, TextLine, read_rendered
from lianzheng_docs.pdf.convert import convert_to_pdf

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

PITCH = 225 / 22  # 5.2.3: one line of the grid, in mm
CHAR = 16 * 25.4 / 72  # one 3号 character, in mm (3.1)
NO_MARKS = {"copy_number": None, "secrecy": None, "urgency": None}

#: case -> (template, changes to its example; None drops a field)
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "marks": ("dual_report", {}),  # the example: 000012, 秘密★1年, 加急
    "plain": ("dual_report", NO_MARKS),
    "urgent": ("dual_report", {**NO_MARKS, "urgency": "特急"}),
    "numbered": ("accountability_bulletin", {"secrecy": None}),
    "department": ("department_report", {"copy_number": "000002", "secrecy": "机密★长期", "urgency": "特急"}),
    "department_plain": ("department_report", {}),
    "unsealed": ("dual_report", {"seal": "不加盖印章"}),
    "unsealed_short": ("department_report", {"seal": "不加盖印章"}),  # 预算科: the date is longer
    "stamp": ("dual_report", {"seal": "加盖签发人签名章"}),
    "letter": ("responsibility_letter", {}),
}


@pytest.fixture(scope="module")
def laid_out(soffice, tmp_path_factory) -> dict[str, tuple[Path, list[RenderedPage]]]:
    """Each case's .docx and its pages, all converted in one LibreOffice start."""
    catalog = Catalog.default()
    folder = tmp_path_factory.mktemp("cases")
    paths = []
    for name, (template_id, changes) in CASES.items():
        template = catalog.get(template_id)
        data = {key: value for key, value in {**template.example(), **changes}.items() if value is not None}
        path = folder / f"{name}.docx"
        path.write_bytes(template.render(data).content)
        paths.append(path)
    pdfs = convert_to_pdf(paths, tmp_path_factory.mktemp("pdf"))
    return {path.stem: (path, read_rendered(pdf)) for path, pdf in zip(paths, pdfs, strict=True)}


def line(page: RenderedPage, text: str) -> TextLine:
    return next(found for found in page.lines if found.stripped == text)


def mark_line(page: RenderedPage) -> TextLine:
    return next(found for found in page.lines if found.size >= 30)  # the 发文机关标志, 小初


def first_line_top(pages: list[RenderedPage]) -> float:
    """Where the first line of the text area lands: the top of page 2, which body text begins."""
    return min(found.top for found in pages[1].content)


@pytest.mark.parametrize("name", list(CASES))
def test_every_case_passes_the_checker(laid_out, name):
    path, _pages = laid_out[name]
    template_id = CASES[name][0]
    red_headed = Catalog.default().get(template_id).manifest.field("issuer_mark") is not None
    # a 公文 with a 版头 is checked as one; the others as the checker judges them (--kind auto)
    report = check_document(path.read_bytes(), kind="公文" if red_headed else "auto")
    assert not report.errors, [str(finding) for finding in report.errors]


def test_marks_stack_flush_left_on_the_first_lines_above_the_mark(laid_out):
    pages = laid_out["marks"][1]
    page = pages[0]
    marks = [line(page, text) for text in ("000012", "秘密★1年", "加急")]  # 7.2.3: this order, top down
    first = first_line_top(pages)
    for row, found in enumerate(marks):
        assert abs(found.x0 - TEXT_LEFT) <= 0.3, found  # 顶格
        assert found.size == 16  # 3号
        assert abs(found.top - (first + row * PITCH)) <= 0.15, found  # lines 1, 2, 3 of the text area
    assert TEXT_TOP < first < TEXT_TOP + 3
    assert marks[-1].bottom < mark_line(page).top  # above the mark


def test_the_mark_stays_72_mm_down_with_or_without_marks(laid_out):
    marked, plain = laid_out["marks"][1][0], laid_out["plain"][1][0]
    assert abs(mark_line(marked).top - (TEXT_TOP + 35)) <= 1.5  # 7.2.4: 35 mm below the text area's top
    assert abs(mark_line(marked).top - mark_line(plain).top) <= 0.05
    # and nothing under the marks moved: every line of the plain page is where it was
    shown = {"000012", "秘密★1年", "加急"}
    assert [(round(found.top, 1), found.text) for found in marked.lines if found.stripped not in shown] == [
        (round(found.top, 1), found.text) for found in plain.lines
    ]
    assert not [found for found in plain.lines if found.top < mark_line(plain).top]  # absent: nothing shows


def test_a_mark_given_alone_takes_the_first_line(laid_out):
    urgent = line(laid_out["urgent"][1][0], "特急")
    first = line(laid_out["marks"][1][0], "000012")
    assert abs(urgent.top - first.top) <= 0.05 and abs(urgent.x0 - TEXT_LEFT) <= 0.3
    page = laid_out["numbered"][1][0]
    number, urgency = line(page, "000021"), line(page, "加急")
    assert abs(urgency.top - number.top - PITCH) <= 0.1  # 份号 then 紧急程度 on the next line


def test_without_a_red_header_the_marks_push_the_title_down(laid_out):
    page = laid_out["department"][1][0]
    plain = laid_out["department_plain"][1][0]
    marks = [line(page, text) for text in ("000002", "机密★长期", "特急")]
    assert all(abs(found.x0 - TEXT_LEFT) <= 0.3 for found in marks)
    assert [round((found.top - marks[0].top) / PITCH, 2) for found in marks] == [0, 1, 2]
    title = next(found for found in page.lines if found.size == 22)
    plain_title = next(found for found in plain.lines if found.size == 22)
    assert abs(title.top - plain_title.top - 4 * PITCH) <= 0.2  # three lines and an empty one lower
    assert marks[-1].bottom < title.top


# --------------------------------------------------------------------- 署名, 成文日期, 印章 (7.3.5)


def closing(pages: list[RenderedPage], signature: str) -> tuple[TextLine, TextLine, TextLine]:
    """The last body line before the 署名 (特此报告。), the 署名 line and the date line."""
    for page in pages:
        lines = sorted(page.content, key=lambda found: found.top)
        for index, found in enumerate(lines):
            if found.stripped == signature:
                return lines[index - 1], found, lines[index + 1]
    raise AssertionError(f"no line {signature!r}")


def rows(upper: TextLine, lower: TextLine) -> float:
    """Grid lines from ``upper`` down to ``lower``."""
    return round((lower.top - upper.top) / PITCH, 1)


def test_sealed_signature_centred_over_the_date_with_room_for_the_seal(laid_out):
    body, signature, date = closing(laid_out["marks"][1], "中共××市财政局党组")
    assert rows(body, signature) == 3  # two empty lines for the seal over 署名 and 日期 (7.3.5.1)
    assert rows(signature, date) == 1
    assert abs((signature.x0 + signature.x1) / 2 - (date.x0 + date.x1) / 2) <= 1  # centred over the date
    assert 3.5 * CHAR <= TEXT_RIGHT - date.x1 <= 4.2 * CHAR  # about 右空四字 (centred on a tab stop)


def test_unsealed_signature_two_in_and_the_date_two_to_the_right(laid_out):
    body, signature, date = closing(laid_out["unsealed"][1], "中共××市财政局党组")
    assert body.stripped == "特此报告。"
    assert rows(body, signature) == 2 and rows(signature, date) == 1  # 7.3.5.2: one line below the body
    assert abs(TEXT_RIGHT - signature.x1 - 2 * CHAR) <= 0.5  # 右空二字
    assert abs(date.x0 - signature.x0 - 2 * CHAR) <= 0.5  # the date's first character two to the right
    assert TEXT_RIGHT - date.x1 >= 2 * CHAR - 0.5


def test_unsealed_date_longer_than_the_signature_ends_two_in(laid_out):
    body, signature, date = closing(laid_out["unsealed_short"][1], "预算科")
    assert rows(body, signature) == 2 and rows(signature, date) == 1
    assert abs(TEXT_RIGHT - date.x1 - 2 * CHAR) <= 0.5  # 成文日期右空二字
    # the 署名 moves left to start two characters before the date (placed by counting characters)
    assert abs(date.x0 - signature.x0 - 2 * CHAR) <= 0.5 * CHAR


def test_signature_stamp_title_room_and_date(laid_out):
    body, title, date = closing(laid_out["stamp"][1], "局党组书记")
    assert body.stripped == "特此报告。"
    assert rows(body, title) == 3 and rows(title, date) == 2  # 7.3.5.3: two lines below, the date one below
    assert abs(TEXT_RIGHT - date.x1 - 4 * CHAR) <= 0.5  # 右空四字
    stamp = TEXT_RIGHT - 4 * CHAR - title.x1  # the stamp's room right of the title, two characters from it
    assert abs(stamp - 8 * CHAR) <= 0.5


def test_responsibility_letter_leaves_room_to_seal_and_sign(laid_out):
    page = laid_out["letter"][1][-1]  # the signature page
    lines = sorted((found for found in page.content if found.top > TEXT_TOP), key=lambda found: found.baseline)
    text = "".join(found.stripped for found in lines)
    assert text.count("（盖章）") == text.count("（签字）") == text.count("日期：") == 3  # one block per party
    signing = [found for found in lines if "（签字）" in found.stripped or found.stripped.startswith("日期：")]
    for found in signing:
        above = [other for other in lines if other.baseline < found.baseline - 0.5]
        assert found.baseline - above[-1].baseline >= 15, (found.text, above[-1].text)  # room to sign
    first = next(found for found in lines if "（盖章）" in found.stripped)
    assert [round(found.baseline - first.baseline, 1) for found in signing[:2]] == [17.0, 34.0]
