"""The workspace's own settings, in handouts.toml at its top: which brand it prints with, in which language."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import tomlfile
from .errors import InputError

CONFIG_FILE = "handouts.toml"
KEYS = ("brand", "lang")


@dataclass(frozen=True)
class Config:
    brand: str | None = None
    lang: str | None = None  # "es": the handouts' language (see README, "Languages")


def load(root: Path) -> Config:
    path = root / CONFIG_FILE
    if not path.exists() and not path.is_symlink():
        return Config()
    data = tomlfile.read(path, KEYS)
    brand = data.get("brand")
    if brand is not None and not isinstance(brand, str):
        raise InputError(path, "brand must be the name of a folder under styles/brands/")
    lang = data.get("lang")
    if lang is not None and not isinstance(lang, str):
        raise InputError(path, "lang must be a language code such as \"es\"")
    return Config(brand=brand, lang=lang)
