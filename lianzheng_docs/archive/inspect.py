"""四性检测 of an archive by DA/T 70-2018《文书类电子档案检测一般要求》: 真实性、完整性、可用性、安全性,
item by item, at a stage (归档, 移交与接收, 长期保存), for each record and for the whole archive.

:func:`inspect` runs every check of :data:`CATALOGUE` (each a :class:`.inspect_checks_base.Check`
with a stable id, the clause it implements and the stages it cannot be judged at) and returns an
:class:`InspectionReport`: per item its status (通过, 不通过, 通过但有警告, 不适用 with the reason), how
many objects it judged and what it found, each finding naming the record (档号) and how to put it
right. Nothing is written to the archive. The fixity and chain findings are verify's
(:mod:`.verify`), reused; the checks themselves are in ``inspect_checks_meta`` (元数据),
``inspect_checks_files`` (the stored files) and ``inspect_checks_archive`` (the archive as a whole);
where the clause numbers come from is said in :mod:`.inspect_checks_base`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from typing import TYPE_CHECKING, Any

from . import inspect_checks_archive, inspect_checks_files, inspect_checks_meta, inspect_checks_security
from .errors import MetadataError
from .inspect_checks_base import (
    FAIL,
    NOT_APPLICABLE,
    PASS,
    PROPERTIES,
    STAGE_NAMES,
    STAGES,
    STATUS_NAMES,
    WARN,
    Check,
    Collector,
    Context,
    Finding,
    ItemResult,
    printable,
)

if TYPE_CHECKING:
    from .archive import Archive

__all__ = ["CATALOGUE", "STAGES", "InspectionReport", "inspect"]

#: Every check, in the report's order: by property (四性), then by id.
CATALOGUE: tuple[Check, ...] = tuple(
    sorted(
        (
            *inspect_checks_meta.CHECKS,
            *inspect_checks_files.CHECKS,
            *inspect_checks_archive.CHECKS,
            *inspect_checks_security.CHECKS,
        ),
        key=lambda c: (PROPERTIES.index(c.property), c.id),
    )
)
assert len({c.id for c in CATALOGUE}) == len(CATALOGUE), "check ids must be unique"


@dataclass
class InspectionReport:
    """The outcome of one inspection: what was inspected, when, with what, and each item's result."""

    stage: str
    root: str
    fonds: str
    inspected_at: str
    tool: str
    records: int
    files: int
    audit_entries: int
    #: the one record inspected (``--record``), or None for the whole archive
    only: str | None = None
    items: list[ItemResult] = field(default_factory=list)
    #: 题名 of each record a finding names, by 档号 (the report lists findings under both)
    titles: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """No item failed (warnings and 不适用 do not count)."""
        return not any(item.status == FAIL for item in self.items)

    @property
    def inspected_at_shown(self) -> str:
        """The time of the inspection as people read it: ``2026-11-30 18:29:42（UTC+08:00）``."""
        moment = datetime.fromisoformat(self.inspected_at)
        offset = moment.strftime("%z")
        return f"{moment:%Y-%m-%d %H:%M:%S}（UTC{offset[:3]}:{offset[3:]}）"

    @property
    def stage_name(self) -> str:
        return STAGE_NAMES[self.stage]

    def counts(self) -> Counter[str]:
        return Counter(item.status for item in self.items)

    def by_property(self) -> dict[str, Counter[str]]:
        """Per property, how many items have each status (and ``total``)."""
        table: dict[str, Counter[str]] = {name: Counter() for name in PROPERTIES}
        for item in self.items:
            table[item.check.property][item.status] += 1
            table[item.check.property]["total"] += 1
        return table

    def findings(self, severity: str) -> list[Finding]:
        return [f for item in self.items for f in item.findings if f.severity == severity]

    def by_record(self, severity: str = FAIL) -> dict[str, list[Finding]]:
        """Findings of ``severity`` by 档号, in 档号 order; those of the archive as a whole under ``""`` (last)."""
        grouped: dict[str, list[Finding]] = {}
        for finding in self.findings(severity):
            grouped.setdefault(finding.code, []).append(finding)
        return {code: grouped[code] for code in sorted(grouped, key=lambda c: (c == "", c))}

    def conclusion(self) -> str:
        counts = self.counts()
        tally = (f"{counts[PASS] + counts[WARN]} 项通过（其中 {counts[WARN]} 项有警告），{counts[FAIL]} 项不通过，"
                 f"{counts[NOT_APPLICABLE]} 项不适用")  # fmt: skip
        return ("合格：" if self.ok else "不合格：") + tally

    def to_dict(self) -> dict[str, Any]:
        counts = self.counts()
        return {
            "ok": self.ok, "standard": "DA/T 70-2018", "stage": self.stage, "stage_name": self.stage_name,
            "archive": self.root, "fonds": self.fonds, "inspected_at": self.inspected_at, "tool": self.tool,
            "record": self.only, "records": self.records, "files": self.files, "audit_entries": self.audit_entries,
            "summary": {STATUS_NAMES[s]: counts[s] for s in (PASS, WARN, FAIL, NOT_APPLICABLE)},
            "conclusion": self.conclusion(),
            "titles": self.titles,
            "properties": {name: {"total": c["total"], "pass": c[PASS], "warn": c[WARN], "fail": c[FAIL],
                                  "n/a": c[NOT_APPLICABLE]} for name, c in self.by_property().items()},
            "items": [item.to_dict() for item in self.items],
        }  # fmt: skip


def tool_version() -> str:
    try:
        return f"lianzheng-docs {metadata.version('lianzheng-docs')}"
    except metadata.PackageNotFoundError:
        return "lianzheng-docs（版本未知）"


def inspect(archive: Archive, stage: str = "归档", *, record: str | None = None) -> InspectionReport:
    """Inspect ``archive`` at ``stage`` (归档, 移交 or 长期保存); only ``record`` (id, 档号 or 文号) if given.

    :raises MetadataError: ``stage`` is not one of :data:`STAGES`.
    :raises RecordNotFound: there is no such record.
    """
    if stage not in STAGES:
        raise MetadataError(f"检测环节 {stage!r} 无效：应为 {'、'.join(STAGES)}")
    context = Context(archive, stage, record)
    try:
        report = InspectionReport(
            stage=stage, root=str(archive.root.resolve()), fonds=archive.setting("fonds"),
            inspected_at=datetime.now().astimezone().isoformat(timespec="seconds"), tool=tool_version(),
            records=len(context.records), files=sum(len(r.files) for r in context.records),
            audit_entries=int(context.db.execute("SELECT count(*) FROM audit").fetchone()[0]),
            only=context.only.archival_code if context.only is not None else None,
        )  # fmt: skip
        report.items = [_run(check, context) for check in CATALOGUE]
        named = {f.code for item in report.items for f in item.findings}
        report.titles = {
            printable(r.archival_code): printable(r.title) for r in context.all_records if r.archival_code in named
        }
    finally:
        context.close()
    return report


def _run(check: Check, context: Context) -> ItemResult:
    item = Collector(check, report_only(context))
    reason = check.not_applicable.get(context.stage)
    if reason:
        item.not_applicable(reason)
        return item.finish()
    try:
        check.run(context, item)
    except Exception as exc:  # one check's failure is that item's finding; the others are still judged
        item.fail(f"本项检测未能完成（{type(exc).__name__}：{exc}）：这是程序的问题，请把本报告交给维护人员")
    result = item.finish()
    if result.status == PASS and result.examined == 0 and check.scope == "record":
        result.status, result.reason = NOT_APPLICABLE, "档案中没有可检测的对象"
    return result


def report_only(context: Context) -> str | None:
    return context.only.archival_code if context.only is not None else None
