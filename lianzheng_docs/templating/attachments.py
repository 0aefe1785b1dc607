"""附件 (GB/T 9704 7.3.4, 7.3.7): the 附件说明 under the body, and each 附件 on pages of its own.

Any template's data may carry ``attachments``, a list of what to attach, each with its 名称
(``title``) and one source:

- ``table``: a table given in the data (``columns`` and ``rows``), set with the layout kit;
- ``template`` (+ ``data``, a mapping or a data file): another template's output, e.g. the
  责任书 attached to a notice, from its title on (its own 版头 and 版记 are left out);
- ``file``: an external .docx, or a PDF (a scanned, signed 责任书): its pages become images,
  one a page, the first under the 附件's title.

The 附件说明 goes one line below the body, two characters in: "附件：1.名称" with the names of
further attachments aligned under the first, wrapped lines aligned with the name, no number when
there is one attachment and no punctuation after a name (7.3.4). Each 附件 starts a new page
before the 版记: "附件1" (or "附件" alone) in 3号黑体 flush left on the first line, its title
centred on the third line in 2号小标宋, then its content; page numbers continue (7.3.7). The
documents are joined with docxcompose, which carries styles, numbering and images across.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.document import Document
from lxml.etree import _Element

from ..docxzip import normalize_docx, restore_namespaces
from ..errors import Problem
from ..gbt9704 import figures as G
from ..layout import styles as S
from ..layout.attachment import attachment_note, attachment_page
from ..layout.builder import GongwenDocument
from .rendering import break_title_lines

MAX_ATTACHMENTS = 20
MAX_FILE_BYTES = 50 * 1024 * 1024  # an external .docx, compressed
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # and unpacked: no zip bomb gets read
MAX_PDF_PAGES = 50  # an attached PDF's pages become images, one a page
PDF_DPI = 150
_TRAILING_PUNCTUATION = "。，；：、！？.,;:!?"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


@dataclass(frozen=True)
class Attachment:
    """One 附件: its 名称 and where its content comes from (exactly one of the three)."""

    title: str
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    template: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    file: Path | None = None

    @property
    def is_table(self) -> bool:
        return self.template is None and self.file is None


#: Renders another template: (template id, data) -> .docx bytes.
RenderTemplate = Callable[[str, Mapping[str, Any]], bytes]


def parse_attachments(raw: Any, problems: list[Problem], *, base_dir: Path | None = None) -> list[Attachment]:
    """Read the ``attachments`` of a data file; every problem is added to ``problems``.

    Relative paths (``file``, a ``data`` file) are taken from ``base_dir`` (the data file's
    folder), else the current folder.
    """
    if raw is None or raw == []:
        return []
    if not isinstance(raw, list):
        problems.append(
            Problem("attachments", "附件", "应为列表，每项写明附件名称（title）和内容（table、template 或 file）")
        )
        return []
    if len(raw) > MAX_ATTACHMENTS:
        problems.append(Problem("attachments", "附件", f"最多 {MAX_ATTACHMENTS} 个附件，实际 {len(raw)} 个"))
        return []
    found = []
    for index, item in enumerate(raw):
        path, label = f"attachments[{index}]", f"附件{index + 1}"
        before = len(problems)
        attachment = _one(item, path, label, problems, base_dir)
        if attachment is not None and len(problems) == before:
            found.append(attachment)
    return found


def _one(item: Any, path: str, label: str, problems: list[Problem], base_dir: Path | None) -> Attachment | None:
    if not isinstance(item, Mapping):
        problems.append(Problem(path, label, "应为键值对：title（名称）加 table、template 或 file 之一"))
        return None
    known = {"title", "table", "template", "data", "file"}
    for key in item:
        if key not in known:
            problems.append(
                Problem(f"{path}.{key}", f"{label} {key}", f"未知字段；可用字段：{'、'.join(sorted(known))}")
            )
    title = str(item.get("title") or "").strip()
    if not title:
        problems.append(Problem(f"{path}.title", f"{label}名称", "必填：附件的名称，如 2026年度党风廉政建设责任书"))
    elif title[-1] in _TRAILING_PUNCTUATION:
        problems.append(
            Problem(f"{path}.title", f"{label}名称", f"附件名称后不加标点符号（GB/T 9704 7.3.4）：{title!r}")
        )
    sources = [key for key in ("table", "template", "file") if item.get(key) is not None]
    if len(sources) != 1:
        what = "没有写明" if not sources else f"同时写了 {'、'.join(sources)}"
        problems.append(
            Problem(path, label, f"内容{what}：table（表格）、template（模板）、file（.docx 文件）须且只须写一个")
        )
        return None
    if sources == ["table"]:
        return _table(title, item["table"], path, label, problems)
    if sources == ["template"]:
        data = item.get("data") or {}
        if isinstance(data, str):
            from ..datafile import load_data
            from ..errors import DataFileError

            try:
                data = load_data(_resolve(data, base_dir))
            except DataFileError as exc:
                problems.append(Problem(f"{path}.data", f"{label}数据", exc.message))
                return None
        if not isinstance(data, Mapping):
            problems.append(Problem(f"{path}.data", f"{label}数据", "应为键值对或数据文件的路径"))
            return None
        if "attachments" in data:
            problems.append(Problem(f"{path}.data", f"{label}数据", "附件中不能再带附件"))
            return None
        return Attachment(title, template=str(item["template"]), data=dict(data))
    file = _resolve(str(item["file"]), base_dir)
    if file.suffix.lower() not in (".docx", ".pdf"):
        problems.append(
            Problem(f"{path}.file", f"{label}文件", f"{file.name} 不是 .docx 或 .pdf；附件文件须为 Word 文档或 PDF")
        )
    elif not file.is_file():
        problems.append(Problem(f"{path}.file", f"{label}文件", f"找不到 {file}"))
    else:
        reason = _unsafe_pdf(file) if file.suffix.lower() == ".pdf" else _unsafe(file)
        if reason:
            problems.append(Problem(f"{path}.file", f"{label}文件", f"{file.name} {reason}"))
        else:
            return Attachment(title, file=file)
    return None


def _table(title: str, raw: Any, path: str, label: str, problems: list[Problem]) -> Attachment | None:
    where, what = f"{path}.table", f"{label}表格"
    if not isinstance(raw, Mapping) or not isinstance(raw.get("columns"), list) or not raw.get("columns"):
        problems.append(Problem(where, what, "应写明 columns（表头，列表）和 rows（每行一个列表）"))
        return None
    columns = tuple(str(c) for c in raw["columns"])
    rows_raw = raw.get("rows") or []
    if not isinstance(rows_raw, list):
        problems.append(Problem(f"{where}.rows", what, "rows 应为列表，每行一个列表"))
        return None
    rows = []
    for number, row in enumerate(rows_raw, 1):
        if not isinstance(row, list) or len(row) != len(columns):
            problems.append(
                Problem(
                    f"{where}.rows[{number - 1}]", f"{what}第{number}行", f"应有 {len(columns)} 个单元格，与表头一致"
                )
            )
            continue
        rows.append(tuple("" if cell is None else str(cell) for cell in row))
    return Attachment(title, columns, tuple(rows))


def _resolve(name: str, base_dir: Path | None) -> Path:
    path = Path(name).expanduser()
    if not path.is_absolute() and base_dir is not None and (base_dir / path).exists():
        return base_dir / path
    return path


def _unsafe_pdf(file: Path) -> str:
    """Why the PDF ``file`` cannot be attached, or ''."""
    import pypdfium2

    if file.stat().st_size > MAX_FILE_BYTES:
        return f"超过 {MAX_FILE_BYTES // 1024 // 1024} MB"
    try:
        pdf = pypdfium2.PdfDocument(str(file))
    except pypdfium2.PdfiumError as exc:
        return "已加密，无法附上（请提供未加密的 PDF）" if "password" in str(exc).lower() else "不是可读的 PDF"
    try:
        if len(pdf) > MAX_PDF_PAGES:
            return f"有 {len(pdf)} 页，附件 PDF 最多 {MAX_PDF_PAGES} 页"
        if len(pdf) == 0:
            return "没有页面"
    finally:
        pdf.close()
    return ""


def _unsafe(file: Path) -> str:
    """Why the .docx ``file`` cannot be read safely, or ''."""
    if file.stat().st_size > MAX_FILE_BYTES:
        return f"超过 {MAX_FILE_BYTES // 1024 // 1024} MB"
    try:
        with zipfile.ZipFile(file) as package:
            if sum(info.file_size for info in package.infolist()) > MAX_UNPACKED_BYTES:
                return "解压后过大（疑似压缩炸弹）"
            if "word/document.xml" not in package.namelist():
                return "不是有效的 Word 文档（缺少 word/document.xml）"
    except zipfile.BadZipFile:
        return "不是有效的 .docx（无法作为 zip 打开；旧版 .doc 请另存为 .docx）"
    return ""


# ---------------------------------------------------------------------------- composing


def compose(content: bytes, attachments: Sequence[Attachment], render_template: RenderTemplate) -> bytes:
    """``content`` with the 附件说明 and the 附件 pages added (titles laid out, bytes deterministic).

    The 附件说明 goes before the space left for the seal above the 署名 (or before the 版记 /
    at the end when there is no 署名); the 附件 pages before the 版记.
    """
    from docxcompose.composer import Composer

    restore_namespaces()
    if not attachments:
        return content
    document = docx.Document(io.BytesIO(content))
    body = document.element.body
    names = [a.title for a in attachments]
    note_at = _note_position(body)
    for offset, paragraph in enumerate(_note_paragraphs(names)):
        body.insert(note_at + offset, paragraph)
    composer = Composer(document)
    for number, attachment in enumerate(attachments, 1):
        label = f"附件{number}" if len(attachments) > 1 else "附件"
        own_title = attachment.is_table or (attachment.file is not None and not _starts_with(attachment))
        composer.insert(_pages_position(body), _heading(label, attachment, own_title), remove_property_fields=False)
        if attachment.file is not None and attachment.file.suffix.lower() == ".pdf":
            composer.insert(_pages_position(body), _pdf_pages(attachment.file), remove_property_fields=False)
            continue
        if attachment.template is not None:
            composer.insert(
                _pages_position(body),
                _trimmed(render_template(attachment.template, attachment.data)),
                remove_property_fields=False,
            )
        elif attachment.file is not None:
            composer.insert(_pages_position(body), docx.Document(str(attachment.file)), remove_property_fields=False)
    break_title_lines(body)  # the 附件 titles, as the document's own
    buffer = io.BytesIO()
    composer.save(buffer)
    return normalize_docx(buffer.getvalue())


def _note_paragraphs(names: Sequence[str]) -> list[_Element]:
    """One blank line, then "附件：1.名称" lines, laid out by :func:`..layout.attachment.attachment_note`."""
    kit = GongwenDocument(title="附件说明", page_numbers=False)
    attachment_note(kit, names)
    return [copy.deepcopy(p) for p in kit.doc.element.body if p.tag == f"{_W}p"]


def _heading(label: str, attachment: Attachment, with_title: bool) -> Document:
    """The first lines of a 附件: its label in 3号黑体 at the top of a new page, then its title on
    line 3 (and its table, when it is one)."""
    kit = GongwenDocument(title=attachment.title, page_numbers=False)
    attachment_page(kit, label, attachment.title if with_title else None)
    if attachment.is_table:
        kit.blank()
        width = G.TEXT_WIDTH / G.TWIPS_PER_MM
        kit.table(list(attachment.columns), [list(row) for row in attachment.rows],
                  widths_mm=[width / len(attachment.columns)] * len(attachment.columns))  # fmt: skip
    return docx.Document(io.BytesIO(kit.to_bytes()))


def _trimmed(content: bytes) -> Document:
    """Another template's output, from its title on: its 版头 and its 版记 left out."""
    document = docx.Document(io.BytesIO(content))
    body = document.element.body
    children = [child for child in body if child.tag != f"{_W}sectPr"]
    first_title = next((i for i, child in enumerate(children) if _style(child) == S.TITLE), 0)
    for child in children[:first_title]:
        body.remove(child)
    for child in children:
        if any(pr.get("name") == "版记" for pr in child.iter(f"{_WP}docPr")):
            body.remove(child)
    return document


def _pdf_pages(file: Path) -> Document:
    """The pages of an attached PDF as images, each as wide as the text area allows: the first under
    the 附件's title, each of the others on a page of its own. (Their text is not searchable in the
    .docx; the PDF itself can be filed beside the document.)"""
    import pypdfium2
    from docx.shared import Mm

    from ..layout.ooxml import PPR_ORDER, element, set_child

    kit = GongwenDocument(title=file.stem, page_numbers=False)
    pdf = pypdfium2.PdfDocument(str(file))
    try:
        for number in range(len(pdf)):
            page = pdf[number]
            width_pt, height_pt = page.get_size()
            image = page.render(scale=PDF_DPI / 72).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, "PNG", optimize=True)
            # the first page sits under the label and the title (three lines), the rest have the page
            room_mm = (G.TEXT_HEIGHT / G.TWIPS_PER_MM) - (4 * 10.23 if number == 0 else 4)
            width_mm = min(G.TEXT_WIDTH / G.TWIPS_PER_MM, room_mm * width_pt / height_pt)
            paragraph = kit.paragraph(style=S.PLAIN)
            ppr = paragraph._p.get_or_add_pPr()
            set_child(ppr, element("w:snapToGrid", {"w:val": 0}), PPR_ORDER)  # an image line is as tall as the image
            set_child(ppr, element("w:spacing", {"w:line": 240, "w:lineRule": "auto"}), PPR_ORDER)
            set_child(ppr, element("w:jc", {"w:val": "center"}), PPR_ORDER)
            if number:
                kit.start_page(paragraph)
            paragraph.add_run().add_picture(buffer, width=Mm(width_mm))
    finally:
        pdf.close()
    return docx.Document(io.BytesIO(kit.to_bytes()))


def _starts_with(attachment: Attachment) -> bool:
    """Whether an external .docx already opens with the attachment's title (then it is not repeated)."""
    assert attachment.file is not None
    if attachment.file.suffix.lower() == ".pdf":
        return False
    document = docx.Document(str(attachment.file))
    first = next((p.text.strip() for p in document.paragraphs if p.text.strip()), "")
    return "".join(first.split()) == "".join(attachment.title.split())


def _style(element: _Element) -> str | None:
    style = element.find(f"{_W}pPr/{_W}pStyle")
    return None if style is None else style.get(f"{_W}val")


def _is_empty(element: _Element) -> bool:
    return (
        element.tag == f"{_W}p"
        and not "".join(t.text or "" for t in element.iter(f"{_W}t")).strip()
        and not any(True for _ in element.iter(f"{_W}drawing"))
    )


def _anchor_index(children: list[_Element]) -> int | None:
    for index, child in enumerate(children):
        if any(pr.get("name") == "版记" for pr in child.iter(f"{_WP}docPr")):
            return index
    return None


def _pages_position(body: _Element) -> int:
    """Where 附件 pages go: before the 版记's anchor, else before the final section properties."""
    children = list(body)
    anchor = _anchor_index(children)
    if anchor is not None:
        return anchor
    return len(children) - 1 if children and children[-1].tag == f"{_W}sectPr" else len(children)


def _note_position(body: _Element) -> int:
    """Where the 附件说明 goes: before the empty lines (the seal's space) above the first 署名
    paragraph; without a 署名, before the 版记 (or the end), after the body's last text."""
    children = list(body)
    signature = next((i for i, child in enumerate(children) if _style(child) == S.SIGNATURE), None)
    end = signature if signature is not None else _pages_position(body)
    while end > 0 and _is_empty(children[end - 1]):
        end -= 1
    return end
