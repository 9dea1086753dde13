"""The record's fields, listed once: what each holds, where its items go, and what reads or writes it.

Every stage that walks the record's fields (the YAML reader and writer, merge, the limits,
translation, the urgency rules, `show`, `extract`, the preview) takes its list from this table, so a
new field is one line here, and a test checks the table against ``DrugRecord`` field by field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# What a field holds: one Item (or None), a list of Items, or anything else (a name, the sources...).
ITEM, ITEMS, OTHER = "item", "items", "other"

# The tiers an Item field's words belong to, in the order `show` lists a record: what the medicine
# is, the urgent tiers, what to expect, then what a patient never reads (the label's numbers, the
# notes for the care team).
SHOW_ORDER = ("name", "about", "warning", "emergency", "urgent", "expected", "reminder", "use", "numbers", "care team")
# The urgent tiers as the page's urgent box prints them: "call 911" before all else.
URGENT_TIERS = ("emergency", "warning", "urgent")
# Tiers whose items are never laid out on a page.
UNPRINTED_TIERS = ("numbers", "care team")


@dataclass(frozen=True)
class Field:
    name: str  # the DrugRecord attribute
    kind: str = OTHER  # ITEM, ITEMS or OTHER
    tier: str | None = None  # one of SHOW_ORDER, for ITEM and ITEMS fields
    translated: bool = False  # a translation skeleton has a slot for each of its items
    keys: tuple[str, ...] | None = None  # its top-level keys in a YAML record; None: its name
    slot: str = ""  # `extract`'s line over an empty slot; "" for a field it writes no slot for

    @property
    def yaml_keys(self) -> tuple[str, ...]:
        return (self.name,) if self.keys is None else self.keys

    @property
    def printed(self) -> bool:
        return self.kind != OTHER and self.tier not in UNPRINTED_TIERS


# The parts one Item may have besides its text, in a YAML record's item mapping: its title, how
# common it is, and, for a serious warning (one condition, as an FDA Medication Guide gives it: "Lung
# problems (pneumonitis)"), the signs to watch for as a list and the action the source gives for them
# ("Call your healthcare provider right away", "Get emergency medical help"). Every part is
# optional: a record written before signs existed stays valid, and prints as it did.
ITEM_PARTS = ("title", "text", "frequency", "signs", "action")

# In DrugRecord's order (the order of the YAML record, of merge and of the preview's marks).
FIELDS = (
    Field("generic_name"),
    Field("brands", slot="brand names, one per line (- name: Brandname)"),
    Field("rxnorm"),  # RxNorm codes (RXCUI): how an EHR order (FHIR) names the drug
    Field("pronunciation", ITEM, "name", True, slot="how to say the generic name, in syllables (blih-nuh-TOO-moh-mab)"),
    Field("description", ITEM, "about", True, slot="one plain line: what the medicine is and how it is given"),
    Field("how_it_works", ITEM, "about", True, slot="two or three plain sentences on how the medicine works"),
    Field("uses", ITEMS, "use", slot="what it treats, one per line"),
    Field("serious_warnings", ITEMS, "warning", True,
          slot="boxed or serious warnings, one per line (- title: ...  text: ...)"),
    Field("emergency_signs", ITEMS, "emergency", True,
          slot='signs that mean "call 911 or get emergency help", one per line; printed first of all'),
    Field("urgent_signs", ITEMS, "urgent", True,
          slot='signs that mean "call us right now", one per line (- text: ...); printed first'),
    Field("side_effects", ITEMS, "expected", True, slot="common, expected side effects, one per line"),
    # Read from a label's professional section, never written in a YAML record.
    Field("frequency_data", ITEMS, "numbers", keys=()),
    Field("studied", ITEM, "expected", True,
          slot="who the studies behind the side effects' numbers counted, as the source says (adults with ...)"),
    Field("reminders", ITEMS, "reminder", True, slot="practical safety reminders for the patient, one per line"),
    Field("sources"),
    Field("notes", keys=()),
    Field("care_team_notes", ITEMS, "care team", slot="notes for the care team, one per line; never printed"),
    Field("ignored", keys=()),
    Field("language"),
    Field("translation", keys=("translates", "translated_from_review")),
    Field("professional_wording", keys=()),
)


def names(fields: Iterable[Field]) -> tuple[str, ...]:
    return tuple(f.name for f in fields)


def by_tiers(tiers: Iterable[str], fields: Iterable[Field] = FIELDS) -> tuple[Field, ...]:
    """The fields of the given tiers, tier by tier in the order given, in the record's order within a tier."""
    fields = tuple(fields)
    return tuple(f for tier in tiers for f in fields if f.tier == tier)


SINGLE_FIELDS = names(f for f in FIELDS if f.kind == ITEM)
LIST_FIELDS = names(f for f in FIELDS if f.kind == ITEMS)
# The lists a YAML record holds (a label's frequency data is not one of them).
YAML_LIST_FIELDS = names(f for f in FIELDS if f.kind == ITEMS and f.yaml_keys)
YAML_KEYS = frozenset(key for f in FIELDS for key in f.yaml_keys)
# Every field whose items a handout prints, in the record's order.
PRINTED_FIELDS = names(f for f in FIELDS if f.printed)
# The urgent tiers' fields, as the urgent box prints them: each item must be translated.
URGENT_FIELDS = names(by_tiers(URGENT_TIERS))
# The lists tier_counts() counts, in `show`'s order: all but the label's numbers, no part of a page.
COUNTED_FIELDS = names(f for f in by_tiers(SHOW_ORDER) if f.kind == ITEMS and f.tier != "numbers")
