"""``plugins new`` prints a command that installs the folder, and ``plugins check`` builds the wheel and
checks what installs (issue 16): slow, each builds a wheel with pip."""

from __future__ import annotations

import json
import shlex
import subprocess

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


def test_the_printed_install_command_installs_the_folder_not_a_package_of_the_index(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    created = run("plugins", "new", "mycenter")
    assert created.exit_code == 0, created.output
    (line,) = [line for line in created.stdout.splitlines() if "-m pip install" in line]
    command = shlex.split(line.split("：", 1)[1])
    assert command[-1] == "./lianzheng-mycenter"  # a path: pip never looks the name up on an index
    site = tmp_path / "site"
    done = subprocess.run([*command, "--no-deps", "--quiet", "--disable-pip-version-check", "--target", str(site)],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (site / "lianzheng_mycenter" / "templates" / "notice.docx").is_file()


def test_check_builds_the_wheel_and_finds_templates_missing_from_it(run, tmp_path):
    assert run("plugins", "new", "mycenter", "--dir", tmp_path).exit_code == 0
    root = tmp_path / "lianzheng-mycenter"
    good = run("plugins", "check", root, "--json")
    assert good.exit_code == 0, good.output
    assert json.loads(good.stdout)["wheel"] == "lianzheng_mycenter-0.1.0-py3-none-any.whl"
    assert not (root / "build").exists()  # built from a copy: the author's folder is left as it was

    # the templates sub-package left out of the wheel; package-data still names *.toml and *.docx,
    # so only building the wheel shows it
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace('["lianzheng_mycenter", "lianzheng_mycenter.templates"]',
                                      '["lianzheng_mycenter"]'), encoding="utf-8")  # fmt: skip
    assert run("plugins", "check", root, "--no-build").exit_code == 0
    broken = run("plugins", "check", root)
    assert broken.exit_code == 1
    assert "中没有 lianzheng_mycenter/templates/notice.docx" in broken.stdout
    assert "中没有 lianzheng_mycenter/templates/notice.toml" in broken.stdout
    assert "插件 mycenter 找不到模板 mycenter:notice" in broken.stdout


def test_the_example_plugin_passes_with_its_wheel(run):
    checked = run("plugins", "check", ROOT / "plugins" / "lianzheng-tzps", "--json")
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.stdout)["templates"] == ["tzps:rectification_report"]
