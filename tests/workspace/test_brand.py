"""Clinic brands: what a brand prints inside the urgent block, its logo, template overrides,
`handouts init` and `handouts brands`, a one-line error for every bad input, and the sandbox
that keeps WeasyPrint off the network and out of files outside the workspace."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from PIL import Image

from handouts import assets
from handouts.builder import runner
from handouts.builder.options import BuildOptions
from handouts.workspace import catalogue, contrast
from handouts.workspace.brand import EXAMPLES, TOML_KEYS
from handouts.workspace.brand import load as load_brand

from .. import pdfread
from ..helpers import (
    COMMON_HEADING,
    FIXTURES,
    JOBS,
    REPO,
    URGENT_HEADING,
    add_brand,
    fever_record,
    invoke,
    lines,
    run_build,
    take_weasyprint_warnings,
    toml,
)

RIVERSIDE = FIXTURES / "brands" / "riverside"
LOGO_SIZE = (24, 12)  # no other image on a page has this size
BUILTIN_BRANDS = assets.styles_dir() / "brands"


# --- helpers ---------------------------------------------------------------------------------


def options(**values) -> BuildOptions:
    values.setdefault("jobs", 1)
    return BuildOptions(strict=True, **values)


def build_api(root: Path, *names: str, **values) -> list[runner.Result]:
    return runner.build(root, catalogue.load(root), names, options(**values))


def urgent_block(text: str) -> str:
    """The text between the urgent heading and the next section's heading (common side effects,
    or the safety reminders where the side effects gave way to the urgent block)."""
    start = text.index(URGENT_HEADING)
    end = min(i for i in (text.find(COMMON_HEADING), text.find("Staying safe during treatment")) if i >= 0)
    assert start < end
    return text[start:end]


def png(path: Path, size=LOGO_SIZE) -> Path:
    Image.new("RGB", size, (20, 83, 45)).save(path, "PNG")
    return path


def truncated_png() -> bytes:
    """A PNG with a correct signature and header whose pixel data stops short."""
    out = io.BytesIO()
    Image.effect_noise((64, 64), 90).convert("RGB").save(out, "PNG")
    data = out.getvalue()
    return data[: len(data) // 2]


def image_sizes(path: Path) -> list[tuple[int, int]]:
    """(width, height) of every image XObject on every page, inside form XObjects too."""
    sizes = []

    def walk(resources, seen):
        for xobject in ((resources or {}).get("/XObject") or {}).values():
            ref = getattr(xobject, "idnum", None)
            obj = xobject.get_object()
            if ref in seen:
                continue
            seen.add(ref)
            if obj.get("/Subtype") == "/Image":
                sizes.append((int(obj["/Width"]), int(obj["/Height"])))
            elif obj.get("/Subtype") == "/Form":
                walk(obj.get("/Resources"), seen)

    for page in pypdf.PdfReader(path).pages:
        walk(page.get("/Resources"), set())
    return sizes


def logo_sizes(path: Path) -> list[tuple[int, int]]:
    """Image sizes but the QR code's, which is square (the test logo is not)."""
    return [size for size in image_sizes(path) if size[0] != size[1]]


SVG = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="24" height="12">'
       '{}<rect width="24" height="12"/></svg>')


@pytest.fixture
def ws(make_workspace) -> Path:
    return make_workspace({"feveramab.yaml": fever_record("feveramab")})


@pytest.fixture
def riverside(ws) -> Path:
    """A workspace whose own brand (tests/fixtures/brands/riverside, PNG logo) is its default."""
    folder = ws / "styles" / "brands" / "riverside"
    shutil.copytree(RIVERSIDE, folder)
    png(folder / "logo.png")
    (ws / "handouts.toml").write_text('brand = "riverside"\n', encoding="utf-8")
    return ws


# --- contrast ----------------------------------------------------------------------------------


def test_contrast_ratio_known_values():
    black, white = contrast.rgb("#000000"), contrast.rgb("#fff")
    assert black == (0.0, 0.0, 0.0) and white == contrast.WHITE
    assert contrast.ratio(black, white) == pytest.approx(21.0)
    assert contrast.ratio(white, black) == pytest.approx(21.0)
    assert contrast.ratio(white, white) == pytest.approx(1.0)
    assert round(contrast.ratio(contrast.rgb("#777777"), white), 2) == 4.48  # just below AA
    assert round(contrast.ratio(contrast.rgb("#767676"), white), 2) == 4.54  # just above
    assert round(contrast.ratio(contrast.rgb("#aaaaaa"), white), 2) == 2.32
    assert contrast.rgb("navy") == (0.0, 0.0, 128 / 255)
    assert contrast.rgb("rgb(255, 0, 0)") == (1.0, 0.0, 0.0)


@pytest.mark.parametrize("value", ["bluish", "", "transparent", "currentColor", "rgba(0, 0, 0, 0.5)",
                                   "#12345", "#0b4f6c; color: red", "#0b4f6c } body { color: red", 123])
def test_not_a_colour(value):
    assert contrast.rgb(value) is None


# --- the brand on the page ------------------------------------------------------------------


@pytest.fixture(scope="module")
def northside_pdfs(tmp_path_factory) -> list[Path]:
    """The shipped drugs, built once for this module with --brand northside."""
    root = tmp_path_factory.mktemp("northside")
    shutil.copytree(REPO / "sources", root / "sources")
    result = run_build(root, "--brand", "northside")
    assert result.exit_code == 0, result.output
    pdfs = sorted((root / "out").glob("*.pdf"))
    assert [p.name for p in pdfs] == ["blinatumomab.pdf", "inotuzumab-ozogamicin.pdf"]
    return pdfs


def test_northside_name_phones_and_fever_are_inside_the_urgent_block(northside_pdfs):
    for path in northside_pdfs:
        assert pdfread.pages(path) == 1
        block = urgent_block(pdfread.text(path))
        assert "Northside Cancer Center" in block, path.name
        assert "Daytime: (555) 010-0140" in block, path.name
        assert "Nights and weekends: (555) 010-0199" in block, path.name
        assert "Fever means a temperature of 100.4 °F (38.0 °C) or higher." in block, path.name
        assert block.count("100.4 °F") == 1, path.name  # once, and the source words left as they are
        # The emergency line opens the urgent box, just above its heading (issue 14).
        text = pdfread.text(path)
        assert 0 <= text.index("call 911 or go to the nearest emergency room.") < text.index(URGENT_HEADING), path.name
        assert pdfread.metadata(path).author == "Northside Cancer Center"


def test_northside_svg_logo_is_drawn_in_the_masthead(northside_pdfs):
    # WeasyPrint draws an SVG as vector paths, not an image: look for the logo's two fill colours
    # in the top inch of the page (the default brand draws nothing there).
    def colour(hex_value):
        return tuple(round(int(hex_value[i:i + 2], 16) / 255, 3) for i in (1, 3, 5))

    with pdfplumber.open(northside_pdfs[0]) as document:
        fills = {
            tuple(round(v, 3) for v in curve["non_stroking_color"])
            for curve in document.pages[0].curves
            if curve["bottom"] < 72 and curve.get("fill") and curve.get("non_stroking_color")
        }
    assert {colour("#0b4f6c"), colour("#9fc5d6")} <= fills
    # The one raster image is the QR code in the footer (square, one pixel a module).
    (qr,) = image_sizes(northside_pdfs[0])
    assert qr[0] == qr[1] < 60


def test_workspace_brand_prints_inside_the_urgent_block_with_its_png_logo(riverside):
    (result,) = build_api(riverside)  # the brand comes from handouts.toml
    assert result.status == "built", result.message
    text = pdfread.text(result.path)
    block = urgent_block(text)
    assert "Riverside Oncology Group" in block
    assert "Daytime: (555) 010-0123" in block
    assert "Nights and weekends: (555) 010-0177" in block
    assert "Fever means a temperature of 100.9 °F (38.3 °C) or higher." in block  # fever_c = 38.3 alone
    # The emergency line opens the urgent box, just above its heading (issue 14).
    assert 0 <= text.index("For chest pain or trouble breathing, call 911 now.") < text.index(URGENT_HEADING)
    assert "Riverside pharmacy team, weekdays 8 to 5." in text.split(COMMON_HEADING)[1]
    assert logo_sizes(result.path) == [LOGO_SIZE]
    box = pypdf.PdfReader(result.path).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # the brand's a4


def test_brand_option_overrides_the_workspace_setting(riverside):
    (result,) = build_api(riverside, brand="default")
    assert result.status == "built", result.message
    text = pdfread.text(result.path)
    assert "Riverside" not in text and "100.9" not in text
    assert logo_sizes(result.path) == []


# --- template overrides -------------------------------------------------------------------


def header_saying(words: str) -> str:
    """The built-in _masthead.html with its "Patient medicine handout" replaced."""
    builtin = (assets.templates_dir() / "_masthead.html").read_text(encoding="utf-8")
    assert "Patient medicine handout" in builtin
    return builtin.replace("Patient medicine handout", words)


@pytest.mark.parametrize("in_brand, in_workspace, shown", [
    (True, False, "BRAND FOLDER LEAFLET"),
    (False, True, "WORKSPACE LEAFLET"),
    (True, True, "BRAND FOLDER LEAFLET"),  # the brand folder wins
])
def test_template_override_changes_the_page(riverside, in_brand, in_workspace, shown):
    if in_brand:
        (riverside / "styles" / "brands" / "riverside" / "_masthead.html").write_text(header_saying("Brand folder leaflet"))
    if in_workspace:
        (riverside / "templates").mkdir()
        (riverside / "templates" / "_masthead.html").write_text(header_saying("Workspace leaflet"))
    (result,) = build_api(riverside)
    assert result.status == "built", result.message
    text = pdfread.text(result.path)  # the masthead line is upper case by CSS
    others = {"BRAND FOLDER LEAFLET", "WORKSPACE LEAFLET", "MEDICINE INFORMATION FOR PATIENTS"} - {shown}
    assert text.index(shown) < text.index(URGENT_HEADING)
    assert not [other for other in others if other in text]


def test_override_extends_the_builtin_and_replaces_one_block(riverside):
    (riverside / "styles" / "brands" / "riverside" / "handout.html").write_text(
        '{% extends "builtin/handout.html" %}\n'
        "{% block title %}Riverside leaflet: {{ h.document_title }}{% endblock %}\n"
    )
    (result,) = build_api(riverside)
    assert result.status == "built", result.message
    assert pdfread.metadata(result.path).title == "Riverside leaflet: Feveramab (Feveramabra): patient handout"
    assert URGENT_HEADING in pdfread.text(result.path)  # the rest of the page is the built-in one


# --- init and brands ---------------------------------------------------------------------


def test_init_makes_a_workspace_that_builds_at_once(tmp_path):
    target = tmp_path / "clinic"
    made = invoke("init", target)
    assert made.exit_code == 0, made.output
    assert (target / "handouts.toml").read_text().endswith('brand = "my-clinic"\n')
    checked = invoke("brands", "-w", target)
    assert checked.exit_code == 0, checked.output
    assert lines(checked)[0] == f"my-clinic: My Clinic  ({target / 'styles' / 'brands' / 'my-clinic'})"
    built = run_build(target)
    assert built.exit_code == 0, built.output
    pdfs = sorted((target / "out").glob("*.pdf"))
    assert [p.name for p in pdfs] == ["blinatumomab.pdf"]
    assert pdfread.pages(pdfs[0]) == 1
    block = urgent_block(pdfread.text(pdfs[0]))
    assert "My Clinic Daytime: Nights and weekends:" in block  # write-in lines, no numbers yet


def test_brands_lists_the_shipped_brands(shipped_workspace):
    result = invoke("brands", "-w", shipped_workspace)
    assert result.exit_code == 0, result.output
    assert lines(result) == [
        f"default: neutral: no clinic name, write-in phone lines  ({BUILTIN_BRANDS / 'default'})",
        f"northside: Northside Cancer Center  ({BUILTIN_BRANDS / 'northside'})",
    ]


def test_brands_names_the_file_of_a_broken_brand_and_exits_2(shipped_workspace):
    folder = add_brand(shipped_workspace, "grey", toml(primary="#aaaaaa"))
    result = invoke("brands", "-w", shipped_workspace)
    assert result.exit_code == 2
    assert lines(result) == [
        f"grey: ERROR {folder / 'brand.toml'}: primary #aaaaaa on white has contrast 2.32:1, below the 4.5:1 minimum: "
        "use a darker colour, e.g. #757575",
        f"default: neutral: no clinic name, write-in phone lines  ({BUILTIN_BRANDS / 'default'})",
        f"northside: Northside Cancer Center  ({BUILTIN_BRANDS / 'northside'})",
    ]


def test_missing_after_hours_phone_is_a_warning_and_the_build_succeeds(ws):
    folder = add_brand(ws, "dayonly", toml(phone_after_hours=None))
    checked = invoke("brands", "-w", ws)
    assert checked.exit_code == 0, checked.output
    assert lines(checked)[:2] == [
        f"dayonly: Testing Clinic  ({folder})",
        f"    warning: {folder / 'brand.toml'}: no phone_after_hours: patients will have no number for nights "
        "and weekends; write phone_after_hours = \"(555) 010-0199\"",
    ]
    built = run_build(ws, "--brand", "dayonly")
    assert built.exit_code == 0, built.output
    block = urgent_block(pdfread.text(ws / "out" / "feveramab.pdf"))
    assert "Testing Clinic Daytime: (555) 010-0100" in block
    assert "Nights and weekends" not in block


def test_known_after_hours_phone_is_printed_beside_a_write_in_daytime_line(ws):
    add_brand(ws, "nights", "write_in_phones = true\nphone_after_hours = \"(555) 010-0188\"\n")
    (result,) = build_api(ws, brand="nights")
    assert result.status == "built", result.message
    assert "Daytime: Nights and weekends: (555) 010-0188" in urgent_block(pdfread.text(result.path))


# --- bad input: one line naming the file and the problem, exit 2, nothing built ---------------


# (id, brand.toml text, files in the brand folder, file the error names, line, message);
# "{port}" is the loopback listener's port.
BAD_BRANDS = [
    ("logo-missing", toml(logo="logo.png"), {}, "brand.toml", None, "logo file not found: logo.png (put it beside brand.toml)"),
    ("logo-not-png", toml(logo="logo.png"), {"logo.png": b"a text file, not a picture\n"}, "brand.toml", None,
     "logo is not a readable PNG image: logo.png"),
    ("logo-truncated-png", toml(logo="logo.png"), {"logo.png": truncated_png()}, "brand.toml", None,
     "logo is not a readable PNG image: logo.png"),
    ("logo-broken-svg", toml(logo="logo.svg"), {"logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"'},
     "brand.toml", None, "logo is not a readable SVG image: logo.svg"),
    ("logo-html-not-svg", toml(logo="logo.svg"), {"logo.svg": b"<html><body><svg></body></html>"},
     "brand.toml", None, "logo is not a readable SVG image: logo.svg"),
    ("logo-gif", toml(logo="logo.gif"), {"logo.gif": b"GIF89a"}, "brand.toml", None,
     "logo must be a SVG, PNG, JPG file: 'logo.gif'"),
    ("logo-outside", toml(logo="../../../../logo.png"), {}, "brand.toml", None,
     "logo must be a file inside the brand folder, not '../../../../logo.png': copy it there and write "
     'logo = "logo.svg" (an SVG, PNG or JPEG file in the brand folder)'),
    ("toml-malformed", 'clinic = "Testing Clinic"\nwrite_in_phones = false\nphone_day = (555) 010-0100\n', {},
     "brand.toml", 3, "malformed TOML: Invalid value"),
    ("unknown-key", toml(colour="red"), {}, "brand.toml", None,
     f"unknown key 'colour' (known: {', '.join(TOML_KEYS)})"),
    ("not-a-colour", toml(primary="bluish"), {}, "brand.toml", None,
     "primary is not a colour: 'bluish': write primary = \"#1d3557\" (a # and six hex digits, or a CSS colour name)"),
    ("primary-contrast", toml(primary="#aaaaaa"), {}, "brand.toml", None,
     "primary #aaaaaa on white has contrast 2.32:1, below the 4.5:1 minimum: use a darker colour, e.g. #757575"),
    ("accent-contrast", toml(accent="#ff8888"), {}, "brand.toml", None,
     "accent #ff8888 on white has contrast 2.30:1, below the 4.5:1 minimum: use a darker colour, e.g. #b05e5e"),
    ("no-daytime-phone", toml(phone_day=None), {}, "brand.toml", None,
     "missing phone_day: the urgent block needs a number to call "
     "(or set write_in_phones = true to print lines to write it on)"),
    ("wrong-type", toml(write_in_phones="no"), {}, "brand.toml", None, "write_in_phones must be true or false: write write_in_phones = true"),
    ("fever-mismatch", toml(fever_f=100.4, fever_c=39.0), {}, "brand.toml", None,
     "fever_f (100.4) and fever_c (39) do not describe the same fever threshold (100.4 °F is 38.0 °C): give one "
     "of them, e.g. fever_f = 100.4 alone"),
    ("css-remote", toml(), {"brand.css": "/* tint */\nbody { background: url(http://127.0.0.1:{port}/x) }\n"},
     "brand.css", 2, "refers to a remote address (handouts never uses the network): http://127.0.0.1:{port}/x"),
    ("css-passwd", toml(), {"brand.css": "@import url(file:///etc/passwd);\n"}, "brand.css", 1,
     "refers to a file outside the workspace: file:///etc/passwd"),
    ("css-parent", toml(), {"brand.css": '\n\n@import "../../../../outside/outside.css";\n'}, "brand.css", 3,
     "refers to a file outside the workspace: ../../../../outside/outside.css"),
    ("css-absolute", toml(), {"brand.css": "p { background: url('/etc/passwd') }\n"}, "brand.css", 1,
     "refers to a file outside the workspace: /etc/passwd"),
    ("css-escaped", toml(), {"brand.css": "p { background: url(fil\\65:///etc/passwd) }\n"}, "brand.css", 1,
     "refers to a file outside the workspace: file:///etc/passwd"),
    ("css-no-scheme", toml(), {"brand.css": "p { background: url(//127.0.0.1:{port}/x) }\n"}, "brand.css", 1,
     "refers to a remote address (handouts never uses the network): //127.0.0.1:{port}/x"),
    # Spellings of @import and url() that WeasyPrint's own tokenizer (tinycss2) reads as references.
    *[(f"css-spelling-{n}", toml(), {"brand.css": "/* tint */\n" + css}, "brand.css", line,
       f"refers to a remote address (handouts never uses the network): {target}")
      for n, (css, line, target) in enumerate([
          ('@import"http://127.0.0.1:{port}/a.css";\n', 2, "http://127.0.0.1:{port}/a.css"),
          ("@import/**/'http://127.0.0.1:{port}/b.css';\n", 2, "http://127.0.0.1:{port}/b.css"),
          ('@IMP\\4fRT "http://127.0.0.1:{port}/c.css";\n', 2, "http://127.0.0.1:{port}/c.css"),
          ('p {\n  background: image-set("http://127.0.0.1:{port}/d.png" 1x);\n}\n', 3, "http://127.0.0.1:{port}/d.png"),
          ('p { background: -webkit-image-set(\n"//127.0.0.1:{port}/e.png" 2x) }\n', 3, "//127.0.0.1:{port}/e.png"),
          ("p { background: URL(  \n  'http://127.0.0.1:{port}/f.png'\n  ) }\n", 3, "http://127.0.0.1:{port}/f.png"),
          ("@media print { @font-face { src: u\\72l(htt\\70://127.0.0.1:{port}/g.woff) } }\n", 2,
           "http://127.0.0.1:{port}/g.woff"),
      ], 1)],
    ("css-local-font", toml(), {"brand.css": '@font-face {\n font-family: X;\n src: local("DejaVu Sans") }\n'},
     "brand.css", 3, "refers to a font installed on this computer (local()); put the font file in the brand folder"),
    ("css-file-no-slashes", toml(), {"brand.css": "p { background: url(file:/etc/passwd) }\n"}, "brand.css", 1,
     "refers to a file outside the workspace: file:/etc/passwd"),
    ("css-percent", toml(), {"brand.css": "p { background: url(file:///%65tc/passwd) }\n"}, "brand.css", 1,
     "refers to a file outside the workspace: file:///%65tc/passwd"),
    ("template-style-element", toml(), {"_header.html": '<header>\n<style>\n@import/**/"http://127.0.0.1:{port}/h.css";\n'
                                                       "</style>\n</header>\n"},
     "_header.html", 3, "refers to a remote address (handouts never uses the network): http://127.0.0.1:{port}/h.css"),
    ("template-style-attribute", toml(), {"_header.html": '<p>\n<b style="background: image-set(&quot;http://127.0.0.1:{port}/i.png&quot; 1x)">x</b>\n'},
     "_header.html", 2, "refers to a remote address (handouts never uses the network): http://127.0.0.1:{port}/i.png"),
    # SVG logos are read up front too: whatever they would load, named in brand.toml's error.
    *[(f"svg-{n}", toml(logo="logo.svg"), {"logo.svg": SVG.format(body)}, "brand.toml", None, f"logo logo.svg {message}")
      for n, (body, message) in {
          "image-http": ('<image href="http://127.0.0.1:{port}/x.png" width="4" height="4"/>',
                         "refers to a remote address (handouts never uses the network): http://127.0.0.1:{port}/x.png"),
          "xlink-file": ('<image xlink:href="file:///etc/passwd" width="4" height="4"/>',
                         "refers to a file outside the workspace: file:///etc/passwd"),
          "use-absolute": ('<use href="/etc/passwd#x"/>', "refers to a file outside the workspace: /etc/passwd#x"),
          "image-parent": ('<image href="../../../../outside/x.png"/>',
                           "refers to a file outside the workspace: ../../../../outside/x.png"),
          "style-import": ('<style>@import url(http://127.0.0.1:{port}/x.css);</style>',
                           "refers to a remote address (handouts never uses the network): http://127.0.0.1:{port}/x.css"),
          "style-attribute": ('<rect style="fill: url(//127.0.0.1:{port}/p.svg#g)" width="4" height="4"/>',
                              "refers to a remote address (handouts never uses the network): //127.0.0.1:{port}/p.svg#g"),
          "fill-attribute": ('<rect fill="url(http://127.0.0.1:{port}/p.svg#g)" width="4" height="4"/>',
                             "refers to a remote address (handouts never uses the network): http://127.0.0.1:{port}/p.svg#g"),
      }.items()],
    ("svg-entity", toml(logo="logo.svg"), {"logo.svg": '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM '
                                                      '"file:///etc/passwd">]>\n' + SVG.format("<text>&x;</text>")},
     "brand.toml", None, "logo logo.svg declares XML entities, which can read other files"),
    ("template-remote", toml(), {"_header.html": '<header>\n<img src="http://127.0.0.1:{port}/logo.png" alt="">\n'
                                                "</header>\n"},
     "_header.html", 2, "refers to a remote address (handouts never uses the network): http://127.0.0.1:{port}/logo.png"),
    ("template-passwd", toml(), {"_footer.html": '<link rel="stylesheet" href="file:///etc/passwd">\n'},
     "_footer.html", 1, "refers to a file outside the workspace: file:///etc/passwd"),
    ("template-entity", toml(), {"_header.html": '<img src="&#104;ttp://127.0.0.1:{port}/x.png" alt="">\n'},
     "_header.html", 1, "refers to a remote address (handouts never uses the network): http://127.0.0.1:{port}/x.png"),
    ("template-object", toml(), {"_header.html": '<object data="http://127.0.0.1:{port}/x.svg"></object>\n'},
     "_header.html", 1, "refers to a remote address (handouts never uses the network): http://127.0.0.1:{port}/x.svg"),
]


@pytest.mark.parametrize("text, files, named, line, message", [case[1:] for case in BAD_BRANDS],
                         ids=[case[0] for case in BAD_BRANDS])
def test_bad_brand_is_one_line_exit_2_and_nothing_built(ws, outside, listener, file_reads,
                                                        text, files, named, line, message):
    port = str(listener.port)
    files = {k: v.replace("{port}", port) if isinstance(v, str) else v for k, v in files.items()}
    folder = add_brand(ws, "bad", text, files)
    reads = file_reads("/etc/passwd", outside / "outside.css")
    result = run_build(ws, "--brand", "bad")
    where = f"{folder / named}:{line}" if line else f"{folder / named}"
    assert result.exit_code == 2, result.output
    assert lines(result) == [f"Error: {where}: {message.replace('{port}', port)}"]
    assert not (ws / "out").exists()
    assert listener.connections() == []
    assert reads == []


def test_unreadable_logo_is_one_line_exit_2(ws, monkeypatch):
    folder = add_brand(ws, "bad", toml(logo="logo.png"))
    logo = png(folder / "logo.png")
    real = Path.read_bytes

    def denied(self):
        if self == logo:  # as root, chmod 000 would not stop a read: refuse it here instead
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    result = run_build(ws, "--brand", "bad")
    assert result.exit_code == 2, result.output
    assert lines(result) == [f"Error: {folder / 'brand.toml'}: logo cannot be read: Permission denied"]
    assert not (ws / "out").exists()


def test_brand_that_does_not_exist(ws):
    add_brand(ws, "mine", toml())
    result = run_build(ws, "--brand", "nosuch")
    assert result.exit_code == 2
    assert lines(result) == [
        f"Error: {ws / 'styles' / 'brands' / 'nosuch'}: no brand called 'nosuch' (brands: mine, default, northside)"
    ]
    assert not (ws / "out").exists()


@pytest.mark.parametrize("name", ["../../outside", "/tmp", "northside/../northside"])
def test_brand_name_is_a_folder_name_not_a_path(ws, outside, name):
    add_brand(outside, "evil", toml())  # outside/styles/brands/evil: reachable by a path, never by a name
    result = run_build(ws, "--brand", name)
    assert result.exit_code == 2
    assert lines(result) == [
        f"Error: {ws / 'styles' / 'brands'}: not a brand name: {name!r} (a folder name: letters, digits, '-', '_')"
    ]
    assert not (ws / "out").exists()


def test_workspace_brand_setting_that_does_not_exist(ws):
    (ws / "handouts.toml").write_text('brand = "gone"\n')
    result = run_build(ws)
    assert result.exit_code == 2
    assert lines(result) == [f"Error: {ws / 'styles' / 'brands' / 'gone'}: no brand called 'gone' "
                             "(brands: default, northside)"]


def test_malformed_workspace_settings_name_the_line(ws):
    (ws / "handouts.toml").write_text('# settings\nbrand = northside\n')
    result = run_build(ws)
    assert result.exit_code == 2
    assert lines(result) == [f"Error: {ws / 'handouts.toml'}:2: malformed TOML: Invalid value"]
    assert not (ws / "out").exists()


BOM = "\ufeff"


def test_a_byte_order_mark_at_the_start_of_a_toml_file_is_accepted(ws, tmp_path):
    # Windows editors write one; TOML readers said "Invalid statement".
    add_brand(ws, "marked", BOM + toml(clinic="Marked Clinic"))
    (ws / "handouts.toml").write_text(BOM + 'brand = "marked"\n', encoding="utf-8")
    result = run_build(ws)
    assert result.exit_code == 0, result.output
    assert "Marked Clinic" in pdfread.text(ws / "out" / "feveramab.pdf")
    packet = tmp_path / "packet.toml"
    packet.write_text(BOM + 'title = "Marked packet"\ndrugs = ["feveramab"]\n', encoding="utf-8")
    result = invoke("packet", "-w", ws, "--file", packet)
    assert result.exit_code == 0, result.output
    assert "Marked packet" in pdfread.text(ws / "out" / "packet-marked-packet.pdf")


def test_utf16_settings_say_so(ws):
    (ws / "handouts.toml").write_text('brand = "northside"\n', encoding="utf-16")
    result = run_build(ws)
    assert result.exit_code == 2
    assert lines(result) == [f"Error: {ws / 'handouts.toml'}: is UTF-16 text: save it as UTF-8"]


@pytest.mark.parametrize("make, problem", [(Path.mkdir, "is a folder, not a TOML file"),
                                           (os.mkfifo, "is not a regular file")], ids=["folder", "fifo"])
def test_settings_file_that_is_not_a_file_is_an_error_not_ignored(ws, make, problem):
    make(ws / "handouts.toml")
    result = run_build(ws)
    assert result.exit_code == 2
    assert lines(result) == [f"Error: {ws / 'handouts.toml'}: {problem}"]
    assert not (ws / "out").exists()


def test_svg_logo_may_use_its_own_gradients_and_images_beside_it(ws):
    body = ('<defs><linearGradient id="g"><stop offset="0" stop-color="#000"/></linearGradient></defs>'
            '<image href="dot.png" width="2" height="2"/><rect fill="url(#g)" style="stroke: url(#g)" width="4" height="4"/>')
    folder = add_brand(ws, "drawn", toml(logo="logo.svg"), {"logo.svg": SVG.format(body)})
    png(folder / "dot.png", (2, 2))
    result = run_build(ws, "--brand", "drawn")
    assert result.exit_code == 0, result.output


def test_a_stylesheet_a_brand_imports_from_the_workspace_is_checked_too(ws, listener):
    add_brand(ws, "chained", toml(), {"brand.css": '@import "../../../shared.css";\n'})
    (ws / "shared.css").write_text(f"p {{ color: black }}\n@import url({listener.url}/x.css);\n")
    result = run_build(ws, "--brand", "chained")
    assert result.exit_code == 2
    assert lines(result) == [f"Error: {ws / 'shared.css'}:2: refers to a remote address "
                             f"(handouts never uses the network): {listener.url}/x.css"]
    assert listener.connections() == []


def test_brand_may_refer_to_files_inside_the_workspace(ws):
    (ws / "styles" / "shared.css").parent.mkdir(parents=True)
    (ws / "styles" / "shared.css").write_text("h1 { letter-spacing: 0.01em; }\n")
    add_brand(ws, "local", toml(), {"brand.css": '@import "../../shared.css";\n.masthead { border-width: 3pt; }\n'})
    assert load_brand(ws, "local").css == ws / "styles" / "brands" / "local" / "brand.css"


# --- the renderer's sandbox, met through brands (the renderer alone: tests/pdf/test_render_sandbox.py) ---


def test_url_the_brand_check_cannot_see_is_still_refused(ws, listener):
    # A URL made by a Jinja expression in a brand template passes the up-front check (it cannot
    # evaluate templates); the renderer's sandbox refuses it, and --strict fails that handout.
    add_brand(ws, "sly", toml(), {
        "_header.html": "<img src=\"{{ 'http://127.0.0.1:' ~ port ~ '/made.png' }}\" alt=\"\">\n"
        .replace("port", str(listener.port)),
    })
    result = run_build(ws, "--brand", "sly")
    assert result.exit_code == 1, result.output
    assert (f"FAILED feveramab: WeasyPrint warning (strict): Failed to load image at "
            f"'{listener.url}/made.png': ValueError: refused to fetch {listener.url}/made.png") in result.output
    assert not (ws / "out" / "feveramab.pdf").exists()
    assert listener.connections() == []
    assert take_weasyprint_warnings() == [
        f"Failed to load image at '{listener.url}/made.png': ValueError: refused to fetch {listener.url}/made.png: "
        "handouts never uses the network"
    ]


def test_workspace_template_pointing_at_the_network_is_one_line_exit_2(ws, listener):
    (ws / "templates").mkdir()
    (ws / "templates" / "_header.html").write_text(f'<p>Header</p>\n<img src="{listener.url}/pixel.png" alt="">\n')
    result = run_build(ws)
    assert result.exit_code == 2, result.output
    assert lines(result) == [f"Error: {ws / 'templates' / '_header.html'}:2: refers to a remote address "
                             f"(handouts never uses the network): {listener.url}/pixel.png"]
    assert not (ws / "out").exists()
    assert listener.connections() == []


def test_workspace_template_made_url_is_still_refused_by_the_sandbox(ws, listener):
    # As for brand templates: a URL a Jinja expression makes passes the up-front check, and the
    # renderer's sandbox refuses it at layout time; --strict fails that handout.
    (ws / "templates").mkdir()
    (ws / "templates" / "_header.html").write_text(
        "<img src=\"{{ 'http://127.0.0.1:' ~ port ~ '/pixel.png' }}\" alt=\"\">\n".replace("port", str(listener.port)))
    result = run_build(ws)
    assert result.exit_code == 1, result.output
    assert (f"FAILED feveramab: WeasyPrint warning (strict): Failed to load image at "
            f"'{listener.url}/pixel.png'") in result.output
    assert not (ws / "out" / "feveramab.pdf").exists()
    assert listener.connections() == []
    assert take_weasyprint_warnings() == [
        f"Failed to load image at '{listener.url}/pixel.png': ValueError: refused to fetch {listener.url}/pixel.png: "
        "handouts never uses the network"
    ]


# --- issue 16: font families, JPEG logos, messages that say what to write ---------------------------


LIBERATION = Path("/usr/share/fonts/truetype/liberation")
FACES = {"font": "LiberationSans-Regular.ttf", "font_bold": "LiberationSans-Bold.ttf",
         "font_italic": "LiberationSans-Italic.ttf"}


def pdffonts(path: Path) -> list[str]:
    """The font names `pdffonts` lists, without the subset prefix."""
    import subprocess

    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0].split("+", 1)[-1] for line in out.splitlines()[2:] if line.strip()]


def embedded_weights(path: Path) -> dict[str, int]:
    """Each embedded font's weight class, as its own OS/2 table says."""
    from fontTools.ttLib import TTFont

    weights = {}
    for font in pypdf.PdfReader(path).pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        data = descriptor["/FontFile2"].get_object().get_data()
        weights[str(font["/BaseFont"]).split("+", 1)[-1]] = TTFont(io.BytesIO(data))["OS/2"].usWeightClass
    return weights


@pytest.fixture
def liberation() -> dict[str, bytes]:
    """An OFL font family (Liberation Sans 2, Debian's fonts-liberation2), read from the system."""
    if not all((LIBERATION / name).is_file() for name in FACES.values()):
        pytest.skip(f"Liberation Sans not installed in {LIBERATION}")
    return {name: (LIBERATION / name).read_bytes() for name in FACES.values()}


def test_a_brand_font_family_prints_its_bold_and_italic_faces(ws, liberation):
    add_brand(ws, "family", toml(**FACES), liberation)
    built = run_build(ws, "--brand", "family")
    assert built.exit_code == 0, built.output
    names = pdffonts(ws / "out" / "feveramab.pdf")
    # Bold: the headings and the urgent titles; italic: the lead-in lines. WeasyPrint names each
    # embedded face after its @font-face family: one face each, none of them synthesised or Atkinson.
    # (A face WeasyPrint fakes is named too: "Brand-Font-Oblique" for a slanted regular face, and
    # "Brand-Font-Bold" for a smeared one, which the weight in the embedded font file tells apart.)
    assert {"Brand-Font", "Brand-Font-Bold", "Brand-Font-Italic"} <= set(names), names
    assert not any(n.startswith("AtkinsonHyperlegible") for n in names), names
    assert embedded_weights(ws / "out" / "feveramab.pdf")["Brand-Font-Bold"] == 700
    assert "Fever" in urgent_block(pdfread.text(ws / "out" / "feveramab.pdf"))


def test_a_brand_font_without_its_bold_face_warns_and_fails_under_strict(ws, liberation):
    add_brand(ws, "regular", toml(font=FACES["font"], font_italic=FACES["font_italic"]), liberation)
    checked = invoke("brands", "-w", ws)
    assert any("the brand font has no bold face: its bold (headings, the urgent titles) text would be faked "
               'from the regular face; write font_bold = "MyFont-Bold.ttf"' in line for line in lines(checked)), checked.output
    strict = run_build(ws, "--brand", "regular")
    assert strict.exit_code == 2
    assert strict.output.strip().endswith('from the regular face; write font_bold = "MyFont-Bold.ttf" (--strict)')
    assert not (ws / "out" / "feveramab.pdf").exists()
    relaxed = invoke("build", *JOBS, "-w", ws, "--brand", "regular")
    assert relaxed.exit_code == 0, relaxed.output
    assert embedded_weights(ws / "out" / "feveramab.pdf")["Brand-Font-Bold"] == 400  # faked


def jpeg(path: Path, size: tuple[int, int], orientation: int | None = None) -> Path:
    image = Image.new("RGB", size, (20, 83, 45))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    image.save(path, "JPEG", exif=exif.tobytes())
    return path


def test_a_jpeg_logo_is_printed_upright_and_sized_for_print(ws):
    folder = add_brand(ws, "photo", toml(logo="sign.jpg"))
    # Stored 400 wide by 3000 high with "rotate 90°" in its EXIF: upright it is 3000 by 400.
    jpeg(folder / "sign.jpg", (400, 3000), orientation=6)
    built = run_build(ws, "--brand", "photo")
    assert built.exit_code == 0, built.output
    (size,) = logo_sizes(ws / "out" / "feveramab.pdf")
    assert size == (1500, 200)  # upright, then no more than 1500 x 300 pixels


def test_a_png_logo_keeps_its_size_when_small(ws):
    folder = add_brand(ws, "small", toml(logo="logo.png"))
    png(folder / "logo.png")
    built = run_build(ws, "--brand", "small")
    assert built.exit_code == 0, built.output
    assert logo_sizes(ws / "out" / "feveramab.pdf") == [LOGO_SIZE]


@pytest.mark.parametrize("values, message", [
    ({"fever_f": 38}, "fever_f = 38 looks like Celsius: write fever_c = 38 (or fever_f = 100.4)"),
    ({"fever_c": 100.4}, "fever_c = 100.4 looks like Fahrenheit: write fever_f = 100.4 (or fever_c = 38.0)"),
    ({"fever_f": 110}, "fever_f = 110 is not a fever threshold (95 to 105 °F): write fever_f = 100.4"),
    ({"clinic": 5}, 'clinic must be text in quotes: write clinic = "Northside Cancer Center"'),
    ({"paper": "A5"}, "paper must be one of letter, a4, not 'A5': write paper = \"letter\" (or \"a4\")"),
    ({"font_bold": "x.ttf"}, 'font_bold or font_italic without font (the regular face): write font = '
                             '"MyFont-Regular.ttf" (a .ttf, .otf, .woff or .woff2 file in the brand folder)'),
])
def test_brand_messages_say_what_to_write(ws, values, message):
    add_brand(ws, "bad", toml(**values))
    result = run_build(ws, "--brand", "bad")
    assert result.exit_code == 2
    assert result.output.strip().endswith(f"brand.toml: {message}"), result.output


def test_every_brand_key_has_an_example_to_write():
    assert set(EXAMPLES) == set(TOML_KEYS)


def test_an_svg_logos_own_text_is_left_out_of_the_type_size_bars(ws):
    logo = ('<svg xmlns="http://www.w3.org/2000/svg" width="240" height="60"><rect width="60" height="60" '
            'fill="#0b4f6c"/><text x="70" y="30" font-size="22">Lakeside</text>'
            '<text x="70" y="52" font-size="9">CANCER CARE</text></svg>')
    add_brand(ws, "lettered", toml(logo="logo.svg"), {"logo.svg": logo})
    built = run_build(ws, "--brand", "lettered")
    assert built.exit_code == 0, built.output
    assert "CANCERCARE" in pdfread.text(ws / "out" / "feveramab.pdf").replace(" ", "")  # drawn, about 4.5 pt
    checked = invoke("check", "-w", ws, "--brand", "lettered")
    body = next(line for line in lines(checked) if "smallest body type" in line)
    assert float(body.split("smallest body type: ")[1].split(" pt")[0]) >= 10, body
    assert "FAIL" not in body
