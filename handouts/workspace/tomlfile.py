"""Reading the project's small TOML files (brand.toml, handouts.toml, packet files) with one-line errors."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ..errors import InputError
from . import suggest


def read(path: Path, keys: tuple[str, ...] | list[str]) -> dict:
    """The file's table, checked to hold only ``keys``; errors name the file and, where TOML says, the line."""
    if path.is_dir():
        raise InputError(path, "is a folder, not a TOML file")
    if path.exists() and not path.is_file():  # a FIFO would block the read for ever
        raise InputError(path, "is not a regular file")
    try:
        raw = path.read_bytes()
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InputError(path, "is UTF-16 text: save it as UTF-8")
        # utf-8-sig: a byte order mark, which Windows editors write, is not "Invalid statement".
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise InputError(path, f"malformed TOML: {str(exc).split(' (at')[0]}", int(line[1]) if line else None) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    unknown = sorted(set(data) - set(keys))
    if unknown:
        hint = suggest.did_you_mean(unknown[0], {k: k for k in keys})
        raise InputError(path, f"unknown key {unknown[0]!r}{hint} (known: {', '.join(keys)})")
    return data


def line_of(path: Path, key: str, table: str | None = None) -> int | None:
    """The line where ``key`` is set (in ``[table]``, or as ``table.key``), for errors about values TOML
    accepted; None when it cannot be told (then the error names the file alone)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    current = None
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"\s*\[\s*([^\]]*?)\s*\]", line)
        if header:
            current = header[1].strip('"')
            continue
        dotted = rf"{re.escape(table)}\s*\.\s*" if table and current is None else ""
        if (current == table or dotted) and re.match(rf"\s*{dotted}[\"']?{re.escape(key)}[\"']?\s*=", line):
            return number
    return None
