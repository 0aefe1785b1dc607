"""检查: upload one .docx or PDF and see the GB/T 9704-2012 checker's findings with their clause ids.

The page runs the library's checker exactly as ``lianzheng check`` does (:func:`check_document`,
the same kinds, the same bounds on the file: :mod:`lianzheng_docs.docxzip`), and shows the
findings grouped by severity. The upload is never kept: it is written into a private temporary
folder for the check and the folder is removed before the answer is sent; nothing reaches the
archive. What cannot be checked (another type, a damaged file, a zip bomb) is answered on the
same page, with the form, in Chinese, naming the file.

The checker's words are the CLI's: where they tell a clerk to add ``--kind``, the page says to choose
in its own 「按哪类文书检查」 menu instead (:func:`on_the_page`). Each finding is labelled by its
clause's Chinese heading in GB/T 9704-2012 (:data:`CLAUSE_NAMES`), with the rule's stable id in
small print after it, to look up or report.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..check import DocumentKind, Finding, Report, Severity, UnreadableDocument, check_document
from ..docxzip import MAX_FILE_BYTES
from ..errors import ExitCode, LianzhengError
from .access import Capability, require
from .csrf import posted_form
from .guard import MAX_BODY
from .pages import page
from .statuses import http_status

#: What the page accepts, by the file's extension (the content is judged by the checker itself).
ACCEPTED = (".docx", ".pdf")
KINDS = [kind.value for kind in DocumentKind]
#: read from the upload at a time
_CHUNK = 1024 * 1024


class NothingUploaded(LianzhengError):
    """The form came without a file (HTTP 400)."""

    exit_code = ExitCode.USAGE


class UnsupportedUpload(UnreadableDocument):
    """A file of a type the checker does not read (HTTP 415)."""

    http_status = 415


class UploadTooLarge(UnreadableDocument):
    """A file over the checker's size bound (HTTP 413)."""

    http_status = 413


@dataclass(frozen=True)
class Group:
    """The findings of one severity, as the page lists them."""

    severity: Severity
    findings: list[Finding]

    @property
    def title(self) -> str:
        return f"{self.severity.label}（{len(self.findings)}）"


def routes() -> list[BaseRoute]:
    return [Route("/check", check_page, methods=["GET", "POST"])]


async def check_page(request: Request) -> Response:
    """GET: the upload form. POST: the findings for the file sent, or why it could not be checked."""
    require(request, Capability.CHECK)
    if request.method == "GET":
        return _page(request)
    form = await posted_form(request, max_files=1)
    kind = str(form.get("kind") or "auto")
    try:
        if kind not in KINDS:
            raise NothingUploaded(f"文书类别“{kind}”不在可选范围内（{'、'.join(KINDS)}）")
        upload = form.get("document")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise NothingUploaded("请选择要检查的文件（.docx 或 .pdf）")
        name = display_name(upload.filename)
        _refuse_type(name)
        content = await _read(upload, name)
        report = await run_in_threadpool(check_upload, name, content, kind)
    except LianzhengError as exc:
        return _page(request, kind=kind, failure=exc.message, status_code=http_status(exc))
    finally:
        await form.close()
    return _page(request, kind=kind, report=report)


def check_upload(name: str, content: bytes, kind: str = "auto") -> Report:
    """Check ``content`` (a file called ``name``) as ``lianzheng check --kind kind`` would.

    The bytes are written into a temporary folder removed before this returns, so the checker
    reads a file as the CLI does (the same size bound) and nothing of the upload is left behind.
    Messages name the upload, never the temporary path.
    """
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf" and not content.startswith(b"%PDF-"):
        raise UnreadableDocument(f"{name} 不是 PDF 文件（文件开头没有 %PDF- 标记）；请上传 Word/WPS 导出的 PDF")
    with tempfile.TemporaryDirectory(prefix="lianzheng-check-") as work:
        path = Path(work) / f"upload{suffix}"
        path.write_bytes(content)
        try:
            return check_document(path, kind=kind, name=name)
        except UnreadableDocument as exc:
            raise UnreadableDocument(exc.message.replace(str(path), name)) from None


def display_name(filename: str) -> str:
    """The upload's name as the clerk knows it: no folders (``C:\\fakepath\\``), no control characters."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")).strip()
    return cleaned[:120] or "上传的文件"


def _refuse_type(name: str) -> None:
    suffix = Path(name).suffix.lower()
    if suffix in ACCEPTED:
        return
    hint = "；旧版 .doc 请在 Word/WPS 中另存为 .docx 后再检查" if suffix in (".doc", ".wps") else ""
    shown = f"（{suffix}）" if suffix else "（没有扩展名）"
    raise UnsupportedUpload(f"不能检查 {name}{shown}：只接受 .docx 文档或 PDF 文件{hint}")


async def _read(upload: UploadFile, name: str) -> bytes:
    """The upload's bytes, refused as soon as they pass the checker's bound (the guard caps the POST first)."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await upload.read(_CHUNK):
        size += len(chunk)
        if size > MAX_FILE_BYTES:
            raise UploadTooLarge(f"{name} 超过 {MAX_FILE_BYTES // 2**20} MB 的上限，拒绝检查")
        chunks.append(chunk)
    if not size:
        raise UnreadableDocument(f"{name} 是空文件（0 字节）")
    return b"".join(chunks)


def _page(
    request: Request, *, kind: str = "auto", report: Report | None = None, failure: str = "", status_code: int = 200
) -> Response:
    groups = _groups(report) if report is not None else []
    reasons = [on_the_page(reason) for reason in report.kind_reasons] if report is not None else []
    context: dict[str, Any] = {"kinds": KINDS, "kind": kind, "report": report, "groups": groups, "failure": failure,
                               "reasons": reasons}  # fmt: skip
    return page(request, "check.html", status_code, title="检查", max_mb=MAX_BODY // 2**20, clause_label=clause_label,
                clause_name=clause_name, **context)  # fmt: skip


def _groups(report: Report) -> list[Group]:
    """Errors first, then warnings; an empty severity is left out; the messages in the page's words."""
    by_severity = ((Severity.ERROR, report.errors), (Severity.WARNING, report.warnings))
    found = [Group(severity, [replace(f, message=on_the_page(f.message)) for f in findings])
             for severity, findings in by_severity]  # fmt: skip
    return [group for group in found if group.findings]


#: The headings of GB/T 9704-2012's clauses the checker cites, as the standard words them.
CLAUSE_NAMES = {
    "5.1": "公文用纸幅面尺寸", "5.2": "公文版面尺寸", "5.2.1": "页边与版心尺寸", "5.2.2": "字体和字号",
    "5.2.3": "行数和字数", "5.2.4": "文字的颜色", "6.1": "制版要求", "7.2": "版头", "7.2.1": "份号",
    "7.2.2": "密级和保密期限", "7.2.3": "紧急程度", "7.2.4": "发文机关标志", "7.2.5": "发文字号", "7.2.6": "签发人",
    "7.2.7": "版头中的分隔线", "7.3": "主体", "7.3.1": "标题", "7.3.2": "主送机关", "7.3.3": "正文",
    "7.3.4": "附件说明", "7.3.5": "发文机关署名、成文日期和印章", "7.3.5.4": "成文日期中的数字", "7.3.6": "附注",
    "7.3.7": "附件", "7.4": "版记", "7.4.1": "版记中的分隔线", "7.4.2": "抄送机关", "7.4.3": "印发机关和印发日期",
    "7.5": "页码", "10.1": "信函格式", "10.2": "命令（令）格式", "10.3": "纪要格式",
}  # fmt: skip
#: The menu of this page that does what ``--kind`` does on the command line.
KIND_MENU = "「按哪类文书检查」"
_CLI_KIND = [
    (re.compile(r"如是(\S+?)，请加 --kind (\S+)"), rf"如是\1，请在上面的{KIND_MENU}中选“\2”，再检查一次"),
    (re.compile(r"按指定的 --kind (\S+) 检查"), rf"按{KIND_MENU}中选定的“\1”检查"),
    (re.compile(r"--kind (\S+)"), rf"{KIND_MENU}中的“\1”"),
]


def on_the_page(text: str) -> str:
    """The checker's words with its advice to add ``--kind`` (the CLI's) turned into this page's menu."""
    for pattern, replacement in _CLI_KIND:
        text = pattern.sub(replacement, text)
    return text


def clause_name(clause: str) -> str:
    """``7.2.5`` -> ``发文字号``: the heading of a GB/T 9704 clause; "" for another source or a clause not listed."""
    return CLAUSE_NAMES.get(clause, "")


def clause_label(clause: str) -> str:
    """``7.3.1`` -> ``GB/T 9704 7.3.1``; another source (条例第十五条, 推断) as it is — as the CLI prints it."""
    return f"GB/T 9704 {clause}" if clause[:1].isdigit() else clause
