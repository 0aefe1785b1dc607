"""Which fonts a PDF embeds, and whether any fell back to something unexpected.

A document names 仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312 and 宋体; the converter maps them to
free stand-ins unless the licensed fonts are installed. A PDF that embeds neither (DejaVu,
Droid Sans Fallback, or no embedding at all) looks wrong on paper and is not fit for PDF/A.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader

# Families that are right for a GB/T 9704 document: the licensed faces and their configured stand-ins.
EXPECTED = (
    "NotoSerifCJK", "NotoSansCJK", "GBZenKai", "ARPLKaitiM", "ARPLUKai", "LXGWWenKai", "WenQuanYi",
    "Liberation", "FangSong", "FangSong_GB2312", "SimSun", "SimHei", "KaiTi", "FZXiaoBiaoSong",
    "FZFangSong", "FZKai", "FZHei", "STFangsong", "STKaiti", "STSong",
)  # fmt: skip


@dataclass(frozen=True)
class EmbeddedFont:
    name: str  # BaseFont without the subset prefix, e.g. NotoSerifCJKjp-Regular
    embedded: bool


def fonts_of(path: Path) -> list[EmbeddedFont]:
    """Every font the pages use, once each."""
    reader = PdfReader(str(path))
    found: dict[str, bool] = {}
    for page in reader.pages:
        _collect(page.get("/Resources"), found, depth=0)
    return [EmbeddedFont(name, embedded) for name, embedded in sorted(found.items())]


def _collect(resources: Any, found: dict[str, bool], depth: int) -> None:
    if resources is None or depth > 5:
        return
    resources = resources.get_object()
    fonts = resources.get("/Font")
    if fonts is not None:
        for ref in fonts.get_object().values():
            font = ref.get_object()
            name = re.sub(r"^[A-Z]{6}\+", "", str(font.get("/BaseFont", "?")).lstrip("/"))
            found[name] = found.get(name, False) or _embedded(font)
    objects = resources.get("/XObject")
    if objects is not None:
        for ref in objects.get_object().values():
            _collect(ref.get_object().get("/Resources"), found, depth + 1)


def _embedded(font: Any) -> bool:
    descendants = font.get("/DescendantFonts")
    targets = [d.get_object() for d in descendants.get_object()] if descendants is not None else [font]
    for target in targets:
        descriptor = target.get("/FontDescriptor")
        if descriptor is not None and any(
            k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
        ):
            return True
    return False


def font_warnings(path: Path) -> list[str]:
    """Chinese warnings for fonts not embedded or not among the expected families; empty when all is well."""
    warnings = []
    try:
        fonts = fonts_of(path)
    except Exception as exc:  # a damaged or foreign PDF: say so rather than fail the conversion
        return [f"{path.name}：无法读取 PDF 以检查字体（{exc}）"]
    for font in fonts:
        if not font.embedded:
            warnings.append(f"{path.name}：字体 {font.name} 没有嵌入（换一台电脑打开会变样，也不符合 PDF/A）")
        elif not any(font.name.replace(" ", "").startswith(prefix) for prefix in EXPECTED):
            warnings.append(f"{path.name}：字体回退到了意外的 {font.name}，请检查是否安装了 fonts-noto-cjk 等字体")
    return warnings
