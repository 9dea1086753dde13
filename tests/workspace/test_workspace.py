"""The workspace catalogue and merging: one drug per medicine, whatever documents describe it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from handouts import readers
from handouts.errors import InputError
from handouts.readers.text import name_key
from handouts.record import BrandName, DrugRecord, Item, Source, merge
from handouts.workspace import catalogue as workspace

from ..helpers import FIXTURES, NO_SIGNS, RECORDS, seed


def reasons(drug) -> list[str]:
    """The problems without the next step each one ends with (issue 16)."""
    return [p.split("; next: ")[0] for p in drug.problems]


def fixture(path: str) -> str:
    return (FIXTURES / path).read_text(encoding="utf-8")


def seeds(seeds_dir: Path, *numbers: str) -> dict[str, bytes]:
    return {seed(seeds_dir, n).name: seed(seeds_dir, n).read_bytes() for n in numbers}


def raw(name: str, file: str, reviewed: dt.date | None = None, kind: str = "cancer.gov", **fields) -> DrugRecord:
    """A record as a reader would give it for one document (fictional drugs only)."""
    fields.setdefault("urgent_signs", [Item("Green ears", file)])
    return DrugRecord(generic_name=name, sources=[Source(key=file, file=file, kind=kind, last_reviewed=reviewed)],
                      **fields)


# --- the seeds: a drugs.com page and a cancer.gov page about one drug ------------------------------


def test_seeds_000_and_001_merge_into_one_inotuzumab_record(make_workspace, seeds_dir):
    root = make_workspace(seeds(seeds_dir, "000", "001"))
    name000, name001 = f"sources/{seed(seeds_dir, '000').name}", f"sources/{seed(seeds_dir, '001').name}"
    drugs_com = readers.read_document(seed(seeds_dir, "000"), name000)
    nci = readers.read_document(seed(seeds_dir, "001"), name001)

    catalog = workspace.load(root)
    assert catalog.errors == [] and catalog.regimens == [] and catalog.skipped == []
    assert [d.name for d in catalog.drugs] == ["Inotuzumab Ozogamicin"]
    drug = catalog.drugs[0]
    record = drug.record
    assert drug.slug == "inotuzumabozogamicin"
    assert drug.filename == "inotuzumab-ozogamicin.pdf"
    assert record.brand_names == ["Besponsa"]
    assert drug.files == sorted([name000, name001])
    # cancer.gov has a review date, drugs.com none: the newer review comes first.
    assert [(s.key, s.kind, s.last_reviewed) for s in record.sources] == [
        (name001, "cancer.gov", dt.date(2025, 12, 30)),
        (name000, "drugs.com", None),
    ]
    # The 6 urgent signs are seed 000's, each citing it.
    assert len(record.urgent_signs) == 6
    assert record.urgent_signs == drugs_com.urgent_signs
    assert {it.source for it in record.urgent_signs} == {name000}
    assert [it.title for it in record.urgent_signs[:3]] == [
        "Signs of an allergic reaction", "Signs of bleeding", "Signs of infection",
    ]
    # The use and the pronunciation are seed 001's.
    assert len(record.uses) == 1
    assert record.uses == nci.uses
    assert record.uses[0].source == name001
    assert record.pronunciation == Item("ih-noh-TOO-zoo-mab OH-zoh-ga-MIH-sin", name001)
    # Plain side effects get the percentages the professional section gives for the same words.
    assert [it.text for it in record.side_effects] == [it.text for it in drugs_com.side_effects]
    assert [it.frequency for it in record.side_effects] == [None, "28%", None, None, None, "17%", "17%", None]
    assert record.notes == []
    assert drug.problems == []


def test_shipped_yaml_record_overrides_the_seeds_field_by_field(shipped_workspace, seeds_dir):
    for name, data in seeds(seeds_dir, "000", "001").items():
        (shipped_workspace / "sources" / name).write_bytes(data)
    catalog = workspace.load(shipped_workspace)
    assert catalog.errors == []
    assert [d.name for d in catalog.drugs] == ["blinatumomab", "inotuzumab ozogamicin"]
    drug = catalog.find("BESPONSA")
    record = drug.record
    own = readers.read_document(shipped_workspace / "sources" / "inotuzumab-ozogamicin.yaml",
                                "sources/inotuzumab-ozogamicin.yaml")
    name000, name001 = f"sources/{seed(seeds_dir, '000').name}", f"sources/{seed(seeds_dir, '001').name}"
    assert record.generic_name == "inotuzumab ozogamicin"  # the YAML record's spelling
    assert record.urgent_signs == own.urgent_signs
    assert record.side_effects == own.side_effects
    assert record.uses == own.uses
    assert record.brands == own.brands
    # The YAML record has no professional frequencies: the drugs.com page's stay.
    assert len(record.frequency_data) == 61 and {it.source for it in record.frequency_data} == {name000}
    assert [s.key for s in record.sources] == [
        "sources/inotuzumab-ozogamicin.yaml#drugscom", "sources/inotuzumab-ozogamicin.yaml#drugscom2023",
        "sources/inotuzumab-ozogamicin.yaml#nci", name001, name000,
    ]
    assert drug.files == sorted([name000, name001, "sources/inotuzumab-ozogamicin.yaml"])
    assert record.notes == [
        "urgent_signs: the YAML record replaces the raw documents' list; 4 item(s) from them are not in it"
        " - check they were left out on purpose"
    ]


def test_shipped_workspace_lists_its_two_drugs(shipped_workspace):
    catalog = workspace.load(shipped_workspace)
    assert catalog.errors == [] and catalog.regimens == [] and catalog.skipped == []
    assert [(d.name, d.record.brand_names, d.files, d.problems) for d in catalog.drugs] == [
        ("blinatumomab", ["Blincyto"], ["sources/blinatumomab.yaml"], []),
        ("inotuzumab ozogamicin", ["Besponsa"], ["sources/inotuzumab-ozogamicin.yaml"], []),
    ]


# --- merging the fictional zentomab across the three raw formats and a YAML edit --------------------


def zentomab_files(**extra: str) -> dict[str, str]:
    return {
        "zentomab.md": fixture("cancergov/zentomab.md"),  # reviewed 2025-11-04, brand Zentra, pronunciation
        "zentomab_sublists.txt": fixture("sheet/zentomab_sublists.txt"),  # 2025-10-20, Zentra and Zentrix
        "serious_boxed.txt": fixture("drugscom/serious_boxed.txt"),  # 2025-01-12, brand Zentra
        **extra,
    }


def test_three_formats_about_one_drug_merge_by_generic_and_brand(make_workspace):
    catalog = workspace.load(make_workspace(zentomab_files()))
    assert catalog.errors == []
    assert len(catalog.drugs) == 1
    drug = catalog.drugs[0]
    record = drug.record
    assert record.generic_name == "Zentomab"  # the newest review's spelling
    assert record.brand_names == ["Zentra", "Zentrix"]
    assert [s.key for s in record.sources] == [
        "sources/zentomab.md", "sources/zentomab_sublists.txt", "sources/serious_boxed.txt",
    ]
    assert record.pronunciation == Item("zen-TOH-mab", "sources/zentomab.md")
    assert record.how_it_works.source == "sources/zentomab_sublists.txt"
    assert len(record.urgent_signs) == 14
    assert [it.source for it in record.urgent_signs].count("sources/zentomab_sublists.txt") == 6
    assert [it.source for it in record.urgent_signs].count("sources/serious_boxed.txt") == 8
    assert len(record.serious_warnings) == 5
    assert [it.text for it in record.uses] == [
        "Imaginary gland cancer that has spread to nearby tissue.",
        "Pretend lymphoma.",
        "Zentomyeloma in adults after at least one other treatment.",
        "Zentocytosis in adults who cannot have a stem cell transplant.",
    ]
    assert record.notes == []
    assert drug.problems == []


def test_conflicting_single_value_newest_review_wins_and_is_noted(make_workspace):
    older = fixture("cancergov/zentomab.md").replace("(zen-TOH-mab)", "(zen-TOE-mab)").replace(
        "'2025-11-04'", "'2024-02-01'")
    assert older != fixture("cancergov/zentomab.md")
    # The older page sorts first by name: the review date, not the file order, decides.
    catalog = workspace.load(make_workspace(zentomab_files(**{"a-zentomab-old.md": older})))
    record = catalog.find("zentomab").record
    assert record.pronunciation == Item("zen-TOH-mab", "sources/zentomab.md")
    assert [s.key for s in record.sources][-1] == "sources/a-zentomab-old.md"
    assert record.notes == [
        "pronunciation: sources disagree; kept sources/zentomab.md (newest review) over sources/a-zentomab-old.md"
    ]


def test_yaml_record_overrides_raw_documents_field_by_field(make_workspace):
    files = zentomab_files(**{"zentomab.yaml": (RECORDS / "zentomab.yaml").read_text()})
    catalog = workspace.load(make_workspace(files))
    assert catalog.errors == []
    assert len(catalog.drugs) == 1
    drug = catalog.drugs[0]
    record = drug.record
    edit = "sources/zentomab.yaml#edit"
    assert record.generic_name == "zentomab"
    # Fields the YAML record has replace the raw ones ...
    assert record.description == Item("An invented tablet for made-up marrow cancers, written plainly.", edit)
    assert record.urgent_signs == [Item("Yellow skin or eyes", edit), Item("Bleeding that will not stop", edit)]
    # ... and fields it leaves out come from the raw documents.
    assert record.pronunciation == Item("zen-TOH-mab", "sources/zentomab.md")
    assert record.how_it_works.source == "sources/zentomab_sublists.txt"
    assert len(record.serious_warnings) == 5
    assert record.brand_names == ["Zentra", "Zentrix"]
    assert [s.key for s in record.sources] == [
        edit, "sources/zentomab.md", "sources/zentomab_sublists.txt", "sources/serious_boxed.txt",
    ]
    assert record.notes == [
        "urgent_signs: the YAML record replaces the raw documents' list; 14 item(s) from them are not in it"
        " - check they were left out on purpose"
    ]
    assert drug.files == ["sources/serious_boxed.txt", "sources/zentomab.md", "sources/zentomab.yaml",
                          "sources/zentomab_sublists.txt"]


def test_names_match_across_salt_words_punctuation_and_case(make_workspace):
    record = "generic_name: {}\nurgent_signs:\n  - Green ears\n"
    root = make_workspace({
        "quorvatinib-malate.md": fixture("cancergov/quorvatinib-malate.md"),  # "Quorvatinib Malate"
        "quorvatinib.yaml": record.format("QUORVATINIB"),
        "plimorasib.md": fixture("cancergov/plimorasib.md"),  # brands Plimora, Plimora Kit
        # Another generic spelling, joined by its brand alone.
        "plimo.yaml": record.format("plimorasib-qzx") + "brands:\n  - plimora-KIT\n",
    })
    catalog = workspace.load(root)
    assert catalog.errors == []
    assert [(d.name, d.files) for d in catalog.drugs] == [
        ("plimorasib-qzx", ["sources/plimo.yaml", "sources/plimorasib.md"]),
        ("QUORVATINIB", ["sources/quorvatinib-malate.md", "sources/quorvatinib.yaml"]),
    ]


def test_name_key_ignores_case_punctuation_and_salts():
    assert name_key("Inotuzumab Ozogamicin") == name_key("inotuzumab-ozogamicin") == "inotuzumabozogamicin"
    assert name_key("Zorbital Hydrochloride") == name_key("ZORBITAL HCl") == name_key("zorbital") == "zorbital"
    assert name_key("Zorbital Dihydrochloride Monohydrate") == "zorbital"
    assert name_key("sodium") == "sodium"


def test_records_sharing_a_brand_merge_only_when_their_generic_names_agree():
    a = raw("zorbital", "a.md", brands=[BrandName("Zorba")])
    b = raw("zorbital tosylate", "b.txt")
    c = raw("zorbital pegol", "c.txt", brands=[BrandName("ZORBA")])  # a fuller form of the name
    d = raw("quexitol", "d.txt")
    e = raw("zorbalin", "e.txt", brands=[BrandName("Zorba")])  # another medicine behind the brand
    errors = []
    groups = workspace._group([a, d, b, c, e], errors)
    assert [[r.sources[0].key for r in g] for g in groups] == [["d.txt"], ["a.md", "b.txt", "c.txt"], ["e.txt"]]
    assert [str(x) for x in errors] == [
        "e.txt: brand 'Zorba' also names zorbital (a.md), but this document is about zorbalin: not merged; "
        "check which medicine the brand is"]


# --- merge rules on records made in the test ----------------------------------------------------------


def test_items_deduplicated_ignoring_case_punctuation_and_bullets_keeping_first_source():
    newer = raw("zorbital", "new.md", dt.date(2025, 5, 1), urgent_signs=[
        Item("Green ears.", "new.md"), Item("Feeling dizzy", "new.md", title="Signs of a low mood")])
    older = raw("Zorbital", "old.txt", dt.date(2024, 1, 1), kind="drugs.com", urgent_signs=[
        Item("• GREEN EARS", "old.txt"), Item("- green, ears!", "old.txt"), Item("* Green ears", "old.txt"),
        Item("feeling dizzy.", "old.txt", title="Signs of a low mood"),
        Item("Feeling dizzy", "old.txt"),  # no title: another statement
        Item("Blue toes", "old.txt")])
    merged = merge.merge([older, newer])
    assert merged.urgent_signs == [
        Item("Green ears.", "new.md"), Item("Feeling dizzy", "new.md", title="Signs of a low mood"),
        Item("Feeling dizzy", "old.txt"), Item("Blue toes", "old.txt"),
    ]
    assert merged.generic_name == "zorbital"
    assert merged.notes == []


def test_single_value_conflict_keeps_newest_and_notes_it():
    old = raw("zorbital", "old.md", dt.date(2023, 1, 1), description=Item("A made-up pill.", "old.md"))
    new = raw("zorbital", "new.md", dt.date(2025, 1, 1), description=Item("An invented capsule.", "new.md"))
    undated = raw("zorbital", "undated.txt", description=Item("A PRETEND tablet!", "undated.txt"))
    merged = merge.merge([old, undated, new])
    assert merged.description == Item("An invented capsule.", "new.md")
    assert [s.key for s in merged.sources] == ["new.md", "old.md", "undated.txt"]
    assert merged.notes == [
        "description: sources disagree; kept new.md (newest review) over old.md",
        "description: sources disagree; kept new.md (newest review) over undated.txt",
    ]


def test_same_single_value_in_other_words_case_is_no_conflict():
    a = raw("zorbital", "a.md", dt.date(2025, 1, 1), description=Item("An invented capsule.", "a.md"))
    b = raw("zorbital", "b.md", dt.date(2024, 1, 1), description=Item("an INVENTED capsule", "b.md"))
    assert merge.merge([a, b]).notes == []


def test_pronunciation_differing_only_in_stress_is_a_conflict():
    a = raw("zorbital", "a.md", dt.date(2025, 1, 1), pronunciation=Item("zor-BIH-tal", "a.md"))
    b = raw("zorbital", "b.md", dt.date(2024, 1, 1), pronunciation=Item("ZOR-bih-tal", "b.md"))
    c = raw("zorbital", "c.md", dt.date(2023, 1, 1), pronunciation=Item("(zor-BIH-tal)", "c.md"))
    merged = merge.merge([c, b, a])
    assert merged.pronunciation == Item("zor-BIH-tal", "a.md")
    assert merged.notes == ["pronunciation: sources disagree; kept a.md (newest review) over b.md"]


def test_percentages_from_professional_data_go_on_plain_side_effects():
    record = raw("zorbital", "a.txt", kind="drugs.com",
                 side_effects=[Item("Headache.", "a.txt"), Item("Sore headache area", "a.txt"), Item("Ache", "a.txt"),
                               Item("Loose stools (diarrhea)", "a.txt"), Item("Fever or chills", "a.txt")],
                 frequency_data=[Item("Headache", "a.txt", frequency="28%"), Item("Ache", "a.txt", frequency="Rare"),
                                 Item("diarrhea", "a.txt", frequency="17%"), Item("chills", "a.txt", frequency="11%")])
    merged = merge.merge([record])
    # Only a whole item, or its bracketed or unbracketed part, takes a number: never a guess.
    assert [(it.text, it.frequency) for it in merged.side_effects] == [
        ("Headache.", "28%"), ("Sore headache area", None), ("Ache", None),
        ("Loose stools (diarrhea)", "17%"), ("Fever or chills", None),
    ]


# --- the catalogue: bad input, problems, regimens, skipped pages ---------------------------------------


BAD_FILES = {
    "empty.txt": b"",
    "blank.txt": b"  \n\n\t\n",
    "document.docx": b"PK\x03\x04\x00\x00 a zipped file",
    "latin1.txt": b"vexaprolin\n\nCaf\xe9 au lait\n",
    "notes.txt": b"Things to buy\nmilk and bread\n",
    "broken.yaml": b"generic_name: vexaprolin\nurgent_signs:\n  - Purple fingernails: or toes: both\n",
    "nameless.yaml": b"# forgot the name\nbrands:\n  - Vexa\nurgent_signs:\n  - Purple fingernails\n",
    "a-quillorex.yaml": b"generic_name: Quillorex\nurgent_signs:\n  - Orange elbows\n",
    "b-quillorex.yaml": b"generic_name: QUILLOREX\nurgent_signs:\n  - Red knees\n",
}

BAD_ERRORS = [
    ("sources/blank.txt", None, "empty file"),
    ("sources/broken.yaml", 3, "YAML syntax error: mapping values are not allowed here"),
    ("sources/document.docx", None, "binary file, not a text document"),
    ("sources/empty.txt", None, "empty file"),
    ("sources/latin1.txt", 3, "not UTF-8 text (byte 0xe9)"),
    ("sources/nameless.yaml", 2, "missing required field 'generic_name'"),
    ("sources/notes.txt", None, "unknown format: expected a YAML drug record, a drugs.com side-effects page, "
                                "a cancer.gov drug page, a patient drug sheet, a DailyMed SPL label or an openFDA drug label"),
    ("sources/b-quillorex.yaml", None, "a second YAML record for QUILLOREX (the first is sources/a-quillorex.yaml); "
                                       "this one is ignored"),
]


def test_bad_files_become_errors_and_the_other_drugs_are_still_listed(make_workspace):
    root = make_workspace({**BAD_FILES, "vexaprolin.yaml": (RECORDS / "vexaprolin.yaml").read_text()})
    catalog = workspace.load(root)
    assert [(e.path, e.line, e.message) for e in catalog.errors] == BAD_ERRORS
    assert all("\n" not in str(e) for e in catalog.errors)
    assert [d.name for d in catalog.drugs] == ["Quillorex", "vexaprolin"]
    quillorex = catalog.find("quillorex")
    assert quillorex.files == ["sources/a-quillorex.yaml"]
    assert quillorex.record.urgent_signs == [Item("Orange elbows", "sources/a-quillorex.yaml")]


def test_drug_without_urgent_signs_is_listed_with_the_problem(make_workspace):
    root = make_workspace({
        "quillorex.yaml": (RECORDS / "quillorex.yaml").read_text(),
        "plimorasib.md": fixture("cancergov/plimorasib.md"),
        "vexaprolin.yaml": (RECORDS / "vexaprolin.yaml").read_text(),
    })
    catalog = workspace.load(root)
    assert catalog.errors == []
    assert [(d.name, reasons(d)) for d in catalog.drugs] == [
        ("Plimorasib", [NO_SIGNS]), ("quillorex", [NO_SIGNS]), ("vexaprolin", []),
    ]


def test_index_pages_are_skipped_and_combinations_are_regimens(make_workspace):
    root = make_workspace({
        "imaginary-gland.md": fixture("cancergov/imaginary-gland.md"),
        "zoblix.md": fixture("cancergov/zoblix.md"),
        "zentomab.md": fixture("cancergov/zentomab.md"),
    })
    catalog = workspace.load(root)
    assert catalog.errors == []
    assert [(d.name, reasons(d)) for d in catalog.drugs] == [("Zentomab", [NO_SIGNS])]
    assert [(r.name, r.drugs, r.sources[0].file) for r in catalog.regimens] == [
        ("ZOBLIX", ["Zentomab", "Orvaplatin Sodium", "Blixatrexate"], "sources/zoblix.md"),
    ]
    assert [(s.source.file, s.title, s.reason) for s in catalog.skipped] == [(
        "sources/imaginary-gland.md", "Drugs Approved for Imaginary Gland Cancer",
        "index page listing drugs approved for Imaginary Gland Cancer, not a single drug",
    )]
    assert catalog.find_regimen("zoblix").name == "ZOBLIX"
    with pytest.raises(InputError, match="no combination called 'FOLFOX'"):
        catalog.find_regimen("FOLFOX")


def test_the_cancergov_corpus_lists_every_page_once(make_workspace, nci_dir):
    pages = sorted(nci_dir.glob("*.md"))
    root = make_workspace({p.name: p.read_bytes() for p in pages})
    catalog = workspace.load(root)
    assert catalog.errors == []
    assert (len(catalog.drugs), len(catalog.regimens), len(catalog.skipped)) == (28, 5, 7)
    assert sorted(r.name for r in catalog.regimens) == ["AC-T", "CARBOPLATIN-TAXOL", "FEC", "FOLFIRI", "PEB"]
    assert sorted(s.source.file for s in catalog.skipped) == [
        f"sources/{n}.md" for n in
        ("bladder", "brain", "childhood-cancer-fda-approved-drugs", "colorectal", "melanoma", "rhabdomyosarcoma",
         "thyroid")
    ]
    # cancer.gov pages carry no warning signs: every drug is listed, none dropped, each with the problem.
    assert all(reasons(d) == [NO_SIGNS] for d in catalog.drugs)
    assert catalog.find("inrebic").problems[0].endswith(
        "; next: handouts extract sources/fedratinibhydrochloride.md --save, then fill in urgent_signs in "
        "sources/fedratinibhydrochloride.yaml")
    assert catalog.find("inrebic").name == "Fedratinib Hydrochloride"
    assert catalog.find("fedratinib").name == "Fedratinib Hydrochloride"


def test_find_by_generic_or_brand_in_any_case(make_workspace):
    root = make_workspace({"vexaprolin.yaml": (RECORDS / "vexaprolin.yaml").read_text()})
    catalog = workspace.load(root)
    for name in ("vexaprolin", "VEXAPROLIN", "Vexapro", "vexalin", "VEXAPROLIN HYDROCHLORIDE", "vexa-pro"):
        assert catalog.find(name).name == "vexaprolin", name
    with pytest.raises(InputError) as caught:
        catalog.find("zorbital")
    assert str(caught.value) == f"no drug called 'zorbital' in {root / 'sources'}"


def test_sources_folder_hidden_files_readmes_and_subfolders(make_workspace):
    vex = (RECORDS / "vexaprolin.yaml").read_text()
    root = make_workspace({"README.md": "# What goes here\n", ".draft.yaml": "not: [valid"})
    (root / "sources" / "nested").mkdir()
    (root / "sources" / "nested" / "vexaprolin.yaml").write_text(vex)
    (root / "sources" / ".old").mkdir()
    (root / "sources" / ".old" / "quillorex.yaml").write_text("broken: [")
    assert [p.relative_to(root).as_posix() for p in workspace.source_files(root)] == [
        "sources/nested/vexaprolin.yaml"
    ]
    catalog = workspace.load(root)
    assert catalog.errors == []
    assert catalog.drugs[0].files == ["sources/nested/vexaprolin.yaml"]


def test_missing_sources_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as caught:
        workspace.load(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / 'sources'}: no sources/ folder: is this a handouts workspace? (see --workspace)"
    )


def test_filename_is_safe_and_readable():
    drug = workspace.Drug(record=raw("Zorbital (Topical) / HCl", "a.md"), files=["a.md"])
    assert drug.filename == "zorbital-topical-hcl.pdf"
    assert drug.slug == "zorbitaltopical"
