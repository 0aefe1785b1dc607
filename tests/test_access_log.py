"""The access log (issue 18 item 4): every view and download, from the CLI as from the desk, is an audit
entry; ``archive log`` lists them by record and by user; reads where there is no signing key never
unsign the checkpoint, and verify still tells them from an insider's additions."""

from __future__ import annotations

import json
import sqlite3

from lianzheng_docs import Archive, Catalog
from lianzheng_docs.archive.signing import ENV_KEY, generate_keys, load_public_key
from lianzheng_docs.archive.verify import verify


def file_two(root) -> list[int]:
    catalog = Catalog.default()
    ids = []
    with Archive(root) as archive:
        for contact in ("甲", "乙"):
            template = catalog.get("risk_notice")
            data = {k: v for k, v in template.example().items() if k != "doc_number"} | {"contact": contact}
            ids.append(archive.file_rendered(template, data, allow_future_date=True).id)
    return ids


def accesses(root, record_id=None):
    with Archive(root, create=False) as archive:
        return [(e.action, e.detail.get("via")) for e in archive.history(record_id=record_id) if e.is_access]


def test_show_export_and_dossier_are_written_to_the_log(tmp_path, run):
    root = tmp_path / "档案"
    first, second = file_two(root)
    assert run("archive", "show", str(first), "--archive", root).exit_code == 0
    assert run("archive", "export", tmp_path / "备份.zip", "--archive", root).exit_code == 0
    assert accesses(root, first) == [("view", "命令行 archive show"), ("download", "命令行 archive export")]
    assert accesses(root, second) == [("download", "命令行 archive export")]


def test_archive_log_lists_by_record_user_and_kind_of_access(tmp_path, run):
    root = tmp_path / "档案"
    first, second = file_two(root)
    with Archive(root, create=False, actor="张三（网页，科室·预算科）") as archive:
        archive.record_access(first, "view", page="记录页")
        archive.record_access([first, second], "download", file="original")
    everything = run("archive", "log", "--archive", root)
    assert everything.exit_code == 0
    assert "归档" in everything.output and "张三（网页，科室·预算科）" in everything.output
    only = run("archive", "log", "--archive", root, "--record", str(second), "--access", "--json")
    rows = json.loads(only.output)
    assert [(r["action"], r["record_id"]) for r in rows] == [("download", second)]
    assert rows[0]["archival_code"].startswith("Z") and rows[0]["detail"] == {"file": "original"}
    user = "张三（网页，科室·预算科）"
    by_user = json.loads(run("archive", "log", "--archive", root, "--user", user, "--json").output)
    assert [r["action"] for r in by_user] == ["view", "download", "download"]
    views = run("archive", "log", "--archive", root, "--action", "view")
    assert "查看 1，下载 0" in views.output
    missing = run("archive", "log", "--archive", root, "--record", "Z999")
    assert missing.exit_code == 4


def test_reads_without_the_key_keep_the_signed_checkpoint_and_verify_says_so(tmp_path, monkeypatch):
    bureau = generate_keys(tmp_path / "局" / "私钥.pem", tmp_path / "局" / "公钥.pem")
    root = tmp_path / "档案"
    monkeypatch.setenv(ENV_KEY, str(bureau.private))
    first, _ = file_two(root)
    monkeypatch.delenv(ENV_KEY)
    signed = json.loads((root / "checkpoint.json").read_text(encoding="utf-8"))
    with Archive(root, create=False) as archive:
        archive.record_access(first, "view", page="记录页")
        archive.record_access(first, "download", file="original")
        report = verify(archive.root, archive.registry, public_key=load_public_key(bureau.public))
    assert json.loads((root / "checkpoint.json").read_text(encoding="utf-8")) == signed  # still signed, unchanged
    assert report.ok and report.signature == "verified"
    assert "其后 2 条查看、下载记录写于未配置私钥的机器，未签名" in report.signature_note

    # a change written where there is no key is not a read: it unsigns the checkpoint, and verify fails
    with Archive(root, create=False) as archive, archive.registry.transaction():
        archive.registry.audit("内鬼", "update", first, {"title": ["甲", "乙"]})
    with Archive(root, create=False) as archive:
        report = verify(archive.root, archive.registry, public_key=load_public_key(bureau.public))
    assert not report.ok and report.signature == "failed"


def test_a_forged_read_entry_still_breaks_the_chain(tmp_path):
    root = tmp_path / "档案"
    first, _ = file_two(root)
    with Archive(root, create=False) as archive:
        archive.record_access(first, "view", page="记录页")
    db = sqlite3.connect(root / "registry.sqlite3")
    for (name,) in list(db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")):
        db.execute(f"DROP TRIGGER {name}")
    db.execute("UPDATE audit SET actor = '别人' WHERE action = 'view'")
    db.commit()
    db.close()
    with Archive(root, create=False) as archive:
        report = verify(archive.root, archive.registry)
    assert not report.ok and any(issue.kind == "audit" for issue in report.issues)
