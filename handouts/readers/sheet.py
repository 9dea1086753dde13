"""Reader for plain-text patient drug sheets in the style of seed 002.

A sheet has the generic name on its first line, an optional intro "X (brand
name Y) is ...", then fixed headings ("Brand Name(s)", "Warning(s)", "Call your
care team now ...", "Other important safety reminders:", "Kind of Cancers It Is
Used For", "Mechanism of Action", "Common Side Effects"), each followed by
bullets ("•", "-", sub-bullets "◦", or none at all) and lead-in or closing
paragraphs, a "Last reviewed: YYYY-MM-DD" line and browser footer junk.

Lists and paragraphs are told apart by blocks (runs of lines between blank
lines): a block holding a bullet is a list; in a section with no bullets at
all, a block of several lines is a list. The urgent and warning sections keep
every line they hold, lists and paragraphs alike, because dropping an urgent
statement is worse than showing a lead-in sentence.

Any heading that speaks of serious or severe side effects, or of calling the
doctor, care team or 911 right away, starts the urgent section, whatever its
wording. Content the reader cannot place is never dropped: a list under a
heading it does not know, a list above the first heading, and a line under
"Brand Name(s)" that names no brand are InputErrors naming the line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..errors import InputError
from ..record import BrandName, DrugRecord, Item, Source
from ..rules import urgency
from .text import bullet_text, name_key, parse_date, squash

KIND = "patient-sheet"

# Sub-list markers the shared bullet pattern does not know: "◦", "○", "‣", "⁃".
_SUB_BULLET = re.compile(r"^\s*[\u25e6\u25cb\u2023\u2043]\s+")
# A line of bullet markers and nothing else ("• ", "-", "◦", "1.", "***"): no line at all.
_EMPTY_BULLET = re.compile(r"\s*(?:(?:[\u2022\u25cf\u25aa\u00b7\-*\u2013\u2014\u25e6\u25cb\u2023\u2043]|\d+[.)])\s*)+")

# A call-now heading, from the urgency lexicon: "Call your doctor or care team right away",
# "Contact your healthcare provider immediately", "Call 911", "Get emergency help now", and in sheets
# also "Go to the hospital" and "When to call". The first alternative that fits is the one whose end
# starts the tail (see _urgent_kind): "Call 911" before "call 911 or your doctor now", the emergency
# help with its now-word before the one without.
_CALL = re.compile(
    rf"(?:{urgency.CALL_911}|{urgency.CALL_CARER_NOW}|{urgency.EMERGENCY_HELP}(?:\s+{urgency.NOW})?"
    rf"|{urgency.HELP_NOW}|{urgency.EMERGENCY_ROOM}|go\s+to\s+(?:the\s+)?(?:nearest\s+)?hospital"
    rf"|{urgency.NOW_CALL_CARER}|{urgency.CALL_AT_ONCE}"
    r"|when\s+to\s+(?:call|contact|get|seek|go))\b(?P<tail>[^:.]*)",
    re.I,
)
# What may follow the call in a heading that names no sign: "... if you have:", "... for any of these".
_CALL_LEAD = re.compile(
    r"(?:(?:if|when)\s+(?:you\s+)?(?:have|notice|get|see|develop|experience|feel|are)|if|for|about)?", re.I
)
# Headings that speak of serious side effects: "Serious Side Effects", "Rare but serious side effects".
_SERIOUS = re.compile(
    r"(?:(?:rare|rarely|uncommon|less\s+common|possible|possibly|potential|potentially|other|some|very|more|most"
    r"|important|but|and|or)[\s,]+)*"
    r"(?:serious|severe|dangerous|life[\s-]+threatening|emergency|urgent)"
    r"(?:\s+(?:or|and|/)\s+(?:serious|severe|dangerous|life[\s-]+threatening))?"
    r"\s+(?:side\s+effects?|reactions?|adverse\s+(?:effects?|reactions?|events?)|(?:warning\s+)?signs"
    r"(?:\s+and\s+symptoms)?)\b(?P<tail>[^:.]*)",
    re.I,
)
_WARNING_SIGNS = re.compile(r"(?:important\s+|serious\s+)?warning\s+signs\b(?P<tail>[^:.]*)", re.I)
# What may follow those words in a heading that names no sign. Other words ("Severe reactions at the
# injection site") may name one, so the line is kept as well; a verb ("Severe reactions can happen")
# makes it a sentence, not a heading.
_SENTENCE_VERB = re.compile(r"\b(?:is|are|was|were|can|could|may|might|will|would|happen|happens|occur|occurs)\b", re.I)
_SERIOUS_TAIL = re.compile(
    r"(?:of\s+\S+(?:\s+\S+){0,3}|\([^)]*\)|to\s+(?:watch|look)\s+(?:out\s+)?for|to\s+know(?:\s+about)?"
    r"|and\s+what\s+to\s+do|(?:that|which|you)\s+.*|(?:requiring|needing)\s+.*|[-\u2013\u2014]\s*.*)?",
    re.I,
)

_HEADINGS = (
    ("brands", re.compile(r"brand\s+names?(?:\s*\(s\))?", re.I)),
    ("warnings", re.compile(r"(?:boxed\s+|serious\s+)?warnings?(?:\s*\(s\))?", re.I)),
    ("urgent", _CALL),
    ("urgent", _WARNING_SIGNS),
    ("urgent", _SERIOUS),
    ("reminders", re.compile(r"(?:other\s+)?(?:important\s+)?safety\s+(?:reminders|points|tips)", re.I)),
    ("uses", re.compile(
        r"kinds?\s+of\s+cancers?\s+(?:it\s+is|it's|this\s+medicine\s+is)\s+used\s+(?:for|to\s+treat)\b[^:.]*", re.I
    )),
    ("mechanism", re.compile(r"mechanism\s+of\s+action|how\s+(?:it|this\s+medicine|this\s+drug)\s+works", re.I)),
    ("side_effects", re.compile(r"(?:common\s+|other\s+|possible\s+)?side\s+effects", re.I)),
)
# Only these headings may carry content after their colon ("Brand Name(s): Zentra"); for the others
# a "Side effects: ..." line is more likely a labelled statement than a heading.
_INLINE_HEADINGS = frozenset({"brands", "urgent"})
# "Call your care team right away if you faint" is itself an urgent sign, not a heading: a call
# heading speaks of a list (see _urgent_kind).
_URGENT_LEAD = re.compile(r"any of these|the following|these (?:symptoms|signs)", re.I)
# Sections in which a heading this reader does not know is looked for (see _unknown_heading).
_LIST_SECTIONS = frozenset({"uses", "side_effects", "reminders", "mechanism"})

_JUNK = re.compile(
    r"(?:(?:back\s+to\s+top|drag|print|share|skip\s+to\s+(?:main\s+)?content)\W*)+"
    r"|learn\s+more\s+(?:on|at|from)\s+medline(?:plus)?\b.*",
    re.I,
)
# The colon may be lost in copying; then the value must start like a date.
_REVIEWED = re.compile(
    r"last\s+(?:reviewed|updated|revised)(?:\s*:\s*|\s+(?=\d|[a-z]+\.?\s+\d))(?P<value>.*)", re.I
)
_PUBLISHER = re.compile(r"(?:publisher|published\s+by|source)\s*:\s*(?P<value>\S.*)", re.I)
_URL = re.compile(r"(?:(?:url|link|web\s*page|source\s+url)\s*:\s*)?(?P<value>https?://\S+)", re.I)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# Detection: what other publishers' drug pages have and a sheet never does: St. Jude's "Often used
# for:" and image captions ("clipboard icon"), question headings ("What is this medication?"), the
# headings of consumer monographs ("Interactions", "Missed Dose", "Storage").
_FOREIGN = re.compile(
    r"(?:often\s+used\s+(?:for|to\s+treat)\s*:.*|.{0,60}\bicons?|(?:interactions|overdose|missed\s+dose|storage"
    r"|dosage|dosing|how\s+to\s+(?:use|take)|before\s+(?:taking|using)|what\s+to\s+avoid|notes|uses|precautions)"
    r"\s*:?)",
    re.I,
)
_QUESTION = re.compile(r"(?:what|how|why|when|who|which|can|should|will|do|does|is|are)\b.{3,100}\?", re.I)
# Detection: what other formats look like.
_DRUGSCOM = re.compile(r"^[^\S\n]*(?:for the consumer\s*$|generic name:)|along with its needed effects", re.I | re.M)
_YAML_KEY = re.compile(r"[A-Za-z_][\w-]*:(?:\s|$)")
# Top-level keys only our YAML drug records have.
_YAML_RECORD = re.compile(r"^(?:generic_name|urgent_signs|serious_warnings|side_effects|how_it_works)\s*:", re.M)

_LINK = re.compile(r"\[([^\[\]]*)\]\([^()]*\)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_FOOTNOTE = re.compile(r"(?<!\s)\s*\[(?:\d+(?:[,\u2013-]\d+)*|ref)\]", re.I)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'\u201c])")
_LABEL = re.compile(r"(?P<label>[^:]{2,80}?):\s+(?P<text>\S.*)")
_INTRO = re.compile(
    r"(?P<name>[^()\n.:;!?]{1,80}?)\s*(?:\((?P<paren>[^()]*)\)\s*)?\b(?:is|are)\s+\S", re.I
)
_BRAND_PAREN = re.compile(r"brand\s+names?\s*:?\s*(?P<names>.+)", re.I)

# Warning-section sentences that only point at the lists below and name no risk: the one thing this
# reader drops from that section. Each must match a whole sentence, so any added clinical words keep it.
_BOILERPLATE = tuple(
    re.compile(p, re.I)
    for p in (
        r"this (?:medicine|drug|medication) (?:has|carries|can have) (?:some )?serious (?:safety )?risks",
        r"learn (?:the|these) (?:symptoms|signs)(?: (?:listed )?below)?"
        r"(?: and call your (?:care team|doctor) (?:right away|now) if (?:they|any) happen)?",
        r"serious reactions can happen",
        r"read the (?:safety )?information below"
        r"(?: and talk (?:with|to) your (?:care team|doctor) about any questions)?",
    )
)
# What a reminder starts with: a daily instruction, not a risk.
_REMINDER = re.compile(
    r"(?:wash|use|avoid|keep|drink|wear|stay|ask\s+your|check\s+with\s+your\s+\w+(?:\s+\w+)?\s+before"
    r"|talk\s+(?:to|with)\s+your\s+\w+(?:\s+\w+)?\s+before|do\s+not\s+(?:get|have|take|share|drive))\b",
    re.I,
)
# Lead-in and closing sentences of a list written without bullets, one item per paragraph.
_LEAD_OR_CLOSE = re.compile(
    r".*:$|(?:this is not a complete list|these are not all|many people|some people"
    r"|your care team will confirm|tell your care team about any|talk (?:with|to) your)",
    re.I,
)
_COUNTRY = re.compile(r"(?:(?P<in>in)\s+)?(?:the\s+)?(?P<country>[^:;,()]{2,40}?)\s*:\s*(?P<rest>.*)", re.I)
_COUNTRY_NAMES = {
    "us": "United States",
    "usa": "United States",
    "united states": "United States",
    "united states of america": "United States",
    "canada": "Canada",
}
_DISCONTINUED = re.compile(r"\[\s*dsc\s*\]", re.I)
# Lines under "Brand Name(s)" that speak about brands rather than name one.
_ABOUT_BRANDS = re.compile(
    r"\b(?:brands?|names?|sold|market(?:ed)?|available|generics?|trade|discontinued|countr(?:y|ies))\b", re.I
)
_NO_BRAND = re.compile(r"none|n/?a|-+|\u2013|\u2014", re.I)
# Words of symptoms and of urgent instructions, then of sentences: a brand entry holding one is no
# brand entry, and a line holding one of the first kind is never passed over as talk about brands.
_SIGN_WORDS = frozenset(
    """
    call tell see seek stop right away now immediately emergency help doctor care team nurse 911
    pain painful ache aches fever chills bleeding bleed blood bruising bruise bruises rash hives itching itchy
    swelling swollen seizure seizures fainting faint dizziness dizzy headache headaches nausea vomiting
    diarrhea constipation cough coughing breathing breath breathe chest heart heartbeat skin eyes eye urine
    stools stool vision confusion confused tired tiredness weak weakness trouble sudden severe serious
    sign signs symptom symptoms side effect effects infection infections sore throat mouth stomach belly
    """.split()
)
_NOT_BRAND_WORDS = _SIGN_WORDS | frozenset(
    """
    an the if when how what why who is are be been it its this that these those you your we our they
    do does did not no can may might must should will would have has had get gets got
    take taking use using go feel feeling any all some very new more most or but with without after before
    during while about into
    """.split()
)
_QUALIFIER = re.compile(r"\(([^()]*)\)\s*$")


@dataclass
class _Line:
    number: int  # 1-based line in the document
    indent: int
    marker: bool  # starts with a bullet marker
    text: str  # cleaned, without its marker


@dataclass
class _Entry:
    number: int
    text: str
    listed: bool  # a list element rather than a lead-in or closing paragraph
    lead: str | None = None  # the "Signs of liver problems:" line a sub-list hangs from


# ---------------------------------------------------------------- detection


def detect(text: str) -> bool:
    """A sheet has its own headings, and none of the marks of a cancer.gov, drugs.com or YAML file."""
    try:
        return _detect(text)
    except Exception:  # detect must never raise, whatever it is handed
        return False


def _detect(text: str) -> bool:
    if not isinstance(text, str):
        return False
    lines = [line.rstrip() for line in text.split("\n") if line.strip()]
    if not lines or lines[0].lstrip().startswith(("---", "#", "%YAML")) or _DRUGSCOM.search(text):
        return False
    if _YAML_RECORD.search(text) or _looks_like_yaml(lines):
        return False
    found = set()
    questions = 0
    for line in lines:
        if bullet_text(line) is None:
            text = squash(line)
            if _FOREIGN.fullmatch(text):
                return False
            questions += bool(_QUESTION.fullmatch(text))
            heading = _heading(text)
            if heading:
                found.add(heading[0])
    # The format is its headings: two of them at least, and not a page of questions and answers.
    return len(found) >= 2 and questions < 2


def _looks_like_yaml(lines: list[str]) -> bool:
    """Most top-level lines are "key:" lines: a YAML record, whatever text its values hold."""
    top = [line for line in lines if not line[:1].isspace() and not line.startswith("- ")]
    keys = sum(1 for line in top if _YAML_KEY.match(line))
    return keys >= 2 and keys * 2 >= len(top)


def _heading(text: str) -> tuple[str, str] | None:
    """(section, content) when the line is a known heading; content is what follows the colon, or the
    whole line for an urgent heading whose own words name a sign."""
    for section, pattern in _HEADINGS:
        match = pattern.match(text)
        if not match:
            continue
        tail = text[match.end():].strip()
        if tail and not tail.startswith(":"):
            continue
        rest = tail[1:].strip()
        if rest and section not in _INLINE_HEADINGS:
            continue
        if section == "urgent":
            kind = _urgent_kind(pattern, match, text, tail.startswith(":"))
            if kind is None:
                continue
            if kind == "keep":
                rest = text
        return section, rest
    return None


def _urgent_kind(pattern: re.Pattern, match: re.Match, text: str, colon: bool) -> str | None:
    """How an urgent heading's line reads: None when it is no heading, "heading" when it only leads
    the list, "keep" when it leads the list and names a sign itself, so the line must stay.

    "Call your care team right away if you faint" is itself a sign; with a colon after it, it heads a
    list too. "Call your doctor right away if you have any of these", "When to Call Your Care Team"
    and "Rare but serious side effects" are headings; "Severe reactions can happen" is a sentence.
    """
    tail = match["tail"].strip()
    if pattern is _SERIOUS or pattern is _WARNING_SIGNS:
        if len(text.split()) > 12:
            return None
        if _SERIOUS_TAIL.fullmatch(tail):
            return "heading"
        return None if _SENTENCE_VERB.search(tail) else "keep"
    if _URGENT_LEAD.search(tail) or _CALL_LEAD.fullmatch(tail) or _title_case(text):
        return "heading"
    if re.match(r"when\s", text, re.I):
        return "heading"  # "When to get medical help"
    return "keep" if colon else None


# ---------------------------------------------------------------- reading


def read(text: str, path: str) -> DrugRecord:
    lines = _lines(text)
    sections, meta = _scan(lines, path)
    name_line, intro, generic = _identity(sections["intro"], lines, path)
    record = DrugRecord(generic_name=generic)
    if intro is not None:
        record.description = Item(text=_sentences(intro.text)[0], source=path)
    record.brands = _brands(sections.get("brands", []), path)
    if not record.brands and intro is not None:
        record.brands = _intro_brands(intro.text, path)
    warnings = _warnings(sections.get("warnings", []), path)
    record.serious_warnings, warning_orders = urgency.orders_out([w for w in warnings if not _is_reminder(w)])
    record.urgent_signs, urgent_orders = urgency.orders_out(_urgent(sections.get("urgent", []), path))
    record.care_team_notes = warning_orders + urgent_orders
    reminders = _entries(sections.get("reminders", []))
    uses = _entries(sections.get("uses", []))
    side_effects = _entries(sections.get("side_effects", []))
    record.reminders = [w for w in warnings if _is_reminder(w)] + [_labelled(e.text, path) for e in reminders if e.listed]
    record.uses = [Item(text=e.text, source=path) for e in uses if e.listed]
    record.side_effects = [Item(text=e.text, source=path) for e in side_effects if e.listed]
    for entry in (*reminders, *uses, *side_effects):
        if not entry.listed:  # a lead-in or closing paragraph: no field holds it, so say so
            urgency.pull_urgent(entry.text, path, entry.number, "a paragraph around a list", record)
    _report_intro(sections["intro"], name_line, intro, record, path)
    record.how_it_works = _mechanism(sections.get("mechanism", []), path)
    record.sources = [
        Source(
            key=path,
            file=path,
            kind=KIND,
            publisher=meta.get("publisher"),
            title=name_line.text if name_line else None,
            url=meta.get("url"),
            last_reviewed=_date(meta.get("reviewed")),
        )
    ]
    record.ignored.sort(key=lambda block: block.line)
    return urgency.settle(record)


def _report_intro(intro_lines: list[_Line | None], name_line: _Line | None, intro: _Line | None,
                  record: DrugRecord, path: str) -> None:
    """What stands above the first heading besides the name and the description's sentence."""
    for line in intro_lines:
        if line is None or line is name_line:
            continue
        text = line.text
        if line is intro:
            text = " ".join(_sentences(text)[1:])
            what = "of the introduction after its first sentence"
        else:
            what = "before the first section"
        if text:
            urgency.pull_urgent(text, path, line.number, f"{urgency.count(text)} {what}", record)


def _lines(text: str) -> list[_Line | None]:
    """Each line cleaned, with its indent and bullet; None for a blank line. Empty bullets are left out."""
    out: list[_Line | None] = []
    for number, raw in enumerate(text.split("\n"), 1):
        if not raw.strip():  # at once: blank lines are most of a padded page
            out.append(None)
            continue
        body = raw.replace("\t", "    ").rstrip()
        if _EMPTY_BULLET.fullmatch(body):
            # Left out rather than read as a blank line, so that it splits no list and no block.
            continue
        indent = len(body) - len(body.lstrip())
        stripped = bullet_text(body)
        if stripped is None:
            sub = _SUB_BULLET.match(body)
            stripped = body[sub.end():] if sub else None
        cleaned = _clean(stripped if stripped is not None else body)
        out.append(_Line(number, indent, stripped is not None, cleaned) if cleaned else None)
    return out


def _clean(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    return squash(_FOOTNOTE.sub("", text))


def _scan(lines: list[_Line | None], path: str) -> tuple[dict[str, list[_Line | None]], dict[str, str]]:
    """Lines grouped under the heading above them ("intro" before any), and the page's metadata.

    Nothing is dropped on the way except junk and metadata lines: a list this reader cannot place
    (under a heading it does not know, or above the first heading) is an InputError, since it may
    hold urgent signs.
    """
    sections: dict[str, list[_Line | None]] = {"intro": []}
    meta: dict[str, str] = {}
    current = "intro"
    for index, line in enumerate(lines):
        if line is None:
            sections[current].append(None)
            continue
        if _JUNK.fullmatch(line.text) or _take_meta(line, meta):
            continue
        heading = None if line.marker else _heading(line.text)
        if heading:
            current, rest = heading
            # A repeated heading continues its section, as a new block.
            sections.setdefault(current, []).append(None)
            if rest:
                sections[current].append(_Line(line.number, 0, False, rest))
            continue
        if current in _LIST_SECTIONS and _unknown_heading(lines, index):
            raise InputError(
                path, f"unknown section '{line.text}' at line {line.number}: its items would be lost", line.number
            )
        if current == "intro" and line.marker:
            raise InputError(
                path,
                f"list item '{line.text}' at line {line.number} comes before any known heading: its items would be "
                "lost (is a heading such as 'Call your care team now ...' missing above it?)",
                line.number,
            )
        sections[current].append(line)
    return sections, meta


def _take_meta(line: _Line, meta: dict[str, str]) -> bool:
    """Record a "Last reviewed:", publisher or URL line; True when the line was one."""
    found = _meta(line)
    if found is None:
        return False
    meta.setdefault(*found)
    return True


def _meta(line: _Line) -> tuple[str, str] | None:
    """("reviewed" | "publisher" | "url", value) for a metadata line."""
    match = _REVIEWED.fullmatch(line.text)
    if match:
        return "reviewed", match["value"]
    if line.marker:
        return None
    for key, pattern in (("publisher", _PUBLISHER), ("url", _URL)):
        match = pattern.fullmatch(line.text)
        if match:
            return key, match["value"]
    return None


def _unknown_heading(lines: list[_Line | None], index: int) -> bool:
    """A heading this reader does not know ("How It Is Given"): a short Title Case line on its own,
    with content under it before the next known heading.

    Its content cannot be placed, so the caller refuses the sheet rather than file that content
    under the section above or drop it. A Title Case line with nothing but junk or metadata after
    it is an ordinary line of its section. It is never looked for inside the urgent or warning
    sections, where a short line may be a symptom.
    """
    line = lines[index]
    alone = (index == 0 or lines[index - 1] is None) and (index + 1 == len(lines) or lines[index + 1] is None)
    if line is None or line.marker or not alone or not _title_case(line.text):
        return False
    for later in lines[index + 1:]:
        if later is None or _JUNK.fullmatch(later.text) or _meta(later) is not None:
            continue
        return later.marker or _heading(later.text) is None
    return False


def _title_case(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 6 or len(text) > 50 or text[-1] in ".:;,!?" or not text[0].isupper():
        return False
    return all(w[0].isupper() for w in words if len(w) >= 4 and w.isalpha())


def _identity(intro_lines: list[_Line | None], lines: list[_Line | None], path: str):
    """(name line, intro line, generic name) from the lines above the first heading."""
    content = [line for line in intro_lines if line is not None]
    first = content[0] if content else None
    name_line = first if first is not None and _name_like(first) else None
    candidate = content[1] if name_line is not None and len(content) > 1 else first
    intro = _intro(candidate, name_line)
    if name_line is not None:
        return name_line, intro, name_line.text
    if intro is not None:
        return None, intro, _INTRO.match(intro.text)["name"].strip()
    where = first or next((line for line in lines if line is not None), None)
    if where is None:
        raise InputError(path, "empty patient sheet: no drug name")
    raise InputError(
        path,
        "no drug name: expected the generic name on the first line or an intro 'X (brand name Y) is ...'",
        where.number,
    )


def _name_like(line: _Line) -> bool:
    text = line.text
    return (
        not line.marker
        and len(text.split()) <= 8
        and len(text) <= 100
        and text[-1] not in ".:;,!?"
        and any(c.isalpha() for c in text)
        and not _INTRO.match(text)
    )


def _intro(line: _Line | None, name_line: _Line | None) -> _Line | None:
    """The intro "X (brand name Y) is ..."; without a brand it must start with the name line's name."""
    if line is None or line.marker:
        return None
    match = _INTRO.match(line.text)
    if not match or not any(c.isalpha() for c in match["name"]) or len(match["name"].split()) > 6:
        return None
    if match["paren"] is not None and _BRAND_PAREN.match(match["paren"].strip()):
        return line
    if name_line is not None and name_key(match["name"]) == name_key(name_line.text):
        return line
    if name_line is None and _drug_name_like(match["name"]):
        return line  # "Zelvorin is a ...", with neither a name line nor a brand: the sheet still names the drug
    return None


def _drug_name_like(name: str) -> bool:
    """ "azacitidine", "Trastuzumab deruxtecan": a few words, none of a sentence ("This medicine")."""
    words = name.split()
    return 0 < len(words) <= 4 and name[0].isalpha() and not _words(name) & _NOT_BRAND_WORDS


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_BREAK.split(text) if s] or [text]


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    found = parse_date(value)
    if found is None:
        iso = _ISO_DATE.search(value)
        found = parse_date(iso.group()) if iso else None
    return found


# ---------------------------------------------------------------- lists


def _blocks(body: list[_Line | None]) -> list[list[_Line]]:
    blocks: list[list[_Line]] = [[]]
    for line in body:
        if line is None:
            if blocks[-1]:
                blocks.append([])
        else:
            blocks[-1].append(line)
    return [block for block in blocks if block]


def _entries(body: list[_Line | None]) -> list[_Entry]:
    """A section's statements in order, each marked as list element or lead-in/closing paragraph."""
    blocks = _blocks(body)
    if any(line.marker for block in blocks for line in block):
        entries: list[_Entry] = []
        for block in blocks:
            if any(line.marker for line in block):
                entries += _list_block(block)
            else:
                entries += [_Entry(line.number, line.text, False) for line in block]
        return entries
    if any(len(block) > 1 for block in blocks):
        entries = []
        for block in blocks:
            if len(block) > 1:
                entries += _list_block(block, flat=True)
            else:
                entries.append(_Entry(block[0].number, block[0].text, False))
        return entries
    # One statement per paragraph and no bullets: only wording tells lead-ins from items.
    return [
        _Entry(block[0].number, block[0].text, not _LEAD_OR_CLOSE.match(block[0].text)) for block in blocks
    ]


def _list_block(block: list[_Line], flat: bool = False) -> list[_Entry]:
    """Bullets with their wrapped continuation lines; a "Label:" line heads the sub-list under it.

    ``flat`` is for blocks without bullets, where a first line ending in ":" is the block's lead-in.
    """
    entries: list[_Entry] = []
    start: _Line | None = None  # the line that began the last entry
    lead: _Line | None = None
    for position, line in enumerate(block):
        following = block[position + 1] if position + 1 < len(block) else None
        if lead is not None and not _under(line, lead, flat):
            lead = None
        if start is not None and start.marker and not line.marker and line.indent > start.indent:
            entries[-1].text = f"{entries[-1].text} {line.text}"
            continue
        ends_label = line.text.endswith(":") and len(line.text) > 1
        if ends_label and following is not None and _under(following, line, flat and position == 0):
            lead, start = line, None
            continue
        text = (line.text.rstrip(":").strip() or line.text) if ends_label else line.text
        entries.append(_Entry(line.number, text, True, (lead.text.rstrip(":").strip() or None) if lead else None))
        start = line
    return entries


def _under(line: _Line, lead: _Line, flat: bool) -> bool:
    return flat or line.indent > lead.indent or (not lead.marker and line.marker)


def _split_label(text: str) -> tuple[str | None, str]:
    """("Signs of infection", "fever, chills") from "Signs of infection: fever, chills"."""
    match = _LABEL.fullmatch(text)
    if not match:
        return None, text
    label = match["label"].strip()
    if not label or len(label.split()) > 12 or re.search(r"[.!?;]\s", label) or label[-1] in ".!?;":
        return None, text
    return label, match["text"].strip()


def _labelled(text: str, path: str) -> Item:
    title, body = _split_label(text)
    return Item(text=body, source=path, title=title)


def _urgent(body: list[_Line | None], path: str) -> list[Item]:
    """Every statement of the section, lead-ins included: none may be lost."""
    items = []
    for entry in _entries(body):
        title, text = _split_label(entry.text)
        if entry.lead is not None:
            # Both a sub-list heading and its own label: keep the label inside the text.
            title, text = entry.lead, entry.text
        if title is None:
            # Only whole pointer sentences ("Serious reactions can happen.") go: they name no sign.
            text = " ".join(s for s in _sentences(text) if not _boilerplate(s))
            if not text:
                continue
        items.append(Item(text=text, source=path, title=title))
    return items


def _warnings(body: list[_Line | None], path: str) -> list[Item]:
    """Labelled warnings keep their label; unlabelled paragraphs lose only pointer sentences.

    A paragraph stays one item rather than one item per sentence: its later sentences ("This can
    be fatal.") lean on the earlier ones.
    """
    items = []
    for entry in _entries(body):
        title, text = _split_label(entry.text)
        if entry.lead is not None:
            title, text = entry.lead, entry.text
        if title is None:
            kept = [s for s in _sentences(text) if not _boilerplate(s)]
            if not kept:
                continue
            text = " ".join(kept)
        items.append(Item(text=text, source=path, title=title))
    return items


def _is_reminder(item: Item) -> bool:
    """An untitled line of the warnings that tells the patient what to do every day ("Wash your hands
    often.", "Use a soft toothbrush.", "Check with your doctor before any vaccines."), names no risk and
    says to call no one: a reminder, not a serious warning."""
    return (
        item.title is None
        and _REMINDER.match(item.text) is not None
        and len(_sentences(item.text)) == 1
        and not urgency.has_call_now(item.text)
    )


def _boilerplate(sentence: str) -> bool:
    bare = sentence.strip().rstrip(".!").strip()
    return any(pattern.fullmatch(bare) for pattern in _BOILERPLATE)


def _mechanism(body: list[_Line | None], path: str) -> Item | None:
    """The section as one readable text: bullets become sentences, nothing is left out."""
    parts = []
    for entry in _entries(body):
        text = f"{entry.lead}: {entry.text}" if entry.lead else entry.text
        parts.append(text if text[-1] in ".!?" else f"{text}.")
    return Item(text=" ".join(parts), source=path) if parts else None


# ---------------------------------------------------------------- brands


def _brands(body: list[_Line | None], path: str) -> list[BrandName]:
    """Brands from "United States: A; B [DSC]" lines or from "In the U.S.:" / "In Canada:" sub-lists.

    A line is read as brands only when every name on it could be a brand; a sentence about brands
    ("Brand names differ between countries.") is passed over; anything else is an InputError, since
    it is most likely a list whose heading is missing or not known, and it may hold urgent signs.
    """
    brands: list[BrandName] = []
    country = None
    for line in body:
        if line is None:
            continue
        match = _COUNTRY.fullmatch(line.text)
        if match and _is_country(match):
            country = _country_name(match["country"])
            names = match["rest"]
            if _ABOUT_BRANDS.search(names) or _NO_BRAND.fullmatch(names.strip(" .")):
                continue  # "Canada: not available"
        else:
            names = line.text
        found = _brand_names(names, country, path)
        short = len(names.split()) <= 8 and not names.endswith((":", "?", "!"))
        if short and all(_brand_like(brand.name) for brand in found):
            for brand in found:
                if not any(_same_brand(brand, seen) for seen in brands):
                    brands.append(brand)
        elif not _ABOUT_BRANDS.search(line.text) or _words(line.text) & _SIGN_WORDS:
            # A bulleted sentence or symptom is no brand: most likely a warning or urgent sign whose
            # heading is missing. Reading on would drop it, and a dropped warning is the worst bug there is.
            raise InputError(path, f"'{_shorten(line.text)}' under 'Brand Name(s)' is not a brand name: "
                                   "is a heading such as 'Warning(s)' missing above it?", line.number)
    return brands


def _brand_like(name: str) -> bool:
    """Whether a name could be a brand: a few words, none of them words of a sentence or a symptom."""
    return (
        0 < len(name.split()) <= 5
        and name[0].isalnum()
        and not _words(name) & _NOT_BRAND_WORDS
        and not _ABOUT_BRANDS.search(name)
    )


def _words(text: str) -> set[str]:
    return {w.strip(".,;:!?()[]\"'").lower() for w in text.split()}


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _is_country(match: re.Match) -> bool:
    words = match["country"].split()
    if _ABOUT_BRANDS.search(match["country"]):
        return False  # "Generic: zentomab" names no country
    if match["in"] or _country_key(match["country"]) in _COUNTRY_NAMES:
        return 0 < len(words) <= 4
    return 0 < len(words) <= 3 and all(w[0].isupper() for w in words)


def _country_key(text: str) -> str:
    return squash(re.sub(r"[.]", "", text)).lower()


def _country_name(text: str) -> str:
    return _COUNTRY_NAMES.get(_country_key(text), squash(text))


def _brand_names(text: str, country: str | None, path: str) -> list[BrandName]:
    brands = []
    for piece in _split_outside_brackets(text):
        discontinued = bool(_DISCONTINUED.search(piece))
        piece = squash(_DISCONTINUED.sub(" ", piece))
        qualifier = None
        match = _QUALIFIER.search(piece)
        if match:
            qualifier = squash(match.group(1)) or None
            piece = squash(piece[: match.start()])
        piece = re.sub(r"^(?:and|or)\s+", "", piece, flags=re.I).strip(" .")
        if any(c.isalpha() for c in piece):
            brands.append(BrandName(piece, country, qualifier, discontinued, path))
    return brands


def _split_outside_brackets(text: str) -> list[str]:
    """Split on ";" and "," except inside (...) or [...], so "Zentra (tablets, capsules)" stays whole."""
    pieces, depth, current = [], 0, []
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        if char in ";," and depth == 0:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    return [piece for piece in (squash(p) for p in pieces) if piece]


def _same_brand(a: BrandName, b: BrandName) -> bool:
    return (name_key(a.name), a.country, a.qualifier) == (name_key(b.name), b.country, b.qualifier)


def _intro_brands(text: str, path: str) -> list[BrandName]:
    """Brands named only in the intro's "(brand name Y)", with no country: the intro gives none."""
    match = _INTRO.match(text)
    paren = _BRAND_PAREN.match(match["paren"].strip()) if match and match["paren"] else None
    if not paren:
        return []
    names = re.sub(r"\s+(?:and|or)\s+", ";", paren["names"])
    return _brand_names(names, None, path)
