"""The check of a plugin for its author (``lianzheng plugins check``); the scaffold of a new one is
:mod:`.scaffold`.

``check_plugin`` finds a plugin's template folders and, for each template, validates the manifest,
lints the .docx against it, renders the example data and judges the result with the GB/T 9704
checker (errors count for 公文 kinds), checks that its 机关代字 is not the bureau's, then that
``pyproject.toml`` declares the entry point and the templates as package data, and finally builds
the wheel and checks what installs (:mod:`.wheelcheck`).
"""

from __future__ import annotations

import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import LianzhengError
from ..templating.catalog import Catalog
from .hookspecs import ENTRY_POINT_GROUP
from .scaffold import PLACEHOLDER_PREFIX
from .sources import TemplateSource


@dataclass
class PluginCheck:
    templates: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: what does not fail the check but should be put right before the plugin is shipped
    warnings: list[str] = field(default_factory=list)
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
            if prefix == PLACEHOLDER_PREFIX:
                result.warnings.append(
                    f"{template.id}：机关代字还是骨架中的占位 {PLACEHOLDER_PREFIX}，"
                    "请在 [numbering] prefix 中改为本单位的代字"
                )
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
