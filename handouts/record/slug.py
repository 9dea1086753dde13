"""File names from drug names and titles: readable ASCII, safe on any file system.

Greek letters and accents are transliterated (python-slugify, with text-unidecode), so
"interferon γ-1b" and "interferon β-1b" become different names, not one.
"""

from __future__ import annotations

from slugify import slugify

MAX_LENGTH = 80  # well under any file system's 255-byte name limit, with ".pdf" and a "-2" suffix

# Names Windows reserves whatever the extension: a handout copied to a clinic PC must open.
_RESERVED = frozenset(["con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))])


def slug(text: str, max_length: int = MAX_LENGTH) -> str:
    """Lower-case ASCII letters, digits and single hyphens; "" when the text has no letter or digit."""
    stem = slugify(text, max_length=max_length, word_boundary=False, save_order=True)
    return f"{stem}-file" if stem in _RESERVED else stem


def unique(names: dict[str, str]) -> dict[str, str]:
    """A distinct slug for each key, given each key's text.

    Texts whose slugs collide ("interferon γ-1b" and "interferon g-1b") all get numbered
    suffixes in the order of their texts, so every one of them shows the clash, and the result
    depends only on the set of texts, never on the order they were found in. A key whose text has
    no letter or digit maps to "".
    """
    stems = {key: slug(text) for key, text in names.items()}
    groups: dict[str, list[str]] = {}
    for key, stem in stems.items():
        groups.setdefault(stem, []).append(key)
    taken = {stem for stem, keys in groups.items() if len(keys) == 1}
    result = {key: stem for key, stem in stems.items() if not stem or len(groups[stem]) == 1}
    for stem, keys in sorted(groups.items()):
        if not stem or len(keys) == 1:
            continue
        number = 1
        for key in sorted(keys, key=lambda k: (names[k], k)):
            while (candidate := f"{stem[: MAX_LENGTH - 6]}-{number}") in taken:
                number += 1
            taken.add(candidate)
            result[key] = candidate
    return result
