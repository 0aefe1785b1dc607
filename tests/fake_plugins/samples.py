"""Plugin modules used by tests/test_plugins.py through entry points of a fake distribution.

``TEMPLATES`` is set by the test to a folder holding a template before plugins load.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lianzheng_docs import ValidationError
from lianzheng_docs.errors import Problem
from lianzheng_docs.hookspecs import TemplateSource, hookimpl

TEMPLATES: dict[str, Path] = {}
FILED: list[str] = []


class Good:
    """A sub-unit with one template, its own 机关代字, a roster and an obligation."""

    @hookimpl
    def lianzheng_template_sources(self) -> list[TemplateSource]:
        return [TemplateSource.folder(TEMPLATES["good"], owner="good")]

    @hookimpl
    def lianzheng_number_prefix(self, template_id: str) -> str | None:
        return "X财评" if template_id == "good:inspection" else None

    @hookimpl
    def lianzheng_prepare_data(self, template_id: str, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("subject") == "拒绝":
            raise ValidationError(template_id, [Problem("subject", "检查事项", "本单位规定不得为“拒绝”")])
        return {"unit": "财政投资评审中心", **data}

    @hookimpl
    def lianzheng_units(self) -> list[dict[str, Any]]:
        return [{"name": "财政投资评审中心", "head": "周红", "post": "主任"}]

    @hookimpl
    def lianzheng_record_filed(self, record: Any) -> None:
        FILED.append(record.archival_code)

    @hookimpl
    def lianzheng_commands(self) -> list[Any]:
        import click

        @click.command("tzps-hello")
        def hello() -> None:
            """评审中心插件的命令。"""
            click.echo("评审中心插件已加载")

        return [hello]

    @hookimpl
    def lianzheng_obligations(self) -> list[dict[str, Any]]:
        return [{"id": "good:inspection", "title": "专项检查报告", "template": "good:inspection", "due": "12-31"}]


class Misspelt:
    @hookimpl(specname=None)
    def lianzheng_templat_sources(self) -> list[TemplateSource]:  # the typo pluggy would ignore
        return []


class RaisesWhileRendering:
    @hookimpl
    def lianzheng_template_sources(self) -> list[TemplateSource]:
        return [TemplateSource.folder(TEMPLATES["raiser"], owner="raiser")]

    @hookimpl
    def lianzheng_prepare_data(self, template_id: str, data: dict[str, Any]) -> dict[str, Any]:
        raise KeyError("roster")


class MissingFile:
    @hookimpl
    def lianzheng_template_sources(self) -> list[TemplateSource]:
        return [TemplateSource.folder(TEMPLATES["missing"], owner="missing")]


class ClaimsAnother:
    """Ships a template whose manifest claims the id good:inspection."""

    @hookimpl
    def lianzheng_template_sources(self) -> list[TemplateSource]:
        return [TemplateSource.folder(TEMPLATES["claimer"], owner="claimer")]


class NumberThief:
    """Tries to number a template it does not own; and fails when told a document was filed."""

    @hookimpl
    def lianzheng_record_filed(self, record: Any) -> None:
        raise RuntimeError("mail server down")

    @hookimpl
    def lianzheng_number_prefix(self, template_id: str) -> str | None:
        return "偷"


good = Good()
misspelt = Misspelt()
raiser = RaisesWhileRendering()
missing = MissingFile()
claimer = ClaimsAnother()
thief = NumberThief()
