"""四性检测 of what can be checked of 安全性 on this machine: the archive folder's permissions, the
record of backups and transfer packages; and, as 不适用 with the reason, what cannot (virus
scanning, offline carriers).
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from shlex import quote

from .inspect_checks_base import Collector, Context, check, local_time

#: Audit entries that show the records left the archive as a backup or a transfer package: an export
#: (logged as a download ``via`` an export), a DA/T 48 package, or the actions named so.
BACKUP_ACTIONS = ("export", "backup", "package")
BACKUP_VIA = ("export", "导出", "package", "封装", "备份")
EVERY_STAGE = ("归档", "移交", "长期保存")


@check("SE-02", "安全性", "存储安全性检测（文件夹与文件权限）", "DA/T 70-2018 安全性检测：保存过程安全性（编号未核实）",
       "档案文件夹、其子文件夹、登记库和检查点不是任何人可写的；存放的文件不是任何人可写，也没有可执行权限，"
       "不是符号链接", scope="archive")  # fmt: skip
def permissions(ctx: Context, item: Collector) -> None:
    if os.name != "posix":
        item.not_applicable("Windows 的访问控制列表（ACL）本程序不检查：请在文件夹的“属性 → 安全”中核对")
        return
    root = ctx.root
    places = [root, *(p for p in root.rglob("*") if p.is_dir() or p.parent == root)]
    stored = [root / f.path for r in ctx.records for f in r.files]
    item.examined(len(places) + len(stored), "个文件和文件夹")
    for path in _unique(places):
        if path.is_symlink():
            continue
        if stat.S_IMODE(path.stat().st_mode) & stat.S_IWOTH:
            item.fail(
                f"{_shown(ctx, path)} 任何人都可以写入：运行 chmod o-w {quote(str(path.resolve()))}",
                path=_shown(ctx, path),
            )
    for path in stored:
        if path.is_symlink():
            item.fail(f"{_shown(ctx, path)} 是符号链接，不是存放在档案中的文件：请换成文件本身",
                      ctx.code_of_path.get(_shown(ctx, path), ""), _shown(ctx, path))  # fmt: skip
        elif path.is_file():
            mode = stat.S_IMODE(path.stat().st_mode)
            code = ctx.code_of_path.get(_shown(ctx, path), "")
            if mode & stat.S_IWOTH:
                item.fail(
                    f"档号 {code} 的文件任何人都可以写入：运行 chmod o-w {quote(str(path.resolve()))}",
                    code,
                    _shown(ctx, path),
                )
            if mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH):
                item.fail(
                    f"档号 {code} 的文件有可执行权限：运行 chmod a-x {quote(str(path.resolve()))}",
                    code,
                    _shown(ctx, path),
                )


def _unique(paths: Iterable[Path]) -> list[Path]:
    return list(dict.fromkeys(paths))


def _shown(ctx: Context, path: Path) -> str:
    relative = os.path.relpath(path, ctx.root)
    return "档案文件夹" if relative == "." else relative.replace(os.sep, "/")


@check("SE-03", "安全性", "备份与移交记录检测", "DA/T 70-2018 安全性检测：备份（编号未核实）；移交环节须有移交信息包",
       "审计日志中有导出（备份）或封装（DA/T 48）的记录；移交时每件都须导出或封装过。导出包不在档案中，本项只能"
       "查它的记录", scope="archive")  # fmt: skip
def backups(ctx: Context, item: Collector) -> None:
    covered: set[int | None] = set()
    last = ""
    for row in ctx.audit_rows("download", *BACKUP_ACTIONS):
        try:
            detail = json.loads(row["detail"])
        except ValueError:
            detail = {}
        detail = detail if isinstance(detail, dict) else {}
        via, purpose = str(detail.get("via", "")), str(detail.get("purpose", ""))
        # ``purpose`` is what the tool writes now; the words of ``via`` read entries written before it
        if row["action"] in BACKUP_ACTIONS or purpose in ("export", "package") or any(w in via for w in BACKUP_VIA):
            covered.add(row["record_id"])
            last = max(last, str(row["at"]))
    everything = None in covered
    item.examined(len(ctx.records))
    if last:
        item.note(f"最近一次导出或封装：{local_time(last)}")
    if ctx.stage == "移交":
        for record in ctx.records:
            if not everything and record.id not in covered and ctx.kept(record):
                item.fail(f"档号 {record.archival_code} 没有导出或封装的记录：移交前运行 lianzheng archive package "
                          f"{record.archival_code} -o 移交包（DA/T 48）或 lianzheng archive export 导出",
                          record.archival_code)  # fmt: skip
    elif not covered:
        item.warn("审计日志中没有任何导出（备份）记录：运行 lianzheng archive export 备份.zip，并把导出包存放在另一台"
                  "设备或介质上", scope_code(ctx))  # fmt: skip


def scope_code(ctx: Context) -> str:
    return ctx.only.archival_code if ctx.only is not None else ""


@check("SE-04", "安全性", "病毒检测", "DA/T 70-2018 GD-4-1 系统环境中是否安装杀毒软件检测、GD-4-2 病毒检测",
       "调用杀毒软件检测文件是否感染病毒", scope="archive",
       not_applicable={stage: "本程序不含杀毒引擎，也不调用本机杀毒软件：请用单位的杀毒软件扫描档案文件夹 files/，"
                              "并在本报告上注明；可执行内容（宏、脚本）见 SE-01"
                       for stage in EVERY_STAGE})  # fmt: skip
def viruses(ctx: Context, item: Collector) -> None:
    item.not_applicable("本程序不含杀毒引擎")


@check("SE-05", "安全性", "载体安全性检测", "DA/T 70-2018 安全性检测：归档载体（编号未核实；光盘见 DA/T 38）",
       "检测离线载体（光盘、磁带、移动硬盘）的外观、读取和其中有无非档案文件", scope="archive",
       not_applicable={stage: "档案存放在本机文件夹中，不经离线载体；刻录光盘等载体时请按 DA/T 38 另行检测"
                       for stage in EVERY_STAGE})  # fmt: skip
def carriers(ctx: Context, item: Collector) -> None:
    item.not_applicable("不经离线载体")


CHECKS = [permissions, backups, viruses, carriers]
