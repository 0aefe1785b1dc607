"""benchmarks/web.py runs end to end at a tiny size and writes its figures: no timing is asserted here
(the targets are judged by the benchmark itself, on the full size, against its own baseline)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PAGES = {"模板", "模板表单", "模板表单 检查", "档案目录", "档案 记录页（写审计）", "检索", "落实情况", "名册",
                "批量", "检查"}  # fmt: skip


@pytest.mark.slow
def test_web_benchmark_runs_and_writes_its_figures(soffice: str, tmp_path: Path) -> None:
    out = tmp_path / "web.json"
    done = subprocess.run(
        [sys.executable, ROOT / "benchmarks" / "web.py", "--docs", "200", "--requests", "3", "--out", out],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["documents"] == 200 and figures["requests"] == 3

    sample = {row["page"]: row for row in figures["sample"]}
    assert set(sample) == {"静态文件（基线）"} | SAMPLE_PAGES
    assert sample["静态文件（基线）"]["request"] == "GET /static/desk.css"
    assert sample["模板表单 检查"]["request"] == "POST /templates/risk_notice"
    for name in SAMPLE_PAGES:
        row = sample[name]
        assert row["requests"] == 3 and row["target_ms"] == 150
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["max_ms"]
        assert row["p95_ratio_to_baseline"] > 0 and isinstance(row["under_target"], bool)
    baseline = sample["静态文件（基线）"]
    assert baseline["requests"] == 3 * len(SAMPLE_PAGES) and baseline["target_ms"] is None

    search = {row["page"]: row for row in figures["search"]}
    pooled = search["检索（40 个检索词合计）"]
    assert pooled["requests"] == 40 and pooled["target_ms"] == 300  # every query of corpus.QUERIES once
    assert len(figures["search_per_query"]) == 40
    assert {row["target_ms"] for row in figures["search"] if "参考" in row["page"]} == {None}
    # the printed table names every page with its figures
    for name in SAMPLE_PAGES | set(search):
        assert f"\n{name}\t" in done.stdout
