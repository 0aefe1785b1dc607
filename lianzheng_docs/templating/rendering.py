"""Render a template's .docx with validated data, safely and the same way every time.

Three guards, each against a failure measured with docxtpl: autoescape on (without it ``&`` and
``<...>`` vanish from the text and break the XML), strict undefined variables (without it a
missing variable renders as nothing), and a fresh ``DocxTemplate`` per document (one shared
across threads mixed documents up). Templates run in Jinja's sandbox, because sub-units bring
their own. The .docx written is deterministic: same template and data, same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

from ..chinese import cn_number, mask_people
from ..docxzip import normalize_docx
from ..errors import TemplateError
from ..fileio import write_atomic
from ..values import CnDate
from .manifest import TemplateManifest


def make_environment(*, autoescape: bool = True) -> SandboxedEnvironment:
    """The sandboxed Jinja environment every template renders in."""
    env = SandboxedEnvironment(autoescape=autoescape, undefined=jinja2.StrictUndefined)
    env.filters["cn_num"] = cn_number
    return env


_DOCX_ENV = make_environment()
_TEXT_ENV = make_environment(autoescape=False)


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered .docx in memory, with the archive metadata its manifest derives."""

    template_id: str
    content: bytes
    metadata: Mapping[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """The document's own title (题名), e.g. 关于…的通报."""
        return self.metadata.get("title", "")

    def save(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the .docx atomically; refuses to replace an existing file unless ``overwrite``."""
        return write_atomic(path, self.content, overwrite=overwrite)


def render_docx(
    manifest: TemplateManifest, docx_bytes: bytes, context: Mapping[str, Any], *, source: str
) -> RenderedDocument:
    """Render validated ``context`` into the template; ``source`` names it in errors."""
    metadata = render_metadata(manifest, context)
    try:
        template = DocxTemplate(io.BytesIO(docx_bytes))
        template.render(dict(context), jinja_env=_DOCX_ENV, autoescape=True)
        _set_properties(template, manifest, metadata, context)
        buffer = io.BytesIO()
        template.save(buffer)
    except jinja2.UndefinedError as exc:
        raise TemplateError(
            f"模板 {source} 用到了数据中没有的变量：{exc.message}。请在模板清单中声明该字段，或修正模板中的变量名。"
        ) from exc
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(f"模板 {source} 试图执行不安全的操作，已被沙箱拦截：{exc}") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"模板 {source} 的标签有语法错误（第{exc.lineno}行附近）：{exc.message}") from exc
    except (jinja2.TemplateError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise TemplateError(f"渲染模板 {source} 失败：{exc}") from exc
    return RenderedDocument(manifest.id, normalize_docx(buffer.getvalue()), metadata)


def render_metadata(manifest: TemplateManifest, context: Mapping[str, Any]) -> dict[str, str]:
    """Evaluate the manifest's ``[metadata]`` expressions (题名, 文号, 成文日期, ...) as plain text."""
    result = {}
    for key, expression in manifest.metadata.items():
        try:
            result[key] = " ".join(_TEXT_ENV.from_string(expression).render(context).split())
        except jinja2.TemplateError as exc:
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
