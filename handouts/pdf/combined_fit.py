"""Fit a packet's combined "When to call us right away" page (page/combined.py plans it).

It shrinks the type toward the floor until the page fits; at the floor it lets the page flow on,
and moves the last page break up when the last page would hold only a line or two.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from weasyprint import Document

from ..page.templating import MIN_SCALE
from ..rules import cuts
from . import boxes

# How the fitter estimates a smaller type: content height grows a little faster than type size.
GROWTH = 1.2
SAFETY = 0.985
MAX_PASSES = 6
# A page after a break holds at least this many lines' worth, or the break moves up.
MIN_LAST_PAGE_LINES = 4


@dataclass
class Laid:
    document: Document
    html: str
    scale: float
    passes: int
    break_before: int | None  # the entry a page break was moved to, so no page holds a line or two


Render = Callable[[float, "int | None"], tuple[Document, str]]


def lay_out(render: Render, line_px: Callable[[float], float], at_floor: bool = False) -> Laid:
    """Shrink the type toward the floor until the page fits; at the floor, let it flow on,
    breaking between entries (the stylesheet keeps each whole), and move the last break up when
    the last page would hold only a line or two. ``render(scale, break_before)`` lays the page out."""
    scale = MIN_SCALE if at_floor else 1.0
    passes = 0
    while True:
        passes += 1
        document, markup = render(scale, None)
        if len(document.pages) == 1 or scale <= MIN_SCALE:
            break
        pages = _page_contents(document)
        needed, available = sum(p.height for p in pages), pages[0].available
        wanted = min(scale * (available / needed) ** (1 / GROWTH) * SAFETY, scale - 0.01)
        scale = MIN_SCALE if passes >= MAX_PASSES - 1 else max(MIN_SCALE, wanted)
        document = None  # a long page's layout is large: let it go before the next one
    moved = None
    if len(document.pages) > 1:
        moved = _balanced_break(_page_contents(document), line_px(scale))
        if moved is not None:
            document = None
            document, markup = render(scale, moved)
            passes += 1
    return Laid(document, markup, scale, passes, moved)


@dataclass
class _Page:
    available: float  # px of content area
    height: float  # px of content
    entries: list[tuple[int, float]]  # (entry number, px) of the entries that start on this page


def _page_contents(document: Document) -> list[_Page]:
    pages = []
    for page in document.pages:
        box = boxes.page_box(page)
        found: dict[int, float] = {}
        height = 0.0
        for child in boxes.walk(box):
            if getattr(child, "element_tag", None) == "main" and not height:
                height = child.margin_height()
            ident = boxes.element_id(child)
            number = ident[len(cuts.ENTRY):]
            if ident.startswith(cuts.ENTRY) and int(number) not in found:  # its outermost box
                found[int(number)] = child.margin_height()
        pages.append(_Page(box.height, height, list(found.items())))
    return pages


def _balanced_break(pages: list[_Page], line: float) -> int | None:
    """The entry to start the last page with, when the last page holds less than a few lines:
    about half of the last two pages' entries go after it."""
    if len(pages) < 2 or pages[-1].height >= MIN_LAST_PAGE_LINES * line:
        return None
    before = pages[-2].entries
    if len(before) < 2:
        return None
    target = (sum(h for _, h in before) + pages[-1].height) / 2
    moved = 0.0
    for index in range(len(before) - 1, 0, -1):
        moved += before[index][1]
        if moved + pages[-1].height >= target:
            return before[index][0]
    return before[1][0]
