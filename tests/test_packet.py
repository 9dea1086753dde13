"""Clinic packets: cover, one combined "when to call us" page, each drug's handout; from drug
names, a packet file or a cancer.gov combination page; printed through CUPS."""

from __future__ import annotations

import re

import collections
import shutil
import time
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from click.testing import CliRunner

from handouts import packet, workspace
from handouts.cli import cli
from handouts.options import BuildOptions

from . import pdfread
from .test_batch import QUEUE, printed_pages, require_lp, require_printer
from .test_build import record

REPO = Path(__file__).resolve().parent.parent
PACKETS = Path(__file__).resolve().parent / "fixtures" / "packets"
DATE = "2026-01-02"
COMBINED = "When to call us right away"
SHIPPED_OUTLINE = ["Blinatumomab (Blincyto)", "Inotuzumab ozogamicin (Besponsa)"]


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env=env)


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


def test_combined_page_holds_every_urgent_sign_of_both_drugs_once(shipped):
    combined = page_texts(shipped["packet"])[1]
    assert combined.startswith(COMBINED)
    assert "while you take Blinatumomab, Inotuzumab ozogamicin." in combined
    # The emergency line opens the urgent block (issue 14); the signs follow it.
    opening, body = combined.split("In an emergency", 1)
    # One heading per set of drugs; each sign sits, once, under the heading naming its drugs.
    sections = dict(part.split(" ", 1) for part in body.split("If you take ")[1:])
    catalog = workspace.load(shipped["root"])
    seen = collections.defaultdict(list)
    for drug in catalog.drugs:
        for item in drug.record.serious_warnings + drug.record.urgent_signs:
            seen[pdfread.fold(f"{item.title}: {item.text}" if item.title else item.text)].append(drug.name)
    assert list(sections) == ["any", "Blinatumomab", "Inotuzumab"]
    for line, names in seen.items():
        heading = "any" if len(names) == 2 else names[0][:1].upper() + names[0][1:].split()[0]
        assert sections[heading].count(line) == 1, (heading, line)
        assert combined.count(line) == 1, line
    assert len(seen) < sum(len(d.record.serious_warnings + d.record.urgent_signs) for d in catalog.drugs), \
        "the shipped drugs share a sign (Infection): the packet must list it once"


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


def test_a_sign_two_drugs_share_appears_once_marked_with_both(make_workspace):
    root = make_workspace({
        "alfamab.yaml": record("alfamab", urgent_signs=[
            {"title": "Purple tongue", "text": "a tongue that turns purple"}, "Alfa-only fictional sign"]),
        "betamab.yaml": record("betamab", urgent_signs=[
            "Beta-only fictional sign", {"title": "Purple Tongue", "text": "A tongue that turns purple."}]),
    })
    result = packet.make(root, workspace.load(root), packet.PacketSpec(drugs=("betamab", "Alfamabra")),
                         BuildOptions(strict=True))
    assert (result.pages, result.missing, result.failed) == (4, [], [])
    assert [(p.title, p.first_page) for p in result.parts] == [
        ("Your medicines", 1), (COMBINED, 2), ("Betamab", 3), ("Alfamab", 4)]
    combined = page_texts(result.path)[1]
    assert combined.count("urns purple") == 1
    assert combined.count("Purple") == 1
    # Shared signs come first; the wording kept is the first drug's (here betamab's).
    signs = combined.split("Nights and weekends:", 1)[1]
    order = ["If you take any of your medicines", "Purple Tongue: A tongue that turns purple.",
             "If you take Betamab", "Beta-only fictional sign", "If you take Alfamab", "Alfa-only fictional sign"]
    assert [signs.index(text) for text in order] == sorted(signs.index(text) for text in order)
    assert "while you take Betamab, Alfamab." in combined


def test_a_combined_page_too_long_for_one_page_flows_on_and_page_numbers_follow(make_workspace):
    def signs(name):
        return [f"{name} made-up urgent sign number {n}, described in a long sentence so that it wraps "
                f"across the width of the page and takes room" for n in range(20)]

    root = make_workspace({"alfamab.yaml": record("alfamab", urgent_signs=signs("Alfamab")),
                           "betamab.yaml": record("betamab", urgent_signs=signs("Betamab"))})
    result = invoke("packet", "--strict", "--duplex", "--title", "Long list", "-w", str(root), "alfamab", "betamab")
    assert result.exit_code == 0, result.output
    path = root / "out" / "packet-long-list.pdf"
    # cover 1, combined 2-3, blank 4, alfamab 5, blank 6, betamab 7
    assert pdfread.pages(path) == 7
    assert outline(path) == [(0, "Long list", 1), (0, COMBINED, 2), (0, "Alfamab (Alfamabra)", 5),
                             (0, "Betamab (Betamabra)", 7)]
    pages = page_texts(path)
    assert cover_contents(pages[0]) == f"1. {COMBINED} page 2 2. Alfamab page 5 3. Betamab page 7"
    assert pages[3] == pages[5] == "This page is intentionally blank."
    both = pages[1] + " " + pages[2]
    alfamab, betamab = both.split("If you take Alfamab", 1)[1].split("If you take Betamab", 1)
    for name, under in (("Alfamab", alfamab), ("Betamab", betamab)):
        for sign in signs(name):
            assert both.count(sign) == under.count(sign) == 1, sign
    assert min(pdfread.font_sizes(path)) >= 7


def test_a_combined_page_pages_too_long_is_laid_out_at_the_floor_at_once_with_the_same_result(
        make_workspace, monkeypatch):
    """The shortcut for a very long combined page saves its full-size layout and changes nothing:
    the packet is byte-identical to the one the fitter makes by shrinking step by step."""
    def signs(name):
        return [f"{name} made-up urgent sign number {n}, described in a long sentence so that it wraps "
                f"across the width of the page and takes room" for n in range(20)]

    root = make_workspace({"alfamab.yaml": record("alfamab", urgent_signs=signs("Alfamab")),
                           "betamab.yaml": record("betamab", urgent_signs=signs("Betamab"))})
    catalog = workspace.load(root)
    spec = packet.PacketSpec(drugs=("alfamab", "betamab"), title="Long")
    passes = []
    shrink = packet.fit.shrink

    def counted(*args, **kwargs):
        fitted = shrink(*args, **kwargs)
        passes.append(fitted.passes)
        return fitted

    monkeypatch.setattr(packet.fit, "shrink", counted)

    def make(folder: str) -> bytes:
        result = packet.make(root, catalog, spec, BuildOptions(strict=True, output=root / folder, date=None))
        return result.path.read_bytes()

    stepwise = make("stepwise")
    monkeypatch.setattr(packet, "FLOOR_PAGE_CHARS", 100)  # now this page counts as pages too long
    at_once = make("at-once")
    assert at_once == stepwise
    assert passes[0] > 1 and passes[1] == 1


def test_a_short_combined_page_keeps_full_size_type(make_workspace):
    # The floor shortcut is for pages far too long; a page that fits is never shrunk to the floor.
    root = make_workspace({"alfamab.yaml": record("alfamab"), "betamab.yaml": record("betamab")})
    result = packet.make(root, workspace.load(root), packet.PacketSpec(drugs=("alfamab", "betamab")),
                         BuildOptions(strict=True))
    with pdfplumber.open(result.path) as pdf:
        words = pdf.pages[1].extract_words(extra_attrs=["size"])
    sizes = [w["size"] for w in words if w["text"] == "Fictional"]
    assert len(sizes) == 2 and min(sizes) >= 12.9  # the two shared signs at 13 pt, full size


def test_a_drug_that_cannot_be_made_is_left_out_and_exits_1(make_workspace):
    root = make_workspace({"alfamab.yaml": record("alfamab"), "nonamab.yaml": record("nonamab", urgent_signs=[])})
    result = invoke("packet", "--strict", "-w", str(root), "alfamab", "nonamab")
    assert result.exit_code == 1
    path = root / "out" / "packet-your-medicines.pdf"
    assert result.stdout.splitlines() == [
        f"packet {path} (3 pages)", "    page 1: Your medicines", f"    page 2: {COMBINED}",
        "    page 3: Alfamab",
        "FAILED nonamab: no urgent warning signs: cannot make a handout; next: fill in urgent_signs in "
        "sources/nonamab.yaml",
    ]
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
    combined = page_texts(path)[1]
    assert combined.count("Fictional sign one") == 1
    assert combined.index("If you take any of your medicines") < combined.index("Fictional sign one") < \
        combined.index("If you take Drelomab")
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
