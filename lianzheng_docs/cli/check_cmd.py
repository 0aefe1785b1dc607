"""``lianzheng check``: judge .docx files against GB/T 9704-2012."""

from __future__ import annotations

from pathlib import Path

import click

from ..check import DocumentKind, Report, UnreadableDocument, check_document
from ..errors import ExitCode
from .output import echo_json
from .params import json_option

KINDS = [kind.value for kind in DocumentKind]


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
    results: list[dict[str, object]] = []
    worst = ExitCode.OK
    for path in files:
        try:
            report = check_document(path, kind=kind, name=str(path))
        except UnreadableDocument as exc:
            worst = ExitCode.UNREADABLE
            results.append({"file": str(path), **exc.to_dict()})
            if not as_json:
                click.echo(f"{path}：无法检查。{exc.message}", err=True)
            continue
        if report.errors and worst is ExitCode.OK:
            worst = ExitCode.FINDINGS
        results.append(report.to_dict())
        if not as_json:
            _print(report, warnings)
    if as_json:
        echo_json(results)
    elif len(files) > 1:
        failed = sum(1 for r in results if not r.get("passed", False))
        click.echo(f"\n共检查 {len(files)} 个文件，{len(files) - failed} 个通过，{failed} 个未通过或无法读取。")
    raise click.exceptions.Exit(int(worst))


def _print(report: Report, warnings: bool) -> None:
    kind = f"{report.kind}（自动判断）" if report.kind_inferred else report.kind
    verdict = "通过" if report.passed else "不通过"
    click.echo(f"{report.name}（按{kind}检查）：{verdict}，{len(report.errors)} 个错误，{len(report.warnings)} 个警告")
    for finding in report.findings:
        if warnings or finding.severity.value == "error":
            click.echo("  " + str(finding).replace("\n", "\n  "))
