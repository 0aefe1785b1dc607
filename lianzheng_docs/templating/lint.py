"""Check that a template's .docx and its manifest agree, field by field.

A variable the .docx uses but the manifest does not declare would fail at render time for
every clerk; a declared field the .docx never uses silently swallows the data typed into it.
Both are reported, down to the fields of records (``task.deadline``) and the attributes of
people, units and dates (``secretary.post``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import nodes

from .manifest import FieldSpec, FieldType, TemplateManifest
from .rendering import make_environment

# Attributes templates may read from the value types of lianzheng_docs.values.
VALUE_ATTRIBUTES = {
    FieldType.PERSON: {"name", "post", "with_post"},
    FieldType.UNIT: {"name", "short"},
    FieldType.DATE: {"year", "month", "day", "iso", "compact"},
}
_JINJA_GLOBALS = {"loop", "range", "dict", "lipsum", "cycler", "joiner", "namespace", "true", "false", "none"}


@dataclass(frozen=True)
class _Item:
    """What a loop variable stands for: one record of ``spec``, or one text of a list."""

    spec: FieldSpec | None  # None: plain text


def template_source(docx_bytes: bytes) -> str:
    """The Jinja source docxtpl would render: body, headers and footers, tags repaired."""
    template = DocxTemplate(io.BytesIO(docx_bytes))
    document = template.get_docx()
    parts = [template.patch_xml(template.xml_to_string(document.element.body))]
    for relationship in document.part.rels.values():
        if relationship.reltype in (template.HEADER_URI, template.FOOTER_URI):
            xml = template.xml_to_string(parse_xml(relationship.target_part.blob))
            parts.append(template.patch_xml(xml))
    return "\n".join(parts)


def lint_template(manifest: TemplateManifest, docx_bytes: bytes) -> list[str]:
    """Every disagreement between ``manifest`` and the template, in Chinese; empty when none."""
    env = make_environment()
    sources = [template_source(docx_bytes), *manifest.metadata.values()]
    checker = _Checker(manifest)
    for source in sources:
        checker.visit(env.parse(source), {})
    problems = list(checker.problems)
    for spec in manifest.fields:
        if spec.name not in checker.used:
            problems.append(f"字段 {spec.name}（{spec.label}）在清单中声明了，但模板从未使用")
        for sub in spec.fields:
            if f"{spec.name}.{sub.name}" not in checker.used:
                problems.append(f"字段 {spec.name}.{sub.name}（{sub.label}）在清单中声明了，但模板从未使用")
    return sorted(set(problems), key=problems.index)


class _Checker:
    def __init__(self, manifest: TemplateManifest) -> None:
        self.fields = {f.name: f for f in manifest.fields}
        self.used: set[str] = set()
        self.problems: list[str] = []

    def visit(self, node: nodes.Node, scope: dict[str, _Item]) -> None:
        if isinstance(node, nodes.For):
            self.visit(node.iter, scope)
            inner = dict(scope)
            item = self._item_of(node.iter, scope)
            for name in _target_names(node.target):
                inner[name] = item
            for child in [*node.body, *node.else_]:
                self.visit(child, inner)
            if node.test is not None:
                self.visit(node.test, inner)
            return
        if isinstance(node, nodes.Getattr):
            self._resolve(node, scope)
            return
        if isinstance(node, nodes.Name) and node.ctx == "load":
            self._resolve(node, scope)
            return
        for child in node.iter_child_nodes():
            self.visit(child, scope)

    def _resolve(self, node: nodes.Node, scope: dict[str, _Item]) -> FieldSpec | _Item | None:
        """The field (or loop item) an expression reads, recording it as used."""
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if node.name in _JINJA_GLOBALS:
                return None
            spec = self.fields.get(node.name)
            if spec is None:
                self.problems.append(f"模板使用了清单未声明的变量 {node.name}")
                return None
            self.used.add(spec.name)
            return spec
        if isinstance(node, nodes.Getattr):
            if isinstance(node.node, (nodes.Name, nodes.Getattr)):
                return self._attribute(self._resolve(node.node, scope), node.attr)
            self.visit(node.node, scope)
        return None

    def _attribute(self, base: FieldSpec | _Item | None, attr: str) -> FieldSpec | None:
        if isinstance(base, _Item):
            record = base.spec
            if record is None:
                return None
            sub = record.subfield(attr)
            if sub is None:
                self.problems.append(f"模板使用了 {record.name} 记录中未声明的字段 {attr}")
                return None
            self.used.add(f"{record.name}.{sub.name}")
            return sub
        if isinstance(base, FieldSpec):
            allowed = VALUE_ATTRIBUTES.get(base.type)
            if allowed is None or attr not in allowed:
                self.problems.append(f"模板读取了 {base.name}.{attr}，但 {base.name} 是{base.type.label}，没有该属性")
        return None

    def _item_of(self, iterable: nodes.Node, scope: dict[str, _Item]) -> _Item:
        target: nodes.Node | None = iterable
        while isinstance(target, (nodes.Getitem, nodes.Filter)):
            target = target.node
        resolved = self._resolve(target, scope) if isinstance(target, (nodes.Name, nodes.Getattr)) else None
        if isinstance(resolved, FieldSpec) and resolved.type is FieldType.RECORDS:
            return _Item(resolved)
        return _Item(None)


def _target_names(target: nodes.Node) -> Iterator[str]:
    if isinstance(target, nodes.Name):
        yield target.name
    elif isinstance(target, nodes.Tuple):
        for item in target.items:
            yield from _target_names(item)
