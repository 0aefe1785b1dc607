"""Open a .docx for checking, refusing what is not one with a message a clerk understands.

The checker reads files from anywhere (mail attachments, other offices' tools), so the
package is treated as untrusted: size limits against zip bombs, no XML entity expansion or
network access, and a clear answer for the usual wrong files (a legacy .doc, an encrypted
file, a renamed zip).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..docxzip import ITERPARSE_OPTIONS, MAX_FILE_BYTES, MAX_PART_BYTES, MAX_TOTAL_BYTES
from ..errors import ExitCode, LianzhengError

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: legacy .doc or an encrypted .docx
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


class UnreadableDocument(LianzhengError):
    """The file is not a .docx the checker can read."""

    exit_code = ExitCode.UNREADABLE


@dataclass
class Package:
    """The parts of a .docx that the checker reads, parsed."""

    name: str
    #: the main document part, unparsed: the model reads it block by block (memory stays small)
    document_xml: bytes
    styles: etree._Element | None
    settings: etree._Element | None
    theme: etree._Element | None
    parts: dict[str, etree._Element]  # other parts by path (headers, footers)
    rels: dict[str, str]  # relationship id -> part path, for the main document


def open_package(source: str | Path | bytes, name: str | None = None) -> Package:
    """Read and parse a .docx from a path or bytes; raise :class:`UnreadableDocument` if it is not one."""
    label = name or (str(source) if not isinstance(source, bytes) else "文档")
    data = _read(source, label)
    if data.startswith(_OLE_MAGIC):
        raise UnreadableDocument(
            f"{label} 是加密（受密码保护）的文档或旧版 Word 97-2003 .doc 文件："
            "请去掉密码，或在 Word/WPS 中另存为 .docx 后再检查"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnreadableDocument(f"{label} 不是 .docx 文件（.docx 是 zip 格式，这个文件不是）")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = {info.filename: info for info in archive.infolist()}
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UnreadableDocument(f"{label} 的 zip 结构已损坏：{exc}") from exc
    total = sum(info.file_size for info in infos.values())
    if total > MAX_TOTAL_BYTES:
        raise UnreadableDocument(f"{label} 解压后超过 {MAX_TOTAL_BYTES // 2**20} MB，拒绝检查（疑似压缩炸弹）")
    if "[Content_Types].xml" not in infos:
        raise UnreadableDocument(f"{label} 是 zip 文件，但不是 Office 文档（缺少 [Content_Types].xml）")

    def part(path: str, *, required: bool = False) -> etree._Element | None:
        info = infos.get(path)
        if info is None:
            if required:
                raise UnreadableDocument(f"{label} 缺少必需的部件 {path}，无法检查；请用 Word/WPS 打开后另存一次")
            return None
        if info.file_size > MAX_PART_BYTES:
            raise UnreadableDocument(f"{label} 的部件 {path} 过大（{info.file_size // 2**20} MB），拒绝检查")
        try:
            return etree.fromstring(archive.read(path), _PARSER)
        except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError) as exc:
            raise UnreadableDocument(f"{label} 的部件 {path} 已损坏，无法解析：{exc}") from exc

    main = _main_document_path(part("_rels/.rels"))
    if main not in infos:
        kind = "电子表格或演示文稿" if any(p.startswith(("xl/", "ppt/")) for p in infos) else "Word 文档"
        raise UnreadableDocument(f"{label} 不是 Word 文档（.docx）：没有正文部件 {main}，它可能是{kind}")
    info = infos[main]
    if info.file_size > MAX_PART_BYTES:
        raise UnreadableDocument(f"{label} 的部件 {main} 过大（{info.file_size // 2**20} MB），拒绝检查")
    try:
        document_xml = archive.read(main)
        root_tag = next(etree.iterparse(io.BytesIO(document_xml), events=("start",), **ITERPARSE_OPTIONS))[1].tag
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, StopIteration) as exc:
        raise UnreadableDocument(f"{label} 的部件 {main} 已损坏，无法解析：{exc}") from exc
    if root_tag != f"{{{W_NS}}}document":
        raise UnreadableDocument(f"{label} 的正文部件不是 WordprocessingML 文档")
    folder = main.rsplit("/", 1)[0]
    main_rels = part(f"{folder}/_rels/{main.rsplit('/', 1)[1]}.rels")
    rels = {rid: path for rid, path, _kind in _relationships(main_rels, folder)}
    by_type = {kind: path for _rid, path, kind in _relationships(main_rels, folder)}
    others = {}
    for path in rels.values():
        if path in infos and path.endswith(".xml") and ("header" in path or "footer" in path):
            parsed = part(path)
            if parsed is not None:
                others[path] = parsed
    return Package(
        name=label,
        document_xml=document_xml,
        styles=part(by_type.get("styles", f"{folder}/styles.xml")),
        settings=part(by_type.get("settings", f"{folder}/settings.xml")),
        theme=part(by_type.get("theme", f"{folder}/theme/theme1.xml")),
        parts=others,
        rels=rels,
    )


def _read(source: str | Path | bytes, label: str) -> bytes:
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise UnreadableDocument(f"找不到文件 {label}；请检查路径") from None
        except OSError as exc:
            raise UnreadableDocument(f"无法读取 {label}：{exc.strerror}") from exc
        if path.is_dir():
            raise UnreadableDocument(f"{label} 是文件夹，不是 .docx 文件")
        if size > MAX_FILE_BYTES:
            raise UnreadableDocument(
                f"{label} 有 {size // 2**20} MB，超过 {MAX_FILE_BYTES // 2**20} MB 的上限，拒绝检查"
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnreadableDocument(f"无法读取 {label}：{exc.strerror}") from exc
    if not data:
        raise UnreadableDocument(f"{label} 是空文件（0 字节）")
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableDocument(f"{label} 超过 {MAX_FILE_BYTES // 2**20} MB 的上限，拒绝检查")
    return data


def _main_document_path(rels: etree._Element | None) -> str:
    if rels is not None:
        for rel in rels.findall(f"{{{PKG_REL_NS}}}Relationship"):
            if rel.get("Type") == OFFICE_DOCUMENT:
                return str(rel.get("Target", "word/document.xml")).lstrip("/")
    return "word/document.xml"


def _relationships(rels: etree._Element | None, folder: str) -> list[tuple[str, str, str]]:
    """(id, part path, type name) of each internal relationship."""
    found = []
    if rels is not None:
        for rel in rels.findall(f"{{{PKG_REL_NS}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
            found.append((rel.get("Id", ""), path, rel.get("Type", "").rsplit("/", 1)[-1]))
    return found
