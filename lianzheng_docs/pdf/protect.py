"""Protect a PDF for circulation: a watermark under every page, and AES-256 encryption.

The watermark (e.g. 内部资料 注意保存) is laid out with the layout kit on a blank A4 page in light
grey and converted by LibreOffice, then merged *under* each page with pypdf, so it never hides
text and stays extractable. Encryption is AES-256 through pypdf's ``crypto`` extra.
"""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path

from docx.shared import Pt, RGBColor
from pypdf import PdfReader, PdfWriter

from ..errors import OutputError
from ..gbt9704 import figures as G
from ..layout.builder import GongwenDocument
from ..layout.ooxml import PPR_ORDER, element, set_child
from .convert import convert_to_pdf
from .output import write_pdf


def watermark_page(text: str) -> bytes:
    """A .docx of one A4 page with ``text`` large, light grey, in the middle."""
    doc = GongwenDocument(title="水印", page_numbers=False)
    doc.blank(9)
    paragraph = doc.paragraph(style="GwTitle")
    set_child(paragraph._p.get_or_add_pPr(), element("w:spacing", {"w:line": G.pt(60), "w:lineRule": "exact"}),
              PPR_ORDER)  # fmt: skip
    run = paragraph.add_run(text)
    run.font.size = Pt(44)
    run.font.color.rgb = RGBColor(0xC8, 0xC8, 0xC8)
    return doc.to_bytes()


def protect(
    source: Path, target: Path, *, watermark: str | None = None, password: str | None = None, overwrite: bool = False
) -> Path:
    """Write ``source`` with the watermark and/or encryption to ``target`` (atomically).

    :param password: the password to open the PDF; the owner password is random and not kept,
        so the document's permissions cannot be lifted by whoever opens it.
    """
    if not watermark and not password:
        raise OutputError("请指定水印（--watermark）或密码（--password），否则无需处理")
    if target.exists() and not overwrite:
        raise OutputError(f"文件 {target} 已存在；如要覆盖，请加 --force")
    try:
        writer = PdfWriter(clone_from=str(source))
    except Exception as exc:
        raise OutputError(f"{source} 不是可读的 PDF（可能已损坏或已加密）：{exc}") from exc
    with tempfile.TemporaryDirectory(prefix="lianzheng-protect-") as tmp:
        if watermark:
            page = Path(tmp) / "watermark.docx"
            page.write_bytes(watermark_page(watermark))
            (overlay_pdf,) = convert_to_pdf([page], Path(tmp))
            overlay = PdfReader(str(overlay_pdf)).pages[0]
            for pdf_page in writer.pages:
                pdf_page.merge_page(overlay, over=False)
        if password:
            writer.encrypt(user_password=password, owner_password=secrets.token_urlsafe(24), algorithm="AES-256")
        write_pdf(writer, target, overwrite=overwrite)
    return target
