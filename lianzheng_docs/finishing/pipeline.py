"""The finishing step: lay documents out, move each 版记 where GB/T 9704 wants it, lay out again to confirm.

Pagination is only known after layout, so rendering alone cannot put the 版记 on the last even
page. :func:`finish` converts the documents that have a 版记 with LibreOffice in one batch,
reads where each 版记 landed, moves it (:mod:`.imprint`) when it has to, converts the changed
ones again in one more batch and checks the result: a single layout is not trusted. Documents
without a 版记 (letters, forms, records) are returned as they are, without starting LibreOffice.

Without LibreOffice the documents are returned unchanged with a warning that their pagination
was not verified, or, with ``require=True``, :class:`PaginationError` is raised.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..check.rendered import RenderedPage, read_rendered
from ..errors import ExitCode, LianzhengError
from .imprint import Move, has_imprint, move_imprint
from .pages import move_for, paginate, problems_after


class PaginationError(LianzhengError):
    """The pagination of a document could not be laid out and confirmed."""

    exit_code = ExitCode.OUTPUT


@dataclass(frozen=True)
class Finished:
    """One document after finishing."""

    content: bytes
    #: what was done with its 版记 (None: the document has no 版记, or was not laid out)
    move: Move | None = None
    #: pages of the final layout (None when not laid out)
    pages: int | None = None
    #: whether a layout confirmed the final pagination
    verified: bool = False
    #: what is still wrong or unknown, in Chinese (empty when the layout is right)
    warnings: tuple[str, ...] = field(default=())
    #: the PDF of the final layout, when the document was laid out
    pdf: bytes | None = field(default=None, repr=False)


NOT_VERIFIED = "未找到 LibreOffice，版记所在页未经排版验证（安装 LibreOffice 后重新生成；见 README）"


def finish(
    documents: Sequence[bytes],
    *,
    names: Sequence[str] | None = None,
    require: bool = False,
    pdfs: bool = False,
) -> list[Finished]:
    """Finish every document in ``documents`` (rendered .docx bytes); results in the same order.

    :param names: what to call each document in warnings (default 第 N 份).
    :param require: raise :class:`PaginationError` instead of warning when LibreOffice is missing
        or a layout cannot be confirmed.
    :param pdfs: lay out the documents without a 版记 too, in the same batch, so that every
        result carries the PDF of its final layout (``render --pdf`` needs no second start).
    """
    from ..pdf.convert import ConversionError, find_soffice

    labels = list(names) if names is not None else [f"第 {i + 1} 份" for i in range(len(documents))]
    results = [Finished(content, verified=True) for content in documents]
    todo = [i for i, content in enumerate(documents) if has_imprint(content)]
    plain = [i for i in range(len(documents)) if i not in todo] if pdfs else []
    if not todo and not plain:
        return results
    try:
        find_soffice()
    except ConversionError as exc:
        if require:
            raise PaginationError(f"无法验证分页：{exc.message}") from exc
        for i in todo:
            results[i] = Finished(documents[i], warnings=(NOT_VERIFIED,))
        if plain:
            raise
        return results
    with tempfile.TemporaryDirectory(prefix="lianzheng-finish-") as work:
        first, first_pdf = _layout({i: documents[i] for i in sorted(todo + plain)}, Path(work) / "first")
        moves: dict[int, Move] = {}
        changed: dict[int, bytes] = {}
        for i in todo:
            pages = first.get(i)
            if pages is None:
                continue
            moves[i] = move_for(paginate(pages))
            if moves[i] is not Move.NONE:
                changed[i] = move_imprint(documents[i], moves[i])
        second, second_pdf = _layout(changed, Path(work) / "second") if changed else ({}, {})
    for i in plain:
        pages = first.get(i)
        if pages is not None:
            results[i] = Finished(documents[i], None, len(pages), True, (), first_pdf.get(i))
    for i in todo:
        if i not in moves:
            results[i] = Finished(documents[i], warnings=(f"{labels[i]}无法排版，版记所在页未经验证",))
            continue
        final = second.get(i) if i in changed else first.get(i)
        pdf = second_pdf.get(i) if i in changed else first_pdf.get(i)
        content = changed.get(i, documents[i])
        if final is None:
            results[i] = Finished(content, moves[i], warnings=(f"{labels[i]}调整后无法再次排版，分页未经确认",))
            continue
        problems = tuple(f"{labels[i]}：{problem}" for problem in problems_after(final, moves[i]))
        results[i] = Finished(content, moves[i], len(final), not problems, problems, pdf)
    if require:
        unverified = [warning for result in results for warning in result.warnings]
        if unverified:
            raise PaginationError("分页未能确认：" + "；".join(unverified))
    return results


def _layout(documents: dict[int, bytes], folder: Path) -> tuple[dict[int, list[RenderedPage]], dict[int, bytes]]:
    """Lay ``documents`` out in one LibreOffice batch; the pages and the PDF of each that converted."""
    from ..pdf.convert import convert

    folder.mkdir(parents=True)
    paths = {}
    for i, content in documents.items():
        path = folder / f"{i:05d}.docx"
        path.write_bytes(content)
        paths[i] = path
    conversion = convert(list(paths.values()), folder / "pdf")
    laid_out, pdfs = {}, {}
    for i, path in paths.items():
        pdf = conversion.pdfs.get(path)
        if pdf is not None:
            laid_out[i] = read_rendered(pdf)
            pdfs[i] = pdf.read_bytes()
    return laid_out, pdfs
