"""What a file to be filed is (by content, not name) and its text for the search index: PDF
through pypdf, .docx from its OOXML.

Extraction is bounded (pages, characters) so that a PDF of thousands of pages cannot exhaust
memory, and it normalises what extractors add: the spaces they put between Han characters and
digits ("2025 年"), and line breaks inside sentences.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from .errors import MetadataError

FORMATS = {"pdf": "PDF", "docx": "Word .docx", "ofd": "OFD"}
MAX_PAGES = 2000
MAX_CHARS = 2_000_000
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HAN = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_SPACE_BETWEEN = re.compile(rf"(?<=[{_HAN}0-9])[ \t\u00a0]+(?=[{_HAN}0-9])")


def normalise(text: str) -> str:
    """Collapse the spaces an extractor puts between Han characters and digits; keep paragraphs."""
    lines = [_SPACE_BETWEEN.sub("", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)[:MAX_CHARS]


def docx_text(path: Path) -> str:
    """The paragraphs of a .docx, body, tables and text boxes, without VML duplicates."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"), etree.XMLParser(resolve_entities=False))
    paragraphs = []
    for para in root.iter(f"{_W}p"):
        if any(a.tag.endswith("Fallback") for a in para.iterancestors()):
            continue
        text = "".join(node.text or "" for node in para.iter(f"{_W}t") if _owner(node) is para)
        paragraphs.append(text)
    return normalise("\n".join(paragraphs))


def _owner(node: etree._Element) -> etree._Element | None:
    parent = node.getparent()
    while parent is not None and parent.tag != f"{_W}p":
        parent = parent.getparent()
    return parent


def pdf_text(path: Path) -> tuple[str, int]:
    """The text of a PDF and its page count; pages beyond MAX_PAGES are not read."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception:
            return "", len(reader.pages)
    parts: list[str] = []
    size = 0
    for number, page in enumerate(reader.pages):
        if number >= MAX_PAGES or size >= MAX_CHARS:
            break
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
    return normalise("\n".join(parts)), len(reader.pages)


def docx_pages(path: Path) -> int | None:
    """The page count Word saved in docProps/app.xml, when it did."""
    try:
        with zipfile.ZipFile(path) as archive:
            app = archive.read("docProps/app.xml")
    except (KeyError, zipfile.BadZipFile):
        return None
    match = re.search(rb"<Pages>(\d+)</Pages>", app)
    return int(match.group(1)) if match else None


def sniff(head: bytes, path: Path | None = None) -> str | None:
    """The format a file really is, from its first bytes: pdf, docx, ofd, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and path is not None:
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "OFD.xml" in names:
            return "ofd"
    return None


def extract(path: Path, fmt: str) -> tuple[str, int | None]:
    """(text, page count) of a stored file of format ``fmt``."""
    if fmt == "pdf":
        return pdf_text(path)
    if fmt == "docx":
        return docx_text(path), docx_pages(path)
    return "", None


def checked_format(head: bytes, path: Path, source: Path) -> str:
    """The format of a file about to be filed, by its content; refused when unknown or misnamed."""
    fmt = sniff(head, path)
    suffix = source.suffix.lower().lstrip(".")
    if fmt is None:
        raise MetadataError(f"{source.name} 不是可归档的格式：只接受 {'、'.join(FORMATS.values())}")
    if suffix in FORMATS and suffix != fmt:
        raise MetadataError(f"{source.name} 的扩展名是 .{suffix}，但内容是 {FORMATS[fmt]}；请核对文件")
    return fmt


def readable_text(path: Path, fmt: str, source: Path) -> tuple[str, int | None]:
    """:func:`extract`, refusing encrypted PDFs and naming ``source`` when the file cannot be read."""
    if fmt == "pdf" and is_encrypted_pdf(path):
        raise MetadataError(f"{source.name} 是加密的 PDF：电子档案不得加密（DA/T 70-2018），请先解除密码再归档")
    try:
        return extract(path, fmt)
    except Exception as exc:
        raise MetadataError(f"无法读取 {source.name} 的内容（文件可能已损坏或加密）：{exc}") from exc


def is_encrypted_pdf(path: Path) -> bool:
    from pypdf import PdfReader

    try:
        return bool(PdfReader(str(path)).is_encrypted)
    except Exception:
        return False  # unreadable: extraction says so with its own message


__all__ = ["checked_format", "docx_text", "extract", "normalise", "pdf_text", "readable_text", "sniff"]
