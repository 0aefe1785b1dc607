"""Tools for plugin authors: a scaffold for a new plugin, and a check of a plugin's templates.

``scaffold`` writes a working plugin package (entry point, package data, hooks, one GB/T 9704
通知 template built with the layout kit); ``check_plugin`` finds a plugin's template folders and,
for each template, validates the manifest, lints the .docx against it, renders the example data
and judges the result with the GB/T 9704 checker (errors count for 公文 kinds), checks that its
机关代字 is not the bureau's, then that ``pyproject.toml`` declares the entry point and the
templates as package data, and finally builds the wheel and checks what installs
(:mod:`.wheelcheck`).
"""

from __future__ import annotations

import re
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import LianzhengError, OutputError
from ..layout.builder import GongwenDocument
from ..templating.catalog import Catalog
from .hookspecs import ENTRY_POINT_GROUP
from .sources import TemplateSource

NAME = re.compile(r"^[a-z][a-z0-9_]{1,30}$")


@dataclass
class PluginCheck:
    templates: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    wheel: str | None = None  # the file name of the wheel built and checked

    @property
    def ok(self) -> bool:
        return not self.problems


def check_plugin(path: Path, *, build: bool = True) -> PluginCheck:
    """Check a plugin project folder (or a folder of templates).

    :param build: also build the wheel (``pip wheel --no-deps``) and check what it installs; only
        for a project (a folder with ``pyproject.toml``).
    """
    from ..check import check_document
    from ..templating.lint import lint_template
    from .ownership import normalise_prefix

    result = PluginCheck()
    skipped = {"build", "dist", ".venv", "venv", ".git", "tests"}
    folders = sorted(
        {
            p.parent
            for p in path.rglob("*.toml")
            if p.name != "pyproject.toml"
            and not skipped & set(p.relative_to(path).parts)
            and not any(part.endswith(".egg-info") for part in p.parts)
        }
    )
    if not folders:
        result.problems.append(f"{path} 中没有找到模板清单（<id>.toml）")
    owner = _plugin_name(path) or "plugin"
    bureau = _builtin_prefixes()
    for folder in folders:
        try:
            catalog = Catalog.from_sources([TemplateSource.folder(folder, owner=owner)])
        except LianzhengError as exc:
            result.problems.append(exc.message)
            continue
        for template in catalog:
            result.templates.append(template.id)
            prefix = normalise_prefix(template.manifest.number_prefix)
            if prefix in bureau:
                result.problems.append(
                    f"{template.id}：机关代字 {prefix} 属于内置模板（如 {bureau[prefix]}），插件不能用它编号；"
                    "装上后插件会被拒绝。请在 [numbering] prefix 中写本单位的代字"
                )
            for problem in lint_template(template.manifest, template.docx_bytes()):
                result.problems.append(f"{template.id}：{problem}")
            try:
                document = template.render(template.example())
            except LianzhengError as exc:
                result.problems.append(f"{template.id}：示例数据无法渲染：{exc.message}")
                continue
            report = check_document(document.content, name=template.id)
            if template.manifest.is_gongwen:
                result.problems.extend(f"{template.id}：{finding}" for finding in report.errors)
    result.problems.extend(_packaging_problems(path))
    if build and _pyproject(path) is not None and _plugin_name(path):
        from .wheelcheck import check_wheel

        files = {owner: sorted(f for folder in folders for f in folder.iterdir() if f.suffix in (".toml", ".docx"))}
        with tempfile.TemporaryDirectory(prefix="lianzheng-plugin-check-") as work:
            built = check_wheel(path, files, Path(work))
        result.wheel = built.wheel
        result.problems.extend(built.problems)
    return result


def _builtin_prefixes() -> dict[str, str]:
    """机关代字 of the built-in templates -> one template using it."""
    from .ownership import claims

    found: dict[str, str] = {}
    for claim in claims("builtin", TemplateSource.builtin()):
        if claim.prefix:
            found.setdefault(claim.prefix, claim.template_id)
    return found


def _plugin_name(path: Path) -> str | None:
    config = _pyproject(path)
    entries = config.get("project", {}).get("entry-points", {}).get(ENTRY_POINT_GROUP, {}) if config else {}
    return next(iter(entries), None)


def _pyproject(path: Path) -> dict[str, Any] | None:
    file = path / "pyproject.toml"
    if not file.is_file():
        return None
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError:
        return {}


def _packaging_problems(path: Path) -> list[str]:
    config = _pyproject(path)
    if config is None:
        return []  # a bare folder of templates
    problems = []
    if not _plugin_name(path):
        problems.append(
            f'pyproject.toml 没有声明入口点 [project.entry-points."{ENTRY_POINT_GROUP}"]，lianzheng-docs 找不到这个插件'
        )
    text = (path / "pyproject.toml").read_text(encoding="utf-8")
    for pattern in ("*.toml", "*.docx"):
        if f'"{pattern}"' not in text:
            problems.append(f"pyproject.toml 的 package-data 没有包含 {pattern}：打出的 wheel 会缺少模板文件")
    return problems


def scaffold(name: str, target: Path) -> Path:
    """Write a new plugin project ``lianzheng-<name>/`` under ``target``; returns its folder."""
    if not NAME.match(name):
        raise OutputError(f"插件名 {name!r} 只能由小写字母、数字和下划线组成，以字母开头（2 到 31 位）")
    root = target / f"lianzheng-{name.replace('_', '-')}"
    if root.exists():
        raise OutputError(f"{root} 已存在")
    package = root / f"lianzheng_{name}"
    templates = package / "templates"
    templates.mkdir(parents=True)
    files = {
        root / "pyproject.toml": _PYPROJECT.format(name=name, dist=name.replace("_", "-"), group=ENTRY_POINT_GROUP),
        root / "README.md": _README.format(name=name, dist=name.replace("_", "-")),
        package / "__init__.py": f'"""lianzheng-docs plugin {name}."""\n',
        package / "plugin.py": _PLUGIN.format(name=name),
        templates / "__init__.py": '"""The plugin\'s templates (package data)."""\n',
        templates / "notice.toml": _MANIFEST,
    }
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    (templates / "notice.docx").write_bytes(_notice().to_bytes())
    return root


def _notice() -> GongwenDocument:
    doc = GongwenDocument(title="通知")
    doc.issuer_mark("{{ issuer_mark }}")
    doc.doc_number("{{ doc_number }}")
    doc.blank(2)
    doc.title("关于{{ subject }}的通知")
    doc.blank()
    doc.addressee("{{ addressees }}：")
    doc.control("{%p for para in body %}")
    doc.paragraph("{{ para }}")
    doc.control("{%p endfor %}")
    doc.signature("{{ issuer }}", "{{ date }}")
    doc.imprint(cc="cc", printed=["{{ printer }}", "\\t{{ date }}印发"])
    return doc


_PYPROJECT = """[build-system]
requires = ["setuptools>=68", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = "lianzheng-{dist}"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["lianzheng-docs>=0.1"]

[project.entry-points."{group}"]
{name} = "lianzheng_{name}.plugin"

[tool.setuptools]
packages = ["lianzheng_{name}", "lianzheng_{name}.templates"]

[tool.setuptools.package-data]
"lianzheng_{name}.templates" = ["*.toml", "*.docx"]
"""

_README = """# lianzheng-{dist}

A lianzheng-docs plugin. Put your unit's 机关代字 in `[numbering] prefix` of each template manifest
(`lianzheng_{name}/templates/*.toml`; X财某 is a placeholder, and a 代字 of the bureau's own templates
is refused). Check it with `lianzheng plugins check .` (this builds the wheel and checks what it
installs), install it from this folder into the environment lianzheng runs in with
`python -m pip install .` (that environment's python), then `lianzheng plugins list` and
`lianzheng example {name}:notice`.
"""

_PLUGIN = '''"""The hooks of plugin {name}: see docs/plugins.md of lianzheng-docs for every hook."""

from __future__ import annotations

from lianzheng_docs.hookspecs import TemplateSource, hookimpl


@hookimpl
def lianzheng_template_sources() -> list[TemplateSource]:
    # each template's 机关代字 is its manifest's [numbering] prefix: the plugin owns the 代字 it declares there
    return [TemplateSource.package("lianzheng_{name}.templates", owner="{name}")]
'''

_MANIFEST = """id = "notice"
title = "通知"
kind = "通知"
direction = "下行"
retention = "定期30年"

[numbering]
prefix = "X财某"

[metadata]
title = "关于{{ subject }}的通知"
doc_number = "{{ doc_number }}"
date = "{{ date.iso }}"
issuer = "{{ issuer }}"

[[fields]]
name = "issuer_mark"
label = "发文机关标志"
type = "text"
default = "××市财政局某中心文件"

[[fields]]
name = "doc_number"
label = "发文字号"
type = "doc_number"
example = "X财某〔2026〕1号"

[[fields]]
name = "subject"
label = "事由"
type = "text"
example = "开展廉政风险排查"

[[fields]]
name = "addressees"
label = "主送机关"
type = "text"
default = "中心各科室"

[[fields]]
name = "body"
label = "正文"
type = "paragraphs"
example = ["为落实党风廉政建设主体责任，中心决定开展廉政风险排查。请各科室于6月30日前报送排查结果。"]

[[fields]]
name = "issuer"
label = "发文机关署名"
type = "unit"
default = "××市财政局某中心"

[[fields]]
name = "date"
label = "成文日期"
type = "date"
example = 2026-06-01

[[fields]]
name = "cc"
label = "抄送机关"
type = "list"
required = false
example = ["驻××市财政局纪检组（监察室）"]

[[fields]]
name = "printer"
label = "印发机关"
type = "unit"
default = "××市财政局某中心综合科"
"""
