"""One-page handout PDFs, built for real with WeasyPrint and read back."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil

import pypdf
import pytest
import segno

from handouts.builder import cache
from handouts.workspace import catalogue

from .. import pdfread
from ..helpers import COMMON_HEADING, REPO, URGENT_HEADING, build_all, invoke, record


@pytest.fixture(scope="module")
def shipped_pdfs(tmp_path_factory):
    """The shipped drugs built once for the module's tests that only read them (strictly: the
    autouse warning check does not reach a module fixture)."""
    root = tmp_path_factory.mktemp("shipped")
    shutil.copytree(REPO / "sources", root / "sources")
    results = build_all(root)
    assert [r.status for r in results] == ["built", "built"], [r.message for r in results]
    return {r.drug: r.path for r in results}


def test_shipped_drugs_give_one_page_each(shipped_pdfs):
    assert set(shipped_pdfs) == {"blinatumomab", "inotuzumab ozogamicin"}
    for path in shipped_pdfs.values():
        assert pdfread.pages(path) == 1


def test_every_urgent_item_comes_before_common_side_effects(shipped_workspace, shipped_pdfs):
    catalog = catalogue.load(shipped_workspace)
    for drug in catalog.drugs:
        text = pdfread.text(shipped_pdfs[drug.name])
        # Blinatumomab's urgent block and must-keep reminders fill its page at the smallest type,
        # so its side effects give way (issue 14: full-size type, then content): the first
        # section after the urgent block is whichever comes first.
        common = min(i for i in (text.find(COMMON_HEADING), text.find("Staying safe during treatment")) if i >= 0)
        urgent = text.index(URGENT_HEADING)
        assert urgent < common
        for item in drug.record.urgent_signs + drug.record.serious_warnings:
            position = text.find(pdfread.fold(item.text))
            assert urgent < position < common, item.text


def test_bundled_font_is_the_embedded_font(shipped_pdfs):
    for path in shipped_pdfs.values():
        fonts = pdfread.fonts(path)
        assert fonts and all(name.startswith("Atkinson-Hyperlegible") for name in fonts), fonts


def test_pdf_is_tagged_with_language_title_and_metadata(shipped_pdfs):
    path = shipped_pdfs["blinatumomab"]
    root = pdfread.catalog(path)
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert str(root["/Lang"]) == "en"
    meta = pdfread.metadata(path)
    assert meta.title == "Blinatumomab (Blincyto): patient handout"
    assert meta.author == "Your care team"
    assert "side effects" in meta.get("/Keywords", "")
    assert meta.get("/Subject")


def test_body_text_is_never_below_the_floor(shipped_pdfs):
    for path in shipped_pdfs.values():
        body = pdfread.font_sizes(path, above=1.05 * 72)  # the footer, in the bottom margin, is reference text
        assert min(body) >= 10
        assert min(pdfread.font_sizes(path)) >= 7  # the QR code's caption


def test_qr_code_is_the_source_address_module_for_module_and_prints_sharp(shipped_workspace, shipped_pdfs):
    drug = catalogue.load(shipped_workspace).find("blinatumomab")
    url = next(s.url for s in drug.record.sources if s.url)
    (image,) = [x.get_object() for x in pypdf.PdfReader(shipped_pdfs["blinatumomab"]).pages[0]["/Resources"]
                ["/XObject"].values() if x.get_object()["/Subtype"] == "/Image"]
    # One pixel a module, scaled up with interpolation off: blurred modules would not scan.
    assert image["/Interpolate"] is False or str(image["/Interpolate"]).lower() == "false"
    pixels = image.decode_as_image().convert("1")
    dark = [[pixels.getpixel((x, y)) == 0 for x in range(pixels.width)] for y in range(pixels.height)]
    expected = [[bool(module) for module in row] for row in segno.make(url, error="m").matrix_iter(border=1)]
    assert dark == expected


def test_text_reads_top_down_in_priority_order(shipped_pdfs):
    text = pdfread.text(shipped_pdfs["blinatumomab"])
    order = ["Blinatumomab", URGENT_HEADING, "Staying safe during treatment", "Not on this page, for room",
             "does not replace advice from your care team"]
    positions = [text.index(x) for x in order]
    assert positions == sorted(positions)


def test_two_builds_are_byte_identical(shipped_pdfs, shipped_workspace, tmp_path):
    # The module's build and this one: another workspace folder, another output folder, the same bytes.
    again = build_all(shipped_workspace, output=tmp_path / "again")
    assert sorted(r.drug for r in again) == sorted(shipped_pdfs)
    for result in again:
        assert result.path.read_bytes() == shipped_pdfs[result.drug].read_bytes()


def test_date_option_is_printed(shipped_workspace):
    (result,) = build_all(shipped_workspace, "Besponsa", date=dt.date(2026, 3, 4))
    assert "Handout made March 4, 2026" in pdfread.text(result.path)


def test_a4_paper(shipped_workspace):
    (result,) = build_all(shipped_workspace, "blincyto", paper="a4")
    box = pypdf.PdfReader(result.path).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_long_record_shrinks_and_drops_but_keeps_every_urgent_item(make_workspace):
    groups = ["More common", "Less common", "Rare", "Incidence not known"]
    urgent = [{"text": f"fictional symptom number {n}", "frequency": groups[n % 4]} for n in range(64)]
    root = make_workspace({"long.yaml": record(
        "longamab",
        serious_warnings=[{"title": "Boxed test warning", "text": "A made-up warning sentence. " * 6}],
        urgent_signs=urgent,
        side_effects=[f"Made-up common effect {n} that is described at some length" for n in range(30)],
        reminders=[{"title": f"Reminder {n}", "text": "A made-up reminder about staying safe. " * 3}
                   for n in range(20)],
        how_it_works="A made-up explanation of how it works. " * 10,
    )})
    (result,) = build_all(root)
    assert result.ok, result.message
    assert pdfread.pages(result.path) == 1
    text = pdfread.text(result.path)
    # Each sign once, as a whole: "number 1" must not pass on the strength of "number 10".."63".
    for n in range(64):
        assert len(re.findall(rf"fictional symptom number {n}(?!\d)", text)) == 1, n
    assert "Not on this page, for room:" in text
    assert "how it works" in result.dropped
    assert "How it works" not in text.split("Not on this page")[0]


def test_many_short_urgent_signs_are_packed_not_one_per_line(make_workspace):
    urgent = [{"text": f"sign {n}", "frequency": "Rare"} for n in range(60)]
    root = make_workspace({"dense.yaml": record("densamab", urgent_signs=urgent)})
    (result,) = build_all(root)
    assert result.ok and result.scale == 1.0 and not result.dropped
    with pdfread.pdfplumber.open(result.path) as pdf:
        page = pdf.pages[0].extract_text()
    lines = [line for line in page.splitlines() if "sign " in line]
    assert len(lines) <= 12  # sixty signs in a few lines, not sixty
    # A sign may wrap between its word and its number; read the lines as one run of words.
    found = sorted(int(n) for n in re.findall(r"\bsign (\d+)\b", " ".join(page.split())))
    assert found == list(range(60))  # and every one of the sixty is there, once


def test_impossible_record_fails_cleanly_exits_1_naming_it_and_writes_nothing(make_workspace):
    urgent = [f"A very long made-up urgent sign number {n} that takes up a lot of room on the page" for n in range(150)]
    root = make_workspace({"huge.yaml": record("hugamab", urgent_signs=urgent), "ok.yaml": record("okamab")})
    result = invoke("build", "--strict", "-w", root)
    assert result.exit_code == 1
    (failed,) = [line for line in result.output.splitlines() if line.startswith("FAILED hugamab")]
    assert "overflow by" in failed and "mm" in failed, failed
    assert "1 built, 0 unchanged, 1 failed:\n  hugamab: the urgent warnings" in result.output
    assert sorted(p.name for p in (root / "out").glob("*.pdf")) == ["okamab.pdf"]
    assert not list((root / "out").glob(".*.tmp"))


@pytest.mark.parametrize("count", [2, 5, 14], ids=["one-per-line", "columns", "inline-run"])
def test_markup_in_sources_comes_out_as_text(make_workspace, count):
    # Every way signs are packed (a line each, columns, one inline run) escapes them alike.
    nasty = ['<script>alert("x")</script> fever', '<img src="http://127.0.0.1:9/x.png"> rash',
             "A & B </li></ul></p> sign"]
    signs = (nasty + [f"Made-up sign {n}" for n in range(count)])[:count]
    root = make_workspace({"nasty.yaml": record("nastamab", urgent_signs=signs)})
    (result,) = build_all(root)
    assert result.ok, result.message
    text = pdfread.text(result.path)
    urgent = text.split("Call your care team right away", 1)[1].split("In an emergency", 1)[0]
    for sign in signs:  # compared without spaces: a line may break after "</"
        assert sign.replace(" ", "") in urgent.replace(" ", ""), (sign, urgent)


def structure_types(path) -> list[str]:
    """The structure type (/P, /L, /LI, ...) of every element in the PDF's tag tree, in order."""
    found = []

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for kid in node:
                walk(kid)
        elif isinstance(node, dict):
            if "/S" in node:
                found.append(str(node["/S"]))
            if "/K" in node:
                walk(node["/K"])

    walk(pypdf.PdfReader(path).trailer["/Root"]["/StructTreeRoot"].get_object()["/K"])
    return found


@pytest.mark.parametrize("count", [2, 5, 14], ids=["one-per-line", "columns", "inline-run"])
def test_urgent_signs_are_tagged_as_list_items_however_they_are_packed(make_workspace, count):
    # A screen reader can step from sign to sign, inline runs included.
    signs = [f"Made-up sign {n}" for n in range(count)]
    root = make_workspace({"listed.yaml": record("listamab", urgent_signs=signs)})
    (result,) = build_all(root)
    assert result.ok, result.message
    assert structure_types(result.path).count("/LI") == count


def test_a_signs_override_in_the_older_markup_keeps_its_bullets(make_workspace):
    # Overrides written before the built-in partial carried its bullets as text still print them.
    root = make_workspace({"old.yaml": record("oldamab", urgent_signs=[f"Made-up sign {n}" for n in range(14)])})
    (root / "templates").mkdir()
    (root / "templates" / "_signs.html").write_text(
        "{% macro sign_lists(group) %}<ul class=\"signs {{ 'inline' if group.inline else 'columns2' }}\">"
        "{% for s in group.short + group.sentences %}<li>{{ s.text }}</li>{% endfor %}</ul>{% endmacro %}\n")
    (result,) = build_all(root)
    assert result.ok, result.message
    assert "Made-up sign 0 • Made-up sign 1 • Made-up sign 2" in pdfread.text(result.path)


def test_drug_without_urgent_signs_fails_and_writes_nothing(make_workspace):
    root = make_workspace({"none.yaml": record("nonamab", urgent_signs=[])})
    (result,) = build_all(root)
    assert not result.ok and "no urgent warning signs" in result.message
    assert not (root / "out" / "nonamab.pdf").exists()


def test_interrupted_write_leaves_earlier_pdf_intact(shipped_workspace, monkeypatch):
    (first,) = build_all(shipped_workspace, "blinatumomab")
    before = first.path.read_bytes()

    def fail(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(KeyboardInterrupt):
        build_all(shipped_workspace, "blinatumomab", date=dt.date(2030, 1, 1))
    assert first.path.read_bytes() == before
    left = sorted(p.name for p in first.path.parent.iterdir() if p.name not in (cache.MANIFEST, cache.LOCK))
    assert left == ["blinatumomab.pdf"]  # and no temporary file


def test_urgent_content_that_only_just_fits_is_laid_out_not_refused(make_workspace):
    # From the first layout, the estimate says these urgent signs cannot fit even with every
    # other section cut; a real layout at the floor shows they do. The page must be made.
    urgent = [f"A long made-up urgent sign number {n} that fills most of a line on the page" for n in range(42)]
    root = make_workspace({"edge.yaml": record("edgamab", urgent_signs=urgent, side_effects=["Dry skin"] * 1,
                                               reminders=["Rest."], how_it_works="Made-up words. " * 20)})
    (result,) = build_all(root)
    assert result.ok, result.message
    assert pdfread.pages(result.path) == 1
    text = pdfread.text(result.path)
    assert all(sign in text for sign in urgent)


def test_letters_beyond_latin_1_use_the_bundled_font_and_read_back_right(make_workspace):
    root = make_workspace({"acc.yaml": record("acentamab", urgent_signs=["Gorączka lub dreszcze (ćwiczenie łóżkowe)"])})
    (result,) = build_all(root)
    assert "Gorączka lub dreszcze (ćwiczenie łóżkowe)" in pdfread.text(result.path)
    fonts = pdfread.fonts(result.path)
    assert "Atkinson-Hyperlegible-Ext" in fonts  # the latin-ext file, not a system font
    assert all(name.startswith("Atkinson-Hyperlegible") for name in fonts), fonts
