"""A clinic's identity on the page: name, numbers, colours and the rules it prints by.

A brand is a folder ``styles/brands/<name>/`` holding ``brand.toml`` and, optionally,
``brand.css``, a logo, a font and template overrides. Brands are looked up in the
workspace first, then among the built-in ones. Everything is checked before a single
page is built, so nothing is ever printed with half a brand.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from xml.etree import ElementTree

from .. import assets
from ..errors import InputError
from . import asset_refs, contrast, tomlfile

BRAND_FILE = "brand.toml"
DEFAULT_NAME = "default"
PAPERS = ("letter", "a4")

# A brand's name is a folder name, never a path: "../x" would load a brand from outside the
# workspace (its CSS and logo then sit outside the renderer's sandbox).
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class Brand:
    name: str = DEFAULT_NAME
    clinic: str | None = None
    department: str | None = None
    address: str | None = None
    phone_day: str | None = None
    phone_after_hours: str | None = None
    write_in_phones: bool = True  # print lines to write the care team's numbers on by hand
    patient_birth_date: bool = False  # a packet made from an EHR order prints the date of birth
    emergency: str | None = None  # None: the catalogue's "In an emergency, call 911 ...", in the page's language
    website: str | None = None
    logo: Path | None = None
    primary: str = "#1d3557"
    accent: str = "#9b1c1c"
    font: Path | None = None  # the regular face
    font_bold: Path | None = None
    font_italic: Path | None = None
    font_bold_italic: Path | None = None
    fever_f: float | None = None
    fever_c: float | None = None
    footer: str | None = None
    more_info_url: str | None = None  # where the QR code leads when no source lists the side effects in full
    paper: str = "letter"
    folder: Path | None = None  # for brand.css and template overrides
    warnings: tuple[str, ...] = field(default=(), compare=False)
    # Per-language forms of the brand's texts, from `emergency.es = "..."`: (key, language, text).
    texts: tuple[tuple[str, str, str], ...] = ()

    def in_language(self, code: str) -> Brand:
        """The brand with its texts in language ``code``: a text the brand sets in English must
        have that language's form (emergency, footer, department); names and addresses may not."""
        from ..i18n import base, is_english

        if is_english(code):
            return self
        values, missing = {}, []
        for key in LANGUAGE_KEYS:
            forms = {lang: text for k, lang, text in self.texts if k == key}
            text = forms.get(code) or forms.get(base(code))
            if text:
                values[key] = text
            elif getattr(self, key) and key in MUST_TRANSLATE:
                missing.append(key)
        if missing:
            where = self.folder / BRAND_FILE if self.folder else None
            raise InputError(where, f"{missing[0]} has no form in language {base(code)!r} (nothing is printed half "
                                    f"in English): {write_form(missing[0], base(code))}")
        return replace(self, **values)

    # What the masthead's <img> shows: the SVG's file: address, or a JPEG or PNG logo as a
    # PNG data: address (turned upright, sized for print). The logo file itself is in ``logo``.
    logo_uri: str | None = field(default=None, compare=False, repr=False)

    @property
    def faces(self) -> list[dict]:
        """The brand font's faces as @font-face rules need them: file, weight, style."""
        found = [(self.font, 400, "normal"), (self.font_bold, 700, "normal"),
                 (self.font_italic, 400, "italic"), (self.font_bold_italic, 700, "italic")]
        return [{"src": path, "weight": weight, "style": style} for path, weight, style in found if path]

    def missing_faces(self) -> list[str]:
        """The brand font's keys for faces the templates use but the brand does not give."""
        if not self.font:
            return []
        return [key for key in USED_FACES if getattr(self, key) is None]

    @property
    def write_in_numbers(self) -> bool:
        return self.write_in_phones and not self.phone_day

    @property
    def css(self) -> Path | None:
        path = self.folder / "brand.css" if self.folder else None
        return path if path and path.is_file() else None

    @property
    def fever(self) -> str | None:
        """The clinic's fever threshold as printed: "100.4 °F (38.0 °C) or higher"."""
        if self.fever_f is None:
            return None
        return f"{self.fever_f:.1f} °F ({self.fever_c:.1f} °C) or higher"


DEFAULT = Brand()
# Texts a brand may give per language (`footer.es = "..."`); those it must give for a language it prints in.
LANGUAGE_KEYS = ("clinic", "department", "address", "emergency", "footer")
MUST_TRANSLATE = ("department", "emergency", "footer")

# Keys of brand.toml: every Brand field a clinic sets (not the ones we derive).
TOML_KEYS = tuple(f.name for f in fields(Brand) if f.name not in ("name", "folder", "warnings", "texts", "logo_uri"))

# The faces styles/handout.css prints with: regular, bold (weight 700: headings, the urgent titles,
# the disclaimer) and italic (lead-ins, pronunciation). A brand font without one of them has that
# text faked from the regular face (smeared or slanted, and pdffonts still says "Bold"):
# `handouts brands` warns, --strict fails.
USED_FACES = ("font_bold", "font_italic")
FONT_KINDS = (".woff2", ".woff", ".ttf", ".otf")
LOGO_KINDS = (".svg", ".png", ".jpg", ".jpeg")
# A raster logo is printed 0.42 in tall: 300 px is over 700 dpi, and keeps the PDF small.
LOGO_MAX_PX = (1500, 300)

# What to write, for each key: the example every message about that key ends with.
EXAMPLES = {
    "clinic": 'clinic = "Northside Cancer Center"',
    "department": 'department = "Hematology and Oncology Clinic"',
    "address": 'address = "1200 Example Avenue, Springfield"',
    "phone_day": 'phone_day = "(555) 010-0140"',
    "phone_after_hours": 'phone_after_hours = "(555) 010-0199"',
    "write_in_phones": "write_in_phones = true",
    "patient_birth_date": "patient_birth_date = true",
    "emergency": 'emergency = "If you have trouble breathing, call 911."',
    "website": 'website = "northside.example.org"',
    "logo": 'logo = "logo.svg" (an SVG, PNG or JPEG file in the brand folder)',
    "primary": 'primary = "#1d3557"',
    "accent": 'accent = "#9b1c1c"',
    "font": 'font = "MyFont-Regular.ttf" (a .ttf, .otf, .woff or .woff2 file in the brand folder)',
    "font_bold": 'font_bold = "MyFont-Bold.ttf"',
    "font_italic": 'font_italic = "MyFont-Italic.ttf"',
    "font_bold_italic": 'font_bold_italic = "MyFont-BoldItalic.ttf"',
    "fever_f": "fever_f = 100.4",
    "fever_c": "fever_c = 38.0",
    "footer": 'footer = "Questions? Call the pharmacy team."',
    "more_info_url": 'more_info_url = "https://northside.example.org/medicines"',
    "paper": 'paper = "letter" (or "a4")',
}


def write(key: str) -> str:
    """ "write fever_f = 100.4": the end of every message about ``key``."""
    return f"write {EXAMPLES[key]}"


def write_form(key: str, code: str) -> str:
    """ "write emergency.es = \"...\"": the example for a text's form in language ``code``."""
    return f'write {key}.{code} = "..." (the {key} in that language; {key} itself stays the English)'


def brand_dirs(root: Path) -> list[Path]:
    """Where brands live, first match wins: the workspace, then the built-in ones."""
    dirs = [root / "styles" / "brands", assets.styles_dir() / "brands"]
    unique: list[Path] = []
    for d in dirs:
        if d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


def available(root: Path) -> list[Path]:
    """Every brand folder, by name (a workspace brand hides a built-in one of the same name)."""
    found: dict[str, Path] = {}
    for parent in brand_dirs(root):
        if parent.is_dir():
            for folder in sorted(parent.iterdir()):
                if (folder / BRAND_FILE).is_file():
                    found.setdefault(folder.name, folder)
    return list(found.values())


def load(root: Path, name: str | None) -> Brand:
    """The named brand (default: the neutral one), fully checked, or an InputError."""
    name = name or DEFAULT_NAME
    if not _NAME.fullmatch(name):
        raise InputError(root / "styles" / "brands", f"not a brand name: {name!r} (a folder name: letters, digits, '-', '_')")
    for parent in brand_dirs(root):
        folder = parent / name
        if (folder / BRAND_FILE).is_file():
            return read(folder, root)
    known = ", ".join(p.name for p in available(root)) or "none"
    raise InputError(root / "styles" / "brands" / name, f"no brand called {name!r} (brands: {known})")


def read(folder: Path, root: Path) -> Brand:
    path = folder / BRAND_FILE
    data = tomlfile.read(path, TOML_KEYS)
    texts = _language_forms(path, data)
    values = {key: _value(path, key, data[key]) for key in data}
    values["texts"] = texts
    if "font" not in values and any(k in values for k in ("font_bold", "font_italic", "font_bold_italic")):
        raise InputError(path, f"font_bold or font_italic without font (the regular face): {write('font')}")
    values.update(_paths(folder, path, values, root))
    values.update(_fever(path, values))
    brand = Brand(name=folder.name, folder=folder, **values)
    _check_colours(path, brand)
    warnings = _check_phones(path, brand) + [_missing_face_warning(path, key) for key in brand.missing_faces()]
    asset_refs.check_folder(folder, _allowed_roots(root, folder))
    return Brand(**{**brand.__dict__, "warnings": tuple(warnings), "logo_uri": _logo_uri(path, brand.logo)})


def _missing_face_warning(path: Path, key: str) -> str:
    what = "bold (headings, the urgent titles)" if key == "font_bold" else "italic (lead-ins, how to say the name)"
    return (f"{path}: the brand font has no {key[5:]} face: its {what} text would be faked from the regular "
            f"face; {write(key)}")


def require_faces(brand: Brand) -> None:
    """For --strict: every face the templates use, or an InputError naming the first one missing."""
    missing = brand.missing_faces()
    if missing:
        path = brand.folder / BRAND_FILE if brand.folder else None
        raise InputError(path, _missing_face_warning(path, missing[0]).split(": ", 1)[1] + " (--strict)")


def _language_forms(path: Path, data: dict) -> tuple[tuple[str, str, str], ...]:
    """Take `emergency = {en = "...", es = "..."}` (written `emergency.es = "..."`) out of ``data``:
    its English form stays the text, the others are returned."""
    from ..i18n import normal

    forms = []
    for key in LANGUAGE_KEYS:
        if not isinstance(data.get(key), dict):
            continue
        table = data.pop(key)
        for code, text in table.items():
            try:
                code = normal(code)
            except InputError:
                raise InputError(path, f"{key}.{code}: not a language code: {write_form(key, 'es')}") from None
            if not isinstance(text, str) or not text.strip():
                raise InputError(path, f"{key}.{code} must be text in quotes: {write_form(key, code)}")
            if code == "en":
                data[key] = text
            else:
                forms.append((key, code, text.strip()))
    return tuple(forms)


def _allowed_roots(root: Path, folder: Path) -> list[Path]:
    """Where a brand's CSS, templates and logo may point: the workspace, the brand, the built-in styles."""
    return [root, folder, assets.styles_dir()]


_TYPES = {"write_in_phones": bool, "patient_birth_date": bool, "fever_f": (int, float), "fever_c": (int, float)}


def _value(path: Path, key: str, value):
    expected = _TYPES.get(key, str)
    if isinstance(value, bool) and expected is not bool or not isinstance(value, expected):
        kind = {bool: "true or false", str: "text in quotes"}.get(expected, "a number")
        raise InputError(path, f"{key} must be {kind}: {write(key)}")
    if key == "more_info_url" and not re.fullmatch(r"https?://[^\s/]+\S*", value.strip()):
        raise InputError(path, f"more_info_url must be a web address (http:// or https://), not {value!r}")
    if key == "paper" and value not in PAPERS:
        raise InputError(path, f"paper must be one of {', '.join(PAPERS)}, not {value!r}: {write(key)}")
    return value.strip() if isinstance(value, str) else value


def _paths(folder: Path, path: Path, values: dict, root: Path) -> dict:
    out = {}
    keys = [("logo", LOGO_KINDS)] + [(k, FONT_KINDS) for k in ("font", "font_bold", "font_italic", "font_bold_italic")]
    for key, kinds in keys:
        if key not in values:
            continue
        target = (folder / values[key]).resolve()
        if not target.is_relative_to(folder.resolve()):
            raise InputError(path, f"{key} must be a file inside the brand folder, not {values[key]!r}: "
                                   f"copy it there and {write(key)}")
        if target.suffix.lower() not in kinds:
            names = ", ".join(k[1:].upper() for k in kinds if k != ".jpeg")
            raise InputError(path, f"{key} must be a {names} file: {values[key]!r}")
        if not target.is_file():
            raise InputError(path, f"{key} file not found: {values[key]} (put it beside brand.toml)")
        if key == "logo":
            _check_logo(path, target, _allowed_roots(root, folder))
        out[key] = target
    return out


def _check_logo(path: Path, logo: Path, allowed_roots: list[Path]) -> None:
    try:
        data = logo.read_bytes()
    except OSError as exc:
        raise InputError(path, f"logo cannot be read: {exc.strerror or exc}") from None
    if logo.suffix.lower() == ".svg":
        # Up front, like brand.css: an SVG can load other images and stylesheets.
        asset_refs.check_svg(logo, data, allowed_roots, report_as=path)
    # Decode it, not just sniff the first bytes: a truncated PNG or a broken SVG passed the
    # old signature check and then failed only inside WeasyPrint, handout by handout.
    kind = "SVG" if logo.suffix.lower() == ".svg" else "PNG" if logo.suffix.lower() == ".png" else "JPEG"
    if kind != "SVG":
        _check_pixels(path, logo, data)
    if not (_svg_ok(data) if kind == "SVG" else _raster_ok(data, kind)):
        raise InputError(path, f"logo is not a readable {kind} image: {logo.name}")


# The most pixels a PNG or JPEG logo may have, counted from its header before it is decoded: a
# 20 KB PNG of 13,000 x 13,000 pixels decoded to 1 GB. A 5,000 x 5,000 logo is 100 MB decoded
# and prints at 500 dpi across the page; a logo is printed a few centimetres wide.
MAX_LOGO_PIXELS = 25_000_000


def _check_pixels(path: Path, logo: Path, data: bytes) -> None:
    from PIL import Image

    size = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # judged here, in one line
            with Image.open(io.BytesIO(data)) as image:  # reads the header only
                size = f"{image.size[0]:,} x {image.size[1]:,} pixels"
                pixels = image.size[0] * image.size[1]
    except Image.DecompressionBombError:  # past twice Pillow's own bound
        pixels = MAX_LOGO_PIXELS + 1
    except Exception:  # noqa: BLE001 - not an image: _raster_ok says so
        return
    if pixels > MAX_LOGO_PIXELS:
        raise InputError(path, f"logo {logo.name} is {size or 'far too many pixels'}, more than "
                         f"{MAX_LOGO_PIXELS:,} pixels in all: save it smaller (a logo prints a few centimetres wide)")


_SIGNATURES = {"PNG": b"\x89PNG\r\n\x1a\n", "JPEG": b"\xff\xd8\xff"}


def _raster_ok(data: bytes, kind: str) -> bool:
    from PIL import Image  # WeasyPrint's own dependency

    if not data.startswith(_SIGNATURES[kind]):
        return False
    try:
        # verify() reads every chunk and checks its CRC, up to IEND: a truncated file fails here.
        # (load() alone would not: WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES, and then
        # prints a half-missing logo without a warning.)
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except Exception:  # Pillow raises many types for bad data
        return False
    return True


def _logo_uri(path: Path, logo: Path | None) -> str | None:
    """The masthead's image address: an SVG as its file; a PNG or JPEG re-encoded as a PNG data:
    address, turned the way its EXIF orientation says (phone photos of a sign are stored sideways)
    and no larger than print needs (a 4000-pixel photo would make every PDF megabytes)."""
    if logo is None:
        return None
    if logo.suffix.lower() == ".svg":
        return logo.absolute().as_uri()
    import base64

    from PIL import Image, ImageOps

    try:
        with Image.open(logo) as image:
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB")
            image.thumbnail(LOGO_MAX_PX)
            out = io.BytesIO()
            image.save(out, "PNG", optimize=True)
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types for bad data
        raise InputError(path, f"logo cannot be read: {logo.name} ({exc})") from None
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _svg_ok(data: bytes) -> bool:
    try:
        element = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return False
    return element.tag.rpartition("}")[2] == "svg"


def _fever(path: Path, values: dict) -> dict:
    f, c = values.get("fever_f"), values.get("fever_c")
    if f is None and c is None:
        return {}
    _fever_in_range(path, f, c)
    # One unit is enough; the other is arithmetic, not a clinical choice.
    f = float(f) if f is not None else round(c * 9 / 5 + 32, 1)
    c = float(c) if c is not None else round((f - 32) * 5 / 9, 1)
    if abs((f - 32) * 5 / 9 - c) > 0.15:
        raise InputError(path, f"fever_f ({f:g}) and fever_c ({c:g}) do not describe the same fever threshold "
                               f"({f:g} °F is {(f - 32) * 5 / 9:.1f} °C): give one of them, "
                               f"e.g. fever_f = {f:g} alone")
    return {"fever_f": f, "fever_c": c}


def _fever_in_range(path: Path, f, c) -> None:
    """A threshold in the wrong unit (fever_f = 38) is the likely mistake: say which key to use."""
    if f is not None and 35 <= f <= 42:
        raise InputError(path, f"fever_f = {f:g} looks like Celsius: write fever_c = {f:g} "
                               f"(or fever_f = {f * 9 / 5 + 32:.1f})")
    if c is not None and 95 <= c <= 108:
        raise InputError(path, f"fever_c = {c:g} looks like Fahrenheit: write fever_f = {c:g} "
                               f"(or fever_c = {(c - 32) * 5 / 9:.1f})")
    if f is not None and not 95 <= f <= 105:
        raise InputError(path, f"fever_f = {f:g} is not a fever threshold (95 to 105 °F): {write('fever_f')}")
    if c is not None and not 35 <= c <= 40.5:
        raise InputError(path, f"fever_c = {c:g} is not a fever threshold (35 to 40.5 °C): {write('fever_c')}")


def _check_colours(path: Path, brand: Brand) -> None:
    for key in ("primary", "accent"):
        value = getattr(brand, key)
        color = contrast.rgb(value)
        if color is None:
            raise InputError(path, f"{key} is not a colour: {value!r}: {write(key)} (a # and six hex digits, "
                                   f"or a CSS colour name)")
        # primary is text on white paper; accent is the urgent bar behind white text.
        ratio = contrast.ratio(color, contrast.WHITE)
        if ratio < contrast.MINIMUM:
            raise InputError(
                path, f"{key} {value} on white has contrast {ratio:.2f}:1, below the {contrast.MINIMUM}:1 minimum: "
                      f"use a darker colour, e.g. {contrast.darkened(value, contrast.MINIMUM)}"
            )


def _check_phones(path: Path, brand: Brand) -> list[str]:
    if not brand.phone_day and not brand.write_in_phones:
        raise InputError(path, "missing phone_day: the urgent block needs a number to call "
                               "(or set write_in_phones = true to print lines to write it on)")
    if brand.phone_day and not brand.phone_after_hours:
        return [f"{path}: no phone_after_hours: patients will have no number for nights and weekends; "
                f"{write('phone_after_hours')}"]
    return []


@dataclass(frozen=True)
class Report:
    name: str
    folder: Path
    ok: bool
    line: str
    warnings: tuple[str, ...] = ()


def check_all(root: Path) -> list[Report]:
    """Every available brand, read and checked, for `handouts brands`."""
    reports = []
    for folder in available(root):
        try:
            brand = read(folder, root)
        except InputError as error:
            reports.append(Report(folder.name, folder, False, f"{folder.name}: ERROR {error}"))
            continue
        who = brand.clinic or "neutral: no clinic name, write-in phone lines"
        reports.append(Report(folder.name, folder, True, f"{folder.name}: {who}  ({folder})", brand.warnings))
    return reports
