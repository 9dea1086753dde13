"""FDA patient sections read by their structure (readers/medguide.py): conditions with their signs and
action, tiers by what the label tells the patient to do, nothing for the prescriber on the page.

Fictional fixtures (tests/fixtures/fda/velotinib.*.json: the same label as openFDA markup and as
flattened text only) pin every pattern handled; the real oncology labels of ../shared/corpus/fda
are checked as a whole (skipped where that folder is absent) and against hand-written answer keys.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from handouts.cli import cli
from handouts.pdf.readback import inspect
from handouts.readers import fdalabel, medguide, openfda, read_document
from handouts.readers.text import item_key
from handouts.record import DrugRecord, Item
from handouts.record.merge import merge
from handouts.rules.urgency import is_call_now

from ..conftest import FIXTURES
from ..pdfread import pages
from ..pdfread import text as pdf_text

FDA = FIXTURES / "fda"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def keys(items) -> list[str]:
    return [item_key(it.text) for it in items]


def signs_of(record: DrugRecord) -> dict[str, list[str]]:
    return {w.title: [item_key(s) for s in w.signs] for w in record.serious_warnings if w.title}


# ---- the fictional label, as markup and as flattened text ---------------------------------------

@pytest.mark.parametrize("name", ["velotinib.table.json", "velotinib.flat.json"])
def test_each_condition_is_one_warning_with_its_name_text_signs_and_action(name):
    record = read_document(FDA / name)
    lung, neutropenia = record.serious_warnings
    assert lung.title == "Lung problems (pneumonitis)"
    assert lung.text == "VELORA may cause inflammation of the lungs that can lead to death."
    assert lung.signs == ["Trouble breathing or shortness of breath", "Cough with or without mucus", "Chest pain"]
    assert lung.action == "Tell your healthcare provider right away"
    assert neutropenia.title == "Low white blood cell counts (neutropenia)" and neutropenia.signs == []
    # A call-now sentence with no list of its own is an urgent sign under its condition's name.
    assert [(u.title, u.text) for u in record.urgent_signs] == [
        ("Low white blood cell counts (neutropenia)", "Tell your healthcare provider right away if you have a fever or chills."),
        (None, "If you become pregnant, tell your healthcare provider right away."),
    ]


@pytest.mark.parametrize("name", ["velotinib.table.json", "velotinib.flat.json"])
def test_tiers_follow_what_the_label_tells_the_patient_to_do(name):
    record = read_document(FDA / name)
    assert keys(record.emergency_signs) == ["swelling of your face or throat", "fainting"]
    assert keys(record.side_effects) == ["tiredness", "nausea", "rash"]
    # Monitoring is the care team's, never urgent, never on the page.
    assert keys(record.care_team_notes) == ["your healthcare provider will do blood tests before and during treatment"]
    reminders = " ".join(f"{r.title} {r.text}" for r in record.reminders)
    assert "Take VELORA with food." in reminders and "If you miss a dose, skip it." in reminders
    assert "It is not known if VELORA passes into your breast milk." in reminders
    # The uses keep "It is not known if" whole: the description never says the drug is safe in children.
    assert record.description.text == "VELORA is a prescription medicine used to treat adults with a fictional lung cancer."
    assert [u.text for u in record.uses] == ["It is not known if VELORA is safe and effective in children."]
    # What no field takes is reported, never dropped: storage, the "before taking" point for the doctor.
    ignored = " ".join(i.text for i in record.ignored)
    assert "Store VELORA at room temperature." in ignored and "have liver problems." in ignored


@pytest.mark.parametrize("name", ["velotinib.table.json", "velotinib.flat.json"])
def test_no_cross_reference_is_an_item_or_part_of_one(name):
    record = read_document(FDA / name)
    for field in ("serious_warnings", "urgent_signs", "emergency_signs", "side_effects", "reminders", "uses",
                  "care_team_notes"):
        for item in getattr(record, field):
            assert not DANGLING.search(f"{item.title or ''} {item.text} {' '.join(item.signs)}"), (field, item)


def test_markup_and_flattened_text_give_the_same_record():
    table, flat = read_document(FDA / "velotinib.table.json"), read_document(FDA / "velotinib.flat.json")
    for field in ("serious_warnings", "urgent_signs", "emergency_signs", "side_effects", "reminders", "uses",
                  "care_team_notes"):
        assert [(i.title, i.text, i.signs, i.action) for i in getattr(table, field)] == \
               [(i.title, i.text, i.signs, i.action) for i in getattr(flat, field)], field


def test_a_condition_prints_its_signs_as_a_list_under_its_name(make_workspace):
    root = make_workspace({"velotinib.json": (FDA / "velotinib.table.json").read_text(encoding="utf-8")})
    result = run("build", "-w", str(root), "--strict")
    assert result.exit_code == 0, result.output
    pdf = root / "out" / "velotinib.pdf"
    assert pages(pdf) == 1
    page = pdf_text(pdf)
    at = page.index("Lung problems (pneumonitis):")
    assert at < page.index("Tell your healthcare provider right away if you have:") < page.index(
        "Trouble breathing or shortness of breath") < page.index("Chest pain")
    assert "blood tests before and during" not in page  # a care-team note


def test_signs_and_action_round_trip_through_a_yaml_record(tmp_path, make_workspace):
    root = make_workspace({"velotinib.json": (FDA / "velotinib.table.json").read_text(encoding="utf-8")})
    saved = run("extract", str(root / "sources" / "velotinib.json"), "--save")
    assert saved.exit_code == 0, saved.output
    text = (root / "sources" / "velotinib.yaml").read_text(encoding="utf-8")
    assert "signs:" in text and "action: Tell your healthcare provider right away" in text
    record = read_document(root / "sources" / "velotinib.yaml")
    assert record.serious_warnings[0].signs[0] == "Trouble breathing or shortness of breath"


def test_a_yaml_signs_part_that_is_not_a_list_is_one_line(make_workspace):
    root = make_workspace({"x.yaml": "generic_name: x\nserious_warnings:\n  - title: Liver\n    text: Liver harm.\n"
                                     "    signs: yellow skin\nurgent_signs: [Fever]\n"})
    result = run("build", "-w", str(root))
    assert result.exit_code != 0
    assert "serious_warnings.signs must be a list" in result.output and "Traceback" not in result.output


def test_merge_keeps_one_warning_per_condition():
    label = read_document(FDA / "velotinib.table.json")
    sheet = DrugRecord("velotinib", serious_warnings=[
        Item("Velotinib can cause lung problems.", "sheet.yaml", "Lung problems (pneumonitis)"),
        Item("Velotinib can harm the heart.", "sheet.yaml", "Heart problems")])
    merged = merge([label, sheet])
    titles = [w.title for w in merged.serious_warnings]
    assert titles.count("Lung problems (pneumonitis)") == 1 and "Heart problems" in titles
    lung = next(w for w in merged.serious_warnings if w.title == "Lung problems (pneumonitis)")
    assert lung.signs and lung.action


# ---- the real oncology labels ---------------------------------------------------------------------

# A cross-reference to a part of the same guide, whole or cut: 'See "What is ...?"', 'See "', '(see below)'.
# ('See the detailed "Instructions for Use" that comes with X' points the patient to another leaflet.)
DANGLING = re.compile(r"\bsee\s+(?:the\s+)?(?:section\s+)?[\"“]\s*(?:what|how|who|general)|\bsee\s*[\"“]?\s*$"
                      r"|\(see\s*(?:[\"“]|below|above)|^\(?see\s+(?:below|above)\b", re.I)
_PATIENT = tuple(fdalabel.PATIENT_CODES.values())
# Words a piece of a sentence cannot end with: "It is not known if." was one.
_TRAILING = re.compile(r"\b(?:if|that|whether|the|a|an|your)\.?$", re.I)


@pytest.fixture
def oncology(fda_dir) -> Path:
    path = fda_dir / "oncology"
    if not path.is_dir():
        pytest.skip(f"no oncology labels at {path}")
    return path


def label_json(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["results"][0] if "results" in data else data


def patient_text(label: dict) -> str:
    return " ".join(" ".join(label.get(name) or []) for name in _PATIENT)


def patient_labels(folder: Path) -> list[Path]:
    return [p for p in sorted(folder.glob("*.json")) if patient_text(label_json(p)).strip()]


def fold(text: str) -> str:
    text = re.sub(r"\s+([.,;:)])", r"\1", text.replace("\u00a0", " "))
    return re.sub(r"\s+", " ", text).strip().lower()


def printed_pieces(record: DrugRecord):
    """(field, piece) for each item of a printed field, split where the reader joined points; none
    for a record refused as written for prescribers (its boxed warning is never printed)."""
    if record.professional_wording:
        return
    for field in ("serious_warnings", "emergency_signs", "urgent_signs", "side_effects", "reminders"):
        for item in getattr(record, field):
            for piece in re.split(r"(?<=:) |; ", item.text):
                yield field, piece
            for sign in item.signs:
                yield field, sign


def test_every_oncology_label_builds_one_page_or_fails_in_one_named_line(oncology, tmp_path):
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    for path in oncology.glob("*.json"):
        shutil.copy(path, root / "sources" / path.name)
    result = CliRunner().invoke(cli, ["build", "-w", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    # "built out/x.pdf (type at 90%) (left out: ...)"
    built = {Path(line.split(" ")[1]).name for line in lines if line.startswith("built ")}
    for pdf in built:
        assert pages(root / "out" / pdf) == 1, pdf
    for path in oncology.glob("*.json"):
        record = read_document(path)
        failed = [line for line in lines if line.startswith(f"FAILED {record.generic_name}: ")]
        made = any(name.startswith(record.generic_name.split()[0].lower()) for name in built)
        assert made or len(failed) == 1, (path.name, record.generic_name)
        if not patient_text(label_json(path)).strip():
            assert failed and "written for prescribers" in failed[0], path.name  # refused in one line
        if failed and "do not fit" in failed[0]:
            assert "next: handouts extract" in failed[0] and "--save" in failed[0], failed[0]


def label_words(path: Path) -> str:
    """The label's patient text as the label structures it: its flattened text, and its markup's
    paragraphs and list items (openFDA's *_table), each a unit of its own ("•" between them)."""
    data = label_json(path)
    label = openfda.label_of(data, path.name)
    units = [f"{b.title}. {b.text}" if b.title else b.text for s in label.sections if s.name in _PATIENT
             for b in s.blocks]
    return fold(medguide.SEE.sub(" ", patient_text(data))) + " • " + fold(" • ".join(units))


def test_no_printed_item_starts_or_ends_inside_a_label_sentence(oncology):
    for path in patient_labels(oncology):
        label = label_words(path)
        record = read_document(path)
        for field, piece in printed_pieces(record):
            words = fold(piece).rstrip(".;,:")
            if len(words.split()) < 2 or "its label lists" in words:
                continue
            assert words in label, (path.name, field, piece)
            starts = [label[:m.start()].rstrip() for m in re.finditer(re.escape(words), label)]
            assert any(not b or b[-1] in ".:?•;,)" or b.endswith((" o", "®", "™")) for b in starts), (
                path.name, field, piece)
            assert piece.rstrip().endswith(":") or not _TRAILING.search(words), (path.name, field, piece)


def test_no_item_is_a_dangling_cross_reference(oncology):
    for path in patient_labels(oncology):
        record = read_document(path)
        for field, piece in printed_pieces(record):
            assert not DANGLING.search(piece) and piece.strip() not in ("See", "(see"), (path.name, field, piece)


_COMMON_LIST = re.compile(r"\bmost common side effects of [^:.]{1,120}?include:?(.{1,900}?)(?=These are not all|"
                          r"Tell your|Call your|What |How |$)", re.I)


def test_no_most_common_side_effect_is_urgent_unless_the_label_says_to_call_for_it(oncology):
    for path in patient_labels(oncology):
        text = patient_text(label_json(path))
        common = {item_key(p) for m in _COMMON_LIST.finditer(text)
                  for p in re.split(r"\s*[•,]\s*|\s+o\s+", m.group(1)) if 1 <= len(p.split()) <= 6}
        spans = [m.span(1) for m in _COMMON_LIST.finditer(text)]
        outside = item_key("".join(c for n, c in enumerate(text) if not any(a <= n < b for a, b in spans)))
        record = read_document(path)
        urgent = [*record.urgent_signs, *record.emergency_signs]
        signs = [s for w in record.serious_warnings for s in w.signs]
        for key in [item_key(i.text) for i in urgent] + [item_key(s) for s in signs]:
            if key in common:
                # Listed among the common effects and urgent: only where the label says it outside that
                # list too (Ibrance's "Call ... right away if you develop: o dizziness ...").
                assert key in outside, (path.name, key)


def test_no_urgent_item_begins_with_a_prescriber_instruction(oncology):
    for path in patient_labels(oncology):
        record = read_document(path)
        for item in [*record.urgent_signs, *record.emergency_signs, *record.serious_warnings]:
            assert not fdalabel.PRESCRIBER.search(item.text), (path.name, item.text)
            assert not medguide.CARE_TEAM.search(item.text) or is_call_now(item.text), (path.name, item.text)


# ---- answer keys, written by hand from the labels ---------------------------------------------------

KEYS = {
    # Ibrance (palbociclib), Patient Information, September 2019.
    "NDA207103.json": {
        "emergency": ["If you take too much IBRANCE, call your healthcare provider right away or go to the "
                      "nearest hospital emergency room."],
        "conditions": {"Lung problems (pneumonitis)": ["trouble breathing or shortness of breath",
                                                       "cough with or without mucus", "chest pain"]},
        "urgent": ["Tell your healthcare provider right away if you have signs and symptoms of low white blood "
                   "cell counts or infections such as fever and chills.", "dizziness", "shortness of breath",
                   "weakness", "bleeding or bruising more easily", "nosebleeds"],
        "common": ["tiredness", "nausea", "sore mouth", "abnormalities in liver blood tests", "diarrhea",
                   "hair thinning or hair loss", "vomiting", "rash", "loss of appetite"],
        "not_known": ["It is not known if IBRANCE is safe and effective in children.",
                      "It is not known if IBRANCE passes into your breast milk."],
    },
    # Lumakras (sotorasib), Patient Information.
    "NDA214665.json": {
        "emergency": ["Tell your healthcare provider or get emergency medical help right away if you have new or "
                      "worsening shortness of breath, cough, or fever."],
        "conditions": {"Liver problems": [
            "your skin or the white part of your eyes turns yellow (jaundice)", 'dark or "tea-colored" urine',
            "light-colored stools (bowel movements)", "tiredness or weakness", "nausea or vomiting",
            "bleeding or bruising", "loss of appetite",
            "pain, aching, or tenderness on the right side of your stomach-area (abdomen)"]},
        "urgent": [],
        "common": ["diarrhea", "muscle or bone pain", "nausea", "tiredness", "cough"],
        "not_known": ["It is not known if LUMAKRAS is safe and effective in children.",
                      "It is not known if LUMAKRAS will harm your unborn baby.",
                      "It is not known if LUMAKRAS passes into your breast milk."],
    },
    # Rezlidhia (olutasidenib), Medication Guide: "Call your healthcare provider or go to the nearest
    # hospital emergency room right away if you develop any of the following symptoms ...:" is the emergency tier.
    "NDA215814.json": {
        "emergency": ["fever", "cough", "trouble breathing", "decreased urination", "dizziness or lightheadedness",
                      "weight gain", "swelling of your arms or legs"],
        "conditions": {"Liver problems": [
            "yellowing of your skin or the white part of your eyes (jaundice)", "dark “tea-colored” urine",
            "loss of appetite", "pain on the upper right side of your stomach area", "feeling very tired or weak"]},
        "urgent": [],
        "common": ["abnormal liver function tests", "nausea", "feeling tired or unwell", "joint pain", "constipation",
                   "rash", "mouth sores", "diarrhea"],
        "not_known": ["It is not known if REZLIDHIA is safe and effective in children.",
                      "It is not known if REZLIDHIA passes into your breast milk."],
    },
    # Xospata (gilteritinib), Medication Guide: differentiation syndrome's list says "go to the nearest
    # hospital emergency room"; the other conditions give one call-now sentence each.
    "NDA211349.json": {
        "emergency": ["fever", "cough", "trouble breathing", "rash", "dizziness or lightheadedness", "rapid weight gain",
                      "swelling of your arms or legs", "decreased urination"],
        "conditions": {},
        "urgent": ["Tell your healthcare provider right away if you become pregnant or think you may be pregnant "
                   "during treatment with XOSPATA.",
                   "Tell your healthcare provider right away if you have a seizure or quickly worsening symptoms such "
                   "as headache, decreased alertness, confusion, reduced eyesight, blurred vision, or other visual "
                   "problems.",
                   "Tell your healthcare provider right away if you feel dizzy, lightheaded, or faint.",
                   "Tell your healthcare provider right away if you have severe stomach (abdomen) pain that does not "
                   "go away."],
        "common": ["changes in liver function tests", "joint or muscle pain", "tiredness",
                   "pain or sores in mouth or throat", "diarrhea", "nausea", "constipation", "eye problems",
                   "headache", "low blood pressure", "vomiting"],
        "not_known": ["It is not known if XOSPATA is safe and effective in children.",
                      "It is not known if XOSPATA passes into your breast milk."],
    },
    # Blincyto (blinatumomab), Medication Guide, 6/2023: "Call your healthcare provider or get emergency
    # medical help right away if you get any of the symptoms listed below." stands over the conditions.
    "BLA125557.json": {
        "emergency": [],
        "conditions": {
            "Cytokine Release Syndrome (CRS) and Infusion Reactions": [
                "fever", "tiredness or weakness", "dizziness", "headache", "low blood pressure", "nausea", "vomiting",
                "chills", "face swelling", "wheezing or trouble breathing", "skin rash"],
            "Neurologic problems": [
                "seizures", "difficulty in speaking or slurred speech", "loss of consciousness", "trouble sleeping",
                "confusion and disorientation", "loss of balance", "headache",
                "difficulty with facial movements, hearing, vision, or swallowing", "tremors"],
            "Tumor Lysis Syndrome (TLS)": [
                "nausea and vomiting", "confusion", "shortness of breath", "irregular heartbeat",
                "dark or cloudy urine", "reduced amount of urine", "unusual tiredness", "muscle cramps"]},
        "urgent": ["Tell your healthcare provider right away if you develop any signs or symptoms of an infection.",
                   "Tell your healthcare provider right away if you get a fever.",
                   "Tell your healthcare provider right away if you have severe stomach-area pain that does not go "
                   "away."],
        "common": ["infections", "headache", "low red blood cell count (anemia)",
                   "low white blood cell count (neutropenia)", "low platelet count (thrombocytopenia)"],
        "not_known": ["It is not known if BLINCYTO passes into your breast milk."],
        "action": {"Cytokine Release Syndrome (CRS) and Infusion Reactions":
                   "Call your healthcare provider or get emergency medical help right away"},
    },
}


@pytest.mark.parametrize("name", sorted(KEYS))
def test_answer_keys_against_show_json_and_the_built_page(name, oncology, tmp_path):
    key = KEYS[name]
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    shutil.copy(oncology / name, root / "sources" / name)
    drug = read_document(oncology / name).generic_name
    shown = json.loads(run("show", drug, "-w", str(root), "--json").output)["record"]
    emergency = [item_key(i["text"]) for i in shown.get("emergency_signs", [])]
    urgent = [item_key(i["text"]) for i in shown.get("urgent_signs", [])]
    conditions = {w["title"]: [item_key(s) for s in w.get("signs", [])]
                  for w in shown.get("serious_warnings", []) if w.get("title")}
    assert emergency == [item_key(t) for t in key["emergency"]]
    for title, signs in key["conditions"].items():
        assert conditions[title] == [item_key(s) for s in signs], title
    actions = {w["title"]: w.get("action") for w in shown.get("serious_warnings", []) if w.get("title")}
    for title, action in key.get("action", {}).items():
        assert actions[title] == action, title
    assert [item_key(t) for t in key["urgent"]] == [u for u in urgent if u in {item_key(t) for t in key["urgent"]}]
    assert set(item_key(t) for t in key["urgent"]) <= set(urgent)
    common = [item_key(i["text"]) for i in shown.get("side_effects", [])]
    assert set(item_key(t) for t in key["common"]) <= set(common)
    assert not set(item_key(t) for t in key["common"]) & set(urgent + emergency)
    whole = json.dumps(shown)
    for sentence in key["not_known"]:
        assert sentence in whole, sentence
    result = run("build", "-w", str(root), "--strict")
    assert result.exit_code == 0, result.output
    # The structure tree's order: signs in two columns read one after the other, as a screen reader does.
    page = fold(inspect(root / "out" / f"{drug}.pdf").tagged_text)
    for text in key["emergency"] + key["urgent"] + [s for signs in key["conditions"].values() for s in signs]:
        assert fold(text) in page, text
    for sentence in key["not_known"]:
        rest = fold(sentence)[len("it is not known if "):]
        # Printed or not, never without its first words.
        assert rest not in page or fold(sentence) in page, sentence
