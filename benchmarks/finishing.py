"""The cost of the finishing step (版记 on the last even page), against rendering alone and
against one plain PDF conversion of the same documents, side by side in one run.

.venv/bin/python benchmarks/finishing.py [--docs 40]

Documents cycle through the built-in templates with their example data and a long variant
(every paragraph three times), so both moves (the 版记 to the next page; a blank page first)
and documents without a 版记 are in the mix.
"""

from __future__ import annotations

import argparse
import collections
import tempfile
import time
from pathlib import Path
from typing import Any

from lianzheng_docs import Catalog
from lianzheng_docs.finishing import finish
from lianzheng_docs.pdf.convert import convert_to_pdf
from lianzheng_docs.templating.manifest import FieldType


def _long(template: Any) -> dict[str, Any]:
    data = template.example()
    for spec in template.manifest.fields:
        if spec.type is FieldType.PARAGRAPHS and isinstance(data.get(spec.name), list):
            data[spec.name] = [paragraph * 3 for paragraph in data[spec.name]]
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=40)
    args = parser.parse_args()
    templates = list(Catalog.default())
    started = time.perf_counter()
    documents = []
    for number in range(args.docs):
        template = templates[number % len(templates)]
        data = template.example() if (number // len(templates)) % 2 == 0 else _long(template)
        documents.append(template.render(data).content)
    render = time.perf_counter() - started

    with tempfile.TemporaryDirectory(prefix="lianzheng-finish-bench-") as tmp:
        paths = []
        for number, content in enumerate(documents):
            path = Path(tmp) / f"{number:03d}.docx"
            path.write_bytes(content)
            paths.append(path)
        started = time.perf_counter()
        convert_to_pdf(paths, Path(tmp) / "pdf")  # the baseline: one plain conversion of them all
        convert = time.perf_counter() - started

    started = time.perf_counter()
    results = finish(documents, require=True)
    finishing = time.perf_counter() - started
    started = time.perf_counter()
    finish(documents, require=True, pdfs=True)
    finishing_pdfs = time.perf_counter() - started

    moves = collections.Counter(result.move.value if result.move else "no 版记" for result in results)
    laid_out = sum(result.move is not None for result in results)
    print(f"documents: {args.docs} ({laid_out} with a 版记); moves: {dict(moves)}")
    print(f"render only:                    {render:7.2f} s  {render / args.docs * 1000:7.1f} ms/doc")
    print(f"one plain PDF conversion:       {convert:7.2f} s  {convert / args.docs * 1000:7.1f} ms/doc  (baseline)")
    print(f"finishing (版记 documents):      {finishing:7.2f} s  {finishing / args.docs * 1000:7.1f} ms/doc"
          f"  = {finishing / convert:.2f}x the baseline")  # fmt: skip
    print(f"finishing with every PDF:       {finishing_pdfs:7.2f} s  {finishing_pdfs / args.docs * 1000:7.1f} ms/doc"
          f"  = {finishing_pdfs / convert:.2f}x the baseline")  # fmt: skip


if __name__ == "__main__":
    main()
