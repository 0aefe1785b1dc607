"""Read and check one transfer package on its own (the first pass of :mod:`.unpackage`).

Its size; the XML (a DOCTYPE is refused, no entity is expanded, nothing is fetched); the schema
(:file:`eep.xsd`), its complaints said in Chinese; each file's SHA-256, size and real format (decoded
once into the archive's ``tmp/``); the 档号 against its parts; the 附注 this project writes; and the
signature (:mod:`.incoming_signature`). Every problem the package has is listed at once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..templating.manifest import RETENTIONS
from .codes import ArchivalCode
from .errors import MetadataError
from .extract import checked_format, readable_text
from .incoming import Incoming, IncomingFile, PackagesRefused, Refusal, _text
from .incoming_signature import _check_signature
from .package import NAMESPACE, NOTE_LABELS, ROLE_NAMES, SOURCES, person_id, qualified, schema
from .storage import stage

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

#: a package larger than this is refused before it is read (it is parsed in memory)
MAX_PACKAGE_BYTES = 1024 * 1024 * 1024
FILE_NOTE = re.compile(
    r"^(?P<id>[^：\s]+)：角色 (?P<role>[^；\s]+)；SHA-256 (?P<hex>[0-9a-f]{64})(?:；原文件名 (?P<name>.+))?$", re.S
)
ROLE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def read_package(path: Path, tmp_dir: Path, *, public_key: Ed25519PublicKey | None = None) -> Incoming:
    """Read and check the package at ``path``; its files are staged in ``tmp_dir``.

    :raises PackagesRefused: with every problem this package has.
    """
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_PACKAGE_BYTES:
            raise _refused(
                name, None, f"有 {size // (1024 * 1024)} MB，超过可读取的上限（{MAX_PACKAGE_BYTES >> 20} MB）"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise _refused(name, None, f"无法读取（{exc.strerror or exc}）") from exc
    package_sha256 = "sha256:" + hashlib.sha256(raw).hexdigest()
    root = _parse(raw, name)
    del raw  # the tree holds it now: a package is read at about eight times its files' size at its peak
    code_text = _code_text(root)
    log = _schema_problems(root)
    if log:
        raise PackagesRefused(
            [Refusal(name, code_text, f"不符合 DA/T 48 封装包的结构（eep.xsd）：{line}") for line in log]
        )
    problems: list[str] = []
    signed = root.find(qualified("被签名对象"))
    entity = signed.find(f"{qualified('封装内容')}/{qualified('文件实体块')}/{qualified('文件实体')}")
    if entity is None:
        raise _refused(name, code_text, "是修改型封装包（修改封装内容）：只能接收原始型封装包")
    try:
        code = ArchivalCode.parse(code_text or "")
    except MetadataError as exc:
        raise _refused(name, code_text, exc.message) from exc
    problems.extend(_check_code_parts(entity.find(qualified("档号")), code))
    notes, file_notes = _notes(entity)
    values = _record_values(entity, code, notes, signed, problems)
    files: list[IncomingFile] = []
    try:
        text = _files(entity, code, file_notes, tmp_dir, files, problems)
        values["text"] = text
        signature, key = _check_signature(root, signed, public_key, problems)
        if problems:
            raise PackagesRefused([Refusal(name, str(code), problem) for problem in problems])
    except BaseException:
        for stored in files:
            stored.staged.path.unlink(missing_ok=True)
        raise
    history = [{"at": _text(entity_, "行为时间"), "actor": _text(entity_, "机构人员标识符").removeprefix(person_id("")),
                "action": _text(entity_, "业务行为"), "hash": _text(entity_, "业务标识符")}
               for entity_ in signed.iter(qualified("业务实体"))]  # fmt: skip
    return Incoming(path, package_sha256, code, values, files, signature, key,
                    _text(signed, "封装包创建时间"), _text(signed, "封装包创建单位"), history)  # fmt: skip


def _refused(name: str, code: str | None, message: str) -> PackagesRefused:
    return PackagesRefused([Refusal(name, code, message)])


def _parse(raw: bytes, name: str) -> Any:
    """The package's root element; a DOCTYPE (entities, external files) is refused, nothing fetched."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise _refused(name, None, f"不是格式正确的 XML（{exc}）：文件不完整或已损坏") from exc
    if root.getroottree().docinfo.doctype:
        raise _refused(name, None, "含有 DOCTYPE（文档类型定义）：封装包中不应有，为安全起见不予读取")
    return root


def _code_text(root: Any) -> str | None:
    """The 档号 as written, for messages about a package that fails even the schema."""
    element = root.find(f".//{qualified('档号')}")
    if element is None:
        return None
    return (element.text or "").strip() or None


#: lxml's schema messages, said in Chinese (the element names are Chinese already)
_SCHEMA_PHRASES = [
    (
        re.compile(r"This element is not expected\. Expected is one of \( (.+?) \)\."),
        r"此处不应是这个元素，应为 \1 之一",
    ),
    (re.compile(r"This element is not expected\. Expected is \( (.+?) \)\."), r"此处不应是这个元素，应为 \1"),
    (re.compile(r"This element is not expected\."), "此处不应出现这个元素"),
    (re.compile(r"Missing child element\(s\)\. Expected is one of \( (.+?) \)\."), r"缺少子元素 \1 之一"),
    (re.compile(r"Missing child element\(s\)\. Expected is \( (.+?) \)\."), r"缺少子元素 \1"),
    (re.compile(r"'(.*?)' is not a valid value of the atomic type 'xs:base64Binary'\."), "不是有效的 Base64 编码"),
    (re.compile(r"'(.*?)' is not a valid value of the atomic type 'xs:(\w+)'\."), r"“\1”不是有效的 \2 值"),
    (re.compile(r"\[facet 'minLength'\] The value has a length of '0'.*"), "不能为空"),
]


def _schema_problems(root: Any) -> list[str]:
    """The schema's complaints (at most ten), each with its line and the element in Chinese."""
    validator = schema()
    if validator.validate(root):
        return []
    lines = []
    for error in list(validator.error_log)[:10]:
        message = str(error.message).replace(f"{{{NAMESPACE}}}", "")
        element = ""
        match = re.match(r"Element '([^']+)'(?:, attribute '([^']+)')?: (.*)", message, re.S)
        if match:
            element = f"元素 {match.group(1)}" + (f" 的属性 {match.group(2)}" if match.group(2) else "") + "："
            message = match.group(3)
        for pattern, chinese in _SCHEMA_PHRASES:
            message = pattern.sub(chinese, message)
        lines.append(f"第 {error.line} 行，{element}{message.strip()}")
    return lines


def _check_code_parts(element: Any, code: ArchivalCode) -> list[str]:
    """The 档号's parts must say what the 档号 says (someone who edits one may forget the other)."""
    parts = {"全宗号": code.fonds, "年度": str(code.year), "机构或问题": code.org, "室编件号": str(code.item)}
    found = {name: _text(element, name).strip() for name in parts}
    differ = [name for name, value in parts.items() if found[name] and found[name] != value]
    retention = _text(element, "保管期限").strip()
    if RETENTIONS.get(retention, retention) != code.retention:
        differ.append("保管期限")
    if not differ:
        return []
    return [f"档号与它的组成部分不一致（{'、'.join(differ)}）：元数据在封装之后被改动过"]


def _notes(entity: Any) -> tuple[dict[str, str], dict[str, re.Match[str]]]:
    """The 附注 this project writes: record columns by label, and each 编码's role and SHA-256."""
    labels = {label: column for column, label in NOTE_LABELS.items()}
    notes: dict[str, str] = {}
    files: dict[str, re.Match[str]] = {}
    for element in entity.findall(qualified("附注")):
        text = element.text or ""
        match = FILE_NOTE.match(text)
        if match:
            files[match.group("id")] = match
            continue
        label, _, value = text.partition("：")
        if label in labels:
            notes[labels[label]] = value
    return notes, files


def _record_values(
    entity: Any, code: ArchivalCode, notes: dict[str, str], signed: Any, problems: list[str]
) -> dict[str, Any]:
    """The registry row the package describes (DA/T 46 metadata, numbers from the 档号, our 附注)."""
    described = entity.find(qualified("内容描述"))
    written = notes.get("source", "")
    source = {name: key for key, name in SOURCES.items()}.get(written, written) or "external"
    if source not in SOURCES:
        problems.append(f"附注中的来源“{written}”无效（应为 {'或'.join(SOURCES.values())}）")
    when = _text(described, "日期")
    if when and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", when):
        problems.append(f"日期“{when}”应写成 YYYY-MM-DD")
    pages = _text(entity.find(qualified("形式特征")), "页数")
    return {
        "fonds": code.fonds, "category": code.category, "year": code.year, "retention": code.retention,
        "org": code.org, "item": code.item, "archival_code": str(code),
        "doc_number": _text(described, "文件编号") or None, "title": _text(described, "题名"),
        "author": _text(described, "责任者"), "date": when or None,
        "kind": _text(described, "文种"), "secrecy": _text(described, "密级"),
        "recipients": _text(described, "主送"), "cc": _text(described, "抄送"), "unit": notes.get("unit", ""),
        "template_id": notes.get("template_id") or None, "page_count": int(pages) if pages else None,
        "source": source, "filed_at": notes.get("filed_at") or _text(signed, "封装包创建时间"),
        "filed_by": notes.get("filed_by") or _text(signed, "封装包创建单位"),
    }  # fmt: skip


def _files(
    entity: Any,
    code: ArchivalCode,
    notes: dict[str, re.Match[str]],
    tmp_dir: Path,
    files: list[IncomingFile],
    problems: list[str],
) -> str:
    """Decode and stage every 编码, checking its digest, size and format; returns the original's text."""
    path = f"{qualified('文件数据')}/{qualified('文档')}/{qualified('文档数据')}/{qualified('编码')}"
    text = ""
    for number, coding in enumerate(entity.findall(path), start=1):
        identifier = coding.get("编码ID") or f"编码{number}"
        attributes = coding.find(qualified("电子属性"))
        name, fmt = _text(attributes, "计算机文件名"), _text(attributes, "格式信息")
        note = notes.get(identifier)
        if note is None:
            problems.append(
                f"附注中没有编码 {identifier}（{name}）的角色和 SHA-256：不是本系统生成的封装包，或附注被删除"
            )
            continue
        role = note.group("role")
        what = f"文件（{ROLE_NAMES.get(role, role)}，{name}）"
        if not ROLE.match(role) or any(stored.role == role for stored in files):
            problems.append(f"{what}的角色 {role!r} 无效或重复")
            continue
        try:  # the schema has held it to base64Binary: letters of the alphabet and whitespace, which is skipped
            content = base64.b64decode(_text(coding, "编码数据"))
        except (binascii.Error, ValueError):
            problems.append(f"{what}的编码数据不是有效的 Base64：已损坏")
            continue
        staged = stage(content, tmp_dir)
        declared = int(_text(attributes, "计算机文件大小") or -1)
        incoming = IncomingFile(role, fmt, staged.size, staged.sha256, note.group("name"), staged)
        files.append(incoming)  # from here on removed with the others whatever happens
        if staged.sha256 != "sha256:" + note.group("hex"):
            problems.append(f"{what}与封装包记录的 SHA-256 不符：编码数据在封装之后被改动过或已损坏")
            continue
        if staged.size != declared:
            problems.append(f"{what}有 {staged.size} 字节，与电子属性中的计算机文件大小 {declared} 不符")
        try:
            source = Path(f"{code}.{fmt}")
            checked_format(staged.head, staged.path, source)
            if role == "original" or not text:
                text = readable_text(staged.path, fmt, source)[0]
        except MetadataError as exc:
            problems.append(f"{what}：{exc.message}")
    if not files and not problems:
        problems.append("没有任何文件（文件数据中没有编码）")
    return text
