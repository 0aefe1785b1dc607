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
