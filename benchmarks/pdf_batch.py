"""Batch PDF conversion against one LibreOffice start per document, side by side in one run.

.venv/bin/python benchmarks/pdf_batch.py [--docs 50]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lianzheng_docs import Catalog
from lianzheng_docs.pdf.convert import convert_to_pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=50)
    parser.add_argument("--dossier", type=int, default=100, help="records in the dossier (0 to skip)")
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
    if args.dossier:
        bench_dossier(args.dossier)


def bench_dossier(count: int) -> None:
    from lianzheng_docs.archive import Archive

    template = Catalog.default().get("risk_notice")
    with tempfile.TemporaryDirectory(prefix="lianzheng-dossier-bench-") as tmp:
        root = Path(tmp) / "archive"
        with Archive(root) as archive:
            for number in range(count):
                data = template.example()
                data.pop("doc_number")
                data["recipient"] = f"第{number}号县财政局"
                archive.file_rendered(template, data)
        command = [str(Path(sys.executable).parent / "lianzheng"), "archive", "dossier", "--year", "2026",
                   "-o", str(Path(tmp) / "dossier.pdf"), "--archive", str(root), "--json"]  # fmt: skip
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        first = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        started = time.perf_counter()
        subprocess.run([*command, "--force"], check=True, capture_output=True)
        again = time.perf_counter() - started
    print(
        f"dossier of {count} records: {first:.1f} s the first time (stamped PDF/A copies made), "
        f"{again:.1f} s again (copies kept); peak RSS of the command {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
