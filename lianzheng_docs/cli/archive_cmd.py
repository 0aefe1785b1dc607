"""``lianzheng archive ...``: file, list, show, verify, reindex and export the archive; keys for its checkpoint."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..archive import Archive, MetadataError, Record, RecordMeta
from ..errors import ExitCode, LianzhengError
from .output import emit, filing_archive, format_table, progress
from .params import ISO_DATE, SECRET, allow_future_date_option, archive_option, json_option

if TYPE_CHECKING:
    from ..archive.verify import VerifyReport

ACCEPTED = (".pdf", ".docx", ".ofd")


#: Subcommands in modules of their own (DA/T 70 inspection, DA/T 48 packages, retention and
#: disposal, the access log), loaded when used; listed once their module exists.
LAZY_COMMANDS = {
    "inspect": "archive_inspect_cmd:inspect",
    "package": "archive_package_cmd:package",
    "unpackage": "archive_package_cmd:unpackage",
    "appraise": "archive_disposal_cmd:appraise",
    "log": "archive_log_cmd:log",
}


class ArchiveGroup(click.Group):
    """``archive``'s commands: those defined here, and :data:`LAZY_COMMANDS` imported when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        present = {name for name, target in LAZY_COMMANDS.items() if _module_exists(target)}
        return sorted({*super().list_commands(ctx), *present})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = LAZY_COMMANDS.get(name)
        if target is None or not _module_exists(target):
            return super().get_command(ctx, name)
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(f"lianzheng_docs.cli.{module}"), attribute)
        assert isinstance(command, click.Command)
        return command


def _module_exists(target: str) -> bool:
    return importlib.util.find_spec(f"lianzheng_docs.cli.{target.split(':')[0]}") is not None


@click.group("archive", cls=ArchiveGroup)
def archive_group() -> None:
    """档案：归档、查看、校验、导出、重建索引。每件文件有档号、哈希值和审计记录；审计检查点可用密钥签名。"""


@archive_group.command("init")
@click.option("--fonds", help="全宗号，如 Z109。")
@click.option("--org", help="默认的机构（问题）代码，如 BGS。")
@archive_option
@json_option
def init(fonds: str | None, org: str | None, root: Path | None, as_json: bool) -> None:
    """创建档案（如不存在）并设置全宗号和默认机构代码。"""
    with filing_archive(root) as archive:  # it writes an audit entry: warnings (an unsigned checkpoint) are shown
        archive.configure(fonds=fonds, org=org)
        settings = {key: archive.setting(key) for key in ("fonds", "category", "org", "retention")}
        location = archive.root
        emit({"archive": str(location), **settings},
             lambda: f"档案：{location.resolve()}  全宗号 {settings['fonds']}  默认机构代码 {settings['org']}",
             as_json=as_json)  # fmt: skip


@archive_group.command("add")
@click.argument(
    "sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path), metavar="文件或文件夹..."
)
@click.option("--title", help="题名（只归档一个文件时可用；默认取文件自带的标题，否则取文件名）。")
@click.option("--type", "kind", help="文种，如 通知、报告、告知书。")
@click.option("--unit", help="所涉科室（单位）。")
@click.option("--date", "when", type=ISO_DATE, help="日期，ISO 格式，如 2026-03-05。")
@click.option("--doc-number", help="文号，如 X纪〔2026〕3号。")
@click.option("--retention", help="保管期限：永久、定期30年、定期10年（或 Y、D30、D10）。")
@click.option("--org", help="机构（问题）代码。")
@click.option("--author", help="责任者。")
@click.option("--to", "recipients", help="主送机关，如 中共××市纪委（分别报送的报告，status 按主送核对两份是否都到）。")
@click.option("--meta", "meta_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="元数据文件（YAML/JSON，键可用中文：题名、文种、日期、文号……）。")  # fmt: skip
@click.option("--allow-duplicate", is_flag=True, help="允许归档与已有文件内容相同的文件。")
@allow_future_date_option
@click.option("--stamp/--no-stamp", default=True, show_default=True,
              help="为每件生成加盖归档章的 PDF 副本（原件不变；需要 LibreOffice）。")  # fmt: skip
@archive_option
@json_option
def add(sources: tuple[Path, ...], root: Path | None, meta_file: Path | None, allow_duplicate: bool,
        allow_future_date: bool, stamp: bool, as_json: bool, **options: Any) -> None:  # fmt: skip
    """归档外来文件（PDF、.docx）：一个文件、多个文件或整个文件夹。"""
    files = _expand(sources)
    if options["title"] and len(files) > 1:
        raise MetadataError("--title 只能用于归档单个文件；多个文件请用 --meta 或分别归档")
    base = _meta(meta_file, options)
    filed: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    with filing_archive(root) as archive, progress(len(files), "归档", quiet=as_json) as advance:
        with archive.indexing_deferred():
            for path in files:
                try:
                    record = archive.add(path, RecordMeta(**vars(base)), allow_duplicate=allow_duplicate,
                                         allow_future_date=allow_future_date)  # fmt: skip
                    filed.append({"file": str(path), "archival_code": record.archival_code, "id": record.id})
                except LianzhengError as exc:
                    failed.append({"file": str(path), **exc.to_dict()})
                advance()
        warning = _stamp(archive, [item["id"] for item in filed]) if stamp and filed else None
    emit({"filed": filed, "failed": failed, "warning": warning}, lambda: _add_text(filed, failed, warning),
         as_json=as_json)  # fmt: skip
    if failed:
        raise click.exceptions.Exit(int(failed[0]["exit_code"]))


def _add_text(filed: list[dict[str, Any]], failed: list[dict[str, Any]], warning: str | None) -> None:
    """What was filed on stdout; the warning and what was not filed on stderr."""
    if warning:
        click.echo(f"警告：{warning}", err=True)
    for item in filed:
        click.echo(f"已归档：{item['archival_code']}  {item['file']}")
    for item in failed:
        click.echo(f"未归档：{item['file']}：{item['message']}", err=True)


def _stamp(archive: Archive, ids: list[int]) -> str | None:
    """Stamped archive copies for the records just filed; a warning instead of a failure."""
    from ..pdf.convert import ConversionError
    from ..pdf.copies import make_archive_copies

    try:
        make_archive_copies(archive, [archive.get(i) for i in ids])
    except ConversionError as exc:
        return f"文件已归档，但未能生成加盖归档章的 PDF 副本：{exc.message}"
    except (LianzhengError, OSError) as exc:  # a full disk while the copies are stored: the originals stand
        reason = exc.message if isinstance(exc, LianzhengError) else exc.strerror or str(exc)
        return f"文件已归档，但加盖归档章的 PDF 副本未能存入档案：{reason}"
    return None


def _expand(sources: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            files.extend(sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in ACCEPTED))
        else:
            files.append(source)
    if not files:
        raise MetadataError(f"没有找到可归档的文件（{'、'.join(ACCEPTED)}）")
    return files


def _meta(meta_file: Path | None, options: dict[str, Any]) -> RecordMeta:
    """The metadata file's values with the options given over them. ``--date`` arrives as a date
    (ISO_DATE parsed it); a date written in the file is read, once, by :meth:`RecordMeta.from_mapping`."""
    from ..datafile import load_data

    values: dict[str, Any] = dict(load_data(meta_file)) if meta_file else {}
    names = {"title": "title", "kind": "kind", "unit": "unit", "when": "date", "doc_number": "doc_number",
             "retention": "retention", "org": "org", "author": "author", "recipients": "recipients"}  # fmt: skip
    for option, key in names.items():
        if options.get(option):
            values[key] = options[option]
    return RecordMeta.from_mapping(values, str(meta_file) if meta_file else "命令行元数据")


@archive_group.command("list")
@click.option("--year", type=int, help="年度。")
@click.option("--type", "kind", help="文种。")
@click.option("--unit", help="科室（单位）。")
@click.option("--template", help="模板 id。")
@click.option("--retention", help="保管期限。")
@click.option("--limit", type=int, help="最多显示多少条。")
@archive_option
@json_option
def list_records(root: Path | None, as_json: bool, **filters: Any) -> None:
    """列出档案记录（归档文件目录）。"""
    with Archive(root, create=False) as archive:
        records = archive.list(**filters)
    emit([_summary(r) for r in records], lambda: _list_text(records), as_json=as_json)


def _list_text(records: list[Record]) -> list[str]:
    """The 归档文件目录 as a table; the copies of a 分别报送 share a 题名, so their 主送 tells them apart."""
    shared = {r.title for r in records if sum(o.title == r.title for o in records) > 1}
    rows = [(r.archival_code, r.doc_number or "", r.kind, r.date or "",
             f"{r.title}（主送：{r.recipients}）" if r.title in shared and r.recipients else r.title)
            for r in records]  # fmt: skip
    return [format_table(["档号", "文号", "文种", "日期", "题名"], rows), f"\n共 {len(records)} 件。"]


def _summary(record: Record) -> dict[str, Any]:
    data = record.to_dict()
    data["files"] = [{"path": f["path"], "format": f["format"], "sha256": f["sha256"]} for f in data["files"]]
    return data


@archive_group.command("show")
@click.argument("key", metavar="ID|档号|文号")
@archive_option
@json_option
def show(key: str, root: Path | None, as_json: bool) -> None:
    """显示一件档案的全部元数据和文件。"""
    with Archive(root, create=False) as archive:
        record = archive.get(key)
        location = archive.root
        archive.record_access(record.id, "view", via="命令行 archive show")  # logged before it is shown
    emit(record.to_dict(), lambda: _show_text(record, location), as_json=as_json)


def _show_text(record: Record, location: Path) -> Iterator[str]:
    labels = [("档号", record.archival_code), ("文号", record.doc_number), ("题名", record.title),
              ("责任者", record.author), ("日期", record.date), ("文种", record.kind), ("密级", record.secrecy),
              ("主送", record.recipients), ("抄送", record.cc), ("单位", record.unit),
              ("保管期限", record.retention), ("页数", record.page_count), ("模板", record.template_id),
              ("来源", "本系统生成" if record.source == "rendered" else "外来文件"),
              ("归档", f"{record.filed_at} {record.filed_by}")]  # fmt: skip
    for label, value in labels:
        if value not in (None, ""):
            yield f"{label}：{value}"
    for stored in record.files:
        yield f"文件：{location / stored.path}（{stored.format}，{stored.size} 字节，{stored.sha256}）"


def _anchor(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> list[tuple[int, str]]:
    """``条数:链头`` as printed on a dossier's 备考表: the head's first 16 or more hex digits, spaces allowed."""
    anchors = []
    for value in values:
        count, _, head = value.partition(":")
        head = "".join(head.split()).lower().removeprefix("sha256:")
        if not count.strip().isdigit() or int(count) < 1 or len(head) < 16 or len(head) > 64 \
                or any(c not in "0123456789abcdef" for c in head):  # fmt: skip
            raise click.BadParameter(
                f"应写成 条数:链头，链头至少写前 16 位十六进制数字，如 57:3f2a9c1b0d4e7a65；收到的是“{value}”"
            )
        anchors.append((int(count), head))
    return anchors


@archive_group.command("verify")
@click.option(
    "--export", "export_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="导出包.zip",
    help="校验一个导出包本身（在临时文件夹中还原后校验，不动任何档案）。",
)  # fmt: skip
@click.option(
    "--public-key", type=click.Path(path_type=Path), envvar="LIANZHENG_CHECKPOINT_PUBKEY", metavar="公钥.pem",
    help="用这把公钥核对审计检查点的签名（或环境变量 LIANZHENG_CHECKPOINT_PUBKEY）。公钥要从档案以外取得："
         "能改档案的人也能换掉存在档案里的公钥。",
)  # fmt: skip
@click.option(
    "--anchor", "anchors", multiple=True, callback=_anchor, metavar="条数:链头",
    help="核对库外记下的检查点（如年度汇编备考表上印的审计记录条数和链头，链头至少写前 16 位）：审计日志的这一条"
         "应仍是这个哈希。可重复。",
)  # fmt: skip
@archive_option
@json_option
def verify(export_file: Path | None, public_key: Path | None, anchors: list[tuple[int, str]], root: Path | None,
           as_json: bool) -> None:  # fmt: skip
    """校验档案：重算每个文件的哈希、检查审计日志链、找出丢失或来历不明的文件和编号缺口。

    给了公钥时，审计检查点还须有对应私钥的有效签名，并涵盖全部审计记录。"""
    from ..archive.signing import load_public_key
    from ..archive.verify import check_signature
    from ..archive.verify import verify as verify_archive

    key = load_public_key(public_key) if public_key is not None else None  # before any work: a wrong path fails fast
    if export_file is not None:
        from ..archive.export import exported_checkpoint

        if anchors:
            raise click.UsageError("--anchor 用于核对档案本身，不能与 --export 同用")
        report = Archive.verify_export(export_file)
        check_signature(exported_checkpoint(export_file), report, key)  # the checkpoint the export carries
    else:
        with Archive(root, create=False) as archive:
            report = verify_archive(archive.root, archive.registry, public_key=key, anchors=anchors)
    emit(report.to_dict(), lambda: _verify_text(report), as_json=as_json)
    if not report.ok:
        raise click.exceptions.Exit(int(ExitCode.FINDINGS))


def _verify_text(report: VerifyReport) -> Iterator[str]:
    yield f"检查了 {report.records} 件、{report.files} 个文件、{report.audit_entries} 条审计记录。"
    for note in ([report.signature_note] if report.signature_note else []) + report.notes:
        yield f"  {note}"
    for issue in report.issues:
        yield f"  [{issue.kind}] {issue.message}" + (f"：{issue.path}" if issue.path else "")
    yield "校验通过。" if report.ok else f"发现 {len(report.issues)} 个问题。"


@archive_group.command("keygen")
@click.option("--private", "private", type=click.Path(dir_okay=False, path_type=Path), required=True,
              metavar="私钥.pem", help="写出私钥（权限 0600）。交专人保管，不要放在档案文件夹里。")  # fmt: skip
@click.option("--public", "public", type=click.Path(dir_okay=False, path_type=Path), required=True,
              metavar="公钥.pem", help="写出公钥：校验时用（verify --public-key），另存于档案以外。")  # fmt: skip
@click.option("--password", type=SECRET, default=None,
              help="给私钥加口令：- 从标准输入读一行，prompt 在终端输入，env:变量名 取自环境变量；"
                   "不写则私钥不加密，只靠文件权限保护。")  # fmt: skip
@click.option("--force", is_flag=True, help="覆盖已存在的密钥文件（原来的密钥将无法找回）。")
@json_option
def keygen(private: Path, public: Path, password: str | None, force: bool, as_json: bool) -> None:
    """生成签署审计检查点用的密钥对（Ed25519）。

    设置环境变量 LIANZHENG_CHECKPOINT_KEY=私钥文件 后，每次归档写出的检查点都带签名。

    没有私钥的人改了登记库和检查点，用公钥校验（archive verify --public-key）时会被发现。"""
    from ..archive.signing import ENV_KEY, ENV_PASSWORD, generate_keys

    pair = generate_keys(private, public, passphrase=password, overwrite=force)
    data = {"private": str(pair.private), "public": str(pair.public), "fingerprint": pair.fingerprint,
            "encrypted": pair.encrypted}  # fmt: skip

    def text() -> Iterator[str]:
        yield f"已生成签名密钥（Ed25519），密钥指纹 {pair.fingerprint}"
        protection = "已用口令加密" if pair.encrypted else "未加密，只有你能读"
        yield f"  私钥：{pair.private}（{protection}）。交专人保管，不要放在档案文件夹里；归档时设置"
        passphrase = f"，并在 {ENV_PASSWORD} 中给出口令" if pair.encrypted else ""
        yield f"        {ENV_KEY}={pair.private.resolve()}{passphrase}"
        yield f"  公钥：{pair.public}。另存于档案以外（纪检组、打印件），校验时："
        yield f"        lianzheng archive verify --public-key {pair.public}"

    emit(data, text, as_json=as_json)


@archive_group.command("reindex")
@archive_option
@json_option
def reindex(root: Path | None, as_json: bool) -> None:
    """从登记库重建全文检索索引（分批进行，内存占用有上限）。"""
    with Archive(root, create=False) as archive:
        total = archive.registry.count()
        with progress(total, "重建索引", quiet=as_json) as advance:

            def advance_by(count: int) -> None:
                for _ in range(count):
                    advance()

            done = archive.reindex(on_batch=advance_by)
    emit({"indexed": done}, lambda: f"已重建索引：{done} 件。", as_json=as_json)


@archive_group.command("export")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path), metavar="OUT.zip")
@click.option("--year", type=int, help="只导出某一年度。")
@click.option("--type", "kind", help="只导出某一文种。")
@click.option("--force", is_flag=True, help="覆盖已存在的文件。")
@archive_option
@json_option
def export(target: Path, year: int | None, kind: str | None, force: bool, root: Path | None, as_json: bool) -> None:
    """导出为 zip：文件按档号命名，另附 manifest.json（元数据、哈希值、审计日志）。"""
    with Archive(root, create=False) as archive:
        records = archive.list(year=year, kind=kind)
        # every record's files leave the archive: logged first (an export that then fails is over-reported,
        # never an export that is not in the log)
        archive.record_access([r.id for r in records], "download", via="命令行 archive export", to=target.name,
                              purpose="export")  # fmt: skip
        path = archive.export(target, records=records, overwrite=force)
    emit({"path": str(path), "records": len(records)}, lambda: f"已导出 {len(records)} 件到 {path}", as_json=as_json)


@archive_group.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="导出包.zip")
@archive_option
@json_option
def import_command(source: Path, root: Path | None, as_json: bool) -> None:
    """从导出包还原档案（目标须为空文件夹或不存在）：文件逐个核对哈希，还原后校验。"""
    from ..archive.archive import resolve_root

    target = resolve_root(root)
    count, report = Archive.restore(source, target)
    emit({"archive": str(target), "records": count, "verify": report.to_dict()},
         lambda: [f"已还原 {count} 件到 {target}。", *_verify_text(report)], as_json=as_json)  # fmt: skip
    if not report.ok:
        raise click.exceptions.Exit(int(ExitCode.FINDINGS))


@archive_group.command("dossier")
@click.option("--year", type=int, required=True, help="年度。")
@click.option("--type", "kind", help="只汇编某一文种。")
@click.option("--unit", help="只汇编某一科室（单位）。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="输出的 PDF。")
@click.option("--force", is_flag=True, help="覆盖已存在的文件。")
@archive_option
@json_option
def dossier(year: int, kind: str | None, unit: str | None, output: Path, force: bool, root: Path | None,
            as_json: bool) -> None:  # fmt: skip
    """年度汇编：把选中的档案合并为一个 PDF，前附归档文件目录，书签按文种、文件两级。

    末尾是备考表：件数、页数，立卷人、检查人签字处，以及打印时的审计检查点（签了名的还有签名）。"""
    from ..pdf.dossier import build_dossier

    with Archive(root, create=False) as archive:
        records = archive.list(year=year, kind=kind, unit=unit)
        heading = f"{year}年度" + (f"{kind}" if kind else "") + (f"（{unit}）" if unit else "") + "汇编"
        archive.record_access([r.id for r in records], "download", via="命令行 archive dossier", to=output.name)
        result = build_dossier(archive, records, output, heading=heading, overwrite=force)
    emit({"path": str(result.path), "records": result.records, "pages": result.pages,
          "catalog_pages": result.catalog_pages, "note_pages": result.note_pages},
         lambda: f"已汇编 {result.records} 件、共 {result.pages} 页（目录 {result.catalog_pages} 页，"
                 f"末尾备考表 {result.note_pages} 页，印有审计检查点）：{result.path}",
         as_json=as_json)  # fmt: skip
