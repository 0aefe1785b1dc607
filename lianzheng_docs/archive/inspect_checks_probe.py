"""What a stored file is and holds, read once for every 四性检测 check that asks (:func:`probe`).

A .docx is read within the bounds ``check`` and filing hold documents to (:mod:`..docxzip`), its
parts as streams; a PDF through pypdf, its object graph walked (a bounded number of objects) for
what can run or carry other files. Nothing here judges: the checks compare these facts with the
registry and the rules.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ..docxzip import ITERPARSE_OPTIONS, oversize
from .extract import APP_PART, CORE_PART, DOCUMENT_PART, docx_text, docx_title, sniff

#: Compression a zip (a .docx, an OFD) may use and still be read by any tool: stored and deflate
#: (DA/T 70's 非公开压缩算法 are the others).
PUBLIC_COMPRESSION = {zipfile.ZIP_STORED: "存储", zipfile.ZIP_DEFLATED: "deflate"}
#: Objects of a PDF walked at most, looking for scripts and attachments (a document of a few hundred
#: pages has thousands; the bound only stops a hostile file).
MAX_PDF_OBJECTS = 200_000
#: What in a PDF can run, start a program or carry another file, by its PDF name, in Chinese.
PDF_ACTIVE = {
    "/JavaScript": "JavaScript 脚本", "/JS": "JavaScript 脚本", "/Launch": "启动外部程序的动作（/Launch）",
    "/EmbeddedFile": "嵌入的文件", "/EmbeddedFiles": "嵌入的文件", "/FileAttachment": "附件注释（嵌入的文件）",
    "/RichMedia": "富媒体（Flash 等）", "/XFA": "XFA 表单（可含脚本）",
}  # fmt: skip
_PDF_NAMED = ("/S", "/Type", "/Subtype")
#: Parts of a .docx that hold code or objects another program runs.
_DOCX_ACTIVE = re.compile(
    r"(^|/)(vbaProject\.bin|vbaData\.xml)$|(^|/)activeX/|(^|/)embeddings/.*\.(bin|docm|xlsm|pptm)$", re.IGNORECASE
)  # fmt: skip
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_PDFAID = "http://www.aiim.org/pdfa/ns/id/"
_DC = "http://purl.org/dc/elements/1.1/"
_XMP = "http://ns.adobe.com/xap/1.0/"


@dataclass
class FileFacts:
    """What one stored file turned out to be."""

    #: its format by content (pdf, docx, ofd), None when it is none of them
    format: str | None = None
    size: int = 0
    mode: int = 0
    #: it opens and its main part parses; else why not
    readable: bool = False
    error: str = ""
    pages: int | None = None
    encrypted: bool = False
    #: zip entries compressed in other ways than stored or deflate, or encrypted
    unusual_compression: list[str] = field(default_factory=list)
    #: the software that made it (app.xml Application and AppVersion; PDF Producer, Creator, CreatorTool)
    software: list[str] = field(default_factory=list)
    #: PDF/A identification from the XMP metadata, e.g. "2B"; "" when there is none
    pdfa: str = ""
    #: the title the file carries (core.xml dc:title, PDF /Title)
    title: str = ""
    #: PDF: the identifier and keywords it carries (the copies made here carry the 档号)
    identifiers: list[str] = field(default_factory=list)
    #: the text (a .docx's paragraphs; not extracted for PDFs)
    text: str = ""
    #: what can run or carry other files (macros, ActiveX, OLE objects, scripts, attachments)
    active: list[str] = field(default_factory=list)
    #: relationships to targets outside the file (a remote template, a linked object), hyperlinks aside
    external: list[str] = field(default_factory=list)


def probe(path: Path, recorded_format: str) -> FileFacts:
    """Read ``path`` once: its real format, and what the checks ask of a file of that format."""
    stat = path.stat()
    with path.open("rb") as handle:
        head = handle.read(16)
    facts = FileFacts(format=sniff(head, path), size=stat.st_size, mode=stat.st_mode)
    kind = facts.format or recorded_format
    try:
        if kind == "docx":
            _docx(path, facts)
        elif kind == "pdf":
            _pdf(path, facts)
        elif kind == "ofd":
            _ofd(path, facts)
        else:
            facts.error = "不是 PDF、.docx 或 OFD 文件"
    except Exception as exc:  # any reader's failure is the finding: the file does not open
        facts.readable, facts.error = False, f"{type(exc).__name__}：{exc}"
    return facts


def _zip_entries(archive: zipfile.ZipFile, facts: FileFacts) -> list[zipfile.ZipInfo]:
    infos = archive.infolist()
    for info in infos:
        if info.flag_bits & 0x1:
            facts.encrypted = True
            facts.unusual_compression.append(f"{info.filename}（加密）")
        elif info.compress_type not in PUBLIC_COMPRESSION:
            facts.unusual_compression.append(f"{info.filename}（压缩方法 {info.compress_type}）")
    return infos


def _docx(path: Path, facts: FileFacts) -> None:
    with zipfile.ZipFile(path) as archive:
        infos = _zip_entries(archive, facts)
        problem = oversize(infos, (DOCUMENT_PART, CORE_PART, APP_PART), path.name)
        if problem:
            facts.error = problem
            return
        names = [info.filename for info in infos]
        if DOCUMENT_PART not in names:
            facts.error = f"缺少正文部件 {DOCUMENT_PART}"
            return
        facts.active = [name for name in names if _DOCX_ACTIVE.search(name)]
        if "[Content_Types].xml" in names:
            for element in _elements(archive, "[Content_Types].xml"):
                content_type = element.get("ContentType") or ""
                if "macroEnabled" in content_type or "vbaProject" in content_type:
                    facts.active.append(f"宏（{element.get('PartName') or element.get('Extension')}）")
        for name in names:
            if name.endswith(".rels"):
                for element in _elements(archive, name):
                    if element.tag == _REL and element.get("TargetMode") == "External":
                        kind = (element.get("Type") or "").rsplit("/", 1)[-1]
                        if kind != "hyperlink":
                            facts.external.append(f"{kind}：{element.get('Target')}")
        if APP_PART in names:
            values = {el.tag.rsplit("}", 1)[-1]: (el.text or "").strip() for el in _elements(archive, APP_PART)}
            software = " ".join(v for v in (values.get("Application"), values.get("AppVersion")) if v)
            if software:
                facts.software.append(software)
            facts.pages = int(values["Pages"]) if values.get("Pages", "").isdigit() else None
    facts.text = docx_text(path)  # the main part parses, as a stream
    facts.title = docx_title(path) if CORE_PART in names else ""
    facts.readable = True


def _elements(archive: zipfile.ZipFile, part: str) -> list[Any]:
    """The elements of a small part (relationships, content types, app.xml), as read without entities."""
    with archive.open(part) as stream:
        found = []
        for _event, element in etree.iterparse(stream, events=("end",), **ITERPARSE_OPTIONS):
            if isinstance(element.tag, str):
                found.append(element)
        return found


def _pdf(path: Path, facts: FileFacts) -> None:
    from pypdf import PdfReader

    reader = PdfReader(str(path), strict=False)
    facts.encrypted = bool(reader.is_encrypted)
    if facts.encrypted:
        try:
            reader.decrypt("")
        except Exception:
            facts.error = "加密的 PDF，无法打开"
            return
    facts.pages = len(reader.pages)
    info: Any = reader.metadata or {}
    for key in ("/Producer", "/Creator"):
        if info.get(key):
            facts.software.append(str(info[key]))
    facts.title = str(info.get("/Title") or "")
    if info.get("/Keywords"):
        facts.identifiers.append(str(info["/Keywords"]))
    _xmp(reader, facts)
    facts.active = sorted({PDF_ACTIVE[name] for name in _active_names(reader)})
    facts.readable = True


def _xmp(reader: Any, facts: FileFacts) -> None:
    """The PDF/A identification, identifier and creator tool from the XMP packet (element or attribute form)."""
    metadata = reader.trailer["/Root"].get("/Metadata")
    if metadata is None:
        return
    try:
        data = metadata.get_object().get_data()
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except Exception:
        return

    def values(namespace: str, name: str) -> list[str]:
        tag = f"{{{namespace}}}{name}"
        found = ["".join(el.itertext()).strip() for el in root.iter(tag)]
        found += [str(el.get(tag)).strip() for el in root.iter() if el.get(tag)]
        return [value for value in found if value]

    part, conformance = values(_PDFAID, "part"), values(_PDFAID, "conformance")
    if part:
        facts.pdfa = part[0] + (conformance[0].upper() if conformance else "")
    facts.identifiers.extend(values(_DC, "identifier"))
    for tool in values(_XMP, "CreatorTool"):
        if tool not in facts.software:
            facts.software.append(tool)


def _active_names(reader: Any) -> set[str]:
    """The names of :data:`PDF_ACTIVE` found as keys or as the /S, /Type, /Subtype of any object."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    budget = MAX_PDF_OBJECTS
    while stack and budget > 0:
        budget -= 1
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            try:
                item = item.get_object()
            except Exception:
                continue
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                if key in PDF_ACTIVE:
                    found.add(str(key))
                if key in _PDF_NAMED and isinstance(value, NameObject) and value in PDF_ACTIVE:
                    found.add(str(value))
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return found


def _ofd(path: Path, facts: FileFacts) -> None:
    with zipfile.ZipFile(path) as archive:
        _zip_entries(archive, facts)
        _elements(archive, "OFD.xml")  # the entry document parses
    facts.readable = True
