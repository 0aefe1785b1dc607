"""Chinese text conventions the documents need: numerals for headings, masked names.

Templates reach these as Jinja filters: ``{{ loop.index|cn_num }}`` gives 一, 二, ... 十一 for
heading numbers "（一）"; masking turns 张建国 into 张某某 for versions published openly
(通报曝光).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, Self, runtime_checkable

_DIGITS = "零一二三四五六七八九"

# Two-character surnames, so that 欧阳建国 becomes 欧阳某某 and not 欧某某某.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 独孤 南宫 "
    "西门 百里 呼延 端木 闻人 申屠 太史 澹台 公冶 濮阳 淳于 单于 赫连 万俟 拓跋 第五 东郭 司空".split()
)


@runtime_checkable
class NamedPerson(Protocol):
    """A value that names a person (:class:`lianzheng_docs.values.Person`): masking renames it.

    Structural, so that this module needs no value type: a value is masked when it has a
    ``name`` and can give a copy of itself under another one.
    """

    name: str

    def renamed(self, name: str) -> Self:
        """The same value under ``name``."""
        ...


def cn_number(value: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 105 -> 一百零五 (for 1 to 999)."""
    number = int(value)
    if not 0 < number < 1000:
        raise ValueError(f"cn_number supports 1 to 999, got {number}")
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    parts = []
    if hundreds:
        parts.append(_DIGITS[hundreds] + "百")
        if rest and tens == 0:
            parts.append("零")
    if tens:
        parts.append(("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十")
    if ones:
        parts.append(_DIGITS[ones])
    return "".join(parts)


def mask_name(name: str) -> str:
    """The public form of a personal name: 张三 -> 张某, 张建国 -> 张某某, 欧阳修 -> 欧阳某."""
    name = name.strip()
    if len(name) < 2:
        return name
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[:1]
    given = len(name) - len(surname)
    return surname + "某" * min(max(given, 1), 2)


def mask_people(context: dict[str, Any]) -> dict[str, Any]:
    """Mask every person's name in ``context``: in person fields and wherever it recurs in text.

    Names come from the person-typed values, so a name written again inside a paragraph
    ("张建国同志在担任...期间") is masked too. Longer names are replaced first so that 张建国 is
    not half-replaced by a rule for 张建.
    """
    names = sorted({p.name for p in _people(context) if len(p.name) >= 2}, key=len, reverse=True)
    masks = {name: mask_name(name) for name in names}

    def mask(value: Any) -> Any:
        if isinstance(value, NamedPerson):
            return value.renamed(masks.get(value.name, value.name))
        if isinstance(value, str):
            for name in names:
                value = value.replace(name, masks[name])
            return value
        if isinstance(value, list):
            return [mask(v) for v in value]
        if isinstance(value, dict):
            return {k: mask(v) for k, v in value.items()}
        return value

    return {key: mask(value) for key, value in context.items()}


def _people(value: Any) -> Iterable[NamedPerson]:
    if isinstance(value, NamedPerson):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _people(item)
    elif isinstance(value, list):
        for item in value:
            yield from _people(item)
