"""Writing a plugin from the guide alone (issue 16, item 6).

- the scaffold of ``plugins new`` lays out its .docx with its own ``build_templates.py`` and the two agree;
- docs/plugins.md documents every manifest key, field type, ``[metadata]`` key, layout-kit method and
  style, and its generated reference (allowed values, filters) is the code's: rewrite it with
  ``python tests/test_plugin_authoring.py``;
- the guide's walk-through runs, line by line as written, in a fresh virtual environment that holds
  only the project's wheel and pytest (slow).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from lianzheng_docs.plugins.scaffold import BUILD_SCRIPT, scaffold

from conftest import ROOT

GUIDE = ROOT / "docs" / "plugins.md"
GENERATED = re.compile(r"(<!-- generated: begin [^>]*-->\n)(.*?)(<!-- generated: end -->)", re.S)
WALK_THROUGH = re.compile(r"<!-- walk-through: begin -->\n```console\n(.*?)```\n<!-- walk-through: end -->", re.S)


# ------------------------------------------------------------------ the scaffold


def _load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(f"scaffold_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_scaffold_docx_is_what_its_build_script_lays_out(tmp_path):
    root = scaffold("mycenter", tmp_path)
    templates = root / "lianzheng_mycenter" / "templates"
    assert (root / "tests" / "test_templates.py").is_file()
    build = _load(root / BUILD_SCRIPT)
    assert set(build.BUILDERS) == {p.stem for p in templates.glob("*.toml")} == {"notice"}
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    for path in build.build_all(fresh):
        assert (templates / path.name).read_bytes() == path.read_bytes()
    # the public layout kit only: the bureau's builders are not an API
    script = (root / BUILD_SCRIPT).read_text(encoding="utf-8")
    imported = set(re.findall(r"^from (\S+) import", script, re.M))
    assert imported == {"__future__", "collections.abc", "pathlib", "lianzheng_docs.layout.builder",
                        "lianzheng_docs.layout.styles"}  # fmt: skip


def test_the_scaffold_s_example_has_a_tab_before_the_print_date(tmp_path):
    """The 印发 line's date is set flush right by a tab (it was a literal backslash-t)."""
    import io
    import zipfile

    root = scaffold("mycenter", tmp_path)
    docx = (root / "lianzheng_mycenter" / "templates" / "notice.docx").read_bytes()
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    assert "\\t" not in xml and "<w:tab/><w:t>{{ date }}印发" in xml.replace(' xml:space="preserve"', "")


# ------------------------------------------------------------------ the guide's reference


class _Recorder(Mapping[str, str]):
    """A metadata mapping that remembers which keys were asked for."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __getitem__(self, key: str) -> str:
        self.asked.append(key)
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self.asked.append(key)
        return default

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def manifest_keys() -> list[str]:
    """The top-level keys a manifest may have, as the parser says when it meets an unknown one."""
    from lianzheng_docs.errors import TemplateError
    from lianzheng_docs.templating.manifest import parse_manifest

    with pytest.raises(TemplateError) as raised:
        parse_manifest("zz_unknown_key = 1\n", source="probe")
    (listed,) = re.findall(r"可用的键：([^）]+)）", raised.value.message)
    return [key.strip() for key in listed.split(",")]


def field_keys() -> list[str]:
    from lianzheng_docs.templating.manifest import _FIELD_KEYS

    return sorted(_FIELD_KEYS)


def metadata_keys() -> list[str]:
    """The ``[metadata]`` keys the archive files, in the order it reads them."""
    from lianzheng_docs.archive.derived import meta_from_rendered

    recorder = _Recorder()
    manifest = SimpleNamespace(kind="通知", title="通知", retention="D30")
    meta_from_rendered(recorder, SimpleNamespace(manifest=manifest), None)  # type: ignore[arg-type]
    return list(dict.fromkeys(recorder.asked))


def kit_methods() -> list[str]:
    from lianzheng_docs.layout.builder import GongwenDocument

    return [name for name, value in vars(GongwenDocument).items()
            if not name.startswith("_") and callable(value)]  # fmt: skip


def style_ids() -> list[str]:
    from lianzheng_docs.layout import styles

    ids = set(styles.NAMES)
    return [name for name, value in vars(styles).items()
            if name.isupper() and (value is styles.HEADING or (isinstance(value, str) and value in ids))]  # fmt: skip


def generated_reference() -> str:
    """The guide's generated reference, from the code."""
    import jinja2

    from lianzheng_docs.gbt9704 import marks
    from lianzheng_docs.layout import builder
    from lianzheng_docs.templating.manifest import DIRECTIONS, GONGWEN_KINDS, RETENTIONS, FieldType
    from lianzheng_docs.templating.rendering import make_environment

    def ticked(names: Any) -> str:
        return ", ".join(f"`{name}`" for name in names)

    env, plain = make_environment(), jinja2.Environment()
    own_filters = sorted(set(env.filters) - set(plain.filters))
    seals = {value: name for name, value in vars(builder).items() if name.isupper() and value in builder.SEAL_OPTIONS}
    lines = [
        f"- Manifest keys: {ticked(manifest_keys())}.",
        "- `[numbering]` keys: `prefix`.",
        f"- `[metadata]` keys the archive files: {ticked(metadata_keys())}.",
        f"- `[[fields]]` keys: {ticked(field_keys())}.",
        "- Field types (`type`): " + ", ".join(f"`{t.value}` ({t.label})" for t in FieldType) + ".",
        f"- `kind` that makes a 公文 (条例第八条): {'、'.join(sorted(GONGWEN_KINDS))}.",
        f"- `direction`: {'、'.join(DIRECTIONS)}.",
        "- `retention`: " + ", ".join(f"{name} (`{code}`)" for name, code in RETENTIONS.items()) + ".",
        f"- `secrecy` levels: {'、'.join(marks.SECRECY_LEVELS)} (with ★ and a period, or ★长期); "
        f"`urgency`: {'、'.join(marks.URGENCY_LEVELS)}.",
        "- `seal` values (`closing_signature`): "
        + ", ".join(f"{value} (`{seals[value]}`)" for value in builder.SEAL_OPTIONS)
        + ".",
        f"- `GongwenDocument` methods: {ticked(kit_methods())}.",
        f"- Style ids (`lianzheng_docs.layout.styles`): {ticked(style_ids())}.",
        f"- Filters of lianzheng-docs: {ticked(own_filters)}; besides them, Jinja's built-in filters, tests and "
        "globals (their list depends on Jinja's version).",
    ]
    return "\n".join(lines) + "\n"


def _guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def test_the_guide_s_generated_reference_is_the_code_s():
    (found,) = GENERATED.findall(_guide())
    assert found[1] == generated_reference(), "run: python tests/test_plugin_authoring.py"


def test_the_guide_explains_every_key_type_method_and_style():
    """Each is in the hand-written part too (tables and prose), not only in the generated lists."""
    from lianzheng_docs.templating.manifest import FieldType

    written = GENERATED.split(_guide())[0]
    wanted = {
        "manifest key": manifest_keys(),
        "[[fields]] key": field_keys(),
        "[metadata] key": metadata_keys(),
        "field type": [t.value for t in FieldType],
        "style id": style_ids(),
    }
    def explained(name: str) -> bool:  # `name`, or `[name]` / `[[name]]` for a table
        return re.search(rf"`(\[{{1,2}})?{re.escape(name)}(?(1)\]{{1,2}})`", written) is not None

    missing = [f"{what} `{name}`" for what, names in wanted.items() for name in names if not explained(name)]
    missing += [f"method `{name}(`" for name in kit_methods() if f"`{name}(" not in written]
    assert missing == []
    for filter_name in ("cn_num", "join"):
        assert f"`{filter_name}`" in written or f"|{filter_name}" in written


# ------------------------------------------------------------------ the walk-through


def walk_through() -> list[str]:
    (block,) = WALK_THROUGH.findall(_guide())
    return [line[2:] for line in block.splitlines() if line.startswith("$ ")]


def test_the_walk_through_covers_what_an_author_does():
    commands = walk_through()
    for step in ("-m venv", "pip install lianzheng_docs-", "plugins new", "build_templates.py", "plugins check",
                 "pip install .", "templates list", "render ", "lianzheng check", "-m pytest"):  # fmt: skip
        assert any(step in command for command in commands), step


@pytest.mark.slow
def test_the_guide_s_walk_through_runs_in_a_fresh_venv(tmp_path_factory, tmp_path):
    """Every line of the guide's walk-through, as written, in a new venv with the project's wheel."""
    from test_packaging import project_wheel

    started = time.monotonic()
    wheel = project_wheel(tmp_path_factory)
    work = tmp_path / "work"
    work.mkdir()
    (work / wheel.name).write_bytes(wheel.read_bytes())
    venv_dir = tmp_path / "try"
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV") and not key.startswith("LIANZHENG_")}  # fmt: skip
    cwd, outputs, steps = work, {}, []
    plugin = work / "lianzheng-mycenter"
    docx = plugin / "lianzheng_mycenter" / "templates" / "notice.docx"
    scaffolded = b""
    for line in walk_through():
        text = re.sub(r"lianzheng_docs-\S+\.whl", wheel.name, line).replace("/tmp/try", str(venv_dir))
        words = shlex.split(text, comments=True)
        if words[0] == ".":  # activate: the venv's python, pip and lianzheng come first
            env["VIRTUAL_ENV"] = str(venv_dir)
            env["PATH"] = f"{venv_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
            continue
        if words[0] == "cd":
            cwd = cwd / words[1]
            continue
        if words[0] == "python" and "VIRTUAL_ENV" not in env:
            words[0] = sys.executable  # before activation: the Python running the tests
        began = time.monotonic()
        done = subprocess.run(words, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
        steps.append(f"{time.monotonic() - began:5.1f} s  $ {line}")
        assert done.returncode == 0, f"$ {line}\n{done.stdout}\n{done.stderr}"
        outputs[line] = done.stdout
        if "plugins new" in line:
            scaffolded = docx.read_bytes()
            assert "-m pip install ./lianzheng-mycenter" in done.stdout
        if "build_templates.py" in line:
            assert docx.read_bytes() == scaffolded  # the scaffold's .docx is the build script's

    def output(step: str) -> str:
        return next(out for line, out in outputs.items() if step in line)

    listed = next(row for row in output("plugins list").splitlines() if row.startswith("mycenter"))
    assert "lianzheng-mycenter" in listed and "已加载" in listed and "X财某" in listed
    assert "mycenter:notice" in output("templates list")
    assert (plugin / "通知.docx").read_bytes().startswith(b"PK")
    assert re.search(r"\b4 passed\b", output("-m pytest")) and "failed" not in output("-m pytest")
    print(f"walk-through: {time.monotonic() - started:.1f} s", *steps, sep="\n")


if __name__ == "__main__":  # rewrite the guide's generated reference from the code
    guide = _guide()
    GUIDE.write_text(GENERATED.sub(lambda m: m[1] + generated_reference() + m[3], guide), encoding="utf-8")
    print(f"{GUIDE}: generated reference {'unchanged' if GUIDE.read_text(encoding='utf-8') == guide else 'rewritten'}")
