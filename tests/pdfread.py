"""Reading built PDFs back, the way a checker or a patient's screen reader would."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pypdf


def text(path: Path) -> str:
    """All text of the PDF with white space folded, so wrapped lines compare as written."""
    with pdfplumber.open(path) as pdf:
        raw = " ".join(page.extract_text() or "" for page in pdf.pages)
    # A line broken after a hyphen ("made-" / "up") reads as one word again.
    return fold(re.sub(r"-\n(?=\w)", "-", raw))


def fold(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def pages(path: Path) -> int:
    return len(pypdf.PdfReader(path).pages)


def fonts(path: Path) -> set[str]:
    """Base names of the fonts the PDF embeds, without the subset prefix (ABCDEF+)."""
    reader = pypdf.PdfReader(path)
    names = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            if descriptor and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names


def catalog(path: Path):
    return pypdf.PdfReader(path).trailer["/Root"]


def metadata(path: Path):
    return pypdf.PdfReader(path).metadata


def font_sizes(path: Path, above: float | None = None) -> list[float]:
    """Sizes of the visible characters; with ``above``, only those higher than that many points
    from the bottom edge (to leave out the footer in the bottom margin)."""
    with pdfplumber.open(path) as pdf:
        return [
            round(c["size"], 2)
            for page in pdf.pages
            for c in page.chars
            if c["text"].strip() and (above is None or c["bottom"] < page.height - above)
        ]
