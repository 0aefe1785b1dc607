"""The template catalog: find templates, look them up by id, render them.

Templates come from *sources*: a folder or a package's resources holding ``<id>.toml``
manifests beside their ``.docx`` files. The built-in templates are one such source, found
through :mod:`importlib.resources` so they work the same from a checkout and from an installed
wheel; sub-unit plugins add theirs the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import date
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..docxzip import restore_namespaces
from ..errors import TemplateError, TemplateNotFound, ValidationError
from ..gbt9704 import docnumber
from ..plugins.ownership import LOCAL_OWNERS, describe_owner, namespace
from ..plugins.sources import TemplateSource
from .attachments import Attachment, compose, parse_attachments
from .examples import example_data
from .manifest import FieldType, TemplateManifest, parse_manifest
from .rendering import RenderedDocument, prepare_context, render_docx, render_metadata
from .validation import validate

if TYPE_CHECKING:
    from ..plugins.manager import Plugins

restore_namespaces()  # rendering imported docxtpl, which may have imported docxcompose

__all__ = ["LOCAL_OWNERS", "Catalog", "Template", "TemplateSource", "load_source"]

# LOCAL_OWNERS (imported above): "builtin" and "local", whose template ids are not namespaced


def load_source(source: TemplateSource, broken: list[str] | None = None) -> list[Template]:
    """Every template in ``source``, in id order.

    A broken manifest or a missing .docx raises TemplateError, unless ``broken`` is given: then its
    message is added there and the template left out, so one broken template of a plugin does not
    take the plugin's others with it.
    """
    templates = []
    for entry in sorted(source.root.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml") or not entry.is_file():
            continue
        where = f"{source.owner}:{entry.name}"
        try:
            manifest = parse_manifest(entry.read_text(encoding="utf-8"), source=where, template_id=entry.name[:-5])
            docx = source.root / manifest.docx
            if not docx.is_file():
                raise TemplateError(f"模板清单 {where} 指向的 {manifest.docx} 不存在")
        except TemplateError as exc:
            if broken is None:
                raise
            broken.append(exc.message)
            continue
        templates.append(Template(manifest, source.owner, docx))
    return templates


class Template:
    """One template: its manifest, its .docx, and how to validate and render data for it."""

    def __init__(
        self, manifest: TemplateManifest, owner: str, docx: Traversable, *, plugins: Plugins | None = None
    ) -> None:
        self.manifest = manifest
        self.owner = owner
        self.docx_resource = docx
        #: the plugin manager to ask this template's owner (the process's own when None)
        self.plugins = plugins
        self._docx_bytes: bytes | None = None
        self._lock = threading.Lock()

    @property
    def id(self) -> str:
        """The catalog id: a plugin's templates are namespaced by the plugin (``tzps:report``)."""
        if self.owner in LOCAL_OWNERS or ":" in self.manifest.id:
            return self.manifest.id
        return f"{self.owner}:{self.manifest.id}"

    @property
    def title(self) -> str:
        return self.manifest.title

    def __repr__(self) -> str:
        return f"<Template {self.id} ({self.owner})>"

    def docx_bytes(self) -> bytes:
        """The template .docx, read once and kept (each render parses its own copy)."""
        with self._lock:
            if self._docx_bytes is None:
                self._docx_bytes = self.docx_resource.read_bytes()
            return self._docx_bytes

    def validate(self, data: Mapping[str, Any], *, base_dir: Path | None = None) -> dict[str, Any]:
        """Check ``data`` against the manifest; returns the render context or raises ValidationError.

        ``attachments`` (附件, any template may carry them) are checked too, with every other problem.
        """
        return self._checked(data, base_dir)[0]

    def _checked(self, data: Mapping[str, Any], base_dir: Path | None) -> tuple[dict[str, Any], list[Attachment]]:
        problems = []
        draft = self._draft_number(data)
        if draft is not None:  # validated as if numbered, then shown with its sequence blank
            data = {**data, "doc_number": draft.replace(docnumber.DRAFT_BLANK, "1")}
        try:
            context = validate(self.manifest, {key: value for key, value in data.items() if key != "attachments"})
        except ValidationError as exc:
            problems, context = list(exc.problems), {}
        if draft is not None and context:
            context["doc_number"] = draft
        attachments = parse_attachments(data.get("attachments"), problems, base_dir=base_dir)
        if problems:
            raise ValidationError(self.id, problems)  # the catalog id: xian:talk_notice, not talk_notice
        return context, attachments

    def render(
        self, data: Mapping[str, Any], *, mask_names: bool = False, base_dir: Path | None = None,
        prepared: bool = False,
    ) -> RenderedDocument:  # fmt: skip
        """Validate ``data`` and render the document, with its 附件 when the data lists some.

        :param mask_names: the public version (通报曝光): every person's name becomes 张某某.
        :param base_dir: where relative paths in ``attachments`` are found (the data file's folder).
        :param prepared: ``data`` has been through :meth:`prepared` already (the archive numbers the
            prepared data, so the owner's hook runs once and cannot change the number afterwards).
        :raises ValidationError: the data does not satisfy the manifest (every problem listed).
        :raises TemplateError: the template itself is broken.
        """
        restore_namespaces()  # in case docxcompose was imported since (it rebinds a prefix python-docx needs)
        raw, attachments = self._checked(data if prepared else self.prepared(data), base_dir)
        context = prepare_context(raw, mask_names=mask_names)
        document = render_docx(self.manifest, self.docx_bytes(), context, source=self.id)
        if docnumber.is_draft(str(raw.get("doc_number", ""))):
            document = replace(document, metadata={**document.metadata, "doc_number": ""}, unnumbered=True)
        if not attachments:
            return document

        def render_other(template_id: str, other: Mapping[str, Any]) -> bytes:
            return Catalog.default().get(template_id).render(other, mask_names=mask_names).content

        return replace(document, content=compose(document.content, attachments, render_other))

    def metadata(self, data: Mapping[str, Any]) -> dict[str, str]:
        """The archive metadata (题名, 成文日期, ...) ``data`` would give, without rendering the document."""
        raw = self._checked(self.prepared(data), None)[0]
        metadata = render_metadata(self.manifest, prepare_context(raw, mask_names=False))
        if docnumber.is_draft(str(raw.get("doc_number", ""))):
            metadata["doc_number"] = ""
        return metadata

    def _draft_number(self, data: Mapping[str, Any]) -> str | None:
        """The blank 文号 of a draft, when the template is numbered and ``data`` gives no 发文字号.

        The one rule for 文号: the archive gives them. Example data carries none; a document
        rendered without one is a 待编号稿 (``X财党〔2026〕　　号``) and filing it numbers it; a
        文号 written in the data (one another system gave) is used as it is.
        """
        spec = self.manifest.field("doc_number")
        if spec is None or spec.type is not FieldType.DOC_NUMBER or data.get("doc_number") not in (None, ""):
            return None
        prefix = self.number_prefix()  # only now: a plugin's answer may be refused
        return docnumber.draft_number(prefix, numbering_year(data)) if prefix else None

    def prepared(self, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """``data`` after the owning plugin filled in its defaults (built-in templates: unchanged)."""
        if self.owner in LOCAL_OWNERS:
            return data
        changed = self._plugins().prepare_data(self.owner, self.id, dict(data))
        return data if changed is None else changed

    def check_number(self, doc_number: str) -> None:
        """Refuse a 发文字号 whose 机关代字 is registered to another owner than this template's: a
        plugin's document never takes a number of the bureau's sequence, nor the bureau's a plugin's.

        :raises TemplateError: naming the 代字 and its owner.
        """
        found = docnumber.parse_doc_number(doc_number)
        if found is None or self.owner == "local":
            return
        from ..plugins.ownership import describe_owner, normalise_prefix

        holder = self._plugins().prefixes.get(normalise_prefix(found[0]))
        if holder is not None and holder != self.owner:
            raise TemplateError(
                f"发文字号 {doc_number} 的机关代字 {found[0]} 属于{describe_owner(holder)}，"
                f"模板 {self.id} 的文件不能用它编号"
            )

    def number_prefix(self) -> str:
        """The 机关代字 this template's documents are numbered with: the owner's answer, else the manifest's."""
        if self.owner not in LOCAL_OWNERS:
            prefix = self._plugins().number_prefix(self.owner, self.id)
            if prefix:
                return prefix
        return self.manifest.number_prefix

    def _plugins(self) -> Plugins:
        if self.plugins is not None:
            return self.plugins
        from ..plugins.manager import get_plugins

        return get_plugins()

    def example(self) -> dict[str, Any]:
        """Complete, valid sample data built from the manifest's examples and defaults."""
        return example_data(self.manifest)


def numbering_year(data: Mapping[str, Any]) -> int:
    """The year a document is numbered in (the 〔年份〕 of its 文号): its date's, else its year
    field's, else this year's."""
    for value in (data.get("date"), data.get("year")):
        if isinstance(value, date):
            return value.year
        if isinstance(value, int) and not isinstance(value, bool) and 1900 < value < 3000:
            return value
        if isinstance(value, str) and value[:4].isdigit():
            return int(value[:4])
    return date.today().year


class Catalog:
    """Templates by id. ``Catalog.default()`` holds the built-in templates."""

    def __init__(self, templates: Iterable[Template]) -> None:
        self._templates: dict[str, Template] = {}
        for template in templates:
            existing = self._templates.get(template.id)
            if existing is not None:
                raise TemplateError(f"模板 id {template.id!r} 重复：{existing.owner} 与 {template.owner} 都提供了它")
            self._templates[template.id] = template

    @classmethod
    def from_sources(cls, sources: Iterable[TemplateSource]) -> Catalog:
        return cls(t for source in sources for t in load_source(source))

    @classmethod
    def default(cls) -> Catalog:
        """The built-in templates and those of every plugin that loaded (see ``lianzheng plugins list``)."""
        from ..plugins.manager import get_plugins

        return cls.from_plugins(get_plugins())

    @classmethod
    def from_plugins(cls, plugins: Plugins) -> Catalog:
        """Templates of all plugins in service. A plugin's broken template (its manifest, its .docx) is
        left out and the plugin marked degraded with the reason; a plugin none of whose templates is
        usable, or that claims another's id, is marked failed, alone.

        Which ids and 机关代字 a plugin may claim was settled when the plugins loaded
        (:mod:`lianzheng_docs.plugins.ownership`); this checks the ids again as the manifests give them.
        """
        catalog = cls([])
        for owner, source in plugins.template_sources():
            broken: list[str] | None = None if owner == "builtin" else []
            try:
                try:
                    templates = load_source(source, broken)
                except OSError as exc:
                    raise TemplateError(f"模板文件夹无法读取：{type(exc).__name__}: {exc}") from exc
                if broken and not templates:  # nothing of it is usable: out of service, as before
                    raise TemplateError("；".join(broken))
                for template in templates:
                    template.plugins = plugins
                    space = namespace(template.id)
                    if owner not in LOCAL_OWNERS and space != owner:
                        raise TemplateError(
                            f"模板 id {template.id} 属于{describe_owner(space)}，插件 {owner} 不能提供它"
                        )
                    if template.id in catalog._templates:
                        other = describe_owner(catalog._templates[template.id].owner)
                        both = f"{other}、{describe_owner(owner)}"
                        raise TemplateError(f"模板 id {template.id!r} 重复：{both} 都提供了它")
            except TemplateError as exc:
                if owner == "builtin":
                    # the package's own templates are broken: every command must say so, not carry on
                    # with an empty catalog (which is what marking the built-in plugin failed did)
                    raise TemplateError(f"内置模板有误（程序安装不完整或模板被改坏）：{exc.message}") from exc
                plugins.mark_failed(owner, exc.message)
                continue
            for template in templates:
                catalog._templates[template.id] = template
            plugins.add_templates(owner, [template.id for template in templates])
            for message in broken or []:  # the plugin's other templates serve; these are named
                plugins.degrade(owner, f"模板无法使用，已略去：{message}")
        return catalog

    @classmethod
    def from_folder(cls, path: str | Path, owner: str = "local") -> Catalog:
        return cls.from_sources([TemplateSource.folder(path, owner)])

    def __iter__(self) -> Iterator[Template]:
        return iter(sorted(self._templates.values(), key=lambda t: t.id))

    def __len__(self) -> int:
        return len(self._templates)

    def __contains__(self, template_id: object) -> bool:
        return template_id in self._templates

    def ids(self) -> list[str]:
        return sorted(self._templates)

    def get(self, template_id: str) -> Template:
        """The template with this id, or :class:`TemplateNotFound` suggesting the closest id."""
        try:
            return self._templates[template_id]
        except KeyError:
            raise TemplateNotFound(template_id, self.ids()) from None
