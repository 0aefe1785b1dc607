"""The built-in templates: manifest and .docx agree, the .docx files are up to date."""

from __future__ import annotations

import importlib.util
import io
import zipfile

import pytest

from lianzheng_docs import Catalog
from lianzheng_docs.templating.lint import lint_template
from lianzheng_docs.templating.manifest import parse_manifest

from conftest import ROOT


def _build_module():
    spec = importlib.util.spec_from_file_location("build_templates", ROOT / "templates" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("template_id", Catalog.default().ids())
def test_manifest_and_template_agree(catalog, template_id):
    template = catalog.get(template_id)
    assert lint_template(template.manifest, template.docx_bytes()) == []


@pytest.mark.parametrize("template_id", Catalog.default().ids())
def test_example_data_renders(catalog, rendered, template_id):
    document = rendered[template_id]
    assert document.content.startswith(b"PK")
    assert document.title


def test_committed_templates_match_a_fresh_build(tmp_path):
    """Run `python templates/build.py` after changing the builder; this fails until you do."""
    build = _build_module()
    assert set(build.BUILDERS) == set(Catalog.default().ids())
    for path in build.build_all(tmp_path):
        committed = zipfile.ZipFile(ROOT / "templates" / path.name)
        fresh = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
        assert committed.namelist() == fresh.namelist(), path.name
        for name in fresh.namelist():
            assert committed.read(name) == fresh.read(name), f"{path.name}:{name} is stale"


def test_lint_catches_undeclared_unused_and_bad_attributes():
    manifest = parse_manifest(
        """
id = "probe"
title = "测试"
kind = "通知"
direction = "下行"
retention = "Y"

[[fields]]
name = "unused"
label = "未用"
type = "text"

[[fields]]
name = "signer"
label = "签发人"
type = "person"

[[fields]]
name = "tasks"
label = "任务"
type = "records"
  [[fields.fields]]
  name = "task"
  label = "任务"
  type = "text"
  [[fields.fields]]
  name = "owner"
  label = "责任人"
  type = "text"
""",
        source="probe.toml",
    )
    from lianzheng_docs.layout.builder import GongwenDocument

    doc = GongwenDocument(title="t")
    doc.paragraph("{{ signer.nickname }}{{ undeclared }}")
    doc.control("{%p for t in tasks %}")
    doc.paragraph("{{ t.task }}{{ t.deadline }}{{ loop.index }}")
    doc.control("{%p endfor %}")
    problems = lint_template(manifest, doc.to_bytes())
    assert any("undeclared" in p for p in problems)
    assert any("unused" in p and "从未使用" in p for p in problems)
    assert any("tasks.owner" in p for p in problems)
    assert any("deadline" in p and "未声明" in p for p in problems)
    assert any("signer.nickname" in p for p in problems)
    assert not any("loop" in p for p in problems)
