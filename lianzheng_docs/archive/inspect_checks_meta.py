"""四性检测 of the metadata (元数据): present, of the right type, within range, reasonable, free of
illegal characters, 档号 well formed and unique (DA/T 70-2018 真实性 GD-1-2 to GD-1-8, 完整性 GD-2-4).

Every value is read as the registry holds it (:class:`.inspect_checks_base.Context` reads it
leniently), not as the tool would have written it: these checks are about what someone may have
put there since.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections import defaultdict
from datetime import date, datetime

from ..gbt9704.marks import SECRECY
from ..templating.manifest import RETENTION_NAMES
from .codes import ARCHIVAL_CODE, CODE, ArchivalCode, parse_doc_number
from .inspect_checks_base import Collector, Context, check

#: The elements of a record, by column, in Chinese (DA/T 46-2009's names, DA/T 22's for the 档号's parts).
ELEMENTS = {
    "title": "题名", "author": "责任者", "date": "日期", "kind": "文种", "secrecy": "密级", "recipients": "主送",
    "cc": "抄送", "unit": "单位", "doc_number": "文号", "archival_code": "档号", "fonds": "全宗号",
    "category": "门类代码", "org": "机构（问题）代码", "retention": "保管期限", "year": "年度", "item": "件号",
    "page_count": "页数", "filed_at": "归档时间", "filed_by": "归档人", "template_id": "模板", "source": "来源",
}  # fmt: skip
#: Text elements whose characters are checked.
TEXT_ELEMENTS = ("title", "author", "date", "kind", "secrecy", "recipients", "cc", "unit", "doc_number",
                 "archival_code", "fonds", "category", "org", "retention", "filed_at", "filed_by",
                 "template_id")  # fmt: skip
#: Required (必填著录项目): the DA/T 46-2009 elements a 件 of 文书 is described by, and the parts of
#: its 档号 (DA/T 22-2015). Which of DA/T 46's elements are 必选 could not be read from the standard's
#: text for this work; the list is the one issue 18 gives.
REQUIRED = ("title", "author", "date", "kind", "archival_code", "fonds", "category", "year", "retention", "org",
            "item")  # fmt: skip
#: Longest value of an element this project accepts (DA/T 46 sets no lengths that could be checked
#: here): a 题名 of 500 characters is already a paragraph; 主送 and 抄送 list many organs.
MAX_LENGTH = {"title": 500, "recipients": 1000, "cc": 1000}
DEFAULT_MAX_LENGTH = 200
#: Characters that are never right in a metadata value: bidirectional overrides and isolates
#: (they reorder what is shown), the replacement character (text already lost once).
FORBIDDEN_CHARACTERS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufffd")
#: Invisible characters that are suspicious but can arrive from a pasted text.
INVISIBLE = set("\u200b\u200c\u200d\u2060\ufeff")
CATEGORIES = {"WS": "文书"}
SOURCES = {"rendered", "external"}
CANNOT_EDIT = "登记信息不能直接修改（会破坏审计链）：请核对原件，在备考表中说明并告知档案部门"


def _label(row: sqlite3.Row) -> str:
    return str(row["archival_code"])


@check("AU-04", "真实性", "元数据项数据长度检测", "DA/T 70-2018 GD-1-2 元数据项数据长度检测",
       "每个著录项目的长度不超过上限（题名 500 字，主送、抄送 1000 字，其余 200 字；上限由本系统规定）")  # fmt: skip
def lengths(ctx: Context, item: Collector) -> None:
    item.examined(len(ctx.rows))
    for row in ctx.rows.values():
        for column in TEXT_ELEMENTS:
            value = row[column]
            limit = MAX_LENGTH.get(column, DEFAULT_MAX_LENGTH)
            if isinstance(value, str) and len(value) > limit:
                item.fail(f"档号 {_label(row)} 的{ELEMENTS[column]}有 {len(value)} 个字符，超过 {limit} 字的上限："
                          f"核对是否误将正文等内容著录为{ELEMENTS[column]}。{CANNOT_EDIT}", _label(row))  # fmt: skip


@check("AU-05", "真实性", "元数据项数据类型、格式检测", "DA/T 70-2018 GD-1-3 元数据项数据类型、格式检测",
       "日期为 ISO 日期，年度为四位整数，件号、页数为正整数，文号为 GB/T 9704 7.2.5 的形式，"
       "归档时间为时间戳")  # fmt: skip
def types(ctx: Context, item: Collector) -> None:
    item.examined(len(ctx.rows))
    for row in ctx.rows.values():
        code = _label(row)
        if row["date"] is not None and not _iso_date(row["date"]):
            item.fail(f"档号 {code} 的日期 {row['date']!r} 不是有效日期（应为 2026-03-05 的形式）。{CANNOT_EDIT}", code)
        year = row["year"]
        if not isinstance(year, int) or not 1000 <= year <= 9999:
            item.fail(f"档号 {code} 的年度 {year!r} 不是四位整数（DA/T 22-2015：年度为四位年份）。{CANNOT_EDIT}", code)
        if not isinstance(row["item"], int) or row["item"] < 1:
            item.fail(f"档号 {code} 的件号 {row['item']!r} 不是正整数。{CANNOT_EDIT}", code)
        pages = row["page_count"]
        if pages is not None and (not isinstance(pages, int) or pages < 1):
            item.fail(f"档号 {code} 的页数 {pages!r} 不是正整数。{CANNOT_EDIT}", code)
        number = row["doc_number"]
        if number and parse_doc_number(number) is None:
            message = f"档号 {code} 的文号 {number!r} 不是 GB/T 9704-2012 7.2.5 的形式（如 X财党〔2026〕12号）"
            if row["source"] == "rendered":  # numbered here: a malformed one was written by someone else
                item.fail(f"{message}。{CANNOT_EDIT}", code)
            else:  # a received document's number is what it carries
                item.warn(f"{message}：外来文件的文号照原件著录，请核对原件", code)
        try:
            datetime.fromisoformat(str(row["filed_at"]))
        except ValueError:
            item.fail(f"档号 {code} 的归档时间 {row['filed_at']!r} 不是有效的时间。{CANNOT_EDIT}", code)


def _iso_date(value: object) -> date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@check("AU-06", "真实性", "设定值域的元数据项值域符合度检测", "DA/T 70-2018 GD-1-4 设定值域的元数据项值域符合度检测",
       "保管期限为永久、定期30年、定期10年（Y、D30、D10），门类代码为 WS（文书），密级为 GB/T 9704 7.2.2 的三级"
       "（可带保密期限），全宗号、机构代码为字母数字，来源为本系统生成或外来文件")  # fmt: skip
def domains(ctx: Context, item: Collector) -> None:
    item.examined(len(ctx.rows))
    for row in ctx.rows.values():
        code = _label(row)
        problems = []
        if row["retention"] not in RETENTION_NAMES:
            problems.append(f"保管期限 {row['retention']!r} 不在 永久、定期30年、定期10年 之中")
        if row["category"] not in CATEGORIES:
            problems.append(f"门类代码 {row['category']!r} 不是 WS（文书）")
        if row["secrecy"] and not SECRECY.match(row["secrecy"]):
            problems.append(f"密级 {row['secrecy']!r} 不是 绝密、机密、秘密（可加 ★ 和保密期限，如 秘密★1年）")
        for column in ("fonds", "org"):
            if not isinstance(row[column], str) or not CODE.match(row[column]):
                problems.append(f"{ELEMENTS[column]} {row[column]!r} 不是 1 到 16 位字母和数字")
        if row["source"] not in SOURCES:
            problems.append(f"来源 {row['source']!r} 无效")
        for problem in problems:
            item.fail(f"档号 {code} 的{problem}。{CANNOT_EDIT}", code)


@check("AU-07", "真实性", "元数据项数据值合理性检测", "DA/T 70-2018 GD-1-5 元数据项数据值合理性检测",
       "年度在 1900 年到明年之间，与日期的年份相同（不同者提示）；日期不晚于归档之日；"
       "文号中的年份与年度相同")  # fmt: skip
def reasonable(ctx: Context, item: Collector) -> None:
    item.examined(len(ctx.rows))
    this_year = date.today().year
    for row in ctx.rows.values():
        code, year = _label(row), row["year"]
        if isinstance(year, int) and not 1900 <= year <= this_year + 1:
            item.fail(f"档号 {code} 的年度 {year} 不在 1900 年到 {this_year + 1} 年之间。{CANNOT_EDIT}", code)
            continue
        when = _iso_date(row["date"])
        if when is not None and isinstance(year, int) and when.year != year:
            item.warn(f"档号 {code} 的年度 {year} 与日期 {when.isoformat()} 的年份不同：DA/T 22-2015 按文件形成的"
                      "年度归档，请核对是否有意为之", code)  # fmt: skip
        filed = _filed_on(row["filed_at"])
        if when is not None and filed is not None and when > filed:
            item.warn(f"档号 {code} 的日期 {when.isoformat()} 晚于归档之日 {filed.isoformat()}（归档时用了 "
                      "--allow-future-date）：请核对成文日期", code)  # fmt: skip
        parsed = parse_doc_number(row["doc_number"] or "")
        if parsed and isinstance(year, int) and parsed[1] != year:
            item.warn(f"档号 {code} 的文号 {row['doc_number']} 的年份与年度 {year} 不同，请核对", code)


def _filed_on(value: object) -> date | None:
    try:
        return datetime.fromisoformat(str(value)).astimezone().date()
    except ValueError:
        return None


@check("AU-08", "真实性", "元数据项数据包含特殊字符检测", "DA/T 70-2018 GD-1-6 元数据项数据包含特殊字符检测",
       "著录项目中没有控制字符、无法解码的字节（孤立代理项）、非字符、替换字符和改变显示顺序的方向控制符；"
       "零宽字符和私用区字符提示核对")  # fmt: skip
def characters(ctx: Context, item: Collector) -> None:
    item.examined(len(ctx.rows))
    for row in ctx.rows.values():
        code = _label(row)
        for column in TEXT_ELEMENTS:
            value = row[column]
            if not isinstance(value, str):
                continue
            bad, odd = _special(value)
            if bad:
                item.fail(f"档号 {code} 的{ELEMENTS[column]}含有非法字符 {'、'.join(bad)}：登记库被直接改动过，或录入时"
                          f"混入了不可见的字符。{CANNOT_EDIT}", code)  # fmt: skip
            elif odd:
                item.warn(f"档号 {code} 的{ELEMENTS[column]}含有 {'、'.join(odd)}：多是从别处粘贴带来的，请核对", code)


def _special(value: str) -> tuple[list[str], list[str]]:
    """The characters of ``value`` that are illegal, and those only suspicious, each named once."""
    bad: list[str] = []
    odd: list[str] = []
    for ch in value:
        category = unicodedata.category(ch)
        named = f"U+{ord(ch):04X}"
        if category == "Cs":
            named += "（无法解码的字节，孤立代理项）"
        elif category == "Cc":
            named += "（控制字符）"
        if category in ("Cc", "Cs") or ch in FORBIDDEN_CHARACTERS or _noncharacter(ch):
            if named not in bad:
                bad.append(named)
        elif (ch in INVISIBLE or category == "Co") and named not in odd:
            odd.append(named + ("（私用区字符）" if category == "Co" else "（不可见字符）"))
    return bad, odd


def _noncharacter(ch: str) -> bool:
    point = ord(ch)
    return 0xFDD0 <= point <= 0xFDEF or (point & 0xFFFE) == 0xFFFE


@check("AU-09", "真实性", "档号规范性检测", "DA/T 70-2018 GD-1-7 档号规范性检测（档号形式依 DA/T 22-2015 5.4）",
       "档号为 全宗号-门类代码·年度-保管期限-机构（问题）代码-件号（件号四位起），且与登记的各组成项一致")  # fmt: skip
def archival_codes(ctx: Context, item: Collector) -> None:
    item.examined(len(ctx.rows))
    for row in ctx.rows.values():
        code = str(row["archival_code"])
        match = ARCHIVAL_CODE.match(code)
        if match is None or match.group(0) != code:
            item.fail(f"档号 {code!r} 不符合 全宗号-门类代码·年度-保管期限-机构代码-件号 的形式"
                      f"（如 Z001-WS·2026-Y-BGS-0001）。{CANNOT_EDIT}", code)  # fmt: skip
            continue
        try:
            expected = str(ArchivalCode(row["fonds"], row["category"], int(row["year"]), row["retention"], row["org"],
                                        int(row["item"])))  # fmt: skip
        except (TypeError, ValueError):
            expected = ""
        if expected != code:
            item.fail(f"档号 {code} 与登记的全宗号、门类代码、年度、保管期限、机构代码、件号"
                      f"（{expected or '无法组成'}）不一致。{CANNOT_EDIT}", code)  # fmt: skip


@check("AU-10", "真实性", "元数据项数据重复性检测", "DA/T 70-2018 GD-1-8 元数据项数据重复性检测",
       "档号、文号、（全宗号、年度、保管期限、机构代码、件号）在全部档案中各不重复；比较前统一全角半角、大小写和空白",
       scope="archive")  # fmt: skip
def duplicates(ctx: Context, item: Collector) -> None:
    rows = list(ctx.db.execute("SELECT id, archival_code, doc_number, fonds, year, retention, org, item FROM records"))
    item.examined(len(rows))
    keys: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in rows:
        code = str(row["archival_code"])
        keys[("档号", _normal(code))].append(code)
        if row["doc_number"]:
            keys[("文号", _normal(row["doc_number"]))].append(code)
        scope = "·".join(str(row[c]) for c in ("fonds", "year", "retention", "org", "item"))
        keys[("件号", _normal(scope))].append(code)
    for (what, value), codes in sorted(keys.items()):
        if len(codes) > 1:
            shown = "、".join(codes)
            if what == "件号":
                message = f"{len(codes)} 件档案（{shown}）的全宗号、年度、保管期限、机构代码和件号相同"
            else:
                message = f"{what} {value} 重复：{len(codes)} 件档案（{shown}）使用了它"
            item.fail(f"{message}。档号和文号不得重复；请核对是哪一件被改动或重复登记，{CANNOT_EDIT}", codes[0])


def _normal(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


@check("IN-03", "完整性", "元数据必填著录项目检测",
       "DA/T 70-2018 GD-2-3 元数据项完整性检测、GD-2-4 元数据必填著录项目检测（DA/T 46-2009 的元数据）",
       "题名、责任者、日期、文种、档号及其组成项（全宗号、门类代码、年度、保管期限、机构代码、件号）"
       "都有值")  # fmt: skip
def required(ctx: Context, item: Collector) -> None:
    item.examined(len(ctx.rows))
    for row in ctx.rows.values():
        missing = [ELEMENTS[c] for c in REQUIRED if row[c] is None or (isinstance(row[c], str) and not row[c].strip())]
        if missing:
            code = _label(row)
            item.fail(f"档号 {code} 缺少必填著录项目：{'、'.join(missing)}。外来文件归档时应给出（archive add 的 "
                      f"--author、--date、--type 或元数据文件）；{CANNOT_EDIT}", code)  # fmt: skip


CHECKS = [lengths, types, domains, reasonable, characters, archival_codes, duplicates, required]
