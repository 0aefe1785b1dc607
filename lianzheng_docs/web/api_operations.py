"""Every operation of the JSON API described once: what it does, who may call it, its query parameters,
its body and its answers.

Keyed by the view function's name (the route's endpoint, which is also the OpenAPI ``operationId``).
Two readers: :mod:`.openapi` writes the OpenAPI document from it and the route list, and
:class:`.api_common.Query` accepts exactly the query parameters listed here, so the description and
the behaviour cannot drift apart (a test holds every route to an entry and back).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .access import Capability

#: The most items one page of a listing or a search may hold.
MAX_LIMIT = 200
#: How deep a search may page: ``page × limit`` at most (narrow the search with filters beyond).
MAX_SEARCH_DEPTH = 1000

YEAR: dict[str, Any] = {"type": "integer", "minimum": 2000, "maximum": 2100}
TEXT: dict[str, Any] = {"type": "string", "maxLength": 200}
DAY: dict[str, Any] = {"type": "string", "format": "date"}


@dataclass(frozen=True)
class Param:
    """A query parameter: name, JSON Schema, description (Chinese), whether it may be repeated."""

    name: str
    schema: dict[str, Any]
    description: str
    required: bool = False
    repeat: bool = False


@dataclass(frozen=True)
class Operation:
    summary: str
    description: str
    #: what the caller's role must allow (:mod:`.access`)
    capability: Capability
    query: tuple[Param, ...] = ()
    #: "data": the template's data (a JSON object, its schema from the manifest); None: no body
    body: str | None = None
    #: status -> (description, the name of its schema in components, or the media types of a file)
    answers: dict[int, tuple[str, str | tuple[str, ...]]] = field(default_factory=dict)
    #: error statuses the operation may answer (each with the Error body)
    errors: tuple[int, ...] = (401, 403)


def _limit(default: int) -> Param:
    return Param("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": default},
                 f"每页最多多少条（1–{MAX_LIMIT}）")  # fmt: skip


FILTERS = (Param("kind", TEXT, "文种，如 告知书、通报"), Param("unit", TEXT, "科室（单位），如 预算科"))
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"

OPERATIONS: dict[str, Operation] = {
    "list_templates": Operation(
        "模板列表", "每个模板的 id、中文名、文种、行文方向、说明。", Capability.READ,
        answers={200: ("模板列表", "TemplateList")},
    ),
    "show_template": Operation(
        "模板的字段和示例数据",
        "字段（与 `lianzheng templates show --json` 相同：名称、中文名、类型、是否必填、选项、重复的记录组）"
        "和按今天日期生成的示例数据。各模板数据的 JSON Schema 见本文档 components/schemas。",
        Capability.READ, answers={200: ("模板", "Template")}, errors=(401, 403, 404),
    ),
    "validate": Operation(
        "检查数据", "按模板清单检查数据，一次列出全部问题（422，problems 逐项指明字段）；无误时给出文件的元数据"
        "（题名、单位、日期……）。", Capability.PRODUCE, body="data",
        answers={200: ("数据无误", "Validated")}, errors=(400, 401, 403, 404, 422),
    ),
    "render": Operation(
        "生成文件（.docx 或 PDF）",
        "检查数据、生成并排版（版记落在最后一个偶数页，同 `lianzheng render`）。format=pdf 时由 LibreOffice 转为 PDF"
        "（同 `render --pdf`）；服务器未装 LibreOffice 时答 503。响应头 X-Lianzheng-Layout：ok 为分页已验证，"
        "not-verified 为未经排版验证。",
        Capability.PRODUCE,
        query=(Param("format", {"type": "string", "enum": ["docx", "pdf"], "default": "docx"}, "docx 或 pdf"),),
        body="data", answers={200: ("生成的文件：.docx，format=pdf 时为 PDF", (DOCX, PDF))},
        errors=(400, 401, 403, 404, 409, 422, 503),
    ),
    "file": Operation(
        "归档",
        "检查数据、编发文字号（数据未给时）、生成、排版、存入档案并建立索引，一步完成（同网页的“归档”）。"
        "科室、纪检组账号只能以本单位名义归档。答 201，Location 为档案记录的地址。",
        Capability.PRODUCE, body="data", answers={201: ("已归档", "Filed")},
        query=(Param("allow_duplicate", {"type": "boolean", "default": False},
                     "有意再归档一份已归档过的同一文书（只限办公室账号；否则答 409）"),
               Param("allow_future_date", {"type": "boolean", "default": False},
                     "归档成文日期在未来的预先签署文件（只限办公室账号；否则答 422）")),
        errors=(400, 401, 403, 404, 409, 422, 503),
    ),
    "list_records": Operation(
        "归档文件目录",
        "档案记录，最近的年度在前，同一年度内按档号排列（与网页“档案”相同）；只列出、只计入账号有权查看的记录。"
        "档案尚未建立时为空列表。", Capability.READ,
        query=(Param("year", YEAR, "年度"), *FILTERS, _limit(50),
               Param("offset", {"type": "integer", "minimum": 0, "default": 0}, "跳过前多少条")),
        answers={200: ("档案记录", "RecordList")}, errors=(400, 401, 403),
    ),
    "show_record": Operation(
        "一件档案", "元数据、文件（含 SHA-256）和审计记录（最近 100 条）。每次查看都记入审计日志（view）。",
        Capability.READ, answers={200: ("档案记录", "RecordDetail")}, errors=(401, 403, 404),
    ),
    "download_file": Operation(
        "下载档案中的文件",
        "role 为文件的角色：original（原件）、pdf（加盖归档章的 PDF 副本）等，见记录的 files。每次下载都记入审计日志"
        "（download）。", Capability.READ, answers={200: ("文件", (DOCX, PDF, "application/ofd"))},
        errors=(401, 403, 404),
    ),
    "search": Operation(
        "全文检索",
        "在题名、正文、文号、档号中逐字匹配检索词；空格隔开的几个词须同时出现，文号的 [ ]、( )、【 】 都当作 〔 〕"
        "（不是检索语法：引号、AND、* 等都按原字匹配），最相关的在前。"
        "只返回账号有权查看的记录，total 也只计这些；pages 为可以翻到的页数（page × limit 不超过 1000）。"
        "片段 fragments 为纯文本，highlights 为各命中部分在 text 中的起止位置（按 Unicode 字符计，含头不含尾；"
        "相距很近的命中合为一个片段）；text 前后的“…”表示截断。",
        Capability.READ,
        query=(Param("q", TEXT, "检索词", required=True), Param("year", YEAR, "年度"), *FILTERS,
               Param("since", DAY, "成文日期不早于此日"), Param("until", DAY, "成文日期不晚于此日"), _limit(10),
               Param("page", {"type": "integer", "minimum": 1, "default": 1},
                     f"第几页（page × limit 不超过 {MAX_SEARCH_DEPTH}）")),
        answers={200: ("检索结果", "SearchResult")}, errors=(400, 401, 403, 503),
    ),
    "status_rows": Operation(
        "落实情况",
        "各项“两个责任”文书的落实情况，与 `lianzheng status --json` 的 statuses 相同。科室账号只看本单位。"
        "按科室逐个检查的事项需要名册；没有保存名册时不列出（roster 为 false）。",
        Capability.STATUS,
        query=(Param("year", YEAR, "年度（默认今年），可重复：year=2025&year=2026", repeat=True),
               Param("unit", TEXT, "只看某一科室（单位）"),
               Param("state", {"type": "string", "enum": ["done", "late", "due", "overdue", "event", "no_template"]},
                     "只看某一状态")),
        answers={200: ("落实情况", "StatusBoard")}, errors=(400, 401, 403),
    ),
    "openapi_document": Operation(
        "本接口的 OpenAPI 描述", "OpenAPI 3.1；各模板数据的 JSON Schema 由模板清单生成。", Capability.READ,
        answers={200: ("OpenAPI 文档", "OpenAPI")},
    ),
}  # fmt: skip
