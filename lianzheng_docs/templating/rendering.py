"""Render a template's .docx with validated data, safely and the same way every time.

Three guards, each against a failure measured with docxtpl: autoescape on (without it ``&`` and
``<...>`` vanish from the text and break the XML), strict undefined variables (without it a
missing variable renders as nothing), and a fresh ``DocxTemplate`` per document (one shared
across threads mixed documents up). Templates run in Jinja's sandbox, because sub-units bring
their own, under limits on time, memory, output size and loop iterations
(:mod:`~lianzheng_docs.templating.limits`): one code path for built-in and plugin templates alike.
The .docx written is deterministic: same template and data, same bytes.

Nothing is saved that lost text on the way: docxtpl re-reads the rendered XML with a recovering
parser that drops what it cannot hold (a text over lxml's 10 MB, a character XML forbids)
without a word, so the XML is first read strictly and any error refuses the document.

Titles are laid out here, not left to the word processor: after docxtpl renders, every title
paragraph gets the lines :func:`~lianzheng_docs.gbt9704.titles.arrange_title` chooses, as explicit
line breaks (GB/T 9704 7.3.1: break between words; left to LibreOffice, 7 of 9 built-in titles
broke inside one, "主体责/任").
"""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import jinja2
from docxtpl import DocxTemplate
from lxml import etree

from ..chinese import cn_number, mask_people
from ..docxzip import normalize_docx
from ..errors import TemplateError
from ..fileio import write_atomic
from ..gbt9704.titles import arrange_title
from ..values import CnDate
from .limits import RenderLimitError, RenderLimits, budget
from .manifest import TemplateManifest
from .sandbox import LimitedEnvironment


def make_environment(*, autoescape: bool = True) -> LimitedEnvironment:
    """The sandboxed Jinja environment every template renders in, with the limits of :mod:`.limits`."""
    env = LimitedEnvironment(autoescape=autoescape, undefined=jinja2.StrictUndefined)
    env.filters["cn_num"] = cn_number
    return env


_DOCX_ENV = make_environment()
_TEXT_ENV = make_environment(autoescape=False)

#: Paragraph styles (style ids) whose paragraphs are titles laid out by ``arrange_title``:
#: 公文标题 (``layout.styles.TITLE``). An attachment-title style joins by its id here.
TITLE_STYLE_IDS: Final = frozenset({"GwTitle"})

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: What a title run may hold to be laid out; anything else (a tab, a field, a drawing) is left alone.
_PLAIN_RUN_CHILDREN = frozenset({f"{_W}rPr", f"{_W}t"})


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered .docx in memory, with the archive metadata its manifest derives."""

    template_id: str
    content: bytes
    metadata: Mapping[str, str] = field(default_factory=dict)
    #: a 待编号稿: the data gave no 发文字号, so the document shows ``X财党〔2026〕　　号`` and its
    #: metadata none; filing it through the archive (``--archive``) numbers it
    unnumbered: bool = False

    @property
    def title(self) -> str:
        """The document's own title (题名), e.g. 关于…的通报."""
        return self.metadata.get("title", "")

    def save(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the .docx atomically; refuses to replace an existing file unless ``overwrite``."""
        return write_atomic(path, self.content, overwrite=overwrite)


def render_docx(
    manifest: TemplateManifest,
    docx_bytes: bytes,
    context: Mapping[str, Any],
    *,
    source: str,
    limits: RenderLimits | None = None,
) -> RenderedDocument:
    """Render validated ``context`` into the template; ``source`` names it in errors.

    :param limits: what the render may use; by default :data:`~.limits.DEFAULT_LIMITS` (or those
        of :func:`~.limits.render_limits`). Going over one raises :class:`~.limits.RenderLimitError`.
    """
    with budget(source, limits):
        metadata = render_metadata(manifest, context)
        template = _StrictDocxTemplate(io.BytesIO(docx_bytes))
        try:
            template.render(dict(context), jinja_env=_DOCX_ENV, autoescape=True)
        except Exception as exc:
            error = _template_error(exc, source)
            if error is None:
                raise
            raise error from exc
        try:
            _check_complete(template.docx.element.body, source)
            break_title_lines(template.docx.element.body)
            _set_properties(template, manifest, metadata, context)
            buffer = io.BytesIO()
            template.save(buffer)
        except (ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise TemplateError(f"渲染模板 {source} 失败：{exc}") from exc
    return RenderedDocument(manifest.id, normalize_docx(buffer.getvalue()), metadata)


def _template_error(exc: Exception, source: str) -> TemplateError | None:
    """The Chinese error for what a template's code did wrong; ``None`` for anything else (a limit included)."""
    if isinstance(exc, RecursionError):
        return RenderLimitError(source, "recursion", "宏或 recursive 循环调用自身的层数过深")
    if isinstance(exc, MemoryError):
        return RenderLimitError(source, "memory", "渲染时内存不足（模板生成的内容过大）")
    if isinstance(exc, etree.XMLSyntaxError):
        return TemplateError(
            f"渲染模板 {source} 的结果不完整：生成的 XML 无法完整读出（{exc.msg}），保存下来会丢掉其后的内容；"
            "一段文字超过 10 MB，或数据中有控制字符等无法写入文档的字符"
        )
    if isinstance(exc, SyntaxError):  # Python's compiler (after XMLSyntaxError, a subclass): deep nesting
        return TemplateError(
            f"模板 {source} 的标签嵌套过深，无法编译（{type(exc).__name__}: {exc.msg}）；请减少嵌套的层数"
        )
    if isinstance(exc, jinja2.UndefinedError):
        return TemplateError(
            f"模板 {source} 用到了数据中没有的变量：{exc.message}。请在模板清单中声明该字段，或修正模板中的变量名。"
        )
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return TemplateError(f"模板 {source} 试图执行不安全的操作，已被沙箱拦截：{exc}")
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return TemplateError(f"模板 {source} 的标签有语法错误（第{exc.lineno}行附近）：{exc.message}")
    if isinstance(exc, jinja2.TemplateError | ValueError | KeyError | zipfile.BadZipFile):
        return TemplateError(f"渲染模板 {source} 失败：{exc}")
    if isinstance(exc, TypeError | ArithmeticError | LookupError | AttributeError):
        return TemplateError(f"渲染模板 {source} 失败：模板中的表达式出错（{type(exc).__name__}: {exc}）")
    return None


class _StrictDocxTemplate(DocxTemplate):  # type: ignore[misc]
    """docxtpl's template, reading what it renders strictly (``XMLSyntaxError`` where it would lose text).

    The body: before docxtpl's recovering parser reads it. Headers and footers python-docx reads
    strictly itself. Footnotes docxtpl stores unread.
    """

    def fix_tables(self, xml: str) -> Any:
        etree.fromstring(xml, etree.XMLParser(resolve_entities=False))
        return super().fix_tables(xml)

    def render_footnotes(self, context: dict[str, Any], jinja_env: jinja2.Environment | None = None) -> None:
        super().render_footnotes(context, jinja_env)
        for part in self.docx.part.package.parts:
            if part.content_type == _FOOTNOTES:
                etree.fromstring(part.blob, etree.XMLParser(resolve_entities=False))


_FOOTNOTES: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def break_title_lines(body: etree._Element, style_ids: Collection[str] = TITLE_STYLE_IDS) -> int:
    """Lay out every title paragraph under ``body`` in the lines ``arrange_title`` chooses.

    A paragraph is a title when its style id is in ``style_ids``. Its text is split where
    ``arrange_title`` ends a line, by a ``<w:br/>`` inside the run that holds the first character
    of the next line, so every run keeps its own properties (``w:rPr``). Left alone: a title
    that fits one line, one that already holds a ``w:br`` or ``w:cr`` (the template's author chose
    the lines), and one with anything but text in its runs or text outside plain runs (fields,
    hyperlinks, tabs). Changes ``body`` in place; returns the number of titles laid out.
    """
    changed = 0
    for paragraph in body.iter(f"{_W}p"):
        style = paragraph.find(f"{_W}pPr/{_W}pStyle")
        if style is None or style.get(f"{_W}val") not in style_ids:
            continue
        if next(paragraph.iter(f"{_W}br", f"{_W}cr"), None) is not None:
            continue
        runs = paragraph.findall(f"{_W}r")
        texts = ["".join(t.text or "" for t in run.findall(f"{_W}t")) for run in runs]
        text = "".join(texts)
        if not text.strip() or text != "".join(t.text or "" for t in paragraph.iter(f"{_W}t")):
            continue
        if any(child.tag not in _PLAIN_RUN_CHILDREN for run in runs for child in run):
            continue
        lines = arrange_title(text)
        if len(lines) < 2:
            continue
        ends = set(itertools.accumulate(len(line) for line in lines[:-1]))
        start = 0
        for run, run_text in zip(runs, texts, strict=True):
            cuts = [p - start for p in sorted(ends) if start <= p < start + len(run_text)]
            start += len(run_text)
            if cuts:
                _split_run(run, run_text, cuts)
        changed += 1
    return changed


def _split_run(run: etree._Element, text: str, cuts: list[int]) -> None:
    """Replace the run's text with its pieces, a ``<w:br/>`` before each position in ``cuts``."""
    for node in run.findall(f"{_W}t"):
        run.remove(node)
    bounds = [0, *cuts, len(text)]
    for index, (a, b) in enumerate(itertools.pairwise(bounds)):
        if index:
            etree.SubElement(run, f"{_W}br")
        if a < b:
            node = etree.SubElement(run, f"{_W}t")
            node.text = text[a:b]
            if node.text != node.text.strip():
                node.set(_XML_SPACE, "preserve")


def _check_complete(body: etree._Element, source: str) -> None:
    """Refuse a render that lost the end of the document.

    docxtpl re-parses the rendered XML with a recovering parser: a character XML cannot hold
    makes it drop everything after it, silently (5 of 25 paragraphs, measured). Validation refuses
    such characters; this is the last guard: the body of a whole document ends with its section
    properties, a cut one does not.
    """
    last = body[-1] if len(body) else None
    if last is None or last.tag != f"{_W}sectPr":
        raise TemplateError(
            f"渲染模板 {source} 的结果不完整（文档末尾的页面设置丢失，其后的内容可能被截去）；"
            "请检查数据中是否有控制字符等无法写入文档的字符"
        )


def render_metadata(manifest: TemplateManifest, context: Mapping[str, Any]) -> dict[str, str]:
    """Evaluate the manifest's ``[metadata]`` expressions (题名, 文号, 成文日期, ...) as plain text.

    Under the limits of the render under way, or of its own when called alone.
    """
    result = {}
    with budget(manifest.id):
        for key, expression in manifest.metadata.items():
            try:
                result[key] = " ".join(_TEXT_ENV.from_string(expression).render(context).split())
            except RenderLimitError:
                raise
            except RecursionError as exc:
                raise RenderLimitError(manifest.id, "recursion", f"清单中 metadata.{key} 递归过深") from exc
            except MemoryError as exc:
                raise RenderLimitError(manifest.id, "memory", f"清单中 metadata.{key} 生成的内容过大") from exc
            except (jinja2.TemplateError, TypeError, ArithmeticError, LookupError, AttributeError, ValueError,
                    SyntaxError) as exc:  # fmt: skip
                raise TemplateError(f"模板 {manifest.id} 清单中 metadata.{key} 无法求值：{exc}") from exc
    return result


def prepare_context(context: Mapping[str, Any], *, mask_names: bool) -> dict[str, Any]:
    """The context as rendered: with people's names masked for a public version."""
    return mask_people(dict(context)) if mask_names else dict(context)


def _set_properties(
    template: DocxTemplate,
    manifest: TemplateManifest,
    metadata: Mapping[str, str],
    context: Mapping[str, Any],
) -> None:
    props = template.docx.core_properties
    # core properties hold at most 255 characters (python-docx refuses more); the document keeps it all
    props.title = (metadata.get("title") or manifest.title)[:255]
    props.subject = manifest.kind
    props.category = manifest.kind
    props.keywords = metadata.get("doc_number", "")[:255]
    props.author = (metadata.get("issuer") or "lianzheng-docs")[:255]
    props.last_modified_by = "lianzheng-docs"
    when = context.get("date")
    stamp = (
        datetime(when.year, when.month, when.day, tzinfo=UTC)
        if isinstance(when, CnDate)
        else datetime(2026, 1, 1, tzinfo=UTC)
    )
    props.created = props.modified = stamp
    props.revision = 1
    props.identifier = manifest.id
