"""Template manifests: what a template is, and every field its data must (or may) carry.

A manifest is a TOML file next to the template's .docx. It is the contract between the people
who write templates and the clerks and systems who fill them: data is validated against it
before rendering, ``lianzheng example`` prints sample data from it, and a lint checks that the
.docx uses exactly the fields it declares.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..errors import TemplateError


class FieldType(StrEnum):
    """The kinds of value a field may hold. The Chinese name is shown to clerks."""

    TEXT = "text"
    PARAGRAPHS = "paragraphs"
    DATE = "date"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    PERSON = "person"
    UNIT = "unit"
    LIST = "list"
    RECORDS = "records"
    DOC_NUMBER = "doc_number"
    COPY_NUMBER = "copy_number"
    SECRECY = "secrecy"
    URGENCY = "urgency"

    @property
    def label(self) -> str:
        return _TYPE_LABELS[self]


_TYPE_LABELS = {
    FieldType.TEXT: "单行文字",
    FieldType.PARAGRAPHS: "段落文字",
    FieldType.DATE: "日期",
    FieldType.INTEGER: "整数",
    FieldType.BOOLEAN: "是/否",
    FieldType.CHOICE: "选项",
    FieldType.PERSON: "人员",
    FieldType.UNIT: "单位",
    FieldType.LIST: "文字列表",
    FieldType.RECORDS: "记录列表",
    FieldType.DOC_NUMBER: "发文字号",
    FieldType.COPY_NUMBER: "份号",
    FieldType.SECRECY: "密级和保密期限",
    FieldType.URGENCY: "紧急程度",
}

#: The 15 kinds of 公文 of the 2012《党政机关公文处理工作条例》, 第八条.
GONGWEN_KINDS = frozenset("决议 决定 命令 令 公报 公告 通告 意见 通知 通报 报告 请示 批复 议案 函 纪要".split())
DIRECTIONS = ("上行", "下行", "平行")
#: 保管期限 (DA/T 22-2015) and their codes.
RETENTIONS = {"永久": "Y", "定期30年": "D30", "定期10年": "D10"}
RETENTION_NAMES = {code: name for name, code in RETENTIONS.items()}

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
#: What a 机关代字 may be written with: 汉字 and ASCII letters and digits (nothing that only looks alike)
_PREFIX = re.compile(r"[A-Za-z0-9\u4e00-\u9fff\u3400-\u4dbf]+")
_TEMPLATE_ID = re.compile(r"^[a-z][a-z0-9_]*(:[a-z][a-z0-9_]*)?$")


@dataclass(frozen=True)
class FieldSpec:
    """One field of a template's data."""

    name: str
    label: str
    type: FieldType
    required: bool = True
    default: Any = None
    example: Any = None
    help: str = ""
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    #: a number, or the name of another integer field of the same record (得分 ≤ its 分值)
    maximum: int | str | None = None
    min_items: int = 0
    fields: tuple[FieldSpec, ...] = ()
    #: for a choice: the values one set of data is made once for each (分别报送: a 上行文 to 市委
    #: and the same to 市纪委), in the samples and the demo
    copies: tuple[str, ...] = ()
    #: for a date: the date fields it must come strictly after (a deadline after its notice's date),
    #: and those it must not come before (印发日期 on or after 成文日期). A name is looked up in the
    #: same record first, then among the top-level fields: see :mod:`.date_order`
    after: tuple[str, ...] = ()
    not_before: tuple[str, ...] = ()

    @property
    def has_default(self) -> bool:
        return self.default is not None

    def subfield(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (``templates show --json``)."""
        data: dict[str, Any] = {
            "name": self.name,
            "label": self.label,
            "type": self.type.value,
            "type_label": self.type.label,
            "required": self.required,
        }
        if self.help:
            data["help"] = self.help
        if self.choices:
            data["choices"] = list(self.choices)
        if self.minimum is not None:
            data["min"] = self.minimum
        if self.maximum is not None:
            data["max"] = self.maximum
        if self.copies:
            data["copies"] = list(self.copies)
        if self.after:
            data["after"] = list(self.after)
        if self.not_before:
            data["not_before"] = list(self.not_before)
        if self.fields:
            data["fields"] = [f.to_dict() for f in self.fields]
        if self.has_default:
            data["default"] = self.default
        return data


@dataclass(frozen=True)
class TemplateManifest:
    """What a template is: identity, 文种, direction, default 保管期限, and its fields."""

    id: str
    title: str
    kind: str
    direction: str
    retention: str  # code: Y, D30 or D10
    docx: str
    fields: tuple[FieldSpec, ...]
    description: str = ""
    #: Jinja expressions for the archive's metadata of a rendered document (题名, 文号, ...).
    metadata: Mapping[str, str] = field(default_factory=dict)
    #: 机关代字 the archive numbers this template's documents with (X财党 -> X财党〔2026〕12号).
    number_prefix: str = ""

    @property
    def is_gongwen(self) -> bool:
        """Whether documents of this kind are 公文 and so must meet GB/T 9704 in full."""
        return self.kind in GONGWEN_KINDS

    @property
    def retention_name(self) -> str:
        return RETENTION_NAMES[self.retention]

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "gongwen": self.is_gongwen,
            "direction": self.direction,
            "retention": self.retention,
            "retention_name": self.retention_name,
            "description": self.description,
            "fields": [f.to_dict() for f in self.fields],
        }


def parse_manifest(text: str, *, source: str, template_id: str | None = None) -> TemplateManifest:
    """Parse and check a manifest's TOML text; ``source`` names it in error messages.

    Every problem found is reported at once, each with the key it concerns.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"模板清单 {source} 不是有效的 TOML：{exc}") from exc
    problems: list[str] = []
    manifest = _build_manifest(raw, problems, template_id)
    if problems or manifest is None:
        details = "\n".join(f"  - {p}" for p in problems)
        raise TemplateError(f"模板清单 {source} 有 {len(problems)} 处问题：\n{details}")
    return manifest


def _build_manifest(raw: dict[str, Any], problems: list[str], template_id: str | None) -> TemplateManifest | None:
    known = {"id", "title", "kind", "direction", "retention", "docx", "description", "fields", "metadata", "numbering"}
    for key in sorted(set(raw) - known):
        problems.append(f"未知的键 {key!r}（可用的键：{', '.join(sorted(known))}）")

    def text(key: str, default: str | None = None) -> str:
        value = raw.get(key, default)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{key}：必填，应为非空文字")
            return ""
        return value.strip()

    tid = text("id")
    if tid and not _TEMPLATE_ID.match(tid):
        problems.append(f"id：{tid!r} 只能由小写字母、数字和下划线组成，以字母开头")
    if template_id is not None and tid and tid.split(":")[-1] != template_id:
        problems.append(f"id：{tid!r} 与文件名 {template_id!r} 不一致")
    title = text("title")
    kind = text("kind")
    direction = text("direction")
    if direction and direction not in DIRECTIONS:
        problems.append(f"direction：{direction!r} 不是 {'、'.join(DIRECTIONS)} 之一")
    retention = text("retention")
    retention_code = RETENTIONS.get(retention, retention)
    if retention and retention_code not in RETENTION_NAMES:
        problems.append(f"retention：{retention!r} 不是有效的保管期限（永久、定期30年、定期10年，或 Y、D30、D10）")
    docx_name = raw.get("docx", f"{tid.split(':')[-1]}.docx" if tid else "")
    if not isinstance(docx_name, str) or not docx_name.endswith(".docx") or "/" in docx_name or "\\" in docx_name:
        problems.append(f"docx：{docx_name!r} 应为同一目录下的 .docx 文件名")
    description = raw.get("description", "")
    metadata = raw.get("metadata", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        problems.append("metadata：应为“键 = 模板表达式”形式的表")
        metadata = {}
    numbering = raw.get("numbering", {})
    prefix = numbering.get("prefix", "") if isinstance(numbering, dict) else None
    if not isinstance(prefix, str) or (prefix and not prefix.strip()):
        problems.append("numbering.prefix：应为机关代字，如 X财党")
        prefix = ""
    elif prefix and not _PREFIX.fullmatch(prefix.strip()):
        odd = next(c for c in prefix.strip() if not _PREFIX.fullmatch(c))
        problems.append(
            f"numbering.prefix：机关代字 {prefix!r} 中有字符 {odd!r}（U+{ord(odd):04X}）：只能用汉字、英文字母和数字，"
            "免得与别的代字看起来一样而实际不同（如西里尔字母 Х、零宽空格）"
        )
        prefix = ""
    raw_fields = raw.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        problems.append("fields：至少要声明一个字段（[[fields]]）")
        raw_fields = []
    fields = _build_fields(raw_fields, "fields", problems)
    _check_date_order(fields, "fields", None, problems)
    if problems:
        return None
    return TemplateManifest(
        id=tid,
        title=title,
        kind=kind,
        direction=direction,
        retention=retention_code,
        docx=docx_name,
        fields=fields,
        description=str(description).strip(),
        metadata=dict(metadata),
        number_prefix=prefix.strip(),
    )


_FIELD_KEYS = {
    "name",
    "label",
    "type",
    "required",
    "default",
    "example",
    "help",
    "choices",
    "min",
    "max",
    "min_items",
    "fields",
    "copies",
    "after",
    "not_before",
}
#: the keys that order a date after other date fields: strictly after, or on the same day or after
DATE_ORDER_KEYS = ("after", "not_before")


def _build_fields(raw_fields: list[Any], where: str, problems: list[str]) -> tuple[FieldSpec, ...]:
    specs: list[FieldSpec] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_fields):
        at = f"{where}[{index}]"
        if not isinstance(raw, dict):
            problems.append(f"{at}：应为表（[[fields]]）")
            continue
        name = raw.get("name", "")
        if isinstance(name, str) and name:
            at = f"{where}.{name}"
        for key in sorted(set(raw) - _FIELD_KEYS):
            problems.append(f"{at}：未知的键 {key!r}")
        if not isinstance(name, str) or not _IDENTIFIER.match(name):
            problems.append(f"{at}：name {name!r} 只能由小写字母、数字和下划线组成，以字母开头")
            continue
        if name in seen:
            problems.append(f"{at}：字段名重复")
        seen.add(name)
        label = raw.get("label")
        if not isinstance(label, str) or not label.strip():
            problems.append(f"{at}：label（中文名称）必填")
            label = name
        try:
            ftype = FieldType(raw.get("type", ""))
        except ValueError:
            names = "、".join(t.value for t in FieldType)
            problems.append(f"{at}：type {raw.get('type')!r} 未知（可用：{names}）")
            continue
        choices = raw.get("choices", [])
        if ftype is FieldType.CHOICE and (not choices or not all(isinstance(c, str) for c in choices)):
            problems.append(f"{at}：choice 类型须用 choices 列出可选值")
        copies = raw.get("copies", [])
        if copies and (ftype is not FieldType.CHOICE or not isinstance(copies, list)
                       or not all(isinstance(c, str) and c in choices for c in copies)):  # fmt: skip
            problems.append(f"{at}：copies 只用于 choice 字段，列出 choices 中的值（每个值各生成一份）")
            copies = []
        subfields: tuple[FieldSpec, ...] = ()
        if ftype is FieldType.RECORDS:
            raw_sub = raw.get("fields")
            if not isinstance(raw_sub, list) or not raw_sub:
                problems.append(f"{at}：records 类型须用 [[{where}.fields]] 声明每条记录的字段")
            else:
                subfields = _build_fields(raw_sub, f"{at}.fields", problems)
        elif "fields" in raw:
            problems.append(f"{at}：只有 records 类型可以有 fields")
        order = {key: _date_names(raw.get(key), f"{at}：{key}", ftype, problems) for key in DATE_ORDER_KEYS}
        default = raw.get("default")
        required = raw.get("required", default is None)
        if not isinstance(required, bool):
            problems.append(f"{at}：required 应为 true 或 false")
            required = True
        specs.append(
            FieldSpec(
                name=name,
                label=label.strip(),
                type=ftype,
                required=required,
                default=default,
                example=raw.get("example"),
                help=str(raw.get("help", "")).strip(),
                choices=tuple(choices),
                minimum=raw.get("min"),
                maximum=raw.get("max"),
                min_items=int(raw.get("min_items", 0)),
                fields=subfields,
                copies=tuple(copies),
                after=order["after"],
                not_before=order["not_before"],
            )
        )
    _check_bounds(specs, where, problems)
    return tuple(specs)


def _check_bounds(specs: list[FieldSpec], where: str, problems: list[str]) -> None:
    """``min`` is a whole number; ``max`` is one, or names another integer field of the same record."""
    integers = {s.name for s in specs if s.type is FieldType.INTEGER}
    for spec in specs:
        at = f"{where}.{spec.name}"
        if spec.minimum is not None and (isinstance(spec.minimum, bool) or not isinstance(spec.minimum, int)):
            problems.append(f"{at}：min 应为整数，实际是 {spec.minimum!r}")
        if isinstance(spec.maximum, str):
            if spec.type is not FieldType.INTEGER or spec.maximum not in integers or spec.maximum == spec.name:
                problems.append(
                    f"{at}：max {spec.maximum!r} 应为整数，或同一记录中另一个整数字段的名称（如得分不超过分值）"
                )
        elif spec.maximum is not None and (isinstance(spec.maximum, bool) or not isinstance(spec.maximum, int)):
            problems.append(f"{at}：max 应为整数，实际是 {spec.maximum!r}")


def _date_names(value: Any, at: str, ftype: FieldType, problems: list[str]) -> tuple[str, ...]:
    """``after``/``not_before``: one field's name, or a list of names, on a ``date`` field."""
    if value is None:
        return ()
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        problems.append(f'{at} 应为另一个日期字段的名称，或名称的列表，如 "date"，实际是 {value!r}')
        return ()
    if ftype is not FieldType.DATE:
        problems.append(f"{at} 只用于 date 字段（日期的先后），这个字段是 {ftype.value}")
        return ()
    return tuple(dict.fromkeys(names))


def _check_date_order(
    specs: tuple[FieldSpec, ...], where: str, top: tuple[FieldSpec, ...] | None, problems: list[str]
) -> None:
    """Each name an ``after``/``not_before`` gives is another date field of the same record, else of
    the top level (``top``, None at the top level itself); and no date is put after itself through
    others, a circle no data could satisfy. The rule's check on data: :mod:`.date_order`."""
    edges: dict[str, list[str]] = {}
    for spec in specs:
        at = f"{where}.{spec.name}"
        for key in DATE_ORDER_KEYS:
            for name in getattr(spec, key):
                target = next((s for s in specs if s.name == name), None)
                outside = target is None and top is not None
                target = next((s for s in top or () if s.name == name), None) if outside else target
                if name == spec.name:
                    problems.append(f"{at}：{key} {name!r} 是这个字段自己：应为另一个日期字段")
                elif target is None:
                    problems.append(f"{at}：{key} {name!r} 不是{_date_scope(specs, top)}")
                elif target.type is not FieldType.DATE:
                    kind = target.type.label
                    problems.append(f"{at}：{key} {name!r}（{target.label}）是{kind}字段，只能与日期字段比先后")
                elif not outside:
                    edges.setdefault(spec.name, []).append(name)
        if spec.fields:
            _check_date_order(spec.fields, f"{at}.fields", specs if top is None else top, problems)
    circle = _circle(edges)
    if circle:
        problems.append(f"{where}：日期的先后绕成了圈（{' → '.join(circle)}），没有数据能满足：请去掉其中一条")


def _date_scope(specs: tuple[FieldSpec, ...], top: tuple[FieldSpec, ...] | None) -> str:
    def dates(fields: tuple[FieldSpec, ...]) -> str:
        return "、".join(s.name for s in fields if s.type is FieldType.DATE) or "无"

    if top is None:
        return f"顶层的字段（顶层的日期字段：{dates(specs)}；记录中的字段不能作比较对象）"
    return f"同一记录或顶层的字段（同一记录的日期字段：{dates(specs)}；顶层的：{dates(top)}）"


def _circle(edges: dict[str, list[str]]) -> list[str]:
    """A path through ``edges`` that comes back to where it started; empty when there is none."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str]:
        if node in path:
            return [*path[path.index(node) :], node]
        found = [] if node in done else next((c for t in edges.get(node, []) if (c := visit(t, [*path, node]))), [])
        done.add(node)
        return found

    return next((found for node in edges if (found := visit(node, []))), [])
