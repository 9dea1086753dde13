"""The boxes of a WeasyPrint layout, for the fitters (fit.py, combined_fit.py) to measure.

WeasyPrint has no public API for its layout's boxes: ``page._page_box`` (read here only) and
the boxes' attributes (``children``, ``element``, ``element_tag``, ``style``,
``margin_height()``) are its internals, which is why pyproject.toml keeps WeasyPrint below its
next major version. Only pdf/ reads them.
"""

from __future__ import annotations

from collections.abc import Iterator


def page_box(page):
    """The laid-out box of one page of a ``weasyprint.Document``."""
    return page._page_box


def roots(page) -> Iterator:
    """The page's <html> boxes: its other children are margin boxes, not part of the flow."""
    return (b for b in page_box(page).children if getattr(b, "element_tag", None) == "html")


def walk(box) -> Iterator:
    """``box`` and every box inside it, outermost first."""
    yield box
    for child in getattr(box, "children", ()):
        yield from walk(child)


def find(box, tag: str):
    """The first box of an element ``tag`` (depth first), or None."""
    if getattr(box, "element_tag", None) == tag:
        return box
    for child in getattr(box, "children", ()):
        found = find(child, tag)
        if found is not None:
            return found
    return None


def element_id(box) -> str:
    """The id of the element a box belongs to ("" for none)."""
    element = getattr(box, "element", None)
    return (element.get("id") or "") if element is not None else ""
