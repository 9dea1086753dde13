"""Clinic packets: cover, one combined "when to call us" page, each drug's handout; from drug
names, a packet file or a cancer.gov combination page; printed through CUPS."""

from __future__ import annotations

import collections
import re
import shutil
import time
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from handouts.builder import packet
from handouts.builder.options import BuildOptions
from handouts.page import combined
from handouts.workspace import catalogue

from .. import pdfread
from ..helpers import PACKETS, QUEUE, REPO, invoke, printed_pages, record, require_lp, require_printer

DATE = "2026-01-02"
COMBINED = "When to call us right away"
SHIPPED_OUTLINE = ["Blinatumomab (Blincyto)", "Inotuzumab ozogamicin (Besponsa)"]


def page_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        # Like pdfread.text: a line broken after a hyphen ("life-" / "threatening") reads as one word.
        return [pdfread.fold(re.sub(r"-\n(?=\w)", "-", page.extract_text() or "")) for page in pdf.pages]


def outline(path: Path) -> list[tuple[int, str, int]]:
    """Every bookmark as (depth, title, 1-based page number), in order."""
    reader = pypdf.PdfReader(path)
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


def embedded_font_programs(path: Path) -> list[str]:
    """The name of each embedded font program (FontFile stream) in the file, once per stream."""
    reader = pypdf.PdfReader(path)
    programs: dict[int, str] = {}
    for page in reader.pages:
        for ref in ((page.get("/Resources") or {}).get("/Font") or {}).values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"].get_object()
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if key in descriptor:
                    programs[descriptor.raw_get(key).idnum] = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
    return sorted(programs.values())


def cover_contents(text: str) -> str:
    return text.split("In this packet", 1)[1].split("Keep this packet", 1)[0].strip()


# --- the shipped drugs ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """A packet of the two shipped drugs and their own PDFs, all made with the same --date (and --strict,
    since the autouse warning check does not reach a module fixture)."""
    root = tmp_path_factory.mktemp("packet") / "shipped"
    shutil.copytree(REPO / "sources", root / "sources")
    made = invoke("packet", "--strict", "--date", DATE, "-w", str(root), "Blincyto", "inotuzumab ozogamicin")
    assert made.exit_code == 0, made.output
    built = invoke("build", "--strict", "--jobs", "1", "--date", DATE, "-w", str(root))
    assert built.exit_code == 0, built.output
    return {"root": root, "output": made.stdout, "packet": root / "out" / "packet-your-medicines.pdf",
            "blinatumomab": root / "out" / "blinatumomab.pdf",
            "inotuzumab ozogamicin": root / "out" / "inotuzumab-ozogamicin.pdf"}


def test_shipped_packet_is_cover_combined_page_and_one_page_each(shipped):
    assert pdfread.pages(shipped["packet"]) == 4
    assert shipped["output"].splitlines() == [
        f"packet {shipped['packet']} (4 pages)",
        "    page 1: Your medicines",
        f"    page 2: {COMBINED}",
        "    page 3: Blinatumomab",
        "    page 4: Inotuzumab ozogamicin",
    ]


def test_shipped_packet_bookmarks_name_each_part(shipped):
    assert outline(shipped["packet"]) == [
        (0, "Your medicines", 1), (0, COMBINED, 2), (0, SHIPPED_OUTLINE[0], 3), (0, SHIPPED_OUTLINE[1], 4),
    ]


def test_cover_lists_every_part_with_its_page(shipped):
    cover = page_texts(shipped["packet"])[0]
    assert "Your medicines" in cover and "Name:" in cover
    assert cover_contents(cover) == (
        f"1. {COMBINED} page 2 2. Blinatumomab page 3 3. Inotuzumab ozogamicin page 4")
    assert "Information as of January 2, 2026." in cover


def entry_texts(page: str, entries: list[combined.Entry]) -> dict[str, str]:
    """Each entry's text on a combined page read back from the PDF, by its title, without the
    drug marks: the text from its title to the next entry's."""
    found, starts, at = {}, [], -1
    for entry in entries:  # in their order ("Other signs" comes once per set of drugs)
        at = page.index(f"{entry.title or 'Warning'}:", at + 1)
        starts.append(at)
    for entry, start, end in zip(entries, starts, starts[1:] + [len(page)]):
        text = page[start + len(f"{entry.title or 'Warning'}:"):end]
        found[entry.title] = re.sub(r"\s*\(from [^)]*\)", "", text).strip()
    return found


def test_combined_page_has_one_entry_per_symptom_group_with_every_sign_of_both_drugs_once(shipped):
    combined_page = page_texts(shipped["packet"])[1]
    assert combined_page.startswith(COMBINED)
    # The emergency line and the clinic's numbers once, at the top, before any sign.
    assert combined_page.index("In an emergency, call 911") < combined_page.index("Daytime:") < \
        combined_page.index("Cytokine release syndrome")
    assert combined_page.count("In an emergency") == combined_page.count("Daytime:") == 1
    assert "If you take" not in combined_page
    catalog = catalogue.load(shipped["root"])
    entries = combined.entries(catalog.drugs)
    texts = entry_texts(combined_page, entries)
    assert combined_page.count("Allergic reaction:") == 1 and combined_page.count("Infection:") == 1
    for title in ("Allergic reaction", "Infection"):
        expected = collections.Counter()
        for drug in catalog.drugs:
            item = next(i for i in drug.record.urgent_signs if i.title == title)
            expected.update(combined.split_signs(item.text))
        signs = [s.strip() for s in texts[title].split("\u2022")]
        # Every sign of both drugs, each exactly once: "rash; hives; itching" is three signs.
        assert collections.Counter(signs) == collections.Counter(set(expected)), title
        assert len(signs) < sum(expected.values()), "both drugs list the same signs: each printed once"
    # Both drugs have these: no drug named. Bleeding is inotuzumab's alone: named, in small type.
    for title in ("Allergic reaction", "Infection"):
        segment = combined_page.split(f"{title}:", 1)[1].split(":", 1)[0]
        assert "(from" not in segment
    assert "(from Inotuzumab ozogamicin)" in combined_page.split("Bleeding:", 1)[1].split(":", 1)[0]
    # Every single sign and whole warning of each drug is on the page.
    for drug in catalog.drugs:
        for sign in combined.every_sign(drug):
            assert pdfread.fold(sign) in combined_page, sign
    with pdfplumber.open(shipped["packet"]) as pdf:
        marks = [c["size"] for c in pdf.pages[1].chars if "Italic" in c["fontname"]]
        signs = [c["size"] for c in pdf.pages[1].chars if "Italic" not in c["fontname"] and c["text"].strip()]
    assert marks and max(marks) < min(signs), "the drug marks are in smaller type than the signs"


def test_group_titles_that_say_the_same_are_one_group():
    assert combined.group_key("Signs of an allergic reaction") == combined.group_key("Allergic reaction")
    assert combined.group_key("Signs of infection") == combined.group_key("Infection") == \
        combined.group_key("Infections")
    assert combined.group_key("Tumor lysis syndrome (TLS)") == combined.group_key("tumor lysis syndrome")
    assert combined.group_key("Pancreatitis") != combined.group_key("Pancreati")
    assert combined.split_signs("rash; hives; itching.") == ["rash", "hives", "itching"]
    assert combined.split_signs("red, swollen or peeling skin") == ["red, swollen or peeling skin"]
    assert combined.split_signs("Call if the pump alarms.") == ["Call if the pump alarms."]


def test_each_handout_page_is_that_drugs_own_pdf(shipped):
    pages = page_texts(shipped["packet"])
    assert pages[2] == pdfread.text(shipped["blinatumomab"])
    assert pages[3] == pdfread.text(shipped["inotuzumab ozogamicin"])


def test_packet_embeds_each_font_once(shipped):
    programs = embedded_font_programs(shipped["packet"])
    assert programs and all(name.startswith("Atkinson-Hyperlegible") for name in programs), programs
    assert len(programs) == len(set(programs)), programs
    assert set(programs) == pdfread.fonts(shipped["packet"])


def test_duplex_puts_each_handout_on_an_odd_page(shipped_workspace):
    result = invoke("packet", "--strict", "--duplex", "--date", DATE, "-w", str(shipped_workspace),
                    "Blincyto", "Besponsa")
    assert result.exit_code == 0, result.output
    path = shipped_workspace / "out" / "packet-your-medicines.pdf"
    assert pdfread.pages(path) == 5
    assert outline(path) == [
        (0, "Your medicines", 1), (0, COMBINED, 2), (0, SHIPPED_OUTLINE[0], 3), (0, SHIPPED_OUTLINE[1], 5),
    ]
    pages = page_texts(path)
    assert pages[3] == "This page is intentionally blank."
    assert pages[2].startswith("Your care team") and "Blinatumomab (Blincyto)" in pages[2]
    assert "Inotuzumab ozogamicin (Besponsa)" in pages[4]
    assert cover_contents(pages[0]) == (
        f"1. {COMBINED} page 2 2. Blinatumomab page 3 3. Inotuzumab ozogamicin page 5")
    assert result.stdout.splitlines()[1:] == [
        "    page 1: Your medicines", f"    page 2: {COMBINED}",
        "    page 3: Blinatumomab", "    page 5: Inotuzumab ozogamicin",
    ]
    assert len(embedded_font_programs(path)) == len(set(embedded_font_programs(path)))


# --- fictional drugs: shared signs, long combined pages, failures ------------------------------------


def test_a_sign_two_drugs_share_appears_once_unmarked_and_the_others_name_their_drug(make_workspace):
    root = make_workspace({
        "alfamab.yaml": record("alfamab", urgent_signs=[
            {"title": "Purple tongue", "text": "a tongue that turns purple"}, "Alfa-only fictional sign"]),
        "betamab.yaml": record("betamab", urgent_signs=[
            "Beta-only fictional sign", {"title": "Purple Tongue", "text": "A tongue that turns purple."}]),
    })
    result = packet.make(root, catalogue.load(root), packet.PacketSpec(drugs=("betamab", "Alfamabra")),
                         BuildOptions(strict=True))
    assert (result.pages, result.missing, result.failed) == (4, [], [])
    assert [(p.title, p.first_page) for p in result.parts] == [
        ("Your medicines", 1), (COMBINED, 2), ("Betamab", 3), ("Alfamab", 4)]
    page = page_texts(result.path)[1]
    assert page.count("urns purple") == 1
    assert page.count("Purple") == 1
    # The wording kept is the first drug's (here betamab's); a group both drugs have names neither.
    signs = page.split("Nights and weekends:", 1)[1]
    order = ["Purple Tongue: A tongue that turns purple", "Other signs:",
             "Beta-only fictional sign (from Betamab)", "Alfa-only fictional sign (from Alfamab)"]
    assert [signs.index(text) for text in order] == sorted(signs.index(text) for text in order)
    assert "while you take Betamab, Alfamab." in page


def long_groups(name: str, count: int, start: int = 0) -> list[dict]:
    """Symptom groups of one printed line each at the smallest type, no two alike."""
    return [{"title": f"{name} group {n:02}", "text": f"made-up sign {n}a; made-up sign {n}b; made-up sign {n}c"}
            for n in range(start, start + count)]


def test_a_combined_page_one_entry_too_long_breaks_between_entries_and_the_cover_lists_every_page(
        make_workspace):
    names = ["alfamab", "betamab", "gammamab", "deltamab", "epsimab", "zetamab"]

    def workspace_with(per_drug: list[int]) -> Path:
        return make_workspace({f"{n}.yaml": record(n, urgent_signs=long_groups(n.title(), k))
                               for n, k in zip(names, per_drug)}, name=f"ws{sum(per_drug)}")

    def combined_of(root: Path) -> tuple[Path, list[str]]:
        result = invoke("packet", "--strict", "--title", "Long", "-w", str(root), *names)
        assert result.exit_code == 0, result.output
        path = root / "out" / "packet-long.pdf"
        return path, page_texts(path)[1:-len(names)]

    # Far too many for one page: how many entries one page holds at the floor.
    _, pages = combined_of(workspace_with([12] * 6))
    assert len(pages) >= 2
    per_page = pages[0].count(" group ")
    # One entry more than a page holds: "one line too long".
    counts = [per_page // 6 + (1 if i < per_page % 6 else 0) for i in range(6)]
    counts[-1] += 1
    path, pages = combined_of(workspace_with(counts))
    assert len(pages) == 2, [p[:80] for p in pages]
    # Breaks between entries: each entry whole on one page, every entry once.
    for n, k in zip(names, counts):
        for group in long_groups(n.title(), k):
            title, signs = group["title"], group["text"].replace("; ", " \u2022 ")
            assert sum(f"{title}: {signs}" in p for p in pages) == 1, title
    # Never a page with a line or two: the last page holds several entries.
    assert pages[-1].count(" group ") >= 3, pages[-1]
    cover = page_texts(path)[0]
    assert cover_contents(cover).startswith(f"1. {COMBINED} pages 2-3 2. Alfamab page 4")
    with pdfplumber.open(path) as pdf:  # the type floor: 11 pt signs, 10 pt drug marks
        sizes = [c["size"] for page in pdf.pages[1:3] for c in page.chars if c["text"].strip()]
    assert min(sizes) >= 10.1


def test_a_combined_page_too_long_for_one_page_flows_on_and_page_numbers_follow(make_workspace):
    def signs(name):
        return [f"{name} made-up urgent sign number {n}, described in a long sentence so that it wraps "
                f"across the width of the page and takes room" for n in range(20)]

    root = make_workspace({"alfamab.yaml": record("alfamab", urgent_signs=signs("Alfamab")),
                           "betamab.yaml": record("betamab", urgent_signs=signs("Betamab"))})
    result = invoke("packet", "--strict", "--duplex", "--title", "Long list", "-w", str(root), "alfamab", "betamab")
    assert result.exit_code == 0, result.output
    path = root / "out" / "packet-long-list.pdf"
    pages = page_texts(path)
    count = pdfread.pages(path)
    # cover 1, combined 2 (and 3 if it flows on), a blank to keep each handout on a front, ...
    assert outline(path)[:2] == [(0, "Long list", 1), (0, COMBINED, 2)]
    first_handout = outline(path)[2][2]
    assert first_handout % 2 == 1 and count == first_handout + 2
    combined_text = " ".join(pages[1:first_handout - 1])
    for name in ("Alfamab", "Betamab"):
        for sign in signs(name):
            assert combined_text.count(sign) == 1, sign


def test_a_combined_page_pages_too_long_is_laid_out_at_the_floor_at_once_with_the_same_result(
        make_workspace, monkeypatch):
    """The shortcut for a very long combined page saves its full-size layout and changes nothing:
    the packet is byte-identical to the one made by shrinking step by step."""
    root = make_workspace({f"{n}.yaml": record(n, urgent_signs=long_groups(n.title(), 12))
                           for n in ("alfamab", "betamab", "gammamab", "deltamab")})
    catalog = catalogue.load(root)
    spec = packet.PacketSpec(drugs=("alfamab", "betamab", "gammamab", "deltamab"), title="Long")
    passes = []
    lay_out = packet.combined_fit.lay_out

    def counted(*args, **kwargs):
        laid = lay_out(*args, **kwargs)
        passes.append(laid.passes)
        return laid

    monkeypatch.setattr(packet.combined_fit, "lay_out", counted)

    def make(folder: str) -> bytes:
        result = packet.make(root, catalog, spec, BuildOptions(strict=True, output=root / folder, date=None))
        return result.path.read_bytes()

    stepwise = make("stepwise")
    monkeypatch.setattr(packet, "FLOOR_PAGE_CHARS", 100)  # now this page counts as pages too long
    at_once = make("at-once")
    assert at_once == stepwise
    assert passes[0] > passes[1]


def test_a_short_combined_page_keeps_full_size_type(make_workspace):
    # The floor shortcut is for pages far too long; a page that fits is never shrunk to the floor.
    root = make_workspace({"alfamab.yaml": record("alfamab"), "betamab.yaml": record("betamab")})
    result = packet.make(root, catalogue.load(root), packet.PacketSpec(drugs=("alfamab", "betamab")),
                         BuildOptions(strict=True))
    with pdfplumber.open(result.path) as pdf:
        words = pdf.pages[1].extract_words(extra_attrs=["size"])
    sizes = [w["size"] for w in words if w["text"] == "Fictional"]
    assert len(sizes) == 2 and min(sizes) >= 12.9  # the two shared signs at 13 pt, full size


def test_a_drug_that_cannot_be_made_is_left_out_and_exits_1(make_workspace):
    root = make_workspace({"alfamab.yaml": record("alfamab"), "nonamab.yaml": record("nonamab", urgent_signs=[])})
    result = invoke("packet", "--strict", "-w", str(root), "alfamab", "nonamab")
    assert result.exit_code == 1
    path = root / "out" / "packet-your-medicines-incomplete.pdf"
    assert result.stdout.splitlines() == [
        f"packet {path} (3 pages)", "    page 1: Your medicines", f"    page 2: {COMBINED}",
        "    page 3: Alfamab",
        "FAILED nonamab: no urgent warning signs: cannot make a handout; next: fill in urgent_signs in "
        "sources/nonamab.yaml",
        "incomplete: written as packet-your-medicines-incomplete.pdf, beside (never over) the complete packet",
    ]
    assert not (root / "out" / "packet-your-medicines.pdf").exists()
    assert pdfread.pages(path) == 3
    assert "Nonamab" not in pdfread.text(path)


def test_unknown_drug_is_a_one_line_error(make_workspace):
    root = make_workspace({"alfamab.yaml": record("alfamab")})
    result = invoke("packet", "-w", str(root), "alfamab", "nosuchamab")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"Error: no drug called 'nosuchamab' in {root / 'sources'}"]
    assert not (root / "out").exists()


# --- regimens from a cancer.gov combination page -----------------------------------------------------


@pytest.fixture
def regimen_workspace(make_workspace) -> Path:
    return make_workspace({
        "dravex.md": (PACKETS / "dravex.md").read_text(encoding="utf-8"),
        "quorb.md": (PACKETS / "quorb.md").read_text(encoding="utf-8"),
        "drelomab.yaml": record("drelomab", urgent_signs=["Fictional sign one", "A drelomab-only fictional sign"]),
        # "avoplatin" is the regimen's "Avoplatin Sodium": salt words do not count
        "avoplatin.yaml": record("avoplatin", urgent_signs=["Fictional sign one", "An avoplatin-only fictional sign"]),
    })


def test_regimen_packet_holds_its_drugs_and_reports_the_missing_ones(regimen_workspace):
    result = invoke("packet", "--strict", "--regimen", "dravex", "-w", str(regimen_workspace))
    assert result.exit_code == 0, result.output
    path = regimen_workspace / "out" / "packet-dravex-your-medicines.pdf"
    assert result.stdout.splitlines() == [
        f"packet {path} (4 pages)",
        "    page 1: DRAVEX: your medicines",
        f"    page 2: {COMBINED}",
        "    page 3: Drelomab",
        "    page 4: Avoplatin",
        "    no handout yet for Xentrabine (not in sources/)",
    ]
    assert outline(path) == [(0, "DRAVEX: your medicines", 1), (0, COMBINED, 2),
                             (0, "Drelomab (Drelomabra)", 3), (0, "Avoplatin (Avoplatinra)", 4)]
    page = page_texts(path)[1]
    assert page.count("Fictional sign one") == 1
    # Shared by both: unmarked, and first; then each drug's own signs, naming it.
    assert ("Other signs: Fictional sign one Other signs: A drelomab-only fictional sign (from Drelomab) "
            "Other signs: An avoplatin-only fictional sign (from Avoplatin)") in page
    assert "Xentrabine" not in pdfread.text(path)


def test_regimen_with_no_handouts_is_a_one_line_error(regimen_workspace):
    result = invoke("packet", "--regimen", "QUORB", "-w", str(regimen_workspace))
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: QUORB: none of its drugs has a handout yet (Quintomab, Orbiplatin)"]
    assert not list((regimen_workspace / "out").glob("*.pdf"))


def test_unknown_regimen_is_a_one_line_error(regimen_workspace):
    result = invoke("packet", "--regimen", "FOLFNOPE", "-w", str(regimen_workspace))
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"Error: no combination called 'FOLFNOPE' in {regimen_workspace / 'sources'}"]


# --- packet files ---------------------------------------------------------------------------------


def test_packet_file_gives_title_drugs_and_duplex(shipped_workspace):
    spec = packet.load_spec(PACKETS / "clinic.toml")
    assert spec == packet.PacketSpec(title="Your leukemia medicines", drugs=("Blincyto", "inotuzumab ozogamicin"),
                                     duplex=True)
    result = invoke("packet", "--strict", "--date", DATE, "-w", str(shipped_workspace),
                    "--file", str(PACKETS / "clinic.toml"))
    assert result.exit_code == 0, result.output
    path = shipped_workspace / "out" / "packet-your-leukemia-medicines.pdf"
    assert result.stdout.splitlines()[0] == f"packet {path} (5 pages)"
    assert outline(path) == [(0, "Your leukemia medicines", 1), (0, COMBINED, 2),
                             (0, SHIPPED_OUTLINE[0], 3), (0, SHIPPED_OUTLINE[1], 5)]
    assert pdfread.metadata(path).title == "Your leukemia medicines"


def test_command_line_adds_to_and_overrides_the_packet_file():
    spec = packet.with_overrides(packet.load_spec(PACKETS / "clinic.toml"), drugs=("zentomab",),
                                 title="Another title", duplex=None)
    assert spec.drugs == ("Blincyto", "inotuzumab ozogamicin", "zentomab")
    assert (spec.title, spec.duplex) == ("Another title", True)


@pytest.mark.parametrize("name, text, problem", [
    ("malformed.toml", None, ":3: malformed TOML: "),
    ("unknown-key.toml", None, ": unknown key 'patient' (known: title, drugs, regimen, duplex, paper, brand)"),
    ("wrong-type.toml", 'title = "x"\nduplex = "yes"\n', ": duplex must be true or false"),
    ("drugs-not-a-list.toml", 'drugs = "Blincyto"\n', ": drugs must be a list of drug names"),
    ("missing.toml", "", ": cannot read: "),
])
def test_bad_packet_file_exits_2_naming_it(shipped_workspace, tmp_path, name, text, problem):
    path = PACKETS / name
    if text is not None:
        path = tmp_path / name
        if text:
            path.write_text(text, encoding="utf-8")
    result = invoke("packet", "-w", str(shipped_workspace), "--file", str(path))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {path}{problem}"), result.output
    assert not (shipped_workspace / "out").exists()


# --- printing -------------------------------------------------------------------------------------


def test_packet_print_sends_the_whole_packet(shipped_workspace):
    require_printer()
    since = time.time()
    result = invoke("packet", "--strict", "-w", str(shipped_workspace), "Blincyto", "Besponsa",
                    "--print", "--printer", QUEUE)
    assert result.exit_code == 0, result.output
    assert printed_pages(result.stdout, since) == [4]
    assert pdfread.pages(shipped_workspace / "out" / "packet-your-medicines.pdf") == 4


def test_packet_print_to_an_unknown_queue_fails_clearly_and_keeps_the_pdf(make_workspace):
    require_lp()
    root = make_workspace({"alfamab.yaml": record("alfamab")})
    result = invoke("packet", "--strict", "-w", str(root), "alfamab", "--print", "--printer", "no-such-queue-here")
    assert result.exit_code != 0
    assert result.stderr.strip().startswith("Error: printing packet-your-medicines.pdf failed: ")
    assert pdfread.pages(root / "out" / "packet-your-medicines.pdf") == 3


def test_packet_print_without_lp_fails_clearly_and_keeps_the_pdf(make_workspace, tmp_path):
    root = make_workspace({"alfamab.yaml": record("alfamab")})
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    result = invoke("packet", "--strict", "-w", str(root), "alfamab", "--print", env={"PATH": str(empty)})
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: cannot print: the CUPS 'lp' command is not installed (Debian: apt-get install cups-client)")
    assert pdfread.pages(root / "out" / "packet-your-medicines.pdf") == 3


# --- a four-drug regimen, -o FILE.pdf, incomplete packets ------------------------------------------


@pytest.fixture
def regimen4(make_workspace) -> Path:
    """Four fictional drugs shaped like real ones: warnings, titled groups worded differently
    ("Signs of infection", "Infections"), untitled signs."""
    return make_workspace({p.name: p.read_text(encoding="utf-8") for p in sorted((PACKETS / "regimen4").glob("*.yaml"))})


def test_a_four_drug_regimen_has_one_combined_page_with_groups_merged(regimen4):
    result = invoke("packet", "--strict", "-w", str(regimen4), "--file", str(PACKETS / "regimen4.toml"),
                    "-o", str(regimen4 / "four.pdf"))
    assert result.exit_code == 0, result.output
    path = regimen4 / "four.pdf"
    assert result.stdout.splitlines()[:3] == [f"packet {path} (6 pages)", "    page 1: Your four medicines",
                                              f"    page 2: {COMBINED}"]
    page = page_texts(path)[1]
    for title in ("Allergic reaction", "Infection", "Bleeding", "Liver problems"):
        assert page.count(f"{title}:") == 1, title
    for worded in ("Signs of", "Infections:", "Allergic reactions:"):
        assert worded not in page
    assert "fever \u2022 chills" in page and page.count("fever \u2022") == 1
    catalog = catalogue.load(regimen4)
    for drug in catalog.drugs:
        for sign in combined.every_sign(drug):
            assert pdfread.fold(sign) in page, sign
    with pdfplumber.open(path) as pdf:
        signs = [c["size"] for c in pdf.pages[1].chars if c["text"].strip() and "Italic" not in c["fontname"]]
    assert min(signs) >= 11 - 0.05


def test_o_file_pdf_names_the_packet_and_the_single_handout(regimen4):
    made = invoke("packet", "--strict", "-w", str(regimen4), "corvimab", "dulotinib", "-o", str(regimen4 / "p.pdf"))
    assert made.exit_code == 0, made.output
    assert pdfread.pages(regimen4 / "p.pdf") == 4 and (regimen4 / "p.pdf").is_file()
    one = invoke("build", "--strict", "-w", str(regimen4), "corvimab", "-o", str(regimen4 / "c.pdf"))
    assert one.exit_code == 0, one.output
    assert pdfread.pages(regimen4 / "c.pdf") == 1 and "Corvimab" in pdfread.text(regimen4 / "c.pdf")
    again = invoke("build", "--strict", "-w", str(regimen4), "corvimab", "-o", str(regimen4 / "c.pdf"))
    assert again.stdout.splitlines()[0].startswith("unchanged ")
    several = invoke("build", "--strict", "-w", str(regimen4), "corvimab", "dulotinib", "-o", str(regimen4 / "x.pdf"))
    assert several.exit_code == 2
    assert several.output.strip().splitlines() == [
        f"Error: {regimen4 / 'x.pdf'}: names one PDF, but 2 handouts were asked for: give -o a folder"]
    assert not (regimen4 / "x.pdf").exists()
    # A folder is still a folder; a folder an older version made of "-o x.pdf" is named, never written into.
    folder = invoke("build", "--strict", "-w", str(regimen4), "corvimab", "-o", str(regimen4 / "pdfs"))
    assert folder.exit_code == 0 and (regimen4 / "pdfs" / "corvimab.pdf").is_file()
    (regimen4 / "old.pdf").mkdir()
    for command in (["packet", "corvimab", "dulotinib"], ["build", "corvimab"]):
        made = invoke(*command, "--strict", "-w", str(regimen4), "-o", str(regimen4 / "old.pdf"))
        assert made.exit_code == 2
        assert made.output.strip() == (f"Error: {regimen4 / 'old.pdf'}: is a folder: give -o a file name ending "
                                       "in .pdf, or the folder itself without .pdf"), made.output
        assert not list((regimen4 / "old.pdf").iterdir())


def test_an_incomplete_packet_never_overwrites_the_good_one(regimen4):
    target = regimen4 / "leukemia-packet.pdf"
    good = invoke("packet", "--strict", "-w", str(regimen4), "corvimab", "dulotinib", "-o", str(target))
    assert good.exit_code == 0, good.output
    before = target.read_bytes()
    # dulotinib now cannot be made (no urgent signs): the packet is incomplete.
    (regimen4 / "sources" / "dulotinib.yaml").write_text(record("dulotinib", urgent_signs=[]), encoding="utf-8")
    bad = invoke("packet", "--strict", "-w", str(regimen4), "corvimab", "dulotinib", "-o", str(target))
    assert bad.exit_code == 1
    incomplete = regimen4 / "leukemia-packet-incomplete.pdf"
    assert bad.stdout.splitlines()[0] == f"packet {incomplete} (3 pages)"
    assert "FAILED dulotinib: no urgent warning signs: cannot make a handout" in bad.stdout
    assert target.read_bytes() == before
    assert "Dulotinib" not in pdfread.text(incomplete)
    # Mended: the complete packet replaces the good one, and the incomplete one is gone.
    (regimen4 / "sources" / "dulotinib.yaml").write_text(
        (PACKETS / "regimen4" / "dulotinib.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    mended = invoke("packet", "--strict", "-w", str(regimen4), "corvimab", "dulotinib", "-o", str(target))
    assert mended.exit_code == 0 and not incomplete.exists() and target.read_bytes() == before


def test_the_emergency_tier_comes_once_at_the_top_with_the_numbers(make_workspace):
    """Records read from FDA Medication Guides have an emergency tier ("get emergency help right
    away if ..."): the combined page puts every drug's, once, under the emergency line."""
    root = make_workspace({"alfamab.yaml": record("alfamab"), "betamab.yaml": record("betamab")})
    catalog = catalogue.load(root)
    from handouts.record import Item

    for drug in catalog.drugs:
        drug.record.emergency_signs = [Item("A made-up emergency sign both have"), Item(f"{drug.name} emergency sign")]
    result = packet.make(root, catalog, packet.PacketSpec(drugs=("alfamab", "betamab")), BuildOptions(strict=True))
    page = page_texts(result.path)[1]
    order = ["In an emergency, call 911", f"{combined.EMERGENCY_SIGNS}:", "A made-up emergency sign both have \u2022",
             "alfamab emergency sign (from Alfamab)", "betamab emergency sign (from Betamab)",
             "Call your care team right away", "Daytime:", "Other signs:"]
    assert [page.index(text) for text in order] == sorted(page.index(text) for text in order)
    assert page.count("A made-up emergency sign both have") == 1
    assert combined.every_sign(catalog.drugs[0])[:2] == ["A made-up emergency sign both have", "alfamab emergency sign"]
