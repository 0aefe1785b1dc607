"""四性检测 of the archive as a whole: fixity and the audit chain (verify's work, reused, never
redone), counts and bytes, process records, numbering, the stored files all there, the registry's
health; and the information packages, which this archive does not keep (不适用, with why).
"""

from __future__ import annotations

import json

from .inspect_checks_base import Collector, Context, check, local_time
from .registry import MIGRATIONS
from .verify import Issue

#: verify's findings, by the check that reports them
FIXITY, CHAIN, FACTS, GAPS, CONTENT = {"altered"}, {"audit", "checkpoint", "signature", "anchor"}, \
    {"metadata", "deleted"}, {"gap"}, {"missing", "unknown", "stray", "undestroyed"}  # fmt: skip
RESTORE = "请从备份或导出包恢复（lianzheng archive import 到新文件夹后取回该文件），再运行 lianzheng archive verify"


def _issues(ctx: Context, item: Collector, kinds: set[str]) -> list[Issue] | None:
    report = ctx.verify
    if report is None:
        item.fail(ctx.verify_error)
        return None
    return [issue for issue in report.issues if issue.kind in kinds]


def _missing_process(issue: Issue) -> bool:
    """A verify finding that a record or file has no filing entry (IN-04 reports those itself)."""
    return issue.kind == "process"


@check("AU-01", "真实性", "固化信息有效性检测（数字摘要）", "DA/T 70-2018 GD-1-1 固化信息有效性检测",
       "重算每个文件的 SHA-256，与登记库中归档时的数字摘要比对（lianzheng archive verify）")  # fmt: skip
def digests(ctx: Context, item: Collector) -> None:
    issues = _issues(ctx, item, FIXITY)
    if issues is None:
        return
    item.examined(ctx.verify.files if ctx.verify else 0, "个文件")
    for issue in issues:
        item.fail(f"{issue.message}。{RESTORE}", ctx.code_of_path.get(issue.path, ""), issue.path)


@check("AU-02", "真实性", "固化信息有效性检测（审计日志哈希链与检查点）", "DA/T 70-2018 GD-1-1 固化信息有效性检测",
       "重算审计日志的哈希链，核对库外检查点（checkpoint.json）的条数和链头；检查点签了名的，注明签名状态",
       scope="archive")  # fmt: skip
def chain(ctx: Context, item: Collector) -> None:
    issues = _issues(ctx, item, CHAIN)
    report = ctx.verify
    if issues is None or report is None:
        return
    item.examined(report.audit_entries, "条审计记录")
    for issue in issues:
        if not _missing_process(issue):
            item.fail(f"{issue.message}。审计日志是档案的过程记录，被改写即不能证明档案未被改动：请从最近的导出包核对，"
                      "并报告档案部门", issue_code(ctx, issue), issue.path)  # fmt: skip
    if report.checkpoint:
        item.note(
            f"库外检查点：{report.checkpoint.get('audit_entries')} 条审计记录，"
            f"写于 {local_time(str(report.checkpoint.get('written_at')))}"
        )
    if report.signature_note:
        item.note(report.signature_note)


def issue_code(ctx: Context, issue: Issue) -> str:
    return ctx.code_of_path.get(issue.path, "")


@check("AU-03", "真实性", "固化信息有效性检测（登记信息与归档时一致）", "DA/T 70-2018 GD-1-1 固化信息有效性检测",
       "每件档案的登记信息（题名、日期、密级等）、文件摘要，以及台账、事件记录，"
       "与写入时审计记录固定的摘要一致")  # fmt: skip
def audited_facts(ctx: Context, item: Collector) -> None:
    issues = _issues(ctx, item, FACTS)
    if issues is None:
        return
    item.examined(len(ctx.records))
    for issue in issues:
        item.fail(
            f"{issue.message}。请用最近的导出包核对被改动的内容，并报告档案部门", issue_code(ctx, issue), issue.path
        )


@check("IN-01", "完整性", "总件数相符性检测", "DA/T 70-2018 GD-2-1 总件数相符性检测",
       "登记库中的件数、归档审计记录的件数、检索索引中的件数三者相符（索引可由登记库重建，不符只提示）",
       scope="archive")  # fmt: skip
def counts(ctx: Context, item: Collector) -> None:
    records = len(ctx.all_records)
    filed = {row["record_id"] for row in ctx.audit_rows("file")}
    item.examined(records)
    item.note(f"登记库 {records} 件，归档审计记录 {len(filed)} 件")
    if len(filed) != records:
        item.fail(f"登记库有 {records} 件，审计日志记录归档了 {len(filed)} 件：有记录被删除或未经归档写入登记库"
                  "（逐件见 AU-03、IN-04）")  # fmt: skip
    try:
        indexed = ctx.archive.index.count()
    except Exception as exc:  # the index is derived: whatever is wrong with it is a warning
        item.warn(f"检索索引无法读取（{exc}）：运行 lianzheng archive reindex 重建")
        return
    if indexed != records:
        item.warn(f"检索索引有 {indexed} 件，登记库有 {records} 件：运行 lianzheng archive reindex 重建索引")


@check("IN-02", "完整性", "总字节数相符性检测", "DA/T 70-2018 GD-2-2 总字节数相符性检测",
       "登记的文件大小之和与文件夹中这些文件的实际大小之和相符", scope="archive")  # fmt: skip
def total_bytes(ctx: Context, item: Collector) -> None:
    registered = actual = count = 0
    destroyed = ctx.destroyed
    for record in ctx.all_records:
        for stored in record.files:
            if stored.path in destroyed:
                continue
            path = ctx.root / stored.path
            count += 1
            registered += stored.size
            actual += path.stat().st_size if path.is_file() else 0
    item.examined(count, "个文件")
    item.note(f"登记 {registered:,} 字节，实有 {actual:,} 字节")
    if registered != actual:
        item.fail(f"登记的文件共 {registered:,} 字节，文件夹中实有 {actual:,} 字节：有文件缺失或被改动（逐个见 AU-01、"
                  "AU-11、IN-06）")  # fmt: skip


@check("IN-04", "完整性", "过程信息完整性检测", "DA/T 70-2018 GD-2-5 过程信息完整性检测",
       "每件档案有它的归档审计记录，每个文件都记在它那件档案的归档或附加文件审计记录中")  # fmt: skip
def process(ctx: Context, item: Collector) -> None:
    declared: dict[int, set[str]] = {}
    filed: set[int] = set()
    for row in ctx.audit_rows("file", "attach"):
        if row["action"] == "file":
            filed.add(row["record_id"])
        try:
            files = json.loads(row["detail"]).get("files", [])
        except (ValueError, AttributeError):
            files = []
        declared.setdefault(row["record_id"], set()).update(str(f.get("path")) for f in files if isinstance(f, dict))
    item.examined(len(ctx.records))
    for record in ctx.records:
        code = record.archival_code
        if record.id not in filed:
            item.fail(f"档号 {code} 没有归档的审计记录：它不是经归档写入登记库的，来历无法证明，请报告档案部门", code)
        for stored in record.files:
            if stored.path not in declared.get(record.id, set()):
                item.fail(f"档号 {code} 的文件 {stored.path} 不在任何归档或附加文件的审计记录中：来历无法证明", code,
                          stored.path)  # fmt: skip


@check("IN-05", "完整性", "连续性元数据项检测", "DA/T 70-2018 GD-2-6 连续性元数据项检测",
       "每个（全宗号、年度、保管期限、机构代码）下的件号，每个（机关代字、年份）下的文号，从 1 起连续不缺号",
       scope="archive")  # fmt: skip
def numbering(ctx: Context, item: Collector) -> None:
    issues = _issues(ctx, item, GAPS)
    if issues is None:
        return
    item.examined(len(ctx.all_records))
    for issue in issues:
        item.fail(f"{issue.message}：核对缺号的文件是否漏归档或被删除；确属作废的号，在备考表中说明")


@check("IN-06", "完整性", "电子文件内容数据完整性检测", "DA/T 70-2018 GD-2-7 电子文件内容数据完整性检测",
       "每件档案至少有原件，登记的每个文件都在，文件夹中没有登记库以外的文件；"
       "中断的归档留下的临时文件提示清理")  # fmt: skip
def content(ctx: Context, item: Collector) -> None:
    issues = _issues(ctx, item, CONTENT)
    if issues is None:
        return
    item.examined(sum(len(r.files) for r in ctx.records), "个文件")
    destroyed = ctx.destroyed
    if destroyed:
        item.note(f"{len(destroyed)} 个文件已按鉴定决定销毁（元数据、摘要和决定仍在，不算缺失）")
    for record in ctx.records:
        if not any(f.role == "original" for f in record.files):
            item.fail(
                f"档号 {record.archival_code} 没有原件（登记库中没有它的文件）：请报告档案部门", record.archival_code
            )
    for issue in issues:
        code = issue_code(ctx, issue)
        if issue.kind == "missing":
            item.fail(f"{issue.message}。{RESTORE}", code, issue.path)
        elif issue.kind == "unknown":
            item.fail(f"{issue.message}（文件夹中有登记库以外的文件）", code, issue.path)
        elif issue.kind == "undestroyed":
            item.fail(issue.message, code, issue.path)
        else:
            item.warn(issue.message, code, issue.path)


@check("US-01", "可用性", "目标数据库中的元数据可访问性检测", "DA/T 70-2018 GD-3-2 目标数据库中的元数据可访问性检测",
       "登记库（SQLite）通过 quick_check，结构版本是本程序的版本，每条记录都能读出", scope="archive")  # fmt: skip
def registry_health(ctx: Context, item: Collector) -> None:
    item.examined(len(ctx.all_records))
    answers = [row[0] for row in ctx.db.execute("PRAGMA quick_check")]
    if answers != ["ok"]:
        item.fail(f"登记库损坏（SQLite quick_check：{'；'.join(map(str, answers[:5]))}）：请从备份或导出包恢复")
    version = ctx.db.execute("PRAGMA user_version").fetchone()[0]
    if version != len(MIGRATIONS):
        item.fail(f"登记库的结构版本是 {version}，本程序是 {len(MIGRATIONS)}")
    item.note(f"登记库结构版本 {version}")


NOT_HERE = "本系统在线归档，文件与元数据直接写入登记库，不形成归档信息包；归档过程的完整性见 IN-04"


@check("IN-07", "完整性", "信息包元数据与内容数据完整性检测",
       "DA/T 70-2018 GD-2-10 归档信息包元数据完整性检测、GD-2-11 归档信息包内容数据完整性检测",
       "检测归档、移交信息包中的元数据项和文件数量", scope="archive",
       not_applicable={"归档": NOT_HERE,
                       "移交": "移交信息包由 lianzheng archive package 按 DA/T 48 生成并在生成时用 XSD 校验；本命令检测"
                               "档案本身，不读取移交包",
                       "长期保存": "档案在本机文件夹中长期保存，不以信息包形式存放；存放的文件见 IN-06"})  # fmt: skip
def packages(ctx: Context, item: Collector) -> None:
    item.not_applicable(NOT_HERE)


CHECKS = [digests, chain, audited_facts, counts, total_bytes, process, numbering, content, packages, registry_health]
