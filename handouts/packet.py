"""Clinic packets: a cover, one combined "when to call us" page, then each drug's handout, in one PDF.

The packet is one WeasyPrint document: every part is laid out with the same fonts and
the pages are joined before writing, so fonts are embedded once. Each drug's page is
the very layout its own PDF gets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import fit, html, pdf, review, tomlfile
from .build import Context, context, chosen_brand, fitted, in_language
from .atomic import write_atomically
from .errors import BuildError, InputError
from .handout import Cuts, SignGroup, group_signs
from .i18n import N_
from .options import PAPERS, BuildOptions
from .readers.text import item_key
from .record import Item
from .slug import slug
from .workspace import Catalog, Drug

# Sign text one combined page holds at the smallest type, generously (2,500 to 3,500 characters
# measured, with headings); past three such pages, the page is laid out at the floor at once:
# it could not fit one page at any larger type, so stepping down would end at the floor anyway.
FLOOR_PAGE_CHARS = 6000
PAGES_CLEARLY_TOO_LONG = 3

PACKET_KEYS = ("title", "drugs", "regimen", "duplex", "paper", "brand")


@dataclass(frozen=True)
class PacketSpec:
    title: str | None = None
    drugs: tuple[str, ...] = ()
    regimen: str | None = None
    duplex: bool = False
    paper: str | None = None
    brand: str | None = None


@dataclass
class Part:
    title: str
    first_page: int  # 1-based page number in the packet


@dataclass
class PacketResult:
    path: Path
    pages: int
    parts: list[Part]
    missing: list[str] = field(default_factory=list)  # regimen drugs with no handout yet
    failed: list[tuple[str, str]] = field(default_factory=list)  # (drug, why)


@dataclass
class CombinedSign:
    item: Item
    drugs: list[str]


@dataclass
class DrugSigns:
    """The combined page's signs that belong to one set of drugs, packed like a handout's."""

    drugs: list[str]  # as printed
    everyone: bool  # every drug in the packet, when there are several
    groups: list[SignGroup]


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
    lines += [f"    page {part.first_page}: {part.title}" for part in result.parts]
    lines += [f"    no handout yet for {name} (not in sources/)" for name in result.missing]
    lines += [f"FAILED {name}: {why}" for name, why in result.failed]
    return lines


def resolve(catalog: Catalog, spec: PacketSpec, language=None) -> tuple[list[Drug], list[str], str]:
    """The packet's drugs, the regimen drugs that have no handout yet, and the title."""
    names = list(spec.drugs)
    missing: list[str] = []
    title = spec.title
    if spec.regimen:
        regimen = catalog.find_regimen(spec.regimen)
        title = title or _words(language, N_("%(regimen)s: your medicines")) % {"regimen": regimen.name}
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
    return drugs, missing, title or _words(language, N_("Your medicines"))


def _words(language, message: str) -> str:
    """A page word in the packet's language (see i18n.py)."""
    return language.gettext(message) if language else message


def combined_signs(drugs: list[Drug]) -> list[CombinedSign]:
    """Every urgent sign and serious warning of every drug, once, marked with the drugs it belongs to.

    Signs shared by several drugs come first: they matter whichever medicine caused them.
    """
    merged: dict[str, CombinedSign] = {}
    for drug in drugs:
        for item in drug.record.emergency_signs + drug.record.serious_warnings + drug.record.urgent_signs:
            key = item_key(f"{item.title or ''} {item.text}")
            sign = merged.setdefault(key, CombinedSign(item, []))
            if drug.name not in sign.drugs:
                sign.drugs.append(drug.name)
    order = list(merged.values())
    return sorted(order, key=lambda s: -len(s.drugs))


def signs_by_drugs(signs: list[CombinedSign], drugs: list[Drug]) -> list[DrugSigns]:
    """Signs under one heading per set of drugs, so each is marked with its drugs once per
    heading, not on every line, and long runs of short signs pack as densely as on a handout.
    How common a sign is differs between drugs, so the combined page does not group by it."""
    sets: dict[tuple[str, ...], list[Item]] = {}
    for sign in signs:  # shared signs come first, and keep that order
        sets.setdefault(tuple(sign.drugs), []).append(replace(sign.item, frequency=None))
    return [
        DrugSigns([_capitalise(n) for n in names], len(names) == len(drugs) > 1, group_signs(items))
        for names, items in sets.items()
    ]


def make(root: Path, catalog: Catalog, spec: PacketSpec, options: BuildOptions) -> PacketResult:
    options = _merged_options(options, spec)
    ctx = context(root, options, chosen_brand(root, options))
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
    urgent = _combined_page(ctx, [d for d, _ in handouts], made)
    blank = _page(ctx, "packet_blank.html", {}).pages[0]
    pages, parts = _assemble(urgent.pages, handouts, blank, spec.duplex, _words(ctx.language, N_("When to call us right away")))
    cover = _page(ctx, "packet_cover.html", {"title": title, "parts": parts, "made": made})
    all_pages = cover.pages + pages
    path = (options.output or root / "out") / f"packet-{_slug(title)}.pdf"
    document = cover.copy(all_pages)
    write_atomically(pdf.pdf_bytes(document, title + "".join(d.name for d, _ in handouts)), path)
    return PacketResult(path, len(all_pages), [Part(title, 1)] + parts, missing, failed)


def _merged_options(options: BuildOptions, spec: PacketSpec) -> BuildOptions:
    """Command-line options win over the packet file's."""
    return replace(options, paper=options.paper or spec.paper or "", brand=options.brand or spec.brand)


def _assemble(urgent_pages, handouts, blank, duplex: bool, urgent_title: str = "When to call us right away"):
    """Pages after the cover, with each part's first page number; in duplex, blanks keep every
    handout on the front of a sheet (an odd page)."""
    pages = list(urgent_pages)
    parts = [Part(urgent_title, 2)]
    for drug, document in handouts:
        if duplex and (1 + len(pages)) % 2 == 1:  # the next page would be even: a back
            pages.append(blank)
        parts.append(Part(_capitalise(drug.name), 2 + len(pages)))
        pages.extend(document.pages)
    return pages, parts


def _page(ctx: Context, template: str, values: dict):
    markup = ctx.env.get_template(template).render(brand=ctx.brand, paper=ctx.paper, body_pt=html.BODY_PT, **values)
    return ctx.renderer.layout(markup, ctx.root)


def _combined_page(ctx: Context, drugs: list[Drug], made: dt.date | None):
    signs = combined_signs(drugs)

    def layout(cuts: Cuts):
        markup = ctx.env.get_template("packet_urgent.html").render(
            brand=ctx.brand, paper=ctx.paper, body_pt=round(html.BODY_PT * cuts.scale, 2),
            signs=signs, parts=signs_by_drugs(signs, drugs), drugs=[_capitalise(d.name) for d in drugs], made=made,
        )
        return ctx.renderer.layout(markup, ctx.root), markup

    text = sum(len(s.item.text) + len(s.item.title or "") for s in signs)
    return fit.shrink(layout, at_floor=text > FLOOR_PAGE_CHARS * PAGES_CLEARLY_TOO_LONG).document


def _capitalise(name: str) -> str:
    return name[:1].upper() + name[1:]


def _slug(title: str) -> str:
    """The packet's file name, by the same rule as a handout's ("Τα φάρμακά σας" is not "packet-.pdf")."""
    return slug(title, max_length=60) or "packet"
