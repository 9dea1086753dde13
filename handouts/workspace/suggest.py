"""Did you mean ...? The closest known names to one that names nothing, for a one-line error."""

from __future__ import annotations

import difflib

from ..readers.text import name_key


def closest(name: str, known: dict[str, str], limit: int = 3) -> list[str]:
    """What to offer for ``name``: up to ``limit`` labels of the ``known`` names it is most probably
    a misspelling of, best first. ``known`` maps each name to its label ("Blincyto" and
    "blinatumomab" both to "Blincyto (blinatumomab)"), so a drug is offered once, by its best match.

    Names are compared by their keys (case, spaces and punctuation aside), so "blincito" finds
    "Blincyto" and "inotuzumab ozogamycin" finds "inotuzumab ozogamicin"."""
    by_key: dict[str, str] = {}
    for candidate, label in known.items():
        by_key.setdefault(name_key(candidate), label)
    by_key.pop("", None)
    if not by_key:
        return []  # nothing known (a workspace where no drug could be read): difflib refuses n=0
    keys = difflib.get_close_matches(name_key(name), list(by_key), n=len(by_key), cutoff=0.6)
    return list(dict.fromkeys(by_key[k] for k in keys))[:limit]


def did_you_mean(name: str, known: dict[str, str]) -> str:
    """ "; did you mean Blincyto (blinatumomab)?", or "" when nothing is close."""
    found = closest(name, known)
    return f"; did you mean {' or '.join(found)}?" if found else ""
