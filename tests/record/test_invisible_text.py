"""Issue 27, point 8: text that prints as nothing or as something else is refused in one line
naming the file and field, whatever reader it comes from; the other drugs are built."""

from __future__ import annotations

import json

import pytest

from handouts.record import limits

from ..helpers import fever_record as record
from ..helpers import invoke as run
from ..helpers import lines, run_build

# (name, the urgent sign's text, what the line says)
TEXTS = [
    ("zero-width", "\u200b", "text that prints as nothing (only U+200B)"),
    ("soft-hyphen-joiner", "\u00ad\u034f", "text that prints as nothing (only U+00AD U+034F)"),
    ("override", "Fever of 5 C, \u202ecall at 38.0", "a bidirectional control, which reorders the text as printed (U+202E)"),
    ("isolate", "Fever \u2067over 38.0\u2069", "a bidirectional control, which reorders the text as printed (U+2067)"),
    ("marks", "Fever" + "\u0301\u0302\u0303\u0304\u0305" * 8, "more than 4 combining marks on one letter"),
    ("control", "Fever\x1b[2J", "a control character (U+001B)"),
]


@pytest.mark.parametrize("sign, problem", [t[1:] for t in TEXTS], ids=[t[0] for t in TEXTS])
def test_a_yaml_record_with_such_text_is_one_line_with_the_field_and_line(make_workspace, sign, problem):
    text = record("feveramab").replace("- A made-up sign of trouble", "- " + json.dumps(sign))
    root = make_workspace({"feveramab.yaml": text, "goodamab.yaml": record("goodamab")})
    line = text.splitlines().index("- " + json.dumps(sign)) + 1
    result = run_build(root)
    assert result.exit_code != 0 and "Traceback" not in result.output
    errors = [entry for entry in lines(result) if "feveramab.yaml" in entry]
    assert errors == [f"error: sources/feveramab.yaml:{line}: field 'urgent_signs': {problem}"] or \
        errors[0].startswith(f"error: sources/feveramab.yaml:{line}: field 'urgent_signs': {problem}"), errors
    assert (root / "out" / "goodamab.pdf").exists()
    assert not (root / "out" / "feveramab.pdf").exists()


# The label reader drops a bullet that prints as nothing itself.
PRINTING = [t for t in TEXTS if "nothing" not in t[2]]


@pytest.mark.parametrize("sign, problem", [t[1:] for t in PRINTING], ids=[t[0] for t in PRINTING])
def test_any_reader_refuses_it_naming_the_field(make_workspace, sign, problem):
    # An openFDA reply, read by another reader: the record's check names the field.
    reply = {"results": [{
        "set_id": "x1", "openfda": {"generic_name": ["feveramab"]},
        "spl_medguide": ["What is the most important information I should know about feveramab? "
                         f"Call your healthcare provider right away if you have: \u2022 {sign} "
                         "\u2022 fever or chills"],
    }]}
    root = make_workspace({"feveramab.json": json.dumps(reply), "goodamab.yaml": record("goodamab")})
    result = run("list", "-w", root)
    assert "Traceback" not in result.output
    errors = [entry for entry in lines(result) if "feveramab.json" in entry]
    assert len(errors) == 1 and "urgent_signs" in errors[0] and problem in errors[0], result.output


@pytest.mark.parametrize("text", [
    "Fièvre", "Tiếng Việt: sốt cao", "बुखार या ठंड लगना", "ไข้สูง", "حمى \u200fأو قشعريرة",
    "Fever\u00adish", "Family \U0001F468\u200d\U0001F469",
])
def test_real_text_in_any_script_passes(text):
    assert limits.text_problem(text) is None
