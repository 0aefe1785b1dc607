"""The task ledgers of 七（一）: entries with archived evidence, the year-end review and its document."""

from __future__ import annotations

import json
import zipfile
from datetime import date

import pytest

from lianzheng_docs import ExitCode
from lianzheng_docs.archive import Archive
from lianzheng_docs.duties.ledger import Ledger, LedgerError, load_task_lists, review_data
from lianzheng_docs.templating.catalog import Catalog

BASE = {
    "intro": ["现对照主体责任任务清单，逐项总结本年度履行情况如下。"],
    "problems": ["对个别科室落实一岗双责的检查还不够经常。"],
    "plans": ["每季度听取一次分管科室党风廉政建设情况汇报。"],
    "issuer": "中共××市财政局党组",
    "date": "2026-12-28",
}


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "档案") as archive:
        template = Catalog.default().get("risk_notice")
        data = template.example()
        data.pop("doc_number")
        archive.file_rendered(template, data)  # X财廉告〔2026〕1号, evidence for the entries below
        yield archive


def test_the_ten_tasks_of_the_secretary_and_the_department_list():
    lists = load_task_lists()
    assert [t.id for t in lists["secretary"].tasks] == [str(n) for n in range(1, 11)]
    assert lists["secretary"].tasks[8].title == "支持和保障案件查办工作"
    assert lists["department"].holder == "科室（单位）" and len(lists["department"].tasks) >= 5


def test_entries_with_evidence_and_every_problem_at_once(archive):
    ledger = Ledger(archive)
    entry = ledger.add("局党组书记", "3", date(2026, 4, 15), "主讲廉政党课", ["X财廉告〔2026〕1号"])
    assert entry.task.key == "secretary.3" and entry.evidence[0].doc_number == "X财廉告〔2026〕1号"
    ledger.add("党组书记", "部署党风廉政建设工作", date(2026, 2, 20), "主持召开党组会议专题部署")  # by title
    ledger.add("预算科", "5", date(2026, 6, 1), "检查本科室责任制落实情况")
    with pytest.raises(LedgerError) as caught:
        ledger.add("局党组书记", "11", date(2026, 5, 1), " ", ["X财党〔2099〕1号"])
    assert [p.path for p in caught.value.problems] == ["task", "done", "evidence"]
    assert "X财党〔2099〕1号" in caught.value.message and "10. 接受干部群众监督" in caught.value.message
    assert [e.task.key for e in ledger.entries(holder="局党组书记")] == ["secretary.1", "secretary.3"]
    assert [e.holder for e in ledger.entries(year=2026)] == ["局党组书记", "局党组书记", "预算科"]
    assert ledger.entries(year=2025) == []
    actions = [row["action"] for row in archive.registry.audit_entries()]
    assert actions.count("ledger") == 3  # the failed entry wrote nothing
    assert archive.verify().ok


def test_the_review_goes_through_every_task_and_renders(archive, tmp_path):
    ledger = Ledger(archive)
    ledger.add("局党组书记", "3", date(2026, 4, 15), "主讲廉政党课。", ["X财廉告〔2026〕1号"])
    ledger.add("局党组书记", "3", date(2026, 11, 6), "组织警示教育大会")
    ledger.add("局党组书记", "1", date(2025, 12, 30), "上年度的记录")
    items = ledger.review("局党组书记", 2026)
    assert len(items) == 10 and [i.done for i in items].count(True) == 1
    data = review_data(items, "局党组书记", 2026, BASE)
    task3 = data["tasks"][2]
    assert task3["entries"] == ["4月15日，主讲廉政党课。", "11月6日，组织警示教育大会。"]
    assert task3["evidence"] == "X财廉告〔2026〕1号" and data["tasks"][0]["entries"] == ["本年度未记入台账。"]
    document = Catalog.default().get("task_review").render({**data, "recipient": "市委"})
    assert document.title == "局党组书记关于2026年度履行党风廉政建设主体责任清单情况的报告"
    text = zipfile.ZipFile(document.save(tmp_path / "对照.docx")).read("word/document.xml").decode("utf-8")
    assert "佐证材料：X财廉告〔2026〕1号。" in text and "接受干部群众监督" in text
    department = review_data(ledger.review("预算科", 2026), "预算科", 2026, BASE)
    assert department["holder"] == "预算科主要负责人" and len(department["tasks"]) == len(
        load_task_lists()["department"].tasks
    )


def test_cli_add_list_review_and_bad_input(run, archive, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LIANZHENG_ARCHIVE", str(archive.root))
    (tmp_path / "对照.yaml").write_text(json.dumps(BASE, ensure_ascii=False), encoding="utf-8")
    result = run("ledger", "add", "--holder", "局党组书记", "--task", "9", "--date", "2026-08-01",
                 "--done", "支持纪检组查办案件", "--evidence", "X财廉告〔2026〕1号")  # fmt: skip
    assert result.exit_code == 0 and "9. 支持和保障案件查办工作" in result.output
    result = run("ledger", "add", "--holder", "局党组书记", "--task", "99", "--date", "2026-08-01", "--done", "x")
    assert result.exit_code == ExitCode.INVALID_INPUT and "'99' 不在局党组书记履行主体责任任务清单中" in result.output
    listed = json.loads(run("ledger", "list", "--year", "2026", "--json").output)
    assert [e["task"] for e in listed] == ["secretary.9"]
    result = run("ledger", "review", "--year", "2026", "--render", "对照.yaml", "-o", "对照.docx")
    assert "10 项任务，1 项有台账记录，9 项无记录" in result.output
    # the secretary's review: to 市委 and to 市纪委 separately, and the copy published in the bureau
    copies = {name: tmp_path / f"对照（{name}）.docx" for name in ("市委", "市纪委", "局内公开")}
    assert all(path.exists() for path in copies.values()), result.output
    text = zipfile.ZipFile(copies["市纪委"]).read("word/document.xml").decode("utf-8")
    assert "中共××市纪委：" in text and "中共××市委：" not in text
    published = zipfile.ZipFile(copies["局内公开"]).read("word/document.xml").decode("utf-8")
    assert "此件在局内公开" in published and "中共××市委：" not in published
    copies["局内公开"].unlink()
    result = run("ledger", "review", "--year", "2026", "--render", "对照.yaml", "-o", "对照.docx")
    assert result.exit_code == ExitCode.OUTPUT and "对照（市委）.docx" in result.output
    assert not copies["局内公开"].exists()  # nothing written when one of the copies exists
    (tmp_path / "科室.yaml").write_text(json.dumps({**BASE, "recipient": "局党组"}, ensure_ascii=False), "utf-8")
    result = run("ledger", "review", "--holder", "预算科", "--year", "2026", "--render", "科室.yaml", "-o", "科室.docx")
    assert result.exit_code == 0 and (tmp_path / "科室.docx").exists()
    reviewed = json.loads(run("ledger", "review", "--year", "2026", "--json").output)
    assert [t["done"] for t in reviewed["tasks"]].count(True) == 1


def test_an_archive_made_before_the_ledger_is_migrated_on_open(tmp_path):
    import sqlite3

    from lianzheng_docs.archive.registry import MIGRATIONS

    root = tmp_path / "旧档案"
    root.mkdir()
    db = sqlite3.connect(root / "registry.sqlite3")
    db.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    db.close()
    with Archive(root) as archive:
        assert archive.registry.schema_version == len(MIGRATIONS) == 5
        Ledger(archive).add("局党组书记", "1", date(2026, 1, 5), "部署全年工作")
        assert len(Ledger(archive).entries()) == 1


def test_review_files_its_copies_and_status_counts_the_pair(run, archive, tmp_path, monkeypatch):
    """A clerk could make the secretary's three reports but not file them so that status counted
    them: --file files each copy, with its 主送, and the pair to 市委 and 市纪委 is done."""
    from lianzheng_docs.duties.obligations import status

    monkeypatch.chdir(tmp_path)
    data = BASE | {"date": "2026-11-20"}  # dated today or before: filed without --allow-future-date
    (tmp_path / "对照.yaml").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert run("ledger", "review", "--year", "2026", "--file", "--archive", archive.root).exit_code == 2
    result = run("ledger", "review", "--year", "2026", "--render", "对照.yaml", "-o", "对照.docx", "--file",
                 "--archive", archive.root, "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["filed"]) == 3
    with Archive(archive.root) as reopened:
        filed = reopened.list(template="task_review")
        assert sorted(r.recipients for r in filed) == ["", "中共××市委", "中共××市纪委"]
        rows = {(s.obligation.id, s.party): s for s in status(reopened, 2026, today=date(2026, 12, 30))}
    assert rows[("task_review", "局党组书记")].state == "done" and rows[("task_review", "局党组书记")].missing == ()
