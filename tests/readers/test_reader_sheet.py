"""The patient drug sheet reader: seed 002, fictional variants, other formats refused, fuzzing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handouts.errors import InputError
from handouts.readers import detect as dispatch
from handouts.readers import read_document, sheet
from handouts.record import DrugRecord

from ..helpers import EMPTY_BULLETS, FIXTURES, SHARED, UNKNOWN_FORMAT, seed

SHEETS = FIXTURES / "sheet"
# seeds_dir is a fixed path, so sharing it between examples is safe.
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _read(name: str) -> DrugRecord:
    path = SHEETS / name
    text = path.read_text(encoding="utf-8")
    assert sheet.detect(text)
    return sheet.read(text, str(path))


def _brands(record: DrugRecord) -> list[tuple]:
    return [(b.name, b.country, b.qualifier, b.discontinued) for b in record.brands]


def _titles(items) -> list:
    return [item.title for item in items]


def _all_sourced(record: DrugRecord, path: str) -> None:
    items = [record.description, record.how_it_works, *record.uses, *record.serious_warnings,
             *record.urgent_signs, *record.side_effects, *record.reminders]
    assert all(item.source == path for item in items if item is not None)
    assert all(brand.source == path for brand in record.brands)
    assert [(s.key, s.file, s.kind) for s in record.sources] == [(path, path, "patient-sheet")]


# ---------------------------------------------------------------- seed 002


@pytest.fixture
def seed_sheet(seeds_dir):
    path = seed(seeds_dir, "002")
    return path, path.read_text(encoding="utf-8")


def test_seed_002_is_detected_and_dispatched_to_the_sheet_reader(seed_sheet):
    path, text = seed_sheet
    assert sheet.detect(text)
    assert dispatch(text) is sheet
    assert read_document(path).sources[0].kind == "patient-sheet"


def test_seed_002_fields(seed_sheet):
    path, text = seed_sheet
    record = sheet.read(text, str(path))
    assert record.generic_name == "blinatumomab"
    assert _brands(record) == [("Blincyto", "United States", None, False), ("Blincyto", "Canada", None, False)]
    assert record.description.text == (
        "Blinatumomab (brand name Blincyto) is an immune-based cancer medicine for certain leukemias."
    )
    assert _titles(record.serious_warnings) == ["Cytokine Release Syndrome (CRS)", "Nervous system problems"]
    assert record.serious_warnings[0].text.startswith("This can be severe or life-threatening.")
    # The nine signs of the call-now list, then the call-now sentence of the pump reminder (issue 12).
    assert len(record.urgent_signs) == 10
    assert _titles(record.urgent_signs) == [
        "Signs of an allergic reaction", "Signs of infection", "Very bad or sudden changes in blood pressure",
        "Mood or behavior changes", None, None, None, "Tumor Lysis Syndrome (TLS)", "Pancreatitis",
        "Infusion pump and line care",
    ]
    assert record.urgent_signs[-1].text == (
        "If the pump alarms or there is any problem with the line, call your nurse or doctor right away."
    )
    pump = next(r for r in record.reminders if r.title == "Infusion pump and line care")
    assert pump.text == "Keep the catheter and dressing clean and dry. Do not change pump settings."
    assert record.urgent_signs[0].text.startswith("rash; hives; itching;")
    assert record.urgent_signs[6].text == "Flushing, dark urine, or yellow skin or eyes."
    assert len(record.reminders) == 9
    assert record.reminders[0].title == "Infections"
    assert record.reminders[-1].title == "Monitoring"
    assert len(record.uses) == 2
    assert not any("care team will confirm" in use.text for use in record.uses)
    assert [s.text for s in record.side_effects][:2] == ["Pain in arms or legs; back, bone, joint, or muscle pain",
                                                         "Headache"]
    assert len(record.side_effects) == 8
    assert "CD19" in record.how_it_works.text and "CD3" in record.how_it_works.text
    assert "watched closely" in record.how_it_works.text  # the closing paragraph is kept too
    source = record.sources[0]
    assert source.last_reviewed == dt.date(2025, 12, 15)
    assert (source.title, source.publisher, source.url) == ("blinatumomab", None, None)
    _all_sourced(record, str(path))


def test_seed_002_footer_junk_is_nowhere(seed_sheet):
    path, text = seed_sheet
    record = sheet.read(text, str(path))
    texts = " ".join(str(record.to_dict()).split())
    assert "Medline" not in texts and "Back to top" not in texts and "Drag" not in texts


# ---------------------------------------------------------------- other formats are refused


def test_other_seeds_are_not_sheets(seeds_dir):
    for number in ("000", "001"):
        assert not sheet.detect(seed(seeds_dir, number).read_text(encoding="utf-8"))


def test_cancer_gov_corpus_is_not_sheets(nci_dir):
    pages = sorted(nci_dir.glob("*.md"))
    assert pages
    assert [p.name for p in pages if sheet.detect(p.read_text(encoding="utf-8"))] == []


@pytest.mark.parametrize("folder", ["cancergov", "drugscom", "yaml"])
def test_other_readers_fixtures_are_not_sheets(folder):
    files = sorted((FIXTURES / folder).glob("*")) if (FIXTURES / folder).is_dir() else []
    assert [f.name for f in files if f.is_file() and sheet.detect(f.read_text(encoding="utf-8", errors="replace"))] == []


@pytest.mark.parametrize(
    "text",
    [
        # A YAML drug record whose values hold sheet headings.
        "generic_name: zentomab\nbrands:\n  - name: Zentra\nurgent_signs:\n"
        "  - text: |\n      Call your care team now if you have any of these symptoms at any time:\n"
        "      Brand Name(s)\n",
        # A cancer.gov page: front matter first.
        "---\ntitle: Zentomab - NCI\nurl: https://www.cancer.gov/x\n---\n\n# Zentomab\n\nBrand Name(s)\n\nZentra\n",
        # A drugs.com page that happens to hold a sheet heading.
        "Zentra Side Effects\n\nGeneric name: zentomab\n\nFor the Consumer\n\nBrand Name(s)\n\nCommon Side Effects\n",
        "Zentra Side Effects\n\nAlong with its needed effects, zentomab may cause unwanted effects.\n\n"
        "Call your care team now if you have any of these symptoms at any time:\n",
        "",
        "just some text\nwith lines\n",
        "zentomab\n\nWarning(s)\n\nIt can harm the liver.\n",  # one heading of the vocabulary is not enough
    ],
)
def test_detect_refuses(text):
    assert not sheet.detect(text)


def test_detect_accepts_headings_without_brand_or_urgent_section():
    assert sheet.detect("zentomab\n\nWarning(s)\n\nIt can harm the liver.\n\nCommon Side Effects\n\n- Nausea\n")


# ---------------------------------------------------------------- fixtures: one per variant


def test_no_intro_one_line_brands_with_dsc_and_sentence_warnings():
    path = str(SHEETS / "lorvaxib_no_intro.txt")
    record = _read("lorvaxib_no_intro.txt")
    assert record.generic_name == "lorvaxib"
    assert record.description is None
    assert _brands(record) == [
        ("Lorvex", "United States", None, False),
        ("Lorvex XR", "United States", None, True),
        ("Lorvaxa", "United States", "capsules", True),
    ]
    # The pointer-only lead paragraph goes; the clinical paragraphs stay, each one item.
    assert [w.text for w in record.serious_warnings] == [
        "Lorvaxib can cause bleeding inside the skull that may lead to death. "
        "Tell your care team at once about a sudden headache or trouble speaking.",
        "Lorvaxib may slow the heartbeat. Fainting can happen without warning.",
    ]
    assert _titles(record.serious_warnings) == [None, None]
    assert _titles(record.urgent_signs) == ["Signs of bleeding", None, None, None]
    assert record.urgent_signs[0].text == "nosebleeds that do not stop; pink or brown urine; black stools."
    assert _titles(record.reminders) == ["Surgery", "Grapefruit", "Sun"]  # "...safety points:" heading
    assert [u.text for u in record.uses] == ["Lorvaxoma of the lymph glands in adults."]
    assert record.how_it_works.text.startswith("Lorvaxib blocks an enzyme")
    assert [s.text for s in record.side_effects] == ["Bruising", "Runny nose", "Tiredness", "Muscle aches"]
    assert record.sources[0].last_reviewed == dt.date(2025, 11, 2)
    assert record.sources[0].title == "lorvaxib"
    _all_sourced(record, path)


def test_sub_lists_by_country_with_qualifiers_and_nested_urgent_signs():
    path = str(SHEETS / "zentomab_sublists.txt")
    record = _read("zentomab_sublists.txt")
    assert record.generic_name == "zentomab"
    assert record.description.text == (
        "Zentomab (brand names Zentra and Zentrix) is a targeted medicine for some imaginary marrow cancers."
    )
    assert _brands(record) == [
        ("Zentra", "United States", "tablets", False),
        ("Zentrix", "United States", "oral suspension", False),
        ("Zentra", "Canada", "tablets", False),
    ]
    assert _titles(record.serious_warnings) == ["Liver damage", "Lung swelling", None]
    assert [(u.title, u.text) for u in record.urgent_signs] == [
        ("Signs of liver problems", "yellow skin or eyes"),
        ("Signs of liver problems", "dark urine"),
        ("Signs of liver problems", "pain on the right side of the belly"),
        ("Signs of a lung problem", "new cough, shortness of breath, or fever."),
        (None, "Bleeding that will not stop even after pressing on it for 10 minutes."),  # wrapped bullet
        (None, "Sudden swelling of the face, lips, or tongue."),
    ]
    assert _titles(record.reminders) == ["Blood tests", "Birth control"]
    assert len(record.uses) == 2
    assert record.how_it_works.text == (
        "Zentomab blocks the ZNT protein. Cancer cells need ZNT to divide. Without it, the cells die."
    )
    assert [s.text for s in record.side_effects] == ["Nausea", "Hair thinning", "Dry skin", "Loose stools"]
    assert record.sources[0].last_reviewed == dt.date(2025, 10, 20)
    _all_sourced(record, path)


def test_no_bullets_at_all():
    path = str(SHEETS / "quintarelin_no_bullets.txt")
    record = _read("quintarelin_no_bullets.txt")
    assert record.generic_name == "quintarelin"
    assert _brands(record) == [("Quintara", "United States", None, False), ("Quintara Depot", "Canada", None, False)]
    assert [(w.title, w.text) for w in record.serious_warnings] == [
        ("Heart rhythm", "Quintarelin can change the heart's rhythm. You may need a heart tracing before starting.")
    ]
    assert _titles(record.urgent_signs) == [None, "Signs of high blood sugar", None]
    assert _titles(record.reminders) == ["Bones", "Appointments"]
    assert [u.text for u in record.uses] == ["Advanced quintate cancer."]
    # The lead-in and closing paragraphs are not side effects.
    assert [s.text for s in record.side_effects] == ["Hot flashes", "Weight gain", "Less interest in sex",
                                                     "Feeling tired"]
    assert record.sources[0].last_reviewed == dt.date(2025, 3, 4)
    _all_sourced(record, path)


def test_intro_first_line_publisher_url_and_inline_urgent_heading():
    path = str(SHEETS / "mobravimab_intro_first.txt")
    record = _read("mobravimab_intro_first.txt")
    assert record.generic_name == "Mobravimab"
    assert _brands(record) == [("Mobrava", None, None, False)]  # named only in the intro
    assert record.description.text.endswith("for a rare imaginary blood cancer.")
    assert [w.text for w in record.serious_warnings] == ["Mobravimab can cause serious infusion reactions."]
    # The text after the heading's colon is an urgent sign, not part of the heading.
    assert [u.text for u in record.urgent_signs] == [
        "fever above 38 C",
        "Trouble breathing or a tight throat during or after the infusion.",
        "Severe belly pain.",
    ]
    assert [s.text for s in record.side_effects] == ["Itchy skin", "Low appetite"]
    assert record.uses == [] and record.reminders == [] and record.how_it_works is None
    source = record.sources[0]
    assert (source.title, source.publisher, source.url) == (
        None, "Example Cancer Center Pharmacy", "https://example.org/sheets/mobravimab")
    assert source.last_reviewed == dt.date(2024, 6, 30)
    _all_sourced(record, path)


def test_no_name_is_an_input_error_on_the_first_line():
    text = (SHEETS / "nomirastat_no_name.txt").read_text(encoding="utf-8")
    assert sheet.detect(text)
    with pytest.raises(InputError) as caught:
        sheet.read(text, "nomirastat.txt")
    assert caught.value.line == 1 and caught.value.path == "nomirastat.txt"


def test_prose_where_the_name_should_be_is_an_input_error_at_that_line():
    text = "\n\nThis handout explains your new medicine.\n\nBrand Name(s)\n\n- United States: Nomira\n"
    with pytest.raises(InputError) as caught:
        sheet.read(text, "x.txt")
    assert caught.value.line == 3


@pytest.mark.parametrize("name", sorted(p.name for p in SHEETS.glob("*.txt")))
def test_fixtures_dispatch_to_the_sheet_reader(name, tmp_path):
    target = tmp_path / name
    target.write_bytes((SHEETS / name).read_bytes())
    if name.startswith("nomirastat"):
        with pytest.raises(InputError):
            read_document(target)
    else:
        assert read_document(target).sources[0].kind == "patient-sheet"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ("United States: A; B [DSC]; C (tablets)",
         [("A", "United States", None, False), ("B", "United States", None, True),
          ("C", "United States", "tablets", False)]),
        ("• In the U.S.:\n   ◦ Zentra (tablets) [DSC]\n• In Canada:\n   ◦ Zentra",
         [("Zentra", "United States", "tablets", True), ("Zentra", "Canada", None, False)]),
        ("Zentra\nZentrix", [("Zentra", None, None, False), ("Zentrix", None, None, False)]),
        ("Brand names differ between countries.\n- USA: Zentra", [("Zentra", "United States", None, False)]),
    ],
)
def test_brand_line_shapes(lines, expected):
    text = f"zentomab\n\nBrand Name(s)\n\n{lines}\n\nCommon Side Effects\n\n- Nausea\n"
    assert _brands(sheet.read(text, "z.txt")) == expected


def test_a_care_team_sentence_is_an_urgent_sign_not_a_heading():
    text = ("zentomab\n\nBrand Name(s)\n\nZentra\n\nCall your care team now if you have any of these symptoms:\n\n"
            "Call your care team right away if you faint\nChest pain.\n")
    record = sheet.read(text, "z.txt")
    assert [u.text for u in record.urgent_signs] == ["Call your care team right away if you faint", "Chest pain."]


def test_labelled_warning_lead_sentence_is_kept_when_it_names_a_risk():
    text = ("zentomab\n\nBrand Name(s)\n\nZentra\n\nWarning(s)\n\n"
            "This medicine has serious safety risks, including fatal bleeding.\n")
    record = sheet.read(text, "z.txt")
    assert [w.text for w in record.serious_warnings] == [
        "This medicine has serious safety risks, including fatal bleeding."]


# ---------------------------------------------------------------- urgent headings in other words


URGENT_HEADINGS = [
    "Serious Side Effects",
    "Rare but serious side effects",
    "Severe side effects:",
    "Serious or life-threatening side effects",
    "Possible Serious Side Effects",
    "Warning Signs",
    "Call your doctor right away if you have any of these:",
    "Call your doctor or care team right away if you notice:",
    "Contact your healthcare provider immediately if you have any of these signs",
    "Call 911 if you have any of these:",
    "Get emergency help right away if you have:",
    "When to Call Your Care Team",
    "When to get medical help",
]
SECTIONS_BEFORE = [
    "Brand Name(s)\n\n- United States: Zentra",
    "Common Side Effects\n\n- Nausea",
    "Kind of Cancers It Is Used For\n\n- Zentoma",
    "Mechanism of Action\n\nZentomab blocks ZNT.",
    "Other important safety points:\n\n- Sun: Wear a hat.",
]


@pytest.mark.parametrize("before", SECTIONS_BEFORE)
@pytest.mark.parametrize("heading", URGENT_HEADINGS)
def test_headings_about_serious_side_effects_or_calling_at_once_start_the_urgent_section(heading, before):
    text = f"zentomab\n\n{before}\n\n{heading}\n\n- Chest pain\n- Seizures\n\nLast reviewed: 2025-01-02\n"
    record = sheet.read(text, "z.txt")
    assert [(u.title, u.text) for u in record.urgent_signs] == [(None, "Chest pain"), (None, "Seizures")]
    elsewhere = " ".join(str(x) for x in (record.brands, record.side_effects, record.uses, record.reminders,
                                          record.how_it_works, record.serious_warnings))
    assert "Chest pain" not in elsewhere and "Seizures" not in elsewhere


def test_serious_side_effects_after_common_side_effects_fixture():
    path = str(SHEETS / "pellarinib_serious_headings.txt")
    record = _read("pellarinib_serious_headings.txt")
    assert record.generic_name == "pellarinib"
    assert _brands(record) == [("Pellara", None, None, False)]  # the heading under Brand Name(s) is none
    assert [u.text for u in record.urgent_signs] == [
        "Sudden pressure or squeezing in the chest.",
        "A seizure.",
        "Coughing up blood.",
        "Losing sight in one eye.",
        "Black, sticky stools.",
    ]
    assert [s.text for s in record.side_effects] == ["Headache", "Tiredness"]
    assert [u.text for u in record.uses] == ["Pellaroma of the skin in adults."]
    _all_sourced(record, path)


@pytest.mark.parametrize(
    "sign",
    [
        "Call your doctor right away if you faint",
        "Severe reactions can happen during the infusion",
        "Call 911 right away if you have chest pain.",
        "Serious side effects are rare but include fainting.",
    ],
)
def test_an_urgent_sentence_under_the_urgent_heading_stays_a_sign(sign):
    text = ("zentomab\n\nBrand Name(s)\n\nZentra\n\nCall your care team now if you have any of these symptoms:\n\n"
            f"- Fever\n{sign}\n- Chest pain\n")
    record = sheet.read(text, "z.txt")
    assert [u.text for u in record.urgent_signs] == ["Fever", sign, "Chest pain"]


# ---------------------------------------------------------------- nothing is silently dropped


@pytest.mark.parametrize("section", ["Common Side Effects", "Kind of Cancers It Is Used For", "Mechanism of Action",
                                     "Other important safety points:"])
@pytest.mark.parametrize("content", ["- Into a vein over 1 hour\n- In a clinic", "Into a vein over 1 hour."])
def test_an_unknown_heading_with_content_under_it_is_an_input_error(section, content, tmp_path):
    path = tmp_path / "z.txt"
    path.write_text(f"zentomab\n\nBrand Name(s)\n\n- Zentra\n\n{section}\n\n- Something\n\n"
                    f"How It Is Given\n\n{content}\n\nLast reviewed: 2025-01-02\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_document(path, "z.txt")
    assert (caught.value.path, caught.value.line) == ("z.txt", 11)
    assert str(caught.value) == "z.txt:11: unknown section 'How It Is Given' at line 11: its items would be lost"


def test_a_title_case_item_with_only_metadata_after_it_is_an_item():
    text = "zentomab\n\nBrand Name(s)\n\nZentra\n\nCommon Side Effects\n\nHot flashes\n\nHair Thinning\n\nShare\n" \
           "Last reviewed: 2025-01-02\n"
    assert [s.text for s in sheet.read(text, "z.txt").side_effects] == ["Hot flashes", "Hair Thinning"]


@pytest.mark.parametrize(
    "line",
    [
        "Chest pain",
        "- Seizures",
        "Trouble breathing",
        "  • Fever or chills",
        "Serious Problems To Watch",
        "Call your doctor if you faint.",
        "Heart Problems: Call right away for chest pain",
        "Yellow skin or eyes:",
        "• Heart problems: Do not switch brands; call right away for chest pain.",
    ],
)
def test_a_line_under_brand_names_that_names_no_brand_is_an_error(line):
    text = f"zentomab\n\nBrand Name(s)\n\n- United States: Zentra\n{line}\n\nCommon Side Effects\n\n- Nausea\n"
    with pytest.raises(InputError) as caught:
        sheet.read(text, "z.txt")
    assert caught.value.line == 6 and "is not a brand name" in caught.value.message


def test_a_list_above_the_first_heading_is_an_error():
    text = "zentomab\n\n- Chest pain\n- Fainting\n\nBrand Name(s)\n\n- Zentra\n"
    with pytest.raises(InputError) as caught:
        sheet.read(text, "z.txt")
    assert caught.value.line == 3 and "would be lost" in caught.value.message


def _outcome(text: str):
    try:
        data = sheet.read(text, "s.txt").to_dict()
    except InputError as error:
        return str(error)
    for block in data.get("ignored", []):
        block.pop("line")  # inserted lines move the ignored blocks, and only that
    return data


def _sheets() -> list[str]:
    return _corpus() + [p.read_text(encoding="utf-8") for p in sorted((SHARED / "seeds").glob("002_*"))]


@pytest.mark.parametrize("marker", EMPTY_BULLETS)
def test_empty_bullets_in_every_section_change_nothing(marker):
    for text in _sheets():
        padded = "\n".join(f"{line}\n{marker}" for line in text.split("\n"))
        assert sheet.detect(padded)
        before, after = _outcome(text), _outcome(padded)
        if isinstance(before, str):  # the fixture without a name: the same error, lines counted anew
            assert isinstance(after, str)
        else:
            assert after == before


@FUZZ
@given(st.integers(min_value=0, max_value=100),
       st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(EMPTY_BULLETS)), min_size=1, max_size=12))
def test_fuzz_empty_bullets_anywhere_change_nothing(which, inserts):
    texts = _sheets()
    text = texts[which % len(texts)]
    lines = text.split("\n")
    for where, marker in inserts:
        lines.insert(where % (len(lines) + 1), marker)
    before, after = _outcome(text), _outcome("\n".join(lines))
    assert isinstance(after, str) if isinstance(before, str) else after == before


# ---------------------------------------------------------------- fuzzing


def _corpus(seeds_dir: Path | None = None) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SHEETS.glob("*.txt"))]
    if seeds_dir is not None:
        texts.append(seed(seeds_dir, "002").read_text(encoding="utf-8"))
    return texts


def _read_any(text: str) -> None:
    """read_document's dispatch without the file: only InputError may come out."""
    reader = dispatch(text)
    if reader is not None:
        try:
            reader.read(text, "fuzz.txt")
        except InputError:
            pass
    if sheet.detect(text):
        try:
            sheet.read(text, "fuzz.txt")
        except InputError:
            pass


_MUTATION = st.tuples(
    st.sampled_from(["delete", "duplicate", "truncate", "insert"]),
    st.integers(min_value=0, max_value=10_000),
    st.text(alphabet=st.sampled_from(list("•-◦*:;()[]\n\t .#DSC\u00a0é0")) | st.characters(), max_size=4),
)


def _mutate(text: str, mutations) -> str:
    for kind, where, chars in mutations:
        lines = text.split("\n")
        line = where % max(1, len(lines))
        if kind == "delete" and lines:
            del lines[line]
        elif kind == "duplicate" and lines:
            lines.insert(line, lines[line])
        elif kind == "truncate":
            return text[: where % (len(text) + 1)]
        else:
            at = where % (len(text) + 1)
            return text[:at] + chars + text[at:]
        text = "\n".join(lines)
    return text


@FUZZ
@given(st.text(max_size=400))
def test_fuzz_arbitrary_text(text):
    _read_any(text)


@FUZZ
@given(st.lists(st.sampled_from([
    "zentomab", "Zentomab (brand name Zentra) is a medicine.", "Brand Name(s)", "Warning(s)",
    "Call your care team now if you have any of these symptoms at any time:", "Other important safety points:",
    "Kind of Cancers It Is Used For", "Mechanism of Action", "Common Side Effects", "Last reviewed: 2025-01-02",
    "  • Label: text", "- In the U.S.:", "   ◦ Zentra (tablets) [DSC]", "United States: A; B [DSC]", "",
    "::", "•", "- :", "(", "Back to top", "Fever.", "Signs of x:", "    continued", "Title Case Words Here",
    "• ", "- ", "-", "◦", "  ◦ ", "1.", "*", "Serious Side Effects", "Rare but serious side effects",
    "Call your doctor right away if you have any of these:", "How It Is Given", "Chest pain",
]), max_size=30))
def test_fuzz_sheet_vocabulary(lines):
    _read_any("\n".join(lines))


@FUZZ
@given(st.integers(min_value=0, max_value=10), st.lists(_MUTATION, min_size=1, max_size=5))
def test_fuzz_mutated_fixtures(which, mutations):
    texts = _corpus()
    _read_any(_mutate(texts[which % len(texts)], mutations))


@FUZZ
@given(st.lists(_MUTATION, min_size=1, max_size=5))
def test_fuzz_mutated_seed(seeds_dir, mutations):
    _read_any(_mutate(seed(seeds_dir, "002").read_text(encoding="utf-8"), mutations))


def _is_heading(line: str) -> bool:
    return sheet._heading(" ".join(line.split())) is not None


@FUZZ
@given(st.integers(min_value=0, max_value=10_000), st.booleans())
def test_losing_or_doubling_a_line_loses_no_other_urgent_sign(seeds_dir, where, delete):
    """Whatever ordinary line goes missing or doubles, every other urgent sign is still read as one.

    A sign may absorb a neighbouring wrapped line; its words must still be there.
    """
    for text in _corpus(seeds_dir):
        if text.startswith("Brand Name(s)"):
            continue  # the fixture without a name cannot be read at all
        lines = text.split("\n")
        index = where % len(lines)
        if _is_heading(lines[index]):
            continue
        before = [u.text for u in sheet.read(text, "a.txt").urgent_signs]
        mutated = lines[:index] + lines[index + 1:] if delete else lines[: index + 1] + lines[index:]
        try:
            after = sheet.read("\n".join(mutated), "b.txt")
        except InputError:
            assert delete and index <= 2  # only the lines naming the drug can be missed
            continue
        removed = sheet._clean(lines[index].strip(" \t•-*◦")) if delete else ""
        kept = [u.text for u in after.urgent_signs]
        for sign in before:
            if removed and (removed in sign or sign in removed):
                continue
            assert any(sign in text for text in kept), sign


def test_warning_under_brands_when_its_heading_is_missing_is_an_error_not_a_drop(tmp_path):
    from handouts.errors import InputError
    from handouts.readers import read_document

    sheet = tmp_path / "nowarn.txt"
    sheet.write_text(
        "zentomab\n\nBrand Name(s)\n\n  • United States: Zentra\n\n"
        "  • Heart problems: These can be severe. Call right away for chest pain.\n\n"
        "Call your care team now if you have any of these symptoms at any time:\n\n  • Fever\n"
    )
    with pytest.raises(InputError) as caught:
        read_document(sheet, "nowarn.txt")
    assert caught.value.line == 7 and "is a heading such as 'Warning(s)' missing" in caught.value.message


# ---------------------------------------------------------------- issue 12: look-alikes and call-now sentences


@pytest.mark.parametrize("name", ["other_publisher.txt", "monograph.txt", "questions.txt"])
def test_pages_of_other_publishers_are_an_unknown_format(name):
    """Look-alike pages (sheet-like headings, but another publisher's structure) are in a folder of their own,
    kept out of the sheet corpus the other tests read."""
    path = SHEETS / "lookalikes" / name
    assert not sheet.detect(path.read_text(encoding="utf-8"))
    assert dispatch(path.read_text(encoding="utf-8")) is None
    with pytest.raises(InputError) as caught:
        read_document(path, name)
    assert (caught.value.path, caught.value.message) == (name, UNKNOWN_FORMAT)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("marker", [
    "Often used for: a blood cancer", "clipboard icon", "Warning: clipboard icon", "Missed Dose", "Storage",
])
def test_one_foreign_line_makes_a_sheet_lookalike_no_sheet(marker):
    text = (SHEETS / "quintarelin_no_bullets.txt").read_text(encoding="utf-8")
    assert sheet.detect(text)
    assert not sheet.detect(text.replace("Mechanism of Action", f"{marker}\n\nMechanism of Action"))


def test_a_lone_first_line_and_one_heading_are_not_a_sheet():
    assert not sheet.detect("Zentomab\n\nBrand names: Zentra\n\nIt is a pill for an imaginary cancer.\n")
    assert not sheet.detect("Zentomab\n\nCall your care team now if you have any of these symptoms at any time:\n"
                            "\n- fever\n")


def test_call_now_sentences_in_reminders_and_side_effects_are_urgent():
    text = (
        "zentomab\n\nBrand Name(s)\n\n- United States: Zentra\n\n"
        "Call your care team now if you have any of these symptoms at any time:\n\n- Fainting.\n\n"
        "Other important safety reminders:\n\n"
        "- Pregnancy: Use birth control during treatment. If you think you have become pregnant, tell your doctor "
        "right away.\n- Vaccines: Ask before any vaccine.\n\n"
        "Common Side Effects\n\nMost of these are mild. Get emergency medical help if you cannot breathe.\n\n"
        "- Headache\n- Tiredness\n"
    )
    record = sheet.read(text, "z.txt")
    assert [(i.title, i.text) for i in record.urgent_signs] == [
        (None, "Fainting."),
        (None, "Get emergency medical help if you cannot breathe."),  # from the paragraph above the list
        ("Pregnancy", "If you think you have become pregnant, tell your doctor right away."),
    ]
    assert [(i.title, i.text) for i in record.reminders] == [
        ("Pregnancy", "Use birth control during treatment."), ("Vaccines", "Ask before any vaccine.")
    ]
    assert [i.text for i in record.side_effects] == ["Headache", "Tiredness"]
    # The lead-in's other sentence is no item, and it is reported with its line.
    assert [(b.line, b.what, b.text) for b in record.ignored] == [(18, "a paragraph around a list", "Most of these are mild.")]


def test_seed_002_reports_what_it_leaves_out(seed_sheet):
    path, text = seed_sheet
    record = sheet.read(text, "002.txt")
    assert [(b.line, b.what) for b in record.ignored] == [
        (3, "2 sentences of the introduction after its first sentence"),
        (46, "a paragraph around a list"),
        (60, "a paragraph around a list"),
        (71, "a paragraph around a list"),
    ]


def test_pointer_boilerplate_is_no_urgent_item():
    text = ("zentomab\n\nBrand Name(s)\n\n- United States: Zentra\n\n"
            "Call your care team now if you have any of these symptoms at any time:\n\n"
            "Serious reactions can happen.\n\n- Fainting.\n- Serious reactions can happen. Chest pain.\n")
    record = sheet.read(text, "z.txt")
    assert [i.text for i in record.urgent_signs] == ["Fainting.", "Chest pain."]
