"""Dates that must come after other dates: a manifest's ``after`` and ``not_before``.

A 廉政风险告知书 dated 30 November whose 整改报告期限 is 1 May asks for a report "于2026年5月1日前",
months before it was written; a 印发日期 before the 成文日期 prints a document before it was signed.
Each date is valid on its own; only their order is wrong, so the manifest says it::

    [[fields]]
    name = "deadline"
    label = "整改报告期限"
    type = "date"
    after = "date"            # strictly after: not the same day (a deadline set by the document)

    [[fields]]
    name = "print_date"
    label = "印发日期"
    type = "date"
    not_before = "date"       # the same day or after

Either key takes one field's name or a list of names. A field inside a ``records`` group names a
sibling of the same record, else a top-level field (the record's own first); a top-level field names
a top-level field. The manifest parser refuses any other name (:func:`.manifest._check_date_order`).

A date that breaks its order is reported once, at the later field's path (the one carrying the key),
naming both fields and both dates; when it breaks several, the latest of the dates it must follow is
the one said. A date that is missing or invalid is not compared: its own problem is reported already.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..errors import Problem
from ..values import CnDate
from .manifest import FieldSpec, FieldType, TemplateManifest

#: fields and their validated values: of one record, or of the top level
_Scope = tuple[Sequence[FieldSpec], Mapping[str, Any]]


def order_problems(manifest: TemplateManifest, data: Mapping[str, Any], context: Mapping[str, Any]) -> list[Problem]:
    """A problem for each date of ``context`` (validated from ``data``) before a date it must follow."""
    found: list[Problem] = []
    _record(manifest.fields, data, context, "", "", None, found)
    return found


def _record(
    specs: Sequence[FieldSpec],
    raw: Mapping[str, Any],
    context: Mapping[str, Any],
    path: str,
    label: str,
    top: _Scope | None,
    found: list[Problem],
) -> None:
    for spec in specs:
        where = f"{path}.{spec.name}" if path else spec.name
        if spec.type is FieldType.DATE and (spec.after or spec.not_before):
            problem = _broken(spec, (specs, context), top)
            if problem:
                found.append(Problem(where, f"{label}{spec.label}", problem))
        elif spec.type is FieldType.RECORDS and spec.fields:
            for index, row_raw, row in _rows(spec, raw, context):
                row_label = f"{label}{spec.label} 第{index + 1}条 "
                outer = top or (specs, context)
                _record(spec.fields, row_raw, row, f"{where}[{index}]", row_label, outer, found)


def _broken(spec: FieldSpec, record: _Scope, top: _Scope | None) -> str | None:
    """What is wrong with the order of ``spec``'s date, or None: the latest date it fails to follow."""
    value = record[1].get(spec.name)
    if not isinstance(value, CnDate):
        return None
    worst: tuple[CnDate, bool, FieldSpec] | None = None
    for strict, names in ((True, spec.after), (False, spec.not_before)):
        for name in names:
            bound_spec, bound = _lookup(name, record, top)
            if bound_spec is None or not isinstance(bound, CnDate):
                continue  # missing or invalid: said elsewhere
            if value < bound or (strict and value == bound):
                if worst is None or (bound, strict) > (worst[0], worst[1]):
                    worst = (bound, strict, bound_spec)
    if worst is None:
        return None
    bound, strict, other = worst
    if value == bound:
        return f"{spec.label} {value.iso} 与{other.label}是同一天：应在{other.label}之后"
    rule = f"应在{other.label}之后" if strict else f"应不早于{other.label}（可以是同一天）"
    return f"{spec.label} {value.iso} 早于{other.label} {bound.iso}：{rule}"


def _lookup(name: str, record: _Scope, top: _Scope | None) -> tuple[FieldSpec | None, Any]:
    """The field ``name`` and its value: of the same record, else of the top level."""
    for specs, values in (record, top) if top else (record,):
        spec = next((s for s in specs if s.name == name), None)
        if spec is not None:
            return spec, values.get(name)
    return None, None


def _rows(
    spec: FieldSpec, raw: Mapping[str, Any], context: Mapping[str, Any]
) -> Iterator[tuple[int, Mapping[str, Any], Mapping[str, Any]]]:
    """Each record of a records field, with its index in the data (the index its problems carry).

    Validation keeps only the records that are mappings (the others are problems of their own), so a
    validated record is matched with the data's record it came from; when they cannot be matched, no
    record is compared rather than a problem put on the wrong one.
    """
    source = raw.get(spec.name) if isinstance(raw, Mapping) else None
    if not isinstance(source, list) or not source:
        source = spec.default if isinstance(spec.default, list) else []
    rows = context.get(spec.name)
    indexes = [i for i, item in enumerate(source) if isinstance(item, Mapping)]
    if not isinstance(rows, list) or len(rows) != len(indexes):
        return
    for index, row in zip(indexes, rows, strict=True):
        if isinstance(row, Mapping):
            yield index, source[index], row
