"""Text from outside (a server's error message, a source document's words, a file's name) reaches the
terminal as plain text: every control character is shown as an escape, never obeyed, so a source
cannot clear the screen, retitle the window, overwrite a line with a fake "saved", or reorder what
follows it (bidirectional overrides)."""

from __future__ import annotations

import re

import click

# C0 (but tab and newline), DEL, C1, and the invisible marks that reorder text or break lines.
_INVISIBLE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_IN_LINES = re.compile(f"[{_INVISIBLE}]")
_IN_A_LINE = re.compile(f"[{_INVISIBLE}\n]")
# What json.dumps(ensure_ascii=False) leaves as it is: DEL, C1 and the marks above (it escapes C0).
_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str, lines: bool = False) -> str:
    """``text`` with its control characters written out (``\\x1b``, ``\\u202e``); newlines are kept
    only where ``lines`` says the text is several lines of the tool's own making."""
    return (_IN_LINES if lines else _IN_A_LINE).sub(_escape, text)


def json_text(text: str) -> str:
    """JSON text with the characters json.dumps leaves raw escaped as \\uXXXX: the same data."""
    return _IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def echo(text: str, err: bool = False, nl: bool = True, lines: bool = True) -> None:
    """click.echo of printable text: every line the commands print goes through here."""
    click.echo(printable(text, lines), err=err, nl=nl)


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


_NAMED = {"\n": "\\n", "\r": "\\r"}
