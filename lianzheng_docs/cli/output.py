"""How the command line speaks: tables that align Chinese text, JSON, progress, errors."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from ..archive import Archive

T = TypeVar("T")


def prepare_console() -> None:
    """Never crash or print mojibake on a console whose code page is not UTF-8 (e.g. GBK).

    Python writes to a Windows console through its wide-character API already; this guards the
    other case, output redirected under a legacy code page, where a character the code page
    lacks becomes "?" instead of an exception.
    """
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def display_width(text: str) -> int:
    """Columns a string takes in a terminal: two for each CJK (wide) character."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 0)


def format_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A plain-text table whose columns line up with Chinese text in them.

    Line breaks, tabs and the invisible direction marks a title may carry (right-to-left
    override …) would tear the table or reorder what follows; they are shown as spaces.
    """
    table = [[_cell(h) for h in headers], *[[_cell(c) for c in row] for row in rows]]
    widths = [max(display_width(row[i]) for row in table) for i in range(len(headers))]
    lines = ["  ".join(pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: Any) -> str:
    return "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in str(value)
    )


def echo_json(data: Any) -> None:
    """JSON with Chinese kept as characters (not \\u escapes), for other programs to read."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


#: What a command shows people: text, lines printed one after another (a generator prints each
#: as it is made), or ``None`` when the renderer printed everything itself (e.g. partly on stderr).
Text = str | Iterable[str] | None


def emit(data: Any, text: Callable[[], Text], *, as_json: bool) -> None:
    """Print a command's result: ``data`` as JSON under ``--json``, otherwise ``text()`` for people.

    Every command answers through here, so ``--json`` means the same everywhere: ``data`` is
    JSON-ready (dates and paths become strings) and is what scripts rely on; ``text`` is called
    only for people and may write notes on standard error itself. Errors take another road: the
    command group's handler prints them (as JSON under ``--json``) with their exit code.
    """
    if as_json:
        echo_json(data)
    else:
        _echo(text())


def emit_each(items: Iterable[T], data: Callable[[T], Any], text: Callable[[T], Text], *, as_json: bool,
              end: Callable[[list[T]], Text] = lambda _done: None) -> list[T]:  # fmt: skip
    """Like :func:`emit` for results that come one by one (``items`` may be a generator doing the
    work): people see each as soon as it is ready and then ``end(done)``; ``--json`` gives one list
    of ``data(item)`` at the end. Returns the items, all of them done.
    """
    done: list[T] = []
    for item in items:
        done.append(item)
        if not as_json:
            _echo(text(item))
    emit([data(item) for item in done], lambda: end(done), as_json=as_json)
    return done


def note(message: str, *, quiet: bool = False) -> None:
    """A remark for people on standard error; ``quiet`` (``--json``) leaves it out, like :func:`progress`."""
    if not quiet:
        click.echo(message, err=True)


def _echo(text: Text) -> None:
    if isinstance(text, str):
        click.echo(text)
    elif text is not None:
        for line in text:
            click.echo(line)


@contextmanager
def progress(total: int, label: str, *, quiet: bool = False) -> Iterator[Callable[[], None]]:
    """A progress bar on a terminal, advanced by calling what this yields; silent with ``quiet``
    (``--json``) or when standard error is not a terminal."""
    if quiet or not sys.stderr.isatty():
        yield lambda: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield lambda: bar.update(1)


@contextmanager
def filing_archive(root: Any) -> Iterator[Archive]:
    """The archive at ``root`` for commands that file: its warnings (a plugin's complaint, an index
    left behind) are printed on stderr at the end, so a filing that succeeded says so plainly. A
    signing key that is configured but unusable stops the command first (it would at the commit)."""
    from ..archive import Archive
    from ..archive.signing import configured_signer

    configured_signer()  # a bad signing key stops the command before any work (LibreOffice, numbering)
    with Archive(root or None) as archive:
        try:
            yield archive
        finally:
            for warning in archive.warnings:
                click.echo(f"警告：{warning}", err=True)
