"""Retention and disposal: when a record's 保管期限 runs out, the 鉴定 decision on it, and what follows:
destruction with its 销毁清册, or a longer 保管期限 (延长保管期限). Issue 18 item 3.

The rules, and where they come from (public descriptions; a clause number only where one was found):

- 保管期限 are 永久 and 定期, 定期 being 30 or 10 years: 国家档案局令第8号《机关文件材料归档范围和文书档案
  保管期限规定》(2006) 第六条. DA/T 22-2015 sorts and numbers records by them (5.2 分类, 5.4 编号: the
  档号 carries Y, D30 or D10), so the 保管期限 as filed stays in the 档号 and in ``records``.
- A 定期 period counts from 1 January of the year after the record's 年度: the practice public
  descriptions of 保管期限表 give ("定期保存的计算方法，一般是从文件产生后的第二年起计算"). No clause of DA/T
  22-2015 or of the 第8号令 saying so was found, so none is cited. A record of 年度 2015 kept 定期10年
  is kept through 31 December 2025, its 到期日, and is due for appraisal (到期鉴定) from 1 January 2026.
- Nothing is destroyed but on a recorded, approved decision: 档案法 (2020) 第二十一条 (禁止擅自销毁档案);
  GB/T 18894-2016 has electronic records appraised and destroyed under the national rules for 档案鉴定
  销毁, after approval (its clause number was not found). How bureaus do it, as they publish their
  鉴定销毁制度: a 鉴定小组 of two or more gives its opinion, a leader approves it, the records to go are
  listed in a 销毁清册 kept for good, and two or more 监销人 see the destruction and sign the list with
  its 方式 and 日期; records still worth keeping get a new, longer 保管期限.

How the work is divided. A decision (:func:`decide`, :mod:`.disposal`) records the 鉴定意见
(``destroy`` or ``extend`` to a new 保管期限), its grounds, the 鉴定小组 (two names at least), the 批准人,
the date and the records it covers; in the same transaction each record's state changes (拟销毁, or
its new 保管期限 in force) and one audit entry a record (``dispose`` or ``extend``) fixes the digests
of the rows written, so that verify catches a decision edited behind the tool's back. The decisions
are read back by :mod:`.decisions`; a record's 保管期限 in force, its 到期日 and its state, and the
list of what is due, come from :mod:`.holdings`.

A destruction (:func:`destroy`, in this module) carries out one ``destroy`` decision: in one
transaction it writes the 销毁清册 (.docx and .xlsx, :mod:`.destruction_list`), records who watched
(监销人) and how, marks the records 已销毁 and writes a ``destroy`` audit entry each, naming the files
and their digests; once that has committed the files are removed, and the search index is rebuilt
without their text. The record's metadata, its digests and the decision stay: verify reports such a
file as destroyed, not missing (:mod:`.destroyed` reads them from the chain). Only a record past its
到期日 on the decision's date is destroyed, unless the decision says why it may go early; a 永久
record never is.

Every public name of these modules is importable from here.
"""

from __future__ import annotations

import builtins
import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ..errors import LianzhengError, Problem
from .decisions import OPINION_NAMES, Decision, DecisionItem, DecisionNotFound, Destruction, decision, decisions
from .destroyed import DestroyedFile, destroyed_files
from .disposal import DisposalRefused, Opinion, _people, _put_state, decide
from .errors import ArchiveError
from .holdings import PERIODS, STATE_NAMES, Holding, due, expiry, holding, holdings, is_due, retention_name, state_of
from .registry import now, row_digest
from .storage import digest_of

if TYPE_CHECKING:
    from .archive import Archive

__all__ = [
    "ACTIONS",
    "DEFAULT_METHOD",
    "OPINION_NAMES",
    "PERIODS",
    "STATE_NAMES",
    "Decision",
    "DecisionItem",
    "DecisionNotFound",
    "DestroyedFile",
    "Destruction",
    "DestructionResult",
    "DisposalRefused",
    "Holding",
    "Opinion",
    "decide",
    "decision",
    "decisions",
    "destroy",
    "destroyed_files",
    "due",
    "expiry",
    "holding",
    "holdings",
    "is_due",
    "retention_name",
    "state_of",
]

#: how the files are destroyed, unless the clerk says otherwise
DEFAULT_METHOD: Final = "从档案存储中删除电子文件（元数据、哈希值和鉴定决定保留）"
#: audit actions, with their Chinese names (for the audit log's listing)
ACTIONS: Final = {"dispose": "鉴定：销毁", "extend": "延长保管期限", "destroy": "销毁"}


@dataclass
class DestructionResult:
    """What :func:`destroy` did."""

    decision: Decision
    #: the 销毁清册 written (empty when the decision had been carried out before)
    lists: builtins.list[Path] = field(default_factory=list)
    #: the records destroyed now
    destroyed: builtins.list[DecisionItem] = field(default_factory=list)
    #: records the decision named that a later decision kept (extended): not destroyed
    kept: builtins.list[DecisionItem] = field(default_factory=list)
    #: files removed from the archive's storage (paths relative to its root)
    removed: builtins.list[str] = field(default_factory=list)
    #: what could not be done after the commit (a file left, the index not rebuilt), in Chinese
    warnings: builtins.list[str] = field(default_factory=list)
    #: True when the decision had been carried out already and only leftover files were removed
    resumed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision.id, "resumed": self.resumed, "lists": [str(p) for p in self.lists],
            "destroyed": [item.archival_code for item in self.destroyed],
            "kept": [item.archival_code for item in self.kept], "removed": self.removed, "warnings": self.warnings,
            "destruction": None if self.decision.destruction is None else self.decision.destruction.to_dict(),
        }  # fmt: skip


def destroy(
    archive: Archive,
    number: int,
    folder: Path,
    *,
    supervisors: Sequence[str],
    destroyed_on: date | None = None,
    method: str = DEFAULT_METHOD,
    overwrite: bool = False,
    today: date | None = None,
) -> DestructionResult:
    """Carry out the ``destroy`` decision ``number``: the 销毁清册 into ``folder``, then the files go.

    In one registry transaction (so two clerks cannot carry out one decision twice): the decision's
    records still named for destruction by it are checked again, the 销毁清册 is written (.docx and
    .xlsx, atomically, :mod:`.destruction_list`) and its digests recorded with the 监销人
    (``supervisors``, two at least), ``method`` and ``destroyed_on`` (default today, not before the
    decision nor after today), and each record is marked 已销毁 with a ``destroy`` audit entry naming
    its files and their digests, and its extracted text is cleared. Only after the commit are the
    files removed (a crash in between leaves files that verify reports as "not destroyed" and that
    running this again removes), and the search index rebuilt without their text.

    A record the decision named that a later decision extended is kept, and said so. A decision
    already carried out is not carried out again: this only removes files a crash left behind.

    :raises DecisionNotFound: there is no such decision.
    :raises DisposalRefused: an extend decision, fewer than two 监销人, a date out of range, or no
        record left to destroy; nothing written.
    :raises OutputError: a 销毁清册 cannot be written (or exists, without ``overwrite``); nothing destroyed.
    """
    today = today or date.today()
    destroyed_on = destroyed_on or today
    chosen = decision(archive, number)
    if chosen.opinion != "destroy":
        raise DisposalRefused(f"第 {number} 号鉴定决定", [Problem(
            "opinion", "鉴定意见", f"是{chosen.opinion_name}，不是销毁：延长保管期限的决定在记录时已生效，没有要销毁的",
        )])  # fmt: skip
    if chosen.destruction is not None:
        result = DestructionResult(chosen, resumed=True)
        _remove_files(archive, number, result)
        return result
    watchers = _people(supervisors)
    problems: list[Problem] = []
    if len(watchers) < 2:
        given = "、".join(watchers) or "无"
        problems.append(
            Problem("supervisors", "监销人", f"销毁须有两名以上监销人（现有：{given}）；请用 --supervisor 逐个写上姓名")
        )
    if destroyed_on > today:
        problems.append(Problem("date", "销毁日期", f"{destroyed_on.isoformat()} 晚于今天 {today.isoformat()}"))
    if destroyed_on < chosen.decided_on:
        problems.append(Problem("date", "销毁日期", (
            f"{destroyed_on.isoformat()} 早于决定的批准日期 {chosen.decided_on.isoformat()}：先批准，后销毁"
        )))  # fmt: skip
    if not method.strip():
        problems.append(Problem("method", "销毁方式", "请写明销毁方式"))
    if problems:
        raise DisposalRefused(f"第 {number} 号决定的销毁", problems)

    from ..fileio import write_atomic
    from .destruction_list import DestructionSheet, destruction_lists

    registry = archive.registry
    written: list[Path] = []
    try:
        with registry.transaction() as db:
            current = decision(archive, number)  # inside the write lock: what it covers now
            if current.destruction is not None:
                raise ArchiveError(f"第 {number} 号鉴定决定刚由另一个进程执行了销毁；请用 appraise show {number} 查看")
            pending = [i for i in current.items if (i.state, i.state_decision) == ("pending", number)]
            kept = [i for i in current.items if i not in pending]
            early = "决定时未到期，而决定没有写明提前销毁的理由"
            refusals = [Problem(f"档号 {i.archival_code}", f"档号 {i.archival_code}", early)
                        for i in pending if not i.due and not current.early_reason]  # fmt: skip
            if not pending:
                refusals.append(
                    Problem("records", "档案", "这个决定列出的档案都已由之后的决定延长了保管期限，没有要销毁的")
                )
            if refusals:
                raise DisposalRefused(f"第 {number} 号决定的销毁", refusals)
            sheet = DestructionSheet.of(
                current, pending, fonds=archive.setting("fonds"), destroyed_on=destroyed_on, supervisors=watchers,
                method=method.strip(), destroyer=archive.actor,
            )  # fmt: skip
            lists: dict[str, str] = {}
            for name, content in destruction_lists(sheet).items():
                target = folder / name
                write_atomic(target, content, overwrite=overwrite)
                written.append(target)
                lists[name] = digest_of(target)[0]
            values: dict[str, Any] = {
                "decision_id": number, "destroyed_on": destroyed_on.isoformat(),
                "supervisors": json.dumps(watchers, ensure_ascii=False), "method": method.strip(),
                "lists": json.dumps(lists, ensure_ascii=False, sort_keys=True), "entered_at": now(),
                "entered_by": archive.actor,
            }  # fmt: skip
            db.execute(f"INSERT INTO destructions ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                       tuple(values.values()))  # fmt: skip
            destruction_row = row_digest(values)
            decision_row = _decision_digest(db, number)
            files = registry.files_of_records([i.record_id for i in pending])
            for item in pending:
                state = {"record_id": item.record_id, "state": "destroyed", "retention": item.retention,
                         "decision_id": number}  # fmt: skip
                _put_state(db, state)
                db.execute("UPDATE records SET text = '' WHERE id = ?", (item.record_id,))
                registry.audit(archive.actor, "destroy", item.record_id, {
                    "decision": number, "archival_code": item.archival_code, "decision_row": decision_row,
                    "destruction_row": destruction_row, "state_row": row_digest(state),
                    "destroyed_on": destroyed_on.isoformat(), "lists": lists,
                    "files": [{"role": f["role"], "path": f["path"], "sha256": f["sha256"], "size": f["size"]}
                              for f in files[item.record_id]],
                })  # fmt: skip
    except BaseException:
        for path in written:  # a 销毁清册 of a destruction that did not happen would mislead
            path.unlink(missing_ok=True)
        raise
    result = DestructionResult(decision(archive, number), written, pending, kept)
    _remove_files(archive, number, result)
    try:
        archive.reindex()  # the destroyed text leaves the index's files, not just its answers
    except (LianzhengError, OSError) as exc:
        reason = getattr(exc, "message", None) or str(exc)
        result.warnings.append(f"已销毁，但检索索引未能重建（{reason}）：已销毁文件的文字可能仍在索引中，"
                               "请运行 lianzheng archive reindex")  # fmt: skip
    archive.warnings.extend(result.warnings)
    return result


def _decision_digest(db: sqlite3.Connection, number: int) -> str:
    row = db.execute("SELECT * FROM disposal_decisions WHERE id = ?", (number,)).fetchone()
    return row_digest({key: row[key] for key in row.keys() if key != "id"})


def _remove_files(archive: Archive, number: int, result: DestructionResult) -> None:
    """Remove the files the chain records as destroyed by decision ``number`` that are still there.

    A file whose content is no longer the one registered is left in place and reported: it is not
    the record's file, and it may be evidence of tampering that verify should still see."""
    for gone in destroyed_files(archive.registry).values():
        if gone.decision != number:
            continue
        path = archive.root / gone.path
        if not path.is_file():
            continue
        if digest_of(path)[0] != gone.sha256:
            result.warnings.append(f"档号 {gone.archival_code} 的文件 {gone.path} 与登记的哈希值不符，未删除："
                                   "请运行 lianzheng archive verify 查明")  # fmt: skip
            continue
        try:
            path.unlink()
            _fsync_folder(path.parent)
        except OSError as exc:
            result.warnings.append(f"档号 {gone.archival_code} 的文件 {gone.path} 未能删除（{exc.strerror or exc}）："
                                   f"请排除后再运行 lianzheng archive appraise destroy {number}")  # fmt: skip
            continue
        result.removed.append(gone.path)


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
