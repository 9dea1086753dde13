"""Clinic packets: a cover, one combined "when to call us" page, then each drug's handout, in one PDF.

The packet is one WeasyPrint document: every part is laid out with the same fonts and
the pages are joined before writing, so fonts are embedded once. Each drug's page is
the very layout its own PDF gets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import assets
from ..atomic import write_atomically
from ..errors import BuildError, InputError
from ..i18n import N_, words
from ..page import combined, templating
from ..pdf import combined_fit
from ..pdf import render as pdf
from ..record import review
from ..record.slug import slug
from ..workspace import tomlfile
from ..workspace.catalogue import Catalog, Drug
from . import cache
from .options import PAPERS, BuildOptions, output_file
from .runner import Context, chosen_brand, context, fitted, in_language

# Sign text one combined page holds at the smallest type, generously (2,500 to 3,500 characters
# measured, with headings); past three such pages, the page is laid out at the floor at once:
# it could not fit one page at any larger type, so stepping down would end at the floor anyway.
FLOOR_PAGE_CHARS = 6000
PAGES_CLEARLY_TOO_LONG = 3
COMBINED_TITLE = N_("When to call us right away")
CALENDAR_TITLE = N_("Your treatment calendar")

PACKET_KEYS = ("title", "drugs", "regimen", "duplex", "paper", "brand")


@dataclass(frozen=True)
class PacketSpec:
    title: str | None = None
    drugs: tuple[str, ...] = ()
    regimen: str | None = None
    duplex: bool = False
    paper: str | None = None
    brand: str | None = None


@dataclass(frozen=True)
class Personal:
    """What makes a packet one patient's (build/patient.py gathers it from the EHR order): the
    cover's details, the treatment calendars, and the private file it goes to."""

    cover: dict  # name, birth_date, clinic, prescriber, start, notes: printed on the cover
    calendars: tuple = ()  # page.calendar.DrugCalendar, one per medicine whose order states its days
    path: Path | None = None


@dataclass
class Part:
    title: str
    first_page: int  # 1-based page number in the packet
    last_page: int = 0  # when the part has more than one page
    printed_pages: str = ""  # its pages as the cover prints them, in the packet's language

    @property
    def pages(self) -> str:
        """"page 2", or "pages 2-3" for a part of several pages, as the report says it."""
        return self.pages_in(None)

    def pages_in(self, language) -> str:
        """The part's pages as the cover prints them, in the packet's language ("páginas 2-3")."""
        if self.last_page > self.first_page:
            return words(language, N_("pages %(first)s-%(last)s")) % {"first": self.first_page, "last": self.last_page}
        return words(language, N_("page %(n)s")) % {"n": self.first_page}


@dataclass
class PacketResult:
    path: Path
    pages: int
    parts: list[Part]
    missing: list[str] = field(default_factory=list)  # regimen drugs with no handout yet
    failed: list[tuple[str, str]] = field(default_factory=list)  # (drug, why)


def load_spec(path: Path) -> PacketSpec:
    """A packet file: TOML naming a title, the drugs or a regimen, and options."""
    data = tomlfile.read(path, PACKET_KEYS)
    drugs = data.get("drugs", [])
    if not isinstance(drugs, list) or not all(isinstance(d, str) for d in drugs):
        raise InputError(path, "drugs must be a list of drug names")
    for key, kind in (("title", str), ("regimen", str), ("duplex", bool), ("paper", str), ("brand", str)):
        if key in data and not isinstance(data[key], kind):
            raise InputError(path, f"{key} must be {'true or false' if kind is bool else 'text'}")
    if data.get("paper", PAPERS[0]) not in PAPERS:
        raise InputError(path, f"paper must be one of {', '.join(PAPERS)}, not {data['paper']!r}")
    return PacketSpec(
        title=data.get("title"), drugs=tuple(drugs), regimen=data.get("regimen"),
        duplex=data.get("duplex", False), paper=data.get("paper"), brand=data.get("brand"),
    )


def with_overrides(spec: PacketSpec, drugs=(), regimen=None, title=None, duplex=None) -> PacketSpec:
    """The packet file's spec with what the command line says on top."""
    return replace(
        spec,
        drugs=tuple(spec.drugs) + tuple(drugs),
        regimen=regimen or spec.regimen,
        title=title or spec.title,
        duplex=spec.duplex if duplex is None else duplex,
    )


def describe(result: PacketResult) -> list[str]:
    lines = [f"packet {result.path} ({result.pages} pages)"]
    lines += [f"    {part.pages}: {part.title}" for part in result.parts]
    lines += [f"    no handout yet for {name} (not in sources/)" for name in result.missing]
    lines += [f"FAILED {name}: {why}" for name, why in result.failed]
    if result.failed:
        lines.append(f"incomplete: written as {result.path.name}, beside (never over) the complete packet")
    return lines


def resolve(catalog: Catalog, spec: PacketSpec, language=None) -> tuple[list[Drug], list[str], str]:
    """The packet's drugs, the regimen drugs that have no handout yet, and the title."""
    names = list(spec.drugs)
    missing: list[str] = []
    title = spec.title
    if spec.regimen:
        regimen = catalog.find_regimen(spec.regimen)
        title = title or words(language, N_("%(regimen)s: your medicines")) % {"regimen": regimen.name}
        for name in regimen.drugs:
            try:
                catalog.find(name)
                names.append(name)
            except InputError:
                missing.append(name)
    if not names and missing:
        raise InputError(None, f"{spec.regimen}: none of its drugs has a handout yet ({', '.join(missing)})")
    if not names:
        raise InputError(None, "a packet needs at least one drug: name them, or give --file or --regimen")
    drugs: list[Drug] = []
    for name in names:
        drug = catalog.find(name)
        if drug not in drugs:
            drugs.append(drug)
    return drugs, missing, title or words(language, N_("Your medicines"))


def make(root: Path, catalog: Catalog, spec: PacketSpec, options: BuildOptions,
         personal: Personal | None = None, on_wait: Callable[[str], None] | None = None) -> PacketResult:
    """Lay the packet out and write it: to ``-o FILE.pdf``, else to packet-TITLE.pdf in the output
    folder. A packet missing a drug that failed is written beside the last good one, never over
    it, as ...-incomplete.pdf. Its words and records are in the language of ``--lang``.
    ``personal``: a patient's packet, with their details and calendar, written owner-only.

    It writes holding the output folder as a build does (``on_wait`` hears that another holds it):
    a build into the folder meanwhile removed the packet's temporary, as one a killed build left."""
    options = merged_options(options, spec)
    if personal is not None and personal.path is not None:
        options = replace(options, output=personal.path)
    folder = output_file(options).parent if output_file(options) else options.output or root / "out"
    # A build into the same folder fitted these handouts already: each is laid out once, with its fit.
    ctx = context(root, options, chosen_brand(root, options), fits_from=folder)
    drugs, missing, title = resolve(in_language(root, catalog, options), spec, ctx.language)
    made = options.date or max(filter(None, (review.newest_review(d.record.sources) for d in drugs)), default=None)
    handouts, failed = [], []
    for drug in drugs:
        try:
            handouts.append((drug, fitted(drug, ctx, options.date).document))
        except BuildError as error:
            failed.append((drug.name, str(error)))
    if not handouts:
        raise BuildError("no handout in the packet could be made: " + "; ".join(f"{d} ({w})" for d, w in failed))
    # Laid out last: laid out first, its freed layout left the heap fragmented (a 500-drug
    # packet peaked 110 MiB higher, bench measure 5).
    urgent = _combined_page(ctx, [d for d, _ in handouts], made)
    blank = _page(ctx, "packet_blank.html", {}).pages[0]
    calendar = _calendar_pages(ctx, personal)
    pages, parts = _assemble(urgent.document.pages, handouts, blank, spec.duplex,
                             words(ctx.language, COMBINED_TITLE), before=1 + len(calendar))
    if calendar:
        parts.insert(0, Part(words(ctx.language, CALENDAR_TITLE), 2, 1 + len(calendar)))
    parts = [replace(part, printed_pages=part.pages_in(ctx.language)) for part in parts]
    cover = _page(ctx, "packet_cover.html", {"title": title, "parts": parts, "made": made,
                                              "patient": personal.cover if personal else None})
    all_pages = cover.pages + calendar + pages
    path = packet_path(root, options, title, incomplete=bool(failed))
    document = cover.copy(all_pages)
    data = pdf.pdf_bytes(document, title + "".join(d.name for d, _ in handouts))
    with cache.held(folder, on_wait):
        try:
            write_atomically(data, path, private=personal is not None)
            if not failed:
                # An incomplete packet of the same name, left by an earlier try, must not be taken for this one.
                packet_path(root, options, title, incomplete=True).unlink(missing_ok=True)
        except OSError as error:  # a read-only or full folder, a folder in the packet's place
            raise BuildError(f"cannot write {path}: {error.strerror or error}") from None
    return PacketResult(path, len(all_pages), [Part(title, 1)] + parts, missing, failed)


def packet_path(root: Path, options: BuildOptions, title: str, incomplete: bool = False) -> Path:
    """Where the packet goes: the file ``-o`` names, or packet-TITLE.pdf in the output folder;
    an incomplete packet beside it, named so."""
    path = output_file(options) or (options.output or root / "out") / f"packet-{_slug(title)}.pdf"
    return path.with_name(f"{path.stem}-incomplete.pdf") if incomplete else path


def merged_options(options: BuildOptions, spec: PacketSpec) -> BuildOptions:
    """Command-line options win over the packet file's."""
    return replace(options, paper=options.paper or spec.paper or "", brand=options.brand or spec.brand)


def _assemble(urgent_pages, handouts, blank, duplex: bool, urgent_title: str = COMBINED_TITLE, before: int = 1):
    """Pages after the cover, with each part's pages; in duplex, blanks keep every handout on
    the front of a sheet (an odd page). ``urgent_title``: the combined page's, as printed;
    ``before``: the pages ahead of the combined page (the cover, and a patient's calendar)."""
    pages = list(urgent_pages)
    parts = [Part(urgent_title, before + 1, before + len(pages))]
    for drug, document in handouts:
        if duplex and (before + len(pages)) % 2 == 1:  # the next page would be even: a back
            pages.append(blank)
        parts.append(Part(combined.printed_name(drug.name), before + 1 + len(pages)))
        pages.extend(document.pages)
    return pages, parts


def _calendar_pages(ctx: Context, personal: Personal | None) -> list:
    """The treatment calendar's pages: none unless an order states its days."""
    if personal is None or not personal.calendars:
        return []
    return _page(ctx, "packet_calendar.html", {"calendars": personal.calendars}).pages


def _page(ctx: Context, template: str, values: dict):
    markup = ctx.env.get_template(template).render(brand=ctx.brand, paper=ctx.paper, body_pt=templating.BODY_PT, **values)
    return ctx.renderer.layout(markup, ctx.root)


def _combined_page(ctx: Context, drugs: list[Drug], made: dt.date | None) -> combined_fit.Laid:
    entries = combined.entries(drugs, ctx.language)
    names = [combined.printed_name(d.name) for d in drugs]
    sign_text = " ".join(f"{e.title or ''} " + " ".join(s.text for s in e.signs) for e in entries)

    def render(scale: float, break_before: int | None):
        markup = ctx.env.get_template("packet_urgent.html").render(
            brand=ctx.brand, paper=ctx.paper, body_pt=round(templating.BODY_PT * scale, 2), entries=entries,
            drugs=names, made=made, sign_text=sign_text, break_before=break_before,
            packet_css=assets.styles_dir() / "packet.css",
        )
        return ctx.renderer.layout(markup, ctx.root), markup

    def line_px(scale: float) -> float:
        return templating.URGENT_PT * scale * 1.25 * 4 / 3

    return combined_fit.lay_out(render, line_px, at_floor=len(sign_text) > FLOOR_PAGE_CHARS * PAGES_CLEARLY_TOO_LONG)


def _slug(title: str) -> str:
    """The packet's file name, by the same rule as a handout's ("Τα φάρμακά σας" is not "packet-.pdf")."""
    return slug(title, max_length=60) or "packet"
