"""``lianzheng plugins check`` beyond the source tree: build the plugin's wheel and look at what installs.

An editable install, and a check of the source folder, read templates from the checkout, so a
``pyproject.toml`` that forgets the templates package or its ``*.docx`` passes both and ships a
wheel without them. Here the project is copied (without ``build/``, ``dist/``, ``*.egg-info``, whose
stale files setuptools would reuse), built with ``pip wheel --no-deps`` (the build backend of this
environment when it has one, so no network is needed), and the wheel is

1. listed: every template file of the source tree must be in it;
2. unpacked as a site folder and loaded in a fresh Python process, which imports the plugin from
   the wheel's copy only, registers it and loads its templates as ``lianzheng`` would: the
   templates the installed plugin provides must be those of the source tree.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["WheelCheck", "check_wheel"]

_SKIPPED = shutil.ignore_patterns("build", "dist", "*.egg-info", ".venv", "venv", ".git", "__pycache__", ".*_cache")

#: run in the fresh process: load the plugins of the unpacked wheel alone, print what they provide
_PROBE = r"""
import json, sys
from importlib import metadata
site = sys.argv[1]
sys.path.insert(0, site)
from lianzheng_docs.plugins.hookspecs import ENTRY_POINT_GROUP
from lianzheng_docs.plugins.manager import Plugins
from lianzheng_docs.templating.catalog import Catalog
found, problems = {}, []
for dist in metadata.distributions(path=[site]):
    for entry in dist.entry_points:
        if entry.group == ENTRY_POINT_GROUP:
            try:
                found[entry.name] = entry.load()
            except Exception as exc:
                problems.append(f"安装后的插件 {entry.name} 导入失败：{type(exc).__name__}: {exc}")
plugins = Plugins(autoload=False, extra=found)
Catalog.from_plugins(plugins)
report = {name: {"status": plugins.info[name].status, "why": plugins.info[name].explanation,
                 "templates": plugins.info[name].templates, "location": plugins.info[name].location}
          for name in found}
print(json.dumps({"plugins": report, "problems": problems}, ensure_ascii=False))
"""


@dataclass
class WheelCheck:
    wheel: str | None = None  # the wheel's file name, once built
    problems: list[str] = field(default_factory=list)


def check_wheel(project: Path, templates: dict[str, list[Path]], work: Path) -> WheelCheck:
    """Build ``project``'s wheel under ``work`` and check it carries ``templates`` (plugin -> files).

    :param templates: per plugin name, the template files (``.toml`` and ``.docx``) of the source tree.
    """
    result = WheelCheck()
    copy = work / "source"
    shutil.copytree(project, copy, ignore=_SKIPPED)
    out = work / "wheel"
    built = _build(copy, out)
    if isinstance(built, str):
        result.problems.append(built)
        return result
    result.wheel = built.name
    with zipfile.ZipFile(built) as archive:
        names = archive.namelist()
        site = work / "site"
        archive.extractall(site)
    for files in templates.values():
        for file in files:
            relative = file.resolve().relative_to(project.resolve()).as_posix()
            if not any(name == relative or relative.endswith(f"/{name}") for name in names):
                result.problems.append(
                    f"wheel {built.name} 中没有 {relative}：检查 pyproject.toml 的 packages 是否列出了模板所在的包、"
                    f"package-data 是否包含 *{file.suffix}"
                )
    result.problems.extend(_probe(site, templates, built.name, work))
    return result


def _build(project: Path, out: Path) -> Path | str:
    """The built wheel, or what went wrong (in Chinese)."""
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
               "--wheel-dir", str(out), str(project)]  # fmt: skip
    if _backend_available(project):
        command.insert(4, "--no-build-isolation")  # this environment's setuptools: no download needed
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return "打包（pip wheel）超过 10 分钟未完成"
    wheels = sorted(out.glob("*.whl"))
    if done.returncode != 0 or len(wheels) != 1:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-6:])
        return f"无法打出 wheel（{' '.join(command[2:5])} 失败，退出码 {done.returncode}）：\n{tail}"
    return wheels[0]


def _backend_available(project: Path) -> bool:
    try:
        config = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return False
    system = config.get("build-system", {})
    backend = str(system.get("build-backend", "setuptools.build_meta"))
    # each requirement's import name: "setuptools>=68" -> setuptools, "hatch-vcs" -> hatch_vcs
    requires = [str(r).strip() for r in system.get("requires", [])]
    names = [re.split(r"[\s<>=!~;\[]", r, maxsplit=1)[0].replace("-", "_") for r in requires]
    modules = [backend.split(":")[0], *(name for name in names if name)]
    try:
        return all(importlib.util.find_spec(module) is not None for module in modules)
    except (ImportError, ValueError):
        return False


def _probe(site: Path, templates: dict[str, list[Path]], wheel: str, work: Path) -> list[str]:
    """Load the unpacked wheel's plugins in a fresh process; what the installed copy lacks."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["LIANZHENG_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        done = subprocess.run([sys.executable, "-c", _PROBE, str(site)], capture_output=True, text=True,
                              cwd=work, env=env, timeout=300)  # fmt: skip
    except subprocess.TimeoutExpired:
        return [f"装好 {wheel} 后加载插件超过 5 分钟未完成"]
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-6:])
        return [f"装好 {wheel} 后无法加载插件：\n{tail}"]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    problems: list[str] = list(report["problems"])
    installed = report["plugins"]
    for name, files in templates.items():
        if name not in installed:
            group = '[project.entry-points."lianzheng_docs.plugins"]'
            problems.append(f"{wheel} 没有声明插件 {name} 的入口点（{group}）")
            continue
        plugin = installed[name]
        if plugin["status"] not in ("loaded", "degraded"):
            problems.append(f"装好 {wheel} 后，插件 {name} 无法使用：{plugin['why']}")
            continue
        if plugin["location"] and not Path(plugin["location"]).resolve().is_relative_to(site.resolve()):
            problems.append(f"装好 {wheel} 后，插件 {name} 的代码来自 {plugin['location']} 而不是 wheel")
        expected = sorted({f"{name}:{file.stem}" for file in files if file.suffix == ".toml"})
        missing = [tid for tid in expected if tid not in plugin["templates"]]
        if missing:
            said = f"（插件加载时：{plugin['why']}）" if plugin["why"] else ""
            problems.append(f"装好 {wheel} 后，插件 {name} 找不到模板 {'、'.join(missing)}：模板没有打进 wheel{said}")
    return problems
