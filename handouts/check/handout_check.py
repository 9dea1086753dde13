"""`handouts check`: measure each handout against the standards patients need, figure by figure.

Figures about the page are read from the built PDF itself, not from what we meant to
print. Each figure passes, warns or fails against a stated bar.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2
import readability

from .. import i18n
from ..builder import runner
from ..builder.options import BuildOptions
from ..page import content as handout
from ..page import templating
from ..pdf import fit, readback
from ..record import review, translation
from ..rules import overlap
from ..workspace import contrast
from ..workspace.brand import Brand
from ..workspace.catalogue import Catalog, Drug
from . import bars, roles
from .bars import FAIL, PASS, WARN

# Templates whose own words a patient reads on every handout.
PAGE_TEMPLATES = ("handout.html", "_masthead.html", "_header.html", "_urgent.html", "_phones.html", "_fever.html",
                  "_signs.html", "_side_effects.html", "_reminders.html", "_how_it_works.html", "_dropped.html",
                  "_footer.html")
TEXT_COLOUR = "#111111"  # body text in styles/handout.css
# The Spanish source text's bar, by the name tests/test_i18n.py reads it.
SPANISH_EASE_SOURCE = bars.SPANISH_SOURCE_EASE.warn


@dataclass
class Figure:
    name: str
    status: str
    value: str
    bar: str
    detail: str = ""


@dataclass
class DrugReport:
    drug: str
    figures: list[Figure] = field(default_factory=list)

    @property
    def status(self) -> str:
        statuses = {f.status for f in self.figures}
        return FAIL if FAIL in statuses else WARN if WARN in statuses else PASS


def check(root: Path, catalog: Catalog, names, options: BuildOptions, as_of: dt.date) -> tuple[Brand, list[DrugReport]]:
    drugs = runner.select(runner.in_language(root, catalog, options), names)
    brand = runner.chosen_brand(root, options)
    reports = []
    with tempfile.TemporaryDirectory(prefix="handouts-check-") as temp:
        # Handouts a build fitted from these very inputs are laid out once, with the build's fit.
        ctx = runner.context(root, replace(options, output=Path(temp)), brand, fits_from=options.output or root / "out")
        shared = _brand_figures(brand) + [_template_grade(ctx.env, ctx.language)]
        for drug in drugs:
            report = _check_drug(drug, ctx, shared, as_of)
            report.figures += _translation_figures(catalog, drug)
            reports.append(report)
    return brand, reports


def _translation_figures(catalog: Catalog, drug: Drug) -> list[Figure]:
    """A translated record against its original: no urgent sign lost, not older than the original."""
    if drug.record.translation is None:
        return []
    original = translation.original_of(catalog, drug)
    if original is None:
        return [Figure("translation: original", FAIL, "not found", "the record it translates in sources/",
                       f"translates {drug.record.translation.generic_name!r}, which no English record is about")]
    # By name, not by position: the emergency signs' line is there only where a record has them.
    bars = {f"translation: {name}": f"every {name[:-1]} translated" for name in translation.TIER_NAMES.values()}
    bars["translation: up to date"] = "translated from the original's latest review"
    return [Figure(name, PASS if f.ok else FAIL, f.value, bars[name], f.detail)
            for name, f in translation.compare(original.record, drug.record)]


def _check_drug(drug: Drug, ctx: runner.Context, shared: list[Figure], as_of: dt.date) -> DrugReport:
    result = runner.build_drug(drug, ctx)
    report = DrugReport(drug.name)
    if not result.ok:
        report.figures.append(Figure("built", FAIL, "no", "a one-page PDF", result.message))
        return report
    page = readback.inspect(result.path)
    words = roles.parts(ctx.env, ctx.language)
    report.figures += [
        _figure("pages", page.pages == bars.PAGES, str(page.pages), bars.PAGES_TEXT),
        _urgent_first(page.text, drug, "urgent block first (text)", words),
        _urgent_first(page.tagged_text, drug, "urgent block first (tags)", words),
        *_type_sizes(page, words),
        _printable(page),
        _figure("files attached", not page.attachments, str(len(page.attachments or [])), "none: a handout carries "
                "no file", ", ".join(page.attachments or [])),
        _smallest_glyph(page),
        *shared,
        _fitted(result),
        *_empty_space(drug, ctx, result),
        _overlaps(drug),
        *_links(drug, ctx.brand),
        _overridden(drug),
        *_source_grades(drug),
        *_freshness(drug, as_of),
    ]
    return report


def _figure(name: str, ok: bool, value: str, bar: str, detail: str = "") -> Figure:
    return Figure(name, PASS if ok else FAIL, value, bar, detail)


def _urgent_first(text: str, drug: Drug, name: str, words: roles.Parts) -> Figure:
    """The urgent heading and every urgent item come before every other section."""
    start = _find(text, words.urgent)
    others = [i for i in (_find(text, h) for h in words.others) if i >= 0]
    end = min(others, default=_find(text, words.footer))
    if start < 0 or (others and min(others) < start):
        return _figure(name, False, "heading not first", "urgent heading before every other section")
    record = drug.record
    stop = end if end >= 0 else len(text)
    # Emergency signs open the urgent block, above its "call your care team" heading.
    missing = [it.text for it in record.emergency_signs if not 0 <= text.find(readback.fold(it.text)) < stop]
    missing += [it.text for it in record.serious_warnings + record.urgent_signs
                if not 0 <= start < text.find(readback.fold(it.text)) < stop]
    detail = f"not in the urgent block: {missing[0]!r}" + (f" and {len(missing) - 1} more" if len(missing) > 1 else "") if missing else ""
    return _figure(name, not missing, f"{len(record.emergency_signs + record.serious_warnings + record.urgent_signs) - len(missing)} urgent items in place",
                   "heading and every urgent item before other sections", detail)


def _type_sizes(page: readback.Inspection, words: roles.Parts) -> list[Figure]:
    """Smallest type of the urgent items and of the body, from the characters on the page."""
    def top_of(phrase: str) -> float | None:
        return _phrase_top(page.chars, phrase)

    urgent_top = top_of(words.urgent)
    ends = [t for t in (top_of(h) for h in (*words.others, words.footer)) if t is not None]
    footer_top = top_of(words.footer) or page.page_height
    urgent_end = min((t for t in ends if urgent_top is None or t > urgent_top), default=footer_top)
    # The text of an SVG logo is the logo's lettering, drawn inside its Figure: not the handout's type.
    visible = [c for c in page.chars if c.text.strip() and c.top < footer_top and c.tag != "Figure"]
    urgent = [c.size for c in visible if urgent_top is not None and urgent_top <= c.top < urgent_end]
    body = [c.size for c in visible]
    return [_size_figure("smallest urgent type", urgent, bars.URGENT_TYPE),
            _size_figure("smallest body type", body, bars.BODY_TYPE)]


def _printable(page: readback.Inspection) -> Figure:
    """Every glyph box at least the printable margin inside each edge of the paper, on every page."""
    near = page.near_edge(bars.PRINTABLE.fail)
    detail = ""
    if near:
        where = ", ".join(f"{c.text!r} on page {c.page} at x {c.x0:.1f}-{c.x1:.1f}, y {c.top:.1f}-{c.bottom:.1f} pt"
                          for c in near[:3])
        detail = where + (f" and {len(near) - 3} more" if len(near) > 3 else "")
    return _figure("printable area", not near, bars.PRINTABLE_VALUE.format(b=bars.PRINTABLE, count=len(near)),
                   bars.PRINTABLE.shown(), detail)


def _smallest_glyph(page: readback.Inspection) -> Figure:
    """The smallest printed character anywhere on the page: footer and QR caption included."""
    char, bar = page.smallest(), bars.SMALLEST_GLYPH
    if char is None:
        return Figure("smallest glyph", FAIL, "none found", bar.floor)
    return _figure("smallest glyph", bar.meets(char.size), f"{char.size:.1f} pt", bar.shown(),
                   f"{char.text!r} on page {char.page}")


def _empty_space(drug: Drug, ctx: runner.Context, result: runner.Result) -> list[Figure]:
    """When content was left out, the room left above the footer: less than one body line, or,
    where more is left, room that nothing left out fits in. That is told by laying each item
    out given back (only then: a layout each); one that fits is a warning, named."""
    if not result.dropped:
        return []
    line = templating.BODY_PT * result.scale * fit.LINE_HEIGHT
    name, value = "empty space with content left out", f"{result.empty_pt:.1f} pt"
    bar = bars.EMPTY_SPACE.shown(line=line)
    if result.empty_pt < bars.EMPTY_SPACE.warn * line:
        return [Figure(name, PASS, value, bar)]
    tried = runner.left_out_room(drug, ctx, result)
    fitting = [handout.item_name(drug.record, t.item) for t in tried if t.fits]
    if fitting or not tried:
        return [Figure(name, WARN, value, bar, f"would fit: {', '.join(fitting)}" if fitting
                       else "not told: no fit to lay out again")]
    least = min(t.overflow for t in tried) * fit.PT_PER_PX
    return [Figure(name, PASS, value, bar, f"each of the {len(tried)} items left out, given back at this type, "
                   f"overflows the page (the least by {least:.1f} pt)")]


def _overlaps(drug: Drug) -> Figure:
    """Side effects that still name a symptom of the urgent tiers, each reported: those with a
    pointer to the urgent box pass, any other warns."""
    resolution = overlap.resolve(drug.record)
    left = overlap.overlaps_left(drug.record, resolution.shown)
    loose = [e for e in left if "without a pointer" in e] + [f"{it.text!r} ({why})" for it, why in resolution.unresolved]
    removed = [f"{it.text!r}" for it, _ in resolution.dropped]
    value = f"{len(left) + len(resolution.unresolved)} left ({len(loose)} without a pointer); {len(removed)} side effects not repeated"
    detail = "; ".join(filter(None, ["; ".join(left + [f"{it.text!r} ({why})" for it, why in resolution.unresolved]),
                                     f"not repeated: {', '.join(removed)}" if removed else ""]))
    return Figure("overlaps between tiers", WARN if loose else PASS, value,
                  "no symptom both urgent and 'tell us if it bothers you' without a pointer", detail)


def _links(drug: Drug, brand: Brand) -> list[Figure]:
    """What the QR code opens, and every source address that may not go into one."""
    figures = []
    for source in drug.record.sources:
        if source.url and not handout.is_web_address(source.url):
            figures.append(Figure(f"address: {source.publisher or source.title or source.key}", WARN,
                                  f"not a web address: {source.url[:60]!r}", "http:// or https://",
                                  "left out of the QR code"))
    target = handout.link(drug.record, brand.more_info_url, brand.clinic)
    figures.append(Figure("QR code", PASS, f"{target.url} ({target.name})" if target else "none",
                          "opens what its sentence names", "" if target else "no source or brand has a web address"))
    return figures


def _find(text: str, phrase: str) -> int:
    """Where ``phrase`` starts in ``text``; -1 when it is not there, or there is none to look for
    (a part whose element no template prints)."""
    return text.find(phrase) if phrase else -1


def _phrase_top(chars: list[readback.Char], phrase: str) -> float | None:
    index = _find("".join(c.text for c in chars), phrase)
    return chars[index].top if index >= 0 else None


def _size_figure(name: str, sizes: list[float], bar: bars.Bar) -> Figure:
    if not sizes:
        return Figure(name, FAIL, "none found", bar.floor)
    smallest = min(sizes)
    return Figure(name, bar.status(smallest), f"{smallest:.1f} pt", bar.shown())


def _brand_figures(brand: Brand) -> list[Figure]:
    pairs = [("body text on white", TEXT_COLOUR, "#ffffff"), ("headings (primary) on white", brand.primary, "#ffffff"),
             ("white on the urgent bar (accent)", "#ffffff", brand.accent)]
    figures = []
    for name, fg, bg in pairs:
        ratio = contrast.ratio(contrast.rgb(fg), contrast.rgb(bg))
        figures.append(Figure(f"contrast: {name}", bars.CONTRAST.status(ratio), f"{ratio:.1f}:1", bars.CONTRAST.shown()))
    if brand.write_in_numbers:
        figures.append(Figure("number to call", PASS, "write-in lines", "a daytime phone, or lines to write it on"))
    else:
        figures.append(_figure("number to call", bool(brand.phone_day), brand.phone_day or "missing", "a daytime phone"))
        after = brand.phone_after_hours
        figures.append(Figure("after-hours number", PASS if after else WARN, after or "missing", "an after-hours phone"))
    return figures


def _fitted(result: runner.Result) -> Figure:
    changes = ([f"type at {result.scale:.0%}"] if result.scale < bars.FULL_SIZE_SCALE else []) + [f"left out {d}" for d in result.dropped]
    return Figure("fitted as written", WARN if changes else PASS, "; ".join(changes) or "nothing shrunk or left out",
                  bars.FULL_SIZE_TEXT, "")


def _overridden(drug: Drug) -> Figure:
    """Urgent items the raw sources give that a hand-written YAML record left out."""
    notes = [n for n in drug.record.notes if n.startswith(("urgent_signs:", "serious_warnings:"))]
    return Figure("urgent items from every source", WARN if notes else PASS,
                  "; ".join(notes) or "all on the handout", "every source's urgent items on the page")


def grade(fragments: list[str], lang: str = "en") -> float | None:
    """Flesch-Kincaid grade of short texts, each taken as one sentence; for Spanish, the
    Fernández-Huerta reading ease (0 to 100, higher is easier: see ``spanish_grade``)."""
    sentences = [f.strip() for f in fragments if re.search(r"[^\W\d_]", f or "")]
    if not sentences:
        return None
    if i18n.base(lang) == "es":
        return spanish_ease(sentences)
    # The library wants one sentence per line.
    text = "\n".join(re.sub(r"\s+", " ", s) for s in sentences)
    return readability.getmeasures(text, lang="en")["readability grades"]["Kincaid"]


def spanish_ease(sentences: list[str]) -> float:
    """Fernández-Huerta reading ease of Spanish sentences, from textstat (offline for Spanish:
    its syllables come from Pyphen's dictionary; only English needs a downloaded one)."""
    text = " ".join(s if s.rstrip()[-1:] in ".!?" else s.rstrip() + "." for s in sentences)
    text = re.sub(r"\s+", " ", text)
    try:  # textstat 0.7.13 and later: the language per call, no global state
        from textstat.backend.metrics import fernandez_huerta

        return float(fernandez_huerta(text, "es"))
    except ImportError:
        import textstat

        textstat.set_lang("es")
        return float(textstat.fernandez_huerta(text))


def _grade_figure(name: str, value: float, lang: str, source: bool) -> Figure:
    """A reading grade figure: Flesch-Kincaid for English, Fernández-Huerta for Spanish."""
    if i18n.base(lang) == "es":
        bar = bars.SPANISH_SOURCE_EASE if source else bars.SPANISH_TEMPLATE_EASE
        return Figure(name, bar.status(value), f"{value:.1f} (Fernández-Huerta)", bar.shown())
    bar = bars.SOURCE_GRADE if source else bars.TEMPLATE_GRADE
    return Figure(name, bar.status(value), f"{value:.1f}", bar.shown())


def _source_grades(drug: Drug) -> list[Figure]:
    record = drug.record
    sections = {
        "warnings and urgent signs": record.emergency_signs + record.serious_warnings + record.urgent_signs,
        "side effects": record.side_effects,
        "safety reminders": record.reminders,
        "how it works": [record.how_it_works] if record.how_it_works else [],
    }
    figures = []
    for name, items in sections.items():
        lang = handout.record_language(record)
        value = grade([s for it in items for s in _sentences(it.text)], lang)
        if value is not None:
            figures.append(_grade_figure(f"reading grade: {name}", value, lang, source=True))
    return figures


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;!?])\s+", text) if s]


def template_words(env: jinja2.Environment, names=PAGE_TEMPLATES) -> list[str]:
    """The words the templates themselves print, with Jinja and HTML taken out."""
    fragments = []
    for name in names:
        source, _, _ = env.loader.get_source(env, name)
        source = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}|<style.*?</style>|<svg.*?</svg>", "\n", source, flags=re.S)
        source = html.unescape(re.sub(r"<[^>]+>", "\n", source))  # "&bull;" is a bullet, not a word
        fragments += [f for f in (line.strip(" ()\u00a0\u2022\u00b7") for line in source.splitlines()) if f]
    return fragments


def _template_grade(env: jinja2.Environment, language: i18n.Language | None = None) -> Figure:
    """The hardest template's own words: pooled over every template, one hard sentence in an
    override is lost among the labels of the others. On a page in another language, its words
    are the catalogue's translations of the templates' messages."""
    if language is not None and not i18n.is_english(language.code):
        return _catalogue_grade(language)
    grades = {}
    for name in PAGE_TEMPLATES:
        words = template_words(env, (name,))
        if sum(len(w.split()) for w in words) >= bars.GRADED_WORDS:
            grades[name] = grade(words) or 0.0
    worst = max(grades, key=grades.get, default=None)
    value = grades[worst] if worst else 0.0
    figure = _grade_figure("reading grade: template's own words", value, "en", source=False)
    return replace(figure, detail=f"hardest: {worst}" if worst else "")


def _catalogue_grade(language: i18n.Language) -> Figure:
    """The reading grade of the page's own words in ``language``: each sentence of the catalogue
    the page templates print, with its placeholders taken out."""
    sentences = []
    for message in i18n.extracted():
        if not message.id or message.context or not any(loc.startswith("templates/_") for loc, _ in message.locations):
            continue
        text = re.sub(r"%\(\w+\)s", "", language.gettext(message.id)).strip(" :")
        if len(text.split()) >= 3:
            sentences.append(text)
    value = grade(sentences, language.code)
    if value is None:
        return Figure("reading grade: template's own words", PASS, "no sentences", "")
    figure = _grade_figure("reading grade: template's own words", value, language.code, source=False)
    return replace(figure, detail=f"{len(sentences)} sentences of locale/{i18n.base(language.code)}.po")


def _freshness(drug: Drug, as_of: dt.date) -> list[Figure]:
    figures = []
    for source in drug.record.sources:
        label = source.publisher or source.title or source.key
        due = review.due_date(source)
        if source.last_reviewed is None:
            figures.append(Figure(f"freshness: {label}", WARN, "no review date", "a review date, not overdue"))
        elif due is not None and due < as_of:
            figures.append(Figure(f"freshness: {label}", WARN, f"overdue since {due}", "a review date, not overdue",
                                  f"last reviewed {source.last_reviewed}, {source.review_frequency}"))
        else:
            figures.append(Figure(f"freshness: {label}", PASS, f"reviewed {source.last_reviewed}" + (f", due {due}" if due else ""),
                                  "a review date, not overdue"))
        # The clinic's own words (kind: clinic) are cited by who checked them, not by an address.
        clinic = source.kind == "clinic"
        needed = ("publisher", "reviewed_by") if clinic else ("publisher", "url", "license")
        missing = [k for k in needed if not getattr(source, k, None)]
        figures.append(Figure(f"citation: {label}", WARN if missing else PASS,
                              "missing " + ", ".join(missing) if missing else "complete",
                              "publisher and reviewer" if clinic else "publisher, address and licence"))
    return figures


def summary(reports: list[DrugReport], strict: bool) -> dict:
    counts = {s: sum(r.status == s for r in reports) for s in (PASS, WARN, FAIL)}
    failed = counts[FAIL] + (counts[WARN] if strict else 0)
    return {**counts, "ok": failed == 0}


def report_data(brand: Brand, reports: list[DrugReport], as_of: dt.date, strict: bool) -> dict:
    """The --json shape (documented in README.md): add keys, never rename."""
    return {
        "as_of": as_of.isoformat(),
        "brand": brand.name,
        "strict": strict,
        "drugs": [
            {"drug": r.drug, "status": r.status,
             "figures": [f.__dict__ for f in r.figures]}
            for r in reports
        ],
        "summary": summary(reports, strict),
    }


def report_lines(reports: list[DrugReport], strict: bool) -> list[str]:
    lines = []
    for report in reports:
        lines.append(f"{report.drug}: {report.status.upper()}")
        for f in report.figures:
            detail = f" - {f.detail}" if f.detail else ""
            lines.append(f"  {f.status.upper():4} {f.name}: {f.value} (bar: {f.bar}){detail}")
    s = summary(reports, strict)
    lines.append(f"{s[PASS]} pass, {s[WARN]} warn, {s[FAIL]} fail" + (" (strict: warnings fail)" if strict else ""))
    return lines
