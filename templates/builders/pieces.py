"""Pieces every template builder shares: loops, 版头, closing, 回执, 版记, record forms, 附件."""

from __future__ import annotations

from lianzheng_docs.layout import attachment as layout_attachment
from lianzheng_docs.layout.builder import KAI, TITLE, GongwenDocument, Span


def loop_paragraphs(doc: GongwenDocument, expression: str) -> None:
    """One body paragraph per item of a paragraphs field."""
    doc.control(f"{{%p for para in {expression} %}}")
    doc.paragraph("{{ para }}")
    doc.control("{%p endfor %}")


def loop_headed_items(doc: GongwenDocument, expression: str) -> None:
    """Items with a 楷体 "（一）heading。" run-in heading, then their paragraphs (7.3.3 level 2)."""
    doc.control(f"{{%p for item in {expression} %}}")
    doc.paragraph(Span("（{{ loop.index|cn_num }}）{{ item.heading }}", KAI), "{{ item.paragraphs[0] }}")
    doc.control("{%p for para in item.paragraphs[1:] %}")
    doc.paragraph("{{ para }}")
    doc.control("{%p endfor %}")
    doc.control("{%p endfor %}")


def loop_sections(doc: GongwenDocument, expression: str) -> None:
    """Numbered parts ("一、heading", 7.3.3 level 1), each with its paragraphs: a notice's 工作要求."""
    doc.control(f"{{%p for item in {expression} %}}")
    doc.heading(1, "{{ loop.index|cn_num }}、{{ item.heading }}")
    loop_paragraphs(doc, "item.paragraphs")
    doc.control("{%p endfor %}")


def red_header(doc: GongwenDocument, *, upward: bool) -> None:
    """版头: 份号, 密级, 紧急程度 when given, the red mark, the 发文字号 (with 签发人 on 上行文), the red rule."""
    doc.header_marks()
    doc.issuer_mark("{{ issuer_mark }}")
    doc.doc_number("{{ doc_number }}", signer="{{ signer }}" if upward else None)
    doc.blank(2)


def closing(doc: GongwenDocument, issuer: str = "{{ issuer }}", *, gongwen: bool = True) -> None:
    """署名, 成文日期 and the optional 附注 (7.3.5, 7.3.6); a 公文 is sealed or not as ``seal`` says."""
    if gongwen:
        doc.closing_signature(issuer, "{{ date }}")
    else:
        doc.signature(issuer, "{{ date }}")
    doc.control("{%p if note %}")
    doc.paragraph("（{{ note }}）")
    doc.control("{%p endif %}")


def receipt(doc: GongwenDocument, title: str, rows: list[list[str]]) -> None:
    """A 回执 on a page of its own: its title, then label and value rows 12 mm high, room to write and sign."""
    doc.start_page(doc.paragraph(title, style=TITLE))
    doc.blank()
    doc.table([], rows, widths_mm=[44, 112], row_height_mm=12, center_columns=(0,))


def imprint(doc: GongwenDocument) -> None:
    """版记: 抄送 (when given) and the 印发 line (7.4)."""
    doc.imprint(
        cc="cc",
        printed=["{{ printer }}", "\t{{ print_date or date }}印发"],
    )


def facts_table(doc: GongwenDocument, rows: list[list[str]]) -> None:
    """The facts of a record (时间, 地点, 谁与谁): a ruled two-column form, labels centred."""
    doc.table([], rows, widths_mm=[36, 120], row_height_mm=10, center_columns=(0,))


def signing_lines(doc: GongwenDocument, *roles: str) -> None:
    """Where the people of a record sign by hand: "谈话人（签字）：", two a row, 15 mm apart."""
    names = [f"{role}（签字）：" for role in roles]
    if len(names) % 2:
        names.append("")
    rows = [[names[i], names[i + 1]] for i in range(0, len(names), 2)]
    doc.table([], rows, widths_mm=[78, 78], borders=False, row_height_mm=15)


def attachment_note(doc: GongwenDocument, name: str) -> None:
    """附件说明 (7.3.4) of the one 附件 a template carries itself: "附件：名称", wrapped lines under the name."""
    layout_attachment.attachment_note(doc, [name])


def attachment_page(doc: GongwenDocument, title: str) -> None:
    """The first lines of the 附件 (7.3.7): "附件" in 3号黑体 at the top of a new page, its title on line 3."""
    layout_attachment.attachment_page(doc, "附件", title)
    doc.blank()
