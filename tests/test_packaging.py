"""The wheel carries the built-in templates: built, installed in a fresh venv, and used there.

An editable install reads templates from the checkout and would hide package data the wheel
forgot; this test installs the real wheel where the checkout is out of sight.
"""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from datetime import date

import pytest

from lianzheng_docs import Catalog

from conftest import ROOT

pytestmark = pytest.mark.slow


def build_wheel(source, out):
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
               "--wheel-dir", str(out), str(source)]  # fmt: skip
    subprocess.run(command, check=True)


def project_wheel(tmp_path_factory):
    """The project's wheel, built once per test session (test_plugin_authoring installs it too)."""
    out = tmp_path_factory.getbasetemp() / "project-wheel"
    if not out.exists():  # built aside, then moved: a failed build leaves nothing to reuse
        building = tmp_path_factory.mktemp("project-wheel-building")
        build_wheel(ROOT, building)
        building.rename(out)
    (path,) = out.glob("lianzheng_docs-*.whl")
    return path


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    return project_wheel(tmp_path_factory)


@pytest.fixture(scope="module")
def plugin_wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("plugin_wheel")
    build_wheel(ROOT / "plugins" / "lianzheng-tzps", out)
    (path,) = out.glob("lianzheng_tzps-*.whl")
    return path


def test_wheel_contains_templates_and_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for template_id in Catalog.default().ids():
        assert f"lianzheng_docs/builtin_templates/{template_id}.docx" in names
        assert f"lianzheng_docs/builtin_templates/{template_id}.toml" in names
    # every module and data file of the source tree, so a new folder missing from pyproject's package
    # list (which an editable install would hide) fails here
    source = ROOT / "lianzheng_docs"
    shipped = sorted(
        path.relative_to(ROOT).as_posix()
        for path in source.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )
    assert len(shipped) > 90
    assert [name for name in shipped if name not in names] == []
    assert "lianzheng_docs/duties/obligations/obligations.toml" in names and "lianzheng_docs/duties/tasks.toml" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "lianzheng = lianzheng_docs.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_renders_every_template(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)], check=True
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    lianzheng = env_dir / "bin" / "lianzheng"
    listed = subprocess.run([str(lianzheng), "templates", "list", "--json"], cwd=work, capture_output=True, check=True)
    assert {t["id"] for t in json.loads(listed.stdout)} == set(Catalog.default().ids())
    made = subprocess.run([str(lianzheng), "samples", "-o", "out", "--json"], cwd=work, capture_output=True, check=True)
    paths = [work / item["path"] for item in json.loads(made.stdout)]
    from lianzheng_docs.templating.samples import sample_variants

    expected = sum(len(sample_variants(t, date.today())) for t in Catalog.default())
    assert len(paths) == expected > len(Catalog.default())  # each copy of a 分别报送, the public 通报
    assert all(p.read_bytes().startswith(b"PK") for p in paths)
    command = [str(python), "-c", "import lianzheng_docs; print(lianzheng_docs.__file__)"]
    where = subprocess.run(command, cwd=work, capture_output=True, check=True)
    assert str(ROOT) not in where.stdout.decode()  # the installed copy, not the checkout


def test_the_example_plugin_from_its_wheel(wheel, plugin_wheel, tmp_path):
    """Installed from wheels (not editable), the plugin's templates render, file and are found."""
    names = set(zipfile.ZipFile(plugin_wheel).namelist())
    assert "lianzheng_tzps/templates/rectification_report.docx" in names
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    pip = [str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, str(wheel), str(plugin_wheel)], check=True)
    lianzheng = str(env_dir / "bin" / "lianzheng")
    work = tmp_path / "work"
    work.mkdir()

    def run(*args):
        return subprocess.run([lianzheng, *args], cwd=work, capture_output=True, check=True, text=True).stdout

    plugins = {p["name"]: p for p in json.loads(run("plugins", "list", "--json"))}
    assert plugins["tzps"]["status"] == "loaded" and plugins["tzps"]["distribution"] == "lianzheng-tzps"
    assert plugins["tzps"]["templates"] == ["tzps:rectification_report"]
    example = run("example", "tzps:rectification_report", "--today", "2026-11-30")  # years fixed, whatever today is
    example = example.replace("doc_number: X财评〔2026〕4号", "")
    (work / "d.yaml").write_text(example, encoding="utf-8")
    record = json.loads(run("render", "tzps:rectification_report", "--data", "d.yaml", "--archive", "--json"))
    assert record["doc_number"] == "X财评〔2026〕1号" and record["template_id"] == "tzps:rectification_report"
    found = json.loads(run("search", "评审报告", "--json"))
    assert found["total"] == 1 and found["hits"][0]["doc_number"] == "X财评〔2026〕1号"
    statuses = json.loads(run("status", "--json"))["statuses"]  # built-in obligations plus the plugin's
    mine = next(s for s in statuses if s["obligation"] == "tzps:rectification_report")
    assert mine["owner"] == "tzps" and mine["state"] == "event" and mine["party"] == "财政投资评审中心"
    assert any(s["obligation"] == "dual_report_h1" for s in statuses)
    print(run("plugins", "list"))
