"""``lianzheng check``: judge .docx files against GB/T 9704-2012."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import click

from ..check import DocumentKind, Report, UnreadableDocument, check_document
from ..errors import ExitCode
from .output import Text, emit_each
from .params import json_option

KINDS = [kind.value for kind in DocumentKind]

#: one file's outcome: its path and its report, or why it could not be read
Outcome = tuple[Path, Report | UnreadableDocument]


@click.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="文件.docx...")
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default="auto",
    show_default=True,
    help="按哪类文书检查：auto 自动判断；上行文（报告、请示）要求签发人；非公文只给警告。",
)
@click.option("--warnings/--no-warnings", default=True, show_default=True, help="是否显示警告。")
@json_option
def check(files: tuple[Path, ...], kind: str, warnings: bool, as_json: bool) -> None:
    """按 GB/T 9704-2012 检查 .docx（或生成的 PDF）的格式，逐条列出不符合之处（条款、位置、实际值和应有值）。

    \b
    退出码：0 没有错误（可能有警告）；1 发现错误；2 有文件无法读取。
    """
    # each file is shown as soon as it is checked; --json gives the list at the end
    outcomes = emit_each(_check_each(files, kind), _data, partial(_text, warnings=warnings), as_json=as_json,
                         end=_summary)  # fmt: skip
    raise click.exceptions.Exit(int(_worst(outcomes)))


def _check_each(files: tuple[Path, ...], kind: str) -> Iterator[Outcome]:
    for path in files:
        try:
            yield path, check_document(path, kind=kind, name=str(path))
        except UnreadableDocument as exc:
            yield path, exc


def _worst(outcomes: list[Outcome]) -> ExitCode:
    """A file that cannot be read outranks one with errors: nothing was judged."""
    if any(isinstance(found, UnreadableDocument) for _path, found in outcomes):
        return ExitCode.UNREADABLE
    if any(found.errors for _path, found in outcomes if isinstance(found, Report)):
        return ExitCode.FINDINGS
    return ExitCode.OK


def _data(outcome: Outcome) -> dict[str, object]:
    path, found = outcome
    if isinstance(found, UnreadableDocument):
        return {"file": str(path), **found.to_dict()}
    return found.to_dict()


def _text(outcome: Outcome, warnings: bool) -> Text:
    path, found = outcome
    if isinstance(found, UnreadableDocument):
        click.echo(f"{path}：无法检查。{found.message}", err=True)
        return None
    return _report_lines(found, warnings)


def _report_lines(report: Report, warnings: bool) -> Iterator[str]:
    kind = f"{report.kind}（自动判断）" if report.kind_inferred else report.kind
    verdict = "通过" if report.passed else "不通过"
    yield f"{report.name}（按{kind}检查）：{verdict}，{len(report.errors)} 个错误，{len(report.warnings)} 个警告"
    if report.kind_inferred and report.kind_reasons:
        yield "  判断依据：" + "；".join(report.kind_reasons)
    for finding in report.findings:
        if warnings or finding.severity.value == "error":
            yield "  " + str(finding).replace("\n", "\n  ")


def _summary(outcomes: list[Outcome]) -> Text:
    if len(outcomes) <= 1:
        return None
    failed = sum(1 for _path, found in outcomes if not (isinstance(found, Report) and found.passed))
    return f"\n共检查 {len(outcomes)} 个文件，{len(outcomes) - failed} 个通过，{failed} 个未通过或无法读取。"
