"""RxNorm codes on a drug: a YAML record's optional `rxnorm:` list and an openFDA label's openfda.rxcui.

The codes are how an EHR order (FHIR) finds a drug's handout; they add up when records merge.
The drugs are fictional and so are their codes.
"""

from __future__ import annotations

import json

import pytest

from handouts.errors import InputError
from handouts.readers import openfda, yamlrecord
from handouts.workspace import catalogue

RECORD = """generic_name: corvantinib
rxnorm:
  - 9990001
  - "9990002"
urgent_signs:
  - Fainting
sources:
  - publisher: Test Drug Information Service
    last_reviewed: 2026-02-01
"""


def test_a_yaml_record_reads_and_writes_its_rxnorm_codes():
    record = yamlrecord.read(RECORD, "corvantinib.yaml")
    assert record.rxnorm == ["9990001", "9990002"]
    assert yamlrecord.to_yaml_data(record)["rxnorm"] == ["9990001", "9990002"]
    assert yamlrecord.read(yamlrecord.dump(record), "again.yaml").rxnorm == record.rxnorm


def test_a_code_that_is_not_digits_is_one_line_with_the_line_number():
    with pytest.raises(InputError) as error:
        yamlrecord.read(RECORD.replace("- 9990001", "- capecitabine"), "sources/corvantinib.yaml")
    assert str(error.value) == ("sources/corvantinib.yaml:3: rxnorm: 'capecitabine' is not an RxNorm code "
                                "(RXCUI: digits, e.g. 3002)")


def test_an_openfda_label_gives_its_rxcui(fixtures):
    data = json.loads((fixtures / "fda" / "zentomab.api-response.json").read_text())
    data["results"][0]["openfda"]["rxcui"] = ["9990101", "not-a-code", "9990102"]
    record = openfda.read(json.dumps(data), "zentomab.json")
    assert record.rxnorm == ["9990101", "9990102"]


def test_the_codes_of_a_label_and_a_record_about_one_drug_add_up(make_workspace, fixtures):
    data = json.loads((fixtures / "fda" / "zentomab.api-response.json").read_text())
    data["results"][0]["openfda"]["rxcui"] = ["9990101"]
    record = RECORD.replace("corvantinib", "zentomab")
    root = make_workspace({"zentomab.json": json.dumps(data), "zentomab.yaml": record})
    drug = catalogue.load(root).find("zentomab")
    assert sorted(drug.record.rxnorm) == ["9990001", "9990002", "9990101"]
