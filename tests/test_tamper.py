"""Verify that cannot be fooled from inside the database (issue 15, item 1).

Each case edits the registry with sqlite3 behind the tool's back, as an insider with database
access would, and `archive verify` must fail (exit 1) naming what changed; an untouched archive
passes.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest

from lianzheng_docs import Catalog, Ledger, record_event
from lianzheng_docs.archive import Archive
from lianzheng_docs.archive.registry import GENESIS, chain_hash
from lianzheng_docs.archive.storage import digest_of

pytestmark = pytest.mark.fault  # the fault-and-abuse suite: `pytest -m fault`


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "档案"
    catalog = Catalog.default()
    with Archive(root) as archive:
        for template_id, contact in (("risk_notice", "甲"), ("risk_notice", "乙"), ("dual_report", None)):
            template = catalog.get(template_id)
            data = {k: v for k, v in template.example().items() if k != "doc_number"}
            if contact:
                data["contact"] = contact
            archive.file_rendered(template, data, allow_future_date=True)
        evidence = archive.list()[0].archival_code
        Ledger(archive).add("局党组书记", "1", date(2026, 3, 2), "主持召开党组会议", [evidence], today=date(2026, 6, 1))
        record_event(archive, "party_life_meeting", "预算科", date(2026, 5, 10))
        assert archive.verify().ok
    return root


def sql(root, *statements):
    db = sqlite3.connect(root / "registry.sqlite3")
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


def recompute_chain(root):
    """What an insider who also drops the triggers does: rewrite every audit hash consistently."""
    db = sqlite3.connect(root / "registry.sqlite3")
    db.row_factory = sqlite3.Row
    for name in [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]:
        db.execute(f"DROP TRIGGER {name}")
    previous = GENESIS
    for entry in list(db.execute("SELECT * FROM audit ORDER BY id")):
        digest = chain_hash(previous, entry["at"], entry["actor"], entry["action"], entry["record_id"], entry["detail"])
        db.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", (previous, digest, entry["id"]))
        previous = digest
    db.commit()
    db.close()


def kinds(root):
    with Archive(root) as archive:
        report = archive.verify()
    return report.ok, {issue.kind for issue in report.issues}


def test_an_untouched_archive_passes_and_its_checkpoint_follows_each_commit(root):
    assert kinds(root) == (True, set())
    checkpoint = json.loads((root / "checkpoint.json").read_text(encoding="utf-8"))
    with Archive(root) as archive:
        assert (checkpoint["audit_entries"], checkpoint["audit_head"]) == archive.registry.audit_head()


def test_rewritten_metadata_is_caught(root):
    sql(root, "UPDATE records SET title = '关于某事的报告', secrecy = '' WHERE id = 1")
    assert kinds(root) == (False, {"metadata"})


def test_a_replaced_file_with_its_digest_updated_is_caught(root):
    with Archive(root) as archive:
        record = archive.list()[0]
        path = archive.path_of(record)
    path.write_bytes(path.read_bytes()[:-20] + b"forged by an insider")
    digest, size = digest_of(path)
    sql(root, f"UPDATE files SET sha256 = '{digest}', size = {size} WHERE record_id = {record.id}")
    assert kinds(root) == (False, {"metadata"})


def test_the_last_record_and_its_file_deleted_are_caught(root):
    with Archive(root) as archive:
        last = archive.list()[-1]
        archive.path_of(last).unlink()
    sql(root, f"DELETE FROM files WHERE record_id = {last.id}", f"DELETE FROM records WHERE id = {last.id}")
    ok, found = kinds(root)
    assert not ok and "deleted" in found


def test_changed_ledger_and_event_rows_are_caught(root):
    sql(root, "UPDATE ledger SET done = '没做' WHERE id = 1", "UPDATE events SET date = '2026-06-30' WHERE id = 1")
    with Archive(root) as archive:
        messages = [issue.message for issue in archive.verify().issues]
    assert any("台账记录 1" in m for m in messages) and any("事件记录 1" in m for m in messages)


def test_a_recomputed_chain_is_caught_by_the_checkpoint_outside_the_database(root):
    recompute_chain(root)  # after editing the audit detail of the first filing
    sql(root, "UPDATE records SET title = '关于某事的报告' WHERE id = 1")
    db = sqlite3.connect(root / "registry.sqlite3")
    detail = json.loads(db.execute("SELECT detail FROM audit WHERE action = 'file' ORDER BY id LIMIT 1").fetchone()[0])
    detail.pop("meta")
    db.execute("UPDATE audit SET detail = ? WHERE id = (SELECT min(id) FROM audit WHERE action = 'file')",
               (json.dumps(detail, ensure_ascii=False, sort_keys=True),))  # fmt: skip
    db.commit()
    db.close()
    recompute_chain(root)
    ok, found = kinds(root)
    assert not ok and "checkpoint" in found


def test_a_cut_audit_log_and_a_lost_checkpoint_are_caught(root):
    db = sqlite3.connect(root / "registry.sqlite3")
    for (name,) in list(db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")):
        db.execute(f"DROP TRIGGER {name}")
    db.execute("DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)")
    db.commit()
    db.close()
    ok, found = kinds(root)
    assert not ok and "checkpoint" in found
    (root / "checkpoint.json").unlink()
    ok, found = kinds(root)
    assert not ok and "checkpoint" in found


def test_verify_through_the_cli_fails_with_exit_1(root, run):
    sql(root, "UPDATE records SET date = '2025-01-01' WHERE id = 2")
    result = run("archive", "verify", "--archive", root)
    assert result.exit_code == 1 and "登记库被改动过" in result.stdout
