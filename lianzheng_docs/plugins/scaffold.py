"""A new plugin project for its author (``lianzheng plugins new``).

``scaffold`` writes a working plugin project: entry point, package data, hooks, one GB/T 9704 通知
template, the ``build_templates.py`` that lays out its .docx with the layout kit, and a test that the
.docx is that script's and that its example passes the GB/T 9704 check. Most of this module is the
text of those files.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import OutputError
from .hookspecs import ENTRY_POINT_GROUP

NAME = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
#: The scaffold's build script, at the project's root: it writes every template's .docx.
BUILD_SCRIPT = "build_templates.py"
#: The 机关代字 the scaffold's manifest holds until its author writes the unit's own
PLACEHOLDER_PREFIX = "X财某"


def scaffold(name: str, target: Path) -> Path:
    """Write a new plugin project ``lianzheng-<name>/`` under ``target``; returns its folder.

    The project holds the packaging (entry point, package data), the hooks, one GB/T 9704 通知
    template (manifest and .docx), ``build_templates.py`` that lays out the .docx with the layout
    kit, and ``tests/test_templates.py``. The .docx is written by running that build script, so
    the two agree byte for byte from the start, as the scaffold's test requires.
    """
    if not NAME.match(name):
        raise OutputError(f"插件名 {name!r} 只能由小写字母、数字和下划线组成，以字母开头（2 到 31 位）")
    root = target / f"lianzheng-{name.replace('_', '-')}"
    if root.exists():
        raise OutputError(f"{root} 已存在")
    package = root / f"lianzheng_{name}"
    templates = package / "templates"
    templates.mkdir(parents=True)
    (root / "tests").mkdir()
    files = {
        root / "pyproject.toml": _PYPROJECT.format(name=name, dist=name.replace("_", "-"), group=ENTRY_POINT_GROUP),
        root / "README.md": _README.format(name=name, dist=name.replace("_", "-")),
        root / BUILD_SCRIPT: _BUILD_SCRIPT.replace("__NAME__", name),
        root / "tests" / "test_templates.py": _TEST.replace("__NAME__", name),
        package / "__init__.py": f'"""lianzheng-docs plugin {name}."""\n',
        package / "plugin.py": _PLUGIN.format(name=name),
        templates / "__init__.py": '"""The plugin\'s templates (package data)."""\n',
        templates / "notice.toml": _MANIFEST,
    }
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    run_build_script(root)
    return root


def run_build_script(root: Path) -> list[Path]:
    """Run the plugin project's ``build_templates.py`` (its ``build_all()``); returns the files written."""
    import runpy

    script = root / BUILD_SCRIPT
    namespace = runpy.run_path(str(script), run_name="lianzheng_plugin_build")  # not __main__
    written: list[Path] = namespace["build_all"]()
    return written


_PYPROJECT = """[build-system]
requires = ["setuptools>=68", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = "lianzheng-{dist}"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["lianzheng-docs>=0.1"]

[project.optional-dependencies]
test = ["pytest>=8"]

[project.entry-points."{group}"]
{name} = "lianzheng_{name}.plugin"

[tool.setuptools]
packages = ["lianzheng_{name}", "lianzheng_{name}.templates"]

[tool.setuptools.package-data]
"lianzheng_{name}.templates" = ["*.toml", "*.docx"]

[tool.pytest.ini_options]
testpaths = ["tests"]
"""

_README = """# lianzheng-{dist}

A lianzheng-docs plugin: its templates are `{name}:<id>`. The guide to every part of it is
docs/plugins.md of lianzheng-docs.

- `lianzheng_{name}/templates/<id>.toml`: each template's manifest (fields, 文种, 保管期限). Put your
  unit's 机关代字 in `[numbering] prefix` (X财某 is a placeholder; a 代字 of the bureau's own
  templates or of another plugin is refused).
- `build_templates.py`: lays out each template's `.docx` with the layout kit. After changing a layout,
  run `python build_templates.py` and commit the `.docx` with it.
- `tests/test_templates.py`: each `.docx` is what the build script makes, and each example renders
  and passes the GB/T 9704 check.
- `lianzheng_{name}/plugin.py`: the hooks.

In the environment lianzheng runs in (use its `python`):

```console
$ python build_templates.py
$ lianzheng plugins check .              # manifests, variables, examples, GB/T 9704, the built wheel
$ python -m pip install .                # a path: a bare name would be looked up on the package index
$ python -m pytest                       # needs pytest: python -m pip install pytest
$ lianzheng example {name}:notice -o 通知.yaml && lianzheng render {name}:notice --data 通知.yaml
```
"""

_PLUGIN = '''"""The hooks of plugin {name}: see docs/plugins.md of lianzheng-docs for every hook."""

from __future__ import annotations

from lianzheng_docs.hookspecs import TemplateSource, hookimpl


@hookimpl
def lianzheng_template_sources() -> list[TemplateSource]:
    # each template's 机关代字 is its manifest's [numbering] prefix: the plugin owns the 代字 it declares there
    return [TemplateSource.package("lianzheng_{name}.templates", owner="{name}")]
'''

# Written with __NAME__ replaced by the plugin's name (no str.format: the text is full of {{ }}).
_BUILD_SCRIPT = r'''"""Lay out the .docx of plugin __NAME__'s templates with lianzheng-docs' layout kit.

    python build_templates.py            # writes lianzheng___NAME__/templates/<id>.docx

Each builder below lays out one template with ``GongwenDocument``, the class lianzheng-docs makes its
own templates with: the page, grid, fonts, red rule and 版记 of GB/T 9704-2012 come from the library,
and the same code makes the same file, byte for byte. The text keeps docxtpl's tags: ``{{ field }}``
and, on paragraphs of their own, ``{%p ... %}`` (``{%tr ... %}`` in table rows). Every variable used
must be a field of the template's manifest (``<id>.toml``) and every field must be used:
``lianzheng plugins check .`` says which are not. After changing a layout, run this script and commit
the .docx with it; ``tests/test_templates.py`` fails while they differ. Every method, tag and filter
is in docs/plugins.md of lianzheng-docs ("The layout kit").
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from lianzheng_docs.layout.builder import GongwenDocument, Span
from lianzheng_docs.layout.styles import KAI

#: the templates package: each <id>.docx goes next to its manifest <id>.toml
TEMPLATES = Path(__file__).resolve().parent / "lianzheng___NAME__" / "templates"


def notice() -> GongwenDocument:
    """通知, a 下行文: 版头, 标题, 主送, 正文, 署名 and 成文日期 (sealed or not), 附注, 版记."""
    doc = GongwenDocument(title="通知")
    # 版头 (7.2): 份号, 密级 and 紧急程度 only when the data gives them (fields copy_number, secrecy,
    # urgency), the red 发文机关标志, the 发文字号 and the red rule under it. A 上行文 (报告, 请示)
    # names its 签发人 on the 文号 line: doc.doc_number("{{ doc_number }}", signer="{{ signer }}").
    doc.header_marks()
    doc.issuer_mark("{{ issuer_mark }}")
    doc.doc_number("{{ doc_number }}")
    doc.blank(2)  # the title two lines under the red rule (7.3.1)
    doc.title("关于{{ subject }}的通知")  # 2号小标宋; a long title is broken between words when rendered
    doc.blank()
    doc.addressee("{{ addressees }}：")
    # 正文: one paragraph per item of a paragraphs field, between tags on paragraphs of their own
    doc.control("{%p for para in body %}")
    doc.paragraph("{{ para }}")
    doc.control("{%p endfor %}")
    doc.heading(1, "一、排查内容")  # 一、 黑体; （一） 楷体; 1. and （1） 仿宋 (7.3.3)
    doc.control("{%p for task in tasks %}")
    # a run-in 二级标题: a 楷体 span, then the item's text in the paragraph's 仿宋
    doc.paragraph(Span("（{{ loop.index|cn_num }}）{{ task.heading }}。", KAI), "{{ task.text }}")
    doc.control("{%p endfor %}")
    doc.heading(1, "二、时间安排")
    doc.table(
        ["阶段", "时间", "工作内容"],  # the header row: 黑体, repeated on each page
        [  # a row per record: the {%tr %} rows vanish when rendered
            ["{%tr for step in schedule %}", "", ""],
            ["{{ step.stage }}", "{{ step.period }}", "{{ step.work }}"],
            ["{%tr endfor %}", "", ""],
        ],
        widths_mm=[20, 56, 80],  # 156 mm, the width of the text area
        center_columns=(0, 1),
    )
    doc.paragraph("请各科室于{{ deadline }}前将排查结果报送{{ contact }}。")
    # 署名 and 成文日期 as the seal field says: 加盖印章, 不加盖印章 or 加盖签发人签名章 (7.3.5)
    doc.closing_signature("{{ issuer }}", "{{ date }}")
    doc.control("{%p if note %}")
    doc.paragraph("（{{ note }}）")  # 附注 (7.3.6)
    doc.control("{%p endif %}")
    # 版记 (7.4) at the foot of the last page: 抄送 when the list cc has items, then 印发机关 and date
    doc.imprint(cc="cc", printed=["{{ printer }}", "\t{{ date }}印发"])
    return doc


#: template id -> its builder: add a line for each template of the plugin
BUILDERS: dict[str, Callable[[], GongwenDocument]] = {
    "notice": notice,
}


def build_all(target: Path = TEMPLATES) -> list[Path]:
    """Write each template's .docx into ``target``; returns the paths written."""
    written = []
    for template_id, build in BUILDERS.items():
        path = target / f"{template_id}.docx"
        path.write_bytes(build().to_bytes())
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATES):
        print(written_path)
'''

_TEST = r'''"""Plugin __NAME__'s templates: each .docx is what build_templates.py lays out, and each example
renders and passes the GB/T 9704 check.

Run where the plugin is installed (``python -m pip install .``): ``python -m pytest``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from lianzheng_docs import Catalog, check_document

PLUGIN = "__NAME__"
ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "lianzheng___NAME__" / "templates"
IDS = sorted(path.stem for path in TEMPLATES.glob("*.toml"))


def build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_templates", ROOT / "build_templates.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_template_has_a_builder() -> None:
    assert sorted(build_script().BUILDERS) == IDS


def test_committed_templates_match_a_fresh_build(tmp_path: Path) -> None:
    """Run ``python build_templates.py`` after changing a layout: this fails until you do."""
    for path in build_script().build_all(tmp_path):
        committed = TEMPLATES / path.name
        assert committed.read_bytes() == path.read_bytes(), f"{committed.name} 不是 build_templates.py 的结果：请运行它"


def test_the_installed_plugin_provides_every_template() -> None:
    provided = sorted(tid.split(":", 1)[1] for tid in Catalog.default().ids() if tid.startswith(f"{PLUGIN}:"))
    assert provided == IDS, "插件没有装好（python -m pip install .），或没有加载（lianzheng plugins list）"


@pytest.mark.parametrize("template_id", IDS)
def test_the_example_renders_and_passes_gbt9704(template_id: str) -> None:
    template = Catalog.default().get(f"{PLUGIN}:{template_id}")
    document = template.render(template.example())
    report = check_document(document.content, name=template.id)
    if template.manifest.is_gongwen:  # 公文 kinds must meet GB/T 9704; others get warnings only
        assert report.passed, "\n".join(str(finding) for finding in report.errors)
'''

_MANIFEST = """# 通知（下行文）：lianzheng plugins new 生成的示例模板。版式见 build_templates.py 的 notice()。
id = "notice"
title = "通知"
kind = "通知"
direction = "下行"
retention = "定期30年"
description = "本单位向所属科室印发的通知。"

[numbering]
# 本单位的机关代字：归档时编号 X财某〔2026〕1号。X财某 只是占位，请改成本单位的代字
prefix = "X财某"

[metadata]
title = "关于{{ subject }}的通知"
doc_number = "{{ doc_number }}"
date = "{{ date.iso }}"
issuer = "{{ issuer }}"
recipients = "{{ addressees }}"
cc = "{{ cc|join('，') }}"
secrecy = "{{ secrecy }}"

[[fields]]
name = "copy_number"
label = "份号"
type = "copy_number"
required = false

[[fields]]
name = "secrecy"
label = "密级和保密期限"
type = "secrecy"
required = false

[[fields]]
name = "urgency"
label = "紧急程度"
type = "urgency"
required = false

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
min_items = 1
example = ["为落实党风廉政建设主体责任，中心决定在全中心开展廉政风险排查。现将有关事项通知如下。"]

[[fields]]
name = "tasks"
label = "排查内容"
type = "records"
min_items = 1
example = [
  { heading = "岗位职责风险", text = "各科室对照岗位职责，逐岗查找履职中可能出现的廉政风险。" },
  { heading = "制度机制风险", text = "梳理本科室业务流程和内控制度，查找制度缺失和执行不到位的环节。" },
]

[[fields.fields]]
name = "heading"
label = "标题"
type = "text"

[[fields.fields]]
name = "text"
label = "内容"
type = "text"

[[fields]]
name = "schedule"
label = "时间安排"
type = "records"
example = [
  { stage = "自查", period = "6月1日至6月15日", work = "各科室对照排查内容开展自查，填写风险点清单。" },
  { stage = "汇总", period = "6月16日至6月30日", work = "综合科汇总风险点，提出防控措施。" },
]

[[fields.fields]]
name = "stage"
label = "阶段"
type = "text"

[[fields.fields]]
name = "period"
label = "时间"
type = "text"

[[fields.fields]]
name = "work"
label = "工作内容"
type = "text"

[[fields]]
name = "deadline"
label = "报送期限"
type = "date"
example = 2026-06-30

[[fields]]
name = "contact"
label = "报送单位"
type = "unit"
default = "综合科"

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
name = "seal"
label = "印章"
type = "choice"
choices = ["加盖印章", "不加盖印章", "加盖签发人签名章"]
default = "加盖印章"
help = "署名和成文日期的样式（GB/T 9704 7.3.5）"

[[fields]]
name = "signer_title"
label = "签发人职务"
type = "text"
default = "中心主任"
help = "选“加盖签发人签名章”时，标注在签名章左侧"

[[fields]]
name = "note"
label = "附注"
type = "text"
required = false

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
