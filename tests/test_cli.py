"""The lianzheng command: every command, its exit codes, JSON output and Chinese consoles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest
import yaml

from lianzheng_docs import ExitCode

from conftest import CORE_IDS


@pytest.fixture
def run(run, tmp_path, monkeypatch):
    """The command (conftest's ``run``), in a fresh working folder."""
    monkeypatch.chdir(tmp_path)
    return run


def test_help_is_chinese(run):
    result = run("--help")
    assert result.exit_code == 0
    assert "“两个责任”" in result.output and "退出码" in result.output


def test_templates_list_and_json(run):
    result = run("templates", "list")
    assert result.exit_code == 0
    for template_id in CORE_IDS:
        assert template_id in result.output
    data = json.loads(run("templates", "list", "--json").output)
    assert {t["id"] for t in data} >= set(CORE_IDS)
    assert all(t["owner"] == "builtin" for t in data)


def test_templates_show(run):
    result = run("templates", "show", "risk_notice")
    assert result.exit_code == 0
    assert "廉政风险告知书" in result.output and "findings" in result.output and "整改要求" in result.output
    data = json.loads(run("templates", "show", "risk_notice", "--json").output)
    assert data["id"] == "risk_notice"
    fields = {f["name"]: f for f in data["fields"]}
    assert fields["findings"]["type"] == "records" and fields["findings"]["required"]
    assert {f["name"] for f in fields["findings"]["fields"]} >= {"problem", "rule", "risk", "requirement"}
    assert fields["doc_number"]["label"] == "告知书编号"


@pytest.mark.parametrize("template_id", CORE_IDS)
def test_example_then_render(run, tmp_path, template_id):
    """The issue's round trip: lianzheng example ID > d.yaml && lianzheng render ID --data d.yaml -o x.docx."""
    example = run("example", template_id)
    assert example.exit_code == 0
    (tmp_path / "d.yaml").write_text(example.output, encoding="utf-8")
    assert yaml.safe_load(example.output)
    result = run("render", template_id, "--data", "d.yaml", "-o", "x.docx")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x.docx").read_bytes().startswith(b"PK")


def test_render_json_and_default_name(run, tmp_path):
    example = run("example", "dual_report", "--today", "2026-11-30").output  # dated relative to that day
    (tmp_path / "d.yaml").write_text(example, encoding="utf-8")
    result = run("render", "dual_report", "--data", "d.yaml", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["title"] == "关于2026年上半年落实党风廉政建设主体责任情况的报告"
    assert data["path"] == data["title"] + ".docx" and (tmp_path / data["path"]).exists()
    # the example carries no 文号 (the archive gives them): a 待编号稿, its number left blank
    assert len(data["sha256"]) == 64 and data["metadata"]["doc_number"] == "" and data["unnumbered"]
    text = zipfile.ZipFile(tmp_path / data["path"]).read("word/document.xml").decode("utf-8")
    assert "X财党〔2026〕\u3000\u3000号" in text
    told = run("render", "dual_report", "--data", "d.yaml", "-o", "稿.docx")
    assert "这是待编号稿" in told.stderr and "--archive" in told.stderr
    filed = json.loads(run("render", "dual_report", "--data", "d.yaml", "--archive", "档案", "--json").output)
    assert filed["doc_number"] == "X财党〔2026〕1号"  # the first of the sequence: nothing was skipped


def test_render_from_stdin_json(run, tmp_path):
    example = yaml.safe_load(run("example", "risk_notice").output)
    result = run("render", "risk_notice", "--data", "-", "-o", "n.docx", input=json.dumps(example, default=str))
    assert result.exit_code == 0, result.output


def test_mask_names(run, tmp_path):
    (tmp_path / "d.yaml").write_text(run("example", "accountability_bulletin").output, encoding="utf-8")
    result = run("render", "accountability_bulletin", "--data", "d.yaml", "--mask-names", "--json")
    assert "赵某某" in json.loads(result.output)["title"]


def test_exit_codes_for_bad_input(run, tmp_path):
    (tmp_path / "d.yaml").write_text(run("example", "risk_notice").output, encoding="utf-8")
    assert run("render", "no_such", "--data", "d.yaml").exit_code == ExitCode.NOT_FOUND
    assert run("templates", "show", "risk_notic").exit_code == ExitCode.NOT_FOUND
    missing = run("render", "risk_notice", "--data", "无此文件.yaml")
    assert missing.exit_code == ExitCode.INVALID_INPUT and "找不到数据文件" in missing.output
    (tmp_path / "broken.yaml").write_text("findings: [一\n", encoding="utf-8")
    assert run("render", "risk_notice", "--data", "broken.yaml").exit_code == ExitCode.INVALID_INPUT
    assert run("render", "risk_notice").exit_code == ExitCode.USAGE


def test_invalid_data_lists_every_problem_and_writes_nothing(run, tmp_path):
    (tmp_path / "bad.yaml").write_text(
        "doc_number: X财廉告[2026]03号\nrecipent: 县财政局\ndeadline: 2026年8月31日\n", encoding="utf-8"
    )
    result = run("render", "risk_notice", "--data", "bad.yaml", "-o", "out.docx")
    assert result.exit_code == ExitCode.INVALID_INPUT
    for expected in ["应写作 X财廉告〔2026〕3号", "是否想写 recipient", "日期请写作 2026-08-31", "联系人（contact）"]:
        assert expected in result.output
    assert not (tmp_path / "out.docx").exists()
    data = json.loads(run("render", "risk_notice", "--data", "bad.yaml", "--json").output)
    assert data["exit_code"] == 3 and {p["path"] for p in data["problems"]} >= {"doc_number", "recipent", "deadline"}


def test_output_exists_needs_force(run, tmp_path):
    (tmp_path / "d.yaml").write_text(run("example", "risk_notice").output, encoding="utf-8")
    assert run("render", "risk_notice", "--data", "d.yaml", "-o", "n.docx").exit_code == 0
    again = run("render", "risk_notice", "--data", "d.yaml", "-o", "n.docx")
    assert again.exit_code == ExitCode.OUTPUT and "--force" in again.output
    assert run("render", "risk_notice", "--data", "d.yaml", "-o", "n.docx", "--force").exit_code == 0
    (tmp_path / "file").write_text("x")
    assert run("render", "risk_notice", "--data", "d.yaml", "-o", "file/n.docx").exit_code == ExitCode.OUTPUT
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert leftovers == []


def test_example_to_file(run, tmp_path):
    assert run("example", "dual_report", "-o", "d.yaml").exit_code == 0
    assert "# 签发人" in (tmp_path / "d.yaml").read_text(encoding="utf-8")
    assert run("example", "dual_report", "-o", "d.yaml").exit_code == ExitCode.OUTPUT


def test_samples(run, tmp_path):
    result = run("samples", "-o", "样例", "--json")
    assert result.exit_code == 0
    made = json.loads(result.output)
    assert {m["template"] for m in made} >= set(CORE_IDS)
    assert (tmp_path / "样例" / "accountability_bulletin_public.docx").exists()


def test_console_script_on_a_gbk_console(tmp_path):
    """No mojibake and no crash when the console's code page is GBK (Chinese Windows)."""
    env = dict(os.environ, PYTHONIOENCODING="gbk")
    result = subprocess.run(
        [sys.executable, "-m", "lianzheng_docs", "templates", "list"], capture_output=True, env=env, cwd=tmp_path
    )
    assert result.returncode == 0
    text = result.stdout.decode("gbk")
    assert "责任追究通报" in text and "保管期限" in text
    command = [sys.executable, "-m", "lianzheng_docs", "render", "nope", "--data", "x.yaml"]
    error = subprocess.run(command, capture_output=True, env=env, cwd=tmp_path)
    assert error.returncode == ExitCode.NOT_FOUND
    assert "没有 id 为" in error.stderr.decode("gbk")


def test_exit_codes_in_the_help_and_the_readme_come_from_the_enum(run):
    """Every ExitCode has its Chinese meaning; ``--help`` shows each one and the README's table is built from them."""
    from conftest import ROOT

    help_text = " ".join(run("--help").output.split())
    for code in ExitCode:
        assert f"{int(code)} {code.label}" in help_text
    table = "\n".join(
        ["| 码 | 含义 | 说明 |", "|---|---|---|", *(f"| {int(c)} | {c.label} | {c.detail} |" for c in ExitCode)]
    )
    assert table + "\n" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_interrupted_exits_130(run, monkeypatch):
    from lianzheng_docs.templating.catalog import Catalog

    def interrupted() -> Catalog:
        raise KeyboardInterrupt

    monkeypatch.setattr(Catalog, "default", interrupted)
    result = run("templates", "list")
    assert result.exit_code == ExitCode.INTERRUPTED == 130 and result.output == "已中断。\n"


def test_a_reader_that_goes_away_exits_141_quietly(tmp_path):
    """``lianzheng ... | head``: the pipe closes before the output is written; no traceback, code 141."""
    command = [sys.executable, "-m", "lianzheng_docs", "templates", "list"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # long before the catalogue is loaded and the table written
    assert process.wait(timeout=120) == ExitCode.BROKEN_PIPE == 141
    assert process.stderr.read() == b""


def test_emit_gives_json_or_the_text_for_people(capsys):
    """The one output helper: JSON with Chinese kept under --json, else the renderer's lines;
    emit_each shows each result before the next is made."""
    from lianzheng_docs.cli.output import emit, emit_each

    emit({"题名": "通知"}, lambda: pytest.fail("the text is for people only"), as_json=True)
    assert capsys.readouterr().out == '{\n  "题名": "通知"\n}\n'
    emit({"n": 1}, lambda: (line for line in ["甲", "乙"]), as_json=False)
    emit({"n": 1}, lambda: "丙", as_json=False)
    assert capsys.readouterr().out == "甲\n乙\n丙\n"
    made = []

    def each():
        for number in (1, 2):
            made.append(number)
            yield number

    shown = emit_each(each(), lambda n: {"n": n}, lambda n: f"第{n}件（已做 {len(made)}）", as_json=False,
                      end=lambda done: f"共 {len(done)} 件")  # fmt: skip
    assert shown == [1, 2] and capsys.readouterr().out == "第1件（已做 1）\n第2件（已做 2）\n共 2 件\n"
    emit_each(iter([1, 2]), lambda n: {"n": n}, lambda n: pytest.fail("people only"), as_json=True)
    assert json.loads(capsys.readouterr().out) == [{"n": 1}, {"n": 2}]


def test_clicks_own_messages_are_in_chinese(run):
    """A clerk read "Error: Missing option '--private'." in English beside the project's Chinese."""
    missing = run("archive", "keygen")
    assert missing.exit_code == ExitCode.USAGE
    assert "用法： cli archive keygen" in missing.output and "缺少选项 '--private'" in missing.output
    assert "Error" not in missing.output and "Usage" not in missing.output
    unknown = run("templates", "list", "--colour")
    assert unknown.exit_code == ExitCode.USAGE and "没有选项 '--colour'" in unknown.output
    helped = run("templates", "--help").output
    assert "显示此帮助并退出。" in helped and "命令" in helped
