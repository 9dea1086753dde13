"""What goes first when a page is full, what never goes, and how the page says what went.

One policy for the planner, the fitter and the reports. ``priorities`` works it out once per
drug from the record and the side effects the page lists (``overlap.resolve(record).shown``):
plain data the fitter takes as it is, never asking the planner again. ``left_out`` says what a
set of cuts left out, ``note`` words the page's "Not on this page" note from it in the page's
language (the words the fitter counts are the words the page prints), ``dropped`` the same in
English for reports.

The ids of the page's elements are the names the fitter and the templates share: they are
made here only (``effect_id``, ``reminder_id``, ``list_id``, ``entry_id`` and the constants).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..i18n import N_
from ..record import DrugRecord, Item
from . import overlap

# --- element ids: the templates print them, the fitter measures and cuts by them -------------

HOW = "how"  # the "How it works" section: the first thing to go
SAY = "say"  # the "Say it:" line: the last thing to go, before a page with every must-keep reminder fails
# The brand's lines in the footer (address, note): reference, not advice, so they give way
# right after how it works. The footer keeps its size whatever the type: FOOTER_ITEM starts them.
FOOTER_ITEM = "ft-"
FOOTER_NOTE, FOOTER_ADDRESS = f"{FOOTER_ITEM}note", f"{FOOTER_ITEM}address"
FOOTER, FOOTER_TEXT, QR = "footer", "footer-text", "qr"  # the footer, its text column, the code beside it
DROPPED = "dropped"  # the "Not on this page" note
EFFECT, REMINDER = "se", "rm"  # the kinds of list item: side effects listed, reminders
LIST = "-list"  # in a list's id: "se-list-0"
# The section each kind of item is in: it vanishes, heading and all, when every item in it goes.
COMMON, REMINDERS = "common", "reminders"
SECTIONS = {f"{EFFECT}-": COMMON, f"{REMINDER}-": REMINDERS}
ENTRY = "entry-"  # a combined packet page's entries: "entry-3"


def effect_id(n: int) -> str:
    """The n-th side effect the page lists (after overlap): "se-3"."""
    return f"{EFFECT}-{n}"


def reminder_id(n: int) -> str:
    return f"{REMINDER}-{n}"


def list_id(kind: str, n: int) -> str:
    """The n-th list of ``kind`` (EFFECT or REMINDER) items: "se-list-0"."""
    return f"{kind}{LIST}-{n}"


def entry_id(n: int) -> str:
    return f"{ENTRY}{n}"


def is_item(element_id: str) -> bool:
    """Whether an id names one item of a list ("se-3", not "se-list-0")."""
    return element_id.split("-")[-1].isdigit()


def is_list(element_id: str) -> bool:
    return LIST in element_id


# --- the policy ----------------------------------------------------------------------------

# Reminders kept like urgent content: a call-now instruction, pump or line care, pregnancy and
# contraception, driving (and the same in a Spanish record: llame, bomba, embarazo, ...).
_MUST_KEEP = re.compile(
    r"\bcall\b|\bpump|catheter|\bIV line|\bline care|\bport\b|pregnan|contracept|birth control|"
    r"breastfe|\bdriv|\bllam[ae]|\bbomba|catéter|\bvía intravenosa|\bpuerto\b|embaraz|anticoncep|"
    r"amamant|lactancia|\bconduc(?:ir|e|a)\b|\bmanej(?:ar|e)\b", re.I)

# What a must-keep reminder is about, in the words the page's "left out" note uses.
# Marked for the catalogue: the page prints each in its own language.
_TOPICS = ((N_("pregnancy"), r"pregnan|contracept|birth control|embaraz|anticoncep"),
           (N_("breastfeeding"), r"breastfe|amamant|lactancia"), (N_("driving"), r"\bdriv|\bconduc(?:ir|e|a)\b|\bmanej(?:ar|e)\b"),
           (N_("your pump or IV line"), r"\bpump|catheter|\bIV line|\bline care|\bport\b|\bbomba|catéter|"
                                        r"\bvía intravenosa|\bpuerto\b"),
           (N_("when to call"), r"\bcall\b|\bllam[ae]"))


def _words_of(reminder: Item) -> str:
    return f"{reminder.title or ''} {reminder.text}"


def must_keep(reminder: Item) -> bool:
    return bool(_MUST_KEEP.search(_words_of(reminder)))


def must_keep_topics(reminders: list[Item]) -> list[str]:
    return _topics(" ".join(_words_of(r) for r in reminders))


def _topics(text: str) -> list[str]:
    return [topic for topic, pattern in _TOPICS if re.search(pattern, text, re.I)]


@dataclass
class Priorities:
    """A drug's cut policy, worked out once: plain data for the fitter, the page and reports."""

    order: list[str]  # ids of what may go, first to go first (see ``priorities``)
    last_resort: list[str]  # the must-keep reminders, last first (see ``priorities``)
    effects: int  # side effects the page lists
    reminders: int
    how_it_works: bool  # the record says how it works
    must_keep: dict[str, str] = field(default_factory=dict)  # must-keep reminder id -> its words
    names: dict[str, str] = field(default_factory=dict)  # id -> what it is, for a reviewer
    # The note's messages in the page's language (message -> words), and how it ends: pointing
    # to the QR code when that opens the full list of side effects.
    words: dict[str, str] = field(default_factory=dict)
    full_list: bool = False

    def name(self, item_id: str) -> str:
        """What a cut item is, for a reviewer: "side effect 'Headache'", "how it works"."""
        return self.names[item_id]

    def broken_by(self, cuts: Cuts, floor: float, stored: bool) -> str | None:
        """What is wrong with a layout's cuts, or None: the type between ``floor`` and full size, and
        nothing left out that the cut order keeps (urgent content never). A must-keep reminder may
        go only where the fitter finds the page cannot hold it (``stored``: a remembered fit, which
        is fitted afresh rather than trusted to have found that)."""
        if not floor - 1e-9 <= cuts.scale <= 1.0:  # a NaN fails both
            return f"type at {cuts.scale:.0%}, outside {floor:.0%} to 100%"
        may_go = set(self.order) | (set() if stored else set(self.last_resort))
        if not cuts.omitted <= may_go:
            return f"leaves out {', '.join(sorted(map(str, cuts.omitted - may_go)))}"
        return None


def priorities(record: DrugRecord, shown: list[overlap.Effect] | None = None, footer: tuple[str, ...] = (),
               gettext: Callable[[str], str] | None = None, full_list: bool = False) -> Priorities:
    """The drug's cut policy. ``shown``: the side effects the page lists (resolved here when not
    given); ``footer``: the brand's footer lines the page prints (see ``footer_lines``);
    ``gettext`` and ``full_list``: the note's language and ending, as the page prints it.

    The order: how it works goes first, then the brand's footer note and address line; then side
    effects that point to a worse form in the urgent box (the box already tells the patient
    when to call); then the tails of the side effects and of the optional reminders in turn,
    the longer list first, so neither section vanishes while the other stays whole; the "Say
    it:" line last of all. Urgent content is never in it, nor are must-keep reminders: they are
    the last resort, left out only when the page cannot hold them with the urgent content even
    at the smallest type, which would otherwise leave the patient with no handout at all (the
    page then names each one)."""
    shown = overlap.resolve(record).shown if shown is None else shown
    reminders = record.reminders
    order = [HOW] if record.how_it_works else []
    order += list(footer)
    order += [effect_id(n) for n in reversed(range(len(shown))) if shown[n].pointer]
    tails = {
        EFFECT: [effect_id(n) for n in range(len(shown)) if not shown[n].pointer],
        REMINDER: [reminder_id(n) for n, r in enumerate(reminders) if not must_keep(r)],
    }
    while tails[EFFECT] or tails[REMINDER]:
        kind = REMINDER if len(tails[REMINDER]) >= len(tails[EFFECT]) else EFFECT
        order.append(tails[kind].pop())
    if record.pronunciation:
        order.append(SAY)
    kept = {reminder_id(n): _words_of(r) for n, r in enumerate(reminders) if must_keep(r)}
    names = {HOW: "how it works", SAY: "how to say its name", FOOTER_ADDRESS: "the clinic's address",
             FOOTER_NOTE: "the clinic's note"}
    names |= {effect_id(n): _item_name("side effect", e.item) for n, e in enumerate(shown)}
    names |= {reminder_id(n): _item_name("reminder", r) for n, r in enumerate(reminders)}
    gettext = gettext or str
    return Priorities(order, list(reversed(kept)), len(shown), len(reminders), bool(record.how_it_works),
                      kept, names, {m: gettext(m) for m in _NOTE_MESSAGES}, full_list)


def _item_name(kind: str, item: Item) -> str:
    return f"{kind} {item.title or item.text[:40]!r}"


def footer_lines(brand) -> tuple[str, ...]:
    """The brand's footer lines the fitter may leave out: only those the brand prints."""
    return tuple(i for i, present in ((FOOTER_NOTE, brand.footer), (FOOTER_ADDRESS, brand.clinic)) if present)


@dataclass(frozen=True)
class Cuts:
    """What the fitter changed: the type scale and the low-priority content left out (by id)."""

    scale: float = 1.0
    omitted: frozenset[str] = frozenset()

    @property
    def how_it_works(self) -> bool:
        return HOW not in self.omitted

    def dropped(self, record: DrugRecord) -> list[str]:
        """Plain names of what is not on the page, for reports (``dropped`` with the record's policy)."""
        return dropped(self, priorities(record))


# --- what the page says was left out --------------------------------------------------------


@dataclass
class LeftOut:
    """One kind of content the fitter left out, for the page's note, in the page's language."""

    what: str  # "how", "address", "note", "say", "side_effects", "reminders" or "ask" (must-keep topics)
    gone: int = 0
    total: int = 0
    topics: tuple[str, ...] = ()  # for "ask": what to ask the care team about (catalogue messages)


def left_out(cuts: Cuts, policy: Priorities) -> list[LeftOut]:
    omitted = cuts.omitted
    out = [LeftOut(what) for what, item in (("how", HOW), ("address", FOOTER_ADDRESS), ("note", FOOTER_NOTE),
                                            ("say", SAY))
           if item in omitted and (item != HOW or policy.how_it_works)]
    for kind, total, what in ((EFFECT, policy.effects, "side_effects"), (REMINDER, policy.reminders, "reminders")):
        gone = sum(i.startswith(kind + "-") for i in omitted)
        if gone:
            out.append(LeftOut(what, gone, total))
    topics = _topics(" ".join(words for i, words in policy.must_keep.items() if i in omitted))
    if topics:
        out.append(LeftOut("ask", topics=tuple(topics)))
    return out


# The note's words, each a catalogue message: the page prints them in its language.
NOTE_START = N_("Not on this page, for room:")
NOTE_SCAN = N_("Scan the code below for the full list.")
NOTE_ASK = N_("Ask your care team for them.")
_PHRASES = {"how": N_("how it works"), "address": N_("the clinic's address"), "note": N_("the clinic's note"),
            "say": N_("how to say its name"), "side_effects": N_("%(gone)s of %(total)s side effects"),
            "reminders": N_("%(gone)s of %(total)s safety reminders"),
            "ask": N_("ask your care team about %(topics)s")}
_NOTE_MESSAGES = (NOTE_START, NOTE_SCAN, NOTE_ASK, *_PHRASES.values(), *(topic for topic, _ in _TOPICS))


def phrase(item: LeftOut, gettext: Callable[[str], str] = str, quote: Callable[[str], str] = str) -> str:
    """One kind of content left out, worded: "3 of 7 side effects". ``quote`` is how the page
    quotes the words filled in (HTML-escaped on a page, as Jinja's ``_()`` does)."""
    text = gettext(_PHRASES[item.what])
    if item.what in ("side_effects", "reminders"):
        return text % {"gone": quote(str(item.gone)), "total": quote(str(item.total))}
    if item.what == "ask":
        return text % {"topics": quote(", ".join(gettext(t) for t in item.topics))}
    return text


def note(items: list[LeftOut], gettext: Callable[[str], str] = str, full_list: bool = False,
         quote: Callable[[str], str] = str) -> str:
    """The page's "Not on this page" note: what is left out, and where to find it."""
    end = gettext(NOTE_SCAN if full_list else NOTE_ASK)
    return f"{gettext(NOTE_START)} {'; '.join(phrase(i, gettext, quote) for i in items)}. {end}"


def note_length(cuts: Cuts, policy: Priorities) -> int:
    """Characters of the note the page prints for these cuts, in its language: what the fitter
    counts its lines from."""
    return len(note(left_out(cuts, policy), lambda m: policy.words.get(m, m), policy.full_list))


def dropped(cuts: Cuts, policy: Priorities) -> list[str]:
    """Plain names of what is not on the page, in English, for reports: the note's own phrases."""
    return [phrase(item) for item in left_out(cuts, policy)]
