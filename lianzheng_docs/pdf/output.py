"""Writing a PDF so that a failure never leaves half of it behind."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfWriter

from ..fileio import atomic_output


def write_pdf(writer: PdfWriter, target: Path, *, overwrite: bool = True) -> Path:
    """Write ``writer`` to ``target`` through a temporary file in the same folder and a rename.

    ``overwrite=False`` refuses to replace an existing file, even one a concurrent writer puts
    there meanwhile. Raises :class:`~lianzheng_docs.errors.OutputError` (see
    :func:`~lianzheng_docs.fileio.atomic_output`).
    """
    with atomic_output(target, overwrite=overwrite) as handle:
        writer.write(handle)
    return target
