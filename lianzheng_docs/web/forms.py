"""A template's manifest as an HTML form, and the form's answers back as the data the library validates.

The form speaks the library's own paths: an input's ``name`` is the path a :class:`~lianzheng_docs.errors.Problem`
gives (``recipient``, ``contact.name``, ``findings[1].deadline``), so every problem lands at its field
without a table of names (:mod:`.form_hints` says some of the library's messages the form's way).
Values stay text the way the clerk typed them (a bad date is kept and shown again); only the
library's validation decides what is right.

Repeating groups (``records``) are rows ``findings[0].…``, ``findings[1].…``; adding or removing a
row is a submit button that comes back to the same page (no JavaScript needed), and the rows are
numbered again from 0 when the form is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..errors import DataFileError, Problem
from ..templating.manifest import FieldSpec, FieldType
from .form_hints import LONG_TEXT
from .form_hints import RosterChoices as RosterChoices  # where the batch page finds it

#: Suggestions offered (as a ``<datalist>``) for marks written as text.
SECRECY_SUGGESTIONS = ("秘密", "机密", "绝密", "秘密★1年", "机密★10年")
URGENCY_CHOICES = ("特急", "加急")
BOOLEAN_CHOICES = ("是", "否")

#: The parts of a person written in two inputs: ``contact.name``, ``contact.post``.
PERSON_PARTS = (("name", "姓名"), ("post", "职务"))

#: Rows one repeating group may send (a 考核 sheet has a few dozen units; a form is not a database).
MAX_ROWS = 200
_INDEX = re.compile(r"^\[(\d+)\]")
#: A text field whose label says it names a unit is offered the roster's units too.
_UNIT_LABEL = re.compile(r"单位|科室|部门")


@dataclass(frozen=True)
class Confirmation:
    """A checkbox the clerk ticks to say that what the desk refused is meant (shown with a field, or above the form)."""

    name: str
    label: str
    checked: bool = False


@dataclass
class FormField:
    """One field as the page shows it.

    ``control`` says how: ``input`` (with ``input_type``), ``textarea`` (one item or paragraph a
    line; or, with ``lines``, one sentence too long for an input), ``select`` (``choices``),
    ``person`` (``parts``: name and post), ``records`` (``rows`` of sub-fields, with add and remove
    buttons). ``confirm`` is a checkbox shown with the field's error (a date in the future, meant).
    """

    path: str
    label: str
    control: str
    required: bool
    help: str = ""
    type_label: str = ""
    input_type: str = "text"
    value: str = ""
    choices: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    errors: list[str] = field(default_factory=list)
    parts: list[FormField] = field(default_factory=list)
    rows: list[list[FormField]] = field(default_factory=list)
    min_items: int = 0
    inputmode: str = ""
    lines: int = 0
    confirm: Confirmation | None = None

    @property
    def html_id(self) -> str:
        """An ``id`` safe in HTML and in a URL fragment: ``findings[1].deadline`` -> ``f-findings-1-deadline``."""
        return html_id(self.path)

    @property
    def focus_id(self) -> str:
        """The control a link to this field should land on (a group's first input)."""
        if self.parts:
            return self.parts[0].html_id
        if self.rows and self.rows[0]:
            return self.rows[0][0].focus_id
        return self.html_id

    @property
    def invalid(self) -> bool:
        return bool(self.errors)


def html_id(path: str) -> str:
    return "f-" + re.sub(r"[^a-z0-9_]+", "-", path).strip("-")


# ---------------------------------------------------------------------- data -> form


def form_values(specs: Sequence[FieldSpec], data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """``data`` (example data, or data read back from a form) as the flat text values of the inputs."""
    values: dict[str, str] = {}
    for spec in specs:
        path = f"{prefix}{spec.name}"
        value = data.get(spec.name)
        if value is None:
            continue
        if spec.type is FieldType.RECORDS:
            for index, row in enumerate(value if isinstance(value, list) else []):
                if isinstance(row, Mapping):
                    values.update(form_values(spec.fields, row, f"{path}[{index}]."))
        elif spec.type is FieldType.PERSON:
            person = value if isinstance(value, Mapping) else {"name": value}
            for part, _label in PERSON_PARTS:
                if person.get(part) not in (None, ""):
                    values[f"{path}.{part}"] = _text(person[part])
        elif spec.type is FieldType.UNIT and isinstance(value, Mapping):
            values[path] = _text(value.get("name", ""))
        elif spec.type in (FieldType.PARAGRAPHS, FieldType.LIST) and isinstance(value, list):
            values[path] = "\n".join(_text(item) for item in value)
        elif spec.type is FieldType.BOOLEAN and isinstance(value, bool):
            values[path] = BOOLEAN_CHOICES[0] if value else BOOLEAN_CHOICES[1]
        else:
            values[path] = _text(value)
    return values


def _text(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def row_count(values: Mapping[str, str], path: str) -> int:
    """How many rows of the group at ``path`` the values hold (their highest index + 1)."""
    indices = _indices(values, path)
    return max(indices) + 1 if indices else 0


def _indices(keys: Iterable[str], path: str) -> list[int]:
    found = set()
    for key in keys:
        if key.startswith(path):
            match = _INDEX.match(key[len(path) :])
            if match:
                found.add(int(match[1]))
    return sorted(found)


def build_fields(
    specs: Sequence[FieldSpec],
    values: Mapping[str, str],
    problems: Sequence[Problem] = (),
    prefix: str = "",
    *,
    rows: Mapping[str, int] | None = None,
    roster: RosterChoices | None = None,
    long_text: Iterable[str] = (),
    unit_field: str = "",
) -> list[FormField]:
    """The fields to show, filled with ``values`` and each carrying the problems found at its path.

    ``rows`` gives how many rows a group at a path shows (after an add or a remove); by default as
    many as ``values`` hold, and at least one for a group that needs one. ``roster`` offers the
    kept roster's names on unit fields (:meth:`RosterChoices.for_unit`; ``unit_field`` is the one
    the archive files as 单位) and its people on person fields. ``long_text``: the text fields, as
    paths without row numbers (``findings.problem``), shown as a textarea (:func:`long_text_fields`).
    """
    by_path: dict[str, list[str]] = {}
    for problem in problems:
        by_path.setdefault(problem.path, []).append(problem.message)
    shown = _Shown(by_path, rows or {}, roster or RosterChoices(), frozenset(long_text), unit_field)
    return _fields(specs, values, prefix, shown)


@dataclass(frozen=True)
class _Shown:
    """What every field of a form is built with."""

    errors: Mapping[str, list[str]]
    rows: Mapping[str, int]
    roster: RosterChoices
    long_text: frozenset[str]
    unit_field: str


def _fields(specs: Sequence[FieldSpec], values: Mapping[str, str], prefix: str, shown: _Shown) -> list[FormField]:
    built = []
    for spec in specs:
        path = f"{prefix}{spec.name}"
        item = FormField(path=path, label=spec.label, control="input", required=spec.required, help=spec.help,
                         type_label=spec.type.label, errors=list(shown.errors.get(path, ())),
                         min_items=spec.min_items)  # fmt: skip
        kind = spec.type
        if kind is FieldType.RECORDS:
            item.control = "records"
            count = shown.rows.get(path, row_count(values, path))
            if count == 0 and (spec.required or spec.min_items):
                count = 1
            item.rows = [_fields(spec.fields, values, f"{path}[{i}].", shown) for i in range(count)]
        elif kind is FieldType.PERSON:
            item.control = "person"
            item.parts = [
                FormField(path=f"{path}.{part}", label=label, control="input",
                          required=spec.required and part == "name", value=values.get(f"{path}.{part}", ""),
                          errors=list(shown.errors.get(f"{path}.{part}", ())),
                          suggestions=shown.roster.names if part == "name" else shown.roster.posts)
                for part, label in PERSON_PARTS
            ]  # fmt: skip
        else:
            item.value = values.get(path, "")
            _choose_control(item, spec)
            if kind is FieldType.UNIT or (kind is FieldType.TEXT and _UNIT_LABEL.search(spec.label)):
                item.suggestions = shown.roster.for_unit(spec.label, path == shown.unit_field)
            if kind is FieldType.TEXT and (_unnumbered(path) in shown.long_text or len(item.value) > LONG_TEXT):
                item.control, item.lines = "textarea", 2 if len(item.value) <= 2 * LONG_TEXT else 3
                item.help = "；".join(filter(None, [spec.help, "一段文字，换行按空格处理"]))
        built.append(item)
    return built


def _unnumbered(path: str) -> str:
    """A path without its rows' numbers: ``findings[1].problem`` -> ``findings.problem``."""
    return re.sub(r"\[\d+\]", "", path)


def _choose_control(item: FormField, spec: FieldSpec) -> None:
    kind = spec.type
    if kind in (FieldType.PARAGRAPHS, FieldType.LIST):
        item.control = "textarea"
        item.help = "；".join(filter(None, [spec.help, "每行一段" if kind is FieldType.PARAGRAPHS else "每行一项"]))
    elif kind is FieldType.CHOICE:
        item.control, item.choices = "select", spec.choices
    elif kind is FieldType.BOOLEAN:
        item.control, item.choices = "select", BOOLEAN_CHOICES
    elif kind is FieldType.URGENCY:
        item.control, item.choices = "select", URGENCY_CHOICES
    elif kind is FieldType.DATE:
        item.input_type = "date"
    elif kind is FieldType.INTEGER:
        item.input_type = "number"
    elif kind is FieldType.SECRECY:
        item.suggestions = SECRECY_SUGGESTIONS
    elif kind is FieldType.COPY_NUMBER:  # typed into a box it is text: the quotes a YAML file needs are wrong here
        kept = [part for part in spec.help.split("；") if part and "引号" not in part and "000001" not in part]
        item.help, item.inputmode = "；".join(["6 位数字，如 000001", *kept]), "numeric"
    elif kind is FieldType.DOC_NUMBER and spec.name == "doc_number":
        item.required = False  # the archive gives it (the one rule for 文号); a draft leaves it blank
        item.help = spec.help or "不填：归档时由档案按序编号；只下载时为待编号稿（序号留空）"


def all_fields(fields: Iterable[FormField]) -> Iterable[FormField]:
    """Every field, depth first: groups, their rows' fields, a person's parts."""
    for item in fields:
        yield item
        yield from all_fields(item.parts)
        for row in item.rows:
            yield from all_fields(row)


# ---------------------------------------------------------------------- form -> data


def read_form(specs: Sequence[FieldSpec], form: Mapping[str, str], prefix: str = "") -> dict[str, Any]:
    """The data the inputs of ``form`` (name -> text) give for ``specs``: what the library validates.

    Empty inputs are left out (a required one is then reported missing); a group's rows are read
    in index order and numbered again from 0; paragraphs and lists are one item a line; a line of
    text typed over several lines (a sentence in a textarea) is one line, its breaks spaces.
    """
    data: dict[str, Any] = {}
    for spec in specs:
        path = f"{prefix}{spec.name}"
        if spec.type is FieldType.RECORDS:
            indices = _indices(form, path)
            if len(indices) > MAX_ROWS:  # a form a page cannot show back (4,900 rows made a 16 MB answer)
                raise DataFileError(f"“{spec.label}”最多 {MAX_ROWS} 条，表单送来了 {len(indices)} 条；请分成几份文书")
            rows = [read_form(spec.fields, form, f"{path}[{i}].") for i in indices]
            if rows:
                data[spec.name] = rows
        elif spec.type is FieldType.PERSON:
            person = {part: form.get(f"{path}.{part}", "").strip() for part, _label in PERSON_PARTS}
            if any(person.values()):
                data[spec.name] = {key: value for key, value in person.items() if value}
        elif spec.type in (FieldType.PARAGRAPHS, FieldType.LIST):
            lines = [line.strip() for line in form.get(path, "").splitlines() if line.strip()]
            if lines:
                data[spec.name] = lines
        else:
            text = form.get(path, "")
            if spec.type is FieldType.TEXT and ("\n" in text or "\r" in text):
                text = " ".join(line.strip() for line in text.splitlines() if line.strip())
            if text.strip():
                data[spec.name] = text
    return data


def row_counts(specs: Sequence[FieldSpec], data: Mapping[str, Any], prefix: str = "") -> dict[str, int]:
    """How many rows each group in ``data`` has, by path (empty rows count: they are shown empty)."""
    counts: dict[str, int] = {}
    for spec in specs:
        rows = data.get(spec.name)
        if spec.type is FieldType.RECORDS and isinstance(rows, list):
            path = f"{prefix}{spec.name}"
            counts[path] = len(rows)
            for index, row in enumerate(rows):
                if isinstance(row, Mapping):
                    counts.update(row_counts(spec.fields, row, f"{path}[{index}]."))
    return counts


def add_row(specs: Sequence[FieldSpec], data: dict[str, Any], path: str) -> bool:
    """Append an empty row to the group at ``path`` (``findings``, ``sections[0].items``); False when
    ``path`` names no group of ``specs``."""
    found = _group(specs, data, path)
    if found is None:
        return False
    name, holder = found
    holder.setdefault(name, []).append({})
    return True


def remove_row(specs: Sequence[FieldSpec], data: dict[str, Any], row_path: str) -> bool:
    """Remove the row ``row_path`` (``findings[1]``); the rows after it move up. False when there is no such row."""
    match = re.fullmatch(r"(.+)\[(\d+)\]", row_path)
    found = _group(specs, data, match[1]) if match else None
    if match is None or found is None:
        return False
    name, holder = found
    rows = holder.get(name, [])
    index = int(match[2])
    if index >= len(rows):
        return False
    del rows[index]
    return True


def _group(specs: Sequence[FieldSpec], data: dict[str, Any], path: str) -> tuple[str, dict[str, Any]] | None:
    """The name of the group at ``path`` and the mapping holding it, walking rows by their index."""
    *steps, last = path.split(".")
    holder: dict[str, Any] = data
    for step in steps:
        match = re.fullmatch(r"([a-z][a-z0-9_]*)\[(\d+)\]", step)
        spec = next((s for s in specs if match and s.name == match[1]), None)
        if match is None or spec is None or spec.type is not FieldType.RECORDS:
            return None
        rows = holder.get(spec.name)
        if not isinstance(rows, list) or int(match[2]) >= len(rows) or not isinstance(rows[int(match[2])], dict):
            return None
        holder, specs = rows[int(match[2])], spec.fields
    spec = next((s for s in specs if s.name == last), None)
    if spec is None or spec.type is not FieldType.RECORDS:
        return None
    return last, holder
