"""A template's tabular form as an Excel workbook (.xlsx): the 报表 a 市纪委 asks for in Excel.

Some documents are forms before they are prose: the 责任追究情况报表 (七（十）) is a table of cases
that the 市纪委 collects from every 纪检组 and adds up. Besides its .docx (the stamped paper copy),
such a template has a workbook made from the *same data*, validated by the same manifest, so the
two never disagree. The layout is the one a 市纪委 expects of a return: the title across the table,
the 填报单位（盖章） and 填报日期 line, a two-row header repeated on every printed page, one row per
case, a 合计 row, the 情况说明, and the 填报人、审核人、联系电话 line; A4 landscape, one page wide,
the header frozen on screen, 仿宋 and 宋体 text, wrapped, ruled.

Only built-in templates have a tabular form (:data:`FORMS`, by manifest id); asking for one of a
template without it raises :class:`NoSpreadsheetForm`. The workbook is deterministic: the same data
gives the same bytes (fixed document dates and zip timestamps), as the .docx does.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final
from unicodedata import east_asian_width

from ..docxzip import normalize_docx
from ..errors import ExitCode, LianzhengError
from .catalog import Template
from .rendering import prepare_context, render_metadata

__all__ = ["FORMS", "NoSpreadsheetForm", "has_spreadsheet", "render_xlsx", "spreadsheet_templates"]


class NoSpreadsheetForm(LianzhengError):
    """The template has no tabular (.xlsx) form: asking for one is a usage error."""

    exit_code = ExitCode.USAGE

    def __init__(self, template_id: str) -> None:
        known = "、".join(sorted(FORMS)) or "无"
        super().__init__(f"模板 {template_id} 没有表格（.xlsx）形式，只能生成 .docx；有表格形式的模板：{known}")
        self.template_id = template_id


def has_spreadsheet(template: Template) -> bool:
    """Whether ``template`` has a tabular form (a built-in template listed in :data:`FORMS`)."""
    return template.owner == "builtin" and template.manifest.id in FORMS


def spreadsheet_templates() -> list[str]:
    """The ids of the templates that have a tabular form."""
    return sorted(FORMS)


def render_xlsx(template: Template, data: Mapping[str, Any], *, mask_names: bool = False) -> bytes:
    """The workbook of ``template`` filled with ``data``, checked exactly as :meth:`Template.render` checks it.

    :param mask_names: the public version: every person's name becomes 张某某, as in the .docx.
    :raises NoSpreadsheetForm: the template has no tabular form.
    :raises ValidationError: the data does not satisfy the manifest (every problem listed, nothing made).
    """
    if not has_spreadsheet(template):
        raise NoSpreadsheetForm(template.id)
    context = prepare_context(template.validate(template.prepared(data)), mask_names=mask_names)
    metadata = render_metadata(template.manifest, context)
    return FORMS[template.manifest.id](context, metadata)


# ----------------------------------------------------------------------------------- the sheet kit

#: fonts: 宋体 for the title and the header (the printed form's heading type), 仿宋 for what is filled in
SONG: Final = "宋体"
FANG: Final = "仿宋"
TITLE_PT: Final = 18.0  # 小二
TEXT_PT: Final = 12.0  # 小四
#: Excel's column unit is one digit of the default 11-point font; a CJK character of ``pt`` points
#: takes about ``2 * pt / 11`` of them
_UNITS_PER_PT: Final = 2 / 11
_LINE: Final = 1.4  # line height over font size, as Excel and LibreOffice lay out wrapped CJK text


@dataclass(frozen=True)
class Column:
    """One column of a return: its header (under an optional group header) and its width in Excel units."""

    header: str
    width: float
    group: str = ""
    centred: bool = True


def _text_width(text: str, pt: float) -> float:
    """Excel units ``text`` takes on one line in a ``pt``-point font (CJK two digits wide, others one)."""
    return sum(2 if east_asian_width(ch) in "WF" else 1.1 for ch in text) * pt / 11


def _lines(text: str, width: float, pt: float) -> int:
    """Lines ``text`` wraps to in a column ``width`` units wide (one unit of padding)."""
    usable = max(width - 2, 1)  # padding, and the indent of left-aligned text
    return sum(max(1, math.ceil(_text_width(line, pt) / usable)) for line in text.split("\n"))


def _row_height(cells: Iterable[tuple[str, float]], pt: float) -> float:
    """Points a row needs so that every (text, width) in it shows whole: set explicitly, because neither
    Excel nor LibreOffice fits a row to merged cells, and a reader may not fit rows at all."""
    lines = max((_lines(text, width, pt) for text, width in cells), default=1)
    return round(lines * pt * _LINE + 6, 1)


class _Sheet:
    """A worksheet being filled: fonts, borders and merges in one place."""

    def __init__(self, sheet: Any, columns: Sequence[Column]) -> None:
        from openpyxl.styles import Alignment, Border, Font, Side
        from openpyxl.utils import get_column_letter

        self.sheet = sheet
        self.columns = columns
        self.letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
        thin = Side(style="thin", color="000000")
        self._border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self._font, self._align = Font, Alignment
        for letter, column in zip(self.letters, columns, strict=True):
            sheet.column_dimensions[letter].width = column.width

    def width(self, first: int, last: int) -> float:
        """Units across columns ``first``..``last`` (0-based, inclusive)."""
        return sum(c.width for c in self.columns[first : last + 1])

    def put(
        self,
        row: int,
        first: int,
        value: Any,
        *,
        last: int | None = None,
        font: str = FANG,
        pt: float = TEXT_PT,
        bold: bool = False,
        horizontal: str = "center",
        ruled: bool = True,
        number_format: str | None = None,
    ) -> None:
        """``value`` in row ``row`` (1-based), columns ``first``..``last`` (0-based, merged when more than one)."""
        last = first if last is None else last
        cell = self.sheet.cell(row=row, column=first + 1, value=value)
        if last > first:
            self.sheet.merge_cells(f"{self.letters[first]}{row}:{self.letters[last]}{row}")
        for index in range(first, last + 1):
            each = self.sheet.cell(row=row, column=index + 1)
            each.font = self._font(name=font, size=pt, bold=bold)
            indent = 1 if horizontal != "center" and ruled else 0  # off the rule, as a cell's text in print
            each.alignment = self._align(horizontal=horizontal, vertical="center", wrap_text=True, indent=indent)
            if ruled:
                each.border = self._border
        if number_format:
            cell.number_format = number_format

    def height(self, row: int, points: float) -> None:
        self.sheet.row_dimensions[row].height = points


def _workbook_bytes(workbook: Any, title: str, when: date) -> bytes:
    """The workbook's bytes, the same for the same content: document properties dated ``when`` (not
    the moment of saving, which ``openpyxl.save`` would write) and fixed zip timestamps."""
    from openpyxl.writer.excel import ExcelWriter

    stamp = datetime(when.year, when.month, when.day)
    props = workbook.properties
    props.title, props.creator, props.lastModifiedBy = title, "lianzheng-docs", "lianzheng-docs"
    props.created = props.modified = stamp
    props.language = "zh-CN"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return normalize_docx(buffer.getvalue())  # any OOXML package: fixed timestamps, same order


def _page_setup(sheet: Any, *, title_rows: str, last_row: int, last_column: str) -> None:
    """A4 landscape, one page wide (as many pages long as it takes), centred, the header rows repeated
    on every page, page numbers in the footer."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    sheet.print_title_rows = title_rows
    sheet.print_area = f"A1:{last_column}{last_row}"
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    sheet.oddFooter.center.font = SONG
    sheet.oddFooter.center.size = 10


# ------------------------------------------------------------------------ 责任追究情况报表 (七（十）)

#: the return's columns: the people, the 责任类型 ticked (主体 or 监督, so the 合计 counts each), the decision
RETURN_COLUMNS: Final = (
    Column("序号", 5),
    Column("姓名", 9, "被追究人员"),
    Column("职务", 17, "被追究人员"),
    Column("所在单位", 14, "被追究人员"),
    Column("追究情形", 34, centred=False),
    Column("主体责任", 9, "责任类型"),
    Column("监督责任", 9, "责任类型"),
    Column("追究方式", 13),
    Column("决定机关", 12, "责任追究决定"),
    Column("决定日期", 15, "责任追究决定"),
)
#: how a date shows in the sheet (the cell holds a real date), GB/T 9704's form: no leading zeros
CN_DATE_FORMAT: Final = 'yyyy"年"m"月"d"日"'
#: how the 合计 counts show (the cells hold numbers)
PERSON_TIMES_FORMAT: Final = '0"人次"'
TICK: Final = "√"
HEADER_ROWS: Final = (3, 4)


def accountability_return(context: Mapping[str, Any], metadata: Mapping[str, str]) -> bytes:
    """七（十）: the 责任追究情况报表 as the 市纪委 collects it: one row per person held to account."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    title = metadata.get("title") or f"{context['period']}责任追究情况报表"
    sheet.title = "责任追究情况报表"
    form = _Sheet(sheet, RETURN_COLUMNS)
    last = len(RETURN_COLUMNS) - 1

    form.put(1, 0, title, last=last, font=SONG, pt=TITLE_PT, bold=True, ruled=False)
    form.height(1, 36)
    form.put(2, 0, f"填报单位（盖章）：{context['unit']}", last=4, horizontal="left", ruled=False)
    form.put(2, 5, f"填报日期：{context['date']}", last=last, horizontal="right", ruled=False)
    form.height(2, 24)

    top, bottom = HEADER_ROWS
    _two_row_header(form, top, bottom)

    row = bottom + 1
    for number, case in enumerate(context["cases"], start=1):
        person, decided_on = case["person"], case["decided_on"]
        values: list[Any] = [
            number, person.name, person.post, case["unit"], case["failure"],
            TICK if case["responsibility"] == "主体责任" else None,
            TICK if case["responsibility"] == "监督责任" else None,
            case["measure"], case["decided_by"], date(decided_on.year, decided_on.month, decided_on.day),
        ]  # fmt: skip
        for index, (value, column) in enumerate(zip(values, RETURN_COLUMNS, strict=True)):
            form.put(row, index, value, horizontal="center" if column.centred else "left",
                     number_format=CN_DATE_FORMAT if isinstance(value, date) else None)  # fmt: skip
        shown = [(str(case["decided_on"]) if isinstance(v, date) else "" if v is None else str(v), c.width)
                 for v, c in zip(values, RETURN_COLUMNS, strict=True)]  # fmt: skip
        form.height(row, _row_height(shown, TEXT_PT))
        row += 1

    # 合计: numbers (the cells read back as counts), shown as "2人次"; the same sums as the .docx's 合计 line
    cases = context["cases"]
    form.put(row, 0, "合计", font=SONG, bold=True)
    form.put(row, 1, len(cases), number_format=PERSON_TIMES_FORMAT)
    form.put(row, 2, None, last=4)
    for index, kind in ((5, "主体责任"), (6, "监督责任")):
        count = sum(1 for case in cases if case["responsibility"] == kind)
        form.put(row, index, count, number_format=PERSON_TIMES_FORMAT)
    form.put(row, 7, None, last=last)
    form.height(row, _row_height([], TEXT_PT))
    row += 1

    remarks = "\n".join(context["remarks"])
    form.put(row, 0, "情况说明", last=1, font=SONG, bold=True)
    form.put(row, 2, remarks, last=last, horizontal="left")
    form.height(row, _row_height([(remarks, form.width(2, last))], TEXT_PT))
    row += 1

    footer = (f"填报人：{context['preparer']}", f"审核人：{context['reviewer']}", f"联系电话：{context['phone']}")
    form.put(row, 0, footer[0], last=3, horizontal="left", ruled=False)
    form.put(row, 4, footer[1], horizontal="left", ruled=False)
    form.put(row, 5, footer[2], last=last, horizontal="right", ruled=False)
    form.height(row, 30)

    sheet.freeze_panes = f"A{bottom + 1}"
    _page_setup(sheet, title_rows=f"{top}:{bottom}", last_row=row, last_column=form.letters[last])
    sheet.sheet_view.zoomScale = 100
    return _workbook_bytes(workbook, title, context["date"])


def _two_row_header(form: _Sheet, top: int, bottom: int) -> None:
    """The header: a column in a group (被追究人员 …) has the group above it and its own name below; a
    column alone spans both rows."""
    from openpyxl.utils import get_column_letter

    index = 0
    columns = form.columns
    while index < len(columns):
        column = columns[index]
        if not column.group:
            form.put(top, index, column.header, font=SONG, bold=True)
            form.put(bottom, index, None, font=SONG, bold=True)
            letter = get_column_letter(index + 1)
            form.sheet.merge_cells(f"{letter}{top}:{letter}{bottom}")
            index += 1
            continue
        end = index
        while end + 1 < len(columns) and columns[end + 1].group == column.group:
            end += 1
        form.put(top, index, column.group, last=end, font=SONG, bold=True)
        for each in range(index, end + 1):
            form.put(bottom, each, columns[each].header, font=SONG, bold=True)
        index = end + 1
    form.height(top, 22)
    form.height(bottom, _row_height([(c.header, c.width) for c in columns], TEXT_PT))


#: Template (manifest) id → the function that lays out its workbook from the validated context and metadata.
FORMS: Final[dict[str, Callable[[Mapping[str, Any], Mapping[str, str]], bytes]]] = {
    "accountability_return": accountability_return,
}
