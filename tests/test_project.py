"""Project hygiene that a wheel build would otherwise catch late."""

from __future__ import annotations

import tomllib

from conftest import ROOT


def test_every_subpackage_is_listed_for_the_wheel():
    """pyproject lists packages explicitly (templates/ maps to a subpackage); a new one must be added."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "lianzheng_docs").rglob("__init__.py")}
    assert on_disk <= listed, f"add to [tool.setuptools] packages: {sorted(on_disk - listed)}"
    assert "lianzheng_docs.builtin_templates" in listed


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "`scripts/test`" in readme and "scripts/test" in ci
    assert "`scripts/demo`" in readme


def test_every_public_name_resolves_lazily_and_search_loads_no_docx_code():
    """``from lianzheng_docs import X`` works for every name in ``__all__``; importing the package
    alone loads none of the layers (``lianzheng search`` must start without docxtpl)."""
    import subprocess
    import sys

    code = (
        "import sys, lianzheng_docs as l\n"
        "assert not any(m.startswith(('docxtpl', 'lianzheng_docs.templating')) for m in sys.modules)\n"
        "print(sorted(n for n in l.__all__ if getattr(l, n, None) is None))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]"
    import lianzheng_docs

    assert {"Catalog", "Archive", "load_roster", "status", "Ledger", "record_event", "run_batch"} <= set(
        lianzheng_docs.__all__
    )


def test_readme_lists_every_template_and_the_coverage_table_every_obligation():
    """The templates table and the seed's coverage table stay complete as templates and obligations are added."""
    import re

    from lianzheng_docs.duties.obligations import load_obligations
    from lianzheng_docs.templating.catalog import Catalog

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    templates = readme[readme.index("## 模板 / Templates") :]
    listed = set(re.findall(r"^\| `([a-z_]+)` \|", templates, flags=re.M))
    assert set(Catalog.default().ids()) <= listed, sorted(set(Catalog.default().ids()) - listed)
    coverage = readme[readme.index("### 实施办法覆盖表") : readme.index("## Python API")]
    for template_id in Catalog.default().ids():
        assert f"`{template_id}" in coverage, template_id
    for obligation in load_obligations():
        stem = obligation.id.rsplit("_", 1)[0] if obligation.id.endswith(("_h1", "_year")) else obligation.id
        assert f"`{stem}" in coverage, obligation.id
    count = len(Catalog.default().ids())
    assert f"{count} 个内置模板都对应到条款" in coverage
