"""The status matrix as a page people read: one self-contained HTML table for 检查考核."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from .model import STATES, Status


def status_html(statuses: Sequence[Status], year: int, *, bureau: str = "") -> str:
    """The status matrix as one self-contained HTML page, for the year-end check (检查考核)."""
    colours = {"done": "#e6f4ea", "late": "#fff4d6", "overdue": "#fde2e1", "due": "#ffffff"}
    rows = []
    for s in statuses:
        records = "；".join(f"{r.archival_code}（{r.date}）" for r in s.records) or "—"
        if s.note:
            records += f"；{s.note}"
        due = s.due.isoformat() if s.due else "—"
        left = "" if s.days_left is None else f"（{'剩' if s.days_left >= 0 else '逾期'} {abs(s.days_left)} 天）"
        cells = [s.obligation.clause, s.obligation.title, s.who, s.obligation.to, s.obligation.rule_text,
                 due + left, s.label, records]  # fmt: skip
        style = f' style="background:{colours.get(s.state, "#f2f2f2")}"'
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
