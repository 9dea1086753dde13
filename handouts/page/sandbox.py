"""The fence around templates: they get plain data, may use only filters and a few pure methods,
and a template that fails is one line naming its file and line.

Brand folders and a workspace's templates/ hold templates written by whoever set the clinic up,
so a template is code from outside. Jinja's sandbox alone was not enough: the objects handed to
templates were live Python objects (``brand.folder.joinpath('/etc/passwd').read_text()`` printed
the file). Now everything a template receives is first turned into plain data by ``plain``:
text, numbers, true/false, None, dates, lists and mappings, with file paths as ``file:`` address
text. ``Environment`` then refuses every attribute and call that is not one of those values, a
filter, or a method in ``_ATTRIBUTES``; and it bounds the sizes a template can build, so one
cannot exhaust the machine's memory.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import re
import time
import traceback
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import PurePath

import jinja2
from jinja2 import filters as jinja_filters
from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.environment import TemplateModule
from jinja2.nodes import EvalContext
from jinja2.runtime import BlockReference, Context, LoopContext, Macro, TemplateReference
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import Cycler, Joiner, Namespace
from markupsafe import Markup

from ..errors import BuildError, InputError

# The most characters (or list items) one value a template makes may hold, and the most a whole
# page may. A handout is a few thousand characters, a packet's combined page of 500 drugs about
# a million; these bounds only stop a template that doubles a string in a loop.
MAX_VALUE = 2_000_000
MAX_OUTPUT = 50_000_000
# The largest count a filter may be given (a width, a number of slices), and the largest
# result of ``**`` in bits.
MAX_COUNT = 10_000
MAX_POWER_BITS = 4096
# How long one page's templates may run (a handout takes a millisecond or two): loops and calls
# check it, so nested loops or a macro calling itself twice over cannot hold a worker for ever.
MAX_SECONDS = 10.0
# The most a filter may be given, or ``{{ }}`` print, counted through nested lists and mappings
# (characters of text plus items, a shared item once per place it appears): ``string``,
# ``tojson`` or ``pprint`` of a million copies of one long text would otherwise make terabytes,
# and a list of a million lists made ``sum`` run for ever. The slowest filter at this size
# (``pprint``) takes a few seconds and a few hundred MB; real pages give filters a few thousand.
MAX_WEIGHT = MAX_VALUE
_DEADLINE: ContextVar[float | None] = ContextVar("handouts_template_deadline", default=None)


class FileURI(str):
    """A file's ``file:`` address, as text. ``as_uri()`` returns it, so templates written when
    templates were handed paths (``brand.logo.as_uri()``) still work; nothing else of a path does."""

    __slots__ = ()

    def as_uri(self) -> str:
        return str(self)


def plain(value):
    """``value`` as plain data for a template: text, numbers, booleans, None, dates, lists,
    tuples and mappings with text keys (a set becomes a sorted list). A dataclass becomes a mapping of its fields and its
    properties (computed here, by us, not by the template); a path becomes its ``file:``
    address (``FileURI``). Anything else is a programming error, raised as TypeError."""
    if value is None or isinstance(value, (bool, int, float, FileURI, Markup, dt.date)):
        return value
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, PurePath):
        return FileURI(value.absolute().as_uri())
    if isinstance(value, Mapping):
        return {_key(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if isinstance(value, (set, frozenset)):  # in a fixed order, so the same inputs print the same
        return sorted((plain(v) for v in value), key=repr)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name in _properties(type(value)):
            out[name] = plain(getattr(value, name))
        return out
    raise TypeError(f"a {type(value).__name__} cannot be handed to a template: make it plain data first")


def _key(key) -> str:
    if not isinstance(key, str):
        raise TypeError(f"template mappings need text keys, not {type(key).__name__}")
    return str(key)


@functools.cache
def _properties(cls: type) -> tuple[str, ...]:
    names = []
    for klass in reversed(cls.__mro__):
        names += [n for n, v in vars(klass).items() if isinstance(v, property) and not n.startswith("_")]
    return tuple(dict.fromkeys(names))


# What a template may reach beyond the keys of a mapping: per type, the attributes it may read
# (None: any public one) and the methods among them it may call. Dates keep isoformat() and
# their parts; the rest is Jinja's own machinery (loops, macros, blocks, namespace(), cycler()).
_ATTRIBUTES: tuple[tuple[type, frozenset[str] | None], ...] = (
    (dt.date, frozenset({"year", "month", "day", "isoformat"})),
    (FileURI, frozenset({"as_uri"})),
    (LoopContext, frozenset({"index", "index0", "revindex", "revindex0", "first", "last", "length",
                             "depth", "depth0", "previtem", "nextitem", "cycle", "changed"})),
    (Cycler, frozenset({"current", "next", "reset"})),
    (BlockReference, frozenset({"super"})),
    (Namespace, None),
    (TemplateReference, None),
    (TemplateModule, None),  # {% import "x.html" as x %}: its macros and values
)
# Calling an undefined name raises its own "'x' is undefined".
_CALLABLE_TYPES = (Macro, BlockReference, LoopContext, Joiner, jinja2.Undefined)
_PLAIN = (str, int, float, list, tuple, dt.date, type(None))


def _allowed(obj) -> frozenset[str] | None | bool:
    for kind, names in _ATTRIBUTES:
        if isinstance(obj, kind):
            return names
    if type(obj).__name__ == "_GroupTuple":  # the groupby filter's (grouper, list) pairs
        return frozenset({"grouper", "list"})
    return False


def _describe(obj) -> str:
    if obj is None:
        return "None (an empty value)"
    if isinstance(obj, str):
        return "text"
    if isinstance(obj, (list, tuple)):
        return "a list"
    if isinstance(obj, Mapping):
        return "a mapping"
    return f"a {type(obj).__name__}"


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator with ``a ~ b`` bounded like the other ways of making text, and
    every for loop's items counted against the time a page may take."""

    def visit_Concat(self, node, frame) -> None:
        # ``a ~ b`` turns lists into text: each part is weighed first, as a filter's input is.
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        else:
            join = "markup_join" if frame.eval_ctx.autoescape else "str_join"
        self.write(f"environment.bounded({join}((")
        for part in node.nodes:
            self.write("environment.weighed(")
            self.visit(part, frame)
            self.write("), ")
        self.write(")))")

    def _output_child_pre(self, node, frame, finalize) -> None:
        # ``{{ x }}`` turns x into text: weighed first.
        super()._output_child_pre(node, frame, finalize)
        self.write("environment.weighed(")

    def _output_child_post(self, node, frame, finalize) -> None:
        self.write(")")
        super()._output_child_post(node, frame, finalize)

    def visit_For(self, node, frame) -> None:
        if not isinstance(node.iter, nodes.Call) or not isinstance(node.iter.node, nodes.EnvironmentAttribute):
            node.iter = nodes.Call(nodes.EnvironmentAttribute("timed"), [node.iter], [], None, None, lineno=node.lineno)
        super().visit_For(node, frame)


def _timed(iterable):
    """A loop's items, checking the page's time every thousand of them."""
    for count, item in enumerate(iterable):
        if count % 1024 == 0:
            _check_time()
        yield item


def _check_time() -> None:
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline:
        raise SecurityError(f"the templates ran for more than {MAX_SECONDS:g} seconds")


class _Namespace(Namespace):
    """namespace(): values set on it are bounded too."""

    def __setitem__(self, name, value) -> None:
        Namespace.__setitem__(self, name, _bounded(value))


def _bounded(value):
    if isinstance(value, (str, list, tuple)):
        _check_size(len(value))
    return value


def _check_size(size: int) -> None:
    if size > MAX_VALUE:
        raise SecurityError(f"a template made a value of {size:,} characters or items (the most is {MAX_VALUE:,})")


def _weighed(value):
    """``value``, once it is known not to weigh more than MAX_WEIGHT (see there)."""
    _check_weight(value)
    return value


def _check_weight(value) -> None:
    # Walks at most MAX_WEIGHT items, so weighing costs no more than the filter would.
    total, todo = 0, [value]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, (list, tuple)):
            total += len(item)
            if total <= MAX_WEIGHT:
                todo.extend(item)
        elif isinstance(item, Mapping) and not isinstance(item, Context):
            total += len(item)
            if total <= MAX_WEIGHT:
                todo.extend(item.keys())
                todo.extend(item.values())
        else:
            total += 1
        if total > MAX_WEIGHT:
            raise SecurityError(f"a template gave a filter or printed more than {MAX_WEIGHT:,} characters or items "
                                "(counting everything inside lists and mappings)")


def _bounded_join(pieces) -> str:
    """"".join, refusing to build more than MAX_OUTPUT characters (a page, a macro's output)."""
    parts, total = [], 0
    for piece in pieces:
        total += len(piece)
        if total > MAX_OUTPUT:
            raise SecurityError(f"a template printed more than {MAX_OUTPUT:,} characters")
        parts.append(piece)
    return "".join(parts)


# "%(name)99999s" too: the catalogue's messages name their placeholders.
_FORMAT_WIDTH = re.compile(r"%(?:\([^)]*\))?[^a-zA-Z%]*?(?:\*|\d{5,})")


def _check_format(text) -> None:
    if isinstance(text, str) and _FORMAT_WIDTH.search(text):
        raise SecurityError("a template asked for a format width of '*' or more than four digits")


class Environment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with a stricter policy: plain data in, filters and a handful of
    pure methods out, bounded sizes, and one-line errors naming the template and line."""

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset({"+", "*", "**", "%"})
    concat = staticmethod(_bounded_join)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.template_class = Template
        del self.globals["lipsum"]  # lipsum(n) makes n paragraphs: a memory bomb, and no use here
        self.globals["namespace"] = _Namespace
        self._callable_globals = tuple(self.globals.values())
        for name in ("center", "indent", "batch", "slice"):
            self.filters[name] = _counted(self.filters[name])
        self.filters["replace"] = _replace_guard(self.filters["replace"])
        self.filters["format"] = _format_guard(self.filters["format"])
        self.filters["striptags"] = _striptags
        self.filters["sum"] = _sum
        self.filters["wordwrap"] = _wordwrap_guard(self.filters["wordwrap"])
        self.filters = _GuardedFilters(self.filters)

    bounded = staticmethod(_bounded)
    weighed = staticmethod(_weighed)
    timed = staticmethod(_timed)

    def install_language(self, language) -> None:
        """The page's words from ``language``'s catalogue (see i18n.py), through Jinja's i18n
        extension: ``_()``, ``gettext``, ``ngettext``, ``pgettext`` and ``{% trans %}`` become
        callable. The message is a format string a template chooses: bounded like ``%``."""

        def guarded(function):
            @functools.wraps(function)
            def call(*args):
                for text in args:
                    _check_format(text)
                return function(*args)
            return call

        self.install_gettext_callables(
            guarded(language.gettext), guarded(language.ngettext), newstyle=True,
            pgettext=guarded(language.pgettext), npgettext=guarded(language.npgettext))
        # Jinja's wrappers put the keyword values into the message (``_("%(x)s", x=...)``).
        for name in ("_", "gettext", "ngettext", "pgettext", "npgettext"):
            self.globals[name] = _weighing_kwargs(self.globals[name])
        self._callable_globals = tuple(self.globals.values())

    # Attribute access: a mapping's keys are its attributes (never dict's methods); everything
    # else must pass the policy. Unlike Jinja's own sandbox, str.format is never reachable.
    def getattr(self, obj, attribute):
        if isinstance(obj, Mapping):
            return self._key(obj, attribute)
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            if isinstance(obj, _PLAIN):
                return self.unsafe_undefined(obj, attribute)
            try:
                return obj[attribute]  # self.blockname on a TemplateReference
            except (TypeError, LookupError):
                return self.undefined(obj=obj, name=attribute)
        if self.is_safe_attribute(obj, attribute, value):
            return value
        return self.unsafe_undefined(obj, attribute)

    def getitem(self, obj, argument):
        if isinstance(obj, Mapping):
            return self._key(obj, argument)
        try:
            return obj[argument]
        except (TypeError, LookupError):
            if isinstance(argument, str):
                return self.getattr(obj, argument)
            return self.undefined(obj=obj, name=argument)

    def _key(self, mapping: Mapping, key):
        try:
            return mapping[key]
        except (KeyError, TypeError):
            known = ", ".join(sorted(str(k) for k in mapping)[:40])
            return self.undefined(f"no value {key!r} here (there are: {known or 'none'})", obj=mapping, name=key)

    def is_safe_attribute(self, obj, attr: str, value) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        names = _allowed(obj)
        return names is None or names is not False and attr in names

    def is_safe_callable(self, obj) -> bool:
        if isinstance(obj, _CALLABLE_TYPES) or any(obj is g for g in self._callable_globals):
            return True
        owner, name = getattr(obj, "__self__", None), getattr(obj, "__name__", "")
        return owner is not None and callable(obj) and self.is_safe_attribute(owner, name, obj)

    def unsafe_undefined(self, obj, attribute):
        # At once, not on use: "{% if x.read_text is defined %}" must not quietly say no.
        raise SecurityError(f"templates cannot use {attribute!r} of {_describe(obj)}: they get plain "
                            "data (text, numbers, lists, mappings) and filters such as | upper")

    def call(__self, __context, __obj, *args, **kwargs):
        _check_time()
        if __obj is _timed:  # the loops' own wrapper (see _BoundedCodeGenerator)
            return _timed(*args)
        if not __self.is_safe_callable(__obj):
            raise SecurityError(f"templates cannot call {_describe(__obj)}: only macros, "
                                "range(), dict(), namespace(), cycler(), joiner() and filters")
        return __context.call(__obj, *args, **kwargs)

    def call_binop(self, context, operator: str, left, right):
        if operator == "**" and isinstance(left, int) and isinstance(right, int):
            if right > 0 and abs(left) > 1 and abs(left).bit_length() * right > MAX_POWER_BITS:
                raise SecurityError(f"{left} ** {right} is too large a number for a template")
        elif operator == "*":
            for count, other in ((left, right), (right, left)):
                if isinstance(count, int) and isinstance(other, (str, list, tuple)):
                    _check_size(len(other) * count)
        elif operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            _check_size(len(left) + len(right))
        elif operator == "%":
            _check_format(left)
            _check_weight(right)
        return _bounded(super().call_binop(context, operator, left, right))

    def get_template(self, name, parent=None, globals=None):
        try:
            return super().get_template(name, parent, globals)
        except jinja2.TemplateSyntaxError as error:
            raise BuildError(failure(error, name)) from None


def _counted(filter_function):
    @functools.wraps(filter_function)
    def guarded(*args, **kwargs):
        for value in list(args[1:]) + list(kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and value > MAX_COUNT:
                raise SecurityError(f"the {filter_function.__name__.removeprefix('do_').removeprefix('sync_do_')} "
                                    f"filter was given {value:,} (the most is {MAX_COUNT:,})")
        return filter_function(*args, **kwargs)

    return guarded


def _weighing_kwargs(function):
    @functools.wraps(function)
    def weighed(*args, **kwargs):
        _check_weight(kwargs)
        return function(*args, **kwargs)

    return weighed


def _replace_guard(filter_function):
    @functools.wraps(filter_function)
    def guarded(eval_ctx, value, old, new, count=None):
        text, old, new = str(value), str(old), str(new)
        hits = text.count(old) if count is None else min(count, text.count(old))
        _check_size(len(text) + hits * (len(new) - len(old)))
        return filter_function(eval_ctx, value, old, new, count)

    return guarded


def _format_guard(filter_function):
    @functools.wraps(filter_function)
    def guarded(value, *args, **kwargs):
        _check_format(str(value))
        return filter_function(value, *args, **kwargs)

    return guarded


class _GuardedFilters(dict):
    """The filters, each checked on the way in and out (see ``_guarded``), also those added
    later (templating.add_language's)."""

    def __init__(self, filters):
        super().__init__()
        for name, function in filters.items():
            self[name] = function

    def __setitem__(self, name, function) -> None:
        super().__setitem__(name, _guarded(function))


def _guarded(filter_function):
    """A filter that checks the page's time before and after it runs, refuses inputs weighing
    more than MAX_WEIGHT and bounds the text or list it makes, so that no single filter can take
    much more than the page's time or memory."""
    if getattr(filter_function, "_handouts_guarded", False):
        return filter_function

    @functools.wraps(filter_function)
    def guarded(*args, **kwargs):
        _check_time()
        for value in args:
            if not isinstance(value, (Context, EvalContext, jinja2.Environment)):
                _check_weight(value)
        _check_weight(kwargs)
        result = _bounded(filter_function(*args, **kwargs))
        _check_time()
        return result

    guarded._handouts_guarded = True
    return guarded


def _striptags(value) -> str:
    """Jinja's striptags in one pass: markupsafe's removes each tag by copying the rest of the
    text, so two million characters of ``<>`` took a minute."""
    text = str(value.__html__() if hasattr(value, "__html__") else value)
    text = _without(text, "<!--", "-->")
    text = _without(text, "<", ">")
    return Markup(" ".join(text.split())).unescape()


def _without(text: str, opening: str, closing: str) -> str:
    """``text`` less every span from ``opening`` to the next ``closing`` (an opening with no
    closing after it, and the rest, are kept, as markupsafe does)."""
    pieces, at = [], 0
    while (start := text.find(opening, at)) != -1:
        end = text.find(closing, start)
        if end == -1:
            break
        pieces.append(text[at:start])
        at = end + len(closing)
    pieces.append(text[at:])
    return "".join(pieces)


# Whitespace that is not a line break (str.splitlines' breaks), as wordwrap keeps them apart.
_SPACES = r"[^\S\n\r\v\f\x1c-\x1e\x85\u2028\u2029]"


def _wordwrap_guard(filter_function):
    """wordwrap with runs of spaces longer than a line cut to a line's length first: textwrap
    splits a long run one line at a time, copying the rest each time (800,000 spaces took 4 s,
    ten times 400,000's). A run longer than a line breaks the line either way."""

    @functools.wraps(filter_function)
    def guarded(environment, s, width=79, *args, **kwargs):
        if isinstance(width, int) and width > 0:
            s = re.sub(_SPACES + "{" + str(width + 1) + ",}", lambda run: run.group()[:width], str(s))
        return filter_function(environment, s, width, *args, **kwargs)

    return guarded


@jinja2.pass_environment
def _sum(environment, iterable, attribute=None, start=0):
    """Jinja's sum, adding lists in one pass: ``start + a + b ...`` copies the total each
    time, so a hundred thousand short lists took minutes."""
    if not isinstance(start, (list, tuple)):
        return jinja_filters.sync_do_sum(environment, iterable, attribute, start)
    if attribute is not None:
        iterable = map(jinja_filters.make_attrgetter(environment, attribute), iterable)
    total = list(start)
    for item in iterable:
        if type(item) is not type(start):
            raise TypeError(f"can only add {type(start).__name__}s to {type(start).__name__}s, "
                            f"not {type(item).__name__}")
        total.extend(item)
        _check_size(len(total))
    return type(start)(total)


class Template(jinja2.Template):
    """Renders plain data only, and turns any failure into one BuildError line."""

    def render(self, *args, **kwargs) -> str:
        values = plain(dict(*args, **kwargs))
        token = _DEADLINE.set(time.monotonic() + MAX_SECONDS)
        try:
            return super().render(values)
        except (BuildError, InputError):
            raise
        except Exception as error:  # a template can fail in any way Python can
            raise BuildError(failure(error, self.filename or self.name)) from None
        finally:
            _DEADLINE.reset(token)


# The names Jinja gives the frames of template code in a rewritten traceback.
_TEMPLATE_FRAME = re.compile(r"top-level template code|template|block '.*'|macro '.*'")


def failure(error: Exception, fallback: str | None) -> str:
    """One line for a template that failed while rendering: the file and line, and the problem."""
    where = fallback or "template"
    if isinstance(error, jinja2.TemplateSyntaxError):
        return f"{error.filename or where}:{error.lineno}: template error: {error.message}"
    frames = [f for f in traceback.extract_tb(error.__traceback__) if _TEMPLATE_FRAME.fullmatch(f.name)]
    if frames:
        where = f"{frames[-1].filename}:{frames[-1].lineno}"
    return f"{where}: template error: {_problem(error)}"


def _problem(error: Exception) -> str:
    if isinstance(error, RecursionError):
        return "templates include or call each other without end"
    if isinstance(error, MemoryError):
        return "the template ran out of memory"
    if isinstance(error, jinja2.TemplateNotFound):
        return f"template not found: {error.name}"
    if isinstance(error, (jinja2.TemplateError, SecurityError)):
        return str(error.message if getattr(error, "message", None) else error)
    if isinstance(error, OverflowError) and "MAX_RANGE" in str(error):
        return "range() of more than 100,000 numbers"
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
