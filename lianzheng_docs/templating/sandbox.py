"""The sandboxed Jinja environment every template renders in, checked against :mod:`.limits`.

:class:`LimitedEnvironment` is Jinja's immutable sandbox with the checks the budget needs: loops
iterate through a counter (the code generator wraps every ``{% for %}``'s iterable), operators,
filters and ``str`` methods that can make a value much larger than their inputs are sized
*before* they run, ``range`` and ``lipsum`` are bounded, every output is measured, and constant
folding is off. What each limit is and why: :mod:`.limits`.
"""

from __future__ import annotations

import io
import itertools
import pprint
import re
import string
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, MappingView
from functools import wraps
from typing import Any, Final

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.environment import Template
from jinja2.filters import do_pprint, do_wordcount, make_attrgetter
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace, _PassArg, generate_lorem_ipsum, pass_eval_context
from markupsafe import soft_str

from .limits import Budget, _current, _digits, _number, _text_size, budget

__all__ = ["LimitedEnvironment"]

_PRINTF: Final = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)", re.S)


_MODES: Final = {"r": "repr", "a": "ascii"}  # a conversion (``!r``, ``%r``) and how it prints


class _Widest:
    """The longest any of ``values`` prints, in each way of printing, each measured once."""

    def __init__(self, values: list[Any], cap: int) -> None:
        self.values, self.cap, self.sizes = values, cap, dict[str, int]()

    def __call__(self, conversion: str | None) -> int:
        mode = _MODES.get(conversion or "", "str")
        if mode not in self.sizes:
            self.sizes[mode] = max((_text_size(v, self.cap, mode) for v in self.values), default=0)
        return self.sizes[mode]


def _printf_size(template: str, args: Any, cap: int) -> int:
    """An upper bound of the length of ``template % args``."""
    values = [args, *args.values()] if isinstance(args, Mapping) else list(args) if isinstance(args, tuple) else [args]
    widest = _Widest(values, cap)
    largest = max((abs(v) for v in values if isinstance(v, int)), default=0)
    size = len(template)
    for match in _PRINTF.finditer(template):
        for number in match.group(1, 2):
            size += largest if number == "*" else _number(number or "")
        if match.group(3) != "%":
            size += widest(match.group(3))
    return size


_NESTED_FIELD: Final = re.compile(r"\{([^{}]*)\}")
_WIDEST_SPEC: Final = "9" * 13  # a width of 10**13: over any limit


def _expand_spec(spec: str, args: tuple[Any, ...], kwargs: Mapping[str, Any], auto: int) -> tuple[str, int]:
    """``spec`` with its nested fields (``{:{1}}``, ``{:>{width}}``) written in, as ``format`` would,
    for reading its width and precision; a field taken from an item or an attribute, or whose
    value is not a short string or an integer, as the widest. Returns the next automatic index too."""

    def value(match: re.Match[str]) -> str:
        nonlocal auto
        name = match.group(1)
        if name == "":
            found, auto = args[auto] if auto < len(args) else "", auto + 1
        elif name.isdigit():
            found = args[int(name)] if int(name) < len(args) else ""
        elif name.isidentifier():
            found = kwargs.get(name, "")
        else:
            return _WIDEST_SPEC
        if isinstance(found, int):
            found = str(found) if _digits(found) < 13 else _WIDEST_SPEC
        return found if isinstance(found, str) and len(found) <= 64 else _WIDEST_SPEC

    return _NESTED_FIELD.sub(value, spec), auto


def _format_size(template: str, args: tuple[Any, ...], kwargs: Mapping[str, Any], cap: int) -> int:
    """An upper bound of the length of ``template.format(*args, **kwargs)``: every field as long as
    the longest argument, plus the width and precision of its spec, nested fields written in."""
    widest = _Widest([*args, *kwargs.values()], cap)
    size = auto = 0
    for literal, field, spec, conversion in string.Formatter().parse(template):
        size += len(literal)
        if field is not None:
            auto += field == ""
            if spec and "{" in spec:
                spec, auto = _expand_spec(spec, args, kwargs, auto)
            size += widest(conversion) + _number(spec or "")
    return size


def _texts_size(values: Iterable[Any], cap: int) -> int:
    """An upper bound of the length of ``values`` printed one after the other (joined)."""
    values = values if isinstance(values, list | tuple) else list(values)
    if all(type(v) is str for v in values):
        return sum(map(len, values))
    total = 0
    for value in values:
        total += _text_size(value, cap - total)
        if total > cap:
            break
    return total


def _arg(args: tuple[Any, ...], kwargs: Mapping[str, Any], index: int, name: str, default: Any = None) -> Any:
    return args[index] if len(args) > index else kwargs.get(name, default)


# --- operators and methods -----------------------------------------------------------------------


def _binop_check(budget: Budget, operator: str, left: Any, right: Any) -> None:
    """Refuse an operation whose result would be over a limit, before computing it."""
    sequences = (str, bytes, list, tuple)
    if operator == "*":
        if isinstance(left, int) and isinstance(right, int):
            budget.digits(_digits(left) + _digits(right), "乘法 '*' ")
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, sequences) and isinstance(times, int):
                budget.make(len(seq) * max(times, 0), "重复 '*' ")
    elif operator == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            budget.digits(_digits(left) * min(right, 10**12), "乘方 '**' ")
    elif operator == "+":
        if isinstance(left, sequences) and isinstance(right, sequences):
            budget.make(len(left) + len(right), "连接 '+' ")
    elif operator == "%" and isinstance(left, str | bytes):
        budget.make(_printf_size(str(left), right, budget.limits.text), "格式化 '%' ")


_STR_METHODS: Final = frozenset(
    {"center", "ljust", "rjust", "zfill", "expandtabs", "replace", "join", "format", "format_map", "translate"}
)


def _method_size(text: str | bytes, name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any], cap: int) -> int:
    """An upper bound of the length of ``text.<name>(*args, **kwargs)`` for the methods that grow text."""
    if name in ("center", "ljust", "rjust", "zfill"):
        width = _arg(args, kwargs, 0, "width", 0)
        return max(len(text), width) if isinstance(width, int) else len(text)
    if name == "expandtabs":
        tab = _arg(args, kwargs, 0, "tabsize", 8)
        tabs = text.count("\t") if isinstance(text, str) else text.count(b"\t")
        return len(text) + tabs * max(tab, 0) if isinstance(tab, int) else len(text)
    if name == "replace":
        old, new, count = _arg(args, kwargs, 0, "old"), _arg(args, kwargs, 1, "new"), _arg(args, kwargs, 2, "count", -1)
        if not isinstance(old, str | bytes) or not isinstance(new, str | bytes) or type(old) is not type(new):
            return len(text)
        found = text.count(old) if old else len(text) + 1  # type: ignore[arg-type]
        if isinstance(count, int) and count >= 0:
            found = min(found, count)
        return len(text) + found * max(len(new) - len(old), 0)
    if name == "join":
        items = args[0] if args else ()
        return _texts_size(items, cap) + len(text) * max(len(items) - 1, 0)
    if name == "format":
        return _format_size(str(text), args, kwargs, cap)
    if name == "format_map":
        return _format_size(str(text), (), args[0] if args and isinstance(args[0], Mapping) else {}, cap)
    if name == "translate":
        table = args[0] if args else None
        longest = (
            max((len(v) for v in table.values() if isinstance(v, str | bytes)), default=1)
            if isinstance(table, Mapping)
            else 1
        )
        return len(text) * max(longest, 1)
    return len(text)


# --- filters and globals -------------------------------------------------------------------------


def _filter_check(budget: Budget, name: str, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Check a filter's call before it runs; returns the value to call it with (a list for ``join``)."""
    cap = budget.limits.text
    if name in _TEXT_FILTERS and not isinstance(value, str):  # a list made text: sized before str()
        budget.make(_text_size(value, cap), f"{name} 过滤器（将列表或字典转为文字）")
    if name == "center":
        width = _arg(args, kwargs, 0, "width", 80)
        if isinstance(width, int):
            budget.make(max(_text_size(value, cap), width), "center 过滤器")
    elif name == "indent":
        width = _arg(args, kwargs, 0, "width", 4)
        pad = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
        text = str(value)
        budget.make(len(text) + (text.count("\n") + 1) * max(pad, 0), "indent 过滤器")
    elif name == "wordwrap":
        width, wrap = _arg(args, kwargs, 0, "width", 79), _arg(args, kwargs, 2, "wrapstring")
        text = str(value)
        lines = (2 * len(text) // max(width, 1) if isinstance(width, int) else len(text)) + text.count("\n") + 1
        budget.step(min(lines, len(text) + 1))
        budget.make(len(text) + lines * (len(wrap) if isinstance(wrap, str) else 1), "wordwrap 过滤器")
    elif name == "format":
        budget.make(_printf_size(str(value), kwargs or args, cap), "format 过滤器")
    elif name == "replace":
        budget.make(_method_size(str(value), "replace", tuple(str(a) for a in args[:2]) + args[2:], kwargs, cap),
                    "replace 过滤器")  # fmt: skip
    elif name == "join":
        value = list(_counted(value))
        sep = _arg(args, kwargs, 0, "d", "")
        budget.make(_method_size(str(sep), "join", (value,), {}, cap), "join 过滤器")
    elif name == "batch":
        size, fill = _arg(args, kwargs, 0, "linecount"), _arg(args, kwargs, 1, "fill_with")
        if fill is not None and isinstance(size, int):
            budget.make(size, "batch 过滤器")
    elif name == "slice":
        slices = _arg(args, kwargs, 0, "slices")
        if isinstance(slices, int):
            budget.step(max(slices, 0))
    elif name == "urlize":  # a Python loop over the words: 13 s for 5 million
        text = str(value)
        budget.step(text.count(" ") + text.count("\n") + text.count("\t") + 1)
    elif name == "tojson":
        budget.make(_text_size(value, cap, "json", _arg(args, kwargs, 0, "indent")), "tojson 过滤器")
    elif name == "pprint":  # and then its output is counted as it is written (_pprint)
        budget.make(_text_size(value, cap, "repr"), "pprint 过滤器")
    elif name in ("e", "escape", "forceescape", "xmlattr"):
        budget.make(_escaped_size(value, cap, force=name == "forceescape"), f"{name} 过滤器")
    elif name == "urlencode":
        budget.make(_text_size(value, cap) * _utf8_width(value) * 3, "urlencode 过滤器")
    elif name == "dictsort" and isinstance(value, Mapping):
        budget.step(len(value))
    elif name == "round":
        precision = _arg(args, kwargs, 0, "precision", 0)
        if isinstance(precision, int):
            budget.digits(abs(precision), "round 过滤器")
    return value


#: Filters that make text of their value whatever it is (``str()`` of a list prints all it holds).
_TEXT_FILTERS: Final = frozenset(
    {"string", "e", "escape", "forceescape", "safe", "capitalize", "lower", "upper", "title", "trim"}
    | {"striptags", "truncate", "wordcount", "wordwrap", "indent", "center", "replace", "format", "urlize"}
    | {"urlencode", "xmlattr"}
)
_ESCAPES: Final = {"&": 4, "<": 3, ">": 3, '"': 4, "'": 4}  # &amp; &lt; &gt; &#34; &#39;


def _escaped_size(value: Any, cap: int, *, force: bool) -> int:
    """An upper bound of the length of ``escape(value)`` (markupsafe): a text already safe stays."""
    if isinstance(value, str):
        if hasattr(value, "__html__") and not force:
            return len(value)
        return len(value) + sum(value.count(c) * grows for c, grows in _ESCAPES.items())
    return 5 * _text_size(value, cap)


def _utf8_width(value: Any) -> int:
    """Bytes a character of ``value`` takes at most in UTF-8 (4 for anything but text)."""
    if not isinstance(value, str) or not value:
        return 1 if isinstance(value, str) else 4
    widest = ord(max(value))
    return 1 if widest < 0x80 else 2 if widest < 0x800 else 3 if widest < 0x10000 else 4


class _CappedText(io.StringIO):
    """A text written piece by piece, refused once longer than the limit (``pprint``'s output can be
    thousands of times its input: a long key indents every line of the value after it)."""

    def __init__(self, budget: Budget, what: str) -> None:
        super().__init__()
        self.budget, self.what, self.size = budget, what, 0

    def write(self, text: str) -> int:
        self.size += len(text)
        self.budget.make(self.size, self.what)
        self.budget.tick()
        return super().write(text)


def _pprint(value: Any) -> str:
    """``pprint`` as Jinja's (``pprint.pformat``), written into a text that stops at the limit."""
    stream = _CappedText(_current(), "pprint 过滤器")
    pprint.PrettyPrinter(stream=stream).pprint(value)
    return stream.getvalue()[:-1]


_WORD: Final = re.compile(r"\w+")


def _wordcount(text: Any) -> int:
    """``wordcount`` as Jinja's, without making a list of every word first."""
    counter = itertools.count()
    deque(zip(_WORD.finditer(soft_str(text)), counter, strict=False), maxlen=0)
    return next(counter)


def _sum(environment: Any, iterable: Iterable[Any], attribute: Any = None, start: Any = 0) -> Any:
    """``sum`` as Jinja's, except that lists and tuples are joined at once: adding them one by one
    copies the growing total each time, which for a long list of lists runs for minutes."""
    budget = _current()
    items = list(_counted(iterable))
    if attribute is not None:
        items = list(map(make_attrgetter(environment, attribute), items))
    if isinstance(start, list | tuple) and all(type(i) is type(start) for i in items):
        budget.make(len(start) + sum(len(i) for i in items), "sum 过滤器")
        return type(start)(itertools.chain(start, *items))
    return sum(items, start)


def _sum_filter(original: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(original)
    def summed(environment: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(environment, "is_async", False):
            return original(environment, *args, **kwargs)
        return _sum(environment, *args, **kwargs)

    return summed


#: Filters that go through their value item by item, whatever it is (a list, a string, a generator):
#: each item counts as a loop iteration, as in a ``{% for %}`` (``'中' * 10**7|list`` made 10 million
#: strings, 760 MB, in one call).
_ITERATING_FILTERS: Final = frozenset(
    {"list", "unique", "sort", "batch", "slice", "map", "select", "reject", "selectattr", "rejectattr"}
    | {"groupby", "min", "max", "first"}
)


def _guard_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` (a Jinja filter) with its call checked before and its result charged after."""
    call = _REPLACED.get((name, func), func)
    call = _sum_filter(call) if name == "sum" else call
    passes = _PassArg.from_obj(call) is not None
    iterates = name in _ITERATING_FILTERS

    @wraps(call)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        budget = _current()
        budget.tick()
        if len(args) > passes:
            value = _filter_check(budget, name, args[passes], args[passes + 1 :], kwargs)
            if iterates:
                value = _counted(value)
            if value is not args[passes]:
                args = (*args[:passes], value, *args[passes + 1 :])
        return budget.charge(call(*args, **kwargs))

    return guarded


#: Jinja's own filters run differently here (same results): ``(name, Jinja's) -> ours``.
_REPLACED: Final[dict[tuple[str, Callable[..., Any]], Callable[..., Any]]] = {
    ("pprint", do_pprint): _pprint,
    ("wordcount", do_wordcount): _wordcount,
}


class _GuardedFilters(dict[str, Callable[..., Any]]):
    """The environment's filters: every one checked, those registered later too."""

    def __setitem__(self, name: str, func: Callable[..., Any]) -> None:
        super().__setitem__(name, _guard_filter(name, func))


def _range(*args: int) -> range:
    """``range``, refused when longer than the whole loop budget (Jinja's own raised OverflowError)."""
    budget = _current()
    numbers = range(*args)
    try:
        length = len(numbers)
    except OverflowError:
        length = sys.maxsize
    if length > budget.limits.iterations:
        raise budget.fail("iterations", f"循环次数超过 {budget.limits.iterations:,} 次（range 有 {length:,} 项）")
    return numbers


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    _current().step(n * max if isinstance(n, int) and isinstance(max, int) else 1)
    return generate_lorem_ipsum(n, html, min, max)


def _counted(iterable: Iterable[Any]) -> Iterator[Any]:
    """``iterable``, each item counted as a loop iteration of the active render."""
    budget = _current()
    for item in iterable:
        budget.step()
        yield item


# --- the environment -----------------------------------------------------------------------------


class _LimitedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with every loop counted and every ``~`` checked."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        # ``for x in items`` becomes ``for x in environment.counted(items)`` (Jinja allows no new node types)
        counted = nodes.EnvironmentAttribute("counted", lineno=node.iter.lineno)
        node.iter = nodes.Call(counted, [node.iter], [], None, None, lineno=node.iter.lineno)
        super().visit_For(node, frame)

    def visit_Getitem(self, node: nodes.Getitem, frame: Frame) -> None:
        if not isinstance(node.arg, nodes.Slice):
            super().visit_Getitem(node, frame)
            return
        # Jinja writes ``x[a:b]`` as Python, past getitem: a slice is a copy, charged like any value made
        self.write("environment.getitem(")
        self.visit(node.node, frame)
        self.write(", slice(")
        for part in (node.arg.start, node.arg.stop, node.arg.step):
            if part is None:
                self.write("None")
            else:
                self.visit(part, frame)
            self.write(", ")
        self.write("))")

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.concat_values({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _LimitedTemplate(Template):
    """A template whose render counts toward its document's budget (or starts one)."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        with budget(self.name or "（未命名）") as active:
            context = self.new_context(dict(*args, **kwargs))
            try:
                return active.emit(self.root_render_func(context))
            except Exception:
                self.environment.handle_exception()


@pass_eval_context
def _finalize(eval_ctx: Any, value: Any) -> Any:
    """Every ``{{ }}`` output, charged: inside a macro or ``{% set %}`` block it is held until joined.
    A list or a dict is sized before Jinja prints it (``str()`` prints all it holds, however deep)."""
    budget = _current()
    if not isinstance(value, str) and isinstance(value, _PRINTED_WHOLE):
        budget.make(_text_size(value, budget.limits.text), "输出列表或字典")
    return budget.charge(value)


_PRINTED_WHOLE: Final = (list, tuple, dict, set, frozenset, Mapping, MappingView, Namespace)


class LimitedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox every template renders in, with the checks of this module.

    Immutable: a template cannot ``append`` to a list or ``update`` a dict (the built-in
    templates never do), so what it makes is what it can keep.
    """

    code_generator_class = _LimitedCodeGenerator
    template_class = _LimitedTemplate
    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})

    def __init__(self, **options: Any) -> None:
        options.setdefault("finalize", _finalize)
        super().__init__(optimized=False, **options)
        guarded = _GuardedFilters()
        for name, func in self.filters.items():
            guarded[name] = func
        self.filters = guarded
        self.globals["range"] = _range
        self.globals["lipsum"] = _lipsum

    def counted(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """A loop's iterable, counted (called by the compiled template)."""
        return _counted(iterable)

    def concat_values(self, join: Callable[[Iterable[Any]], str], values: tuple[Any, ...]) -> str:
        """``a ~ b ~ ...``, refused before joining when the result would be too long."""
        budget = _current()
        budget.make(_texts_size(values, budget.limits.text), "连接 '~' ")
        return budget.charge(join(values))  # type: ignore[no-any-return]

    def concat(self, chunks: Iterable[str]) -> str:
        """The output of a macro, a ``{% set %}`` block or a ``{% filter %}`` block, joined."""
        budget = _current()
        parts = chunks if isinstance(chunks, list) else list(chunks)
        budget.make(sum(map(len, parts)), "宏或块")
        return budget.charge("".join(parts))  # type: ignore[no-any-return]

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        budget = _current()
        budget.tick()
        _binop_check(budget, operator, left, right)
        return budget.charge(super().call_binop(context, operator, left, right))

    def getitem(self, obj: Any, argument: Any) -> Any:
        value = super().getitem(obj, argument)
        return _current().charge(value) if isinstance(argument, slice) else value

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        budget = _current()
        budget.tick()
        if isinstance(__obj, LoopContext) and args:  # a recursive loop's inner call: loop(children)
            args = (_counted(args[0]), *args[1:])
        target = getattr(__obj, "__wrapped__", __obj)  # str.format comes wrapped by the sandbox
        owner, name = getattr(target, "__self__", None), getattr(target, "__name__", "")
        if isinstance(owner, str | bytes) and name in _STR_METHODS:
            if name == "join" and args:
                args = (list(_counted(args[0])), *args[1:])
            try:
                size = _method_size(owner, name, args, kwargs, budget.limits.text)
            except (TypeError, ValueError):
                size = 0  # wrong arguments: the call itself will say so
            budget.make(size, f"{name} 方法")
        return budget.charge(super().call(__context, __obj, *args, **kwargs))
