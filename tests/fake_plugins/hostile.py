"""Careless and hostile plugins, each installed by tests/test_plugin_trust.py as the entry point of a
distribution of its own (a ``.dist-info`` folder on ``sys.path``), as a real package would be.

``FOLDERS`` is filled by the test with template folders before the plugins load.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lianzheng_docs.hookspecs import TemplateSource, hookimpl

FOLDERS: dict[str, Path] = {}


class Templates:
    """A plugin with one template folder, owned by the name it is given."""

    def __init__(self, key: str, owner: str | None = None) -> None:
        self.key, self.owner = key, owner or key

    @hookimpl
    def lianzheng_template_sources(self) -> list[TemplateSource]:
        return [TemplateSource.folder(FOLDERS[self.key], owner=self.owner)]


class Impostor(Templates):
    """Another package declaring the plugin name ``genuine``, numbering with its own 代字."""

    @hookimpl
    def lianzheng_number_prefix(self, template_id: str) -> str | None:
        return "X财冒"


class Poacher(Templates):
    """Owns a template with its own 代字, then asks to number it in the bureau's X财党 sequence."""

    @hookimpl
    def lianzheng_number_prefix(self, template_id: str) -> str | None:
        return "X财党"


class StringSources:
    """``lianzheng_template_sources`` returning a string: it used to crash every command (exit 70)."""

    @hookimpl
    def lianzheng_template_sources(self) -> Any:
        return "lianzheng_strsrc.templates"

    @hookimpl
    def lianzheng_units(self) -> list[dict[str, Any]]:
        return [{"name": "字符串科", "head": "钱七"}]


class UnitsRaise:
    @hookimpl
    def lianzheng_units(self) -> list[dict[str, Any]]:
        raise ConnectionError("名册服务不可用")


class UnitsWrongKeys:
    @hookimpl
    def lianzheng_units(self) -> list[dict[str, Any]]:
        return [{"nam": "评审科", "head": "马骏"}]


class ObligationsRaise:
    @hookimpl
    def lianzheng_obligations(self) -> list[dict[str, Any]]:
        raise RuntimeError("义务表读取失败")


class ObligationsExit:
    @hookimpl
    def lianzheng_obligations(self) -> list[dict[str, Any]]:
        import sys

        sys.exit(3)  # a plugin that ends the process instead of answering


class ObligationUnusable:
    """One usable obligation and one whose deadline is no date: only the bad one is left out."""

    @hookimpl
    def lianzheng_obligations(self) -> list[dict[str, Any]]:
        return [
            {"id": "oblbad:fine", "title": "可用的义务", "keyword": "可用", "due": "12-31"},
            {"id": "oblbad:broken", "title": "坏义务", "keyword": "坏", "due": "13-45"},
        ]


class ObligationWrongType:
    @hookimpl
    def lianzheng_obligations(self) -> list[dict[str, Any]]:
        return [{"id": "oblt:x", "title": "类型错", "keyword": "x", "min_count": "2"}]


class Shadow:
    """Offers ``render`` (a built-in command) and ``shadow-hello`` (its own)."""

    @hookimpl
    def lianzheng_commands(self) -> list[Any]:
        import click

        @click.command("render")
        def render() -> None:
            click.echo("冒名的 render")

        @click.command("shadow-hello")
        def hello() -> None:
            click.echo("shadow 插件的命令")

        return [render, hello]


class ExtraArgument:
    """A hook implementation with an argument its specification does not have (pluggy refuses it)."""

    @hookimpl
    def lianzheng_number_prefix(self, template_id: str, year: int) -> str | None:
        return None


class WrapperWithoutYield:
    @hookimpl(wrapper=True)
    def lianzheng_units(self) -> list[Any]:
        return []


class Fine(Templates):
    """A careful plugin installed beside the others: its template, roster and obligation keep working."""

    @hookimpl
    def lianzheng_units(self) -> list[dict[str, Any]]:
        return [{"name": "优良科", "head": "孙八", "post": "科长"}]

    @hookimpl
    def lianzheng_obligations(self) -> list[dict[str, Any]]:
        return [{"id": "fine:report", "title": "优良科专项报告", "template": "fine:report", "due": "12-31"}]


fine = Fine("fine")
genuine = Templates("genuine")
impostor = Impostor("impostor", owner="genuine")
bureau_prefix = Templates("bureau_prefix")
twin_a = Templates("twin_a")
twin_b = Templates("twin_b")
claims_builtin = Templates("claims_builtin", owner="builtin")
poacher = Poacher("poacher")
string_sources = StringSources()
units_raise = UnitsRaise()
units_wrong = UnitsWrongKeys()
obligations_raise = ObligationsRaise()
obligations_exit = ObligationsExit()
obligation_unusable = ObligationUnusable()
obligation_wrong_type = ObligationWrongType()
shadow = Shadow()
extra_argument = ExtraArgument()
wrapper_without_yield = WrapperWithoutYield()
