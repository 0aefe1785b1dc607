"""Rules on the 版记 (7.4) and on what a 报告 may not contain (条例第十五条)."""

from __future__ import annotations

from collections.abc import Iterator

from ...gbt9704.wording import REQUEST_WORDING
from ..findings import Finding
from ..model import Paragraph
from ..roles import Role
from .context import Context, DocumentKind, describe


def carbon_copy(ctx: Context) -> Iterator[Finding]:
    for para in ctx.role(Role.CC):
        text = para.stripped
        if not text.startswith("抄送："):
            yield ctx.finding(
                "imprint.cc.colon",
                "7.4.2",
                "应为“抄送：”（全角冒号）",
                where=para.where(),
                found=text[:3],
                expected="抄送：",
            )
        if not text.endswith("。"):
            yield ctx.finding(
                "imprint.cc.period",
                "7.4.2",
                "抄送机关最后应标句号“。”",
                where=para.where(),
                found=text[-1:],
                expected="。",
            )
        yield from _imprint_size(ctx, para, "7.4.2")


def printed(ctx: Context) -> Iterator[Finding]:
    for para in ctx.role(Role.PRINTED):
        yield from _imprint_size(ctx, para, "7.4.3")


def _imprint_size(ctx: Context, para: Paragraph, clause: str) -> Iterator[Finding]:
    bad = [r for r in para.text_runs if r.size_pt != 14]
    if bad:
        yield ctx.finding(
            "imprint.size",
            clause,
            "版记各要素用 4 号（14 磅）仿宋",
            where=para.where(),
            found=describe(bad[0]),
            expected="仿宋 14 磅",
        )


def request_in_report(ctx: Context) -> Iterator[Finding]:
    if ctx.kind is not DocumentKind.UPWARD or not ctx.title_text.endswith("报告"):
        return
    for para in ctx.doc.body():
        match = REQUEST_WORDING.search(para.stripped)
        if match:
            yield ctx.finding(
                "report.request",
                "条例第十五条",
                f"报告中不得夹带请示事项：“{match.group(0)}”；需上级批准的事项应另行请示",
                where=para.where(),
                found=match.group(0),
                expected="（删去）",
            )


END_RULES = [carbon_copy, printed, request_in_report]
