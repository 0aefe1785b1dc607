"""Option types shared by the commands, with their complaints in Chinese."""

from __future__ import annotations

from datetime import date
from typing import Any

import click


class IsoDate(click.ParamType):  # type: ignore[type-arg]  # generic only from click 8.2
    """A calendar date written ``YYYY-MM-DD`` (the form GB/T 7408 and the archive use), as a :class:`date`."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"日期应写成 YYYY-MM-DD，如 2026-03-05；收到的是“{value}”", param, ctx)


ISO_DATE = IsoDate()
