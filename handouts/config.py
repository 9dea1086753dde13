"""The workspace's own settings, in handouts.toml at its top: which brand it prints with."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

CONFIG_FILE = "handouts.toml"
KEYS = ("brand",)


@dataclass(frozen=True)
class Config:
    brand: str | None = None


def load(root: Path) -> Config:
    path = root / CONFIG_FILE
    if not path.is_file():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        # Name the line, as brand.toml errors do: "handouts.toml:2: malformed TOML: ...".
        line = re.search(r"line (\d+)", str(exc))
        raise InputError(path, f"malformed TOML: {str(exc).split(' (at')[0]}", int(line[1]) if line else None) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read: {exc}") from None
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise InputError(path, f"unknown key {unknown[0]!r} (known: {', '.join(KEYS)})")
    brand = data.get("brand")
    if brand is not None and not isinstance(brand, str):
        raise InputError(path, "brand must be the name of a folder under styles/brands/")
    return Config(brand=brand)
