"""`handouts check --packet`: measure a packet against the bars a patient on several drugs needs.

Each drug's handout gets the bars of `handouts check` (handout_check.py); the packet gets its own, read
from the packet PDF itself: the combined page's urgent-first order, every urgent sign of every
drug on it, its type floor, everything on every page inside the printable area, the cover listing
every page, and each handout page identical to that drug's own PDF.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import pdfplumber

from .. import i18n
from ..builder import cache, packet, runner
from ..builder.options import BuildOptions
from ..page import combined, templating
from ..pdf.readback import fold
from ..workspace import config
from ..workspace.brand import Brand
from ..workspace.catalogue import Catalog
from . import bars, handout_check, roles
from .handout_check import FAIL, PASS, DrugReport, Figure


def spec_from(value: str, drugs: tuple[str, ...]) -> packet.PacketSpec:
    """``--packet FILE.toml``, or ``--packet`` with drug names (the option may have taken the first)."""
    if value.lower().endswith(".toml"):
        return packet.with_overrides(packet.load_spec(Path(value)), drugs=drugs)
    return packet.PacketSpec(drugs=((value,) if value else ()) + tuple(drugs))


def check_packet(root: Path, catalog: Catalog, spec: packet.PacketSpec, options: BuildOptions,
                 as_of: dt.date) -> tuple[Brand, list[DrugReport]]:
    """The packet's own report, then each drug's (as `handouts check` gives it)."""
    options = packet.merged_options(options, spec)
    language = config.chosen_language(root, options.lang)
    drugs, _, title = packet.resolve(runner.in_language(root, catalog, options), spec, language)
    brand, reports = handout_check.check(root, catalog, [d.name for d in drugs], options, as_of)
    report = DrugReport(f"packet: {title}")
    with tempfile.TemporaryDirectory(prefix="handouts-check-packet-") as temp:
        folder = Path(temp)
        # The build's fits, so the handouts here are laid out once each (see runner.RememberedFits).
        with_fits = options.output or root / "out"
        if (with_fits / cache.MANIFEST).is_file():
            shutil.copyfile(with_fits / cache.MANIFEST, folder / cache.MANIFEST)
        singles = runner.build(root, catalog, [d.name for d in drugs],
                              replace(options, output=folder, jobs=1, force=True), brand)
        made = packet.make(root, catalog, spec, replace(options, output=folder / "packet.pdf"))
        # The emergency line as the combined page's template prints it (an override's own words too).
        emergency = brand.emergency or i18n.words(language, roles.message(
            templating.environment(root, brand, language), roles.EMERGENCY_LINE))
        report.figures += _packet_figures(made, drugs, singles, emergency, language)
    return brand, [report] + reports


def _packet_figures(made: packet.PacketResult, drugs, singles: list[runner.Result], emergency: str,
                    language: i18n.Language | None = None) -> list[Figure]:
    built = [d for d in drugs if d.name not in {name for name, _ in made.failed}]
    parts = {part.title: part for part in made.parts}
    urgent = made.parts[1]  # the combined page, after the cover
    with pdfplumber.open(made.path) as pdf:
        pages = pdf.pages
        # A line broken after a hyphen ("life-" / "threatening") reads as one word again.
        texts = [fold(re.sub(r"-\n(?=\w)", "-", p.extract_text() or "")) for p in pages]
        combined_pages = pages[urgent.first_page - 1:(urgent.last_page or urgent.first_page)]
        combined_text = " ".join(texts[urgent.first_page - 1:(urgent.last_page or urgent.first_page)])
        figures = [
            Figure("packet: every handout in it", FAIL if made.failed else PASS,
                   f"{len(built)} of {len(drugs)}", "every drug's handout",
                   "; ".join(f"{name}: {why}" for name, why in made.failed)),
            _urgent_first(combined_text, combined.entries(built, language), emergency, language, urgent.title),
            _every_sign(combined_text, built),
            *_type_floor(combined_pages),
            _printable(pages),
            _cover(texts[0], made.parts[1:], language),
            _same_pages(pages, parts, singles),
        ]
    return figures


def _urgent_first(text: str, entries: list[combined.Entry], emergency_line: str, language: i18n.Language | None = None,
                  heading: str = packet.COMBINED_TITLE) -> Figure:
    """The heading first, the emergency line and numbers before any sign, then the entries in
    their order: serious warnings, symptom groups, the other signs (in the packet's language)."""
    name, bar = "combined page: urgent first", "heading, emergency line, numbers, then warnings and groups in order"
    if not text.startswith(fold(heading)):
        return Figure(name, FAIL, "heading not first", bar)
    emergency = text.find(fold(emergency_line)) if emergency_line else -1
    untitled = i18n.words(language, "Warning")
    first = text.find(fold(f"{entries[0].title or untitled}:")) if entries else -1
    if emergency < 0 or 0 <= first < emergency:
        return Figure(name, FAIL, "emergency line not above the signs", bar)
    at = emergency
    for entry in entries:  # each entry's title after the one before it ("Other signs" comes once per drug set)
        at = text.find(fold(f"{entry.title or untitled}:"), at + 1)
        if at < 0:
            return Figure(name, FAIL, "entries out of order", bar, f"first out of place: {entry.title!r}")
    return Figure(name, PASS, f"{len(entries)} entries in order", bar)


def _every_sign(text: str, drugs) -> Figure:
    missing = [f"{d.name}: {sign}" for d in drugs for sign in combined.every_sign(d) if fold(sign) not in text]
    total = sum(len(combined.every_sign(d)) for d in drugs)
    return Figure("combined page: every urgent sign of every drug", FAIL if missing else PASS,
                  f"{total - len(missing)} of {total}", "every sign and warning of every drug",
                  f"missing {missing[0]!r}" + (f" and {len(missing) - 1} more" if len(missing) > 1 else "") if missing else "")


def _type_floor(pages) -> list[Figure]:
    chars = [c for p in pages for c in p.chars if c["text"].strip()]
    signs = [c["size"] for c in chars if "Italic" not in c["fontname"]]
    every = [c["size"] for c in chars]
    figures = []
    for name, sizes, bar in (("combined page: smallest urgent type", signs, bars.PACKET_URGENT_TYPE),
                             ("combined page: smallest type (drug marks)", every, bars.PACKET_MARKS_TYPE)):
        smallest = min(sizes, default=0.0)
        figures.append(Figure(name, PASS if sizes and bar.meets(smallest) else FAIL, f"{smallest:.1f} pt", bar.shown()))
    return figures


def _printable(pages) -> Figure:
    """Every word, line, box and image at least the printable margin inside the paper's edges."""
    outside, bar = [], bars.PACKET_PRINTABLE
    for number, page in enumerate(pages, 1):
        words = [{**w, "object_type": "word"} for w in page.extract_words()]
        for obj in words + page.rects + page.lines + page.images:
            edges = {"left": obj["x0"], "top": obj["top"], "right": page.width - obj["x1"],
                     "bottom": page.height - obj["bottom"]}
            side, gap = min(edges.items(), key=lambda e: e[1])
            if not bar.meets(gap):
                what = repr(obj["text"]) if obj["object_type"] == "word" else f"a {obj['object_type']}"
                outside.append(f"page {number}: {what} {gap / 72:.2f} in from the {side} edge")
                break
    return Figure("printable area", FAIL if outside else PASS,
                  f"{len(outside)} page{'s' if len(outside) > 1 else ''} past it" if outside else "every page inside",
                  bar.shown(), "; ".join(outside))


def _cover(text: str, parts: list[packet.Part], language: i18n.Language | None = None) -> Figure:
    missing = [p.title for p in parts if f"{fold(p.title)} {fold(p.pages_in(language))}" not in text]
    return Figure("cover lists every page", FAIL if missing else PASS,
                  f"{len(parts) - len(missing)} of {len(parts)} parts", "each part with its pages",
                  f"not listed right: {', '.join(missing)}" if missing else "")


def _same_pages(pages, parts: dict[str, packet.Part], singles: list[runner.Result]) -> Figure:
    """Each handout page of the packet holds what its own PDF holds: the same characters, in the
    same fonts and sizes, at the same places."""
    differ = []
    compared = 0
    for result in singles:
        part = parts.get(combined.printed_name(result.drug))
        if not result.ok or part is None:
            continue
        with pdfplumber.open(result.path) as own:
            same = _glyphs(own.pages[0]) == _glyphs(pages[part.first_page - 1])
        compared += 1
        if not same:
            differ.append(result.drug)
    return Figure("handout pages identical to their own PDFs", FAIL if differ else PASS,
                  f"{compared - len(differ)} of {compared}", "each handout page as its single PDF",
                  f"differ: {', '.join(differ)}" if differ else "")


def _glyphs(page) -> list[tuple]:
    return [(c["text"], round(c["x0"], 2), round(c["top"], 2), round(c["size"], 2),
             re.sub(r"^[A-Z]{6}\+", "", c["fontname"])) for c in page.chars]
