# ruff: noqa: E501 -- XML parts read better unwrapped
"""A corpus of producers: the same conformant 公文 written the way each tool writes a .docx.

Each builder returns the bytes of a .docx as its producer lays it out, so the checker is tried on
the formatting habits it meets in the wild, not only on this project's templates:

- :func:`python_docx`: python-docx's default template (theme fonts in docDefaults: eastAsiaTheme
  minorEastAsia = 宋体), fonts set with ``run.font.name`` plus ``w:eastAsia``, a PAGE field made
  with the well-known fldChar recipe (begin / instrText / end, no cached digits);
- :func:`wps`: WPS Office: theme fonts in docDefaults, explicit fonts in the styles and runs
  (``w:hint="eastAsia"``), the 版头 in a text box (DrawingML with a VML fallback), page numbers
  as ``w:fldSimple`` with no result;
- :func:`word`: Microsoft Word: a theme with 等线, the Normal style and "heading 1/2" restyled by
  the clerk, fldChar fields with a stale cached number;
- :func:`docxjs`: a minimal package as docx.js writes it: no theme, no docDefaults fonts, one run per
  field character;
- the LibreOffice-saved file is ``fixtures/producers/libreoffice.docx`` (the Word fixture
  converted by soffice, see :func:`libreoffice_resave`).

Variants (``VARIANTS``) spoil one thing each, the way the measured real-world files did (a blue
"heading 1" title, no number on page 1, a 28-character ``linesAndChars`` grid, ``w:rFonts``
after ``w:b``) or use another 文种 (纪要, 命令, 复函 with a seal placeholder). The expected verdict of
every fixture is data: ``fixtures/producers/verdicts.json``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "producers"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'mc:Ignorable="wps"'
)

# ---------------------------------------------------------------------------- the document's words


@dataclass(frozen=True)
class Line:
    role: str  # mark, number, rule, title, addressee, body, h1, h2, h3, attachment, signature, seal, date, cc, printed
    text: str
    tail: str = ""  # body text after a run-in heading (h2)


NOTICE = [
    Line("mark", "××县财政局文件"),
    Line("number", "×财〔2026〕5号"),
    Line("rule", ""),
    Line("title", "关于开展2026年度党风廉政建设责任制检查的通知"),
    Line("addressee", "各科室、各二级机构："),
    Line("body", "为压实党风廉政建设主体责任，经局党组研究，决定开展2026年度责任制检查。现将有关事项通知如下。"),
    Line("h1", "一、检查内容"),
    Line("h2", "（一）责任落实情况。", "重点检查各单位落实“两个责任”、签订责任书和开展廉政谈话的情况。"),
    Line("h3", "1.自查自纠"),
    Line("body", "各单位于3月20日前完成自查，形成书面报告报局党风廉政建设领导小组办公室。"),
    Line("h1", "二、工作要求"),
    Line("body", "各单位要高度重视，如实反映情况，不得弄虚作假。"),
    Line("attachment", "附件：党风廉政建设责任制检查评分表"),
    Line("signature", "××县财政局"),
    Line("date", "2026年3月5日"),
    Line("cc", "抄送：县纪委监委。"),
    Line("printed", "××县财政局办公室　　　　　　　　2026年3月5日印发"),
]

MINUTES = [
    Line("mark", "××县财政局党组会议纪要"),
    Line("serial", "〔2026〕第5次"),
    Line("rule", ""),
    Line("title", "县财政局党组2026年第5次会议纪要"),
    Line("body", "2026年3月5日，局党组书记主持召开党组会议，研究党风廉政建设工作。会议纪要如下。"),
    Line("h1", "一、会议议定事项"),
    Line("body", "会议同意开展2026年度党风廉政建设责任制检查，由局纪检组牵头。"),
]

ORDER = [
    Line("mark", "××县人民政府令"),
    Line("serial", "第1号"),
    Line(
        "body",
        "《××县政府投资项目廉政风险防控办法》已经2026年3月5日县人民政府第12次常务会议通过，现予公布，自2026年4月1日起施行。",
    ),
    Line("signature", "县长　张三"),
    Line("date", "2026年3月6日"),
]

REPLY = [
    Line("mark", "××县财政局"),
    Line("number", "×财函〔2026〕8号"),
    Line("rule", ""),
    Line("title", "关于党风廉政建设责任制检查有关问题的复函"),
    Line("addressee", "县审计局："),
    Line("body", "你局《关于党风廉政建设责任制检查有关问题的函》收悉。经研究，现函复如下。"),
    Line("body", "同意你局意见，检查结果纳入年度考核。"),
    Line("body", "特此函复。"),
    Line("signature", "××县财政局"),
    Line("seal", "（印章）"),
    Line("date", "2026年3月9日"),
]

# ---------------------------------------------------------------------------- package plumbing

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>
<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>
<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>
</Types>"""

PACKAGE_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def package(document: str, styles: str, footers: dict[str, str], *, theme: str | None, settings: str) -> bytes:
    """A .docx from its XML parts; ``footers`` maps default/even/first to a footer part's XML."""
    rels = [f'<Relationship Id="rIdStyles" Type="{_REL}styles" Target="styles.xml"/>',
            f'<Relationship Id="rIdSettings" Type="{_REL}settings" Target="settings.xml"/>']  # fmt: skip
    if theme is not None:
        rels.append(f'<Relationship Id="rIdTheme" Type="{_REL}theme" Target="theme/theme1.xml"/>')
    parts = {"word/styles.xml": styles, "word/settings.xml": settings}
    if theme is not None:
        parts["word/theme/theme1.xml"] = theme
    for number, (kind, xml) in enumerate(footers.items(), start=1):
        rels.append(f'<Relationship Id="rIdFooter{kind}" Type="{_REL}footer" Target="footer{number}.xml"/>')
        parts[f"word/footer{number}.xml"] = xml
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("word/document.xml", document)
        archive.writestr(
            "word/_rels/document.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(rels)
            + "</Relationships>",
        )
        for name, xml in parts.items():
            archive.writestr(name, xml)
    return out.getvalue()


def footer_refs(kinds: list[str]) -> str:
    return "".join(f'<w:footerReference w:type="{k}" r:id="rIdFooter{k}"/>' for k in kinds)


def sect_pr(
    footers: list[str], *, grid: str = '<w:docGrid w:type="lines" w:linePitch="579"/>', title_pg: bool = False
) -> str:
    return (
        f"<w:sectPr>{footer_refs(footers)}"
        '<w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587" w:header="851" w:footer="1134" w:gutter="0"/>'
        + ("<w:titlePg/>" if title_pg else "")
        + f"{grid}</w:sectPr>"
    )


def document_xml(body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NAMESPACES}><w:body>{body}</w:body></w:document>'


def settings_xml(even_odd: bool = True) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings xmlns:w="{W_NS}">'
        + ("<w:evenAndOddHeaders/>" if even_odd else "")
        + "</w:settings>"
    )


def theme_xml(minor_hans: str = "等线", major_hans: str = "等线 Light") -> str:
    """A theme as Word 2016+ writes it for Chinese: accent1 blue, text1 black, 等线 fonts."""
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Office 主题"><a:themeElements>
<a:clrScheme name="Office"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>
<a:dk2><a:srgbClr val="44546A"/></a:dk2><a:lt2><a:srgbClr val="E7E6E6"/></a:lt2><a:accent1><a:srgbClr val="4472C4"/></a:accent1>
<a:accent2><a:srgbClr val="ED7D31"/></a:accent2><a:accent3><a:srgbClr val="A5A5A5"/></a:accent3><a:accent4><a:srgbClr val="FFC000"/></a:accent4>
<a:accent5><a:srgbClr val="5B9BD5"/></a:accent5><a:accent6><a:srgbClr val="70AD47"/></a:accent6><a:hlink><a:srgbClr val="0563C1"/></a:hlink>
<a:folHlink><a:srgbClr val="954F72"/></a:folHlink></a:clrScheme>
<a:fontScheme name="Office"><a:majorFont><a:latin typeface="Calibri Light"/><a:ea typeface=""/><a:cs typeface=""/>
<a:font script="Hans" typeface="{major_hans}"/></a:majorFont><a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/>
<a:font script="Hans" typeface="{minor_hans}"/></a:minorFont></a:fontScheme><a:fmtScheme name="Office"/></a:themeElements></a:theme>"""


def styles_xml(defaults: str, styles: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{W_NS}">'
        f"<w:docDefaults>{defaults}</w:docDefaults>{styles}</w:styles>"
    )


def footer_xml(paragraph: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr {NAMESPACES}>{paragraph}</w:ftr>'


SONG_14 = '<w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/>'
DASH_BEFORE, DASH_AFTER = "— ", " —"


def page_number_paragraph(side: str, field: str, rpr: str = SONG_14) -> str:
    """A footer paragraph "— PAGE —", on ``side`` one 四号 character in; ``field`` is the field's XML."""
    ind = f'<w:ind w:{side}="280"/>'
    return (
        f'<w:p><w:pPr><w:jc w:val="{side}"/>{ind}</w:pPr>'
        f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{DASH_BEFORE}</w:t></w:r>'
        f"{field}"
        f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{DASH_AFTER}</w:t></w:r></w:p>'
    )


def fld_simple(rpr: str = SONG_14) -> str:
    """WPS and some generators: ``w:fldSimple`` with no result inside (Word computes it)."""
    return f'<w:fldSimple w:instr=" PAGE \\* MERGEFORMAT "><w:r><w:rPr>{rpr}</w:rPr></w:r></w:fldSimple>'


def fld_char(rpr: str = SONG_14, cached: str | None = None, separate: bool = True) -> str:
    """Word's complex field: begin, instrText PAGE, separate, the cached result (if any), end."""
    run = lambda inner: f"<w:r><w:rPr>{rpr}</w:rPr>{inner}</w:r>"  # noqa: E731
    parts = [
        run('<w:fldChar w:fldCharType="begin"/>'),
        run('<w:instrText xml:space="preserve"> PAGE   \\* MERGEFORMAT </w:instrText>'),
    ]
    if separate:
        parts.append(run('<w:fldChar w:fldCharType="separate"/>'))
    if cached is not None:
        parts.append(run(f"<w:t>{cached}</w:t>"))
    parts.append(run('<w:fldChar w:fldCharType="end"/>'))
    return "".join(parts)


def two_footers(field: Callable[[], str]) -> dict[str, str]:
    return {
        "default": footer_xml(page_number_paragraph("right", field())),
        "even": footer_xml(page_number_paragraph("left", field())),
    }


# ---------------------------------------------------------------------------- Word and WPS

#: Run formatting a clerk gives each element directly (WPS writes it on every run).
DIRECT = {
    "mark": (
        '<w:rFonts w:hint="eastAsia" w:ascii="方正小标宋简体" w:hAnsi="方正小标宋简体" w:eastAsia="方正小标宋简体"/>'
        '<w:color w:val="FF0000"/><w:w w:val="80"/><w:sz w:val="72"/>'
    ),
    "title": '<w:rFonts w:hint="eastAsia" w:ascii="方正小标宋简体" w:hAnsi="方正小标宋简体" w:eastAsia="方正小标宋简体"/><w:sz w:val="44"/>',
    "h1": '<w:rFonts w:hint="eastAsia" w:ascii="黑体" w:hAnsi="黑体" w:eastAsia="黑体"/><w:sz w:val="32"/>',
    "h2": '<w:rFonts w:hint="eastAsia" w:ascii="楷体_GB2312" w:hAnsi="楷体_GB2312" w:eastAsia="楷体_GB2312"/><w:sz w:val="32"/>',
    "fangsong": '<w:rFonts w:hint="eastAsia" w:ascii="仿宋_GB2312" w:hAnsi="仿宋_GB2312" w:eastAsia="仿宋_GB2312"/><w:sz w:val="32"/>',
    "imprint": '<w:rFonts w:hint="eastAsia" w:ascii="仿宋_GB2312" w:hAnsi="仿宋_GB2312" w:eastAsia="仿宋_GB2312"/><w:sz w:val="28"/>',
}

#: Paragraph formatting of each element.
PPR = {
    "mark": '<w:jc w:val="center"/>',
    "number": '<w:jc w:val="center"/>',
    "serial": '<w:jc w:val="center"/>',
    "rule": '<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="1" w:color="FF0000"/></w:pBdr><w:jc w:val="center"/>',
    "title": '<w:snapToGrid w:val="0"/><w:jc w:val="center"/>',
    "addressee": "",
    "body": '<w:ind w:firstLineChars="200" w:firstLine="640"/><w:jc w:val="both"/>',
    "h1": '<w:ind w:firstLineChars="200" w:firstLine="640"/>',
    "h2": '<w:ind w:firstLineChars="200" w:firstLine="640"/>',
    "h3": '<w:ind w:firstLineChars="200" w:firstLine="640"/>',
    "attachment": '<w:ind w:firstLineChars="200" w:firstLine="640"/>',
    "signature": '<w:ind w:right="1280"/><w:jc w:val="right"/>',
    "seal": '<w:ind w:right="1600"/><w:jc w:val="right"/>',
    "date": '<w:ind w:right="1280"/><w:jc w:val="right"/>',
    "cc": '<w:ind w:left="280" w:right="280" w:hanging="840"/>',
    "printed": '<w:ind w:left="280" w:right="280"/>',
}


def run_rpr(line: Line) -> str:
    if line.role in ("mark", "title", "h1", "h2"):
        return DIRECT[line.role]
    return DIRECT["imprint" if line.role in ("cc", "printed") else "fangsong"]


def direct_paragraph(line: Line, style: str | None = None, rpr: str | None = None) -> str:
    """One paragraph with direct formatting on every run, as WPS writes it."""
    ppr = (f'<w:pStyle w:val="{style}"/>' if style else "") + PPR.get(line.role, "")
    runs = ""
    if line.text:
        runs = f'<w:r><w:rPr>{rpr if rpr is not None else run_rpr(line)}</w:rPr><w:t xml:space="preserve">{line.text}</w:t></w:r>'
    if line.tail:
        runs += f'<w:r><w:rPr>{DIRECT["fangsong"]}</w:rPr><w:t xml:space="preserve">{line.tail}</w:t></w:r>'
    return f"<w:p><w:pPr>{ppr}</w:pPr>{runs}</w:p>"


WPS_DEFAULTS = (
    '<w:rPrDefault><w:rPr><w:rFonts w:asciiTheme="minorHAnsi" w:hAnsiTheme="minorHAnsi" w:eastAsiaTheme="minorEastAsia" '
    'w:cstheme="minorBidi"/><w:kern w:val="2"/><w:sz w:val="21"/><w:szCs w:val="24"/><w:lang w:val="en-US" w:eastAsia="zh-CN" '
    'w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault/>'
)
WPS_STYLES = (
    '<w:style w:type="paragraph" w:default="1" w:styleId="1"><w:name w:val="Normal"/><w:qFormat/>'
    '<w:pPr><w:widowControl w:val="0"/><w:spacing w:line="579" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr>'
    '<w:rPr><w:rFonts w:ascii="仿宋_GB2312" w:hAnsi="仿宋_GB2312" w:eastAsia="仿宋_GB2312" w:cs="Times New Roman"/>'
    '<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="24"/></w:rPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="5"><w:name w:val="footer"/><w:basedOn w:val="1"/>'
    '<w:pPr><w:tabs><w:tab w:val="center" w:pos="4153"/></w:tabs><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/></w:pPr>'
    '<w:rPr><w:sz w:val="18"/></w:rPr></w:style>'
)


def _text_box(paragraphs: str, vml_only: bool = False) -> str:
    """A floating text box as WPS and Word write it: DrawingML, with a VML copy as the fallback."""
    anchor = (
        '<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="251659264" behindDoc="0" '
        'locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>'
        '<wp:positionV relativeFrom="margin"><wp:posOffset>1260000</wp:posOffset></wp:positionV>'
        '<wp:extent cx="5615940" cy="1260000"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapTopAndBottom/>'
        '<wp:docPr id="1" name="版头"/><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f"<wps:wsp><wps:spPr/><wps:txbx><w:txbxContent>{paragraphs}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor>"
    )
    fallback = (
        '<w:pict><v:shape id="版头" o:spid="_x0000_s1026" type="#_x0000_t202" style="position:absolute;width:442.2pt;height:99.2pt">'
        f"<v:textbox><w:txbxContent>{paragraphs}</w:txbxContent></v:textbox></v:shape></w:pict>"
    )
    if vml_only:  # older Word and WPS: a VML text box alone
        return f"<w:r>{fallback}</w:r>"
    return (
        f'<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>{anchor}</w:drawing></mc:Choice>'
        f"<mc:Fallback>{fallback}</mc:Fallback></mc:AlternateContent></w:r>"
    )


def wps(
    lines: list[Line] = NOTICE,
    *,
    footers: dict[str, str] | None = None,
    sect: str | None = None,
    vml_only: bool = False,
) -> bytes:
    """WPS: the 版头 (mark and 发文字号) in a text box anchored in the first paragraph, fldSimple page numbers."""
    header = [line for line in lines if line.role in ("mark", "number")]
    box = "".join(direct_paragraph(line) for line in header)
    body = [f'<w:p><w:pPr><w:spacing w:line="240" w:lineRule="auto"/></w:pPr>{_text_box(box, vml_only)}</w:p>']
    body += [direct_paragraph(line) for line in lines if line not in header]
    body.append(sect or sect_pr(["default", "even"]))
    return package(
        document_xml("".join(body)),
        styles_xml(WPS_DEFAULTS, WPS_STYLES),
        footers if footers is not None else two_footers(fld_simple),
        theme=theme_xml(minor_hans="宋体", major_hans="宋体"),
        settings=settings_xml(),
    )


WORD_DEFAULTS = (
    '<w:rPrDefault><w:rPr><w:rFonts w:asciiTheme="minorHAnsi" w:eastAsiaTheme="minorEastAsia" w:hAnsiTheme="minorHAnsi" '
    'w:cstheme="minorBidi"/><w:kern w:val="2"/><w:sz w:val="21"/><w:szCs w:val="22"/><w:lang w:val="en-US" w:eastAsia="zh-CN" '
    'w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault/>'
)


def word_styles(heading1_color: str = '<w:color w:val="000000"/>', title_style: str = "a5") -> str:
    """Word's Normal, heading 1, heading 2 and Title styles after a clerk restyled them for 公文."""
    return (
        '<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/><w:qFormat/>'
        '<w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr>'
        '<w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="仿宋_GB2312" w:hAnsi="Times New Roman"/><w:sz w:val="32"/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/><w:next w:val="a"/>'
        '<w:link w:val="10"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:outlineLvl w:val="0"/></w:pPr>'
        '<w:rPr><w:rFonts w:asciiTheme="majorHAnsi" w:eastAsiaTheme="majorEastAsia" w:hAnsiTheme="majorHAnsi" w:cstheme="majorBidi"/>'
        f'{heading1_color}<w:kern w:val="44"/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/><w:basedOn w:val="a"/><w:next w:val="a"/>'
        '<w:uiPriority w:val="9"/><w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:ind w:firstLineChars="200" w:firstLine="640"/>'
        '<w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:rFonts w:ascii="黑体" w:eastAsia="黑体" w:hAnsi="黑体"/><w:sz w:val="32"/></w:rPr></w:style>'
        f'<w:style w:type="paragraph" w:styleId="{title_style}"><w:name w:val="Title"/><w:basedOn w:val="a"/><w:next w:val="a"/>'
        '<w:qFormat/><w:pPr><w:snapToGrid w:val="0"/><w:jc w:val="center"/><w:outlineLvl w:val="0"/></w:pPr>'
        '<w:rPr><w:rFonts w:asciiTheme="majorHAnsi" w:eastAsia="方正小标宋简体" w:hAnsiTheme="majorHAnsi"/><w:sz w:val="44"/></w:rPr></w:style>'
        '<w:style w:type="character" w:styleId="a7"><w:name w:val="楷体标题"/><w:rPr><w:rFonts w:eastAsia="楷体_GB2312"/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="a9"><w:name w:val="footer"/><w:basedOn w:val="a"/>'
        '<w:pPr><w:snapToGrid w:val="0"/></w:pPr><w:rPr><w:sz w:val="18"/></w:rPr></w:style>'
    )


def word_paragraph(line: Line) -> str:
    """Word: styles carry the fonts (Title, heading 2, a character style for 楷体), direct formatting is rare."""
    if line.role == "title":
        return f'<w:p><w:pPr><w:pStyle w:val="a5"/></w:pPr><w:r><w:t>{line.text}</w:t></w:r></w:p>'
    if line.role == "h1":
        return f'<w:p><w:pPr><w:pStyle w:val="2"/></w:pPr><w:r><w:t>{line.text}</w:t></w:r></w:p>'
    if line.role == "h2":
        return (
            f'<w:p><w:pPr>{PPR["h2"]}</w:pPr><w:r><w:rPr><w:rStyle w:val="a7"/></w:rPr><w:t>{line.text}</w:t></w:r>'
            f"<w:r><w:t>{line.tail}</w:t></w:r></w:p>"
        )
    if line.role == "mark":
        return direct_paragraph(line)
    if line.role in ("cc", "printed"):
        return f'<w:p><w:pPr>{PPR[line.role]}</w:pPr><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t>{line.text}</w:t></w:r></w:p>'
    text = f'<w:r><w:t xml:space="preserve">{line.text}</w:t></w:r>' if line.text else ""
    return f"<w:p><w:pPr>{PPR.get(line.role, '')}</w:pPr>{text}</w:p>"


def word(
    lines: list[Line] = NOTICE,
    *,
    styles: str | None = None,
    paragraph: Callable[[Line], str] = word_paragraph,
    footers: dict[str, str] | None = None,
    sect: str | None = None,
) -> bytes:
    """Microsoft Word: theme fonts in docDefaults, explicit fonts in restyled styles, fldChar page numbers
    with a stale cached result."""
    body = "".join(paragraph(line) for line in lines) + (sect or sect_pr(["default", "even"]))
    return package(
        document_xml(body),
        styles_xml(WORD_DEFAULTS, styles or word_styles()),
        footers if footers is not None else two_footers(lambda: fld_char(cached="2")),
        theme=theme_xml(),
        settings=settings_xml(),
    )


# ---------------------------------------------------------------------------- docx.js


def docxjs_paragraph(line: Line, rpr: Callable[[Line], str] | None = None) -> str:
    """docx.js: every run carries its own properties; no theme to fall back on."""
    props = (rpr or run_rpr)(line).replace(' w:hint="eastAsia"', "")
    ppr = PPR.get(line.role, "").replace(' w:firstLineChars="200"', "")
    spacing = '<w:spacing w:line="579" w:lineRule="exact"/>' if line.role not in ("title", "mark") else ""
    runs = f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{line.text}</w:t></w:r>' if line.text else ""
    if line.tail:
        runs += f'<w:r><w:rPr>{DIRECT["fangsong"]}</w:rPr><w:t xml:space="preserve">{line.tail}</w:t></w:r>'
    return f"<w:p><w:pPr>{spacing}{ppr}</w:pPr>{runs}</w:p>"


def docxjs(lines: list[Line] = NOTICE, *, rpr: Callable[[Line], str] | None = None) -> bytes:
    """docx.js: no theme part, an empty docDefaults, field characters each in its own run, dirty."""
    body = "".join(docxjs_paragraph(line, rpr) for line in lines) + sect_pr(["default", "even"], grid="")
    field = (
        f'<w:r><w:rPr>{SONG_14}</w:rPr><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
        f'<w:r><w:rPr>{SONG_14}</w:rPr><w:instrText xml:space="preserve">PAGE</w:instrText></w:r>'
        f'<w:r><w:rPr>{SONG_14}</w:rPr><w:fldChar w:fldCharType="separate"/></w:r>'
        f'<w:r><w:rPr>{SONG_14}</w:rPr><w:fldChar w:fldCharType="end"/></w:r>'
    )
    return package(
        document_xml(body),
        styles_xml("", ""),
        two_footers(lambda: field),
        theme=None,
        settings=settings_xml(),
    )


# ---------------------------------------------------------------------------- python-docx


def python_docx(lines: list[Line] = NOTICE) -> bytes:
    """python-docx's default template, as its users write a 公文: A4 and margins on the section,
    ``run.font.name`` plus ``w:eastAsia`` on each run, exact 28.95 pt lines, the page field recipe."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    document.settings.odd_and_even_pages_header_footer = True
    faces = {"mark": "方正小标宋简体", "title": "方正小标宋简体", "h1": "黑体", "h2": "楷体_GB2312"}
    sizes = {"mark": 36, "title": 22, "cc": 14, "printed": 14}
    align = {"mark": "CENTER", "number": "CENTER", "serial": "CENTER", "rule": "CENTER", "title": "CENTER",
             "signature": "RIGHT", "date": "RIGHT", "seal": "RIGHT"}  # fmt: skip

    def add_run(paragraph, text, face, size, color=None):  # type: ignore[no-untyped-def]
        run = paragraph.add_run(text)
        run.font.name = face
        run._element.rPr.rFonts.set(qn("w:eastAsia"), face)
        run.font.size = Pt(size)
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
        return run

    for line in lines:
        paragraph = document.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.space_after = Pt(0)
        if line.role not in ("title", "mark"):
            fmt.line_spacing = Pt(28.95)
        if line.role in align:
            paragraph.alignment = getattr(WD_ALIGN_PARAGRAPH, align[line.role])
        if line.role in ("body", "h1", "h2", "h3", "attachment"):
            fmt.first_line_indent = Pt(32)
        if line.role in ("signature", "date"):
            fmt.right_indent = Pt(64)
        if line.role == "rule":
            ppr = paragraph._p.get_or_add_pPr()
            border = OxmlElement("w:pBdr")
            bottom = OxmlElement("w:bottom")
            for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "1"), ("w:color", "FF0000")):
                bottom.set(qn(key), value)
            border.append(bottom)
            ppr.append(border)
        if line.text:
            face = faces.get(line.role, "仿宋_GB2312")
            add_run(paragraph, line.text, face, sizes.get(line.role, 16), "FF0000" if line.role == "mark" else None)
        if line.tail:
            add_run(paragraph, line.tail, "仿宋_GB2312", 16)

    def page_number(footer, side):  # type: ignore[no-untyped-def]
        paragraph = footer.paragraphs[0]
        paragraph.alignment = getattr(WD_ALIGN_PARAGRAPH, side.upper())
        if side == "right":
            paragraph.paragraph_format.right_indent = Pt(14)
        else:
            paragraph.paragraph_format.left_indent = Pt(14)
        add_run(paragraph, DASH_BEFORE, "宋体", 14)
        for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):  # the StackOverflow recipe
            run = add_run(paragraph, "", "宋体", 14)
            if kind:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._r.append(char)
            else:
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._r.append(instr)
        add_run(paragraph, DASH_AFTER, "宋体", 14)

    page_number(section.footer, "right")
    page_number(section.even_page_footer, "left")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------- LibreOffice

LIBREOFFICE = FIXTURES / "libreoffice.docx"


def libreoffice_resave(soffice: str, source: bytes, workdir: Path) -> bytes:
    """``source`` opened and saved again as .docx by LibreOffice (what a clerk on LibreOffice sends)."""
    import subprocess

    (workdir / "in").mkdir(parents=True, exist_ok=True)
    path = workdir / "in" / "word.docx"
    path.write_bytes(source)
    subprocess.run(
        [soffice, f"-env:UserInstallation={(workdir / 'profile').as_uri()}", "--headless",
         "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(workdir / "out"), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return (workdir / "out" / "word.docx").read_bytes()


# ---------------------------------------------------------------------------- variants


def _out_of_order(line: Line) -> str:
    """docx.js before its fix (and docxtpl's RichText): ``w:rFonts`` written after ``w:b``."""
    if line.role == "h1":
        return '<w:b/><w:rFonts w:ascii="黑体" w:hAnsi="黑体" w:eastAsia="黑体"/><w:sz w:val="32"/>'
    return run_rpr(line)


def _blue_heading_title(line: Line) -> str:
    if line.role == "title":
        return f'<w:p><w:pPr><w:pStyle w:val="1"/><w:jc w:val="center"/></w:pPr><w:r><w:t>{line.text}</w:t></w:r></w:p>'
    return word_paragraph(line)


_BLUE = '<w:color w:val="2F5496" w:themeColor="accent1" w:themeShade="BF"/>'

PRODUCERS: dict[str, Callable[[], bytes]] = {
    "python-docx": python_docx,
    "wps": wps,
    "word": word,
    "docx.js": docxjs,
}

VARIANTS: dict[str, Callable[[], bytes]] = {
    # item 4: the title in Word's "heading 1", left blue, its font the theme's 等线 Light
    "word-heading1-title": lambda: word(styles=word_styles(heading1_color=_BLUE), paragraph=_blue_heading_title),
    # item 5: a first page with its own (empty) footer: no number on page 1
    "word-title-page": lambda: word(sect=sect_pr(["default", "even"], title_pg=True)),
    # item 7: Word's "每行 28 字" grid
    "word-lines-and-chars": lambda: word(
        sect=sect_pr(
            ["default", "even"], grid='<w:docGrid w:type="linesAndChars" w:linePitch="579" w:charSpace="-849"/>'
        )
    ),
    # item 7: a grid of 27 characters in Word too (no negative charSpace)
    "word-lines-and-chars-27": lambda: word(
        sect=sect_pr(["default", "even"], grid='<w:docGrid w:type="linesAndChars" w:linePitch="579" w:charSpace="0"/>')
    ),
    # item 8: w:rFonts after w:b on the 一级标题
    "docx.js-rpr-order": lambda: docxjs(rpr=_out_of_order),
    # item 6: the special formats and 复函
    "wps-minutes": lambda: wps(MINUTES),
    "wps-order": lambda: wps(ORDER),
    "wps-reply-letter": lambda: wps(REPLY),
    "word-reply-letter": lambda: word(REPLY),
    "python-docx-order": lambda: python_docx(ORDER),
}


def build(name: str) -> bytes:
    """The fixture called ``name`` (a producer, a variant, or "libreoffice")."""
    if name == "libreoffice":
        return LIBREOFFICE.read_bytes()
    return {**PRODUCERS, **VARIANTS}[name]()
