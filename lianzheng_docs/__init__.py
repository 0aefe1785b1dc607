"""lianzheng-docs: the paperwork of the "two responsibilities" (两个责任) system, made right.

Generate GB/T 9704-2012 official documents from templates, validated against each template's
manifest, as deterministic .docx files::

    from lianzheng_docs import Catalog

    catalog = Catalog.default()
    letter = catalog.get("responsibility_letter")
    document = letter.render(letter.example() | {"department": "国库科"})
    document.save("责任书.docx")

Every error raised on purpose is a :class:`LianzhengError` with a Chinese message and an exit
code; :class:`ValidationError` lists every problem in the data at once.
"""

from __future__ import annotations

from .catalog import Catalog, Template, TemplateSource
from .check import Finding, Report, check_document
from .datafile import example_yaml, load_data
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
from .manifest import FieldSpec, FieldType, TemplateManifest
from .rendering import RenderedDocument
from .samples import render_samples
from .values import CnDate, Person, Unit

__version__ = "0.1.0"

__all__ = [
    "Catalog",
    "CnDate",
    "DataFileError",
    "ExitCode",
    "FieldSpec",
    "FieldType",
    "Finding",
    "LianzhengError",
    "OutputError",
    "Person",
    "Problem",
    "RenderedDocument",
    "Report",
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
    "load_data",
    "render_samples",
]
