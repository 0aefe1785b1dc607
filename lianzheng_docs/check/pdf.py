"""Judge a rendered PDF against the measurable layout of GB/T 9704-2012.

A .docx says what the layout should be; the PDF shows what it became. Text positions are read
with pypdf (each text-showing operation with its matrix), grouped into lines by baseline, and
checked: A4 paper (5.1), text inside the 156 x 225 mm text area (5.2.1), at most 22 lines on the
28.95 pt grid and at most 28 characters a line (5.2.3), body text on the first page (7.3.3), and a
"— N —" page number about 7 mm under the text area, odd pages right and even pages left (7.5).
Character widths are estimated (Han characters 1 em, others half), so edges carry 1.5 mm of slack.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader

from ..gbt9704.pagenumber import PAGE_NUMBER
from .findings import Finding, Report, Severity
from .package import UnreadableDocument

MM = 72 / 25.4
LEFT, RIGHT, TOP, BOTTOM = 28.0, 184.0, 37.0, 262.0
PITCH = 225 / 22  # mm between grid lines
SLACK = 1.5
CHAR_SPACING_PT = -0.25  # the templates' run spacing; other documents use none, a small difference


@dataclass
class Line:
    baseline: float  # mm from the page top
    left: float
    right: float
    size: float
    text: str = ""


@dataclass
class Page:
    number: int  # from 1
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)


def read_pages(source: Path) -> list[Page]:
    try:
        reader = PdfReader(str(source))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocument(f"{source} 已加密，无法检查；请提供未加密的 PDF")
        pages = []
        for number, pdf_page in enumerate(reader.pages, 1):
            box = pdf_page.mediabox
            page = Page(number, float(box.width) / MM, float(box.height) / MM)
            height_pt = float(box.height)
            chunks: list[tuple[float, float, float, str]] = []

            def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float,
                      chunks: list[tuple[float, float, float, str]] = chunks, height_pt: float = height_pt,
                      ) -> None:  # fmt: skip
                if not text.strip():
                    return
                x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
                y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
                scale = abs(tm[3] * cm[3]) or 1.0
                chunks.append((x / MM, (height_pt - y) / MM, size * scale, text.replace("\n", "")))

            pdf_page.extract_text(visitor_text=visit)
            page.lines = _lines(chunks)
            pages.append(page)
        return pages
    except UnreadableDocument:
        raise
    except Exception as exc:
        raise UnreadableDocument(f"{source} 不是可读的 PDF：{exc}") from exc


def _width(text: str, size: float) -> float:
    # Ambiguous-width characters (×, —, “”) are full width in the CJK fonts these documents use.
    units = sum(1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.5 for c in text)
    return units * (size + CHAR_SPACING_PT) / MM


def _lines(chunks: list[tuple[float, float, float, str]]) -> list[Line]:
    lines: list[Line] = []
    for x, baseline, size, text in sorted(chunks, key=lambda c: (round(c[1], 1), c[0])):
        right = x + _width(text, size)
        if lines and abs(lines[-1].baseline - baseline) < 0.4:
            line = lines[-1]
            line.left, line.right = min(line.left, x), max(line.right, right)
            line.size = max(line.size, size)
            line.text += text
        else:
            lines.append(Line(baseline, x, right, size, text))
    return lines


def check_pdf(source: str | Path, name: str | None = None) -> Report:
    path = Path(source)
    pages = read_pages(path)
    findings: list[Finding] = []

    def add(rule: str, clause: str, message: str, where: str, found: str, expected: str) -> None:
        findings.append(Finding(rule, clause, Severity.ERROR, message, where, found, expected))

    for page in pages:
        where = f"第{page.number}页"
        size = sorted((page.width, page.height))
        if abs(size[0] - 210) > 1 or abs(size[1] - 297) > 1:
            add(
                "pdf.page.size", "5.1", "纸张应为 A4", where, f"{page.width:.1f} × {page.height:.1f} mm", "210 × 297 mm"
            )
            continue
        body = [line for line in page.lines if line.baseline <= BOTTOM + 2]
        for line in body:
            if line.left < LEFT - SLACK or line.right > RIGHT + SLACK:
                add("pdf.text_area", "5.2.1", "文字超出版心（156 mm × 225 mm）", f"{where}「{line.text[:12]}」",
                    f"{line.left:.1f}–{line.right:.1f} mm", f"{LEFT:.0f}–{RIGHT:.0f} mm")  # fmt: skip
                break
        grid = [line for line in body if line.size >= 15.5 and line.size <= 16.5]
        if len({round(line.baseline) for line in grid}) > 22:
            add("pdf.lines", "5.2.3", "每页不得超过 22 行", where, f"{len(grid)} 行", "22 行")
        crowded = [line for line in grid if len(line.text) > 28 and _all_wide(line.text)]
        if crowded:
            add("pdf.chars", "5.2.3", "每行不得超过 28 字", f"{where}「{crowded[0].text[:12]}」",
                f"{len(crowded[0].text)} 字", "28 字")  # fmt: skip
        findings.extend(_page_number(page, where))
    if pages and not any(line.size >= 15.5 and len(line.text) >= 10 for line in pages[0].lines):
        add("pdf.first_page", "7.3.3", "首页应有正文", "第1页", "无正文", "正文从首页开始")
    return Report(name or str(path), "PDF", False, findings)


def _all_wide(text: str) -> bool:
    return all(unicodedata.east_asian_width(c) in "WF" for c in text)


def _page_number(page: Page, where: str) -> list[Finding]:
    below = [line for line in page.lines if line.baseline > BOTTOM + 2]
    numbers = [line for line in below if PAGE_NUMBER.match(line.text.strip())]
    if not numbers:
        found = below[0].text.strip() if below else "无"
        return [Finding("pdf.page_number", "7.5", Severity.ERROR, "页码应为“— N —”，位于版心下边缘之下", where, found,
                        "— N —")]  # fmt: skip
    line = numbers[0]
    top = line.baseline - 0.88 * line.size / MM
    problems = []
    if abs(top - (BOTTOM + 7)) > 2:
        message = "页码上边缘应在版心下边缘下 7 mm（距页面上边 269 mm）"
        problems.append(Finding("pdf.page_number.position", "7.5", Severity.ERROR, message, where, f"{top:.1f} mm",
                                "269 mm"))  # fmt: skip
    odd = page.number % 2 == 1
    char = 14 / MM  # one 4号 character
    if odd and abs(line.right - (RIGHT - char)) > 3:
        problems.append(Finding("pdf.page_number.side", "7.5", Severity.ERROR, "单页码居右空一字", where,
                                f"右端 {line.right:.1f} mm", f"{RIGHT - char:.1f} mm"))  # fmt: skip
    if not odd and abs(line.left - (LEFT + char)) > 3:
        problems.append(Finding("pdf.page_number.side", "7.5", Severity.ERROR, "双页码居左空一字", where,
                                f"左端 {line.left:.1f} mm", f"{LEFT + char:.1f} mm"))  # fmt: skip
    return problems
