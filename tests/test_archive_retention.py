"""Retention and disposal (issue 18 item 3): due dates, 鉴定 decisions, destruction with its 销毁清册,
extensions, refusals, and verify telling a destroyed file from a missing one (and catching a
decision edited behind the tool's back)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from lianzheng_docs.archive import Archive, RecordMeta
from lianzheng_docs.archive import retention as R
from lianzheng_docs.archive.destruction_list import COLUMNS
from lianzheng_docs.archive.registry import MIGRATIONS
from lianzheng_docs.archive.storage import digest_of
from lianzheng_docs.errors import ExitCode, OutputError

pymupdf = pytest.importorskip("pymupdf")

TODAY = date(2026, 11, 30)
GROUP = ["张三", "李四"]
WATCHERS = ["赵六", "钱七"]
REASON = "保管期满，经逐件鉴定已无继续保存价值"

#: (题名, 成文日期, 保管期限, a phrase only its text has)
OLD = [
    ("关于2010年公务接待管理的通知", date(2010, 4, 2), "定期10年", "接待标准甲"),
    ("2015年第一季度工作简报", date(2015, 3, 5), "定期10年", "简报内容乙"),
    ("2016年机关党委会议纪要", date(2016, 6, 1), "定期10年", "纪要内容丙"),
    ("2015年度资产清查报告", date(2015, 9, 9), "定期30年", "清查结果丁"),
    ("2000年机构设置的批复", date(2000, 1, 20), "永久", "机构设置戊"),
    ("1990年办公用房调整的通知", date(1990, 8, 8), "定期10年", "用房调整己"),
]


def make_pdf(path: Path, text: str) -> Path:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), text, fontname="china-s", fontsize=12)
    doc.save(path)
    return path


def file_old(archive: Archive, work: Path) -> dict[str, str]:
    """The records of :data:`OLD`, filed with their past dates; phrase -> 档号."""
    codes = {}
    for number, (title, when, retention, phrase) in enumerate(OLD):
        pdf = make_pdf(work / f"来文{number}.pdf", f"{title} 正文：{phrase}")
        record = archive.add(pdf, RecordMeta(title=title, kind="通知", date=when, retention=retention))
        codes[phrase] = record.archival_code
    return codes


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "档案", actor="档案员") as opened:
        opened.codes = file_old(opened, tmp_path)  # type: ignore[attr-defined]
        yield opened


def codes_of(archive: Archive, *phrases: str) -> list[str]:
    return [archive.codes[p] for p in phrases]  # type: ignore[attr-defined]


def decide_destroy(archive: Archive, *phrases: str, **changes: object) -> R.Decision:
    options: dict[str, object] = {"opinion": "destroy", "reason": REASON, "members": GROUP, "approver": "王五",
                                  "decided_on": TODAY, "today": TODAY} | changes  # fmt: skip
    return R.decide(archive, codes_of(archive, *phrases), **options)  # type: ignore[arg-type]


def audit_actions(archive: Archive) -> list[str]:
    return [row["action"] for row in archive.registry.audit_entries()]


# ------------------------------------------------------------------------------------------- due dates


@pytest.mark.parametrize(
    ("year", "retention", "expires"),
    [(2015, "D10", date(2025, 12, 31)), (2015, "D30", date(2045, 12, 31)), (2026, "D10", date(2036, 12, 31)),
     (2015, "Y", None)],
)  # fmt: skip
def test_the_due_date_is_the_end_of_the_period_counted_from_the_next_1_january(year, retention, expires):
    assert R.expiry(year, retention) == expires
    if expires is None:  # 永久: never due
        assert not R.is_due(year, retention, date(9999, 12, 31))
        return
    assert not R.is_due(year, retention, expires)  # the 到期日 itself is still within the period
    assert R.is_due(year, retention, date(expires.year + 1, 1, 1))  # from the next 1 January, due


def test_due_lists_the_records_past_their_date_on_the_day_asked(archive):
    ten, fifteen, sixteen, old = codes_of(archive, "接待标准甲", "简报内容乙", "纪要内容丙", "用房调整己")
    listed = lambda day: [h.archival_code for h in R.due(archive, day)]  # noqa: E731
    assert listed(date(2025, 12, 31)) == [old, ten]  # 2015 + 10 years: still within on 2025-12-31
    assert listed(date(2026, 1, 1)) == [old, ten, fifteen]
    assert listed(date(2027, 1, 1)) == [old, ten, fifteen, sixteen]
    # the 定期30年 record of 2015 is due from 2046, the 永久 one never
    assert len(listed(date(2046, 1, 1))) == 5 and len(listed(date(2999, 1, 1))) == 5
    first = R.due(archive, TODAY)[1]
    assert (first.year, first.retention, first.expires, first.state) == (2010, "D10", date(2020, 12, 31), "held")


def test_appraise_due_on_the_command_line(archive, run):
    result = run("archive", "appraise", "--due", "--as-of", "2026-01-01", "--archive", archive.root)
    assert result.exit_code == 0, result.output
    for heading in ("档号", "题名", "年度", "保管期限", "到期日"):
        assert heading in result.output
    assert "2015年第一季度工作简报" in result.output and "2025-12-31" in result.output and "定期10年" in result.output
    assert "共 3 件已过保管期限" in result.output
    data = json.loads(run("archive", "appraise", "--as-of", "2025-12-31", "--json", "--archive", archive.root).output)
    assert data["as_of"] == "2025-12-31"
    assert [r["year"] for r in data["records"]] == [1990, 2010]
    assert data["records"][1]["expires"] == "2020-12-31" and data["records"][1]["retention_name"] == "定期10年"
    quiet = run("archive", "appraise", "--as-of", "1999-01-01", "--archive", archive.root)
    assert "没有已过保管期限的档案" in quiet.output


# ------------------------------------------------------------------------------------------- decisions


def test_a_destroy_decision_is_recorded_with_one_audit_entry_a_record_and_destroys_nothing_yet(archive):
    before = len(audit_actions(archive))
    made = decide_destroy(archive, "接待标准甲", "简报内容乙")
    assert made.opinion == "destroy" and made.members == tuple(GROUP) and made.approver == "王五"
    assert made.decided_on == TODAY and made.status == "待销毁"
    assert [i.archival_code for i in made.items] == codes_of(archive, "接待标准甲", "简报内容乙")
    assert all(i.due and i.state == "pending" for i in made.items)
    assert audit_actions(archive)[before:] == ["dispose", "dispose"]
    entry = archive.registry.audit_entries()[-1]
    assert entry["record_id"] == made.items[-1].record_id and json.loads(entry["detail"])["decision"] == made.id
    assert all((archive.root / f.path).is_file() for f in archive.get(made.items[0].record_id).files)
    assert R.holding(archive, made.items[0].record_id).state_name == f"拟销毁（第 {made.id} 号决定）"
    assert archive.verify().ok


def test_nothing_is_decided_without_two_members_an_approver_and_due_records(archive):
    before = len(audit_actions(archive))
    with pytest.raises(R.DisposalRefused) as refused:
        decide_destroy(archive, "接待标准甲", members=["张三"], approver=" ")
    message = refused.value.message
    assert "至少要有两名鉴定小组成员（现有：张三）" in message and "批准人" in message
    assert refused.value.exit_code == ExitCode.INVALID_INPUT
    with pytest.raises(R.DisposalRefused, match="两名"):
        decide_destroy(archive, "接待标准甲", members=["张三", " 张三 "])  # one person named twice is one
    sixteen = codes_of(archive, "纪要内容丙")[0]
    with pytest.raises(R.DisposalRefused) as refused:
        decide_destroy(archive, "纪要内容丙", "机构设置戊")
    assert f"档号 {sixteen}" in refused.value.message and "2026-12-31 才期满" in refused.value.message
    assert "--not-due-reason" in refused.value.message and "永久保管的档案不能销毁" in refused.value.message
    with pytest.raises(R.DisposalRefused, match="晚于今天"):
        decide_destroy(archive, "接待标准甲", decided_on=date(2026, 12, 1))
    with pytest.raises(R.DisposalRefused, match="没有列出要鉴定的档案"):
        R.decide(archive, [], opinion="destroy", reason=REASON, members=GROUP, approver="王五", today=TODAY)
    assert len(audit_actions(archive)) == before
    assert archive.registry.db.execute("SELECT count(*) FROM disposal_decisions").fetchone()[0] == 0
    assert archive.registry.db.execute("SELECT count(*) FROM record_states").fetchone()[0] == 0


def test_a_record_not_yet_due_goes_early_only_with_a_reason_that_is_recorded(archive, tmp_path):
    made = decide_destroy(archive, "纪要内容丙", not_due_reason="机构撤销，经批准提前处置")
    assert made.early_reason == "机构撤销，经批准提前处置" and not made.items[0].due
    assert json.loads(archive.registry.audit_entries()[-1]["detail"])["not_due"] is True
    result = R.destroy(archive, made.id, tmp_path / "清册", supervisors=WATCHERS, today=TODAY)
    import docx

    text = "\n".join(cell.text for table in docx.Document(str(result.lists[0])).tables for row in table.rows
                     for cell in row.cells)  # fmt: skip
    assert "机构撤销，经批准提前处置" in text and "未到期（2026年底期满），提前销毁" in text
    with pytest.raises(R.DisposalRefused, match="都已到期，不必写"):
        decide_destroy(archive, "简报内容乙", not_due_reason="多余的理由")


def test_a_record_is_named_for_destruction_once(archive):
    made = decide_destroy(archive, "接待标准甲")
    with pytest.raises(R.DisposalRefused, match=f"已列入第 {made.id} 号销毁决定"):
        decide_destroy(archive, "接待标准甲", "简报内容乙")


# ------------------------------------------------------------------------------------------- destruction


def test_destruction_end_to_end(archive, tmp_path, monkeypatch):
    made = decide_destroy(archive, "接待标准甲", "简报内容乙")
    records = [archive.get(code) for code in codes_of(archive, "接待标准甲", "简报内容乙")]
    paths = [archive.root / f.path for r in records for f in r.files]
    folder = tmp_path / "清册"
    seen_before_removal: list[bool] = []
    remove = R._remove_files

    def watched(archive_, number, result):  # the 销毁清册 exists before any file is removed
        seen_before_removal.extend(p.is_file() for p in [*result.lists, *paths])
        remove(archive_, number, result)

    monkeypatch.setattr(R, "_remove_files", watched)
    result = R.destroy(archive, made.id, folder, supervisors=WATCHERS, destroyed_on=TODAY, today=TODAY)
    assert seen_before_removal == [True] * (2 + len(paths))
    assert [p.name for p in result.lists] == [f"销毁清册-第{made.id}号.docx", f"销毁清册-第{made.id}号.xlsx"]
    assert sorted(result.removed) == sorted(p.relative_to(archive.root).as_posix() for p in paths)
    assert not any(p.exists() for p in paths) and not result.warnings

    # the records, their digests and the decision stay
    for record in records:
        kept = archive.get(record.archival_code)
        assert kept.title == record.title and kept.files == record.files
        assert R.holding(archive, record.id).state == "destroyed"
        assert archive.registry.record(record.id)["text"] == ""
    done = R.decision(archive, made.id)
    assert done.destruction is not None and done.destruction.supervisors == tuple(WATCHERS)
    assert done.status == f"已于 {TODAY.isoformat()} 销毁"
    assert audit_actions(archive)[-2:] == ["destroy", "destroy"]
    detail = json.loads(archive.registry.audit_entries()[-1]["detail"])
    assert {f["path"] for f in detail["files"]} <= {p.relative_to(archive.root).as_posix() for p in paths}
    assert detail["lists"] == {p.name: digest_of(p)[0] for p in result.lists}  # the printed list can be checked

    # the 销毁清册 as a clerk opens it
    import docx
    import openpyxl

    document = docx.Document(str(result.lists[0]))
    listing = document.tables[0]
    assert [c.text for c in listing.rows[0].cells] == list(COLUMNS)
    body = [[c.text for c in row.cells] for row in listing.rows[1:]]
    assert [row[1] for row in body] == [r.archival_code for r in records]
    assert body[0] == ["1", records[0].archival_code, "关于2010年公务接待管理的通知", "2010", "定期10年", "1", "销毁",
                       "2020年底期满"]  # fmt: skip
    everything = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for row in t.rows for c in row.cells
    )
    for word in ("档案销毁清册", "全宗号：Z001", f"第 {made.id} 号", REASON, "张三、李四", "王五", "2026年11月30日",
                 "赵六", "钱七", R.DEFAULT_METHOD, "监销人", "签字"):  # fmt: skip
        assert word in everything, word
    sheet = openpyxl.load_workbook(result.lists[1]).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "档案销毁清册"
    assert rows[2] == list(COLUMNS)
    assert rows[3][:6] == [1, records[0].archival_code, "关于2010年公务接待管理的通知", 2010, "定期10年", 1]
    flat = {str(v) for row in rows for v in row if v is not None}
    assert {"张三、李四", "王五", "赵六", "钱七", "2026年11月30日"} <= flat

    # verify: destroyed, not missing; the text has left the search index, the metadata has not
    report = archive.verify()
    assert report.ok, report.issues
    assert {d.archival_code for d in report.destroyed} == {r.archival_code for r in records}
    assert any(f"已按第 {made.id} 号鉴定决定于 2026-11-30 销毁（不是丢失）" in n for n in report.notes)
    assert archive.search("接待标准甲").total == 0 and archive.search("简报内容乙").total == 0
    assert archive.search("纪要内容丙").total == 1
    assert [h.archival_code for h in archive.search("公务接待管理").hits] == [records[0].archival_code]
    assert not any(h.archival_code in {r.archival_code for r in records} for h in R.due(archive, TODAY))


def test_destroy_refuses_without_a_destroy_decision_and_without_two_supervisors(archive, tmp_path):
    folder = tmp_path / "清册"
    with pytest.raises(R.DecisionNotFound) as missing:
        R.destroy(archive, 1, folder, supervisors=WATCHERS)
    assert missing.value.exit_code == ExitCode.NOT_FOUND
    extended = R.decide(archive, codes_of(archive, "接待标准甲"), opinion="extend", new_retention="定期30年",
                        reason="仍有查考价值", members=GROUP, approver="王五", today=TODAY)  # fmt: skip
    with pytest.raises(R.DisposalRefused, match="不是销毁"):
        R.destroy(archive, extended.id, folder, supervisors=WATCHERS)
    made = decide_destroy(archive, "简报内容乙")
    with pytest.raises(R.DisposalRefused) as refused:
        R.destroy(archive, made.id, folder, supervisors=["赵六"], destroyed_on=date(2026, 11, 1), today=TODAY)
    assert "两名以上监销人" in refused.value.message and "早于决定的批准日期" in refused.value.message
    assert not folder.exists()
    assert (archive.root / archive.get(codes_of(archive, "简报内容乙")[0]).files[0].path).is_file()


def test_a_list_that_cannot_be_written_destroys_nothing(archive, tmp_path):
    made = decide_destroy(archive, "接待标准甲")
    folder = tmp_path / "清册"
    folder.mkdir()
    (folder / f"销毁清册-第{made.id}号.xlsx").write_bytes(b"an earlier list")
    before = len(audit_actions(archive))
    with pytest.raises(OutputError):
        R.destroy(archive, made.id, folder, supervisors=WATCHERS, today=TODAY)
    assert not (folder / f"销毁清册-第{made.id}号.docx").exists()  # the half-made pair is taken back
    assert (folder / f"销毁清册-第{made.id}号.xlsx").read_bytes() == b"an earlier list"
    assert len(audit_actions(archive)) == before and R.decision(archive, made.id).destruction is None
    assert R.holding(archive, made.items[0].record_id).state == "pending"
    assert archive.verify().ok
    result = R.destroy(archive, made.id, folder, supervisors=WATCHERS, today=TODAY, overwrite=True)
    assert len(result.destroyed) == 1


def test_a_decision_is_carried_out_once_and_a_crash_before_removal_is_finished_by_running_it_again(
    archive, tmp_path, monkeypatch
):
    made = decide_destroy(archive, "接待标准甲")
    monkeypatch.setattr(R, "_remove_files", lambda *args: None)  # the process dies after the commit
    R.destroy(archive, made.id, tmp_path / "清册", supervisors=WATCHERS, today=TODAY)
    monkeypatch.undo()
    report = archive.verify()
    assert not report.ok and [i.kind for i in report.issues] == ["undestroyed"]
    assert f"appraise destroy {made.id}" in report.issues[0].message
    again = R.destroy(archive, made.id, tmp_path / "别处", supervisors=[], today=TODAY)
    assert again.resumed and len(again.removed) == 1 and not again.lists and not (tmp_path / "别处").exists()
    assert archive.verify().ok
    assert audit_actions(archive).count("destroy") == 1


def test_a_later_extension_keeps_a_record_a_destroy_decision_named(archive, tmp_path):
    made = decide_destroy(archive, "接待标准甲", "简报内容乙")
    kept_code = codes_of(archive, "简报内容乙")[0]
    R.decide(archive, [kept_code], opinion="extend", new_retention="定期30年", reason="审计查考需要",
             members=GROUP, approver="王五", today=TODAY)  # fmt: skip
    result = R.destroy(archive, made.id, tmp_path / "清册", supervisors=WATCHERS, today=TODAY)
    assert [i.archival_code for i in result.destroyed] == codes_of(archive, "接待标准甲")
    assert [i.archival_code for i in result.kept] == [kept_code]
    assert (archive.root / archive.get(kept_code).files[0].path).is_file()
    assert R.holding(archive, kept_code).state == "extended"
    assert archive.verify().ok


def test_an_extension_gives_a_longer_retention_and_a_new_due_date_and_keeps_the_old_in_the_decision(archive):
    code = codes_of(archive, "简报内容乙")[0]
    filed = archive.get(code)
    made = R.decide(archive, [code], opinion="extend", new_retention="定期30年", reason="涉及在办事项，仍有查考价值",
                    members=GROUP, approver="王五", today=TODAY)  # fmt: skip
    assert made.status == "已生效" and made.items[0].retention == "D10"
    assert made.items[0].expires == date(2025, 12, 31)
    now = R.holding(archive, code)
    assert (now.retention, now.filed_retention, now.expires, now.state) == (
        "D30",
        "D10",
        date(2045, 12, 31),
        "extended",
    )
    assert archive.get(code).archival_code == code == filed.archival_code  # the 档号 keeps the 保管期限 as filed
    assert archive.get(code).retention == "D10"
    detail = json.loads(archive.registry.audit_entries()[-1]["detail"])
    assert detail["retention"] == ["D10", "D30"] and detail["expires"] == ["2025-12-31", "2045-12-31"]
    assert audit_actions(archive)[-1] == "extend"
    assert code not in [h.archival_code for h in R.due(archive, TODAY)]
    assert code in [h.archival_code for h in R.due(archive, date(2046, 1, 1))]
    assert archive.verify().ok
    with pytest.raises(R.DisposalRefused, match="延长须改为更长的期限（永久）"):
        R.decide(archive, [code], opinion="extend", new_retention="D30", reason="再延", members=GROUP,
                 approver="王五", today=TODAY)  # fmt: skip
    old = codes_of(archive, "用房调整己")[0]  # of 1990: 定期30年 ran out in 2020 too
    with pytest.raises(R.DisposalRefused, match="2020-12-31 期满，早于批准日期，仍是到期的：请改为永久"):
        R.decide(archive, [old], opinion="extend", new_retention="定期30年", reason="延长", members=GROUP,
                 approver="王五", today=TODAY)  # fmt: skip
    forever = R.decide(archive, [old], opinion="extend", new_retention="永久", reason="有历史价值", members=GROUP,
                       approver="王五", today=TODAY)  # fmt: skip
    assert R.holding(archive, old).expires is None and forever.new_retention == "Y"
    with pytest.raises(R.DisposalRefused, match="永久保管的档案不能销毁"):
        decide_destroy(archive, "用房调整己")


# ------------------------------------------------------------------------------------------- verify


@pytest.mark.fault
def test_verify_tells_a_destroyed_file_from_a_missing_one(archive, tmp_path):
    made = decide_destroy(archive, "接待标准甲")
    destroyed = archive.get(codes_of(archive, "接待标准甲")[0])
    R.destroy(archive, made.id, tmp_path / "清册", supervisors=WATCHERS, today=TODAY)
    lost = archive.get(codes_of(archive, "纪要内容丙")[0])
    (archive.root / lost.files[0].path).unlink()  # gone without a decision
    report = archive.verify()
    assert [(i.kind, i.path) for i in report.issues] == [("missing", lost.files[0].path)]
    assert [d.archival_code for d in report.destroyed] == [destroyed.archival_code]
    assert report.to_dict()["destroyed"][0]["decision"] == made.id
    assert not any(destroyed.archival_code in i.message for i in report.issues)


@pytest.mark.fault
def test_a_destroyed_file_put_back_is_reported(archive, tmp_path):
    made = decide_destroy(archive, "接待标准甲")
    record = archive.get(codes_of(archive, "接待标准甲")[0])
    keep = (archive.root / record.files[0].path).read_bytes()
    R.destroy(archive, made.id, tmp_path / "清册", supervisors=WATCHERS, today=TODAY)
    (archive.root / record.files[0].path).write_bytes(keep)
    assert [i.kind for i in archive.verify().issues] == ["undestroyed"]


DECISION_CHANGED = "第 1 号鉴定决定（鉴定意见、人员、日期）与记入时不同"


def tamper(root: Path, *statements: str) -> None:
    """What an insider with the database does: drop the triggers that keep decisions fixed, then edit."""
    db = sqlite3.connect(root / "registry.sqlite3")
    for (name,) in list(db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name NOT LIKE 'audit%'")):
        db.execute(f"DROP TRIGGER {name}")
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


def findings(root: Path) -> list[tuple[str, str]]:
    with Archive(root) as reopened:
        report = reopened.verify()
    assert not report.ok
    return [(i.kind, i.message) for i in report.issues]


@pytest.fixture
def destroyed_root(archive, tmp_path):
    """An archive with one decision carried out (records 1990 and 2010), closed."""
    made = decide_destroy(archive, "用房调整己", "接待标准甲")
    R.destroy(archive, made.id, tmp_path / "清册", supervisors=WATCHERS, today=TODAY)
    assert archive.verify().ok
    root = archive.root
    archive.close()
    return root


@pytest.mark.fault
@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("UPDATE disposal_decisions SET approver = '局长' WHERE id = 1", DECISION_CHANGED),
        ("UPDATE disposal_decisions SET members = '[\"张三\", \"李四\", \"孙八\"]'", DECISION_CHANGED),
        ("UPDATE disposal_records SET due = 1, expires = '2001-12-31'", "的记录（原保管期限、到期日）与记入时不同"),
        ("UPDATE destructions SET supervisors = '[\"赵六\"]'", "销毁记录（监销人、方式、日期）与记入时不同"),
        ("UPDATE record_states SET state = 'pending'", "的保管状态（保管期限、是否销毁）与记入时不同"),
        ("DELETE FROM destructions", "销毁记录（监销人、方式、日期）已从登记库删除"),
        ("INSERT INTO disposal_decisions (opinion, reason, members, approver, decided_on, entered_at, entered_by) "
         "VALUES ('destroy', '补记', '[]', '某人', '2026-01-01', 'x', 'y')", "第 2 号鉴定决定没有审计记录"),
    ],
)  # fmt: skip
def test_a_decision_edited_behind_the_tools_back_is_caught(destroyed_root, statement, expected):
    tamper(destroyed_root, statement)
    messages = [message for _, message in findings(destroyed_root)]
    assert any(expected in message for message in messages), messages


@pytest.mark.fault
def test_a_deletion_dressed_up_as_a_destruction_is_still_missing(archive):
    """Marking a record 已销毁 in the registry and deleting its file, without a decision: the file is
    missing (the audit chain names no destruction of it) and the state row has no audit entry."""
    record = archive.get(codes_of(archive, "纪要内容丙")[0])
    root = archive.root
    archive.close()
    tamper(root, "INSERT INTO disposal_decisions (opinion, reason, members, approver, decided_on, entered_at, "
                 "entered_by) VALUES ('destroy', '补记', '[\"甲\", \"乙\"]', '丙', '2026-01-01', 'x', 'y')",
           f"INSERT INTO record_states VALUES ({record.id}, 'destroyed', 'D10', 1)")  # fmt: skip
    (root / record.files[0].path).unlink()
    found = findings(root)
    assert ("missing", f"档号 {record.archival_code} 的文件丢失") in found
    assert any(kind == "audit" and "有保管状态（destroyed）却没有鉴定的审计记录" in message for kind, message in found)


@pytest.mark.fault
def test_the_decision_tables_refuse_changes_through_the_tool(archive):
    made = decide_destroy(archive, "接待标准甲")
    with pytest.raises(sqlite3.IntegrityError, match="never changed"):
        archive.registry.db.execute("UPDATE disposal_decisions SET approver = '局长' WHERE id = ?", (made.id,))
    with pytest.raises(sqlite3.IntegrityError, match="never"):
        archive.registry.db.execute("DELETE FROM disposal_records")


def test_an_archive_of_schema_4_gains_the_disposal_tables_on_open(tmp_path):
    root = tmp_path / "旧档案"
    root.mkdir()
    db = sqlite3.connect(root / "registry.sqlite3")
    db.executescript("\n".join(MIGRATIONS[:4]) + "\nPRAGMA user_version = 4;")
    db.close()
    with Archive(root) as opened:
        assert opened.registry.schema_version == len(MIGRATIONS) == 5
        assert R.due(opened, TODAY) == [] and R.decisions(opened) == []


# ------------------------------------------------------------------------------------------- the command line


def test_the_whole_round_on_the_command_line(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "档案"
    this_year = date.today().year
    pdfs = [
        make_pdf(tmp_path / "甲.pdf", "2012年的通知 正文"),
        make_pdf(tmp_path / "乙.pdf", f"{this_year}年的通知 正文"),
    ]
    for pdf, when in zip(pdfs, ["2012-05-06", f"{this_year}-01-01"], strict=True):
        added = run("archive", "add", pdf, "--date", when, "--retention", "定期10年", "--no-stamp", "--archive", root)
        assert added.exit_code == 0, added.output
    old, new = "Z001-WS·2012-D10-BGS-0001", f"Z001-WS·{this_year}-D10-BGS-0001"
    due = json.loads(run("archive", "appraise", "--due", "--json", "--archive", root).output)
    assert [r["archival_code"] for r in due["records"]] == [old]

    common = ["--reason", REASON, "--member", "张三", "--member", "李四", "--approver", "王五", "--archive", root]
    one = run("archive", "appraise", "decide", "--destroy", old, "--reason", REASON, "--member", "张三",
              "--approver", "王五", "--archive", root)  # fmt: skip
    assert one.exit_code == ExitCode.INVALID_INPUT and "至少要有两名鉴定小组成员" in one.output
    early = run("archive", "appraise", "decide", "--destroy", new, *common)
    assert early.exit_code == ExitCode.INVALID_INPUT and "--not-due-reason" in early.output
    both = run("archive", "appraise", "decide", "--destroy", "--extend", "永久", old, *common)
    assert both.exit_code == ExitCode.USAGE
    made = json.loads(run("archive", "appraise", "decide", "--destroy", "--all-due", *common, "--json").output)
    assert made["id"] == 1 and [r["archival_code"] for r in made["records"]] == [old]

    nowhere = run("archive", "appraise", "destroy", "7", "-o", "清册", "--supervisor", "赵六", "--supervisor", "钱七",
                  "--archive", root)  # fmt: skip
    assert nowhere.exit_code == ExitCode.NOT_FOUND and "没有第 7 号鉴定决定" in nowhere.output
    done = run("archive", "appraise", "destroy", "1", "-o", "清册", "--supervisor", "赵六", "--supervisor", "钱七",
               "--archive", root)  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "销毁清册：清册/销毁清册-第1号.docx" in done.output and "已按第 1 号鉴定决定销毁 1 件" in done.output
    assert (tmp_path / "清册" / "销毁清册-第1号.xlsx").is_file()

    listed = json.loads(run("archive", "appraise", "list", "--json", "--archive", root).output)
    assert listed[0]["status"].startswith("已于") and listed[0]["destruction"]["supervisors"] == ["赵六", "钱七"]
    shown = run("archive", "appraise", "show", "1", "--archive", root)
    assert "监销人：赵六、钱七" in shown.output and "已销毁" in shown.output
    verified = run("archive", "verify", "--archive", root)
    assert verified.exit_code == 0, verified.output
    assert "已按第 1 号鉴定决定" in verified.output and "（不是丢失）" in verified.output
    extended = run("archive", "appraise", "decide", "--extend", "永久", new, *common, "--json")
    assert json.loads(extended.output)["new_retention"] == "Y"
    assert run("archive", "appraise", "list", "--archive", root).output.count("王五") == 2


# ------------------------------------------------------------------------------------------- the sample archive


@pytest.fixture
def sample_archive(sample_archive_source):
    """The sample bureau's archive, made once for the run (conftest); tests copy it before changing it."""
    return sample_archive_source


@pytest.mark.slow
def test_the_sample_archive_appraised_and_one_record_destroyed_early(sample_archive, tmp_path):
    root = tmp_path / "档案"
    shutil.copytree(sample_archive, root)
    with Archive(root, actor="档案员") as archive:
        assert R.due(archive, TODAY) == []  # filed this year and last: nothing due yet
        later = R.due(archive, date(2056, 1, 1))  # the 定期30年 records of 2025 run out at the end of 2055
        assert later and {h.retention for h in later} == {"D30"} and {h.year for h in later} == {2025}
        assert len(later) == sum(1 for r in archive.list() if (r.retention, r.year) == ("D30", 2025))
        assert len(R.due(archive, date(2057, 1, 1))) == sum(1 for r in archive.list() if r.retention == "D30")
        victim = later[0]
        text = archive.registry.record(victim.id)["text"]  # a phrase of its body, not of its title (which stays)
        phrase = next(line.strip()[:16] for line in text.splitlines()
                      if len(line.strip()) > 20 and line.strip()[:16] not in victim.title)  # fmt: skip
        assert victim.id in {h.id for h in archive.search(phrase, limit=1000).hits}
        made = R.decide(archive, [victim.archival_code], opinion="destroy", reason=REASON, members=GROUP,
                        approver="王五", not_due_reason="测试：样例档案中的一件提前销毁", today=TODAY)  # fmt: skip
        result = R.destroy(archive, made.id, tmp_path / "清册", supervisors=WATCHERS, today=TODAY)
        assert result.destroyed and result.removed and not result.warnings
        report = archive.verify()
        assert report.ok, report.issues
        assert {d.record_id for d in report.destroyed} == {victim.id}
        assert victim.id not in {h.id for h in archive.search(phrase, limit=1000).hits}


@pytest.mark.slow
@pytest.mark.libreoffice
def test_the_destruction_list_renders_on_one_a4_page(archive, tmp_path, soffice):
    from pypdf import PdfReader

    from lianzheng_docs.pdf.convert import convert_to_pdf

    made = decide_destroy(archive, "用房调整己", "接待标准甲", "简报内容乙")
    result = R.destroy(archive, made.id, tmp_path / "清册", supervisors=WATCHERS, today=TODAY)
    pdf = convert_to_pdf([result.lists[0]], tmp_path / "pdf")[0]
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert round(width / 72 * 25.4) == 210 and round(height / 72 * 25.4) == 297
    text = "".join(reader.pages[0].extract_text().split())  # LibreOffice spaces Latin from CJK text
    for word in ("档案销毁清册", "Z001-WS·1990-D10-BGS-0001", "2000年底期满", "监销人赵六", "批准人王五"):
        assert word in text, word


def test_an_archive_with_destroyed_files_still_exports_and_the_export_restores(destroyed_root, tmp_path):
    """The export lists a destroyed file (with its decision) and carries none; restored, verify says destroyed."""
    import json
    import zipfile

    with Archive(destroyed_root, create=False) as archive:
        target = archive.export(tmp_path / "备份.zip")
    manifest = json.loads(zipfile.ZipFile(target).read("manifest.json"))
    gone = [f for r in manifest["records"] for f in r["files"] if f.get("destroyed")]
    assert len(gone) == 2 and all(f["path"] is None for f in gone)
    report = Archive.verify_export(target)
    assert report.ok


def test_a_destroyed_record_is_not_packaged_and_says_why(destroyed_root, tmp_path, run):
    with Archive(destroyed_root, create=False) as archive:
        code = next(r.archival_code for r in archive.list() if r.year == 1990)
    answer = run("archive", "package", code, "-o", tmp_path / "移交", "--archive", destroyed_root)
    assert answer.exit_code != 0 and "已按鉴定决定销毁，不能封装移交" in answer.output


def test_the_desk_says_a_destroyed_file_was_destroyed_not_that_it_is_missing(destroyed_root):
    from starlette.testclient import TestClient

    from lianzheng_docs.web import create_app

    with Archive(destroyed_root, create=False) as archive:
        record = next(r for r in archive.list() if r.year == 1990)
    client = TestClient(create_app(destroyed_root, hosts=["testserver"]))
    answer = client.get(f"/records/{record.id}/download")
    assert answer.status_code == 404 and "鉴定决定销毁" in answer.text
    assert client.get(f"/records/{record.id}").status_code == 200  # its page (metadata, history) stays
