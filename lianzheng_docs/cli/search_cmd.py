"""``lianzheng search``: full-text search of the archive, in Chinese."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .output import emit
from .params import ISO_DATE, YEAR, archive_option, json_option

if TYPE_CHECKING:
    from ..search import SearchResult


@click.command("search")
@click.argument("query", metavar="检索词")
@click.option("--type", "kind", help="只检索某一文种，如 告知书。")
@click.option("--year", type=YEAR, help="只检索某一年度（2000–2100）。")
@click.option("--unit", help="只检索某一科室（单位）。")
@click.option("--template", help="只检索某一模板生成的文档。")
@click.option("--secrecy", help="只检索某一密级，如 秘密；--secrecy '' 检索未标密级的。")
@click.option("--since", type=ISO_DATE, help="成文日期不早于此日（YYYY-MM-DD）。")
@click.option("--until", type=ISO_DATE, help="成文日期不晚于此日（YYYY-MM-DD）。")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True, help="最多显示多少条。")
@archive_option
@json_option
def search(query: str, kind: str | None, year: int | None, unit: str | None, template: str | None,
           secrecy: str | None, since: date | None, until: date | None, limit: int, root: Path | None,
           as_json: bool) -> None:  # fmt: skip
    """全文检索档案：题名、正文、文号、档号。检索词按原文逐字匹配；空格隔开的几个词须同时出现；
    也可直接输入完整文号或档号（[ ]、( )、【 】 都当作 〔 〕）。"""
    from ..archive import Archive

    with Archive(root, create=False) as archive:
        result = archive.search(query, kind=kind, unit=unit, year=year, template=template, secrecy=secrecy,
                                since=since, until=until,
                                limit=limit)  # fmt: skip
    emit({
        "query": query,
        "total": result.total,
        "hits": [
            {"id": h.id, "score": round(h.score, 3), "title": h.title, "archival_code": h.archival_code,
             "doc_number": h.doc_number, "kind": h.kind, "unit": h.unit, "year": h.year, "date": h.date,
             "secrecy": h.secrecy,
             "fragments": [{"text": f.text, "start": f.start, "end": f.end} for f in h.fragments]}
            for h in result.hits
        ],
    }, lambda: _text(query, result), as_json=as_json)  # fmt: skip


def _text(query: str, result: SearchResult) -> Iterator[str]:
    if not result.total:
        yield f"没有找到包含“{query}”的档案。"
        return
    yield f"找到 {result.total} 件，显示前 {len(result.hits)} 件："
    for rank, hit in enumerate(result.hits, 1):
        yield f"{rank}. {hit.title}"
        secrecy = f"  {hit.secrecy}" if hit.secrecy else ""
        yield f"   {hit.archival_code}  {hit.doc_number or '（无文号）'}  {hit.kind}  {hit.date}{secrecy}"
        for fragment in hit.fragments[:2]:
            yield f"   {fragment.text}"
