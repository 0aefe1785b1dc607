"""The archive under real processes: concurrent filers, a filer killed mid-way, a large file."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
import tracemalloc

import pytest

from lianzheng_docs.archive import Archive
from lianzheng_docs.archive.storage import digest_of, stage

pytestmark = [pytest.mark.slow, pytest.mark.fault]

FILER = textwrap.dedent(
    """
    import sys
    from lianzheng_docs import Catalog
    from lianzheng_docs.archive import Archive

    root, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    template = Catalog.default().get("risk_notice")
    with Archive(root, actor=tag) as archive:
        for n in range(count):
            data = template.example()
            data.pop("doc_number")
            data["recipient"] = f"{tag}第{n}号单位"
            archive.file_rendered(template, data)
            print(n, flush=True)
    """
)


def start_filer(root, tag, count):
    return subprocess.Popen(
        [sys.executable, "-c", FILER, str(root), tag, str(count)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def test_two_processes_filing_at_once_get_distinct_consecutive_numbers(tmp_path):
    root = tmp_path / "archive"
    Archive(root).close()  # create the schema before the race
    filers = [start_filer(root, tag, 50) for tag in ("甲进程", "乙进程")]
    for filer in filers:
        _, err = filer.communicate(timeout=300)
        assert filer.returncode == 0, err.decode()
    with Archive(root) as archive:
        records = archive.list()
        assert len(records) == 100
        assert sorted(r.item for r in records) == list(range(1, 101))
        assert sorted(int(r.doc_number.split("〕")[1][:-1]) for r in records) == list(range(1, 101))
        assert len({r.archival_code for r in records}) == 100
        assert archive.verify().ok
        assert archive.search("进程", limit=200).total == 100
        assert archive.search("甲进程第49号单位").total == 1


def test_a_filer_killed_mid_way_leaves_a_consistent_archive(tmp_path):
    root = tmp_path / "archive"
    Archive(root).close()
    filer = start_filer(root, "被终止", 500)
    assert filer.stdout is not None
    for _ in range(8):  # let it file a few documents, then kill it in the middle of the next
        filer.stdout.readline()
    filer.send_signal(signal.SIGKILL)
    filer.wait(timeout=30)
    with Archive(root) as archive:
        count = archive.registry.count()
        assert count >= 8
        report = archive.verify()
        serious = [i for i in report.issues if i.kind not in ("stray", "unknown")]
        assert serious == [], serious  # every filed record has its file, hash, number and audit entry
        assert archive.search("被终止", limit=1000).total == count  # index intact, caught up or rebuilt
        next_record = archive.file_rendered(*_notice("继续"))
        assert next_record.item == count + 1


REBUILDER = textwrap.dedent(
    """
    import sys, time
    from lianzheng_docs.archive import Archive
    from lianzheng_docs.archive.derived import indexed_document

    with Archive(sys.argv[1]) as archive:
        def batches():
            for rows in archive.registry.iter_records(5):
                yield [indexed_document(row) for row in rows]
                print("batch", flush=True)
                time.sleep(60)  # killed here, in the middle of the rebuild
        archive.index.rebuild(batches())
    """
)


def test_a_rebuild_killed_mid_way_leaves_the_old_index_serving(tmp_path):
    root = tmp_path / "archive"
    with Archive(root) as archive, archive.indexing_deferred():
        for n in range(12):
            archive.file_rendered(*_notice(f"重建第{n}号单位"))
    rebuilder = subprocess.Popen([sys.executable, "-c", REBUILDER, str(root)], stdout=subprocess.PIPE)
    assert rebuilder.stdout is not None and rebuilder.stdout.readline() == b"batch\n"
    with Archive(root) as archive:
        assert archive.search("重建第", limit=100).total == 12  # the old index answers during the rebuild
    rebuilder.send_signal(signal.SIGKILL)
    rebuilder.wait(timeout=30)
    with Archive(root, lock_timeout=5) as archive:
        assert archive.search("重建第", limit=100).total == 12  # still the old index, whole
        assert archive.reindex() == 12  # the dead writer's lock is gone with it
        assert archive.search("重建第11号单位").total == 1
        generation = archive.index.texts.generation()
    assert sorted(p.name for p in (root / "index").glob("texts-*")) == [
        f"texts-{generation}.bin",
        f"texts-{generation}.idx",
    ]  # the half-written generation is cleared away


def _notice(recipient):
    from lianzheng_docs import Catalog

    template = Catalog.default().get("risk_notice")
    data = template.example()
    data.pop("doc_number")
    data["recipient"] = recipient
    return template, data


def test_a_200_mb_file_is_streamed_not_loaded(tmp_path):
    big = tmp_path / "big.bin"
    with open(big, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    tracemalloc.start()
    started = time.perf_counter()
    staged = stage(big, tmp_path / "tmp")
    digest, size = digest_of(staged.path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert size == staged.size == 200 * 1024 * 1024 and digest == staged.sha256
    assert peak < 16 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"
    assert time.perf_counter() - started < 60
