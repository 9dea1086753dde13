"""FDA labeling, whichever way it arrives (DailyMed SPL XML, openFDA JSON), into one drug record.

Both readers turn a label into a ``Label``: its provenance and its sections, each section a run of
``Block``s (headings, paragraphs, list items). ``to_record`` maps the patient sections (Medication
Guide, Patient Information) the same way for both. Their headings are fixed by regulation (21 CFR
208.20), so the topic of each part is read from its heading; inside a part a lead-in ending with ":"
says what its list is ("Get emergency help right away if ...:" is the emergency tier). Sections for
prescribers (boxed warning, adverse reactions, ...) give serious warnings only when the label has
no patient section, and then the record is marked professional wording: `build` refuses it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..record import BrandName, DrugRecord, Ignored, Item, Source
from ..rules.urgency import is_call_now, pull_urgent, sentences
from .text import item_key, name_key, squash

DAILYMED_URL = "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid={set_id}"

# LOINC section code -> openFDA field name, for the sections the handout reads or reports.
PATIENT_CODES = {
    "42231-1": "spl_medguide",
    "42230-3": "spl_patient_package_insert",
    "68498-5": "patient_medication_information",
}
BOXED_CODE = "34066-1"
PROFESSIONAL_CODES = {
    BOXED_CODE: "boxed_warning",
    "34076-0": "information_for_patients",  # "Patient counseling information": advice to prescribers
    "34084-4": "adverse_reactions",
    "43685-7": "warnings_and_cautions",
    "34071-1": "warnings",
    "34067-9": "indications_and_usage",
}
FIELD_CODES = {name: code for code, name in {**PATIENT_CODES, **PROFESSIONAL_CODES}.items()}
SECTION_NAMES = {
    "spl_medguide": "Medication Guide",
    "spl_patient_package_insert": "Patient Information",
    "patient_medication_information": "Patient Information",
    "boxed_warning": "boxed warning",
    "information_for_patients": "patient counseling information",
    "adverse_reactions": "adverse reactions",
    "warnings_and_cautions": "warnings and precautions",
    "warnings": "warnings",
    "indications_and_usage": "indications and usage",
}


@dataclass
class Block:
    kind: str  # "heading", "text" or "item"
    text: str
    depth: int = 0  # list nesting: 1 for an item of a top list
    line: int = 1
    title: str | None = None  # an item's bold lead words ("Allergic reactions")


@dataclass
class Section:
    name: str  # openFDA field name ("spl_medguide")
    blocks: list[Block]
    title: str | None = None
    line: int = 1
    structured: bool = False  # blocks from medguide (bold runs as "bold" blocks): read by medguide.Reader
    flat: bool = False  # its blocks were split from flattened text (no nesting known)

    @property
    def text(self) -> str:
        return " ".join(b.text for b in self.blocks)


@dataclass
class Label:
    kind: str  # "dailymed-spl" or "openfda"
    generic_name: str
    brands: list[str] = field(default_factory=list)
    labeler: str | None = None
    title: str | None = None
    set_id: str | None = None
    version: str | None = None
    effective: dt.date | None = None
    original_packager: bool | None = None
    prescription: bool | None = None
    rxnorm: list[str] = field(default_factory=list)  # openfda.rxcui: the products' RxNorm codes
    sections: list[Section] = field(default_factory=list)
    other_sections: list[str] = field(default_factory=list)  # names of the sections nothing reads


def parse_effective(value: str | None) -> dt.date | None:
    """ "20160829" (SPL and openFDA write dates so) as a date."""
    if not value:
        return None
    try:
        return dt.datetime.strptime(value.strip()[:8], "%Y%m%d").date()
    except ValueError:
        return None


def plain_name(name: str) -> str:
    """ "ADALIMUMAB" and "Adalimumab" -> "adalimumab"; a name in mixed case ("... HCl") stays as written."""
    name = squash(name)
    capitalised = all(w[:1].isupper() and w[1:].islower() for w in name.split() if w.isalpha())
    return name.lower() if name.isupper() or capitalised else name


# ---- splitting flattened text back into headings and lists ---------------------------------------

_QUESTION_WORDS = r"(?:What|Who|How|Can|Should|Is|Are|Do|Does|When|Where|Will|Why)"
# A regulated heading standing in running text: a question not quoted ("See “What is ...?”").
_HEADING_IN_TEXT = re.compile(
    rf"(?<![\"“'‘])(?<!See )(?<!see )\b{_QUESTION_WORDS}\b[^?.•:“”\"]{{3,200}}\?(?![\"”’'])"
    r"|\bGeneral information about the (?:safe and effective )?use of [\w®™-]+(?: \([^)]{1,40}\))?"
)
_BULLETS = re.compile(r"(?<!\s)\s*[•\u2022\u25cf\u25aa\uf0b7]\s*|(?<=[:.)]) (?=\d\. [A-Z])")
# Flattened lists: the last item runs on into the prose after the list ("• flu-like symptoms If you
# take too much ..."). A capitalised sentence opener right after a lower-case word ends the item.
_RUN_ON = re.compile(
    r"(?<=[a-z0-9)%,]) (?=(?:If|These|This|Call|Tell|Do|Don't|You|Get|Stop|Other|The|Ask|Before|After|Take"
    r"|Keep|Store|For|See|Some|Most|It|Read|Talk|Use|Medicines|Children|Women|People|General|Avoid"
    r"|Go|Seek|Contact|Serious|Common|Signs|Symptoms)\b)"
)
# ... or the drug's name in capitals starting a sentence ("bleeding problems NSAIDs should ..."), once
# the item has two words at least ("Some NSAIDs are ..." is one sentence).
_RUN_ON_NAME = re.compile(r"(?<=[a-z0-9)%,]) (?=[A-Z][A-Za-z]*[A-Z][A-Za-z]* (?:should|can|may|is|are|will|must|does|do)\b)")
# A cross-reference after a lead-in: "... including: See “What is the most important ...?”"
_SEE = re.compile(r"(?<!\s)\s*\(?See [\"“][^\"”]*[\"”]\s*(?:section\.?)?\)?\.?\s*$")
_SEE_INSIDE = re.compile(r"\(?\bSee (?:the )?[\"“][^\"”]{3,200}[\"”](?: section)?\.?\)?")
_SEE_ONLY = re.compile(r"^\(?See (?:the )?[\"“][^\"”]*[\"”](?: section)?\.?\)?\.?$")
# The last sentence of a flattened item that leads a list of its own: "... surgery. Before taking X,
# tell your doctor if you:".
_TRAILING_LEAD = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”])) (?=[A-Z][^.!?]*:$)")


def split_flat(text: str, line: int = 1, depth: int = 0) -> list[Block]:
    """Headings, paragraphs and list items of a section whose text was flattened to one line."""
    blocks: list[Block] = []
    text = squash(text)
    start = 0
    for match in _HEADING_IN_TEXT.finditer(text):
        blocks.extend(_split_bullets(text[start:match.start()], line, depth))
        blocks.append(Block("heading", match.group(0).strip(), 0, line))
        start = match.end()
    blocks.extend(_split_bullets(text[start:], line, depth))
    return blocks


def _split_bullets(text: str, line: int, depth: int) -> list[Block]:
    text = _SEE_INSIDE.sub(" ", text)
    pieces = _BULLETS.split(text)
    first = _SEE.sub("", squash(pieces[0]))
    blocks = [Block("text", first, 0, line)] if first else []
    for piece in pieces[1:]:
        piece = squash(piece)
        if not piece:
            continue
        cut = _RUN_ON.search(piece) or next(
            (m for m in _RUN_ON_NAME.finditer(piece) if " " in piece[:m.start()]), None)
        cut = cut or _TRAILING_LEAD.search(piece)
        if cut:
            blocks.append(Block("item", piece[:cut.start()].strip(), depth, line))
            blocks.append(Block("text", _SEE.sub("", piece[cut.end():].strip()), 0, line))
        else:
            blocks.append(Block("item", piece, depth, line))
    return [b for b in blocks if b.text]


# ---- topics of the regulated headings -------------------------------------------------------------

_TOPICS = (
    ("important", re.compile(r"most important information", re.I)),
    ("store", re.compile(r"\bstore\b", re.I)),
    ("side_effects", re.compile(r"side effects", re.I)),
    ("avoid", re.compile(r"\bavoid\b", re.I)),
    ("before", re.compile(r"\bbefore\b|tell my (?:doctor|health ?care provider|pharmacist)", re.I)),
    ("who_not", re.compile(r"should not (?:take|use|receive|be given)|who should not", re.I)),
    ("how", re.compile(r"^how (?:should|will|do|can) I (?:take|use|receive|get|give|inject)\b"
                       r"|^how (?:is|will|should) \S+(?: \S+)? (?:be )?(?:given|taken|used)\b", re.I)),
    ("ingredients", re.compile(r"ingredients", re.I)),
    ("general", re.compile(r"general information|other information", re.I)),
    ("what", re.compile(r"^what (?:is|are)\b", re.I)),
)
# Where the text under each topic goes; None: reported as ignored (its call-now sentences rescued).
_TOPIC_FIELD = {
    "important": "serious_warnings",
    "what": "uses",
    "avoid": "reminders",
    "how": "reminders",
    "who_not": "reminders",
    "before": None,  # only its pregnancy and breastfeeding points are reminders
    "side_effects": None,
}

_EMERGENCY = re.compile(
    r"\b(?:get|seek|call for)\s+emergency\s+(?:medical\s+)?(?:help|care|treatment|attention)"
    r"|\bcall\s+911\b|\bemergency\s+room\b|\bnearest\s+(?:hospital\s+)?emergency\b",
    re.I,
)
_COMMON = re.compile(r"\bmost common side effects\b|\bcommon side effects\b|\bother side effects\b"
                     r"|\bside effects of \S+ (?:include|are)\b", re.I)
# "The most common side effects of X include: a, b, and c." - the list's lead-in is its first words.
_INLINE_COMMON = re.compile(r"^[^.!?:]{0,120}?\b(?:common|other) side effects\b[^.!?:]{0,80}?"
                            r"\b(?:include|are|including)\b\s*:?\s+(?=\S)", re.I)
_SERIOUS = re.compile(r"\bserious side effects\b|\bcan cause serious\b", re.I)
_PREGNANCY = re.compile(r"\bpregnan|\bbreast-?feed|\bbirth control|\bnursing\b|\bunborn\b", re.I)
_BOILERPLATE = re.compile(
    r"these are not all the (?:possible )?side effects|report side effects to fda|1-800-fda-1088"
    r"|for medical advice about side effects|medication guide (?:has been )?approved|read (?:this|the) "
    r"(?:medication guide|patient information)|does not take the place of talking"
    r"|^(?:medication guide|patient information)\b|^see [\"“]",
    re.I,
)
_SHORT_ITEM_WORDS = 16

# Sentences a label addresses to prescribers: never on the patient's page.
PRESCRIBER = re.compile(
    r"^(?:\(?\d+(?:\.\d+)*\)?\s*)?(?:Monitor|Withhold|Premedicate|Discontinue|Interrupt|Administer|Do not administer"
    r"|Evaluate|Screen|Test patients|Consider|Reduce the dose|Advise|Instruct|Inform|Counsel|Perform|Obtain|Assess"
    r"|Initiate|Resume|Permanently discontinue|Dose|Modify|Manage|Treat|Closely monitor|Prior to initiating"
    r"|Verify|Use with caution|Patients should be|Physicians should|Prescribers should)\b",
)


def topic_of(heading: str) -> str:
    return next((name for name, pattern in _TOPICS if pattern.search(heading)), "other")


# ---- the mapping --------------------------------------------------------------------------------

def to_record(label: Label, path: str) -> DrugRecord:
    """The drug record a label gives: patient sections mapped, professional text kept off the page."""
    source = Source(
        key=path, file=path, kind=label.kind, publisher=label.labeler, title=_title(label),
        url=DAILYMED_URL.format(set_id=label.set_id) if label.set_id else None, license="public_domain",
        language="en", last_reviewed=label.effective, set_id=label.set_id, version=label.version,
        original_packager=label.original_packager, prescription=label.prescription,
    )
    generic = plain_name(label.generic_name)
    record = DrugRecord(generic_name=generic, sources=[source], rxnorm=list(label.rxnorm))
    seen = {name_key(generic)}
    for brand in label.brands:
        if name_key(brand) not in seen:
            seen.add(name_key(brand))
            record.brands.append(BrandName(squash(brand).title() if brand.isupper() else squash(brand), source=path))
    patient = [s for s in label.sections if s.name in PATIENT_CODES.values()]
    for section in patient:
        if section.structured:
            from .medguide import read_section

            read_section(record, section, path, section.flat)
        else:
            _Mapper(record, path).map(section)
    covered = any(topic_of(b.text) == "important" for s in patient for b in s.blocks if b.kind == "heading")
    professional = []
    for section in label.sections:
        if section in patient:
            continue
        if section.name == "boxed_warning" and not covered:
            # No patient section says it: the prescribers' box is the warning, in their words.
            _boxed_warning(record, section, path)
            record.professional_wording = True
            continue
        professional.append(section)
    if not patient:
        record.professional_wording = True
        for section in professional:
            if section.name == "indications_and_usage":
                record.uses.append(Item(section.text, path))
    for section in professional:
        why = "written for prescribers"
        if section.name == "boxed_warning":
            why += "; the patient section's most important information says it for patients"
        record.ignored.append(Ignored(section.line, f"{SECTION_NAMES.get(section.name, section.name)} "
                                      f"section ({why})", section.text, path))
    if label.other_sections:
        names = ", ".join(label.other_sections[:8]) + (", ..." if len(label.other_sections) > 8 else "")
        record.ignored.append(Ignored(1, f"{len(label.other_sections)} other label sections for prescribers",
                                      names, path))
    return record


def _title(label: Label) -> str:
    name = label.brands[0] if label.brands else plain_name(label.generic_name)
    if label.title and len(label.title) <= 80 and not label.title.lower().startswith("these highlights"):
        return label.title
    return f"{name} label ({plain_name(label.generic_name)})"


def _boxed_warning(record: DrugRecord, section: Section, path: str) -> None:
    """A boxed warning with no patient section to say it better: risk sentences as a serious warning,
    prescriber instructions as care-team notes."""
    title = squash(re.sub(r"^\s*WARNINGS?\s*:?\s*", "", section.title or "", flags=re.I)) or None
    text = section.text
    if not title:
        match = re.match(r"\s*WARNINGS?\s*:\s*((?:[A-Z][A-Z,/&\- ]+?))(?=\s+[A-Z][a-z])", text)
        if match:
            title, text = squash(match.group(1)), text[match.end():]
    risk, notes = [], []
    for sentence in sentences(squash(text)):
        (notes if PRESCRIBER.search(sentence) else risk).append(sentence)
    if title:
        title = title.capitalize()
    if risk:
        record.serious_warnings.append(Item(" ".join(risk), path, title))
    record.care_team_notes.extend(Item(n, path, title) for n in notes)


@dataclass
class _Lead:
    """A lead-in ending with ":" and the items under it."""

    block: Block
    target: str | None  # the field its items go to; None: reported (its pregnancy points kept)
    separate: bool  # each item its own (emergency, urgent, side effects) or joined to the lead-in
    items: list[Block] = field(default_factory=list)
    before: bool = False  # "tell your doctor before ... if you:": only pregnancy points are kept
    prefix: Block | None = None  # the sentences of the lead-in's item before the lead-in itself
    children: int = 0  # lists opened under it: a lead-in whose points are all sub-lists is no point


class _Mapper:
    """Walks a patient section's blocks: headings set the topic, lead-ins open (nested) lists."""

    def __init__(self, record: DrugRecord, path: str):
        self.record, self.path = record, path
        self.topic = "preamble"
        self.leads: list[_Lead] = []
        self.subtitle: str | None = None  # a short bold line ("Cancer") over the points that follow
        self.unplaced: list[Block] = []  # blocks of the current topic no field takes, reported together
        self.seen: dict[str, set[str]] = {}  # item keys per field, so no point is added twice

    def map(self, section: Section) -> None:
        for block in section.blocks:
            if block.kind == "heading":
                self._close_all()
                self._report()
                self.topic, self.subtitle = topic_of(block.text), None
                continue
            if _SEE_ONLY.match(block.text):
                continue  # a cross-reference ("See “What is the most important ...?”") holds nothing
            if _INLINE_COMMON.match(block.text) and not block.text.endswith(":"):
                # "Other side effects of X include: a, b and c." closes any list it ran into.
                self._close_all()
                self._side_effect_text(block)
                continue
            while self.leads and not (block.kind == "item" and self._under(self.leads[-1], block)):
                self._close()
            if block.text.endswith(":") and not (self.leads and self.leads[-1].separate):
                self._open(block)
                continue
            if self.leads:
                self.leads[-1].items.append(block)
                continue
            if _is_subtitle(block):
                self.subtitle = block.text.rstrip(".")
                continue
            self._place(block)
        self._close_all()
        self._report()

    @staticmethod
    def _under(lead: _Lead, block: Block) -> bool:
        """Whether an item belongs to the open lead-in: any item under a paragraph; under an item,
        its deeper items (flattened text, depth 0, knows no nesting: the items that follow)."""
        return lead.block.kind == "text" or lead.block.depth == 0 or block.depth > lead.block.depth

    def _open(self, block: Block) -> None:
        """A lead-in opens a list. Its sentences before the last are a point of their own."""
        parts = sentences(block.text)
        prefix = None
        if len(parts) > 1:
            prefix = Block(block.kind, " ".join(parts[:-1]), block.depth, block.line, block.title)
            block = Block(block.kind, parts[-1], block.depth, block.line, block.title)
        parent = self.leads[-1] if self.leads else None
        if parent is not None:
            parent.children += 1
        lead = self._new_lead(block, parent)
        if prefix is not None and (lead.separate or lead.before or prefix.kind == "text"):
            # "Allergic reactions can happen. Call ... right away if you have:": the first sentence
            # is a point of its own, the list goes to the urgent tier.
            (parent.items.append if parent else self._place)(prefix)
        else:
            lead.prefix = prefix
        self.leads.append(lead)

    def _new_lead(self, block: Block, parent: _Lead | None) -> _Lead:
        text = block.text
        if _EMERGENCY.search(text):
            return _Lead(block, "emergency_signs", True)
        if is_call_now(text):
            return _Lead(block, "urgent_signs", True)
        if _COMMON.search(text):
            return _Lead(block, "side_effects", True)
        if parent is not None:
            return _Lead(block, parent.target, False, before=parent.before)
        if topic_of(text) == "before" and re.search(r"\btell\b", text, re.I):
            return _Lead(block, None, False, before=True)
        if _SERIOUS.search(text) or self.topic == "important":
            return _Lead(block, "serious_warnings", False)
        return _Lead(block, self._topic_field(block), False, before=self.topic == "before")

    def _topic_field(self, block: Block) -> str | None:
        if self.topic == "before" and _PREGNANCY.search(block.text):
            return "reminders"
        return _TOPIC_FIELD.get(self.topic)

    def _close_all(self) -> None:
        while self.leads:
            self._close()

    def _close(self) -> None:
        """The innermost lead-in is done: its items go to their field, or, joined to the lead-in,
        become one point of the list around it."""
        lead = self.leads.pop()
        parent = self.leads[-1] if self.leads else None
        if not lead.items:
            if lead.children:
                return  # "X can cause serious side effects, including:" over sub-lists that took it all
            # A lead-in with nothing under it (its list was a table of another kind, or cut off).
            whole = _joined(lead.prefix, lead.block.text) if lead.prefix else lead.block
            (parent.items.append if parent else self._place)(whole)
            return
        if lead.before:
            # "Tell your doctor before ... if you:": the pregnancy points are reminders, the rest reported.
            for block in lead.items:
                if _PREGNANCY.search(block.text):
                    self._add("reminders", Item(_full(block), self.path, _lead_title(lead.block.text)))
                else:
                    self.unplaced.append(block)
            return
        if lead.separate and lead.block.title:
            # "Liver problems. Call ... right away if you have:": the signs stay under their name.
            joined = "; ".join(_full(b).rstrip(".;") for b in lead.items)
            self._add(lead.target, Item(joined, self.path, lead.block.title))
            return
        if lead.separate:
            for block in lead.items:
                self._add(lead.target, Item(_sentence_case(block.text), self.path, block_title(block)))
            return
        short = all(len(b.text.split()) <= _SHORT_ITEM_WORDS for b in lead.items)
        if short:
            joined = "; ".join(_full(b).rstrip(".;") for b in lead.items)
            text = f"{lead.block.text} {joined}."
            block = _joined(lead.prefix, text) if lead.prefix else Block(
                lead.block.kind, text, lead.block.depth, lead.block.line, lead.block.title)
            if parent is not None:
                parent.items.append(block)
            else:
                self._place(block, lead.target, lead.before)
            return
        # Long points keep their lead-in as a title: "Do not take X if you:" must stay with them.
        if lead.prefix is not None:
            (parent.items.append if parent else self._place)(lead.prefix)
        for block in lead.items:
            self._place(block, lead.target, lead.before, title=block.title or _lead_title(lead.block.text))

    def _place(self, block: Block, target: str | None = "", before: bool = False, title: str | None = None) -> None:
        text = block.text
        if _BOILERPLATE.search(text):
            self.unplaced.append(block)  # reported with the topic's other leftovers, call-now sentences rescued
            return
        if target == "":
            target = self._topic_field(block)
            before = self.topic == "before"
            if self.topic == "side_effects":
                target = self._side_effect_text(block)
                if target == "done":
                    return
        if before:
            target = "reminders" if _PREGNANCY.search(text) else None
        if self.topic == "what" and self.record.description is None and block.kind == "text" and len(text) <= 240:
            self.record.description = Item(text, self.path)
            return
        if target is None:
            self.unplaced.append(block)
            return
        title = title or block.title
        item = Item(text if title else _sentence_case(text), self.path, title or self.subtitle)
        self._add(target, item)

    def _report(self) -> None:
        """The blocks of one topic no field took: call-now sentences rescued, the rest one report."""
        blocks, self.unplaced = self.unplaced, []
        if blocks:
            text = " ".join(b.text if b.text.endswith((".", "!", "?", ":")) else b.text + "." for b in blocks)
            pull_urgent(text, self.path, blocks[0].line, self._what(len(blocks)), self.record)

    def _side_effect_text(self, block: Block) -> str | None:
        """A paragraph of the side-effects part: "The most common side effects of X include: a, b
        and c." gives side effects; a call-now or emergency sentence its tier; the rest is reported."""
        text = block.text
        match = _INLINE_COMMON.match(text)
        if match:
            for part in re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+(?=[^,]*$)", text[match.end():].rstrip(".")):
                if squash(part):
                    self._add("side_effects", Item(_sentence_case(squash(part)), self.path))
            return "done"
        if _EMERGENCY.search(text):
            self._add("emergency_signs", Item(text, self.path))
            return "done"
        if is_call_now(text):
            return "urgent_signs"
        if re.search(r"\b(?:death|died|life-threatening|serious)\b", text, re.I):
            return "serious_warnings"
        return None

    def _add(self, name: str, item: Item) -> None:
        items: list[Item] = getattr(self.record, name)
        seen = self.seen.setdefault(name, {item_key(f"{it.title or ''} {it.text}") for it in items})
        key = item_key(f"{item.title or ''} {item.text}")
        if key and key not in seen:
            seen.add(key)
            items.append(item)

    def _what(self, n: int) -> str:
        names = {"preamble": "before the first heading", "before": "of 'before taking' points for the doctor",
                 "side_effects": "of the side-effects part", "store": "on storage or disposal",
                 "ingredients": "on ingredients", "general": "of general information",
                 "other": "under a heading the handout has no place for",
                 "who_not": "of 'who should not take' points for the doctor",
                 "important": "of the most important information", "what": "of 'what is it'",
                 "avoid": "of 'what to avoid'", "how": "of 'how to take it'"}
        return f"{n} block{'s' if n != 1 else ''} {names.get(self.topic, 'of the label')}"


def _full(block: Block) -> str:
    """An item's words with its bold lead words: "moderate to severe RA in adults. It can be used ..." """
    return f"{block.title}. {block.text}" if block.title else block.text


def _joined(prefix: Block, text: str) -> Block:
    return Block(prefix.kind, f"{prefix.text} {text}", prefix.depth, prefix.line, prefix.title)


def block_title(block: Block) -> str | None:
    return block.title


def _is_subtitle(block: Block) -> bool:
    """ "Cancer": a short line with no sentence in it, standing over the points that follow."""
    words = block.text.rstrip(".").split()
    return block.kind == "text" and 0 < len(words) <= 4 and not block.text.endswith((":", "?")) and \
        not re.search(r"[.!?]\s", block.text) and block.text[:1].isupper()


def _lead_title(text: str) -> str:
    return text.rstrip(":").strip()


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text
