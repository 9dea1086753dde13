"""What a brand's stylesheets, templates and SVG logo point at: never another host, never a file
outside the workspace.

Checked before anything is built, so a brand that would fetch from the network fails with the file and
line named; the renderer's sandbox (pdf.SandboxFetcher) refuses the same things again at layout time.
CSS is read with tinycss2, the tokenizer WeasyPrint itself uses, so every spelling WeasyPrint would
follow (``@IMPORT "x"``, ``@\\69mport``, ``url( 'x' )`` across lines, comments between tokens,
``image-set("x" 1x)``, escapes in unquoted urls) is seen as the reference it is.
"""

from __future__ import annotations

import html
import os
import re
import stat
from pathlib import Path
from urllib.parse import unquote, urlparse
from xml.etree import ElementTree

import tinycss2

from ..errors import InputError
from ..record.limits import kind

# Brackets and functions inside each other in CSS: a real stylesheet nests three or four; a file
# nesting thousands made the check fail with Python's RecursionError.
MAX_CSS_DEPTH = 100


class CSSTooDeep(Exception):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line

    def problem(self) -> str:
        return f"CSS nested more than {MAX_CSS_DEPTH} levels deep"

# What a template may not point at in its HTML: other hosts, or files outside the workspace.
# ``data=`` is <object data=...>, which WeasyPrint loads like an image.
_REFERENCE = re.compile(
    r"""(?:url\(\s*['"]?|@import\s+['"]|\b(?:src|href|data)\s*=\s*['"]?)\s*([^'")\s>]+)""", re.IGNORECASE
)
# A link WeasyPrint embeds the target of in the PDF (<a> and <link>; rel holds a list of words).
_ATTACHMENT = re.compile(r"""\brel\s*=\s*(?:"(?:[^"]*\s)?attachment(?=[\s"])|'(?:[^']*\s)?attachment(?=[\s'])"""
                         r"""|attachment(?=[\s>/]|$))""", re.IGNORECASE | re.MULTILINE)
# CSS inside HTML: <style> elements (raw text: no character references) and style="" attributes.
_STYLE_ELEMENT = re.compile(r"(<style\b[^>]*>)(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_STYLE_ATTRIBUTE = re.compile(r"""\bstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
# CSS functions whose string arguments are addresses WeasyPrint loads.
_URL_FUNCTIONS = {"url", "src"}
_URL_LIST_FUNCTIONS = {"image-set", "-webkit-image-set"}
_LOCAL = "refers to a font installed on this computer (local()); put the font file in the brand folder"


def check_folder(folder: Path, allowed_roots: list[Path]) -> None:
    """Every stylesheet and template in ``folder`` may point only at files under ``allowed_roots``,
    and so may the stylesheets elsewhere in those roots that they load (``@import "../x.css"``)."""
    allowed = [r.resolve() for r in allowed_roots]
    seen: set[Path] = set()
    for file in sorted(folder.rglob("*")):
        # A FIFO or device among them is refused, not skipped: WeasyPrint or Jinja would open it.
        if file.suffix.lower() in (".css", ".html") and not file.is_dir():
            _check_file(file, allowed, seen)


def _check_file(file: Path, allowed: list[Path], seen: set[Path]) -> None:
    if file.resolve() in seen:
        return
    seen.add(file.resolve())
    data = read_regular(file)
    try:
        if file.suffix.lower() == ".css":
            # As WeasyPrint decodes it: a byte order mark, then @charset, are read as encoding
            # marks, never as a rule that swallows the @import after it.
            found = _rule_references(tinycss2.parse_stylesheet_bytes(data, skip_comments=True)[0])
        else:
            found = html_references(data.decode("utf-8", errors="replace"))
    except CSSTooDeep as error:
        raise InputError(file, error.problem(), error.line) from None
    _raise_first(file, found, allowed)
    if file.suffix.lower() == ".html":
        _refuse_attachment(file, data.decode("utf-8", errors="replace"))
    for _, target in found:
        loaded = _local_file(target, file.parent) if target else None
        if loaded and loaded.suffix.lower() == ".css" and loaded.is_file():
            _check_file(loaded, allowed, seen)


def read_regular(file: Path) -> bytes:
    """The bytes of ``file`` when it is a regular file; a FIFO (which would block for ever), a
    device or a socket is refused before it is opened, and checked again once open."""
    try:
        if not stat.S_ISREG(os.stat(file).st_mode):
            raise InputError(file, f"not a regular file ({kind(os.stat(file).st_mode)}): not read")
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(file, f"cannot read: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as stream:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):  # swapped since
            raise InputError(file, f"not a regular file ({kind(mode)}): not read")
        try:
            return stream.read()
        except OSError as exc:
            raise InputError(file, f"cannot read: {exc.strerror or exc}") from None


def check_svg(file: Path, data: bytes, allowed_roots: list[Path], report_as: Path | None = None) -> None:
    """An SVG image may not load anything from another host or outside ``allowed_roots``: its
    href and xlink:href attributes, its <style> elements and style attributes are all checked.
    Errors name ``report_as`` (the brand.toml that names the logo), with the logo's name."""
    allowed = [r.resolve() for r in allowed_roots]
    where = report_as or file
    if b"<!ENTITY" in data:
        raise InputError(where, f"logo {file.name} declares XML entities, which can read other files")
    if b"<?xml-stylesheet" in data:
        raise InputError(where, f"logo {file.name} loads a stylesheet (<?xml-stylesheet?>): put its styles in the SVG")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return  # the caller reports an unreadable image
    try:
        found = _svg_references(root)
    except CSSTooDeep as error:
        raise InputError(where, f"logo {file.name}: {error.problem()}") from None
    for _, target in found:
        problem = _LOCAL if target is None else _reference_problem(target, file.parent, allowed)
        if problem:
            raise InputError(where, f"logo {file.name} {problem}" + (f": {target}" if target else ""))


def _svg_references(root) -> list[tuple[int | None, str | None]]:
    found: list[tuple[int | None, str | None]] = []
    for element in root.iter():
        tag = element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""
        for name, value in element.attrib.items():
            local = name.rpartition("}")[2]
            if local == "href":
                found.append((None, value.strip()))
            elif local == "style":
                found += declaration_references(value)
            elif "url(" in value.lower():  # fill="url(...)" and other presentation attributes
                found += declaration_references(f"{local}: {value}")
        if tag == "style" and element.text:
            found += css_references(element.text)
    return found


def css_references(text: str) -> list[tuple[int, str | None]]:
    """(line, address) for each address a stylesheet loads, as WeasyPrint's tokenizer reads it;
    None for a local() font."""
    return _rule_references(tinycss2.parse_stylesheet(text, skip_comments=True))


def _rule_references(rules) -> list[tuple[int, str | None]]:
    found: list[tuple[int, str | None]] = []
    for rule in rules:
        if rule.type == "at-rule" and rule.lower_at_keyword == "import":
            strings = [t for t in rule.prelude if t.type == "string"]
            found += [(t.source_line, t.value) for t in strings[:1]]
        if rule.type == "at-rule" and rule.lower_at_keyword == "namespace":
            _walk(rule.content or [], found)  # a namespace's URL names it; it is never loaded
            continue
        if rule.type in ("at-rule", "qualified-rule"):
            _walk(list(rule.prelude or []) + list(rule.content or []), found)
    return found


def declaration_references(text: str) -> list[tuple[int, str | None]]:
    """As css_references, for the declarations of a style="" attribute."""
    found: list[tuple[int, str | None]] = []
    _walk(tinycss2.parse_component_value_list(text, skip_comments=True), found)
    return found


def _walk(tokens, found: list) -> None:
    # Depth first, in order, with a stack of our own: nesting is bounded by MAX_CSS_DEPTH, not
    # by Python's recursion limit.
    todo = [(token, 1) for token in reversed(list(tokens))]
    while todo:
        token, depth = todo.pop()
        inside = ()
        if token.type == "url":
            found.append((token.source_line, token.value))
        elif token.type == "function":
            strings = [t for t in token.arguments if t.type == "string"]
            if token.lower_name in _URL_FUNCTIONS:
                found += [(t.source_line, t.value) for t in strings[:1]]
            elif token.lower_name in _URL_LIST_FUNCTIONS:
                found += [(t.source_line, t.value) for t in strings]
            elif token.lower_name == "local":
                found.append((token.source_line, None))
            inside = token.arguments
        elif token.type in ("() block", "[] block", "{} block"):
            inside = token.content
        if inside and depth >= MAX_CSS_DEPTH:
            raise CSSTooDeep(token.source_line)
        todo.extend((t, depth + 1) for t in reversed(inside))


def html_references(text: str) -> list[tuple[int, str | None]]:
    """(line, address) for each address a template's HTML or CSS points at."""
    plain = _unescaped(text)
    found = [(plain.count("\n", 0, m.start()) + 1, m[1]) for m in _REFERENCE.finditer(plain)]
    for match in _STYLE_ELEMENT.finditer(text):
        first = text.count("\n", 0, match.start(2))
        try:
            found += [(first + line, target) for line, target in css_references(match[2])]
        except CSSTooDeep as error:
            raise CSSTooDeep(first + error.line) from None
    for match in _STYLE_ATTRIBUTE.finditer(text):
        first = text.count("\n", 0, match.start())
        value = html.unescape(match[1] if match[1] is not None else match[2])
        found += [(first + line, target) for line, target in declaration_references(value)]
    return found


def _raise_first(file: Path, found: list[tuple[int, str | None]], allowed: list[Path]) -> None:
    problems = []
    for line, target in found:
        problem = _LOCAL if target is None else _reference_problem(target, file.parent, allowed)
        if problem:
            problems.append((line, problem + (f": {target}" if target is not None else "")))
    if problems:
        line, message = min(problems, key=lambda p: p[0])
        raise InputError(file, message, line)


def _refuse_attachment(file: Path, text: str) -> None:
    """rel="attachment" makes WeasyPrint embed the file linked in the PDF: a template could put
    the workspace's .env into every patient's handout. (Spelled with Jinja, the renderer refuses
    it all the same, when it lays the page out.)"""
    plain = _unescaped(text)
    match = _ATTACHMENT.search(plain)
    if match:
        raise InputError(file, 'attaches a file to the PDF (rel="attachment"): a handout never carries a file',
                         plain.count("\n", 0, match.start()) + 1)


def _unescaped(text: str) -> str:
    """The text as WeasyPrint reads it: CSS escapes (\\66 ile:) and HTML character references
    (&#102;ile:) undone, so an escaped "file:" or "http:" cannot slip past the check.
    Line by line, and a decoded line break becomes a space, so reported line numbers stay true."""

    def css(match: re.Match) -> str:
        if match[1]:
            code = int(match[1], 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return match[2]

    def line(text: str) -> str:
        return re.sub(r"\\(?:([0-9a-fA-F]{1,6})[ \t]?|(.))", css, html.unescape(text)).replace("\n", " ")

    return "\n".join(line(part) for part in text.split("\n"))


def _reference_problem(target: str, base: Path, allowed: list[Path]) -> str | None:
    target = target.strip()
    if target.startswith(("data:", "#", "{{", "{%")) or not target:
        return None
    resolved = _local_file(target, base)
    if resolved is None:
        return "refers to a remote address (handouts never uses the network)"
    if not any(resolved.is_relative_to(a) for a in allowed):
        return "refers to a file outside the workspace"
    return None


def _local_file(target: str, base: Path) -> Path | None:
    """The file an address names, as WeasyPrint reads it (a file: address's path, percent-escapes
    undone); None for an address on another host."""
    target = target.strip()
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", target)
    if scheme and scheme[1].lower() != "file" or target.startswith(("//", "\\\\", "/\\", "\\/")):
        return None
    path = urlparse(target).path if scheme else target.split("#")[0].split("?")[0]
    return (base / unquote(path)).resolve()
