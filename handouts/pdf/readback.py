"""Read a built handout back, as a checker or a screen reader would: pages, text, tag order, type
sizes, and where each glyph sits on the paper."""

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
    x0: float = 0.0  # points from the left edge
    x1: float = 0.0
    bottom: float = 0.0
    page: int = 1
    tag: str | None = None  # the marked content's tag: "Figure" for the text of an SVG logo


@dataclass
class Inspection:
    pages: int
    text: str  # reading order as extracted, white space folded
    tagged_text: str  # the order of the structure tree (what assistive technology reads)
    chars: list[Char]  # first page
    page_height: float
    page_width: float = 0.0
    every_char: list[Char] | None = None  # every printed character of every page
    attachments: list[str] | None = None  # names of the files the PDF carries (see ``attachments``)

    def near_edge(self, margin: float) -> list[Char]:
        """Printed characters whose glyph box comes closer than ``margin`` points to an edge of
        the paper, or lies past it."""
        return [c for c in self.every_char or self.chars if c.text.strip() and (
            c.x0 < margin or c.top < margin or c.x1 > self.page_width - margin or c.bottom > self.page_height - margin)]

    def smallest(self) -> Char | None:
        printed = [c for c in self.every_char or self.chars if c.text.strip()]
        return min(printed, key=lambda c: c.size, default=None)


def fold(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def inspect(path: Path) -> Inspection:
    with pdfplumber.open(path) as pdf:
        first = pdf.pages[0]
        every = [
            Char(c["text"], float(c["size"]), float(c["top"]), c.get("mcid"), float(c["x0"]), float(c["x1"]),
                 float(c["bottom"]), number, c.get("tag"))
            for number, page in enumerate(pdf.pages, 1) for c in page.chars
        ]
        chars = [c for c in every if c.page == 1]
        raw = " ".join(page.extract_text() or "" for page in pdf.pages)
        # A line broken after a hyphen ("made-" / "up") reads as one word again.
        text = fold(re.sub(r"-\n(?=\w)", "-", raw))
        pages, height, width = len(pdf.pages), float(first.height), float(first.width)
    return Inspection(pages, text, _tagged_text(path, chars), chars, height, width, every, attachments(path))


def attachments(path: Path) -> list[str]:
    """The files a PDF carries: its embedded files (/EmbeddedFiles) and the file attachment
    annotations of its pages, by name."""
    reader = pypdf.PdfReader(path)
    names = list(reader.attachments)
    for number, page in enumerate(reader.pages, 1):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/FileAttachment":
                spec = annotation.get("/FS")
                spec = spec.get_object() if spec is not None else {}
                name = spec.get("/UF") or spec.get("/F") if isinstance(spec, DictionaryObject) else None
                names.append(f"{name or 'a file'} (page {number})")
    return names


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
    text = fold(" ".join("".join(by_mcid.get(mcid, [])) for mcid in order))
    # A line broken after a hyphen ("life-" / "threatening") is two marked runs: one word again.
    return re.sub(r"(?<=\w)- (?=\w)", "-", text)


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
