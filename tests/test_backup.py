"""Export is a backup (issue 15, item 8): export → import into an empty folder → verify passes →
search, status and the ledger answer the same; a damaged export is refused, leaving nothing."""

from __future__ import annotations

import zipfile
from datetime import date

import pytest

from lianzheng_docs import Catalog, Ledger, list_events, record_event, status
from lianzheng_docs.archive import Archive, ArchiveError


@pytest.fixture
def filed(tmp_path):
    root = tmp_path / "原档案"
    catalog = Catalog.default()
    with Archive(root) as archive:
        for template_id in ("risk_notice", "dual_report", "supervision_report"):
            template = catalog.get(template_id)
            data = {k: v for k, v in template.example().items() if k != "doc_number"}
            archive.file_rendered(template, data, allow_future_date=True)  # example dates may run ahead
        evidence = archive.list()[0].archival_code
        Ledger(archive).add("局党组书记", "1", date(2026, 3, 2), "主持召开党组会议专题研究党风廉政建设", [evidence],
                            today=date(2026, 6, 1))  # fmt: skip
        record_event(archive, "party_life_meeting", "预算科", date(2026, 5, 10))
        archive.export(tmp_path / "备份.zip")
    return root, tmp_path / "备份.zip"


def answers(root):
    with Archive(root) as archive:
        hits = [(h.archival_code, h.title) for h in archive.search("廉政").hits]
        listed = [(r.archival_code, r.doc_number, r.title, tuple(f.sha256 for f in r.files)) for r in archive.list()]
        entries = Ledger(archive).entries()
        ledger = [(e.task.key, e.date, e.done, [r.archival_code for r in e.evidence]) for e in entries]
        events = [(e.obligation, e.party, e.date) for e in list_events(archive)]
        states = [(s.obligation.id, s.party, s.state) for s in status(archive, 2026, today=date(2026, 6, 1))]
        settings = {key: archive.setting(key) for key in ("fonds", "org", "retention")}
    return hits, listed, ledger, events, states, settings


def test_an_export_restores_an_archive_that_answers_the_same(filed, tmp_path, run):
    root, backup = filed
    assert Archive.verify_export(backup).ok
    count, report = Archive.restore(backup, tmp_path / "还原")
    assert count == 3 and report.ok
    assert answers(tmp_path / "还原") == answers(root)
    with Archive(tmp_path / "还原") as restored:  # number sequences came along: the next number follows on
        template = Catalog.default().get("risk_notice")
        data = {k: v for k, v in template.example().items() if k != "doc_number"} | {"contact": "新"}
        assert restored.file_rendered(template, data, allow_future_date=True).doc_number.endswith("〔2026〕2号")
    cli = run("archive", "import", backup, "--archive", tmp_path / "命令行还原")
    assert cli.exit_code == 0 and "已还原 3 件" in cli.stdout and "校验通过" in cli.stdout
    assert run("archive", "verify", "--export", backup).exit_code == 0


def test_a_damaged_export_or_a_used_folder_is_refused_and_nothing_is_left(filed, tmp_path, run):
    _root, backup = filed
    tampered = tmp_path / "被改.zip"
    with zipfile.ZipFile(backup) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("files/") and info.filename.endswith(".docx"):
                data = data[:-10] + b"0123456789"
            target.writestr(info, data)
    with pytest.raises(ArchiveError, match="与其哈希值不符"):
        Archive.restore(tampered, tmp_path / "不应存在")
    assert not (tmp_path / "不应存在").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".不应存在")]  # no staging left behind
    used = tmp_path / "已有内容"
    used.mkdir()
    (used / "别的文件.txt").write_text("x", encoding="utf-8")
    refused = run("archive", "import", backup, "--archive", used)
    assert refused.exit_code == 7 and "不是空文件夹" in refused.stderr
    assert sorted(p.name for p in used.iterdir()) == ["别的文件.txt"]
    verify = run("archive", "verify", "--export", tampered)
    assert verify.exit_code == 7 and "哈希值不符" in verify.stderr
