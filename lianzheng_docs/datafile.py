"""Data files clerks write: YAML or JSON in (and YAML out, for the examples templating writes).

Files saved by Windows Notepad in the local code page (GBK) are read too, so a clerk on a
Chinese Windows machine does not meet mojibake or a decoding error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

from .errors import DataFileError

#: Bounds on what a data file may make the reader do (issue 15): a clerk's data file is a few KB.
MAX_DATA_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64


class _Loader(yaml.SafeLoader):  # type: ignore[misc]
    """YAML as clerks write it, and nothing that can explode.

    - No aliases (``*名称``): a megabyte of nested aliases expands to gigabytes (68 s, 6.2 GB,
      measured); data files never need them.
    - At most :data:`MAX_DEPTH` levels of nesting (100,000 levels ended in a traceback).
    - Dates stay text (``2026-02-30`` is then a clear date problem of its field, not a crash in
      the YAML library); validation turns valid ones into dates.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise DataFileError(
                f"第{mark.line + 1}行第{mark.column + 1}列用了 YAML 别名（*名称）；数据文件中请直接写出内容"
            )
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise DataFileError(f"第{mark.line + 1}行嵌套超过 {MAX_DEPTH} 层；数据文件不需要这么深的结构")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_data(path: str | Path) -> dict[str, Any]:
    """Read a YAML or JSON data file (``-`` for standard input) into a mapping."""
    name = str(path)
    try:
        if name != "-" and Path(path).is_file() and Path(path).stat().st_size > MAX_DATA_BYTES:
            raise DataFileError(f"数据文件 {name} 超过 {MAX_DATA_BYTES // 1024 // 1024} MB；数据文件通常只有几 KB")
        raw = sys.stdin.buffer.read(MAX_DATA_BYTES + 1) if name == "-" else Path(path).read_bytes()
    except FileNotFoundError:
        raise DataFileError(f"找不到数据文件 {name}；请检查路径") from None
    except IsADirectoryError:
        raise DataFileError(f"{name} 是文件夹，不是数据文件") from None
    except OSError as exc:
        raise DataFileError(f"无法读取数据文件 {name}：{exc.strerror}") from exc
    if len(raw) > MAX_DATA_BYTES:
        raise DataFileError(f"数据文件 {name} 超过 {MAX_DATA_BYTES // 1024 // 1024} MB；数据文件通常只有几 KB")
    text = decode_text(raw, name)
    return parse_data(text, name, as_json=name.lower().endswith(".json"))


def decode_text(raw: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK), else a clear error."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataFileError(f"数据文件 {name} 的编码无法识别；请另存为 UTF-8 编码")


def parse_data(text: str, name: str, *, as_json: bool = False) -> dict[str, Any]:
    """Parse YAML (JSON is YAML too, but gets JSON's own error messages when named .json)."""
    try:
        data = json.loads(text) if as_json else yaml.load(text, Loader=_Loader)
    except DataFileError as exc:
        raise DataFileError(f"数据文件 {name}：{exc.message}") from None
    except RecursionError:
        raise DataFileError(f"数据文件 {name} 嵌套过深；数据文件不需要这么深的结构") from None
    except json.JSONDecodeError as exc:
        raise DataFileError(f"数据文件 {name} 不是有效的 JSON：第{exc.lineno}行第{exc.colno}列，{exc.msg}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行第{mark.column + 1}列" if mark else "某处"
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataFileError(f"数据文件 {name} 不是有效的 YAML：{where}，{_yaml_problem(problem)}") from exc
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise DataFileError(f"数据文件 {name} 中有无法读取的值：{exc}") from exc
    if data is None:
        raise DataFileError(f"数据文件 {name} 是空的；可用 `lianzheng example 模板id` 生成一份示例")
    if not isinstance(data, dict):
        raise DataFileError(f"数据文件 {name} 的顶层应为“字段: 值”的键值对，实际是 {type(data).__name__}")
    return data


#: PyYAML's most common complaints, in the words a clerk can act on (the original follows in brackets)
_YAML_PROBLEMS = (
    ("found character '\\t' that cannot start any token", "这里有 Tab 制表符：YAML 只能用空格缩进，请把 Tab 换成空格"),
    ("mapping values are not allowed here", "冒号用得不对：值里有英文冒号“: ”时请给整个值加引号，或检查上一行的缩进"),
    ("could not find expected ':'", "缺少英文冒号“:”：每行应写成“字段: 值”（冒号后有一个空格）"),
    ("found undefined alias", "用到了 *别名：数据文件不使用 YAML 别名，请直接写出值"),
    ("found unexpected end of stream", "文件意外结束：可能有没配对的引号或括号"),
    ("did not find expected key", "缩进不一致：同一层的字段应对齐，列表项以“- ”开头"),
)


def _yaml_problem(problem: str) -> str:
    for english, chinese in _YAML_PROBLEMS:
        if problem.startswith(english):
            return f"{chinese}（{problem}）"
    return problem


class _Dumper(yaml.SafeDumper):  # type: ignore[misc]
    """Block style for text with line breaks, so paragraphs read naturally."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    return str(yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100))
