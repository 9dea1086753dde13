"""Make a handout fill exactly one page: lay out, measure, cut, then give back.

Layout passes are the cost that matters, so the fitter works from measured heights. The
first layout has everything at full size and measures every item that may be left out, every
paragraph's words and every list set in columns. If it does not fit, a model of the page
sets it again at any type size and with any items left out: each paragraph's words are
broken into lines again at that size, and each list's columns are balanced again from its
items, the way WeasyPrint balances them. The model chooses the largest type at which the
content that is never cut fits, at most full size, and then gives back whole items in
priority order while it says they fit (see ``rules.cuts.priorities``). Each choice is checked by
a real layout, which also corrects the model: one that overflows chooses again, one that fits
with a body line or more empty while something is left out gives back more (twice at most),
and a give back that overflows leaves the last layout that fitted standing. A give back starts
from the fitted page's own cuts (nothing it kept is cut again). The model counts the "not on
this page" note's lines from the words the page prints (``rules.cuts.note_length``) and drops a
group's heading with its last item. The drug's cut policy comes in worked out once, as plain data
(``rules.cuts.Priorities``): the fitter never asks the planner again.

Urgent content and the must-keep reminders are never cut: if they alone cannot fit at the
smallest type, the drug fails with the overflow.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

from weasyprint import Document
from weasyprint.formatting_structure.boxes import LineBox, TextBox
from weasyprint.text.line_break import create_layout, line_size

from ..errors import BuildError
from ..page.templating import BODY_PT, MIN_SCALE
from ..rules import cuts as cut_rules
from ..rules.cuts import Cuts, Priorities
from . import boxes

# Aim a little under the page so rounding and line breaks do not push one line over.
SAFETY = 0.995
# How content height grows with type size. Wrapped paragraphs grow with its square
# (taller and more lines), one-line items only linearly; handouts are a mix.
GROWTH = 1.5
MAX_PASSES = 8
# Give backs after the first layout that fits: each costs a pass, for content a page left out.
GIVE_BACKS = 2
# Words are measured one by one, and a line holds a little more or less than their sum: a
# paragraph is broken as if its type were this much larger, so that a line the estimate
# only just fits counts as the line it may become (an overflow costs a layout pass).
WIDTH_ERROR = 0.005
# The target of a give back at the type of the layout that fitted: only items change there, and
# the model, just corrected on that very layout, is right to a pixel or two (bench/README.md).
SAME_TYPE_SAFETY = 0.998
# The target, as a share of the page, after each layout that overflowed.
OVERFLOWED_SAFETY = 0.985
# How far below the type the never-cut content needs the fitter may go to keep other content:
# one point of body type. Past that, content is left out before the type shrinks further.
CONTENT_ALLOWANCE = 1.0 / 12
PT_PER_PX = 0.75
MM_PER_PX = 25.4 / 96
LINE_HEIGHT = 1.25  # styles/handout.css: html line-height
NOTE_RULE = 4.0  # px of the note's rule and the space under it (styles/handout.css: .dropped)
LINE_FILL = 0.93  # how full a wrapped line is, where a paragraph has one line to tell


@dataclass
class Fitted:
    document: Document
    html: str
    cuts: Cuts
    passes: int
    empty: float = 0.0  # px of the page left empty above the footer

    @property
    def empty_pt(self) -> float:
        return self.empty * PT_PER_PX


@dataclass(frozen=True)
class Paragraph:
    """One wrapped block of the flow as a layout set it."""

    width: float  # px of its lines' box
    line: float  # px per line
    lines: int
    weight: float  # the share of its height the page gets: 1/n in one of n balanced columns
    pieces: tuple[tuple[TextBox, ...], ...]  # its text, line by line, as the layout set it
    owner: str = ""  # id of the list item it is in, if any
    marker: bool = False  # a list item's bullet, beside its first line
    within: frozenset[str] = frozenset()  # ids of the elements it is in, its own included
    # px between its box and the page's (or its column's) edges, all in units of the type but
    # a brand's borders: at a smaller type its lines are that much wider
    indent: float = 0.0
    hang: float = 0.0  # px the first line may run wider (a negative text-indent, in units of the type)

    @cached_property
    def words(self) -> tuple[tuple[float, float], ...]:
        """(px of the space before, px of the word): measured only for a page that needs fitting."""
        return _words(self.pieces)

    def lines_at(self, scale: float) -> int:
        """Lines at ``scale`` times the measured type: the measured lines plus what re-breaking
        its words at that size gains or loses (the difference, so a break the estimate of
        character widths gets wrong at the measured size is not counted twice)."""
        if self.lines == 1 and scale <= 1.0 or not self.words:
            return self.lines
        width = self.width + self.indent * (1.0 - scale)
        wide = scale * (1 + WIDTH_ERROR)
        return max(1, self.lines + _break_lines(self.words, width, wide, self.hang * scale) - self.rebroken)

    @cached_property
    def rebroken(self) -> int:
        """The lines its words fill when broken again at the measured size."""
        return _break_lines(self.words, self.width, 1.0, self.hang)


@dataclass
class Measure:
    """What a layout tells the fitter: pages, space needed and space there is, and box heights."""

    pages: int
    needed: float  # px of content over all pages, footer included
    available: float  # px of content area on one page
    heights: dict[str, float]  # element id -> px
    lists: dict[str, str] = field(default_factory=dict)  # list item id -> id of its list, in page order
    lines: list[Paragraph] = field(default_factory=list)  # each paragraph of the flow
    text: tuple[int, float] = (0, 0.0)  # characters of the flow's text and their px of width
    width: float = 0.0  # px of the flow's widest line
    # list item id -> (lines, px per line) of each of its paragraphs: where its list's columns may break
    rows: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    labels: dict[str, float] = field(default_factory=dict)  # list id -> px of the heading over it
    split: frozenset[str] = frozenset()  # ids of elements laid out over more than one page
    columns: dict[str, int] = field(default_factory=dict)  # list id -> the columns it is set in

    @property
    def overflow(self) -> float:
        return max(0.0, self.needed - self.available)

    @property
    def fits(self) -> bool:
        # The footer is placed at the foot of the page, out of the flow: a page that holds
        # the content but not the footer too would print one over the other.
        return self.pages == 1 and self.needed <= self.available + 0.5

    def saving(self, item_id: str) -> float:
        """Height saved by leaving out one item of a list, which may be set in columns.

        A list in two columns shrinks by about half of an item's height, so the saving
        is the item's height times the ratio of the list's height to its items' sum.
        """
        if "-" not in item_id:
            return self.heights.get(item_id, 0.0)
        prefix = item_id.split("-")[0] + "-"
        items = [v for k, v in self.heights.items() if k.startswith(prefix) and k[len(prefix):].isdigit()]
        lists = [v for k, v in self.heights.items() if k.startswith(prefix) and cut_rules.is_list(k)]
        ratio = (sum(lists) or sum(items)) / sum(items) if items and sum(items) else 1.0
        return self.heights.get(item_id, 0.0) * ratio


Layout = Callable[[Cuts], tuple[Document, str]]

# Sections that vanish, heading and all, when every item in them is left out.
_SECTIONS = cut_rules.SECTIONS
# Items in the footer, which keeps its size whatever the type scale.
_FIXED = cut_rules.FOOTER_ITEM


@dataclass
class _Model:
    """The page's content height predicted for any scale and set of omitted items.

    Heights are kept at full size. Lists are set again item by item; the rest of the flow
    scales with the type, its paragraphs gaining or losing whole lines; the footer is a fixed
    size and does not. The correction factor ``k`` is what the last real layout said of the
    prediction."""

    flow: float  # px of everything in the flow at full size, no note
    fixed: float  # px of the footer, at any type size
    savings: dict[str, float]  # px saved by leaving out each item (at full size, for the flow)
    sections: dict[str, float]  # full-size px of each section's heading and spacing
    note: float  # full-size px of the "not on this page" note
    available: float
    lists: dict[str, tuple[list[tuple[str, float]], float]] = field(default_factory=dict)
    footer_text: float = 0.0  # px of the footer's text column
    qr: float = 0.0  # px of the QR code beside it
    k: float = 1.0
    low: float = 1.0  # the smallest type the last choice allowed
    growth: float = GROWTH
    paragraphs: list[Paragraph] = field(default_factory=list)  # Measure.lines at full size
    owned: dict[str, list[Paragraph]] = field(default_factory=dict)  # list item id -> its paragraphs
    counts: dict[str, int] = field(default_factory=dict)  # Measure.columns
    # What depends on the scale only, by scale: the page's text is fixed.
    changes: dict[float, list[tuple[frozenset[str], float]]] = field(default_factory=dict)
    items: dict[float, tuple[dict, dict]] = field(default_factory=dict)
    # The "not on this page" note is as long as what it names: its characters for a set left out,
    # at the flow's px per character, in lines of the flow's width.
    note_chars: Callable[[frozenset[str]], int] | None = None
    px_per_char: float = 0.0
    width: float = 0.0
    rows: dict[str, list[tuple[int, float]]] = field(default_factory=dict)  # Measure.rows
    labels: dict[str, float] = field(default_factory=dict)  # Measure.labels
    split: frozenset[str] = frozenset()  # Measure.split
    at: float = 1.0  # the type scale the note's lines are counted at: the last one chosen

    def _note(self, omitted: frozenset[str]) -> float:
        if self.note_chars is None or self.px_per_char <= 0 or self.width <= 0:
            return self.note
        lines = max(1, math.ceil(self.note_chars(omitted) * self.px_per_char * self.at / (self.width * LINE_FILL)))
        return lines * _line(Cuts()) + NOTE_RULE

    def _changes(self, scale: float) -> list[tuple[frozenset[str], float]]:
        """What each paragraph outside the modelled lists gains or loses at ``scale`` in whole
        lines, in full-size px, with the ids of the elements it is in (it goes with them)."""
        if scale not in self.changes:
            self.changes[scale] = [(p.within, p.weight * p.line * (p.lines_at(scale) - p.lines))
                                   for p in self.paragraphs if p.owner not in self.owned]
        return self.changes[scale]

    def _items_at(self, scale: float) -> tuple[dict[str, float], dict[str, tuple[int, float]]]:
        """Each list item's height at ``scale``, its own paragraphs broken again at that size,
        and a reminder's (lines, px per line) there, for balancing its list's columns."""
        if scale not in self.items:
            heights, rows = {}, {}
            for items, _ in self.lists.values():
                for item, height in items:
                    paragraphs = self.owned.get(item, ())
                    text = sum(p.line * p.lines for p in paragraphs)
                    heights[item] = scale * (height - text + sum(p.line * p.lines_at(scale) for p in paragraphs))
                    rows[item] = [(p.lines_at(scale), p.line * scale) for p in paragraphs if not p.marker]
            self.items[scale] = (heights, rows)
        return self.items[scale]

    def _parts(self, omitted: frozenset[str], scale: float = 1.0) -> tuple[float, float, float]:
        """(px of the flow outside the modelled lists at full size, px of those lists at
        ``scale``, fixed px) with ``omitted`` left out.

        A list is set again at this size: its items' heights there, balanced in its columns, in
        proportion to how the measured layout balanced them all (except in a list that layout
        broke over two pages, not balanced as one: its items are what tells its height)."""
        flow, fixed, set_lists = self.flow, self.fixed, 0.0
        in_lists = set()
        gone = {section for prefix, section in _SECTIONS.items() if section in self.sections
                and all(i in omitted for i in self.savings if i.startswith(prefix))}
        heights, rows = self._items_at(scale)
        for list_id, (items, measured) in self.lists.items():
            flow -= measured
            present = [(i, heights[i]) for i, _ in items if i not in omitted]
            if present:
                count = self.counts.get(list_id, 2)
                height = _columns(present, list_id, rows, count)
                if list_id not in self.split:
                    height *= measured / _columns(items, list_id, self.rows, count)
                set_lists += height
            elif _SECTIONS.get(list_id.split("-")[0] + "-") not in gone:
                flow -= self.labels.get(list_id, 0.0)  # an empty group loses its heading too
            in_lists.update(i for i, _ in items)
        footer_text = self.footer_text
        for item in omitted:
            if item in in_lists:
                continue
            if item.startswith(_FIXED):
                footer_text -= self.savings.get(item, 0.0)
            else:
                flow -= self.savings.get(item, 0.0)
        # The footer is as tall as the taller of its text and the QR code beside it.
        fixed += max(footer_text, self.qr) - max(self.footer_text, self.qr)
        for prefix, section in _SECTIONS.items():
            present = [i for i in self.savings if i.startswith(prefix)]
            if present and all(i in omitted for i in present) and section in self.sections:
                flow -= self.sections[section]
        if omitted:
            flow += self._note(omitted)
        return flow, set_lists, fixed

    def _flow(self, scale: float, omitted: frozenset[str]) -> tuple[float, float]:
        """(px of the flow at ``scale``, before the correction k; fixed px). Outside the lists,
        everything scales with the type, and each paragraph still on the page gains or loses
        the lines its words fill at that size."""
        flow, set_lists, fixed = self._parts(omitted, scale)
        if not self.paragraphs:
            return flow * scale ** self.growth + set_lists, fixed
        gone = omitted | {section for prefix, section in _SECTIONS.items() if section in self.sections
                          and all(i in omitted for i in self.savings if i.startswith(prefix))}
        change = sum(px for within, px in self._changes(scale) if not within & gone)
        return scale * (flow + change) + set_lists, fixed

    def predict(self, scale: float, omitted: frozenset[str]) -> float:
        flow, fixed = self._flow(scale, omitted)
        return self.k * flow + fixed

    def learn(self, cuts: Cuts, measure: Measure) -> None:
        """Correct the model by a real layout."""
        self.at = cuts.scale
        flow, fixed = self._flow(cuts.scale, cuts.omitted)
        if flow > 0 and measure.needed > fixed:
            self.k = (measure.needed - fixed) / flow

    def choose(self, order: list[str], safety: float = 1.0) -> Cuts:
        """Type and content for the page, in the order README "The page" gives.

        The type is the largest (at most full size) at which the never-cut content fits.
        To keep content it may go one point smaller than that (never below the floor):
        at that size, whole items come back in priority order while they fit; then the type
        grows again until those items fill the page."""
        target = self.available * SAFETY * safety
        everything = frozenset(order)
        keep = self._largest_scale(everything, target)
        low = max(MIN_SCALE, keep - CONTENT_ALLOWANCE)
        self.at = self.low = low
        omitted = set(everything)
        for item in reversed(order):  # highest priority first
            trial = frozenset(omitted - {item})
            if self.predict(low, trial) <= target:
                omitted = set(trial)
        scale = max(low, self._largest_scale(frozenset(omitted), target))
        scale = _rounded(scale)
        return Cuts(scale=scale, omitted=frozenset(omitted))

    def give_back(self, had: Cuts, order: list[str], safety: float = 1.0) -> Cuts:
        """After a layout that fitted with room: what it left out comes back, highest priority
        first, at its type size, while the model (just corrected on that very layout) says it
        fits; then the type grows to fill what is left. Nothing it kept is cut. When nothing
        comes back at that size, it may at the smallest type ``choose`` allowed."""
        omitted = set(had.omitted)
        for at in (had.scale, min(had.scale, self.low)):
            self.at = at
            target = self.available * (SAME_TYPE_SAFETY if at == had.scale else SAFETY) * safety
            for item in reversed(order):
                if item in omitted and self.predict(at, frozenset(omitted - {item})) <= target:
                    omitted.discard(item)
            if omitted != had.omitted:
                break
        # Larger type breaks lines anew: it keeps the margin for that.
        scale = max(at, self._largest_scale(frozenset(omitted), self.available * SAFETY * safety))
        scale = _rounded(scale)
        return Cuts(scale=scale, omitted=frozenset(omitted))

    def _largest_scale(self, omitted: frozenset[str], target: float) -> float:
        if self.predict(1.0, omitted) <= target:
            return 1.0
        if self.predict(MIN_SCALE, omitted) > target:
            return MIN_SCALE
        low, high = MIN_SCALE, 1.0  # the height has steps: the largest scale at which it fits
        for _ in range(20):
            mid = (low + high) / 2
            low, high = (mid, high) if self.predict(mid, omitted) <= target else (low, mid)
        return low


def fit(layout: Layout, policy: Priorities) -> Fitted:
    """The page laid out to fill one page, cutting by ``policy`` (the drug's, worked out once)."""
    document, html = layout(Cuts())
    first = (document, html, measure_layout(document))
    lengths: dict[frozenset[str], int] = {}

    def note(omitted: frozenset[str]) -> int:
        # The note the page prints names what is left out: as long as its words in the page's language.
        if omitted not in lengths:
            lengths[omitted] = cut_rules.note_length(Cuts(omitted=omitted), policy)
        return lengths[omitted]

    try:
        return _fit(layout, policy.order, first, note)
    except _Overflow as overflow:
        if not policy.last_resort:
            raise BuildError(str(overflow)) from None
    # Must-keep reminders may go too, named on the page, rather than no handout at all.
    try:
        return _fit(layout, policy.order + policy.last_resort, first, note)
    except _Overflow as overflow:
        raise BuildError(str(overflow)) from None


@dataclass(frozen=True)
class Trial:
    """One item a page left out, laid out given back: how far it overflows (px, <= 0: it fits)."""

    item: str
    overflow: float

    @property
    def fits(self) -> bool:
        return self.overflow <= 0.0


def left_out_trials(layout: Layout, policy: Priorities, cuts: Cuts) -> list[Trial]:
    """Whether the room a fitted page left could hold anything it left out, told by real layouts
    rather than the model: each item left out, highest priority first, given back at the page's
    type with every item it outranks left out too (it would take their place). One layout each."""
    order = policy.order + policy.last_resort
    trials = []
    for rank in reversed(range(len(order))):
        item = order[rank]
        if item not in cuts.omitted:
            continue
        omitted = (cuts.omitted - {item}) | frozenset(order[:rank])
        measure = measure_layout(layout(replace(cuts, omitted=omitted))[0])
        over = measure.needed - measure.available
        trials.append(Trial(item, over if measure.pages == 1 else max(over, 1.0)))
    return trials


class _Overflow(Exception):
    """Everything the fitter may leave out is out, at the smallest type, and the page still overflows."""


def _fit(layout: Layout, order: list[str], first: tuple[Document, str, Measure],
         note: Callable[[frozenset[str]], int] | None = None) -> Fitted:
    """Fit from the first layout (everything at full size); ``order`` is what may go, first to go first.

    Each layout corrects the model. Until one fits, the model chooses afresh (from the second
    overflow on, aiming a little lower each time); once one fits, it is final if nothing is left out or less than
    a body line is empty, else the model gives back what it says fits, and a give back that
    overflows leaves the last fitting layout standing while the model, corrected by it, tries
    a smaller one. A choice already laid out is never laid out again."""
    document, html, measure = first
    if measure.fits:
        return Fitted(document, html, Cuts(), 1, measure.available - measure.needed)
    model = _model(measure, order, note)
    best: Fitted | None = None
    tried = {Cuts()}
    cuts, passes, overflowed, gave = Cuts(), 1, 0, 0
    while True:
        if best is not None:
            if not best.cuts.omitted or best.empty < _line(best.cuts) or gave >= GIVE_BACKS:
                return best
            wanted = model.give_back(best.cuts, order)
            # Larger type alone is worth a pass only where it would fill the page.
            filled = model.available - model.predict(wanted.scale, wanted.omitted) < _line(wanted)
            if wanted in tried or not _more(wanted, best.cuts) or wanted.omitted == best.cuts.omitted and not filled:
                return best
            gave += 1
        else:
            wanted = model.choose(order, OVERFLOWED_SAFETY ** max(0, overflowed - 1))
            if wanted in tried:  # the model would lay out what overflowed already
                wanted = _less(cuts, order, tried)
                if wanted is None:
                    over = measure.overflow
                    raise _Overflow(
                        "the urgent warnings alone do not fit on one page at the smallest type; "
                        f"they overflow by {over * MM_PER_PX:.0f} mm ({over * PT_PER_PX:.0f} pt)"
                    )
        if passes >= MAX_PASSES:
            if best is not None:
                return best
            raise BuildError(f"could not fit one page in {MAX_PASSES} layout passes")
        cuts = wanted
        tried.add(cuts)
        document, html = layout(cuts)
        passes += 1
        measure = measure_layout(document)
        model.learn(cuts, measure)
        if measure.fits:
            best = Fitted(document, html, cuts, passes, measure.available - measure.needed)
        elif best is None:
            overflowed += 1
        if best is not None:
            best.passes = passes


def _rounded(scale: float) -> float:
    """The scale to lay out, in steps of 1/10,000, rounded down: a paragraph gains a line at a
    precise size, and rounding up can cross it."""
    return MIN_SCALE if scale < MIN_SCALE + 1e-3 else math.floor(scale * 10_000) / 10_000


def _line(cuts: Cuts) -> float:
    """One body line, in px, at the type scale of ``cuts``."""
    return BODY_PT * cuts.scale * LINE_HEIGHT / PT_PER_PX


def _model(measure: Measure, order: list[str], note: Callable[[frozenset[str]], int] | None = None) -> _Model:
    savings = {i: measure.saving(i) for i in order}
    sections = {}
    for prefix, section in _SECTIONS.items():
        every = [k for k in measure.heights if k.startswith(prefix) and k[len(prefix):].isdigit()]
        # Only a section whose every item may go can vanish, heading and all.
        if section in measure.heights and every and all(k in savings for k in every):
            sections[section] = max(0.0, measure.heights[section] - sum(savings[k] for k in every))
    fixed = measure.heights.get(cut_rules.FOOTER, 0.0)
    lists: dict[str, tuple[list[tuple[str, float]], float]] = {}
    for item, list_id in measure.lists.items():
        if list_id in measure.heights and item in measure.heights:
            lists.setdefault(list_id, ([], measure.heights[list_id]))[0].append((item, measure.heights[item]))
    # Lists whose items the fitter may cut, and lists set in columns, whose balance changes with
    # the type: each is set again from its items.
    lists = {k: v for k, v in lists.items()
             if (any(i in savings for i, _ in v[0]) or measure.columns.get(k, 1) > 1)
             and _columns(v[0], k, count=measure.columns.get(k, 2)) > 0}
    in_lists = {i for items, _ in lists.values() for i, _ in items}
    owned: dict[str, list[Paragraph]] = {}
    for paragraph in measure.lines:
        if paragraph.owner in in_lists:
            owned.setdefault(paragraph.owner, []).append(paragraph)
    # The "not on this page" note: a line or two.
    return _Model(measure.needed - fixed, fixed, savings, sections, 1.6 * _line(Cuts()), measure.available, lists,
                  measure.heights.get(cut_rules.FOOTER_TEXT, 0.0), measure.heights.get(cut_rules.QR, 0.0),
                  paragraphs=measure.lines, owned=owned, counts=measure.columns, note_chars=note, rows=measure.rows, labels=measure.labels,
                  split=measure.split,
                  px_per_char=measure.text[1] / measure.text[0] if measure.text[0] else 0.0, width=measure.width)


def _columns(items: list[tuple[str, float]], list_id: str,
             rows: dict[str, list[tuple[int, float]]] | None = None, count: int = 2) -> float:
    """Height of a list of items of these heights in ``count`` balanced columns, balanced as
    WeasyPrint balances them (layout/column.py): from the average column height, grown by the
    least space the next piece of a column lacked, until all fits. Side effects and signs are
    kept whole; a reminder may break between its paragraphs or lines, two lines at least on
    either side (styles/handout.css), so ``rows`` gives each reminder's (lines, px per line)."""
    if not items:
        return 0.0
    breakable = list_id.startswith("rm-")
    pieces = []
    for item, height in items:
        segments = (rows or {}).get(item, []) if breakable else []
        margin = max(0.0, height - sum(n * line for n, line in segments)) if segments else 0.0
        pieces.append((height, margin, segments))
    total = sum(h for h, _, _ in pieces) - pieces[-1][1]
    if count < 2:
        return total
    height = total / count
    for _ in range(200):
        used, lost = _fill_columns(pieces, height, count)
        if used is not None:
            return used
        height += 1.0 if lost == math.inf else lost
        if height >= total:
            return total
    return total


def _fill_columns(pieces: list[tuple[float, float, list[tuple[int, float]]]], height: float,
                  count: int) -> tuple[float | None, float]:
    """Fill ``count`` columns ``height`` px tall in order: (the tallest column, or None if the
    pieces do not all fit; the least space a column lacked for its next piece)."""
    index, rest = 0, None  # rest: the lines of a reminder left over from the column before
    tallest, lost = 0.0, math.inf
    for _ in range(count):
        y, margin = 0.0, 0.0
        while index < len(pieces):
            whole, margin_below, segments = pieces[index]
            segments = rest if rest is not None else segments
            need = sum(n * line for n, line in segments) + margin_below if rest is not None else whole
            if y + need - margin_below <= height + 0.01:
                y, margin, index, rest = y + need, margin_below, index + 1, None
                continue
            placed, left = _split_lines(segments, height - y)
            if placed:
                y, margin, rest = y + placed, 0.0, left
                need = sum(n * line for n, line in left) + margin_below
            if y == 0.0:  # nothing fits: it goes in anyway, as in a column of its own
                y, margin, index, rest = need, margin_below, index + 1, None
                continue
            if need - (height - y) > 1:
                lost = min(lost, need - (height - y))
            break
        tallest = max(tallest, y - margin)
        if index >= len(pieces):
            return tallest, lost
    return None, lost


def _split_lines(segments: list[tuple[int, float]], room: float) -> tuple[float, list[tuple[int, float]]]:
    """How much of a reminder fits in ``room`` px, broken between paragraphs or lines with two
    lines at least on either side: (px placed, the paragraphs left)."""
    placed = 0.0
    for k, (n, line) in enumerate(segments):
        if placed + n * line <= room + 0.01:
            placed += n * line
            continue
        fit_lines = int((room - placed + 0.01) // line) if line > 0 else 0
        fit_lines = min(fit_lines, n - 2)
        if fit_lines >= 2:
            return placed + fit_lines * line, [(n - fit_lines, line)] + segments[k + 1:]
        return placed, segments[k:] if placed else segments
    return placed, []


def _more(wanted: Cuts, had: Cuts) -> bool:
    """Whether ``wanted`` gives back something ``had`` left out, and cuts nothing more. (Type a
    shade larger alone is not worth a layout pass.)"""
    return wanted.omitted < had.omitted or (wanted.omitted <= had.omitted and wanted.scale > had.scale + 0.004)


def _less(cuts: Cuts, order: list[str], tried: set[Cuts]) -> Cuts | None:
    """One step smaller than ``cuts`` when the model would lay out what was tried already: the
    next item in the cut order, else a smaller type; None when nothing is left to take."""
    while True:
        item = next((i for i in order if i not in cuts.omitted), None)
        if item is not None:
            cuts = replace(cuts, omitted=cuts.omitted | {item})
        elif cuts.scale > MIN_SCALE + 1e-9:
            cuts = replace(cuts, scale=max(MIN_SCALE, cuts.scale - 0.02))
        else:
            return None
        if cuts not in tried:
            return cuts


def measure_layout(document: Document) -> Measure:
    heights: dict[str, float] = {}
    lists: dict[str, str] = {}
    columns: dict[str, int] = {}
    paragraphs: list = []
    labels: dict[str, float] = {}
    on_page: list[set[str]] = []
    text = [0, 0.0, 0.0]  # characters, their px, the widest line's px
    needed = 0.0
    available = 0.0
    for page in document.pages:
        available = boxes.page_box(page).height
        for root in boxes.roots(page):
            needed += _flow_height(root)
            page_heights: dict[str, float] = {}
            _collect_heights(root, page_heights, lists, columns)
            for key, value in page_heights.items():
                heights[key] = heights.get(key, 0.0) + value
            on_page.append(set(page_heights))
            main = boxes.find(root, "main")
            if main is not None:
                _collect_lines(main, paragraphs, text)
            if main is not None:
                _collect_labels(main, labels)
    rows: dict[str, list[tuple[int, float]]] = {}
    for paragraph in paragraphs:
        if paragraph.owner and not paragraph.marker:
            rows.setdefault(paragraph.owner, []).append((paragraph.lines, paragraph.line))
    split = frozenset(i for i in heights if sum(i in page for page in on_page) > 1)
    return Measure(len(document.pages), needed, available, heights, lists, paragraphs, (text[0], text[1]), text[2], rows,
                   labels, split, columns)


def _collect_labels(box, labels: dict[str, float]) -> None:
    """The heading over each list that has one (a group of side effects): it goes with its
    list's last item."""
    before = None
    for child in getattr(box, "children", ()):
        element = getattr(child, "element", None)
        element_id = element.get("id") if element is not None else None
        if element_id and cut_rules.is_list(element_id) and before is not None:
            labels[element_id] = labels.get(element_id, 0.0) + before.margin_height()
        before = child if getattr(child, "element_tag", None) in ("h3", "h4") and not element_id else None
        _collect_labels(child, labels)


def _collect_lines(box, out: list, text: list, weight: float = 1.0, owner: str = "",
                   current_list: str | None = None, outer: float | None = None,
                   within: frozenset[str] = frozenset()) -> None:
    """The wrapped text of the flow, paragraph by paragraph: what decides how its height
    changes with the type, since a paragraph gains or loses whole lines as its text grows.
    A paragraph in one of n balanced columns adds about 1/n of its height to the page."""
    count = _column_count(box)
    outer = box.width if outer is None else outer
    if count > 1:
        gap = box.style["column_gap"]  # "normal" is 1em (WeasyPrint's layout/column.py)
        gap = box.style["font_size"] if gap == "normal" else gap.value if getattr(gap, "unit", None) == "px" else 0.0
        weight, outer = weight / count, (outer - (count - 1) * gap) / count
    key = _key(box, current_list) if getattr(box, "element", None) is not None else None
    if key and cut_rules.is_list(key):
        current_list = key
    elif key and cut_rules.is_item(key):
        owner = key
    if key:
        within = within | {key}
    children = getattr(box, "children", ())
    rows = [c for c in children if isinstance(c, LineBox)]
    if rows and box.width > 0:
        out.append(Paragraph(box.width, sum(r.margin_height() for r in rows) / len(rows), len(rows), weight,
                             tuple(tuple(_texts(row)) for row in rows), owner,
                             str(getattr(box, "element_tag", "")).endswith("::marker"), within,
                             max(0.0, outer - box.width), _hang(box)))
        for row in rows:
            for piece in _texts(row):
                text[0] += len(piece.text)
                text[1] += piece.width
        text[2] = max(text[2], box.width)
        return
    for child in children:
        _collect_lines(child, out, text, weight, owner, current_list, outer, within)


def _hang(box) -> float:
    """px a paragraph's first line runs wider than the rest: a negative text-indent (the urgent
    signs hang their bullets so)."""
    indent = box.style["text_indent"]
    return -indent.value if getattr(indent, "unit", None) == "px" and indent.value < 0 else 0.0


def _words(rows: tuple[tuple[TextBox, ...], ...]) -> tuple[tuple[float, float], ...]:
    """A paragraph's words as (px of the space before, px of the word); a line break stands
    where a space was. Each word is shaped in its own font, as the browser shapes it, so
    that breaking the lines again at another size breaks them where the browser would."""
    words: list[list[float]] = []
    widths = _WordWidths()
    for row in rows:
        gap = bool(words)
        for piece in row:
            if not piece.text:
                continue
            if piece.style["white_space"] in ("nowrap", "pre"):  # "(about 3 in 10 people)" stays one piece
                chunks, shaped = [piece.text], [piece.width]
            else:
                chunks = piece.text.split(" ")
                shaped = [widths(piece, chunk) for chunk in chunks]
            space = widths(piece, " ")
            for i, (chunk, width) in enumerate(zip(chunks, shaped)):
                gap = gap or i > 0
                if not chunk:
                    continue
                if gap or not words:
                    words.append([space if gap else 0.0, width])
                else:  # a piece that starts mid-word: a bold title's colon, a span
                    words[-1][1] += width
                gap = False
    return tuple((space, word) for space, word in words)


class _WordWidths:
    """The width of a word in a text box's font. WeasyPrint's own text layout shapes it (an
    internal API: where it is missing, a word's share of its box's width stands in)."""

    def __init__(self) -> None:
        self.layouts: dict[int, object] = {}

    def __call__(self, piece: TextBox, word: str) -> float:
        if not word:
            return 0.0
        try:
            layout = self.layouts.get(id(piece.style))
            if layout is None:
                layout = self.layouts[id(piece.style)] = create_layout(word, piece.style, None, None, 0)
            else:
                layout.set_text(word)
            return line_size(layout.get_first_line()[0], piece.style)[0]
        except Exception:  # noqa: BLE001 - an internal API that changed: estimate instead
            return piece.width * len(word) / len(piece.text)


def _break_lines(words: tuple[tuple[float, float], ...], width: float, scale: float, hang: float = 0.0) -> int:
    """Lines these words fill at ``scale``, broken as the browser breaks them: first fit, a word
    wider than the line broken anywhere (styles/handout.css: overflow-wrap)."""
    lines, x, line_width = 1, None, width + hang
    for space, word in words:
        space, word = space * scale, word * scale
        if x is None:
            x = word
        elif x + space + word <= line_width + 0.01:
            x += space + word
        else:
            lines, x, line_width = lines + 1, word, width
        if x > line_width + 0.01:
            extra = math.ceil(x / width - 1e-6) - 1
            lines, x, line_width = lines + extra, x - extra * width, width
    return lines


def _texts(box):
    if isinstance(box, TextBox):
        yield box
    for child in getattr(box, "children", ()):
        yield from _texts(child)


def _flow_height(root) -> float:
    """Height of the content on one page: the parts of <main> and the footer, not the page's
    filled height, which would count the gap a page break leaves (or the room above the
    footer) as content."""
    main = boxes.find(root, "main")
    if main is None:
        return root.margin_height()
    footer = boxes.find(root, "footer")
    return sum(child.margin_height() for child in getattr(main, "children", ())) + (
        footer.margin_height() if footer is not None else 0.0)


def _collect_heights(box, heights: dict[str, float], lists: dict[str, str], columns: dict[str, int],
                     parent_element=None, current_list: str | None = None) -> None:
    """Height of each element the fitter knows (``_key``), from its outermost box on each page,
    the list each list item is in and the columns each list is set in.

    Line boxes and other inner boxes share their parent's element; counting them
    too would double the height.
    """
    element = getattr(box, "element", None)
    if element is not None and element is not parent_element:
        key = _key(box, current_list)
        if key:
            heights[key] = heights.get(key, 0.0) + box.margin_height()
            if cut_rules.is_list(key):
                current_list = key
                columns[key] = _column_count(box)
            elif current_list and cut_rules.is_item(key):
                lists.setdefault(key, current_list)
    for child in getattr(box, "children", ()):
        _collect_heights(child, heights, lists, columns, element, current_list)


def _key(box, current_list: str | None) -> str | None:
    """What the fitter calls an element: its id. A list set in columns without one (a group of
    urgent signs) and its items are named after the element, for the layout at hand only:
    they are never cut, only set again at another size."""
    element = box.element
    if element.get("id"):
        return element.get("id")
    if _column_count(box) > 1:
        return f"cols{id(element)}{cut_rules.LIST}"
    if current_list and current_list.startswith("cols") and getattr(box, "element_tag", None) == "li":
        return f"cols{id(element)}-0"
    return None


def _column_count(box) -> int:
    style = getattr(box, "style", None)
    count = style["column_count"] if style is not None else "auto"
    return count if isinstance(count, int) else 1
