"""What a brand's stylesheets and templates point at: never another host, never a file outside the workspace.

Checked before anything is built, so a brand that would fetch from the network fails with the file and
line named; the renderer's sandbox (pdf.SandboxFetcher) refuses the same things again at layout time.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from .errors import InputError

# What a template or stylesheet may not point at: other hosts, or files outside the workspace.
# ``data=`` is <object data=...>, which WeasyPrint loads like an image.
_REFERENCE = re.compile(
    r"""(?:url\(\s*['"]?|@import\s+['"]|\b(?:src|href|data)\s*=\s*['"]?)\s*([^'")\s>]+)""", re.IGNORECASE
)

def check_folder(folder: Path, allowed_roots: list[Path]) -> None:
    """Every stylesheet and template in ``folder`` may point only at files under ``allowed_roots``."""
    allowed = [r.resolve() for r in allowed_roots]
    for file in sorted(folder.rglob("*")):
        if file.suffix.lower() not in (".css", ".html") or not file.is_file():
            continue
        try:
            text = _unescaped(file.read_text(encoding="utf-8", errors="replace"))
        except OSError as exc:
            raise InputError(file, f"cannot read: {exc.strerror or exc}") from None
        for match in _REFERENCE.finditer(text):
            target = match[1]
            line = text.count("\n", 0, match.start()) + 1
            problem = _reference_problem(target, file.parent, allowed)
            if problem:
                raise InputError(file, f"{problem}: {target}", line)


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
    if target.startswith(("data:", "#", "{{", "{%")):
        return None
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", target)
    if scheme and scheme[1].lower() != "file" or target.startswith("//"):
        return "refers to a remote address (handouts never uses the network)"
    local = Path(target[7:] if target.lower().startswith("file://") else target)
    resolved = (base / local).resolve()
    if not any(resolved.is_relative_to(a) for a in allowed):
        return "refers to a file outside the workspace"
    return None
