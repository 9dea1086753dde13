"""Make a handout fit exactly one page, with as few layout passes as possible.

Layout passes are the cost that matters, so the fitter measures how far a layout
overflows and estimates the cure: first a smaller type scale (see GROWTH), down to
the legibility floor; then, at the floor, it leaves out the lowest-priority content,
choosing how much from the measured heights of the sections and items. Urgent
content is never cut: if it alone cannot fit, the drug fails with the overflow.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from weasyprint import Document

from .errors import BuildError
from .handout import Cuts
from .html import MIN_SCALE
from .record import DrugRecord

# Aim a little under the page so rounding and line breaks do not push one line over.
SAFETY = 0.985
# How content height grows with type size. Wrapped paragraphs grow with its square
# (taller and more lines), one-line items only linearly; handouts are a mix, and
# erring low shrinks a touch more than needed rather than costing another pass.
GROWTH = 1.2
MAX_PASSES = 8
PT_PER_PX = 0.75
MM_PER_PX = 25.4 / 96


@dataclass
class Fitted:
    document: Document
    html: str
    cuts: Cuts
    passes: int


@dataclass
class Measure:
    """What a layout tells the fitter: pages, space needed and space there is, and box heights."""

    pages: int
    needed: float  # px of content over all pages
    available: float  # px of content area on one page
    heights: dict[str, float]  # element id -> px

    @property
    def overflow(self) -> float:
        return max(0.0, self.needed - self.available)

    def scaled(self, factor: float) -> "Measure":
        """The same layout predicted at another type scale (heights times ``factor``)."""
        heights = {k: v * factor for k, v in self.heights.items()}
        return Measure(self.pages, self.needed * factor, self.available, heights)

    def saving(self, list_id: str, item_id: str, default: float) -> float:
        """Height saved by leaving out one item of a list, which may be set in columns.

        A list in two columns shrinks by about half of an item's height, so the saving
        is the item's height times the ratio of the list's height to its items' sum.
        """
        prefix = list_id[:3]
        items = [v for k, v in self.heights.items() if k.startswith(prefix) and k[3:].isdigit()]
        lists = [v for k, v in self.heights.items() if k.startswith(list_id)]
        ratio = (sum(lists) or sum(items)) / sum(items) if items else 1.0
        return self.heights.get(item_id, default) * ratio


Layout = Callable[[Cuts], tuple[Document, str]]


def fit(record: DrugRecord, layout: Layout) -> Fitted:
    cuts = Cuts()
    for passes in range(1, MAX_PASSES + 1):
        document, html = layout(cuts)
        if len(document.pages) == 1:
            return Fitted(document, html, cuts, passes)
        measure = measure_layout(document)
        if _nothing_left_to_cut(record, cuts):
            # Judged on a real layout, not an estimate: only the urgent content is left.
            over = measure.overflow
            raise BuildError(
                "the urgent warnings alone do not fit on one page at the smallest type; "
                f"they overflow by {over * MM_PER_PX:.0f} mm ({over * PT_PER_PX:.0f} pt)"
            )
        cuts = _next_cuts(record, cuts, measure)
    raise BuildError(f"could not fit one page in {MAX_PASSES} layout passes")


def _nothing_left_to_cut(record: DrugRecord, cuts: Cuts) -> bool:
    return (
        cuts.scale <= MIN_SCALE
        and not (cuts.how_it_works and record.how_it_works)
        and (cuts.side_effects == 0 or not record.side_effects)
        and (cuts.reminders == 0 or not record.reminders)
    )


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


def _next_cuts(record: DrugRecord, cuts: Cuts, measure: Measure) -> Cuts:
    if cuts.scale > MIN_SCALE:
        wanted = _shrunk_scale(cuts, measure)
        if wanted > MIN_SCALE:
            return replace(cuts, scale=wanted)
        # Shrinking alone will not do: predict the layout at the floor and cut in the same pass.
        measure = measure.scaled((MIN_SCALE / cuts.scale) ** GROWTH)
        cuts = replace(cuts, scale=MIN_SCALE)
    return _cut_content(record, cuts, measure)


def _cut_content(record: DrugRecord, cuts: Cuts, measure: Measure) -> Cuts:
    """At the smallest type: leave out how-it-works, then the tails of reminders and side effects."""
    # The note saying what was left out takes a line or two; reserve them.
    need = measure.overflow + 2.5 * _line_height(cuts)
    if cuts.how_it_works and record.how_it_works:
        cuts = replace(cuts, how_it_works=False)
        need -= measure.heights.get("how", 0.0)
        if need <= 0:
            return cuts
    kept = {
        "se": cuts.side_effects if cuts.side_effects is not None else len(record.side_effects),
        "rm": cuts.reminders if cuts.reminders is not None else len(record.reminders),
    }
    # Take items from the ends of the two lists in turn, the longer list first, so
    # neither section vanishes while the other stays whole.
    while need > 0 and (kept["se"] or kept["rm"]):
        prefix = "rm" if kept["rm"] >= kept["se"] else "se"
        kept[prefix] -= 1
        need -= measure.saving(f"{prefix}-list", f"{prefix}-{kept[prefix]}", _line_height(cuts))
    # Even when the estimate says it cannot fit, the next layout decides: estimates err.
    return replace(cuts, side_effects=kept["se"], reminders=kept["rm"])


def _line_height(cuts: Cuts) -> float:
    from .html import BODY_PT

    return BODY_PT * cuts.scale * 1.25 / PT_PER_PX


def measure_layout(document: Document) -> Measure:
    heights: dict[str, float] = {}
    needed = 0.0
    available = 0.0
    for page in document.pages:
        page_box = page._page_box
        available = page_box.height
        # The page's other children are margin boxes (the footer): not part of the flow.
        for root in (b for b in page_box.children if getattr(b, "element_tag", None) == "html"):
            needed += _flow_height(root)
            _collect_heights(root, heights)
    return Measure(len(document.pages), needed, available, heights)


def _flow_height(root) -> float:
    """Height of the content in <main> on one page: the sum of its parts, not the page's
    filled height, which would count the gap a page break leaves as content."""
    main = _find(root, "main")
    if main is None:
        return root.margin_height()
    return sum(child.margin_height() for child in getattr(main, "children", ()))


def _find(box, tag: str):
    if getattr(box, "element_tag", None) == tag:
        return box
    for child in getattr(box, "children", ()):
        found = _find(child, tag)
        if found is not None:
            return found
    return None


def _collect_heights(box, heights: dict[str, float], parent_element=None) -> None:
    """Height of each element with an id, from its outermost box on each page.

    Line boxes and other inner boxes share their parent's element; counting them
    too would double the height.
    """
    element = getattr(box, "element", None)
    if element is not None and element is not parent_element:
        element_id = element.get("id")
        if element_id:
            heights[element_id] = heights.get(element_id, 0.0) + box.margin_height()
    for child in getattr(box, "children", ()):
        _collect_heights(child, heights, element)
