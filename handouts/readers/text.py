"""Small text helpers the readers share: bullets, whitespace, dates, name keys."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# "•", "-", "*", "–", "·" and numbered bullets, as pages saved from browsers have them.
_BULLET = re.compile(r"^\s*(?:[•\u2022\u25cf\u25aa\u00b7\-\*\u2013]|\d+[.)])\s+")


def squash(text: str) -> str:
    """Collapse runs of white space (including non-breaking spaces) to one space."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def bullet_text(line: str) -> str | None:
    """The text of a bulleted line, or None when the line is not a bullet."""
    match = _BULLET.match(line)
    return squash(line[match.end():]) if match else None


def parse_date(value: str) -> dt.date | None:
    """A date written as 2025-12-30, "December 30, 2025" or "Dec 30, 2025"; None if it is none of those."""
    value = squash(value).rstrip(".")
    for fmt in ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


# Salt and ester words that name the same medicine ("fedratinib hydrochloride" is fedratinib).
SALT_WORDS = frozenset(
    "hydrochloride hcl dihydrochloride citrate tosylate mesylate maleate malate sulfate acetate "
    "phosphate tartrate fumarate succinate besylate monohydrate dihydrate calcium sodium potassium "
    "disodium bromide".split()
)


def name_key(name: str) -> str:
    """A key under which spellings of one drug name meet: case, accents, punctuation and salts ignored.

    "Inotuzumab Ozogamicin", "inotuzumab-ozogamicin" and "INOTUZUMAB OZOGAMICIN" share a key, and so
    do "Fedratinib Hydrochloride" and "fedratinib". Salt words go only from the end of a name, where
    a salt is written, so "Sodium Bicarbonate" never meets "Potassium Bicarbonate".
    """
    return "".join(generic_words(name))


def generic_words(name: str) -> list[str]:
    """The words of a drug name that name the medicine: trailing salt words dropped."""
    kept = _words(name)
    while len(kept) > 1 and kept[-1] in SALT_WORDS:
        kept.pop()
    return kept


def _words(text: str) -> list[str]:
    """Lower-case words with accents folded away; letters of other scripts are kept as they are,
    so text in another alphabet never collapses to an empty key."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.findall(r"\w+", plain)


def item_key(text: str) -> str:
    """A key for de-duplicating items: insensitive to case, accents, punctuation and bullet style.

    Comparison signs stay: "fever > 38 °C" and "fever ≥ 38 °C" are different thresholds.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+|[%<>≤≥=°]", plain))
