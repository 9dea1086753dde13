"""Read a built handout back, as a checker or a screen reader would: pages, text, tag order, type sizes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pypdf
from pypdf.generic import ArrayObject, DictionaryObject


@dataclass
class Char:
    text: str
    size: float
    top: float  # points from the top of the page
    mcid: int | None
    tag: str | None = None  # the marked content's tag: "Figure" for the text of an SVG logo


@dataclass
class Inspection:
    pages: int
    text: str  # reading order as extracted, white space folded
    tagged_text: str  # the order of the structure tree (what assistive technology reads)
    chars: list[Char]  # first page
    page_height: float


def fold(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def inspect(path: Path) -> Inspection:
    with pdfplumber.open(path) as pdf:
        first = pdf.pages[0]
        chars = [Char(c["text"], float(c["size"]), float(c["top"]), c.get("mcid"), c.get("tag")) for c in first.chars]
        raw = " ".join(page.extract_text() or "" for page in pdf.pages)
        # A line broken after a hyphen ("made-" / "up") reads as one word again.
        text = fold(re.sub(r"-\n(?=\w)", "-", raw))
        pages, height = len(pdf.pages), float(first.height)
    return Inspection(pages, text, _tagged_text(path, chars), chars, height)


def _tagged_text(path: Path, chars: list[Char]) -> str:
    """The first page's text in structure-tree order: marked content ids as the tags list them."""
    root = pypdf.PdfReader(path).trailer["/Root"]
    if "/StructTreeRoot" not in root:
        return ""
    order: list[int] = []
    _walk(root["/StructTreeRoot"].get_object().get("/K"), order)
    by_mcid: dict[int, list[str]] = {}
    for char in chars:
        if char.mcid is not None:
            by_mcid.setdefault(char.mcid, []).append(char.text)
    return fold(" ".join("".join(by_mcid.get(mcid, [])) for mcid in order))


def _walk(node, order: list[int]) -> None:
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, int):
        order.append(int(node))
    elif isinstance(node, ArrayObject):
        for kid in node:
            _walk(kid, order)
    elif isinstance(node, DictionaryObject):
        if "/MCID" in node:
            order.append(int(node["/MCID"]))
        elif "/K" in node:
            _walk(node["/K"], order)
