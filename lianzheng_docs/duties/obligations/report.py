"""The status matrix for people and other programs: one self-contained HTML table for 检查考核, an
Excel workbook, and the deadlines as an iCalendar file."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from html import escape

from .model import STATES, Status


def status_html(statuses: Sequence[Status], year: int, *, bureau: str = "") -> str:
    """The status matrix as one self-contained HTML page, for the year-end check (检查考核)."""
    rows = []
    for s in statuses:
        records = "；".join(f"{r.archival_code}（{r.date}）" for r in s.records) or "—"
        if s.note:
            records += f"；{s.note}"
        due = s.due.isoformat() if s.due else "—"
        left = "" if s.days_left is None else f"（{'剩' if s.days_left >= 0 else '逾期'} {abs(s.days_left)} 天）"
        cells = [s.obligation.clause, s.obligation.title, s.who, s.obligation.to, s.obligation.rule_text,
                 due + left, s.label, records]  # fmt: skip
        style = f' style="background:#{STATE_COLOURS.get(s.state, "FFFFFF")}"'
        rows.append(f"<tr{style}>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    headers = ["条款", "事项", "责任主体", "报送对象", "要求", "期限", "状态", "档号（成文日期）"]
    title = escape(f"{bureau}{year}年度“两个责任”文书落实情况")
    counts = "，".join(f"{label} {sum(s.state == key for s in statuses)} 项" for key, label in STATES.items()
                      if any(s.state == key for s in statuses))  # fmt: skip
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>body{{font-family:'Noto Sans CJK SC',sans-serif}}"
        "table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px 8px}</style></head><body>"
        f"<h1>{title}</h1><p>{escape(counts)}</p><table><thead><tr>"
        + "".join(f"<th>{h}</th>" for h in headers)
        + "</tr></thead><tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table></body></html>\n"
    )


#: one fill per state, in the HTML page and the Excel sheet alike (RGB, no "#")
STATE_COLOURS = {
    "done": "E6F4EA",
    "late": "FFF4D6",
    "due": "E8F0FE",
    "overdue": "FDE2E1",
    "event": "F2F2F2",
    "no_template": "EDE7F6",
}
XLSX_HEADERS = ["年度", "条款", "事项", "责任主体", "报送对象", "要求", "期限", "剩余天数", "状态",
                "档号（成文日期）", "备注"]  # fmt: skip


def status_xlsx(statuses: Sequence[Status], title: str = "落实情况") -> bytes:
    """The status matrix as an Excel workbook (.xlsx): the header row frozen and filtered, each row
    filled with its state's colour, columns as wide as their Chinese text (capped, then wrapped)."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _sheet_title(title)
    sheet.append(XLSX_HEADERS)
    for s in statuses:
        records = "；".join(f"{r.archival_code}（{r.date}）" for r in s.records)
        sheet.append([s.year, s.obligation.clause, s.obligation.title, s.who, s.obligation.to, s.obligation.rule_text,
                      s.due, s.days_left, s.label, records, s.note])  # fmt: skip
        fill = PatternFill("solid", start_color=STATE_COLOURS.get(s.state, "FFFFFF"))
        for cell in sheet[sheet.max_row]:
            cell.fill = fill
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        sheet.cell(sheet.max_row, 7).number_format = "yyyy-mm-dd"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", start_color="D9D9D9")
        cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(XLSX_HEADERS))
    sheet.auto_filter.ref = f"A1:{last}{max(sheet.max_row, 2)}"
    for index, header in enumerate(XLSX_HEADERS, start=1):
        values = [header] + ["" if row[index - 1] is None else str(row[index - 1])
                             for row in sheet.iter_rows(min_row=2, values_only=True)]  # fmt: skip
        widest = max(_width(v) for v in values)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(widest + 2, 8), 50)
    legend = workbook.create_sheet("图例")
    legend.append(["状态", "项数"])
    for key, label in STATES.items():
        legend.append([label, sum(s.state == key for s in statuses)])
        legend.cell(legend.max_row, 1).fill = PatternFill("solid", start_color=STATE_COLOURS[key])
    legend.column_dimensions["A"].width = 12
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(text: str) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\."""
    return "".join(ch for ch in text if ch not in "[]:*?/\\")[:31] or "落实情况"


def _width(text: str) -> int:
    """Columns a text takes in Excel: two for each CJK (wide) character; the widest line of it."""
    from unicodedata import east_asian_width

    return max((sum(2 if east_asian_width(ch) in "WF" else 1 for ch in line) for line in text.split("\n")), default=0)


def status_ics(
    statuses: Sequence[Status], *, now: datetime, remind_days: int = 7, name: str = "“两个责任”文书期限"
) -> bytes:
    """The deadlines not yet met (未到期, 已逾期) as an iCalendar file (RFC 5545): one all-day VEVENT
    per obligation and party on its deadline, with a VALARM ``remind_days`` before it.

    UIDs are stable (obligation, year, party, person, the 告知书 or event it counts from), so a
    calendar that imports the file again updates its events instead of doubling them. ``now`` is
    the DTSTAMP (UTC). Lines end in CRLF and are folded at 75 octets.
    """
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//lianzheng-docs//两个责任文书期限//ZH", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_text(name)}"]  # fmt: skip
    for s in statuses:
        if s.due is None or s.state not in ("due", "overdue"):
            continue
        detail = [f"条款：{s.obligation.clause}", f"责任主体：{s.who}", f"报送对象：{s.obligation.to}",
                  f"要求：{s.obligation.rule_text}", f"状态：{s.label}"] + ([s.note] if s.note else [])  # fmt: skip
        summary = f"{s.obligation.title}（{s.who}）"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uid(s)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{s.due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{s.due + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_text(summary)}",
            f"DESCRIPTION:{_text(chr(10).join(detail))}",
            "CATEGORIES:两个责任",
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{_text(f'{remind_days} 天后到期：{summary}')}",
            f"TRIGGER:-P{remind_days}D",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines).encode("utf-8")


def _uid(s: Status) -> str:
    source = s.trigger.id if s.trigger else (s.event.id if s.event else "")
    key = "|".join(str(part) for part in (s.obligation.id, s.year, s.party, s.person, source))
    return f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:24]}@lianzheng-docs"


def _text(value: str) -> str:
    """An iCalendar TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newline escaped."""
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    parts: list[str] = []
    current, size, limit = "", 0, 75
    for ch in line:
        octets = len(ch.encode("utf-8"))
        if size + octets > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with a space
        current += ch
        size += octets
    parts.append(current)
    return "\r\n ".join(parts)
