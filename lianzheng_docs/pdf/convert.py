"""Convert .docx to PDF with LibreOffice headless, many files per start.

Starting LibreOffice costs about 1.3 s per document when done once per file, against about
0.26 s per document when one start converts a batch, so conversion always takes a batch. Each
conversion uses its own LibreOffice profile (two converters never share one, which LibreOffice
does not survive) and the package's fontconfig file, which maps the proprietary 公文 fonts to
free stand-ins for this process only. PDFs are written into a private folder and moved into
place when complete, so a failure never leaves half a PDF; a file LibreOffice cannot convert is
named and the rest of the batch still converts; a batch that hangs is killed at its timeout,
the file it hung on is named, and the files after it are converted in a new batch.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from lxml import etree

from ..errors import ExitCode, LianzhengError
from .compat import prepared

SOFFICE_NAMES = ("soffice", "libreoffice")
INSTALL_HINT = (
    "需要 LibreOffice 才能生成 PDF。Debian/Ubuntu：sudo apt-get install libreoffice-writer-nogui "
    "fonts-noto-cjk fonts-arphic-gkai00mp fonts-liberation2；其他系统请安装 LibreOffice 并确保 soffice 在 PATH 中。"
)
PDF_FILTER = "pdf:writer_pdf_Export"
# PDF/A-2b, the long-term form archives want (GB/T 18894); JSON filter options need LibreOffice 7.4+.
PDFA_FILTER = PDF_FILTER + ":" + json.dumps({"SelectPdfVersion": {"type": "long", "value": "2"}})


class ConversionError(LianzhengError):
    """LibreOffice is missing, or failed or timed out on some files."""

    exit_code = ExitCode.OUTPUT


@dataclass
class Conversion:
    """What a batch produced: a PDF for each source that converted, a reason for each that did not."""

    pdfs: dict[Path, Path] = field(default_factory=dict)
    failed: dict[Path, str] = field(default_factory=dict)
    #: what was changed on the way in (external links removed), in Chinese
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def find_soffice() -> str:
    """The LibreOffice executable, or ConversionError saying how to install it."""
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ConversionError(INSTALL_HINT)


def fontconfig_file(work: Path) -> Path:
    """The fontconfig file for LibreOffice, written into ``work``.

    The packaged aliases (仿宋_GB2312, 黑体, 楷体_GB2312, 宋体 -> free stand-ins, used only when the
    named font is missing), plus the 小标宋 rules unless the host has 方正小标宋简体 itself.
    """
    package = resources.files("lianzheng_docs.pdf")
    text = (package / "fonts.conf").read_text(encoding="utf-8")
    block = "" if _installed("方正小标宋简体") else (package / "xiaobiaosong.conf.part").read_text(encoding="utf-8")
    path = work / "fonts.conf"
    path.write_text(text.replace("  <!-- XIAOBIAOSONG -->\n", block), encoding="utf-8")
    return path


@functools.cache
def _installed(family: str) -> bool:
    """Whether the system's fontconfig knows ``family`` (without our aliases)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    try:
        found = subprocess.run([fc_list, f":family={family}", "family"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return family in found.stdout


def convert(
    documents: Sequence[Path],
    out_dir: Path,
    *,
    pdfa: bool = False,
    timeout: float | None = None,
    overwrite: bool = True,
    on_progress: Callable[[int], None] | None = None,
) -> Conversion:
    """Convert ``documents`` into ``out_dir`` (one PDF each, same stem), as few LibreOffice starts as possible.

    :param pdfa: write PDF/A-2b (archive copies).
    :param timeout: seconds for a batch; default 60 s plus 10 s per document.
    :param on_progress: called with the number of files finished since the last call, as
        LibreOffice writes them (for a progress bar over a single batch).
    """
    result = Conversion()
    if not documents:
        return result
    stems = [p.stem for p in documents]
    if len(set(stems)) != len(stems):
        raise ConversionError("同一批转换的文件不能重名（输出 PDF 会互相覆盖）")
    soffice = find_soffice()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConversionError(f"无法创建输出文件夹 {out_dir}：{exc.strerror}") from exc
    if not os.access(out_dir, os.W_OK):
        raise ConversionError(f"输出文件夹 {out_dir} 不可写")
    with tempfile.TemporaryDirectory(prefix="lianzheng-lo-") as work:
        pending = _prepare(documents, Path(work) / "in", result)
        while pending:
            pending = _run_batch(soffice, pending, Path(work), out_dir, pdfa, timeout, overwrite, result,
                                 on_progress)  # fmt: skip
    return result


def convert_to_pdf(
    documents: Sequence[Path], out_dir: Path, *, pdfa: bool = False, timeout: float | None = None
) -> list[Path]:
    """Like :func:`convert`, but every file must convert: returns the PDFs in the order given."""
    result = convert(documents, out_dir, pdfa=pdfa, timeout=timeout)
    if result.failed:
        details = "；".join(f"{path.name}：{reason}" for path, reason in result.failed.items())
        raise ConversionError(f"{len(result.failed)} 个文件未能转换为 PDF：{details}")
    return [result.pdfs[path] for path in documents]


def _prepare(documents: Sequence[Path], folder: Path, result: Conversion) -> list[tuple[Path, Path]]:
    """Private copies adjusted for LibreOffice's import (see compat); unreadable sources fail here."""
    folder.mkdir(parents=True)
    pending = []
    for source in documents:
        try:
            data = source.read_bytes()
        except OSError as exc:
            result.failed[source] = f"无法读取：{exc.strerror}"
            continue
        copy = folder / source.name
        try:
            prepared_data, removed = prepared(data)
        except zipfile.BadZipFile:  # not a zip: hand it over unchanged and let LibreOffice judge
            prepared_data, removed = data, []
        except (etree.XMLSyntaxError, ValueError, KeyError, OSError) as exc:  # fail closed: no unvetted links
            result.failed[source] = f"文件的关系部件已损坏，未交给 LibreOffice：{exc}"
            continue
        copy.write_bytes(prepared_data)
        if removed:
            shown = "、".join(removed[:3]) + ("等" if len(removed) > 3 else "")
            result.warnings.append(f"{source.name} 链接了外部文件 {shown}：转换时已去掉这些链接，不读取本机文件")
        pending.append((source, copy))
    return pending


def _run_batch(
    soffice: str,
    batch: list[tuple[Path, Path]],
    work: Path,
    out_dir: Path,
    pdfa: bool,
    timeout: float | None,
    overwrite: bool,
    result: Conversion,
    on_progress: Callable[[int], None] | None = None,
) -> list[tuple[Path, Path]]:
    """Convert one batch; returns what is left to convert after a hang (empty otherwise)."""
    produced = work / "out"
    produced.mkdir(exist_ok=True)
    profile = work / "profile"
    env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_file(work)), HOME=str(work))
    command = [
        soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
        "--convert-to", PDFA_FILTER if pdfa else PDF_FILTER, "--outdir", str(produced),
        *[str(copy) for _, copy in batch],
    ]  # fmt: skip
    limit = timeout if timeout is not None else 60 + 10 * len(batch)
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    timed_out = _wait(process, limit, produced, on_progress)
    left: list[tuple[Path, Path]] = []
    for position, (source, copy) in enumerate(batch):
        pdf = produced / f"{copy.stem}.pdf"
        if pdf.is_file() and pdf.stat().st_size > 0 and pdf.read_bytes()[:5] == b"%PDF-":
            target = out_dir / pdf.name
            if target.exists() and not overwrite:
                result.failed[source] = f"{target} 已存在"
            else:
                shutil.move(str(pdf), str(target))
                result.pdfs[source] = target
        elif timed_out:
            result.failed[source] = f"LibreOffice 处理此文件超过 {limit:.0f} 秒未完成，已终止"
            left = batch[position + 1 :]  # LibreOffice takes files in order: the rest never started
            break
        else:
            result.failed[source] = "LibreOffice 未能转换（文件可能已损坏，或不是 Word 文档）"
    return left


def _wait(
    process: subprocess.Popen[bytes], limit: float, produced: Path, on_progress: Callable[[int], None] | None
) -> bool:
    """Wait for LibreOffice, reporting finished files as they appear; True if it had to be killed."""
    deadline = time.monotonic() + limit
    reported = 0
    while True:
        try:
            process.communicate(timeout=0.25)
            finished = True
        except subprocess.TimeoutExpired:
            finished = False
        if on_progress is not None:
            done = sum(1 for _ in produced.glob("*.pdf"))
            if done > reported:
                on_progress(done - reported)
                reported = done
        if finished:
            return False
        if time.monotonic() > deadline:
            _kill(process)
            return True


def _kill(process: subprocess.Popen[bytes]) -> None:
    """End LibreOffice and the soffice.bin it started (its own process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
    process.communicate()
