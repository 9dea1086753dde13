"""Fold the records that several documents give about one drug into one record.

Lists are united and de-duplicated, keeping the source of the first copy; a
single value that documents disagree on comes from the most recently reviewed
one, and the disagreement is noted for ``handouts show``. A hand-written YAML
record overrides the raw documents field by field: the pharmacist's edit wins.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from ..readers import yamlrecord
from ..readers.text import item_key
from . import PROFESSIONAL_KINDS, BrandName, DrugRecord, Item
from .fields import LIST_FIELDS, SINGLE_FIELDS, URGENT_FIELDS


def merge(records: list[DrugRecord]) -> DrugRecord:
    """One record from records about the same drug (at least one)."""
    yaml_records = [r for r in records if _is_yaml(r)]
    raw, choice_notes = _choose_label([r for r in records if not _is_yaml(r)])
    raw = sorted(raw, key=_newest_first)
    merged = _merge_raw(raw) if raw else None
    for override in yaml_records[:1]:  # the workspace reports a second YAML record as an error
        # The pharmacist's record gives the patient wording a label written for prescribers lacks.
        merged = _apply_override(merged, override) if merged else override
    merged.notes[:0] = choice_notes
    _put_numbers_on_side_effects(merged)
    return merged


def _choose_label(records: list[DrugRecord]) -> tuple[list[DrugRecord], list[str]]:
    """Several FDA labels for one drug (repackagers, older versions): keep one, the maker's own
    prescription label of the newest date, and say which were set aside."""
    from ..readers import openfda

    labels = [r for r in records if r.sources and r.sources[0].kind in PROFESSIONAL_KINDS]
    if len(labels) < 2:
        return records, []
    chosen, aside = openfda.choose(labels)
    notes = [f"label chosen: {openfda.describe(chosen.sources[0])}"]
    notes.extend(f"label set aside: {openfda.describe(r.sources[0])}" for r in aside)
    # Notes a reply or bulk part made choosing inside itself stay with its chosen label.
    dropped = {id(r) for r in aside}
    return [r for r in records if id(r) not in dropped], notes


def _is_yaml(record: DrugRecord) -> bool:
    return bool(record.sources) and record.sources[0].kind == yamlrecord.KIND


def _reviewed(record: DrugRecord) -> dt.date:
    dates = [s.last_reviewed for s in record.sources if s.last_reviewed]
    return max(dates, default=dt.date.min)


def _newest_first(record: DrugRecord):
    return (-_reviewed(record).toordinal(), record.sources[0].key if record.sources else "")


def _merge_raw(records: list[DrugRecord]) -> DrugRecord:
    first = records[0]
    merged = DrugRecord(generic_name=first.generic_name)
    for record in records:
        merged.professional_wording = merged.professional_wording or record.professional_wording
        merged.notes.extend(record.notes)
        merged.sources.extend(record.sources)
        merged.ignored.extend(record.ignored)
        merged.brands = _unite_brands(merged.brands, record.brands)
        merged.rxnorm = list(dict.fromkeys(merged.rxnorm + record.rxnorm))
        for name in LIST_FIELDS:
            setattr(merged, name, unite(getattr(merged, name), getattr(record, name)))
    merged.serious_warnings = one_per_condition(merged.serious_warnings, merged.notes)
    for name in SINGLE_FIELDS:
        _choose_single(merged, name, records)
    return merged


def _choose_single(merged: DrugRecord, name: str, records: list[DrugRecord]) -> None:
    """Newest review wins (records come newest first); a disagreement is noted, not hidden."""
    values = [getattr(r, name) for r in records if getattr(r, name) is not None]
    if not values:
        return
    chosen = values[0]
    setattr(merged, name, chosen)
    same = _same_pronunciation if name == "pronunciation" else _same_text
    for other in values[1:]:
        if not same(other.text, chosen.text):
            merged.notes.append(
                f"{name}: sources disagree; kept {chosen.source} (newest review) over {other.source}"
            )


def _same_text(a: str, b: str) -> bool:
    return item_key(a) == item_key(b)


def _same_pronunciation(a: str, b: str) -> bool:
    """Capitals mark the stressed syllable ("zen-TOH-mab" is not "ZEN-toh-mab"), so case counts here."""
    return re.findall(r"[A-Za-z0-9]+", a) == re.findall(r"[A-Za-z0-9]+", b)


def unite(items: list[Item], more: list[Item]) -> list[Item]:
    """Items of both lists, in order, without repeats (case, punctuation and bullets ignored)."""
    seen = {_identity(it) for it in items}
    out = list(items)
    for item in more:
        key = _identity(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _condition(item: Item) -> str:
    """ "Lung problems (pneumonitis)" and "Lung problems" name one condition."""
    return item_key(re.sub(r"\([^)]*\)", " ", item.title or ""))


def one_per_condition(warnings: list[Item], notes: list[str]) -> list[Item]:
    """One serious warning per named condition, whichever sources name it: the first (newest) kept,
    given the signs and action another source lists where it has none; the other noted."""
    out: list[Item] = []
    kept: dict[str, int] = {}
    for item in warnings:
        key = _condition(item)
        if not key or key not in kept:
            if key:
                kept[key] = len(out)
            out.append(item)
            continue
        first = out[kept[key]]
        if not first.signs and item.signs:
            out[kept[key]] = dataclasses.replace(first, signs=list(item.signs), action=first.action or item.action)
        notes.append(f"serious warning '{first.title}': one condition in two sources; kept {first.source}'s "
                     f"words over {item.source}'s")
    return out


def _identity(item: Item) -> str:
    return item_key(f"{item.title or ''} {item.text}")


def _unite_brands(brands: list[BrandName], more: list[BrandName]) -> list[BrandName]:
    seen = {(item_key(b.name), b.country, b.qualifier) for b in brands}
    out = list(brands)
    for brand in more:
        key = (item_key(brand.name), brand.country, brand.qualifier)
        if key not in seen:
            seen.add(key)
            out.append(brand)
    return out


def _apply_override(raw: DrugRecord, override: DrugRecord) -> DrugRecord:
    """The YAML record's fields replace the raw ones; raw fields it leaves out stay."""
    merged = DrugRecord(
        generic_name=override.generic_name,
        brands=override.brands or raw.brands,
        # Codes add up: a label's RXCUIs name the drug as surely as the clinic's own list.
        rxnorm=list(dict.fromkeys(override.rxnorm + raw.rxnorm)),
        sources=override.sources + raw.sources,
        notes=list(raw.notes),
        ignored=override.ignored + raw.ignored,
        # Prescribers' wording stays marked until the YAML record words the urgent part itself: a
        # record saved by `extract --save` and left as it was still holds the label's own sentences.
        professional_wording=raw.professional_wording and not _urgent_keys(override) - _urgent_keys(raw),
    )
    for name in (*SINGLE_FIELDS, *LIST_FIELDS):
        mine, theirs = getattr(override, name), getattr(raw, name)
        setattr(merged, name, mine if mine else theirs)
        if mine and theirs and name in ("urgent_signs", "serious_warnings"):
            left = len(unite(mine, theirs)) - len(mine)
            if left:
                merged.notes.append(
                    f"{name}: the YAML record replaces the raw documents' list; "
                    f"{left} item(s) from them are not in it - check they were left out on purpose"
                )
    return merged


def _urgent_keys(record: DrugRecord) -> set[str]:
    return {_identity(it) for name in URGENT_FIELDS for it in getattr(record, name)}


_PERCENT = re.compile(r"^\d+(\.\d+)?%$")


def _put_numbers_on_side_effects(record: DrugRecord) -> None:
    """Give a plain-words side effect the percentage a professional section states for it.

    Only when the professional term is the whole item, or the whole of its bracketed or
    unbracketed part: "Headache." gets 28% from "Headache (28%)", "Loose stools (diarrhea)"
    gets diarrhea's number, but "Fever or chills" gets none, so no frequency is ever guessed.
    """
    numbers = {item_key(it.text): it for it in record.frequency_data if it.frequency and _PERCENT.match(it.frequency)}
    if not numbers:
        return
    for index, effect in enumerate(record.side_effects):
        if effect.frequency:
            continue
        match = next((numbers[k] for k in _names_of(effect.text) if k in numbers), None)
        if match:
            record.side_effects[index] = Item(effect.text, effect.source, effect.title, match.frequency)
            if match.source != effect.source:
                record.notes.append(f"side_effects: frequency of {effect.text!r} from {match.source}")


def _names_of(text: str) -> list[str]:
    """"Loose stools (diarrhea)" is named by all of it, by "loose stools" and by "diarrhea"."""
    inside = re.findall(r"\(([^()]*)\)", text)
    outside = re.sub(r"\([^()]*\)", " ", text)
    return [item_key(t) for t in (text, outside, *inside) if item_key(t)]
