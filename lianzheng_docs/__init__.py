"""lianzheng-docs: the paperwork of the "two responsibilities" (两个责任) system, made right.

Generate GB/T 9704-2012 official documents from templates, validated against each template's
manifest, as deterministic .docx files; check any .docx against the standard; file documents
in an archive with 档号, fixity and Chinese full-text search::

    from lianzheng_docs import Archive, Catalog

    catalog = Catalog.default()
    letter = catalog.get("responsibility_letter")
    document = letter.render(letter.example() | {"department": "国库科"})
    document.save("责任书.docx")

    with Archive("archive") as archive:
        record = archive.file_rendered(catalog.get("risk_notice"), data)  # numbered, filed, indexed
        hits = archive.search("专项资金", year=2026)

Every error raised on purpose is a :class:`LianzhengError` with a Chinese message and an exit
code. Names are imported on first use, so that ``lianzheng search`` starts without loading the
.docx machinery.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Catalog": "templating.catalog", "Template": "templating.catalog", "TemplateSource": "templating.catalog",
    "Finding": "check", "Report": "check", "check_document": "check",
    "example_yaml": "templating.examples", "load_data": "datafile",
    "DataFileError": "errors", "ExitCode": "errors", "LianzhengError": "errors", "OutputError": "errors",
    "Problem": "errors", "TemplateError": "errors", "TemplateNotFound": "errors", "ValidationError": "errors",
    "FieldSpec": "templating.manifest", "FieldType": "templating.manifest", "TemplateManifest": "templating.manifest",
    "RenderedDocument": "templating.rendering",
    "render_samples": "templating.samples",
    "RenderLimits": "templating.limits", "RenderLimitError": "templating.limits", "render_limits": "templating.limits",
    "render_xlsx": "templating.spreadsheet",
    "CnDate": "values", "Person": "values", "Unit": "values",
    "Archive": "archive", "Record": "archive", "RecordMeta": "archive",
    "Roster": "duties.roster", "RosterError": "duties.roster", "load_roster": "duties.roster",
    "Obligation": "duties.obligations", "Status": "duties.obligations", "load_obligations": "duties.obligations",
    "status": "duties.obligations", "status_html": "duties.obligations", "upcoming": "duties.obligations",
    "status_ics": "duties.obligations", "status_xlsx": "duties.obligations",
    "Event": "duties.events", "list_events": "duties.events", "record_event": "duties.events",
    "Ledger": "duties.ledger", "review_data": "duties.ledger",
    "BatchResult": "duties.batch", "run_batch": "duties.batch",
}  # fmt: skip

__all__ = [
    "Archive",
    "BatchResult",
    "Catalog",
    "CnDate",
    "DataFileError",
    "Event",
    "ExitCode",
    "FieldSpec",
    "FieldType",
    "Finding",
    "Ledger",
    "LianzhengError",
    "Obligation",
    "OutputError",
    "Person",
    "Problem",
    "Record",
    "RecordMeta",
    "RenderLimitError",
    "RenderLimits",
    "RenderedDocument",
    "Report",
    "Roster",
    "RosterError",
    "Status",
    "Template",
    "TemplateError",
    "TemplateManifest",
    "TemplateNotFound",
    "TemplateSource",
    "Unit",
    "ValidationError",
    "__version__",
    "check_document",
    "example_yaml",
    "list_events",
    "load_data",
    "load_obligations",
    "load_roster",
    "record_event",
    "render_limits",
    "render_samples",
    "render_xlsx",
    "review_data",
    "run_batch",
    "status",
    "status_html",
    "status_ics",
    "status_xlsx",
    "upcoming",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lianzheng_docs' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from .archive import Archive, Record, RecordMeta
    from .check import Finding, Report, check_document
    from .datafile import load_data
    from .duties.batch import BatchResult, run_batch
    from .duties.events import Event, list_events, record_event
    from .duties.ledger import Ledger, review_data
    from .duties.obligations import (
        Obligation,
        Status,
        load_obligations,
        status,
        status_html,
        status_ics,
        status_xlsx,
        upcoming,
    )
    from .duties.roster import Roster, RosterError, load_roster
    from .errors import (
        DataFileError,
        ExitCode,
        LianzhengError,
        OutputError,
        Problem,
        TemplateError,
        TemplateNotFound,
        ValidationError,
    )
    from .templating.catalog import Catalog, Template, TemplateSource
    from .templating.examples import example_yaml
    from .templating.limits import RenderLimitError, RenderLimits, render_limits
    from .templating.manifest import FieldSpec, FieldType, TemplateManifest
    from .templating.rendering import RenderedDocument
    from .templating.samples import render_samples
    from .templating.spreadsheet import render_xlsx
    from .values import CnDate, Person, Unit
