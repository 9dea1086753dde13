"""`handouts init`: a new workspace that builds at once, with a brand folder to fill in."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .. import assets
from ..errors import InputError
from . import brand, catalogue, config

BRAND_TEMPLATE = """\
# The {name} brand. Fill in what your clinic prints, then run `handouts brands` to check it.
# Every key is optional except a daytime phone (or write_in_phones = true).
clinic = "{clinic}"
# department = "Oncology Clinic"
# address = "Street, City"
# phone_day = "(555) 010-0100"            # printed in the urgent block
# phone_after_hours = "(555) 010-0199"    # nights and weekends
write_in_phones = true                    # blank lines to write numbers on; false once phone_day is set
# emergency = "Call 911 or go to the nearest emergency room if you cannot breathe."
# website = "clinic.example.org"
# logo = "logo.svg"                       # an SVG, PNG or JPEG file in this folder
# primary = "#1d3557"                     # headings: needs 4.5:1 contrast on white
# accent = "#9b1c1c"                      # the urgent bar behind white text: 4.5:1 too
# font = "MyFont-Regular.ttf"             # a font family in this folder (.ttf, .otf, .woff, .woff2):
# font_bold = "MyFont-Bold.ttf"           #   the regular face, the bold one (headings, urgent titles)
# font_italic = "MyFont-Italic.ttf"       #   and the italic one; an OFL font such as Atkinson Hyperlegible
# fever_f = 100.4                         # your clinic's fever threshold (or fever_c = 38.0)
# footer = "Questions? Call the pharmacy team."
# paper = "letter"                        # or "a4"
"""

TEMPLATES_README = """\
Template overrides for this workspace.

Put a file here with the name of a built-in template (handout.html, _masthead.html, _header.html, _urgent.html,
_phones.html, _side_effects.html, _reminders.html, _how_it_works.html, _dropped.html, _footer.html)
and it replaces the built-in one. To change one block only, start the file with
{% extends "builtin/handout.html" %}. A brand folder (styles/brands/NAME/) can hold overrides too;
they win over these.
"""


EXAMPLES_README = """\
An example drug record, made by `handouts init` so a new workspace builds at once.

It is listed and built as an example. As soon as sources/ holds any other document about the same
drug (a cancer.gov page, a drugs.com page, a patient sheet or your own YAML record), the example gives
way to it: it is not merged with your documents, and `handouts list` says it was set aside.
Delete this folder when you no longer need it.
"""


def init(target: Path, brand_name: str) -> list[str]:
    """Create the workspace; returns the next steps to print."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", brand_name):
        raise InputError(None, f"brand name {brand_name!r}: use letters, digits, '-' and '_' only")
    if target.exists() and any(target.iterdir()):
        raise InputError(target, "already exists and is not empty: choose a new folder")
    (target / "sources").mkdir(parents=True)
    (target / "templates").mkdir()
    folder = target / "styles" / "brands" / brand_name
    builtin = assets.styles_dir() / "brands" / brand_name
    if (builtin / brand.BRAND_FILE).is_file():
        shutil.copytree(builtin, folder)
    else:
        folder.mkdir(parents=True)
        clinic = brand_name.replace("-", " ").replace("_", " ").title()
        (folder / brand.BRAND_FILE).write_text(BRAND_TEMPLATE.format(name=brand_name, clinic=clinic))
    examples = target / "sources" / catalogue.EXAMPLES
    examples.mkdir()
    shutil.copy(assets.example_source(), examples / assets.example_source().name)
    (examples / "README.txt").write_text(EXAMPLES_README)
    (target / "templates" / "README.txt").write_text(TEMPLATES_README)
    (target / config.CONFIG_FILE).write_text(f'# handouts workspace settings\nbrand = "{brand_name}"\n')
    return [
        f"Made a handouts workspace in {target}",
        f"1. Fill in your clinic's details in {folder / brand.BRAND_FILE}, then check them: "
        f"handouts brands -w {target}",
        f"2. Put drug documents in {target / 'sources'}, then: handouts list -w {target}"
        f" (the example in {examples} gives way to any document you add about the same drug)",
        f"3. Make the handouts: handouts build -w {target}",
    ]
