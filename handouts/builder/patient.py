"""A patient's own packet, from the EHR order: a FHIR Bundle in, a named packet with a treatment
calendar out (and, when asked, a DocumentReference to file it back in the chart).

Protected health information stays in the run: the packet is written owner-only under
out/patients/ (or -o) and named by the order's id; report lines, errors and file names carry the
order's id and the drugs, never the patient's name; nothing about the patient is cached or added
to the manifest. The only files left are the PDF and the DocumentReference asked for.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import i18n
from ..errors import BuildError, InputError
from ..i18n import N_, words
from ..page import calendar
from ..page.combined import printed_name
from ..readers import fhir
from ..workspace import brand as brands
from ..workspace import catalogue, config
from ..workspace.catalogue import Catalog, Drug
from . import filing
from .options import BuildOptions, output_file
from .packet import PacketSpec, Personal, make

PATIENTS = "patients"  # out/patients/: owner-only, one PDF per order


@dataclass
class Plan:
    """The order against the workspace: which handout each drug gets, and what is left out."""

    order: fhir.Order
    drugs: list[tuple[fhir.OrderedDrug, Drug]] = field(default_factory=list)
    left_out: list[fhir.OrderedDrug] = field(default_factory=list)  # not active: cancelled, completed...
    missing: list[fhir.OrderedDrug] = field(default_factory=list)  # no handout in the workspace
    language: str = "en"
    language_note: str | None = None  # the patient's language has no catalogue: made in English


@dataclass
class PatientResult:
    order: str  # the order's key: what every line names
    lines: list[str]
    ok: bool
    path: Path | None = None
    document_reference: Path | None = None


def is_draft(drug: Drug) -> bool:
    """Whether the drug's handout is a draft, not yet approved by a pharmacist.

    TODO(issue 26): approval is not built yet; until it is, no handout is a draft. When it is, this
    answers from the approvals file, and a packet holding a draft is never filed back."""
    return False


def match(catalog: Catalog, ordered: fhir.OrderedDrug) -> Drug | None:
    """The workspace's drug for an ordered one: by RxNorm code where a record names one, else by
    name (generic or brand, salts ignored; "capecitabine 500 MG Oral Tablet" by "capecitabine")."""
    codes = set(ordered.rxnorm)
    if codes:
        found = [d for d in catalog.drugs if codes & set(d.record.rxnorm)]
        if len(found) == 1:
            return found[0]
    for name in ordered.names:
        for candidate in dict.fromkeys((name, ingredient_of(name))):
            try:
                return catalog.find(candidate)
            except InputError:
                continue
    return None


def ingredient_of(name: str) -> str:
    """An RxNorm-style product name's leading words, before the strength: "capecitabine 500 MG ..."."""
    kept = []
    for word in name.split():
        if any(c.isdigit() for c in word):
            break
        kept.append(word)
    return " ".join(kept) or name


def plan(catalog: Catalog, order: fhir.Order, lang: str = "") -> Plan:
    result = Plan(order)
    for ordered in order.drugs:
        if ordered.status not in fhir.ACTIVE:
            result.left_out.append(ordered)
            continue
        drug = match(catalog, ordered)
        if drug is None:
            result.missing.append(ordered)
        elif all(d is not drug for _, d in result.drugs):
            result.drugs.append((ordered, drug))
    result.language, result.language_note = _language(order, lang)
    return result


def _language(order: fhir.Order, lang: str) -> tuple[str, str | None]:
    """--lang, else the patient's preferred language that has a catalogue, else English with a note."""
    if lang:
        return lang, None
    for code in order.languages:
        try:
            return i18n.language(code).code, None
        except InputError:
            continue
    if order.languages and not i18n.is_english(order.languages[0]):
        return "en", (f"the patient's language ({order.languages[0]}) has no catalogue in locale/: "
                      "the packet is in English")
    return "en", None


def report_lines(p: Plan) -> list[str]:
    """What was left out and why: the order's id and the drugs, never the patient."""
    key = p.order.key
    lines = [f"{key}: left out {o.label} ({o.request}): order is {o.status}" for o in p.left_out]
    lines += [f"{key}: no handout for {o.label} ({o.request}{_codes(o)}): add a source for it to sources/ "
              f"(handouts fetch {fhir_name(o)}), or make the packet without it with --partial" for o in p.missing]
    if p.language_note:
        lines.append(f"{key}: {p.language_note}")
    return lines


def fhir_name(ordered: fhir.OrderedDrug) -> str:
    return ingredient_of(ordered.names[0]) if ordered.names else "DRUG"


def _codes(ordered: fhir.OrderedDrug) -> str:
    return f", RxNorm {', '.join(ordered.rxnorm)}" if ordered.rxnorm else ""


def patient_path(root: Path, options: BuildOptions, key: str) -> Path:
    """-o FILE.pdf, else <-o folder or out/patients>/<order id>.pdf; the folder made owner-only."""
    path = output_file(options) or (options.output or root / "out" / PATIENTS) / f"{key}.pdf"
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if folder.name == PATIENTS:
        os.chmod(folder, 0o700)  # an existing folder too: the umask may have opened it
    return path


def personal(p: Plan, catalog_lang: i18n.Language, show_birth_date: bool, path: Path) -> Personal:
    """The cover's details and the calendars, in the packet's language."""
    order = p.order
    notes = []
    if p.missing:
        names = catalog_lang.all_of([o.label for o in p.missing])
        notes.append(words(catalog_lang, N_("Not in this packet: %(drugs)s (no handout yet). Ask your care team about them."))
                     % {"drugs": names})
    if p.language_note:
        notes.append("This packet is in English: your preferred language is not available yet.")
    cover = {
        "name": order.patient_name, "birth_date": order.birth_date if show_birth_date else None,
        "clinic": order.clinic, "prescriber": order.prescriber, "start": order.start, "notes": notes,
    }
    calendars = []
    for ordered, drug in p.drugs:
        for dosing in ordered.dosing:
            schedule = calendar.Schedule(
                start=dosing.start, end=dosing.end, times_per_day=dosing.times_per_day, every_days=dosing.every_days,
                doses=dosing.doses, days_of_cycle=dosing.days_of_cycle, events=dosing.events,
                cycle_days=ordered.cycle_days, cycles=ordered.cycles,
            )
            drawn = calendar.drug_calendar(printed_name(drug.name), schedule, dosing.text, catalog_lang)
            if drawn is not None:
                calendars.append(drawn)
    return Personal(cover=cover, calendars=tuple(calendars), path=path)


@dataclass(frozen=True)
class Filing:
    """--fhir-out and --fhir-url: where the DocumentReference goes (None: not asked)."""

    out: Path | None = None
    url: str | None = None


def make_one(root: Path, catalog: Catalog, bundle: Path, options: BuildOptions, partial: bool = False,
             filing_to: Filing = Filing()) -> PatientResult:
    """One patient's packet from one Bundle: one result, with its lines; never raises for bad input."""
    try:
        order = fhir.read(bundle)
    except InputError as error:
        return PatientResult(bundle.name, [f"FAILED {error}"], ok=False)
    p = plan(catalog, order, options.lang)
    lines = report_lines(p)
    if p.missing and not partial:
        return PatientResult(order.key, lines + [f"FAILED {order.key}: not made: the order has drugs with no handout"],
                             ok=False)
    if not p.drugs:
        return PatientResult(order.key, lines + [f"FAILED {order.key}: not made: no active order has a handout"],
                             ok=False)
    try:
        result, data = _packet(root, catalog, p, options)
    except (InputError, BuildError) as error:
        return PatientResult(order.key, lines + [f"FAILED {order.key}: {error}"], ok=False)
    lines.append(f"{order.key}: packet {result.path} ({result.pages} pages, {p.language})"
                 + (", partial: " + ", ".join(o.label for o in p.missing) + " left out" if p.missing else ""))
    lines += [f"FAILED {order.key}: {name}: {why}" for name, why in result.failed]
    out = PatientResult(order.key, lines, ok=not result.failed, path=result.path)
    if result.failed or not (filing_to.out or filing_to.url):
        return out
    drafts = [d.name for _, d in p.drugs if is_draft(d)]
    if drafts:
        out.lines.append(f"{order.key}: not filed: draft handouts ({', '.join(drafts)}) are never filed in the chart")
        out.ok = False
        return out
    return _file(root, out, order, p, data, result.parts[0].title, filing_to)


def _packet(root: Path, catalog: Catalog, p: Plan, options: BuildOptions):
    options = replace(options, lang=p.language)
    language = i18n.language(p.language)
    brand = brands.load(root, options.brand)
    path = patient_path(root, options, p.order.key)
    # The regimen the order names (a CarePlan's title) titles the packet, as --regimen does.
    title = (words(language, N_("%(regimen)s: your medicines")) % {"regimen": p.order.regimen}
             if p.order.regimen else None)
    spec = PacketSpec(title=title, drugs=tuple(d.name for _, d in p.drugs))
    result = make(root, catalog, spec, options, personal(p, language, brand.patient_birth_date, path))
    return result, result.path.read_bytes()


def _file(root: Path, out: PatientResult, order: fhir.Order, p: Plan, data: bytes, title: str,
          to: Filing) -> PatientResult:
    related = [ordered.request for ordered, _ in p.drugs]
    try:
        document = filing.document_reference(order, data, p.language, title=title, related=related)
        if to.out:
            target = to.out / f"{order.key}.json" if to.out.is_dir() else to.out
            filing.write(document, target)
            out.document_reference = target
            out.lines.append(f"{order.key}: DocumentReference {target}")
    except (InputError, OSError) as error:
        out.lines.append(f"FAILED {order.key}: not filed: {error}")
        out.ok = False
        return out
    if to.url:
        try:
            where = filing.post(document, to.url, config.load(root).fetch)
        except (filing.FilingError, InputError) as error:
            out.lines.append(f"FAILED {order.key}: not filed: {error}")
            out.ok = False
            return out
        out.lines.append(f"{order.key}: filed at {where}")
    return out


def bundles_in(folder: Path) -> list[Path]:
    """The Bundles of a clinic day: the folder's .json files, in name order."""
    found = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".json" and not p.name.startswith("."))
    if not found:
        raise InputError(folder, "no .json FHIR Bundles in this folder")
    return found


def make_many(root: Path, bundles: list[Path], options: BuildOptions, partial: bool = False,
              filing_to: Filing = Filing(), on_result: Callable[[PatientResult], None] | None = None) -> list[PatientResult]:
    """One packet per Bundle, in parallel worker processes (-j), each a result as it is done."""
    jobs = min(options.jobs or os.cpu_count() or 1, len(bundles))
    out_dir = filing_to.out
    if out_dir is not None and len(bundles) > 1:
        out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    if output_file(options) and len(bundles) > 1:
        raise InputError(options.output, "a folder of Bundles makes one packet each: give -o a folder, not a .pdf")
    args = [(root, b, options, partial, filing_to) for b in bundles]
    if jobs <= 1:
        return _collect((_worker(*a) for a in args), on_result)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return _collect(pool.map(_worker, *zip(*args, strict=True)), on_result)


def _collect(produced, on_result) -> list[PatientResult]:
    """The results in Bundle order, each told as soon as it and those before it are done."""
    results = []
    for result in produced:
        results.append(result)
        if on_result:
            on_result(result)
    return results


def _worker(root: Path, bundle: Path, options: BuildOptions, partial: bool, filing_to: Filing) -> PatientResult:
    """In a worker process: the workspace read there (plain data in, plain data out)."""
    return make_one(root, catalogue.load(root), bundle, options, partial, filing_to)


def summary(results: list[PatientResult]) -> str:
    made = sum(1 for r in results if r.ok)
    return f"{made} of {len(results)} patient packet(s) made" + (
        f", {len(results) - made} failed" if made < len(results) else "")
