"""The drugs.com side-effects page reader: the real seed, one fixture per page layout, and fuzzing."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handouts.errors import InputError
from handouts.readers import detect as detect_reader
from handouts.readers import drugscom, read_document
from handouts.record import DrugRecord

from .conftest import FIXTURES, SHARED, seed

DRUGSCOM = FIXTURES / "drugscom"
OLD_QUESTION = "What are some side effects that I need to call my doctor about right away?"
FIXTURE_NAMES = (
    "along_colons", "along_runs", "serious_boxed", "newest_important", "headings_lost", "multum_common_lead"
)


def read_fixture(name: str) -> DrugRecord:
    path = DRUGSCOM / f"{name}.txt"
    return drugscom.read(path.read_text(encoding="utf-8"), str(path))


def texts(items) -> list[str]:
    return [item.text for item in items]


# --- the real seed: the oldest layout ---------------------------------------------------------


def test_seed_000_names_and_source(seeds_dir):
    path = seed(seeds_dir, "000")
    text = path.read_text(encoding="utf-8")
    assert drugscom.detect(text)
    record = drugscom.read(text, str(path))
    assert record.generic_name == "inotuzumab ozogamicin"
    assert record.brand_names == ["Besponsa"]
    assert all(brand.source == str(path) for brand in record.brands)
    (source,) = record.sources
    assert (source.key, source.file, source.kind) == (str(path), str(path), "drugs.com")
    assert source.publisher == "Drugs.com"
    assert source.title == "Besponsa Side Effects"
    assert source.url is None and source.last_reviewed is None


def test_seed_000_urgent_signs(seeds_dir):
    record = drugscom.read(seed(seeds_dir, "000").read_text(encoding="utf-8"), "000.txt")
    assert len(record.urgent_signs) == 6
    titles = [item.title for item in record.urgent_signs]
    assert titles == ["Signs of an allergic reaction", "Signs of bleeding", "Signs of infection", None, None, None]
    assert record.urgent_signs[0].text.startswith("rash; hives; itching;")
    assert record.urgent_signs[3].text == "Feeling very tired or weak."
    assert "prolonged QT interval" in record.urgent_signs[5].text
    assert not any("WARNING/CAUTION" in t for t in texts(record.urgent_signs))
    assert all(item.source == "000.txt" for item in record.urgent_signs)
    assert record.serious_warnings == [] and record.reminders == []


def test_seed_000_side_effects(seeds_dir):
    record = drugscom.read(seed(seeds_dir, "000").read_text(encoding="utf-8"), "000.txt")
    assert len(record.side_effects) == 8
    assert record.side_effects[1].text == "Headache."
    assert record.side_effects[-1].text == "Mouth irritation or mouth sores."
    assert not any("FDA" in t or "not all of the side effects" in t for t in texts(record.side_effects))


def test_seed_000_frequency_data(seeds_dir):
    record = drugscom.read(seed(seeds_dir, "000").read_text(encoding="utf-8"), "000.txt")
    data = {item.text: item for item in record.frequency_data}
    assert len(record.frequency_data) == 61
    assert (data["Headache"].frequency, data["Headache"].title) == ("28%", "Nervous system")
    assert (data["Nausea"].frequency, data["Nausea"].title) == ("31%", None)
    assert data["Thrombocytopenia"].frequency == "51%"  # the grade note is dropped, not taken as the figure
    assert data["Hypersensitivity"].frequency == "Common (1% to 10%)"
    assert data["Tumor lysis syndrome"].frequency == "Uncommon (0.1% to 1%)"
    assert "Pancytopenia (e.g., bone marrow failure, febrile bone marrow aplasia, pancytopenia)" in data
    joined = " ".join(texts(record.frequency_data))
    assert "[Ref]" not in joined and "Grade" not in joined and "Product Information" not in joined


def test_other_seeds_and_nci_pages_are_not_drugscom(seeds_dir):
    for number in ("001", "002"):
        assert not drugscom.detect(seed(seeds_dir, number).read_text(encoding="utf-8"))


def test_nci_pages_are_not_drugscom(nci_dir):
    pages = sorted(nci_dir.glob("*.md"))
    assert pages
    assert [page.name for page in pages if drugscom.detect(page.read_text(encoding="utf-8"))] == []


# --- "Along with its needed effects": frequency groups ----------------------------------------


def test_along_with_colons_keeps_every_urgent_symptom():
    record = read_fixture("along_colons")
    assert record.generic_name == "plorafenib"
    assert record.brand_names == ["Plorava"]
    assert len(record.urgent_signs) == 55
    counts = {}
    for item in record.urgent_signs:
        counts[item.frequency] = counts.get(item.frequency, 0) + 1
    assert counts == {
        "More common": 20, "Less common": 14, "Rare": 10, "Incidence not known": 8, "Symptoms of overdose": 3
    }
    urgent = texts(record.urgent_signs)
    # One-per-line lists are not split at their commas.
    assert "black, tarry stools" in urgent and "sores, ulcers, or white spots on the lips or in the mouth" in urgent
    assert urgent[-1] == "very slow breathing"
    assert len(record.side_effects) == 8
    assert [i.frequency for i in record.side_effects] == ["More common"] * 5 + ["Less common"] * 3
    assert not any("health care professional" in t for t in texts(record.side_effects))


def test_along_with_colons_frequency_data_has_body_systems():
    record = read_fixture("along_colons")
    assert [(i.title, i.text, i.frequency) for i in record.frequency_data] == [
        ("Gastrointestinal", "Nausea", "40%"),
        ("Gastrointestinal", "diarrhea", "22%"),
        ("Gastrointestinal", "vomiting", "up to 15%"),
        ("Gastrointestinal", "Dyspepsia", "Common (1% to 10%)"),
        ("Gastrointestinal", "dry mouth", "Common (1% to 10%)"),
        ("Hematologic", "Anemia", "18%"),
        ("Hematologic", "neutropenia", "12%"),
        ("Hematologic", "Pancytopenia", "Uncommon (0.1% to 1%)"),
        ("Dermatologic", "Rash", "Common (1% to 10%)"),
        ("Dermatologic", "pruritus", "Common (1% to 10%)"),
        ("Dermatologic", "alopecia", "Common (1% to 10%)"),
    ]


def test_along_with_runs_without_lists_are_split():
    record = read_fixture("along_runs")
    assert record.generic_name == "mirvaletide"  # the "[ pronunciation ]" is not part of the name
    assert record.brand_names == ["Mirvel", "Mirvel Pen"]
    (source,) = record.sources
    assert source.url == "https://www.drugs.com/sfx/mirvel-side-effects.html"
    assert source.last_reviewed == dt.date(2024, 3, 4)
    assert [(i.text, i.frequency) for i in record.urgent_signs] == [
        ("fever", "More common"),
        ("chills", "More common"),
        ("cough", "More common"),
        ("sore throat", "More common"),
        ("unusual tiredness", "More common"),
        ("hoarseness", "Less common"),
        ("lower back pain", "Less common"),
        ("painful urination", "Less common"),
        ("fainting", "Rare"),
        ("fast, pounding heartbeat", "Rare"),
        ("swelling of the face or tongue", "Rare"),
        ("rash", "Incidence not known"),
        ("itching", "Incidence not known"),
        ("hives", "Incidence not known"),
    ]
    assert [(i.text, i.frequency) for i in record.side_effects] == [
        ("redness at the injection site", "More common"),
        ("mild headache", "More common"),
        ("muscle aches", "More common"),
        ("hiccups", "Very rare"),  # a label outside the four known ones is kept as written
    ]
    # The Summary is a digest of the lists below, not more side effects.
    assert not any("injection site redness" in t for t in texts(record.side_effects + record.urgent_signs))
    assert [(i.title, i.text, i.frequency) for i in record.frequency_data] == [
        ("Local", "Injection site reaction", "31%"),
        (None, "Hiccups", "Frequency not reported"),
    ]


# --- boxed "Warning" and "Serious side effects of <Brand>" ------------------------------------


def test_boxed_warning_and_serious_side_effects():
    record = read_fixture("serious_boxed")
    assert record.generic_name == "zentomab" and record.brand_names == ["Zentra"]
    assert record.sources[0].last_reviewed == dt.date(2025, 1, 12)
    # A route line is never a title; the label's instruction to prescribers is a care-team note.
    assert [(i.title, i.text) for i in record.serious_warnings] == [
        (
            None,
            "Zentomab can cause serious liver injury, including deaths from liver failure. "
            "Stop zentomab if liver tests rise above five times normal.",
        ),
        (
            None,
            "Zentomab given before a stem cell transplant raised the risk of death after the transplant. "
            "Talk with the transplant team before each cycle.",
        ),
    ]
    assert texts(record.care_team_notes) == ["Check liver tests before every dose."]
    assert len(record.urgent_signs) == 8
    assert [i.frequency for i in record.urgent_signs] == ["More common"] * 5 + ["Less common"] * 2 + [
        "Incidence not known"
    ]
    assert texts(record.side_effects) == ["headache", "loss of appetite", "stomach upset"]
    assert len(record.frequency_data) == 5
    assert {i.title for i in record.frequency_data} == {"Hepatic", "General"}


# --- newest: "Important warnings", Precautions, "- " bullets, single newlines -----------------


def test_newest_layout():
    record = read_fixture("newest_important")
    assert record.generic_name == "quexitinib" and record.brand_names == ["Quexa"]
    (source,) = record.sources
    assert source.title == "Quexa Side Effects: Common, Severe, Long Term"
    assert source.last_reviewed == dt.date(2025, 9, 30)
    # The same warning repeated under a second route is one warning.
    assert [(i.title, i.text) for i in record.serious_warnings] == [
        (
            "Heart Rhythm Problems",
            "Quexitinib can change the rhythm of the heart. Get an ECG before the first dose and during treatment.",
        ),
        (None, "Quexitinib can harm an unborn baby. Use birth control during treatment."),
    ]
    assert [(i.text, i.frequency) for i in record.urgent_signs] == [
        ("dizziness", "More common"),
        ("fast, slow, or irregular heartbeat", "More common"),
        ("shortness of breath", "More common"),
        ("fainting", "Less common"),
        ("swelling of the ankles", "Less common"),
        ("seizures", "Rare"),
    ]
    assert texts(record.side_effects) == ["constipation", "dry skin"]
    assert len(record.reminders) == 3
    assert record.reminders[1].title == "Pregnancy"
    assert [(i.title, i.text, i.frequency) for i in record.frequency_data] == [
        ("Cardiovascular", "QT prolongation", "12%"),
        ("Cardiovascular", "bradycardia", "10%"),
        ("Cardiovascular", "Syncope", "Common (1% to 10%)"),
        ("Gastrointestinal", "Constipation", "21%"),
    ]


def test_important_warnings_run_into_the_next_sentence():
    text = (
        "Zentra Side Effects\nGeneric name: zentomab\n"
        "Important warningsZentomab can harm an unborn baby.Use birth control.\n"
        "Serious side effects of Zentra\n- fever\n"
    )
    record = drugscom.read(text, "p.txt")
    assert [(i.title, i.text) for i in record.serious_warnings] == [
        (None, "Zentomab can harm an unborn baby. Use birth control.")
    ]
    assert texts(record.urgent_signs) == ["fever"]


def test_warning_name_with_nothing_under_it_is_kept():
    text = "Zentra Side Effects\nGeneric name: zentomab\nWarning\nOral route (Tablet)\nSevere Liver Injury\n"
    record = drugscom.read(text, "p.txt")
    assert [(i.title, i.text) for i in record.serious_warnings] == [(None, "Severe Liver Injury")]


# --- oldest layout with body-system headings lost ---------------------------------------------


def test_headings_lost_layout():
    record = read_fixture("headings_lost")
    assert record.generic_name == "trelobantin"
    assert record.brand_names == ["Trelo"]  # the title names the generic, so only "Brand name:" gives a brand
    assert [(i.title, i.text) for i in record.urgent_signs] == [
        ("Signs of liver problems", "dark urine, tiredness, light-colored stools, or yellow skin or eyes."),
        ("Signs of kidney problems", "passing little or no urine, blood in the urine, or a big weight gain."),
        ("Signs of a severe skin reaction", "red or irritated eyes; blisters; peeling skin; or sores in the mouth."),
        (None, "Shortness of breath that is new or getting worse."),
        (None, "Bruising or bleeding that is not normal."),  # its bullet was lost: still urgent
    ]
    assert texts(record.side_effects) == ["Muscle aches.", "Changes in how food tastes.", "Dry mouth."]
    assert [(i.title, i.text, i.frequency) for i in record.frequency_data] == [
        (None, "Alanine aminotransferase increased", "25%"),
        (None, "aspartate aminotransferase increased", "19%"),
        (None, "Hyperbilirubinemia", "Common (1% to 10%)"),
        (None, "Acute kidney injury", "4%"),
        ("Dermatologic", "Rash", "16%"),
        ("Dermatologic", "pruritus", "11%"),
        (None, "Dysgeusia", "Frequency not reported"),
        (None, "myalgia (e.g., muscle aches, muscle cramps)", "Frequency not reported"),
    ]


# --- "Common side effects of X may include:": the ordinary list, not a frequency group ---------


def test_common_side_effects_lead_in_starts_the_ordinary_list():
    record = read_fixture("multum_common_lead")
    assert record.generic_name == "dravonib" and record.brand_names == ["Dravo"]
    assert [(i.title, i.text, i.frequency) for i in record.urgent_signs] == [
        (None, "Get emergency medical help if you have signs of an allergic reaction to dravonib: itchy welts; "
               "a tight throat; puffy lips or eyelids.", None),
        (None, "crushing pain in the chest", None),
        (None, "a seizure (convulsions)", None),
        (None, "green or grey stools", None),
        (None, "a heartbeat that races or skips.", None),
    ]
    assert [(i.text, i.frequency) for i in record.side_effects] == [
        ("headache", None), ("tiredness", None), ("a metal taste in the mouth.", None)
    ]
    everything = " ".join(texts(record.urgent_signs + record.side_effects))
    assert "may include" not in everything and "not a complete list" not in everything
    # The empty "• " between two professional lines is no line at all.
    assert [(i.title, i.text, i.frequency) for i in record.frequency_data] == [
        ("Nervous system", "Headache", "19%"), ("Nervous system", "Seizure", "Common (1% to 10%)")
    ]


@pytest.mark.parametrize(
    "lead",
    [
        "Common side effects of Dravo may include:",
        "Common side effects of Dravo include:",
        "Common Dravo side effects may include:",
        "Common side effects of Dravo",
        "Less serious side effects may include:",
    ],
)
def test_ordinary_lead_ins_after_the_urgent_list(lead):
    text = (
        "Dravo Side Effects\nGeneric name: dravonib\nSerious side effects of Dravo\n"
        f"Call your doctor at once if you have:\n- fainting\n{lead}\n- headache\n- tiredness\n"
    )
    record = drugscom.read(text, "p.txt")
    assert [(i.text, i.frequency) for i in record.urgent_signs] == [("fainting", None)]
    assert [(i.text, i.frequency) for i in record.side_effects] == [("headache", None), ("tiredness", None)]


def test_common_lead_in_with_its_symptoms_on_the_same_line():
    text = ("Dravo Side Effects\nGeneric name: dravonib\nSerious side effects of Dravo\n- fainting\n"
            "Common side effects of Dravo may include: headache, tiredness\n")
    record = drugscom.read(text, "p.txt")
    assert texts(record.urgent_signs) == ["fainting"]
    assert texts(record.side_effects) == ["headache, tiredness"]


def test_urgent_list_after_the_ordinary_one_is_urgent():
    text = (
        "Dravo Side Effects\nGeneric name: dravonib\nCommon side effects of Dravo may include:\n- headache\n"
        "Call your doctor at once if you have:\n- fainting\n"
        "Serious side effects of Dravo may include:\n- chest pain\n"
        "Stop using Dravo and call your doctor right away if you have any of these signs:\n- seizures\n"
    )
    record = drugscom.read(text, "p.txt")
    assert texts(record.side_effects) == ["headache"]
    assert texts(record.urgent_signs) == ["fainting", "chest pain", "seizures"]


def test_frequency_group_with_a_lead_in_keeps_no_lead_in_words():
    text = ("Quexa Side Effects\nGeneric name: quexitinib\nSerious side effects of Quexa\n"
            "Less common side effects of Quexa may include:\n- fainting\n"
            "Rare side effects of Quexa: seizures, coma\n")
    record = drugscom.read(text, "p.txt")
    assert [(i.text, i.frequency) for i in record.urgent_signs] == [
        ("fainting", "Less common"), ("seizures", "Rare"), ("coma", "Rare")
    ]


def test_an_urgent_instruction_sentence_is_an_urgent_sign_wherever_it_stands():
    text = (
        "Quexa Side Effects\nGeneric name: quexitinib\nPrecautions\n"
        "Check with your doctor right away if you have blurred vision or eye pain.\n"
        "- Keep all appointments.\n"
        "Other side effects of Quexa\n- dry skin\nCall 911 if you cannot breathe.\n- constipation\n"
    )
    record = drugscom.read(text, "p.txt")
    assert texts(record.urgent_signs) == [
        "Check with your doctor right away if you have blurred vision or eye pain.", "Call 911 if you cannot breathe."
    ]
    assert texts(record.reminders) == ["Keep all appointments."]  # the lines after it stay where they were
    assert texts(record.side_effects) == ["dry skin", "constipation"]


def test_nothing_under_an_urgent_heading_is_dropped_with_the_boilerplate_or_lead_ins():
    text = (
        "Quexa Side Effects\nGeneric name: quexitinib\nSerious side effects of Quexa\n"
        "This is not a complete list. Call your doctor at once for chest pain.\n"
        "Swelling of both legs that gets worse over a day or two and will not go down:\n"
        "- fever\n"
        "Severe belly pain:\n"
    )
    record = drugscom.read(text, "p.txt")
    assert texts(record.urgent_signs) == [
        "Call your doctor at once for chest pain.",
        "Swelling of both legs that gets worse over a day or two and will not go down:",
        "fever",
        "Severe belly pain",
    ]


def test_instruction_sentences_in_warnings_and_major_headings_with_signs_are_kept():
    text = (
        "Zentra Side Effects\nGeneric name: zentomab\nSummary\nCommon side effects of Zentra include: nausea.\n"
        "Other side effects of Zentra\n- dry skin\n"
        "Warning\nOral route (Tablet)\nLiver Injury\nZentomab can harm the liver.\n"
        "Call your doctor right away if you have yellow eyes.\nStop zentomab if liver tests rise.\n"
        "Major side effects include fainting and chest pain.\n- seizures\n"
    )
    record = drugscom.read(text, "p.txt")
    assert texts(record.side_effects) == ["dry skin"]  # the Summary's digest is not read as a list
    assert [(i.title, i.text) for i in record.serious_warnings] == [
        ("Liver Injury", "Zentomab can harm the liver."),
        ("Liver Injury", "Call your doctor right away if you have yellow eyes."),
        ("Liver Injury", "Stop zentomab if liver tests rise."),
    ]
    assert texts(record.urgent_signs) == ["Major side effects include fainting and chest pain.", "seizures"]


# --- empty bullets -------------------------------------------------------------------------------

EMPTY_BULLETS = ("•", "• ", "-", "- ", "*", "* ", "◦", "   ◦ ", "1.", "1. ", "\u00a0•\u00a0", "––")


def test_an_empty_bullet_in_the_professional_section_is_no_crash():
    text = ("Quexa Side Effects\nGeneric name: quexitinib\nFor healthcare professionals\nCardiovascular\n• \n"
            "- Very common (10% or more): QT prolongation (12%)\n")
    record = read_document_text(text)
    assert [(i.title, i.text) for i in record.frequency_data] == [("Cardiovascular", "QT prolongation")]


def read_document_text(text: str) -> DrugRecord:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.txt"
        path.write_text(text, encoding="utf-8")
        return read_document(path, "page.txt")


def _unnumbered(record: DrugRecord) -> dict:
    """The record as a dict, without the line numbers of its ignored blocks (inserted lines move them)."""
    data = record.to_dict()
    for block in data.get("ignored", []):
        block.pop("line")
    return data


def _with_bullets(text: str, inserts) -> str:
    lines = text.split("\n")
    for where, marker in inserts:
        lines.insert(where % (len(lines) + 1), marker)
    return "\n".join(lines)


@pytest.mark.parametrize("marker", EMPTY_BULLETS)
def test_empty_bullets_in_every_section_change_nothing(marker):
    for document in DOCUMENTS:
        padded = "\n".join(f"{line}\n{marker}" for line in document.split("\n"))
        assert drugscom.detect(padded)
        assert _unnumbered(drugscom.read(padded, "p.txt")) == _unnumbered(drugscom.read(document, "p.txt"))


# --- names and errors --------------------------------------------------------------------------


def test_title_gives_the_name_when_there_is_no_generic_line():
    text = "Zentomab Side Effects\n\nFor the Consumer\n\n" + OLD_QUESTION + "\n\n• Fainting.\n"
    record = drugscom.read(text, "p.txt")
    assert record.generic_name == "Zentomab" and record.brands == []
    assert texts(record.urgent_signs) == ["Fainting."]


def test_no_drug_name_is_an_input_error():
    text = "For the Consumer\n\n" + OLD_QUESTION + "\n\n• Fainting.\n"
    assert drugscom.detect(text)
    with pytest.raises(InputError) as caught:
        drugscom.read(text, "nameless.txt")
    assert caught.value.path == "nameless.txt"
    assert "Generic name" in caught.value.message


def test_generic_name_label_in_any_case_and_inline_brands():
    text = "Zentra Side Effects\nGENERIC NAME: zentomab Brand names: Zentra, Zentra Kit\nFor the Consumer\n"
    record = drugscom.read(text, "p.txt")
    assert record.generic_name == "zentomab"
    assert record.brand_names == ["Zentra", "Zentra Kit"]


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixtures_are_detected_and_dispatched(name):
    path = DRUGSCOM / f"{name}.txt"
    assert drugscom.detect(path.read_text(encoding="utf-8"))
    assert detect_reader(path.read_text(encoding="utf-8")) is drugscom
    record = read_document(path, f"{name}.txt")
    assert isinstance(record, DrugRecord) and record.sources[0].kind == "drugs.com"


def test_other_documents_are_not_detected():
    assert not drugscom.detect("")
    assert not drugscom.detect("Common Side Effects\n\n  • Headache\n")
    assert not drugscom.detect("blinatumomab\n\nBrand Name(s)\n\nWarning(s)\n")


# --- fuzzing -----------------------------------------------------------------------------------


def _documents() -> list[str]:
    docs = [(DRUGSCOM / f"{name}.txt").read_text(encoding="utf-8") for name in FIXTURE_NAMES]
    docs.extend(path.read_text(encoding="utf-8") for path in sorted((SHARED / "seeds").glob("000_*")))
    return docs


DOCUMENTS = _documents()


@st.composite
def mutated(draw) -> str:
    lines = draw(st.sampled_from(DOCUMENTS)).split("\n")
    for _ in range(draw(st.integers(0, 6))):
        index = draw(st.integers(0, max(len(lines) - 1, 0)))
        action = draw(st.sampled_from(("delete", "duplicate", "insert", "truncate", "bullet")))
        if not lines:
            break
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "bullet":
            lines.insert(index, draw(st.sampled_from(EMPTY_BULLETS)))
        elif action == "insert":
            line = lines[index]
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + draw(st.text(min_size=1, max_size=4)) + line[at:]
        else:
            lines = lines[: index + 1]
            lines[-1] = lines[-1][: draw(st.integers(0, len(lines[-1])))]
    return "\n".join(lines)


def _read_directly(text: str) -> None:
    if not drugscom.detect(text):
        return
    try:
        result = drugscom.read(text, "fuzz.txt")
    except InputError:
        return
    assert isinstance(result, DrugRecord) and result.generic_name


def _read_dispatched(text: str, folder: Path) -> None:
    path = folder / "page.txt"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        read_document(path, "page.txt")
    except InputError:
        pass


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text(max_size=400))
def test_fuzz_arbitrary_text(text):
    _read_directly(text)


@FUZZ
@given(mutated())
def test_fuzz_mutated_pages_directly(text):
    _read_directly(text)


@FUZZ
@given(st.one_of(mutated(), st.text(max_size=300)))
def test_fuzz_mutated_pages_dispatched(text):
    with tempfile.TemporaryDirectory() as folder:
        _read_dispatched(text, Path(folder))


LINES = sorted({line for doc in DOCUMENTS for line in doc.split("\n") if line.strip()} | set(EMPTY_BULLETS))


@FUZZ
@given(st.lists(st.sampled_from(LINES), max_size=30))
def test_fuzz_shuffled_page_lines(lines):
    _read_directly("\n".join(lines))


@FUZZ
@given(st.sampled_from(DOCUMENTS), st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(EMPTY_BULLETS)),
                                             min_size=1, max_size=12))
def test_fuzz_empty_bullets_anywhere_change_nothing(document, inserts):
    padded = _with_bullets(document, inserts)
    assert _unnumbered(drugscom.read(padded, "p.txt")) == _unnumbered(drugscom.read(document, "p.txt"))
