"""Reading a patient's orders from a FHIR R4 Bundle: only what the order states, in plain data."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from handouts.builder import patient
from handouts.errors import InputError
from handouts.readers import fhir
from handouts.workspace import catalogue

from ..builder.fhirpackets import BUNDLE, workspace


def bundle_with(tmp_path, *resources, **top):
    data = {"resourceType": "Bundle", "type": "searchset", **top,
            "entry": [{"resource": r} for r in resources]}
    path = tmp_path / "b.json"
    path.write_text(json.dumps(data))
    return path


PATIENT = {"resourceType": "Patient", "id": "p1", "name": [{"text": "Test Patient"}]}


def request(**fields):
    return {"resourceType": "MedicationRequest", "id": "r1", "status": "active", "intent": "order",
            "subject": {"reference": "Patient/p1"}, "medicationCodeableConcept": {"text": "corvantinib"}, **fields}


def test_the_fixture_order_reads_as_the_order_states_it():
    order = fhir.read(BUNDLE)
    assert (order.key, order.patient, order.languages) == ("order-2026-0001", "Patient/pt-1001", ("es", "en"))
    assert order.start == dt.date(2026, 3, 2)
    statuses = {d.request: d.status for d in order.drugs}
    assert statuses["MedicationRequest/mr-zent"] == "cancelled"
    corv = next(d for d in order.drugs if d.request == "MedicationRequest/mr-corv")
    assert (corv.cycle_days, corv.cycles, corv.dosing[0].days_of_cycle) == (21, 2, tuple(range(1, 15)))
    assert corv.dosing[0].times_per_day == 2
    tesd = next(d for d in order.drugs if d.request == "MedicationRequest/mr-tesd")
    assert (tesd.names, tesd.rxnorm) == (("Tesdara", "tesdarlimab"), ("9990003",))  # contained Medication


def test_a_former_name_is_never_the_one_printed(tmp_path):
    """The US Core Patient example's shape: an "old" name first, the current one after it."""
    names = [{"use": "old", "family": "Shaw", "given": ["Amy"], "period": {"end": "2020-07-22"}},
             {"family": "Baxter", "given": ["Amy", "V."], "period": {"start": "2020-07-22"}}]
    order = fhir.read(bundle_with(tmp_path, {**PATIENT, "name": names}, request()))
    assert order.patient_name == "Amy V. Baxter"


def test_an_mcode_medication_statement_is_an_order_with_its_status(tmp_path):
    """The mCODE CancerRelatedMedicationStatement example's shape: stopped, coded, dosage text only."""
    statement = {"resourceType": "MedicationStatement", "id": "s1", "status": "stopped",
                 "medicationCodeableConcept": {"coding": [{"system": fhir.RXNORM, "code": "349472",
                                                           "display": "gefitinib 250 MG Oral Tablet"}]},
                 "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2019-04-01",
                 "dosage": [{"text": "250mg orally once daily with or without food"}]}
    drug = fhir.read(bundle_with(tmp_path, PATIENT, statement)).drugs[0]
    assert (drug.status, drug.rxnorm, drug.dosing[0].start) == ("stopped", ("349472",), None)


@pytest.mark.parametrize("resources, message", [
    ([request()], "the Bundle holds no Patient: the packet is made for one patient's orders"),
    ([PATIENT], "the Bundle holds no MedicationRequest or MedicationStatement"),
    ([PATIENT, {**PATIENT, "id": "p2"}, request()], "the Bundle holds 2 Patients: give one Bundle per patient"),
    ([PATIENT, request(dosageInstruction=[{"timing": {"repeat": {"period": "a week"}}}])],
     "invalid FHIR: entry[1].resource.dosageInstruction[0].timing.repeat.period: Decimal value string does not match spec regex."),
])
def test_a_bundle_that_is_no_patients_order_is_one_line(tmp_path, resources, message):
    with pytest.raises(InputError) as error:
        fhir.read(bundle_with(tmp_path, *resources))
    assert str(error.value) == f"{tmp_path / 'b.json'}: {message}"


def test_not_json_names_the_line(tmp_path):
    bad = tmp_path / "b.json"
    bad.write_text('{"resourceType": "Bundle",\n  "entry": [,]}')
    with pytest.raises(InputError, match=r"b.json:2: not valid JSON"):
        fhir.read(bad)


def test_an_order_without_a_start_date_has_no_start(tmp_path):
    order = fhir.read(bundle_with(tmp_path, PATIENT, request(dosageInstruction=[
        {"timing": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}}}])))
    assert order.start is None and order.drugs[0].dosing[0].times_per_day == 2


def test_drugs_match_by_rxnorm_code_else_by_the_ingredient_before_the_strength(tmp_path):
    catalog = catalogue.load(workspace(tmp_path / "ws"))

    def ordered(names=(), codes=()):
        return fhir.OrderedDrug("MedicationRequest/x", "active", tuple(names), tuple(codes))

    assert patient.match(catalog, ordered(codes=["9990001"])).name == "velmarizumab"
    assert patient.match(catalog, ordered(["corvantinib 100 MG Oral Tablet"])).name == "corvantinib"
    assert patient.match(catalog, ordered(["Tesdara"])).name == "tesdarlimab"  # a brand name
    assert patient.match(catalog, ordered(["nonexistinib"], ["9990009"])) is None
    assert patient.ingredient_of("capecitabine 500 MG Oral Tablet") == "capecitabine"


def test_the_patients_language_without_a_catalogue_falls_back_to_english_saying_so(tmp_path):
    order = fhir.Order(file="b.json", key="k", patient="Patient/p", patient_name="X", languages=("vi",))
    plan = patient.plan(catalogue.load(workspace(tmp_path / "ws")), order)
    assert plan.language == "en"
    assert patient.report_lines(plan) == [
        "k: the patient's language (vi) has no catalogue in locale/: the packet is in English"]


def test_a_transaction_bundle_reads_like_a_collection(tmp_path):
    data = json.loads(BUNDLE.read_text())
    data["type"] = "transaction"
    for entry in data["entry"]:
        entry["request"] = {"method": "PUT", "url": f"{entry['resource']['resourceType']}/{entry['resource']['id']}"}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data))
    assert fhir.read(path).drugs == fhir.read(BUNDLE).drugs
