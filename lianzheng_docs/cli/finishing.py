"""The finishing step (:mod:`lianzheng_docs.finishing`) as the commands run it.

Every command that makes documents lays them out so that the 版记 lands on the last even page.
What could not be verified (no LibreOffice, a layout that failed) is a warning on standard error
at the end, like the archive's warnings; with ``--strict-layout`` it is an error instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ..finishing import Finished


class CommandFinisher:
    """Finishes documents for one command and remembers what to warn about."""

    def __init__(self, *, strict: bool) -> None:
        self.strict = strict
        self.warnings: list[str] = []

    def results(self, contents: Sequence[bytes], names: Sequence[str], *, pdfs: bool = False) -> list[Finished]:
        """Finish documents in one LibreOffice batch (with their final PDFs when ``pdfs``)."""
        from ..finishing import finish

        results = finish(contents, names=names, require=self.strict, pdfs=pdfs)
        for result in results:
            for warning in result.warnings:
                if warning not in self.warnings:
                    self.warnings.append(warning)
        return results

    def many(self, contents: Sequence[bytes], names: Sequence[str]) -> list[bytes]:
        """Finish documents in one LibreOffice batch; returns them in the same order."""
        return [result.content for result in self.results(contents, names)]

    def one(self, content: bytes, name: str = "") -> bytes:
        """Finish one document."""
        return self.many([content], [name or "文档"])[0]

    def report(self) -> None:
        """Print the warnings on standard error."""
        for warning in self.warnings:
            click.echo(f"警告：{warning}", err=True)
