"""The hooks of the 财政投资评审中心 plugin: its templates, roster and obligation.

The center is a 副县级二级机构 of the finance bureau. The seed's last line tells it to write its own
implementation measures; under them it reports on the rectification of what the 驻局纪检组's
专项检查 (七（八）) found, a document the bureau's own templates do not cover.

Its 机关代字 (X财评, giving X财评〔2026〕1号) is declared where every template's is: in the
manifest, ``[numbering] prefix`` of ``templates/rectification_report.toml``. lianzheng-docs
registers it to this plugin when the plugin loads; a 代字 of the bureau's own templates, or one
another plugin declares too, would be refused.
"""

from __future__ import annotations

from typing import Any

from lianzheng_docs.hookspecs import TemplateSource, hookimpl

ROSTER = [
    {"name": "财政投资评审中心", "head": "周红", "post": "主任", "leader": "孙海涛"},
    {"name": "评审一科", "head": "马骏", "post": "科长", "leader": "周红"},
    {"name": "评审二科", "head": "郭敏", "post": "科长", "leader": "周红"},
    {"name": "综合科", "head": "唐静", "post": "科长", "leader": "周红"},
]


@hookimpl
def lianzheng_template_sources() -> list[TemplateSource]:
    return [TemplateSource.package("lianzheng_tzps.templates", owner="tzps")]


@hookimpl
def lianzheng_prepare_data(template_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """The center signs its own reports: fill the signer from the roster when left out."""
    if template_id == "tzps:rectification_report" and not data.get("signer"):
        return {**data, "signer": ROSTER[0]["head"]}
    return data


@hookimpl
def lianzheng_units() -> list[dict[str, Any]]:
    return ROSTER


@hookimpl
def lianzheng_obligations() -> list[dict[str, Any]]:
    return [
        {
            "id": "tzps:rectification_report",
            "title": "专项检查整改情况报告",
            "template": "tzps:rectification_report",
            "owner": "财政投资评审中心",
            "to": "驻局纪检组（监察室）",
            "due": "30 days after event",
            "rule": "驻局纪检组专项检查结束后 30 日内报送整改情况（本中心实施办法第七条）",
        }
    ]
