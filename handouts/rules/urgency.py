"""Which sentences tell the patient to call now: judged one sentence at a time, the same for every reader.

A source may say "call your doctor right away" anywhere: in its call-now list, but also inside a
"Precautions" paragraph, a "- " bullet of safety reminders or a side-effect line. Wherever such a
sentence stands, it belongs in the urgent part of the handout, where the fitter never cuts. ``settle``
is the one pass every reader ends with: it moves each call-now sentence of a non-urgent field into
``urgent_signs`` (with the sentence before it when it points back to that one's symptoms, and the
short items under it when it leads a list), and leaves the rest of the item where it was.
"""

from __future__ import annotations

import re

from ..record import DrugRecord, Ignored, Item
from ..record.fields import FIELDS, ITEM, ITEMS, by_tiers, names

# --- The urgency lexicon ---------------------------------------------------------------------------
# The words of a call-now instruction, in one place: who the patient is told to reach, how soon, with
# which verb, and the emergency phrases. ``is_call_now`` judges sentences with them; the readers build
# their format's heading patterns from them (sheet: "Call your care team right away if you have:",
# drugs.com: "Check with your doctor immediately if ..."), so a carer or a now-word added here is
# known to every reader at once. The pieces are regular-expression sources, to be compiled with re.I.


def phrases(words: tuple[str, ...]) -> str:
    """One alternative per phrase, longest first; a space in a phrase is any white space."""
    ordered = sorted(words, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered) + ")"


# Who the patient is told to reach, each also in the plural. "Their doctor" is said to prescribers,
# not to the patient.
CARERS = ("doctor", "physician", "nurse", "pharmacist", "oncologist", "provider", "prescriber", "clinic",
          "team", "care team")
# "your <kind> <role>": "your healthcare provider", "your cancer care team".
CARER_KINDS = ("health care", "healthcare", "medical", "cancer", "cancer care", "treatment", "oncology",
               "oncology care", "care")
CARER_ROLES = ("team", "provider", "professional")
# How soon.
NOW_WORDS = ("right away", "immediately", "at once", "straight away", "now", "without delay",
             "as soon as possible", "urgently")
# The verbs of the instruction: "call your doctor", "check with your nurse", "let your team know".
CALL_VERBS = ("call", "tell", "contact", "phone", "notify", "see", "check with", "talk to", "talk with",
              "speak to", "speak with", "get in touch with", "let")

CARER = (
    rf"(?:your\s+|my\s+|the\s+|a\s+)?(?:{phrases(CARER_KINDS)}\s+{phrases(CARER_ROLES)}s?"
    rf"|{phrases(CARERS)}s?)"
)
NOW = phrases(NOW_WORDS)
CALL_VERB = phrases(CALL_VERBS)
# Whom to reach, one or several: "your doctor, nurse or pharmacist", "your care team or 911",
# "your doctor or get emergency medical help".
CALLEE = (
    rf"(?:{CARER}|911)(?:\s*(?:,|/|\bor\b|\band\b|,\s*or\b|,\s*and\b)\s*"
    rf"(?:(?:call\s+)?(?:{CARER}|911)|get\s+(?:emergency\s+)?medical\s+help\s*))*"
)
# "Call your doctor right away", "let your nurse know about it at once".
CALL_CARER_NOW = rf"{CALL_VERB}\s+{CALLEE}(?:\s+know)?(?:\s+about\s+(?:it|this|that|them))?\s+{NOW}"
# "Right away, call your doctor".
NOW_CALL_CARER = rf"{NOW},?\s+(?:call|tell|contact)\s+{CARER}"
# "Call us right away", "call at once".
CALL_AT_ONCE = r"call\s+(?:us\s+|them\s+)?(?:right\s+away|immediately|at\s+once)"
CALL_911 = r"(?:call|dial)\s+911"
# "Get emergency help", "seek urgent medical attention".
EMERGENCY_HELP = (
    r"(?:get|seek|obtain|find)\s+(?:emergency|immediate|urgent)\s+(?:medical\s+)?(?:help|care|attention|treatment)"
)
# "Get medical help right away", "seek care immediately".
HELP_NOW = rf"(?:get|seek|obtain|find)\s+(?:medical\s+)?(?:help|care|attention|treatment)\s+{NOW}"
# "... needs immediate medical attention": said of a sign, not to the patient, so no heading starts so.
NEEDS_URGENT_CARE = (
    r"(?:need|needs|require|requires|requiring)\s+(?:immediate|emergency|urgent)\s+medical\s+"
    r"(?:help|care|attention|treatment)"
)
EMERGENCY_ROOM = (
    r"go\s+to\s+(?:the\s+|an\s+)?(?:nearest\s+)?(?:emergency\s+(?:room|department)|hospital\s+emergency|er)"
)
# Any call-now instruction a heading may start with: every piece but NEEDS_URGENT_CARE.
INSTRUCTION = rf"(?:{CALL_CARER_NOW}|{NOW_CALL_CARER}|{CALL_AT_ONCE}|{CALL_911}|{EMERGENCY_HELP}|{HELP_NOW}|{EMERGENCY_ROOM})"

CALL_NOW = re.compile(rf"\b(?:{INSTRUCTION}|{NEEDS_URGENT_CARE})\b", re.I)
# "... usually do not need immediate medical attention", "not requiring immediate medical attention".
_NEGATED = re.compile(r"\b(?:not|no|never|don't|doesn't)\s+(?:\w+\s+){0,2}$", re.I)

# --- Sentences for prescribers, and program text ------------------------------------------------
# Boxed warnings quote the label, whose sentences are for prescribers: "Screen patients for HBV",
# "Premedicate with ...", "If CRS occurs, interrupt or discontinue X and treat with corticosteroids",
# "Interruption or discontinuance of X therapy may be necessary"; and the label's program text: "X is
# available only through a restricted program called the X REMS", "Prescribers must be certified".
# None of them is a sign to watch for: every reader keeps them out of the urgent tiers (as care-team
# notes), with ``for_prescriber``. A sentence that speaks to "you", or tells the patient to call now,
# is never one.
_ORDER_VERBS = (
    r"(?:closely\s+|permanently\s+|temporarily\s+|immediately\s+)?(?:monitor|screen|interrupt|discontinue|"
    r"withhold|premedicate|pre-medicate|administer|evaluate|assess|consider|initiate|obtain|perform|correct|"
    r"verify|advise|counsel|inform|instruct|hospitali[sz]e|institute|resume|reduce|delay|titrate|test|measure|"
    r"check\s+(?!with\b)|treat\s+(?:with|promptly|patients|(?:[\w-]+\s+){1,6}?with\b)|manage|prescribe|dispense|"
    r"confirm|ensure|modify\s+the\s+dose)\b"
)
PRESCRIBER = re.compile(
    # The order, alone or after the condition it answers: "If neurologic toxicity occurs, interrupt ...".
    rf"^(?:(?:if|when|for|in|upon|at|before|during|after)\b[^,;]{{1,120}},\s*)?(?:and\s+)?{_ORDER_VERBS}"
    r"|\b(?:and|or|then)\s+(?:interrupt|discontinue|withhold|treat\s+with|premedicate|administer)\b"
    r"|^(?:(?:temporary|permanent)\s+)?(?:interruption|discontinuation|discontinuance|withholding|dose\s+"
    r"(?:reduction|modification|interruption))s?\b.*\b(?:may\s+be|is|are)\s+(?:necessary|required|recommended)"
    r"|^do\s+not\s+(?:administer|initiate|resume|re-?start|re-?challenge|re-?initiate|give|infuse|exceed|"
    r"use\s+in\s+patients)\b"
    r"|^provide\s+supportive|^only\s+(?:physicians|prescribers|healthcare)"
    r"|(?:prescribers|healthcare\s+(?:providers|professionals|settings)|physicians|pharmacies|hospitals)"
    r"(?:\s+\w+){0,4}\s+(?:should|must)\b"
    r"|\b(?:should|must)\s+be\s+(?:closely\s+)?(?:obtained|monitored|performed|administered|considered|"
    r"discontinued|interrupted|withheld|evaluated|assessed|tested|screened|treated|initiated|checked|measured|"
    r"premedicated|hospitali[sz]ed|infused|given\s+under|certified|enrolled)\b"
    r"|\bas\s+recommended\s*\.?$",
    re.I,
)
PROGRAM = re.compile(
    r"\bavailable\s+only\s+through\s+a\s+restricted\b|\brestricted\s+(?:distribution|program)\b|\bREMS\b"
    r"|\brisk\s+evaluation\s+and\s+mitigation\s+strateg|\b(?:must|to)\s+be\s+(?:specially\s+)?certified\b"
    r"|\bcertified\s+(?:prescribers|pharmacies|healthcare\s+settings)\b",
    re.I,
)
_PATIENT_WORDS = re.compile(r"\b(?:you|your|yours|yourself)\b", re.I)


def for_prescriber(sentence: str) -> bool:
    """Whether a sentence is an order to prescribers or program text (REMS, certification), not a
    sign the patient watches for."""
    if _PATIENT_WORDS.search(sentence) or is_call_now(sentence):
        return False
    return PRESCRIBER.search(sentence) is not None or PROGRAM.search(sentence) is not None


def split_prescriber(text: str) -> tuple[str, str]:
    """(the sentences for the patient, the sentences for prescribers) of a text, each joined."""
    patient, prescriber = [], []
    for sentence in sentences(text):
        (prescriber if for_prescriber(sentence) else patient).append(sentence)
    return " ".join(patient), " ".join(prescriber)


def orders_out(items: list[Item]) -> tuple[list[Item], list[Item]]:
    """(the items without their sentences for prescribers, those sentences as care-team notes): what
    every reader does to its urgent tiers. Each part keeps the item's title, source and frequency."""
    kept: list[Item] = []
    notes: list[Item] = []
    for item in items:
        patient, prescriber = split_prescriber(item.text)
        if prescriber:
            notes.append(Item(prescriber, item.source, item.title, item.frequency))
        if patient:
            kept.append(item if not prescriber else Item(patient, item.source, item.title, item.frequency))
    return kept, notes


# The heading of the older layouts' urgent list says "immediate" and tells nobody anything: "Side
# effects requiring immediate medical attention".
_HEADING_ONLY = re.compile(
    rf"^(?:(?:serious|major|other)\s+)?(?:side\s+effects|signs|symptoms|effects)\s+(?:that\s+)?{NEEDS_URGENT_CARE}\s*:?$",
    re.I,
)

# A call-now sentence that points back at the symptoms of the sentence before it.
_POINTS_BACK = re.compile(
    r"\b(?:if\s+(?:this|these|that|they|it|any\s+of\s+(?:these|them|this))\b|these\s+(?:signs|symptoms|problems)"
    r"|such\s+(?:signs|symptoms|a\s+reaction)|if\s+(?:so|that\s+happens|this\s+happens))",
    re.I,
)
# A call-now sentence whose symptoms follow it: "... if you have the following. Fever, chills or a rash."
_POINTS_FORWARD = re.compile(r"\b(?:the\s+following|as\s+follows)\b|:\s*$", re.I)
# A call-now sentence that leads a list under it: "... if you have any of these symptoms:".
_LEADS = re.compile(r"(?::|\b(?:the\s+following|any\s+of\s+these)(?:\s+[\w-]+){0,3}[.:]?)\s*$", re.I)
# Items short enough to be the symptoms of a list a call-now lead-in heads.
_SYMPTOM_MAX_WORDS = 15
_SYMPTOM_SENTENCE_WORDS = 6

# A sentence ends at ".", "!" or "?" (and a closing quote) before white space and a capital or digit;
# not after "e.g.", "Dr." or a lone capital ("U.S.").
_SENTENCE_END = re.compile(
    r"(?:(?<=[.!?])|(?<=[.!?][\"'\u201d)]))"
    r"(?<!\b[A-Z]\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bDr\.)(?<!\bvs\.)(?<!\bSt\.)"
    r"\s+(?=[\"'\u201c(]?[A-Z0-9])"
)

# The tiers that are not urgent and whose items are sentences (a pronunciation is none), lists looked
# at tier by tier in this order, single items in the record's order; the urgent tiers are where they go.
_SETTLED_TIERS = ("reminder", "expected", "use", "about")
_LIST_FIELDS = names(f for f in by_tiers(_SETTLED_TIERS) if f.kind == ITEMS)
_SINGLE_FIELDS = names(f for f in FIELDS if f.kind == ITEM and f.tier in _SETTLED_TIERS)


def is_call_now(sentence: str) -> bool:
    """Whether the sentence tells the patient to call, tell or see the care team now, or get emergency help.

    A question ("What are some side effects that I need to call my doctor about right away?") tells
    nobody to do anything: it is a heading."""
    if sentence.rstrip(" \"'\u201d)").endswith("?") or _HEADING_ONLY.match(sentence.strip()):
        return False
    for match in CALL_NOW.finditer(sentence):
        if not _NEGATED.search(sentence[: match.start()]):
            return True
    return False


def sentences(text: str) -> list[str]:
    """The sentences of a text, in order; their words joined give the text back."""
    return [s for s in (piece.strip() for piece in _SENTENCE_END.split(text)) if s]


def has_call_now(text: str) -> bool:
    return any(is_call_now(s) for s in sentences(text))


def settle(record: DrugRecord) -> DrugRecord:
    """Every call-now sentence of the record in an urgent tier; returns the record, changed in place."""
    promoted: list[Item] = []
    for name in _LIST_FIELDS:
        kept, moved = _settle_list(getattr(record, name))
        setattr(record, name, kept)
        promoted.extend(moved)
    for name in _SINGLE_FIELDS:
        item = getattr(record, name)
        if item is not None:
            urgent, rest = split(item)
            promoted.extend(urgent)
            setattr(record, name, rest)
    _add_urgent(record, promoted)
    return record


def _settle_list(items: list[Item]) -> tuple[list[Item], list[Item]]:
    """(what stays, what moves to urgent) of one list, in order. The short items under a call-now
    lead-in ("Tell your doctor right away if you have any of these:") move with it, and a lead-in
    ending with ":" that led such a list is no item of its own, as a heading is none."""
    kept: list[Item] = []
    moved: list[Item] = []
    lead: Item | None = None
    followers = 0
    for item in [*items, None]:
        if item is not None and lead is not None and _is_symptom(item) and not has_call_now(item.text):
            moved.append(item)
            followers += 1
            continue
        if lead is not None and followers and lead.text.endswith(":"):
            moved.remove(lead)
        lead, followers = None, 0
        if item is None:
            break
        urgent, rest = split(item)
        if urgent and rest is None and _LEADS.search(item.text):
            lead = item
        moved.extend(urgent)
        if rest is not None:
            kept.append(rest)
    return kept, moved


def split(item: Item) -> tuple[list[Item], Item | None]:
    """(the urgent part of an item, what is left of it or None): the call-now sentences, each with the
    sentence that names its symptoms (the one before "... if this happens", the one after "... the
    following"). Both parts keep the item's title, source and frequency."""
    parts = sentences(item.text)
    urgent = [is_call_now(s) for s in parts]
    if not any(urgent):
        return [], item
    calls = list(urgent)
    for index, part in enumerate(parts):
        if not calls[index]:
            continue
        forward = _POINTS_FORWARD.search(part) is not None
        if _POINTS_BACK.search(part) and not forward:
            # "... if this happens": the symptoms are the sentence before; with none before, the one after.
            forward = index == 0
            if index:
                urgent[index - 1] = True
        if forward and index + 1 < len(parts):
            urgent[index + 1] = True
    if all(urgent):
        return [item], None
    moved = Item(" ".join(p for p, u in zip(parts, urgent) if u), item.source, item.title, item.frequency)
    left = Item(" ".join(p for p, u in zip(parts, urgent) if not u), item.source, item.title, item.frequency)
    return [moved], left


def pull_urgent(text: str, source: str, line: int, what: str, record: DrugRecord) -> None:
    """A block no field takes: its call-now sentences become urgent signs, the rest is reported as ignored."""
    parts = sentences(text)
    urgent = [p for p in parts if is_call_now(p)]
    rest = [p for p in parts if not is_call_now(p)]
    _add_urgent(record, [Item(p, source) for p in urgent])
    if rest:
        record.ignored.append(Ignored(line, what, " ".join(rest), source))


def count(text: str) -> str:
    """ "3 sentences", "1 sentence": how much a block holds, for an ignored report."""
    n = len(sentences(text)) or 1
    return f"{n} sentence" + ("" if n == 1 else "s")


def _is_symptom(item: Item) -> bool:
    """A short line such as "sudden chest pain"; a whole sentence ("Keep all your visits.") is not one."""
    words = len(item.text.split())
    sentence = item.text.rstrip().endswith((".", "!", "?")) and words > _SYMPTOM_SENTENCE_WORDS
    return len(sentences(item.text)) <= 1 and words <= _SYMPTOM_MAX_WORDS and not sentence


def _add_urgent(record: DrugRecord, items: list[Item]) -> None:
    from ..readers.text import item_key

    seen = {item_key(f"{it.title or ''} {it.text}") for it in record.urgent_signs}
    for item in items:
        key = item_key(f"{item.title or ''} {item.text}")
        if key not in seen:
            seen.add(key)
            record.urgent_signs.append(item)
