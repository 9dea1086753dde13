"""A packet's combined "When to call us right away" page: one list by symptom group, not by drug.

A patient on three drugs should not have to work out which drug causes what before calling. So the
urgent signs of every drug are gathered by symptom group: groups whose titles say the same thing
("Signs of an allergic reaction", "Allergic reaction") are one entry, and its signs are the union of
the drugs' signs, split on the source's own separators ("rash; hives; itching" is three signs) and
each kept once. Serious warnings stay whole. An entry names the drugs it comes from only when not
every drug in the packet has it. ``entries`` makes that plain data; pdf/combined_fit.py fits it to the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..i18n import N_, words
from ..readers.text import item_key
from ..rules import cuts
from ..workspace.catalogue import Drug

OTHER_SIGNS = N_("Other signs")
EMERGENCY_SIGNS = N_("Call 911 or get emergency help right away if you have")
# "Signs of", "Symptoms of", "Signs and symptoms of" say nothing a patient needs, and an article
# neither: "Signs of an allergic reaction" is the group "Allergic reaction".
_TITLE_PREFIX = re.compile(
    r"^\s*(?:(?:signs?|symptoms?)(?:\s+(?:and|or|&)\s+(?:signs?|symptoms?))?\s+of\s+)?(?:(?:a|an|the)\s+)?", re.I)
# An abbreviation in brackets ("Tumor lysis syndrome (TLS)") does not make another group.
_BRACKETS = re.compile(r"\([^)]*\)")
# The separators sources put between the signs of one group; a comma is not one ("red, swollen skin").
_SEPARATORS = re.compile(r"\s*(?:;|\u2022|\n)\s*")

@dataclass
class Sign:
    text: str
    drugs: list[str]  # as printed


@dataclass
class Entry:
    """One symptom group (or a serious warning, whole) on the combined page."""

    title: str | None
    signs: list[Sign]
    drugs: list[str]  # every drug with any of its signs, in packet order, as printed
    warning: bool = False  # a serious warning: its text is one sign, never split
    shared: bool = True  # every drug in the packet has it: no drug names printed
    titles: list[str] = field(default_factory=list)  # the titles merged into it, as the sources word them
    untitled: bool = False  # signs no group holds, under OTHER_SIGNS
    emergency: bool = False  # the emergency tier ("call 911 if"), at the top; each sign names its drugs
    number: int = 0  # its place on the page, for the fitter's measures and a moved page break

    @property
    def id(self) -> str:
        """Its element's id on the page, by which the fitter measures it."""
        return cuts.entry_id(self.number)


def printed_name(name: str) -> str:
    """A drug's name as the packet prints it: "Inotuzumab ozogamicin"."""
    return name[:1].upper() + name[1:]


def group_key(title: str) -> str:
    """The normalised title: "Signs of an allergic reaction" and "Allergic reactions" are one group."""
    words = item_key(_BRACKETS.sub(" ", _TITLE_PREFIX.sub("", title))).split()
    if words and len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith(("ss", "us", "is")):
        words[-1] = words[-1][:-1]
    return " ".join(words)


def split_signs(text: str) -> list[str]:
    """A group's signs one by one, split where the source itself separates them."""
    parts = [part.strip() for part in _SEPARATORS.split(text) if part.strip(" .")]
    # "rash; hives." is "rash" and "hives"; a sentence on its own keeps its full stop.
    return [part.rstrip(" .") for part in parts] if len(parts) > 1 else parts


def entries(drugs: list[Drug], language=None) -> list[Entry]:
    """The combined page's entries: the emergency tier, serious warnings, symptom groups, untitled signs,
    their own titles ("Other signs") in ``language`` (the records are in it already).

    Within warnings and within groups, those more drugs share come first (they matter whichever
    medicine caused them), then in the order the drugs list them."""
    names = [printed_name(d.name) for d in drugs]
    warnings: dict[str, Entry] = {}
    groups: dict[str, Entry] = {}
    other = words(language, OTHER_SIGNS)
    loose = Entry(other, [], [], untitled=True)  # every sign no group holds, split by drugs below
    emergency = Entry(words(language, EMERGENCY_SIGNS), [], [], emergency=True)
    keys: dict[int, dict[str, Sign]] = {}  # per entry, its signs by their key
    for drug, name in zip(drugs, names):
        for item in emergency_signs(drug):
            _merge_signs(emergency, [_whole(item)], name, keys.setdefault(id(emergency), {}))
            _add(emergency.drugs, name)
        for item in drug.record.serious_warnings:
            entry = warnings.setdefault(item_key(f"{item.title or ''} {item.text}"),
                                        Entry(item.title, [Sign(item.text, [])], [], warning=True))
            _add(entry.drugs, name)
            _add(entry.signs[0].drugs, name)
        for item in drug.record.urgent_signs:
            if item.title and split_signs(item.text):
                entry = groups.setdefault(group_key(item.title) or item_key(item.title), Entry(item.title, [], []))
                _add(entry.titles, item.title)
            else:
                entry = loose
            _merge_signs(entry, _signs_of(item), name, keys.setdefault(id(entry), {}))
            _add(entry.drugs, name)
    for entry in groups.values():
        entry.title = min(entry.titles, key=len)  # "Allergic reaction" over "Signs of an allergic reaction"
    ordered = [emergency] if emergency.signs else []
    ordered += _by_sharing(list(warnings.values())) + _by_sharing(list(groups.values()))
    ordered += _by_sharing(_by_drugs(loose, other))
    for number, entry in enumerate(ordered):
        entry.shared = len(entry.drugs) == len(names)
        entry.number = number
    return ordered


def _by_drugs(loose: Entry, title: str) -> list[Entry]:
    """The signs no group holds, one entry per set of drugs: each entry names its drugs once, and
    is never longer than the list one drug's handout holds on its page, so it never breaks."""
    runs: dict[tuple[str, ...], Entry] = {}
    for sign in loose.signs:
        run = runs.setdefault(tuple(sign.drugs), Entry(title, [], list(sign.drugs), untitled=True))
        run.signs.append(sign)
    return list(runs.values())


def emergency_signs(drug: Drug) -> list:
    """The drug's emergency tier ("get emergency help right away if ..."), which records read from
    FDA Medication Guides have; a record from before that tier has none."""
    return list(getattr(drug.record, "emergency_signs", None) or [])


def _add(names: list[str], name: str) -> None:
    if name not in names:
        names.append(name)


def _merge_signs(entry: Entry, texts: list[str], drug: str, keys: dict[str, Sign]) -> None:
    for text in texts:
        sign = keys.get(item_key(text))
        if sign is None:
            sign = keys[item_key(text)] = Sign(text, [])
            entry.signs.append(sign)
        _add(sign.drugs, drug)


def _signs_of(item) -> list[str]:
    """A group's signs one by one; a sign with no group title is a sentence, kept whole."""
    if item.title and split_signs(item.text):
        return split_signs(item.text)
    return [_whole(item)]


def _whole(item) -> str:
    return f"{item.title}: {item.text}" if item.title else item.text


def _by_sharing(found: list[Entry]) -> list[Entry]:
    return sorted(found, key=lambda e: -len(e.drugs))  # sorted() is stable: ties keep their order


def every_sign(drug: Drug) -> list[str]:
    """Each emergency sign, whole serious warning and single urgent sign of a drug, as the combined
    page prints it."""
    record = drug.record
    return ([_whole(item) for item in emergency_signs(drug)] + [w.text for w in record.serious_warnings]
            + [s for item in record.urgent_signs for s in _signs_of(item)])
