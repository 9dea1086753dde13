"""DailyMed SPL XML (HL7 v3 ``<document>``): the label as DailyMed serves it, sections coded by LOINC.

Parsed with defusedxml, so a document declaring entities (the "billion laughs" bomb) or reaching
for external files is refused, never expanded. Lists, list items, tables and sub-section titles
are kept as ``fdalabel.Block``s; the mapping into the record is ``fdalabel.to_record``'s.
"""

from __future__ import annotations

import bisect
import re
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ..errors import InputError
from ..record import DrugRecord
from . import fdalabel, medguide
from .text import squash

KIND = "dailymed-spl"
NS = "{urn:hl7-org:v3}"
_SIGNATURE = re.compile(r"<(?:\w+:)?document\b[^>]*urn:hl7-org:v3")
PRESCRIPTION_CODE = "34391-3"  # HUMAN PRESCRIPTION DRUG LABEL


def detect(text: str) -> bool:
    head = text[:4000]
    return "urn:hl7-org:v3" in head and bool(_SIGNATURE.search(head) or "<document" in head)


def read(text: str, path: str) -> DrugRecord:
    return fdalabel.to_record(parse(text, path), path)


def parse(text: str, path: str) -> fdalabel.Label:
    try:
        root = SafeET.fromstring(text.encode("utf-8"), forbid_dtd=False)
    except DefusedXmlException as exc:
        raise InputError(path, f"XML refused: {type(exc).__name__} (entities and external references are "
                         "not allowed in a label)", _line_of(text, "<!ENTITY")) from None
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise InputError(path, f"not well-formed XML ({_reason(exc)})", line) from None
    if root.tag != f"{NS}document":
        raise InputError(path, "not an SPL document (the root element is not an HL7 v3 <document>)")
    lines = _Lines(text)
    label = fdalabel.Label(
        kind=KIND,
        generic_name=_generic(root) or "",
        brands=_brands(root),
        labeler=_findtext(root, f"{NS}author//{NS}representedOrganization/{NS}name"),
        title=squash(_all_text(root.find(f"{NS}title"))) or None,
        set_id=_attr(root.find(f"{NS}setId"), "root"),
        version=_attr(root.find(f"{NS}versionNumber"), "value"),
        effective=fdalabel.parse_effective(_attr(root.find(f"{NS}effectiveTime"), "value")),
        # A repackager's product names the maker's product it is the same as.
        original_packager=root.find(f".//{NS}asEquivalentEntity") is None,
        prescription=_attr(root.find(f"{NS}code"), "code") == PRESCRIPTION_CODE,
    )
    if not label.generic_name:
        raise InputError(path, "SPL document with no drug name (no genericMedicine name)")
    for section in _top_sections(root):
        code = _attr(section.find(f"{NS}code"), "code")
        name = fdalabel.PATIENT_CODES.get(code) or fdalabel.PROFESSIONAL_CODES.get(code)
        title = squash(_all_text(section.find(f"{NS}title"))) or None
        if name is None:
            if title:
                label.other_sections.append(title.lower())
            continue
        line = lines.of(section)
        if name in fdalabel.PATIENT_CODES.values():
            # Read by its structure, as openFDA's copy of the same markup is (readers/medguide.py).
            label.sections.append(fdalabel.Section(name, medguide.element_blocks(section, line), title, line,
                                                   structured=True))
            continue
        blocks = _blocks(section, lines, 0, top=True)
        blocks = [fdalabel.Block("text", " ".join(b.text for b in blocks), 0, line)]
        label.sections.append(fdalabel.Section(name, blocks, title, line))
    return label


def _top_sections(root: Element):
    """Sections of the body (not the sub-sections of a section already taken)."""
    body = root.find(f"{NS}component/{NS}structuredBody")
    if body is None:
        return []
    return [c for comp in body.findall(f"{NS}component") for c in comp.findall(f"{NS}section")]


def _blocks(section: Element, lines: _Lines, depth: int, top: bool = False) -> list[fdalabel.Block]:
    """A section's blocks in order: its title (below the top), its text, then its sub-sections."""
    out: list[fdalabel.Block] = []
    title = squash(_all_text(section.find(f"{NS}title")))
    if title and not top:
        out.append(fdalabel.Block("heading", title, 0, lines.of(section)))
    text = section.find(f"{NS}text")
    if text is not None:
        out.extend(_text_blocks(text, lines, lines.of(section), depth))
    for comp in section.findall(f"{NS}component"):
        for sub in comp.findall(f"{NS}section"):
            out.extend(_blocks(sub, lines, depth))
    return out


def _text_blocks(element: Element, lines: _Lines, line: int, depth: int, inline: bool = True) -> list[fdalabel.Block]:
    """Blocks of a <text> (or of an item or cell, whose own words are read already: ``inline`` off)."""
    out: list[fdalabel.Block] = []
    for child in element:
        tag = child.tag.replace(NS, "")
        here = lines.of(child, line)
        if tag == "paragraph":
            # A paragraph may hold a bold question heading and then its text: split as flat text is.
            out.extend(fdalabel.split_flat(_own_text(child), here, depth))
        elif tag == "list":
            for item in child.findall(f"{NS}item"):
                # An item's paragraphs continue its text; its lists and tables are deeper items.
                title, own = _bold_lead(item)
                own = squash(" ".join([own, *(_own_text(p) for p in item.findall(f"{NS}paragraph"))]))
                if own or title:
                    out.append(fdalabel.Block("item", own or title, depth + 1, lines.of(item, here),
                                              title if own else None))
                nested = [c for c in item if c.tag in (f"{NS}list", f"{NS}table")]
                for part in nested:
                    holder = Element(f"{NS}text")
                    holder.append(part)
                    out.extend(_text_blocks(holder, lines, here, depth + 1, inline=False))
        elif tag == "table":
            for cell in child.iter():
                if cell.tag in (f"{NS}td", f"{NS}th"):
                    if cell.find(f"{NS}list") is not None or cell.find(f"{NS}paragraph") is not None:
                        out.extend(_text_blocks(cell, lines, here, depth, inline=False))
                        own = _cell_text(cell, own_only=True)
                        if own:
                            out.append(fdalabel.Block("item", own, depth + 1, here))
                    elif _cell_text(cell):
                        out.append(fdalabel.Block("item", _cell_text(cell), depth + 1, here))
        elif tag in ("content", "linkHtml") and inline:
            text = squash(_all_text(child))
            if text:
                out.extend(fdalabel.split_flat(text, here, depth))
    return out


def _cell_text(cell: Element, own_only: bool = False) -> str:
    """A table cell's words; Medication Guides lay symptom lists out as cells starting "• "."""
    text = _own_text(cell) if own_only else _all_text(cell)
    return squash(re.sub(r"^\s*[•\u2022]\s*", "", squash(text)))


def _bold_lead(item: Element) -> tuple[str | None, str]:
    """(the bold words an item starts with, as a title; the rest of its own text)."""
    first = next(iter(item), None)
    if first is None or first.tag != f"{NS}content" or (item.text or "").strip() \
            or "bold" not in (first.get("styleCode") or "").lower():
        return None, _own_text(item)
    bold = squash(_all_text(first))
    title = bold.rstrip(".:")
    if not bold.endswith((".", ":")):
        return None, _own_text(item)
    rest = squash((first.tail or "") + "".join(
        (_all_text(c) if c.tag not in _NESTED else "") + (c.tail or "") for c in list(item)[1:]))
    if not title or len(title.split()) > 12:
        return None, _own_text(item)
    return title, rest


_NESTED = frozenset(f"{NS}{t}" for t in ("list", "table", "paragraph"))


def _own_text(element: Element) -> str:
    """The element's text without the lists, tables and paragraphs nested in it (read on their own)."""
    parts = [element.text or ""]
    for child in element:
        if child.tag not in _NESTED:
            parts.append(_all_text(child) if child.tag != f"{NS}br" else " ")
        parts.append(child.tail or "")
    return squash("".join(parts))


def _all_text(element: Element | None) -> str:
    """All the words under the element; a <br/> is a space."""
    if element is None:
        return ""
    parts = [element.text or ""]
    for child in element:
        parts.append(" " if child.tag == f"{NS}br" else _all_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _generic(root: Element) -> str | None:
    return _findtext(root, f".//{NS}manufacturedProduct//{NS}genericMedicine/{NS}name")


def _brands(root: Element) -> list[str]:
    names = []
    for product in root.iter(f"{NS}manufacturedProduct"):
        for child in product:
            if child.tag in (f"{NS}manufacturedProduct", f"{NS}manufacturedMedicine"):
                name = squash(child.findtext(f"{NS}name") or "")
                if name and name not in names:
                    names.append(name)
    return names


def _findtext(root: Element, path: str) -> str | None:
    found = root.find(path)
    return squash(_all_text(found)) or None if found is not None else None


def _attr(element: Element | None, name: str) -> str | None:
    return element.get(name) if element is not None else None


def _reason(exc: ParseError) -> str:
    return re.sub(r":\s*line \d+, column \d+$", "", str(exc))


def _line_of(text: str, needle: str) -> int | None:
    at = text.find(needle)
    return text[:at].count("\n") + 1 if at >= 0 else None


class _Lines:
    """Lines of elements, found by their ID attribute (or <id root>) in the text, as ElementTree keeps
    none: one pass over the text maps each identifier to its line."""

    def __init__(self, text: str):
        starts = [m.start() for m in re.finditer("\n", text)]
        self.line = {}
        for match in re.finditer(r'\bID="([^"]+)"|<(?:\w+:)?id\s+root="([^"]+)"', text):
            ident = match.group(1) or match.group(2)
            self.line.setdefault(ident, bisect.bisect_right(starts, match.start()) + 1)

    def of(self, element: Element, default: int = 1) -> int:
        ident = element.get("ID")
        if not ident:
            child = element.find(f"{NS}id")
            ident = child.get("root") if child is not None else None
        return self.line.get(ident, default) if ident else default
