"""What goes on one handout page, in the order a frightened patient needs it.

``plan`` turns a drug record into a ``Handout``: plain data for the templates,
with the urgent signs grouped by how common they are and short signs packed to
run inline. ``Cuts`` says what the fitter took out to make the page fit; urgent
content is never in it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from . import review
from .record import DrugRecord, Item, Source

# A sign this short may share a line: in columns (a few of them), or running on (many).
SHORT_SIGN = 48
COLUMNS_FROM = 3
INLINE_RUN = 12

# Order and patient wording of the frequency groups drugs.com uses.
FREQUENCY_ORDER = ("More common", "Less common", "Rare", "Incidence not known")
FREQUENCY_LABELS = {"Incidence not known": "How often is not known"}


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
class EffectGroup:
    label: str | None  # how common, when the source words it ("More common"); None otherwise
    items: list[tuple[int, Item]]  # (position in the handout's side effects, item) - the fitter cuts by position


@dataclass
class Cuts:
    """What the fitter changed: the type scale and the low-priority content left out."""

    scale: float = 1.0
    side_effects: int | None = None  # how many to keep; None keeps all
    reminders: int | None = None
    how_it_works: bool = True

    def dropped(self, record: DrugRecord) -> list[str]:
        """Plain names of what is not on the page, for the page note and the report."""
        out = []
        if not self.how_it_works and record.how_it_works:
            out.append("how it works")
        if self.side_effects is not None and self.side_effects < len(record.side_effects):
            out.append(f"{len(record.side_effects) - self.side_effects} of {len(record.side_effects)} side effects")
        if self.reminders is not None and self.reminders < len(record.reminders):
            out.append(f"{len(record.reminders) - self.reminders} of {len(record.reminders)} safety reminders")
        return out


@dataclass
class SourceLine:
    publisher: str
    reviewed: dt.date | None
    url: str | None
    clinic: bool = False  # the clinic's own words: "<clinic> pharmacy, reviewed <date>"


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
    reminders: list[Item]
    how_it_works: str | None
    uses: list[Item]
    dropped: list[str]
    sources: list[SourceLine]
    main_url: str | None
    review_due: dt.date | None
    made: dt.date | None
    language: str = "en"

    @property
    def urgent_text(self) -> str:
        """All urgent words on the page, for the template to ask what they mention."""
        items = self.warnings + [s for g in self.urgent for s in g.titled + g.sentences + g.short]
        return " ".join(f"{it.title or ''} {it.text}" for it in items)

    @property
    def document_title(self) -> str:
        brands = f" ({', '.join(self.brands)})" if self.brands else ""
        return f"{self.title}{brands}: patient handout"


def plan(record: DrugRecord, cuts: Cuts, made: dt.date | None = None) -> Handout:
    return Handout(
        record=record,
        title=_capitalise(record.generic_name),
        brands=record.brand_names,
        pronunciation=record.pronunciation.text if record.pronunciation else None,
        treats=_treats(record),
        warnings=list(record.serious_warnings),
        urgent=group_signs(record.urgent_signs),
        side_effects=group_side_effects(record.side_effects[: cuts.side_effects]),
        reminders=record.reminders[: cuts.reminders],
        how_it_works=record.how_it_works.text if record.how_it_works and cuts.how_it_works else None,
        uses=list(record.uses),
        dropped=cuts.dropped(record),
        sources=_source_lines(record.sources),
        main_url=next((s.url for s in record.sources if s.url), None),
        review_due=review.next_due(record.sources),
        made=made or review.newest_review(record.sources),
        language=next((s.language for s in record.sources if s.language), "en"),
    )


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


def group_side_effects(effects: list[Item]) -> list[EffectGroup]:
    """Side effects under how-common headings where the source words it; percentages stay by
    each item. Positions are kept so the template can label each item for the fitter."""
    groups: dict[str | None, EffectGroup] = {}
    for index, item in enumerate(effects):
        label = item.frequency if item.frequency and not _PERCENT.fullmatch(item.frequency) else None
        shown = FREQUENCY_LABELS.get(label, label) if label else None
        groups.setdefault(shown, EffectGroup(shown, [])).items.append((index, item))
    return sorted(groups.values(), key=_group_rank)


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


def _source_lines(sources: list[Source]) -> list[SourceLine]:
    lines: dict[str, SourceLine] = {}
    for source in sources:
        name = source.publisher or source.title or re.sub(r".*/", "", source.file)
        clinic = source.kind == "clinic"
        name = f"{name} pharmacy" if clinic else name
        line = lines.setdefault(name, SourceLine(name, source.last_reviewed, source.url, clinic))
        if source.last_reviewed and (line.reviewed is None or source.last_reviewed > line.reviewed):
            line.reviewed = source.last_reviewed
        line.url = line.url or source.url
    return list(lines.values())


def percent_words(frequency: str | None) -> str | None:
    """"28%" as a patient reads it best: "about 28 in 100 people"; other wording as given."""
    if not frequency:
        return None
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", frequency.strip())
    if match:
        value = round(float(match[1]))
        return f"about {value} in 100 people" if value >= 1 else "fewer than 1 in 100 people"
    return frequency
