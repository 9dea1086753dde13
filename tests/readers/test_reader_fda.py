"""FDA labels as a source: DailyMed SPL XML and openFDA JSON, mapped the same way into the record.

Fixtures under tests/fixtures/fda/ are fictional labels in our own words; the real files of
../shared/corpus/fda/ are read where that folder exists (skipped cleanly where it does not).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

from handouts.errors import InputError
from handouts.readers import detect, fdalabel, openfda, read_document, spl
from handouts.readers.text import item_key
from handouts.record import DrugRecord, Item, Skipped
from handouts.record.merge import merge
from handouts.rules.urgency import is_call_now

from ..helpers import FIXTURES, invoke
from ..pdfread import pages
from ..pdfread import text as pdf_text

FDA = FIXTURES / "fda"
PRESCRIBER_WORDS = re.compile(r"\b(?:Monitor|Withhold|Premedicate)\b")


@pytest.fixture
def corpus(fda_dir) -> Path:
    return fda_dir


def keys(items) -> list[str]:
    return [item_key(f"{it.title or ''} {it.text}") for it in items]


def words(items) -> str:
    """The items' words, a serious warning's signs with them (a condition's signs are urgent)."""
    return " ".join(f"{it.title or ''} {it.text} {' '.join(it.signs)}" for it in items).lower()


# ---- the mapping, on fictional labels ------------------------------------------------------------

@pytest.mark.parametrize("name", ["zentomab-medguide.xml", "zentomab.api-response.json"])
def test_medication_guide_sections_map_into_the_record(name):
    record = read_document(FDA / name)
    assert record.generic_name == "zentomab" and record.brand_names == ["Zentra"]
    assert keys(record.emergency_signs) == ["trouble breathing", "swelling of your lips or tongue", "fainting"]
    # A condition's signs are urgent: on the urgent signs, or under their condition's serious warning.
    urgent = words(record.urgent_signs) + " ".join(s for w in record.serious_warnings for s in w.signs).lower()
    assert "yellow skin or eyes" in urgent and "dark urine" in urgent
    assert any("fever of 100.4" in it.text for it in record.urgent_signs)
    assert "white blood cells" in words(record.serious_warnings)
    assert keys(record.side_effects) == ["tiredness", "upset stomach", "headache"]
    assert "pregnant" in words(record.reminders) and "live vaccines" in words(record.reminders)
    assert "have an infection now" not in words(record.reminders)  # a point for the doctor, reported
    assert record.description.text.startswith("ZENTRA is a prescription medicine")
    assert not record.professional_wording and record.problems() == []
    # Boilerplate is no item; storage and the boxed warning are reported, never silently dropped.
    assert "1-800-FDA-1088" not in words(record.side_effects + record.urgent_signs)
    ignored = " ".join(f"{b.what} {b.text}" for b in record.ignored)
    assert "refrigerator" in ignored and "boxed warning" in ignored and "adverse reactions" in ignored


def test_spl_and_openfda_readers_agree_on_the_same_label():
    xml, reply = read_document(FDA / "zentomab-medguide.xml"), read_document(FDA / "zentomab.api-response.json")
    for name in ("emergency_signs", "side_effects", "reminders"):
        assert keys(getattr(xml, name)) == keys(getattr(reply, name)), name
    assert xml.description == reply.description.__class__(reply.description.text, xml.description.source)
    # The XML keeps the list's name ("Liver problems") as a title; the flattened JSON cannot.
    assert set(words(reply.urgent_signs).replace(";", " ").split()) <= set(
        words(xml.urgent_signs).replace(";", " ").split())


def test_provenance_of_a_label():
    source = read_document(FDA / "zentomab-medguide.xml").sources[0]
    assert source.kind == "dailymed-spl" and source.publisher == "Example Biologics Inc."
    assert source.set_id == "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee" and source.version == "7"
    assert source.url == "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
    assert source.license == "public_domain" and source.last_reviewed.isoformat() == "2025-06-12"
    assert source.original_packager is True and source.prescription is True
    assert source.title == "ZENTRA (zentomab) injection, fictional label for tests"


def test_a_professional_only_label_is_marked_and_keeps_prescriber_orders_off_the_page():
    record = read_document(FDA / "oxaltinib.label.json")
    assert record.professional_wording
    assert record.problems() == ["written for prescribers: save a YAML record with "
                                 f"`handouts extract {FDA / 'oxaltinib.label.json'} --save` and put it in plain words"]
    assert "sudden death" in words(record.serious_warnings)
    assert not PRESCRIBER_WORDS.search(words(record.serious_warnings + record.uses))
    assert {n.text.split()[0] for n in record.care_team_notes} == {"Monitor", "Withhold", "Premedicate"}


def test_a_boxed_warning_no_patient_section_covers_marks_the_record(tmp_path):
    data = json.loads((FDA / "zentomab.api-response.json").read_text(encoding="utf-8"))
    guide = data["results"][0]["spl_medguide"][0]
    data["results"][0]["spl_medguide"] = [guide.replace("What is the most important information I should know "
                                                        "about ZENTRA? ", "")]
    path = tmp_path / "no-important.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    record = read_document(path)
    assert record.professional_wording and "white cell counts" in words(record.serious_warnings)
    assert keys(record.emergency_signs) == ["trouble breathing", "swelling of your lips or tongue", "fainting"]
    assert "Monitor blood counts weekly." in [n.text for n in record.care_team_notes]


def test_a_yaml_record_gives_the_patient_wording_and_lifts_the_refusal():
    raw = read_document(FDA / "oxaltinib.label.json")
    source = raw.sources[0].__class__(key="x.yaml", file="x.yaml", kind="yaml")
    copied = DrugRecord(generic_name="oxaltinib", serious_warnings=[raw.serious_warnings[0]], sources=[source])
    assert merge([raw, copied]).problems()[0].startswith("written for prescribers")  # saved, not reworded
    reworded = DrugRecord(generic_name="oxaltinib", sources=[source],
                          serious_warnings=[Item("This medicine can change your heart rhythm.", "x.yaml")])
    assert merge([raw, reworded]).problems() == []
    assert merge([raw]).problems()[0].startswith("written for prescribers")


def test_emergency_signs_are_a_field_of_the_yaml_record(tmp_path):
    path = tmp_path / "z.yaml"
    path.write_text("generic_name: zentomab\nemergency_signs:\n  - trouble breathing\n", encoding="utf-8")
    record = read_document(path)
    assert keys(record.emergency_signs) == ["trouble breathing"] and record.problems() == []


# ---- bad input: one line naming the file ----------------------------------------------------------

@pytest.mark.parametrize("name, message", [
    ("truncated.xml", "not well-formed XML"),
    ("entity-bomb.xml", "XML refused: EntitiesForbidden"),
    ("event-reply.json", "not an openFDA drug label"),
    ("not-a-label.zip", "a zip that is not an openFDA bulk part"),
])
def test_bad_label_files_are_one_line_errors(name, message):
    with pytest.raises(InputError) as caught:
        read_document(FDA / name)
    assert str(caught.value).startswith(str(FDA / name)) and message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_bad_label_files_in_a_workspace_exit_2_and_the_other_drugs_are_still_listed(tmp_path):
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    for name in ("truncated.xml", "entity-bomb.xml", "event-reply.json", "not-a-label.zip", "zentomab-medguide.xml"):
        shutil.copy(FDA / name, root / "sources" / name)
    result = invoke("list", "-w", str(root))
    assert result.exit_code == 2
    assert result.output.startswith("zentomab (Zentra)")
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 4 and all(f"sources/{n}" in result.output for n in ("truncated.xml", "entity-bomb.xml"))


# ---- several labels for one drug ------------------------------------------------------------------

def _variant(tmp_path: Path, name: str, **changes) -> Path:
    data = json.loads((FDA / "zentomab.api-response.json").read_text(encoding="utf-8"))
    record = data["results"][0]
    for key, value in changes.items():
        if key in ("is_original_packager", "manufacturer_name", "product_type"):
            record["openfda"][key] = [value]
        else:
            record[key] = value
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_makers_newest_prescription_label_is_chosen_and_list_and_show_say_so(tmp_path):
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    shutil.copy(FDA / "zentomab-medguide.xml", root / "sources" / "maker-2025-06.xml")
    _variant(root / "sources", "maker-2025-09.json")
    _variant(root / "sources", "repack-2026.json", is_original_packager=False, manufacturer_name="Repack Co",
             effective_time="20260101", set_id="12121212-3434-4565-8787-909090909090")
    listed = invoke("list", "-w", str(root)).output
    assert "label chosen: sources/maker-2025-09.json" in listed
    assert "label set aside: sources/repack-2026.json" in listed and "repackager" in listed
    assert "label set aside: sources/maker-2025-06.xml" in listed
    shown = invoke("show", "zentra", "-w", str(root)).output
    assert "label chosen: sources/maker-2025-09.json" in shown
    data = json.loads(invoke("show", "zentra", "--json", "-w", str(root)).output)
    assert [s["file"] for s in data["sources"]] == ["sources/maker-2025-09.json"]
    assert data["sources"][0]["set_id"] == "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"


def test_within_one_reply_the_chosen_label_notes_the_others(tmp_path):
    data = json.loads((FDA / "zentomab.api-response.json").read_text(encoding="utf-8"))
    other = json.loads(json.dumps(data["results"][0]))
    other["openfda"]["product_type"] = ["HUMAN OTC DRUG"]
    other["effective_time"] = "20270101"
    data["results"].insert(0, other)
    path = tmp_path / "two.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    record = read_document(path)
    assert record.sources[0].prescription is True
    assert any("not prescription" in n for n in record.notes)


# ---- zipped bulk parts ----------------------------------------------------------------------------

def _zip(path: Path, results: list[dict]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("drug-label-0001-of-0001.json", json.dumps({"meta": {}, "results": results}))
    return path


def test_a_zipped_part_of_one_drug_reads_as_its_chosen_label(tmp_path):
    results = json.loads((FDA / "zentomab.api-response.json").read_text(encoding="utf-8"))["results"]
    record = read_document(_zip(tmp_path / "part.json.zip", results * 3))
    assert isinstance(record, DrugRecord) and keys(record.emergency_signs)[0] == "trouble breathing"


def test_a_zipped_part_of_many_drugs_is_skipped_with_the_reason(tmp_path):
    zen = json.loads((FDA / "zentomab.api-response.json").read_text(encoding="utf-8"))["results"]
    ox = [json.loads((FDA / "oxaltinib.label.json").read_text(encoding="utf-8"))]
    document = read_document(_zip(tmp_path / "part.json.zip", zen + ox))
    assert isinstance(document, Skipped) and "2 drugs" in document.reason
    assert sum(1 for _ in openfda.iter_bulk(tmp_path / "part.json.zip")) == 2


def test_a_zip_holding_a_json_of_another_endpoint_is_an_error(tmp_path):
    event = json.loads((FDA / "event-reply.json").read_text(encoding="utf-8"))["results"]
    with pytest.raises(InputError, match="not an openFDA drug label"):
        read_document(_zip(tmp_path / "event.json.zip", event))


# ---- building --------------------------------------------------------------------------------------

def test_build_prints_the_emergency_tier_first_and_refuses_the_professional_label(tmp_path):
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    for name in ("zentomab.api-response.json", "oxaltinib.label.json"):
        shutil.copy(FDA / name, root / "sources" / name)
    result = invoke("build", "-w", str(root), "--strict")
    assert result.exit_code == 1
    assert ("FAILED oxaltinib: written for prescribers: save a YAML record with "
            "`handouts extract sources/oxaltinib.label.json --save` and put it in plain words") in result.output
    assert not (root / "out" / "oxaltinib.pdf").exists()
    pdf = root / "out" / "zentomab.pdf"
    assert pages(pdf) == 1
    page = pdf_text(pdf)
    upper = page.upper()
    urgent = upper.index("CALL YOUR CARE TEAM RIGHT AWAY")
    emergency = upper.index("CALL 911 OR GET EMERGENCY HELP RIGHT AWAY IF YOU HAVE:")
    # The emergency tier opens the urgent block, above "call your care team" and its signs.
    assert emergency < page.index("Trouble breathing") < urgent < page.index("Yellow skin or eyes")
    assert "Monitor" not in page and "Withhold" not in page


def test_extract_save_then_plain_words_lets_the_professional_label_build(tmp_path):
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    shutil.copy(FDA / "oxaltinib.label.json", root / "sources" / "oxaltinib.label.json")
    saved = invoke("extract", str(root / "sources" / "oxaltinib.label.json"), "--save")
    assert saved.exit_code == 0
    target = root / "sources" / "oxaltinib.label.yaml"
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    data["serious_warnings"] = [{"title": "Heart rhythm", "text": "This medicine can change your heart rhythm."}]
    data["urgent_signs"] = ["Fainting or a racing heartbeat"]
    target.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = invoke("build", "-w", str(root), "--strict")
    assert result.exit_code == 0, result.output
    page = pdf_text(root / "out" / "oxaltinib.pdf")
    assert "Fainting or a racing heartbeat" in page and "Monitor" not in page


# ---- the real FDA files -----------------------------------------------------------------------------

PATIENT_LABELS = ("spl/humira.xml", "spl/lipitor-orig.xml", "spl/lipitor-repack.xml", "spl/viagra.xml",
                  "openfda/humira.api-response.json", "openfda/naproxen.api-response.json",
                  "openfda/vyvanse.api-response.json", "openfda/ambien.api-response.json",
                  "openfda/humira.openfda-extraction-2014.json")
PROFESSIONAL_LABELS = ("spl/no-title.xml", "spl/cough.xml")


def test_every_label_of_the_corpus_is_read(corpus):
    names = sorted(str(p.relative_to(corpus)) for p in corpus.glob("*/*") if p.parent.name in ("spl", "openfda"))
    assert names == sorted(PATIENT_LABELS + PROFESSIONAL_LABELS)
    for name in PATIENT_LABELS:
        record = read_document(corpus / name)
        assert not record.professional_wording and record.problems() == [], name
        assert record.urgent_signs or record.emergency_signs or record.serious_warnings, name
        assert not PRESCRIBER_WORDS.search(words(record.serious_warnings + record.urgent_signs)), name
    for name in PROFESSIONAL_LABELS:
        assert read_document(corpus / name).problems()[0].startswith("written for prescribers"), name


def test_naproxen_medication_guide_lists_land_in_their_tiers(corpus):
    record = read_document(corpus / "openfda/naproxen.api-response.json")
    assert keys(record.emergency_signs) == ["shortness of breath or trouble breathing", "slurred speech", "chest pain",
                                            "swelling of the face or throat", "weakness in one part or side of your body"]
    assert "vomit blood" in keys(record.urgent_signs) and "flu like symptoms" in keys(record.urgent_signs)
    assert "constipation" in keys(record.side_effects)
    assert "heart failure" in words(record.serious_warnings)


def test_every_call_now_sentence_of_the_patient_sections_is_urgent(corpus):
    for name in PATIENT_LABELS:
        record = read_document(corpus / name)
        for field in ("side_effects", "reminders", "uses"):
            for item in getattr(record, field):
                assert not is_call_now(item.text), (name, field, item.text)


def test_spl_reader_agrees_with_openfdas_own_extraction_of_humira(corpus):
    """The oracle: openFDA's 2014 extraction of spl/humira.xml holds the same Medication Guide text."""
    label = spl.parse((corpus / "spl/humira.xml").read_text(encoding="utf-8"), "humira.xml")
    ours = set(item_key(next(s.text for s in label.sections if s.name == "spl_medguide")).split())
    oracle_data = json.loads((corpus / "openfda/humira.openfda-extraction-2014.json").read_text(encoding="utf-8"))
    theirs = set(item_key(" ".join(oracle_data["spl_medguide"])).split())
    assert len(ours & theirs) / len(ours | theirs) > 0.9
    xml, extraction = read_document(corpus / "spl/humira.xml"), read_document(
        corpus / "openfda/humira.openfda-extraction-2014.json")
    assert xml.generic_name.lower() == extraction.generic_name.lower() == "adalimumab"
    for record in (xml, extraction):
        urgent = words(record.emergency_signs + record.serious_warnings + record.urgent_signs)
        assert all(sign in urgent for sign in ("hives", "trouble breathing", "skin or eyes look yellow"))


def test_repackaged_lipitor_is_set_aside_for_the_makers_label(corpus, tmp_path):
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    for name in ("lipitor-orig.xml", "lipitor-repack.xml"):
        shutil.copy(corpus / "spl" / name, root / "sources" / name)
    listed = invoke("list", "-w", str(root)).output
    assert "label chosen: sources/lipitor-orig.xml" in listed
    assert "label set aside: sources/lipitor-repack.xml" in listed and "repackager" in listed


def test_a_corpus_medication_guide_builds_a_one_page_handout(corpus, tmp_path):
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    shutil.copy(corpus / "openfda/naproxen.api-response.json", root / "sources" / "naproxen.json")
    result = invoke("build", "-w", str(root), "--strict")
    assert result.exit_code == 0, result.output
    page = pdf_text(root / "out" / "naproxen.pdf")
    assert pages(root / "out" / "naproxen.pdf") == 1
    assert page.index("Slurred speech") < page.index("Vomit blood")
    # The emergency tier is urgent type: the fitter's floor holds for it as for the other urgent items.
    report = json.loads(invoke("check", "-w", str(root), "--json").output)
    sizes = {f["name"]: f["status"] for f in report["drugs"][0]["figures"]}
    assert sizes["smallest urgent type"] != "fail" and sizes["urgent block first (text)"] == "pass"


def test_the_reference_tables_name_the_sections_we_read(corpus):
    """sections.csv (LOINC code -> field) and the field reference agree with the readers' tables."""
    rows = list(csv.reader(io.StringIO((corpus / "reference/sections.csv").read_text(encoding="utf-8"))))
    table = {row[0]: re.sub(r"\W+", "_", row[1].lower().replace("&", "and")) for row in rows if len(row) > 1}
    for code, name in {**fdalabel.PATIENT_CODES, **fdalabel.PROFESSIONAL_CODES}.items():
        assert table.get(code) == name, (code, name, table.get(code))
    reference = (corpus / "reference/druglabel.yaml").read_text(encoding="utf-8")
    schema = json.loads((corpus / "reference/druglabel_schema.json").read_text(encoding="utf-8"))
    mapping = (corpus / "reference/spl_mapping.json").read_text(encoding="utf-8")
    for name in fdalabel.FIELD_CODES:
        assert f"{name}:" in reference and name in json.dumps(schema) and name in mapping, name


def test_professional_label_sections_of_the_corpus_are_refused(corpus):
    """The ~200 labels' professional sections (boxed warnings, warnings, adverse reactions), read as
    openFDA records: every one is marked professional wording, and no prescriber order is a warning."""
    fields = {"boxed warnings": "boxed_warning", "warnings and precautions": "warnings_and_cautions",
              "adverse reactions": "adverse_reactions"}
    labels: dict[str, dict] = {}
    for path in sorted((corpus / "label-sections").glob("*.json")):
        text = re.sub(r"\bNaN\b", "null", path.read_text(encoding="utf-8"))
        for row in json.loads(text):
            if not isinstance(row.get("section_text"), str):
                continue
            record = labels.setdefault(row["label_id"], {"openfda": {"generic_name": [row["label_id"]]}})
            record.setdefault(fields.get(row["section_name"], "warnings"), []).append(row["section_text"])
    assert len(labels) > 150
    for name, data in labels.items():
        record = openfda.record_of(data, f"{name}.json")
        assert record.professional_wording, name
        assert record.problems()[0].startswith("written for prescribers"), name
        for item in record.serious_warnings:
            assert not any(fdalabel.PRESCRIBER.search(s) for s in re.split(r"(?<=\.)\s+", item.text)), (name, item.text)


def test_detection_tells_the_label_formats_apart():
    assert detect((FDA / "zentomab-medguide.xml").read_text(encoding="utf-8")) is spl
    assert detect((FDA / "zentomab.api-response.json").read_text(encoding="utf-8")) is openfda
    assert detect("generic_name: x\nurgent_signs: [a]\n").KIND == "yaml"
