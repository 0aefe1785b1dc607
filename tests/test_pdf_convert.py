"""PDF conversion: batches, a corrupt file inside one, a hang, PDF/A, fonts, missing LibreOffice."""

from __future__ import annotations

import json
import os
import stat
import sys
import textwrap
from pathlib import Path

import pymupdf
import pytest

from lianzheng_docs.pdf.convert import INSTALL_HINT, ConversionError, convert, convert_to_pdf
from lianzheng_docs.pdf.fonts import font_warnings, fonts_of

FAKE_SOFFICE = textwrap.dedent(
    f"""\
    #!{sys.executable}
    # Stands in for LibreOffice: writes a tiny PDF per file, and hangs on a file named hang*.
    import sys, time, pathlib
    args = sys.argv[1:]
    out = pathlib.Path(args[args.index("--outdir") + 1])
    for name in [a for a in args if a.endswith(".docx")]:
        path = pathlib.Path(name)
        if path.stem.startswith("hang"):
            time.sleep(120)
        (out / (path.stem + ".pdf")).write_bytes(b"%PDF-1.4 fake")
    """
)


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "soffice"
    script.write_text(FAKE_SOFFICE)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(folder))
    return script


def docx_files(folder: Path, names: list[str], content: bytes) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for name in names:
        path = folder / f"{name}.docx"
        path.write_bytes(content)
        paths.append(path)
    return paths


def test_a_hang_is_killed_named_and_the_rest_still_converts(fake_soffice, tmp_path, rendered):
    sources = docx_files(tmp_path / "in", ["a", "b", "hang", "c", "d"], rendered["risk_notice"].content)
    result = convert(sources, tmp_path / "out", timeout=3)
    assert sorted(p.name for p in result.pdfs) == ["a.docx", "b.docx", "c.docx", "d.docx"]
    assert list(result.failed) == [sources[2]] and "超过 3 秒" in result.failed[sources[2]]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.pdf", "b.pdf", "c.pdf", "d.pdf"]


def test_missing_libreoffice_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ConversionError) as caught:
        convert([tmp_path / "x.docx"], tmp_path / "out")
    assert caught.value.message == INSTALL_HINT and "apt-get install libreoffice-writer-nogui" in INSTALL_HINT


def test_unwritable_output_folder(fake_soffice, tmp_path, rendered):
    (tmp_path / "file").write_text("x")
    sources = docx_files(tmp_path / "in", ["a"], rendered["risk_notice"].content)
    with pytest.raises(ConversionError, match="无法创建输出文件夹"):
        convert(sources, tmp_path / "file" / "out")


def test_same_stems_are_refused(tmp_path):
    with pytest.raises(ConversionError, match="重名"):
        convert([tmp_path / "a" / "x.docx", tmp_path / "b" / "x.docx"], tmp_path / "out")


@pytest.mark.libreoffice
@pytest.mark.slow
def test_a_corrupt_file_in_a_batch_is_named_and_pdfa_is_written(soffice, tmp_path, rendered):
    good = docx_files(tmp_path / "in", ["甲", "乙"], rendered["dual_report"].content)
    bad = tmp_path / "in" / "坏.docx"
    bad.write_bytes(b"PK\x03\x04 not a document")
    result = convert([good[0], bad, good[1]], tmp_path / "out", pdfa=True)
    assert set(result.pdfs) == set(good) and list(result.failed) == [bad]
    pdf = result.pdfs[good[0]]
    raw = pdf.read_bytes()
    assert b"<pdfaid:part>2</pdfaid:part>" in raw and b"<pdfaid:conformance>B</pdfaid:conformance>" in raw
    assert all(font.embedded for font in fonts_of(pdf)) and font_warnings(pdf) == []
    with pytest.raises(ConversionError, match=r"坏\.docx"):
        convert_to_pdf([bad], tmp_path / "out2")


def test_font_warnings_name_unembedded_and_unexpected_fonts(tmp_path):
    path = tmp_path / "helvetica.pdf"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Hello", fontname="helv")
    doc.save(path)
    (warning,) = font_warnings(path)
    assert "Helvetica" in warning and "没有嵌入" in warning


@pytest.mark.libreoffice
@pytest.mark.slow
def test_render_into_the_archive_with_a_pdfa_copy(soffice, run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    example = run("example", "risk_notice").output
    (tmp_path / "d.yaml").write_text(example.replace("doc_number: X财廉告〔2026〕3号", ""), encoding="utf-8")
    result = run("render", "risk_notice", "--data", "d.yaml", "--archive", "档案", "--pdf", "-o", "副本.docx", "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["output_pdf"] == "副本.pdf" and (tmp_path / "副本.pdf").read_bytes().startswith(b"%PDF-")
    roles = {f["role"]: f for f in record["files"]}
    assert set(roles) == {"original", "pdf"} and roles["pdf"]["path"].endswith(".pdf")
    assert (tmp_path / "档案" / roles["pdf"]["path"]).read_bytes().startswith(b"%PDF-")
    verify = run("archive", "verify", "--archive", "档案", "--json")
    assert json.loads(verify.output)["ok"], verify.output
    (tmp_path / "full.yaml").write_text(example, encoding="utf-8")
    plain = run("render", "risk_notice", "--data", "full.yaml", "-o", "告知书.docx", "--pdf")
    assert plain.exit_code == 0 and (tmp_path / "告知书.pdf").exists()


def test_pdf_convert_command_reports_failures(fake_soffice, run, tmp_path, rendered):
    sources = docx_files(tmp_path / "in", ["a", "hang"], rendered["risk_notice"].content)
    result = run("pdf", "convert", *sources, "--timeout", "3", "--json")
    assert result.exit_code == 6
    data = json.loads(result.output)
    assert [Path(c["pdf"]).name for c in data["converted"]] == ["a.pdf"]
    assert Path(data["failed"][0]["source"]).name == "hang.docx"
    assert os.path.exists(data["converted"][0]["pdf"])


@pytest.mark.libreoffice
@pytest.mark.slow
def test_a_yearly_dossier_has_a_catalog_nested_bookmarks_and_page_counts(soffice, tmp_path):
    from pypdf import PdfReader

    from lianzheng_docs import Catalog
    from lianzheng_docs.archive import Archive, RecordMeta
    from lianzheng_docs.pdf.dossier import build_dossier

    received = tmp_path / "来文.pdf"
    doc = pymupdf.open()
    for _ in range(2):
        doc.new_page().insert_text((72, 72), "关于开展专项检查的通知", fontname="china-s", fontsize=12)
    doc.save(received)
    with Archive(tmp_path / "档案") as archive:
        for template_id in ("risk_notice", "dual_report"):
            template = Catalog.default().get(template_id)
            data = template.example()
            data.pop("doc_number")
            archive.file_rendered(template, data)
        archive.add(received, RecordMeta(kind="通知", date=__import__("datetime").date(2026, 3, 5)))
        records = archive.list(year=2026)
        result = build_dossier(archive, records, tmp_path / "2026年度汇编.pdf", heading="2026年度汇编")
        reader = PdfReader(str(result.path))
        catalog = reader.pages[0].extract_text()
        assert "归档文件目录" in catalog and all(r.archival_code.split("-")[-1] in catalog for r in records)
        outline = reader.outline
        kinds = [item.title for item in outline if not isinstance(item, list)]
        assert kinds == ["归档文件目录", "告知书", "通知", "报告", "备考表"]
        children = [item for item in outline if isinstance(item, list)]
        assert [len(group) for group in children] == [1, 1, 1]
        filed = archive.list(year=2026)
        assert all(r.page_count and r.page_count >= 1 for r in filed)
        assert result.pages == result.catalog_pages + sum(r.page_count or 0 for r in filed) + result.note_pages
        assert all(any(f.format == "pdf" for f in r.files) for r in filed)  # PDF/A copies kept
        assert archive.verify().ok
        with pytest.raises(Exception, match="已存在"):
            build_dossier(archive, records, result.path, heading="x")


@pytest.mark.libreoffice
@pytest.mark.slow
def test_archive_copies_carry_the_stamp_and_metadata(soffice, tmp_path):
    from pypdf import PdfReader

    from lianzheng_docs import Catalog
    from lianzheng_docs.archive import Archive
    from lianzheng_docs.pdf.copies import make_archive_copies

    template = Catalog.default().get("dual_report")
    data = template.example()
    data.pop("doc_number")
    with Archive(tmp_path / "档案") as archive:
        record = archive.file_rendered(template, data)
        (copied,) = make_archive_copies(archive, [record])
        pdf = archive.path_of(copied, "pdf")
        reader = PdfReader(str(pdf))
        first = reader.pages[0].extract_text()
        for text in ("全宗号", "Z001", "年度", "2026", "件号", "0001", "保管期限", "永久", "BGS"):
            assert text in first, text
        assert reader.metadata["/Title"] == record.title and record.archival_code in reader.metadata["/Keywords"]
        xmp = reader.xmp_metadata
        assert xmp.dc_identifier == record.archival_code and xmp.pdfaid_part == "2"
        assert xmp.dc_title["x-default"] == record.title
        assert make_archive_copies(archive, [copied]) == [copied]  # already has its copy
        assert archive.verify().ok


@pytest.mark.libreoffice
@pytest.mark.slow
def test_protect_adds_a_watermark_and_aes_encryption(soffice, tmp_path):
    from pypdf import PdfReader

    from lianzheng_docs.pdf.protect import protect

    source = tmp_path / "原件.pdf"
    doc = pymupdf.open()
    for _ in range(2):
        doc.new_page().insert_text((72, 300), "关于专项检查的通知", fontname="china-s", fontsize=16)
    doc.save(source)
    marked = protect(source, tmp_path / "水印.pdf", watermark="内部资料 注意保存")
    reader = PdfReader(str(marked))
    assert len(reader.pages) == 2 and all("内部资料" in page.extract_text() for page in reader.pages)
    locked = protect(source, tmp_path / "加密.pdf", password="财政2026")
    reader = PdfReader(str(locked))
    assert reader.is_encrypted and reader.decrypt("错误") == 0 and reader.decrypt("财政2026") != 0
    assert "专项检查" in reader.pages[0].extract_text()
    with pytest.raises(Exception, match="已存在"):
        protect(source, locked, password="x")


def test_encrypted_or_corrupt_pdfs_are_refused_for_filing(tmp_path):
    from pypdf import PdfWriter

    from lianzheng_docs.archive import Archive, MetadataError

    plain = tmp_path / "明文.pdf"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "正文", fontname="china-s", fontsize=12)
    doc.save(plain)
    writer = PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="x", algorithm="AES-256")
    locked = tmp_path / "加密.pdf"
    writer.write(locked)
    broken = tmp_path / "损坏.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj garbage")
    with Archive(tmp_path / "档案") as archive:
        with pytest.raises(MetadataError, match="加密的 PDF"):
            archive.add(locked)
        with pytest.raises(MetadataError, match="无法读取"):
            archive.add(broken)
        assert archive.registry.count() == 0 and archive.verify().ok


def test_text_extraction_of_a_long_pdf_is_bounded(tmp_path, monkeypatch):
    from lianzheng_docs.archive import extract

    path = tmp_path / "长.pdf"
    doc = pymupdf.open()
    for number in range(60):
        doc.new_page().insert_text((72, 72), f"第{number}页 2025 年 专项 资金", fontname="china-s", fontsize=12)
    doc.save(path)
    monkeypatch.setattr(extract, "MAX_PAGES", 10)
    text, pages = extract.pdf_text(path)
    assert pages == 60 and "第9页" in text and "第10页" not in text
    assert "2025年专项资金" in text  # the spaces extractors put between Han characters and digits are gone


@pytest.mark.libreoffice
@pytest.mark.slow
def test_a_received_pdf_keeps_its_original_and_gets_a_stamped_copy(soffice, run, tmp_path):
    import hashlib

    from pypdf import PdfReader

    received = tmp_path / "市纪委来文.pdf"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 200), "关于开展专项检查的通知", fontname="china-s", fontsize=16)
    doc.save(received)
    digest = "sha256:" + hashlib.sha256(received.read_bytes()).hexdigest()
    result = run("archive", "add", received, "--type", "通知", "--date", "2026-03-05", "--archive", tmp_path / "档案",
                 "--json")  # fmt: skip
    assert result.exit_code == 0 and json.loads(result.output)["warning"] is None, result.output
    shown = json.loads(run("archive", "show", "1", "--archive", tmp_path / "档案", "--json").output)
    files = {f["role"]: f for f in shown["files"]}
    assert files["original"]["sha256"] == digest  # the original as received
    copy = PdfReader(str(tmp_path / "档案" / files["pdf"]["path"]))
    text = copy.pages[0].extract_text()
    assert "专项检查" in text and "全宗号" in text and "0001" in text
    assert copy.xmp_metadata.dc_identifier == shown["archival_code"]


def test_licensed_fonts_win_over_the_stand_ins(tmp_path, monkeypatch):
    from lianzheng_docs.pdf import convert as module

    module._installed.cache_clear()
    monkeypatch.setattr(module, "_installed", lambda family: False)
    text = module.fontconfig_file(tmp_path).read_text(encoding="utf-8")
    assert "<prefer>" not in text and "<accept><family>Noto Serif CJK SC</family></accept>" in text
    assert "方正小标宋简体" in text and "<const>bold</const>" in text
    monkeypatch.setattr(module, "_installed", lambda family: True)  # a host with 方正小标宋简体
    text = module.fontconfig_file(tmp_path).read_text(encoding="utf-8")
    assert "<const>bold</const>" not in text and "仿宋_GB2312" in text


@pytest.mark.slow
@pytest.mark.libreoffice
def test_a_linked_local_file_is_never_read_into_the_pdf(soffice, run, tmp_path, rendered):
    """A .docx whose image relationship points at file:///… (TargetMode External) must not make
    LibreOffice read that file; the link is dropped and the command says so (issue 15, item 6)."""
    import io
    import zipfile

    import pdfplumber
    from PIL import Image

    secret = tmp_path / "机密.png"
    Image.new("RGB", (400, 400), "red").save(secret)
    drawing = (
        '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
        '<wp:extent cx="1800000" cy="1800000"/><wp:docPr id="901" name="linked"/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr>'
        '<pic:cNvPr id="901" name="linked"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
        '<a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:link="rIdLeak"/>'
        '<a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="1800000" cy="1800000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
        "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
    )
    source = zipfile.ZipFile(io.BytesIO(rendered["risk_notice"].content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + drawing.encode(), 1)
            if info.filename == "word/_rels/document.xml.rels":
                link = (
                    f'<Relationship Id="rIdLeak" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    f'relationships/image" Target="file://{secret}" TargetMode="External"/></Relationships>'
                )
                data = data.replace(b"</Relationships>", link.encode())
            target.writestr(info, data)
    (tmp_path / "链接.docx").write_bytes(out.getvalue())
    result = run("pdf", "convert", tmp_path / "链接.docx", "--outdir", tmp_path / "pdf")
    assert result.exit_code == 0, result.output
    assert "链接了外部文件" in result.stderr and "机密.png" in result.stderr
    with pdfplumber.open(tmp_path / "pdf" / "链接.pdf") as pdf:
        assert sum(len(page.images) for page in pdf.pages) == 0  # nothing was read from disk
