"""The drug record: plain data that every stage after the readers works on.

Readers turn one source document into a ``DrugRecord`` holding a single source,
or into a ``Regimen`` or ``Skipped`` document; ``merge`` folds the records about
one drug together. Every clinical item carries the key of the source it came
from, so a handout can always be traced back to a document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from .fields import COUNTED_FIELDS

# Source kinds whose text may be written for prescribers (FDA labels).
PROFESSIONAL_KINDS = ("dailymed-spl", "openfda")


@dataclass
class Source:
    """One source document: where the facts came from and how fresh they are."""

    key: str  # unique within a workspace: the file path, plus "#id" for YAML-cited sources
    file: str  # path of the document, relative to the workspace where possible
    kind: str  # "drugs.com", "cancer.gov", "patient-sheet" or "yaml"
    publisher: str | None = None
    title: str | None = None
    url: str | None = None
    license: str | None = None
    language: str | None = None
    last_reviewed: dt.date | None = None
    review_frequency: str | None = None  # as the source says it: "quarterly", "annually", ...
    # FDA labels (DailyMed SPL, openFDA): which label and version this is, and who put it out.
    set_id: str | None = None  # stable across a label's revisions
    version: str | None = None
    original_packager: bool | None = None  # the maker's own label, not a repackager's
    prescription: bool | None = None
    reviewed_by: str | None = None  # a clinic source: who checked the clinic's own words


@dataclass
class Item:
    """One statement from a source.

    ``title`` is a lead-in such as "Signs of an allergic reaction" or a boxed
    warning's name; ``frequency`` is how common it is, as the source words it
    ("More common", "Rare", "28%"). A serious warning may carry its parts (record/fields.py,
    ITEM_PARTS): ``signs``, the signs to watch for as the source lists them, and ``action``, what
    the source tells the patient to do about them ("Call your healthcare provider right away").
    """

    text: str
    source: str = ""
    title: str | None = None
    frequency: str | None = None
    signs: list[str] = field(default_factory=list)
    action: str | None = None


@dataclass
class Ignored:
    """A block of a source document that no field of the record holds, reported rather than dropped.

    ``line`` is the block's first line in the document (1-based); ``what`` says what it is and why it
    was left out ("3 sentences before the first section"); ``text`` is its words.
    """

    line: int
    what: str
    text: str = ""
    source: str = ""

    def describe(self) -> str:
        """ "line 12, 3 sentences before the first section: This page was ..." """
        text = " ".join(self.text.split())
        text = text if len(text) <= 80 else text[:79].rstrip() + "\u2026"
        return f"line {self.line}, {self.what}" + (f": {text}" if text else "")


@dataclass
class BrandName:
    name: str
    country: str | None = None
    qualifier: str | None = None  # e.g. "tablets"
    discontinued: bool = False
    source: str = ""


@dataclass
class TranslationOf:
    """A translated record's link to its original: the original's generic name and language, the
    original's review date it was translated from, and, per urgent tier, which of the original's
    items each item translates (0-based positions; by position unless an item says ``of:``)."""

    generic_name: str
    language: str = "en"
    from_review: dt.date | None = None
    of: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class DrugRecord:
    generic_name: str
    brands: list[BrandName] = field(default_factory=list)
    # RxNorm concept ids (RXCUI, digits) naming the drug: how an EHR order (FHIR) finds its handout.
    rxnorm: list[str] = field(default_factory=list)
    pronunciation: Item | None = None
    description: Item | None = None  # one line: what it is
    how_it_works: Item | None = None
    uses: list[Item] = field(default_factory=list)
    serious_warnings: list[Item] = field(default_factory=list)  # title + text
    # "Get emergency help right away / call 911 if ...": printed first inside the urgent block.
    emergency_signs: list[Item] = field(default_factory=list)
    urgent_signs: list[Item] = field(default_factory=list)  # call the care team right away
    side_effects: list[Item] = field(default_factory=list)  # common or other, plain words
    # Professional frequency data ("Headache (28%)"): jargon, kept to put numbers on side_effects.
    frequency_data: list[Item] = field(default_factory=list)
    # Who the studies behind those numbers counted ("adults with relapsed ALL"), where a source says.
    studied: Item | None = None
    reminders: list[Item] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # merge decisions worth showing a reviewer
    # Sentences a source addresses to prescribers ("Premedicate with ..."): kept for the care team,
    # listed by `show`, never printed on the patient's page (no template knows this field).
    care_team_notes: list[Item] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)  # blocks of the sources no field holds
    # The language the record is written in ("es"); None: its sources' (English unless they say).
    language: str | None = None
    translation: TranslationOf | None = None  # what this record translates (see translation.py)
    # The serious warnings come from text written for prescribers (an FDA label with no patient
    # section): `build` refuses the record until a YAML record gives the patient wording.
    professional_wording: bool = False

    @property
    def brand_names(self) -> list[str]:
        seen: dict[str, None] = {}
        for brand in self.brands:
            seen.setdefault(brand.name, None)
        return list(seen)

    def source(self, key: str) -> Source | None:
        return next((s for s in self.sources if s.key == key), None)

    def tier_counts(self) -> dict[str, int]:
        """How many items each part of the handout gets, urgent tiers first; care-team notes are never printed."""
        # The emergency tier only FDA Medication Guides (or a YAML record) give is counted where it is.
        return {name: len(getattr(self, name)) for name in COUNTED_FIELDS
                if name != "emergency_signs" or self.emergency_signs}

    def problems(self) -> list[str]:
        """What stops a handout being made from this record."""
        if self.professional_wording:
            where = next((s.file for s in self.sources if s.kind in PROFESSIONAL_KINDS), "FILE")
            return [f"written for prescribers: save a YAML record with `handouts extract {where} --save` "
                    "and put it in plain words"]
        if not (self.urgent_signs or self.serious_warnings or self.emergency_signs):
            return ["no urgent warning signs: cannot make a handout"]
        return []

    def to_dict(self) -> dict:
        return _plain(asdict(self))


@dataclass
class Regimen:
    """A combination such as FOLFIRI: a name for several drugs given together."""

    name: str
    drugs: list[str]
    uses: list[Item] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)

    def to_dict(self) -> dict:
        return _plain(asdict(self))


@dataclass
class Skipped:
    """A document that is recognised but describes no single drug (an index page)."""

    title: str
    reason: str
    source: Source

    def to_dict(self) -> dict:
        return _plain(asdict(self))


Document = DrugRecord | Regimen | Skipped


def record_language(record: DrugRecord) -> str:
    """The language a record is written in: its own ``language``, else its first source's, else English."""
    return record.language or next((s.language for s in record.sources if s.language), "en")


def _plain(value):
    """asdict() output with dates as ISO strings and empty optionals removed, for JSON and YAML."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None and v != [] and v is not False}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
