"""``lianzheng example``, ``render`` and ``samples``: from data to documents."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import click

from ..catalog import Catalog
from ..datafile import example_yaml, load_data
from ..fileio import write_atomic
from ..samples import render_samples
from .app import cli, json_option
from .output import echo_json, progress

_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@cli.command("example")
@click.argument("template_id", metavar="模板ID")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="写入文件（默认打印到屏幕）。")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")
def example(template_id: str, output: Path | None, force: bool) -> None:
    """打印一份完整、有效的示例数据（YAML），可作为填写的起点。"""
    text = example_yaml(Catalog.default().get(template_id).manifest)
    if output is None:
        click.echo(text)
    else:
        write_atomic(output, text.encode("utf-8"), overwrite=force)
        click.echo(f"示例数据已写入 {output}", err=True)


@cli.command("render")
@click.argument("template_id", metavar="模板ID")
@click.option(
    "-d",
    "--data",
    "data_file",
    required=True,
    metavar="文件",
    help="数据文件（YAML 或 JSON；- 表示从标准输入读取）。",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="输出的 .docx 文件（默认以文档标题命名，放在当前文件夹）。",
)
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")
@click.option("--mask-names", is_flag=True, help="公开版：人名隐去为“张某某”（用于通报曝光）。")
@json_option
def render(template_id: str, data_file: str, output: Path | None, force: bool, mask_names: bool, as_json: bool) -> None:
    """用数据文件生成文档（.docx）。数据先按模板清单校验，所有问题一次列出。"""
    template = Catalog.default().get(template_id)
    data = load_data(data_file)
    document = template.render(data, mask_names=mask_names)
    target = output or Path(_filename(document.title or template.title) + ".docx")
    path = document.save(target, overwrite=force)
    if as_json:
        echo_json(
            {
                "template": template.id,
                "path": str(path),
                "title": document.title,
                "bytes": len(document.content),
                "sha256": hashlib.sha256(document.content).hexdigest(),
                "metadata": dict(document.metadata),
            }
        )
    else:
        click.echo(f"已生成：{path}")


@cli.command("samples")
@click.option(
    "-o",
    "--output",
    "out_dir",
    default="samples",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="样例文档的输出文件夹。",
)
@json_option
def samples(out_dir: Path, as_json: bool) -> None:
    """用内置示例数据生成每个模板的样例文档（覆盖同名文件）。"""
    catalog = Catalog.default()
    with progress(len(catalog), "生成样例") as advance:
        made = render_samples(out_dir, catalog=catalog, on_rendered=lambda _template, _path: advance())
    if as_json:
        echo_json([{"template": s.template_id, "path": str(s.path), "title": s.title} for s in made])
        return
    for sample in made:
        click.echo(f"  {sample.path}  {sample.title}")
    click.echo(f"已生成 {len(made)} 份样例文档，位于 {out_dir.resolve()}")


def _filename(title: str) -> str:
    name = _UNSAFE_FILENAME.sub("_", title).strip(". ")
    return name[:120] or "文档"
