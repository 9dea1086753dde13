"""Issue 27, point 5: every reader is linear in its input. A document with a run of 300,000
spaces (or newlines, brackets, ...) is listed in seconds, in a child process whose time and
peak memory are measured; before, 40,000 spaces took a drugs.com page 8 s and 900,000 more
than 120 s, so a quadratic reader runs for many minutes here."""

from __future__ import annotations

import json
import zipfile

import pytest

from handouts.readers import openfda, read_document

from ..conftest import FIXTURES
from ..measure import run_handouts

# One document of each format, each read by another reader.
DOCUMENTS = {
    "drugscom.txt": FIXTURES / "drugscom" / "serious_boxed.txt",
    "cancergov.md": FIXTURES / "cancergov" / "zentomab.md",
    "sheet.txt": FIXTURES / "sheet" / "zentomab_sublists.txt",
    "spl.xml": FIXTURES / "fda" / "zentomab-medguide.xml",
    "openfda.json": FIXTURES / "fda" / "zentomab.api-response.json",
    "record.yaml": FIXTURES / "records" / "vexaprolin.yaml",
}
RUN = 300_000
# Listing six such documents takes a few seconds (markdown-it reads 300,000 "[" in about 10 s)
# and under 200 MB; a quadratic reader needs many minutes.
SECONDS = 60
PEAK_MB = 400


def with_run(text: str, fill: str, where: str) -> str:
    """``text`` with a run of ``fill`` RUN characters long in the middle of its middle line."""
    lines = text.split("\n")
    n = len(lines) // 2
    line = lines[n]
    cut = {"start": 0, "middle": len(line) // 2, "end": len(line)}[where]
    lines[n] = line[:cut] + fill * (RUN // len(fill)) + line[cut:]
    return "\n".join(lines)


@pytest.mark.parametrize("fill", [" ", "\n", " \n", "\t", "[", "(", "*", "|", "a "])
@pytest.mark.parametrize("where", ["middle", "end"])
def test_a_long_run_is_read_in_linear_time(make_workspace, fill, where):
    files = {name: with_run(path.read_text(encoding="utf-8"), fill, where) for name, path in DOCUMENTS.items()}
    root = make_workspace(files)
    run = run_handouts("list", "-w", root, timeout=SECONDS * 3)
    assert run.seconds < SECONDS and run.peak_mb < PEAK_MB, (run.seconds, run.peak_mb, run.output[-800:])
    assert run.returncode in (0, 2) and "Traceback" not in run.output, run.output[-800:]
    for name in files:  # each file is listed or is one line
        assert f"sources/{name}" in run.output, (name, run.output[-800:])


def test_a_line_of_900000_spaces_is_read_in_linear_time(make_workspace):
    # The attack as reported: a line of nothing but spaces, 40,000 of which took 3 s here before.
    files = {}
    for name, path in DOCUMENTS.items():
        lines = path.read_text(encoding="utf-8").split("\n")
        lines.insert(len(lines) // 2, " " * 900_000)
        files[name] = "\n".join(lines)
    root = make_workspace(files)
    run = run_handouts("list", "-w", root, timeout=SECONDS * 3)
    assert run.seconds < SECONDS and run.peak_mb < PEAK_MB, (run.seconds, run.peak_mb, run.output[-800:])
    assert run.returncode in (0, 2) and "Traceback" not in run.output, run.output[-800:]
    assert "zentomab" in run.output.lower()


def label(n: int, medguide: str = "Call your healthcare provider right away if you have a fever.") -> dict:
    return {"set_id": f"set-{n}", "version": "1", "effective_time": "20240101",
            "openfda": {"generic_name": ["zentomab"], "manufacturer_name": ["Maker"]},
            "spl_medguide": [medguide]}


def bulk_zip(path, labels, count: int) -> None:
    """A bulk part of ``count`` copies of ``labels`` written piece by piece (never whole in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("part.json", "w") as out:
        out.write(b'{"meta": {}, "results": [')
        piece = ",".join(json.dumps(label) for label in labels).encode()
        for n in range(count):
            out.write((b"," if n else b"") + piece)
        out.write(b"]}")


def test_a_zip_with_one_huge_string_is_one_line(make_workspace, tmp_path):
    root = make_workspace({})
    path = root / "sources" / "bomb.json.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("part.json", "w") as out:
        head = json.dumps({"results": [label(1, "")]})
        out.write(head[: head.index('""') + 1].encode())
        for _ in range(300):
            out.write(b"a" * 1_000_000)
        out.write(head[head.index('""') + 1:].encode())
    assert path.stat().st_size < 2_000_000
    assert_one_line(root, f"error: sources/bomb.json.zip: a label in the zip runs past {openfda.MAX_LABEL_BYTES:,} "
                          "bytes, more than any drug label holds")


def test_a_zip_of_a_million_labels_is_one_line(make_workspace):
    root = make_workspace({})
    path = root / "sources" / "many.json.zip"
    bulk_zip(path, [label(1)], 1_100_000)
    assert_one_line(root, f"error: sources/many.json.zip: more than {openfda.MAX_LABELS:,} labels in the zip: "
                          "an openFDA bulk part holds about 20,000")


def assert_one_line(root, line: str) -> None:
    """`list` says ``line`` of the zip, within the time and memory bounds."""
    run = run_handouts("list", "-w", root, timeout=SECONDS * 3)
    assert run.seconds < SECONDS and run.peak_mb < PEAK_MB, (run.seconds, run.peak_mb, run.output[-800:])
    assert run.returncode == 2 and "Traceback" not in run.output
    assert line in run.lines, run.output


def test_labels_set_aside_are_counted_not_listed(tmp_path):
    path = tmp_path / "part.json.zip"
    bulk_zip(path, [label(1), label(2), label(3)], 1000)
    record = read_document(path, "part.json.zip")
    aside = [note for note in record.notes if "set aside" in note]
    assert len(aside) == 3, aside
    assert any("(1,000 times)" in note for note in aside) and any("(999 times)" in note for note in aside), aside
