"""What Word and LibreOffice show differently because of how the file is written (not a clause).

Word reads the children of ``w:rPr`` in the schema's order (ECMA-376 17.3.2.27) and drops one that
comes after a later one: ``w:rFonts`` after ``w:b``, ``w:color`` after ``w:sz``. LibreOffice
applies it anyway. The model follows Word; this rule says where it dropped something, so a
clerk who sees the right font in LibreOffice or WPS understands the finding about Word.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity
from ..model import Paragraph
from .context import Context, grouped, where_many


def rpr_order(ctx: Context) -> Iterator[Finding]:
    footers = [p for s in ctx.doc.sections[:1] for paras in s.footers.values() for p in paras]

    def dropped() -> Iterator[tuple[Paragraph, str]]:
        for para in [*ctx.doc.paragraphs, *footers]:
            for run in para.runs:
                if run.dropped and (run.text.strip() or run.computed):
                    yield para, run.dropped[0]
                    break

    yield from grouped(
        dropped(),
        lambda found, paras: ctx.finding(
            "markup.rpr_order",
            "OOXML 17.3.2.27",
            "字符格式（w:rPr）中元素次序不合规定：Word 忽略次序错误的元素、按上级格式显示（本检查按 Word 判断），"
            "LibreOffice 和 WPS 仍采用它，两者显示不同；用 Word 打开后重新设置该格式并保存即可",
            severity=Severity.WARNING,
            where=where_many(paras),
            found=found,
            expected="rStyle、rFonts、b、i … color … sz 的规定次序",
        ),
    )


MARKUP_RULES = [rpr_order]
