"""What goes on one handout page, in the order a frightened patient needs it.

``plan`` turns a drug record into a ``Handout``: plain data for the templates,
with the urgent signs grouped by how common they are and short signs packed to
run inline, and the side effects the urgent tiers already name taken out (see
overlap.py). ``Cuts`` says what the fitter took out to make the page fit; what may
go, in what order, and how the page says so is the policy in rules/cuts.py (see
README "The page"). Each element the fitter knows carries the id cuts.py makes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urlparse

from ..i18n import N_
from ..readers.text import name_key
from ..record import DrugRecord, Item, Source, record_language, review
from ..rules import cuts as cut_rules
from ..rules import overlap
from ..rules.cuts import Cuts, LeftOut

# A sign this short may share a line: in columns (a few of them), or running on (many).
SHORT_SIGN = 48
COLUMNS_FROM = 3
INLINE_RUN = 12

# Order and patient wording of the frequency groups drugs.com uses.
FREQUENCY_ORDER = ("More common", "Less common", "Rare", "Incidence not known")
FREQUENCY_LABELS = {"Incidence not known": "How often is not known"}
# The labels as the page prints them, translated there (a record in another language may use
# these English labels as the names of the groups, or its own words, printed as written).
HOW_COMMON = (N_("More common"), N_("Less common"), N_("Rare"), N_("How often is not known"))


@dataclass
class SignGroup:
    label: str | None  # how common these signs are; None when the source does not say
    titled: list[Item] = field(default_factory=list)  # "Allergic reaction: rash; hives; ..."
    sentences: list[Item] = field(default_factory=list)  # longer signs, one per line
    short: list[Item] = field(default_factory=list)  # short signs, in columns or run inline
    inline: bool = False  # so many signs that they run on, separated by bullets

    @property
    def columns(self) -> int:
        """Three narrow columns for very short signs, else two, so few of them wrap."""
        return 3 if max((len(s.text) for s in self.short), default=0) <= 26 else 2


@dataclass
class Line:
    """One side effect or reminder as printed; ``index`` names it for the fitter (se-N, rm-N)."""

    index: int
    text: str
    title: str | None = None
    frequency: str | None = None
    pointer: str | None = None  # the urgent wording of a worse form of this side effect
    id: str = ""  # its element's id (cut_rules.effect_id or reminder_id of the index)


@dataclass
class EffectGroup:
    label: str | None  # how common, when the source words it ("More common"); None otherwise
    items: list[Line]
    id: str = ""  # its list's id, for the fitter: "se-list-0"


def effects(record: DrugRecord) -> list[overlap.Effect]:
    """The side effects the page lists: those the urgent tiers already name are left out."""
    return overlap.resolve(record).shown


def cut_order(record: DrugRecord, footer: tuple[str, ...] = ()) -> list[str]:
    """Ids of the content the fitter may leave out, first to go first (``cut_rules.priorities``)."""
    return cut_rules.priorities(record, footer=footer).order


def item_name(record: DrugRecord, item_id: str) -> str:
    """What a cut item is, for a reviewer: "side effect 'Headache'", "how it works"."""
    return cut_rules.priorities(record).name(item_id)


@dataclass
class SourceLine:
    publisher: str
    reviewed: dt.date | None
    due: dt.date | None  # this source's own next review, when it says how often it is reviewed
    url: str | None
    clinic: bool = False  # the clinic's own words: "<clinic> pharmacy, reviewed <date>"
    name: str = ""  # the clinic's name alone, for the page to word "<clinic> pharmacy" in its language
    described: bool = False  # ``publisher`` is what kind of source it is (a message), for want of a publisher


@dataclass
class Link:
    """Where the QR code leads, and the words that say so on the page."""

    url: str
    name: str  # "the full list of side effects at Drugs.com"
    full_list: bool  # the page it opens lists the side effects in full
    # What the page prints, in its language: "nci", "guide", "full_list", "page" or "more_info",
    # and the publisher or clinic it names.
    kind: str = "page"
    where: str = ""


@dataclass
class Handout:
    record: DrugRecord
    title: str  # "Blinatumomab"
    brands: list[str]
    pronunciation: str | None
    treats: str | None
    warnings: list[Item]
    urgent: list[SignGroup]
    side_effects: list[EffectGroup]
    reminders: list[Line]
    how_it_works: str | None
    uses: list[Item]
    dropped: list[str]
    left_out: list[LeftOut]
    sources: list[SourceLine]
    link: Link | None
    made: dt.date | None
    language: str = "en"
    clinic_address: bool = True  # print the brand's address line in the footer
    clinic_note: bool = True  # print the brand's footer note
    emergency: list[Item] = field(default_factory=list)  # "call 911 / get emergency help": printed first
    studied: str | None = None  # who the studies behind the printed numbers counted, where a source says

    @property
    def ids(self) -> dict[str, str]:
        """The ids the templates give the elements the fitter measures and cuts (cut_rules)."""
        return {"how": cut_rules.HOW, "say": cut_rules.SAY, "address": cut_rules.FOOTER_ADDRESS,
                "note": cut_rules.FOOTER_NOTE, "footer": cut_rules.FOOTER, "footer_text": cut_rules.FOOTER_TEXT,
                "qr": cut_rules.QR, "dropped": cut_rules.DROPPED, "common": cut_rules.COMMON,
                "reminders": cut_rules.REMINDERS, "reminder_list": cut_rules.list_id(cut_rules.REMINDER, 0)}

    @property
    def urgent_text(self) -> str:
        """All urgent words on the page, for the template to ask what they mention."""
        items = self.emergency + self.warnings + [s for g in self.urgent for s in g.titled + g.sentences + g.short]
        return " ".join(f"{it.title or ''} {it.text}" for it in items)

    @property
    def document_title(self) -> str:
        brands = f" ({', '.join(self.brands)})" if self.brands else ""
        return f"{self.title}{brands}: patient handout"


def plan(record: DrugRecord, cuts: Cuts, made: dt.date | None = None,
         more_info_url: str | None = None, clinic: str | None = None,
         shown: list[overlap.Effect] | None = None) -> Handout:
    """The page with ``cuts`` made. ``shown``: the side effects it lists, when the caller resolved
    them once for every pass (``effects``)."""
    shown = effects(record) if shown is None else shown
    policy = cut_rules.priorities(record, shown)
    visible = [(n, e.item, e.pointer) for n, e in enumerate(shown) if cut_rules.effect_id(n) not in cuts.omitted]
    lines = [Line(n, item.text, item.title, item.frequency, pointer, cut_rules.effect_id(n)) for n, item, pointer in visible]
    return Handout(
        record=record,
        title=_capitalise(record.generic_name),
        brands=record.brand_names,
        pronunciation=record.pronunciation.text if record.pronunciation and cut_rules.SAY not in cuts.omitted else None,
        treats=_treats(record),
        warnings=list(record.serious_warnings),
        urgent=group_signs(record.urgent_signs),
        side_effects=group_side_effects(lines),
        reminders=[Line(n, r.text, r.title, id=cut_rules.reminder_id(n)) for n, r in enumerate(record.reminders)
                   if cut_rules.reminder_id(n) not in cuts.omitted],
        how_it_works=record.how_it_works.text if record.how_it_works and cuts.how_it_works else None,
        uses=list(record.uses),
        dropped=cut_rules.dropped(cuts, policy),
        left_out=cut_rules.left_out(cuts, policy),
        sources=_source_lines(record.sources, (record.generic_name, *record.brand_names)),
        link=link(record, more_info_url, clinic),
        made=made,
        language=record_language(record).replace("_", "-"),
        clinic_address=cut_rules.FOOTER_ADDRESS not in cuts.omitted,
        clinic_note=cut_rules.FOOTER_NOTE not in cuts.omitted,
        emergency=list(record.emergency_signs),
        studied=_studied(record, [item for _, item, _ in visible]),
    )


def _studied(record: DrugRecord, shown: list[Item]) -> str | None:
    """Who was counted, said only under side effects that print numbers, every one of them from
    the source that names the group (a number merged from elsewhere, or written in a record,
    may have counted other people)."""
    numbered = [item for item in shown if item.frequency and _PERCENT.fullmatch(item.frequency)]
    if record.studied is None or not numbered or any(item.source != record.studied.source for item in numbered):
        return None
    return record.studied.text.rstrip(" .")


def is_web_address(url: str | None) -> bool:
    """Only http(s) addresses may go into a QR code: a phone opens whatever it is given."""
    if not url:
        return False
    parsed = urlparse(url.strip())
    return parsed.scheme.lower() in ("http", "https") and bool(parsed.netloc) and not re.search(r"\s", url.strip())


def link(record: DrugRecord, more_info_url: str | None = None, clinic: str | None = None) -> Link | None:
    """What the QR code opens: the source that lists the side effects in full, else the brand's
    page for more information, else the first source on the web, named for what it is."""
    web = [s for s in record.sources if is_web_address(s.url)]
    items = record.side_effects + record.urgent_signs + record.serious_warnings

    def rank(source: Source) -> tuple[int, int]:
        return (sum(it.source == source.key for it in record.side_effects),
                sum(it.source == source.key for it in items))

    listings = [s for s in web if rank(s)[0] or "side effect" in (s.title or "").lower()]
    if listings:
        best = max(listings, key=rank)
        return Link(best.url.strip(), _link_name(best, full_list=True), True, *_link_kind(best, True))
    if is_web_address(more_info_url):
        return Link(more_info_url.strip(), f"more information from {clinic or 'your care team'}", False,
                    "more_info", clinic or "")
    if web:
        best = max(web, key=rank)
        return Link(best.url.strip(), _link_name(best, full_list=False), False, *_link_kind(best, False))
    return None


def _link_kind(source: Source, full_list: bool) -> tuple[str, str]:
    """What the code opens, as data the template words in the page's language."""
    publisher = source.publisher or ""
    title = source.title or ""
    if source.kind == "cancer.gov" or "National Cancer Institute" in publisher or "cancer.gov" in (source.url or ""):
        return "nci", ""
    if "medication guide" in title.lower():
        return "guide", ""
    return ("full_list" if full_list else "page"), publisher or title


def _link_name(source: Source, full_list: bool) -> str:
    """The link's words in English, for reports (the page words them from the catalogue)."""
    kind, where = _link_kind(source, full_list)
    return {"nci": "the drug's page at the National Cancer Institute", "guide": "the full Medication Guide",
            "full_list": f"the full list of side effects at {where or 'the source'}"}.get(
        kind, f"the drug's page at {where or 'the source'}")


def group_signs(signs: list[Item]) -> list[SignGroup]:
    """Signs grouped by how common they are (ungrouped first), each group packed for density."""
    groups: dict[str | None, SignGroup] = {}
    for sign in signs:
        label = sign.frequency
        group = groups.setdefault(label, SignGroup(FREQUENCY_LABELS.get(label, label) if label else None))
        if sign.title:
            group.titled.append(sign)
        elif len(sign.text) <= SHORT_SIGN:
            group.short.append(sign)
        else:
            group.sentences.append(sign)
    for group in groups.values():
        if len(group.short) + len(group.sentences) >= INLINE_RUN:
            # A long list of symptoms: every untitled one runs on, long or short, so fifty
            # signs take a few lines, not fifty.
            group.inline = True
            group.short = [it for it in group.short + group.sentences]
            group.sentences = []
        elif len(group.short) < COLUMNS_FROM:
            group.sentences.extend(group.short)
            group.short = []
    return sorted(groups.values(), key=_group_rank)


def group_side_effects(lines: list[Line]) -> list[EffectGroup]:
    """Side effects under how-common headings where the source words it; percentages stay by
    each item. Each keeps its index so the template can label it for the fitter."""
    groups: dict[str | None, EffectGroup] = {}
    for line in lines:
        label = line.frequency if line.frequency and not _PERCENT.fullmatch(line.frequency) else None
        shown = FREQUENCY_LABELS.get(label, label) if label else None
        groups.setdefault(shown, EffectGroup(shown, [])).items.append(line)
    ordered = sorted(groups.values(), key=_group_rank)
    for n, group in enumerate(ordered):
        group.id = cut_rules.list_id(cut_rules.EFFECT, n)
    return ordered


_PERCENT = re.compile(r"\s*\d+(?:\.\d+)?\s*%\s*")


def _group_rank(group: SignGroup | EffectGroup) -> int:
    if group.label is None:
        return -1
    labels = [FREQUENCY_LABELS.get(x, x) for x in FREQUENCY_ORDER]
    return labels.index(group.label) if group.label in labels else len(labels)


def _capitalise(name: str) -> str:
    return name[:1].upper() + name[1:]


def _treats(record: DrugRecord) -> str | None:
    if record.description:
        return record.description.text
    if not record.uses:
        return None
    use = record.uses[0]
    return f"{use.title}: {use.text}" if use.title else use.text


# What a source is, where it names no publisher and its title is only the drug's name: a patient
# sheet's title is its first line, the drug ("Sources: azacitidine" would credit the drug).
KIND_WORDS = {"patient-sheet": N_("patient drug sheet")}


def _source_lines(sources: list[Source], drug_names: tuple[str, ...] = ()) -> list[SourceLine]:
    """Each source with its own review date and its own next review: an undated source never
    borrows another's schedule. Sources alike in all three are printed once. A source is named by
    its publisher, else its title, never by the drug's own name."""
    drug = {name_key(n) for n in drug_names}
    lines: list[SourceLine] = []
    for source in sources:
        title = source.title if source.title and name_key(source.title) not in drug else None
        kind = None if source.publisher or title else KIND_WORDS.get(source.kind)
        name = source.publisher or title or kind or re.sub(r".*/", "", source.file)
        clinic = source.kind == "clinic"
        line = SourceLine(f"{name} pharmacy" if clinic else name, source.last_reviewed, review.due_date(source),
                          source.url, clinic, name if clinic else "", kind is not None)
        if all((other.publisher, other.reviewed, other.due) != (line.publisher, line.reviewed, line.due) for other in lines):
            lines.append(line)
    return lines


def percent_words(frequency: str | None, language=None) -> str | None:
    """"28%" as a patient reads it best: "about 3 in 10 people in studies"; other wording as given
    (the four drugs.com labels in the page's language)."""
    from ..i18n import language as load_language

    language = language or load_language()
    if not frequency:
        return None
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", frequency.strip())
    if not match:
        label = FREQUENCY_LABELS.get(frequency, frequency)
        return language.gettext(label) if label in HOW_COMMON else frequency
    value = float(match[1])
    if value >= 10:
        return language.gettext("about %(n)s in 10 people in studies") % {"n": int(value / 10 + 0.5)}
    if value >= 1:
        return language.gettext("about %(n)s in 100 people in studies") % {"n": int(value + 0.5)}
    return language.gettext("fewer than 1 in 100 people in studies")
