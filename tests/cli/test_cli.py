"""The `handouts` command: list, show and extract, on the current folder or on --workspace DIR."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml

from handouts import readers
from handouts.cli import cli

from ..helpers import FIXTURES, NO_SIGNS, REPO, UNKNOWN_FORMAT, invoke, seed


def no_signs(record: str) -> str:
    """The problem, with its next step (issue 16)."""
    return f"{NO_SIGNS}; next: fill in urgent_signs in {record}"

# The documented JSON shapes (README "JSON output"): scripts rely on these keys, which are only ever added.
CATALOG_KEYS = ["workspace", "drugs", "regimens", "skipped", "errors"]
DRUG_KEYS = ["name", "slug", "brands", "files", "sources", "problems", "notes"]
SOURCE_KEYS = ["file", "kind", "publisher", "title", "url", "license", "language", "last_reviewed",
               "review_frequency"]
REGIMEN_KEYS = ["name", "drugs", "file"]
SKIPPED_KEYS = ["file", "title", "reason"]
ERROR_KEYS = ["file", "line", "message"]
SHOW_KEYS = [*DRUG_KEYS, "record"]


def text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture
def fictional(make_workspace) -> Path:
    """A drug with a handout, one without urgent signs, a combination page and an index page."""
    return make_workspace({
        "vexaprolin.yaml": text("records/vexaprolin.yaml"),
        "quillorex.yaml": text("records/quillorex.yaml"),
        "zoblix.md": text("cancergov/zoblix.md"),
        "imaginary-gland.md": text("cancergov/imaginary-gland.md"),
    })


LIST_LINES = [
    "quillorex (Quillo)",
    "    sources/quillorex.yaml  [yaml; no review date]",
    f"    PROBLEM: {no_signs('sources/quillorex.yaml')}",
    "vexaprolin (Vexapro, Vexalin)",
    "    sources/vexaprolin.yaml#label  [Fictional Press; last reviewed 2025-06-01, reviewed annually]",
    "    sources/vexaprolin.yaml#leaflet  [Vexaprolin leaflet; last reviewed 2024-03-03]",
    "ZOBLIX (combination: Zentomab, Orvaplatin Sodium, Blixatrexate)    sources/zoblix.md",
    "skipped sources/imaginary-gland.md: index page listing drugs approved for Imaginary Gland Cancer, "
    "not a single drug",
]


# --- help ---------------------------------------------------------------------------------------------


def test_every_command_has_help_text():
    assert {"list", "show", "extract", "build"} <= set(cli.commands)
    for name, command in cli.commands.items():
        assert command.help and len(command.help.strip()) > 40, name
        for flag in ("--help", "-h"):
            result = invoke(name, flag)
            assert result.exit_code == 0, (name, result.output)
            assert result.output.startswith(f"Usage: handouts {name} "), name
            first_line = command.help.strip().splitlines()[0]
            assert first_line in " ".join(result.output.split()), name
        # Every option says what it is for.
        assert [p.name for p in command.params if isinstance(p, click.Option) and not p.help] == [], name


def test_group_help_lists_every_command():
    result = invoke("--help")
    assert result.exit_code == 0
    listed = result.output.split("Commands:")[1].split("Examples:")[0].splitlines()
    assert sorted(line.split()[0] for line in listed
                  if line.strip() and line.startswith("  ") and not line.startswith("   ")) == sorted(cli.commands)
    for name, command in cli.commands.items():
        line = next(line for line in listed if line.split()[:1] == [name])
        assert line.split(None, 1)[1].rstrip(".")[:30] == command.help.strip()[:30].rstrip("."), name


# --- list ---------------------------------------------------------------------------------------------


def test_list_with_workspace_option(fictional):
    for flag in ("--workspace", "-w"):
        result = invoke("list", flag, str(fictional))
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines() == LIST_LINES
        assert result.stderr == ""


def test_list_uses_the_current_folder_as_workspace(fictional):
    result = invoke("list", cwd=fictional)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == LIST_LINES


def test_list_json_shape(fictional):
    result = invoke("list", "--json", "-w", str(fictional))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == CATALOG_KEYS
    assert data["workspace"] == str(fictional)
    assert [list(d) for d in data["drugs"]] == [DRUG_KEYS, DRUG_KEYS]
    quillorex, vexaprolin = data["drugs"]
    assert quillorex == {
        "name": "quillorex", "slug": "quillorex", "brands": ["Quillo"], "files": ["sources/quillorex.yaml"],
        "sources": [{"file": "sources/quillorex.yaml", "kind": "yaml",
                     "publisher": None, "title": None, "url": None, "license": None, "language": None,
                     "last_reviewed": None, "review_frequency": None}],
        "problems": [no_signs("sources/quillorex.yaml")], "notes": [],
    }
    assert vexaprolin["brands"] == ["Vexapro", "Vexalin"]
    assert vexaprolin["problems"] == []
    assert [list(s) for s in vexaprolin["sources"]] == [SOURCE_KEYS, SOURCE_KEYS]
    assert vexaprolin["sources"][0] == {
        "file": "sources/vexaprolin.yaml", "kind": "yaml",
        "publisher": "Fictional Press", "title": "Vexaprolin label", "url": "https://example.org/vexaprolin",
        "license": "public_domain", "language": "en", "last_reviewed": "2025-06-01",
        "review_frequency": "annually",
    }
    assert [(s["title"], s["last_reviewed"]) for s in vexaprolin["sources"]] == [
        ("Vexaprolin label", "2025-06-01"), ("Vexaprolin leaflet", "2024-03-03"),
    ]
    assert data["regimens"] == [{"name": "ZOBLIX", "drugs": ["Zentomab", "Orvaplatin Sodium", "Blixatrexate"],
                                 "file": "sources/zoblix.md"}]
    assert [list(r) for r in data["regimens"]] == [REGIMEN_KEYS]
    assert data["skipped"] == [{
        "file": "sources/imaginary-gland.md", "title": "Drugs Approved for Imaginary Gland Cancer",
        "reason": "index page listing drugs approved for Imaginary Gland Cancer, not a single drug",
    }]
    assert [list(s) for s in data["skipped"]] == [SKIPPED_KEYS]
    assert data["errors"] == []


def test_list_merges_the_seeds_into_one_drug(make_workspace, seeds_dir):
    first, second = seed(seeds_dir, "000"), seed(seeds_dir, "001")
    root = make_workspace({first.name: first.read_bytes(), second.name: second.read_bytes()})
    result = invoke("list", "-w", str(root))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Inotuzumab Ozogamicin (Besponsa)",
        f"    sources/{second.name}  [National Cancer Institute; last reviewed 2025-12-30, reviewed quarterly]",
        f"    sources/{first.name}  [Drugs.com; no review date]",
    ]


# --- bad input ----------------------------------------------------------------------------------------

BAD_FILES = {
    "empty.txt": b"",
    "document.docx": b"PK\x03\x04\x00\x00 a zipped file",
    "latin1.txt": b"vexaprolin\n\nCaf\xe9 au lait\n",
    "notes.txt": b"Things to buy\nmilk and bread\n",
    "broken.yaml": b"generic_name: zorbital\nurgent_signs:\n  - Green ears\n bad: indent\n",
    "nameless.yaml": b"# forgot the name\nbrands:\n  - Zorba\nurgent_signs:\n  - Green ears\n",
    "a-quillorex.yaml": text("records/quillorex.yaml").encode(),
    "b-quillorex.yaml": b"generic_name: Quillorex\nurgent_signs:\n  - Red knees\n",
}

BAD_ERRORS = [
    "error: sources/broken.yaml:4: YAML syntax error: while parsing a block mapping, expected <block end>, "
    "but found '<block mapping start>'",
    "error: sources/document.docx: binary file, not a text document",
    "error: sources/empty.txt: empty file",
    "error: sources/latin1.txt:3: not UTF-8 text (byte 0xe9)",
    "error: sources/nameless.yaml:2: missing required field 'generic_name'",
    f"error: sources/notes.txt: {UNKNOWN_FORMAT}",
    "error: sources/b-quillorex.yaml: a second YAML record for Quillorex (the first is sources/a-quillorex.yaml);"
    " this one is ignored",
]


@pytest.fixture
def bad(make_workspace) -> Path:
    return make_workspace({**BAD_FILES, "vexaprolin.yaml": text("records/vexaprolin.yaml")})


def test_list_reports_each_bad_file_on_one_line_and_lists_the_rest(bad):
    result = invoke("list", "-w", str(bad))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == BAD_ERRORS
    assert result.stdout.splitlines() == [
        "quillorex (Quillo)",
        "    sources/a-quillorex.yaml  [yaml; no review date]",
        f"    PROBLEM: {no_signs('sources/a-quillorex.yaml')}",
        "vexaprolin (Vexapro, Vexalin)",
        "    sources/vexaprolin.yaml#label  [Fictional Press; last reviewed 2025-06-01, reviewed annually]",
        "    sources/vexaprolin.yaml#leaflet  [Vexaprolin leaflet; last reviewed 2024-03-03]",
    ]


def test_list_json_reports_errors_with_file_and_line(bad):
    result = invoke("list", "--json", "-w", str(bad))
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert [list(e) for e in data["errors"]] == [ERROR_KEYS] * len(BAD_ERRORS)
    assert [(e["file"], e["line"]) for e in data["errors"]] == [
        ("sources/broken.yaml", 4), ("sources/document.docx", None), ("sources/empty.txt", None),
        ("sources/latin1.txt", 3), ("sources/nameless.yaml", 2), ("sources/notes.txt", None),
        ("sources/b-quillorex.yaml", None),
    ]
    assert data["errors"][4]["message"] == "missing required field 'generic_name'"
    assert [d["name"] for d in data["drugs"]] == ["quillorex", "vexaprolin"]


def test_list_outside_a_workspace_is_a_one_line_error_with_status_2(tmp_path):
    result = invoke("list", "-w", str(tmp_path))
    assert result.output == (
        f"Error: {tmp_path / 'sources'}: no sources/ folder: is this a handouts workspace? (see --workspace)\n"
    )
    assert result.exit_code == 2


def test_list_outside_a_workspace_names_the_folder(tmp_path):
    result = invoke("list", "-w", str(tmp_path))
    assert result.exit_code != 0
    assert result.output == (
        f"Error: {tmp_path / 'sources'}: no sources/ folder: is this a handouts workspace? (see --workspace)\n"
    )


# --- show ---------------------------------------------------------------------------------------------

SHOW_VEXAPROLIN = [
    "vexaprolin",
    "  brand: Vexapro (United States, tablets)    <- sources/vexaprolin.yaml#label",
    "  brand: Vexalin (Canada, discontinued)    <- sources/vexaprolin.yaml#leaflet",
    "  pronunciation: VEX-uh-PRO-lin    <- sources/vexaprolin.yaml#leaflet",
    "  description: A pretend pill for an imaginary illness of the glimmer gland.    <- sources/vexaprolin.yaml#label",
    "  how_it_works: It quiets the make-believe glimmer signal so the gland calms down.    "
    "<- sources/vexaprolin.yaml#label",
    "  serious_warnings (1):",
    "    - Sparkle fever: A rare made-up reaction with a high fever and glittery skin.    "
    "<- sources/vexaprolin.yaml#label",
    "  urgent_signs (3):",
    "    - Signs of sparkle fever: high fever; glittery skin; feeling faint    <- sources/vexaprolin.yaml#label",
    "    - Purple fingernails that do not fade    <- sources/vexaprolin.yaml#label",
    "    - Humming in both ears that will not stop    <- sources/vexaprolin.yaml#leaflet",
    "  side_effects (2):",
    "    - Mild dizziness [12%]    <- sources/vexaprolin.yaml#label",
    "    - Sleepiness    <- sources/vexaprolin.yaml#label",
    "  studied: adults with an imaginary illness of the glimmer gland    <- sources/vexaprolin.yaml#label",
    "  reminders (1):",
    "    - Made-up reminder: Take it with a glass of pretend water.    <- sources/vexaprolin.yaml#label",
    "  uses (1):",
    "    - Imaginary glimmer gland swelling in grown-ups.    <- sources/vexaprolin.yaml#label",
    "  sources:",
    "    sources/vexaprolin.yaml#label  [Fictional Press; last reviewed 2025-06-01, reviewed annually]",
    "    sources/vexaprolin.yaml#leaflet  [Vexaprolin leaflet; last reviewed 2024-03-03]",
]


@pytest.mark.parametrize("name", ["vexaprolin", "VEXAPROLIN", "Vexapro", "vexalin", "VexaPro"])
def test_show_by_generic_or_brand_in_any_case(fictional, name):
    result = invoke("show", name, "-w", str(fictional))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == SHOW_VEXAPROLIN


def test_show_uses_the_current_folder_as_workspace(fictional):
    result = invoke("show", "quillo", cwd=fictional)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "quillorex",
        "  brand: Quillo    <- sources/quillorex.yaml",
        "  side_effects (1):",
        "    - Sneezing    <- sources/quillorex.yaml",
        "  uses (1):",
        "    - Pretend itchy elbows.    <- sources/quillorex.yaml",
        "  sources:",
        "    sources/quillorex.yaml  [yaml; no review date]",
        f"  PROBLEM: {no_signs('sources/quillorex.yaml')}",
    ]


def test_show_json_shape(fictional):
    result = invoke("show", "VEXALIN", "--json", "-w", str(fictional))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == SHOW_KEYS
    assert (data["name"], data["slug"], data["brands"], data["files"], data["problems"], data["notes"]) == (
        "vexaprolin", "vexaprolin", ["Vexapro", "Vexalin"], ["sources/vexaprolin.yaml"], [], [],
    )
    assert [list(s) for s in data["sources"]] == [SOURCE_KEYS, SOURCE_KEYS]
    record = data["record"]
    assert list(record) == ["generic_name", "brands", "pronunciation", "description", "how_it_works", "uses",
                            "serious_warnings", "urgent_signs", "side_effects", "studied", "reminders", "sources"]
    assert record["brands"] == [
        {"name": "Vexapro", "country": "United States", "qualifier": "tablets", "source": "sources/vexaprolin.yaml#label"},
        {"name": "Vexalin", "country": "Canada", "discontinued": True, "source": "sources/vexaprolin.yaml#leaflet"},
    ]
    assert record["urgent_signs"] == [
        {"text": "high fever; glittery skin; feeling faint", "source": "sources/vexaprolin.yaml#label",
         "title": "Signs of sparkle fever"},
        {"text": "Purple fingernails that do not fade", "source": "sources/vexaprolin.yaml#label"},
        {"text": "Humming in both ears that will not stop", "source": "sources/vexaprolin.yaml#leaflet"},
    ]
    assert record["side_effects"][0] == {"text": "Mild dizziness", "source": "sources/vexaprolin.yaml#label",
                                         "frequency": "12%"}
    # Every item's source is one of the record's sources, which match the summary's.
    assert [{k: v for k, v in s.items() if k != "key"} for s in record["sources"]] == [
        {k: v for k, v in s.items() if v is not None} for s in data["sources"]
    ]
    keys = [s["key"] for s in record["sources"]]
    assert keys == ["sources/vexaprolin.yaml#label", "sources/vexaprolin.yaml#leaflet"]
    cited = [it["source"] for name in ("uses", "serious_warnings", "urgent_signs", "side_effects", "reminders")
             for it in record[name]]
    assert set(cited) == set(keys)


def test_show_unknown_drug_is_a_one_line_error_with_status_2(fictional):
    result = invoke("show", "zorbital", "-w", str(fictional))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: no drug called 'zorbital' in {fictional / 'sources'}\n"


def test_show_reports_a_conflict_and_the_newest_review_wins(make_workspace):
    page = text("cancergov/zentomab.md")
    older = page.replace("(zen-TOH-mab)", "(zen-TOE-mab)").replace("'2025-11-04'", "'2024-02-01'")
    root = make_workspace({"zentomab.md": page, "a-older.md": older,
                           "zentomab_sublists.txt": text("sheet/zentomab_sublists.txt")})
    note = "pronunciation: sources disagree; kept sources/zentomab.md (newest review) over sources/a-older.md"
    result = invoke("show", "ZENTRIX", "-w", str(root))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "  pronunciation: zen-TOH-mab    <- sources/zentomab.md" in lines
    assert lines[-4:] == [
        "    sources/zentomab.md  [National Cancer Institute; last reviewed 2025-11-04, reviewed quarterly]",
        "    sources/zentomab_sublists.txt  [zentomab; last reviewed 2025-10-20]",
        "    sources/a-older.md  [National Cancer Institute; last reviewed 2024-02-01, reviewed quarterly]",
        f"  NOTE: {note}",
    ]
    data = json.loads(invoke("show", "zentomab", "--json", "-w", str(root)).stdout)
    assert data["notes"] == [note]
    assert data["record"]["pronunciation"] == {"text": "zen-TOH-mab", "source": "sources/zentomab.md"}
    assert [s["last_reviewed"] for s in data["sources"]] == ["2025-11-04", "2025-10-20", "2024-02-01"]


def test_show_seeds_names_where_each_item_came_from(make_workspace, seeds_dir):
    first, second = seed(seeds_dir, "000"), seed(seeds_dir, "001")
    root = make_workspace({first.name: first.read_bytes(), second.name: second.read_bytes()})
    result = invoke("show", "besponsa", "-w", str(root))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Inotuzumab Ozogamicin"
    assert f"  pronunciation: ih-noh-TOO-zoo-mab OH-zoh-ga-MIH-sin    <- sources/{second.name}" in lines
    urgent = lines.index("  urgent_signs (6):")
    assert all(line.endswith(f"    <- sources/{first.name}") for line in lines[urgent + 1:urgent + 7])
    uses = lines.index("  uses (1):")
    assert lines[uses + 1].endswith(f"    <- sources/{second.name}")
    assert not any(line.startswith(("  NOTE:", "  PROBLEM:")) for line in lines)


def test_show_warns_about_a_broken_record_of_the_drug(make_workspace):
    root = make_workspace({
        "zentomab.md": text("cancergov/zentomab.md"),
        "zentomab.yaml": "generic_name: zentomab\nurgent_signs:\n  - Yellow skin: or eyes: both\n",
    })
    result = invoke("show", "zentomab", "-w", str(root))
    assert "error: sources/zentomab.yaml:3: YAML syntax error: mapping values are not allowed here" in (
        result.stderr.splitlines()
    )


# --- extract ------------------------------------------------------------------------------------------


def test_extract_output_saved_in_a_workspace_reads_back_with_the_same_urgent_signs(
    make_workspace, seeds_dir
):
    page = seed(seeds_dir, "000")
    result = invoke("extract", str(page))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.startswith(f"# extracted from {page}; edit, then save in sources/ as a YAML record\n")
    original = readers.read_document(page)

    root = make_workspace({page.name: page.read_bytes(), "inotuzumab.yaml": result.stdout})
    saved = readers.read_document(root / "sources" / "inotuzumab.yaml", "sources/inotuzumab.yaml")
    assert saved.sources[0].kind == "yaml"
    assert saved.generic_name == original.generic_name
    assert saved.brand_names == original.brand_names
    assert [(it.title, it.text) for it in saved.urgent_signs] == [(it.title, it.text) for it in original.urgent_signs]
    assert len(saved.urgent_signs) == 6
    assert [s.publisher for s in saved.sources] == ["Drugs.com"]

    # Saved next to the page it came from, the record merges with it: one drug, no errors, nothing left out.
    listed = invoke("list", "-w", str(root))
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines()[0] == "inotuzumab ozogamicin (Besponsa)"
    shown = json.loads(invoke("show", "Besponsa", "--json", "-w", str(root)).stdout)
    assert shown["files"] == [f"sources/{page.name}", "sources/inotuzumab.yaml"]
    assert shown["notes"] == []
    assert [it["text"] for it in shown["record"]["urgent_signs"]] == [it.text for it in original.urgent_signs]
    assert {it["source"] for it in shown["record"]["urgent_signs"]} == {"sources/inotuzumab.yaml#s1"}


def test_extract_of_a_fictional_sheet_round_trips(make_workspace, tmp_path):
    sheet = FIXTURES / "sheet" / "zentomab_sublists.txt"
    result = invoke("extract", str(sheet))
    assert result.exit_code == 0, result.output
    body = result.stdout.split("\n", 1)[1]
    data = yaml.safe_load(body)
    # Every section of the record format, the empty ones as slots (issue 16).
    assert list(data) == ["generic_name", "brands", "pronunciation", "description", "how_it_works", "uses",
                          "serious_warnings", "emergency_signs", "urgent_signs", "side_effects", "studied",
                          "reminders", "care_team_notes",
                          "sources"]
    assert data["pronunciation"] is None and data["care_team_notes"] is None
    assert data["generic_name"] == "zentomab"
    assert data["brands"][:2] == [{"name": "Zentra", "country": "United States", "qualifier": "tablets", "source": "s1"},
                                  {"name": "Zentrix", "country": "United States", "qualifier": "oral suspension",
                                   "source": "s1"}]
    assert data["sources"] == [
        {"id": "s1", "title": "zentomab", "last_reviewed": dt.date(2025, 10, 20)},
        {"id": "clinic", "kind": "clinic", "publisher": "Our clinic", "last_reviewed": dt.date.today(),
         "reviewed_by": None},
    ]
    root = make_workspace({"zentomab.yaml": result.stdout})
    listed = invoke("list", "-w", str(root))
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines() == [
        "zentomab (Zentra, Zentrix)",
        "    sources/zentomab.yaml#s1  [zentomab; last reviewed 2025-10-20]",
    ]
    original = readers.read_document(sheet)
    saved = readers.read_document(root / "sources" / "zentomab.yaml")
    for name in ("urgent_signs", "serious_warnings", "side_effects", "reminders", "uses"):
        assert [(i.title, i.text, i.frequency) for i in getattr(saved, name)] == [
            (i.title, i.text, i.frequency) for i in getattr(original, name)
        ], name


def test_extract_bad_files_one_line_each_status_2(tmp_path):
    files = {"empty.txt": b"", "binary.bin": b"\x00\x01\x02", "latin1.txt": b"zentomab\nCaf\xe9\n",
             "notes.txt": b"Things to buy\nmilk\n"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    index, regimen = FIXTURES / "cancergov" / "imaginary-gland.md", FIXTURES / "cancergov" / "zoblix.md"
    good = FIXTURES / "sheet" / "zentomab_sublists.txt"
    args = [str(tmp_path / n) for n in files] + [str(index), str(regimen), str(good), str(tmp_path / "missing.txt")]
    result = invoke("extract", *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {tmp_path / 'empty.txt'}: empty file",
        f"error: {tmp_path / 'binary.bin'}: binary file, not a text document",
        f"error: {tmp_path / 'latin1.txt'}:2: not UTF-8 text (byte 0xe9)",
        f"error: {tmp_path / 'notes.txt'}: {UNKNOWN_FORMAT}",
        f"error: {index}: not a single drug (index page listing drugs approved for Imaginary Gland Cancer, "
        "not a single drug)",
        f"error: {regimen}: not a single drug (a combination of Zentomab, Orvaplatin Sodium, Blixatrexate)",
        f"error: {tmp_path / 'missing.txt'}: cannot read: No such file or directory",
    ]
    # The good file among them is still extracted.
    # Its summary comments (issue 12) come between the header and the record.
    assert f"# extracted from {good}; edit, then save in sources/ as a YAML record\n" in result.stdout
    assert "\n# kind: patient-sheet;" in result.stdout
    assert "\ngeneric_name: zentomab\n" in result.stdout


def test_extract_output_starts_with_the_record_when_earlier_files_fail(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    good = FIXTURES / "sheet" / "zentomab_sublists.txt"
    result = invoke("extract", str(tmp_path / "empty.txt"), str(good))
    assert result.exit_code == 2
    assert result.stdout.startswith(f"# extracted from {good};")


def test_extract_needs_a_file():
    result = invoke("extract")
    assert result.exit_code == 2
    assert "Missing argument 'FILES...'" in result.output


# --- the real entry point -----------------------------------------------------------------------------


def test_python_m_handouts_list_in_the_shipped_workspace(shipped_workspace):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "handouts", "list"], cwd=shipped_workspace, env=env,
                          capture_output=True, text=True, timeout=60)
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.splitlines() == [
        "blinatumomab (Blincyto)",
        "    sources/blinatumomab.yaml#sheet  [blinatumomab (patient drug sheet); last reviewed 2025-12-15]",
        "    sources/blinatumomab.yaml#nci  [National Cancer Institute; last reviewed 2025-12-30, reviewed quarterly]",
        "inotuzumab ozogamicin (Besponsa)",
        "    sources/inotuzumab-ozogamicin.yaml#drugscom  [Drugs.com; no review date]",
        "    sources/inotuzumab-ozogamicin.yaml#drugscom2023  [Drugs.com; last reviewed 2023-04-04]",
        "    sources/inotuzumab-ozogamicin.yaml#nci  [National Cancer Institute; last reviewed 2025-12-30, "
        "reviewed quarterly]",
    ]


# --- help that teaches (issue 16) ----------------------------------------------------------------------


def test_every_commands_help_ends_with_examples_of_itself():
    assert cli.commands, "no commands?"
    for name in cli.commands:
        result = invoke(name, "--help")
        assert result.exit_code == 0, name
        lines = result.stdout.rstrip("\n").split("\n")
        start = lines.index("  Examples:")
        examples = lines[start + 1:]
        assert 2 <= len(examples) <= 3, (name, examples)
        assert all(line.startswith(f"    handouts {name}") for line in examples), (name, examples)


def test_the_command_list_gives_whole_descriptions_and_dates_read_as_dates():
    result = invoke("--help")
    assert "..." not in result.stdout.split("Commands:")[1]
    assert "away\" page, and each drug's one-page handout." in result.stdout
    assert "  Examples:\n    handouts init" in result.stdout
    for command in ("build", "check"):
        text = invoke(command, "--help").stdout
        assert "%Y" not in text and "YYYY-MM-DD" in text, command
