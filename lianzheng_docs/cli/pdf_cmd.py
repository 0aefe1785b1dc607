"""``lianzheng pdf convert``: .docx to PDF (or PDF/A-2b) in one LibreOffice start."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ExitCode
from .output import emit, progress
from .params import SECRET, json_option


@click.group("pdf")
def pdf_group() -> None:
    """PDF：把 .docx 转为 PDF（一次启动 LibreOffice 转换一批），检查嵌入字体。"""


@pdf_group.command("convert")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
                metavar="文件.docx...")  # fmt: skip
@click.option("--outdir", type=click.Path(file_okay=False, path_type=Path), help="输出文件夹（默认与源文件相同）。")
@click.option("--pdfa", is_flag=True, help="输出 PDF/A-2b（长期保存用的归档格式）。")
@click.option("--timeout", type=float, help="一批的超时秒数（默认 60 秒加每个文件 10 秒）。")
@json_option
def convert_command(files: tuple[Path, ...], outdir: Path | None, pdfa: bool, timeout: float | None,
                    as_json: bool) -> None:  # fmt: skip
    """转换为 PDF。坏文件会被指出，其余照常转换；转换后检查字体是否嵌入、是否回退到意外字体。"""
    from ..pdf.convert import convert
    from ..pdf.fonts import font_warnings

    groups: dict[Path, list[Path]] = {}
    for path in files:
        groups.setdefault(outdir or path.parent, []).append(path)
    pdfs: dict[Path, Path] = {}
    failed: dict[Path, str] = {}
    notes: list[str] = []
    with progress(len(files), "转换", quiet=as_json) as advance:

        def advance_by(count: int) -> None:
            for _ in range(count):
                advance()

        for target, sources in groups.items():
            result = convert(sources, target, pdfa=pdfa, timeout=timeout, on_progress=advance_by)
            pdfs.update(result.pdfs)
            failed.update(result.failed)
            notes.extend(result.warnings)
    warnings = notes + [w for pdf in pdfs.values() for w in font_warnings(pdf)]
    emit({
        "converted": [{"source": str(s), "pdf": str(p)} for s, p in pdfs.items()],
        "failed": [{"source": str(s), "reason": r} for s, r in failed.items()],
        "font_warnings": warnings,
    }, lambda: _convert_text(pdfs, failed, warnings), as_json=as_json)  # fmt: skip
    if failed:
        raise click.exceptions.Exit(int(ExitCode.OUTPUT))


def _convert_text(pdfs: dict[Path, Path], failed: dict[Path, str], warnings: list[str]) -> None:
    """What was converted on stdout; font warnings and what was not converted on stderr."""
    for source, pdf in pdfs.items():
        click.echo(f"已转换：{source} → {pdf}")
    for warning in warnings:
        click.echo(f"警告：{warning}", err=True)
    for source, reason in failed.items():
        click.echo(f"未转换：{source}：{reason}", err=True)


@pdf_group.command("protect")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="文件.pdf")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="输出的 PDF。")
@click.option("--watermark", help="水印文字，如“内部资料 注意保存”（浅灰色，压在正文之下）。")
@click.option(
    "--password", type=SECRET,
    help="加密（AES-256）：打开文件所需的口令从哪里来。- 从标准输入读一行；prompt 在终端输入（不回显）；"
    "env:变量名 取自环境变量。不在命令行上写口令本身（其他用户能在进程列表中看到）。",
)  # fmt: skip
@click.option("--force", is_flag=True, help="覆盖已存在的文件。")
@json_option
def protect_command(source: Path, output: Path, watermark: str | None, password: str | None, force: bool,
                    as_json: bool) -> None:  # fmt: skip
    """给 PDF 加水印和/或 AES-256 加密，写出新文件（原文件不变）。"""
    from ..pdf.protect import protect

    path = protect(source, output, watermark=watermark, password=password, overwrite=force)
    emit({"path": str(path), "watermark": watermark, "encrypted": bool(password)},
         lambda: f"已生成：{path}" + ("（已加密）" if password else ""), as_json=as_json)  # fmt: skip
