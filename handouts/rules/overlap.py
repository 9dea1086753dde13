"""One message per symptom: find the side effects that the urgent tiers already name.

A patient told "call right away for fever" and then "tell us if fever bothers you" does not
know what to do. Symptoms are compared as terms, not as whole items: "Fever or chills" is two
terms, fever and chills, and each is looked up among the terms of every urgent sign and
warning. A term is compared by its content words, with plurals and "-ness" folded
("very bad tiredness" and "feeling tired" are the same symptom, one with a severity word).

- a term the urgent tiers name as it is ("headache" among the signs of a reaction) is *named*:
  it is not listed again as a side effect;
- a term they name only in a worse form ("a bad headache", "feeling very tired or weak") is a
  *milder form*: the side effect stays, with a pointer to the urgent wording;
- fever is never a "bothers you" item while any urgent sign names fever.

The words that say how bad a symptom is, the filler and the joining words belong to the
record's language (``VOCABULARIES``: English and Spanish); the words for fever come from the
page's message catalogue (i18n.py), so "fiebre" and "escalofríos" are compared like "fever".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .. import i18n
from ..record import DrugRecord, Item, record_language

# Words that say a symptom is worse than usual: the urgent form of a common side effect.
SEVERITY = {"very", "bad", "severe", "serious", "extreme", "extremely", "sudden", "unusual", "unusually",
            "worse", "worsening", "high", "intense", "strong", "lot", "major", "heavy", "fast"}
# Words that carry no symptom of their own.
FILLER = {"a", "an", "the", "your", "you", "feeling", "feel", "feels", "being", "of", "in", "any", "that",
          "is", "are", "have", "having", "with", "without", "or", "and", "mild", "slight", "some", "minor",
          "new", "more", "may", "can", "get", "getting", "which"}
FEVER = "fever"

_LEAD_IN = re.compile(r"^(?:call|tell|get|contact|see)\b[^,;]*?\b(?:for|if you have|if you get|about)\s+", re.I)
_SPLIT_CHUNKS = re.compile(r"[;,.:]\s*")
_SPLIT_TERMS = re.compile(r"(?<!\s)(?:\s+(?:or|and|and/or)\s+|\s*/\s*)")


@dataclass(frozen=True)
class Vocabulary:
    """One language's words for comparing symptoms."""

    severity: frozenset[str]
    filler: frozenset[str]
    lead_in: re.Pattern
    split_terms: re.Pattern
    fever: tuple[str, ...]  # stems of the words that mean fever
    final_or: str  # "Fatigue, rash or itching"
    plural_es: bool = False  # Spanish plurals: "dolores" -> "dolor"

    def stem(self, word: str) -> str:
        word = word.lower()
        if self.plural_es:
            if word.endswith("es") and len(word) > 4 and word[-3] not in "aeiouáéíóú":
                return word[:-2]
            return word[:-1] if word.endswith("s") and len(word) > 3 else word
        return stem(word)


ENGLISH = Vocabulary(frozenset(SEVERITY), frozenset(FILLER), _LEAD_IN, _SPLIT_TERMS, (FEVER,), " or ")
SPANISH = Vocabulary(
    severity=frozenset({"muy", "fuerte", "grave", "severo", "severa", "intenso", "intensa", "repentino",
                        "repentina", "súbito", "súbita", "inusual", "peor", "alto", "alta", "mucho", "mucha",
                        "rápido", "rápida", "extremo", "extrema"}),
    filler=frozenset({"un", "una", "uno", "unos", "el", "la", "lo", "de", "del", "al", "su", "sus", "en",
                      "con", "sin", "que", "se", "le", "o", "y", "u", "e", "leve", "tener", "tiene", "sentirse",
                      "siente", "sentir", "estar", "está", "cualquier", "grado", "tipo", "nuevo", "nueva", "más",
                      "puede", "algo", "poco", "ligero", "ligera"}),
    lead_in=re.compile(r"^(?:llame|avise|consulte|busque|dígale)\b[^,;]*?\b(?:si tiene|si nota|si le da|por|para)\s+",
                       re.I),
    split_terms=re.compile(r"\s+(?:o|y|u|e)\s+|\s*/\s*", re.I),
    fever=(), final_or=" o ", plural_es=True,
)
VOCABULARIES = {"en": ENGLISH, "es": SPANISH}


def vocabulary(record: DrugRecord) -> Vocabulary:
    """The record's language's words (English's for a language without its own), with its
    catalogue's words for fever."""
    code = record_language(record)
    base = i18n.base(code)
    words = VOCABULARIES.get(base, ENGLISH)
    try:
        fever = i18n.language(code).fever_words
    except Exception:  # noqa: BLE001 - no catalogue for the language: the build says so; compare as English
        fever = ()
    stems = tuple(dict.fromkeys((*words.fever, *(words.stem(w) for w in fever))))
    return replace(words, fever=stems or (FEVER,))


@dataclass(frozen=True)
class Term:
    text: str  # as the source words it
    key: frozenset[str]  # its content words, folded
    severe: bool  # carries (or inherits) a severity word
    chunk: str  # the phrase it came from, for a pointer: "feeling very tired or weak"


@dataclass
class Effect:
    """A side effect as the page lists it: maybe shortened, maybe with a pointer to the urgent box."""

    item: Item
    index: int  # position in the record's side effects
    pointer: str | None = None  # the urgent wording of its worse form
    removed: list[str] | None = None  # terms left out because the urgent tiers name them


@dataclass
class Resolution:
    shown: list[Effect]
    dropped: list[tuple[Item, list[str]]]  # side effects left out whole, with the urgent terms that name them
    unresolved: list[tuple[Item, str]]  # overlaps left on the page without a pointer (reported by check)


def stem(word: str) -> str:
    word = word.lower()
    if word.endswith("iness") and len(word) > 6:
        return word[:-5] + "y"  # dizziness -> dizzy
    if word.endswith("ness") and len(word) > 5:
        return word[:-4]  # tiredness -> tired
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def _words(text: str, words: Vocabulary = ENGLISH) -> list[str]:
    return [words.stem(w) for w in re.findall(r"[^\W\d_]+", text)]


def terms(text: str, words: Vocabulary = ENGLISH) -> list[Term]:
    """The symptom terms of a list such as "fever; chills; feeling very tired or weak"."""
    out: list[Term] = []
    # A parenthesis is a gloss of what comes before ("Feeling tired (fatigue)"): its own term.
    glosses = re.findall(r"\(([^)]*)\)", text)
    text = re.sub(r"\([^)]*\)", " ", text)
    for chunk in filter(None, (c.strip() for c in _SPLIT_CHUNKS.split(text))):
        chunk = re.sub(r"^(?:or|and)\s+", "", chunk)
        # "Call right away for chills" names chills: the lead-in is an instruction, not a symptom.
        chunk = words.lead_in.sub("", chunk)
        first_severe = None
        for n, part in enumerate(filter(None, (p.strip() for p in words.split_terms.split(chunk)))):
            found = _words(part, words)
            key = frozenset(w for w in found if w not in words.severity and w not in words.filler)
            if not key:
                continue
            severe = any(w in words.severity for w in found)
            if n == 0:
                first_severe = severe
            elif not severe and first_severe and len(key) == 1:
                severe = True  # "very tired or weak": the "very" goes with both
            out.append(Term(part, key, severe, chunk))
    for gloss in glosses:
        out.extend(terms(gloss, words))
    return out


def urgent_terms(record: DrugRecord, words: Vocabulary | None = None) -> list[Term]:
    words = words or vocabulary(record)
    found: list[Term] = []
    for item in record.emergency_signs + record.serious_warnings + record.urgent_signs:
        found.extend(terms(item.text, words))
        if item.title:
            found.extend(terms(item.title, words))
    return found


def resolve(record: DrugRecord) -> Resolution:
    """The side effects to list, after taking out what the urgent tiers already say."""
    words = vocabulary(record)
    urgent = urgent_terms(record, words)
    named = {t.key for t in urgent if not t.severe}
    worse: dict[frozenset[str], str] = {}
    for t in urgent:
        if t.severe:
            worse.setdefault(t.key, t.chunk)
    fever_urgent = any(_fever(t, words) for t in urgent)
    shown: list[Effect] = []
    dropped: list[tuple[Item, list[str]]] = []
    unresolved: list[tuple[Item, str]] = []
    for index, item in enumerate(record.side_effects):
        own = _top_terms(item.text, words)
        glosses = [t for t in terms(item.text, words) if t not in own]
        gone, kept, pointer = [], [], None
        for term in own:
            aliases = [term.key] + [g.key for g in glosses]
            if any(k in named for k in aliases) or (fever_urgent and _fever(term, words)):
                gone.append(term.text)
            else:
                kept.append(term)
                pointer = pointer or next((worse[k] for k in aliases if k in worse), None)
        if own and not kept:
            dropped.append((item, gone))
            continue
        if gone:
            item = replace(item, text=_rejoin([t.text for t in kept], words))
        if any(_fever(t, words) for t in kept):
            unresolved.append((item, "fever listed as a side effect, but no urgent sign names fever"))
        shown.append(Effect(item, index, pointer, gone or None))
    return Resolution(shown, dropped, unresolved)


def _fever(term: Term, words: Vocabulary) -> bool:
    return any(f in term.key for f in words.fever)


def _top_terms(text: str, words: Vocabulary = ENGLISH) -> list[Term]:
    """Terms of the item's own words, leaving out its glosses in parentheses."""
    glossless = re.sub(r"\([^)]*\)", " ", text)
    found = terms(glossless, words)
    # Keep the gloss in the text of the term it follows, so a shortened item reads as written.
    return [replace(t, text=_with_gloss(text, t.text)) for t in found]


def _with_gloss(text: str, part: str) -> str:
    match = re.search(re.escape(part) + r"\s*(\([^)]*\))", text)
    return f"{part} {match[1]}" if match else part


def _rejoin(parts: list[str], words: Vocabulary = ENGLISH) -> str:
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + words.final_or + parts[-1]
    return text[:1].upper() + text[1:]


def overlaps_left(record: DrugRecord, effects: list[Effect]) -> list[str]:
    """Every side effect on the page that still names an urgent symptom, for `check`."""
    words = vocabulary(record)
    urgent = urgent_terms(record, words)
    keys = {t.key for t in urgent}
    out = []
    for effect in effects:
        hits = [t.text for t in terms(effect.item.text, words) if t.key in keys]
        if hits:
            how = "with a pointer to the urgent box" if effect.pointer else "without a pointer"
            out.append(f"{effect.item.text!r} ({', '.join(hits)}: {how})")
    return out
