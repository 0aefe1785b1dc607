"""附件 (GB/T 9704-2012 7.3.4 and 7.3.7): the 附件说明 under the body and the first lines of a 附件.

The one home of these two rules, used by the built-in templates that carry their own 附件 and by
the 附件 a clerk adds to any document (:mod:`lianzheng_docs.templating.attachments`).
"""

from __future__ import annotations

from collections.abc import Sequence

from docx.text.paragraph import Paragraph

from ..gbt9704 import figures as G
from .builder import GongwenDocument, Span
from .ooxml import PPR_ORDER, element, set_child
from .styles import HEI, PLAIN


def attachment_note(doc: GongwenDocument, names: Sequence[str]) -> list[Paragraph]:
    """附件说明 (7.3.4): one blank line under the body, then "附件：名称" two characters in, a long
    name wrapping under itself; several 附件 numbered "附件：1.名称", "2.名称", numbers under numbers."""
    doc.blank()
    if len(names) == 1:
        para = doc.paragraph(f"附件：{names[0]}")
        _indent(para, left=5 * G.ONE_CHAR, hanging=3 * G.ONE_CHAR)
        return [para]
    made = []
    for number, name in enumerate(names, 1):
        para = doc.paragraph(f"{'附件：' if number == 1 else ''}{number}.{name}")
        # "1." is one character wide: names start six characters in, numbers under numbers
        _indent(para, left=6 * G.ONE_CHAR, hanging=(4 if number == 1 else 1) * G.ONE_CHAR)
        made.append(para)
    return made


def attachment_page(doc: GongwenDocument, label: str = "附件", title: str | None = None) -> None:
    """The first lines of a 附件 (7.3.7): its label ("附件", "附件2") in 3号黑体 at the top of a new
    page, flush left, then, when given, its title on line 3 in the title's style."""
    doc.start_page(doc.paragraph(Span(label, HEI), style=PLAIN))
    doc.blank()
    if title is not None:
        doc.title(title)


def _indent(para: Paragraph, *, left: int, hanging: int) -> None:
    set_child(para._p.get_or_add_pPr(), element("w:ind", {"w:left": left, "w:hanging": hanging}), PPR_ORDER)
