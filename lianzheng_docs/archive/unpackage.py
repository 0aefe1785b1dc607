"""Receive transfer packages (DA/T 48-2009, made by :mod:`.package`) into an archive.

Each record keeps its 档号, 文号, metadata and files byte for byte: a package is a record moving
from one archive to another (移交与接收), not a new filing, so nothing is renumbered. The number
sequences are raised past the numbers received, so later filings never take them again.

A batch is received whole or not at all, in two passes:

1. every package is read and checked on its own: its size; the XML (a DOCTYPE is refused, no
   entity is expanded, nothing is fetched); the schema (:file:`eep.xsd`); each file's SHA-256,
   size and real format (decoded once into the archive's ``tmp/``); the 档号 against its parts; the
   signature: with a public key given from outside, it must be that key's valid Ed25519 signature;
   without one, the package's own key or digest must match (which catches damage, not forgery).
2. the batch against the archive: a package whose 档号 is already there with the same metadata
   and file digests is skipped; a different record at the same 档号, or a 文号 another 档号 holds,
   is refused, naming it.

Every problem of every package is listed at once (:class:`PackagesRefused`, exit 3) and nothing is
filed. Otherwise one registry transaction files them all, with one audit entry ``file`` per record
whose ``received`` detail says which package it came from, how it was signed and the history the
package carried; files placed in that transaction are removed again if it does not commit. A
record keeps its 归档时间 and 归档人 (those of its first filing); who received it, and when, is
that audit entry.

Only packages this project makes are received: the role and SHA-256 of each file are read from
the 附注 :mod:`.package` writes, and the 档号 must have the form of DA/T 22-2015 the archive uses.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ExitCode, LianzhengError
from ..templating.manifest import RETENTIONS
from .codes import ArchivalCode, parse_doc_number
from .errors import ArchiveError, MetadataError
from .extract import checked_format, readable_text
from .package import (
    ALGORITHM_DIGEST,
    ALGORITHM_SIGNED,
    NAMESPACE,
    NOTE_LABELS,
    ROLE_NAMES,
    SOURCES,
    canonical,
    person_id,
    qualified,
    schema,
)
from .registry import AUDITED_COLUMNS, now, row_digest
from .storage import Staged, place, stage

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from .archive import Archive

#: a package larger than this is refused before it is read (it is parsed in memory)
MAX_PACKAGE_BYTES = 1024 * 1024 * 1024
FILE_NOTE = re.compile(
    r"^(?P<id>[^：\s]+)：角色 (?P<role>[^；\s]+)；SHA-256 (?P<hex>[0-9a-f]{64})(?:；原文件名 (?P<name>.+))?$", re.S
)
ROLE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
#: the record's fields a clerk knows by their DA/T 46 names, compared when a 档号 is already filed
COMPARED = {"title": "题名", "doc_number": "文号", "author": "责任者", "date": "日期", "kind": "文种",
            "secrecy": "密级", "recipients": "主送", "cc": "抄送", "unit": "科室（单位）", "retention": "保管期限",
            "template_id": "模板", "source": "来源"}  # fmt: skip


@dataclass(frozen=True)
class Refusal:
    """One reason a package is not received."""

    package: str
    archival_code: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.package}（档号 {self.archival_code}）" if self.archival_code else self.package
        return f"{where}：{self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"package": self.package, "archival_code": self.archival_code, "message": self.message}


class PackagesRefused(LianzhengError):
    """Packages that cannot be received, every reason listed; nothing was filed (exit 3)."""

    exit_code = ExitCode.INVALID_INPUT

    def __init__(self, refusals: Sequence[Refusal]) -> None:
        lines = "\n".join(f"  - {refusal}" for refusal in refusals)
        super().__init__(f"封装包未接收，档案中什么也没有写入（{len(refusals)} 个问题）：\n{lines}")
        self.refusals = list(refusals)

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "refusals": [refusal.to_dict() for refusal in self.refusals]}


@dataclass
class IncomingFile:
    role: str
    format: str
    size: int
    sha256: str
    original_name: str | None
    staged: Staged


@dataclass
class Incoming:
    """A package read and checked: the record it carries, its files staged in ``tmp/``."""

    package: Path
    package_sha256: str
    code: ArchivalCode
    #: the record's columns as the registry holds them (numbers from the 档号, text extracted here)
    values: dict[str, Any]
    files: list[IncomingFile]
    #: verified (with the public key given) | unchecked (its own key only) | unsigned (a digest)
    signature: str
    key: str | None
    created_at: str
    created_by: str
    history: list[dict[str, str]] = field(default_factory=list)

    @property
    def archival_code(self) -> str:
        return str(self.code)


@dataclass(frozen=True)
class Outcome:
    """What became of one package: ``received`` (with the new record's id) or ``skipped``."""

    package: Path
    archival_code: str
    status: str
    record_id: int | None
    signature: str
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"package": str(self.package), "archival_code": self.archival_code, "status": self.status,
                "record_id": self.record_id, "signature": self.signature, "reason": self.reason}  # fmt: skip


def unpackage(archive: Archive, paths: Sequence[Path], *, public_key: Ed25519PublicKey | None = None) -> list[Outcome]:
    """Receive the packages at ``paths`` into ``archive``: all of them, or none.

    :raises PackagesRefused: any package is damaged, altered, not signed by ``public_key`` (when
        given), malformed, or collides with a different record of the archive (or of the batch).
    """
    incoming: list[Incoming] = []
    refusals: list[Refusal] = []
    try:
        for path in paths:
            try:
                incoming.append(read_package(path, archive.root / "tmp", public_key=public_key))
            except PackagesRefused as exc:
                refusals.extend(exc.refusals)
        plan, skipped, notes = _against_archive(archive, incoming, refusals)
        if refusals:
            raise PackagesRefused(refusals)
        archive.warnings.extend(notes)
        with archive.indexing_deferred():
            ids = _file_all(archive, plan)
    finally:
        for item in incoming:
            for stored in item.files:
                stored.staged.path.unlink(missing_ok=True)
    received = [Outcome(item.package, item.archival_code, "received", record_id, item.signature)
                for item, record_id in zip(plan, ids, strict=True)]  # fmt: skip
    order = {path: index for index, path in enumerate(paths)}
    return sorted(received + skipped, key=lambda outcome: order.get(outcome.package, 0))


# ---------------------------------------------------------------------- one package


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


def _text(parent: Any, name: str) -> str:
    element = parent.find(qualified(name))
    return "" if element is None or element.text is None else str(element.text)


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


def _check_signature(
    root: Any, signed: Any, public_key: Ed25519PublicKey | None, problems: list[str]
) -> tuple[str, str | None]:
    """Judge the 电子签名 over the 被签名对象: (verified | unchecked | unsigned, key fingerprint)."""
    from cryptography.exceptions import InvalidSignature

    from .signing import fingerprint

    signature = root.find(f"{qualified('电子签名块')}/{qualified('电子签名')}")
    if signature is None:
        problems.append("没有电子签名块：无法确认封装包在封装之后未被改动")
        return "unsigned", None
    algorithm = _text(signature, "签名算法标识")
    result = base64.b64decode("".join(_text(signature, "签名结果").split()))
    data = canonical(signed)
    if algorithm == ALGORITHM_DIGEST:
        if public_key is not None:
            problems.append(f"封装包没有签名（只有 SHA-256 摘要），而接收时要求用公钥（指纹 {fingerprint(public_key)}）"
                            "核对签名：不能确认它来自持有私钥的单位")  # fmt: skip
        elif hashlib.sha256(data).digest() != result:
            problems.append("封装包的摘要不符：“被签名对象”（元数据、文件或业务记录）在封装之后被改动过或已损坏")
        return "unsigned", None
    if algorithm != ALGORITHM_SIGNED:
        problems.append(f"不认识的签名算法“{algorithm}”（本系统用 {ALGORITHM_SIGNED}，未签名时为 {ALGORITHM_DIGEST}）")
        return "unsigned", None
    own = _embedded_key(signature)
    key = public_key or own
    if key is None:
        problems.append("签名算法是 Ed25519，但封装包中没有签名公钥，也没有给出 --public-key：无法核对签名")
        return "unchecked", None
    if public_key is not None and own is not None and fingerprint(own) != fingerprint(public_key):
        problems.append(f"签名密钥不是给定的公钥（封装包中的密钥指纹 {fingerprint(own)}，给定公钥的指纹 "
                        f"{fingerprint(public_key)}）：封装包被人用别的密钥重新签过，或公钥给错了")  # fmt: skip
        return "failed", fingerprint(own)
    try:
        key.verify(result, data)
    except InvalidSignature:
        problems.append("电子签名不符：签名之后“被签名对象”（元数据、文件或业务记录）被改动过，或签名被替换；"
                        "请向移交单位索取原封装包")  # fmt: skip
    return ("verified" if public_key is not None else "unchecked"), fingerprint(key)


def _embedded_key(signature: Any) -> Ed25519PublicKey | None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    certificate = signature.find(f"{qualified('证书块')}/{qualified('证书')}")
    if certificate is None or not (certificate.text or "").strip():
        return None
    try:
        key = load_der_public_key(base64.b64decode("".join(certificate.text.split())))
    except (ValueError, binascii.Error):
        return None
    return key if isinstance(key, Ed25519PublicKey) else None


# ---------------------------------------------------------------------- the batch against the archive


def _against_archive(
    archive: Archive, incoming: list[Incoming], refusals: list[Refusal]
) -> tuple[list[Incoming], list[Outcome], list[str]]:
    """Which packages to file, which to skip, and warnings to give once filed; collisions go to ``refusals``."""
    plan: list[Incoming] = []
    skipped: list[Outcome] = []
    notes: list[str] = []
    seen: dict[str, Incoming] = {}
    numbers: dict[str, str] = {}
    for item in incoming:
        code, name = item.archival_code, item.package.name
        if code in seen:
            earlier = seen[code]
            if _differences(earlier.values, {(f.role, f.sha256) for f in earlier.files}, item):
                refusals.append(Refusal(name, code, f"与同一批中的 {earlier.package.name} 档号相同而内容不同"))
            else:
                skipped.append(
                    Outcome(item.package, code, "skipped", None, item.signature, "与同一批中的另一个封装包相同")
                )
            continue
        seen[code] = item
        row = archive.registry.record_by("archival_code", code)
        if row is not None:
            files = {(f["role"], f["sha256"]) for f in archive.registry.files_of(row["id"])}
            differ = _differences(dict(row), files, item)
            if differ:
                refusals.append(Refusal(name, code, (
                    f"档号 {code} 已在档案中，但与封装包中的不同（{'、'.join(differ)}）：同一档号不能有两件不同的档案；"
                    "请与移交单位核实是哪一件"
                )))  # fmt: skip
            else:
                skipped.append(Outcome(item.package, code, "skipped", int(row["id"]), item.signature,
                                       "档案中已有这件（档号、元数据和文件哈希都相同）"))  # fmt: skip
            continue
        number = item.values["doc_number"]
        if number:
            taken = archive.registry.record_by("doc_number", number)
            if taken is not None or number in numbers:
                holder = taken["archival_code"] if taken is not None else numbers[number]
                refusals.append(Refusal(name, code, f"文号 {number} 已被档号 {holder} 使用，文号不得重复"))
                continue
            numbers[number] = code
        for stored in item.files:
            same = archive.registry.file_by_hash(stored.sha256)
            if same is not None:
                notes.append(f"档号 {code} 的{ROLE_NAMES.get(stored.role, stored.role)}与档案中档号 "
                                        f"{same['archival_code']} 的文件内容相同")  # fmt: skip
        plan.append(item)
    return plan, skipped, notes


def _differences(values: dict[str, Any], files: set[tuple[str, str]], item: Incoming) -> list[str]:
    """What differs between a record (its columns and (role, digest) of its files) and a package's."""
    differ = [
        label for column, label in COMPARED.items() if (values.get(column) or None) != (item.values[column] or None)
    ]
    if files != {(f.role, f.sha256) for f in item.files}:
        differ.append("文件")
    return differ


def _file_all(archive: Archive, plan: list[Incoming]) -> list[int]:
    """File every record of ``plan`` in one transaction; files placed are removed if it does not commit."""
    placed: list[Path] = []
    try:
        with archive.registry.transaction():
            return [_file_one(archive, item, placed) for item in plan]
    except BaseException:
        for path in placed:
            if not _registered(archive, path):
                path.unlink(missing_ok=True)
        raise


def _file_one(archive: Archive, item: Incoming, placed: list[Path]) -> int:
    registry = archive.registry
    values = item.values
    record_id = registry.insert_record(values)
    registry.raise_sequence("item", item.code.scope, item.code.item)
    parsed = parse_doc_number(values["doc_number"] or "")
    if parsed:
        registry.raise_sequence("doc_number", f"{parsed[0]}|{parsed[1]}", parsed[2])
    declared = []
    paths: list[str] = []
    for stored in item.files:
        relative = f"files/{item.code.year}/{item.code}.{stored.format}"
        if relative in paths:  # the archive's own rule (Archive.attach): a second file of one format
            relative = f"files/{item.code.year}/{item.code}.{stored.role}.{stored.format}"
        paths.append(relative)
        registry.insert_file(record_id, role=stored.role, path=relative, format=stored.format, size=stored.size,
                             sha256=stored.sha256, original_name=stored.original_name)  # fmt: skip
        declared.append({"role": stored.role, "path": relative, "sha256": stored.sha256, "size": stored.size})
    registry.audit(archive.actor, "file", record_id, {
        "archival_code": item.archival_code, "doc_number": values["doc_number"], "source": values["source"],
        "files": declared, "meta": row_digest({column: values[column] for column in AUDITED_COLUMNS}),
        "received": {"package": item.package.name, "package_sha256": item.package_sha256,
                     "signature": item.signature, "key": item.key, "created_at": item.created_at,
                     "created_by": item.created_by, "received_at": now(), "history": item.history},
    })  # fmt: skip
    for stored, relative in zip(item.files, paths, strict=True):
        target = _free(archive, relative)
        placed.append(target)
        place(stored.staged, target)
    return record_id


def _free(archive: Archive, relative: str) -> Path:
    """The path a received file goes to; a file an interrupted run left there (no other record owns
    it) is moved to ``quarantine/`` with a warning, as :meth:`Archive.add` does."""
    target = archive.root / relative
    if not target.exists():
        return target
    owners = archive.registry.db.execute("SELECT count(*) FROM files WHERE path = ?", (relative,)).fetchone()[0]
    if owners > 1:
        raise ArchiveError(f"档案中已有文件 {relative}，拒绝覆盖；请运行 lianzheng archive verify 检查")
    quarantine = archive.root / "quarantine"
    moved = quarantine / f"{now().replace(':', '')}-{target.name}"
    quarantine.mkdir(exist_ok=True)
    os.replace(target, moved)
    archive.warnings.append(f"发现中断的操作留下的文件 {relative}，已移到 {moved.relative_to(archive.root)}")
    return target


def _registered(archive: Archive, path: Path) -> bool:
    """Whether the registry holds a file at ``path``; True when it cannot say (keep the file)."""
    with contextlib.suppress(Exception):
        relative = path.relative_to(archive.root).as_posix()
        return archive.registry.db.execute("SELECT 1 FROM files WHERE path = ?", (relative,)).fetchone() is not None
    return True


def expand(sources: Sequence[Path]) -> Iterator[Path]:
    """Package files from files and folders (every ``*.xml`` in a folder, in name order)."""
    for source in sources:
        if source.is_dir():
            yield from sorted(p for p in source.iterdir() if p.is_file() and p.suffix.lower() == ".xml")
        else:
            yield source


__all__ = ["Incoming", "Outcome", "PackagesRefused", "Refusal", "expand", "read_package", "unpackage"]
