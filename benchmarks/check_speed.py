"""The checker's speed and memory on a 50-page 公文 and on 100,000 paragraphs, against python-docx
merely opening the same files (the baseline), side by side in one run.

.venv/bin/python benchmarks/check_speed.py [--paragraphs 100000] [--repeat 3]

Each measurement runs in a fresh Python process, so its peak memory (ru_maxrss) is its own; the
time is the median of ``--repeat`` runs, measured inside the process (imports excluded).
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
BODY = "为压实党风廉政建设主体责任，经局党组研究，决定开展年度责任制检查，各单位要如实反映情况，不得弄虚作假。"
FANGSONG = (
    '<w:rPr><w:rFonts w:ascii="仿宋_GB2312" w:hAnsi="仿宋_GB2312" w:eastAsia="仿宋_GB2312"/><w:sz w:val="32"/></w:rPr>'
)


def build(paragraphs: int) -> bytes:
    """A 公文 of ``paragraphs`` body paragraphs (each two lines at 28 characters), theme fonts in
    docDefaults and explicit fonts on the runs, PAGE fields in both footers."""
    head = [
        '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:color w:val="FF0000"/><w:sz w:val="72"/></w:rPr><w:t>××县财政局文件</w:t></w:r></w:p>',
        f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r>{FANGSONG}<w:t>×财〔2026〕5号</w:t></w:r></w:p>',
        '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:rFonts w:eastAsia="方正小标宋简体"/><w:sz w:val="44"/></w:rPr><w:t>关于开展党风廉政建设责任制检查的通知</w:t></w:r></w:p>',
        f"<w:p><w:r>{FANGSONG}<w:t>各科室：</w:t></w:r></w:p>",
    ]
    body = f'<w:p><w:pPr><w:spacing w:line="579" w:lineRule="exact"/><w:ind w:firstLine="640"/></w:pPr><w:r>{FANGSONG}<w:t>{BODY}</w:t></w:r></w:p>'
    tail = f'<w:p><w:pPr><w:jc w:val="right"/></w:pPr><w:r>{FANGSONG}<w:t>2026年3月5日</w:t></w:r></w:p>'
    sect = (
        '<w:sectPr><w:footerReference w:type="default" r:id="rId9"/><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587" w:header="851" w:footer="1134" w:gutter="0"/>'
        '<w:docGrid w:type="lines" w:linePitch="579"/></w:sectPr>'
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>'
        + "".join(head)
        + body * paragraphs
        + tail
        + sect
        + "</w:body></w:document>"
    )
    footer = (
        f'<w:ftr xmlns:w="{W}"><w:p><w:pPr><w:jc w:val="right"/></w:pPr><w:r><w:t xml:space="preserve">— </w:t></w:r>'
        '<w:fldSimple w:instr=" PAGE "/><w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>'
    )
    styles = (
        f'<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:asciiTheme="minorHAnsi" '
        'w:eastAsiaTheme="minorEastAsia" w:hAnsiTheme="minorHAnsi"/><w:sz w:val="21"/></w:rPr></w:rPrDefault></w:docDefaults>'
        '<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style></w:styles>'
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{R}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId9" Type="{R}/footer" Target="footer1.xml"/></Relationships>'
    )
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
        '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/></Types>'
    )
    package_rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", package_rels)
        archive.writestr("word/document.xml", document)
        archive.writestr("word/_rels/document.xml.rels", rels)
        archive.writestr("word/styles.xml", styles)
        archive.writestr("word/footer1.xml", footer)
    return out.getvalue()


MEASURE = """
import json, resource, sys, time
path, what = sys.argv[1], sys.argv[2]
if what == "check":
    from lianzheng_docs.check import check_document as run
else:
    import docx
    run = docx.Document
started = time.perf_counter()
result = run(path)
elapsed = time.perf_counter() - started
extra = {"errors": len(result.errors), "warnings": len(result.warnings)} if what == "check" else {}
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "peak_mb": peak, **extra}))
"""


def measure(path: Path, what: str, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", MEASURE, str(path), what], check=True, capture_output=True, text=True
        )
        runs.append(json.loads(done.stdout))
    best = dict(runs[0])
    best["seconds"] = statistics.median(r["seconds"] for r in runs)
    best["peak_mb"] = max(r["peak_mb"] for r in runs)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cases = {"50 页（560 段）": 560, f"{args.paragraphs:,} 段": args.paragraphs}
    with tempfile.TemporaryDirectory(prefix="lianzheng-check-bench-") as tmp:
        print(f"{'文档':<16}{'大小':>10}{'python-docx 打开':>20}{'lianzheng check':>20}{'峰值内存 打开 / 检查':>26}")
        for label, count in cases.items():
            path = Path(tmp) / f"{count}.docx"
            path.write_bytes(build(count))
            baseline = measure(path, "open", args.repeat)
            checked = measure(path, "check", args.repeat)
            size = f"{path.stat().st_size / 1024:.0f} KB"
            print(
                f"{label:<16}{size:>10}{baseline['seconds']:>18.2f} s{checked['seconds']:>18.2f} s"
                f"{baseline['peak_mb']:>16.0f} MB / {checked['peak_mb']:.0f} MB"
                f"   （{checked['errors']:.0f} 个错误，{checked['warnings']:.0f} 个警告）"
            )


if __name__ == "__main__":
    main()
