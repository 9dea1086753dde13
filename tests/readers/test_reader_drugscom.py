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

from ..helpers import EMPTY_BULLETS, FIXTURES, SHARED, seed, tiers, unaccounted

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


# --- issue 12: real pages read right ------------------------------------------------------------


def test_precautions_call_now_sentences_and_bullets_are_urgent():
    path = DRUGSCOM / "precautions_call_now.txt"
    record = drugscom.read(path.read_text(encoding="utf-8"), "p.txt")
    assert tiers(record) == {
        "serious_warnings": [],
        "urgent_signs": [
            (None, "swollen lymph glands", "More common"),
            (None, "yellowing of the skin", "More common"),
            # From Precautions prose: the call-now sentence with its symptoms; the rest stays a reminder.
            (None, "Check with your doctor right away if you think you are getting an infection or if you get a "
                   "fever or chills, a cough that will not stop, or pain when you pass urine.", None),
            # From "- " bullets.
            (None, "Check with your doctor right away if you notice any unusual bleeding or bruising, black or "
                   "tarry stools, or tiny red spots on the skin.", None),
            (None, "This medicine may cause infusion-related reactions, which can be life-threatening and require "
                   "immediate medical attention. Tell your doctor right away if you have a rash, itching, swelling "
                   "of the face, or trouble breathing during or after an infusion.", None),
            ("Pregnancy", "If you think you have become pregnant, tell your doctor right away.", None),
            # The symptoms under a call-now lead-in bullet follow it; the lead-in only led them.
            (None, "sudden chest pain", None),
            (None, "a pounding heartbeat", None),
            (None, "fainting spells", None),
        ],
        "side_effects": [(None, "thinning hair", "More common"), (None, "a dry mouth", "More common")],
        "reminders": [
            (None, "It is very important that your doctor checks your progress at regular visits. Blood tests may "
                   "be needed to check for unwanted effects.", None),
            (None, "Velmorastat can lower the number of white blood cells in your blood, which makes infections "
                   "more likely. Try to stay away from people who have infections.", None),
            ("Pregnancy", "Use a reliable form of birth control while you are receiving this medicine and for 3 "
                          "months after the last dose.", None),
            (None, "Do not get any vaccines without your doctor's approval.", None),
            (None, "Keep all of your appointments for blood tests.", None),
        ],
        "care_team_notes": [],
    }
    assert record.ignored == []
    assert unaccounted(path, record, {
        "Velmora Side Effects: Common, Severe, Long Term",
        "Medically reviewed by Drugs.com. Last updated on Oct 14, 2025.",
        "Precautions", "Serious side effects of Velmora", "Other side effects of Velmora",
        "More common side effects",
        "Along with its needed effects, velmorastat may cause some unwanted effects. Although not all of these "
        "side effects may occur, if they do occur they may need medical attention.",
        "Check with your doctor immediately if any of the following side effects occur while taking velmorastat:",
        "Some side effects of velmorastat may occur that usually do not need medical attention. These side effects "
        "may go away during treatment as your body adjusts to the medicine.",
        "- Tell your doctor right away if you have any of these symptoms:",
    }) == []


def test_a_page_whose_only_call_now_content_is_in_precautions_can_make_a_handout():
    text = ("Quexa Side Effects\nGeneric name: quexitinib\nPrecautions\n"
            "- Quexitinib can cause bleeding. Check with your doctor right away if you notice unusual bruising.\n"
            "- Do not drink grapefruit juice.\n")
    record = read_document_text(text)
    assert record.problems() == []
    assert tiers(record)["urgent_signs"] == [(None, "Check with your doctor right away if you notice unusual bruising.",
                                             None)]
    assert tiers(record)["reminders"] == [(None, "Quexitinib can cause bleeding.", None),
                                          (None, "Do not drink grapefruit juice.", None)]


def test_a_box_before_any_heading_is_a_boxed_warning():
    path = DRUGSCOM / "box_before_headings.txt"
    record = drugscom.read(path.read_text(encoding="utf-8"), "p.txt")
    assert tiers(record) == {
        "serious_warnings": [
            (None, "Orbenatinib can cause serious damage to the liver, and deaths have happened. Yellow eyes or skin, "
                   "dark urine or pain on the right side of the belly can be signs of it.", None),
            (None, "Orbenatinib may raise the risk of a tear in the bowel wall.", None),
        ],
        "urgent_signs": [(None, "severe stomach pain", None), (None, "vomit that looks like coffee grounds", None)],
        "side_effects": [(None, "tiredness", None), (None, "a change in taste", None)],
        "reminders": [],
        "care_team_notes": [],
    }
    # The prose after the box, before the first heading, is reported with its line, not dropped.
    assert [(b.line, b.what, b.source) for b in record.ignored] == [
        (8, "3 sentences before the first section", "p.txt")
    ]
    assert record.ignored[0].describe().startswith("line 8, 3 sentences before the first section: This page was")
    assert unaccounted(path, record, {
        "Skip to Content", "Oral route (Capsule)", "Medically reviewed by Drugs.com. Last updated on Jul 2, 2025.",
        "Serious side effects of Orbenza", "Call your doctor at once if you have:",
        "Common side effects of Orbenza may include:",
    }) == []


def test_prescriber_sentences_in_a_box_are_care_team_notes():
    path = DRUGSCOM / "prescriber_box.txt"
    record = drugscom.read(path.read_text(encoding="utf-8"), "p.txt")
    assert tiers(record) == {
        "serious_warnings": [
            ("Heart Rhythm Changes", "Heart rhythm changes and sudden death have happened in people who received "
                                     "halvetuzumab.", None),
            ("Hepatitis B Coming Back", "The hepatitis B virus can become active again and cause liver failure.",
             None),
            # Only prescriber sentences under this name: the name is kept as the warning, never dropped.
            (None, "Infusion Reactions", None),
        ],
        "urgent_signs": [(None, "a fast or pounding heartbeat", None), (None, "dark urine", None)],
        "side_effects": [(None, "headache", None)],
        "reminders": [],
        "care_team_notes": [
            ("Heart Rhythm Changes", "ECGs should be obtained before the first infusion and weekly during the first "
                                     "month. Monitor electrolytes and correct low potassium before each dose. Do "
                                     "not administer halvetuzumab to patients with a long QT interval.", None),
            ("Hepatitis B Coming Back", "Screen patients for HBV infection prior to treatment. Interrupt or "
                                        "discontinue halvetuzumab if hepatitis B becomes active again.", None),
            ("Infusion Reactions", "Premedicate with an antihistamine and a fever reducer. Provide supportive care "
                                   "as needed.", None),
        ],
    }
    assert record.ignored == []
    assert unaccounted(path, record, {
        "Medically reviewed by Drugs.com. Last updated on May 5, 2025.", "Warning",
        "Intravenous route (Powder for Solution)", "REMS:", "Serious side effects of Halvenza",
        "Tell your doctor right away if you have:", "Other side effects of Halvenza",
    }) == []


@pytest.mark.parametrize("sentence", [
    "Screen patients for HBV infection prior to treatment.",
    "Interrupt or discontinue the infusion for severe reactions.",
    "Do not administer to patients with an active infection.",
    "Provide supportive care as needed.",
    "ECGs should be obtained at baseline.",
    "Premedicate with a corticosteroid.",
    "Monitor liver tests before each dose.",
])
def test_each_prescriber_instruction_is_kept_off_the_page(sentence):
    text = f"Zentra Side Effects\nGeneric name: zentomab\nWarning\nLiver Injury\nZentomab can harm the liver. {sentence}\n"
    record = drugscom.read(text, "p.txt")
    assert tiers(record)["serious_warnings"] == [("Liver Injury", "Zentomab can harm the liver.", None)]
    assert tiers(record)["care_team_notes"] == [("Liver Injury", sentence, None)]


@pytest.mark.parametrize("sentence", [
    "In patients with liver disease, deaths have happened.",
    "Serious infections have happened in some patients.",
    "Get an ECG before the first dose.",
])
def test_statements_of_the_risk_are_not_prescriber_notes(sentence):
    text = f"Zentra Side Effects\nGeneric name: zentomab\nWarning\nLiver Injury\n{sentence}\n"
    record = drugscom.read(text, "p.txt")
    assert texts(record.serious_warnings) == [sentence] and record.care_team_notes == []


def test_patient_sentences_in_a_box_stay_on_the_page():
    text = ("Zentra Side Effects\nGeneric name: zentomab\nWarning\nLiver Injury\n"
            "Your doctor will monitor your liver tests. Call your doctor right away if your skin turns yellow.\n")
    record = drugscom.read(text, "p.txt")
    assert [i.text for i in record.serious_warnings] == [
        "Your doctor will monitor your liver tests. Call your doctor right away if your skin turns yellow."
    ]
    assert record.care_team_notes == []


def test_repeated_route_boxes_merge_and_a_route_is_never_a_title():
    path = DRUGSCOM / "repeated_route_boxes.txt"
    record = drugscom.read(path.read_text(encoding="utf-8"), "p.txt")
    assert tiers(record) == {
        "serious_warnings": [
            ("Severe Infections", "Tavorimab lowers the body's defense against germs. Serious and sometimes deadly "
                                  "infections have happened.", None),
            ("Brain Infection", "A rare brain infection that can cause death has happened.", None),
        ],
        # "Side effects include:" and "Serious reactions can happen." are boilerplate, never items.
        "urgent_signs": [(None, "fever that will not go away", None), (None, "a new cough", None)],
        "side_effects": [(None, "sore muscles", None)],
        "reminders": [],
        "care_team_notes": [],
    }
    assert record.ignored == []
    assert unaccounted(path, record, {
        "Medically reviewed by Drugs.com. Last updated on Feb 20, 2025.", "Warning", "Intravenous route (solution)",
        "Serious side effects of Tavoryx", "Side effects include:", "Serious reactions can happen.",
        "Other side effects of Tavoryx",
    }) == []


@pytest.mark.parametrize("lead", [
    "Along with its needed effects, zentomab may cause some unwanted effects.",
    "As well as its needed effects, zentomab may cause some unwanted effects.",
    "In addition to its needed effects, zentomab may cause some unwanted effects.",
])
def test_needed_effects_boilerplate_is_never_an_item(lead):
    text = (f"Zentra Side Effects\nGeneric name: zentomab\nFor the Consumer\n{lead}\n"
            "Check with your doctor immediately if any of the following side effects occur:\n- fainting\n"
            "Some side effects of zentomab may occur that usually do not need medical attention.\n- hiccups\n")
    record = drugscom.read(text, "p.txt")
    assert texts(record.urgent_signs) == ["fainting"]
    assert texts(record.side_effects) == ["hiccups"]


def test_run_together_text_is_mended_and_a_cut_off_end_is_reported():
    path = DRUGSCOM / "run_together.txt"
    record = drugscom.read(path.read_text(encoding="utf-8"), "p.txt")
    assert tiers(record) == {
        "serious_warnings": [
            # "SyndromeSwelling" and "patients.A higher" are split; the footnote digits "reported.1 2" are gone.
            ("Brain Swelling Syndrome", "Swelling of the brain that led to death has been reported. A higher risk "
                                        "was seen in older patients. A higher dose raised the risk further.", None),
            ("Nerve and Blood Problems", "Nerve damage and low blood counts were common.", None),
        ],
        "urgent_signs": [(None, "confusion or trouble speaking", None), (None, "weakness on one side of the body", None)],
        "side_effects": [(None, "loose stools", None)],
        "reminders": [(None, "Take corvantib at the same time each day.", None),
                      (None, "Your doctor will test your blood often during the first months of treatment.", None)],
        "care_team_notes": [],
    }
    assert [(b.line, b.what) for b in record.ignored] == [
        (20, "ends mid-sentence (the page may have been cut off)")
    ]
    assert record.ignored[0].text.endswith("and ask your hear")
    assert unaccounted(path, record, {
        "Medically reviewed by Drugs.com. Last updated on Aug 8, 2025.", "Important warnings", "Oral route (Tablet)",
        "Brain Swelling SyndromeSwelling of the brain that led to death has been reported.1 2 A higher risk was "
        "seen in older patients.A higher dose raised the risk further.",
        "Nerve and Blood ProblemsNerve damage and low blood counts were common.",
        "Precautions", "Serious side effects of Corvanta", "Other side effects of Corvanta",
        "For healthcare professionals", "Applies to corvantib: oral tablet.", "Nervous system",
        "- Very common (10% or more): Headache (14%)",
    }) == []


def test_a_cut_off_urgent_end_is_printed_and_reported():
    text = ("Quexa Side Effects\nGeneric name: quexitinib\nSerious side effects of Quexa\n"
            "- Fainting.\n- Chest pain that spreads to your arm or your ja")
    record = drugscom.read(text, "p.txt")
    assert texts(record.urgent_signs) == [
        "Fainting.", "Chest pain that spreads to your arm or your ja (text cut off in the source)"]
    assert [(b.line, b.what) for b in record.ignored] == [
        (5, "ends mid-sentence (the page may have been cut off); printed with '(text cut off in the source)' "
            "because it is urgent")
    ]


def test_everything_before_the_first_section_is_read_or_reported():
    text = ("Quexa Side Effects\nGeneric name: quexitinib\n\nThis text sits above every heading. It has two "
            "sentences.\nCall your doctor right away if you faint.\n\nSerious side effects of Quexa\n- seizures\n")
    record = drugscom.read(text, "p.txt")
    assert texts(record.urgent_signs) == ["Call your doctor right away if you faint.", "seizures"]
    assert [(b.line, b.what, b.text) for b in record.ignored] == [
        (4, "2 sentences before the first section", "This text sits above every heading. It has two sentences.")
    ]


@pytest.mark.parametrize("name", (*FIXTURE_NAMES, "precautions_call_now", "box_before_headings", "prescriber_box",
                                  "repeated_route_boxes", "run_together"))
def test_no_route_line_is_ever_a_title_or_an_item(name):
    record = read_fixture(name)
    for item in record.serious_warnings + record.urgent_signs + record.care_team_notes:
        assert "route (" not in (item.title or "").lower() and "route (" not in item.text.lower()


@pytest.mark.parametrize(("written", "mended"), [
    ("Multifocal LeukoencephalopathyFatal cases have happened.",
     ("Multifocal Leukoencephalopathy", "Fatal cases have happened.")),
    ("Cytokine release and neurologic toxicitiesCytokine release can be severe.",
     ("Cytokine release and neurologic toxicities", "Cytokine release can be severe.")),
])
def test_a_name_run_into_its_warning_is_split(written, mended):
    record = drugscom.read(f"Zentra Side Effects\nGeneric name: zentomab\nWarning\n{written}\n", "p.txt")
    assert [(i.title, i.text) for i in record.serious_warnings] == [mended]


def test_a_list_of_bare_signs_ending_the_page_is_not_cut_off():
    text = ("Quexa Side Effects\nGeneric name: quexitinib\nOther side effects of Quexa\n"
            "These side effects may be mild.\n- dry skin\n- loss of feeling in the hands and feet\n")
    record = drugscom.read(text, "p.txt")
    assert texts(record.side_effects) == [
        "These side effects may be mild.", "dry skin", "loss of feeling in the hands and feet"
    ]
    assert record.ignored == []


# --- who the numbers counted ------------------------------------------------------------------


def test_professional_section_says_who_the_numbers_counted():
    record = read_fixture("counted_group")
    assert record.studied is not None and record.studied.source.endswith("counted_group.txt")
    # "adult patients" in the page's words reads "adults"; what they had is the page's own.
    assert record.studied.text == "adults with relapsed imaginary gland cancer"
    # A second group is not printed: the reviewer is told, and its line stays in the report.
    assert any("more than one group" in note and "children with newly found" in note for note in record.notes)
    ignored = [i.text for i in record.ignored]
    assert any("pediatric patients" in text for text in ignored)
    assert not any("adult patients" in text for text in ignored)


@pytest.mark.parametrize("sentence, group", [
    ("The most common adverse reactions (20% or more) in adult patients with relapsed or refractory (R/R) B-cell "
     "precursor ALL were fever and headache.", "adults with relapsed or refractory (R/R) B-cell precursor ALL"),
    ("The most common adverse reactions (at least 20%) in patients with locally advanced, unresectable or metastatic "
     "bladder cancer were tiredness and rash.", "people with locally advanced, unresectable or metastatic bladder cancer"),
    ("The most commonly reported side effects in children with ALL were: fever, headache.", "children with ALL"),
    ("Side effects reported in 10% or more of patients who had relapsed ALL were fever and chills.",
     "people who had relapsed ALL"),
    # Not about who the numbers counted, or a group cut short: nothing rather than something wrong.
    ("Fatal adverse reactions occurred in patients with MDS and included sepsis.", None),
    ("Adverse reactions were more frequent in patients with moderate hepatic impairment.", None),
    ("The safety in pediatric patients with ALL has not been established in clinical trials.", None),
    ("In clinical trials of patients with CD22-positive ALL, complete remission was seen in 80%.", None),
    ("It is used to treat adult patients with ALL.", None),
    ("Call your doctor right away: the most common adverse reactions in patients with ALL were fever.", None),
])
def test_who_was_counted_only_from_a_sentence_that_says_so(sentence, group):
    record = DrugRecord("x")
    rest = drugscom._take_studied(f"{sentence} Fatal liver damage occurred in 2 patients.", "p", record)
    assert (record.studied.text if record.studied else None) == group
    # The line's other sentences are left to be reported, with the sentence itself when it is no group.
    assert rest == ("Fatal liver damage occurred in 2 patients." if group else f"{sentence} Fatal liver damage "
                    "occurred in 2 patients.")


def test_a_page_that_names_no_group_has_none():
    for name in FIXTURE_NAMES:
        assert read_fixture(name).studied is None, name
