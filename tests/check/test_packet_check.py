"""`handouts check --packet`: the packet's own bars, each exercised by a packet built to fail it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from handouts import assets
from handouts.builder import packet, runner
from handouts.builder.options import BuildOptions
from handouts.check import packet_check
from handouts.workspace import catalogue

from ..helpers import PACKETS, invoke, run_check

AS_OF = "2026-01-15"
# No address: no QR code, whose label sits in the bottom margin of the single handout (see below).
SOURCE = {"publisher": "Test Press", "license": "public_domain", "last_reviewed": "2025-12-01",
          "review_frequency": "annually"}
PACKET_FIGURES = [
    "packet: every handout in it", "combined page: urgent first", "combined page: every urgent sign of every drug",
    "combined page: smallest urgent type", "combined page: smallest type (drug marks)", "printable area",
    "cover lists every page", "handout pages identical to their own PDFs",
]


def record(name: str, **fields) -> str:
    data = {"generic_name": name, "brands": [f"{name.title()}ra"],
            "urgent_signs": [{"title": "Signs of infection", "text": f"fever; chills; a {name} sign"},
                             "Trouble breathing"],
            "side_effects": ["Dry skin"], "sources": [SOURCE], **fields}
    return yaml.safe_dump(data, sort_keys=False)


@pytest.fixture
def two(make_workspace) -> Path:
    return make_workspace({"alfamab.yaml": record("alfamab"),
                           "betamab.yaml": record("betamab", urgent_signs=[
                               {"title": "Infection", "text": "fever; a cough"}, "A betamab-only sign"])})


def packet_figures(data) -> dict[str, dict]:
    entry = data["drugs"][0]
    assert entry["drug"].startswith("packet: ")
    return {f["name"]: f for f in entry["figures"]}


def test_check_packet_of_named_drugs_passes_every_packet_bar(two):
    result, data = run_check(two, AS_OF, "--packet", "alfamab", "betamab")
    figures = packet_figures(data)
    assert list(figures) == PACKET_FIGURES
    assert {name: f["status"] for name, f in figures.items()} == dict.fromkeys(PACKET_FIGURES, "pass"), figures
    assert figures["combined page: every urgent sign of every drug"]["value"] == "7 of 7"
    assert [d["drug"] for d in data["drugs"]] == ["packet: Your medicines", "alfamab", "betamab"]
    assert result.exit_code == 0, result.output


def test_check_packet_reads_a_packet_file(make_workspace, tmp_path):
    root = make_workspace({p.name: p.read_text(encoding="utf-8") for p in (PACKETS / "regimen4").glob("*.yaml")})
    result, data = run_check(root, AS_OF, "--packet", str(PACKETS / "regimen4.toml"))
    figures = packet_figures(data)
    assert data["drugs"][0]["drug"] == "packet: Your four medicines"
    assert len(data["drugs"]) == 5
    for name in PACKET_FIGURES:
        if name != "printable area":  # these drugs cite an address: see the test below
            assert figures[name]["status"] == "pass", figures[name]


def test_a_sign_left_off_the_combined_page_fails(two):
    source = (assets.templates_dir() / "packet_urgent.html").read_text(encoding="utf-8")
    assert "{% for e in entries if not e.emergency %}" in source
    (two / "templates").mkdir()
    (two / "templates" / "packet_urgent.html").write_text(
        source.replace("{% for e in entries if not e.emergency %}", "{% for e in entries[:-1] if not e.emergency %}"), encoding="utf-8")
    result, data = run_check(two, AS_OF, "--packet", "alfamab", "betamab")
    figure = packet_figures(data)["combined page: every urgent sign of every drug"]
    assert figure["status"] == "fail" and figure["value"] == "6 of 7"
    assert figure["detail"] == "missing 'betamab: A betamab-only sign'"
    assert result.exit_code == 1


def test_something_past_the_printable_area_fails_naming_its_page(two):
    source = (assets.templates_dir() / "packet_cover.html").read_text(encoding="utf-8")
    (two / "templates").mkdir()
    (two / "templates" / "packet_cover.html").write_text(
        source.replace('<p class="cover-note">', '<p class="cover-note" style="margin-left: -0.4in">'),
        encoding="utf-8")
    result, data = run_check(two, AS_OF, "--packet", "alfamab", "betamab")
    figure = packet_figures(data)["printable area"]
    assert figure["status"] == "fail"
    assert figure["detail"] == "page 1: 'Keep' 0.05 in from the left edge"
    assert result.exit_code == 1


def test_entries_out_of_order_or_a_cover_missing_a_page_fail(two):
    urgent = (assets.templates_dir() / "packet_urgent.html").read_text(encoding="utf-8")
    cover = (assets.templates_dir() / "packet_cover.html").read_text(encoding="utf-8")
    (two / "templates").mkdir()
    (two / "templates" / "packet_urgent.html").write_text(
        urgent.replace("{% for e in entries if not e.emergency %}", "{% for e in entries | reverse if not e.emergency %}"), encoding="utf-8")
    (two / "templates" / "packet_cover.html").write_text(cover.replace("{% for part in parts %}",
                                                                        "{% for part in parts[1:] %}"), encoding="utf-8")
    _, data = run_check(two, AS_OF, "--packet", "alfamab", "betamab")
    figures = packet_figures(data)
    assert figures["combined page: urgent first"]["status"] == "fail"
    assert figures["combined page: urgent first"]["value"] == "entries out of order"
    assert figures["cover lists every page"]["status"] == "fail"
    assert figures["cover lists every page"]["detail"] == "not listed right: When to call us right away"


def test_a_handout_page_unlike_its_own_pdf_fails(two, tmp_path):
    catalog = catalogue.load(two)
    singles = runner.build(two, catalog, [], BuildOptions(strict=True, jobs=1, output=tmp_path / "single"))
    made = packet.make(two, catalog, packet.PacketSpec(drugs=("alfamab", "betamab")),
                       BuildOptions(strict=True, output=tmp_path / "p.pdf"))
    import pdfplumber

    parts = {p.title: p for p in made.parts}
    with pdfplumber.open(made.path) as pdf:
        assert packet_check._same_pages(pdf.pages, parts, singles).status == "pass"
        swapped = [runner.Result(a.drug, a.status, b.path) for a, b in zip(singles, reversed(singles))]
        figure = packet_check._same_pages(pdf.pages, parts, swapped)
    assert (figure.status, figure.detail) == ("fail", "differ: alfamab, betamab")


def test_check_packet_with_no_drug_is_a_usage_error(two):
    result = invoke("check", "-w", str(two), "--packet")
    assert result.exit_code == 2
    assert "a packet needs at least one drug" in result.output
