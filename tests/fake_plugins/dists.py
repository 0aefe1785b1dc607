"""Installing fake plugins as real packages are installed: a ``.dist-info`` folder (METADATA,
entry_points.txt, RECORD) on ``sys.path``, so ``importlib.metadata`` finds their entry points, the
distribution's name and version, and where its module is."""

from __future__ import annotations

from pathlib import Path

from lianzheng_docs.layout.builder import GongwenDocument

GROUP = "lianzheng_docs.plugins"

MANIFEST = """
id = "{id}"
title = "专项检查报告"
kind = "报告"
direction = "上行"
retention = "定期30年"
{numbering}

[metadata]
title = "关于{{{{ subject }}}}的专项检查报告"
doc_number = "{{{{ doc_number }}}}"
unit = "{{{{ unit }}}}"

[[fields]]
name = "doc_number"
label = "发文字号"
type = "doc_number"
example = "X财评〔2026〕5号"

[[fields]]
name = "subject"
label = "检查事项"
type = "text"
example = "2026年度财政投资评审项目"

[[fields]]
name = "unit"
label = "被检查单位"
type = "text"
example = "某单位"
"""


def template_folder(path: Path, template_id: str, *, docx: bool = True, name: str = "inspection",
                    prefix: str | None = None) -> Path:  # fmt: skip
    """A folder with one template ``<name>.toml`` (id ``template_id``, 代字 ``prefix``) and its .docx."""
    path.mkdir(parents=True)
    doc = GongwenDocument(title="专项检查报告")
    doc.title("关于{{ subject }}的专项检查报告")
    doc.paragraph("{{ doc_number }}　{{ unit }}")
    if docx:
        doc.save(path / f"{name}.docx")
    numbering = f'[numbering]\nprefix = "{prefix}"' if prefix else ""
    (path / f"{name}.toml").write_text(MANIFEST.format(id=template_id, numbering=numbering), encoding="utf-8")
    return path


def install(site: Path, distribution: str, version: str, entry_points: dict[str, str]) -> Path:
    """Write the metadata of ``distribution`` ``version`` declaring ``entry_points`` (name -> module:attr)."""
    folder = site / f"{distribution.replace('-', '_')}-{version}.dist-info"
    folder.mkdir(parents=True)
    (folder / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n")
    lines = "\n".join(f"{name} = {target}" for name, target in entry_points.items())
    (folder / "entry_points.txt").write_text(f"[{GROUP}]\n{lines}\n")
    return folder
