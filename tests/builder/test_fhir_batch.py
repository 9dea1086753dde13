"""A clinic day: `handouts packet --fhir DIR/` makes one packet per patient Bundle, in parallel."""

from __future__ import annotations

import json
import stat

from .. import pdfread
from .fhirpackets import BUNDLE, invoke, workspace


def day_of_bundles(folder, count: int):
    """``count`` patients' Bundles: the fixture's, each with its own order id, patient and name."""
    folder.mkdir()
    base = json.loads(BUNDLE.read_text())
    for n in range(1, count + 1):
        data = json.loads(json.dumps(base))
        data["id"] = f"day-{n:02d}"
        data["entry"][0]["resource"]["name"][0]["given"] = [f"Testpatient{n}"]
        # Each patient on a different start date: the calendars are theirs, not a shared one.
        for entry in data["entry"]:
            for dosage in entry["resource"].get("dosageInstruction", []):
                dosage["timing"]["repeat"]["boundsPeriod"]["start"] = f"2026-03-{n + 1:02d}"
        (folder / f"patient-{n}.json").write_text(json.dumps(data))
    (folder / "notes.txt").write_text("not a Bundle: left alone")


def test_five_bundles_make_five_packets_in_parallel_one_line_each_and_a_summary(tmp_path):
    root = workspace(tmp_path / "ws")
    day_of_bundles(tmp_path / "day", 5)
    result = invoke("packet", "-w", str(root), "--fhir", str(tmp_path / "day"), "--partial", "-j", "2",
                    "--date", "2026-02-27")
    assert result.exit_code == 0, result.output
    made = [line for line in result.output.splitlines() if ": packet " in line]
    assert len(made) == 5
    assert result.output.splitlines()[-1] == "5 of 5 patient packet(s) made"
    folder = root / "out" / "patients"
    assert sorted(p.name for p in folder.iterdir() if p.name != ".handouts-lock") == [f"day-{n:02d}.pdf" for n in range(1, 6)]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for n in range(1, 6):
        text = pdfread.text(folder / f"day-{n:02d}.pdf")
        assert f"Testpatient{n} Quintanilla-Prueba" in text  # each packet its own patient's
        assert f"Empieza el tratamiento: {n + 1} de marzo de 2026" in text


def test_one_bad_bundle_fails_alone(tmp_path):
    root = workspace(tmp_path / "ws")
    day_of_bundles(tmp_path / "day", 2)
    (tmp_path / "day" / "patient-3.json").write_text('{"resourceType": "Patient"}')
    result = invoke("packet", "-w", str(root), "--fhir", str(tmp_path / "day"), "--partial", "-j", "2")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "2 of 3 patient packet(s) made, 1 failed"
    assert "not a FHIR Bundle (resourceType 'Patient')" in result.output
