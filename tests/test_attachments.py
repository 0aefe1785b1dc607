"""附件 (GB/T 9704 7.3.4, 7.3.7): 附件说明 under the body, each 附件 on its own pages before the 版记."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest

from lianzheng_docs import Catalog, ValidationError
from lianzheng_docs.layout.builder import GongwenDocument

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TABLE = {"columns": ["序号", "单位", "追究人数"], "rows": [[1, "国库科", 2], [2, "预算科", 1]]}


def bulletin_with(catalog: Catalog, attachments: list[dict[str, Any]]) -> dict[str, Any]:
    return {**catalog.get("accountability_bulletin").example(), "attachments": attachments}


def texts(content: bytes) -> list[tuple[str, str | None, str]]:
    """(text, style id, first run's character style) of every top-level paragraph of the body."""
    document = docx.Document(io.BytesIO(content))
    found = []
    for paragraph in document.paragraphs:
        style = paragraph._p.find(f"{W}pPr/{W}pStyle")
        run_style = paragraph._p.find(f"{W}r/{W}rPr/{W}rStyle")
        found.append((
            paragraph.text, None if style is None else style.get(f"{W}val"),
            "" if run_style is None else run_style.get(f"{W}val"),
        ))  # fmt: skip
    return found


def test_every_problem_with_attachments_is_listed_with_the_other_fields(catalog, tmp_path):
    (tmp_path / "旧版.doc").write_bytes(b"not a docx")
    data = bulletin_with(catalog, [
        {"title": "统计表。", "table": TABLE},
        {"table": TABLE},
        {"title": "两种内容", "table": TABLE, "template": "responsibility_letter"},
        {"title": "没有内容"},
        {"title": "行不齐", "table": {"columns": ["甲", "乙"], "rows": [["1"]]}},
        {"title": "旧版", "file": str(tmp_path / "旧版.doc")},
        {"title": "不存在", "file": str(tmp_path / "无.docx")},
        {"title": "套娃", "template": "risk_notice", "data": {"attachments": []}},
        "一段文字",
    ])  # fmt: skip
    data["date"] = "2026-13-01"
    with pytest.raises(ValidationError) as caught:
        catalog.get("accountability_bulletin").render(data)
    found = {(p.path, p.message.split("：")[0].split("（")[0]) for p in caught.value.problems}
    paths = [p.path for p in caught.value.problems]
    assert "date" in paths  # the template's own fields, in the same report
    assert ("attachments[0].title", "附件名称后不加标点符号") in found
    assert "attachments[1].title" in paths
    assert paths.count("attachments[2]") == 1 and paths.count("attachments[3]") == 1
    assert "attachments[4].table.rows[0]" in paths
    assert "attachments[5].file" in paths and "attachments[6].file" in paths
    assert "attachments[7].data" in paths and "attachments[8]" in paths
    messages = " ".join(p.message for p in caught.value.problems)
    assert "不是 .docx" in messages and "找不到" in messages and "附件中不能再带附件" in messages


def test_a_zip_bomb_or_a_broken_file_is_refused_before_it_is_read(catalog, tmp_path, monkeypatch):
    from lianzheng_docs.templating import attachments

    broken = tmp_path / "坏.docx"
    broken.write_bytes(b"PK not really")
    big = tmp_path / "大.docx"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", "0" * 2_000_000)
    monkeypatch.setattr(attachments, "MAX_UNPACKED_BYTES", 1_000_000)
    data = bulletin_with(catalog, [{"title": "坏", "file": str(broken)}, {"title": "大", "file": str(big)}])
    with pytest.raises(ValidationError) as caught:
        catalog.get("accountability_bulletin").render(data)
    messages = [p.message for p in caught.value.problems]
    assert any("无法作为 zip 打开" in m for m in messages) and any("压缩炸弹" in m for m in messages)


def test_two_attachments_note_pages_and_the_imprint_last(catalog, tmp_path):
    external = GongwenDocument(title="外部文件")
    external.title("整改情况报告")
    external.paragraph("经检查，相关问题已整改到位。")
    (tmp_path / "整改.docx").write_bytes(external.to_bytes())
    template = catalog.get("accountability_bulletin")
    data = bulletin_with(catalog, [
        {"title": "2026年度党风廉政建设责任书", "template": "responsibility_letter",
         "data": catalog.get("responsibility_letter").example()},
        {"title": "责任追究情况统计表", "table": TABLE},
        {"title": "整改情况报告", "file": str(tmp_path / "整改.docx")},
    ])  # fmt: skip
    first = template.render(data).content
    assert first == template.render(data).content  # deterministic
    paragraphs = texts(first)
    lines = [text for text, _, _ in paragraphs]
    note = lines.index("附件：1.2026年度党风廉政建设责任书")
    assert lines[note - 1] == "" and lines[note + 1 : note + 3] == ["2.责任追究情况统计表", "3.整改情况报告"]
    signature = next(i for i, (_, style, _) in enumerate(paragraphs) if style == "GwSignature")
    assert note < signature and all(text == "" for text in lines[note + 3 : signature])  # the seal's space follows
    for label in ("附件1", "附件2", "附件3"):
        at = lines.index(label)
        assert paragraphs[at][2] == "GwHei" and lines[at + 1] == ""  # 3号黑体, then the title on line 3
        assert paragraphs[at + 2][1] == "GwTitle"
    assert lines[lines.index("附件3") + 2] == "整改情况报告"
    assert lines.count("整改情况报告") == 1  # the external file's own title is not repeated
    assert "中共××市财政局党组文件" not in lines[lines.index("附件1") :]  # the 责任书 comes from its title on
    xml = zipfile.ZipFile(io.BytesIO(first)).read("word/document.xml").decode()
    assert xml.count('name="版记"') == 1 and xml.rindex('name="版记"') > xml.rindex("附件3")
    body = docx.Document(io.BytesIO(first)).element.body
    starts = [p for p in body.iter(f"{W}p") if p.find(f"{W}pPr/{W}pageBreakBefore") is not None]
    assert len(starts) >= 3  # each 附件 begins a page
    assert any(t.tag == f"{W}tbl" for t in body)  # the statistics table


def test_one_attachment_has_no_number(catalog):
    content = (
        catalog.get("accountability_bulletin")
        .render(bulletin_with(catalog, [{"title": "责任追究情况统计表", "table": TABLE}]))
        .content
    )
    lines = [text for text, _, _ in texts(content)]
    assert "附件：责任追究情况统计表" in lines and "附件" in lines and "附件1" not in lines


def test_the_cli_takes_attachment_paths_from_the_data_files_folder(run, tmp_path, monkeypatch):
    import yaml

    folder = tmp_path / "材料"
    folder.mkdir()
    extra = GongwenDocument(title="附件")
    extra.title("检查情况")
    extra.paragraph("无问题。")
    (folder / "检查.docx").write_bytes(extra.to_bytes())
    data = Catalog.default().get("risk_notice").example()
    data["attachments"] = [{"title": "检查情况", "file": "检查.docx"}]
    (folder / "告知书.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("render", "risk_notice", "--data", Path("材料") / "告知书.yaml", "-o", "告知书.docx")
    assert result.exit_code == 0, result.output
    assert "检查情况" in [text for text, _, _ in texts((tmp_path / "告知书.docx").read_bytes())]
    (folder / "告知书.yaml").write_text(
        yaml.safe_dump({**data, "attachments": [{"title": "检查情况", "file": "没有.docx"}]}, allow_unicode=True),
        encoding="utf-8",
    )
    failed = run("render", "risk_notice", "--data", Path("材料") / "告知书.yaml", "-o", "二.docx")
    assert failed.exit_code == 3 and "附件1文件" in failed.stderr and "找不到" in failed.stderr
    assert not (tmp_path / "二.docx").exists()


@pytest.mark.slow
@pytest.mark.libreoffice
def test_a_notice_with_two_attachments_on_the_printed_page(soffice, catalog, tmp_path):
    from lianzheng_docs.check.rendered import TEXT_LEFT, TEXT_TOP, read_rendered
    from lianzheng_docs.finishing import finish
    from lianzheng_docs.finishing.pages import paginate

    data = bulletin_with(catalog, [
        {"title": "2026年度党风廉政建设责任书", "template": "responsibility_letter",
         "data": catalog.get("responsibility_letter").example()},
        {"title": "责任追究情况统计表", "table": TABLE},
    ])  # fmt: skip
    (result,) = finish([catalog.get("accountability_bulletin").render(data).content], require=True)
    pdf = tmp_path / "通报.pdf"
    pdf.write_bytes(result.pdf or b"")
    pages = read_rendered(pdf)
    pagination = paginate(pages)
    assert pagination.right and result.verified
    for label in ("附件1", "附件2"):
        (page,) = [p for p in pages if p.content and p.content[0].stripped == label]
        head = page.content[0]
        assert abs(head.x0 - TEXT_LEFT) < 1.0 and head.top - TEXT_TOP < 4.0  # first line, flush left
        title = page.content[1]
        assert title.size > 20 and abs((title.x0 + title.x1) / 2 - 106) < 2  # 2号, centred
        assert 2 * 10.2 - 3 < title.top - head.top < 2 * 10.2 + 6  # on the third line
        assert page.page_number is not None  # numbering continues into the 附件
    numbers = [p.page_number.stripped for p in pages if p.page_number is not None]
    assert numbers == [f"—{n}—" for n in range(1, len(numbers) + 1)]


def test_docxcompose_does_not_break_core_properties(catalog):
    """docxcompose rebinds python-docx's ``cp`` prefix on import; core properties must still be written once."""
    import docxcompose.utils
    from docx.oxml.ns import nsmap

    nsmap.update(docxcompose.utils.NS)  # what importing docxcompose does, whenever it happens
    plain = catalog.get("risk_notice").render(catalog.get("risk_notice").example()).content
    content = (
        catalog.get("accountability_bulletin")
        .render(bulletin_with(catalog, [{"title": "责任追究情况统计表", "table": TABLE}]))
        .content
    )
    assert nsmap["cp"] == "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    for document in (plain, content):
        core = zipfile.ZipFile(io.BytesIO(document)).read("docProps/core.xml").decode()
        assert core.count("<cp:lastModifiedBy") == 1 and core.count("<dc:title") == 1


def test_a_pdf_attachment_becomes_its_pages_as_images(catalog, tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_blank_page(842, 595)  # a landscape page keeps its shape
    with open(tmp_path / "扫描件.pdf", "wb") as handle:
        writer.write(handle)
    locked = PdfWriter()
    locked.add_blank_page(595, 842)
    locked.encrypt("口令")
    with open(tmp_path / "加密.pdf", "wb") as handle:
        locked.write(handle)
    template = catalog.get("accountability_bulletin")
    content = template.render(
        bulletin_with(catalog, [{"title": "签字盖章的责任书", "file": str(tmp_path / "扫描件.pdf")}])
    ).content
    package = zipfile.ZipFile(io.BytesIO(content))
    images = [name for name in package.namelist() if name.startswith("word/media/")]
    assert len(images) == 2
    lines = [text for text, _, _ in texts(content)]
    assert "附件：签字盖章的责任书" in lines and lines[lines.index("附件") + 2] == "签字盖章的责任书"
    body = docx.Document(io.BytesIO(content)).element.body
    extents = [
        int(e.get("cx")) / 36000
        for e in body.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent")
    ]
    assert any(abs(width - 156) < 1 for width in extents)  # the landscape page spans the text area
    assert all(width <= 156.5 for width in extents)
    with pytest.raises(ValidationError, match="已加密"):
        template.render(bulletin_with(catalog, [{"title": "加密件", "file": str(tmp_path / "加密.pdf")}]))
