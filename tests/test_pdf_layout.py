"""The documents open in LibreOffice and keep the GB/T 9704 layout once rendered to PDF.

All built-in templates are converted in one LibreOffice start; positions are read with
PyMuPDF in millimetres from the page's top-left corner.
"""

from __future__ import annotations

import collections
import re
import subprocess

import pytest

from lianzheng_docs.pdf.convert import convert_to_pdf

pymupdf = pytest.importorskip("pymupdf")

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

TEXT_LEFT, TEXT_RIGHT, TEXT_TOP, TEXT_BOTTOM = 28.0, 184.0, 37.0, 262.0
CJK_LINE = re.compile(r"[\u4e00-\u9fff，。；：、“”（）《》]+")


def mm(points: float) -> float:
    return points / 72 * 25.4


@pytest.fixture(scope="module")
def pdfs(soffice, rendered, tmp_path_factory):
    folder = tmp_path_factory.mktemp("docx")
    paths = []
    for template_id, document in rendered.items():
        paths.append(document.save(folder / f"{template_id}.docx"))
    out = tmp_path_factory.mktemp("pdf")
    return {p.stem: pymupdf.open(p) for p in convert_to_pdf(paths, out)}


def lines(page):
    """(top, left, right, size, text) of each text line, in mm."""
    found = []
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", []):
            text = "".join(span["text"] for span in line["spans"])
            if text.strip():
                x0, y0, x1, _ = line["bbox"]
                size = max(span["size"] for span in line["spans"])
                found.append((mm(y0), mm(x0), mm(x1), size, text))
    return found


def test_every_template_converts_with_fonts_embedded(pdfs, rendered):
    assert set(pdfs) == set(rendered)
    for name, pdf in pdfs.items():
        assert pdf.page_count >= 1, name
        fonts = {font[3] for page in pdf for font in page.get_fonts()}
        assert fonts and all(font[1] != "n/a" for page in pdf for font in page.get_fonts()), name
        page = pdf[0]
        assert abs(mm(page.rect.width) - 210) < 0.5 and abs(mm(page.rect.height) - 297) < 0.5


def test_first_page_shows_body_text(pdfs, catalog):
    for name, pdf in pdfs.items():
        if not catalog.get(name).manifest.is_gongwen:
            continue  # 7.3.3 is a rule of 公文; a form (评分表) may open with its table
        body = [line for line in lines(pdf[0]) if line[3] == 16 and line[0] > TEXT_TOP and len(line[4]) >= 20]
        assert body, name  # 7.3.3: the first page must carry body text


def test_text_stays_inside_the_text_area(pdfs):
    for name, pdf in pdfs.items():
        for page in pdf:
            for top, left, right, _size, text in lines(page):
                if top > TEXT_BOTTOM:  # the page number lives below the text area
                    continue
                assert left >= TEXT_LEFT - 1 and right <= TEXT_RIGHT + 1, (name, text, left, right)
                assert top >= TEXT_TOP - 1, (name, text, top)


def test_lines_sit_on_a_22_line_grid_of_28_characters(pdfs):
    pitch = 225 / 22  # 5.2.3: 22 lines fill the 225 mm text area
    full_pages = 0
    for name in ("dual_report", "dual_report_secretary", "accountability_bulletin"):
        pdf = pdfs[name]
        for page in list(pdf)[1:-1]:  # middle pages: body text from top to bottom
            rows = sorted({round(top, 1) for top, *_ in lines(page) if top < TEXT_BOTTOM})
            slots = [(top - rows[0]) / pitch for top in rows]
            assert all(abs(slot - round(slot)) < 0.05 for slot in slots), (name, rows)
            assert round(slots[-1]) + 1 <= 22, (name, rows)
            full_pages += len(rows) == 22
        full = [
            line[4]
            for p in pdf
            for line in lines(p)
            if line[2] > TEXT_RIGHT - 4 and line[3] == 16 and CJK_LINE.fullmatch(line[4])
        ]
        counts = collections.Counter(len(text) for text in full)
        assert max(counts) == 28 and counts[28] >= 3, (name, counts)  # 28 characters a full line
    assert full_pages >= 1


def test_page_numbers_alternate_sides_below_the_text_area(pdfs):
    for name, pdf in pdfs.items():
        for index, page in enumerate(pdf):
            number = [line for line in lines(page) if line[0] > TEXT_BOTTOM]
            assert len(number) == 1, (name, index)
            top, left, right, _size, text = number[0]
            assert text.replace(" ", "") == f"—{index + 1}—", text  # 7.5, 一字线
            assert abs(top - 269) <= 1.5, (name, index, top)  # 7 mm below the text area
            if (index + 1) % 2:  # odd: right, one character in
                assert abs(right - (TEXT_RIGHT - 4.9)) <= 1.5, (name, index, right)
            else:
                assert abs(left - (TEXT_LEFT + 4.9)) <= 1.5, (name, index, left)


@pytest.mark.parametrize("name", ["dual_report", "accountability_bulletin", "supervision_report"])
def test_red_header_positions(pdfs, name):
    page = pdfs[name][0]
    mark = next(line for line in lines(page) if line[3] >= 30)
    assert abs(mark[0] - (TEXT_TOP + 35)) <= 1, mark  # 7.2.4: 35 mm below the text area's top
    number = next(line for line in lines(page) if "〔" in line[4])
    rules = [d["rect"] for d in page.get_drawings() if d.get("color") == (1.0, 0.0, 0.0)]
    assert rules, "red rule missing"
    rule = rules[0]
    assert abs(mm(rule.width) - 156) <= 1  # 7.2.7: as wide as the text area
    gap = mm(rule.y0) - (number[0] + 5.64)  # below the number's 16 pt line box
    assert 3 <= gap <= 5, gap  # 4 mm under the 发文字号


def test_imprint_sits_at_the_foot_of_the_last_page(pdfs):
    for name in ("dual_report", "accountability_bulletin"):
        page = pdfs[name][-1]
        rules = sorted(mm(d["rect"].y0) for d in page.get_drawings() if d.get("color") == (0.0, 0.0, 0.0))
        assert len(rules) == 3, rules  # thick, thin, thick (7.4.1)
        assert TEXT_BOTTOM - 4 <= rules[-1] <= TEXT_BOTTOM + 0.5, rules


def test_pages_render_to_png(pdfs, tmp_path):
    """What a person looks at: pdftoppm turns the first page into an image."""
    pdf = pdfs["accountability_bulletin"]
    source = tmp_path / "bulletin.pdf"
    pdf.save(source)
    command = ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(source), str(tmp_path / "p")]
    subprocess.run(command, check=True)
    assert (tmp_path / "p-1.png").stat().st_size > 5000
