"""The form's 预览: the document's pages as images, before anything is downloaded or filed.

A preview is the PDF ``render --pdf`` would write (:func:`~.documents.make_pdf`: LibreOffice's
final layout, 版记 placed) drawn page by page into PNG by poppler's ``pdftoppm``, in a process of
its own with a timeout (PDFium, the other renderer at hand, may not be called from two threads
at once, and the desk's views run in threads). The images live in memory only, in a small store
on the app (:class:`PreviewStore`): at most :data:`MAX_PREVIEWS` previews of at most
:data:`MAX_PAGES` pages, each for :data:`TTL` seconds, :data:`MAX_STORE_BYTES` in all. Each is
found by a random id, and only by the session that made it: ``GET /preview/{id}/{n}.png`` never
names a file, so no path from the request reaches the filesystem.
"""

from __future__ import annotations

import io
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..errors import ExitCode, LianzhengError
from ..pdf.convert import ConversionError
from ..templating.catalog import Template
from .access import Capability, require
from .csrf import session_key
from .documents import content_disposition, download_name, make_pdf

#: dots per inch of the page images: an A4 page is 661 x 935 pixels, 100-150 kB
DPI = 80
MAX_PAGES = 40
MAX_PREVIEWS = 20
#: bytes of images and PDFs the store keeps at most (the oldest previews make room; the newest stays)
MAX_STORE_BYTES = 64 * 1024 * 1024
#: seconds a preview is kept
TTL = 600.0
#: seconds pdftoppm may take for one document
RENDER_TIMEOUT = 60.0
_ID = re.compile(r"[A-Za-z0-9_-]{22}")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class PreviewNotFound(LianzhengError):
    """No preview of this id for this session: expired, pushed out by newer ones, or never made."""

    exit_code = ExitCode.NOT_FOUND


@dataclass
class Page:
    """One page image and its size in pixels (for the ``<img>``'s width and height)."""

    png: bytes
    width: int
    height: int


@dataclass
class Preview:
    """A document's pages as images, what the clerk should be told, and whose it is."""

    title: str
    pages: list[Page]
    #: pages of the document (more than ``pages`` holds when it has over :data:`MAX_PAGES`)
    total: int
    #: the PDF the pages were drawn from, offered for download beside them
    pdf: bytes = field(default=b"", repr=False)
    warnings: list[str] = field(default_factory=list)
    owner: str = ""
    id: str = ""
    made: float = 0.0

    @property
    def size(self) -> int:
        """Bytes it holds."""
        return len(self.pdf) + sum(len(page.png) for page in self.pages)


class PreviewStore:
    """The previews of one app, in memory: the newest :data:`MAX_PREVIEWS`, none older than :data:`TTL`."""

    def __init__(
        self,
        limit: int = MAX_PREVIEWS,
        ttl: float = TTL,
        clock: Callable[[], float] = time.monotonic,
        max_bytes: int = MAX_STORE_BYTES,
    ) -> None:
        self.limit, self.ttl, self.clock, self.max_bytes = limit, ttl, clock, max_bytes
        self._previews: OrderedDict[str, Preview] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, preview: Preview, owner: str) -> Preview:
        """Keep ``preview`` for ``owner`` under a new random id (set on it); the oldest make room."""
        with self._lock:
            self._expire()
            preview.id, preview.owner, preview.made = secrets.token_urlsafe(16), owner, self.clock()
            self._previews[preview.id] = preview
            while len(self._previews) > self.limit or (
                len(self._previews) > 1 and sum(kept.size for kept in self._previews.values()) > self.max_bytes
            ):
                self._previews.popitem(last=False)
        return preview

    def get(self, preview_id: str, owner: str) -> Preview:
        """The preview ``preview_id`` of ``owner``; :class:`PreviewNotFound` for any other id or owner."""
        with self._lock:
            self._expire()
            found = self._previews.get(preview_id) if _ID.fullmatch(preview_id) else None
        if found is None or not secrets.compare_digest(found.owner.encode(), owner.encode()):
            kept = f"预览保留 {self.ttl / 60:.0f} 分钟"
            raise PreviewNotFound(f"预览已过期或不存在（{kept}）；请回到表单重新点“预览”")
        return found

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._previews)

    def _expire(self) -> None:
        oldest = self.clock() - self.ttl
        while self._previews and next(iter(self._previews.values())).made < oldest:
            self._previews.popitem(last=False)


def store_of(request: Request) -> PreviewStore:
    """The app's preview store, made on first use."""
    store = getattr(request.app.state, "previews", None)
    if not isinstance(store, PreviewStore):
        store = request.app.state.previews = PreviewStore()
    return store


def keep(request: Request, preview: Preview) -> Preview:
    """Keep ``preview`` for the request's session; it gets its id."""
    return store_of(request).add(preview, session_key(request))


def make_preview(template: Template, data: dict[str, Any]) -> Preview:
    """The PDF of ``data`` for ``template`` (as ``render --pdf``) and its pages as images; blocking.

    :raises ValidationError: the data has problems (every one listed).
    :raises ConversionError: LibreOffice or pdftoppm is missing or failed.
    """
    from pypdf import PdfReader

    made = make_pdf(template, data)
    pages = page_images(made.content)
    total = len(PdfReader(io.BytesIO(made.content)).pages)
    return Preview(made.title, pages, total, made.content, made.warnings)


def page_images(pdf: bytes, *, dpi: int = DPI, max_pages: int = MAX_PAGES) -> list[Page]:
    """The first ``max_pages`` pages of ``pdf`` as PNG images, by ``pdftoppm`` in a private folder.

    :raises ConversionError: pdftoppm is missing, failed or took longer than :data:`RENDER_TIMEOUT`.
    """
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise ConversionError("预览需要 poppler 的 pdftoppm。Debian/Ubuntu：sudo apt-get install poppler-utils")
    with tempfile.TemporaryDirectory(prefix="lianzheng-preview-") as work:
        source = Path(work) / "document.pdf"
        source.write_bytes(pdf)
        command = [pdftoppm, "-r", str(dpi), "-png", "-l", str(max_pages), str(source), str(Path(work) / "page")]
        try:
            done = subprocess.run(command, capture_output=True, timeout=RENDER_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise ConversionError(f"生成预览图超过 {RENDER_TIMEOUT:.0f} 秒未完成，已终止") from None
        files = sorted(Path(work).glob("page-*.png"), key=lambda path: int(path.stem.rsplit("-", 1)[1]))
        if done.returncode != 0 or not files:
            detail = done.stderr.decode("utf-8", "replace").strip()[:200]
            raise ConversionError(
                f"未能生成预览图（pdftoppm 退出码 {done.returncode}）{'：' + detail if detail else ''}"
            )
        return [_page(path.read_bytes()) for path in files]


def _page(png: bytes) -> Page:
    """A PNG with its size, read from its IHDR chunk (bytes 16-24: width and height, big-endian)."""
    if not png.startswith(PNG_SIGNATURE) or png[12:16] != b"IHDR":
        raise ConversionError("pdftoppm 生成的预览图不是 PNG 文件")
    return Page(png, int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big"))


def routes() -> list[BaseRoute]:
    return [
        Route("/preview/{preview_id}/{number:int}.png", page_image, methods=["GET"]),
        Route("/preview/{preview_id}/document.pdf", preview_pdf, methods=["GET"]),
    ]


async def page_image(request: Request) -> Response:
    """Page ``number`` (from 1) of a preview the request's session made; 404 for anything else."""
    require(request, Capability.PRODUCE)
    preview = store_of(request).get(request.path_params["preview_id"], session_key(request))
    number: int = request.path_params["number"]
    if not 1 <= number <= len(preview.pages):
        raise PreviewNotFound(f"预览只有 {len(preview.pages)} 页，没有第 {number} 页")
    headers = {"Cache-Control": f"private, max-age={int(TTL)}"}
    return Response(preview.pages[number - 1].png, media_type="image/png", headers=headers)


async def preview_pdf(request: Request) -> Response:
    """The PDF a preview was drawn from, as a download under the document's title."""
    require(request, Capability.PRODUCE)
    preview = store_of(request).get(request.path_params["preview_id"], session_key(request))
    headers = {"Content-Disposition": content_disposition(download_name(preview.title, ".pdf")),
               "Cache-Control": "private, no-store"}  # fmt: skip
    return Response(preview.pdf, media_type="application/pdf", headers=headers)
