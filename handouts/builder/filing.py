"""Filing a patient's packet back in the chart: a US Core DocumentReference holding the PDF.

The resource is built as plain JSON and checked against fhir.resources' model before it is written
or sent. POSTing it is the only network use besides `fetch`, and uses fetch's bounds: a timeout, a
size limit, and a bounded number of retries with back-off ([fetch] in handouts.toml). A retried
POST cannot file the packet twice: it is a conditional create on the document's own identifier.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid
from pathlib import Path

from ..atomic import write_atomically
from ..errors import InputError
from ..readers import fhir
from ..workspace.config import FetchConfig
from ..workspace.fetch import Fetcher, FetchError

LOINC = "http://loinc.org"
# LOINC 34895-3 "Education note": the document type for patient education material.
EDUCATION_NOTE = {"system": LOINC, "code": "34895-3", "display": "Education note"}
US_CORE_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category"
US_CORE_PROFILE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-documentreference"
# The handout's own identifier: the same order and the same PDF bytes are the same document.
_NAMESPACE = uuid.UUID("5d0b6f0e-8f5a-4d0e-9a39-5a0f4bb1c8d2")


class FilingError(Exception):
    """The DocumentReference could not be filed: one line."""


def document_reference(order: fhir.Order, pdf: bytes, language: str, title: str, related: list[str],
                       now: dt.datetime | None = None) -> dict:
    """The US Core DocumentReference for the packet; validated by the library's model.
    ``related``: the orders ("MedicationRequest/1") whose handouts the packet holds."""
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    ident = uuid.uuid5(_NAMESPACE, f"{order.key}:{hashlib.sha256(pdf).hexdigest()}")
    author = {"reference": order.clinic_ref} if order.clinic_ref else {"display": order.clinic or "handouts"}
    document = {
        "resourceType": "DocumentReference",
        "meta": {"profile": [US_CORE_PROFILE]},
        "masterIdentifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{ident}"},
        "status": "current",
        "docStatus": "final",
        "type": {"coding": [EDUCATION_NOTE], "text": "Patient education"},
        "category": [{"coding": [{"system": US_CORE_CATEGORY, "code": "clinical-note", "display": "Clinical Note"}],
                      "text": "Patient education"}],
        "subject": {"reference": order.patient},
        "date": now.isoformat(),
        "author": [author],
        "description": "Patient medicine handouts (one-page, urgent warning signs first)",
        "content": [{
            "attachment": {
                "contentType": "application/pdf",
                "language": language.replace("_", "-"),
                "data": base64.b64encode(pdf).decode("ascii"),
                "size": len(pdf),
                # FHIR's Attachment.hash: the SHA-1 of the data, base64-encoded.
                "hash": base64.b64encode(hashlib.sha1(pdf).digest()).decode("ascii"),  # noqa: S324 (FHIR says SHA-1)
                "title": title,
                "creation": now.isoformat(),
            },
            "format": {"system": "http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode",
                       "code": "urn:ihe:iti:xds:2017:mimeTypeSufficient", "display": "mimeType Sufficient"},
        }],
        "context": {"related": [{"reference": ref} for ref in related]},
    }
    validate(document)
    return document


def validate(document: dict):
    """The DocumentReference as fhir.resources' model; an InputError naming the element otherwise."""
    from fhir.resources.R4B.documentreference import DocumentReference
    from pydantic import ValidationError

    try:
        return DocumentReference.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(None, f"DocumentReference: {fhir.element_path(first['loc'])}: {fhir.problem(first)}") from None


def write(document: dict, target: Path) -> None:
    """The DocumentReference as JSON, owner-only: it holds the patient's packet."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomically(json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8") + b"\n", target,
                     private=True)


def post(document: dict, base_url: str, settings: FetchConfig | None = None) -> str:
    """POST the DocumentReference to the FHIR server at ``base_url``; where the server filed it."""
    url = base_url.rstrip("/")
    if not url.endswith("/DocumentReference"):
        url += "/DocumentReference"
    ident = document["masterIdentifier"]
    headers = {"Content-Type": "application/fhir+json", "Accept": "application/fhir+json",
               "If-None-Exist": f"identifier={ident['system']}|{ident['value']}"}
    try:
        with Fetcher(settings or FetchConfig()) as fetcher:
            reply_headers, _ = fetcher.request("POST", url, content=json.dumps(document).encode("utf-8"),
                                               headers=headers, what="the DocumentReference endpoint")
    except FetchError as error:
        raise FilingError(str(error)) from None
    return reply_headers.get("Location") or reply_headers.get("Content-Location") or url
