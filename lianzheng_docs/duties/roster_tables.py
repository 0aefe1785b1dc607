"""A roster's table as the clerk sees it, read from a CSV file or the first sheet of an .xlsx workbook,
within stated bounds, so that a hostile or careless file costs neither memory nor time (issue 15).

Rows keep the numbers the clerk sees (row 1 is the first line of the file or sheet, blank rows
counted), so that every message points at the right row.

The .xlsx reader is a streaming parser of the few parts a roster needs (the workbook, its
relationships, the shared strings and the first worksheet), not openpyxl. Measured on openpyxl
3.1.5: one cell at XFD1048576 made ``load_workbook`` + ``iter_rows`` run past 60 s at 5.3 GB; a
merge F1:XFD1048576 ended in ``MemoryError`` at 6 GB; its read-only mode allocates rows as wide
as the sheet's declared dimension, does not report merged cells, and at load scans each listed
sheet, once per listing. Here nothing is allocated from what the file declares: parts are unpacked
as a stream and counted against a cap (zip headers may understate sizes), the declared dimension
is ignored, and a cell with content, or a merge, outside :data:`MAX_ROWS` × :data:`MAX_COLUMNS`
stops the reading at once. Parts a roster does not need (images, styles, other sheets) are never
unpacked.
"""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..datafile import MAX_DATA_BYTES, decode_text
from ..errors import DataFileError

#: Rows of a table (the header and any title rows above it included) and columns with content
#: (A–CV). A bureau's roster has tens of units and a handful of columns.
MAX_ROWS = 10_000
MAX_COLUMNS = 100
#: Merged ranges in the sheet (a roster has none, or a title row).
MAX_MERGES = 1_000
#: A CSV or YAML/JSON roster, as any data file.
MAX_TEXT_BYTES = MAX_DATA_BYTES
#: An .xlsx roster file, and what may be unpacked from it: the worksheet, the shared strings and
#: the workbook's small parts. Other parts are never unpacked.
MAX_XLSX_BYTES = 20 * 1024 * 1024
MAX_SHEET_BYTES = 16 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 8 * 1024 * 1024
MAX_SMALL_PART_BYTES = 1024 * 1024
MAX_XLSX_ENTRIES = 2_000
#: One CSV cell: the limit of Python's csv module (``csv.field_size_limit()``), never raised.
MAX_CSV_CELL_CHARS = 131_072

_CHUNK = 64 * 1024
_SAFE_XML: dict[str, Any] = {"resolve_entities": False, "no_network": True, "huge_tree": False, "load_dtd": False}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")  # ST_Xstring: how Excel writes a character XML cannot hold


@dataclass
class Table:
    """Rows of cells as the clerk sees them: ``rows[n - 1]`` is row ``n``."""

    source: str  # the file, and for a workbook the sheet: 名册.xlsx（工作表“名册”）
    rows: list[list[Any]]
    excel: bool = False  # cells are named B5 (else 第2列)
    #: row number -> the first merged range covering it
    merged: dict[int, str] = field(default_factory=dict)
    #: (row, column index) -> why a cell that looks empty is not: a formula never computed, an error value
    notes: dict[tuple[int, int], str] = field(default_factory=dict)
    #: what to say when the table has no rows at all
    empty: str = "名册是空的"

    def cell(self, row: int, column: int) -> str:
        """The cell's name as the clerk finds it: ``B5`` in a workbook, ``第2列`` in a CSV file."""
        return f"{column_letter(column + 1)}{row}" if self.excel else f"第{column + 1}列"


def column_letter(number: int) -> str:
    """1 -> A, 27 -> AA, 16384 -> XFD."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


_BOUNDS = f"名册最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列（A1:{column_letter(MAX_COLUMNS)}{MAX_ROWS}）"


def sniff(path: Path) -> str:
    """What the file really is, whatever its name says: ``zip`` (.xlsx), ``ole`` (.xls or an encrypted
    workbook), ``html`` (an "Excel" export that is a web page), ``xml`` (an Excel 2003 XML
    spreadsheet), ``empty``, ``delimited`` (text whose first line has commas or tabs: CSV) or ``text``."""
    try:
        with path.open("rb") as stream:
            head = stream.read(512)
    except OSError as exc:
        raise DataFileError(f"无法读取名册文件 {path}：{exc.strerror or exc}") from exc
    if not head:
        return "empty"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<html", b"<!doctype html", b"<table", b"<meta")):
        return "html"
    if start.startswith(b"<?xml"):
        return "xml"
    return "delimited" if any(mark in head.split(b"\n", 1)[0] for mark in (b",", b"\t")) else "text"


def mismatch(path: Path, kind: str, suffix: str) -> DataFileError:
    """The error for a file whose content is not what its name says (or nothing a roster can be)."""
    name = str(path)
    if kind == "empty":
        return DataFileError(f"名册文件 {name} 是空的（0 字节）")
    if kind == "ole":
        return DataFileError(
            f"{name} 是旧版 Excel 97-2003（.xls）工作簿或加密（受密码保护）的工作簿，无法读取："
            "请在 Excel/WPS 中去掉密码，另存为 .xlsx 后再用"
        )
    if kind == "html":
        return DataFileError(
            f"{name} 是网页（HTML）格式，不是真正的 Excel 文件（有些系统这样导出“Excel”）："
            "请在 Excel/WPS 中打开后另存为 .xlsx"
        )
    if kind == "xml":
        return DataFileError(
            f"{name} 是 XML 格式的表格（Excel 2003 XML），无法读取：请在 Excel/WPS 中打开后另存为 .xlsx"
        )
    if kind == "zip":
        return DataFileError(
            f"{name} 的扩展名是 {suffix or '（无）'}，内容却是 Excel 工作簿（.xlsx）：请把扩展名改为 .xlsx"
        )
    if kind == "delimited":
        return DataFileError(
            f"{name} 的扩展名是 {suffix}，内容却是文本（看来是 CSV）：请把扩展名改为 .csv，"
            "或在 Excel/WPS 中打开后另存为 .xlsx"
        )
    return DataFileError(
        f"{name} 不是可读的 Excel（.xlsx）文件（内容是文本，不是工作簿）：请在 Excel/WPS 中打开后另存为 .xlsx"
    )


def read_bytes(path: Path, limit: int, what: str) -> bytes:
    """The file's bytes, refused above ``limit`` before reading."""
    check_size(path, limit, what)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataFileError(f"无法读取名册文件 {path}：{exc.strerror or exc}") from exc


def check_size(path: Path, limit: int, what: str) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DataFileError(f"无法读取名册文件 {path}：{exc.strerror or exc}") from exc
    if size > limit:
        raise DataFileError(
            f"名册文件 {path} 有 {size / 2**20:.1f} MB，超过{what}名册 {limit // 2**20} MB 的上限；"
            "名册通常只有几十 KB，请检查是否选错了文件"
        )


# ----------------------------------------------------------------------------------------- CSV


def read_csv(path: Path) -> Table:
    """A CSV roster: UTF-8 (with or without BOM), GBK, or UTF-16 as Excel's "Unicode 文本" saves it
    (tab-separated); comma- or tab-separated; any line ends."""
    name = str(path)
    raw = read_bytes(path, MAX_TEXT_BYTES, " CSV ")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise DataFileError(f"名册文件 {name} 的 UTF-16 编码已损坏；请另存为 UTF-8 编码的 CSV") from None
    else:
        text = decode_text(raw, name)
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[Any]] = []
    try:
        for row in reader:
            number = len(rows) + 1
            if number > MAX_ROWS:
                raise DataFileError(
                    f"名册 {name} 超过 {MAX_ROWS} 行；名册每行一个单位，通常只有几十行：请检查是否选错了文件"
                )
            if len(row) > MAX_COLUMNS:
                extra = next((i for i in range(len(row) - 1, MAX_COLUMNS - 1, -1) if row[i].strip()), None)
                if extra is not None:
                    raise DataFileError(
                        f"名册 {name} 第{number}行第{extra + 1}列有内容，超出范围（{_BOUNDS}）："
                        "请删去多余的列，或检查分隔符"
                    )
                row = row[:MAX_COLUMNS]  # trailing empty cells, as some exports write them
            rows.append(row)
    except csv.Error as exc:
        number = len(rows) + 1
        if "field limit" in str(exc):
            raise DataFileError(
                f"名册 {name} 第{number}行有一个单元格超过 {MAX_CSV_CELL_CHARS} 个字符，无法读取："
                '名册的单元格通常只有几个字；请检查这一行前后是否有未配对的英文引号（"），'
                "它会把其后的所有行并成一个单元格"
            ) from None
        raise DataFileError(
            f"名册 {name} 第{number}行无法按 CSV 读取（{exc}）；请在 Excel/WPS 中打开后另存为 CSV"
        ) from None
    return Table(name, rows)


# ---------------------------------------------------------------------------------------- .xlsx


def read_xlsx(path: Path) -> Table:
    """The first worksheet of an .xlsx workbook, its merged ranges and its formulas without values."""
    name = str(path)
    check_size(path, MAX_XLSX_BYTES, " Excel ")
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zlib.error, ValueError, EOFError, OSError) as exc:
        raise DataFileError(f"{name} 不是可读的 Excel（.xlsx）文件：zip 结构已损坏（{exc}）") from exc
    with package:
        return _Workbook(package, name).first_sheet()


class _Workbook:
    def __init__(self, package: zipfile.ZipFile, name: str) -> None:
        self.package = package
        self.name = name
        infos = package.infolist()
        if len(infos) > MAX_XLSX_ENTRIES:
            raise DataFileError(
                f"{name} 含有 {len(infos)} 个部件，超过 {MAX_XLSX_ENTRIES} 个，不像 Excel 名册，拒绝读取"
            )
        self.infos = {info.filename: info for info in infos}
        self.folded = {info.filename.lower(): info for info in infos}

    def broken(self, detail: str) -> DataFileError:
        return DataFileError(f"{self.name} 不是可读的 Excel（.xlsx）文件：{detail}；请在 Excel/WPS 中打开后另存一次")

    def info(self, part: str) -> zipfile.ZipInfo | None:
        return self.infos.get(part) or self.folded.get(part.lower())

    def chunks(self, part: str, limit: int, what: str) -> Iterator[bytes]:
        """The part unpacked as a stream, stopped as soon as it passes ``limit`` (its header is not trusted)."""
        info = self.info(part)
        if info is None:
            raise self.broken(f"缺少部件 {part}")
        too_big = DataFileError(
            f"{self.name} 的{what}（{part}）解压后超过 {limit // 2**20} MB，拒绝读取（疑似压缩炸弹）；"
            "名册通常只有几十 KB，可把名册复制到一个新的工作簿中另存"
        )
        if info.file_size > limit:
            raise too_big
        if info.flag_bits & 0x1:
            raise DataFileError(f"{self.name} 已加密（受密码保护）：请在 Excel/WPS 中去掉密码后另存为 .xlsx")
        total = 0
        try:
            with self.package.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    total += len(chunk)
                    if total > limit:
                        raise too_big
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
            raise self.broken(f"部件 {part} 已损坏（{exc}）") from exc

    def small_part(self, part: str) -> Any:
        from lxml import etree

        data = b"".join(self.chunks(part, MAX_SMALL_PART_BYTES, "部件"))
        try:
            return etree.fromstring(data, etree.XMLParser(**_SAFE_XML))
        except etree.XMLSyntaxError as exc:
            raise self.broken(f"部件 {part} 已损坏，无法解析（{exc}）") from exc

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, target part) for the part (``""`` for the package)."""
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", f"{base}.rels")
        if self.info(rels) is None:
            return {}
        found = {}
        for rel in self.small_part(rels):
            target = rel.get("Target") or ""
            if rel.get("TargetMode") == "External" or not target:
                continue
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            found[rel.get("Id") or ""] = (rel.get("Type") or "", posixpath.normpath(resolved))
        return found

    def first_sheet(self) -> Table:
        office = [t for kind, t in self.relationships("").values() if kind.endswith("/officeDocument")]
        if not office or self.info(office[0]) is None:
            if self.info("word/document.xml") is not None:
                raise DataFileError(f"{self.name} 是 Word 文档，不是 Excel 工作簿；名册请用 Excel/WPS 表格另存为 .xlsx")
            raise self.broken("缺少工作簿部件 xl/workbook.xml")
        book = office[0]
        rels = self.relationships(book)
        sheets = []
        for element in self.small_part(book).iter():
            if _local(element.tag) == "sheet":
                rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
                sheets.append((element.get("name") or "", rels.get(rid)))
        names = [title for title, _rel in sheets]
        first = next(((title, rel[1]) for title, rel in sheets if rel and rel[0].endswith("/worksheet")), None)
        if first is None or self.info(first[1]) is None:
            raise self.broken("没有工作表")
        title, part = first
        source = f"{self.name}（工作表“{title}”）"
        strings_part = next((t for kind, t in rels.values() if kind.endswith("/sharedStrings")), None)
        strings = self.shared_strings(strings_part) if strings_part and self.info(strings_part) else []
        table = _SheetReader(self, part, source, title, strings).read()
        table.empty = f"工作表“{title}”是空的"
        if len(names) > 1:
            table.empty += f"；名册须在第一个工作表（本文件的工作表：{'、'.join(names)}）"
        return table

    def shared_strings(self, part: str) -> list[str]:
        from lxml import etree

        strings: list[str] = []
        parser = etree.XMLPullParser(events=("start", "end"), **_SAFE_XML)
        inside = False
        try:
            for chunk in self.chunks(part, MAX_SHARED_STRINGS_BYTES, "共享字符串表"):
                parser.feed(chunk)
                for event, element in parser.read_events():
                    tag = _local(element.tag)
                    if event == "start":
                        inside = inside or tag == "si"
                    elif tag == "si":
                        strings.append(_unescape(_text(element)))
                        inside = False
                        _drop(element)
                    elif not inside:
                        _drop(element)
            parser.close()
        except etree.XMLSyntaxError as exc:
            raise self.broken(f"部件 {part} 已损坏，无法解析（{exc}）") from exc
        return strings


class _SheetReader:
    """One pass over the worksheet's XML: cell values, merged ranges, formulas without values."""

    def __init__(self, book: _Workbook, part: str, source: str, title: str, strings: list[str]) -> None:
        self.book, self.part, self.source, self.title, self.strings = book, part, source, title, strings
        self.cells: dict[int, dict[int, Any]] = {}
        self.notes: dict[tuple[int, int], str] = {}
        self.merges: list[tuple[int, int, str]] = []
        self.row = 0
        self.column = 0
        self.last_row = 0
        self.in_cell = False
        self.pending = ""  # the reference of the last empty cell, resolved only if a cell without one follows

    def read(self) -> Table:
        from lxml import etree

        parser = etree.XMLPullParser(events=("start", "end"), **_SAFE_XML)
        try:
            for chunk in self.book.chunks(self.part, MAX_SHEET_BYTES, f"工作表“{self.title}”"):
                parser.feed(chunk)
                for event, element in parser.read_events():
                    self.event(event, element)
            parser.close()
        except etree.XMLSyntaxError as exc:
            raise self.book.broken(f"部件 {self.part} 已损坏，无法解析（{exc}）") from exc
        except (ValueError, IndexError) as exc:
            raise self.book.broken(f"部件 {self.part} 中有无效的内容（{exc}）") from exc
        width = max((max(row) for row in self.cells.values() if row), default=0)
        rows = [[None] * width for _ in range(self.last_row)]
        for number, cells in self.cells.items():
            for column, value in cells.items():
                rows[number - 1][column - 1] = value
        merged: dict[int, str] = {}
        for top, bottom, ref in self.merges:
            for number in range(top, min(bottom, self.last_row) + 1):
                merged.setdefault(number, ref)
        return Table(self.source, rows, excel=True, merged=merged, notes=self.notes)

    def event(self, event: str, element: Any) -> None:
        tag = _TAGS.get(element.tag, "")
        if event == "start":
            if tag == "row":
                reference = element.get("r")
                self.row = int(reference) if reference and reference.isdigit() else self.row + 1
                if reference and (not reference.isdigit() or self.row < 1):
                    raise self.book.broken(f"部件 {self.part} 中的行号 {reference!r} 无效")
                self.column, self.pending = 0, ""
            self.in_cell = self.in_cell or tag == "c"
            return
        if tag == "c":
            self.cell(element)
            self.in_cell = False
        elif self.in_cell:
            return  # the cell's value, formula or string: read when the cell ends
        elif tag == "mergeCell":
            self.merge(element.get("ref") or "")
        _drop(element)  # whatever it was (a row, a column width, a hyperlink ...), it is done with

    def cell(self, element: Any) -> None:
        reference = element.get("r")
        if len(element) == 0:  # no value, no formula: a formatted empty cell, which neither counts nor costs
            if reference:
                self.pending = reference
            else:
                self.column = self.place() + 1
            return
        if reference:
            column, row = _parse_reference(reference)
            if column is None:
                raise self.book.broken(f"部件 {self.part} 中的单元格引用 {reference!r} 无效")
        else:
            column, row = self.place() + 1, self.row
        self.column, self.pending = column, ""
        kind = element.get("t") or "n"
        value_text: str | None = None
        inline: str | None = None
        formula = False
        for child in element:
            child_tag = _local(child.tag)
            if child_tag == "v":
                value_text = child.text or ""
            elif child_tag == "f":
                formula = True
            elif child_tag == "is":
                inline = _text(child)
        value = self.value(kind, value_text, inline)
        note = ""
        if kind == "e":
            note = f"是错误值 {value_text}：请在 Excel/WPS 中改正这个公式，或直接填写内容"
            value = None
        elif formula and (value_text is None or (value_text == "" and kind not in ("str", "s", "inlineStr"))):
            note = (
                "是公式，但没有计算结果（用程序生成、未经 Excel 计算保存的表格就是这样）："
                "请在 Excel/WPS 中打开并保存一次，或复制后“选择性粘贴→数值”"
            )
        if value in (None, "") and not note:
            return  # an empty (perhaps formatted) cell: it neither counts nor costs anything
        if row > MAX_ROWS or column > MAX_COLUMNS:
            where = f"{column_letter(column)}{row}" if column <= 16384 else f"第{row}行第{column}列"
            raise DataFileError(
                f"名册 {self.source}的单元格 {where} 有内容，超出范围（{_BOUNDS}）："
                "请删去名册以外的内容（选中多余的行、列后删除），或把名册复制到新的工作簿中另存"
            )
        self.last_row = max(self.last_row, row)
        if note:
            self.notes[(row, column - 1)] = note
        if value not in (None, ""):
            self.cells.setdefault(row, {})[column] = value

    def place(self) -> int:
        """The column of the cell before this one (resolving an empty cell's reference only now)."""
        if self.pending:
            column, _row = _parse_reference(self.pending)
            if column is None:
                raise self.book.broken(f"部件 {self.part} 中的单元格引用 {self.pending!r} 无效")
            self.column, self.pending = column, ""
        return self.column

    def value(self, kind: str, text: str | None, inline: str | None) -> Any:
        if kind == "inlineStr":
            return _unescape(inline or "")
        if text is None or text == "":
            return None
        if kind == "s":
            index = int(text)
            if not 0 <= index < len(self.strings):
                raise IndexError(f"共享字符串 {index} 不存在")
            return self.strings[index]
        if kind in ("str", "d", "e"):
            return _unescape(text)
        if kind == "b":
            return text == "1"
        try:
            return float(text) if any(c in text for c in ".eE") else int(text)
        except ValueError:
            return text

    def merge(self, reference: str) -> None:
        first, _, last = reference.partition(":")
        (left, top), (right, bottom) = _parse_reference(first), _parse_reference(last or first)
        if left is None or right is None:
            raise self.book.broken(f"部件 {self.part} 中的合并区域 {reference!r} 无效")
        if max(top, bottom) > MAX_ROWS or max(left, right) > MAX_COLUMNS:
            raise DataFileError(
                f"名册 {self.source}有合并单元格 {reference}，超出范围（{_BOUNDS}）："
                "请取消这个合并（选中后点“合并后居中”取消），或把名册复制到新的工作簿中另存"
            )
        if len(self.merges) >= MAX_MERGES:
            raise DataFileError(f"名册 {self.source}的合并单元格超过 {MAX_MERGES} 个：请取消合并后再用")
        self.merges.append((min(top, bottom), max(top, bottom), reference))


def _parse_reference(reference: str) -> tuple[int | None, int]:
    """``B5`` -> (2, 5); (None, 0) when it is not a cell reference."""
    match = _REFERENCE.fullmatch(reference.replace("$", "").upper())
    if match is None or int(match.group(2)) == 0:
        return None, 0
    return _column_number(match.group(1)), int(match.group(2))


_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
#: the worksheet elements read, by qualified name (transitional and strict OOXML), to their local names
_TAGS = {f"{{{ns}}}{name}": name for ns in _NAMESPACES for name in ("c", "row", "mergeCell")}


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(element: Any) -> str:
    """The text of a string item (``<si>``, ``<is>``): its ``<t>``, or its runs' ``<t>``; not the phonetic guides."""
    parts = []
    for child in element:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _unescape(text: str) -> str:
    """``_x0007_`` -> the character itself (the roster then refuses it by name); ``_x005F_`` -> ``_``."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _drop(element: Any) -> None:
    """Free a parsed element and the siblings before it, so memory stays flat however long the sheet."""
    element.clear(keep_tail=False)
    while element.getprevious() is not None:
        del element.getparent()[0]
