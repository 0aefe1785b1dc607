"""Passwords never on the command line (issue 15, item 7): ``-``, ``prompt`` or ``env:NAME``."""

from __future__ import annotations

from pypdf import PdfReader, PdfWriter


def a_pdf(path):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


def test_the_password_comes_from_standard_input_or_the_environment(run, tmp_path, monkeypatch):
    source = a_pdf(tmp_path / "汇编.pdf")
    piped = run("pdf", "protect", source, "-o", tmp_path / "一.pdf", "--password", "-", input="口令甲\n")
    assert piped.exit_code == 0, piped.output
    reader = PdfReader(tmp_path / "一.pdf")
    assert reader.is_encrypted and reader.decrypt("口令甲") and not PdfReader(tmp_path / "一.pdf").decrypt("-")
    monkeypatch.setenv("LZ_PDF_PASSWORD", "口令乙")
    from_env = run("pdf", "protect", source, "-o", tmp_path / "二.pdf", "--password", "env:LZ_PDF_PASSWORD")
    assert from_env.exit_code == 0 and PdfReader(tmp_path / "二.pdf").decrypt("口令乙")


def test_a_password_written_on_the_command_line_is_refused(run, tmp_path, monkeypatch):
    source = a_pdf(tmp_path / "汇编.pdf")
    literal = run("pdf", "protect", source, "-o", tmp_path / "三.pdf", "--password", "secret123")
    assert literal.exit_code == 2 and "进程列表" in literal.stderr and not (tmp_path / "三.pdf").exists()
    empty = run("pdf", "protect", source, "-o", tmp_path / "四.pdf", "--password", "-", input="")
    assert empty.exit_code == 2 and "标准输入中没有口令" in empty.stderr
    monkeypatch.delenv("LZ_MISSING", raising=False)
    unset = run("pdf", "protect", source, "-o", tmp_path / "五.pdf", "--password", "env:LZ_MISSING")
    assert unset.exit_code == 2 and "LZ_MISSING" in unset.stderr
    no_terminal = run("pdf", "protect", source, "-o", tmp_path / "六.pdf", "--password", "prompt", input="x\n")
    assert no_terminal.exit_code == 2 and "不在终端上" in no_terminal.stderr
    assert not any((tmp_path / name).exists() for name in ("四.pdf", "五.pdf", "六.pdf"))
