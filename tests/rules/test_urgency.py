"""Call-now sentences are judged one at a time, the same in every reader (handouts/readers/urgency.py),
and a document is read or refused, never misread: issue 12, tried as a user runs the tool."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handouts.errors import InputError
from handouts.readers import read_document
from handouts.readers.text import item_key
from handouts.record import DrugRecord, Item
from handouts.rules import urgency

from ..helpers import FIXTURES, SHARED, UNKNOWN_FORMAT, invoke
from ..pdfread import text as pdf_text

# --- one sentence at a time ------------------------------------------------------------------------


@pytest.mark.parametrize("sentence", [
    "Check with your doctor right away if you think you are getting an infection.",
    "Check with your doctor right away if you notice any unusual bleeding or bruising.",
    "Tell your doctor right away if you have a rash.",
    "If you think you have become pregnant, tell your doctor right away.",
    "Call your care team immediately if you faint.",
    "Contact your nurse at once about a fever.",
    "Tell your doctor or get medical help right away if you have chest pain.",
    "Get emergency medical help if you have trouble breathing.",
    "Get immediate medical help for a seizure.",
    "Call 911 if you cannot breathe.",
    "This can be life-threatening and require immediate medical attention.",
    "If the pump alarms, call your nurse or doctor right away.",
    "Let your healthcare provider know right away about any swelling.",
    "Stop taking the pills and call my doctor at once, the sheet says.",
    "Seek medical attention immediately for a seizure.",
])
def test_call_now_sentences(sentence):
    assert urgency.is_call_now(sentence)


@pytest.mark.parametrize("sentence", [
    "Tell your doctor about all the medicines you take.",
    "Call your doctor if these side effects bother you or do not go away.",
    "Some side effects usually do not need immediate medical attention.",
    "Side effects not requiring immediate medical attention",
    "Advise patients to contact their healthcare provider immediately.",  # said to prescribers
    "Ask your doctor before any vaccine.",
    "The rash may go away on its own.",
    "What are some side effects that I need to call my doctor about right away?",  # a heading, not an instruction
])
def test_not_call_now_sentences(sentence):
    assert not urgency.is_call_now(sentence)


def test_an_item_splits_and_its_urgent_part_keeps_title_symptoms_and_frequency():
    item = Item("Use birth control during treatment. You may get a swollen leg. Call your doctor right away if it "
                "happens. Keep all visits.", "s.txt", "Pregnancy", "Rare")
    urgent, rest = urgency.split(item)
    # "if it happens" points back: the sentence naming the symptom goes with it.
    assert urgent == [Item("You may get a swollen leg. Call your doctor right away if it happens.", "s.txt",
                           "Pregnancy", "Rare")]
    assert rest == Item("Use birth control during treatment. Keep all visits.", "s.txt", "Pregnancy", "Rare")


@pytest.mark.parametrize(("text", "moved", "left"), [
    ("Keep all visits. Tell your doctor right away if you have the following. Fever, chills or a rash.",
     "Tell your doctor right away if you have the following. Fever, chills or a rash.", "Keep all visits."),
    ("Call your doctor at once if any of these happen. Fainting or a racing heart. Keep all visits.",
     "Call your doctor at once if any of these happen. Fainting or a racing heart.", "Keep all visits."),
    ("Wash your hands. Bleeding gums can happen. Call your nurse right away if this happens.",
     "Bleeding gums can happen. Call your nurse right away if this happens.", "Wash your hands."),
])
def test_an_urgent_part_takes_the_sentence_that_names_its_symptoms(text, moved, left):
    urgent, rest = urgency.split(Item(text, "s"))
    assert [i.text for i in urgent] == [moved] and rest.text == left


def test_settle_moves_only_call_now_sentences_and_never_loses_one():
    record = DrugRecord(
        generic_name="zentomab",
        reminders=[Item("Drink water. Call 911 if you cannot breathe.", "s"), Item("Keep all visits.", "s")],
        side_effects=[Item("Headache", "s")],
        how_it_works=Item("It blocks a protein. Tell your doctor immediately if your eyes turn yellow.", "s"),
    )
    urgency.settle(record)
    assert [i.text for i in record.urgent_signs] == [
        "Call 911 if you cannot breathe.", "Tell your doctor immediately if your eyes turn yellow."
    ]
    assert [i.text for i in record.reminders] == ["Drink water.", "Keep all visits."]
    assert record.how_it_works.text == "It blocks a protein."
    assert [i.text for i in record.side_effects] == ["Headache"]


# --- property: every call-now sentence of any reader's input ends in an urgent tier -----------------


def _bases() -> list[tuple[str, str, int]]:
    """(name, text, first line a sentence may go before) of documents in each raw format."""
    bases = []
    for folder, names in (
        ("drugscom", ("along_colons", "along_runs", "serious_boxed", "newest_important", "precautions_call_now",
                      "box_before_headings", "prescriber_box", "run_together")),
        ("sheet", ("quintarelin_no_bullets", "zentomab_sublists", "lorvaxib_no_intro", "mobravimab_intro_first")),
    ):
        for name in names:
            path = FIXTURES / folder / f"{name}.txt"
            bases.append((path.name, path.read_text(encoding="utf-8"), 1))
    for path in [FIXTURES / "cancergov" / "zentomab.md", *sorted((SHARED / "seeds").glob("00[012]_*"))]:
        text = path.read_text(encoding="utf-8")
        # After a cancer.gov page's front matter: a sentence inside it would be metadata, not the page.
        body = text.split("\n").index("---", 1) + 1 if text.startswith("---") else 1
        bases.append((path.name, text, body))
    return bases


BASES = _bases()
CALLS = ("Call your doctor right away", "Tell your care team immediately", "Check with your doctor at once",
         "Contact your nurse right away", "Get emergency medical help", "Call 911", "Get immediate medical help",
         "Tell your doctor or nurse right away")
SIGNS = ("blue lips", "a racing heart", "a sudden bad headache", "black stools", "a seizure", "a fever of 38 C")


@st.composite
def call_now_sentences(draw) -> str:
    call, sign = draw(st.sampled_from(CALLS)), draw(st.sampled_from(SIGNS))
    form = draw(st.sampled_from((
        "{call} if you have {sign}.",
        "If you have {sign}, {low}.",
        "You may get {sign}. {call} if this happens.",
    )))
    return form.format(call=call, low=call[0].lower() + call[1:], sign=sign)


PLAIN = ("Keep all visits.", "Drink plenty of water.", "Bleeding gums can happen.", "You may feel tired.",
         "Use birth control during treatment.", "Fever, chills or a rash.", "Ask before any vaccine.")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.one_of(st.sampled_from(PLAIN), call_now_sentences()), min_size=1, max_size=5),
                max_size=6),
       st.lists(st.sampled_from(("reminders", "side_effects", "uses")), min_size=6, max_size=6))
def test_settling_never_loses_a_sentence_and_leaves_no_call_now_one_behind(items, fields):
    record = DrugRecord(generic_name="zentomab")
    for parts, field in zip(items, fields):
        getattr(record, field).append(Item(" ".join(parts), "s", "A title"))
    before = sorted(p for parts in items for p in urgency.sentences(" ".join(parts)))
    urgency.settle(record)
    everything = record.urgent_signs + record.reminders + record.side_effects + record.uses
    after = [p for item in everything for p in urgency.sentences(item.text)]
    # The same sentences, each once (repeats of a whole urgent item are one item, as in merge).
    assert set(after) == set(before)
    assert all(item.title == "A title" for item in everything)
    for item in record.reminders + record.side_effects + record.uses:
        assert not urgency.has_call_now(item.text)


@st.composite
def documents_with_a_call_now_sentence(draw) -> tuple[str, str, str]:
    name, text, first = draw(st.sampled_from(BASES))
    lines = text.split("\n")
    sentence = draw(call_now_sentences())
    index = draw(st.integers(first, len(lines)))
    how = draw(st.sampled_from(("line", "bullet", "paragraph", "appended")))
    if how == "appended" and index < len(lines) and lines[index].rstrip().endswith("."):
        lines[index] = f"{lines[index].rstrip()} {sentence}"
    elif how == "bullet":
        lines.insert(index, f"- {sentence}")
    elif how == "paragraph" or name.endswith(".md"):
        lines[index:index] = ["", sentence, ""]
    else:
        lines.insert(index, sentence)
    return name, "\n".join(lines), sentence


def _urgent_text(record: DrugRecord) -> str:
    return " | ".join(item_key(f"{i.title or ''} {i.text}") for i in record.urgent_signs + record.serious_warnings)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents_with_a_call_now_sentence())
def test_every_call_now_sentence_ends_in_an_urgent_tier(case):
    name, text, sentence = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        try:
            document = read_document(path, name)
        except InputError as error:
            # Refusing the page, naming it, is allowed (a sign under "Brand Name(s)"); misreading it is not.
            assert error.path == name and "\n" not in error.message
            return
    assert isinstance(document, DrugRecord)
    for part in urgency.sentences(sentence):
        if urgency.is_call_now(part):
            assert item_key(part) in _urgent_text(document), (name, sentence)


def _documents() -> list[Path]:
    paths = [*sorted((FIXTURES / "drugscom").glob("*.txt")), *sorted((FIXTURES / "sheet").glob("*.txt")),
             *sorted((FIXTURES / "cancergov").glob("*.md"))]
    for folder in (SHARED / "seeds", SHARED / "corpus" / "nci"):
        paths.extend(sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else [])
    return paths


# The sheets' pointer to the list under it: it names no sign, and the list it points at is urgent.
POINTER = "Learn the symptoms below and call your care team right away if they happen."


def test_every_call_now_sentence_of_every_fixture_and_real_page_is_urgent():
    from handouts.readers.drugscom import _LEADS_A_LIST, _clean
    from handouts.readers.text import bullet_text

    checked = 0
    for path in _documents():
        try:
            document = read_document(path)
        except InputError:
            continue  # the fixtures of bad pages
        if not isinstance(document, DrugRecord):
            continue
        urgent = _urgent_text(document)
        for line in path.read_text(encoding="utf-8").split("\n"):
            for sentence in urgency.sentences(_clean(bullet_text(line) or line)):
                leads_a_list = sentence.endswith(":") or _LEADS_A_LIST.search(sentence)
                if urgency.is_call_now(sentence) and not leads_a_list and sentence != POINTER:
                    checked += 1
                    assert item_key(sentence) in urgent, (path.name, sentence)
    assert checked >= 7  # the fixtures alone hold seven: the test reads real sentences, not none


# --- a page no reader understands ---------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Notes from the pharmacy meeting\n\nWe talked about the new fridge.\n",
    "Pravonide\n\nBrand names: Pravox\n\nOften used for: a lymphoma\n\nPossible side effects\n\n- tiredness\n",
    "Zentomab\n\nCall your doctor right away if you have a fever.\n",
])
def test_a_page_no_reader_understands_is_an_unknown_format(tmp_path, text):
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_document(path, "page.txt")
    assert str(caught.value) == f"page.txt: {UNKNOWN_FORMAT}"


# --- through the command line, as a user runs it -----------------------------------------------------


def test_extract_shows_kind_items_per_tier_and_every_ignored_block():
    path = FIXTURES / "drugscom" / "box_before_headings.txt"
    result = invoke("extract", str(path))
    assert result.exit_code == 0
    head = result.stdout.split("\n")[:3]
    assert head[1] == ("# kind: drugs.com; items: serious_warnings 2, urgent_signs 2, side_effects 2, reminders 0, "
                       "uses 0, care_team_notes 0 (care_team_notes are never printed)")
    assert head[2].startswith("# ignored: line 8, 3 sentences before the first section: This page was put together")


def test_extract_save_reads_back_with_its_care_team_notes(tmp_path):
    source = tmp_path / "halvenza.txt"
    source.write_text((FIXTURES / "drugscom" / "prescriber_box.txt").read_text(encoding="utf-8"), encoding="utf-8")
    result = invoke("extract", "--save", str(source))
    assert result.exit_code == 0
    assert result.stdout.split("\n")[0] == f"saved {tmp_path / 'halvenza.yaml'}"
    assert "    kind: drugs.com; items: serious_warnings 3, urgent_signs 2" in result.stdout
    record = read_document(tmp_path / "halvenza.yaml")
    assert [i.title for i in record.care_team_notes] == [
        "Heart Rhythm Changes", "Hepatitis B Coming Back", "Infusion Reactions"
    ]
    assert record.care_team_notes[2].text.startswith("Premedicate")


def test_show_lists_care_team_notes_and_ignored_blocks_and_the_page_never_prints_them(make_workspace):
    root = make_workspace({
        "halvenza.txt": (FIXTURES / "drugscom" / "prescriber_box.txt").read_text(encoding="utf-8"),
        "orbenza.txt": (FIXTURES / "drugscom" / "box_before_headings.txt").read_text(encoding="utf-8"),
    })
    listing = invoke("list", "-w", str(root))
    assert listing.exit_code == 0
    assert "halvetuzumab (Halvenza)" in listing.stdout and "orbenatinib (Orbenza)" in listing.stdout
    assert "PROBLEM" not in listing.stdout

    shown = invoke("show", "-w", str(root), "Halvenza").stdout.split("\n")
    start = shown.index("  care_team_notes (3, for the care team; never printed):")
    assert shown[start + 3].startswith("    - Infusion Reactions: Premedicate with an antihistamine")
    orbenza = invoke("show", "-w", str(root), "orbenatinib").stdout
    assert "  ignored: line 8, 3 sentences before the first section: This page was put together" in orbenza

    built = invoke("build", "-w", str(root), "--strict", "Halvenza")
    assert built.exit_code == 0, built.stdout
    printed = re.sub(r"\s+", " ", pdf_text(root / "out" / "halvetuzumab.pdf"))
    assert "sudden death have happened" in printed  # the patient's statement of the risk is printed
    for words in ("Premedicate", "Screen patients", "ECGs should be obtained", "Provide supportive care",
                  "Do not administer", "Interrupt or discontinue"):
        assert words not in printed


def test_a_call_now_sentence_typed_among_a_yaml_records_reminders_is_printed_as_urgent(shipped_workspace):
    # The shipped blinatumomab record keeps "call your nurse or doctor right away" in a reminder; the
    # fitter leaves most reminders off that crowded page, and with them, before issue 12, that sentence.
    record = read_document(shipped_workspace / "sources" / "blinatumomab.yaml")
    pump = [i for i in record.urgent_signs if "pump alarms" in i.text]
    assert [(i.title, i.text) for i in pump] == [
        ("Pump and IV line", "If the pump alarms or something is wrong with the line, call your nurse or doctor "
                             "right away.")
    ]
    assert not any(urgency.has_call_now(i.text) for i in record.reminders)
    built = invoke("build", "-w", str(shipped_workspace), "--strict", "blinatumomab")
    assert built.exit_code == 0, built.stdout
    printed = re.sub(r"\s+", " ", pdf_text(shipped_workspace / "out" / "blinatumomab.pdf"))
    assert "If the pump alarms or something is wrong with the line, call your nurse or doctor right away." in printed
