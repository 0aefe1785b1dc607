"""What every rule sees: the document, the inferred roles, the kind it is judged as."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from ...gbt9704 import figures as G
from ..findings import Finding, Severity
from ..model import Document, Paragraph, Run
from ..roles import Layout, Role


class DocumentKind(StrEnum):
    AUTO = "auto"
    GONGWEN = "公文"
    UPWARD = "上行文"
    LETTER = "信函"
    MINUTES = "纪要"
    ORDER = "命令"
    NON_GONGWEN = "非公文"


# Families a rule accepts for each face the standard names (the usual Windows, WPS and 方正 names).
FANGSONG = frozenset({"仿宋_GB2312", "仿宋", "FangSong_GB2312", "FangSong", "仿宋_GBK", "方正仿宋_GBK", "方正仿宋简体"})
XIAOBIAOSONG = frozenset({"方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "方正小标宋", "小标宋"})
HEITI = frozenset({"黑体", "SimHei", "方正黑体_GBK", "方正黑体简体"})
KAITI = frozenset({"楷体_GB2312", "楷体", "KaiTi_GB2312", "KaiTi", "方正楷体_GBK", "方正楷体简体"})
SONGTI = frozenset({"宋体", "SimSun", "新宋体", "NSimSun", "方正书宋_GBK"})

TWIPS_PER_MM = G.TWIPS_PER_MM


@dataclass
class Context:
    doc: Document
    layout: Layout
    kind: DocumentKind

    def role(self, *roles: Role) -> list[Paragraph]:
        return self.layout.with_role(self.doc, *roles)

    def finding(
        self,
        rule: str,
        clause: str,
        message: str,
        *,
        severity: Severity = Severity.ERROR,
        where: str = "",
        found: str = "",
        expected: str = "",
    ) -> Finding:
        return Finding(rule, clause, severity, message, where, found, expected)

    @property
    def is_gongwen(self) -> bool:
        return self.kind is not DocumentKind.NON_GONGWEN

    @property
    def title_text(self) -> str:
        return "".join(p.stripped for p in self.role(Role.TITLE))


def cjk_runs(paragraph: Paragraph) -> list[Run]:
    """Runs holding Chinese text: the ones whose East Asian font decides how they look."""
    return [r for r in paragraph.runs if any("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in r.text)]


def describe(run: Run, slot: str = "font") -> str:
    """The run's font and size, each with where it came from, so a clerk can fix the right place:
    "字体：宋体（直接格式，覆盖主题字体 等线）；字号：12 磅（段落样式“正文”）"."""
    face = (run.ascii_font if slot == "ascii" else run.east_asian_font) or "未指定"
    font_source = run.sources.get(slot, "") if face != "未指定" else "Word 按默认字体显示"
    size_source = run.sources.get("size", "")
    text = f"字体：{face}" + (f"（{font_source}）" if font_source else "")
    text += f"；字号：{run.size_pt:g} 磅" + (f"（{size_source}）" if size_source else "")
    if run.dropped:
        text += "；Word 忽略了次序错误的 " + "、".join(run.dropped)
    return text


def describe_color(run: Run) -> str:
    """The run's colour and where it came from: "2F5496（段落样式“heading 1”的主题颜色 accent1）"."""
    source = run.sources.get("color", "")
    return f"{run.color or '自动'}" + (f"（{source}）" if source else "")


def grouped(
    findings: Iterable[tuple[Paragraph, str]], make: Callable[[str, list[Paragraph]], Finding]
) -> Iterator[Finding]:
    """One finding per distinct problem, naming how many paragraphs have it and the first one."""
    seen: dict[str, list[Paragraph]] = {}
    for paragraph, problem in findings:
        seen.setdefault(problem, []).append(paragraph)
    for problem, paragraphs in seen.items():
        yield make(problem, paragraphs)


def where_many(paragraphs: list[Paragraph]) -> str:
    first = paragraphs[0].where()
    return first if len(paragraphs) == 1 else f"{first} 等 {len(paragraphs)} 段"
