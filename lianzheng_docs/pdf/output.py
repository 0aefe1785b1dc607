"""Writing a PDF so that a failure never leaves half of it behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pypdf import PdfWriter


def write_pdf(writer: PdfWriter, target: Path) -> Path:
    """Write ``writer`` to ``target`` through a temporary file in the same folder and a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            writer.write(handle)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return target
