"""The web desk's speed: its pages over HTTP against a static file from the same server, in one run.

    .venv/bin/python benchmarks/web.py [--docs 20000] [--requests 50] [--out results.json]

1. Pages on the sample archive (what ``lianzheng samples --archive`` files, with
   ``docs/examples/名册.yaml`` kept as the desk's roster): 模板, a template's form (GET, and POST
   检查 with the form's own values and CSRF token), 档案 (the 目录 and a record's page: each view
   is written to the audit log, and that is part of the cost), 检索, 落实情况, 名册, 批量, 检查.
   Target (issue 17): p95 under 150 ms.
2. The 检索 page on ``--docs`` generated documents (``corpus.documents`` and ``run.build_registry``,
   as ``run.py`` builds its search corpus, indexed once before timing) over every query of
   ``corpus.QUERIES``, plus a deep page and a filtered search. Target: p95 under 300 ms. The 档案
   pages on the same archive are shown for information (no target).

Each archive is served by the real desk (``create_app``) under uvicorn in a thread on a free
loopback port, and requested over HTTP (httpx2, one keep-alive connection) from the same process,
one request at a time: a warm-up round first, then ``--requests`` rounds, each asking for every page
once and the baseline (``/static/desk.css`` from the same server) before each page, so that a
neighbour's load on a shared machine falls on the pages and the baseline alike. A time is from
sending the request to the last byte of the answer; every answer's status and a piece of its
content are checked, so a fast error page is not taken for a fast page. Nothing here is asserted
in tests (``tests/test_benchmark_web.py`` only runs a tiny size to prove the script works).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "tests"))

import corpus
import httpx2
from markupsafe import escape
from run import BIN, build_registry, percentile

from lianzheng_docs.archive import Archive
from lianzheng_docs.web import create_app
from lianzheng_docs.web.roster_store import keep_roster

from webpage import read_page

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_ROSTER = ROOT / "docs" / "examples" / "名册.yaml"
PAGE_TARGET_MS = 150.0
SEARCH_TARGET_MS = 300.0
BASELINE = "/static/desk.css"
#: a word the samples hold (``scripts/demo`` searches for it too)
SAMPLE_QUERY = "专项资金"


@dataclass
class Probe:
    """One page to time: the request, what a good answer is, and its target."""

    name: str
    path: str
    target_ms: float | None
    method: str = "GET"
    form: dict[str, str] | None = None
    status: int = 200
    holds: str = ""  # text the answer must contain
    times: list[float] = field(default_factory=list)

    def ask(self, client: httpx2.Client) -> float:
        started = time.perf_counter()
        answer = client.request(self.method, self.path, data=self.form)
        elapsed = time.perf_counter() - started
        if answer.status_code != self.status or self.holds not in answer.text:
            raise SystemExit(f"{self.name}: {self.method} {self.path} answered {answer.status_code}"
                             f" without {self.holds!r}:\n{answer.text[:1500]}")  # fmt: skip
        return elapsed


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(root: Path) -> Iterator[httpx2.Client]:
    """The desk on the archive at ``root`` under uvicorn in a thread; a client of it for the block."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(create_app(root), host="127.0.0.1", port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("the desk did not start")
        time.sleep(0.05)
    try:
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(10)


def baseline_probe() -> Probe:
    return Probe("静态文件（基线）", BASELINE, None, holds="{")


def measure(client: httpx2.Client, probes: list[Probe], rounds: int, baseline: Probe) -> None:
    """``rounds`` rounds over ``probes``, each request after one of the baseline (its times in ``baseline``)."""
    for probe in [baseline, *probes]:  # warm-up: the first answer of each page opens files and fills caches
        probe.ask(client)
    for _ in range(rounds):
        for probe in probes:
            baseline.times.append(baseline.ask(client))
            probe.times.append(probe.ask(client))


def summary(probe: Probe, baseline_p95: float) -> dict[str, Any]:
    p95 = percentile(probe.times, 0.95) * 1000
    return {
        "page": probe.name,
        "request": f"{probe.method} {probe.path}",
        "requests": len(probe.times),
        "p50_ms": round(statistics.median(probe.times) * 1000, 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(max(probe.times) * 1000, 2),
        "p95_ratio_to_baseline": round(p95 / baseline_p95, 1),
        "target_ms": probe.target_ms,
        "under_target": None if probe.target_ms is None else p95 < probe.target_ms,
    }


def table(probes: list[Probe], baseline: Probe) -> list[dict[str, Any]]:
    baseline_p95 = percentile(baseline.times, 0.95) * 1000
    return [summary(baseline, baseline_p95), *(summary(probe, baseline_p95) for probe in probes)]


# ---------------------------------------------------------------------- the archives (not timed)


def sample_archive(root: Path) -> None:
    """What ``lianzheng samples --archive`` files, and the example roster kept as the desk keeps an upload."""
    subprocess.run([BIN / "lianzheng", "samples", "--archive", root, "--json"], check=True, capture_output=True)
    keep_roster(root, EXAMPLE_ROSTER.read_bytes(), EXAMPLE_ROSTER.name, actor="benchmark")


def generated_archive(root: Path, count: int) -> None:
    """``count`` generated documents registered as ``run.py`` registers its search corpus, then indexed."""
    build_registry(root, list(corpus.documents(count)))
    with Archive(root) as archive:
        archive.reindex()


def first_record(root: Path) -> tuple[int, str]:
    """The first record's id, and its title as the page prints it (escaped)."""
    with Archive(root, create=False) as archive:
        record = archive.list(limit=1)[0]
    return record.id, str(escape(record.title))


def check_form(client: httpx2.Client, template: str) -> dict[str, str]:
    """The form's values as a browser would send them (the example data and the CSRF token), 检查 pressed."""
    page = client.get(f"/templates/{template}")
    page.raise_for_status()
    return {**read_page(page.text).values, "action": "check"}


def sample_probes(client: httpx2.Client, root: Path) -> list[Probe]:
    record_id, title = first_record(root)
    return [
        Probe("模板", "/templates", PAGE_TARGET_MS, holds="廉政风险告知书"),
        Probe("模板表单", "/templates/risk_notice", PAGE_TARGET_MS, holds='name="csrf"'),
        Probe(
            "模板表单 检查",
            "/templates/risk_notice",
            PAGE_TARGET_MS,
            method="POST",
            form=check_form(client, "risk_notice"),
            holds='id="checked"',
        ),
        Probe("档案目录", "/records", PAGE_TARGET_MS, holds=f"/records/{record_id}"),
        Probe("档案 记录页（写审计）", f"/records/{record_id}", PAGE_TARGET_MS, holds=title),
        Probe("检索", f"/search?q={SAMPLE_QUERY}", PAGE_TARGET_MS, holds="<mark>"),
        Probe("落实情况", "/status", PAGE_TARGET_MS, holds="落实情况"),
        Probe("名册", "/roster", PAGE_TARGET_MS, holds=EXAMPLE_ROSTER.name),
        Probe("批量", "/batch", PAGE_TARGET_MS, holds="批量"),
        Probe("检查", "/check", PAGE_TARGET_MS, holds="检查"),
    ]


def search_probes(root: Path) -> list[Probe]:
    record_id, title = first_record(root)
    # the title says the query was searched (a small --docs may find nothing for some)
    probes = [Probe(f"检索 {query}", f"/search?q={query}", SEARCH_TARGET_MS, holds=f"<title>检索：{escape(query)}")
              for query in corpus.QUERIES]  # fmt: skip
    return [
        *probes,
        Probe("检索 第 5 页", "/search?q=整改&page=5", SEARCH_TARGET_MS, holds="<title>检索：整改"),
        Probe(
            "检索 年度+文种", "/search?q=专项资金&year=2024&kind=通报", SEARCH_TARGET_MS, holds="<title>检索：专项资金"
        ),
        Probe("档案目录（参考）", "/records", None, holds="/records/"),
        Probe("档案目录 第 100 页（参考）", "/records?page=100", None, holds="/records/"),
        Probe("档案 记录页（参考）", f"/records/{record_id}", None, holds=title),
    ]


def pooled(name: str, probes: list[Probe], target_ms: float) -> Probe:
    return Probe(name, f"/search?q=<{len(probes)} 个检索词>", target_ms,
                 times=[t for probe in probes for t in probe.times])  # fmt: skip


# ---------------------------------------------------------------------- the run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20000, help="documents in the archive the search page is timed on")
    parser.add_argument("--requests", type=int, default=50, help="timed requests of each page (after one warm-up)")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here too")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "load_before": os.getloadavg()},
        "requests": args.requests,
        "documents": args.docs,
    }
    with tempfile.TemporaryDirectory(prefix="lianzheng-web-bench-") as tmp:
        work = Path(tmp)
        print("filing the samples (lianzheng samples --archive) and keeping the example roster ...", flush=True)
        sample_archive(work / "sample")
        print(f"registering and indexing {args.docs} generated documents ...", flush=True)
        started = time.perf_counter()
        generated_archive(work / "generated", args.docs)
        results["indexing_s"] = round(time.perf_counter() - started, 1)

        print(f"timing the pages on the sample archive, {args.requests} requests each ...", flush=True)
        with served(work / "sample") as client:
            probes, baseline = sample_probes(client, work / "sample"), baseline_probe()
            measure(client, probes, args.requests, baseline)
        results["sample"] = table(probes, baseline)

        # every query once a round: at least --requests timed searches in all
        rounds = max(1, math.ceil(args.requests / len(corpus.QUERIES)))
        print(f"timing the search page on {args.docs} documents, {len(corpus.QUERIES)} queries × {rounds} ...",
              flush=True)  # fmt: skip
        with served(work / "generated") as client:
            probes = search_probes(work / "generated")
            queries, others = probes[: len(corpus.QUERIES)], probes[len(corpus.QUERIES) :]
            baseline = baseline_probe()
            measure(client, queries, rounds, baseline)
            measure(client, others, args.requests, baseline)
        all_queries = pooled(f"检索（{len(queries)} 个检索词合计）", queries, SEARCH_TARGET_MS)
        results["search"] = table([all_queries, *others], baseline)
        results["search_per_query"] = table(queries, baseline)[1:]
    results["machine"]["load_after"] = os.getloadavg()
    report(results)
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


def report(results: dict[str, Any]) -> None:
    machine = results["machine"]
    print()
    print(f"{machine['cpus']} CPUs, load average before {machine['load_before'][0]:.2f},"
          f" after {machine['load_after'][0]:.2f}; {results['requests']} requests a page")  # fmt: skip
    for key, heading in (("sample", "sample archive"), ("search", f"{results['documents']} documents")):
        print()
        print(f"{heading}: page\tp50 ms\tp95 ms\tmax ms\tp95/baseline\ttarget")
        for row in results[key]:
            target = "—" if row["target_ms"] is None else (
                f"{'ok' if row['under_target'] else 'MISSED'} < {row['target_ms']:.0f}")  # fmt: skip
            print(f"{row['page']}\t{row['p50_ms']:.1f}\t{row['p95_ms']:.1f}\t{row['max_ms']:.1f}"
                  f"\t{row['p95_ratio_to_baseline']:.1f}x\t{target}")  # fmt: skip
    slowest = sorted(results["search_per_query"], key=lambda row: -row["p95_ms"])[:5]
    print()
    print("slowest queries (p95 ms): " + "，".join(f"{row['page'][3:]} {row['p95_ms']:.0f}" for row in slowest))
    missed = [row["page"] for key in ("sample", "search") for row in results[key] if row["under_target"] is False]
    print("targets: " + ("missed by " + "，".join(missed) if missed else "every page under its target"))


if __name__ == "__main__":
    main()
