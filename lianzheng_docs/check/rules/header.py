"""Rules on the 版头: 份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人 (7.2)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...gbt9704 import docnumber, marks
from ..findings import Finding, Severity
from ..roles import Role, is_red
from .context import HEITI, KAITI, Context, DocumentKind, cjk_runs, describe


def copy_number(ctx: Context) -> Iterator[Finding]:
    for para in ctx.role(Role.COPY_NUMBER):
        if not marks.COPY_NUMBER.match(para.stripped):
            yield ctx.finding(
                "header.copy_number",
                "7.2.1",
                "份号应为 6 位阿拉伯数字",
                where=para.where(),
                found=para.stripped,
                expected="如 000001",
            )


def secrecy_and_urgency(ctx: Context) -> Iterator[Finding]:
    checks = (
        (
            Role.SECRECY,
            "7.2.2",
            marks.SECRECY,
            "密级只能是 绝密、机密、秘密，保密期限用阿拉伯数字，如“秘密★1年”",
        ),
        (Role.URGENCY, "7.2.3", marks.URGENCY, "紧急程度只能是 特急 或 加急"),
    )
    for role, clause, pattern, rule in checks:
        for para in ctx.role(role):
            if not pattern.match(para.stripped):
                yield ctx.finding(f"header.{role.name.lower()}", clause, rule, where=para.where(), found=para.stripped)
            bad = [r for r in cjk_runs(para) if r.east_asian_font not in HEITI]
            if bad:
                yield ctx.finding(
                    f"header.{role.name.lower()}.font",
                    clause,
                    f"{role.value}应为 3 号黑体",
                    where=para.where(),
                    found=describe(bad[0]),
                    expected="黑体 16 磅",
                )


def issuer_mark(ctx: Context) -> Iterator[Finding]:
    for para in ctx.role(Role.MARK):
        if not all(is_red(run.color) for run in para.text_runs):
            color = next((r.color for r in para.text_runs if not is_red(r.color)), None)
            yield ctx.finding(
                "header.mark.red",
                "7.2.4",
                "发文机关标志应为红色",
                where=para.where(),
                found=color or "自动（黑色）",
                expected="FF0000",
            )
        if para.align != "center":
            yield ctx.finding(
                "header.mark.center",
                "7.2.4",
                "发文机关标志应居中",
                where=para.where(),
                found=para.align,
                expected="center",
            )


def doc_number(ctx: Context) -> Iterator[Finding]:
    for para in ctx.role(Role.DOC_NUMBER):
        # The number is the line up to its 号 (签发人 may follow), spaces and all: a space inside
        # a number is as wrong in the document as in the data.
        text = para.text.strip()
        draft = docnumber.FIND_DRAFT.search(para.stripped)
        if draft and not docnumber.FIND.search(text):
            yield ctx.finding(
                "header.doc_number",
                "7.2.5",
                "发文字号尚未编号（待编号稿）：归档时由档案编号，或印发前填上序号",
                severity=Severity.WARNING,
                where=para.where(),
                found=draft.group(),
                expected=draft.group()[:-1] + "（序号）号",  # its own 代字 and year: only the number is missing
            )
            continue
        match = docnumber.FIND.search(text)
        number = text[: match.end()] if match else text
        if docnumber.is_valid(number):
            continue
        yield ctx.finding(
            "header.doc_number",
            "7.2.5",
            "发文字号格式不对：" + "；".join(docnumber.faults(number) or ["应为 代字〔年份〕序号号"]),
            where=para.where(),
            found=number,
            expected=docnumber.corrected(number) or docnumber.EXAMPLE,
        )


def signer(ctx: Context) -> Iterator[Finding]:
    if ctx.kind is not DocumentKind.UPWARD:
        return
    numbers = ctx.role(Role.DOC_NUMBER)
    lines = [p for p in ctx.doc.body()[:40] if "签发人" in p.stripped]
    if not lines:
        if numbers:
            yield ctx.finding(
                "header.signer.missing",
                "7.2.6",
                "上行文应当标注签发人（条例第九条），与发文字号同行：“签发人：姓名”",
                where=numbers[0].where(),
                found="无签发人",
                expected="X财党〔2026〕12号    签发人：张三",
            )
        else:
            yield ctx.finding(
                "header.signer.missing",
                "7.2.6",
                "上行文应标注签发人；本文档没有版头，按机关内部报告对待",
                severity=Severity.WARNING,
                found="无版头、无签发人",
            )
        return
    for para in lines:
        if not re.search(r"签发人：", para.stripped):
            yield ctx.finding(
                "header.signer.colon",
                "7.2.6",
                "“签发人”后应为全角冒号“：”",
                where=para.where(),
                found=para.stripped,
                expected="签发人：张三",
            )
        after = False
        names = []
        for run in para.runs:
            if after and run.text.strip():
                names.append(run)
            if "签发人" in run.text:
                after = True
                tail = run.text.split("签发人", 1)[1].lstrip("：: \t")
                if tail:
                    names.append(run)
        bad = [r for r in names if r.east_asian_font not in KAITI]
        if bad:
            yield ctx.finding(
                "header.signer.font",
                "7.2.6",
                "签发人姓名应为 3 号楷体",
                severity=Severity.WARNING,
                where=para.where(),
                found=describe(bad[0]),
                expected="楷体_GB2312 16 磅",
            )


HEADER_RULES = [copy_number, secrecy_and_urgency, issuer_mark, doc_number, signer]
