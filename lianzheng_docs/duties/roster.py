"""The bureau's roster: its units, their heads and leaders in charge, the secretary and the
discipline group's head — read from YAML, JSON, CSV or an Excel sheet as clerks keep it.

Clerks keep these lists in Excel with Chinese column headers, spelt in several ways; the usual
variants are accepted (see ``HEADERS``). Every problem is reported at once with its row and
column (Excel letters for .xlsx), so a list is fixed in one pass: a missing unit or head, a unit
listed twice, an unknown kind of unit, merged cells.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..datafile import decode_text, parse_data
from ..errors import DataFileError, Problem, ProblemsError

if TYPE_CHECKING:
    from ..plugins.manager import Plugins

#: Column headers accepted for each field (normalised: no spaces, full-width brackets as half-width).
HEADERS = {
    "name": ["科室(单位)", "科室", "单位", "部门", "单位名称", "科室名称", "name", "unit"],
    "head": ["主要负责人", "负责人", "科室负责人", "单位负责人", "科室(单位)主要负责人", "head"],
    "post": ["职务", "职位", "负责人职务", "post"],
    "leader": ["分管领导", "分管局领导", "分管副局长", "leader"],
    "kind": ["类别", "类型", "单位类别", "kind"],
}
KINDS = {"科室": "科室", "二级机构": "二级机构", "副县级二级机构": "二级机构", "县区财政部门": "县区财政部门",
         "县(市)区财政部门": "县区财政部门", "县区财政": "县区财政部门"}  # fmt: skip
LABELS = {"name": "科室(单位)", "head": "主要负责人", "post": "职务", "leader": "分管领导", "kind": "类别"}


class RosterError(ProblemsError):
    """The roster cannot be used as it is; lists every problem with its row and column."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        super().__init__(f"名册 {source} ", problems)


@dataclass(frozen=True)
class RosterUnit:
    name: str
    head: str
    post: str = ""
    leader: str = ""
    kind: str = "科室"


@dataclass(frozen=True)
class RosterPerson:
    """Someone an obligation falls on person by person (the secretary's 廉政谈话 with each of them)."""

    name: str
    post: str = ""
    unit: str = ""

    @property
    def label(self) -> str:
        return f"{self.name}（{self.post}）" if self.post else self.name


@dataclass(frozen=True)
class Roster:
    units: tuple[RosterUnit, ...]
    bureau: str = ""
    secretary: str = ""
    discipline_head: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    #: rows left out because they are wrong (only when read with ``strict=False``)
    problems: tuple[Problem, ...] = ()
    #: 班子成员 as listed (``leaders`` or ``班子成员`` in a YAML/JSON roster)
    leaders: tuple[RosterPerson, ...] = ()

    def unit(self, name: str) -> RosterUnit | None:
        return next((u for u in self.units if u.name == name), None)

    def members(self) -> list[RosterPerson]:
        """The party group's other members (班子成员): those listed, else every 分管领导 the units
        name, once each; never the secretary."""
        found = list(self.leaders) or [RosterPerson(u.leader, "班子成员") for u in self.units if u.leader]
        unique: dict[str, RosterPerson] = {}
        for person in found:
            if person.name and person.name != self.secretary:
                unique.setdefault(person.name, person)
        return list(unique.values())

    def heads(self, kinds: Iterable[str]) -> list[RosterPerson]:
        """The heads of the units of these kinds, with their posts (预算科科长)."""
        kinds = tuple(kinds)
        return [RosterPerson(u.head, u.post if u.post.startswith(u.name) else u.name + u.post, u.name)
                for u in self.units if u.kind in kinds]  # fmt: skip


PLUGIN_PREFIX = "plugin:"


def load_roster(path: str | Path, *, plugins: Plugins | None = None, strict: bool = True) -> Roster:
    """Read a roster file (.yaml/.yml/.json, .csv or .xlsx), or ``plugin:NAME``: the roster that
    sub-unit plugin registers through ``lianzheng_units`` (checked the same way).

    With ``strict`` (the default) any wrong row raises :class:`RosterError` listing them all;
    without, wrong rows are left out and listed in ``Roster.problems``, so that a batch can go on
    with the good ones. A file that cannot be read, or lacks a required column, always raises.
    """
    if str(path).startswith(PLUGIN_PREFIX):
        return plugin_roster(str(path)[len(PLUGIN_PREFIX) :], plugins=plugins, strict=strict)
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DataFileError(f"找不到名册文件 {path}")
    if suffix == ".xlsx":
        rows, cells, merged = _xlsx_rows(path)
        return _from_rows(rows, str(path), cells, merged, strict)
    text = decode_text(path.read_bytes(), str(path))
    if suffix == ".csv":
        rows = [row for row in csv.reader(io.StringIO(text))]
        return _from_rows(rows, str(path), None, {}, strict)
    data = parse_data(text, str(path), as_json=suffix == ".json")
    units = data.get("units") or data.get("单位") or []
    if not isinstance(units, list):
        raise RosterError(str(path), [Problem("units", "单位", "应为单位列表")])
    roster = _from_records(units, str(path), lambda index, _key: f"第{index + 1}个单位", strict)
    leaders = data.get("leaders") or data.get("班子成员") or []
    if not isinstance(leaders, list):
        example = "应为名单，如 [刘建华, {name: 吴强, post: 副局长}]"
        raise RosterError(str(path), [Problem("leaders", "班子成员", example)])
    return Roster(
        roster.units,
        problems=roster.problems,
        bureau=str(data.get("bureau") or data.get("机关") or ""),
        secretary=_name(data.get("secretary") or data.get("党组书记")),
        discipline_head=_name(data.get("discipline_head") or data.get("纪检组长")),
        leaders=tuple(_person(item) for item in leaders if _name(item)),
    )


def plugin_roster(name: str, *, plugins: Plugins | None = None, strict: bool = True) -> Roster:
    """The roster the plugin ``name`` registers (its own departments), validated like a file."""
    if plugins is None:
        from ..plugins.manager import get_plugins

        plugins = get_plugins()
    owners: dict[str, list[Any]] = {}
    for owner, unit in plugins.units():
        owners.setdefault(owner, []).append(unit)
    if name not in owners:
        known = "、".join(sorted(owners)) or "（没有插件登记名册）"
        raise DataFileError(f"插件 {name!r} 没有登记名册（lianzheng_units）；登记了名册的插件：{known}")
    return _from_records(owners[name], f"{PLUGIN_PREFIX}{name}", lambda index, _key: f"第{index + 1}个单位", strict)


def _name(value: Any) -> str:
    if isinstance(value, Mapping):
        return str(value.get("name", "")).strip()
    return str(value or "").strip()


def _person(value: Any) -> RosterPerson:
    post = str(value.get("post", "")).strip() if isinstance(value, Mapping) else ""
    return RosterPerson(_name(value), post or "班子成员")


def _normalise_header(text: str) -> str:
    return "".join(str(text).split()).replace("（", "(").replace("）", ")")


def _field_of(header: str) -> str | None:
    wanted = _normalise_header(header)
    for field_name, variants in HEADERS.items():
        if wanted in {_normalise_header(v) for v in variants}:
            return field_name
    return None


def _from_rows(
    rows: list[list[Any]], source: str, cells: list[list[str]] | None, merged: dict[int, str], strict: bool = True
) -> Roster:
    if not rows:
        raise RosterError(source, [Problem("(表头)", "表头", "名册是空的")])
    header = [str(h or "").strip() for h in rows[0]]
    columns = {index: _field_of(h) for index, h in enumerate(header)}
    problems = []
    for required in ("name", "head"):
        if required not in columns.values():
            accepted = "、".join(HEADERS[required][:4])
            problems.append(Problem("(表头)", "表头", f"缺少“{LABELS[required]}”列（可写作：{accepted}）"))
    if problems:
        raise RosterError(source, problems)
    records = []
    for number, row in enumerate(rows[1:], start=1):
        if not any(str(v or "").strip() for v in row) and number not in merged:
            continue
        record: dict[str, Any] = {str(columns[i]): v for i, v in enumerate(row) if columns.get(i)}
        if number in merged:
            record["merged"] = merged[number]
        records.append(record)

    def where(index: int, key: str) -> str:
        row_number = index + 2
        column = next(i for i, f in columns.items() if f == key) if key in columns.values() else 0
        return f"第{row_number}行{cells[index + 1][column] if cells else f'第{column + 1}列'}"

    return _from_records(records, source, where, strict)


def _from_records(records: Iterable[Any], source: str, where: Any, strict: bool = True) -> Roster:
    problems: list[Problem] = []
    units: list[RosterUnit] = []
    seen: dict[str, int] = {}
    for index, record in enumerate(records):
        if not isinstance(record, Mapping):
            problems.append(Problem(where(index, "name"), "单位", "应为一组键值"))
            continue
        values = {_field_of(str(k)) or str(k): v for k, v in record.items()}
        text = {key: str(values.get(key) or "").strip() for key in LABELS}
        if values.get("merged"):
            problems.append(
                Problem(where(index, "name"), "单位", f"合并单元格 {values['merged']}：请拆分，每行一个单位")
            )
            continue
        if not text["name"]:
            problems.append(Problem(where(index, "name"), LABELS["name"], "单位名称不能为空"))
            continue
        headless = not text["head"]
        if headless:
            problems.append(Problem(where(index, "head"), LABELS["head"], f"{text['name']} 的主要负责人不能为空"))
        if text["name"] in seen:
            problems.append(Problem(where(index, "name"), LABELS["name"],
                                    f"{text['name']} 重复，已出现在第 {seen[text['name']] + 1} 个单位"))  # fmt: skip
            continue
        seen[text["name"]] = index
        kind = KINDS.get(_normalise_header(text["kind"]), None) if text["kind"] else "科室"
        if kind is None:
            problems.append(Problem(where(index, "kind"), LABELS["kind"],
                                    f"类别 {text['kind']!r} 未知，应为 科室、二级机构 或 县区财政部门"))  # fmt: skip
            continue
        if not headless:
            units.append(RosterUnit(text["name"], text["head"], text["post"], text["leader"], kind))
    if problems and strict:
        raise RosterError(source, problems)
    return Roster(tuple(units), problems=tuple(problems))


def _xlsx_rows(path: Path) -> tuple[list[list[Any]], list[list[str]], dict[int, str]]:
    """The first sheet's rows, the cell names (A1, B2 ...) beside them, and the merged range of each row."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        workbook = load_workbook(path, data_only=True)
    except Exception as exc:
        raise DataFileError(f"{path} 不是可读的 Excel（.xlsx）文件：{exc}") from exc
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    cells = [[f"{get_column_letter(c + 1)}{r + 1}" for c in range(len(row))] for r, row in enumerate(rows)]
    merged: dict[int, str] = {}
    for cell_range in sheet.merged_cells.ranges:
        for row_number in range(cell_range.min_row, cell_range.max_row + 1):
            merged.setdefault(row_number - 1, str(cell_range))
    return rows, cells, merged
