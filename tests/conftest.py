from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from lianzheng_docs import Catalog, RenderedDocument

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
