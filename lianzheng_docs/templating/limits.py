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
  *before* making one over the bound; so is a list or a dict made text (``{{ x }}``, ``string``,
  ``tojson`` with its ``indent``, ``pprint``, ``join``, ``~``, ``%``, ``format``, every filter that
  takes text), sized from all it holds however deep (:func:`_text_size`: an upper bound that
  stops counting past the limit, each distinct item measured once: ``[[['a'*1000]*100]*100]``
  printed was 1 GB made before being refused), and a format width given in a nested field
  (``'{0:{1}}'.format('a', '1000000000')``); integers are held to 4,300 digits (Python's own limit
  for printing one). Everything else is measured once made;
- **memory**: the bytes of every value the template makes (operators, filters, method and macro
  calls, slices, ``~``, block captures and every ``{{ }}`` output; a list with all it holds, an
  item held many times counted each time, as printing it would: :func:`_bytes`),
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
import json
import re
import sys
import time
from collections import Counter
from collections.abc import ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final

from jinja2.utils import Namespace

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
            self.produced += _bytes(value, self.limits.memory - self.produced)
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


#: Containers measured through (what they hold, however deep); any other object counts as itself.
_NESTING: Final = (dict, list, tuple, set, frozenset)
#: Types whose items need no look inside: a list of only these is measured at C speed.
_FLAT: Final = frozenset({str, int, float, bool, type(None), bytes})


def _children(items: Any) -> list[tuple[Any, int]]:
    """The distinct items of a container, each with how many times it is there: ``[x] * 1000``
    is one item held 1,000 times, measured once (the items are alive, so their ids are too)."""
    if len(items) > 16:
        counts = Counter(map(id, items))
        if len(counts) < len(items):
            first = dict(zip(map(id, items), items, strict=True))
            return [(first[key], count) for key, count in counts.items()]
    return [(item, 1) for item in items]


def _bytes(value: Any, cap: int | None = None) -> int:
    """The bytes of ``value`` and of all it holds, however deep, an item held twice counted twice
    (as printing or iterating it would); stops counting once past ``cap`` (returns more than it).

    Measuring costs one step per distinct container: a list of scalars is summed at C speed, and
    ``[x] * n`` is ``x`` measured once, times ``n``."""
    cap = sys.maxsize if cap is None else cap
    total = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, times = stack.pop()
        total += times * sys.getsizeof(item)
        if isinstance(item, dict):
            items: Any = [*item.keys(), *item.values()]
        elif isinstance(item, list | tuple | set | frozenset):
            items = item
        else:
            continue
        if len(items) > 8 and _FLAT.issuperset(map(type, items)):
            total += times * sum(map(sys.getsizeof, items))
        else:
            stack.extend((child, times * count) for child, count in _children(items))
        if total > cap:
            break
    return total


def _digits(number: int) -> int:
    return int(abs(number).bit_length() * 0.30103) + 1


def _quoted(text: str, mode: str) -> int:
    """An upper bound of the length of ``repr(text)`` (``mode`` "repr"), ``ascii(text)`` ("ascii")
    or of ``text`` as ``tojson`` writes it ("json": ``\\uXXXX`` escapes, ``<>&'`` escaped too)."""
    length = len(text)
    extra = 0 if type(text) is str else len(type(text).__name__) + 2  # Markup('...')
    if length <= 64:
        if mode == "json":
            exact = len(json.dumps(text))
            return exact + 5 * sum(map(text.count, "<>&'"))
        return extra + len(repr(text) if mode == "repr" else ascii(text))
    wide = 12 if max(text) >= "\U00010000" else 6  # per character, escaped
    if mode == "json":
        if text.isascii() and text.isprintable():
            return length + 2 + text.count('"') + text.count("\\") + 5 * sum(map(text.count, "<>&'"))
        return wide * length + 2
    quoting = 2 + text.count("\\") + text.count("'") + extra
    if text.isascii() or mode == "repr":
        if text.isprintable():
            return length + quoting
        if not text.isascii():  # repr: a Chinese text with line breaks is not "printable"
            controls = text.count("\n") + text.count("\r") + text.count("\t")
            if text.replace("\n", "").replace("\r", "").replace("\t", "").isprintable():
                return length + quoting + controls
            return 10 * length + quoting
        return 4 * length + quoting  # \xhh
    return wide * length + quoting  # ascii(): \uXXXX, \UXXXXXXXX


def _flat_size(items: Any, kinds: set[type], mode: str) -> int | None:
    """The text of a list of only strings, or only numbers, at C speed (``None`` for any other list)."""
    if kinds == {str}:
        length = sum(map(len, items))
        if mode != "json" and all(map(str.isprintable, items)) and (mode == "repr" or all(map(str.isascii, items))):
            quotes = sum(sum(map(str.count, items, itertools.repeat(c))) for c in "\\'")
            return length + quotes + 2 * len(items)
        if mode == "json" and all(map(str.isascii, items)) and all(map(str.isprintable, items)):
            escaped = sum(sum(map(str.count, items, itertools.repeat(c))) for c in '"\\')
            escaped += 5 * sum(sum(map(str.count, items, itertools.repeat(c))) for c in "<>&'")
            return length + escaped + 2 * len(items)
        return None
    if kinds == {int}:
        return len(items) * (max(_digits(max(items)), _digits(min(items))) + 1)
    return len(items) * 24 if kinds == {float} else None


def _scalar_size(item: Any, mode: str) -> int:
    """The text of one value that holds no other (``str`` mode: as ``str()`` prints it)."""
    if isinstance(item, str):
        return len(item) if mode == "str" else _quoted(item, mode)
    if isinstance(item, bool) or item is None:
        return 5
    if isinstance(item, int):
        return _digits(item) + 1
    if isinstance(item, float):
        return 24
    if isinstance(item, bytes | bytearray):
        return 4 * len(item) + 14  # b'\xhh...', bytearray(b'...')
    if mode == "json":
        return 32  # json.dumps refuses it
    try:  # a date, a person from the data: printed as it is, once for all its copies
        return len(str(item) if mode == "str" else repr(item) if mode == "repr" else ascii(item))
    except Exception:  # an undefined value: printing it will say so
        return 32


def _text_size(value: Any, cap: int, mode: str = "str", indent: int | str | None = None) -> int:
    """An upper bound of the length of ``value`` printed: by ``str()`` (``mode`` "str", the items of
    a list by ``repr()``), ``repr()``, ``ascii()``, or by ``tojson`` ("json", with ``indent``).

    Stops counting past ``cap`` (returns more than it), so the estimate costs little however large
    the value would print: one step per distinct item (``[x] * 1000`` is ``x`` measured once), a
    list of only strings or only numbers measured at C speed."""
    if mode == "str" and isinstance(value, str):
        return len(value)
    pad = len(indent) if isinstance(indent, str) else max(indent, 0) if isinstance(indent, int) else -1
    inner = "repr" if mode == "str" else mode
    total = 0
    stack: list[tuple[Any, int, int]] = [(value, 1, 0)]
    while stack:
        item, times, level = stack.pop()
        current = mode if level == 0 else inner
        if isinstance(item, str | int | float) or item is None:
            total += times * _scalar_size(item, current)
            if total > cap:
                break
            continue
        if isinstance(item, KeysView | ValuesView):
            item = list(item)
            total += times * 14  # dict_keys([...])
        elif isinstance(item, ItemsView):
            total += times * (14 + 4 * len(item))  # dict_items([(k, v), ...])
            item = dict(item)
        elif isinstance(item, Namespace):
            total += times * 13  # <Namespace {...}>
            item = object.__getattribute__(item, "_Namespace__attrs")
        if isinstance(item, Mapping):
            items: Any = [*item.keys(), *item.values()]
            size = 2 + 4 * len(item) + (2 * len(item) if mode == "json" else 0)
        elif isinstance(item, list | tuple | set | frozenset):
            items = item
            size = 3 + 2 * len(item) + (12 if isinstance(item, set | frozenset) else 0)  # frozenset({...})
        else:
            total += times * _scalar_size(item, current)
            if total > cap:
                break
            continue
        if type(item) not in _NESTING:  # a named tuple, an OrderedDict: named in print
            fields = getattr(type(item), "_fields", ())
            size += 16 + len(type(item).__name__) + sum(map(len, fields)) + 2 * len(fields) + 4 * len(items)
        if pad >= 0 and items:  # tojson(indent): every item on a line of its own, indented by depth
            size += len(items) * (1 + (level + 1) * pad) + 1 + level * pad
        total += times * size
        if len(items) > 8 and _FLAT.issuperset(kinds := set(map(type, items))):
            flat = _flat_size(items, kinds, inner)
            if flat is not None:
                total += times * flat
                if total > cap:
                    break
                continue
        stack.extend((child, times * count, level + 1) for child, count in _children(items))
        if total > cap:
            break
    return total


def _number(text: str) -> int:
    """The numbers written in ``text`` (a format spec's width and precision) added up, 0 when none."""
    return sum(int(n) if len(n) < 12 else 10**12 for n in re.findall(r"\d+", text))
