"""Make a handout fill exactly one page: lay out, measure, cut, then give back.

Layout passes are the cost that matters, so the fitter works from measured heights. The
first layout has everything at full size and measures every item that may be left out. If
it does not fit, a model of the page (the measured heights, scaled with the type and
corrected by each real layout) chooses the largest type at which the content that is never
cut fits, at most full size, and then gives back whole items in priority order while the
model says they fit (see ``handout.cut_order``). Each choice is checked by a real layout:
one that overflows cuts more, one that fits with room for more gives back more, and a give
back that overflows falls back to the last layout that fitted, at no extra pass. A give back
starts from the fitted page's own cuts (nothing it kept is cut again). The model counts the
"not on this page" note's lines from its text, drops a group's heading with its last item,
balances reminders in columns at their line breaks, and does not trust the balance of a list
the first (overflowing) layout broke over two pages.

Urgent content and the must-keep reminders are never cut: if they alone cannot fit at the
smallest type, the drug fails with the overflow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Callable

from weasyprint import Document
from weasyprint.formatting_structure.boxes import LineBox, TextBox

from .errors import BuildError
from .handout import Cuts, cut_order, last_resort
from .html import BODY_PT, MIN_SCALE
from .record import DrugRecord

# Aim a little under the page so rounding and line breaks do not push one line over.
SAFETY = 0.99
# How content height grows with type size. Wrapped paragraphs grow with its square
# (taller and more lines), one-line items only linearly; handouts are a mix.
GROWTH = 1.5
MAX_PASSES = 8
# The target, as a share of the page, after each layout that overflowed.
OVERFLOWED_SAFETY = 0.985
TRIAL_SAFETY = 1.0
# How far below the type the never-cut content needs the fitter may go to keep other content:
# one point of body type. Past that, content is left out before the type shrinks further.
CONTENT_ALLOWANCE = 1.0 / 12
PT_PER_PX = 0.75
MM_PER_PX = 25.4 / 96
LINE_HEIGHT = 1.25  # styles/handout.css: html line-height
NOTE_TEXT = "Not on this page, for room: {}. Ask your care team for them."
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


@dataclass
class Measure:
    """What a layout tells the fitter: pages, space needed and space there is, and box heights."""

    pages: int
    needed: float  # px of content over all pages, footer included
    available: float  # px of content area on one page
    heights: dict[str, float]  # element id -> px
    lists: dict[str, str] = field(default_factory=dict)  # list item id -> id of its list, in page order
    # Each paragraph of the flow: (lines its text fills at this size, px per line, lines, weight)
    lines: list[tuple[float, float, int, float]] = field(default_factory=list)
    text: tuple[int, float] = (0, 0.0)  # characters of the flow's text and their px of width
    width: float = 0.0  # px of the flow's widest line
    rows: dict[str, tuple[int, float]] = field(default_factory=dict)  # element id -> (lines, px per line)
    labels: dict[str, float] = field(default_factory=dict)  # list id -> px of the heading over it
    split: frozenset[str] = frozenset()  # ids of elements laid out over more than one page

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
        lists = [v for k, v in self.heights.items() if k.startswith(prefix + "list")]
        ratio = (sum(lists) or sum(items)) / sum(items) if items and sum(items) else 1.0
        return self.heights.get(item_id, 0.0) * ratio


Layout = Callable[[Cuts], tuple[Document, str]]

# Sections that vanish, heading and all, when every item in them is left out.
_SECTIONS = {"se-": "common", "rm-": "reminders"}
# Items in the footer, which keeps its size whatever the type scale.
_FIXED = "ft-"


@dataclass
class _Model:
    """The page's content height predicted for any scale and set of omitted items.

    Heights are kept at full size. The flow grows with the type, about s ** growth; the
    footer is a fixed size and does not. The correction factor ``k`` is what the last real
    layout said of the prediction."""

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
    growth: float = GROWTH
    seen: list[tuple[float, frozenset[str], float]] = field(default_factory=list)  # (scale, omitted, px)
    paragraphs: list[tuple[float, float, int, float]] = field(default_factory=list)  # Measure.lines at full size
    # The "not on this page" note is as long as what it names: its characters for a set left out,
    # at the flow's px per character, in lines of the flow's width.
    note_chars: Callable[[frozenset[str]], int] | None = None
    px_per_char: float = 0.0
    width: float = 0.0
    rows: dict[str, tuple[int, float]] = field(default_factory=dict)  # Measure.rows
    labels: dict[str, float] = field(default_factory=dict)  # Measure.labels
    split: frozenset[str] = frozenset()  # Measure.split
    at: float = 1.0  # the type scale the note's lines are counted at: the last one chosen

    def _note(self, omitted: frozenset[str]) -> float:
        if self.note_chars is None or self.px_per_char <= 0 or self.width <= 0:
            return self.note
        lines = max(1, math.ceil(self.note_chars(omitted) * self.px_per_char * self.at / (self.width * LINE_FILL)))
        return lines * _line(Cuts()) + NOTE_RULE

    def curve(self, scale: float) -> float:
        """The flow's height at ``scale`` as a share of its full-size height. Each paragraph
        keeps its measured lines, plus or minus the whole lines its text gains or loses at this
        size; line heights and the space between blocks scale with the type."""
        if not self.paragraphs or self.flow <= 0:
            return scale ** self.growth
        in_lines = sum(w * n * h for _, h, n, w in self.paragraphs)
        other = max(0.0, self.flow - in_lines)
        lines = sum(w * h * max(1, n + math.ceil(scale * u - 1e-6) - math.ceil(u - 1e-6))
                    for u, h, n, w in self.paragraphs)
        return scale * (other + lines) / (other + in_lines)

    def _parts(self, omitted: frozenset[str]) -> tuple[float, float]:
        """(flow px at full size, fixed px) with ``omitted`` left out."""
        flow, fixed = self.flow, self.fixed
        in_lists = set()
        gone = {section for prefix, section in _SECTIONS.items() if section in self.sections
                and all(i in omitted for i in self.savings if i.startswith(prefix))}
        for list_id, (items, measured) in self.lists.items():
            present = [(i, h) for i, h in items if i not in omitted]
            if list_id in self.split:
                # A list the first layout broke over two pages was not balanced as one: its items
                # are what tells its height.
                flow -= measured - (_columns(present, list_id, self.rows) if present else 0.0)
            else:
                flow -= measured - (_columns(present, list_id, self.rows) * measured / _columns(items, list_id, self.rows)
                                    if present else 0.0)
            if not present and _SECTIONS.get(list_id.split("-")[0] + "-") not in gone:
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
        return flow, fixed

    def predict(self, scale: float, omitted: frozenset[str]) -> float:
        flow, fixed = self._parts(omitted)
        return self.k * flow * self.curve(scale) + fixed

    def learn(self, cuts: Cuts, measure: Measure) -> None:
        """Correct the model by a real layout; two layouts of the same content at different
        type sizes also say how this page's flow grows with the type."""
        self.at = cuts.scale
        flow, fixed = self._parts(cuts.omitted)
        for scale, omitted, needed in self.seen if not self.paragraphs else ():
            if omitted == cuts.omitted and abs(scale - cuts.scale) > 0.005 and min(needed, measure.needed) > fixed:
                growth = math.log((needed - fixed) / (measure.needed - fixed)) / math.log(scale / cuts.scale)
                self.growth = min(2.5, max(1.0, growth))
        self.seen.append((cuts.scale, cuts.omitted, measure.needed))
        if flow > 0 and measure.needed > fixed:
            self.k = (measure.needed - fixed) / (flow * self.curve(cuts.scale))

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
        self.at = low
        omitted = set(everything)
        for item in reversed(order):  # highest priority first
            trial = frozenset(omitted - {item})
            if self.predict(low, trial) <= target:
                omitted = set(trial)
        scale = max(low, self._largest_scale(frozenset(omitted), target))
        scale = MIN_SCALE if scale < MIN_SCALE + 1e-3 else round(scale, 4)
        return Cuts(scale=scale, omitted=frozenset(omitted))

    def give_back(self, had: Cuts, order: list[str], safety: float = 1.0) -> Cuts:
        """After a layout that fitted with room: what it left out comes back, highest priority
        first, at its type size, while the model (just corrected on that very layout) says it
        fits; then the type grows to fill what is left. Nothing it kept is cut."""
        target = self.available * SAFETY * safety
        self.at = had.scale
        omitted = set(had.omitted)
        for item in reversed(order):
            if item in omitted and self.predict(had.scale, frozenset(omitted - {item})) <= target:
                omitted.discard(item)
        scale = max(had.scale, self._largest_scale(frozenset(omitted), target))
        scale = MIN_SCALE if scale < MIN_SCALE + 1e-3 else round(scale, 4)
        return Cuts(scale=scale, omitted=frozenset(omitted))

    def _largest_scale(self, omitted: frozenset[str], target: float) -> float:
        flow, fixed = self._parts(omitted)
        if self.k * flow + fixed <= target:
            return 1.0
        room = target - fixed
        if room <= 0 or flow <= 0:
            return MIN_SCALE
        if self.k * flow * self.curve(MIN_SCALE) >= room:
            return MIN_SCALE
        low, high = MIN_SCALE, 1.0  # the curve has steps: the largest scale at which it fits
        for _ in range(30):
            mid = (low + high) / 2
            low, high = (mid, high) if self.k * flow * self.curve(mid) <= room else (low, mid)
        return low


def fit(record: DrugRecord, layout: Layout, footer: tuple[str, ...] = ()) -> Fitted:
    order = cut_order(record, footer)
    document, html = layout(Cuts())
    first = (document, html, measure_layout(document))

    def note(omitted: frozenset[str]) -> int:
        # templates/_dropped.html: the note names what is left out
        return len(NOTE_TEXT.format("; ".join(Cuts(omitted=omitted).dropped(record))))

    try:
        return _fit(layout, order, first, note)
    except _Overflow as overflow:
        last = last_resort(record)
        if not last:
            raise BuildError(str(overflow)) from None
    # Must-keep reminders may go too, named on the page, rather than no handout at all.
    try:
        return _fit(layout, order + last, first, note)
    except _Overflow as overflow:
        raise BuildError(str(overflow)) from None


class _Overflow(Exception):
    """Everything the fitter may leave out is out, at the smallest type, and the page still overflows."""


def _fit(layout: Layout, order: list[str], first: tuple[Document, str, Measure],
         note: Callable[[frozenset[str]], int] | None = None) -> Fitted:
    """Fit from the first layout (everything at full size); ``order`` is what may go, first to go first."""
    cuts = Cuts()
    document, html, measure = first
    if measure.fits:
        return Fitted(document, html, cuts, 1, measure.available - measure.needed)
    model = _model(measure, order, note)
    best: Fitted | None = None
    passes, overflowed = 1, 0
    while passes < MAX_PASSES:
        # After a layout that overflowed, aim lower: the model erred once on this page.
        # A give back after a layout that fitted is judged by a model just corrected on this
        # very page: it may aim closer to the edge.
        if best is not None:
            wanted = model.give_back(best.cuts, order, TRIAL_SAFETY)
            # The last layout fitted. It is final when nothing is left out (a page a little too
            # long shrinks once, a touch more than it needs), when less than a line is left,
            # when the model gives nothing back there, or when it already corrected an overflow.
            if not best.cuts.omitted or best.empty < _line(best.cuts) or not _more(wanted, best.cuts) or overflowed:
                return best
        elif (wanted := model.choose(order, OVERFLOWED_SAFETY ** overflowed)) == cuts:
            # the last layout overflowed and the model would lay out the same
            wanted = _less(cuts, order)
            if wanted is None:
                over = measure.overflow
                raise _Overflow(
                    "the urgent warnings alone do not fit on one page at the smallest type; "
                    f"they overflow by {over * MM_PER_PX:.0f} mm ({over * PT_PER_PX:.0f} pt)"
                )
        cuts = wanted
        document, html = layout(cuts)
        passes += 1
        measure = measure_layout(document)
        model.learn(cuts, measure)
        if measure.fits:
            if best is not None:
                best.passes = passes
                # One give back at most: a second would cost a pass for a line or two.
                return Fitted(document, html, cuts, passes, measure.available - measure.needed)
            best = Fitted(document, html, cuts, passes, measure.available - measure.needed)
        elif best is not None:
            best.passes = passes  # a give back that did not fit: the last fitting layout stands
            return best
        else:
            overflowed += 1
    if best is not None:
        return best
    raise BuildError(f"could not fit one page in {MAX_PASSES} layout passes")


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
    fixed = measure.heights.get("footer", 0.0)
    lists: dict[str, tuple[list[tuple[str, float]], float]] = {}
    for item, list_id in measure.lists.items():
        if list_id in measure.heights and item in measure.heights:
            lists.setdefault(list_id, ([], measure.heights[list_id]))[0].append((item, measure.heights[item]))
    # Only lists whose items the fitter may cut are modelled; others never change.
    lists = {k: v for k, v in lists.items() if any(i in savings for i, _ in v[0]) and _columns(v[0], k) > 0}
    # The "not on this page" note: a line or two.
    return _Model(measure.needed - fixed, fixed, savings, sections, 1.6 * _line(Cuts()), measure.available, lists,
                  measure.heights.get("footer-text", 0.0), measure.heights.get("qr", 0.0),
                  paragraphs=measure.lines, note_chars=note, rows=measure.rows, labels=measure.labels,
                  split=measure.split,
                  px_per_char=measure.text[1] / measure.text[0] if measure.text[0] else 0.0, width=measure.width)


def _columns(items: list[tuple[str, float]], list_id: str, rows: dict[str, tuple[int, float]] | None = None) -> float:
    """Height of a two-column list of items of these heights, as CSS columns balance it: the
    taller column at the break where it is shortest. Side effects are kept whole; a reminder
    may break between its lines, two lines at least on either side (styles/handout.css)."""
    if not items:
        return 0.0
    total = sum(h for _, h in items)
    best = total
    before = 0.0
    for item, h in items:
        n, line = (rows or {}).get(item, (0, 0.0)) if list_id.startswith("rm-") else (0, 0.0)
        for j in range(2, n - 1):  # inside the item, after line j
            cut = before + j * line
            best = min(best, max(cut, total - cut))
        before += h
        best = min(best, max(before, total - before))
    return best


def _more(wanted: Cuts, had: Cuts) -> bool:
    """Whether ``wanted`` gives back something ``had`` left out, and cuts nothing more. (Type a
    shade larger alone is not worth a layout pass.)"""
    return wanted.omitted < had.omitted or (wanted.omitted <= had.omitted and wanted.scale > had.scale + 0.004)


def _less(cuts: Cuts, order: list[str]) -> Cuts | None:
    """One step smaller than ``cuts`` when the model's choice changed nothing: the next item
    in the cut order, else a smaller type; None when nothing is left to take."""
    for item in order:
        if item not in cuts.omitted:
            return replace(cuts, omitted=cuts.omitted | {item})
    if cuts.scale > MIN_SCALE + 1e-9:
        return replace(cuts, scale=max(MIN_SCALE, cuts.scale - 0.02))
    return None


def shrink(layout: Layout, at_floor: bool = False) -> Fitted:
    """Shrink type toward the floor to fit one page, cutting nothing: for pages that are all
    urgent (a packet's combined page). What still does not fit flows onto more pages.
    ``at_floor`` starts at the smallest type, for content the caller knows is pages too long:
    it ends there anyway, and a full-size layout of it would only cost time and memory."""
    cuts = Cuts(scale=MIN_SCALE) if at_floor else Cuts()
    for passes in range(1, MAX_PASSES + 1):
        document, html = layout(cuts)
        if len(document.pages) == 1 or cuts.scale <= MIN_SCALE:
            return Fitted(document, html, cuts, passes)
        last_try = passes == MAX_PASSES - 1
        scale = MIN_SCALE if last_try else max(MIN_SCALE, _shrunk_scale(cuts, measure_layout(document)))
        cuts = replace(cuts, scale=scale)
        document = None  # a long combined page's layout is large: let it go before the next one
    raise AssertionError("unreachable: the last pass is at the smallest scale")


def _shrunk_scale(cuts: Cuts, measure: Measure) -> float:
    wanted = cuts.scale * (measure.available / measure.needed) ** (1 / GROWTH) * SAFETY
    # Never ask for less than a visible step, or the next pass would change nothing.
    return min(wanted, cuts.scale - 0.01)


def measure_layout(document: Document) -> Measure:
    heights: dict[str, float] = {}
    lists: dict[str, str] = {}
    paragraphs: list = []
    labels: dict[str, float] = {}
    on_page: list[set[str]] = []
    text = [0, 0.0, 0.0]  # characters, their px, the widest line's px
    needed = 0.0
    available = 0.0
    for page in document.pages:
        page_box = page._page_box
        available = page_box.height
        # The page's other children are margin boxes: not part of the flow.
        for root in (b for b in page_box.children if getattr(b, "element_tag", None) == "html"):
            needed += _flow_height(root)
            page_heights: dict[str, float] = {}
            _collect_heights(root, page_heights, lists)
            for key, value in page_heights.items():
                heights[key] = heights.get(key, 0.0) + value
            on_page.append(set(page_heights))
            main = _find(root, "main")
            if main is not None:
                _collect_lines(main, paragraphs, text)
            if main is not None:
                _collect_labels(main, labels)
    rows = {i: (n, h) for i, n, h in text[3:]}
    split = frozenset(i for i in heights if sum(i in page for page in on_page) > 1)
    return Measure(len(document.pages), needed, available, heights, lists, paragraphs, (text[0], text[1]), text[2], rows,
                   labels, split)


def _collect_labels(box, labels: dict[str, float]) -> None:
    """The heading over each list that has one (a group of side effects): it goes with its
    list's last item."""
    before = None
    for child in getattr(box, "children", ()):
        element = getattr(child, "element", None)
        element_id = element.get("id") if element is not None else None
        if element_id and "-list" in element_id and before is not None:
            labels[element_id] = labels.get(element_id, 0.0) + before.margin_height()
        before = child if getattr(child, "element_tag", None) in ("h3", "h4") and not element_id else None
        _collect_labels(child, labels)


def _collect_lines(box, out: list, text: list, weight: float = 1.0) -> None:
    """The wrapped text of the flow, paragraph by paragraph: what decides how its height
    changes with the type, since a paragraph gains or loses whole lines as its text grows.
    A paragraph in one of n balanced columns adds about 1/n of its height to the page."""
    style = getattr(box, "style", None)
    columns = style["column_count"] if style is not None else "auto"
    if isinstance(columns, int) and columns > 1:
        weight /= columns
    children = getattr(box, "children", ())
    rows = [c for c in children if isinstance(c, LineBox)]
    if rows and box.width > 0:
        widths = [sum(c.margin_width() for c in row.children) for row in rows]
        # How full a wrapped line gets: measured where the paragraph wraps, else typical.
        fill = sum(widths[:-1]) / ((len(rows) - 1) * box.width) if len(rows) > 1 else LINE_FILL
        fill = min(1.0, max(0.75, fill))
        out.append((sum(widths) / (box.width * fill), sum(r.margin_height() for r in rows) / len(rows), len(rows),
                    weight))
        for row in rows:
            for piece in _texts(row):
                text[0] += len(piece.text)
                text[1] += piece.width
        text[2] = max(text[2], box.width)
        if box.element is not None and box.element.get("id"):
            text.append((box.element.get("id"), len(rows), out[-1][1]))
        return
    for child in children:
        _collect_lines(child, out, text, weight)


def _texts(box):
    if isinstance(box, TextBox):
        yield box
    for child in getattr(box, "children", ()):
        yield from _texts(child)


def _flow_height(root) -> float:
    """Height of the content on one page: the parts of <main> and the footer, not the page's
    filled height, which would count the gap a page break leaves (or the room above the
    footer) as content."""
    main = _find(root, "main")
    if main is None:
        return root.margin_height()
    footer = _find(root, "footer")
    return sum(child.margin_height() for child in getattr(main, "children", ())) + (
        footer.margin_height() if footer is not None else 0.0)


def _find(box, tag: str):
    if getattr(box, "element_tag", None) == tag:
        return box
    for child in getattr(box, "children", ()):
        found = _find(child, tag)
        if found is not None:
            return found
    return None


def _collect_heights(box, heights: dict[str, float], lists: dict[str, str], parent_element=None,
                     current_list: str | None = None) -> None:
    """Height of each element with an id, from its outermost box on each page, and the list
    each list item is in.

    Line boxes and other inner boxes share their parent's element; counting them
    too would double the height.
    """
    element = getattr(box, "element", None)
    if element is not None and element is not parent_element:
        element_id = element.get("id")
        if element_id:
            heights[element_id] = heights.get(element_id, 0.0) + box.margin_height()
            if "-list" in element_id:
                current_list = element_id
            elif current_list and element_id.split("-")[-1].isdigit():
                lists.setdefault(element_id, current_list)
    for child in getattr(box, "children", ()):
        _collect_heights(child, heights, lists, element, current_list)
