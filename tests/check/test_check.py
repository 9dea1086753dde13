"""`handouts check`: each bar exercised by a fixture built to fail it, read from real PDFs."""

from __future__ import annotations

import pytest
import yaml

from handouts.builder import runner
from handouts.builder.options import BuildOptions
from handouts.check import handout_check

from ..helpers import invoke, run_check

AS_OF = "2026-01-15"
GOOD_SOURCE = {"publisher": "Test Press", "url": "https://example.org/x", "license": "public_domain",
               "last_reviewed": "2025-12-01", "review_frequency": "annually"}


def record(name: str, **fields) -> str:
    """A YAML record of a fictional drug, short enough to fit at full size."""
    data = {"generic_name": name, "brands": [f"{name.title()}ra"],
            "urgent_signs": ["Fever or chills", "Trouble breathing"],
            "side_effects": ["Dry skin", "A sore mouth"],
            "sources": [GOOD_SOURCE], **fields}
    return yaml.safe_dump(data, sort_keys=False)


def figures(data, drug: str) -> dict[str, dict]:
    (entry,) = [d for d in data["drugs"] if d["drug"] == drug]
    return {f["name"]: f for f in entry["figures"]}


def test_a_clean_fictional_drug_passes_every_bar_even_strict(make_workspace):
    root = make_workspace({"clean.yaml": record("cleanamab")})
    result, data = run_check(root, AS_OF, "--strict")
    assert result.exit_code == 0, result.output
    assert data["drugs"][0]["status"] == "pass"
    assert all(f["status"] == "pass" for f in data["drugs"][0]["figures"])


def test_json_shape_is_stable(make_workspace):
    root = make_workspace({"clean.yaml": record("cleanamab")})
    _, data = run_check(root, AS_OF)
    assert set(data) == {"as_of", "brand", "strict", "drugs", "summary"}
    assert data["as_of"] == AS_OF and data["brand"] == "default" and data["strict"] is False
    assert set(data["summary"]) == {"pass", "warn", "fail", "ok"}
    (drug,) = data["drugs"]
    assert set(drug) == {"drug", "status", "figures"}
    assert all(set(f) == {"name", "status", "value", "bar", "detail"} for f in drug["figures"])
    names = {f["name"] for f in drug["figures"]}
    assert {"pages", "urgent block first (text)", "urgent block first (tags)", "smallest urgent type",
            "smallest body type", "fitted as written", "number to call",
            "reading grade: template's own words"} <= names


def test_too_long_record_warns_naming_what_was_shrunk_and_left_out(make_workspace):
    root = make_workspace({"long.yaml": record(
        "longamab",
        urgent_signs=[f"Made-up urgent sign number {n} described at some length" for n in range(24)],
        side_effects=[f"Made-up side effect {n} described at some length" for n in range(20)],
        reminders=[{"title": f"Reminder {n}", "text": "Made-up advice about staying safe. " * 3} for n in range(12)],
        how_it_works="A made-up explanation. " * 8,
    )})
    result, data = run_check(root, AS_OF)
    found = figures(data, "longamab")
    assert found["fitted as written"]["status"] == "warn"
    assert "left out how it works" in found["fitted as written"]["value"]
    assert found["smallest body type"]["status"] == "warn"  # shrunk below 12 pt, not below the floor
    assert result.exit_code == 0  # warnings alone do not fail (unless strict: below, on a short page)


def test_overdue_and_undated_sources_warn(make_workspace):
    root = make_workspace({"old.yaml": record("oldamab", sources=[
        {**GOOD_SOURCE, "publisher": "Old Press", "last_reviewed": "2020-01-01", "review_frequency": "annually"},
        {"publisher": "Undated Press", "url": "https://example.org/y", "license": "public_domain"},
    ])})
    result, data = run_check(root, AS_OF)
    assert result.exit_code == 0  # warnings alone do not fail...
    strict, _ = run_check(root, AS_OF, "--strict")
    assert strict.exit_code == 1  # ...unless strict
    found = figures(data, "oldamab")
    assert found["freshness: Old Press"]["status"] == "warn"
    assert found["freshness: Old Press"]["value"] == "overdue since 2021-01-01"
    assert found["freshness: Undated Press"] == {
        "name": "freshness: Undated Press", "status": "warn", "value": "no review date",
        "bar": "a review date, not overdue", "detail": ""}


def test_source_without_publisher_address_or_licence_warns(make_workspace):
    root = make_workspace({"bare.yaml": record("baramab", sources=[{"title": "A sheet", "last_reviewed": "2025-12-01"}])})
    _, data = run_check(root, AS_OF)
    assert figures(data, "baramab")["citation: A sheet"]["value"] == "missing publisher, url, license"


def test_template_with_hard_words_fails(make_workspace):
    root = make_workspace({"clean.yaml": record("cleanamab")})
    (root / "templates").mkdir()
    (root / "templates" / "_dropped.html").write_text(
        "<p>Pharmacotherapeutic considerations necessitate comprehensive interdisciplinary "
        "consultation regarding contraindications.</p>\n")
    result, data = run_check(root, AS_OF)
    found = figures(data, "cleanamab")["reading grade: template's own words"]
    assert found["status"] == "fail" and float(found["value"]) > 6
    assert result.exit_code == 1


def test_urgent_block_out_of_order_fails_in_text_and_tags(make_workspace):
    root = make_workspace({"clean.yaml": record("cleanamab")})
    (root / "templates").mkdir()
    (root / "templates" / "handout.html").write_text(
        '{% extends "builtin/handout.html" %}{% block body %}{% include "_footer.html" %}<main>'
        '{% include "_header.html" %}{% include "_side_effects.html" %}{% include "_urgent.html" %}</main>'
        '{% endblock %}')
    result, data = run_check(root, AS_OF)
    found = figures(data, "cleanamab")
    assert found["urgent block first (text)"]["status"] == "fail"
    assert found["urgent block first (tags)"]["status"] == "fail"
    assert result.exit_code == 1


def test_small_urgent_type_fails(make_workspace):
    root = make_workspace({"clean.yaml": record("cleanamab")})
    folder = root / "styles" / "brands" / "tiny"
    folder.mkdir(parents=True)
    (folder / "brand.toml").write_text('write_in_phones = true\n')
    (folder / "brand.css").write_text(".urgent { font-size: 0.75rem; }\n")
    result, data = run_check(root, AS_OF, "--brand", "tiny")
    found = figures(data, "cleanamab")["smallest urgent type"]
    assert found["status"] == "fail" and found["value"] == "9.0 pt"


def test_middling_contrast_warns_and_low_contrast_brand_is_refused(make_workspace):
    root = make_workspace({"clean.yaml": record("cleanamab")})
    for name, accent in (("middling", "#c0392b"), ("pale", "#e88080")):
        folder = root / "styles" / "brands" / name
        folder.mkdir(parents=True)
        (folder / "brand.toml").write_text(f'write_in_phones = true\naccent = "{accent}"\n')
    _, data = run_check(root, AS_OF, "--brand", "middling")
    bar = figures(data, "cleanamab")["contrast: white on the urgent bar (accent)"]
    assert bar["status"] == "warn" and 4.5 <= float(bar["value"].split(":")[0]) < 7
    refused, _ = run_check(root, AS_OF, "--brand", "pale")
    assert refused.exit_code == 2
    assert "accent #e88080 on white has contrast" in refused.output


def test_missing_after_hours_number_warns(make_workspace):
    root = make_workspace({"clean.yaml": record("cleanamab")})
    folder = root / "styles" / "brands" / "dayonly"
    folder.mkdir(parents=True)
    (folder / "brand.toml").write_text('clinic = "Day Clinic"\nphone_day = "(555) 010-0111"\nwrite_in_phones = false\n')
    _, data = run_check(root, AS_OF, "--brand", "dayonly")
    found = figures(data, "cleanamab")
    assert found["number to call"]["status"] == "pass" and found["number to call"]["value"] == "(555) 010-0111"
    assert found["after-hours number"]["status"] == "warn"


def test_drug_that_cannot_be_built_fails(make_workspace):
    root = make_workspace({"none.yaml": record("nonamab", urgent_signs=[])})
    result, data = run_check(root, AS_OF)
    assert result.exit_code == 1
    assert figures(data, "nonamab")["built"]["detail"] == (
        "no urgent warning signs: cannot make a handout; next: fill in urgent_signs in sources/none.yaml")


def test_text_report_names_each_figure_and_the_summary(make_workspace):
    root = make_workspace({"clean.yaml": record("cleanamab")})
    result = invoke("check", "-w", str(root), "--as-of", AS_OF)
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "cleanamab: PASS"
    assert "  PASS pages: 1 (bar: exactly 1)" in result.output
    assert result.output.splitlines()[-1] == "1 pass, 0 warn, 0 fail"


@pytest.mark.parametrize("words, most", [(["Call us now."], 3), (["Interdisciplinary pharmacotherapeutic consultation."], 99)])
def test_grade_orders_plain_and_hard_words(words, most):
    value = handout_check.grade(words)
    assert value is not None and (value <= most if most < 10 else value > 12)


def test_yaml_record_leaving_out_a_sources_urgent_sign_warns(make_workspace):
    sheet = ("cleanamab\n\nBrand Name(s)\n\n  • United States: Cleanamabra\n\n"
             "Call your care team now if you have any of these symptoms at any time:\n\n"
             "  • Fever or chills\n  • Trouble breathing\n  • Purple fingernails\n")
    root = make_workspace({"clean.yaml": record("cleanamab"), "sheet.txt": sheet})
    result, data = run_check(root, AS_OF)
    found = figures(data, "cleanamab")["urgent items from every source"]
    assert found["status"] == "warn"
    assert "1 item(s) from them are not in it" in found["value"]
    listed = invoke("list", "-w", str(root))
    assert "NOTE: urgent_signs: the YAML record replaces" in listed.output


def test_template_words_read_entities_as_the_characters_they_print(make_workspace):
    root = make_workspace({"clean.yaml": record("cleanamab")})
    env = runner.context(root, BuildOptions()).env
    words = handout_check.template_words(env)
    assert words and not [w for w in words if "&" in w or "bull" in w or "nbsp" in w]
