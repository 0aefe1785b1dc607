"""The bureau's roster: its units, their heads and leaders in charge, the secretary and the
discipline group's head — read from YAML, JSON, CSV or an Excel sheet as clerks keep it.

Clerks keep these lists in Excel with Chinese column headers, spelt in several ways; the usual
variants are accepted (see ``HEADERS``), below a title row or two if the sheet has them. Every
problem is reported at once with the row the clerk sees and the column (Excel letters for .xlsx),
so a list is fixed in one pass: a missing unit or head, a unit listed twice, an unknown kind of
unit, merged cells, a formula never computed, an invisible character pasted into a name, a
column given twice. Files are read within bounds (``roster_tables``): what is wrong with the file
itself (too big, not what its name says, damaged) is one error naming the file.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..datafile import decode_text, parse_data
from ..errors import DataFileError, Problem, ProblemsError
from .roster_tables import MAX_ROWS, MAX_TEXT_BYTES, Table, mismatch, read_bytes, read_csv, read_xlsx, sniff

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
_HEADER_FIELDS = {
    "".join(variant.split()).replace("（", "(").replace("）", ")"): field_name
    for field_name, variants in HEADERS.items()
    for variant in variants
}
#: A name, a post or a kind: at most this many characters (a unit's full name is about 15).
MAX_NAME_CHARS = 100
#: The header is looked for in this many first non-blank rows (title rows may come above it).
HEADER_ROWS = 10


class RosterError(ProblemsError):
    """The roster cannot be used as it is; lists every problem with its row and column."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        super().__init__(f"名册 {source}" if source.endswith("）") else f"名册 {source} ", problems)


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
#: what a file of each suffix must hold (any other suffix is read as YAML/JSON text); .xls never can
_TABLE_SUFFIXES = {".xlsx": "zip", ".xlsm": "zip", ".csv": "text"}


def load_roster(path: str | Path, *, plugins: Plugins | None = None, strict: bool = True) -> Roster:
    """Read a roster file (.yaml/.yml/.json, .csv or .xlsx), or ``plugin:NAME``: the roster that
    sub-unit plugin registers through ``lianzheng_units`` (checked the same way).

    With ``strict`` (the default) any wrong row raises :class:`RosterError` listing them all;
    without, wrong rows are left out and listed in ``Roster.problems``, so that a batch can go on
    with the good ones. A file that cannot be read, is not what its name says, passes the bounds
    of ``roster_tables`` or lacks a required column always raises (:class:`DataFileError` or
    :class:`RosterError`, exit code 3).
    """
    if str(path).startswith(PLUGIN_PREFIX):
        return plugin_roster(str(path)[len(PLUGIN_PREFIX) :], plugins=plugins, strict=strict)
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DataFileError(f"找不到名册文件 {path}")
    kind = sniff(path)
    read_as = "text" if kind in ("text", "delimited") else kind
    if read_as != _TABLE_SUFFIXES.get(suffix, "text") or suffix == ".xls":
        raise mismatch(path, kind, suffix)
    if kind == "zip":
        return _from_table(read_xlsx(path), strict)
    if suffix == ".csv":
        return _from_table(read_csv(path), strict)
    text = decode_text(read_bytes(path, MAX_TEXT_BYTES, " YAML/JSON "), str(path))
    data = parse_data(text, str(path), as_json=suffix == ".json")
    units = data.get("units") or data.get("单位") or []
    if not isinstance(units, list):
        raise RosterError(str(path), [Problem("units", "单位", "应为单位列表")])
    if len(units) > MAX_ROWS:
        raise DataFileError(f"名册 {path} 有 {len(units)} 个单位，超过 {MAX_ROWS} 个的上限：请检查是否选错了文件")
    leaders = data.get("leaders") or data.get("班子成员") or []
    if not isinstance(leaders, list):
        example = "应为名单，如 [刘建华, {name: 吴强, post: 副局长}]"
        raise RosterError(str(path), [Problem("leaders", "班子成员", example)])
    people = _people(data, leaders)
    roster = _from_records(_listed(units), str(path), strict, people.problems)
    return Roster(
        roster.units,
        problems=roster.problems,
        bureau=people.bureau,
        secretary=people.secretary,
        discipline_head=people.discipline_head,
        leaders=people.leaders,
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
        info = plugins.info.get(name)
        if info is not None and info.explanation:  # it failed or its units hook did: say why
            raise DataFileError(f"插件 {name} 的名册无法使用：{info.explanation}")
        known = "、".join(sorted(owners)) or "（没有插件登记名册）"
        raise DataFileError(f"插件 {name!r} 没有登记名册（lianzheng_units）；登记了名册的插件：{known}")
    return _from_records(_listed(owners[name]), f"{PLUGIN_PREFIX}{name}", strict)


@dataclass(frozen=True)
class _Place:
    """Where a record is, for messages: a cell of a table row (``第5行B5``), or the n-th unit of a list."""

    cell: Callable[[str], str]  # field -> where its value is
    row: str  # the record as a whole: 第5行, 第3个单位


def _listed(records: list[Any]) -> list[tuple[_Place, Any]]:
    def place(number: int) -> _Place:
        return _Place(lambda _key: f"第{number}个单位", f"第{number}个单位")

    return [(place(number), record) for number, record in enumerate(records, 1)]


@dataclass
class _People:
    bureau: str = ""
    secretary: str = ""
    discipline_head: str = ""
    leaders: tuple[RosterPerson, ...] = ()
    problems: list[Problem] = field(default_factory=list)


def _people(data: Mapping[str, Any], leaders: list[Any]) -> _People:
    """The bureau, its secretary, the discipline group's head and the 班子成员 of a YAML/JSON roster, checked."""
    found = _People()

    def checked(value: Any, path: str, label: str) -> str:
        text = _name(value)
        problem = _text_problem(text)
        if problem:
            found.problems.append(Problem(path, label, problem))
            return ""
        return text

    found.bureau = checked(data.get("bureau") or data.get("机关"), "bureau", "机关")
    found.secretary = checked(data.get("secretary") or data.get("党组书记"), "secretary", "党组书记")
    found.discipline_head = checked(data.get("discipline_head") or data.get("纪检组长"), "discipline_head", "纪检组长")
    people = []
    for number, item in enumerate(leaders, 1):
        person = _person(item)
        name = checked(person.name, f"leaders[{number - 1}]", f"班子成员 第{number}人")
        post = checked(person.post, f"leaders[{number - 1}].post", f"班子成员 第{number}人 职务")
        if name:
            people.append(RosterPerson(name, post or "班子成员"))
    found.leaders = tuple(people)
    return found


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
    return _HEADER_FIELDS.get(_normalise_header(header))


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _blank(row: list[Any]) -> bool:
    return not any(_cell_text(v) for v in row)


def _from_table(table: Table, strict: bool = True) -> Roster:
    """Units from a table: the header found in the first rows, each row after it one unit."""
    source, rows = table.source, table.rows
    filled = list(islice((n for n in range(1, len(rows) + 1) if not _blank(rows[n - 1])), HEADER_ROWS))
    if not filled:
        raise RosterError(source, [Problem("(表头)", "表头", table.empty)])
    header_row = next((n for n in filled if {"name", "head"} <= {_field_of(_cell_text(v)) for v in rows[n - 1]}),
                      filled[0])  # fmt: skip
    header = [_cell_text(v) for v in rows[header_row - 1]]
    columns: dict[int, str] = {}
    first: dict[str, int] = {}
    problems = []
    for index, text in enumerate(header):
        field_name = _field_of(text)
        if field_name is None:
            continue
        if field_name in first:
            earlier = first[field_name]
            problems.append(Problem(
                f"第{header_row}行{table.cell(header_row, index)}", "表头",
                f"“{LABELS[field_name]}”列出现了两次：{table.cell(header_row, earlier)}“{header[earlier]}”和"
                f"{table.cell(header_row, index)}“{text}”；请删去或改名其中一列",
            ))  # fmt: skip
            continue
        first[field_name] = index
        columns[index] = field_name
    for required in ("name", "head"):
        if required not in first:
            accepted = "、".join(HEADERS[required][:4])
            hint = f"（在第{header_row}行找表头；表头须在前 {HEADER_ROWS} 行内）" if header_row > 1 else ""
            problems.append(Problem("(表头)", "表头", f"缺少“{LABELS[required]}”列（可写作：{accepted}）{hint}"))
    if problems:
        raise RosterError(source, problems)

    def place(number: int) -> _Place:
        def cell(key: str) -> str:
            return f"第{number}行{table.cell(number, first.get(key, 0))}"

        return _Place(cell, f"第{number}行")

    entries: list[tuple[_Place, Any]] = []
    early: dict[int, list[Problem]] = {}
    for number in range(header_row + 1, len(rows) + 1):
        row = rows[number - 1]
        where = place(number)
        found = []
        if number in table.merged:
            found.append(Problem(where.cell("name"), "单位",
                                 f"合并单元格 {table.merged[number]}：请拆分，每行一个单位"))  # fmt: skip
        for index, key in columns.items():
            note = table.notes.get((number, index))
            if note and number not in table.merged:
                found.append(Problem(f"第{number}行{table.cell(number, index)}", LABELS[key],
                                     f"单元格 {table.cell(number, index)} {note}"))  # fmt: skip
        if found:
            early[len(entries)] = found
        elif _blank(row):
            continue
        entries.append((where, {columns[i]: v for i, v in enumerate(row) if i in columns}))
    if not entries:
        raise RosterError(source, [Problem("(表头)", "表头", f"第{header_row}行的表头下面没有任何单位")])
    return _from_records(entries, source, strict, early=early)


def _from_records(
    entries: Iterable[tuple[_Place, Any]],
    source: str,
    strict: bool = True,
    problems: list[Problem] | None = None,
    *,
    early: Mapping[int, list[Problem]] | None = None,
) -> Roster:
    """Units from records (mappings of field or header to value); ``early`` gives, by position,
    problems already found for a record (merged cells, formulas), which then leave it out."""
    problems = list(problems or [])
    units: list[RosterUnit] = []
    seen: dict[str, _Place] = {}
    for index, (place, record) in enumerate(entries):
        if early and index in early:
            problems.extend(early[index])
            continue
        if not isinstance(record, Mapping):
            problems.append(Problem(place.cell("name"), "单位", "应为一组键值"))
            continue
        values = {_field_of(str(k)) or str(k): v for k, v in record.items()}
        text: dict[str, str] = {}
        wrong = False
        for key, label in LABELS.items():
            value = values.get(key)
            if isinstance(value, Mapping | list | tuple | set):
                problems.append(Problem(place.cell(key), label, "应为文字，不是列表或键值"))
                wrong = True
                continue
            if isinstance(value, int | float) and not isinstance(value, bool) and key in ("head", "post", "leader"):
                # Excel keeps a date as a number: 2026/1/5 typed in a name cell reads 46027
                why = f"是数字 {value}（Excel 中的日期也存为数字），不是{label}：请填写文字"
                problems.append(Problem(place.cell(key), label, why))
                wrong = True
                continue
            text[key] = _cell_text(value)
            problem = _text_problem(text[key])
            if problem:
                problems.append(Problem(place.cell(key), label, problem))
                wrong = True
        if wrong:
            continue
        if not text["name"]:
            problems.append(Problem(place.cell("name"), LABELS["name"], "单位名称不能为空"))
            continue
        headless = not text["head"]
        if headless:
            problems.append(Problem(place.cell("head"), LABELS["head"], f"{text['name']} 的主要负责人不能为空"))
        if text["name"] in seen:
            problems.append(Problem(place.cell("name"), LABELS["name"],
                                    f"{text['name']} 重复，已出现在{seen[text['name']].row}"))  # fmt: skip
            continue
        seen[text["name"]] = place
        kind = KINDS.get(_normalise_header(text["kind"]), None) if text["kind"] else "科室"
        if kind is None:
            problems.append(Problem(place.cell("kind"), LABELS["kind"],
                                    f"类别 {text['kind']!r} 未知，应为 科室、二级机构 或 县区财政部门"))  # fmt: skip
            continue
        if not headless:
            units.append(RosterUnit(text["name"], text["head"], text["post"], text["leader"], kind))
    if problems and strict:
        raise RosterError(source, problems)
    return Roster(tuple(units), problems=tuple(problems))


_INVISIBLE = {"\n": "换行（单元格内按了 Alt+Enter）", "\r": "回车", "\t": "制表符（Tab）", "\x00": "空字符 NUL",
              "\u200b": "零宽空格", "\ufeff": "字节顺序标记（BOM）", "\u00ad": "软连字符"}  # fmt: skip


def _text_problem(text: str) -> str:
    """Why ``text`` cannot be a name, a post or a kind: an invisible or control character (a NUL, a
    line break, a zero-width space, a right-to-left mark ... pasted in with it), or its length; or ""."""
    for position, char in enumerate(text, 1):
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Zl", "Zp") or char in "\ufffe\uffff":
            what = _INVISIBLE.get(char) or ("控制字符" if category == "Cc" else "看不见的格式字符")
            return (
                f"第{position}个字符是{what} U+{ord(char):04X}：请删去（常随复制粘贴带入，看不见，"
                "却会使名称与档案中的名称对不上，或在文书中丢失内容）"
            )
    if len(text) > MAX_NAME_CHARS:
        return f"有 {len(text)} 个字，超过 {MAX_NAME_CHARS} 个字的上限：这里只填名称（或姓名、职务）"
    return ""
