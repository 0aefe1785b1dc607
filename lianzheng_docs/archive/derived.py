"""What the archive derives from a template, its data, a stored file or the registry.

The year a generated document is numbered in, the record metadata a rendering yields, a file's
own title, the search document of a registry row, who is filing.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..search import IndexedDocument
from .records import RecordMeta

if TYPE_CHECKING:
    from ..templating.catalog import Template


def indexed_document(row: Any) -> IndexedDocument:
    return IndexedDocument(
        id=row["id"], title=row["title"], body=row["text"], doc_number=row["doc_number"] or "",
        archival_code=row["archival_code"], kind=row["kind"], unit=row["unit"], year=row["year"],
        date=row["date"] or "", secrecy=row["secrecy"], template=row["template_id"] or "",
    )  # fmt: skip


def numbering_year(template: Template, data: Mapping[str, Any]) -> int:
    """The year a generated document is numbered in (see :func:`..templating.catalog.numbering_year`:
    the one rule, which drafts also follow)."""
    from ..templating.catalog import numbering_year as year_of

    return year_of(data)


def meta_from_rendered(metadata: Mapping[str, str], template: Template, org: str | None) -> RecordMeta:
    manifest = template.manifest
    when = metadata.get("date")
    return RecordMeta(
        title=metadata.get("title") or manifest.title,
        kind=manifest.kind,
        unit=metadata.get("unit", ""),
        date=date.fromisoformat(when) if when else None,
        author=metadata.get("issuer", ""),
        doc_number=metadata.get("doc_number", ""),
        recipients=metadata.get("recipients", ""),
        cc=metadata.get("cc", ""),
        secrecy=metadata.get("secrecy", ""),
        retention=manifest.retention,
        org=org or "",
    )


def own_title(path: Path, fmt: str) -> str:
    """The title a file carries itself: the .docx core property or the PDF's /Title."""
    try:
        if fmt == "docx":
            from .extract import docx_title

            return docx_title(path)
        if fmt == "pdf":
            from pypdf import PdfReader

            metadata = PdfReader(str(path)).metadata
            title = metadata.get("/Title") if metadata else None
            return str(title).strip() if title else ""
    except Exception:
        return ""
    return ""


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"
