"""The page a clinic hands out (issue 14): inside the printable area, filled before anything is
left out, one message per symptom, the emergency and call-now tiers first, honest links and dates.
Every figure is read back from a real PDF."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pdfplumber
import pypdf
import pytest
import yaml

from handouts.builder import runner
from handouts.builder.options import BuildOptions
from handouts.check import handout_check
from handouts.page import content as handout
from handouts.rules import overlap
from handouts.workspace import catalogue

from .. import pdfread
from ..helpers import REPO, invoke

EDGE_PT = 18.0
SMALLEST_PT = 10.0
URGENT_HEADING = "Call your care team right away"
SOURCE = {"publisher": "Test Press", "url": "https://example.org/x", "license": "public_domain",
          "last_reviewed": dt.date.today().isoformat(), "review_frequency": "annually"}
LONG_ADDRESS = ("The Very Long Named Regional Comprehensive Cancer and Blood Disorders Treatment Center, "
                "Outpatient Infusion Pavilion, Building 7, Floor 3, Suite 300-350, 12345 Extraordinarily Long "
                "Boulevard Name, North Springfield Township, Example County, ZZ 99999-1234")


def record(name: str, **fields) -> str:
    data = {"generic_name": name, "brands": [f"{name.title()}ra"],
            "urgent_signs": ["Fever or chills", "Trouble breathing"], "sources": [SOURCE], **fields}
    return yaml.safe_dump(data, sort_keys=False)


def glyphs(path: Path) -> list[dict]:
    with pdfplumber.open(path) as pdf:
        return [{**c, "page_width": float(p.width), "page_height": float(p.height)}
                for p in pdf.pages for c in p.chars if c["text"].strip()]


def assert_printable(path: Path) -> None:
    chars = glyphs(path)
    assert chars
    near = [c["text"] for c in chars if c["x0"] < EDGE_PT or c["top"] < EDGE_PT
            or c["x1"] > c["page_width"] - EDGE_PT or c["bottom"] > c["page_height"] - EDGE_PT]
    assert not near, f"{path.name}: {len(near)} glyphs within {EDGE_PT} pt of an edge: {''.join(near[:40])!r}"
    small = sorted({round(c["size"], 2) for c in chars if c["size"] < SMALLEST_PT - 0.05})
    assert not small, f"{path.name}: glyphs smaller than {SMALLEST_PT} pt: {small}"


def column_text(path: Path) -> str:
    """The text of the left half of the page, then the right half: a two-column list read
    column by column, as a patient reads it (whole-page extraction interleaves the lines)."""
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        halves = [page.crop((0, 0, page.width / 2, page.height)), page.crop((page.width / 2, 0, page.width, page.height))]
        return " ".join(pdfread.fold(h.extract_text() or "") for h in halves)


def long_address_brand(root: Path) -> None:
    folder = root / "styles" / "brands" / "longaddress"
    folder.mkdir(parents=True)
    (folder / "brand.toml").write_text(
        f'clinic = "Regional Comprehensive Cancer and Blood Disorders Treatment Center"\n'
        f'department = "Hematology, Oncology and Bone Marrow Transplant Outpatient Clinic"\n'
        f'address = "{LONG_ADDRESS}"\nphone_day = "(555) 010-0140"\nphone_after_hours = "(555) 010-0199"\n'
        f'write_in_phones = false\nwebsite = "www.regional-comprehensive-cancer-center.example.org"\n'
        f'footer = "Questions about this handout? Call the oncology pharmacy team at (555) 010-0140, '
        f'Monday to Friday, 8 in the morning to 5 in the afternoon."\nfever_f = 100.4\n', encoding="utf-8")


# --- inside the printable area -----------------------------------------------------------------


@pytest.mark.parametrize("brand", ["default", "northside", "longaddress"])
def test_every_shipped_page_is_inside_the_printable_area_with_no_glyph_under_10_pt(shipped_workspace, brand):
    long_address_brand(shipped_workspace)
    result = invoke("build", "--strict", "-j", "1", "-w", shipped_workspace, "--brand", brand)
    assert result.exit_code == 0, result.output
    pdfs = sorted((shipped_workspace / "out").glob("*.pdf"))
    assert [p.name for p in pdfs] == ["blinatumomab.pdf", "inotuzumab-ozogamicin.pdf"]
    for path in pdfs:
        assert pdfread.pages(path) == 1
        assert_printable(path)
        text = pdfread.text(path)
        # The footer is on the page, whole: the last line of a long brand footer too.
        assert "This handout does not replace advice from your care team." in text
        if brand == "longaddress":
            # Whole, or left out and said so: never cut off at the edge.
            assert "Monday to Friday, 8 in the morning to 5 in the afternoon." in text or "the clinic's note" in text
            assert "ZZ 99999-1234" in text or "the clinic's address" in text


def test_a_100_character_word_wraps_inside_the_page(make_workspace):
    word = "Zq" * 50
    underscored = "_".join(["fictional"] * 12)
    root = make_workspace({"wide.yaml": record("widamab", urgent_signs=[f"A sign called {word} here", underscored])})
    result = invoke("build", "--strict", "-j", "1", "-w", root)
    assert result.exit_code == 0, result.output
    path = root / "out" / "widamab.pdf"
    assert_printable(path)
    letters = "".join(c["text"] for c in glyphs(path))
    assert word in letters and underscored in letters  # every letter printed, none clipped


def test_check_fails_a_page_with_a_glyph_outside_the_printable_area(make_workspace):
    root = make_workspace({"clean.yaml": record("cleanamab")})
    folder = root / "styles" / "brands" / "offpage"
    folder.mkdir(parents=True)
    (folder / "brand.toml").write_text('clinic = "Offpage Clinic"\nphone_day = "(555) 010-0100"\n'
                                       'phone_after_hours = "(555) 010-0101"\n', encoding="utf-8")
    (folder / "brand.css").write_text("h1 { margin-left: -0.5in; }\n", encoding="utf-8")
    result = invoke("check", "-w", root, "--brand", "offpage", "--json")
    data = json.loads(result.stdout)
    figures = {f["name"]: f for f in data["drugs"][0]["figures"]}
    assert figures["printable area"]["status"] == "fail", figures["printable area"]
    assert not figures["printable area"]["value"].startswith("0 ")
    assert result.exit_code == 1
    clean = json.loads(invoke("check", "-w", root, "--json").stdout)
    figures = {f["name"]: f for f in clean["drugs"][0]["figures"]}
    assert figures["printable area"]["status"] == "pass"
    assert figures["smallest glyph"]["status"] == "pass" and float(figures["smallest glyph"]["value"].split()[0]) >= 10


# --- fill, then verify -------------------------------------------------------------------------


MUST_KEEP = [
    {"title": "Pump care", "text": "Keep the pump dry and do not change its settings."},
    {"title": "Driving", "text": "Do not drive until you know how this medicine affects you."},
    {"title": "Pregnancy", "text": "Use birth control during treatment and for a week after."},
    {"title": "Fever at home", "text": "Call us right away if your temperature goes up at night."},
]


def cut_record() -> str:
    urgent = [f"A long made-up urgent sign number {n} that fills most of a line on the page" for n in range(30)]
    optional = [{"title": f"Made-up reminder {n}", "text": "Some made-up advice about staying safe at home. " * 2}
                for n in range(10)]
    reminders = optional[:3] + MUST_KEEP[:2] + optional[3:] + MUST_KEEP[2:]
    return record("cutamab", urgent_signs=urgent, reminders=reminders,
                  side_effects=[f"Made-up effect {n}" for n in range(40)],
                  how_it_works="A made-up explanation of how the medicine works. " * 8)


def test_a_record_that_must_be_cut_fills_the_page_and_keeps_every_must_keep_reminder(make_workspace):
    root = make_workspace({"cut.yaml": cut_record()})
    (result,) = runner.build(root, catalogue.load(root), [], BuildOptions(strict=True, jobs=1))
    assert result.ok, result.message
    assert result.dropped  # something had to go
    text = pdfread.text(result.path)
    columns = column_text(result.path)
    for reminder in MUST_KEEP[:3]:
        assert f"{reminder['title']}: {reminder['text']}" in columns
    # The reminder that says to call now is read as an urgent sign (readers/urgency.py): in the box.
    flat = " ".join(text.split())
    assert flat.index("Fever at home: Call us right away if your temperature goes up at night.") < flat.index(
        "Common side effects")
    for n in range(30):
        assert f"urgent sign number {n} that" in text
    # Less than one body line is left empty above the footer: by the fitter's real layout...
    line = 12.0 * result.scale * 1.25
    assert 0 <= result.empty_pt < line, (result.empty_pt, line)
    # ...and on the PDF: from the last glyph of the page's content to the footer's first.
    with pdfplumber.open(result.path) as pdf:
        chars = pdf.pages[0].chars
        footer_top = chars["".join(c["text"] for c in chars).index("This handout does not replace")]["top"]
        content_bottom = max(c["bottom"] for c in chars if c["bottom"] < footer_top)
    fixed_gap = 10.0  # the footer's rule, its padding and the half-leading of two lines
    assert footer_top - content_bottom < line + fixed_gap, (footer_top, content_bottom)


def test_a_page_that_fits_is_never_cut(make_workspace):
    root = make_workspace({"short.yaml": record("shortamab", side_effects=["Dry skin"], reminders=["Rest well."],
                                                 how_it_works="A made-up explanation.")})
    (result,) = runner.build(root, catalogue.load(root), [], BuildOptions(strict=True, jobs=1))
    assert result.ok and result.scale == 1.0 and result.dropped == [] and result.passes == 1


def test_cut_order_keeps_urgent_and_must_keep_reminders_and_sends_repeats_first(make_workspace):
    root = make_workspace({"ord.yaml": record(
        "ordamab", urgent_signs=["a very bad headache"], side_effects=["Headache", "Dry skin"],
        reminders=MUST_KEEP + [{"title": "Vaccines", "text": "Ask before any vaccine."}], how_it_works="Made-up words.")})
    (drug,) = catalogue.load(root).drugs
    order = handout.cut_order(drug.record)
    assert order[:2] == ["how", "se-0"]  # how it works, then the milder form of an urgent sign
    assert handout.cut_order(drug.record, ("ft-note",))[:3] == ["how", "ft-note", "se-0"]
    # The call-now reminder became an urgent sign, so the three others and Vaccines remain.
    assert [r.title for r in drug.record.reminders] == ["Pump care", "Driving", "Pregnancy", "Vaccines"]
    assert "rm-3" in order and not any(f"rm-{n}" in order for n in range(3))


# --- one message per symptom ---------------------------------------------------------------------


def test_blinatumomab_lists_no_symptom_the_urgent_tiers_name(shipped_workspace):
    (drug,) = [d for d in catalogue.load(shipped_workspace).drugs if d.name == "blinatumomab"]
    resolution = overlap.resolve(drug.record)
    shown = {e.item.text: e for e in resolution.shown}
    gone = {item.text for item, _ in resolution.dropped}
    assert {"Fever or chills", "Headache"} <= gone  # named as they are in the urgent tiers
    assert not any("fever" in t.lower() or "chills" in t.lower() or t == "Headache" for t in shown)
    # Tiredness: the urgent tiers name "feeling very tired or weak", so the milder form stays,
    # pointing there; weakness itself is urgent (muscle weakness in tumor lysis), so it goes.
    assert shown["Feeling tired"].pointer == "feeling very tired or weak"
    assert "Weight gain" in shown and "Diarrhea" in gone
    # check reports what is left, and passes it: every overlap left has its pointer.
    result = invoke("check", "-w", shipped_workspace, "--json", "blinatumomab")
    figures = {f["name"]: f for f in json.loads(result.stdout)["drugs"][0]["figures"]}
    found = figures["overlaps between tiers"]
    assert found["status"] == "pass"
    assert "'Feeling tired'" in found["detail"] and "not repeated: 'Headache', 'Fever or chills'" in found["detail"]


def test_a_milder_common_form_stays_with_a_pointer_to_the_urgent_box(make_workspace):
    root = make_workspace({"mild.yaml": record(
        "mildamab", urgent_signs=["a very bad headache", "fever", "Trouble breathing"],
        side_effects=[{"text": "Headache", "frequency": "28%"}, "Fever", "Mild chills or fever", "Dry skin"])})
    result = invoke("build", "--strict", "-j", "1", "-w", root)
    assert result.exit_code == 0, result.output
    text = pdfread.text(root / "out" / "mildamab.pdf")
    common = text[text.index("Common side effects"):]
    assert ("Headache (about 3 in 10 people in studies) (call right away for a very bad headache: see the box above)"
            in column_text(root / "out" / "mildamab.pdf"))
    assert "Mild chills" in common  # the fever half goes: fever is never a "bothers you" item
    assert "fever" not in common.split("does not replace")[0].lower()
    assert "Dry skin" in common


# --- tiers an anxious reader acts on ------------------------------------------------------------


def test_the_default_brand_opens_with_911_then_write_in_lines_and_the_fever_line(make_workspace):
    root = make_workspace({"fev.yaml": record("fevamab"), "calm.yaml": record("calmamab", urgent_signs=["Trouble breathing"])})
    result = invoke("build", "--strict", "-j", "1", "-w", root)
    assert result.exit_code == 0, result.output
    text = pdfread.text(root / "out" / "fevamab.pdf")
    order = ["In an emergency, call 911", URGENT_HEADING, "Clinic:", "Daytime:", "Nights and weekends:",
             "Fever means a temperature of or higher.", "Fever or chills"]
    positions = [text.index(x) for x in order]
    assert positions == sorted(positions), text[:600]
    with pdfplumber.open(root / "out" / "fevamab.pdf") as pdf:
        lines = [r for r in pdf.pages[0].rects + pdf.pages[0].lines if abs(r["top"] - r["bottom"]) < 2]
        assert len(lines) >= 4  # clinic name, two numbers and the temperature to write in
    assert "Fever means" not in pdfread.text(root / "out" / "calmamab.pdf")


# --- honest links and dates -------------------------------------------------------------------------


def link_uris(path: Path) -> list[str]:
    page = pypdf.PdfReader(path).pages[0]
    return [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", []) if "/A" in a.get_object()]


def test_qr_opens_the_source_that_lists_the_side_effects_and_says_so(make_workspace):
    sources = [
        {"id": "nci", "publisher": "National Cancer Institute", "url": "https://www.cancer.gov/fictional-drug",
         "license": "public_domain", "last_reviewed": "2025-12-30", "review_frequency": "quarterly"},
        {"id": "guide", "publisher": "Fictional Press", "title": "Qramab Medication Guide",
         "url": "https://example.org/qramab-guide"},
    ]
    root = make_workspace({"qr.yaml": record(
        "qramab", sources=sources, side_effects=[{"text": "Dry skin", "source": "guide"}, {"text": "Itchy eyes", "source": "guide"}],
        reminders=[{"text": "Rest.", "source": "nci"}])})
    result = invoke("build", "--strict", "-j", "1", "-w", root, "--date", "2026-02-01")
    assert result.exit_code == 0, result.output
    path = root / "out" / "qramab.pdf"
    text = pdfread.text(path)
    assert "Scan the code for the full Medication Guide." in text
    assert set(link_uris(path)) == {"https://example.org/qramab-guide"}
    # Each source prints its own dates; the undated one borrows nobody's schedule.
    assert ("Sources: National Cancer Institute (reviewed December 30, 2025, next review due March 30, 2026); "
            "Fictional Press (no review date).") in text
    assert "Handout made February 1, 2026." in text


def test_a_page_whose_only_web_source_lists_no_side_effects_does_not_claim_the_full_list(make_workspace):
    sources = [{"id": "nci", "publisher": "National Cancer Institute", "url": "https://www.cancer.gov/fictional",
                "license": "public_domain", "last_reviewed": "2025-12-30"},
               {"id": "sheet", "title": "A patient sheet", "last_reviewed": "2025-12-01"}]
    effects = [{"text": f"Made-up effect {n} described at some length", "source": "sheet"} for n in range(40)]
    urgent = [{"text": f"A long made-up urgent sign number {n} that fills most of a line", "source": "sheet"} for n in range(34)]
    root = make_workspace({"nci.yaml": record("ncimab", sources=sources, side_effects=effects, urgent_signs=urgent)})
    result = invoke("build", "--strict", "-j", "1", "-w", root)
    assert result.exit_code == 0, result.output
    path = root / "out" / "ncimab.pdf"
    text = pdfread.text(path)
    assert "Scan the code for the drug's page at the National Cancer Institute." in text
    assert set(link_uris(path)) == {"https://www.cancer.gov/fictional"}
    assert "Not on this page, for room:" in text and "Ask your care team for them." in text
    assert "full list" not in text


def test_only_web_addresses_go_into_the_qr_code_and_check_flags_the_rest(make_workspace):
    sources = [{**SOURCE, "url": "javascript:alert(1)"}]
    root = make_workspace({"js.yaml": record("jsamab", sources=sources, side_effects=["Dry skin"])})
    result = invoke("build", "--strict", "-j", "1", "-w", root)
    assert result.exit_code == 0, result.output
    path = root / "out" / "jsamab.pdf"
    assert link_uris(path) == [] and "Scan the code" not in pdfread.text(path)
    assert not pypdf.PdfReader(path).pages[0].images  # no QR code at all
    data = json.loads(invoke("check", "-w", root, "--json").stdout)
    figures = {f["name"]: f for f in data["drugs"][0]["figures"]}
    assert figures["address: Test Press"]["status"] == "warn"
    assert "javascript:" in figures["address: Test Press"]["value"]
    assert figures["QR code"]["value"] == "none"


def test_made_date_from_source_date_epoch_is_byte_identical_across_two_builds(shipped_workspace, tmp_path):
    epoch = str(int(dt.datetime(2026, 5, 17, 15, 0, tzinfo=dt.UTC).timestamp()))
    outputs = []
    for name in ("a", "b"):
        out = tmp_path / name
        result = invoke("build", "--strict", "-j", "1", "-w", shipped_workspace, "-o", out, env={"SOURCE_DATE_EPOCH": epoch})
        assert result.exit_code == 0, result.output
        outputs.append(out)
    for pdf in ("blinatumomab.pdf", "inotuzumab-ozogamicin.pdf"):
        first, second = (o / pdf for o in outputs)
        assert first.read_bytes() == second.read_bytes()
        assert "Handout made May 17, 2026." in pdfread.text(first)
    bad = invoke("build", "-w", shipped_workspace, "-o", tmp_path / "c", env={"SOURCE_DATE_EPOCH": "soon"})
    assert bad.exit_code != 0 and "SOURCE_DATE_EPOCH must be a whole number of seconds" in bad.output


def test_made_date_defaults_to_the_build_day_and_overdue_sources_are_named_on_the_build_line(make_workspace):
    old = [{**SOURCE, "last_reviewed": "2020-01-01", "review_frequency": "annually"}]
    root = make_workspace({"old.yaml": record("oldamab", sources=old), "new.yaml": record("newamab")})
    result = invoke("build", "--strict", "-j", "1", "-w", root)
    assert result.exit_code == 0, result.output
    today = dt.date.today()
    assert f"Handout made {today:%B} {today.day}, {today.year}." in pdfread.text(root / "out" / "newamab.pdf")
    lines = {line.split()[1]: line for line in result.stdout.splitlines() if line.startswith("built")}
    assert lines[str(root / "out" / "oldamab.pdf")].endswith("(sources overdue for review since January 1, 2021)")
    assert "overdue" not in lines[str(root / "out" / "newamab.pdf")]


def test_shipped_inotuzumab_carries_its_boxed_warning_citing_the_2023_drugs_com_page(shipped_workspace):
    (drug,) = [d for d in catalogue.load(shipped_workspace).drugs if d.name == "inotuzumab ozogamicin"]
    source = drug.record.source("sources/inotuzumab-ozogamicin.yaml#drugscom2023")
    assert source.url == "https://www.drugs.com/sfx/besponsa-side-effects.html"
    assert source.last_reviewed == dt.date(2023, 4, 4)
    warnings = drug.record.serious_warnings
    assert {w.source for w in warnings} == {source.key}
    assert any("veno-occlusive" in w.title and "death" in w.text for w in warnings)
    assert any("stem cell transplant" in w.title and "leukemia coming back" in w.text for w in warnings)
    result = invoke("build", "--strict", "-j", "1", "-w", shipped_workspace, "Besponsa")
    assert result.exit_code == 0, result.output
    text = pdfread.text(shipped_workspace / "out" / "inotuzumab-ozogamicin.pdf")
    urgent = text.index(URGENT_HEADING)
    assert urgent < text.index("Liver damage, including veno-occlusive disease (VOD):") < text.index("Allergic reaction:")
    assert "Scan the code for the full list of side effects at Drugs.com." in text


@pytest.mark.parametrize("brand", ["default", "northside"])
def test_check_passes_every_bar_on_the_shipped_pages_without_strict(shipped_workspace, brand):
    # CI runs this: no figure may fail (overdue sources only warn). A wrapped "life-threatening"
    # once read as "life- threatening" in the tag order and failed the urgent-first figure.
    result = invoke("check", "-w", shipped_workspace, "--brand", brand, "--json")
    data = json.loads(result.stdout)
    failed = [(d["drug"], f["name"], f["detail"]) for d in data["drugs"] for f in d["figures"] if f["status"] == "fail"]
    assert failed == [] and result.exit_code == 0, failed


def test_must_keep_reminders_go_last_and_are_named_rather_than_no_handout(make_workspace):
    # Urgent content that fits alone at the floor, and must-keep reminders too long to fit beside it:
    # a handout with the reminders' topics named beats no handout at all.
    urgent = [f"A long made-up urgent sign number {n} that fills most of a line on the page" for n in range(44)]
    reminders = [{"title": "Pregnancy", "text": "Use birth control during treatment and for a month after. " * 6},
                 {"title": "Driving", "text": "Do not drive until you know how this medicine affects you. " * 6}]
    root = make_workspace({"last.yaml": record("lastamab", urgent_signs=urgent, reminders=reminders)})
    (result,) = runner.build(root, catalogue.load(root), [], BuildOptions(strict=True, jobs=1))
    assert result.ok, result.message
    assert pdfread.pages(result.path) == 1
    flat = " ".join(pdfread.text(result.path).split())
    for n in range(44):
        assert f"urgent sign number {n} that" in flat
    gone = [topic for topic in ("pregnancy", "driving") if f"{topic.capitalize()}:" not in flat]
    assert gone, "the reminders fitted: the record no longer tests the last resort"
    assert f"ask your care team about {', '.join(gone)}" in flat


# --- who was counted ------------------------------------------------------------------------------


def test_how_common_says_who_was_counted_where_the_source_does(make_workspace):
    counted = (REPO / "tests" / "fixtures" / "drugscom" / "counted_group.txt").read_text(encoding="utf-8")
    root = make_workspace({
        "velmora.txt": counted,
        # A YAML record names its group itself; without a number on the page it is not said.
        "plain.yaml": record("plainamab", studied="adults with a made-up cancer",
                             side_effects=[{"text": "Dry mouth", "frequency": "More common"}]),
        "nogroup.yaml": record("nogroupamab", side_effects=[{"text": "Dry mouth", "frequency": "28%"}]),
    })
    result = invoke("build", "--strict", "-j", "1", "-w", root)
    assert result.exit_code == 0, result.output
    path = root / "out" / "velmorastat.pdf"
    text = pdfread.text(path)
    common = text[text.index("Common side effects"):text.index("does not replace")]
    said = "The numbers are from studies of adults with relapsed imaginary gland cancer."
    # After the numbers it explains, inside the side effects, and nowhere else.
    assert said in common and text.count(said) == 1
    assert common.index("(about 2 in 10 people in studies)") < common.index(said)
    assert_printable(path)
    for other in ("plainamab", "nogroupamab"):
        assert "The numbers are from studies" not in pdfread.text(root / "out" / f"{other}.pdf"), other


def test_who_was_counted_is_said_only_of_numbers_from_that_source(make_workspace):
    counted = (REPO / "tests" / "fixtures" / "drugscom" / "counted_group.txt").read_text(encoding="utf-8")
    root = make_workspace({
        "velmora.txt": counted,
        # The same drug: a number the clinic wrote may have counted other people.
        "velmora-more.yaml": record("velmorastat", side_effects=[{"text": "Hair loss", "frequency": "45%"}]),
        # The record's own group, with a call-now sentence in it and its own full stop.
        "own.yaml": record("ownamab", side_effects=[{"text": "Dry mouth", "frequency": "28%"}],
                           studied="adults with a made-up cancer. Call us right away if you faint."),
    })
    result = invoke("build", "--strict", "-j", "1", "-w", root)
    assert result.exit_code == 0, result.output
    text = pdfread.text(root / "out" / "velmorastat.pdf")
    assert "Hair loss (about 5 in 10 people in studies)" in column_text(root / "out" / "velmorastat.pdf")
    assert "The numbers are from studies" not in text
    own = pdfread.text(root / "out" / "ownamab.pdf")
    assert "The numbers are from studies of adults with a made-up cancer." in own
    assert "cancer.." not in own
    # The call-now sentence is an urgent sign, in the box, not a footnote to the side effects.
    assert own.index("you faint") < own.index("Common side effects")



# --- nothing left out that would fit -----------------------------------------------------------------


def left_out_that_fits(root: Path, brand: str | None = None) -> dict[str, list[str]]:
    options = BuildOptions(strict=True, jobs=1, output=root / "out", brand=brand)
    ctx = runner.context(root, options, runner.chosen_brand(root, options))
    found = {}
    for drug in catalogue.load(root).drugs:
        result = runner.build_drug(drug, ctx)
        assert result.ok, result.message
        trials = runner.left_out_room(drug, ctx, result)
        assert len(trials) == len(runner._stored_cuts(result.fit).omitted)
        found[drug.name] = [t.item for t in trials if t.fits]
    return found


@pytest.mark.parametrize("brand", ["default", "northside", "longaddress"])
def test_no_page_leaves_out_an_item_that_its_room_would_hold(shipped_workspace, make_workspace, brand):
    # Told by real layouts, not the fitter's model: each item left out, given back at the page's
    # type (with what it outranks left out too), overflows the page.
    long_address_brand(shipped_workspace)
    assert left_out_that_fits(shipped_workspace, brand) == {"blinatumomab": [], "inotuzumab ozogamicin": []}
    if brand == "default":
        assert left_out_that_fits(make_workspace({"cut.yaml": cut_record()})) == {"cutamab": []}


def test_check_names_an_item_left_out_that_would_fit(make_workspace):
    root = make_workspace({"roomy.yaml": record("roomamab", how_it_works="It works in a made-up way.",
                                                 reminders=["Drink plenty of made-up water."])})
    options = BuildOptions(jobs=1, output=root / "out")
    ctx = runner.context(root, options, runner.chosen_brand(root, options))
    (drug,) = catalogue.load(root).drugs
    result = runner.build_drug(drug, ctx)
    assert result.ok and not result.dropped  # it fits whole: leave two items out by hand
    cuts = handout.Cuts(omitted=frozenset({"how", "rm-0"}))
    result = dataclasses.replace(result, dropped=cuts.dropped(drug.record), empty_pt=200.0,
                                 fit={"cuts": {"omitted": sorted(cuts.omitted)}, "scale": 1.0})
    (figure,) = handout_check._empty_space(drug, ctx, result)
    assert figure.status == handout_check.WARN
    assert figure.detail == "would fit: reminder 'Drink plenty of made-up water.', how it works"
