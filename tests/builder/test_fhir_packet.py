"""`handouts packet --fhir`: a patient's own packet from an EHR order (a FHIR R4 Bundle).

The Bundle (tests/fixtures/fhir/spanish-three-drugs.json, in US Core and mCODE shapes) orders
five drugs for a Spanish-speaking patient: velmarizumab by RxNorm code only, corvantinib by text
only (twice a day, days 1-14 of each 21-day cycle, two cycles), tesdarlimab through a contained
Medication, zentomab cancelled, and nonexistinib, which has no handout. All are fictional.
"""

from __future__ import annotations

import json
import logging
import stat

import pdfplumber
import pytest

from handouts.pdf.render import collected_warnings

from .. import pdfread
from .fhirpackets import BUNDLE, NAME_PARTS, Collected, calendar_days, invoke, workspace

DATE = "2026-02-27"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The workspace built once (so it has a manifest), then the patient's packet made with
    --partial and --fhir-out; every log record and output line of both runs kept."""
    root = workspace(tmp_path_factory.mktemp("fhir") / "ws")
    handler = Collected()
    logging.getLogger().addHandler(handler)
    level = logging.getLogger().level
    logging.getLogger().setLevel(logging.DEBUG)
    warnings: list[str] = []
    try:
        with collected_warnings(warnings):
            build = invoke("build", "-w", str(root), "--date", DATE, "--lang", "es")
            failed = invoke("packet", "-w", str(root), "--fhir", str(BUNDLE), "--date", DATE)
            partial = invoke("packet", "-w", str(root), "--fhir", str(BUNDLE), "--date", DATE, "--partial",
                             "--fhir-out", str(root / "filed.json"))
    finally:
        logging.getLogger().removeHandler(handler)
        logging.getLogger().setLevel(level)
    assert not warnings, warnings
    return {"root": root, "build": build, "failed": failed, "partial": partial, "logs": handler.lines,
            "pdf": root / "out" / "patients" / "order-2026-0001.pdf"}


def test_a_drug_with_no_handout_fails_the_packet_in_one_line_with_the_next_step(made):
    result = made["failed"]
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "nonexistinib" in line]
    assert lines == ["order-2026-0001: no handout for nonexistinib 50 MG Oral Capsule (MedicationRequest/mr-none, "
                     "RxNorm 9990009): add a source for it to sources/ (handouts fetch nonexistinib), or make the "
                     "packet without it with --partial"]
    assert "FAILED order-2026-0001: not made" in result.output


def test_partial_makes_the_packet_without_it_and_the_cover_says_so(made):
    assert made["partial"].exit_code == 0, made["partial"].output
    text = pdfread.text(made["pdf"])
    assert "No están en este paquete: nonexistinib 50 MG Oral Capsule (todavía no hay hoja informativa)" in text
    assert "partial: nonexistinib 50 MG Oral Capsule left out" in made["partial"].output


def test_the_drugs_are_matched_by_rxnorm_code_and_by_name_and_the_cancelled_one_is_left_out(made):
    text = pdfread.text(made["pdf"])
    # By code only (no name in the order), by text only, and through a contained Medication.
    for name in ("Velmarizumab", "Corvantinib", "Tesdarlimab"):
        assert name in text
    assert "zentomab" not in text.lower()
    assert ("order-2026-0001: left out zentomab (MedicationRequest/mr-zent): order is cancelled"
            in made["partial"].output)


def test_the_cover_is_the_patients_in_their_language(made):
    with pdfplumber.open(made["pdf"]) as pdf:
        cover = pdfread.fold(pdf.pages[0].extract_text())
    assert cover.startswith("Su equipo de atención HOJA INFORMATIVA SOBRE SU MEDICAMENTO "
                            "CORV-VELM (test regimen): sus medicamentos")  # the regimen the order names
    assert "Nombre: Zelmira Quintanilla-Prueba" in cover
    assert "Clínica: Riverside Cancer Clinic (test)" in cover
    assert "Médico que lo recetó: Owen Oncologist-Test" in cover
    assert "Empieza el tratamiento: 2 de marzo de 2026" in cover
    assert "1961" not in cover  # the date of birth only where the brand says so
    assert "Su calendario de tratamiento" in cover
    assert "(es)" not in cover and ", es)" in made["partial"].output


def test_the_capecitabine_style_order_is_drawn_as_the_days_it_states(made):
    """Twice a day, days 1-14 of each 21-day cycle, two cycles, from 2 March 2026."""
    days = calendar_days(made["pdf"], "Corvantinib")
    assert days == {"Marzo": set(range(2, 16)) | set(range(23, 32)), "Abril": set(range(1, 6))}
    text = pdfread.text(made["pdf"])
    assert "Días 1-14 de cada ciclo de 21 días, 2 ciclos, 2 veces al día" in text
    assert "Según la orden: Take 2 tablets by mouth twice daily, days 1-14, every 21 days" in text


def test_an_infusion_every_21_days_is_marked_on_its_days_only(made):
    days = calendar_days(made["pdf"], "Velmarizumab")
    assert days == {"Marzo": {2, 23}, "Abril": {13}, "Mayo": {4}}


def test_an_order_that_states_no_days_gets_no_calendar(made):
    with pdfplumber.open(made["pdf"]) as pdf:
        calendar_page = pdfread.fold(pdf.pages[1].extract_text())
    assert calendar_page.startswith("Su calendario de tratamiento")
    assert "Corvantinib" in calendar_page and "Tesdarlimab" not in calendar_page


def test_the_packet_and_its_folder_are_owner_only(made):
    pdf = made["pdf"]
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    assert stat.S_IMODE(pdf.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((made["root"] / "filed.json").stat().st_mode) == 0o600


def test_no_patient_name_in_the_manifest_the_output_or_any_log_line(made):
    root = made["root"]
    lines = made["build"].output + made["failed"].output + made["partial"].output + "\n".join(made["logs"])
    assert made["logs"], "the runs logged nothing: the test would not see a leak"
    for part in NAME_PARTS:
        assert part not in lines
    manifests = [p for p in (root / "out").rglob("*") if p.is_file() and p.suffix != ".pdf"]
    assert manifests, "the build wrote no manifest to look in"
    for path in manifests:
        data = path.read_bytes()
        assert not any(part.encode() in data for part in NAME_PARTS), path
    # Nothing else about the patient is left: the packet, the DocumentReference asked for, the build's PDFs.
    # (The build's lock is there too, naming only the process: a packet writes holding the folder.)
    patient_files = sorted(p.name for p in (root / "out" / "patients").iterdir() if p.name != ".handouts-lock")
    assert patient_files == ["order-2026-0001.pdf"]


def test_the_date_of_birth_is_printed_when_the_brand_says_so(tmp_path):
    root = workspace(tmp_path / "ws")
    brand = root / "styles" / "brands" / "riverside"
    brand.mkdir(parents=True)
    (brand / "brand.toml").write_text('clinic = "Riverside"\npatient_birth_date = true\n')
    result = invoke("packet", "-w", str(root), "--fhir", str(BUNDLE), "--date", DATE, "--partial",
                    "--brand", "riverside", "-o", str(tmp_path / "private" / "p.pdf"))
    assert result.exit_code == 0, result.output
    assert "Fecha de nacimiento: 12 de abril de 1961" in pdfread.text(tmp_path / "private" / "p.pdf")


def test_an_invalid_element_is_one_line_naming_its_path_and_never_the_patient(tmp_path):
    data = json.loads(BUNDLE.read_text())
    data["entry"][4]["resource"]["dosageInstruction"][0]["timing"]["repeat"]["frequency"] = "twice"
    data["entry"][0]["resource"]["birthDate"] = "Zelmira"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    result = invoke("packet", "-w", str(workspace(tmp_path / "ws")), "--fhir", str(bad))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith(f"FAILED {bad}: invalid FHIR: entry[")
    assert "(and 1 more)" in lines[0]
    assert "Zelmira" not in lines[0]


def test_fhir_options_need_fhir_and_fhir_takes_no_drug_names(tmp_path):
    root = workspace(tmp_path / "ws")
    assert invoke("packet", "-w", str(root), "--partial", "velmarizumab").exit_code == 2
    result = invoke("packet", "-w", str(root), "--fhir", str(BUNDLE), "velmarizumab")
    assert result.exit_code == 2
    assert "--fhir makes the packet the order names" in result.output
