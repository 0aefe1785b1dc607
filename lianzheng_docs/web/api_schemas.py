"""A template's data as JSON Schema (2020-12, as OpenAPI 3.1 uses it), written from its manifest.

What a calling system needs to build a body for ``validate``, ``render`` and ``file``: each field's
type, whether it is required, its choices, its bounds, repeating groups as arrays of objects, the
Chinese label as ``title`` and the help as ``description``. The schema says what the validator
accepts (:mod:`lianzheng_docs.templating.validation`), a little more loosely where a rule is not a
shape (a 报告 without 请示 wording, a 份号 required once a 密级 is given): the validator stays the
judge, and its 422 names every problem. A test holds every built-in template's example to its schema.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..gbt9704 import docnumber, marks
from ..templating.catalog import Template
from ..templating.examples import example_data
from ..templating.manifest import FieldSpec, FieldType

STRING: dict[str, Any] = {"type": "string"}


def _ecma(pattern: str) -> str:
    """A Python regular expression as JSON Schema's (ECMA-262) dialect: named groups ``(?<name>…)``."""
    return pattern.replace("(?P<", "(?<")


def _shapes() -> dict[FieldType, dict[str, Any]]:
    either_text_or = {"name": {"type": "string", "minLength": 1}}
    return {
        FieldType.TEXT: {"type": "string", "description": "单行文字（不能换行）"},
        FieldType.PARAGRAPHS: {"anyOf": [STRING, {"type": "array", "items": STRING}],
                               "description": "段落文字：一段文字（换行分段），或每段一项的列表"},
        FieldType.DATE: {"type": "string", "format": "date", "description": "日期，ISO 格式，如 2026-03-05"},
        FieldType.INTEGER: {"type": "integer"},
        FieldType.BOOLEAN: {"type": "boolean"},
        FieldType.CHOICE: STRING,
        FieldType.PERSON: {"anyOf": [STRING, {"type": "object", "properties": either_text_or | {"post": STRING},
                                              "required": ["name"], "additionalProperties": False}],
                           "description": "人员：姓名，或 {name（姓名）, post（职务）}"},
        FieldType.UNIT: {"anyOf": [STRING, {"type": "object", "properties": either_text_or | {"short": STRING},
                                            "required": ["name"], "additionalProperties": False}],
                         "description": "单位：名称，或 {name（全称）, short（简称）}"},
        FieldType.LIST: {"anyOf": [STRING, {"type": "array", "items": STRING}], "description": "文字列表"},
        FieldType.DOC_NUMBER: {"type": "string", "pattern": _ecma(docnumber.DOC_NUMBER.pattern),
                               "description": f"发文字号，如 {docnumber.EXAMPLE}"},
        FieldType.COPY_NUMBER: {"type": "string", "pattern": "^[0-9]{6}$", "description": "份号：6 位数字，如 000001"},
        FieldType.SECRECY: {"type": "string", "pattern": marks.SECRECY.pattern,
                            "description": "密级和保密期限，如 秘密★1年；不涉密不填"},
        FieldType.URGENCY: {"type": "string", "enum": list(marks.URGENCY_LEVELS), "description": "紧急程度"},
    }  # fmt: skip


SHAPES = _shapes()

ATTACHMENTS: dict[str, Any] = {
    "type": "array",
    "title": "附件",
    "description": "附件（GB/T 9704 7.3.4）：每项 title（名称）加 table（表格）或 template（另一模板，data 写成键值对）"
    "之一。接口不读取服务器上的文件（file、以路径给出的 data 不接受）。",
    "maxItems": 20,
    "items": {
        "type": "object",
        "properties": {
            "title": {"type": "string", "minLength": 1},
            "table": {"type": "object", "properties": {"columns": {"type": "array", "items": STRING},
                                                       "rows": {"type": "array", "items": {"type": "array"}}}},
            "template": STRING,
            "data": {"type": "object"},
        },
        "required": ["title"],
        "additionalProperties": False,
    },
}  # fmt: skip


def field_schema(spec: FieldSpec) -> dict[str, Any]:
    """The schema of one field's value."""
    if spec.type is FieldType.RECORDS:
        schema: dict[str, Any] = {"type": "array", "items": record_schema(spec.fields)}
    else:
        schema = dict(SHAPES[spec.type])
    if spec.type is FieldType.CHOICE and spec.choices:
        schema["enum"] = list(spec.choices)
    if spec.type is FieldType.INTEGER:
        if spec.minimum is not None:
            schema["minimum"] = spec.minimum
        if isinstance(spec.maximum, int):
            schema["maximum"] = spec.maximum
    if spec.min_items and spec.type in (FieldType.LIST, FieldType.RECORDS, FieldType.PARAGRAPHS):
        if "anyOf" in schema:
            schema["anyOf"] = [schema["anyOf"][0], {**schema["anyOf"][1], "minItems": spec.min_items}]
        else:
            schema["minItems"] = spec.min_items
    schema["title"] = spec.label
    notes = [note for note in (spec.help, schema.get("description", ""), _bound(spec)) if note]
    schema["description"] = "；".join(notes) if notes else spec.type.label
    if spec.has_default:
        schema["default"] = spec.default
    return schema


def _bound(spec: FieldSpec) -> str:
    return f"不大于同一条记录的 {spec.maximum}" if isinstance(spec.maximum, str) else ""


def record_schema(specs: tuple[FieldSpec, ...]) -> dict[str, Any]:
    """An object of ``specs``: the required fields are those without a default; nothing else is accepted."""
    return {
        "type": "object",
        "properties": {spec.name: field_schema(spec) for spec in specs},
        "required": [spec.name for spec in specs if spec.required and not spec.has_default],
        "additionalProperties": False,
    }


def data_schema(template: Template, today: date) -> dict[str, Any]:
    """The schema of ``template``'s data, with its example dated to ``today``."""
    schema = record_schema(template.manifest.fields)
    schema["properties"].setdefault("attachments", ATTACHMENTS)
    number = template.manifest.field("doc_number")
    if number is not None and number.type is FieldType.DOC_NUMBER and template.number_prefix():
        # the archive gives 文号: without one, render makes a 待编号稿 and file numbers it
        schema["required"] = [name for name in schema["required"] if name != "doc_number"]
        schema["properties"]["doc_number"]["description"] += "；不填时生成待编号稿，归档时由档案编号"
    return {"title": f"{template.title}（{template.id}）的数据", "description": template.manifest.description,
            **schema, "examples": [example_data(template.manifest, today)]}  # fmt: skip


def schema_name(template_id: str) -> str:
    """The name of a template's schema in ``components/schemas`` (a plugin's ``owner:name`` id has a colon,
    which component names may not)."""
    return "Data." + template_id.replace(":", ".")
