"""Filing a patient's packet back: the US Core DocumentReference (--fhir-out), POSTed to a FHIR
server (--fhir-url, a local server the test starts on 127.0.0.1), and never filed with drafts."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from handouts.builder import patient
from handouts.workspace import catalogue

from .fhirpackets import BUNDLE, NAME_PARTS, invoke, workspace

DATE = "2026-02-27"


class Endpoint:
    """A FHIR server's DocumentReference endpoint: answers each POST with the next status in
    ``statuses`` (the last one repeats), and keeps what it was sent."""

    def __init__(self, statuses: list[int]):
        self.statuses, self.received = list(statuses), []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                server.received.append((self.path, dict(self.headers), body))
                status = server.statuses.pop(0) if len(server.statuses) > 1 else server.statuses[0]
                self.send_response(status)
                if status == 201:
                    self.send_header("Location", f"http://127.0.0.1/fhir/DocumentReference/{len(server.received)}/_history/1")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):  # the test reads its own lines, not the server's
                pass

        self.handler = Handler


@contextlib.contextmanager
def fhir_server(statuses: list[int]):
    """The endpoint, serving on 127.0.0.1 (a free port) while the block runs."""
    server = Endpoint(statuses)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), server.handler)
    server.url = f"http://127.0.0.1:{httpd.server_address[1]}/fhir"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def root(tmp_path):
    root = workspace(tmp_path / "ws")
    # Retries without the real back-off: the bounds are fetch's, from handouts.toml.
    (root / "handouts.toml").write_text("[fetch]\nretries = 2\nbackoff = 0.01\ntimeout = 5\n")
    return root


def test_the_document_reference_is_valid_and_holds_the_very_pdf(root, tmp_path):
    out = tmp_path / "filed"
    out.mkdir()
    result = invoke("packet", "-w", str(root), "--fhir", str(BUNDLE), "--date", DATE, "--partial", "--fhir-out", str(out))
    assert result.exit_code == 0, result.output
    document = json.loads((out / "order-2026-0001.json").read_text())
    from fhir.resources.R4B.documentreference import DocumentReference

    model = DocumentReference.model_validate(document)
    attachment = model.content[0].attachment
    pdf = (root / "out" / "patients" / "order-2026-0001.pdf").read_bytes()
    assert base64.b64decode(document["content"][0]["attachment"]["data"]) == pdf
    assert attachment.size == len(pdf)
    assert base64.b64decode(document["content"][0]["attachment"]["hash"]) == hashlib.sha1(pdf).digest()
    assert (attachment.contentType, attachment.language, attachment.title) == ("application/pdf", "es",
                                                                                 "CORV-VELM (test regimen): sus medicamentos")
    assert model.status == "current" and model.subject.reference == "Patient/pt-1001"
    assert model.type.coding[0].code == "34895-3"
    assert [a.reference for a in model.author] == ["Organization/org-1"]
    assert sorted(r.reference for r in model.context.related) == [
        "MedicationRequest/mr-corv", "MedicationRequest/mr-tesd", "MedicationRequest/mr-velm"]
    # The patient is the subject by reference: the resource names them nowhere else in words.
    text = json.dumps({k: v for k, v in document.items() if k != "content"})
    assert not any(part in text for part in NAME_PARTS)


def test_it_is_posted_to_the_fhir_server_retried_after_a_503_as_a_conditional_create(root):
    with fhir_server([503, 201]) as server:
        result = invoke("packet", "-w", str(root), "--fhir", str(BUNDLE), "--date", DATE, "--partial",
                        "--fhir-url", server.url)
    assert result.exit_code == 0, result.output
    assert len(server.received) == 2  # one 503, then filed
    path, headers, body = server.received[-1]
    assert path == "/fhir/DocumentReference"
    assert headers["Content-Type"] == "application/fhir+json"
    document = json.loads(body)
    assert headers["If-None-Exist"] == f"identifier=urn:ietf:rfc:3986|{document['masterIdentifier']['value']}"
    assert document["resourceType"] == "DocumentReference"
    assert "order-2026-0001: filed at http://127.0.0.1/fhir/DocumentReference/2/_history/1" in result.output


def test_a_server_that_keeps_failing_is_one_line_after_the_bounded_retries(root):
    with fhir_server([500]) as server:
        result = invoke("packet", "-w", str(root), "--fhir", str(BUNDLE), "--date", DATE, "--partial",
                        "--fhir-url", server.url)
    assert result.exit_code == 1
    assert len(server.received) == 3  # the first try and two retries: handouts.toml's bound
    failed = [line for line in result.output.splitlines() if line.startswith("FAILED")]
    assert failed == ["FAILED order-2026-0001: not filed: 127.0.0.1 answered 500 Internal Server Error 3 times; "
                      "try again later"]
    # The packet itself was made: only the filing failed.
    assert (root / "out" / "patients" / "order-2026-0001.pdf").is_file()


def test_a_packet_holding_a_draft_is_never_filed(root, tmp_path, monkeypatch):
    """Drafts (issue 26's approval) are not built yet: is_draft is the hook, False until then."""
    assert not any(patient.is_draft(d) for d in catalogue.load(root).drugs)
    monkeypatch.setattr(patient, "is_draft", lambda drug: drug.name == "corvantinib")
    out = tmp_path / "filed.json"
    with fhir_server([201]) as server:
        result = invoke("packet", "-w", str(root), "--fhir", str(BUNDLE), "--date", DATE, "--partial",
                        "--fhir-out", str(out), "--fhir-url", server.url)
    assert result.exit_code == 1
    assert "order-2026-0001: not filed: draft handouts (corvantinib) are never filed in the chart" in result.output
    assert not out.exists() and server.received == []
