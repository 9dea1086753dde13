"""The page's own words in the patient's language: message catalogues, dates and numbers.

Every word the templates and the code print on a page is a message in ``locale/<code>.po``
(gettext, read with Babel at run time: no compiled .mo files, nothing to build). English is
the language the messages are written in; ``en.po`` is shipped as the file a translator copies.
Adding a language is adding one ``.po`` file. Dates, numbers and lists ("a, b o c") are
formatted for the language by Babel.

A few messages are not sentences but word lists the code matches against (the words that
mean fever): they have a context (msgctxt "match") and their translation is a list of words
separated by "|".
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import re
from dataclasses import dataclass
from pathlib import Path

from . import assets
from .errors import InputError

# Babel is imported where it is used, not here: `handouts list` and `--help` import this module
# (for N_ and the language codes) and never format a date or read a catalogue.

ENGLISH = "en"
_CODE = re.compile(r"[a-z]{2,3}(?:[_-][A-Za-z]{2})?")
def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined; it is translated where printed."""
    return message


def words(language: Language | None, message: str) -> str:
    """A page word from the code in the page's language; English when there is none."""
    return language.gettext(message) if language else message


def locale_dir() -> Path:
    return assets.builtin_dir("locale")


def catalogue_path(code: str) -> Path:
    return locale_dir() / f"{code}.po"


def available() -> list[str]:
    """Language codes with a shipped catalogue."""
    return sorted(p.stem for p in locale_dir().glob("*.po"))


def normal(code: str | None) -> str:
    """ "es", "es_US" (any case, '-' or '_'); English when none is given."""
    code = (code or ENGLISH).strip().replace("-", "_")
    if not _CODE.fullmatch(code):
        raise InputError(None, f"not a language code: {code!r} (use e.g. 'en' or 'es')")
    base, _, region = code.partition("_")
    return f"{base.lower()}_{region.upper()}" if region else base.lower()


def base(code: str) -> str:
    return normal(code).partition("_")[0]


def is_english(code: str | None) -> bool:
    return base(code or ENGLISH) == ENGLISH


@dataclass(frozen=True)
class Language:
    """One language's catalogue and formats. ``code`` is what was asked for ("es" or "es_US");
    the catalogue is the region's own file if there is one, else the language's."""

    code: str
    translations: gettext.NullTranslations

    @property
    def name(self) -> str:
        from babel import Locale

        return Locale.parse(self.code).get_display_name(ENGLISH)

    @property
    def tag(self) -> str:
        """The BCP 47 tag for <html lang> and the PDF's /Lang: "es", "es-US"."""
        return self.code.replace("_", "-")

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.translations.pgettext(context, message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self.translations.npgettext(context, singular, plural, n)

    def date(self, day: dt.date | None) -> str:
        """ "March 5, 2026"; "5 de marzo de 2026"."""
        from babel.dates import format_date

        return format_date(day, "long", locale=self.code) if day else ""

    def number(self, value: float, decimals: int = 1) -> str:
        from babel.numbers import format_decimal

        return format_decimal(value, "0." + "0" * decimals if decimals else "0", locale=self.code)

    def any_of(self, items: list[str]) -> str:
        """ "a, b, or c"; "a, b o c"."""
        from babel.lists import format_list

        return format_list(list(items), style="or", locale=self.code) if items else ""

    def all_of(self, items: list[str]) -> str:
        from babel.lists import format_list

        return format_list(list(items), locale=self.code) if items else ""

    @property
    def fever_words(self) -> tuple[str, ...]:
        # Translators: the words that mean fever in a list of symptoms, lower case, separated by "|".
        words = self.pgettext("match", "fever")
        return tuple(w.strip().lower() for w in words.split("|") if w.strip())

    def mentions_fever(self, text: str) -> bool:
        text = (text or "").lower()
        return any(re.search(rf"\b{re.escape(w)}", text) for w in self.fever_words)


@functools.cache
def language(code: str | None = None) -> Language:
    """The language ``code`` with its catalogue, or a one-line InputError naming what is missing."""
    from babel import Locale, UnknownLocaleError

    code = normal(code)
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        raise InputError(None, f"unknown language {code!r} (languages: {', '.join(available())})") from None
    for candidate in (code, base(code)):
        path = catalogue_path(candidate)
        if path.is_file():
            return Language(code, _translations(path))
    raise InputError(locale_dir(), f"no catalogue for language {code!r}: the page's words need "
                                   f"locale/{base(code)}.po (languages: {', '.join(available())})")


def _translations(path: Path) -> gettext.GNUTranslations:
    """The .po file read with Babel and handed to gettext as the .mo it would compile to.
    Fuzzy (unreviewed) translations are left out: English is never printed for them
    either, because the catalogue test fails on them."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle, locale=path.stem)
    data = io.BytesIO()
    write_mo(data, catalog, use_fuzzy=False)
    data.seek(0)
    return gettext.GNUTranslations(data)


# Where the page's words are: the built-in templates (Jinja's i18n calls) and the code (N_,
# gettext and the like). Babel reads both the way ``pybabel extract`` would.
EXTRACT_METHODS = [("**.html", "jinja2"), ("**.py", "python")]
EXTRACT_OPTIONS = {"**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true",
                                            "lstrip_blocks": "true"}}
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3)}


def extracted():
    """Every message the page can print, as a Babel Catalog (the .pot a translator starts from)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="handouts", msgid_bugs_address="", charset="utf-8")
    top = assets.templates_dir().parent
    for folder in (assets.templates_dir(), Path(__file__).resolve().parent):
        for filename, lineno, message, comments, context in extract_from_dir(
                folder, method_map=EXTRACT_METHODS, options_map=EXTRACT_OPTIONS, keywords=KEYWORDS,
                comment_tags=("Translators:",)):
            if folder.name == "handouts" and filename.startswith(("readers", "locale")):
                continue  # the readers parse English sources: their words are never printed
            where = (str((folder / filename).relative_to(top)) if (folder / filename).is_relative_to(top)
                     else filename, lineno)
            catalog.add(message, locations=[where], auto_comments=comments, context=context)
    return catalog


def update(code: str) -> Path:
    """Bring ``locale/<code>.po`` up to date with the messages (new ones untranslated; for English
    the message itself). For maintainers: ``python -m handouts.i18n update es``."""
    from babel.messages.pofile import read_po, write_po

    template = extracted()
    path = catalogue_path(code)
    if path.is_file():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=code)
        catalog.update(template, no_fuzzy_matching=True)
    else:
        from babel.messages.catalog import Catalog

        catalog = Catalog(locale=code, project="handouts", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
    if base(code) == ENGLISH:
        for message in catalog:
            if message.id and not message.string:
                message.string = message.id
    catalog.obsolete.clear()
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=False, omit_header=False)
    return path


if __name__ == "__main__":
    import sys

    if len(sys.argv) == 3 and sys.argv[1] == "update":
        print(update(sys.argv[2]))
    else:
        print("usage: python -m handouts.i18n update LANG", file=sys.stderr)
        sys.exit(2)

