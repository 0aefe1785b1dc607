"""The 四性检测 report as a 档案 clerk prints it for the acceptance: one self-contained HTML page.

Chinese, A4 (``@page``), black on white so that it copies well: a heading with what was inspected,
when and with what; the conclusion; a table by property (四性); every item with its clause, what it
judged and its result; then what failed, record by record (档号 and 题名), what only warns, and
boxes for the signatures (检测人, 审核人, and at 移交 the two units). No script, no external file:
the page prints the same anywhere. Written atomically (:func:`lianzheng_docs.fileio.write_atomic`).
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from ..fileio import write_atomic
from .inspect import InspectionReport
from .inspect_checks_base import FAIL, NOT_APPLICABLE, PASS, PROPERTIES, STATUS_NAMES, WARN

#: A mark beside each status, so that the result reads on a black-and-white copy.
MARKS = {PASS: "✓", WARN: "！", FAIL: "✗", NOT_APPLICABLE: "—"}
SOURCES = (
    "检测依据 DA/T 70-2018《文书类电子档案检测一般要求》。编制本程序时未能查阅标准原文：“GD-”开头的检测项目编号"
    "（归档环节表中的编号，移交与接收、长期保存环节有同名项目）取自公开的四性检测系统源代码对标准表格的转录，多数有"
    "两处以上互相印证；未找到编号的项目只引名称，标“编号未核实”。元数据依 DA/T 46-2009，档号依 DA/T 22-2015，"
    "长期保存格式依 GB/T 18894-2016。"
)

CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm;
        @bottom-center { content: "第 " counter(page) " 页 共 " counter(pages) " 页"; font-size: 9pt; } }
* { box-sizing: border-box; }
html { background: #f3f3f3; }
body { margin: 0; color: #000;
       font: 10.5pt/1.55 "SimSun", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif; }
.sheet { width: 210mm; min-height: 297mm; margin: 8mm auto; padding: 16mm 15mm; background: #fff;
         box-shadow: 0 0 3mm rgba(0,0,0,.15); }
h1, h2, h3, th, .conclusion strong {
  font-family: "SimHei", "Heiti SC", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; font-weight: normal; }
h1 { font-size: 18pt; text-align: center; letter-spacing: .15em; margin: 0 0 1mm; }
.subtitle { text-align: center; margin: 0 0 5mm; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; padding-bottom: 1mm; border-bottom: 1pt solid #000; break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; break-after: avoid; }
table { width: 100%; border-collapse: collapse; margin: 2mm 0; }
table.fixed { table-layout: fixed; }
code { font-family: "Noto Sans Mono CJK SC", monospace; font-size: 9pt; }
.signatures { break-inside: avoid; }
th, td { border: .6pt solid #000; padding: 1.2mm 1.8mm; vertical-align: top; text-align: left; }
th { background: #e8e8e8; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.n, th.n { text-align: center; white-space: nowrap; }
td.c, th.c { text-align: center; }
.id { white-space: nowrap; font-family: "Noto Sans Mono CJK SC", monospace; font-size: 9.5pt; }
.status { text-align: center; }
.fail { font-weight: bold; }
.muted { color: #444; font-size: 9.5pt; }
.meta td:nth-child(odd) { width: 18%; background: #f4f4f4; white-space: nowrap; }
.conclusion { border: 1.5pt solid #000; padding: 3mm 4mm; margin: 4mm 0; font-size: 12pt; }
.code { white-space: nowrap; }
.sign td { height: 16mm; }
.sign td.label { width: 20%; background: #f4f4f4; vertical-align: middle; }
.sources { margin: 1mm 0 0; font-size: 9pt; color: #333; }
@media print {
  html { background: none; }
  .sheet { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
  th, .meta td:nth-child(odd), .sign td.label { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def render_html(report: InspectionReport) -> str:
    """The report as a complete HTML page (UTF-8), every value escaped."""
    title = f"电子档案四性检测报告（{report.stage_name}）"
    parts = [
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>',
        f'<style>{CSS}</style></head><body><main class="sheet">',
        "<h1>电子档案四性检测报告</h1>",
        f'<p class="subtitle">{escape(report.stage_name)} · 依据 DA/T 70-2018</p>',
        _heading(report),
        f'<div class="conclusion"><strong>检测结论：</strong>{escape(report.conclusion())}</div>',
        "<h2>一、按性质汇总</h2>",
        _by_property(report),
        "<h2>二、检测项目</h2>",
        _items(report),
        f'<p class="sources">{escape(SOURCES)}</p>',
        "<h2>三、不通过的项目（按档号）</h2>",
        _findings(report, FAIL) or '<p class="muted">无。</p>',
        "<h2>四、警告（通过，但请核对）</h2>",
        _findings(report, WARN) or '<p class="muted">无。</p>',
        _signatures(report),
        "</main></body></html>\n",
    ]
    return "\n".join(parts)


def write_html(report: InspectionReport, target: Path, *, overwrite: bool = False) -> Path:
    """Write the report to ``target`` whole or not at all."""
    return write_atomic(target, render_html(report).encode("utf-8"), overwrite=overwrite)


def _heading(report: InspectionReport) -> str:
    scope = f"档号 {report.only}（全宗级项目照常检测）" if report.only else "全部档案"
    rows = [
        ("档案位置", report.root, "全宗号", report.fonds),
        ("检测环节", report.stage_name, "检测范围", scope),
        ("检测对象", f"{report.records} 件、{report.files} 个文件、{report.audit_entries} 条审计记录",
         "检测时间", report.inspected_at_shown),
        ("检测工具", report.tool, "检测项目", f"{len(report.items)} 项"),
    ]  # fmt: skip
    cells = "".join("<tr>" + "".join(f"<td>{escape(str(value))}</td>" for value in row) + "</tr>" for row in rows)
    return f'<table class="meta">{cells}</table>'


def _by_property(report: InspectionReport) -> str:
    head = "<tr><th>性质</th>" + "".join(f'<th class="n">{h}</th>' for h in ("项目数", "通过", "其中有警告", "不通过",
                                                                                  "不适用")) + "</tr>"  # fmt: skip
    rows = []
    table = report.by_property()
    for name in PROPERTIES:
        counts = table[name]
        values = (counts["total"], counts[PASS] + counts[WARN], counts[WARN], counts[FAIL], counts[NOT_APPLICABLE])
        cells = "".join(
            f'<td class="n{" fail" if i == 3 and value else ""}">{value}</td>' for i, value in enumerate(values)
        )
        rows.append(f"<tr><td>{name}</td>{cells}</tr>")
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def _status(status: str) -> str:
    css = "status fail" if status == FAIL else "status"
    return f'<td class="{css}">{MARKS[status]} {escape(STATUS_NAMES[status])}</td>'


def _items(report: InspectionReport) -> str:
    head = (
        '<tr><th style="width:8%">编号</th><th style="width:8%">性质</th><th style="width:31%">检测项目与依据</th>'
        '<th class="c" style="width:13%">检测对象</th><th style="width:13%">结果</th><th>说明</th></tr>'
    )
    rows = []
    for item in report.items:
        check = item.check
        if item.status == NOT_APPLICABLE:
            explained = [item.reason]
        else:
            explained = [f"{len(item.failures)} 处不通过" if item.failures else "",
                         f"{len(item.warnings)} 处警告" if item.warnings else "", *item.notes]  # fmt: skip
        note = "<br>".join(commands(text) for text in explained if text)
        examined = "—" if item.status == NOT_APPLICABLE else f"{item.examined} {item.unit}"
        rows.append(
            f'<tr><td class="id">{check.id}</td><td class="n">{check.property}</td>'
            f'<td>{escape(check.title)}<br><span class="muted">{escape(check.clause)}</span></td>'
            f'<td class="c">{escape(examined)}</td>{_status(item.status)}<td class="muted">{note}</td></tr>'
        )
    return f'<table class="fixed"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _findings(report: InspectionReport, severity: str) -> str:
    """One table, record by record (档号 and 题名 spanning that record's rows), then the archive's own."""
    grouped = report.by_record(severity)
    if not grouped:
        return ""
    rows = []
    for code, findings in grouped.items():
        if code:
            who = f'<span class="code">{escape(code)}</span><br>{escape(report.titles.get(code, ""))}'
        else:
            who = "全宗（不属于某一件）"
        for index, finding in enumerate(findings):
            lead = f'<td rowspan="{len(findings)}">{who}</td>' if index == 0 else ""
            path = f'<br><span class="muted">文件：{escape(finding.path)}</span>' if finding.path else ""
            rows.append(f'<tr>{lead}<td class="id">{finding.check}</td>'
                        f"<td>{commands(within(finding.message, code))}{path}</td></tr>")  # fmt: skip
    head = '<tr><th style="width:30%">档号与题名</th><th style="width:9%">编号</th><th>问题与处理</th></tr>'
    return f'<table class="fixed"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def within(message: str, code: str) -> str:
    """A finding's message under its record's heading, without naming the record again."""
    return message.removeprefix(f"档号 {code} 的").removeprefix(f"档号 {code} ") if code else message


def commands(text: str) -> str:
    """``text`` escaped, the commands in it (``lianzheng ...``, ``chmod ...``) set in a monospaced face."""
    return _COMMAND.sub(lambda m: f"<code>{m.group(0)}</code>", escape(text))


_COMMAND = re.compile(r"(lianzheng|chmod) [^（）：，；。、]+?(?=[（）：，；。、]|$)")


def _signatures(report: InspectionReport) -> str:
    rows = [("检测人（签字）", "日期"), ("审核人（签字）", "日期")]
    if report.stage == "移交":
        rows += [("移交单位（盖章）", "接收单位（盖章）")]
    cells = "".join(f'<tr><td class="label">{a}</td><td></td><td class="label">{b}</td><td></td></tr>' for a, b in rows)
    virus = ('<tr><td class="label">病毒检测（SE-04）</td><td colspan="3" class="muted">用单位杀毒软件另行扫描 files/：'
             "软件及版本 ____________　扫描日期 __________　结果 __________</td></tr>")  # fmt: skip
    return f'<div class="signatures"><h2>五、检测人签字</h2><table class="sign">{cells}{virus}</table></div>'
