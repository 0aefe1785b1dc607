"""Benchmarks of the archive, each against a baseline measured in the same run.

    .venv/bin/python benchmarks/run.py [--docs 20000] [--filing 1000] [--out results.json]

1. Filing: documents numbered, rendered, stored and indexed per second (``Archive.file_rendered``),
   one commit each and batched (``Archive.indexing_deferred``), against rendering the same
   documents to plain files.
2. Reindex: documents per second and the peak memory of ``lianzheng archive reindex`` (a child
   process) over a registry of ``--docs`` generated Chinese documents.
3. Search: p50/p95 latency of ``Archive.search`` over the fixed queries of ``corpus.QUERIES``;
   recall and top-10 precision against a grep baseline (substring test on every document)
   computed in the same run, and the grep baseline's own latency.
4. Cold start: ``lianzheng search`` as a whole process against ``python -c pass``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus

from lianzheng_docs import Catalog
from lianzheng_docs.archive import Archive
from lianzheng_docs.archive.registry import now
from lianzheng_docs.search.text import normalise

BIN = Path(sys.executable).parent


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def bench_filing(count: int, work: Path) -> dict[str, float]:
    template = Catalog.default().get("risk_notice")
    datasets = []
    for number in range(count):
        data = template.example()
        data.pop("doc_number")
        data["recipient"] = f"第{number}号县财政局"
        datasets.append(data)
    plain = work / "plain"
    plain.mkdir()
    started = time.perf_counter()
    for number, data in enumerate(datasets):
        template.render(data | {"doc_number": f"X财廉告〔2026〕{number + 1}号"}).save(plain / f"{number}.docx")
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    with Archive(work / "filing") as archive:
        for data in datasets:
            archive.file_rendered(template, data)  # each searchable as soon as it is filed
        assert archive.registry.count() == count
    filed = time.perf_counter() - started
    started = time.perf_counter()
    with Archive(work / "filing-batch") as archive, archive.indexing_deferred():
        for data in datasets:
            archive.file_rendered(template, data)  # as `lianzheng batch` and `archive add` file
    batched = time.perf_counter() - started
    with Archive(work / "filing-batch") as archive:
        assert archive.search("县财政局", limit=1).total == count
    return {
        "documents": count,
        "filed_per_second": count / filed,
        "filed_per_second_batched": count / batched,
        "baseline_render_and_save_per_second": count / baseline,
        "ratio_filing_to_baseline_time": filed / baseline,
        "ratio_batched_to_baseline_time": batched / baseline,
    }


def build_registry(root: Path, documents: list[corpus.Document]) -> None:
    """A registry of generated records (the files themselves are not needed to index or search)."""
    with Archive(root) as archive:
        db = archive.registry.db
        db.execute("BEGIN IMMEDIATE")
        for doc in documents:
            db.execute(
                "INSERT INTO records (fonds, category, year, retention, org, item, archival_code, doc_number, title,"
                " author, date, kind, unit, source, text, filed_at, filed_by) VALUES"
                " ('Z001', 'WS', ?, 'D30', 'BGS', ?, ?, NULL, ?, '', ?, ?, ?, 'external', ?, ?, 'benchmark')",
                (doc.year, doc.id, f"Z001-WS·{doc.year}-D30-BGS-{doc.id:05d}", doc.title, f"{doc.year}-06-01",
                 doc.kind, doc.unit, doc.body, now()),
            )  # fmt: skip
        db.execute("COMMIT")


def bench_reindex(root: Path, count: int) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([BIN / "lianzheng", "archive", "reindex", "--archive", root, "--json"], check=True,
                   capture_output=True)  # fmt: skip
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "documents": count,
        "seconds": elapsed,
        "documents_per_second": count / elapsed,
        "peak_rss_mb": max(before.ru_maxrss, after.ru_maxrss) / 1024,
    }


def bench_search(root: Path, documents: list[corpus.Document]) -> dict[str, object]:
    texts = [(doc.id, normalise(doc.title), normalise(doc.body)) for doc in documents]
    rows: list[dict[str, object]] = []
    engine_times: list[float] = []
    grep_times: list[float] = []
    with Archive(root) as archive:
        archive.search("预热")  # open the index once, as a long-running service would
        for query in corpus.QUERIES:
            needle = normalise(query)
            started = time.perf_counter()
            truth = {doc_id for doc_id, title, body in texts if needle in title or needle in body}
            grep_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            top = archive.search(query, limit=10)
            engine_times.append(time.perf_counter() - started)
            full = archive.search(query, limit=len(documents) + 1)
            found = {hit.id for hit in full.hits}
            recall = len(found & truth) / len(truth) if truth else (1.0 if not found else 0.0)
            top_ids = [hit.id for hit in top.hits]
            precision = sum(1 for i in top_ids if i in truth) / len(top_ids) if top_ids else 1.0
            rows.append({"query": query, "grep": len(truth), "found": len(found), "total": top.total,
                         "recall": recall, "top10_precision": precision,
                         "ms": round(engine_times[-1] * 1000, 1)})  # fmt: skip
    return {
        "queries": len(corpus.QUERIES),
        "p50_ms": statistics.median(engine_times) * 1000,
        "p95_ms": percentile(engine_times, 0.95) * 1000,
        "grep_baseline_p50_ms": statistics.median(grep_times) * 1000,
        "grep_baseline_p95_ms": percentile(grep_times, 0.95) * 1000,
        "recall_min": min(float(r["recall"]) for r in rows),  # type: ignore[arg-type]
        "top10_precision_min": min(float(r["top10_precision"]) for r in rows),  # type: ignore[arg-type]
        "per_query": rows,
    }


def bench_cold_start(root: Path, runs: int = 7) -> dict[str, float]:
    def timed(command: list[object]) -> float:
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            samples.append(time.perf_counter() - started)
        return statistics.median(samples)

    env_python = [sys.executable, "-c", "pass"]
    search = [BIN / "lianzheng", "search", "专项资金", "--archive", root]
    baseline, cold = timed(env_python), timed(search)
    return {"python_pass_s": baseline, "lianzheng_search_s": cold, "difference_s": cold - baseline,
            "ratio": cold / baseline}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20000, help="documents in the search corpus")
    parser.add_argument("--filing", type=int, default=1000, help="documents to file end to end")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here too")
    args = parser.parse_args()
    results: dict[str, object] = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}
    with tempfile.TemporaryDirectory(prefix="lianzheng-bench-") as tmp:
        work = Path(tmp)
        print(f"filing {args.filing} generated documents ...", flush=True)
        results["filing"] = bench_filing(args.filing, work)
        print(f"generating {args.docs} documents ...", flush=True)
        documents = list(corpus.documents(args.docs))
        root = work / "search"
        build_registry(root, documents)
        print("reindexing (child process) ...", flush=True)
        results["reindex"] = bench_reindex(root, len(documents))
        print(f"searching {len(corpus.QUERIES)} queries ...", flush=True)
        results["search"] = bench_search(root, documents)
        results["cold_start"] = bench_cold_start(root)
    report(results)
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


def report(results: dict[str, object]) -> None:
    filing, reindex, search, cold = (results[k] for k in ("filing", "reindex", "search", "cold_start"))
    assert (
        isinstance(filing, dict) and isinstance(reindex, dict) and isinstance(search, dict) and isinstance(cold, dict)
    )
    print()
    print(
        f"filing      {filing['filed_per_second']:.1f} docs/s one by one, {filing['filed_per_second_batched']:.1f} docs/s"
        f" batched (indexed once); baseline render+save {filing['baseline_render_and_save_per_second']:.1f} docs/s;"
        f" ratios {filing['ratio_filing_to_baseline_time']:.2f}x and {filing['ratio_batched_to_baseline_time']:.2f}x"
    )
    print(
        f"reindex     {reindex['documents']} docs in {reindex['seconds']:.1f} s = {reindex['documents_per_second']:.0f} docs/s;"
        f" peak RSS {reindex['peak_rss_mb']:.0f} MB"
    )
    print(
        f"search      p50 {search['p50_ms']:.1f} ms, p95 {search['p95_ms']:.1f} ms over {search['queries']} queries"
        f" (grep baseline p50 {search['grep_baseline_p50_ms']:.1f} ms, p95 {search['grep_baseline_p95_ms']:.1f} ms;"
        f" p95 ratio {search['p95_ms'] / search['grep_baseline_p95_ms']:.2f}x)"
    )
    print(
        f"            recall min {search['recall_min']:.3f}, top-10 precision min {search['top10_precision_min']:.3f}"
    )
    print(
        f"cold start  lianzheng search {cold['lianzheng_search_s']:.3f} s vs python -c pass {cold['python_pass_s']:.3f} s"
        f" (+{cold['difference_s']:.3f} s, ratio {cold['ratio']:.1f}x)"
    )
    print()
    print("query\tgrep\tfound\trecall\tp@10\tms")
    for row in search["per_query"]:  # type: ignore[union-attr]
        print(
            f"{row['query']}\t{row['grep']}\t{row['found']}\t{row['recall']:.2f}\t{row['top10_precision']:.2f}\t{row['ms']}"
        )


if __name__ == "__main__":
    main()
