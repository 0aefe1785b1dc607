"""The layers of lianzheng_docs: no import cycles, and dependencies only in the allowed directions.

Imports are read from the source (``ast``), inside functions too: an import deferred to call
time is still a dependency. Only imports under ``if TYPE_CHECKING:`` are exempt, since they never
run. ``from a.b import c`` counts as a dependency on the module ``a.b.c`` when there is one, else
on ``a.b``; this is how import-linter reads imports as well.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = "lianzheng_docs"

#: Plain modules at the top of the package: the foundation every layer may use, plus the names
#: outsiders import (``hookspecs`` for plugin authors, ``__main__`` for ``python -m``).
FOUNDATION = {"errors", "values", "chinese", "fileio", "docxzip", "datafile"}
TOP_LEVEL_ALLOWED = FOUNDATION | {"hookspecs", "__main__"}

#: layer -> the layers it must never import (module prefixes under lianzheng_docs).
FORBIDDEN: dict[str, set[str]] = {
    "gbt9704": {"templating", "plugins", "duties", "archive", "search", "check", "layout", "pdf", "cli", "values",
                "chinese", "fileio", "docxzip", "datafile"},
    "templating": {"archive", "duties", "check", "search", "pdf", "finishing", "cli"},
    "check": {"templating", "archive", "duties", "plugins", "search", "pdf", "cli"},
    "search": {"archive", "templating", "duties", "check", "plugins", "pdf", "layout", "cli"},
    "layout": {"templating", "archive", "duties", "check", "search", "plugins", "pdf", "cli"},
    "archive": {"duties", "check", "pdf", "finishing", "cli"},
    "pdf": {"duties", "finishing", "cli"},
    "finishing": {"archive", "duties", "search", "plugins", "cli"},
    "duties": {"cli"},
    # the manager, the specifications and the built-in plugin sit below the layers that ask them
    "plugins.manager": {"templating", "archive", "duties", "check", "search", "pdf", "layout", "cli"},
    "plugins.hookspecs": {"templating", "archive", "duties", "check", "search", "pdf", "layout", "cli"},
    "plugins.builtin": {"templating", "archive", "duties", "check", "search", "pdf", "layout", "cli"},
    "plugins.sources": {"templating", "archive", "duties", "check", "search", "pdf", "layout", "cli"},
}  # fmt: skip
# so do the manager's helpers: who a plugin is, what it owns, what its hooks must return
for _name in ("identity", "ownership", "contracts", "registration"):
    FORBIDDEN[f"plugins.{_name}"] = FORBIDDEN["plugins.manager"]
# The foundation modules import nothing of the library but each other and gbt9704.
for _name in FOUNDATION:
    FORBIDDEN[_name] = {"templating", "plugins", "duties", "archive", "search", "check", "layout", "pdf", "cli"}
# The web desk sits on top of the library, beside the CLI: no library layer imports it, and it
# imports everything but the CLI (the CLI imports it only inside the ``serve`` command).
for _layers in FORBIDDEN.values():
    _layers.add("web")
FORBIDDEN["web"] = {"cli"}


def modules(root: Path, package: str) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is a package ``__init__``) for every module under ``root/package``."""
    found = {}
    for path in (root / package).rglob("*.py"):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        found[".".join(parts)] = (path, is_package)
    return found


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            exempt.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    return exempt


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Module -> the modules of ``package`` it imports (at run time, anywhere in the file)."""
    known = modules(root, package)
    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        exempt = _type_checking_nodes(tree)
        targets: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in exempt:
                continue
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"
                    targets.add(submodule if submodule in known else source)
        resolved = set()
        for target in targets:
            while target not in known and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in known and target != name:
                resolved.add(target)
        graph[name] = resolved
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _layer_of(module: str, layers: Iterable[str]) -> str | None:
    """The most specific layer prefix ``module`` belongs to (``plugins.manager`` before ``plugins``)."""
    inner = module.removeprefix(f"{PACKAGE}.")
    matches = [layer for layer in layers if inner == layer or inner.startswith(f"{layer}.")]
    return max(matches, key=len) if matches else None


def violations(graph: dict[str, set[str]]) -> list[str]:
    """Every import that goes in a forbidden direction, as ``importer -> imported``."""
    found = []
    for importer, imported in sorted(graph.items()):
        layer = _layer_of(importer, FORBIDDEN)
        inner = importer.removeprefix(f"{PACKAGE}.")
        for target in sorted(imported):
            target_inner = target.removeprefix(f"{PACKAGE}.")
            if not inner.startswith("cli") and inner != "__main__" and target_inner.startswith("cli"):
                found.append(f"{importer} -> {target} (the library never imports the CLI)")
            elif layer and any(target_inner == bad or target_inner.startswith(f"{bad}.") for bad in FORBIDDEN[layer]):
                found.append(f"{importer} -> {target} ({layer} must not import {target_inner.split('.')[0]})")
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(ROOT, PACKAGE)


def test_the_graph_sees_imports_everywhere_including_inside_functions(graph):
    assert "lianzheng_docs.templating.manifest" in graph["lianzheng_docs.templating.catalog"]
    # Template.prepared() imports the manager inside a function; Archive imports search at the top
    assert "lianzheng_docs.plugins.manager" in graph["lianzheng_docs.templating.catalog"]
    assert "lianzheng_docs.search" in graph["lianzheng_docs.archive.archive"]
    assert len(graph) > 90 and sum(len(targets) for targets in graph.values()) > 250


def test_no_import_cycles(graph):
    assert cycles(graph) == []


def test_dependencies_point_one_way(graph):
    assert violations(graph) == []


def test_at_most_eight_plain_modules_at_the_top():
    top = sorted(path.stem for path in (ROOT / PACKAGE).glob("*.py") if path.stem != "__init__")
    assert len(top) <= 8, top
    assert set(top) <= TOP_LEVEL_ALLOWED, set(top) - TOP_LEVEL_ALLOWED


def test_the_checks_catch_a_cycle_and_a_wrong_direction(tmp_path):
    """The two tests above would pass on a graph that saw nothing: show them failing on purpose."""
    package = tmp_path / PACKAGE
    for folder in ("templating", "archive", "cli"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "templating" / "catalog.py").write_text(
        "from __future__ import annotations\nfrom typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from ..cli import app\n"  # exempt: never runs
        "def f():\n    from ..archive import registry\n"
    )
    (package / "archive" / "registry.py").write_text("from ..templating.catalog import f\n")
    (package / "cli" / "app.py").write_text("from ..archive.registry import *\n")
    fake = import_graph(tmp_path, PACKAGE)
    assert cycles(fake) == [["lianzheng_docs.archive.registry", "lianzheng_docs.templating.catalog"]]
    assert violations(fake) == [
        "lianzheng_docs.templating.catalog -> lianzheng_docs.archive.registry (templating must not import archive)"
    ]


def test_the_cli_imports_the_web_desk_only_inside_the_serve_and_users_commands():
    """``lianzheng search`` must not load Starlette: ``web`` is imported in ``serve`` and ``users`` alone, when
    they run (``users`` keeps the desk's accounts)."""
    found = []
    for path in sorted((ROOT / PACKAGE / "cli").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "web" and node.level:
                found.append((path.stem, node.lineno))
        top_level = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
        assert not any("web" in ast.unparse(node) or "uvicorn" in ast.unparse(node) for node in top_level), path
    assert sorted({stem for stem, _line in found}) == ["serve_cmd", "users_cmd"]
