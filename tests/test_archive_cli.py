"""The archive and search commands: what a clerk types, its output, JSON and exit codes."""

from __future__ import annotations

import json

import pymupdf
import pytest

from lianzheng_docs import ExitCode


@pytest.fixture
def run(run, tmp_path, monkeypatch):
    """The command (conftest's ``run``), in a fresh working folder with its own archive."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LIANZHENG_ARCHIVE", str(tmp_path / "档案"))
    return run


def pdf(path, text):
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), text, fontname="china-s", fontsize=12)
    doc.save(path)
    return path


def test_render_into_the_archive_then_find_it(run, tmp_path):
    # the example is dated relative to the day given (default today): pinned, so the years below hold
    example = run("example", "risk_notice", "--today", "2026-11-30").output
    data = example.replace("doc_number: X财廉告〔2026〕3号", "")
    (tmp_path / "d.yaml").write_text(data, encoding="utf-8")
    result = run("render", "risk_notice", "--data", "d.yaml", "--archive", "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["doc_number"] == "X财廉告〔2026〕1号" and record["archival_code"].startswith("Z001-WS·2026-D30")
    found = json.loads(run("search", "专项资金", "--json").output)
    assert found["total"] == 1 and found["hits"][0]["doc_number"] == "X财廉告〔2026〕1号"
    fragment = found["hits"][0]["fragments"][0]
    assert "【专项资金】" in fragment["text"] and fragment["end"] - fragment["start"] == 4
    shown = run("archive", "show", "X财廉告〔2026〕1号")
    assert "题名：廉政风险告知书（××县财政局）" in shown.output and "sha256:" in shown.output


def test_add_files_and_folders_with_metadata(run, tmp_path):
    folder = tmp_path / "来文"
    folder.mkdir()
    pdf(folder / "一.pdf", "关于做好2025年度专项检查的通知")
    pdf(folder / "二.pdf", "关于开展廉政谈话的通知")
    (folder / "说明.txt").write_text("不归档")
    (tmp_path / "meta.yaml").write_text("文种: 通知\n日期: 2025-03-05\n保管期限: 永久\n", encoding="utf-8")
    result = run("archive", "add", folder, "--meta", "meta.yaml", "--unit", "监察室", "--json")
    assert result.exit_code == 0, result.output
    filed = json.loads(result.output)["filed"]
    assert len(filed) == 2 and all(item["archival_code"].startswith("Z001-WS·2025-Y-BGS-") for item in filed)
    listed = json.loads(run("archive", "list", "--year", "2025", "--type", "通知", "--json").output)
    assert {r["unit"] for r in listed} == {"监察室"} and len(listed) == 2
    table = run("archive", "list")
    assert "档号" in table.output and "共 2 件" in table.output
    assert run("search", "廉政谈话", "--year", "2025").output.count("Z001-WS·2025") == 1
    dated = json.loads(run("search", "通知", "--since", "2025-03-05", "--until", "2025-03-05", "--json").output)
    assert dated["total"] == 2 and {h["date"] for h in dated["hits"]} == {"2025-03-05"}
    assert json.loads(run("search", "通知", "--since", "2025-03-06", "--json").output)["total"] == 0
    assert json.loads(run("search", "通知", "--secrecy", "", "--json").output)["total"] == 2
    bad = run("search", "通知", "--since", "2025年3月5日")
    assert bad.exit_code == ExitCode.USAGE and "日期应写成 YYYY-MM-DD" in bad.output


def test_add_reports_bad_files_and_exits_non_zero(run, tmp_path):
    good = pdf(tmp_path / "好.pdf", "正文")
    (tmp_path / "空.pdf").write_bytes(b"")
    result = run("archive", "add", good, tmp_path / "空.pdf", "--json")
    assert result.exit_code == ExitCode.INVALID_INPUT
    data = json.loads(result.output)
    assert len(data["filed"]) == 1 and "空文件" in data["failed"][0]["message"]
    duplicate = run("archive", "add", good)
    assert duplicate.exit_code == ExitCode.INVALID_INPUT and "已归档，档号" in duplicate.output
    bad_date = run("archive", "add", good, "--title", "x", "--date", "2025年3月5日")  # as every date option does
    assert bad_date.exit_code == ExitCode.USAGE and "日期应写成 YYYY-MM-DD" in bad_date.output
    (tmp_path / "坏日期.yaml").write_text("日期: 2025年3月5日\n", encoding="utf-8")
    in_file = run("archive", "add", good, "--meta", tmp_path / "坏日期.yaml")
    assert in_file.exit_code == ExitCode.INVALID_INPUT
    assert "坏日期.yaml" in in_file.output and "'2025年3月5日'" in in_file.output
    assert run("archive", "add", good, "--org", "../x", "--allow-duplicate").exit_code == ExitCode.INVALID_INPUT


def test_verify_export_reindex(run, tmp_path):
    run("archive", "add", pdf(tmp_path / "a.pdf", "甲文件"))
    record = json.loads(run("archive", "show", "1", "--json").output)
    assert run("archive", "verify").exit_code == 0
    exported = run("archive", "export", "out.zip", "--json")
    assert json.loads(exported.output)["records"] == 1 and (tmp_path / "out.zip").exists()
    assert run("archive", "export", "out.zip").exit_code == ExitCode.OUTPUT
    assert json.loads(run("archive", "reindex", "--json").output) == {"indexed": 1}
    (tmp_path / "档案" / record["files"][0]["path"]).write_bytes(b"%PDF-tampered")
    report = run("archive", "verify", "--json")
    assert report.exit_code == ExitCode.FINDINGS and json.loads(report.output)["issues"][0]["kind"] == "altered"


def test_search_finds_nothing_politely_and_show_unknown_fails(run):
    assert run("archive", "init").exit_code == 0  # search never makes an archive of its own (issue 15)
    assert "没有找到" in run("search", "不存在的词").output
    assert run("archive", "show", "Z001-WS·2026-Y-BGS-0009").exit_code == ExitCode.NOT_FOUND


def test_init_sets_the_fonds(run, tmp_path):
    result = run("archive", "init", "--fonds", "Z109", "--org", "JJZ", "--json")
    assert json.loads(result.output)["fonds"] == "Z109"
    run("archive", "add", pdf(tmp_path / "a.pdf", "文"))
    assert json.loads(run("archive", "show", "1", "--json").output)["archival_code"].startswith("Z109-WS·")
    assert run("archive", "init", "--fonds", "../etc").exit_code == ExitCode.INVALID_INPUT


def test_samples_into_the_archive_are_filed_once(run):
    first = json.loads(run("samples", "--archive", "--json").output)
    again = json.loads(run("samples", "--archive", "--json").output)
    assert all(item["new"] for item in first["records"]) and not any(item["new"] for item in again["records"])
    assert [i["archival_code"] for i in first["records"]] == [i["archival_code"] for i in again["records"]]


def test_render_archive_twice_does_not_take_a_second_number(run, tmp_path, monkeypatch):
    """A clerk ran `render --archive` twice on the same data: X财纪〔2026〕1号, then 2号, for one document."""
    monkeypatch.chdir(tmp_path)
    assert run("example", "work_suggestion", "--today", "2026-11-30", "-o", "意见.yaml").exit_code == 0
    first = run("render", "work_suggestion", "--data", "意见.yaml", "--archive", "档案", "--json")
    assert first.exit_code == 0, first.output
    again = run("render", "work_suggestion", "--data", "意见.yaml", "--archive", "档案")
    assert again.exit_code == 3 and "这份文件已归档" in again.stderr and "--allow-duplicate" in again.stderr
    forced = run("render", "work_suggestion", "--data", "意见.yaml", "--archive", "档案", "--allow-duplicate", "--json")
    assert forced.exit_code == 0 and json.loads(forced.stdout)["doc_number"].endswith("〕2号")


def test_the_list_tells_the_copies_of_a_separate_report_apart_by_their_recipient(run, tmp_path):
    from lianzheng_docs import Catalog
    from lianzheng_docs.archive import Archive

    report = Catalog.default().get("dual_report")
    data = {k: v for k, v in report.example().items() if k != "doc_number"}
    with Archive(tmp_path / "档案") as archive:
        for to in ("市委", "市纪委"):
            archive.file_rendered(report, data | {"recipient": to}, allow_future_date=True)
    listed = run("archive", "list", "--archive", tmp_path / "档案").output
    assert "情况的报告（主送：中共××市委）" in listed and "情况的报告（主送：中共××市纪委）" in listed
