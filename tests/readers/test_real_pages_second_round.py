"""Real pages, second round (issue 29): what lands in the urgent box, and what builds when it should not.

Each fixture is made up in the pattern of a real page: an AHFS-style box with prescriber orders, program
text and a "Side effects include" list; the early layout with "Severity: Major" and "With high doses";
a page whose only warning is a boxed warning in professional prose; one box repeated per route, each
naming the drug its own way; a patient sheet with neither a name line nor a "Brand Name(s)" block."""

from __future__ import annotations

import pytest

from handouts.readers import drugscom, read_document, sheet
from handouts.rules import urgency

from ..helpers import FIXTURES, NO_SIGNS, invoke, tiers, unaccounted

DRUGSCOM = FIXTURES / "drugscom"
SHEETS = FIXTURES / "sheet"
CRS = "Cytokine Release Syndrome and Neurologic Toxicities"


def read(path):
    return read_document(path)


def test_an_ahfs_box_keeps_only_the_risk_for_the_patient():
    path = DRUGSCOM / "ahfs_box_orders.txt"
    record = read(path)
    assert tiers(record) == {
        "serious_warnings": [
            (CRS, "Cytokine release syndrome (CRS), which may be serious or life-threatening, occurred in patients "
                  "receiving corvatamab.", None),
            (CRS, "Neurologic toxicities, which may be severe, life-threatening, or fatal, occurred in patients "
                  "receiving corvatamab.", None),
        ],
        "urgent_signs": [(None, "fever, chills, tiredness", None), (None, "confusion or trouble speaking", None)],
        "side_effects": [(None, "swelling in your legs", None)],
        "reminders": [],
        # Orders, the program's text and the label's common reactions: for the care team, never urgent.
        "care_team_notes": [
            (CRS, "Interruption or discontinuance of corvatamab therapy may be necessary. Treat severe or "
                  "life-threatening CRS with tocilizumab.", None),
            (CRS, "If neurologic toxicities occur, interrupt or discontinue corvatamab and treat with "
                  "corticosteroids as recommended.", None),
            (CRS, "Corvatamab is available only through a restricted program called the Corvanza REMS. "
                  "Prescribers must be certified with the program.", None),
            (CRS, "Side effects include: pyrexia, infection, headache, peripheral edema.", None),
        ],
    }
    assert record.ignored == []
    assert unaccounted(path, record, {
        "Medically reviewed by Drugs.com. Last updated on Mar 3, 2025.", "Warning", "Intravenous route (Solution)",
        "Serious side effects of Corvanza", "Call your doctor at once if you have:", "Other side effects of Corvanza",
    }) == []


def test_the_early_layouts_headings_are_headings_and_their_lists_keep_their_groups():
    path = DRUGSCOM / "early_severity.txt"
    record = read(path)
    assert tiers(record) == {
        "serious_warnings": [],
        "urgent_signs": [
            (None, "black, tarry stools", "More common"),
            (None, "sores in the mouth", "More common"),
            (None, "yellow eyes or skin", "Less common or rare"),
            (None, "blurred vision", "With high doses and/or long-term treatment"),
            (None, "seizures", "Incidence not known"),
        ],
        # "... may not need medical attention" opens the ordinary list: none of these is urgent.
        "side_effects": [
            (None, "darkening of skin", "More common"),
            (None, "flushing", "More common"),
            (None, "sweating", "More common"),
            (None, "loss of appetite", "Less common or rare"),
        ],
        "reminders": [],
        "care_team_notes": [],
    }
    assert record.ignored == []
    headings = {
        "For the Consumer", "Applies to dovrelimus: oral tablet", "Side effects requiring immediate medical attention",
        "Along with its needed effects, dovrelimus may cause some unwanted effects. Although not all of these side "
        "effects may occur, if they do occur they may need medical attention.", "Major Side Effects",
        "You should check with your doctor immediately if any of these side effects occur when taking dovrelimus:",
        "Severity: Major", "More common:", "Less common or rare:", "With high doses and/or long-term treatment:",
        "Incidence not known:", "Minor Side Effects",
        "Some of the side effects that can occur with dovrelimus may not need medical attention. As your body "
        "adjusts to the medicine during treatment these side effects may go away.",
        "Severity: Minor", "Less common or rare",
    }
    assert unaccounted(path, record, headings) == []


@pytest.mark.parametrize("lead", [
    "Some side effects of dovrelimus may occur that usually do not need medical attention.",
    "Some of the side effects that can occur with dovrelimus may not need medical attention.",
    "Some side effects of dovrelimus may occur that usually do",  # an excerpt cut off in the source
])
def test_every_may_not_need_medical_attention_lead_in_opens_the_ordinary_list(lead):
    text = f"Dovrelin Side Effects\nGeneric name: dovrelimus\nSerious side effects\n- seizures\n{lead}\n- flushing\n"
    record = drugscom.read(text, "p.txt")
    assert [i.text for i in record.urgent_signs] == ["seizures"]
    assert [i.text for i in record.side_effects] == ["flushing"]


def test_a_box_repeated_per_route_is_one_box_whatever_it_calls_the_drug():
    path = DRUGSCOM / "biosimilar_route_boxes.txt"
    record = read(path)
    assert tiers(record) == {
        "serious_warnings": [
            ("Cardiomyopathy", "Trenvatuzumab-abcd can result in heart failure.", None),
            ("Embryo-Fetal Toxicity", "Exposure during pregnancy can harm an unborn baby.", None),
        ],
        "urgent_signs": [(None, "shortness of breath", None), (None, "swelling in your ankles", None)],
        "side_effects": [(None, "diarrhea", None)],
        "reminders": [],
        "care_team_notes": [("Cardiomyopathy", "Evaluate heart function before treatment.", None)],
    }
    assert record.ignored == []
    routes = {"Intravenous route (Powder for Solution)", "Intravenous route (Solution)", "Subcutaneous route (Solution)"}
    assert unaccounted(path, record, routes | {
        "Medically reviewed by Drugs.com. Last updated on Sep 12, 2024.", "Warning", "Cardiomyopathy",
        "Embryo-Fetal Toxicity", "Trenvatuzumab-wxyz can result in heart failure. Evaluate heart function before "
        "treatment.", "Trenvira can result in heart failure.", "Serious side effects of Trenvira",
        "Call your doctor at once if you have:", "Other side effects of Trenvira",
    }) == []


def test_a_box_of_prose_alone_is_read_but_makes_no_handout(make_workspace):
    path = DRUGSCOM / "box_only.txt"
    record = read(path)
    assert tiers(record) == {
        "serious_warnings": [
            ("Hepatotoxicity, Including Veno-occlusive Disease", "Hepatotoxicity, including fatal and life-threatening "
             "veno-occlusive disease (VOD), occurred in patients who received velquozumab.", None),
            ("Increased Risk of Post-transplant Non-relapse Mortality", "A higher post-HSCT non-relapse mortality "
             "rate occurred in patients receiving velquozumab.", None),
        ],
        "urgent_signs": [], "side_effects": [], "reminders": [],
        "care_team_notes": [("Hepatotoxicity, Including Veno-occlusive Disease", "Monitor liver tests before each dose.",
                             None)],
    }
    root = make_workspace({"velquozumab.txt": path.read_text(encoding="utf-8")})
    result = invoke("build", "-w", root)
    assert result.exit_code != 0
    assert (f"FAILED velquozumab: {NO_SIGNS}; next: handouts extract sources/velquozumab.txt --save, then fill in "
            "urgent_signs in sources/velquozumab.yaml") in result.output
    assert not list(root.rglob("*.pdf"))


def test_a_sheet_without_a_name_line_or_brands_is_read_by_its_headings():
    path = SHEETS / "zelvorin_no_brands.txt"
    assert sheet.detect(path.read_text(encoding="utf-8"))
    record = read(path)
    assert record.generic_name == "Zelvorin" and record.brands == []
    assert record.description.text == "Zelvorin is a chemotherapy medicine given as an injection under the skin."
    assert tiers(record) == {
        "serious_warnings": [("Low blood counts", "This can be severe. Call right away for fever or chills.", None)],
        "urgent_signs": [("Signs of infection", "fever, chills, or a cough.", None),
                         (None, "Bleeding or bruising that will not stop.", None)],
        "side_effects": [(None, "Nausea", None), (None, "Tiredness", None)],
        # Reminders stay reminders: not one of them is a warning.
        "reminders": [(None, "Wash your hands often.", None), (None, "Use a soft toothbrush.", None)],
        "care_team_notes": [],
    }
    assert record.ignored == []
    assert unaccounted(path, record, {
        "Warning(s)", "Call your care team now if you have any of these symptoms at any time:",
        "Other important safety reminders:", "Common Side Effects", "Last reviewed: 2025-11-02",
    }) == []


@pytest.mark.parametrize(("sentence", "ordered"), [
    ("Interruption or discontinuance of corvatamab therapy may be necessary.", True),
    ("Treat severe or life-threatening CRS with tocilizumab.", True),
    ("If neurologic toxicities occur, interrupt or discontinue corvatamab and treat with corticosteroids "
     "as recommended.", True),
    ("Corvatamab is available only through a restricted program called the Corvanza REMS.", True),
    ("Prescribers must be certified with the program.", True),
    ("Premedicate with an antihistamine.", True),
    # Said to the patient, or a sign: never an order, whatever verb it has.
    ("Your doctor may interrupt or stop your treatment.", False),
    ("Call your doctor right away if you have a fever; treatment may need to be stopped.", False),
    ("Stop zentomab if liver tests rise above five times normal.", False),
    ("Heart failure has happened in people who received trenvatuzumab.", False),
])
def test_the_one_prescriber_rule(sentence, ordered):
    assert urgency.for_prescriber(sentence) is ordered


def test_a_sheet_keeps_prescriber_orders_out_of_its_urgent_tiers():
    text = ("Zelvorin is a chemotherapy medicine.\n\nWarning(s)\n\n  • Liver problems: These can be severe. "
            "Monitor liver tests before each dose.\n\nCall your care team now if you have any of these symptoms:\n\n"
            "  • yellow skin or eyes\n")
    record = sheet.read(text, "z.txt")
    assert tiers(record)["serious_warnings"] == [("Liver problems", "These can be severe.", None)]
    assert tiers(record)["care_team_notes"] == [("Liver problems", "Monitor liver tests before each dose.", None)]
    assert tiers(record)["urgent_signs"] == [(None, "yellow skin or eyes", None)]


def test_a_sheets_reminders_written_among_its_warnings_are_reminders():
    text = ("zelvorin\n\nWarning(s)\n\n  • Low blood counts: This can be severe.\n  • Wash your hands often.\n"
            "  • Use a soft toothbrush.\n  • Check with your doctor before any vaccines.\n"
            "  • Avoid crowds; call your doctor right away if you get a fever.\n\n"
            "Call your care team now if you have any of these symptoms:\n\n  • fever\n")
    record = sheet.read(text, "z.txt")
    assert tiers(record)["serious_warnings"] == [
        ("Low blood counts", "This can be severe.", None),
        # A call-now sentence is never demoted, whatever it starts with.
        (None, "Avoid crowds; call your doctor right away if you get a fever.", None),
    ]
    assert tiers(record)["reminders"] == [(None, "Wash your hands often.", None), (None, "Use a soft toothbrush.", None),
                                          (None, "Check with your doctor before any vaccines.", None)]
    assert tiers(record)["urgent_signs"] == [(None, "fever", None)]


def test_the_early_layouts_headings_saved_as_markdown_are_headings_too():
    text = ("# Dovrelin Side Effects\nGeneric name: dovrelimus\n## Side effects requiring immediate medical attention\n"
            "**Severity: Major**\n- seizures\n### Minor Side Effects\n**Less common or rare**\n- flushing\n")
    record = drugscom.read(text, "p.txt")
    assert record.brand_names == ["Dovrelin"]
    assert tiers(record)["urgent_signs"] == [(None, "seizures", None)]
    assert tiers(record)["side_effects"] == [(None, "flushing", "Less common or rare")]
    assert record.ignored == []


@pytest.mark.parametrize(("warning", "problems"), [
    ("Liver injury has happened in people who received zelvorin.", [NO_SIGNS]),
    ("Liver injury can happen. Call your doctor right away if your skin or eyes turn yellow.", []),
])
def test_only_a_warning_that_says_what_to_watch_for_makes_a_handout(warning, problems):
    from handouts.record import DrugRecord, Item
    from handouts.workspace.catalogue import _nothing_to_watch_for

    record = DrugRecord("zelvorin", serious_warnings=[Item(warning, "z.txt", "Liver problems")])
    assert _nothing_to_watch_for(record) == problems
