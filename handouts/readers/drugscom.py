"""Read a drugs.com side-effects page, saved as plain text, into a DrugRecord.

Pages come in several layouts that users still have on disk: the oldest asks
"What are some side effects that I need to call my doctor about right away?";
later ones say "Along with its needed effects..." with frequency groups; later
still a boxed "Warning" and "Serious side effects of <Brand>"; the newest have
"Important warnings", "Precautions" and "- " bullets on single newlines; some
follow "Serious side effects of <Brand>" with "Call your doctor at once if you
have:" and "Common side effects of <Brand> may include:" lists. One line-based
pass splits the page into sections by their headings, whatever the layout, and
each section kind has its own small parser. Only boilerplate sentences and
lead-ins are left out of an urgent section, never a line that may name a sign.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import InputError
from ..record import BrandName, DrugRecord, Ignored, Item, Source
from ..rules import urgency
from .text import bullet_text, item_key, name_key, parse_date, squash

KIND = "drugs.com"
PUBLISHER = "Drugs.com"

# How far down the page title may sit (after "Skip to Content" and the like), in non-blank lines.
_TITLE_WINDOW = 15
# A line ending with ":" that is longer than this is an introduction, not a group label.
_LABEL_MAX_WORDS = 6
# A warnings line this short and without final punctuation is a warning's name.
_NAME_MAX_WORDS = 12

_I = re.IGNORECASE
_IM = re.IGNORECASE | re.MULTILINE

_TITLE = re.compile(r"^(?P<name>\S.*?)\s+side\s+effects\s*(?::.*)?$", _I)
# Headings such as "Serious side effects" or "More common side effects" that are not the page title.
_NOT_A_TITLE = re.compile(
    r"^(?:serious|other|common|more|less|rare|very|possible|severe|all|some|incidence|frequency|what)\b", _I
)
_GENERIC = re.compile(r"^[^\S\n]*generic\s+name\s*:\s*(?P<value>.*)$", _IM)
_BRANDS = re.compile(r"\bbrand\s+names?(?:\s*\(s\))?\s*:\s*(?P<value>.*)$", _I)
_NAME_TAIL = re.compile(
    r"(?<!\s)\s*\b(?:brand\s+names?(?:\s*\(s\))?\s*:|drug\s+class\s*:|dosage\s+forms?\s*:|generic\s+name\s*:|"
    r"medically\s+reviewed\b|last\s+updated\b).*$",
    _I,
)
_PRONUNCIATION = re.compile(r"\[[^\[\]]*\]")
_UPDATED = re.compile(
    r"last\s+updated\s+on\s+(?P<date>[A-Za-z]+\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}\s+[A-Za-z]+\s+\d{4})",
    _I,
)
_URL = re.compile(r"https?://(?:www\.)?drugs\.com/[^\s)\]>\"']+", _I)

# Markers only a drugs.com side-effects page has: enough on their own.
_UNIQUE = re.compile(
    r"what are some side effects that i need to call my doctor|along with its needed effects|"
    r"medically reviewed by drugs\.com|"
    r"^[^\S\n]*(?:[-*\u2022]\s*)?(?:very common|common|uncommon) \(\d[^)]*\)\s*:",
    _IM,
)
# Markers that also fit other documents: they count only under a "<Drug> Side Effects" title.
_SHARED = re.compile(
    r"^[^\S\n]*(?:generic\s+name\s*:|for (?:the )?consumers?\s*$|for (?:healthcare|health care) professionals?\s*$|"
    r"(?:serious|other) side effects of \S|important warnings)",
    _IM,
)

# What to do at once, said before the list it heads ("Check with your doctor immediately if any of the
# following side effects occur:", "Call your doctor at once if you have:") or as a sentence holding an
# urgent sign itself ("Call your doctor right away if you have blurred vision."): see _heading.
_INSTRUCTION = re.compile(
    rf"^(?:stop\s+(?:using|taking)\s+[^:]{{1,60}}?\s+and\s+)?{urgency.INSTRUCTION}\b",
    _I,
)
# A lead-in names no sign itself: "... if any of the following side effects occur:".
_LEAD_IN = re.compile(
    r"(?:\bany\s+of\s+(?:the\s+following|these)\b|\bthe\s+following\b"
    r"|\bthese\s+(?:signs|symptoms|side\s+effects|effects)\b|\bif\s+you\s+(?:have|notice|get|develop|experience)"
    r"|\b(?:may|can|might)\s+include|\binclude|\bsuch\s+as|\blike)[^:]*:$",
    _I,
)
# An instruction that has lost its colon still leads a list when it speaks of one.
_LEADS_A_LIST = re.compile(r"\b(?:the\s+following|any\s+of\s+these|these\s+(?:signs|symptoms|side\s+effects))\b", _I)

# The old major/minor split. Words after "Major side effects" other than "of <Drug>" may name a sign
# ("Major side effects include fainting"), so such a line is kept whole: see _heading.
_MAJOR = re.compile(r"^major side effects\b(?P<words>[^:]*)(?::\s*(?P<rest>.*))?$", _I)

# Section headings, tried in order on lines that are not bullets. Each gives the section that
# starts and whether the rest of the line (after the heading words) is content of that section.
_HEADINGS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"^for (?:the )?consumers?\s*:?$", _I), "consumer"),
    (re.compile(r"^for (?:healthcare|health care) professionals?\s*:?$", _I), "professional"),
    (re.compile(rf"^what are some side effects that i need to {urgency.CALL_VERB}\s+{urgency.CARER}\b", _I), "urgent"),
    (re.compile(r"^what are some other side effects\b", _I), "side"),
    (
        re.compile(
            r"^serious side effects(?: of (?!.*\b(?:include|includes|are|is|may)\b)(?:\S+\s*){1,5})?\s*:?$", _I
        ),
        "urgent",
    ),
    (
        re.compile(
            r"^other side effects(?: of (?!.*\b(?:include|includes|are|is|may)\b)(?:\S+\s*){1,5})?\s*:?$", _I
        ),
        "side",
    ),
    # Headings of the "Along with its needed effects" era, and the even older major/minor split.
    (re.compile(r"^side effects requiring immediate medical attention\b", _I), "urgent"),
    (re.compile(r"^side effects not requiring immediate medical attention\b", _I), "side"),
    (_MAJOR, "urgent"),
    (re.compile(r"^minor side effects\b[^:]*:?(?P<rest>.*)$", _I), "side"),
    (re.compile(r"^(?:along with|as well as|in addition to) its needed effects\b", _I), "urgent"),
    (_INSTRUCTION, "urgent"),
    # "Serious side effects of Quexa may include:" (the heading form without a verb is above).
    (
        re.compile(
            r"^(?:(?:rare|uncommon|less common|other|possible|some)\s+(?:but\s+)?)?"
            r"(?:serious|severe|life[- ]threatening|dangerous)\s+side\s+effects?(?:\s+of\s+[^:]{1,60}?)?\s+"
            r"(?:(?:may|can|might|could)\s+)?(?:include|includes|are)\b\s*:?\s*(?P<rest>.*)$",
            _I,
        ),
        "urgent",
    ),
    # The lead-in of the ordinary list: "Common side effects of Quexa may include:", "Common side
    # effects of Quexa", "Less serious side effects may include:". "More common side effects" and a
    # bare "Common side effects" are frequency groups, read by _group_label.
    (
        re.compile(
            r"^(?:the\s+)?(?:most\s+|other\s+)?common\s+(?:[\w'-]+\s+){0,3}?side\s+effects?"
            r"(?:\s+of\s+(?:(?!(?:may|can|might|could|include|includes|are)\b)[^\s:]+\s*){1,6})?\s*"
            r"(?:(?:may|can|might|could)\s+)?(?:include|includes|are)\b\s*:?\s*(?P<rest>.*)$",
            _I,
        ),
        "side-lead",
    ),
    (
        re.compile(
            r"^(?:the\s+)?(?:most\s+|other\s+)?common\s+side\s+effects\s+of\s+"
            r"(?!.*\b(?:include|includes|are|is|may)\b)(?:\S+\s*){1,5}\s*:?$",
            _I,
        ),
        "side-lead",
    ),
    (
        re.compile(r"^(?:less\s+serious|non-?serious|milder|mild)\s+side\s+effects?\b[^:]*:?\s*(?P<rest>.*)$", _I),
        "side",
    ),
    # Every wording of "... may not need medical attention" opens the ordinary list, also cut off
    # ("Some side effects of X may occur that usually do"); its other sentences stay to be read.
    (
        re.compile(
            r"^some\s+(?:of\s+the\s+)?side\s+effects\b[^.]{0,120}?\b(?:(?:do|does|may|might|will)\s+)?"
            r"(?:not\s+(?:usually\s+)?(?:need|require)\s+(?:immediate\s+)?medical\s+attention|usually\s+do(?:\s+not)?\s*$)"
            r"[^.]*\.?\s*(?P<rest>.*)$",
            _I,
        ),
        "side",
    ),
    # The early layout's severity lines: "Severity: Major" heads the urgent list, "Severity: Minor" the other.
    (re.compile(r"^severity\s*:\s*(?:major|moderate|severe|serious)\s*$", _I), "urgent"),
    (re.compile(r"^severity\s*:\s*(?:minor|mild)\s*$", _I), "side"),
    (re.compile(r"^check with your health care professional if any of the following side effects", _I), "side"),
    (re.compile(r"^(?:boxed |black box )?warnings?\s*:?$", _I), "warnings"),
    (re.compile(r"^important warnings?\s*:?\s*(?P<rest>.*)$", _I), "warnings"),
    (re.compile(r"^precautions\s*:?$", _I), "precautions"),
    (re.compile(r"^summary\s*(?::.*)?$", _I), "skip"),
    (re.compile(r"^references\s*:?$", _I), "skip"),
    (re.compile(r"^(?:medical )?disclaimer\b", _I), "skip"),
    (re.compile(r"^(?:frequently asked questions|more about\b|further information|related/similar drugs)", _I), "skip"),
)

# Lines every page carries that say nothing about this drug.
_BOILERPLATE = re.compile(
    r"^(?:skip to (?:main )?content|note\s*:\s*this document|applies to\b|you may (?:also )?report side effects|"
    r"some side effects of .* may not be reported|(?:medical )?disclaimer\b|every effort has been made|"
    r"\d+\.\s*[\"\u201c]?product information|warning/caution\b|all drugs may cause side effects|"
    r"these are not all (?:of )?the side effects|call your doctor for medical advice about side effects|"
    r"although not all of these side effects|these side effects may go away|"
    r"also,? your health care professional may be able|this medicine can cause some serious health issues|"
    r"medically reviewed by\b|generic\s+name\s*:|brand\s+names?(?:\s*\(s\))?\s*:|"
    r"always consult your (?:doctor|healthcare|health care)|(?:if you have (?:any )?|for )questions about side effects|"
    r"continue reading|see below for a comprehensive list|report side effects to the fda|"
    r"this is not a complete list|others may occur|not every dosage form|some (?:of the )?dosage forms|"
    r"[\"\u201c]?product information\b|"
    r"(?:along with|as well as|in addition to) its needed effects|"
    r"some side effects\b.{0,80}\busually do not need medical attention|as your body adjusts to the medicine|"
    r"(?:serious |common |other )?side effects (?:may )?include\s*:?\s*$|serious reactions can happen\.?\s*$|"
    r"rems\s*:?\s*$)",
    _I,
)
_REFERENCE = re.compile(r"^\s*\d+\.\s*[\"\u201c]", _I)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'\u201c])")
# A line of bullet markers and nothing else ("• ", "-", "1."): no line at all.
_EMPTY_BULLET = re.compile(r"\s*(?:(?:[\u2022\u25cf\u25aa\u00b7\-*\u2013\u2014\u25e6\u25cb\u2023\u2043]|\d+[.)])\s*)+")

# Consumer frequency groups: "More common", "Rare side effects:", "Incidence not known: a, b".
_GROUP = re.compile(
    r"^(?P<label>more common|less common or rare|less common|very rare|rare|very common|common|uncommon|"
    r"with high doses(?: and/or long[- ]term (?:treatment|use))?|with long[- ]term (?:treatment|use)|"
    r"incidence not known|frequency not known|symptoms of overdose)"
    r"(?P<se>\s+side\s+effects?)?\s*(?P<colon>:)?\s*(?P<rest>.*)$",
    _I,
)
_LABELS = {
    "more common": "More common",
    "less common": "Less common",
    "rare": "Rare",
    "incidence not known": "Incidence not known",
}
# What may follow a group label before its symptoms: "Rare side effects of Quexa may include: ...".
_RUN_LEAD = re.compile(
    r"^(?:of\s+[^:]{1,60}?\s+(?:(?:may|can|might|could)\s+)?(?:include|includes|are)\b\s*:?"
    r"|of\s+[^:]{1,60}?\s*(?::|$)"
    r"|(?:(?:may|can|might|could)\s+)?(?:include|includes|are)\b\s*:?)\s*",
    _I,
)
# "Signs of an allergic reaction, like rash; hives" / "Signs of bleeding such as ..." / "Signs of X: ..."
_SIGNS = re.compile(
    r"^(?P<title>(?:signs?|symptoms?) of [^,:;]+?)(?:,?\s+(?:like|such as)\b\s*|\s*:\s*)(?P<text>\S.*)$", _I
)
_COLON_LEAD = re.compile(r"^(?P<title>[^:.;]{2,60}?)\s*:\s+(?P<text>\S.*)$")

# "Intravenous route (Solution)", sometimes run together with the warning that follows it.
_ROUTE_ONE = r"[A-Za-z][A-Za-z-]*(?:(?:\s*,\s*|\s+(?:and\s+|or\s+)?)[A-Za-z-]+){0,3}\s+routes?\s*\([^)]*\)"
_ROUTE = re.compile(rf"^(?P<route>{_ROUTE_ONE}(?:\s*[;,]\s*{_ROUTE_ONE})*)\s*(?P<rest>.*)$", _I)

# A box's list of the label's common reactions ("Side effects include: pyrexia, infection, ..."): the
# label's words for the care team, no sign to watch for.
_BOX_COMMON = re.compile(
    r"^(?:the\s+)?(?:most\s+)?(?:common\s+)?(?:side\s+effects|adverse\s+(?:reactions|events))\s+(?:may\s+)?"
    r"(?:include|includes|are)\b\s*:?\s*(?P<rest>.*)$",
    _I,
)

# Professional lines: "Very common (10% or more): Headache (28%)[Ref]".
_CATEGORY = re.compile(r"^(?P<label>[A-Za-z][^:]{1,60}?)\s*:\s*(?P<terms>\S.*)$")
_CATEGORY_WORD = re.compile(r"\b(?:common|uncommon|rare|frequency|reported|postmarketing|incidence|unknown)\b", _I)
_PAREN = re.compile(r"\(([^()]*)\)")
_PERCENT = re.compile(
    r"^(?:up to |less than |greater than |about |approximately |[<>\u2264\u2265]\s*)?"
    r"\d+(?:\.\d+)?\s*%(?:\s*(?:to|-|\u2013)\s*\d+(?:\.\d+)?\s*%)?$",
    _I,
)
_GRADE_NOTE = re.compile(r"\bgrade\b|\bof which\b", _I)
# Who the numbers counted, where the professional section says so in a sentence about how often
# adverse reactions came ("The most common adverse reactions (20% or more) in adult patients with
# relapsed ALL were ..."): the group and what they had, in the page's words. Only that shape, the
# group ended by "were", "was", "included" or a colon: a group cut short ("patients with locally
# advanced, ...", "patients with X receiving Y with Z") or a sentence about something else
# ("more frequent in patients with hepatic impairment") says nothing rather than something wrong.
_COUNTED = re.compile(
    r"\b(?:most\s+(?:common(?:ly)?|frequent(?:ly)?)|incidence|\(?(?:[\u2265>]|at\s+least)\s*\d+\s*%|\d+\s*%\s+or\s+"
    r"(?:more|greater|higher))", _I)
_STUDIED = re.compile(
    r"\b(?:adverse\s+(?:reactions?|events?)|side\s+effects?)\b[^.;]*?"
    r"\b(?:in|among|of)\s+(?:\d[\d,]*\s+)?(?P<group>(?:(?:adult|pediatric|paediatric|elderly|older)\s+)?"
    r"(?:patients|adults|children|people|participants|subjects|women|men))"
    r"\s+(?P<had>with|who\s+ha(?:d|ve))\s+(?P<what>(?:[^.;:()]|\([^()]*\))+?)"
    r"\s*(?::|\b(?:were|was|included|include|includes)\b)",
    _I,
)
_GROUP_WORDS = {"adult patients": "adults", "pediatric patients": "children", "paediatric patients": "children",
                "patients": "people", "participants": "people", "subjects": "people"}

_REF_MARK = re.compile(r"(?<!\s)\s*\[\s*ref\s*\]", _I)
_MD_LINK = re.compile(r"\[([^\[\]]*)\]\([^()]*\)")
_BOLD = re.compile(r"(\*\*|__)(.+?)\1")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_FOOTNOTE = re.compile(r"\[\^?\d+\]")
# "disease.Monitor": saved pages lose the space between sentences.
_RUN_TOGETHER = re.compile(r"(?<=[a-z0-9%)\]])([.!?])(?=[A-Z])")
# "LeukoencephalopathyFatal", "toxicitiesCytokine": a heading or sentence run into the next one.
_CAMEL = re.compile(r"(?<=[a-z]{4})(?=[A-Z][a-z]{2,}\b)")
# Footnote digits left after a sentence: "have been reported.1 2".
_FOOTNOTE_DIGITS = re.compile(r"(?<=[a-z)%][.!?])\d{1,2}(?:[ ,]+\d{1,2})*(?=\s|$)")
# What an urgent line cut off in the source is printed with, so no one reads it as whole.
CUT_OFF = "(text cut off in the source)"
# A last line cut off mid-sentence ("... ask your hear"): words, no closing punctuation.
_CUT_WORDS = 6
_TRAILING_JUNK = re.compile(r"(?<![\s\u203a\u00bb|])[\s\u203a\u00bb|]+$")
_LEADING_CONJUNCTION = re.compile(r"^(?:and|or)\s+", _I)


def detect(text: str) -> bool:
    """A drugs.com side-effects page: its own markers, or a "<Drug> Side Effects" title with one."""
    try:
        if _UNIQUE.search(text):
            return True
        return _SHARED.search(text) is not None and _title_line(text.split("\n")) is not None
    except Exception:  # detect must never raise, whatever it is given
        return False


def read(text: str, path: str) -> DrugRecord:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    title = _title_line(lines)
    title_name = _title_name(title)
    generic = _generic_name(text)
    if not generic and not title_name:
        raise InputError(
            path, "drugs.com page without a drug name: no 'Generic name:' line and no '<Drug> Side Effects' title"
        )
    generic = generic or title_name
    record = DrugRecord(generic_name=generic, brands=_brands(lines, title_name, generic, path))
    record.sources.append(_source(text, title, path))
    sections = _sections(lines)
    _leave_out_cut_end(sections, record, path)
    for section in sections:
        _fill(record, section, path)
    record.ignored.sort(key=lambda block: block.line)
    return urgency.settle(record)


@dataclass
class _Section:
    """A run of the page under one heading; ``numbers`` holds the page line of each body line."""

    kind: str
    line: int  # the heading's line; 1 for the head of the page
    heading: str = ""
    body: list[str] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    resume: str = ""  # for a box that a route line started: the kind of section it interrupted

    def add(self, text: str, number: int) -> None:
        self.body.append(text)
        self.numbers.append(number)


def _fill(record: DrugRecord, section: _Section, path: str) -> None:
    kind = section.kind
    # Content under "For the Consumer" before any sub-heading only appears when a heading was
    # lost; it may be urgent, and dropping an urgent item is worse than over-warning.
    if kind in ("urgent", "consumer"):
        signs, orders = urgency.orders_out(_effect_items(section, path, record, urgent=True))
        record.urgent_signs.extend(signs)
        record.care_team_notes = _unique(record.care_team_notes + orders)
    elif kind == "side":
        record.side_effects.extend(_effect_items(section, path, record))
    elif kind == "warnings":
        warnings, notes = _warning_items(section.body, path)
        names = (record.generic_name, *record.brand_names)
        record.serious_warnings = _unique(record.serious_warnings + warnings, names)
        record.care_team_notes = _unique(record.care_team_notes + notes, names)
    elif kind == "precautions":
        record.reminders.extend(_plain_items(section.body, path))
    elif kind == "professional":
        record.frequency_data.extend(_frequency_items(section, path, record))
    elif kind == "head":
        _report_head(section, path, record)
    else:
        _report_skipped(section, path, record)


def _report_head(section: _Section, path: str, record: DrugRecord) -> None:
    """Prose above the first heading that is not the page's title, names or dates: reported, never dropped."""
    block: list[tuple[int, str]] = []
    for raw, number in [*zip(section.body, section.numbers), ("", 0)]:
        if _EMPTY_BULLET.fullmatch(raw):
            continue  # an empty "• " is no line: it neither ends a block nor starts one
        if _is_page_fact(raw) and not urgency.has_call_now(raw):
            text = ""
        else:
            text = _drop_boilerplate(_clean(bullet_text(raw) or raw))
        if text:
            block.append((number, text))
        elif block:
            words = " ".join(t for _, t in block)
            urgency.pull_urgent(words, path, block[0][0], f"{urgency.count(words)} before the first section", record)
            block = []


def _is_page_fact(raw: str) -> bool:
    text = squash(raw)
    return (
        not text
        or _EMPTY_BULLET.fullmatch(text) is not None
        or _title_name(text) is not None
        or bool(_GENERIC.match(text) or _BRANDS.search(text) or _UPDATED.search(text))
        or _URL.fullmatch(text) is not None
    )


def _report_skipped(section: _Section, path: str, record: DrugRecord) -> None:
    """A section the handout has no place for (Summary, References, FAQ): one report, with its size."""
    references = sum(1 for raw in section.body if _REFERENCE.match(raw))
    texts = [_drop_boilerplate(_clean(bullet_text(raw) or raw)) for raw in section.body if not _REFERENCE.match(raw)]
    texts = [t for t in texts if t]
    for raw in section.body:
        if _REFERENCE.match(raw):
            texts.extend(_call_now_sentences(raw))  # a reference line holds no sign, but a pasted one stays
    if not texts and not references:
        return
    words = " ".join(texts)
    prose = sum(1 for t in texts if t[-1] in ".!?")
    size = urgency.count(words) if prose * 2 >= len(texts) else f"{len(texts)} line" + ("" if len(texts) == 1 else "s")
    if references:
        size = f"{size} and {references} reference(s)" if texts else f"{references} reference(s)"
    heading = section.heading.split(":")[0].strip()
    heading = heading if len(heading) <= 40 else heading[:39].rstrip() + "\u2026"
    where = f"under '{heading}'" if heading else "after a section the handout does not print"
    urgency.pull_urgent(words or section.heading, path, section.line, f"{size} {where}", record)


def _leave_out_cut_end(sections: list[_Section], record: DrugRecord, path: str) -> None:
    """A page saved before it finished loading ends mid-sentence ("... ask your hear"): that fragment
    is reported, not printed, unless it is urgent, when it is printed with "(text cut off in the source)" and reported too."""
    for section in reversed(sections):
        for index in range(len(section.body) - 1, -1, -1):
            raw = section.body[index]
            if not squash(raw) or _EMPTY_BULLET.fullmatch(squash(raw)):
                continue
            text = _clean(bullet_text(raw) or raw)
            # Cut off only where its like (bullets, or lines) end as sentences: a list of bare signs does not.
            alike = [b for b in section.body[:index] if squash(b) and (bullet_text(b) is None) == (bullet_text(raw) is None)]
            ended = [b for b in alike if squash(b).endswith((".", "!", "?"))]
            if section.kind in ("head", "skip") or not _is_cut(text) or not ended or len(ended) * 2 < len(alike):
                return
            number = section.numbers[index]
            if section.kind in ("urgent", "consumer", "warnings") or urgency.has_call_now(text):
                record.ignored.append(Ignored(number, "ends mid-sentence (the page may have been cut off); "
                                              f"printed with '{CUT_OFF}' because it is urgent", text, path))
                section.body[index] = f"{raw.rstrip()} {CUT_OFF}"  # the reader sees the words stop short
                return
            record.ignored.append(Ignored(number, "ends mid-sentence (the page may have been cut off)",
                                          text, path))
            del section.body[index], section.numbers[index]
            return


def _is_cut(text: str) -> bool:
    return (
        len(text.split()) >= _CUT_WORDS
        and text[-1].isalpha()
        and text[-1].islower()
        and not text.endswith(":")
    )


# --- page facts -------------------------------------------------------------------------------


def _title_line(lines: list[str]) -> str | None:
    """The "<Drug> Side Effects" line near the top of the page."""
    seen = 0
    for line in lines:
        stripped = _heading_text(line)
        if not stripped or _EMPTY_BULLET.fullmatch(stripped):
            continue
        seen += 1
        if seen > _TITLE_WINDOW:
            return None
        match = _TITLE.match(stripped)
        if match and not _NOT_A_TITLE.match(match.group("name")) and len(match.group("name")) <= 80:
            return stripped
    return None


def _title_name(title: str | None) -> str | None:
    match = _TITLE.match(title) if title else None
    return squash(match.group("name")) if match else None


def _generic_name(text: str) -> str | None:
    for match in _GENERIC.finditer(text):
        value = _clean_name(match.group("value"))
        if value:
            return value
    return None


def _clean_name(value: str) -> str:
    value = _PRONUNCIATION.sub(" ", _NAME_TAIL.sub("", value))
    return squash(value).strip(" .,;:")


def _brands(lines: list[str], title_name: str | None, generic: str, path: str) -> list[BrandName]:
    names = [title_name] if title_name else []
    for line in lines:
        match = _BRANDS.search(line)
        if match:
            names.extend(_split_top_level(_clean_name(match.group("value")), ","))
    brands: list[BrandName] = []
    seen = {name_key(generic)}
    for name in names:
        name = name.strip(" .;:")
        key = name_key(name)
        if name and key and key not in seen:
            seen.add(key)
            brands.append(BrandName(name=name, source=path))
    return brands


def _source(text: str, title: str | None, path: str) -> Source:
    updated = _UPDATED.search(text)
    url = _URL.search(text)
    return Source(
        key=path,
        file=path,
        kind=KIND,
        publisher=PUBLISHER,
        title=title,
        url=url.group(0).rstrip(".,;") if url else None,
        last_reviewed=_date(updated.group("date")) if updated else None,
    )


def _date(value: str):
    # "Oct. 2, 2024" and "Oct 2 2024" are how saved pages write what parse_date reads as "Oct 2, 2024".
    value = re.sub(r"^([A-Za-z]+)\.", r"\1", squash(value))
    value = re.sub(r"^([A-Za-z]+ \d{1,2}) (\d{4})$", r"\1, \2", value)
    return parse_date(value) or parse_date(re.sub(r"^Sept\b", "Sep", value))


# --- sections ---------------------------------------------------------------------------------


def _sections(lines: list[str]) -> list[_Section]:
    """The page cut at its headings, in page order. A route line ("Oral route (Capsule)") followed by
    warning prose starts a boxed warning wherever it stands outside one, even before any heading."""
    sections = [_Section("head", 1)]
    for index, line in enumerate(lines):
        number = index + 1
        if not line.strip():  # at once: a page of 900,000 blank lines is read in linear time
            sections[-1].add(line, number)
            continue
        bullet = bullet_text(line)
        heading = None if bullet is not None else _heading(_heading_text(line))
        current = sections[-1]
        if heading is None:
            if bullet is None and current.kind in ("head", "skip", "consumer") and _starts_box(lines, index):
                sections.append(_Section("warnings", number, squash(line), resume=current.kind))
            elif current.resume and bullet is None and squash(line) and _ends_box(line):
                # A box found outside a "Warning" heading ends where the page's own lines resume.
                sections.append(_Section(current.resume, number, ""))
            sections[-1].add(line, number)
            continue
        section, rest = heading
        if section == "urgent-sentence":
            # An urgent sign written as an instruction: urgent wherever it stands, and the
            # lines after it stay where they were. A warning keeps it, as one of its sentences.
            if current.kind in ("urgent", "consumer", "warnings"):
                current.add(rest, number)
            else:
                sections.append(_Section("urgent", number, "", [rest], [number]))
                sections.append(_Section(current.kind, number, current.heading))
            continue
        if section == "side-lead":
            if current.kind == "skip":
                current.add(line, number)  # "Common side effects of X include ..." in a Summary digest
                continue
            section = "side"
        if section == "skip" and not rest and len(line.split()) > _LABEL_MAX_WORDS:
            rest = line  # "Disclaimer: Every effort has been made ...": the heading's line is its content
        sections.append(_Section(section, number, squash(line), [rest] if rest else [], [number] if rest else []))
        extra = [s for s in _call_now_sentences(_heading_text(line)) if item_key(s) not in item_key(rest)]
        if extra:
            # A call-now sentence on a heading's line ("Along with its needed effects, ... Call 911 if ...")
            # is not part of the heading: it is urgent, and the section goes on after it.
            if section in ("urgent", "consumer", "warnings"):
                sections[-1].add(" ".join(extra), number)
            else:
                sections.append(_Section("urgent", number, "", [" ".join(extra)], [number]))
                sections.append(_Section(section, number, squash(line)))
    return sections


def _heading_text(line: str) -> str:
    """A line as a heading reads, in a page saved as Markdown too: "## Minor Side Effects",
    "**Severity: Major**" are "Minor Side Effects" and "Severity: Major"."""
    text = _MD_HEADING.sub("", squash(line))
    whole = _BOLD.fullmatch(text)
    return squash(whole.group(2)) if whole else text


def _call_now_sentences(line: str) -> list[str]:
    """The call-now sentences of a line that do not merely lead a list ("... if any of the following occur:")."""
    return [
        s for s in urgency.sentences(_clean(bullet_text(line) or line))
        if urgency.is_call_now(s) and not s.endswith(":") and not _LEADS_A_LIST.search(s)
    ]


def _ends_box(line: str) -> bool:
    text = squash(line)
    return _is_page_fact(line) or _BOILERPLATE.match(text) is not None


def _starts_box(lines: list[str], index: int) -> bool:
    """A route line with warning prose after it, on its line or the next lines before any heading."""
    match = _ROUTE.match(squash(lines[index]))
    if not match:
        return False
    rest = match.group("rest")
    if rest:
        return rest[0].isupper()
    for later in (lines[n] for n in range(index + 1, len(lines))):  # no copy of the rest per line
        text = squash(later)
        if not text or _EMPTY_BULLET.fullmatch(text):
            continue
        return bullet_text(later) is not None or _heading(text) is None
    return False


def _heading(line: str) -> tuple[str, str] | None:
    """(section, content of the line that belongs to it) for a heading line.

    An instruction ("Call your doctor at once if you have ...") ending with a colon is a heading.
    Without one, it is itself an urgent sign, returned whole: as the start of the urgent section when
    it speaks of a list ("... if any of the following side effects occur"), else as an
    "urgent-sentence" that leaves the section it stands in unchanged.
    """
    for pattern, section in _HEADINGS:
        match = pattern.match(line)
        if not match:
            continue
        if pattern is _INSTRUCTION:
            if line.endswith(":"):
                return section, ""
            if _LEADS_A_LIST.search(line):
                # Its colon may be lost, or a sign may follow the lead: it heads a list and stays.
                return section, line
            return "urgent-sentence", line
        if pattern is _MAJOR and not re.fullmatch(r"(?:\s+of\s+\S+(?:\s+\S+){0,3})?\s*", match.group("words")):
            return section, line
        rest = match.groupdict().get("rest") or ""
        return section, rest.strip()
    return None


# --- consumer side effects --------------------------------------------------------------------


def _effect_items(section: _Section, path: str, record: DrugRecord, urgent: bool = False) -> list[Item]:
    """Bullets and frequency groups of the consumer part; every line that is not boilerplate counts.

    In an urgent section nothing that may name a sign is dropped: an introduction that is not a mere
    lead-in is an item, and so is a short "Label:" line with nothing under it.
    """
    items: list[Item] = []
    label: str | None = None
    label_kind: str | None = None
    entries: list[tuple[str, str]] = []

    def flush() -> None:
        if label_kind == "label" and not entries:
            items.append(_lead_in_item(label, path))  # "Severe belly pain:" with no list under it
        items.extend(_group_items(label, entries, path))

    for raw, number in zip(section.body, section.numbers):
        entry = _effect_entry(raw, urgent)
        if entry is None:
            continue
        kind, value = entry
        if kind == "intro":
            # The lead-in's own last sentence leads the list; anything before it is read or reported.
            parts = urgency.sentences(value)
            before = parts if not _LEAD_IN.search(value) else parts[:-1]
            if before:
                urgency.pull_urgent(" ".join(before), path, number, "the introduction of a list", record)
        if kind in ("label", "group", "group+run"):
            flush()
            label, _, run = value.partition("\n")
            label_kind = kind
            entries = [("run", run)] if run else []
        elif kind != "intro":
            entries.append(entry)
    flush()
    return items


def _effect_entry(raw: str, urgent: bool = False) -> tuple[str, str] | None:
    """("bullet"|"plain"|"label"|"group"|"group+run"|"intro", text) for one line, None for blank or boilerplate.

    A "group" is a frequency group ("More common"); a "group+run" is one with the symptoms that follow
    it on its line, joined by a newline. A "label" is any other short line ending with a colon.
    """
    if not raw.strip() or _EMPTY_BULLET.fullmatch(raw):
        return None
    bullet = bullet_text(raw)
    if bullet is not None:
        text = _drop_boilerplate(_clean(bullet))
        reference = _REFERENCE.match(bullet) and not urgency.has_call_now(bullet)
        return ("bullet", text) if text and not reference else None
    text = _drop_boilerplate(_clean(raw))
    if not text:
        return None
    group = _group_label(text)
    if group is not None:
        return group
    if text.endswith(":"):
        if len(text.split()) > _LABEL_MAX_WORDS:
            if urgent and not _LEAD_IN.search(text):
                return ("plain", text)
            return ("intro", text)
        return ("label", text.rstrip(": "))
    return ("plain", text)


def _drop_boilerplate(text: str) -> str:
    """The line without its boilerplate sentences ("This is not a complete list..."): only those go."""
    if not text or _EMPTY_BULLET.fullmatch(text) or not any(c.isalnum() for c in text):
        return ""
    kept = [s for s in _SENTENCE_BREAK.split(text) if s and not _BOILERPLATE.match(s)]
    return " ".join(kept)


def _group_label(text: str) -> tuple[str, str] | None:
    """A frequency group heading, returned as a label; its inline run of symptoms as a "run"."""
    match = _GROUP.match(text)
    if not match:
        return None
    rest = match.group("rest").strip()
    if rest and not (match.group("colon") or match.group("se")):
        return None  # "Rare bleeding in the eye" is a symptom, not a heading
    if match.group("se"):
        rest = _RUN_LEAD.sub("", rest, count=1).strip()
    label = _LABELS.get(match.group("label").lower(), match.group("label"))
    if rest:
        return ("group+run", f"{label}\n{rest}")
    return ("group", label)


def _group_items(label: str | None, entries: list[tuple[str, str]], path: str) -> list[Item]:
    # A group whose only content is one line with separators is an unbulleted run: split it.
    plain = [text for kind, text in entries if kind == "plain"]
    single_run = label is not None and len(entries) == 1 and len(plain) == 1 and re.search(r"[,;]", plain[0])
    items: list[Item] = []
    for kind, text in entries:
        if kind == "run" or single_run:
            items.extend(Item(text=piece, source=path, frequency=label) for piece in _split_run(text))
        else:
            items.append(_lead_in_item(text, path, frequency=label))
    return items


def _lead_in_item(text: str, path: str, frequency: str | None = None) -> Item:
    match = _SIGNS.match(text) or _short_colon_lead(text)
    if match:
        return Item(text=match.group("text"), source=path, title=match.group("title").strip(), frequency=frequency)
    return Item(text=text, source=path, frequency=frequency)


def _short_colon_lead(text: str):
    match = _COLON_LEAD.match(text)
    return match if match and len(match.group("title").split()) <= _LABEL_MAX_WORDS else None


def _split_run(text: str) -> list[str]:
    separator = ";" if _split_top_level(text, ";") != [text.strip()] else ","
    pieces = (_LEADING_CONJUNCTION.sub("", piece).rstrip(" .") for piece in _split_top_level(text, separator))
    return [piece for piece in pieces if piece]


def _split_top_level(text: str, separator: str) -> list[str]:
    """Split on a separator outside parentheses ("pancytopenia (e.g., a, b), rash" is two)."""
    pieces, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
        elif char == separator and depth == 0:
            pieces.append(text[start:index])
            start = index + 1
    pieces.append(text[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


# --- warnings and precautions -----------------------------------------------------------------


def _warning_items(body: list[str], path: str) -> tuple[list[Item], list[Item]]:
    """(warnings, care-team notes) of boxed or "Important" warnings.

    A warning is titled by its name where the box gives one; a route line is never a title. Sentences
    the label addresses to prescribers become care-team notes; the patient's statement of the risk
    stays. The same box repeated under each route is one box.
    """
    items: list[Item] = []
    notes: list[Item] = []
    name: str | None = None
    name_used = True

    def name_alone() -> None:
        if not name_used:
            items.append(Item(text=name, source=path))  # a name with nothing under it may be the whole warning

    listing = False  # under a bare "Side effects include:" of the box
    for raw in body:
        bullet = bullet_text(raw)
        if bullet is None and squash(raw):
            listing = False
        for piece in _CAMEL.split(bullet if bullet is not None else raw):
            common = _BOX_COMMON.match(_clean(piece))
            if common or (listing and bullet is not None):
                # The label's common reactions, in its words: no sign to watch for, never dropped.
                listing = common is not None and not common.group("rest")
                if not listing:
                    notes.append(Item(text=_clean(piece), source=path, title=name))
                continue
            text = _drop_boilerplate(_clean(piece))
            if not text:
                continue
            match = _ROUTE.match(text)
            if match and (not match.group("rest") or match.group("rest")[0].isupper()):
                name_alone()
                name, name_used = None, True
                text = match.group("rest")
                if not text:
                    continue
            if bullet is None and _is_warning_name(text):
                name_alone()
                name, name_used = text, False
                continue
            patient, prescriber = urgency.split_prescriber(text)
            if prescriber:
                notes.append(Item(text=prescriber, source=path, title=name))
            if patient:
                name_used = True
                items.append(Item(text=patient, source=path, title=name))
    name_alone()
    return items, notes


def _is_warning_name(text: str) -> bool:
    return text[-1] not in ".!?:;," and len(text.split()) <= _NAME_MAX_WORDS and text[0].isupper()


def _unique(items: list[Item], names: tuple[str, ...] = ()) -> list[Item]:
    """The same warning repeated under each route is one warning, also where each route's box names
    the drug its own way ("Trastuzumab-anns can ...", "Ontruzant can ...": a biosimilar's suffix or a brand)."""
    drug = re.compile(
        r"\b(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?:-[a-z]{4})?\b", _I
    ) if names else None
    seen: set[str] = set()
    kept = []
    for item in items:
        key = item_key(drug.sub("drug", item.text) if drug else item.text)
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def _plain_items(body: list[str], path: str) -> list[Item]:
    items = []
    for raw in body:
        bullet = bullet_text(raw)
        text = _drop_boilerplate(_clean(bullet if bullet is not None else raw))
        if text:
            items.append(_lead_in_item(text, path))
    return items


# --- professional frequency data --------------------------------------------------------------


def _frequency_items(section: _Section, path: str, record: DrugRecord) -> list[Item]:
    """One Item per term of the "Very common (10% or more): ..." lines, titled by body system; any other
    line is reported as ignored."""
    items: list[Item] = []
    heading: str | None = None
    blanks = 0
    for raw, number in zip(section.body, section.numbers):
        if _EMPTY_BULLET.fullmatch(raw):
            continue  # an empty "• " is no line: neither a blank nor a heading
        if not raw.strip():
            blanks += 1
            # Two blank lines are where a lost body-system heading was: the old one no longer applies.
            heading = None if blanks >= 2 else heading
            continue
        blanks = 0
        bullet = bullet_text(raw)
        line = squash(bullet if bullet is not None else raw)
        if (_BOILERPLATE.match(line) or _REFERENCE.match(line)) and urgency.has_call_now(line):
            # A line dropped whole as boilerplate or a reference must not take a call-now sentence with it.
            urgency.pull_urgent(_drop_boilerplate(_clean(line)), path, number, "a line of the professional "
                                "section that is not a frequency line", record)
            continue
        if not line or _BOILERPLATE.match(line) or _REFERENCE.match(line):
            continue
        match = _CATEGORY.match(line)
        if match and _CATEGORY_WORD.search(match.group("label")):
            items.extend(_term_items(match.group("label"), match.group("terms"), heading, path))
            # "[Ref]" closes a body system's block.
            heading = None if _REF_MARK.search(line) else heading
        elif _is_system_heading(line):
            heading = _clean(line)
        elif rest := _take_studied(_clean(line), path, record):
            urgency.pull_urgent(rest, path, number, "a line of the professional section that is "
                                "not a frequency line", record)
    return items


def _take_studied(line: str, path: str, record: DrugRecord) -> str:
    """The line without the sentence that says who the numbers counted, which is kept as
    ``studied`` (the first such sentence; another naming a different group is noted for the
    reviewer and left in the line, to be reported with the rest)."""
    rest = []
    for sentence in urgency.sentences(line):
        group = _studied_group(sentence)
        if group is None or record.studied is not None:
            if group is not None and item_key(group) != item_key(record.studied.text):
                record.notes.append(f"studied: the page names more than one group; kept "
                                    f"{record.studied.text!r} over {group!r}")
            rest.append(sentence)
        else:
            record.studied = Item(group, path)
    return " ".join(rest)


def _studied_group(sentence: str) -> str | None:
    """ "... in adult patients with relapsed ALL were ..." -> "adults with relapsed ALL"."""
    if not _COUNTED.search(sentence) or urgency.has_call_now(sentence):
        return None
    match = _STUDIED.search(sentence)
    # A group of more than a dozen words is a clause run on, not a group: say nothing.
    if match is None or len(match["what"].split()) > 12 or re.search(r"(?:,|\band|\bor)$", match["what"].strip(), _I):
        return None
    group = squash(match["group"]).lower()
    return f"{_GROUP_WORDS.get(group, group)} {squash(match['had']).lower()} {squash(match['what'])}"


def _is_system_heading(line: str) -> bool:
    return (
        0 < len(line.split()) <= 6
        and line[0].isalpha()
        and not re.search(r"[:.;!?\d%]", line)
    )


def _term_items(label: str, terms: str, heading: str | None, path: str) -> list[Item]:
    category = squash(label)
    items = []
    for term in _split_top_level(_REF_MARK.sub("", terms), ","):
        for part in _split_top_level(term, ";"):
            text, percent = _term(part)
            if text:
                items.append(Item(text=text, source=path, title=heading, frequency=percent or category))
    return items


def _term(term: str) -> tuple[str, str | None]:
    """ "Thrombocytopenia (51%) (42% of which were Grade 3 or higher)" -> ("Thrombocytopenia", "51%")."""
    percent: list[str] = []

    def keep(match: re.Match) -> str:
        inside = squash(match.group(1))
        if _PERCENT.match(inside):
            percent.append(inside)
            return " "
        if _GRADE_NOTE.search(inside):
            return " "
        return match.group(0)

    text = _clean(_PAREN.sub(keep, term))
    text = _LEADING_CONJUNCTION.sub("", text).rstrip(" .,;")
    return text, (percent[0] if percent else None)


# --- text -------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    text = _BOLD.sub(r"\2", text)
    text = _FOOTNOTE.sub("", _REF_MARK.sub("", text))
    text = _FOOTNOTE_DIGITS.sub("", squash(text))
    text = _RUN_TOGETHER.sub(r"\1 ", text)
    text = _CAMEL.sub(" ", text)
    return _TRAILING_JUNK.sub("", text).strip(" ,;")
