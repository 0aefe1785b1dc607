"""Batch PDF conversion against one LibreOffice start per document, side by side in one run.

.venv/bin/python benchmarks/pdf_batch.py [--docs 50]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from lianzheng_docs import Catalog
from lianzheng_docs.pdf.convert import convert_to_pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=50)
    args = parser.parse_args()
    templates = list(Catalog.default())
    with tempfile.TemporaryDirectory(prefix="lianzheng-pdf-bench-") as tmp:
        folder = Path(tmp)
        sources = []
        for number in range(args.docs):
            template = templates[number % len(templates)]
            path = folder / "docx" / f"{number:03d}_{template.id}.docx"
            path.parent.mkdir(exist_ok=True)
            sources.append(template.render(template.example()).save(path))
        started = time.perf_counter()
        for source in sources:  # the baseline: one LibreOffice start per document
            convert_to_pdf([source], folder / "single")
        single = time.perf_counter() - started
        started = time.perf_counter()
        convert_to_pdf(sources, folder / "batch")
        batch = time.perf_counter() - started
    print(
        f"{args.docs} documents: one start each {single:.1f} s ({single / args.docs:.2f} s/doc); "
        f"one batch {batch:.1f} s ({batch / args.docs:.2f} s/doc); batch is {single / batch:.1f}x faster"
    )


if __name__ == "__main__":
    main()
