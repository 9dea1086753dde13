"""The workspace's own settings, in handouts.toml at its top: which brand it prints with, in which
language, and where `handouts fetch` finds FDA labels (a mirror or a test server may stand in for the
public services)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import i18n
from ..errors import InputError
from . import tomlfile

CONFIG_FILE = "handouts.toml"
KEYS = ("brand", "lang", "fetch")

OPENFDA_URL = "https://api.fda.gov/drug/label.json"
DAILYMED_URL = "https://dailymed.nlm.nih.gov/dailymed/services/v2/spls/{set_id}.xml"


@dataclass(frozen=True)
class FetchConfig:
    """[fetch] in handouts.toml. Addresses: openFDA's label endpoint, DailyMed's SPL by set id."""

    openfda_url: str = OPENFDA_URL
    dailymed_url: str = DAILYMED_URL  # "{set_id}" marks where the set id goes
    timeout: float = 30.0  # seconds for one request
    retries: int = 3  # further tries after a 429, a 5xx or a dropped connection
    backoff: float = 1.0  # seconds before the first retry; doubled each time
    max_mb: float = 50.0  # a reply larger than this is refused

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        return tuple(cls.__dataclass_fields__)


@dataclass(frozen=True)
class Config:
    brand: str | None = None
    lang: str | None = None  # "es": the handouts' language (see README, "Languages")
    fetch: FetchConfig = field(default_factory=FetchConfig)


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
    return Config(brand=brand, lang=lang, fetch=_fetch(data.get("fetch", {}), path))


def _fetch(table, path: Path) -> FetchConfig:
    if not isinstance(table, dict):
        raise InputError(path, "fetch must be a table: [fetch]")
    unknown = sorted(set(table) - set(FetchConfig.keys()))
    if unknown:
        raise InputError(path, f"unknown key {unknown[0]!r} in [fetch] (known: {', '.join(FetchConfig.keys())})")
    defaults = FetchConfig()
    values = {}
    for name, value in table.items():
        kind = type(getattr(defaults, name))
        if kind is str and not (isinstance(value, str) and value.startswith(("http://", "https://"))):
            raise InputError(path, f"fetch.{name} must be an http:// or https:// address")
        if kind in (int, float) and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
            raise InputError(path, f"fetch.{name} must be a number of 0 or more")
        values[name] = kind(value)
    if "dailymed_url" in values and "{set_id}" not in values["dailymed_url"]:
        raise InputError(path, "fetch.dailymed_url must hold {set_id} where the label's set id goes")
    return FetchConfig(**values)


def chosen_language(root: Path, option: str | None) -> i18n.Language:
    """The build's language: --lang, else ``lang`` in handouts.toml, else English."""
    return i18n.language(option or load(root).lang)
