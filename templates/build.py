"""Build the built-in .docx templates from code: ``python templates/build.py [folder]``.

The layouts live in ``templates/builders/`` (one module per part of the 实施办法, shared pieces in
``builders/pieces.py``); this script writes ``<id>.docx`` for each of them.
``tests/test_templates.py`` fails when a committed .docx differs from a fresh build.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lianzheng_docs.builtin_templates.builders import BUILDERS

HERE = Path(__file__).resolve().parent


def build_all(target: Path = HERE) -> list[Path]:
    """Write every built-in template's .docx into ``target``; returns the paths written."""
    written = []
    for template_id, build in BUILDERS.items():
        path = target / f"{template_id}.docx"
        path.write_bytes(build().to_bytes())
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(written_path)
