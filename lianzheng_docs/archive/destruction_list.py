"""The 销毁清册: the list of the records a decision destroys, as a .docx to print and sign and an .xlsx.

Made before anything is removed (:func:`.retention.destroy` writes it inside the transaction that marks
the records 已销毁) and kept for good, as bureaus' published 鉴定销毁制度 ask; its digests are in the
audit chain, so a printed list can be checked against the archive later. The columns are 序号, 档号,
题名, 年度, 保管期限, 页数, 鉴定意见 and 备注 (the 到期日, or why a record went early); below them the
decision (its opinion and grounds, the 鉴定小组, the 批准人 and date), how and when the files were
destroyed, and a table where the 鉴定小组, the 批准人, the 监销人 and the clerk who destroyed them sign.

The .docx is built with the layout kit (:class:`~lianzheng_docs.layout.builder.GongwenDocument`, as the
dossier's 归档文件目录 is), the .xlsx with the sheet kit of :mod:`lianzheng_docs.templating.spreadsheet`
(A4 landscape, the header repeated on every page). Both are the same bytes for the same list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from ..gbt9704.dates import format_date
from ..templating.manifest import RETENTION_NAMES

if TYPE_CHECKING:
    from .retention import Decision, DecisionItem

TITLE: Final = "档案销毁清册"
COLUMNS: Final = ("序号", "档号", "题名", "年度", "保管期限", "页数", "鉴定意见", "备注")
#: the columns' widths on the page (156 mm of text area): the 档号 in two lines at most, the short
#: columns (年度, 保管期限, 鉴定意见) unbroken
WIDTHS_MM: Final = (10, 33, 29, 11, 19, 10, 18, 26)
#: the decision's particulars below the list: label, value
INFO_WIDTHS_MM: Final = (30, 126)
#: who signs: 职责, 姓名, 签字, 日期
SIGN_COLUMNS: Final = ("职责", "姓名", "签字", "日期")
SIGN_WIDTHS_MM: Final = (34, 40, 46, 36)


def chinese_date(day: date) -> str:
    return format_date(day.year, day.month, day.day)


@dataclass(frozen=True)
class SheetRow:
    """One record on the list."""

    number: int
    archival_code: str
    title: str
    year: int
    retention: str  # in Chinese: 定期10年
    pages: int | None
    opinion: str
    note: str


@dataclass(frozen=True)
class DestructionSheet:
    """What a 销毁清册 says: the records, the decision, the destruction and who signs."""

    fonds: str
    decision: int
    reason: str
    members: tuple[str, ...]
    approver: str
    decided_on: date
    early_reason: str
    destroyed_on: date
    supervisors: tuple[str, ...]
    method: str
    destroyer: str
    rows: tuple[SheetRow, ...]

    @classmethod
    def of(
        cls,
        decision: Decision,
        items: Sequence[DecisionItem],
        *,
        fonds: str,
        destroyed_on: date,
        supervisors: Sequence[str],
        method: str,
        destroyer: str,
    ) -> DestructionSheet:
        """The list of ``items`` (the records ``decision`` destroys now), in 档号 order as given."""
        rows = []
        for number, item in enumerate(items, start=1):
            ends = f"{item.expires.year}年底期满" if item.expires else ""  # a 定期 period ends on 31 December
            note = ends if item.due else f"未到期（{ends}），提前销毁"
            retention = RETENTION_NAMES.get(item.retention, item.retention)
            rows.append(SheetRow(number, item.archival_code, item.title, item.year, retention, item.page_count,
                                 "销毁", note))  # fmt: skip
        return cls(fonds, decision.id, decision.reason, decision.members, decision.approver, decision.decided_on,
                   decision.early_reason, destroyed_on, tuple(supervisors), method, destroyer, tuple(rows))  # fmt: skip

    @property
    def stem(self) -> str:
        """The files' name without extension: 销毁清册-第3号."""
        return f"销毁清册-第{self.decision}号"

    @property
    def heading(self) -> str:
        return f"全宗号：{self.fonds}　　鉴定决定：第 {self.decision} 号　　共 {len(self.rows)} 件"

    def particulars(self) -> list[tuple[str, str]]:
        """The decision and the destruction, as (label, value) lines."""
        lines = [
            ("鉴定意见", f"销毁。{self.reason}"),
            ("鉴定小组", "、".join(self.members)),
            ("批准人", self.approver),
            ("批准日期", chinese_date(self.decided_on)),
        ]
        if self.early_reason:
            lines.append(("提前销毁的理由", self.early_reason))
        lines += [
            ("销毁方式", self.method),
            ("销毁日期", chinese_date(self.destroyed_on)),
            ("销毁人", self.destroyer),
            ("说明", "所列档案的电子文件已从档案存储中删除；其元数据、哈希值和鉴定决定仍在档案登记库中，"
                     "可用 lianzheng archive verify 核对。本清册永久保存。"),
        ]  # fmt: skip
        return lines

    def signers(self) -> list[tuple[str, str]]:
        """(职责, 姓名) of everyone who signs the list."""
        return ([("鉴定小组成员", name) for name in self.members] + [("批准人", self.approver)]
                + [("监销人", name) for name in self.supervisors] + [("销毁人", self.destroyer)])  # fmt: skip


def destruction_lists(sheet: DestructionSheet) -> dict[str, bytes]:
    """The 销毁清册 as files: name -> bytes, a .docx and an .xlsx."""
    return {f"{sheet.stem}.docx": destruction_docx(sheet), f"{sheet.stem}.xlsx": destruction_xlsx(sheet)}


# ---------------------------------------------------------------------------------------------- .docx


def destruction_docx(sheet: DestructionSheet) -> bytes:
    """The 销毁清册 to print and sign: A4, the layout kit's table styles, page numbers."""
    import docx.shared

    from ..gbt9704 import figures as G
    from ..layout.builder import GongwenDocument

    doc = GongwenDocument(title=TITLE)
    doc.title(TITLE)
    heading = doc.paragraph(sheet.heading, style="GwDocNumber")
    heading.paragraph_format.space_after = docx.shared.Pt(6)
    rows = [[str(r.number), r.archival_code, r.title, str(r.year), r.retention, "" if r.pages is None else str(r.pages),
             r.opinion, r.note] for r in sheet.rows]  # fmt: skip
    doc.table(list(COLUMNS), rows, widths_mm=list(WIDTHS_MM), text_size="五号", center_columns=(0, 3, 4, 5, 6),
              cell_margin=G.mm(0.8))  # fmt: skip
    doc.blank()
    doc.table([], [list(line) for line in sheet.particulars()], widths_mm=list(INFO_WIDTHS_MM), text_size="五号",
              center_columns=(0,), cell_margin=G.mm(1.2))  # fmt: skip
    doc.blank()
    signing = [[role, name, "", ""] for role, name in sheet.signers()]
    doc.table(list(SIGN_COLUMNS), signing, widths_mm=list(SIGN_WIDTHS_MM), text_size="小四", center_columns=(0, 1),
              row_height_mm=11, cell_margin=G.mm(1.2))  # fmt: skip
    return doc.to_bytes()


# ---------------------------------------------------------------------------------------------- .xlsx


def destruction_xlsx(sheet: DestructionSheet) -> bytes:
    """The same list as a workbook: one sheet, the list, the particulars and the signing rows."""
    from openpyxl import Workbook

    from ..templating.spreadsheet import FANG, SONG, TEXT_PT, TITLE_PT, Column, _page_setup, _row_height, _Sheet
    from ..templating.spreadsheet import _workbook_bytes as workbook_bytes

    columns = (
        Column("序号", 6), Column("档号", 29), Column("题名", 44, centred=False), Column("年度", 8),
        Column("保管期限", 11), Column("页数", 7), Column("鉴定意见", 11), Column("备注", 26, centred=False),
    )  # fmt: skip
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "销毁清册"
    form = _Sheet(ws, columns)
    last = len(columns) - 1

    form.put(1, 0, TITLE, last=last, font=SONG, pt=TITLE_PT, bold=True, ruled=False)
    form.height(1, 36)
    form.put(2, 0, sheet.heading, last=last, horizontal="left", ruled=False)
    form.height(2, 24)
    header = 3
    for index, column in enumerate(columns):
        form.put(header, index, column.header, font=SONG, bold=True)
    form.height(header, 24)

    row = header + 1
    for entry in sheet.rows:
        values: list[Any] = [entry.number, entry.archival_code, entry.title, entry.year, entry.retention, entry.pages,
                             entry.opinion, entry.note]  # fmt: skip
        for index, (value, column) in enumerate(zip(values, columns, strict=True)):
            form.put(row, index, value, horizontal="center" if column.centred else "left")
        shown = [("" if v is None else str(v), c.width) for v, c in zip(values, columns, strict=True)]
        form.height(row, _row_height(shown, TEXT_PT))
        row += 1

    row += 1  # a blank row between the list and the particulars
    for label, value in sheet.particulars():
        form.put(row, 0, label, last=1, font=SONG, bold=True)
        form.put(row, 2, value, last=last, horizontal="left")
        form.height(row, _row_height([(value, form.width(2, last))], TEXT_PT))
        row += 1

    row += 1
    spans = ((0, 1), (2, 2), (3, 5), (6, last))  # 职责, 姓名, 签字, 日期 across the list's columns
    for (first, end), heading in zip(spans, SIGN_COLUMNS, strict=True):
        form.put(row, first, heading, last=end, font=SONG, bold=True)
    form.height(row, 24)
    for role, name in sheet.signers():
        row += 1
        for (first, end), value in zip(spans, (role, name, None, None), strict=True):
            form.put(row, first, value, last=end, font=FANG)
        form.height(row, 32)  # room to sign by hand

    ws.freeze_panes = f"A{header + 1}"
    _page_setup(ws, title_rows=f"{header}:{header}", last_row=row, last_column=form.letters[last])
    return workbook_bytes(workbook, TITLE, sheet.destroyed_on)
