"""The example sub-unit plugin (plugins/lianzheng-tzps), checked in place without installing it."""

from __future__ import annotations

import importlib.util
import io
import sys
import zipfile

import pytest

from lianzheng_docs import check_document
from lianzheng_docs.templating.catalog import Catalog, TemplateSource
from lianzheng_docs.templating.lint import lint_template

from conftest import ROOT

PLUGIN = ROOT / "plugins" / "lianzheng-tzps"


@pytest.fixture(scope="module")
def plugin_module():
    sys.path.insert(0, str(PLUGIN))
    try:
        import lianzheng_tzps.plugin as module

        yield module
    finally:
        sys.path.remove(str(PLUGIN))


@pytest.fixture(scope="module")
def template():
    source = TemplateSource.folder(PLUGIN / "lianzheng_tzps" / "templates", owner="tzps")
    (found,) = Catalog.from_sources([source])
    return found


def test_the_template_agrees_with_its_manifest_and_passes_the_checker(template):
    assert template.id == "tzps:rectification_report"
    assert lint_template(template.manifest, template.docx_bytes()) == []
    document = template.render(template.example())
    report = check_document(document.content, name="整改报告.docx")
    assert report.kind == "上行文" and report.passed, [str(f) for f in report.errors]


def test_the_committed_docx_matches_a_fresh_build():
    spec = importlib.util.spec_from_file_location("tzps_build", PLUGIN / "build_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = zipfile.ZipFile(io.BytesIO(module.rectification_report().to_bytes()))
    committed = zipfile.ZipFile(PLUGIN / "lianzheng_tzps" / "templates" / "rectification_report.docx")
    assert all(fresh.read(n) == committed.read(n) for n in fresh.namelist())


def test_hooks(plugin_module, template):
    # the 代字 is declared once, in the manifest, and registered to the plugin when it loads
    assert template.manifest.number_prefix == "X财评"
    assert not hasattr(plugin_module, "lianzheng_number_prefix")
    prepared = plugin_module.lianzheng_prepare_data(template_id="tzps:rectification_report", data={})
    assert prepared["signer"] == "周红"
    assert {u["name"] for u in plugin_module.lianzheng_units()} >= {"财政投资评审中心", "综合科"}
    (obligation,) = plugin_module.lianzheng_obligations()
    assert obligation["template"] == "tzps:rectification_report"


def test_loaded_through_the_manager_it_owns_its_prefix(plugin_module):
    from lianzheng_docs.plugins.manager import Plugins

    plugins = Plugins(autoload=False, extra={"tzps": plugin_module})
    catalog = Catalog.from_plugins(plugins)
    assert plugins.info["tzps"].status == "loaded" and plugins.info["tzps"].prefixes == ["X财评"]
    assert plugins.prefixes["X财评"] == "tzps" and plugins.prefixes["X财党"] == "builtin"
    assert catalog.get("tzps:rectification_report").number_prefix() == "X财评"
