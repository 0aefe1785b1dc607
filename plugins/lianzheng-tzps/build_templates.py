"""Build the plugin's .docx templates with lianzheng-docs' layout kit: ``python build_templates.py``."""

from __future__ import annotations

from pathlib import Path

from lianzheng_docs.layout.builder import KAI, GongwenDocument, Span

HERE = Path(__file__).resolve().parent / "lianzheng_tzps" / "templates"


def rectification_report() -> GongwenDocument:
    doc = GongwenDocument(title="专项检查整改情况报告")
    doc.issuer_mark("{{ issuer_mark }}")
    doc.doc_number("{{ doc_number }}", signer="{{ signer }}")
    doc.blank(2)
    doc.title("关于{{ inspection }}整改情况的报告")
    doc.blank()
    doc.addressee("{{ addressees }}：")
    doc.paragraph(
        "{{ inspection }}发现我中心存在{{ findings|length }}个方面的问题。中心党支部高度重视，"
        "逐项制定整改措施，明确整改责任人和完成时限。现将整改情况报告如下。"
    )
    doc.heading(1, "一、问题整改情况")
    doc.control("{%p for finding in findings %}")
    doc.paragraph(Span("（{{ loop.index|cn_num }}）{{ finding.problem }}", KAI), "{{ finding.measures }}")
    doc.paragraph("整改责任人：{{ finding.owner }}；完成情况：{{ finding.status }}。")
    doc.control("{%p endfor %}")
    doc.heading(1, "二、下一步工作")
    doc.control("{%p for para in next_steps %}")
    doc.paragraph("{{ para }}")
    doc.control("{%p endfor %}")
    doc.keep_with_next(doc.paragraph("特此报告。"))
    doc.signature("{{ issuer }}", "{{ date }}")
    doc.imprint(cc="cc", printed=["{{ printer }}", "\t{{ date }}印发"])
    return doc


if __name__ == "__main__":
    path = HERE / "rectification_report.docx"
    path.write_bytes(rectification_report().to_bytes())
    print(path)
