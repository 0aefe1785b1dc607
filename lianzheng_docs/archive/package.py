"""Transfer packages after DA/T 48-2009《基于XML的电子文件封装规范》: one XML file per record.

A package (电子文件封装包, EEP) carries one 件 whole, so that another archive can receive it
(:mod:`.unpackage`) and check it without this one: its DA/T 46-2009 metadata, every stored file
(the original and its PDF/A copy) Base64-encoded inside the XML, the record's audit events as
业务实体, the fonds, units and people involved as 机构人员实体, and an 电子签名 over the 被签名对象.

The structure, as :file:`eep.xsd` writes it down::

    电子文件封装包  (namespace http://www.saac.gov.cn/standards/ERM/encapsulation)
      封装包格式描述, 版本 (2009)
      被签名对象 @eep版本
        封装包类型 (原始型), 封装包类型描述, 封装包创建时间, 封装包创建单位
        封装内容
          文件实体块 / 文件实体: 聚合层次, 来源, 电子文件号, 档号 (DA/T 46 5.4), 内容描述 (5.5),
                                 形式特征, 存储位置, 权限管理, 信息系统描述, 附注...,
                                 文件数据 / 文档 / 文档数据 / 编码... (one 编码 a stored file:
                                 电子属性, 编码描述, 反编码关键字, 编码数据 = Base64)
          业务实体块 / 业务实体...: one per audit entry of the record
          机构人员实体块 / 机构人员实体...: the fonds, its 机构, the 科室, every actor
      电子签名块 / 电子签名: 签名标识符 修改0-签名1, 签名规则, 签名时间, 签名人, 签名结果,
                             证书块 (the public key), 签名算法标识

Where the names come from: the standard's formal text was not at hand. The element names, their
nesting and order are those of the public copies of the standard's opening chapters and of
several public programs that write its schema and its packages (they agree with each other);
its clause numbers could not be checked, so none are cited. The brief's "锚点" has no element in
those sources: the root's last place is 锁定签名 (a signature over a signature), not made here; the
archive's own anchor (the audit chain's length and head when the package was made) is written in
信息系统描述 instead. DA/T 46-2009 clauses cited are those its table of contents confirms.

What the standard has no element for is written in 附注, one note an item, as 标签：值 (only
standard elements, so a receiving system that knows DA/T 48 reads the package): the record's
科室（单位）, 模板, 来源, 归档时间 and 归档人, and for each 编码 its role in this archive and its
SHA-256 (DA/T 48, as found, names no digest element; the signature covers every byte anyway).

Signing: with a private key (the bureau's Ed25519 key of :mod:`.signing`, the one checkpoints are
signed with), 签名结果 is Ed25519 (RFC 8032) over the Canonical XML 1.0 (without comments) of the
被签名对象 element, as UTF-8: what any XML tool can recompute. 证书 then holds the public key
(SubjectPublicKeyInfo, DER), which is no certificate: trust comes from the public key the receiver
is given from outside (``unpackage --public-key``). Without a key, 签名结果 is the SHA-256 of the
same bytes and 签名规则 says it is unsigned: it catches damage, not forgery.

Limits: a package is built in memory (lxml holds the Base64 text, its canonical form and the
serialised document): about six times the size of the record's files at its peak, seven when it is
received. Measured: a record of one 20 MB PDF, 178 MB peak to package, 200 MB to receive; the
package is 1.35 times its files (Base64), about 1.5 times for the sample archive's small files.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from ..errors import LianzhengError, OutputError
from ..fileio import safe_filename, write_atomic
from ..templating.manifest import RETENTION_NAMES
from .errors import MetadataError
from .history import ACTION_NAMES
from .records import Record
from .registry import now
from .retention import destroyed_files

if TYPE_CHECKING:
    from .archive import Archive
    from .signing import Signer

NAMESPACE = "http://www.saac.gov.cn/standards/ERM/encapsulation"
SCHEMA_FILE = "eep.xsd"
FORMAT_DESCRIPTION = "本EEP根据中华人民共和国档案行业标准DA/T 48-2009《基于XML的电子文件封装规范》生成"
VERSION = "2009"
PACKAGE_TYPE = "原始型"
PACKAGE_TYPE_DESCRIPTION = "本封装包包含电子文件数据及其元数据，原始封装，未经修改"
ENCODING_DESCRIPTION = (
    "本封装包中“编码数据”元素存储的是计算机文件二进制流的Base64编码，有关Base64编码规则参见IETF RFC 2045"
    "多用途邮件扩展（MIME）第一部分：互联网信息体格式。当提取和显现封装在编码数据元素中的计算机文件时，"
    "应对Base64编码进行反编码，并依据封装包中“反编码关键字”元素中记录的值还原计算机文件的扩展名"
)
SIGNATURE_ID = "修改0-签名1"
ALGORITHM_SIGNED = "Ed25519"
ALGORITHM_DIGEST = "SHA-256"
RULE_SIGNED = (
    "Ed25519（RFC 8032）签名。被签名的字节为“被签名对象”元素的 Canonical XML 1.0（不含注释，"
    "W3C REC-xml-c14n-20010315）UTF-8 编码；证书为签名公钥（SubjectPublicKeyInfo，DER），"
    "核对时须用从封装包以外取得的公钥"
)
RULE_DIGEST = (
    "未签名：封装时没有配置签名私钥。签名结果是“被签名对象”元素的 Canonical XML 1.0（不含注释）UTF-8 "
    "字节的 SHA-256 摘要，只能发现意外损坏，不能证明封装包的来源"
)
DOCUMENT_ID = "修改0-文档1"
DATA_ID = f"{DOCUMENT_ID}-文档数据1"

#: the labels of the 附注 that carry what DA/T 48 has no element for (record columns, in order)
NOTE_LABELS = {"unit": "科室（单位）", "template_id": "模板", "source": "来源", "filed_at": "归档时间",
               "filed_by": "归档人"}  # fmt: skip
SOURCES = {"rendered": "本系统生成", "external": "外来文件"}
ROLE_NAMES = {"original": "原件", "pdf": "PDF 版本"}
HISTORY = "历史行为"


class PackageError(LianzhengError):
    """A record cannot be put in a package as it stands (a file altered, a character XML cannot hold)."""

    exit_code = MetadataError.exit_code


def qualified(name: str) -> str:
    """An element name of the EEP namespace, as lxml writes it."""
    return f"{{{NAMESPACE}}}{name}"


@cache
def schema() -> Any:
    """The EEP schema (:file:`eep.xsd`, shipped beside this module) as an ``lxml.etree.XMLSchema``."""
    from lxml import etree

    source = resources.files("lianzheng_docs.archive") / SCHEMA_FILE
    return etree.XMLSchema(etree.fromstring(source.read_bytes()))


def canonical(signed_object: Any) -> bytes:
    """What the signature (or the digest) covers: the Canonical XML 1.0 of the 被签名对象 element."""
    from lxml import etree

    data: bytes = etree.tostring(signed_object, method="c14n", exclusive=False, with_comments=False)
    return data


def package_name(record: Record) -> str:
    """The package's file name: the 档号, safe on every file system, and ``.xml``."""
    return f"{safe_filename(record.archival_code)}.xml"


def encoding_id(number: int) -> str:
    return f"{DATA_ID}-编码{number}"


def file_note(number: int, role: str, sha256: str, original_name: str | None) -> str:
    """The 附注 that gives the 编码 ``number`` its role in the archive and its SHA-256."""
    note = f"{encoding_id(number)}：角色 {role}；SHA-256 {sha256.removeprefix('sha256:')}"
    return note + (f"；原文件名 {original_name}" if original_name else "")


@dataclass(frozen=True)
class Written:
    """A package written: where, its size and the size of the files inside it."""

    archival_code: str
    path: Path
    size: int
    files_size: int
    signed: bool
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {"archival_code": self.archival_code, "path": str(self.path), "size": self.size,
                "files_size": self.files_size, "signed": self.signed, "sha256": self.sha256}  # fmt: skip


def write_packages(
    archive: Archive,
    records: Sequence[Record],
    folder: Path,
    *,
    signer: Signer | None = None,
    fonds_name: str | None = None,
    overwrite: bool = False,
) -> list[Written]:
    """Write one package a record into ``folder`` (``<档号>.xml``), each atomically.

    Every target is checked before the first is written: without ``overwrite`` an existing one
    stops the whole run (:class:`OutputError`, exit 6) and nothing is written. Each record packaged
    is logged as a download (``via`` 移交封装包), as any copy of a record leaving the archive is.
    """
    records = list({record.id: record for record in records}.values())  # one record named twice: one package
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} 是一个文件；-o 要给出文件夹，每件档案写一个 <档号>.xml")
    targets = [folder / package_name(record) for record in records]
    taken = [target.name for target in targets if target.exists()]
    if taken and not overwrite:
        shown = "、".join(taken[:5]) + (f" 等 {len(taken)} 个" if len(taken) > 5 else "")
        raise OutputError(f"{folder} 中已有封装包 {shown}；如要覆盖，请加 --force（什么也没有写出）")
    written: list[Written] = []
    for record, target in zip(records, targets, strict=True):
        data = build_package(archive, record, signer=signer, fonds_name=fonds_name)
        write_atomic(target, data, overwrite=overwrite)
        written.append(Written(record.archival_code, target, len(data), sum(f.size for f in record.files),
                               signer is not None, "sha256:" + hashlib.sha256(data).hexdigest()))  # fmt: skip
    for item, record in zip(written, records, strict=True):
        archive.record_access(record.id, "download", via="移交封装包", to=str(item.path), purpose="package")
    return written


def build_package(
    archive: Archive, record: Record, *, signer: Signer | None = None, fonds_name: str | None = None
) -> bytes:
    """The package of ``record`` as UTF-8 XML bytes, signed by ``signer`` or carrying a digest.

    :raises PackageError: a stored file is missing or no longer matches its digest (a damaged file
        is never passed on as the record), or the metadata holds a character XML 1.0 cannot carry.
    """
    from lxml import etree

    fonds_name = fonds_name or archive.registry.setting("fonds_name", "") or f"全宗号 {record.fonds} 的立档单位"
    created = now()
    root = etree.Element(qualified("电子文件封装包"), nsmap={None: NAMESPACE})
    try:
        _text(root, "封装包格式描述", FORMAT_DESCRIPTION)
        _text(root, "版本", VERSION)
        signed = _element(root, "被签名对象", {"eep版本": VERSION})
        for name, value in (("封装包类型", PACKAGE_TYPE), ("封装包类型描述", PACKAGE_TYPE_DESCRIPTION),
                            ("封装包创建时间", created), ("封装包创建单位", fonds_name)):  # fmt: skip
            _text(signed, name, value)
        content = _element(signed, "封装内容")
        _record_entity(_element(content, "文件实体块"), archive, record, fonds_name)
        actors = _business_entities(_element(content, "业务实体块"), archive, record)
        _agents(_element(content, "机构人员实体块"), record, fonds_name, actors)
    except ValueError as exc:  # lxml: "All strings must be XML compatible"
        raise PackageError(
            f"档号 {record.archival_code} 的元数据或审计记录中有 XML 不能表示的字符（控制字符等），无法封装：{exc}"
        ) from exc
    etree.indent(root, space="  ")
    _signature(root, canonical(signed), signer, archive.actor, created)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return data + b"\n"


# ---------------------------------------------------------------------- the parts


def _element(parent: Any, name: str, attributes: dict[str, str] | None = None) -> Any:
    from lxml import etree

    return etree.SubElement(parent, qualified(name), attributes or {})


def _text(parent: Any, name: str, value: object) -> Any:
    element = _element(parent, name)
    element.text = "" if value is None else str(value)
    return element


def _record_entity(block: Any, archive: Archive, record: Record, fonds_name: str) -> None:
    """文件实体: the record's DA/T 46 metadata, then its files in 文件数据."""
    entity = _element(block, "文件实体")
    _text(entity, "聚合层次", "文件")
    _text(_element(entity, "来源"), "立档单位名称", fonds_name)
    _text(entity, "电子文件号", record.archival_code)
    code = _element(entity, "档号")
    code.text = f"{record.archival_code}\n{' ' * 12}"  # the whole 档号, then its parts (DA/T 46 5.4)
    for name, value in (("全宗号", record.fonds), ("年度", record.year),
                        ("保管期限", RETENTION_NAMES[record.retention]),
                        ("机构或问题", record.org), ("室编件号", record.item)):  # fmt: skip
        _text(code, name, value)
    described = _element(entity, "内容描述")  # DA/T 46 5.5, in its order; empty optional items left out
    _text(described, "题名", record.title)
    if record.doc_number:
        _text(described, "文件编号", record.doc_number)
    _text(described, "责任者", record.author)
    _text(described, "日期", record.date or "")
    if record.kind:
        _text(described, "文种", record.kind)
    if record.recipients:
        _text(described, "主送", record.recipients)
    if record.cc:
        _text(described, "抄送", record.cc)
    _text(described, "密级", record.secrecy)
    form = _element(entity, "形式特征")
    _text(form, "文件组合类型", "单件")
    if record.page_count:
        _text(form, "页数", record.page_count)
    stored_at = _element(entity, "存储位置")
    _text(stored_at, "当前位置", record.files[0].path if record.files else "")
    _text(stored_at, "脱机载体编号", "")
    _element(entity, "权限管理")
    _text(entity, "信息系统描述", _system_description(archive))
    for column, label in NOTE_LABELS.items():
        value = getattr(record, column)
        if value:
            _text(entity, "附注", f"{label}：{SOURCES.get(value, value) if column == 'source' else value}")
    for number, stored in enumerate(record.files, start=1):
        _text(entity, "附注", file_note(number, stored.role, stored.sha256, stored.original_name))
    _files(_element(entity, "文件数据"), archive, record)


def _system_description(archive: Archive) -> str:
    """The system the record was kept in, and the audit chain's anchor when the package was made."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("lianzheng-docs")
    except PackageNotFoundError:
        release = "（版本未知）"
    entries, head = archive.registry.audit_head()
    anchor = f"{entries}:{head.removeprefix('sha256:')[:16]}"
    return (f"lianzheng-docs {release}，档案登记库版本 {archive.registry.schema_version}；封装时审计日志共 "
            f"{entries} 条，链头 {head}（可用 lianzheng archive verify --anchor {anchor} 核对）")  # fmt: skip


def _files(data: Any, archive: Archive, record: Record) -> None:
    """文件数据: one 文档 (the document), one 文档数据 (its final version), one 编码 a stored file."""
    document = _element(data, "文档")
    _text(document, "文档标识符", DOCUMENT_ID)
    _text(document, "文档序号", 1)
    _text(document, "文档主从声明", "主文档")
    _text(document, "题名", record.title)
    version = _element(document, "文档数据", {"文档数据ID": DATA_ID})
    for number, stored in enumerate(record.files, start=1):
        content = _stored_bytes(archive, record, stored.path, stored.sha256)
        encoded = _element(version, "编码", {"编码ID": encoding_id(number)})
        attributes = _element(encoded, "电子属性")
        _text(attributes, "格式信息", stored.format)
        _text(attributes, "计算机文件名", PurePosixPath(stored.path).name)
        _text(attributes, "计算机文件大小", len(content))
        _text(encoded, "编码描述", ENCODING_DESCRIPTION)
        _text(encoded, "反编码关键字", stored.format)
        payload = _element(encoded, "编码数据", {"编码数据ID": f"{DATA_ID}-编码数据{number}"})
        payload.text = "\n" + base64.encodebytes(content).decode("ascii")  # RFC 2045 lines of 76


def _stored_bytes(archive: Archive, record: Record, relative: str, digest: str) -> bytes:
    path = archive.root / relative
    try:
        content = path.read_bytes()
    except OSError as exc:
        # only now the destruction records are read (a scan of the audit log): a missing file may be a destroyed one
        if relative in destroyed_files(archive.registry) and not path.exists():
            raise PackageError(
                f"档号 {record.archival_code} 的文件已按鉴定决定销毁，不能封装移交（其目录信息和销毁记录仍在档案中，"
                "可用 lianzheng archive appraise list 查看）"
            ) from exc
        raise PackageError(
            f"档号 {record.archival_code} 的文件 {relative} 无法读取（{exc.strerror or exc}），不能封装；"
            "请运行 lianzheng archive verify 检查"
        ) from exc
    if "sha256:" + hashlib.sha256(content).hexdigest() != digest:
        raise PackageError(
            f"档号 {record.archival_code} 的文件 {relative} 与登记的哈希值不符（已被改动或损坏），不能作为这件档案"
            "封装移交；请运行 lianzheng archive verify 检查，从备份恢复该文件后再封装"
        )
    return content


def _business_entities(block: Any, archive: Archive, record: Record) -> list[str]:
    """业务实体块: every audit entry of the record, oldest first; returns the actors, in order met.

    业务标识符 is the entry's hash, 行为依据 its place in the chain and 行为描述 its detail as logged,
    so someone holding the sending archive's log can find and recompute each one."""
    actors: list[str] = []
    for row in archive.registry.audit_entries(record_id=record.id):
        entity = _element(block, "业务实体")
        _text(entity, "业务标识符", row["hash"])
        _text(entity, "机构人员标识符", person_id(row["actor"]))
        _text(entity, "文件标识符", record.archival_code)
        _text(entity, "业务状态", HISTORY)
        _text(entity, "业务行为", ACTION_NAMES.get(row["action"], row["action"]))
        _text(entity, "行为时间", row["at"])
        _text(entity, "行为依据", f"审计日志第 {row['id']} 条（动作 {row['action']}），前一条的哈希 {row['prev_hash']}")
        _text(entity, "行为描述", row["detail"])
        if row["actor"] not in actors:
            actors.append(row["actor"])
    return actors


def person_id(actor: str) -> str:
    return f"人员：{actor}"


def _agents(block: Any, record: Record, fonds_name: str, actors: Iterable[str]) -> None:
    """机构人员实体块: the fonds (单位), its 机构（问题） and the record's 科室 (内设机构), the actors (个人)."""
    fonds = f"全宗：{record.fonds}"
    agents = [(fonds, "单位", fonds_name), (f"机构：{record.org}", "内设机构", f"机构（问题）代码 {record.org}")]
    if record.unit:
        agents.append((f"科室：{record.unit}", "内设机构", record.unit))
    agents.extend((person_id(actor), "个人", actor) for actor in actors)
    for identifier, kind, name in agents:
        entity = _element(block, "机构人员实体")
        _text(entity, "机构人员标识符", identifier)
        _text(entity, "机构人员类型", kind)
        _text(entity, "机构人员名称", name)
    for identifier, kind, _name in agents[1:]:
        if kind == "内设机构":
            relation = _element(block, "机构人员实体关系")
            _text(relation, "机构人员标识符", identifier)
            _text(relation, "被关联机构人员标识符", fonds)
            _text(relation, "关系", "隶属")


def _signature(root: Any, signed_bytes: bytes, signer: Signer | None, actor: str, created: str) -> None:
    """电子签名块 after the 被签名对象 (whose canonical bytes were taken from the indented tree)."""
    from lxml import etree

    root[-1].tail = "\n  "  # the 被签名对象's tail only: its own bytes, signed, stay as they were
    block = _element(root, "电子签名块")
    signature = _element(block, "电子签名")
    _text(signature, "签名标识符", SIGNATURE_ID)
    if signer is None:
        _text(signature, "签名规则", RULE_DIGEST)
        _text(signature, "签名时间", created)
        _text(signature, "签名结果", base64.b64encode(hashlib.sha256(signed_bytes).digest()).decode("ascii"))
        _text(signature, "签名算法标识", ALGORITHM_DIGEST)
    else:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        public = signer.private.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        _text(signature, "签名规则", RULE_SIGNED)
        _text(signature, "签名时间", created)
        _text(signature, "签名人", f"{actor}（密钥指纹 {signer.fingerprint}）")
        _text(signature, "签名结果", base64.b64encode(signer.private.sign(signed_bytes)).decode("ascii"))
        _text(_element(signature, "证书块"), "证书", base64.b64encode(public).decode("ascii"))
        _text(signature, "签名算法标识", ALGORITHM_SIGNED)
    etree.indent(block, space="  ", level=1)
    block.tail = "\n"


__all__ = [
    "NAMESPACE",
    "PackageError",
    "Written",
    "build_package",
    "canonical",
    "package_name",
    "schema",
    "write_packages",
]
