"""The hand-written YAML drug record: what it reads into, and errors naming file, line and field."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from handouts import readers
from handouts.errors import InputError
from handouts.readers import yamlrecord
from handouts.record import BrandName, DrugRecord, Item, Source
from handouts.record.merge import merge

from ..helpers import FIXTURES, RECORDS, seed

VEX = "records/vexaprolin.yaml"


def read_fixture(name: str) -> DrugRecord:
    return readers.read_document(RECORDS / name, f"records/{name}")


def test_full_record_reads_every_field():
    record = read_fixture("vexaprolin.yaml")
    label, leaflet = f"{VEX}#label", f"{VEX}#leaflet"
    assert record.generic_name == "vexaprolin"
    assert record.brands == [
        BrandName("Vexapro", country="United States", qualifier="tablets", source=label),
        BrandName("Vexalin", country="Canada", discontinued=True, source=leaflet),
    ]
    assert record.brand_names == ["Vexapro", "Vexalin"]
    assert record.pronunciation == Item("VEX-uh-PRO-lin", leaflet)
    assert record.description == Item("A pretend pill for an imaginary illness of the glimmer gland.", label)
    assert record.how_it_works == Item("It quiets the make-believe glimmer signal so the gland calms down.", label)
    assert record.uses == [Item("Imaginary glimmer gland swelling in grown-ups.", label)]
    assert record.serious_warnings == [
        Item("A rare made-up reaction with a high fever and glittery skin.", label, title="Sparkle fever")
    ]
    assert record.urgent_signs == [
        Item("high fever; glittery skin; feeling faint", label, title="Signs of sparkle fever"),
        Item("Purple fingernails that do not fade", label),
        Item("Humming in both ears that will not stop", leaflet),
    ]
    assert record.side_effects == [Item("Mild dizziness", label, frequency="12%"), Item("Sleepiness", label)]
    assert record.reminders == [Item("Take it with a glass of pretend water.", label, title="Made-up reminder")]
    assert record.frequency_data == []
    assert record.notes == []
    assert record.sources == [
        Source(key=label, file=VEX, kind="yaml", publisher="Fictional Press", title="Vexaprolin label",
               url="https://example.org/vexaprolin", license="public_domain", language="en",
               last_reviewed=dt.date(2025, 6, 1), review_frequency="annually"),
        Source(key=leaflet, file=VEX, kind="yaml", title="Vexaprolin leaflet", last_reviewed=dt.date(2024, 3, 3)),
    ]
    assert record.problems() == []


def test_record_without_sources_is_its_own_source():
    record = yamlrecord.read("generic_name: zorbital\nurgent_signs:\n  - Blue toes\n", "sources/z.yaml")
    assert record.sources == [Source(key="sources/z.yaml", file="sources/z.yaml", kind="yaml")]
    assert record.urgent_signs == [Item("Blue toes", "sources/z.yaml")]


def test_record_with_no_urgent_signs_has_the_problem():
    record = read_fixture("quillorex.yaml")
    assert record.brand_names == ["Quillo"]
    assert record.problems() == ["no urgent warning signs: cannot make a handout"]


def test_detect_tells_records_from_web_pages():
    assert readers.detect((RECORDS / "vexaprolin.yaml").read_text()) is yamlrecord
    assert readers.detect((RECORDS / "quillorex.yaml").read_text()) is yamlrecord
    page = (FIXTURES / "cancergov" / "zentomab.md").read_text()
    assert yamlrecord.detect(page) is False


# (name, text, line, message): every error names the file, the exact line and the field.
BAD = [
    ("unknown top-level key", """\
        generic_name: vexaprolin
        urgent_signs:
          - Purple fingernails
        colour: blue
        """, 4, "unknown field 'colour' in record (known: brands, care_team_notes, description, emergency_signs, generic_name, "
                "how_it_works, language, pronunciation, reminders, rxnorm, serious_warnings, side_effects, sources, "
                "studied, translated_from_review, translates, urgent_signs, uses)"),
    ("unknown key in an item", """\
        generic_name: vexaprolin
        urgent_signs:
          - text: Purple fingernails
            severity: high
        """, 4, "unknown field 'severity' in an item of 'urgent_signs' (known: action, frequency, of, signs, source, text, title)"),
    ("unknown key in a source", """\
        generic_name: vexaprolin
        urgent_signs:
          - Purple fingernails
        sources:
          - id: label
            reviewed: 2025-01-01
        """, 6, "unknown field 'reviewed' in a source (known: id, kind, language, last_reviewed, license, "
                "publisher, review_frequency, reviewed_by, title, url)"),
    ("missing generic_name", """\
        # a record someone forgot to name
        brands:
          - Vexapro
        urgent_signs:
          - Purple fingernails
        """, 2, "missing required field 'generic_name'"),
    ("empty generic_name", """\
        generic_name:
        urgent_signs:
          - Purple fingernails
        """, 1, "field 'generic_name' must be text"),
    ("syntax: mapping value in a plain item", """\
        generic_name: vexaprolin
        urgent_signs:
          - Purple fingernails: or toes: both
        """, 3, "YAML syntax error: mapping values are not allowed here"),
    ("syntax: bad indentation", """\
        generic_name: vexaprolin
        urgent_signs:
          - Purple fingernails
         side_effects: oops
        """, 4, "YAML syntax error: while parsing a block mapping, expected <block end>, "
                "but found '<block mapping start>'"),
    ("syntax: unclosed quote names the line it opens on", """\
        generic_name: vexaprolin
        urgent_signs:
          - Purple fingernails
          - "Humming in the ears
        side_effects:
          - Sleepiness
        """, 4, "YAML syntax error: while scanning a quoted scalar, found unexpected end of stream"),
    ("syntax: two documents in one file", """\
        generic_name: vexaprolin
        urgent_signs: [Purple fingernails]
        ---
        generic_name: zorbital
        """, 3, "YAML syntax error: expected a single document in the stream, but found another document"),
    ("wrong type: list given as text", """\
        generic_name: vexaprolin
        urgent_signs: Purple fingernails
        """, 2, "field 'urgent_signs' must be a list"),
    ("wrong type: text given as list", """\
        generic_name:
          - vexaprolin
          - zorbital
        urgent_signs:
          - Purple fingernails
        """, 2, "field 'generic_name' must be text"),
    ("wrong type: item text is a mapping", """\
        generic_name: vexaprolin
        urgent_signs:
          - text:
              nested: true
        """, 4, "field 'urgent_signs.text' must be text"),
    ("wrong type: discontinued not a yes/no", """\
        generic_name: vexaprolin
        brands:
          - name: Vexapro
            discontinued: sometimes
        urgent_signs:
          - Purple fingernails
        """, 4, "brands.discontinued must be true or false"),
    ("item with no text", """\
        generic_name: vexaprolin
        urgent_signs:
          - Purple fingernails
          - title: Sparkle fever
        """, 4, "an item of 'urgent_signs' has no 'text'"),
    ("field given twice", """\
        generic_name: vexaprolin
        urgent_signs:
          - Purple fingernails
        generic_name: zorbital
        """, 4, "field 'generic_name' given twice in record"),
    ("bad date", """\
        generic_name: vexaprolin
        urgent_signs:
          - Purple fingernails
        sources:
          - id: label
            last_reviewed: 2025-13-45
        """, 6, "sources.last_reviewed must be a date such as 2025-12-30"),
    ("date in words that is no date", """\
        generic_name: vexaprolin
        urgent_signs:
          - Purple fingernails
        sources:
          - id: label
            title: Vexaprolin label
            last_reviewed: last spring
        """, 7, "sources.last_reviewed must be a date such as 2025-12-30"),
    ("item source naming an unknown source id", """\
        generic_name: vexaprolin
        urgent_signs:
          - Purple fingernails
          - text: Humming in the ears
            source: leaflet
        sources:
          - id: label
        """, 5, "urgent_signs.source names no source listed under 'sources'"),
    ("brand source naming an unknown source id", """\
        generic_name: vexaprolin
        brands:
          - name: Vexapro
            source: label
        urgent_signs:
          - Purple fingernails
        """, 4, "brands.source names no source listed under 'sources'"),
    ("two sources with one id", """\
        generic_name: vexaprolin
        urgent_signs:
          - Purple fingernails
        sources:
          - id: label
          - title: Another
            id: label
        """, 7, "two sources share the id 'label'"),
]


@pytest.mark.parametrize("text, line, message", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_errors_name_file_line_and_field(tmp_path, text, line, message):
    path = tmp_path / "vexaprolin.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        readers.read_document(path, "sources/vexaprolin.yaml")
    error = caught.value
    assert (error.path, error.line, error.message) == ("sources/vexaprolin.yaml", line, message)
    assert str(error) == f"sources/vexaprolin.yaml:{line}: {message}"
    assert "\n" not in str(error)


def test_a_top_level_list_is_not_a_record():
    with pytest.raises(InputError) as caught:
        yamlrecord.read("- generic_name: vexaprolin\n", "sources/list.yaml")
    assert str(caught.value) == "sources/list.yaml:1: a drug record must be a YAML mapping of fields"


def test_dump_reads_back_the_same_record():
    record = read_fixture("vexaprolin.yaml")
    back = yamlrecord.read(yamlrecord.dump(record), "copy.yaml")
    ids = {f"{VEX}#label": "copy.yaml#s1", f"{VEX}#leaflet": "copy.yaml#s2"}

    def moved(item: Item) -> Item:
        return Item(item.text, ids[item.source], item.title, item.frequency)

    assert back.generic_name == record.generic_name
    assert [(b.name, b.country, b.qualifier, b.discontinued, b.source) for b in back.brands] == [
        (b.name, b.country, b.qualifier, b.discontinued, ids[b.source]) for b in record.brands
    ]
    for name in yamlrecord.SINGLE_FIELDS:
        assert getattr(back, name) == moved(getattr(record, name)), name
    for name in yamlrecord.LIST_FIELDS:
        assert getattr(back, name) == [moved(it) for it in getattr(record, name)], name
    assert [(s.key, s.title, s.last_reviewed, s.review_frequency) for s in back.sources] == [
        ("copy.yaml#s1", "Vexaprolin label", dt.date(2025, 6, 1), "annually"),
        ("copy.yaml#s2", "Vexaprolin leaflet", dt.date(2024, 3, 3), None),
    ]


def test_dump_of_merged_seeds_keeps_each_items_source(seeds_dir):
    """Seeds 000 (drugs.com) and 001 (cancer.gov) merged, dumped and read back: every item cites its source."""
    first, second = seed(seeds_dir, "000"), seed(seeds_dir, "001")
    drugs = readers.read_document(first, "000.txt")
    nci = readers.read_document(second, "001.txt")
    merged = merge([drugs, nci])
    assert [s.key for s in merged.sources] == ["001.txt", "000.txt"]  # cancer.gov is the newer review
    back = yamlrecord.read(yamlrecord.dump(merged), "x.yaml")
    assert [s.publisher for s in back.sources] == ["National Cancer Institute", "Drugs.com"]
    assert [it.text for it in back.urgent_signs] == [it.text for it in drugs.urgent_signs]
    assert {it.source for it in back.urgent_signs} == {"x.yaml#s2"}
    assert back.uses == [Item(it.text, "x.yaml#s1") for it in nci.uses]
    assert back.pronunciation == Item(nci.pronunciation.text, "x.yaml#s1")
    assert back.brand_names == ["Besponsa"]
