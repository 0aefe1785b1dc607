"""Rendering is literal, strict, sandboxed, deterministic and thread-safe."""

from __future__ import annotations

import hashlib
import io
import zipfile
from concurrent.futures import ThreadPoolExecutor

import docx
import pytest

from lianzheng_docs import Catalog, TemplateError
from lianzheng_docs.layout.builder import GongwenDocument

HEADER = 'id = "{id}"\ntitle = "测试"\nkind = "通知"\ndirection = "下行"\nretention = "D10"\n'
TEXT_FIELD = '[[fields]]\nname = "{name}"\nlabel = "{name}"\ntype = "text"\n'


def make_catalog(tmp_path, paragraphs, fields=("subject",), template_id="probe"):
    doc = GongwenDocument(title="测试")
    for text in paragraphs:
        doc.paragraph(text)
    doc.save(tmp_path / f"{template_id}.docx")
    manifest = HEADER.format(id=template_id) + "".join(TEXT_FIELD.format(name=n) for n in fields)
    (tmp_path / f"{template_id}.toml").write_text(manifest, encoding="utf-8")
    return Catalog.from_folder(tmp_path)


def body_text(content: bytes) -> str:
    import io

    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


def test_markup_characters_come_out_literally(tmp_path):
    catalog = make_catalog(tmp_path, ["事由：{{ subject }}"])
    value = "审计&监督 <专项> \"资金\" '拨付' 5>3"
    document = catalog.get("probe").render({"subject": value})
    assert f"事由：{value}" in body_text(document.content)


def test_undeclared_variable_fails_instead_of_rendering_empty(tmp_path):
    catalog = make_catalog(tmp_path, ["{{ subject }}{{ undeclared }}"])
    with pytest.raises(TemplateError, match="undeclared"):
        catalog.get("probe").render({"subject": "x"})


def test_templates_run_in_the_sandbox(tmp_path):
    catalog = make_catalog(tmp_path, ["{{ subject.__class__.__mro__[1].__subclasses__() }}"])
    with pytest.raises(TemplateError, match=r"沙箱|unsafe|不安全"):
        catalog.get("probe").render({"subject": "x"})


def test_same_data_gives_the_same_bytes(catalog):
    template = catalog.get("dual_report")
    first = template.render(template.example()).content
    second = template.render(template.example()).content
    assert first == second


def test_threads_never_mix_documents(catalog):
    """One DocxTemplate shared by threads mixed up 23 of 60 documents; each render has its own."""
    template = catalog.get("responsibility_letter")
    departments = [f"第{n}科" for n in range(60)]

    def render(department):
        data = template.example() | {"department": department}
        return department, template.render(data).content

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(render, departments))
    for department, content in results:
        text = body_text(content)
        assert f"乙方：{department}（" in text
        others = [d for d in departments if d != department and f"乙方：{d}（" in text]
        assert not others


def test_public_version_masks_every_name(catalog):
    template = catalog.get("accountability_bulletin")
    data = template.example()
    public = template.render(data, mask_names=True)
    internal = template.render(data)
    names = ["赵立新", "孙海涛", "钱文斌"]
    internal_text = body_text(internal.content) + internal.title
    assert all(name in internal_text for name in names)
    public_text = body_text(public.content) + public.title
    assert not any(name in public_text for name in names)
    assert "赵某某" in public_text and "孙某某" in public_text and "钱某某" in public_text


def test_metadata_and_core_properties(catalog):
    document = catalog.get("dual_report").render(catalog.get("dual_report").example())
    assert document.title == "关于2026年上半年落实党风廉政建设主体责任情况的报告"
    assert document.metadata["doc_number"] == "X财党〔2026〕12号"
    assert document.metadata["date"] == "2026-06-26"
    import io

    props = docx.Document(io.BytesIO(document.content)).core_properties
    assert props.title == document.title
    assert props.keywords == "X财党〔2026〕12号"
    assert props.created.year == 2026 and props.created.month == 6


def test_annual_report_title_has_no_half_year(catalog):
    template = catalog.get("dual_report")
    document = template.render(template.example() | {"period": "全年"})
    assert document.title == "关于2026年落实党风廉政建设主体责任情况的报告"


def test_save_refuses_to_overwrite_and_leaves_nothing_behind(tmp_path, catalog):
    from lianzheng_docs import OutputError

    template = catalog.get("risk_notice")
    document = template.render(template.example())
    target = tmp_path / "告知书.docx"
    document.save(target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    with pytest.raises(OutputError, match="已存在"):
        template.render(template.example() | {"phone": "0371-1"}).save(target)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == digest
    template.render(template.example() | {"phone": "0371-1"}).save(target, overwrite=True)
    assert hashlib.sha256(target.read_bytes()).hexdigest() != digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["告知书.docx"]


def test_save_into_a_path_below_a_file_fails_cleanly(tmp_path, catalog):
    from lianzheng_docs import OutputError

    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    document = catalog.get("risk_notice").render(catalog.get("risk_notice").example())
    with pytest.raises(OutputError):
        document.save(blocker / "out.docx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_without_a_number_a_document_is_a_draft_and_filing_numbers_it(catalog, tmp_path):
    """The one rule for 文号 (issue 16, item 7): the archive gives them; examples carry none."""
    from datetime import date

    from lianzheng_docs.archive import Archive
    from lianzheng_docs.check import check_document
    from lianzheng_docs.templating.examples import example_data

    template = catalog.get("accountability_bulletin")
    data = example_data(template.manifest, date(2026, 11, 30))
    assert "doc_number" not in data  # what clerks see carries no number the sequence would skip
    draft = template.render(data)
    assert draft.unnumbered and draft.metadata["doc_number"] == ""
    xml = zipfile.ZipFile(io.BytesIO(draft.content)).read("word/document.xml").decode("utf-8")
    assert "X财党〔2026〕\u3000\u3000号" in xml
    path = draft.save(tmp_path / "稿.docx")
    findings = check_document(path).findings
    assert [f.message for f in findings if f.rule == "header.doc_number"] == [
        "发文字号尚未编号（待编号稿）：归档时由档案编号，或印发前填上序号"
    ]
    assert [f.expected for f in findings if f.rule == "header.doc_number"] == ["X财党〔2026〕（序号）号"]
    assert not [f for f in findings if f.severity.value == "error"]
    given = template.render({**data, "doc_number": "X财党〔2026〕21号"})  # numbered elsewhere: kept
    assert not given.unnumbered and given.metadata["doc_number"] == "X财党〔2026〕21号"
    with Archive(tmp_path / "档案") as archive:
        record = archive.file_rendered(template, data)
    assert record.doc_number == "X财党〔2026〕1号"


def test_tags_nested_deeper_than_python_compiles_are_a_template_error(tmp_path):
    """21 nested loops or 100 nested ifs: Python's compiler refuses them (SyntaxError, IndentationError);
    that is the template's fault, exit 5, not a traceback."""
    loops = "".join(f"{{% for a{i} in [1] %}}" for i in range(21)) + "x" + "{% endfor %}" * 21
    ifs = "{% if true %}" * 120 + "x" + "{% endif %}" * 120
    for body, name in ((loops, "loops"), (ifs, "ifs")):
        (tmp_path / name).mkdir()
        catalog = make_catalog(tmp_path / name, [body, "{{ subject }}"])
        with pytest.raises(TemplateError, match="标签嵌套过深") as caught:
            catalog.get("probe").render({"subject": "x"})
        assert caught.value.exit_code == 5


def test_a_rendered_document_claims_no_page_count_and_no_word(catalog, tmp_path):
    """python-docx's default properties said 'Microsoft Macintosh Word', 1 page, for every document;
    the archive took that as the page count of a six-page report."""
    from lianzheng_docs.archive.extract import docx_pages

    document = catalog.get("dual_report").render(catalog.get("dual_report").example())
    app = zipfile.ZipFile(io.BytesIO(document.content)).read("docProps/app.xml").decode("utf-8")
    assert "<Application>lianzheng-docs</Application>" in app and "<Pages>" not in app and "Word" not in app
    assert docx_pages(document.save(tmp_path / "报告.docx")) is None  # unknown until laid out, never a wrong 1
