"""A label's patient section (Medication Guide, Patient Information) read by its structure.

openFDA gives each patient section twice: flattened to one line (``spl_medguide``) and, for most
labels, as the label's own markup (``spl_medguide_table``: bold runs, ``<list><item>``). The markup
is read where it covers the section (``table_blocks``); else the flattened text is split back
(``flat_blocks``): the 21 CFR 208.20 questions are headings, "•" starts an item and " o " an item
under it. Either way the section becomes ``fdalabel.Block``s, and ``Reader`` maps them:

- each serious condition ("Lung problems (pneumonitis)") is one serious warning: its name as the
  title, what it is (its first sentence) as the text, its signs as ``signs`` and the label's
  call-now words as ``action`` (record/fields.py ITEM_PARTS);
- a list under "Get emergency medical help ...:" is the emergency tier; a call-now sentence with no
  list of its own is an urgent sign, titled with its condition's name;
- "The most common side effects of X include" gives side effects, never urgent signs;
- how to take it, what to avoid, pregnancy and breastfeeding are reminders; what the care team
  does (tests, dose changes, premedication, programs) goes to the care-team notes;
- cross-references (``See "What is the most important information ..."``) are dropped wherever
  they stand, and text is split only at real sentence ends, so "It is not known if X is safe and
  effective in children." stays whole. What no field takes is reported as ignored, with its
  call-now sentences made urgent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ..record import DrugRecord, Item
from ..rules.urgency import CALL_NOW, is_call_now, sentences
from . import fdalabel
from .text import item_key, squash

# ---- blocks from the label's markup ----------------------------------------------------------------

# A cross-reference, wherever it stands: 'See "What is ...?" for more information about side effects.'
SEE = re.compile(
    r"\(?\b(?:[Ff]or more information,? )?[Ss]ee (?:the )?(?:section )?[\"“][^\"”]{3,200}[\"”]"
    r"(?:\s*(?:section|below|above))?(?:\s+for (?:more )?information(?: about (?:the )?(?:possible )?side effects| about [\w-]+)?)?\s*\.?\)?"
    r"|\s*\([Ss]ee (?:below|above)\)",
)
_BLOCK_TAGS = frozenset(("table", "tbody", "thead", "tfoot", "tr", "td", "th", "paragraph", "list", "item",
                         "caption", "col", "colgroup", "p", "ul", "ol", "li", "section", "component", "text",
                         "title"))
_ITEM_TAGS = frozenset(("item", "li"))
_LIST_TAGS = frozenset(("list", "ul", "ol"))


_COVERED = 0.85
_FORWARD = re.compile(r"\b(?:listed\s+below|the\s+following|as\s+follows)\s*\.?$", re.I)
# "See below for other side effects of X.": a pointer to elsewhere on the label, no point of its own.
_SEE_AROUND = re.compile(r"\(?(?:See\s+)?(?:below|above)\s+for\b|\(?See\s+(?:below|above|the\s+end)\b", re.I)


def table_blocks(markup: list[str], flat: str, line: int = 1) -> list[fdalabel.Block] | None:
    """The blocks of a section's markup (openFDA's ``*_table`` strings), or None where it cannot be
    parsed or holds much less than the flattened section (then the flat text is read)."""
    collector = _Collector(line)
    for part in markup:
        if not isinstance(part, str):
            return None
        try:
            root = SafeET.fromstring(f"<root>{part}</root>".encode())
        except (ParseError, DefusedXmlException, ValueError):
            return None
        collector.walk(root, 0)
        collector.flush()
    words = sum(len(b.text.split()) + len((b.title or "").split()) for b in collector.blocks)
    # The markup leaves out its footer ("This Patient Information has been approved ...") and the
    # cross-references are taken out of both: what is left must be (nearly) the whole section.
    if words < _COVERED * len(SEE.sub(" ", flat).split()):
        return None
    return collector.blocks


class _Collector:
    """Walks the markup in document order, gathering each paragraph's or item's runs of words."""

    def __init__(self, line: int):
        self.line = line
        self.blocks: list[fdalabel.Block] = []
        self.runs: list[tuple[bool, str]] = []  # (bold, words) of the paragraph or item being read
        self.item_depth = 0  # the depth of the item whose words are being read; 0: a paragraph

    def walk(self, element: Element, depth: int, bold: bool = False) -> None:
        tag = _local(element.tag)
        if tag in ("tfoot", "code", "id", "effectivetime"):
            return  # "This Medication Guide has been approved ...", "Revised: 09/2023"; SPL's codes
        if tag == "title":
            # An SPL sub-section's title: a heading where it is one of the regulated questions.
            self.flush()
            title = squash("".join(element.itertext()))
            if title:
                kind = "heading" if fdalabel.topic_of(title) != "other" else "bold"
                self.blocks.append(fdalabel.Block(kind, title, 0, self.line))
            return
        block = tag in _BLOCK_TAGS
        if block:
            self.flush()
        if tag in _LIST_TAGS:
            depth += 1
        if tag in _ITEM_TAGS:
            self.item_depth = depth
        if tag == "caption":
            # An item's mark: "o" (or "◦", "–") marks an item under the one before, in its own cell.
            if squash(element.text or "") in ("o", "\u25e6", "\u00ba", "-", "\u2013") and self.item_depth:
                self.item_depth = depth + 1
            return
        bold = bold or (tag in ("content", "b", "strong") and "bold" in (element.get("styleCode") or "bold").lower())
        if tag == "br":
            self._add(bold, " ")
        self._add(bold, element.text or "")
        for child in element:
            self.walk(child, depth, bold)
            if _local(child.tag) == "caption":
                self._add(bold, child.tail or "")
                continue
            if _local(child.tag) in _BLOCK_TAGS:
                self.flush()
                if tag in _ITEM_TAGS:
                    self.item_depth = depth  # the item's words after a nested list are its own still
            self._add(bold and _local(child.tag) not in _BLOCK_TAGS, child.tail or "")
        if block:
            self.flush()
            if tag in _ITEM_TAGS:
                self.item_depth = 0

    def _add(self, bold: bool, text: str) -> None:
        if not text:
            return
        if self.runs and self.runs[-1][0] == bold:
            self.runs[-1] = (bold, self.runs[-1][1] + text)
        else:
            self.runs.append((bold, text))

    def flush(self) -> None:
        runs = [(bold, squash(text)) for bold, text in self.runs]
        merged: list[tuple[bool, str]] = []
        for bold, text in runs:
            if text and re.fullmatch(r"[.,:;]", text) and merged:
                merged[-1] = (merged[-1][0], merged[-1][1].rstrip() + text)  # "Eye problems ." in two runs
            elif text and merged and not re.search(r"[.:?!][\"”’)]?$", merged[-1][1]) and not (
                    merged[-1][0] and text[:1].isupper() and is_condition_name(merged[-1][1])):
                # A sentence bold in part ("After starting X, call your doctor right away" + " if you
                # have an infection.") is one sentence: runs split only where a sentence ends.
                merged[-1] = (merged[-1][0], f"{merged[-1][1]} {text}")
            elif text:
                merged.append((bold, text))
        runs = merged
        self.runs = []
        if not runs:
            return
        if self.item_depth:
            title = None
            if runs[0][0] and runs[0][1].endswith((".", ":")) and len(runs) > 1 and len(runs[0][1].split()) <= 12:
                title, runs = runs[0][1].rstrip(".:"), runs[1:]
            text = squash(SEE.sub(" ", " ".join(t for _, t in _without_references(runs))))
            # Several points typed into one cell: "before starting X • 7 days after starting X".
            for n, piece in enumerate(p for p in re.split(r"\s*[•\u2022\u00ba\u25e6]\s*", text) if p.strip()):
                self.blocks.append(fdalabel.Block("item", piece, self.item_depth, self.line, title if not n else None))
            if not text and title:
                self.blocks.append(fdalabel.Block("item", title, self.item_depth, self.line))
            return
        runs = _without_references(runs)
        for bold, text in runs:
            if bold and fdalabel.topic_of(text) != "other" and _is_heading(text):
                self.blocks.append(fdalabel.Block("heading", text, 0, self.line))
                continue
            start = 0
            for match in fdalabel._HEADING_IN_TEXT.finditer(text) if bold else ():
                self._text(text[start:match.start()], bold)
                self.blocks.append(fdalabel.Block("heading", match.group(0).strip(), 0, self.line))
                start = match.end()
            self._text(text[start:], bold)

    def _text(self, text: str, bold: bool) -> None:
        for n, piece in enumerate(re.split(r"\s*[•\u2022\u00ba\u25e6]\s*", squash(SEE.sub(" ", text)))):
            piece = squash(piece)
            if piece:
                self.blocks.append(fdalabel.Block("item" if n else ("bold" if bold else "text"), piece, n and 1,
                                                  self.line))


_REFERENCE_PARTS = re.compile(
    r"\(?(?:[Ff]or more information,? )?[Ss]ee(?: the)?(?: section)?\s*[\"“]?|[\"“][^\"”]{3,200}[\"”]\s*\)?\.?"
    r"|[\"”]?\s*(?:section\s*)?(?:for (?:more )?information(?: about (?:the )?(?:possible )?side effects| about [\w-]+)?)?\s*\.?\)?\.?")


def _without_references(runs: list[tuple[bool, str]]) -> list[tuple[bool, str]]:
    """The runs with a cross-reference split over several (a plain "See", the bold quoted heading,
    "for more information") taken out; a run such as "See" alone holds nothing else."""
    out = []
    for n, (bold, text) in enumerate(runs):
        nearby = " ".join(t for _, t in runs[max(0, n - 1):n + 2])
        if _REFERENCE_PARTS.fullmatch(text) and re.search(r"\b[Ss]ee\b", nearby):
            continue
        out.append((bold, text))
    return out


def _local(tag: str) -> str:
    """ "{urn:hl7-org:v3}paragraph" (SPL) and "paragraph" (openFDA's markup) alike."""
    return tag.rsplit("}", 1)[-1].lower()


def element_blocks(section: Element, line: int = 1) -> list[fdalabel.Block]:
    """The blocks of an SPL patient section (its sub-sections' titles as headings), read as
    openFDA's markup is."""
    collector = _Collector(line)
    for child in section:
        if _local(child.tag) != "title":  # the section's own title ("Medication Guide")
            collector.walk(child, 0)
            collector.flush()
    return collector.blocks


def _is_heading(text: str) -> bool:
    return bool(re.fullmatch(r"[^.!]{3,200}\?|General information about[^.]{0,120}\.?|(?:What are the )?ingredients"
                             r"[^.]{0,80}", text.strip(), re.I))


# ---- blocks from the flattened text ---------------------------------------------------------------

_ITEM_MARK = re.compile(r"\s*[•\u2022\u25cf\u25aa\uf0b7]\s*|(?<=\S) o (?=\S)")
# The last item of a flattened list runs on into the prose after it: a sentence opener right after
# a lower-case word ends the item ("... chest pain IBRANCE may cause ..."), never after a word that
# leads into a name ("It is not known if IBRANCE is ..." is one sentence).
_OPENERS = (r"If|These|This|Call|Tell|Do|Don't|You|Get|Stop|Other|The|Ask|Before|After|Take|Keep|Store|For"
            r"|Some|Most|It|Read|Talk|Use|Medicines|Children|Women|Females|Males|People|General|Avoid|Go|Seek"
            r"|Contact|Serious|Common|Signs|Symptoms|Your")
_RUN_ON = re.compile(rf"(?<=[a-z0-9)%,]) (?=(?:{_OPENERS})\b)")
# ... or the drug's name in capitals opening a sentence, once the item has two words at least.
_RUN_ON_NAME = re.compile(r"(?<=[a-z0-9)%]) (?=[A-Z]{3,}[®™]? (?:should|can|may|is|are|will|must|does|do)\b)")
_LEADS_INTO = re.compile(r"\b(?:if|that|when|whether|and|or|of|to|with|because|unless|while|before|after|as|than"
                         r"|the|a|an|your|take|taking|use|using|stop|about|how|why|which|who)$", re.I)


def flat_blocks(text: str, line: int = 1) -> list[fdalabel.Block]:
    """Headings, paragraphs and (nested) items of a section flattened to one line."""
    text = squash(SEE.sub(" ", squash(text)))
    blocks: list[fdalabel.Block] = []
    start = 0
    for match in fdalabel._HEADING_IN_TEXT.finditer(text):
        blocks.extend(_items(text[start:match.start()], line))
        blocks.append(fdalabel.Block("heading", match.group(0).strip(), 0, line))
        start = match.end()
    blocks.extend(_items(text[start:], line))
    return blocks


def _items(text: str, line: int) -> list[fdalabel.Block]:
    blocks: list[fdalabel.Block] = []
    marks = list(_ITEM_MARK.finditer(text))
    head = squash(text[: marks[0].start()] if marks else text)
    if head:
        blocks.append(fdalabel.Block("text", head, 0, line))
    for n, mark in enumerate(marks):
        end = marks[n + 1].start() if n + 1 < len(marks) else len(text)
        piece = squash(text[mark.end():end])
        if not piece:
            continue
        depth = 2 if mark.group(0).strip() == "o" else 1
        cut = _run_on(piece)
        if cut is None:
            blocks.append(fdalabel.Block("item", piece, depth, line))
        else:
            blocks.append(fdalabel.Block("item", piece[:cut].strip(), depth, line))
            blocks.append(fdalabel.Block("text", piece[cut:].strip(), 0, line))
    return [b for b in blocks if b.text]


def _run_on(piece: str) -> int | None:
    """Where prose starts after a flattened item's words, if it does: at a sentence opener after a
    lower-case word with no full stop, or at a full sentence after the item's last full stop that
    is no part of it (a new paragraph starts "Tell ...", "If ...")."""
    if piece[:1].islower():
        # "• chest pain Low white blood cell counts (neutropenia). Low ...": a lower-case point
        # followed by capitalised sentences.
        for match in re.finditer(r"(?<=[a-z0-9)%]) (?=[A-Z][a-z])", piece):
            before, after = piece[:match.start()], piece[match.end():]
            if not _LEADS_INTO.search(before) and re.search(r"[.!?:](?:\s|$)", after):
                return match.start()
    for pattern, words in ((_RUN_ON, 1), (_RUN_ON_NAME, 2)):
        for match in pattern.finditer(piece):
            before = piece[:match.start()]
            if len(before.split()) >= words and not _LEADS_INTO.search(before):
                return match.start()
    return None


# ---- the mapping ----------------------------------------------------------------------------------

_EMERGENCY = fdalabel._EMERGENCY
_COMMON_LEAD = re.compile(r"\b(?:most\s+)?common\s+side\s+effects\b|\bother\s+(?:possible\s+)?side\s+effects\b"
                          r"|\bside\s+effects\s+of\s+\S+(?:\s+\S+)?\s+(?:include|are)\b", re.I)
_INLINE_COMMON = fdalabel._INLINE_COMMON
_COMMON_TITLE = re.compile(r"(?:the\s+)?(?:most\s+|other\s+)?(?:common|other)\s+(?:possible\s+)?side\s+effects\b", re.I)
_SERIOUS_LEAD = re.compile(r"\b(?:can|may|could)\s+cause\s+(?:serious|severe)\b|\bserious side effects\b", re.I)
_NOT_KNOWN = re.compile(r"^It is not known if\b", re.I)
_PREGNANCY = fdalabel._PREGNANCY
_BOILERPLATE = fdalabel._BOILERPLATE
_STOP_AND_CALL = re.compile(r"^(?:Stop|Do not (?:take|use) any more)\b.*\b(?:call|tell|get|contact)\b|^Stop taking\b.*\bif\b", re.I)
# What the care team does, said to the patient: tests, checks, dose changes, premedication, programs.
CARE_TEAM = re.compile(
    r"^(?:Your|The|A)\s+(?:health ?care\s+provider|doctor|healthcare\s+team|care\s+team|nurse|pharmacist)s?"
    r"\s+(?:will|should|may|might|can|could|must|is going to|has to|need to|needs to)\b"
    r"|\b(?:REMS|Risk Evaluation and Mitigation|enrolled? in|certified|restricted program|before each (?:dose|infusion)"
    r"|medicines? (?:before|to help) (?:each|prevent|reduce) (?:infusion|reactions?)|premedicat"
    r"|(?:ECG|electrocardiogram)s?\b.*\b(?:before|during|after)\b|miss(?:ed)? (?:any )?appointments?)"
    r"|\byour\s+(?:health ?care\s+provider|doctor)\s+(?:will|should|may|might|can|could|must)\s+(?:also\s+)?"
    r"(?:do|check|monitor|test|change|decrease|lower|reduce|stop|give|prescribe|send|perform|treat|delay|hold|pause"
    r"|need|watch|decide|take|ask)\b"
    r"|^(?:Monitor|Withhold|Discontinue|Interrupt|Administer|Reduce|Resume|Treat|Obtain|Evaluate|Premedicate)\b",
    re.I,
)
_DEATH = re.compile(r"\b(?:death|die|died|life-threatening|fatal|serious|severe)\b", re.I)
_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|may|can|could|will|would|should|must|might|cause|causes|caused|happen|happens"
    r"|have|has|had|tell|call|get|take|do|does|did|include|includes|lead|leads|occur|occurs|affect|affects"
    r"|develop|develops|make|makes|need|needs|keep|stop|see|talk|use|ask|go|contact)\b", re.I)
_NAME_WORDS = 14


def is_condition_name(text: str) -> bool:
    """ "Lung problems (pneumonitis).": a short name with no verb, standing before what it is."""
    text = text.strip()
    bare = re.sub(r"\([^)]*\)", "", text).rstrip(".:").strip()
    words = bare.split()
    return (0 < len(words) <= _NAME_WORDS and text[:1].isupper() and not _COMMON_TITLE.match(text) and not text.endswith((":", "?", ","))
            and not _VERB.search(bare) and not re.search(r"[.!?]\s", text))


def action_of(sentence: str) -> str:
    """The call-now words of a lead-in, as the label gives them: "Call your healthcare provider right away"."""
    match = _EMERGENCY.search(sentence) if _EMERGENCY.search(sentence) and not CALL_NOW.search(sentence) else \
        CALL_NOW.search(sentence)
    if match is None:
        return sentence.rstrip(":").strip()
    before = sentence[:match.start()]
    if re.match(r"(?:Stop|Call|Tell|Get|Go|Seek|Contact|See)\b", sentence) and len(before.split()) <= 6:
        # "Stop taking X and call your healthcare provider right away", "Call or see your ..."
        text = sentence[:match.end()].strip()
    else:
        text = match.group(0).strip()
    return text[:1].upper() + text[1:]


@dataclass
class _Lead:
    kind: str  # "emergency", "urgent", "signs", "common", "uses", "serious", "reminder", "before", "ignore"
    text: str
    depth: int  # items deeper than this are its own
    items: list[fdalabel.Block] = field(default_factory=list)
    action: str | None = None
    condition: Item | None = None  # the condition whose signs its items are


class Reader:
    """Maps one patient section's blocks into the record (see the module's docstring)."""

    def __init__(self, record: DrugRecord, path: str):
        self.record, self.path = record, path
        self.topic = "preamble"
        self.condition: Item | None = None
        self.leads: list[_Lead] = []
        self.unplaced: list[str] = []
        self.line = 1
        self.flat = False  # blocks split from flattened text: an item's list is the items after it
        self.condition_depth = 0  # the depth of the item that named the open condition (0: a paragraph)
        self.intro: Item | None = None  # the opening words of the most important information
        self.standing_action: str | None = None  # "... right away if you get any of the symptoms listed below."

    # -- walking ---------------------------------------------------------------------------------

    def read(self, blocks: list[fdalabel.Block]) -> None:
        for block in blocks:
            self.line = block.line
            if block.kind == "heading":
                self._close_all()
                self._end_condition()
                self._report()
                self.topic = fdalabel.topic_of(block.text)
                self.standing_action = None
                continue
            if block.kind == "item":
                self._item(block)
            else:
                self._paragraph(block)
        self._close_all()
        self._end_condition()
        self._report()

    def _item(self, block: fdalabel.Block) -> None:
        while self.leads and block.depth <= self.leads[-1].depth:
            self._close()
        if self.leads:
            lead = self.leads[-1]
            parts = sentences(block.text)
            if lead.kind == "serious" and (block.title or is_condition_name(parts[0] if parts else "")):
                # "• Lung problems. ...": a condition of the serious list, with its own sentences.
                self._condition_item(block)
                return
            if block.title and lead.kind in ("urgent", "signs", "emergency") and self.topic in ("important", "side_effects"):
                self._close()  # the next condition of the list: "• Neurologic problems. Symptoms ... include:"
                self._condition_item(block)
                return
            if block.text.endswith(":") and len(block.text.split()) > 3:
                # An item that leads a list of its own: "Low platelet counts are common. Call ... if you have:"
                for part in parts[:-1]:
                    if self.condition is not None and lead.kind in ("serious", "urgent", "signs"):
                        self._sentence(part, block.depth, item=True)
                    else:
                        lead.items.append(fdalabel.Block("item", part, block.depth, block.line))
                self._open(parts[-1], block.depth - 1 if self.flat else block.depth, block.title)
                return

            lead.items.append(block)
            return
        if block.title and self.topic in ("important", "side_effects"):
            self._condition_item(block)
            return
        parts = sentences(block.text)
        if self.topic in ("how", "avoid", "who_not") and not any(
                is_call_now(p) or CARE_TEAM.search(p) or _EMERGENCY.search(p) for p in parts):
            self._add("reminders", Item(_cap(block.text), self.path))  # one point, as the label has it
            return
        for sentence in parts:
            self._sentence(sentence, block.depth, item=True)

    def _condition_item(self, block: fdalabel.Block) -> None:
        self._end_condition()
        parts = sentences(block.text)
        if block.title:
            name = block.title
        else:
            name, parts = parts[0], parts[1:]
        self.condition = Item("", self.path, _name(name))
        self.condition_depth = block.depth
        for part in parts:
            if part.endswith(":"):
                # Its signs follow as items of the same list (a cell each) or under it.
                self._open(part, block.depth - 1, None)
            else:
                self._sentence(part, block.depth, item=True)

    def _paragraph(self, block: fdalabel.Block) -> None:
        if self.leads and (self.leads[-1].depth > 0 or self.leads[-1].items):
            self._close_all()
        if self.condition_depth:
            self._end_condition()  # the paragraph after a list of conditions is none of them
        for sentence in _units(block.text):
            if _COMMON_TITLE.match(sentence) and len(sentence.split()) <= 8:
                # "Common side effects" over a list: side effects, never a condition's signs.
                self._close_all()
                self._end_condition()
                self.leads.append(_Lead("common", sentence, 0))
                continue
            if self.topic in ("important", "side_effects") and is_condition_name(sentence) and \
                    (block.kind == "bold" or not self.leads or self.leads[-1].kind in ("urgent", "serious", "signs")):
                self._new_condition(sentence)
                continue
            self._sentence(sentence, 0, bold=block.kind == "bold")

    def _new_condition(self, name: str) -> None:
        """A condition's name. Under a call-now lead-in ("Call ... if you get any of these:" then
        "Lung problems." and its signs), the lead-in's action carries on to the new condition."""
        carried = None
        if self.leads and self.leads[-1].kind in ("urgent", "signs"):
            carried = self.leads[-1].action
            self._close_all()
            self.leads.append(_Lead("urgent" if carried else "signs", "", 0, action=carried))
        elif self.leads:
            self._close_all()
        self._end_condition()
        self.condition = Item("", self.path, _name(name), action=carried)
        self.condition_depth = 0
        if self.leads:
            self.leads[-1].condition = self.condition

    # -- one sentence ----------------------------------------------------------------------------

    def _sentence(self, sentence: str, depth: int, item: bool = False, bold: bool = False) -> None:
        sentence = squash(SEE.sub(" ", sentence))
        if not sentence or re.fullmatch(r"[\W\d]*", sentence):
            return
        if re.fullmatch(r"\(?for more information(?: about [\w ]{1,40})?\.?\)?", sentence, re.I) or \
                _SEE_AROUND.match(sentence):
            return  # what is left of a cross-reference split over several runs
        if re.fullmatch(r"\(?see\.?", sentence, re.I):
            return
        if _BOILERPLATE.search(sentence):
            self.unplaced.append(sentence)
            return
        if self.topic in ("important", "side_effects") and _FORWARD.search(sentence) and (
                is_call_now(sentence) or _EMERGENCY.search(sentence)):
            # "Call ... or get emergency medical help right away if you get any of the symptoms listed
            # below.": the action of each condition whose signs follow.
            self.standing_action = action_of(sentence)
            return
        if sentence.endswith(":") and not item:
            if self.leads and self.leads[-1].depth == depth and not self.leads[-1].items:
                self.leads.pop()  # a lead-in with nothing under it is followed by another: keep the newer
            elif self.leads:
                self._close_all()
            self._open(sentence, depth, None)
            return
        if self.leads and not item:
            self._close_all()
        target = self._target(sentence)
        if target is None:
            self.unplaced.append(sentence)  # reported with the topic's other leftovers
        else:
            self._put(target, sentence)

    def _target(self, sentence: str) -> str | None:
        topic = self.topic
        if _EMERGENCY.search(sentence) and not CARE_TEAM.search(sentence):
            return "emergency_signs"
        if is_call_now(sentence) or (topic in ("important", "side_effects") and _STOP_AND_CALL.search(sentence)):
            return "urgent_signs"
        if CARE_TEAM.search(sentence):
            return "care_team_notes"
        if re.match(r"(?:Before|Tell)\b[^.]{0,80}\btell\b|Tell your (?:health ?care provider|doctor)", sentence, re.I):
            # "Before taking X, tell your healthcare provider if you take warfarin": something the patient
            # does, a reminder where the label puts it first; in "before taking" only pregnancy points are.
            return "reminders" if topic in ("important", "side_effects", "how", "avoid") or _PREGNANCY.search(
                sentence) else None
        if _INLINE_COMMON.match(sentence):
            return "common"
        if topic == "what":
            return "what"
        if topic in ("how", "avoid", "who_not"):
            return "reminders"
        if topic == "before":
            return "reminders" if _PREGNANCY.search(sentence) else None
        if topic in ("important", "side_effects"):
            if self.condition is not None:
                return "condition"
            if topic == "important":
                return "serious_warnings"
        return None

    def _put(self, target: str, sentence: str) -> None:
        title = self.condition.title if self.condition is not None else None
        if target == "condition":
            called = any(u.title == self.condition.title for u in self.record.urgent_signs)
            if not self.condition.text and not called:  # what it is comes before what to do
                self.condition.text = sentence
            else:
                self.unplaced.append(sentence)
        elif target == "common":
            match = _INLINE_COMMON.match(sentence)
            for part in re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+(?=[^,]*$)", sentence[match.end():].rstrip(".")):
                if squash(part):
                    self._add("side_effects", Item(_cap(squash(part)), self.path))
        elif target == "what":
            self._what(sentence)
        elif target in ("urgent_signs", "emergency_signs"):
            self._add(target, Item(sentence, self.path, title if target == "urgent_signs" else None))
        elif target == "serious_warnings":
            # The opening words of the most important information, before any condition: one warning
            # of two sentences at most; the rest is reported.
            intro = self.intro
            if intro is None:
                self.intro = Item(sentence, self.path)
                self._add(target, self.intro)
            elif len(sentences(intro.text)) < 2 and (_DEATH.search(sentence) or not _DEATH.search(intro.text)):
                intro.text = f"{intro.text} {sentence}"
            else:
                self.unplaced.append(sentence)
        else:
            self._add(target, Item(sentence, self.path))

    def _what(self, sentence: str) -> None:
        """ "What is X?": its first sentence is the description, the rest its uses."""
        if _NOT_KNOWN.match(sentence):
            self._add("uses", Item(sentence, self.path))
        elif self.record.description is None and len(sentence) <= _DESCRIPTION_CHARS and not sentence.endswith(":"):
            self.record.description = Item(sentence, self.path)
        else:
            if self.record.description is None:
                self.record.description = _pointer(sentence, [], self.path)
            self._add("uses", Item(sentence, self.path))

    # -- lead-ins and their lists ----------------------------------------------------------------

    def _open(self, text: str, depth: int, title: str | None) -> None:
        kind, action = self._lead_kind(text)
        lead = _Lead(kind, text, depth, action=action, condition=self.condition)
        if kind == "urgent" and self.condition is not None and not self.condition.action:
            self.condition.action = action
        self.leads.append(lead)

    def _lead_kind(self, text: str) -> tuple[str, str | None]:
        topic = self.topic
        if fdalabel.topic_of(text) == "before" and re.search(r"\btell\b", text, re.I) and not is_call_now(text):
            return "before", None
        if _EMERGENCY.search(text) and not CALL_NOW.search(re.sub(_EMERGENCY, "", text)):
            return "emergency", action_of(text)
        if is_call_now(text):
            return "urgent", action_of(text)
        if _COMMON_LEAD.search(text) and not _SERIOUS_LEAD.search(text):
            return "common", None
        if topic in ("important", "side_effects"):
            if _SERIOUS_LEAD.search(text):
                return "serious", None
            # "Symptoms of CRS may include:" under a condition: its signs, its action said elsewhere.
            return ("signs" if self.condition is not None else "ignore"), None
        if topic == "what":
            return "uses", None  # "X is a prescription medicine used to treat:"
        if topic == "before":
            return "before", None
        if topic in ("how", "avoid", "who_not") and not CARE_TEAM.search(text):
            return "reminder", None
        if CARE_TEAM.search(text):
            return "care", None
        return "ignore", None

    def _close_all(self) -> None:
        while self.leads:
            self._close()

    def _close(self) -> None:
        lead = self.leads.pop()
        items = [squash(SEE.sub(" ", _full(b))) for b in lead.items]
        items = [i for i in items if i and not re.fullmatch(r"[\W\d]*", i) and not re.match(r"\(?See\b", i) and not _SEE_AROUND.match(i)]
        if not items:
            if lead.kind in ("ignore", "reminder", "before", "care", "uses") and lead.text:
                self._sentence(lead.text.rstrip(":") + ".", 0, item=True)
            return
        kind = lead.kind
        condition = lead.condition
        if kind == "emergency":
            for text in items:
                self._add("emergency_signs", Item(_cap(text), self.path))
        elif kind in ("urgent", "signs") and condition is not None:
            for text in items:
                if text not in condition.signs:
                    condition.signs.append(_cap(text))
            if kind == "urgent" and not condition.action:
                condition.action = lead.action
        elif kind == "urgent":
            for text in items:
                self._add("urgent_signs", Item(_cap(text), self.path))
        elif kind == "common":
            for text in items:
                (self._add("urgent_signs", Item(text, self.path)) if is_call_now(text)
                 else self._add("side_effects", Item(_cap(text), self.path)))
        elif kind == "serious":
            # "X can cause serious side effects, including:" over names ("Lung problems."), whole
            # sentences, or short points ("heart failure") that stay one warning with their lead-in.
            points = []
            for text in items:
                target = self._target(text)
                if target in ("urgent_signs", "emergency_signs", "care_team_notes", "common", "reminders"):
                    self._put(target, text)
                elif is_condition_name(text) and text[:1].isupper():
                    self._end_condition()
                    self.condition = Item("", self.path, _name(text))
                    self._end_condition()
                elif text.endswith(".") and _VERB.search(text) and len(text.split()) > _NAME_WORDS // 2:
                    self._add("serious_warnings", Item(text, self.path))
                else:
                    points.append(text)
            if points:
                self._add("serious_warnings", Item(_joined(lead.text, points), self.path))
        elif kind == "uses":
            if self.record.description is None:
                self.record.description = _pointer(lead.text, items, self.path)
            self._add("uses", Item(lead.text, self.path))
            for text in items:
                self._add("uses", Item(_cap(text), self.path))
        elif kind == "reminder":
            self._add("reminders", Item(_joined(lead.text, items), self.path))
        elif kind == "before":
            for text in items:
                parts = sentences(text)
                urgent = [p for p in parts if is_call_now(p)]
                for part in urgent:  # "... unborn baby. Tell your healthcare provider right away if you become pregnant."
                    self._add("urgent_signs", Item(part, self.path))
                for run in _runs(parts, urgent):
                    if _PREGNANCY.search(run):
                        self._add("reminders", Item(_cap(run), self.path, lead.text.rstrip(":")))
                    else:
                        self.unplaced.append(run)
        elif kind == "care":
            self._add("care_team_notes", Item(_joined(lead.text, items), self.path))
        else:
            for text in items:
                target = self._target(text)
                if target in ("urgent_signs", "emergency_signs", "care_team_notes", "reminders"):
                    self._put(target, text)
                else:
                    self.unplaced.append(text)

    def _end_condition(self) -> None:
        condition, self.condition = self.condition, None
        self.condition_depth = 0
        if condition is None:
            return
        if not condition.text and not condition.signs:
            self.unplaced.append(condition.title or "")
            return
        condition.text = condition.text or f"{condition.title}."
        if condition.signs and not condition.action:
            condition.action = self.standing_action
        key = item_key(condition.title or condition.text)
        for warning in self.record.serious_warnings:
            if item_key(warning.title or warning.text) == key:
                warning.signs.extend(s for s in condition.signs if s not in warning.signs)
                warning.action = warning.action or condition.action
                return
        self.record.serious_warnings.append(condition)

    # -- adding ----------------------------------------------------------------------------------

    def _add(self, name: str, item: Item) -> None:
        items: list[Item] = getattr(self.record, name)
        key = item_key(f"{item.title or ''} {item.text}")
        if key and all(item_key(f"{it.title or ''} {it.text}") != key for it in items):
            items.append(item)

    def _report(self) -> None:
        from ..rules.urgency import pull_urgent

        texts = [t for t in self.unplaced if t]
        self.unplaced = []
        if texts:
            text = " ".join(t if t.endswith((".", "!", "?", ":")) else t + "." for t in texts)
            what = f"{len(texts)} sentence{'s' if len(texts) != 1 else ''} under '{self.topic}' no field takes"
            pull_urgent(text, self.path, self.line, what, self.record)


_DESCRIPTION_CHARS = 240  # one line under the drug's name: two printed lines at most
_TREATS = re.compile(r"^.{0,160}?\b(?:used\s+(?:in\s+[\w ,-]{1,60}?\s+)?to\s+(?:treat|help|prevent|reduce|lower)"
                     r"|used\s+(?:for|in|with))\b", re.I)


def _pointer(lead: str, items: list[str], path: str) -> Item | None:
    """What the drug is, in one line: the lead-in and its uses where they fit ("X is a prescription
    medicine used to treat: a; b."), else the lead-in's first words and a line that points to the
    care team, never a dozen cancers."""
    joined = _joined(lead, items) if items else lead
    if len(joined) <= _DESCRIPTION_CHARS and not joined.endswith(":"):
        return Item(joined, path)
    match = _TREATS.match(lead)
    if match is None:
        return None
    return Item(f"{match.group(0)} the conditions its label lists; ask your care team which one it is for you.",
                path)


def _runs(parts: list[str], left_out: list[str]) -> list[str]:
    """The sentences not left out, joined where they stood together in the label."""
    runs, current = [], []
    for part in parts:
        if part in left_out:
            runs, current = runs + [" ".join(current)] if current else runs, []
        else:
            current.append(part)
    return runs + [" ".join(current)] if current else runs


def _units(text: str) -> list[str]:
    """A paragraph's sentences, a lead-in ending with ":" apart from the words after it ("...,
    including: Lung problems (pneumonitis)." is a lead-in and a condition's name)."""
    return [u.strip() for s in sentences(text) for u in re.split(r"(?<=:)\s+(?=[A-Z][a-z])", s) if u.strip()]


def _full(block: fdalabel.Block) -> str:
    return f"{block.title}: {block.text}" if block.title else block.text


def _name(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(".:").strip()


def _cap(text: str) -> str:
    text = text.strip().rstrip(";,")
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def _joined(lead: str, items: list[str]) -> str:
    """ "Do not take X if you: have a; are b." - a lead-in and its short points as one reminder."""
    return f"{lead.rstrip()} {'; '.join(i.rstrip('.;') for i in items)}."


def read_section(record: DrugRecord, section: fdalabel.Section, path: str, flat: bool = False) -> None:
    reader = Reader(record, path)
    reader.flat = flat
    reader.read(section.blocks)
