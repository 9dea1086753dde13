"""Make a handout fill exactly one page: lay out, measure, cut, then give back.

Layout passes are the cost that matters, so the fitter works from measured heights. The
first layout has everything at full size and measures every item that may be left out. If
it does not fit, a model of the page (the measured heights, scaled with the type and
corrected by each real layout) chooses the largest type at which the content that is never
cut fits, at most full size, and then gives back whole items in priority order while the
model says they fit (see ``handout.cut_order``). Each choice is checked by a real layout:
one that overflows cuts more, one that fits with room for more gives back more, and a give
back that overflows falls back to the last layout that fitted, at no extra pass.

Urgent content and the must-keep reminders are never cut: if they alone cannot fit at the
smallest type, the drug fails with the overflow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Callable

from weasyprint import Document

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

    def _parts(self, omitted: frozenset[str]) -> tuple[float, float]:
        """(flow px at full size, fixed px) with ``omitted`` left out."""
        flow, fixed = self.flow, self.fixed
        in_lists = set()
        for list_id, (items, measured) in self.lists.items():
            present = [h for i, h in items if i not in omitted]
            flow -= measured - (_columns(present, list_id) * measured / _columns([h for _, h in items], list_id)
                                if present else 0.0)
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
            flow += self.note
        return flow, fixed

    def predict(self, scale: float, omitted: frozenset[str]) -> float:
        flow, fixed = self._parts(omitted)
        return self.k * flow * scale ** self.growth + fixed

    def learn(self, cuts: Cuts, measure: Measure) -> None:
        """Correct the model by a real layout; two layouts of the same content at different
        type sizes also say how this page's flow grows with the type."""
        flow, fixed = self._parts(cuts.omitted)
        for scale, omitted, needed in self.seen:
            if omitted == cuts.omitted and abs(scale - cuts.scale) > 0.005 and min(needed, measure.needed) > fixed:
                growth = math.log((needed - fixed) / (measure.needed - fixed)) / math.log(scale / cuts.scale)
                self.growth = min(2.5, max(1.0, growth))
        self.seen.append((cuts.scale, cuts.omitted, measure.needed))
        if flow > 0 and measure.needed > fixed:
            self.k = (measure.needed - fixed) / (flow * cuts.scale ** self.growth)

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
        omitted = set(everything)
        for item in reversed(order):  # highest priority first
            trial = frozenset(omitted - {item})
            if self.predict(low, trial) <= target:
                omitted = set(trial)
        scale = max(low, self._largest_scale(frozenset(omitted), target))
        scale = MIN_SCALE if scale < MIN_SCALE + 1e-3 else round(scale, 4)
        return Cuts(scale=scale, omitted=frozenset(omitted))

    def _largest_scale(self, omitted: frozenset[str], target: float) -> float:
        flow, fixed = self._parts(omitted)
        if self.k * flow + fixed <= target:
            return 1.0
        room = target - fixed
        if room <= 0 or flow <= 0:
            return MIN_SCALE
        return max(MIN_SCALE, (room / (self.k * flow)) ** (1 / self.growth))


def fit(record: DrugRecord, layout: Layout, footer: tuple[str, ...] = ()) -> Fitted:
    order = cut_order(record, footer)
    document, html = layout(Cuts())
    first = (document, html, measure_layout(document))
    try:
        return _fit(layout, order, first)
    except _Overflow as overflow:
        last = last_resort(record)
        if not last:
            raise BuildError(str(overflow)) from None
    # Must-keep reminders may go too, named on the page, rather than no handout at all.
    try:
        return _fit(layout, order + last, first)
    except _Overflow as overflow:
        raise BuildError(str(overflow)) from None


class _Overflow(Exception):
    """Everything the fitter may leave out is out, at the smallest type, and the page still overflows."""


def _fit(layout: Layout, order: list[str], first: tuple[Document, str, Measure]) -> Fitted:
    """Fit from the first layout (everything at full size); ``order`` is what may go, first to go first."""
    cuts = Cuts()
    document, html, measure = first
    if measure.fits:
        return Fitted(document, html, cuts, 1, measure.available - measure.needed)
    model = _model(measure, order)
    best: Fitted | None = None
    passes, overflowed = 1, 0
    while passes < MAX_PASSES:
        # After a layout that overflowed, aim lower: the model erred once on this page.
        # A give back after a layout that fitted is judged by a model just corrected on this
        # very page: it may aim closer to the edge.
        wanted = model.choose(order, OVERFLOWED_SAFETY ** overflowed * (TRIAL_SAFETY if best else 1.0))
        if best is not None:
            # The last layout fitted. It is final when nothing is left out (a page a little too
            # long shrinks once, a touch more than it needs), when less than a line is left,
            # when the model gives nothing back there, or when it already corrected an overflow.
            if not best.cuts.omitted or best.empty < _line(best.cuts) or not _more(wanted, best.cuts) or overflowed:
                return best
        elif wanted == cuts:  # the last layout overflowed and the model would lay out the same
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


def _model(measure: Measure, order: list[str]) -> _Model:
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
    lists = {k: v for k, v in lists.items() if any(i in savings for i, _ in v[0]) and _columns([h for _, h in v[0]], k) > 0}
    # The "not on this page" note: a line or two.
    return _Model(measure.needed - fixed, fixed, savings, sections, 1.6 * _line(Cuts()), measure.available, lists,
                  measure.heights.get("footer-text", 0.0), measure.heights.get("qr", 0.0))


def _columns(heights: list[float], list_id: str) -> float:
    """Height of a two-column list of items of these heights, as CSS columns balance it: items
    kept whole (side effects) split where the taller column is shortest; reminders may
    break between lines, so their columns come out even."""
    if not heights:
        return 0.0
    if list_id.startswith("rm-"):
        return max(sum(heights) / 2, max(heights) / 2)
    total = best = sum(heights)
    before = 0.0
    for h in heights:
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
    needed = 0.0
    available = 0.0
    for page in document.pages:
        page_box = page._page_box
        available = page_box.height
        # The page's other children are margin boxes: not part of the flow.
        for root in (b for b in page_box.children if getattr(b, "element_tag", None) == "html"):
            needed += _flow_height(root)
            _collect_heights(root, heights, lists)
    return Measure(len(document.pages), needed, available, heights, lists)


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
