"""The search engine on its own: exact substring semantics, ranking, filters, fragments, faults."""

from __future__ import annotations

import errno
import json
import os
import random
import subprocess
import sys

import pytest

from lianzheng_docs import ExitCode
from lianzheng_docs.search import EmptyQuery, IndexedDocument, SearchIndexError, SearchQuery, open_engine
from lianzheng_docs.search.text import normalise
from lianzheng_docs.search.whoosh_schema import record_ids

PHRASES = [
    "党风廉政建设", "主体责任", "监督责任", "生态环境保护", "追责问责", "一岗双责", "专项资金", "廉政风险",
    "八项规定", "四风", "整改", "约谈", "局党组", "驻局纪检组", "涉及资金 120 万元", "ＡＢＣ项目", "R&D 经费",
]  # fmt: skip
KINDS = ["通知", "报告", "通报", "告知书"]
UNITS = ["预算科", "国库科", "办公室"]


def corpus(count: int, seed: int = 7) -> list[IndexedDocument]:
    rng = random.Random(seed)
    documents = []
    for number in range(1, count + 1):
        body = "，".join(rng.choice(PHRASES) for _ in range(rng.randint(1, 8))) + "。"
        title = f"关于{rng.choice(PHRASES)}的{rng.choice(KINDS)}"
        documents.append(
            IndexedDocument(number, title, body, doc_number=f"X财廉〔{2020 + number % 6}〕{number}号",
                            archival_code=f"Z001-WS·{2020 + number % 6}-D30-BGS-{number:04d}",
                            kind=rng.choice(KINDS), unit=rng.choice(UNITS), year=2020 + number % 6)
        )  # fmt: skip
    return documents


@pytest.fixture
def engine(tmp_path):
    opened = open_engine(tmp_path / "index")
    opened.reset()
    yield opened
    opened.close()


def truth(documents: list[IndexedDocument], query: str) -> set[int]:
    needle = normalise(query)
    return {d.id for d in documents if needle in normalise(d.title) or needle in normalise(d.body)}


def found(engine, query: str, **filters) -> set[int]:
    return {hit.id for hit in engine.search(SearchQuery(query, limit=100_000, **filters)).hits}


def test_results_are_exactly_the_documents_containing_the_query(engine):
    documents = corpus(400)
    engine.rebuild([documents[:150], documents[150:]])
    assert engine.count() == 400
    rng = random.Random(3)
    queries = ["廉", "责", "建设", "责任", "政建", "监督责任", "党风廉政建设", "生态环境保护", "环境保护，", "abc项目",
               "ABC", "r&d经费", "120万元", "资金120", "任，追", "不存在的词"]  # fmt: skip
    for _ in range(40):  # random substrings of the texts, seams between phrases included
        doc = rng.choice(documents)
        start = rng.randrange(len(doc.body))
        queries.append(doc.body[start : start + rng.randint(1, 9)])
    for query in queries:
        if not normalise(query):
            continue
        expected = truth(documents, query)
        result = engine.search(SearchQuery(query, limit=100_000))
        assert {hit.id for hit in result.hits} == expected, query
        assert result.total == len(expected), query


def test_a_query_across_the_seam_of_title_and_body_finds_nothing(engine):
    engine.update([IndexedDocument(1, "关于专项资金", "管理办法的说明")])
    assert found(engine, "资金管理") == set()
    assert found(engine, "专项资金") == found(engine, "管理办法") == {1}


def test_normalisation_hides_no_match(engine):
    engine.update([
        IndexedDocument(1, "标题", "涉及资金 120 万元，ＡＢＣ公司承建"),
        IndexedDocument(2, "标题", "专 项 资\n金"),
    ])  # fmt: skip
    assert found(engine, "资金120万元") == {1}
    assert found(engine, "abc公司") == found(engine, "ＡＢＣ") == {1}
    assert found(engine, "专项资金") == {2}
    assert found(engine, "专项\x00资金") == {2}  # control characters in a query are dropped, not matched


def test_ranking_title_equal_then_title_then_body(engine):
    engine.update([
        IndexedDocument(1, "会议纪要", "专项资金使用情况。"),
        IndexedDocument(2, "关于专项资金检查的通知", "请各单位配合检查。"),
        IndexedDocument(3, "专项资金", "见附件。"),
        IndexedDocument(4, "工作简报", "专项资金专项资金专项资金，专项资金管理。"),
    ])  # fmt: skip
    hits = engine.search(SearchQuery("专项资金")).hits
    assert hits[0].id == 3  # the title is the query
    assert hits[1].id == 2  # in the title
    assert [h.id for h in hits[2:]] == [4, 1]  # more occurrences in the body rank higher
    assert all(h.score > 0 for h in hits)


def test_doc_number_and_archival_code_are_found_exactly(engine):
    documents = corpus(30)
    engine.update(documents)
    hits = engine.search(SearchQuery("X财廉〔2021〕7号")).hits
    assert hits[0].id == 7 and hits[0].doc_number == "X财廉〔2021〕7号"
    assert engine.search(SearchQuery("Z001-WS·2024-D30-BGS-0010")).hits[0].id == 10
    assert engine.search(SearchQuery("z001-ws·2024-d30-bgs-0010")).hits[0].id == 10  # case does not matter


def test_filters_narrow_the_exact_set(engine):
    documents = corpus(200)
    engine.update(documents)
    for query in ("责任", "廉"):
        everything = truth(documents, query)
        by_kind = {d.id for d in documents if d.id in everything and d.kind == "通报"}
        assert found(engine, query, kind="通报") == by_kind
        in_year = {d.id for d in documents if d.id in everything and d.year == 2023 and d.unit == "国库科"}
        assert found(engine, query, year=2023, unit="国库科") == in_year
    assert found(engine, "责任", kind="不存在的文种") == set()


def test_fragments_mark_the_match_and_point_into_the_original_text(engine):
    body = "一、总体要求。\n各单位要落实党风廉政建设 主体责任，严格执行八项规定。"
    engine.update([IndexedDocument(1, "关于落实责任的通知", body)])
    hit = engine.search(SearchQuery("主体责任")).hits[0]
    fragment = hit.fragments[0]
    assert "【主体责任】" in fragment.text
    assert body[fragment.start : fragment.end] == "主体责任"
    spaced = engine.search(SearchQuery("建设主体")).hits[0].fragments[0]
    assert body[spaced.start : spaced.end] == "建设 主体"  # offsets cover what the reader sees


def test_a_replaced_document_is_found_by_its_new_text_only(engine):
    engine.update([IndexedDocument(1, "初稿", "旧的文字"), IndexedDocument(2, "其他", "旧的文字")])
    engine.update([IndexedDocument(1, "定稿", "新的文字")])
    assert engine.count() == 2
    assert found(engine, "旧的") == {2}
    assert found(engine, "新的") == {1}
    assert found(engine, "的") == {1, 2}  # the one-character path sees the replacement too


def test_record_ids_are_read_whole_from_every_segment(engine):
    for start in range(1, 40, 10):  # several commits without merging: several segments
        engine.update([IndexedDocument(n, f"标题{n}", f"正文{n}") for n in range(start, start + 10)], merge=False)
    engine.update([IndexedDocument(5, "改过的标题", "改过的正文")], merge=False)  # a deletion in a segment
    searcher = engine._current_searcher()
    assert len(searcher.reader().leaf_readers()) > 1
    column = searcher.reader().column_reader("rid")
    ids = record_ids(searcher)
    assert list(ids) == [column[n] for n in range(searcher.doc_count_all())]
    assert found(engine, "改过") == {5}


def test_a_torn_tail_of_the_text_store_is_ignored_and_cut_off(engine):
    engine.update([IndexedDocument(1, "标题", "专项资金")])
    _, entries_path = engine.texts.paths(engine.texts.generation())
    with open(entries_path, "ab") as entries:
        entries.write(b"\x01\x02\x03")  # a writer killed in the middle of an entry
    engine.close()
    assert found(engine, "专项资金") == {1}
    engine.update([IndexedDocument(2, "标题", "专项资金")])
    assert entries_path.stat().st_size % 32 == 0
    assert found(engine, "专项资金") == {1, 2}


def test_lost_texts_make_the_index_unhealthy(engine):
    engine.update([IndexedDocument(1, "标题", "专项资金")])
    assert engine.healthy()
    texts_path, entries_path = engine.texts.paths(engine.texts.generation())
    texts_path.write_bytes(b"")
    engine.close()
    assert not engine.healthy()
    entries_path.unlink()
    engine.close()
    assert not engine.healthy()
    with pytest.raises(SearchIndexError):
        engine.search(SearchQuery("专项资金"))


def test_an_empty_query_is_refused(engine):
    with pytest.raises(SearchIndexError, match="检索词为空") as caught:
        engine.search(SearchQuery(" \u3000\n"))
    assert isinstance(caught.value, EmptyQuery)  # typed: callers need not read the message
    assert caught.value.to_dict() == {"error": "SearchIndexError", "message": "检索词为空", "exit_code": 7}
    from lianzheng_docs.archive import ArchiveError

    assert isinstance(caught.value, ArchiveError)  # `except ArchiveError` around a search still catches it


def test_an_empty_query_to_the_archive_is_refused_without_a_rebuild(run, tmp_path, monkeypatch):
    from lianzheng_docs.archive import Archive

    with Archive(tmp_path / "档案") as archive:
        assert archive.search("专项资金").total == 0  # the index is set up and healthy
        monkeypatch.setattr(archive, "reindex", lambda **_: pytest.fail("an empty query rebuilt the index"))
        with pytest.raises(EmptyQuery):
            archive.search(" \u3000")
    monkeypatch.setenv("LIANZHENG_ARCHIVE", str(tmp_path / "档案"))
    result = run("search", "  ", "--json")
    assert result.exit_code == ExitCode.ARCHIVE
    assert json.loads(result.output) == {"error": "SearchIndexError", "message": "检索词为空", "exit_code": 7}


def test_the_archive_re_exports_the_search_errors():
    from lianzheng_docs import archive, search

    assert archive.SearchIndexError is search.SearchIndexError
    assert search.SearchIndexError.exit_code == ExitCode.ARCHIVE


def test_search_imports_nothing_of_the_archive():
    """Search knows documents, not the registry: importing all of it loads no archive module."""
    code = (
        "import sys, lianzheng_docs.search.whoosh_engine;"
        "print(sorted(m for m in sys.modules if m.startswith('lianzheng_docs.archive')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_an_index_file_that_cannot_be_written_is_an_index_error_and_the_old_one_stays(engine, tmp_path, monkeypatch):
    engine.update([IndexedDocument(1, "标题", "专项资金")])
    folder = tmp_path / "index"
    before = {name: (folder / name).read_bytes() for name in ("state.json", "texts.json")}

    def full_disk(source, target):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(SearchIndexError, match=r"检索索引无法更新.*磁盘空间不足"):
        engine._write_state(2)
    with pytest.raises(SearchIndexError, match=r"检索索引无法更新.*磁盘空间不足"):
        engine.texts.rebuild().publish()
    monkeypatch.undo()
    assert {name: (folder / name).read_bytes() for name in before} == before
    assert list(folder.glob("*.part")) == []  # no temporary left behind
    engine.close()
    assert engine.last_id() == 1 and found(engine, "专项资金") == {1}


def test_a_rebuild_serves_the_old_index_until_it_commits_and_keeps_it_when_it_fails(engine, tmp_path):
    engine.rebuild([[IndexedDocument(1, "旧标题", "旧的正文"), IndexedDocument(2, "标题", "专项资金")]])
    old_generation = engine.texts.generation()

    def failing():
        yield [IndexedDocument(1, "新标题", "新的正文")]
        assert found(open_engine(tmp_path / "index"), "旧的正文") == {1}  # a reader meanwhile: the old index
        raise RuntimeError("the registry went away")

    with pytest.raises(RuntimeError):
        engine.rebuild(failing())
    engine.close()
    assert engine.texts.generation() == old_generation
    assert found(engine, "旧的正文") == {1} and found(engine, "专项资金") == {2}
    assert sorted(p.name for p in (tmp_path / "index").glob("texts-*")) == [
        f"texts-{old_generation}.bin", f"texts-{old_generation}.idx"]  # fmt: skip

    assert engine.rebuild([[IndexedDocument(1, "新标题", "新的正文")]]) == 1
    assert engine.count() == 1 and found(engine, "新的") == {1} and found(engine, "专项资金") == set()
    assert engine.last_id() == 1


def test_a_rebuild_waits_for_the_write_lock(engine, tmp_path):
    engine.update([IndexedDocument(1, "标题", "专项资金")])
    holder = open_engine(tmp_path / "index")
    writer = holder._open().writer()
    try:
        impatient = open_engine(tmp_path / "index", lock_timeout=0.3)
        with pytest.raises(SearchIndexError, match="另一个进程"):
            impatient.rebuild([[IndexedDocument(2, "标题", "正文")]])
    finally:
        writer.cancel()
    assert found(engine, "专项资金") == {1}


def test_ranking_orders_by_number_then_title_then_score_then_newer():
    from lianzheng_docs.search.ranking import Collection, rank

    collection = Collection(documents=100, title_bytes=3000, body_bytes=300_000)
    size = len("专项资金".encode())
    matches = [
        (1, 0, 2, 30, 3000),  # twice in a long body
        (2, 0, 2, 30, 300),  # twice in a short body: shorter wins
        (3, 1, 0, size, 10),  # the title is the query
        (4, 1, 0, 30, 10),  # in a longer title
        (5, 0, 2, 30, 300),  # same as 2, newer
    ]
    total, top = rank(iter(matches), {9}, size, collection, limit=10)
    assert total == 6  # five in the text and record 9, whose 文号 is the query
    assert [record_id for _, record_id in top] == [9, 3, 4, 5, 2, 1]
    assert top[0][0] == 0.0 and all(score > 0 for score, _ in top[1:])
    assert rank(iter(matches), set(), size, collection, limit=0) == (5, [])
    assert [r for _, r in rank(iter(matches), set(), size, collection, limit=2)[1]] == [3, 4]


def test_secrecy_and_date_range_filters(engine):
    import datetime

    engine.update([
        IndexedDocument(1, "关于专项资金的通知", "专项资金", date="2025-03-01", secrecy="秘密"),
        IndexedDocument(2, "关于专项资金的报告", "专项资金", date="2025-12-31"),
        IndexedDocument(3, "关于专项资金的通报", "专项资金", date="2026-01-01", secrecy="机密"),
        IndexedDocument(4, "关于专项资金的函", "专项资金"),  # undated
    ])  # fmt: skip
    assert found(engine, "专项资金", secrecy="秘密") == {1}
    assert found(engine, "专项资金", secrecy="") == {2, 4}  # those filed without a 密级
    d = datetime.date
    assert found(engine, "专项资金", since=d(2025, 3, 1), until=d(2025, 12, 31)) == {1, 2}  # both ends included
    assert found(engine, "专项资金", since=d(2025, 12, 31)) == {2, 3}
    assert found(engine, "专项资金", until=d(2025, 2, 28)) == set()
    assert found(engine, "专", since=d(2026, 1, 1), secrecy="机密") == {3}  # the one-character path filters too
    hit = engine.search(SearchQuery("专项资金", secrecy="机密")).hits[0]
    assert hit.secrecy == "机密" and hit.date == "2026-01-01"


# ---------------------------------------------------------------------- brackets of a 文号, and several words


def truth_all(documents: list[IndexedDocument], query: str) -> set[int]:
    """The documents holding every word of ``query``, each word in the title or in the body."""
    needles = [normalise(word) for word in query.split() if normalise(word)]
    return {d.id for d in documents
            if all(n in normalise(d.title) or n in normalise(d.body) for n in needles)}  # fmt: skip


@pytest.mark.parametrize("typed", ["X财廉告[2026]2号", "X财廉告［2026］2号", "X财廉告【2026】2号", "X财廉告(2026)2号",
                                   "X财廉告（2026）2号", "X财廉告〔2026〕2号"])  # fmt: skip
def test_a_doc_number_typed_with_the_keyboards_brackets_finds_it(engine, typed):
    engine.update([
        IndexedDocument(1, "廉政风险告知书", "国库科：……", doc_number="X财廉告〔2026〕2号"),
        IndexedDocument(2, "关于转发的通知", "转发X财廉告〔2026〕2号文件，请遵照执行。"),
        IndexedDocument(3, "外来文件", "来文编号：X财廉告[2026]2号（原文如此）"),
        IndexedDocument(4, "另一份告知书", "见X财廉告〔2026〕12号", doc_number="X财廉告〔2026〕12号"),
    ])  # fmt: skip
    result = engine.search(SearchQuery(typed))
    assert result.hits[0].id == 1  # the record whose 文号 it is, first
    assert {hit.id for hit in result.hits} == {1, 2, 3} and result.total == 3
    assert found(engine, "2026]2号") == found(engine, "〔2026〕2号") == {2, 3}  # part of one: in the texts only
    # typed with spaces: its record first, then what holds each part (12号 holds 2号)
    spaced = engine.search(SearchQuery("x财廉告 [2026] 2号"))
    assert spaced.hits[0].id == 1 and {hit.id for hit in spaced.hits} == {1, 2, 3, 4}


def test_brackets_are_folded_character_by_character_so_a_part_of_a_match_still_matches():
    assert normalise("X财廉告［２０２６］2号") == normalise("X财廉告【2026】2号") == "x财廉告〔2026〕2号"
    assert normalise("（一）(二)") == "〔一〕〔二〕"
    text = "转发X财廉告〔2026〕2号文件"
    for start in range(len(text)):  # every substring of the text, with any brackets, still matches it
        for end in range(start + 1, len(text) + 1):
            typed = text[start:end].replace("〔", "[").replace("〕", "]")
            assert normalise(typed) in normalise(text), typed


def test_every_word_of_a_query_is_required(engine):
    engine.update([
        IndexedDocument(1, "廉政风险告知书", "致国库科：资金拨付存在风险。", unit="国库科"),
        IndexedDocument(2, "廉政风险告知书", "致预算科：预算编制存在风险。", unit="预算科"),
        IndexedDocument(3, "国库科工作总结", "本年度完成资金拨付。", unit="国库科"),
        IndexedDocument(4, "国库科", "告知书"),  # one word in the title, the other in the body
    ])  # fmt: skip
    assert found(engine, "国库科 告知书") == {1, 4}
    assert found(engine, "国库科　告知书") == {1, 4}  # a full-width space separates words too
    assert found(engine, "  告知书   国库科 ") == {1, 4}
    assert found(engine, "国库科告知书") == set()  # without the space: one phrase, in no document
    assert found(engine, "国库科 告知书 预算") == set()
    assert found(engine, "国库科 告知书", unit="国库科") == {1}
    assert found(engine, "科 险") == {1, 2}  # single characters: read through, then counted
    assert found(engine, "库 书 风") == {1}
    result = engine.search(SearchQuery("资金拨付 国库科"))
    assert result.total == 2 and [hit.id for hit in result.hits] == [3, 1]  # 国库科 in 3's title: it counts more


def test_several_words_find_exactly_the_documents_holding_all_of_them(engine):
    documents = corpus(400)
    engine.rebuild([documents])
    rng = random.Random(11)
    queries = ["主体责任 监督责任", "责任 廉", "廉 责 建", "八项规定 四风 整改", "约谈 不存在的词", "abc项目 r&d经费",
               "关于 通报", "党风廉政建设 的"]  # fmt: skip
    for _ in range(30):  # random words of the texts, two or three of them
        picked = [rng.choice(documents) for _ in range(rng.randint(2, 3))]
        queries.append(" ".join(d.body[(at := rng.randrange(len(d.body))) : at + rng.randint(1, 4)] for d in picked))
    for query in queries:
        if not normalise(query):
            continue
        expected = truth_all(documents, query)
        result = engine.search(SearchQuery(query, limit=100_000))
        assert {hit.id for hit in result.hits} == expected, query
        assert result.total == len(expected), query
        scores = [hit.score for hit in result.hits]
        assert scores == sorted(scores, reverse=True), query
    assert found(engine, "责任 廉", kind="通报", year=2023) == {
        d.id for d in documents if d.id in truth_all(documents, "责任 廉") and d.kind == "通报" and d.year == 2023
    }


def test_fragments_show_each_word_of_the_query():
    from lianzheng_docs.search.text import fragments, spans, words

    text = "国库科要落实" + "，国库科资金" * 10 + "。风险告知书已送达。"
    assert words("国库科  告知书 国库科") == ["国库科", "告知书"]
    shown = fragments(text, "国库科 告知书")
    assert len(shown) == 3 and any("【告知书】" in f.text for f in shown)  # the second word, though far behind
    assert [text[f.start : f.end] for f in shown] == ["国库科", "国库科", "告知书"]  # in the order of the text
    assert spans("国库科告知书", ["国库科", "告知书"]) == [(0, 6)]  # matches that touch are one
    assert spans("国库 科告知书", ["国库科", "告知书"]) == [(0, 7)]
    assert spans("告知书与国库科", ["国库科", "告知书"]) == [(0, 3), (4, 7)]


def test_ranking_several_words_weighs_the_rarer_word_and_the_title():
    from lianzheng_docs.search.ranking import Collection, idf, rank_words

    collection = Collection(documents=100, title_bytes=3000, body_bytes=300_000)
    weights = [idf(100, 2), idf(100, 90)]  # a rare word, a common one
    matches = [
        (1, [(0, 1), (0, 5)], 30, 3000),  # the rare word once, the common one often
        (2, [(0, 3), (0, 1)], 30, 3000),  # the rare word often
        (3, [(1, 0), (0, 1)], 30, 3000),  # the rare word in the title
        (4, [(0, 1), (0, 1)], 30, 3000),
    ]
    total, top = rank_words(iter(matches), {9}, weights, collection, limit=10)
    assert total == 5 and [record_id for _, record_id in top] == [9, 3, 2, 1, 4]
    assert rank_words(iter(matches), set(), weights, collection, limit=2)[1][1][1] == 2
