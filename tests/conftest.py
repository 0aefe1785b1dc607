from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from lianzheng_docs import Catalog, RenderedDocument
from lianzheng_docs.cli import cli

ROOT = Path(__file__).resolve().parent.parent

CORE_IDS = ["responsibility_letter", "dual_report", "risk_notice", "accountability_bulletin"]


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog.default()


@pytest.fixture(scope="session")
def rendered(catalog: Catalog) -> dict[str, RenderedDocument]:
    """Every built-in template rendered from its example data, once per test session."""
    return {t.id: t.render(t.example()) for t in catalog}


@pytest.fixture(scope="session")
def soffice() -> str:
    """LibreOffice, required on CI (``.ci/run`` installs it); elsewhere its tests are skipped."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing on CI: scripts/bootstrap --test should install it")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


@pytest.fixture
def run() -> Callable[..., Result]:
    """The ``lianzheng`` command, run in this process: ``run("archive", "list", "--json")``.

    Arguments may be paths or numbers. ``result.output`` holds standard output and standard error
    interleaved as a terminal shows them, ``result.stdout`` and ``result.stderr`` each alone. An
    exception the command group lets through fails the test with its traceback, unless
    ``catch_exceptions=True``. A module that needs a working folder, an archive or a roster
    overrides this fixture with one that prepares them and returns it.
    """
    runner = CliRunner()

    def invoke(*args: object, input: str | None = None, catch_exceptions: bool = False) -> Result:
        return runner.invoke(cli, [str(a) for a in args], input=input, catch_exceptions=catch_exceptions)

    return invoke


# ---------------------------------------------------------------------- the desk in a browser (tests/browser.py)


@pytest.fixture
def serve_desk() -> Iterator[Callable[[Any], str]]:
    """Serve a desk app on a free loopback port until the test ends: ``url = serve_desk(create_app(root))``."""
    from browser import served

    with contextlib.ExitStack() as stack:
        yield lambda app: stack.enter_context(served(app))


@pytest.fixture
def desk(tmp_path: Path, serve_desk: Callable[[Any], str]) -> tuple[str, Path]:
    """The desk without accounts on a fresh archive: its URL and the archive's folder."""
    from lianzheng_docs.web import create_app

    from browser import require_browser

    require_browser()
    root = tmp_path / "archive"
    return serve_desk(create_app(root)), root


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """Headless chromium (Selenium); ``browser.downloads`` is where its downloads land."""
    from browser import chromium, require_browser

    require_browser()
    with chromium(tmp_path / "profile", tmp_path / "downloads") as driver:
        yield driver


@pytest.fixture
def firefox(tmp_path: Path) -> Iterator[Any]:
    """Headless Firefox ESR (Selenium, geckodriver); ``firefox.downloads`` is where its downloads land."""
    from browser import firefox as open_firefox
    from browser import require_firefox

    require_firefox()
    with open_firefox(tmp_path / "firefox-profile", tmp_path / "downloads") as driver:
        yield driver


# ---------------------------------------------------------------------- the sample bureau's archive (LibreOffice)


@pytest.fixture(scope="session")
def sample_archive_source(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Path:
    """``lianzheng samples --archive --today 2026-11-30`` (31 documents, ~40 s) and stamped PDF/A copies of
    its first three records, made once for the whole run. Read-only: a test copies it
    (``shutil.copytree``) before it changes anything."""
    from click.testing import CliRunner

    from lianzheng_docs import Archive
    from lianzheng_docs.cli import cli
    from lianzheng_docs.pdf.copies import make_archive_copies

    root = tmp_path_factory.mktemp("sample-bureau") / "档案"
    result = CliRunner().invoke(cli, ["samples", "--archive", str(root), "--today", "2026-11-30", "--json"])
    assert result.exit_code == 0, result.output
    with Archive(root) as archive:
        make_archive_copies(archive, archive.list()[:3])
    return root
