"""四性检测 of the stored files (内容数据): their properties match the metadata, they open, their
format lasts, they are not encrypted, the software that made them is recorded, nothing in them
runs. Each file is read once (:meth:`.inspect_checks_base.Context.facts`); a file that is missing
is the 完整性 check IN-06's finding, and is passed over here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from .inspect_checks_base import Collector, Context, check
from .inspect_checks_probe import FileFacts
from .records import Record, StoredFile

#: Formats an archived file may have: .docx as received or generated (the original), and the 版式
#: formats GB/T 18894-2016 wants kept for the long term (PDF, OFD, GB/T 33190).
ALLOWED_FORMATS = {"docx": "Word .docx", "pdf": "PDF", "ofd": "OFD"}
FIXED_LAYOUT = ("pdf", "ofd")
PDFA_PARTS = ("1", "2", "3", "4")
_VERSION = re.compile(r"\d")


def _stored(ctx: Context, item: Collector, unit: str = "个文件") -> Iterator[tuple[Record, StoredFile, FileFacts]]:
    """Every stored file of the records inspected that is there, with its facts; counts them."""
    count = missing = 0
    destroyed = ctx.destroyed
    for record in ctx.records:
        for stored in record.files:
            if stored.path in destroyed:
                continue
            count += 1
            facts = ctx.facts(stored.path, stored.format)
            if facts is None:
                missing += 1
                continue
            yield record, stored, facts
    item.examined(count, unit)
    if missing:
        item.note(f"{missing} 个文件缺失，未检测（见 IN-06）")


@check("AU-11", "真实性", "电子文件内容数据的电子属性一致性检测",
       "DA/T 70-2018 GD-1-10（电子文件内容真实性：电子属性一致性）",
       "文件的实际格式（按文件头判断）、扩展名与登记的格式一致，大小与登记的一致，"
       "PDF 的页数与登记的页数一致")  # fmt: skip
def properties(ctx: Context, item: Collector) -> None:
    for record, stored, facts in _stored(ctx, item):
        code = record.archival_code
        if facts.format != stored.format:
            actual = ALLOWED_FORMATS.get(facts.format or "", "无法识别的格式")
            item.fail(f"档号 {code} 的文件登记为 {stored.format}，实际是 {actual}：文件被替换过，请从备份或导出包恢复",
                      code, stored.path)  # fmt: skip
        if not stored.path.lower().endswith("." + stored.format):
            item.fail(f"档号 {code} 的文件扩展名与登记的格式 {stored.format} 不符", code, stored.path)
        if facts.size != stored.size:
            item.fail(f"档号 {code} 的文件大小 {facts.size} 字节，登记的是 {stored.size} 字节：文件被改动过，请从备份"
                      "或导出包恢复", code, stored.path)  # fmt: skip
        if facts.format == "pdf" and record.page_count and facts.pages and facts.pages != record.page_count:
            item.fail(f"档号 {code} 登记的页数是 {record.page_count}，PDF 实有 {facts.pages} 页：核对是文件被替换还是"
                      "页数登记有误", code, stored.path)  # fmt: skip


@check("AU-12", "真实性", "元数据与内容关联一致性检测", "DA/T 70-2018 GD-1-11（元数据与内容关联）",
       "文件存放在 files/年度/档号.格式（或 档号.用途.格式）；本系统生成的文件，文件属性中的题名与登记的题名相同、"
       "正文含登记的文号；本系统制作的 PDF 副本的元数据中有它的档号")  # fmt: skip
def linked(ctx: Context, item: Collector) -> None:
    for record, stored, facts in _stored(ctx, item):
        code = record.archival_code
        expected = (
            f"files/{record.year}/{code}.{stored.format}",
            f"files/{record.year}/{code}.{stored.role}.{stored.format}",
        )
        if stored.path not in expected:
            item.fail(
                f"档号 {code} 的文件存放在 {stored.path}，应为 {expected[0]}：存储位置与档号不符", code, stored.path
            )
        if record.source == "rendered" and stored.role == "original" and facts.format == "docx" and facts.readable:
            if facts.title and facts.title != record.title:
                item.fail(f"档号 {code} 的文件属性题名“{facts.title}”与登记的题名“{record.title}”不同：文件被替换，"
                          "或登记库中的题名被改动（见 AU-03）；请用备份或导出包核对", code, stored.path)  # fmt: skip
            number = "".join((record.doc_number or "").split())
            if number and number not in "".join(facts.text.split()):
                item.fail(f"档号 {code} 的正文中没有登记的文号 {record.doc_number}：文件被替换过，请从备份或导出包恢复",
                          code, stored.path)  # fmt: skip
        if stored.role == "pdf" and facts.format == "pdf" and facts.readable:
            if not facts.identifiers:
                item.warn(f"档号 {code} 的 PDF 副本的元数据中没有档号（不是本系统制作的副本？）", code, stored.path)
            elif not any(code in value for value in facts.identifiers):
                item.fail(f"档号 {code} 的 PDF 副本的元数据写的是 {'；'.join(facts.identifiers)}，不是这件档案的档号："
                          "副本放错了，请重新生成", code, stored.path)  # fmt: skip


@check("US-02", "可用性", "电子文件内容数据可读性检测",
       "DA/T 70-2018 可用性检测：内容数据能正常打开和浏览（编号未核实）",
       ".docx 的压缩包可读、未超出 lianzheng check 的上限、正文部件可解析；PDF 能由 pypdf 打开并读出页数；"
       "OFD 的入口文件可解析")  # fmt: skip
def readable(ctx: Context, item: Collector) -> None:
    for record, stored, facts in _stored(ctx, item):
        if not facts.readable:
            item.fail(f"档号 {record.archival_code} 的文件无法正常打开（{facts.error}）：文件已损坏，"
                      "请从备份或导出包恢复", record.archival_code, stored.path)  # fmt: skip


@check("US-03", "可用性", "电子文件内容数据格式检测",
       "DA/T 70-2018 GD-3-3（内容数据格式是否为通用格式；GB/T 18894-2016）",
       "每个文件的实际格式是 .docx、PDF 或 OFD；移交和长期保存时，每件还应有版式文件（PDF 或 OFD）")  # fmt: skip
def formats(ctx: Context, item: Collector) -> None:
    for record, stored, facts in _stored(ctx, item):
        if facts.format not in ALLOWED_FORMATS:
            accepted = "、".join(ALLOWED_FORMATS.values())
            item.fail(f"档号 {record.archival_code} 的文件不是可归档的格式（只接受 {accepted}）",
                      record.archival_code, stored.path)  # fmt: skip
    without = [r for r in ctx.records if ctx.kept(r) and not any(f.format in FIXED_LAYOUT for f in r.files)]
    if not without:
        return
    if ctx.stage == "归档":
        item.note(
            f"{len(without)} 件只有 .docx，没有 PDF/OFD 版式文件（归档时可以；移交和长期保存前应生成 PDF/A 副本）"
        )
        return
    for record in without:
        item.warn(f"档号 {record.archival_code} 只有 .docx，没有版式文件：移交和长期保存宜有 PDF/A 副本（运行 "
                  f"lianzheng archive dossier --year {record.year} -o 汇编.pdf，会为尚无副本的每件生成加盖归档章的 "
                  "PDF/A 副本）", record.archival_code)  # fmt: skip


@check("US-04", "可用性", "长期保存格式（PDF/A）检测",
       "DA/T 70-2018 可用性检测：内容数据格式符合归档要求（编号未核实）；GB/T 18894-2016 长期保存格式",
       "每个 PDF 副本（用途 pdf）在 XMP 元数据中有 PDF/A 标识（pdfaid:part 1 到 4）；只查标识，不作完整的 PDF/A "
       "符合性验证（那需要 veraPDF 等工具）")  # fmt: skip
def pdfa(ctx: Context, item: Collector) -> None:
    copies = 0
    for record, stored, facts in _stored(ctx, item):
        if stored.role != "pdf" or facts.format != "pdf" or not facts.readable:
            continue
        copies += 1
        part = facts.pdfa[:1]
        if part not in PDFA_PARTS:
            item.fail(f"档号 {record.archival_code} 的 PDF 副本不是 PDF/A（XMP 中没有 PDF/A 标识）：长期保存的副本应为 "
                      "PDF/A，请重新生成（从外来的非 PDF/A 文件制作的副本也是如此，需先转为 PDF/A）",
                      record.archival_code, stored.path)  # fmt: skip
    item.examined(copies, "个 PDF 副本")
    if not copies:
        item.not_applicable("没有 PDF 副本：.docx 原件不要求 PDF/A；移交和长期保存前生成副本后再检测（见 US-03）")


@check("US-05", "可用性", "内容数据格式合规性检测（加密、非公开压缩算法）",
       "DA/T 70-2018 GD-3-8 信息包中包含的内容数据格式合规性检测",
       "PDF 没有加密；.docx、OFD 压缩包的每一项都未加密，且只用存储或 deflate 压缩")  # fmt: skip
def unencrypted(ctx: Context, item: Collector) -> None:
    for record, stored, facts in _stored(ctx, item):
        code = record.archival_code
        if facts.encrypted:
            item.fail(f"档号 {code} 的文件是加密的：电子档案不得加密，请用解除密码后的文件重新归档", code, stored.path)
        unusual = [entry for entry in facts.unusual_compression if not entry.endswith("（加密）")]
        if unusual:
            item.fail(f"档号 {code} 的文件使用了非公开的压缩方法：{'、'.join(unusual[:5])}", code, stored.path)


@check("US-06", "可用性", "电子文件软硬件环境检测", "DA/T 70-2018 可用性检测：软硬件环境（编号未核实）",
       "文件记录了生成它的软件（.docx 的 docProps/app.xml Application、AppVersion；PDF 的 Producer、Creator、"
       "CreatorTool）")  # fmt: skip
def environment(ctx: Context, item: Collector) -> None:
    unversioned: set[str] = set()
    for record, stored, facts in _stored(ctx, item):
        if not facts.software:
            item.warn(f"档号 {record.archival_code} 的文件没有记录生成它的软件（{stored.format}）",
                      record.archival_code, stored.path)  # fmt: skip
        elif not any(_VERSION.search(name) for name in facts.software):
            unversioned.update(facts.software)
    if unversioned:
        item.note(f"只记录了软件名称、没有版本号：{'、'.join(sorted(unversioned))}")
    tools: dict[str, int] = {}
    for row in ctx.audit_rows("file"):
        try:
            tool = json.loads(row["detail"]).get("tool")
        except (ValueError, AttributeError):
            tool = None
        tools[str(tool or "")] = tools.get(str(tool or ""), 0) + 1
    named = "、".join(f"{tool}（{count} 件）" for tool, count in sorted(tools.items()) if tool)
    unnamed = tools.get("", 0)
    if named:
        item.note(f"归档时记录的程序：{named}")
    if unnamed:
        item.note(f"{unnamed} 件归档时没有记录所用程序的版本（较早版本归档的，本次检测所用版本见报告抬头）")


@check("SE-01", "安全性", "电子文件可执行内容检测",
       "DA/T 70-2018 安全性检测中病毒、恶意代码检测的本地部分（编号未核实）",
       ".docx 中没有宏（vbaProject.bin、启用宏的内容类型）、ActiveX、OLE 嵌入对象，没有指向外部的模板、对象等链接"
       "（超链接除外）；PDF 中没有 JavaScript、启动程序的动作、嵌入文件和富媒体")  # fmt: skip
def executable(ctx: Context, item: Collector) -> None:
    for record, stored, facts in _stored(ctx, item):
        code = record.archival_code
        if facts.active:
            item.fail(f"档号 {code} 的文件含有可执行或嵌入的内容（{'、'.join(facts.active[:5])}）：请勿打开，交信息安全"
                      "人员检查，并从备份恢复原件", code, stored.path)  # fmt: skip
        if facts.external:
            item.fail(f"档号 {code} 的文件链接了外部资源（{'、'.join(facts.external[:5])}）："
                      "打开时会访问外部地址，请核查", code, stored.path)  # fmt: skip


CHECKS = [properties, linked, readable, formats, pdfa, unencrypted, environment, executable]
