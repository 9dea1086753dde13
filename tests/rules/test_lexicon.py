"""The urgency lexicon: each carer, now-word and call verb is known to every reader path built from it."""

from __future__ import annotations

import pytest

from handouts.readers import drugscom, read_document, sheet
from handouts.rules import urgency

from ..helpers import FIXTURES

# Every "<kind> <role>" carer and every plain one, each with the other words at their plainest.
CARERS = [f"{kind} {role}" for kind in urgency.CARER_KINDS for role in urgency.CARER_ROLES] + list(urgency.CARERS)
ROWS = (
    [("call", f"your {carer}", "right away") for carer in CARERS]
    + [("call", "your doctor", now) for now in urgency.NOW_WORDS]
    + [(verb, "your doctor", "right away") for verb in urgency.CALL_VERBS]
)


@pytest.mark.parametrize(("verb", "carer", "now"), ROWS)
def test_every_word_of_the_lexicon_is_known_to_every_reader_path(verb, carer, now):
    said = f"{verb} {carer}{' know' if verb == 'let' else ''} {now}".capitalize()
    # A sentence anywhere in any document: settled into the urgent part.
    assert urgency.is_call_now(f"{said} if you faint.")
    # A sheet heading leading a list, and one that names a sign itself (kept as an urgent line).
    assert sheet._heading(f"{said} if you have:") == ("urgent", "")
    assert sheet._heading(f"{said} if you faint:") == ("urgent", f"{said} if you faint:")
    # A drugs.com instruction leading a list, and one that is itself an urgent sign.
    assert drugscom._heading(f"{said} if you have:") == ("urgent", "")
    assert drugscom._heading(f"{said} if you faint.") == ("urgent-sentence", f"{said} if you faint.")


def test_a_question_heading_names_any_carer():
    assert drugscom._heading("What are some side effects that I need to call my care team about right away?")[0] \
        == "urgent"


def test_cancer_care_team_urgently_and_or_911_are_call_now_in_a_sheet():
    """Before the one lexicon, the sheet reader knew no "cancer care team" and is_call_now neither
    "urgently" nor "your care team or 911": this sheet's urgent list and two call-now reminders were
    left as a warning and as reminders."""
    record = read_document(FIXTURES / "sheet" / "corvelimab_cancer_care_team.txt")
    assert [(item.title, item.text[:30]) for item in record.urgent_signs] == [
        (None, "Fever of 100.4°F (38°C) or hig"),
        (None, "Chills or shaking."),
        (None, "Trouble breathing."),
        ("Fever at home", "tell your oncology care team u"),
        ("Fainting", "call your care team or 911 rig"),
    ]
    assert [item.text for item in record.serious_warnings] == ["Corvelimab can cause serious infections."]
    assert [item.title for item in record.reminders] == ["Vaccines"]
