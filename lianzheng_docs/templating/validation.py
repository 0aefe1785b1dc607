"""Check data against a manifest and turn it into the context a template renders.

All problems are collected and reported together, each naming the field by its key and its
Chinese label and saying what was expected, so a clerk fixes a data file in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from difflib import get_close_matches
from typing import Any

from ..errors import Problem, ValidationError
from ..gbt9704 import docnumber, marks
from ..gbt9704.wording import REQUEST_WORDING
from ..values import CnDate, Person, Unit
from .date_order import order_problems
from .manifest import FieldSpec, FieldType, TemplateManifest

_TRUE = {"是", "true", "yes", "y", "1", "真"}
_FALSE = {"否", "false", "no", "n", "0", "假"}


def validate(manifest: TemplateManifest, data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the render context for ``data``, or raise :class:`ValidationError` with every problem."""
    if not isinstance(data, Mapping):
        raise ValidationError(
            manifest.id, [Problem("(root)", "数据", f"应为键值对（映射），实际是 {type(data).__name__}")]
        )
    problems: list[Problem] = []
    context = _validate_record(manifest.fields, data, "", "", problems)
    if manifest.kind == "报告":
        problems.extend(_request_wording(manifest, context))
    problems.extend(_copy_number_of_classified(manifest, context, problems))
    problems.extend(order_problems(manifest, data, context))  # dates before those they must follow
    if problems:
        raise ValidationError(manifest.id, problems)
    return context


def _validate_record(
    specs: Sequence[FieldSpec],
    data: Mapping[str, Any],
    path: str,
    label: str,
    problems: list[Problem],
) -> dict[str, Any]:
    names = [s.name for s in specs]
    for key in data:
        if key not in names:
            hint = get_close_matches(str(key), names, n=1)
            suggestion = f"，是否想写 {hint[0]}？" if hint else f"；可用字段：{'、'.join(names)}"
            problems.append(Problem(_join(path, str(key)), f"{label}{key}".strip(), f"未知字段{suggestion}"))
    result: dict[str, Any] = {}
    for spec in specs:
        where = _join(path, spec.name)
        where_label = f"{label}{spec.label}"
        value = data.get(spec.name)
        if _is_missing(value):
            if spec.has_default:
                value = spec.default
            elif spec.required:
                problems.append(Problem(where, where_label, f"必填（{spec.type.label}），未提供"))
                continue
            else:
                result[spec.name] = _empty(spec)
                continue
        illegal = _illegal_character(value)
        if illegal is not None:
            position, char = illegal
            message = f"含有不能写入文档的字符 U+{ord(char):04X}（{position}）：请删去（{_ILLEGAL_WHY}）"
            problems.append(Problem(where, where_label, message))
            continue
        result[spec.name] = _coerce(spec, value, where, where_label, problems)
    _field_bounds(specs, result, path, label, problems)
    return result


def _field_bounds(
    specs: Sequence[FieldSpec], result: Mapping[str, Any], path: str, label: str, problems: list[Problem]
) -> None:
    """An integer field whose ``max`` names another integer field of the same record is bounded by
    that field's value: a score (得分) not above its item's points (分值)."""
    integers = {s.name: s for s in specs if s.type is FieldType.INTEGER}
    for spec in integers.values():
        bound = integers.get(spec.maximum) if isinstance(spec.maximum, str) else None
        value, limit = result.get(spec.name), result.get(bound.name) if bound else None
        if bound and isinstance(value, int) and isinstance(limit, int) and value > limit:
            message = f"应不大于{bound.label}（{limit}），实际是 {value}"
            problems.append(Problem(_join(path, spec.name), f"{label}{spec.label}", message))


_ILLEGAL_WHY = "控制字符、孤立的代理项等 XML 不允许的字符，写入后其后的内容会丢失"


def _xml_illegal(char: str) -> bool:
    """Characters XML 1.0 cannot hold (docxtpl's recovering parser silently drops everything after
    one), plus the C0 controls Word turns into page or paragraph breaks; tab and newline stay."""
    code = ord(char)
    return (code < 0x20 and char not in "\t\n\r") or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF)


def _illegal_character(value: Any, where: str = "") -> tuple[str, str] | None:
    """The first character of ``value`` (a string, or strings inside lists) XML cannot hold, with its place."""
    if isinstance(value, str):
        for index, char in enumerate(value):
            if _xml_illegal(char):
                return f"{where}第{index + 1}个字符", char
        return None
    if isinstance(value, list):
        for number, item in enumerate(value, 1):
            if not isinstance(item, Mapping):  # records are checked field by field
                found = _illegal_character(item, f"第{number}项")
                if found:
                    return found
    if isinstance(value, Mapping) and "name" in value:  # a person given as a mapping
        return _illegal_character(value.get("name"), "姓名") or _illegal_character(value.get("post"), "职务")
    return None


def _request_wording(manifest: TemplateManifest, context: Mapping[str, Any]) -> list[Problem]:
    """Problems for 请示 phrases inside a 报告, which the regulations forbid."""
    found = []
    for spec in manifest.fields:
        for text in _strings(context.get(spec.name)):
            match = REQUEST_WORDING.search(text)
            if match:
                found.append(
                    Problem(
                        spec.name,
                        spec.label,
                        f"报告中不得夹带请示事项（《党政机关公文处理工作条例》第十五条），"
                        f"请删去“{match.group(0)}”；需要上级批准的事项应另行请示",
                    )
                )
                break
    return found


def _copy_number_of_classified(
    manifest: TemplateManifest, context: Mapping[str, Any], found: Sequence[Problem]
) -> list[Problem]:
    """A problem when a 密级 is given without a 份号: classified documents must carry one.

    《党政机关公文处理工作条例》第九条（一）: 涉密公文应当标注份号. Said once, on the 份号 field (or on
    the 密级 field of a template that has none); nothing when the 份号 given is itself wrong.
    """
    secrecy = next((s for s in manifest.fields if s.type is FieldType.SECRECY and context.get(s.name)), None)
    if secrecy is None:
        return []
    copy_fields = [s for s in manifest.fields if s.type is FieldType.COPY_NUMBER]
    if any(context.get(s.name) for s in copy_fields) or any(p.path in {s.name for s in copy_fields} for p in found):
        return []
    rule = "涉密公文应当标注份号（《党政机关公文处理工作条例》第九条（一））"
    level = context[secrecy.name]
    if not copy_fields:
        return [Problem(secrecy.name, secrecy.label, f"标注了密级“{level}”，但本模板没有份号字段：{rule}")]
    spec = copy_fields[0]
    return [Problem(spec.name, spec.label, f"标注了密级“{level}”，必须同时填写份号，如 000001：{rule}")]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    return []


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == {}


def _empty(spec: FieldSpec) -> Any:
    if spec.type in (FieldType.PARAGRAPHS, FieldType.LIST, FieldType.RECORDS):
        return []
    if spec.type is FieldType.BOOLEAN:
        return False
    return None if spec.type is FieldType.INTEGER else ""


def _coerce(spec: FieldSpec, value: Any, where: str, label: str, problems: list[Problem]) -> Any:
    def bad(message: str) -> None:
        problems.append(Problem(where, label, message))

    kind = spec.type
    if kind is FieldType.TEXT:
        return _text(value, bad)
    if kind is FieldType.DOC_NUMBER:
        return _doc_number(value, bad)
    if kind is FieldType.COPY_NUMBER:
        return _copy_number(value, bad)
    if kind is FieldType.SECRECY:
        return _secrecy(value, bad)
    if kind is FieldType.URGENCY:
        return _urgency(value, bad)
    if kind is FieldType.PARAGRAPHS:
        return _paragraphs(value, bad, spec)
    if kind is FieldType.DATE:
        return _date(value, bad)
    if kind is FieldType.INTEGER:
        return _integer(value, bad, spec)
    if kind is FieldType.BOOLEAN:
        return _boolean(value, bad)
    if kind is FieldType.CHOICE:
        text = _text(value, bad)
        if text is not None and text not in spec.choices:
            bad(f"应为 {'、'.join(spec.choices)} 之一，实际是 {text!r}")
        return text
    if kind is FieldType.PERSON:
        return _person_or_unit(value, bad, Person, "post", "人员：写姓名，或写 name（姓名）和 post（职务）")
    if kind is FieldType.UNIT:
        return _person_or_unit(value, bad, Unit, "short", "单位：写名称，或写 name（全称）和 short（简称）")
    if kind is FieldType.LIST:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            bad(f"应为文字列表，实际是 {type(value).__name__}")
            return []
        texts = [_text(item, lambda m, i=i: bad(f"第{i + 1}项：{m}")) for i, item in enumerate(items)]
        _check_count(texts, spec, bad)
        return [t for t in texts if t]
    if kind is FieldType.RECORDS:
        return _records(spec, value, where, label, problems, bad)
    raise AssertionError(f"unhandled field type {kind}")


def _text(value: Any, bad: Any) -> str | None:
    if isinstance(value, date):
        bad(f"应为文字；YAML 把 {value} 读成了日期，请给它加上引号")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        bad(f"应为单行文字，实际是 {type(value).__name__}")
        return None
    text = str(value).strip()
    if "\n" in text:
        bad("单行文字不能换行；多段内容请用段落字段")
        return None
    return text


def _doc_number(value: Any, bad: Any) -> str | None:
    text = _text(value, bad)
    if text is None:
        return None
    if docnumber.is_valid(text):
        return text
    fixed = docnumber.corrected(text)
    hint = f"；应写作 {fixed}" if fixed else ""
    bad(
        f"{text!r} 不是规范的发文字号：应为 机关代字〔年份〕序号号，如 {docnumber.EXAMPLE}"
        f"（年份用六角括号〔〕，序号不编虚位、不加“第”字）{hint}"
    )
    return None


def _copy_number(value: Any, bad: Any) -> str | None:
    """份号: six Arabic digits (GB/T 9704 7.2.1), given as text so that its leading zeros survive."""
    if isinstance(value, int) and not isinstance(value, bool):
        bad(
            f"份号要加引号写成文字，如 '000001'：不加引号时 YAML 把它读成了数字 {value}"
            "（前导的 0 丢失，0 开头的还可能被当作八进制读错）"
        )
        return None
    text = _text(value, bad)
    if text is None:
        return None
    if marks.COPY_NUMBER.match(text) and not _wide_digits(text):
        return text
    bad(f"{text!r} 不是规范的份号：应为 6 位阿拉伯数字（半角），如 000001（GB/T 9704 7.2.1）")
    return None


def _wide_digits(text: str) -> bool:
    """Whether ``text`` holds digits other than 0-9 (full-width ０-９, which ``\\d`` also matches)."""
    return any(ch.isdigit() and not ch.isascii() for ch in text)


def _secrecy(value: Any, bad: Any) -> str | None:
    """密级和保密期限: 绝密/机密/秘密, optionally ★ and the period, e.g. 秘密★1年 (GB/T 9704 7.2.2)."""
    text = _text(value, bad)
    if text is None:
        return None
    if marks.SECRECY.match(text) and not _wide_digits(text):
        return text
    levels = "、".join(marks.SECRECY_LEVELS)
    if text in marks.NOT_SECRECY_LEVELS:
        hint = f"“{text}”不是密级（《党政机关公文处理工作条例》第九条（二）只有 {levels} 三级），不涉密的公文不填此项"
    else:
        fixed = re.sub(r"\s+", "", text)
        fixed = re.sub(r"[*＊☆✩✭]", marks.SECRECY_STAR, fixed)
        fixed = fixed.translate({0xFF10 + digit: str(digit) for digit in range(10)})
        hint = f"应写作 {fixed}" if marks.SECRECY.match(fixed) else "保密期限用阿拉伯数字写，如 秘密★1年、机密★长期"
    bad(f"{text!r} 不是规范的密级和保密期限：密级只能是 {levels}，其后可加“★”和保密期限（GB/T 9704 7.2.2）；{hint}")
    return None


def _urgency(value: Any, bad: Any) -> str | None:
    """紧急程度: 特急 or 加急 (GB/T 9704 7.2.3)."""
    text = _text(value, bad)
    if text is None:
        return None
    if marks.URGENCY.match(text):
        return text
    levels = " 或 ".join(marks.URGENCY_LEVELS)
    bad(f"{text!r} 不是规范的紧急程度：只能是 {levels}（GB/T 9704 7.2.3，《党政机关公文处理工作条例》第九条（三））")
    return None


def _paragraphs(value: Any, bad: Any, spec: FieldSpec) -> list[str]:
    if isinstance(value, str):
        items: list[Any] = value.splitlines()
    elif isinstance(value, list):
        items = []
        for item in value:
            if not isinstance(item, str):
                bad(f"每一段应为文字，实际有 {type(item).__name__}")
                return []
            items.extend(item.splitlines())
    else:
        bad(f"应为段落文字（一段文字，或每段一项的列表），实际是 {type(value).__name__}")
        return []
    paragraphs = [p.strip() for p in items if p.strip()]
    _check_count(paragraphs, spec, bad)
    return paragraphs


_CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?")
_ISO_SHAPE = re.compile(r"(\d{4})\s*[-/.．／]\s*(\d{1,2})\s*[-/.．／]\s*(\d{1,2})")


def _date(value: Any, bad: Any) -> CnDate | None:
    if isinstance(value, datetime):
        return CnDate.of(value.date())
    if isinstance(value, date):
        return CnDate.of(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return CnDate.of(date.fromisoformat(text))
        except ValueError:
            pass
        written = _CN_DATE.fullmatch(text) or _ISO_SHAPE.fullmatch(text)
        if written:  # 2026年2月26日, 2026/2/26, or an ISO date of a day that does not exist
            y, m, d = (int(part) for part in written.groups())
            try:
                day = date(y, m, d)
            except ValueError:
                why = "一年只有12个月" if not 1 <= m <= 12 else f"{y}年{m}月没有{d}日"
                bad(f"{text} 这一天不存在（{why}）；请改正日期")
                return None
            bad(f"日期请写作 {day.isoformat()}（年-月-日，用英文短横线），实际是 {value!r}")
            return None
    bad(f"应为 ISO 格式的日期，如 2026-01-15，实际是 {value!r}")
    return None


def _integer(value: Any, bad: Any, spec: FieldSpec) -> int | None:
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        number = int(value)
    if number is None:
        bad(f"应为整数，实际是 {value!r}")
        return None
    if spec.minimum is not None and number < spec.minimum:
        bad(f"应不小于 {spec.minimum}，实际是 {number}")
    if isinstance(spec.maximum, int) and number > spec.maximum:  # a field's name: _field_bounds
        bad(f"应不大于 {spec.maximum}，实际是 {number}")
    return number


def _boolean(value: Any, bad: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    bad(f"应为 是/否（true/false），实际是 {value!r}")
    return False


def _person_or_unit(value: Any, bad: Any, cls: type, extra: str, expected: str) -> Any:
    if isinstance(value, str):
        return cls(value.strip())
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - {"name", extra})
        if unknown:
            bad(f"未知的键 {', '.join(map(str, unknown))}；{expected}")
        name = value.get("name")
        if not isinstance(name, str) or not name.strip():
            bad(f"缺少 name；{expected}")
            return None
        other = value.get(extra) or ""
        return cls(name.strip(), str(other).strip())
    bad(f"应为{expected}，实际是 {type(value).__name__}")
    return None


def _check_count(items: list[Any], spec: FieldSpec, bad: Any) -> None:
    if spec.min_items and len(items) < spec.min_items:
        bad(f"至少需要 {spec.min_items} 项，实际 {len(items)} 项")


def _records(
    spec: FieldSpec, value: Any, where: str, label: str, problems: list[Problem], bad: Any
) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        bad(f"应为记录列表（每条记录一组键值），实际是 {type(value).__name__}")
        return []
    records = []
    for index, item in enumerate(value):
        at, at_label = f"{where}[{index}]", f"{label} 第{index + 1}条 "
        if not isinstance(item, Mapping):
            problems.append(Problem(at, at_label.strip(), f"应为一组键值，实际是 {type(item).__name__}"))
            continue
        records.append(_validate_record(spec.fields, item, at, at_label, problems))
    _check_count(records, spec, bad)
    return records
