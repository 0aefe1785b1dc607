"""Judge any .docx against GB/T 9704-2012《党政机关公文格式》.

``check_document(path)`` reads the OOXML directly, resolves each paragraph's formatting the way
Word does, infers what each paragraph is (title, 主送, 正文 ...), and reports every breach with
the standard's clause, a Chinese message, where it is, and the value found against the value
wanted. What it had to guess is reported as a warning, never as an error.
"""

from __future__ import annotations

from pathlib import Path

from .findings import Finding, Report, Severity
from .model import load
from .package import UnreadableDocument, open_package
from .roles import classify, infer
from .rules import RULES, Context
from .rules.context import DocumentKind

__all__ = ["DocumentKind", "Finding", "Report", "Severity", "UnreadableDocument", "check_document"]

#: Why an automatically judged document is checked as 非公文 (:func:`~.roles.classify`: neither a 发文机关标志
#: nor a title ending in a 文种 makes it a 公文; a 发文字号 alone does not).
NOT_GONGWEN = (
    "没有发文机关标志，也没有以 15 种文种之一结尾的标题，按非公文检查（问题只作警告）；如是公文，请加 --kind 公文"
)


def check_document(
    source: str | Path | bytes, *, kind: DocumentKind | str = DocumentKind.AUTO, name: str | None = None
) -> Report:
    """Check one .docx (a path or its bytes); a PDF is judged on its rendered layout instead.

    :param kind: how to judge it; ``auto`` infers it from the header and title. A document
        judged 非公文 gets the body-format rules as warnings only.
    :raises UnreadableDocument: the file is not a .docx that can be read (exit code 2).
    """
    if _is_pdf(source):
        from .pdf import check_pdf

        if isinstance(source, bytes):
            import tempfile

            with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
                handle.write(source)
                handle.flush()
                return check_pdf(handle.name, name or "PDF")
        return check_pdf(source, name)
    package = open_package(source, name)
    doc = load(package)
    layout = infer(doc)
    wanted = DocumentKind(kind)
    classification = classify(doc, layout)
    judged = DocumentKind(classification.kind) if wanted is DocumentKind.AUTO else wanted
    ctx = Context(doc, layout, judged)
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule(ctx))
    if judged is DocumentKind.NON_GONGWEN:
        findings = [
            Finding(f.rule, f.clause, Severity.WARNING, f.message, f.where, f.found, f.expected) for f in findings
        ]
    for doubt in layout.doubts:
        findings.append(Finding("inference", "推断", Severity.WARNING, doubt))
    if wanted is DocumentKind.AUTO and judged is DocumentKind.NON_GONGWEN:
        # what classify() found wanting, and only that: a 发文字号 or a title may well be there
        findings.append(Finding("kind", "推断", Severity.WARNING, NOT_GONGWEN))
    reasons = classification.reasons if wanted is DocumentKind.AUTO else [f"按指定的 --kind {wanted.value} 检查"]
    return Report(package.name, judged.value, wanted is DocumentKind.AUTO, findings, reasons)


def _is_pdf(source: str | Path | bytes) -> bool:
    if isinstance(source, bytes):
        return source.startswith(b"%PDF-")
    try:
        with open(source, "rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return False
