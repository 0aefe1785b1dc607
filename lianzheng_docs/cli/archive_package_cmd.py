"""``lianzheng archive package`` and ``unpackage``: transfer packages after DA/T 48-2009 (移交与接收).

Loaded only when one of them is run (``archive_cmd.LAZY_COMMANDS``): lxml and the schema are not
needed by any other archive command.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..archive import Archive, RecordNotFound
from ..errors import ExitCode
from .output import emit, filing_archive
from .params import archive_option, json_option

if TYPE_CHECKING:
    from ..archive.package import Written
    from ..archive.signing import Signer
    from ..archive.unpackage import Outcome
    from ..archive.verify import VerifyReport


@click.command("package")
@click.argument("keys", nargs=-1, metavar="[ID|档号|文号]...")
@click.option("--year", "years", type=int, multiple=True, help="封装这一年度的全部档案（可写多个 --year）。")
@click.option("-o", "--output", "folder", required=True, type=click.Path(file_okay=False, path_type=Path),
              metavar="文件夹", help="输出文件夹：每件档案一个封装包，以档号命名（<档号>.xml）。")  # fmt: skip
@click.option(
    "--key", type=click.Path(dir_okay=False, path_type=Path), metavar="私钥.pem",
    help="用这把 Ed25519 私钥签署封装包（默认用环境变量 LIANZHENG_CHECKPOINT_KEY 指定的私钥，即签署审计检查点的"
         "那一把；口令在 LIANZHENG_CHECKPOINT_KEY_PASSWORD 中）。都没有时封装包只带摘要，不带签名。",
)  # fmt: skip
@click.option("--fonds-name", metavar="名称", help="立档单位名称，如 ××市财政局（写入来源和封装包创建单位）。")
@click.option("--force", is_flag=True, help="覆盖已存在的封装包。")
@archive_option
@json_option
def package(keys: tuple[str, ...], years: tuple[int, ...], folder: Path, key: Path | None, fonds_name: str | None,
            force: bool, root: Path | None, as_json: bool) -> None:  # fmt: skip
    """按 DA/T 48-2009 封装档案（移交用）：每件一个 XML 封装包。

    封装包内有 DA/T 46 元数据、全部电子文件（Base64 编码，附 SHA-256）、这件档案的审计记录（业务实体）、
    机构人员，以及对“被签名对象”的电子签名（Ed25519；没有私钥时为 SHA-256 摘要）。"""
    from ..archive.package import write_packages

    if bool(keys) == bool(years):
        raise click.UsageError("请给出要封装的档案（ID、档号或文号，可写多个），或用 --year 封装整个年度，二者选一")
    signer = _signer(key)  # before any work: a wrong key fails fast
    with Archive(root, create=False) as archive:
        records = [archive.get(k) for k in keys] if keys else [r for y in years for r in archive.list(year=y)]
        if not records:
            named = "、".join(map(str, years))
            raise RecordNotFound(f"档案中没有 {named} 年度的记录；可用 lianzheng archive list 查看")
        written = write_packages(archive, records, folder, signer=signer, fonds_name=fonds_name, overwrite=force)
        for warning in archive.warnings:  # the access log's checkpoint left behind, say
            click.echo(f"警告：{warning}", err=True)
    total, files = sum(w.size for w in written), sum(w.files_size for w in written)
    data = {"folder": str(folder), "packages": [w.to_dict() for w in written], "size": total, "files_size": files,
            "overhead": round(total / files, 3) if files else None, "signed": signer is not None}  # fmt: skip
    emit(data, lambda: _package_text(written, total, files, signer), as_json=as_json)


def _signer(key: Path | None) -> Signer | None:
    from ..archive.signing import ENV_PASSWORD, configured_signer, load_signer

    if key is None:
        return configured_signer()
    return load_signer(key, os.environ.get(ENV_PASSWORD) or None)


def _package_text(written: list[Written], total: int, files: int, signer: Signer | None) -> Iterator[str]:
    for item in written:
        yield f"已封装：{item.archival_code} → {item.path}（{_size(item.size)}）"
    how = f"已签名，密钥指纹 {signer.fingerprint}" if signer else "未签名（只带摘要；要签名请用 --key 或设置签名私钥）"
    ratio = f"，是文件本身的 {total / files:.2f} 倍" if files else ""
    yield f"共 {len(written)} 件，{how}。封装包共 {_size(total)}，其中的文件共 {_size(files)}{ratio}。"


def _size(count: int) -> str:
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / 1024 / 1024:.1f} MB"


@click.command("unpackage")
@click.argument("packages", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path),
                metavar="封装包或文件夹...")  # fmt: skip
@click.option(
    "--public-key", type=click.Path(path_type=Path), envvar="LIANZHENG_CHECKPOINT_PUBKEY", metavar="公钥.pem",
    help="用移交单位的公钥核对每个封装包的签名（或环境变量 LIANZHENG_CHECKPOINT_PUBKEY）；给了就要求每个封装包"
         "都有这把公钥的有效签名。公钥要从封装包以外取得。",
)  # fmt: skip
@archive_option
@json_option
def unpackage(packages: tuple[Path, ...], public_key: Path | None, root: Path | None, as_json: bool) -> None:
    """接收 DA/T 48 封装包：核对结构、文件哈希和签名后归档，保留原档号、文号、元数据和文件，再校验档案。

    一批封装包要么全部接收，要么一件也不归档（列出每个问题，退出码 3）。档案中已有的同一件（档号、元数据和
    文件哈希都相同）跳过；档号相同而内容不同的拒绝。"""
    from ..archive.signing import load_public_key
    from ..archive.unpackage import expand
    from ..archive.unpackage import unpackage as receive

    key = load_public_key(public_key) if public_key is not None else None
    paths = list(expand(packages))
    if not paths:
        raise click.UsageError("给出的文件夹中没有封装包（*.xml）")
    with filing_archive(root) as archive:
        outcomes = receive(archive, paths, public_key=key)
        report = archive.verify()
        location = archive.root
    data = {"archive": str(location), "packages": [o.to_dict() for o in outcomes], "verify": report.to_dict()}
    emit(data, lambda: _unpackage_text(outcomes, report), as_json=as_json)
    if not report.ok:
        raise click.exceptions.Exit(int(ExitCode.FINDINGS))


SIGNATURE_WORDS = {"verified": "签名已用给定公钥核对", "unchecked": "已签名（未用库外公钥核对，请用 --public-key）",
                   "unsigned": "未签名，摘要相符"}  # fmt: skip


def _unpackage_text(outcomes: list[Outcome], report: VerifyReport) -> Iterator[str]:
    for outcome in outcomes:
        signature = SIGNATURE_WORDS.get(outcome.signature, outcome.signature)
        if outcome.status == "received":
            yield f"已接收：{outcome.archival_code}（{signature}）  {outcome.package}"
        else:
            yield f"已跳过：{outcome.archival_code}：{outcome.reason}  {outcome.package}"
    received = sum(o.status == "received" for o in outcomes)
    yield f"接收 {received} 件，跳过 {len(outcomes) - received} 件。"
    yield from _verify_lines(report)


def _verify_lines(report: VerifyReport) -> Iterator[str]:
    yield f"校验档案：{report.records} 件、{report.files} 个文件、{report.audit_entries} 条审计记录。"
    for issue in report.issues:
        yield f"  [{issue.kind}] {issue.message}" + (f"：{issue.path}" if issue.path else "")
    yield "校验通过。" if report.ok else f"发现 {len(report.issues)} 个问题。"


__all__ = ["package", "unpackage"]
