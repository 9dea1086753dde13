"""Records in the patient's language, and the check that no urgent sign was lost in translation.

A translated record is a YAML record people wrote (the tool never machine-translates clinical
text) with ``language: es`` and ``translates: {generic_name, language}``. Each of its urgent
signs and serious warnings translates one of the original's, by position, or the one an item
names with ``of: N`` (1-based). ``translated_from_review`` is the original's review date the
translation was made from: an original reviewed later may say something new.

A build in a language uses, for each drug, its record in that language and only it; a drug
without one fails with one line naming it and the language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import yaml

from ..i18n import Language, base, is_english
from ..i18n import language as load_language
from ..readers.text import name_key
from . import DrugRecord, record_language, review
from .fields import FIELDS, ITEM, ITEMS, URGENT_FIELDS, names
from .slug import slug

# The tiers whose every item must be translated ("emergency_signs" where records have that tier).
MAPPED = URGENT_FIELDS
TIER_NAMES = {name: name.replace("_", " ") for name in MAPPED}
# What a skeleton has slots for: the single items in the record's order; the lists with the urgent
# tiers first, as the page prints them, then the rest in the record's order.
_SKELETON_ITEMS = names(f for f in FIELDS if f.kind == ITEM and f.translated)
_SKELETON_LISTS = (*MAPPED, *names(f for f in FIELDS if f.kind == ITEMS and f.translated and f.name not in MAPPED))


def split(records: list[DrugRecord]) -> tuple[list[DrugRecord], dict[str, list[DrugRecord]]]:
    """The records in English (the originals), and the others by language ("es": [...])."""
    originals, others = [], {}
    for record in records:
        code = record_language(record)
        if is_english(code):
            originals.append(record)
        else:
            others.setdefault(base(code), []).append(record)
    return originals, others


def original_key(record: DrugRecord) -> str:
    """The name of the drug a translated record is about: the one it says it translates."""
    return name_key(record.translation.generic_name if record.translation else record.generic_name)


def localised(catalog, language: Language):
    """The catalogue as a build in ``language`` sees it: each drug's record in that language
    (its PDF named "<drug>.<lang>.pdf"), or, for a drug with none, a drug that fails saying so."""
    if is_english(language.code):
        return catalog
    code = base(language.code)
    translated = {name_key(d.record.translation.generic_name if d.record.translation else d.name): d
                  for d in catalog.translations.get(code, [])}
    drugs = []
    for drug in catalog.drugs:
        found = translated.get(name_key(drug.name))
        if found is None:
            missing = f"no record in {language.name} ({code}) for {drug.name}: write one (handouts extract --translate {code} {drug.name})"
            drugs.append(replace(drug, problems=[missing], stem=f"{drug.stem}.{code}"))
        else:
            drugs.append(replace(found, stem=f"{drug.stem}.{code}"))
    # A record in the language about a drug with no English record still builds; `check` fails it,
    # having no original to compare its urgent signs with.
    originals = {name_key(d.name) for d in catalog.drugs}
    for key, drug in translated.items():
        if key not in originals:
            drugs.append(replace(drug, stem=f"{slug(drug.name)}.{code}"))
    return replace(catalog, drugs=drugs)


def original_of(catalog, drug):
    """The English drug a translated drug translates, or None."""
    key = original_key(drug.record)
    return next((d for d in catalog.drugs if name_key(d.name) == key), None)


@dataclass
class Finding:
    ok: bool
    value: str
    detail: str = ""


def compare(original: DrugRecord, translation: DrugRecord) -> list[tuple[str, Finding]]:
    """The translation against its original: every urgent sign and serious warning has its
    translation, each item translates one of the original's, and the original has not been
    reviewed since the translation was made."""
    out = []
    positions = translation.translation.of if translation.translation else {}
    for tier in MAPPED:
        theirs, ours = getattr(original, tier, []), getattr(translation, tier, [])
        if not theirs and not ours and tier == "emergency_signs":
            continue
        of = positions.get(tier) or list(range(len(ours)))
        stray = [n + 1 for n, o in enumerate(of) if o >= len(theirs)]
        twice = sorted({o + 1 for o in of if of.count(o) > 1})
        lost = [it.text for n, it in enumerate(theirs) if n not in of]
        problems = []
        if lost:
            problems.append(f"no translation of {lost[0]!r}" + (f" and {len(lost) - 1} more" if len(lost) > 1 else ""))
        if stray:
            problems.append(f"item {stray[0]} translates no item of the original (it has {len(theirs)})")
        if twice:
            problems.append(f"two items say they translate item {twice[0]}")
        out.append((f"translation: {TIER_NAMES[tier]}", Finding(
            not problems, f"{len(ours)} of {len(theirs)}", "; ".join(problems))))
    made_from = translation.translation.from_review if translation.translation else None
    reviewed = review.newest_review(original.sources)
    if made_from is None:
        finding = Finding(False, "no translated_from_review", "say which review of the original was translated")
    elif reviewed is not None and reviewed > made_from:
        finding = Finding(False, f"original reviewed {reviewed.isoformat()}",
                          f"translated from the review of {made_from.isoformat()}: the original may have changed")
    else:
        finding = Finding(True, f"from the review of {made_from.isoformat()}")
    out.append(("translation: up to date", finding))
    return out


def skeleton(record: DrugRecord, code: str, today: dt.date | None = None) -> str:
    """A translated record to fill in: each item's English text as a comment beside an empty
    slot. Nothing is translated here: a person writes every word."""
    code = base(code)
    load_language(code)  # a language the page's words exist in
    reviewed = review.newest_review(record.sources)
    lines = [
        f"# Translation of the {record.generic_name} record into {load_language(code).name} ({code}).",
        "# Write each text in the empty slot below its English; keep every item, in the same order",
        "# (or say which item it translates with 'of: N'). `handouts check --lang " + code + "` compares.",
        f"generic_name: {_scalar(record.generic_name)}",
        f"language: {code}",
        "translates:",
        f"  generic_name: {_scalar(record.generic_name)}",
        f"  language: {record_language(record)}",
        f"translated_from_review: {reviewed.isoformat() if reviewed else ''}",
    ]
    if record.brands:
        lines.append("brands:")
        lines += [f"  - {_scalar(b)}" for b in record.brand_names]
    for name in _SKELETON_ITEMS:
        item = getattr(record, name)
        if item is not None:
            lines += [f"# {name}: {_comment(item.text)}", f"{name}: \"\""]
    for name in _SKELETON_LISTS:
        items = getattr(record, name, [])
        if not items:
            continue
        lines.append(f"{name}:")
        for n, item in enumerate(items, 1):
            lines.append(f"  # {n}. {_comment((item.title + ': ' if item.title else '') + item.text)}")
            lines.append("  - text: \"\"")
            if item.title:
                lines.append("    title: \"\"")
            if item.frequency:
                lines.append(f"    frequency: {_scalar(item.frequency)}")
            if name in MAPPED:
                lines.append(f"    of: {n}")
    lines.append("sources:")
    for source in record.sources:
        data = {k: v for k, v in (("publisher", source.publisher), ("title", source.title), ("url", source.url),
                                   ("last_reviewed", source.last_reviewed.isoformat() if source.last_reviewed else None),
                                   ("review_frequency", source.review_frequency)) if v}
        entry = yaml.safe_dump([data], allow_unicode=True, sort_keys=False, width=100).splitlines()
        lines += [f"  {line}" for line in entry]
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    return " ".join(text.split())


def _scalar(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, width=1000).splitlines()[0]
