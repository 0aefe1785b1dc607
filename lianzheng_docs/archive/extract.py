"""What a file to be filed is (by content, not name) and its text for the search index: PDF
through pypdf, .docx from its OOXML.

Extraction is bounded (pages, characters) so that a PDF of thousands of pages cannot exhaust
memory, and it normalises what extractors add: the spaces they put between Han characters and
digits ("2025 年"), and line breaks inside sentences. The parts of a .docx are read as streams,
an element at a time, and reading stops once the text is long enough: a 300 MB document.xml
(1 MB zipped) is not unpacked into memory, let alone parsed into a tree (2.7 GB, 25 s before).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from lxml import etree

from ..docxzip import ITERPARSE_OPTIONS, oversize
from .errors import MetadataError

FORMATS = {"pdf": "PDF", "docx": "Word .docx", "ofd": "OFD"}
MAX_PAGES = 2000
MAX_CHARS = 2_000_000
#: the parts of a .docx the archive reads: its text, its own title, the page count Word saved
DOCUMENT_PART, CORE_PART, APP_PART = "word/document.xml", "docProps/core.xml", "docProps/app.xml"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
#: what ``check`` reads documents with too (:data:`lianzheng_docs.docxzip.ITERPARSE_OPTIONS`)
_XML_OPTIONS = ITERPARSE_OPTIONS
_HAN = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_SPACE_BETWEEN = re.compile(rf"(?<=[{_HAN}0-9])[ \t\u00a0]+(?=[{_HAN}0-9])")


def normalise(text: str) -> str:
    """Collapse the spaces an extractor puts between Han characters and digits; keep paragraphs."""
    lines = [_SPACE_BETWEEN.sub("", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)[:MAX_CHARS]


def docx_text(path: Path) -> str:
    """The paragraphs of a .docx, body, tables and text boxes, without VML duplicates.

    :func:`normalise` of the paragraphs joined by line breaks, computed paragraph by paragraph
    from a stream of the main part, stopping once :data:`MAX_CHARS` are there."""
    lines: list[str] = []
    size = 0
    with zipfile.ZipFile(path) as archive, archive.open(DOCUMENT_PART) as stream:
        for paragraph in _paragraphs(stream):
            for line in paragraph.splitlines():
                line = _SPACE_BETWEEN.sub("", line).strip()
                if line:
                    lines.append(line)
                    size += len(line) + 1
            if size > MAX_CHARS:  # the text's first MAX_CHARS characters are settled
                break
    return "\n".join(lines)[:MAX_CHARS]


def _paragraphs(stream: IO[bytes]) -> Iterator[str]:
    """Each ``w:p``'s own text (its ``w:t`` not inside a paragraph nested in it), in document order,
    leaving out the paragraphs of ``mc:Fallback`` (VML duplicates of text boxes).

    Read as a stream: every element is dropped once its end has been seen, so memory does not grow
    with the part. A paragraph nested in another (a text box) comes after the one holding it, as
    in the document's order of opening tags; once :data:`MAX_CHARS` × 4 characters are held by
    paragraphs still open, reading stops (only a hostile document gets there).
    """
    open_paragraphs: list[list[str] | None] = []  # innermost last; None inside mc:Fallback
    waiting: list[list[str]] = []  # opened, in order, not yet given out
    fallback = held = 0
    for event, element in etree.iterparse(stream, events=("start", "end"), **_XML_OPTIONS):
        tag = element.tag
        if event == "start":
            if tag == f"{_W}p":
                parts: list[str] | None = None if fallback else []
                open_paragraphs.append(parts)
                if parts is not None:
                    waiting.append(parts)
            elif tag.endswith("Fallback"):
                fallback += 1
            continue
        if tag == f"{_W}t":
            if open_paragraphs and open_paragraphs[-1] is not None and element.text:
                open_paragraphs[-1].append(element.text)
                held += len(element.text)
        elif tag == f"{_W}p" and open_paragraphs:
            open_paragraphs.pop()
            if not open_paragraphs:  # the outermost paragraph closed: all waiting are complete
                yield from ("".join(parts) for parts in waiting)
                waiting.clear()
                held = 0
        elif tag.endswith("Fallback"):
            fallback -= 1
        element.clear()
        while element.getprevious() is not None:  # what was read before it is done with too
            del element.getparent()[0]
        if held > 4 * MAX_CHARS:
            break
    yield from ("".join(parts) for parts in waiting)


def _stream_of(path: Path, part: str) -> Iterator[etree._Element]:
    """The elements of one part of a .docx, each at its end, dropped once the caller has it."""
    with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
        for _event, element in etree.iterparse(stream, events=("end",), **_XML_OPTIONS):
            yield element
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]


def docx_title(path: Path) -> str:
    """The title in a .docx's core properties (``dc:title``), or ``""``; the part read as a stream."""
    for element in _stream_of(path, CORE_PART):
        if element.tag == _DC_TITLE:
            return (element.text or "").strip()
    return ""


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
    """The page count Word saved in docProps/app.xml, when it did (and it is a plausible number)."""
    try:
        for element in _stream_of(path, APP_PART):
            if isinstance(element.tag, str) and element.tag.endswith("}Pages"):
                text = (element.text or "").strip()
                return int(text) if text.isdigit() and len(text) <= 6 else None
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return None
    return None


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
    if fmt == "docx":
        _within_bounds(path, source)
    return fmt


def _within_bounds(path: Path, source: Path) -> None:
    """Refuse a .docx beyond the bounds ``lianzheng check`` holds documents to (:mod:`..docxzip`), from
    its zip directory alone, before any part is unpacked: filing reads its text, title and page count."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not readable as a zip: extraction says so with its own message
    problem = oversize(infos, (DOCUMENT_PART, CORE_PART, APP_PART), source.name)
    if problem:
        raise MetadataError(problem + "（与 lianzheng check 的上限相同）")


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


__all__ = [
    "checked_format",
    "docx_text",
    "docx_title",
    "extract",
    "normalise",
    "pdf_text",
    "readable_text",
    "sniff",
]
