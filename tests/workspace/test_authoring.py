"""The pharmacist's workflow through the CLI (issue 16): a page with no warning signs, `extract --save`,
signs written by hand and credited to the clinic, YAML mistakes reported as themselves, misspelt names."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml

from handouts.readers import yamlrecord
from handouts.record.fields import SINGLE_FIELDS

from .. import pdfread
from ..helpers import FIXTURES, invoke, shared_corpus

CLINIC = "Lakeside Cancer Care"
TODAY = dt.date.today()
LONG_TODAY = f"{TODAY:%B} {TODAY.day}, {TODAY.year}"


def clinic_workspace(make_workspace, files: dict[str, str]) -> Path:
    root = make_workspace(files)
    brand = root / "styles" / "brands" / "lakeside"
    brand.mkdir(parents=True)
    (brand / "brand.toml").write_text(f'clinic = "{CLINIC}"\nwrite_in_phones = true\n')
    (root / "handouts.toml").write_text('brand = "lakeside"\n')
    return root


def page(make_workspace) -> Path:
    return clinic_workspace(make_workspace, {"plimorasib.md": (FIXTURES / "cancergov" / "plimorasib.md").read_text()})


def test_no_urgent_signs_says_the_next_step_in_one_line(make_workspace):
    root = page(make_workspace)
    listed = invoke("list", "-w", str(root))
    assert ("    PROBLEM: no urgent warning signs: cannot make a handout; next: handouts extract "
            "sources/plimorasib.md --save, then fill in urgent_signs in sources/plimorasib.yaml") in listed.stdout.splitlines()


def test_extract_writes_every_section_and_a_clinic_source_to_fill_in(make_workspace):
    root = page(make_workspace)
    result = invoke("extract", str(root / "sources" / "plimorasib.md"))
    assert result.exit_code == 0, result.output
    text = result.stdout
    data = yaml.safe_load(text)
    assert list(data) == ["generic_name", "brands", "pronunciation", "description", "how_it_works", "uses",
                          "serious_warnings", "emergency_signs", "urgent_signs", "side_effects", "studied",
                          "reminders", "care_team_notes",
                          "sources"]
    # An empty section is a slot, with one line above it saying what goes there.
    lines = text.splitlines()
    slot = lines.index("urgent_signs:")
    assert lines[slot - 1].startswith('# urgent_signs: signs that mean "call us right now"')
    assert data["urgent_signs"] is None and data["side_effects"] is None
    assert data["sources"][-1] == {"id": "clinic", "kind": "clinic", "publisher": CLINIC, "last_reviewed": TODAY,
                                   "reviewed_by": None}
    assert lines[-1].startswith("  reviewed_by:   # your name")
    # What came from the page says so: nothing extracted is credited to the clinic.
    assert {u["source"] for u in data["uses"]} == {"s1"}


def add_signs(record: Path, *lines: str) -> None:
    text = record.read_text()
    assert "\nurgent_signs:\n" in text
    record.write_text(text.replace("\nurgent_signs:\n", "\nurgent_signs:\n" + "".join(f"{line}\n" for line in lines), 1))


def test_a_sign_written_by_hand_is_cited_to_the_clinic_in_show_and_in_the_footer(make_workspace):
    root = page(make_workspace)
    saved = invoke("extract", "--save", str(root / "sources" / "plimorasib.md"))
    assert saved.exit_code == 0, saved.output
    record = root / "sources" / "plimorasib.yaml"
    add_signs(record, "- text: A made-up purple rash that spreads fast")
    shown = json.loads(invoke("show", "--json", "-w", str(root), "plimorasib").stdout)
    signs = shown["record"]["urgent_signs"]
    assert [(s["text"], s["source"]) for s in signs] == [
        ("A made-up purple rash that spreads fast", "sources/plimorasib.yaml#clinic")]
    clinic = [s for s in shown["record"]["sources"] if s["key"] == "sources/plimorasib.yaml#clinic"]
    assert clinic[0]["kind"] == "clinic" and clinic[0]["publisher"] == CLINIC
    # The National Cancer Institute is credited with what came from its page, and only that.
    assert {u["source"] for u in shown["record"]["uses"]} == {"sources/plimorasib.yaml#s1"}
    built = invoke("build", "-w", str(root), "plimorasib")
    assert built.exit_code == 0, built.output
    text = pdfread.text(root / "out" / "plimorasib.pdf")
    assert "A made-up purple rash that spreads fast" in text
    assert f"{CLINIC} pharmacy, reviewed {LONG_TODAY}" in text
    assert "National Cancer Institute (reviewed September 9, 2023" in text


def test_an_unused_clinic_slot_is_not_cited(make_workspace):
    root = page(make_workspace)
    invoke("extract", "--save", str(root / "sources" / "plimorasib.md"))
    shown = json.loads(invoke("show", "--json", "-w", str(root), "plimorasib").stdout)
    assert [s["kind"] for s in shown["record"]["sources"]] == ["yaml", "cancer.gov"]


def test_a_comma_in_a_flow_mapping_is_reported_first_as_itself(make_workspace):
    root = page(make_workspace)
    invoke("extract", "--save", str(root / "sources" / "plimorasib.md"))
    record = root / "sources" / "plimorasib.yaml"
    add_signs(record, "- {text: trouble walking, slurred speech}")
    line = record.read_text().splitlines().index("- {text: trouble walking, slurred speech}") + 1
    built = invoke("build", "-w", str(root))
    assert built.exit_code == 1
    cause = (f"sources/plimorasib.yaml:{line}: unknown field 'slurred speech' in an item of 'urgent_signs': a comma "
             'inside {...} starts a new field; put the text in quotes: {text: "trouble walking, slurred speech"}')
    assert built.stdout.splitlines()[0] == f"FAILED Plimorasib: {cause}: fix this first (the record is not read)"
    assert "no urgent warning signs" not in built.output
    assert built.stderr.splitlines() == [f"error: {cause}"]
    listed = invoke("list", "-w", str(root))
    assert f"    PROBLEM: {cause}: fix this first (the record is not read)" in listed.stdout.splitlines()
    # The fix the message shows works.
    record.write_text(record.read_text().replace("{text: trouble walking, slurred speech}",
                                                 '{text: "trouble walking, slurred speech"}'))
    again = invoke("build", "-w", str(root))
    assert again.exit_code == 0, again.output
    assert "trouble walking, slurred speech" in pdfread.text(root / "out" / "plimorasib.pdf")


def test_unknown_names_get_the_closest_known_names(make_workspace):
    root = page(make_workspace)
    invoke("extract", "--save", str(root / "sources" / "plimorasib.md"))
    add_signs(root / "sources" / "plimorasib.yaml", "- text: A made-up sign")
    expected = "Error: no drug called 'Plimorra' in sources; did you mean Plimora (Plimorasib)?"
    for command in (("show",), ("build",), ("packet",), ("check",)):
        result = invoke(*command, "-w", str(root), "Plimorra")
        assert result.exit_code == 2, (command, result.output)
        assert result.output.strip().endswith(expected.replace("in sources", f"in {root / 'sources'}")), command
    far = invoke("show", "-w", str(root), "zzzzzz")
    assert "did you mean" not in far.output


def record(name: str, signs: bool = False) -> str:
    return f"generic_name: {name}\n" + ("urgent_signs:\n  - A made-up sign\n" if signs else "uses:\n  - Pretend use\n")


def test_failure_summary_groups_identical_reasons_in_a_stable_order(make_workspace):
    root = make_workspace({f"{n}.yaml": record(n) for n in ("zetamab", "alfamab", "kappamab")}
                          | {"okamab.yaml": record("okamab", signs=True)})
    outputs = [invoke("build", "-w", str(root), "--force").stdout.splitlines() for _ in range(2)]
    assert outputs[0][-2:] == [
        "1 built, 0 unchanged, 3 failed:",
        "  3 drugs: no urgent warning signs: cannot make a handout (alfamab, kappamab, zetamab)",
    ]
    assert outputs[0][-2:] == outputs[1][-2:]
    # Each drug's own next step is on its own line.
    assert "FAILED kappamab: no urgent warning signs: cannot make a handout; next: fill in urgent_signs in " \
           "sources/kappamab.yaml" in outputs[0]


def test_inits_example_gives_way_to_a_real_document_about_the_same_drug(tmp_path):
    root = tmp_path / "clinic"
    assert invoke("init", str(root)).exit_code == 0
    example = "sources/examples/blinatumomab.yaml"
    assert (root / example).is_file()
    alone = invoke("list", "-w", str(root))
    assert alone.stdout.splitlines()[0] == "blinatumomab (Blincyto)"
    assert ("    NOTE: example: made by handouts init; it gives way to any document you add about blinatumomab"
            in alone.stdout.splitlines())
    assert invoke("build", "-w", str(root)).exit_code == 0  # a new workspace builds at once
    (root / "sources" / "blinatumomab.md").write_text(
        (FIXTURES / "cancergov" / "plimorasib.md").read_text().replace("Plimorasib", "Blinatumomab")
        .replace("plimorasib", "blinatumomab").replace("Plimora", "Blincyto"))
    listed = invoke("list", "-w", str(root))
    assert listed.stdout.splitlines()[:2] == [
        "Blinatumomab (Blincyto, Blincyto Kit)",
        "    sources/blinatumomab.md  [National Cancer Institute; last reviewed 2023-09-09, reviewed quarterly]",
    ]
    assert "examples/" not in listed.stdout and "not in it" not in listed.output
    assert listed.stderr.splitlines() == [
        f"warning: {example}: the example record of blinatumomab is set aside: sources/blinatumomab.md is about "
        "the same drug"]
    shown = json.loads(invoke("show", "--json", "-w", str(root), "Blincyto").stdout)
    assert shown["files"] == ["sources/blinatumomab.md"] and not shown["record"].get("urgent_signs")


def test_check_asks_who_reviewed_the_clinics_words(make_workspace):
    root = page(make_workspace)
    invoke("extract", "--save", str(root / "sources" / "plimorasib.md"))
    record = root / "sources" / "plimorasib.yaml"
    add_signs(record, "- text: A made-up purple rash")
    before = invoke("check", "-w", str(root), "plimorasib").stdout.splitlines()
    assert f"  WARN citation: {CLINIC}: missing reviewed_by (bar: publisher and reviewer)" in before
    record.write_text(record.read_text().replace("  reviewed_by:   # your name", "  reviewed_by: A. Pharmacist  #"))
    after = invoke("check", "-w", str(root), "plimorasib").stdout.splitlines()
    assert f"  PASS citation: {CLINIC}: complete (bar: publisher and reviewer)" in after
    shown = json.loads(invoke("show", "--json", "-w", str(root), "plimorasib").stdout)
    assert [s.get("reviewed_by") for s in shown["record"]["sources"] if s["kind"] == "clinic"] == ["A. Pharmacist"]


def test_extract_keeps_every_field_a_record_holds(make_workspace):
    # Each field, filled: what extract writes and reads back holds each of them, none dropped.
    every = {name: "Some words." for name in SINGLE_FIELDS}
    every.update({name: [f"An item of {name}."] for name in yamlrecord.LIST_FIELDS})
    every.update({"generic_name": "allfieldamab", "brands": ["Allfield"],
                  "sources": [{"publisher": "Test Press", "last_reviewed": "2026-01-05"}]})
    root = make_workspace({"allfield.yaml": yaml.safe_dump(every, sort_keys=False)})
    result = invoke("extract", str(root / "sources" / "allfield.yaml"))
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    for name in (*SINGLE_FIELDS, *yamlrecord.LIST_FIELDS):
        assert data.get(name), f"extract dropped {name}"


def test_extract_of_a_real_medication_guide_keeps_its_emergency_signs():
    path = shared_corpus("fda", "FDA labeling") / "openfda" / "naproxen.api-response.json"
    result = invoke("extract", str(path))
    assert result.exit_code == 0, result.output
    signs = [it["text"] if isinstance(it, dict) else it for it in yaml.safe_load(result.stdout)["emergency_signs"]]
    assert len(signs) == 5 and "Chest pain" in signs


def test_extract_of_a_translated_record_keeps_what_it_translates():
    path = FIXTURES / "i18n" / "velmarizumab.es.yaml"
    result = invoke("extract", str(path))
    assert result.exit_code == 0, result.output
    original = yamlrecord.read(path.read_text(encoding="utf-8"), "a.yaml")
    back = yamlrecord.read(result.stdout, "b.yaml")
    # Else it reads back as an English record of the same drug, merged into the original.
    assert back.language == "es" and back.translation == original.translation
    assert back.translation.from_review == dt.date(2026, 3, 1) and back.translation.of["urgent_signs"]
