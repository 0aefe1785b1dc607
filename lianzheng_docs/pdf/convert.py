"""Convert .docx to PDF with LibreOffice headless, many files per start.

Starting LibreOffice costs about 1.3 s per document when done once per file, against about
0.26 s per document when one start converts a batch, so conversion always takes a batch. Each
converter uses its own LibreOffice profile (two converters never share one, which LibreOffice
does not survive) and the package's fontconfig file, which maps the proprietary 公文 fonts to
free stand-ins for this process only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from ..errors import ExitCode, LianzhengError
from .compat import for_libreoffice

SOFFICE_NAMES = ("soffice", "libreoffice")
INSTALL_HINT = (
    "需要 LibreOffice 才能生成 PDF。Debian/Ubuntu：sudo apt-get install libreoffice-writer-nogui "
    "fonts-noto-cjk fonts-arphic-gkai00mp fonts-liberation2；其他系统请安装 LibreOffice 并确保 soffice 在 PATH 中。"
)


class ConversionError(LianzhengError):
    """LibreOffice is missing, failed, or took too long."""

    exit_code = ExitCode.OUTPUT


def find_soffice() -> str:
    """The LibreOffice executable, or ConversionError saying how to install it."""
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ConversionError(INSTALL_HINT)


def fontconfig_file() -> Path:
    """The packaged fontconfig file (aliases for 仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体)."""
    return Path(str(resources.files("lianzheng_docs.pdf") / "fonts.conf"))


def convert_to_pdf(documents: Sequence[Path], out_dir: Path, *, timeout: float = 300.0) -> list[Path]:
    """Convert ``documents`` into PDFs in ``out_dir`` with one LibreOffice start.

    Returns the PDF paths in the order given. Raises :class:`ConversionError` when LibreOffice
    is missing, exits with an error, exceeds ``timeout`` seconds, or leaves a PDF unwritten.
    """
    if not documents:
        return []
    names = [p.stem for p in documents]
    if len(set(names)) != len(names):
        raise ConversionError("同一批转换的文件不能重名（输出 PDF 会互相覆盖）")
    soffice = find_soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lianzheng-lo-") as work:
        profile = Path(work) / "profile"
        copies = Path(work) / "in"
        copies.mkdir()
        inputs = []
        for document in documents:
            copy = copies / document.name
            copy.write_bytes(for_libreoffice(document.read_bytes()))
            inputs.append(copy)
        env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_file()), HOME=work)
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(out_dir),
            *[str(p) for p in inputs],
        ]
        try:
            result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ConversionError(
                f"LibreOffice 转换 {len(documents)} 个文件超过 {timeout:.0f} 秒仍未完成，已终止"
            ) from exc
    pdfs = [out_dir / f"{name}.pdf" for name in names]
    missing = [p.name for p in pdfs if not p.is_file()]
    if result.returncode != 0 or missing:
        detail = (result.stderr or result.stdout).strip()[-500:]
        raise ConversionError(
            f"LibreOffice 未能生成 {', '.join(missing) or 'PDF'}（退出码 {result.returncode}）：{detail}"
        )
    return pdfs
