"""Limits on rendering: time, memory, output size and loop iterations, for every template.

Jinja's sandbox stops a template from reaching out (attributes like ``__class__``), but not from
running for ever or eating the machine, and sub-units bring their own templates. Measured before
these limits: ``range(10**9)`` ended in a traceback, two nested ``range(100000)`` loops hung, and
``'a'*10**9`` took 78 s and 7.85 GB and came out silently cut to 10 MB.

Every template renders in :class:`~.sandbox.LimitedEnvironment` under a :class:`Budget`, one per document
(body, headers, footers and 题名 expressions share it), kept in a context variable so that
threads rendering at once each have their own. The checks are made where the template's code
calls back into the environment, so nothing runs beside the render (no watchdog thread, no
child process: forking one cost 17-28 ms a render and is unsafe in a threaded program) and they
cost under a millisecond a document (0.1-0.3 ms of checks, 0.15-0.3 ms to read the body
strictly; a built-in template renders in 20-40 ms):

- **loop iterations**: every ``{% for %}`` iterates through a counter (the code generator wraps
  the loop's iterable; a ``recursive`` loop's inner calls pass through :meth:`call`), and so do
  the items a filter goes through (``list``, ``sort``, ``map``, ``select``, ``join``, ``sum``...),
  the words of ``lipsum`` and ``urlize``, the lines of ``wordwrap`` and the parts of ``slice``;
  ``range()`` longer than the whole budget is refused outright;
- **time**: the clock is read at every iteration, call, operator, filter and output, so a render
  stops within one step of its deadline (no single step runs long: the other limits see to that);
- **one value's size** (text): operators (``*``, ``**``, ``+``, ``%``, ``~``), filters (``center``,
  ``indent``, ``wordwrap``, ``format``, ``replace``, ``join``, ``batch``, ``sum``, ``round``) and
  ``str`` methods (``ljust``, ``center``, ``zfill``, ``expandtabs``, ``replace``, ``join``,
  ``format``, ``translate``) that can make a value much larger than their inputs are refused
  *before* making one over the bound; integers are held to 4,300 digits (Python's own limit
  for printing one). Everything else is measured once made;
- **memory**: the bytes of every value the template makes (operators, filters, method and macro
  calls, slices, ``~``, block captures and every ``{{ }}`` output; a list with its items),
  added up over the render. A template can hold on only to values it made, since lists and
  dicts cannot be changed (:class:`~jinja2.sandbox.ImmutableSandboxedEnvironment`), so the sum
  bounds what it holds. It is not the process's memory, which cannot be told apart per thread:
  measured, a template trying to hold the most peaked at 340 MB of process memory, 44 MB idle;
- **output**: the characters of the document's XML (body, headers, footers, notes), counted as
  Jinja hands them over, so an overlong document stops before it is joined.

Constant folding is off (``optimized=False``): otherwise Jinja evaluates constant expressions
while compiling, outside every check (``'a'*10**9`` was computed, then written into the
compiled code as a literal).

Left to the other limits, not checked on its own: docxtpl's and python-docx's work after the
template has run, bounded by the output limit (a document of 19.6 million characters, just under
it, took 5.2 s and 300 MB), and a filter that runs in Python over one long text (``title`` over
10 million characters: 2 s).
"""

from __future__ import annotations

import itertools
import re
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final

from ..errors import TemplateError

__all__ = [
    "DEFAULT_LIMITS",
    "MAX_INT_DIGITS",
    "Budget",
    "RenderLimitError",
    "RenderLimits",
    "budget",
    "render_limits",
]

#: Digits an integer a template makes may have: Python refuses to print a longer one anyway
#: (``sys.get_int_max_str_digits``), and arithmetic on much longer ones runs for minutes.
MAX_INT_DIGITS: Final = 4300


@dataclass(frozen=True)
class RenderLimits:
    """What one document's render may use. Defaults are far above what the built-in templates need.

    Measured over the 26 built-in templates with their example data: 20-40 ms a render (67 ms at
    most on a loaded machine), at most 120 loop iterations, a largest value made of 165 characters,
    13 KB of values made, 36,473 characters of document XML, and 2.5 MB allocated at the peak
    (tracemalloc). ``tests/test_render_limits.py`` checks each stays under 1/100 of its limit (time 1/10).
    """

    #: seconds of wall-clock time for the whole document (checked at every step of the template)
    seconds: float = 30.0
    #: loop iterations, all loops of the document together (``range`` longer than this is refused)
    iterations: int = 1_000_000
    #: characters (or items of a list) in any one value the template makes; lxml cuts a longer
    #: text at 10,000,000 bytes anyway, and a data file holds at most 10 MB
    text: int = 10_000_000
    #: bytes of values made while rendering, added up (``sys.getsizeof`` of each, a list with its items)
    memory: int = 256 * 1024 * 1024
    #: characters of document XML (body, headers, footers, notes together)
    output: int = 20_000_000

    def __post_init__(self) -> None:
        for name in ("seconds", "iterations", "text", "memory", "output"):
            if not getattr(self, name) > 0:
                raise ValueError(f"RenderLimits.{name} must be positive, got {getattr(self, name)!r}")


DEFAULT_LIMITS: Final = RenderLimits()


class RenderLimitError(TemplateError):
    """A template went over one of its :class:`RenderLimits` (exit code 5, like any broken template).

    ``limit`` is the field of :class:`RenderLimits` that was exceeded (or ``"recursion"``).
    """

    def __init__(self, template: str, limit: str, detail: str) -> None:
        super().__init__(
            f"模板 {template} 渲染超出限制：{detail}。模板中可能有死循环、过深的递归或过大的重复，请模板作者修改"
        )
        self.template = template
        self.limit = limit

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "template": self.template, "limit": self.limit}


class Budget:
    """What one render has used so far, against its limits. Not shared between threads."""

    __slots__ = ("deadline", "iterations", "largest", "limits", "output", "produced", "source")

    def __init__(self, source: str, limits: RenderLimits) -> None:
        self.source = source
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.iterations = 0
        self.produced = 0  # bytes of values made
        self.output = 0  # characters of document XML
        self.largest = 0  # characters (items) of the largest value made

    def fail(self, limit: str, detail: str) -> RenderLimitError:
        return RenderLimitError(self.source, limit, detail)

    def tick(self) -> None:
        """Stop the render when it is past its deadline."""
        if time.monotonic() > self.deadline:
            raise self.fail("seconds", f"用时超过 {self.limits.seconds:g} 秒")

    def step(self, count: int = 1) -> None:
        """Count ``count`` loop iterations."""
        self.iterations += count
        if self.iterations > self.limits.iterations:
            raise self.fail("iterations", f"循环次数超过 {self.limits.iterations:,} 次")
        self.tick()

    def make(self, size: int, what: str) -> None:
        """Refuse, before it is made, a value of ``size`` characters (items) made by ``what``."""
        if size > self.limits.text:
            limit = self.limits.text
            raise self.fail("text", f"{what}的结果将有 {size:,} 个字符（或列表项），超过单个值的上限 {limit:,}")

    def digits(self, count: int, what: str) -> None:
        """Refuse, before it is made, an integer of about ``count`` digits."""
        if count > MAX_INT_DIGITS:
            raise self.fail("text", f"{what}的结果将是约 {count:,} 位的整数，超过 {MAX_INT_DIGITS:,} 位的上限")

    def charge(self, value: Any) -> Any:
        """Account for a value just made: its size, and its bytes toward the memory limit."""
        size = _size(value)
        if size is not None:
            if isinstance(value, int):
                self.digits(size, "计算")
            elif size > (limit := self.limits.text):
                raise self.fail("text", f"生成的一个值有 {size:,} 个字符（或列表项），超过单个值的上限 {limit:,}")
            self.largest = max(self.largest, size)
            self.produced += _bytes(value)
            if self.produced > self.limits.memory:
                raise self.fail("memory", f"渲染中生成的内容超过 {self.limits.memory / 2**20:g} MB")
        self.tick()
        return value

    def emit(self, chunks: Iterable[str]) -> str:
        """Join a part of the document as Jinja yields it, stopping once the document is too long."""
        parts = []
        total = self.output
        for chunk in chunks:
            total += len(chunk)
            if total > self.limits.output:
                raise self.fail("output", f"文档内容超过 {self.limits.output:,} 个字符")
            parts.append(chunk)
        self.output = total
        self.tick()
        return "".join(parts)


_ACTIVE: ContextVar[Budget | None] = ContextVar("lianzheng_render_budget", default=None)
_DEFAULT: ContextVar[RenderLimits] = ContextVar("lianzheng_render_limits", default=DEFAULT_LIMITS)


@contextmanager
def budget(source: str, limits: RenderLimits | None = None) -> Iterator[Budget]:
    """The budget of the render under way in this thread, or a new one for ``source``.

    A render inside another (a document's 题名 expression while its body renders) shares the outer
    one's budget, and ``limits`` is then ignored. Without ``limits``, those of :func:`render_limits`.
    """
    active = _ACTIVE.get()
    if active is not None:
        yield active
        return
    created = Budget(source, limits or _DEFAULT.get())
    token = _ACTIVE.set(created)
    try:
        yield created
    finally:
        _ACTIVE.reset(token)


@contextmanager
def render_limits(limits: RenderLimits) -> Iterator[RenderLimits]:
    """Render with ``limits`` instead of the defaults within this block (this thread only)."""
    token = _DEFAULT.set(limits)
    try:
        yield limits
    finally:
        _DEFAULT.reset(token)


def _current() -> Budget:
    """The active budget; a throwaway one outside a render (the environment used on its own)."""
    return _ACTIVE.get() or Budget("（未命名）", _DEFAULT.get())


# --- sizes ---------------------------------------------------------------------------------------


def _size(value: Any) -> int | None:
    """Characters of a string, items of a container, digits of an integer; ``None`` for the rest."""
    if isinstance(value, str | bytes | bytearray | list | tuple | dict | set | frozenset):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return _digits(value)
    return None


def _bytes(value: Any) -> int:
    """The bytes of ``value`` and of the items it holds (one level down: what a filter or split makes)."""
    size = sys.getsizeof(value)
    if isinstance(value, dict):
        size += sum(map(sys.getsizeof, value.keys())) + sum(map(sys.getsizeof, value.values()))
    elif isinstance(value, list | tuple | set | frozenset):
        size += sum(map(sys.getsizeof, value))
    return size


def _digits(number: int) -> int:
    return int(abs(number).bit_length() * 0.30103) + 1


def _text_size(value: Any, cap: int) -> int:
    """About how many characters ``value`` prints as; stops counting past ``cap``."""
    total = 0
    stack = [value]
    while stack and total <= cap:
        item = stack.pop()
        if isinstance(item, str | bytes | bytearray):
            total += len(item)
        elif isinstance(item, Mapping):
            total += 4 * len(item)
            stack.extend(itertools.chain(item.keys(), item.values()))
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 * len(item)
            stack.extend(item)
        elif isinstance(item, int) and not isinstance(item, bool):
            total += _digits(item)
        else:
            total += 32  # a float, a date, a person: short when printed
    return total


def _number(text: str) -> int:
    """The largest number written in ``text`` (a format spec's width or precision), 0 when none."""
    found = [int(n) if len(n) < 12 else 10**12 for n in re.findall(r"\d+", text)]
    return max(found, default=0)
