"""Judge a rendered PDF against what GB/T 9704-2012 asks of the printed page.

A .docx says what the layout should be; the PDF shows what it became. The pages are read by
:mod:`.rendered` (every glyph's box and every drawn rule, in millimetres) and checked:

- the page: A4 paper (5.1); text inside the 156 x 225 mm text area, within 1 mm (5.2.1, 6.1); at
  most 22 lines on the 28.95 pt grid and at most 28 characters a line (5.2.3); body text on the
  first page (7.3.3); no two lines printed over each other (6.1);
- the title: broken between words, no line of one or two characters (7.3.1);
- the 版记: on the last page, which is even, the back of the last sheet (7.4); no text through its
  rules (7.4.1);
- the page number: "— N —" about 7 mm under the text area, odd pages right and even pages left;
  none on a blank page, nor on the 版记 page when it stands alone or follows a blank page (7.5).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence, Set
from pathlib import Path

from ..gbt9704.pagenumber import PAGE_NUMBER
from .findings import Finding, Report, Severity
from .rendered import MM, TEXT_BOTTOM, TEXT_LEFT, TEXT_RIGHT, TEXT_TOP, RenderedPage, TextLine, read_rendered

LEFT, RIGHT, TOP, BOTTOM = TEXT_LEFT, TEXT_RIGHT, TEXT_TOP, TEXT_BOTTOM
#: 6.1: the text area may be off by 1 mm. Glyph boxes are measured, not estimated.
SLACK = 1.0
PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0
#: The title's size (二号, 22 pt) and how far off centre (mm) a centred line may sit (7.3.1).
TITLE_SIZE, TITLE_CENTRE_SLACK = 22.0, 2.0


def _error(rule: str, clause: str, message: str, where: str, found: str, expected: str) -> Finding:
    return Finding(rule, clause, Severity.ERROR, message, where, found, expected)


def check_pdf(source: str | Path, name: str | None = None) -> Report:
    """Check the laid-out pages of the PDF ``source``.

    :raises UnreadableDocument: not a PDF, encrypted, or broken.
    """
    path = Path(source)
    pages = read_rendered(path)
    findings: list[Finding] = []
    a4 = []
    for page in pages:
        size = sorted((page.width, page.height))
        if abs(size[0] - PAGE_WIDTH) > 1 or abs(size[1] - PAGE_HEIGHT) > 1:
            findings.append(_error("pdf.page.size", "5.1", "纸张应为 A4", f"第{page.number}页",
                                   f"{page.width:.1f} × {page.height:.1f} mm", "210 × 297 mm"))  # fmt: skip
            continue
        a4.append(page)
        findings.extend(_text_area(page))
        findings.extend(_grid(page))
        findings.extend(_collisions(page))
    findings.extend(_page_numbers(pages, {page.number for page in a4}))
    if pages and not any(line.size >= 15.5 and len(line.stripped) >= 10 for line in pages[0].content):
        findings.append(_error("pdf.first_page", "7.3.3", "首页应有正文", "第1页", "无正文", "正文从首页开始"))
    if a4 and a4[0].number == 1:
        findings.extend(_title(a4[0]))
    findings.extend(_imprint(pages))
    return Report(name or str(path), "PDF", False, findings)


def _where(page: RenderedPage, line: TextLine) -> str:
    return f"第{page.number}页「{line.stripped[:12]}」"


def _body(page: RenderedPage) -> list[TextLine]:
    """The lines inside the text area, or meant to be: all but those below it (the page number's place)."""
    return [line for line in page.lines if line.baseline <= BOTTOM + 2]


def _text_area(page: RenderedPage) -> Iterator[Finding]:
    """5.2.1: text stays between the text area's sides (6.1: within 1 mm); one finding a page.

    Not in the 天头 above the text area, where an archived copy carries its 归档章 (DA/T 22), nor
    below it, the page number's place."""
    for line in _body(page):
        if line.bottom <= TOP:
            continue
        if line.x0 < LEFT - SLACK or line.x1 > RIGHT + SLACK:
            yield _error("pdf.text_area", "5.2.1", "文字超出版心（156 mm × 225 mm）", _where(page, line),
                         f"{line.x0:.1f}–{line.x1:.1f} mm", f"{LEFT:.0f}–{RIGHT:.0f} mm")  # fmt: skip
            return


def _grid(page: RenderedPage) -> Iterator[Finding]:
    """5.2.3: at most 22 lines of 三号 text a page, at most 28 characters a line."""
    where = f"第{page.number}页"
    grid = [line for line in _body(page) if 15.5 <= line.size <= 16.5]
    if len({round(line.baseline) for line in grid}) > 22:
        yield _error("pdf.lines", "5.2.3", "每页不得超过 22 行", where, f"{len(grid)} 行", "22 行")
    crowded = [line for line in grid if len(line.stripped) > 28 and _all_wide(line.stripped)]
    if crowded:
        yield _error("pdf.chars", "5.2.3", "每行不得超过 28 字", _where(page, crowded[0]),
                     f"{len(crowded[0].stripped)} 字", "28 字")  # fmt: skip


def _all_wide(text: str) -> bool:
    return all(unicodedata.east_asian_width(c) in "WF" for c in text)


def _collisions(page: RenderedPage) -> Iterator[Finding]:
    """6.1 (字迹清楚): no two lines printed over each other, such as a 署名 over its 成文日期, a 附注
    run into the 版记, or two runs of text on one line."""
    for first, second in page.collisions():
        if first is second:
            where, found = _where(page, first), "同一行内两段文字重叠"
        else:
            where = f"{_where(page, first)}与「{second.stripped[:12]}」"
            found = f"{first.top:.1f}–{first.bottom:.1f} mm 与 {second.top:.1f}–{second.bottom:.1f} mm 的文字重叠"
        yield _error("pdf.text_overlap", "6.1", "文字相互重叠，字迹应清楚", where, found, "各行文字互不重叠")


def _title(page: RenderedPage) -> list[Finding]:
    """7.3.1: a title running over several lines breaks between words, no line of one or two characters."""
    lines = title_lines(page)
    if len(lines) < 2:
        return []
    from ..gbt9704.titles import bad_breaks

    texts = [line.stripped for line in lines]
    findings = []
    for index in bad_breaks(texts):
        line = lines[index]
        if len(texts[index]) <= 2:
            findings.append(_error("pdf.title.short_line", "7.3.1", "标题回行后每行不宜只有一两个字",
                                   _where(page, line), f"{len(texts[index])} 字", "每行长短适宜"))  # fmt: skip
        elif index + 1 < len(lines):
            found = f"{texts[index][-4:]}／{texts[index + 1][:4]}"
            findings.append(_error("pdf.title.word_break", "7.3.1", "标题回行应词意完整，不在词中断开",
                                   _where(page, line), found, "在词与词之间回行"))  # fmt: skip
    return findings


def title_lines(page: RenderedPage) -> list[TextLine]:
    """The title as laid out: the run of 二号 (22 pt) lines centred in the text area that first
    follows the red rule on the first page (or the top of the text area when there is none)."""
    red = [rule.y for rule in page.rules if rule.red]
    start = red[0] if red else TOP - SLACK
    centre = (LEFT + RIGHT) / 2
    found: list[TextLine] = []
    for line in sorted(page.content, key=lambda line: line.top):
        if line.top < start:
            continue
        is_title = abs(line.size - TITLE_SIZE) <= 0.6 and abs((line.x0 + line.x1) / 2 - centre) <= TITLE_CENTRE_SLACK
        if is_title:
            found.append(line)
        elif found:
            break
    return found


def _page_numbers(pages: Sequence[RenderedPage], a4: Set[int]) -> Iterator[Finding]:
    """7.5: each page numbered "— N —" in its place, but a blank page, and the 版记 page when it
    stands alone or follows a blank page, carry no number."""
    for index, page in enumerate(pages):
        if page.number not in a4:
            continue
        where = f"第{page.number}页"
        number = page.page_number
        if page.blank:
            if number is not None:
                yield _error("pdf.page_number.blank_page", "7.5", "空白页不编排页码", where, number.text.strip(),
                             "无页码")  # fmt: skip
            continue
        after_blank = index > 0 and pages[index - 1].blank
        if page.imprint is not None and (after_blank or page.imprint_only):
            if number is not None:
                message = "版记页前有空白页的，版记页不编排页码" if after_blank else "版记单独成页时，版记页不编排页码"
                yield _error("pdf.page_number.imprint_page", "7.5", message, where, number.text.strip(), "无页码")
            continue
        yield from _page_number(page, where)


def _page_number(page: RenderedPage, where: str) -> list[Finding]:
    below = [line for line in page.lines if line.baseline > BOTTOM + 2]
    numbers = [line for line in below if PAGE_NUMBER.match(line.text.strip())]
    if not numbers:
        found = below[0].text.strip() if below else "无"
        return [_error("pdf.page_number", "7.5", "页码应为“— N —”，位于版心下边缘之下", where, found, "— N —")]
    line = numbers[0]
    problems = []
    if abs(line.top - (BOTTOM + 7)) > 2:
        message = "页码上边缘应在版心下边缘下 7 mm（距页面上边 269 mm）"
        problems.append(_error("pdf.page_number.position", "7.5", message, where, f"{line.top:.1f} mm", "269 mm"))
    odd = page.number % 2 == 1
    char = 14 / MM  # one 4号 character
    if odd and abs(line.x1 - (RIGHT - char)) > 3:
        problems.append(_error("pdf.page_number.side", "7.5", "单页码居右空一字", where, f"右端 {line.x1:.1f} mm",
                               f"{RIGHT - char:.1f} mm"))  # fmt: skip
    if not odd and abs(line.x0 - (LEFT + char)) > 3:
        problems.append(_error("pdf.page_number.side", "7.5", "双页码居左空一字", where, f"左端 {line.x0:.1f} mm",
                               f"{LEFT + char:.1f} mm"))  # fmt: skip
    return problems


def _imprint(pages: Sequence[RenderedPage]) -> Iterator[Finding]:
    """7.4: the 版记 on the last face of the document, the back of the last sheet (an even page);
    7.4.1: its rules run clear of the text."""
    last = len(pages)
    for page in pages:
        imprint = page.imprint
        if imprint is None:
            continue
        where = f"第{page.number}页"
        if page.number != last:
            yield _error("pdf.imprint.last_page", "7.4", "版记应在公文的最后一页", where,
                         f"第{page.number}页（共{last}页）", f"第{last}页")  # fmt: skip
        if page.number % 2 == 1:
            yield _error("pdf.imprint.odd_page", "7.4", "版记应在公文最后一面（双面印刷的偶数页）", where,
                         f"第{page.number}页（单页）", "偶数页；正文止于单页时，版记另起一页")  # fmt: skip
        for rule in imprint.rules:
            for line in page.content:
                if line.crosses(rule.y, rule.x0, rule.x1):
                    found = f"分隔线在 {rule.y:.1f} mm，文字在 {line.top:.1f}–{line.bottom:.1f} mm"
                    yield _error("pdf.imprint.rule_crosses_text", "7.4.1", "版记的分隔线不应穿过文字",
                                 _where(page, line), found, "分隔线与文字不相交")  # fmt: skip
