"""The workspace's own settings, in handouts.toml at its top: which brand it prints with, in which
language, and where `handouts fetch` finds FDA labels (a mirror or a test server may stand in for the
public services)."""

from __future__ import annotations

import math
import string
import urllib.parse
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
    timeout: float = 30.0  # seconds for one whole answer
    retries: int = 3  # further tries after a 429, a 5xx or a dropped connection
    backoff: float = 1.0  # seconds before the first retry; doubled each time
    max_mb: float = 50.0  # a reply larger than this, once decoded, is refused

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


# The range each number in [fetch] must fall in: (smallest, largest, smallest allowed to be).
_RANGES = {"timeout": (0.1, 3600.0), "retries": (0, 10), "backoff": (0.0, 60.0), "max_mb": (0.001, 1024.0)}


def _fetch(table, path: Path) -> FetchConfig:
    if not isinstance(table, dict):
        raise InputError(path, "fetch must be a table: [fetch]")
    unknown = sorted(set(table) - set(FetchConfig.keys()))
    if unknown:
        raise InputError(path, f"unknown key {unknown[0]!r} in [fetch] (known: {', '.join(FetchConfig.keys())})",
                         tomlfile.line_of(path, unknown[0], "fetch"))
    values = {}
    for name, value in table.items():
        problem = _url_problem(name, value) if name.endswith("_url") else _number_problem(name, value)
        if problem:
            raise InputError(path, f"fetch.{name} {problem}", tomlfile.line_of(path, name, "fetch"))
        values[name] = value if name.endswith("_url") else type(getattr(FetchConfig, name))(value)
    return FetchConfig(**values)


def _number_problem(name: str, value) -> str | None:
    low, high = _RANGES[name]
    whole = isinstance(low, int)
    if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)):
        return f"must be a {'whole ' if whole else ''}number from {low:g} to {high:g}"
    if not (math.isfinite(value) and low <= value <= high):  # nan and inf fail here too
        return f"must be from {low:g} to {high:g}, not {value}"
    return None


def _url_problem(name: str, value) -> str | None:
    if not (isinstance(value, str) and value.startswith(("http://", "https://"))):
        return "must be an http:// or https:// address"
    if name == "dailymed_url":
        try:
            fields = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(value) if f is not None]
        except ValueError:  # a stray { or }
            fields = None
        if fields != [("set_id", "", None)]:
            return "must hold {set_id}, once, where the label's set id goes (write a brace itself as {{ or }})"
        value = value.format(set_id="0" * 8)
    if any(c.isspace() or not c.isprintable() for c in value):
        return "holds a space or a control character: not an address"
    try:
        parts = urllib.parse.urlsplit(value)
        parts.port  # noqa: B018 - raises on a port that is not a number from 0 to 65535
    except ValueError as exc:
        return f"is not a well-formed address ({exc})"
    return None if parts.hostname else "names no host"


def chosen_language(root: Path, option: str | None) -> i18n.Language:
    """The build's language: --lang, else ``lang`` in handouts.toml, else English."""
    return i18n.language(option or load(root).lang)
