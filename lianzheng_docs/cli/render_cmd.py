"""``lianzheng example``, ``render`` and ``samples``: from data to documents."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import click

from ..datafile import load_data
from ..errors import OutputError
from ..fileio import safe_filename, write_atomic
from ..templating.catalog import Catalog, Template
from ..templating.examples import example_yaml
from ..templating.samples import render_samples, sample_variants
from ..templating.spreadsheet import NoSpreadsheetForm, has_spreadsheet, render_xlsx
from .finishing import CommandFinisher
from .output import emit, filing_archive, note, progress
from .params import ISO_DATE, allow_future_date_option, archive_flag, json_option, strict_layout_option

#: examples and samples are dated relative to a day: today unless told (a test, a reproducible demo)
sample_today_option = click.option(
    "--today", type=ISO_DATE, help="示例按哪一天确定日期（默认今天）：日期取该日或之前最近的同月同日，年份随之调整。"
)


@click.command("example")
@click.argument("template_id", metavar="模板ID")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="写入文件（默认打印到屏幕）。")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")
@sample_today_option
def example(template_id: str, output: Path | None, force: bool, today: date | None) -> None:
    """打印一份完整、有效的示例数据（YAML），可作为填写的起点。日期不晚于今天（按年调整）。"""
    template = Catalog.default().get(template_id)
    text = example_yaml(template.manifest, template.id, today or date.today())
    if output is None:
        click.echo(text)
    else:
        write_atomic(output, text.encode("utf-8"), overwrite=force)
        click.echo(f"示例数据已写入 {output}", err=True)


@click.command("render")
@click.argument("template_id", metavar="模板ID")
@click.option(
    "-d", "--data", "data_file", required=True, metavar="文件",
    help="数据文件（YAML 或 JSON；- 表示从标准输入读取）。",
)  # fmt: skip
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
    help="输出的 .docx 文件（默认以文档标题命名，放在当前文件夹；归档时不写出，除非给出 -o）。",
)  # fmt: skip
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")
@click.option("--mask-names", is_flag=True, help="公开版：人名隐去为“张某某”（用于通报曝光）。")
@archive_flag
@click.option("--prefix", help="归档编号用的机关代字（默认取模板清单的 [numbering] prefix）。")
@click.option("--allow-duplicate", is_flag=True,
              help="归档时：同一份文件（模板、题名、单位、主送、成文日期和内容都相同）已归档的，"
                   "仍再归档一份（另编文号）。")  # fmt: skip
@click.option("--pdf", "with_pdf", is_flag=True, help="同时生成 PDF（归档时为 PDF/A-2b，并存入档案）。")
@click.option(
    "--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
    help="同时生成表格形式的 .xlsx（如责任追究情况报表），数据与 .docx 相同；只用于有表格形式的模板。",
)  # fmt: skip
@allow_future_date_option
@strict_layout_option
@json_option
def render(
    template_id: str,
    data_file: str,
    output: Path | None,
    force: bool,
    mask_names: bool,
    archive_root: str | None,
    prefix: str | None,
    allow_duplicate: bool,
    with_pdf: bool,
    xlsx_path: Path | None,
    allow_future_date: bool,
    strict_layout: bool,
    as_json: bool,
) -> None:
    """用数据文件生成文档（.docx）。数据先按模板清单校验，所有问题一次列出。

    有版记的公文生成后用 LibreOffice 排版一次，确保版记在末页且为偶数页（必要时另起一页、
    加空白页，这些页不编页码），调整后再排版确认。

    有表格形式的模板（责任追究情况报表 accountability_return）加 --xlsx 文件 同时生成 .xlsx：
    A4 横向、一页宽，表头在每页重复，数据与 .docx 相同。
    """
    template = Catalog.default().get(template_id)
    if xlsx_path is not None:
        _xlsx_allowed(template, xlsx_path, force)
    data = _anchored(load_data(data_file), None if data_file == "-" else Path(data_file).parent)
    # the workbook is made (and the data checked) before anything is written: all or nothing
    workbook = render_xlsx(template, data, mask_names=mask_names) if xlsx_path is not None else None
    finisher = CommandFinisher(strict=strict_layout)
    if archive_root is not None:
        _render_into_archive(template, data, output, force, mask_names, archive_root, prefix, with_pdf, as_json,
                             finisher, allow_future_date, xlsx=(xlsx_path, workbook),
                             allow_duplicate=allow_duplicate)  # fmt: skip
        finisher.report()
        return
    document = template.render(data, mask_names=mask_names)
    target = output or Path(safe_filename(document.title or template.title) + ".docx")
    if xlsx_path is not None:
        _xlsx_target_free(xlsx_path, target, force)
    (finished,) = finisher.results([document.content], [document.title or template.title], pdfs=with_pdf)
    document = replace(document, content=finished.content)
    path = document.save(target, overwrite=force)
    pdf = _laid_out_pdf(path, finished.pdf) if with_pdf else None
    xlsx = write_atomic(xlsx_path, workbook, overwrite=force) if xlsx_path is not None and workbook else None
    emit(
        {
            "template": template.id,
            "path": str(path),
            "title": document.title,
            "bytes": len(document.content),
            "sha256": hashlib.sha256(document.content).hexdigest(),
            "metadata": dict(document.metadata),
            "pdf": str(pdf) if pdf else None,
            "xlsx": str(xlsx) if xlsx else None,
            "unnumbered": document.unnumbered,
        },
        lambda: f"已生成：{path}" + (f"，{pdf}" if pdf else "") + (f"，{xlsx}" if xlsx else ""),
        as_json=as_json,
    )
    if document.unnumbered:
        note("数据中没有发文字号：这是待编号稿，文号留空（〔年份〕　　号）；用 --archive 归档时由档案自动编号。",
             quiet=as_json)  # fmt: skip
    finisher.report()


def _xlsx_allowed(template: Template, xlsx_path: Path, force: bool) -> None:
    """Refuse ``--xlsx`` before any work: a template without a tabular form, a name not ending in
    .xlsx (Excel would not open it), a file there already without ``--force``."""
    if not has_spreadsheet(template):
        raise NoSpreadsheetForm(template.id)
    if xlsx_path.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"表格文件名应以 .xlsx 结尾，如 报表.xlsx；收到的是“{xlsx_path}”", param_hint="--xlsx")
    _xlsx_target_free(xlsx_path, None, force)


def _xlsx_target_free(xlsx_path: Path, docx: Path | None, force: bool) -> None:
    """The .xlsx may be written: not the .docx's own name, not a folder, not an existing file unless ``force``."""
    if docx is not None and xlsx_path.resolve() == docx.resolve():
        raise click.BadParameter(f"表格文件 {xlsx_path} 与 .docx 输出是同一个文件", param_hint="--xlsx")
    if xlsx_path.is_dir():
        raise OutputError(f"输出路径 {xlsx_path} 是一个文件夹；请给出文件名，如 {xlsx_path / '报表.xlsx'}")
    if not force and xlsx_path.exists():
        raise OutputError(f"文件 {xlsx_path} 已存在；如要覆盖，请加 --force")


def _anchored(data: dict[str, Any], folder: Path | None) -> dict[str, Any]:
    """``data`` with the relative paths of its 附件 (``file``, a ``data`` file) taken from the data
    file's folder when they are there, so a data file and its attachments travel together."""
    attachments = data.get("attachments")
    if folder is None or not isinstance(attachments, list):
        return data
    anchored = []
    for item in attachments:
        if isinstance(item, dict):
            item = dict(item)
            for key in ("file", "data"):
                value = item.get(key)
                if isinstance(value, str) and not Path(value).is_absolute() and (folder / value).exists():
                    item[key] = str(folder / value)
        anchored.append(item)
    return {**data, "attachments": anchored}


def _laid_out_pdf(docx: Path, laid_out: bytes | None) -> Path:
    """The PDF beside ``docx``: the finishing step's final layout when there is one (no second
    LibreOffice start), else a conversion; font problems are warned about."""
    if laid_out is None:
        return _pdf_of(docx, pdfa=False)
    from ..pdf.fonts import font_warnings

    pdf = write_atomic(docx.with_suffix(".pdf"), laid_out, overwrite=True)
    for warning in font_warnings(pdf):
        click.echo(f"警告：{warning}", err=True)
    _check_printed(pdf)
    return pdf


def _pdf_of(docx: Path, *, pdfa: bool, out_dir: Path | None = None) -> Path:
    """The PDF of one .docx beside it (or in ``out_dir``); font problems are warned about."""
    from ..pdf.convert import convert_to_pdf
    from ..pdf.fonts import font_warnings

    (pdf,) = convert_to_pdf([docx], out_dir or docx.parent, pdfa=pdfa)
    for warning in font_warnings(pdf):
        click.echo(f"警告：{warning}", err=True)
    _check_printed(pdf)
    return pdf


def _check_printed(pdf: Path) -> None:
    """Judge the PDF just made as ``lianzheng check`` would, and warn about every error it finds
    (the printed page is what GB/T 9704 governs)."""
    from ..check import check_document

    for finding in check_document(pdf).errors:
        where = f"（{finding.where}）" if finding.where else ""
        click.echo(f"警告：版式检查 GB/T 9704 {finding.clause} {finding.message}{where}：{pdf.name}", err=True)


def _render_into_archive(
    template: Template, data: dict[str, Any], output: Path | None, force: bool, mask_names: bool,
    root: str, prefix: str | None, with_pdf: bool, as_json: bool, finisher: CommandFinisher,
    allow_future_date: bool = False, xlsx: tuple[Path | None, bytes | None] = (None, None),
    allow_duplicate: bool = False,
) -> None:  # fmt: skip

    if data.get("doc_number") and template.manifest.field("doc_number") is not None:
        note(f"数据中已有文号 {data['doc_number']}，按此文号归档（不自动编号）。", quiet=as_json)
    with filing_archive(root) as archive:
        record = archive.file_rendered(
            template,
            data,
            mask_names=mask_names,
            prefix=prefix,
            finish=lambda content: finisher.one(content),
            allow_future_date=allow_future_date,
            allow_duplicate=allow_duplicate,
        )
        stored = archive.path_of(record)
        if with_pdf:
            from ..pdf.copies import make_archive_copies
            from ..pdf.fonts import font_warnings

            (record,) = make_archive_copies(archive, [record])
            for warning in font_warnings(archive.path_of(record, "pdf")):
                click.echo(f"警告：{warning}", err=True)
            _check_printed(archive.path_of(record, "pdf"))
        pdf_copy = None
        if output is not None:
            write_atomic(output, stored.read_bytes(), overwrite=force)
            if with_pdf:  # the PDF beside the .docx copy, as a render without --archive gives it
                pdf_copy = write_atomic(output.with_suffix(".pdf"), archive.path_of(record, "pdf").read_bytes(),
                                        overwrite=force)  # fmt: skip
    xlsx_path, workbook = xlsx
    written = write_atomic(xlsx_path, workbook, overwrite=force) if xlsx_path is not None and workbook else None
    emit({**record.to_dict(), "path": str(stored), "output": str(output) if output else None,
          "output_pdf": str(pdf_copy) if pdf_copy else None, "xlsx": str(written) if written else None},
         lambda: [f"已归档：{record.archival_code}  {record.doc_number or ''}  {record.title}",
                  f"文件：{stored}" + (f"；副本：{output}" if output else "") + (f"，{pdf_copy}" if pdf_copy else "")
                  + (f"；表格：{written}" if written else "")],
         as_json=as_json)  # fmt: skip


@click.command("samples")
@click.option(
    "-o", "--output", "out_dir", default="samples", show_default=True,
    type=click.Path(file_okay=False, path_type=Path), help="样例文档的输出文件夹。",
)  # fmt: skip
@archive_flag
@allow_future_date_option
@sample_today_option
@strict_layout_option
@json_option
def samples(out_dir: Path, archive_root: str | None, allow_future_date: bool, today: date | None,
            strict_layout: bool, as_json: bool) -> None:  # fmt: skip
    """用内置示例数据生成每个模板的样例文档；加 --archive 则归档（已归档的样例不重复归档）。

    样例的日期按今天调整（不晚于今天），所以归档后 status 有已完成、未到期和已逾期的事项。
    """
    catalog = Catalog.default()
    finisher = CommandFinisher(strict=strict_layout)
    today = today or date.today()
    if archive_root is not None:
        _samples_into_archive(catalog, archive_root, as_json, finisher, allow_future_date, today)
        finisher.report()
        return
    with progress(len(catalog), "生成样例", quiet=as_json) as advance:
        made = render_samples(
            out_dir,
            catalog=catalog,
            on_rendered=lambda _template, _path: advance(),
            finish=finisher.many,
            today=today,
        )
    emit([{"template": s.template_id, "path": str(s.path), "title": s.title} for s in made],
         lambda: [*(f"  {sample.path}  {sample.title}" for sample in made),
                  f"已生成 {len(made)} 份样例文档，位于 {out_dir.resolve()}"],
         as_json=as_json)  # fmt: skip
    finisher.report()


def _samples_into_archive(catalog: Catalog, root: str, as_json: bool, finisher: CommandFinisher,
                          allow_future_date: bool = False, today: date | None = None) -> None:  # fmt: skip

    results: list[dict[str, Any]] = []
    with filing_archive(root) as archive, progress(len(catalog), "归档样例", quiet=as_json) as advance:
        with archive.indexing_deferred():
            for template in catalog:
                # each copy of a 分别报送 is a document of its own; the public 通报 is not filed
                for variant in (v for v in sample_variants(template, today or date.today()) if not v.mask_names):
                    data = variant.data
                    metadata = template.metadata(data)
                    title = metadata.get("title", template.title)
                    data.pop("doc_number", None)  # the archive numbers it
                    existing = archive.find_rendered(template.id, title, recipients=metadata.get("recipients", ""))
                    record = existing or archive.file_rendered(template, data, finish=finisher.one,
                                                               allow_future_date=allow_future_date)  # fmt: skip
                    results.append({
                        "template": template.id, "archival_code": record.archival_code,
                        "doc_number": record.doc_number, "title": record.title, "new": not existing,
                    })  # fmt: skip
                advance()
        root_path = archive.root.resolve()
    emit({"archive": str(root_path), "records": results}, lambda: _filed_samples_text(results, root_path),
         as_json=as_json)  # fmt: skip


def _filed_samples_text(results: list[dict[str, Any]], root_path: Path) -> Iterator[str]:
    for item in results:
        state = "已归档" if item["new"] else "已存在"
        yield f"  {state}  {item['archival_code']}  {item['doc_number'] or ''}  {item['title']}"
    yield f"档案位于 {root_path}"
